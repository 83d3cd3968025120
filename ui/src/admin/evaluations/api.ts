// Evaluations 评选 in the console: campaigns, the panel's candidates, nominations,
// moving a campaign on, objections.
import { api, type Page } from '@/shared/api';
import type { Campaign } from '@/shared/evaluations';

export type { Campaign, Nomination } from '@/shared/evaluations';
export interface Candidate { user_id: number; name: string; roles: string; household_number: string }
export interface CampaignInput {
  village_id: number; kind: string; title: string; period_from: string; period_to: string; points: number; winners: number;
  publicity_days: number; tag_name: string; criteria: { name: string; weight: number; min_score: number; max_score: number }[];
  panel: { user_id: number; label: string }[]; idempotency_key?: string;
}
export const listCampaigns = (villageId: number, unit?: { unit_id: number; status?: string }) =>
  api.get<Page<Campaign>>('/api/v1/evaluations/campaigns', unit ? { ...unit, limit: 100 } : { village_id: villageId, limit: 100 });
export const getCampaign = (id: number) => api.get<Campaign>(`/api/v1/evaluations/campaigns/${id}`);
export const candidates = (villageId: number) => api.get<{ items: Candidate[] }>('/api/v1/evaluations/candidates', { village_id: villageId });
export const createCampaign = (b: CampaignInput) => api.post<Campaign>('/api/v1/evaluations/campaigns', b);
export const moveCampaign = (id: number, action: string) => api.post<Campaign>(`/api/v1/evaluations/campaigns/${id}/actions/${action}`, {});
export const nominate = (id: number, householdId: number, note: string, key: string) =>
  api.post<{ id: number }>(`/api/v1/evaluations/campaigns/${id}/nominations`, { household_id: householdId, note, idempotency_key: key });
export const decideObjection = (id: number, uphold: boolean, reason: string) =>
  api.post<{ id: number }>(`/api/v1/evaluations/objections/${id}/decision`, { uphold, reason });
export const publicCampaign = (id: number) => api.get<Campaign>(`/api/v1/public/evaluations/${id}`);
