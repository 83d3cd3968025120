// The dashboards 看板: every feature's figures of a unit and of its child units.
import { api, withQuery } from '@/shared/api';

export interface DashLink { route: string; query: Record<string, string | number> }
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
export const dashboardXlsxUrl = (unitId: number, period: string) => withQuery(`/api/v1/dashboards/${unitId}/export.xlsx`, { period });

export interface DashSeries { unit_id: number; months: string[]; series: Record<string, { months: number[]; last_year: number[] }> }
export const getSeries = (unitId: number, period: string) => api.get<DashSeries>(`/api/v1/dashboards/${unitId}/series`, { period });
