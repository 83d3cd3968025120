// Disputes 矛盾纠纷 and emergencies 应急事件 in the console: the list with its
// statistics, one dispute with parties, mediators, sessions, outcome and follow-up;
// the emergency board, one emergency, acknowledging and the 大喇叭 broadcast; the
// duty officer's live alert stream.
import { api, withQuery, type Page, type Query } from '@/shared/api';

export interface Step { id: number; at: string; actor_name: string; action: string; from_state: string; to_state: string; department_name: string | null; note: string }
export interface DisputeEvent {
  id: number; village_id: number; village_name: string; town_name: string; category_id: number; category_name: string;
  description: string; state: string; state_label: string; department_name: string | null; village_handled: boolean;
  created_at: string; finished_at: string | null; overdue: boolean; reporter?: { name: string; phone: string };
  channel_name?: string; finish_due?: string | null; actions?: string[]; timeline: Step[];
}
export interface Party { role: string; role_label: string; self: boolean; name?: string; phone?: string; household_id?: number | null }
export interface Mediator { user_id?: number; name: string; assigned_at?: string; assigned_by_name?: string }
export interface Session { id: number; held_at: string; place: string; notes?: string; created_by_name?: string; photos?: string[] }
export interface Dispute {
  id: number; event: DisputeEvent; dispute_type: string; dispute_type_label: string; stage_label: string;
  outcome: string | null; outcome_label: string; referred_to: string | null; referred_label: string; referred_note?: string;
  outcome_at: string | null; outcome_by_name?: string | null; followup_due: string | null; followup_at: string | null;
  followup_result: string | null; followup_overdue: boolean; followup_note?: string; followup_by_name?: string | null;
  recurring: number; agreement?: string; agreement_photo_url?: string | null; can?: string[];
  parties?: Party[]; mediators?: Mediator[]; sessions?: Session[];
}
export interface StatsRow {
  village_id?: number; village_name?: string; received: number; mediating: number; mediated: number; referred: number;
  recurring: number; followups_due: number; followups_overdue: number; kept: number; mediation_rate: number | null;
}
export interface PartyInput { role: string; name: string; phone?: string }

export const DISPUTE_TYPES = ['family', 'neighbour', 'land', 'contract', 'labour', 'other'];
export const REFERRALS = ['judicial', 'court', 'petition', 'other'];

export const listDisputes = (q: Query) => api.get<Page<Dispute>>('/api/v1/disputes', q);
export const getDispute = (id: number | string) => api.get<Dispute>(`/api/v1/disputes/${id}`);
export const createDispute = (body: Record<string, unknown>) => api.post<Dispute>('/api/v1/disputes', body);
export const disputeStats = (q: Query) => api.get<{ total: StatsRow; villages: StatsRow[] }>('/api/v1/dispute-stats', q);
// the same counts for each of the last 12 months, and both as an XLSX file
export const disputeMonths = () => api.get<{ total: StatsRow; months: (StatsRow & { month: string })[] }>('/api/v1/dispute-stats', { group_by: 'month' });
export const disputeStatsXlsxUrl = (q: Query) => withQuery('/api/v1/dispute-stats', { ...q, format: 'xlsx' });
export const candidates = (id: number) => api.get<{ items: { user_id: number; name: string }[] }>(`/api/v1/disputes/${id}/mediator-candidates`);
export const addMediator = (id: number, userId: number) => api.post<Dispute>(`/api/v1/disputes/${id}/mediators`, { user_id: userId });
export const removeMediator = (id: number, userId: number) => api.del<Dispute>(`/api/v1/disputes/${id}/mediators/${userId}`);
export const addSession = (id: number, body: Record<string, unknown>) => api.post<Dispute>(`/api/v1/disputes/${id}/sessions`, body);
export const setOutcome = (id: number, body: Record<string, unknown>) => api.post<Dispute>(`/api/v1/disputes/${id}/outcome`, body);
export const followup = (id: number, body: Record<string, unknown>) => api.post<Dispute>(`/api/v1/disputes/${id}/followup`, body);
export interface DisputeSettings { county_id: number; followup_days: number }
export const disputeSettings = () => api.get<DisputeSettings>('/api/v1/dispute-settings');
export const putDisputeSettings = (body: Record<string, unknown>) => api.put<DisputeSettings>('/api/v1/dispute-settings', body);
export const disputeCategories = () => api.get<{ items: { id: number; name: string; active: boolean }[] }>('/api/v1/event-categories');

export interface Alert { user_id: number; name: string; alerted_at: string; acked_at: string | null }
export interface Emergency {
  id: number; event: DisputeEvent; emergency_type: string; emergency_type_label: string; broadcast_id: number | null;
  broadcast_at: string | null; acked: boolean; can_ack: boolean; can_broadcast: boolean; alerts: Alert[];
  alerted_count: number; acked_count: number;
}
export interface AlertEvent { id: number; emergency_type: string; emergency_type_label: string; village_name: string; town_name: string; description: string; created_at: string }

export const EMERGENCY_TYPES = ['fire', 'flood', 'missing', 'accident', 'other'];
export const listEmergencies = (all = false) => api.get<{ items: Emergency[] }>('/api/v1/emergencies', all ? { all: 1 } : {});
export const getEmergency = (id: number | string) => api.get<Emergency>(`/api/v1/emergencies/${id}`);
export const createEmergency = (body: Record<string, unknown>) => api.post<Emergency>('/api/v1/emergencies', body);
export const ackEmergency = (id: number) => api.post<Emergency>(`/api/v1/emergencies/${id}/ack`, {});
export const broadcastEmergency = (id: number, body: Record<string, unknown>) => api.post<Emergency>(`/api/v1/emergencies/${id}/broadcast`, body);
export const ALERT_STREAM = '/api/v1/emergency-alerts/stream';

// A time as the API sends it (China Standard Time), to the second.
export const toSecond = (s: string | null | undefined) => (s ? s.slice(0, 19).replace('T', ' ') : '');
// An instant for the API: ISO 8601 to the second.
export const isoSecond = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
