// 清单制 reads both apps make, and the public pages (no login) of a village's lists.
import { api, type Page, type Query } from '@/shared/api';
import type { ExecSummary, Execution, ListItem, ListKind, ListVersion, Votes, Outcome } from './types';

export const villageLists = (village: number, kind?: ListKind) => api.get<{ village: { id: number; name: string }; version: ListVersion | null; items: ListItem[] }>('/api/v1/lists', { village, kind });
export const getItem = (id: number | string) => api.get<ListItem>(`/api/v1/lists/items/${id}`);
export const listExecutions = (q: Query) => api.get<Page<ExecSummary>>('/api/v1/executions', q);
export const getExecution = (id: number | string) => api.get<Execution>(`/api/v1/executions/${id}`);
export const startExecution = (body: { item_id: number; title: string; note?: string; household_id?: number; photos: string[]; idempotency_key?: string }) =>
  api.post<Execution>('/api/v1/executions', body);
export const advanceStep = (id: number, n: number, body: { note: string; photos: string[]; votes?: Votes }) =>
  api.post<Execution>(`/api/v1/executions/${id}/steps/${n}`, body);
export const closeExecution = (id: number, outcome: Outcome, outcomeText: string) =>
  api.post<Execution>(`/api/v1/executions/${id}/close`, { outcome, outcome_text: outcomeText });

// the public side
export interface PublicLists {
  village: { id: number; name: string };
  version: { n: number; adopted_at: string; meeting: { date: string; title: string; attendance: number; note?: string } } | null;
  items: ListItem[];
}
export interface PublicOutcome {
  code: string;
  item: { name: string; kind: ListKind };
  title: string;
  closed_at: string;
  outcome: Outcome;
  outcome_text: string;
  votes: Votes | null;
  steps: { n: number; name: string; done_at: string; note: string }[];
}
export const publicLists = (village: number | string) => api.get<PublicLists>(`/api/v1/public/villages/${village}/lists`);
export const publicOutcomes = (village: number | string, q: Query) =>
  api.get<Page<PublicOutcome>>(`/api/v1/public/villages/${village}/lists/outcomes`, q);
// the address a village's list poster leads to (the villager app's public page)
export const publicListsUrl = (village: number) => `${window.location.origin}/ql/${village}`;
