// 清单制 in the console: the county's templates, a village's adopted versions, the
// execution records (shared reads in shared/lists/api.ts), the overdue board and the
// statistics with their XLSX export.
import { api, withQuery, type Page, type Query } from '@/shared/api';
import type { ExecSummary, ListItem, ListKind, ListTemplate, ListVersion, Meeting } from '@/shared/lists/types';

export * from '@/shared/lists/api';
export type * from '@/shared/lists/types';

export type TemplateBody = Omit<ListTemplate, 'id' | 'updated_at' | 'role_label' | 'steps'> & {
  steps: { name: string; role: string; limit_days: number; disclose: boolean; attachments: string[] }[];
};

export const listTemplates = (kind?: ListKind) => api.get<{ items: ListTemplate[] }>('/api/v1/list-templates', { kind });
export const createTemplate = (body: TemplateBody) => api.post<ListTemplate>('/api/v1/list-templates', body);
export const updateTemplate = (id: number, body: Partial<TemplateBody>) => api.patch<ListTemplate>(`/api/v1/list-templates/${id}`, body);

export const listVersions = (village: number) => api.get<{ items: ListVersion[] }>('/api/v1/lists/versions', { village });
export const adoptVersion = (body: { village: number; meeting: Meeting; items: ({ template_id: number } | TemplateBody)[] }) =>
  api.post<{ version: ListVersion; items: ListItem[] }>('/api/v1/lists/versions', body);

export interface StatsRow {
  key: number;
  name: string;
  n: number;
  closed: number;
  on_time: number;
  overdue_now: number;
  late: number;
  on_time_rate: number | null;
  median_days: number | null;
}
export interface LateVillage { id: number; name: string; overdue_now: number; late: number }
export interface ListStats { group_by: 'village' | 'item'; from: string | null; to: string | null; total: StatsRow; groups: StatsRow[]; late_villages: LateVillage[] }
export const listStats = (q: Query) => api.get<ListStats>('/api/v1/list-stats', q);
export const listStatsXlsxUrl = (q: Query) => withQuery('/api/v1/list-stats', { ...q, format: 'xlsx' });
export const listBoard = (q: Query) => api.get<Page<ExecSummary>>('/api/v1/list-board', q);
