// Grid work 网格 in the console: the county's tags, the village map's tagged
// households, the county's settings, patrols with their tracks, compliance per worker
// and day, live positions and visits due.
import { api, withQuery, type Page } from '@/shared/api';
import type { Boundary } from '@/shared/types';

export interface Tag {
  id: number;
  county_id: number | null;
  name: string;
  icon: string;
  color: string;
  sensitive: boolean;
  roles: string;
  active: boolean;
  order: number;
  visit_days: number;
  person: boolean;      // about a person: may be set on a resident too
}
export interface TaggedHousehold {
  id: number;
  number: string;
  head_name: string;
  lat: number | null;   // null: the location is not known yet
  lng: number | null;
  grid_id: number | null;
  tag_ids: number[];
  resident_tag_ids: number[];   // tags its residents carry
}
export interface TagChange { tag_id: number; tag_name: string; action: 'set' | 'remove'; actor_name: string; at: string }
export interface ResidentTags { id: number; name: string; relation: string; tags: (Tag & { set_at: string })[]; history: TagChange[] }
export interface HouseholdTags {
  household_id: number;
  tags: (Tag & { set_at: string })[];
  history: TagChange[];
  can_edit: boolean;
  residents: ResidentTags[];
}
export interface TrackStats { points: number; inside_points: number; length_m: number; duration_s: number; inside_pct: number }
export interface Patrol {
  id: number;
  grid_id: number;
  grid_name: string;
  village_id: number;
  village_name: string;
  user_id: number;
  user_name: string;
  day: string;
  started_at: string;
  ended_at: string | null;
  open: boolean;
  qualified: boolean;
  stats: TrackStats;
}
export interface Finding {
  id: number;
  category: string;
  note: string;
  location: { lat: number; lng: number } | null;
  event_id: number | null;
  created_at: string;
  photos: { n: number; url: string }[];
}
export interface PatrolDetail extends Patrol {
  track: { seq: number; at: string; lat: number; lng: number; inside: boolean }[];
  findings: Finding[];
  boundary: Boundary | null;
}
export interface Settings {
  county_id: number;
  patrols_per_day: number;
  min_minutes: number;
  min_metres: number;
  min_inside_pct: number;
  retention_days: number;
  tile_url?: string;           // the county's tile server ('' for none)
  tile_attribution?: string;
  visit_rules?: { tag_id: number; days: number }[];
}
export interface ComplianceRow {
  user_id: number;
  user_name: string;
  unit_name: string;
  day: string;
  patrols: number;
  qualified: number;
  length_m: number;
  duration_s: number;
  inside_pct: number | null;
  compliant: boolean;
}
export interface Position { user_id: number; user_name: string; unit_name: string; at: string; age_s: number; lat: number; lng: number; accuracy_m: number }
export interface VisitDue {
  household_id: number;
  grid_id: number | null;
  number: string;
  head_name: string;
  tags: string;
  days: number;
  last_visit: string | null;
  due_at: string;
  overdue: boolean;
}

export const tags = () => api.get<{ items: Tag[] }>('/api/v1/tags');
export const taggedHouseholds = (villageId: number) => api.get<{ households: TaggedHousehold[] }>(`/api/v1/villages/${villageId}/tagged-households`);
export const householdTags = (id: number) => api.get<HouseholdTags>(`/api/v1/households/${id}/tags`);
export const setHouseholdTags = (id: number, tagIds: number[]) => api.put<HouseholdTags>(`/api/v1/households/${id}/tags`, { tag_ids: tagIds });
export const setResidentTags = (id: number, tagIds: number[]) => api.put<HouseholdTags>(`/api/v1/residents/${id}/tags`, { tag_ids: tagIds });
export const compliance = (unitId: number, from?: string, to?: string) =>
  api.get<{ items: ComplianceRow[]; target: Settings }>('/api/v1/patrol-compliance', { unit_id: unitId, from, to });
export const patrols = (query: { unit_id?: number; user_id?: number; day?: string; limit?: number }) => api.get<Page<Patrol>>('/api/v1/patrols', query);
export const patrol = (id: number) => api.get<PatrolDetail>(`/api/v1/patrols/${id}`);
export const positions = (unitId: number) => api.get<{ items: Position[] }>('/api/v1/positions', { unit_id: unitId });
export const visitsDue = (unitId: number, overdue: boolean) => api.get<{ items: VisitDue[]; overdue: number }>('/api/v1/visits/due', { unit_id: unitId, overdue: overdue ? 1 : 0, within_days: 7 });

// ---- the grid workers' allowance 网格员津贴 and places on the map ----
export interface AllowanceRule {
  county_id: number;
  set: boolean;
  base_fen: number;
  patrol_day_fen: number;
  missed_day_fen: number;
  visit_fen: number;
  late_visit_fen: number;
  event_fen: number;
  max_fen: number;
  updated_at: string | null;
}
export type RuleInput = Omit<AllowanceRule, 'county_id' | 'set' | 'updated_at'>;
export interface Allowance {
  id: number;
  town_id: number;
  town_name: string;
  user_id: number;
  user_name: string;
  unit_name: string;
  month: string;
  status: 'computed' | 'approved';
  days_counted: number;
  compliant_days: number;
  missed_days: number;
  visits_on_time: number;
  visits_late: number;
  events: number;
  rule: AllowanceRule;
  components: { base_fen: number; patrol_fen: number; missed_fen: number; visit_fen: number; late_visit_fen: number; event_fen: number };
  capped: boolean;
  total_fen: number;
  computed_at: string;
  approved_at: string | null;
  approved_by: string | null;
}
export interface MapPlace { id: number; village_id: number; kind: 'flood' | 'fire' | 'house' | 'camera'; name: string; note: string; lat: number; lng: number; video_url: string | null }

export const allowanceRule = () => api.get<AllowanceRule>('/api/v1/allowance-rule');
export const putAllowanceRule = (body: RuleInput) => api.put<AllowanceRule>('/api/v1/allowance-rule', body);
export const allowances = (unitId: number, month: string) => api.get<{ items: Allowance[] }>('/api/v1/allowances', { unit_id: unitId, month });
export const computeAllowances = (unitId: number, month: string) => api.post<{ items: Allowance[] }>('/api/v1/allowances/compute', { unit_id: unitId, month });
export const approveAllowance = (id: number) => api.post<Allowance>(`/api/v1/allowances/${id}/approve`, {});
export const allowancesXlsxUrl = (unitId: number, month: string) => withQuery('/api/v1/allowances-export.xlsx', { unit_id: unitId, month });
export const villagePlaces = (villageId: number) => api.get<{ items: MapPlace[] }>(`/api/v1/villages/${villageId}/places`);
export const locateHousehold = (id: number, lat: number, lng: number) => api.put<{ lat: number; lng: number }>(`/api/v1/households/${id}/location`, { lat, lng });

// the county's grid settings and tag set (county admins change them)
export type SettingsInput = Omit<Settings, 'county_id'>;
export interface TagInput { name: string; icon: string; color: string; sensitive: boolean; roles: string; person: boolean; active?: boolean }
export const gridSettings = () => api.get<Settings>('/api/v1/grid-settings');
export const putGridSettings = (body: SettingsInput) => api.put<Settings>('/api/v1/grid-settings', body);
export const createTag = (body: TagInput) => api.post<{ id: number }>('/api/v1/tags', body);
export const updateTag = (id: number, body: Partial<TagInput>) => api.patch<{ id: number }>(`/api/v1/tags/${id}`, body);
