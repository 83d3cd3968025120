// A party's own disputes 矛盾纠纷 in the villager app: the list and one with its steps;
// the other parties appear only by their role.
import { api } from '@/shared/api';

export interface Step { id: number; at: string; actor_name: string; action: string; from_state: string; to_state: string; note: string }
export interface MyDispute {
  id: number; dispute_type_label: string; stage_label: string; outcome_label: string; referred_label: string; recurring: number;
  followup_due: string | null; followup_at: string | null;
  event: { village_name: string; category_name: string; description: string; state: string; state_label: string; created_at: string; timeline: Step[] };
  parties?: { role: string; role_label: string; self: boolean; name?: string }[];
  mediators?: { name: string }[];
  sessions?: { id: number; held_at: string; place: string }[];
}

export const myDisputes = () => api.get<{ items: MyDispute[] }>('/api/v1/my/disputes');
export const myDispute = (id: number | string) => api.get<MyDispute>(`/api/v1/my/disputes/${id}`);
