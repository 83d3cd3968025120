// Village finance in the console: the chart of accounts, entries with vouchers and the
// second person's approval, the month's statement and its publishing, the XLSX files.
import { api, withQuery, type Page, type Query } from '@/shared/api';
import type { FinanceStatement } from '@/shared/finance';

export type { FinanceLine, FinanceStatement } from '@/shared/finance';

export interface Category { code: string; kind: 'income' | 'expense'; name: string; parent: string | null; leaf: boolean }
export interface Entry {
  id: number;
  village_id: number;
  kind: 'income' | 'expense';
  category: string;
  category_name: string;
  amount: number;
  occurred_on: string;
  counterpart: string;
  summary: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  vouchers: { n: number; hash: string }[];
  frozen: boolean;
  can_edit: boolean;
  can_approve: boolean;
  corrects_id: number | null;
  corrected_by_id: number | null;
  reason: string | null;
  shop_move_id: number | null;
  entered_by_name: string;
  entered_at: string;
  approved_by_name: string | null;
  approved_at: string | null;
  rejected_by_name: string | null;
  reject_reason: string | null;
  withdraw_reason: string | null;
}
export interface EntryInput {
  village_id?: number;
  kind?: string;
  category?: string;
  amount?: number;
  occurred_on?: string;
  counterpart?: string;
  summary?: string;
  vouchers?: string[];
  corrects_id?: number;
  reason?: string;
  idempotency_key?: string;
}

export const listCategories = () => api.get<{ items: Category[] }>('/api/v1/finance/categories');
export const listEntries = (q: Query) => api.get<Page<Entry>>('/api/v1/finance/entries', q);
export const createEntry = (body: EntryInput) => api.post<Entry>('/api/v1/finance/entries', body);
export const updateEntry = (id: number, body: EntryInput) => api.patch<Entry>(`/api/v1/finance/entries/${id}`, body);
export const approveEntry = (id: number) => api.post<Entry>(`/api/v1/finance/entries/${id}/approve`, {});
export const rejectEntry = (id: number, reason: string) => api.post<Entry>(`/api/v1/finance/entries/${id}/reject`, { reason });
export const withdrawEntry = (id: number, reason: string) => api.post<Entry>(`/api/v1/finance/entries/${id}/withdraw`, { reason });
export const voucherUrl = (id: number, n: number) => `/api/v1/finance/entries/${id}/vouchers/${n}`;
export const getMonth = (villageId: number, month: string) => api.get<FinanceStatement>('/api/v1/finance/month', { village_id: villageId, month });
export const listStatements = (villageId: number) => api.get<{ items: FinanceStatement[] }>('/api/v1/finance/statements', { village_id: villageId });
export const publishStatement = (villageId: number, month: string) => api.post<FinanceStatement>('/api/v1/finance/statements', { village_id: villageId, month });
export const entriesExportUrl = (villageId: number, q: Query = {}) => withQuery('/api/v1/finance/entries-export.xlsx', { village_id: villageId, ...q });
export const statementsExportUrl = (villageId: number, q: Query = {}) => withQuery('/api/v1/finance/statements-export.xlsx', { village_id: villageId, ...q });
