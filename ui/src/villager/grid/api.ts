// The grid worker's phone: their grids' households with tags, today's patrol with its
// track sent in batches, findings with photos, positions while on duty, visits due.
import { api, BACKGROUND_ANSWER_MS, type Page } from '@/shared/api';
import type { Boundary, Grid } from '@/shared/types';

export interface Tag { id: number; name: string; icon: string; color: string; sensitive: boolean; active: boolean; person: boolean }
export interface TaggedHousehold { id: number; number: string; head_name: string; lat: number | null; lng: number | null; grid_id: number | null; tag_ids: number[]; resident_tag_ids: number[] }
// the household card: its tags and its people's
export interface CardTag { id: number; name: string; icon: string; color: string; sensitive: boolean; set_at: string }
// who set or removed a tag, and when (only the tags the reader may see)
export interface TagChange { tag_id: number; tag_name: string; action: 'set' | 'remove'; actor_name: string; at: string }
export interface CardResident { id: number; name: string; relation: string; tags: CardTag[]; history: TagChange[] }
export interface HouseholdCard { household_id: number; tags: CardTag[]; history: TagChange[]; can_edit: boolean; residents: CardResident[] }
export interface TrackStats { points: number; inside_points: number; length_m: number; duration_s: number; inside_pct: number }
export interface Patrol {
  id: number; grid_id: number; grid_name: string; day: string; started_at: string; ended_at: string | null; open: boolean; qualified: boolean; stats: TrackStats;
  boundary?: Boundary | null;
  findings?: { id: number; category: string; note: string; event_id: number | null }[];
}
export interface TrackPoint { seq: number; at: number; lat: number; lng: number }
export interface ComplianceRow { day: string; patrols: number; qualified: number; length_m: number; compliant: boolean }
export interface Target { patrols_per_day: number; min_minutes: number; min_metres: number; min_inside_pct: number }
export interface VisitDue { household_id: number; number: string; head_name: string; tags: string; days: number; last_visit: string | null; due_at: string; overdue: boolean }

export const tags = () => api.get<{ items: Tag[] }>('/api/v1/tags');
export const villageGrids = (villageId: number) => api.get<{ items: Grid[] }>(`/api/v1/villages/${villageId}/grids`);
export const householdCard = (id: number) => api.get<HouseholdCard>(`/api/v1/households/${id}/tags`);
// the visible tags become exactly these (those the worker may not see stay as they are)
export const setHouseholdTags = (id: number, tagIds: number[]) => api.put<HouseholdCard>(`/api/v1/households/${id}/tags`, { tag_ids: tagIds });
export const setResidentTags = (id: number, tagIds: number[]) => api.put<HouseholdCard>(`/api/v1/residents/${id}/tags`, { tag_ids: tagIds });
export const taggedHouseholds = (villageId: number) => api.get<{ households: TaggedHousehold[] }>(`/api/v1/villages/${villageId}/tagged-households`);
export const myPatrols = (day: string) => api.get<Page<Patrol>>('/api/v1/patrols', { day, limit: 20 });
export const patrol = (id: number) => api.get<Patrol>(`/api/v1/patrols/${id}`);
export const startPatrol = (gridId: number | undefined, key: string) => api.post<Patrol>('/api/v1/patrols', { grid_id: gridId, idempotency_key: key });
export const sendPoints = (id: number, points: TrackPoint[]) =>
  api.post<{ added: number; stats: TrackStats; qualified: boolean }>(`/api/v1/patrols/${id}/points`, { points }, undefined, BACKGROUND_ANSWER_MS);
export const endPatrol = (id: number) => api.post<Patrol>(`/api/v1/patrols/${id}/end`, {});
export const addFinding = (id: number, body: { category: string; note: string; lat?: number; lng?: number; photos: string[]; event_category_id?: number; idempotency_key: string }) =>
  api.post<{ id: number; event_id: number | null }>(`/api/v1/patrols/${id}/findings`, body);
// what is kept of the worker's own positions: the newest, and how many the server holds
export const myPositions = () => api.get<Page<{ at: string; lat: number; lng: number }>>('/api/v1/positions/mine', { limit: 1 });
export const sendPositions = (points: { at: number; lat: number; lng: number; accuracy?: number }[]) => api.post<{ added: number }>('/api/v1/positions', { points });
export const compliance = (unitId: number) => api.get<{ items: ComplianceRow[]; target: Target }>('/api/v1/patrol-compliance', { unit_id: unitId });
export const visitsDue = (unitId: number) => api.get<{ items: VisitDue[]; overdue: number }>('/api/v1/visits/due', { unit_id: unitId, within_days: 7 });
export const addVisit = (body: { household_id: number; notes: string; lat?: number; lng?: number; photos: string[]; idempotency_key: string }) =>
  api.post<{ id: number; distance_m: number | null }>('/api/v1/visits', body);
export const unit = (id: number) => api.get<{ id: number; parent_id: number | null; kind: string; name: string }>(`/api/v1/units/${id}`);
export const locateHousehold = (id: number, lat: number, lng: number) => api.put<{ lat: number; lng: number }>(`/api/v1/households/${id}/location`, { lat, lng });

// the worker's own allowance months (how each was counted) and the village's places
export interface AllowanceMonth {
  id: number; month: string; status: 'computed' | 'approved'; days_counted: number; compliant_days: number; missed_days: number;
  visits_on_time: number; visits_late: number; events: number; total_fen: number; capped: boolean;
  rule: { base_fen: number; patrol_day_fen: number; missed_day_fen: number; visit_fen: number; late_visit_fen: number; event_fen: number; max_fen: number };
  components: { base_fen: number; patrol_fen: number; missed_fen: number; visit_fen: number; late_visit_fen: number; event_fen: number };
}
export interface Place { id: number; kind: 'flood' | 'fire' | 'house' | 'camera'; name: string; note: string; lat: number; lng: number; video_url: string | null }
export const myAllowances = () => api.get<{ items: AllowanceMonth[] }>('/api/v1/allowances/mine');
export const villagePlaces = (villageId: number) => api.get<{ items: Place[] }>(`/api/v1/villages/${villageId}/places`);

// the village's roads for the map, and the events the worker's patrol findings raised
export type { MapRoad } from '@/shared/map/roads';
export const villageRoads = (villageId: number) => api.get<{ items: import('@/shared/map/roads').MapRoad[] }>(`/api/v1/villages/${villageId}/roads`);
export interface FindingEvent {
  finding_id: number; patrol_id: number; category: string; note: string; created_at: string;
  event: { id: number; state: string; overdue: boolean; category_name: string; deadline: string | null; finished_at: string | null };
}
export const findingEvents = () => api.get<{ items: FindingEvent[] }>('/api/v1/patrol-findings/events', { limit: 30 });
