// The dashboards 看板: every feature's figures of a unit and of its child units.
import { api, withQuery } from '@/shared/api';

export interface DashLink { route: string; query: Record<string, string | number>; records?: string }
export interface DashSection {
  figures: Record<string, number | null>;
  link?: DashLink | null;
  links?: Record<string, DashLink>;
}
export interface DashUnit { id: number; parent_id: number; kind: string; name: string; sections: Record<string, DashSection> }
export interface Dashboard {
  unit: DashUnit;
  period: string;
  period_label: string;
  period_start: string;
  period_end: string;
  grid_from?: string;
  grid_to?: string;
  children: DashUnit[];
  additive: Record<string, string[]>;
}

export const getDashboard = (unitId: number, period: string) => api.get<Dashboard>(`/api/v1/dashboards/${unitId}`, { period });
export const monthlyReportXlsxUrl = (unitId: number, period: string) => withQuery(`/api/v1/dashboards/${unitId}/report.xlsx`, { period });
export const dashboardXlsxUrl = (unitId: number, period: string) => withQuery(`/api/v1/dashboards/${unitId}/export.xlsx`, { period });

export type SeriesBy = 'month' | 'week';
export interface DashSeries {
  unit_id: number; by?: SeriesBy; labels?: string[]; months?: string[]; weeks?: string[];
  series: Record<string, { months: number[]; last_year: number[] }>;
}
export const getSeries = (unitId: number, period: string, by: SeriesBy = 'month') =>
  api.get<DashSeries>(`/api/v1/dashboards/${unitId}/series`, { period, by });

export interface DisplayToken { id: number; unit_id: number; unit_name: string; unit_kind: string; name: string; created_by_name: string; created_at: string; revoked_at: string | null }
export interface Shape { village_id: number; town_id: number; grid_id: number; village_name: string; geometry: GeoJSON.Geometry }
export interface Display { name: string; now: string; dashboard: Dashboard; series: DashSeries; shapes: Shape[]; tiles: { url: string; attribution: string } }

export const listDisplayTokens = () => api.get<{ items: DisplayToken[] }>('/api/v1/display-tokens');
export const createDisplayToken = (unitId: number, name: string) =>
  api.post<{ id: number; token: string; path: string }>('/api/v1/display-tokens', { unit_id: unitId, name });
export const revokeDisplayToken = (id: number) => api.del<{ id: number; revoked: boolean }>(`/api/v1/display-tokens/${id}`);
export const getDisplay = (token: string) => api.get<Display>(`/api/v1/display/${encodeURIComponent(token)}`);
