// 三务公开 and 大事记 in the console: items, their attachments, questions and answers,
// the late board and the county's settings, and the village timeline.
import { api, type Page, type Query } from '@/shared/api';
import type { ChronicleEntry, Disclosure, DisclosureDetail, Question } from '@/shared/transparency';

export type { ChronicleEntry, Disclosure, DisclosureDetail, Question } from '@/shared/transparency';
export { fileUrl, KINDS } from '@/shared/transparency';

export interface Slot {
  kind: string;
  period: string;
  major: boolean;
  due_on: string;
  state: 'on_time' | 'late' | 'missing' | 'pending';
  late_days: number;
  disclosure_id: number | null;
  published_at: string | null;
}
export interface VillageBoard {
  village_id: number;
  village_name: string;
  busy: boolean;
  late: number;
  missing: number;
  max_late_days: number;
  open_questions: number;
  oldest_question_days: number;
  slots: Slot[];
}
export interface Board {
  unit_id: number;
  unit_name: string;
  unit_kind: string;
  today: string;
  major_days: number;
  starts_on: string;
  villages: VillageBoard[];
  open_questions: Question[];
}

export interface DisclosureInput {
  village_id?: number;
  kind?: string;
  category?: string;
  period?: string;
  title?: string;
  body?: string;
  files?: string[];
  reason?: string;
  idempotency_key?: string;
}

export const listDisclosures = (q: Query) => api.get<Page<Disclosure>>('/api/v1/disclosures', q);
export const getDisclosure = (id: number) => api.get<DisclosureDetail>(`/api/v1/disclosures/${id}`);
export const publishDisclosure = (body: DisclosureInput) => api.post<DisclosureDetail>('/api/v1/disclosures', body);
export const reviseDisclosure = (id: number, body: DisclosureInput) => api.patch<DisclosureDetail>(`/api/v1/disclosures/${id}`, body);
export const withdrawDisclosure = (id: number, reason: string) =>
  api.post<DisclosureDetail>(`/api/v1/disclosures/${id}/withdraw`, { reason });
export const answerQuestion = (id: number, answer: string) => api.post<{ id: number }>(`/api/v1/disclosure-questions/${id}/answer`, { answer });
export const disclosureBoard = (unit: number) => api.get<Board>('/api/v1/disclosure-board', { unit });
export interface Settings { county_id: number; major_days: number; starts_on: string; due_day: number; busy_village_ids: number[] }
export const getSettings = (countyId: number) => api.get<Settings>('/api/v1/disclosure-settings', { county_id: countyId });
export const putSettings = (body: { county_id: number; major_days?: number; starts_on?: string; busy_village_ids?: number[] }) =>
  api.put<Settings>('/api/v1/disclosure-settings', body);

export interface ChronicleInput {
  village_id?: number;
  happened_on?: string;
  title?: string;
  body?: string;
  photos?: string[];
  reason?: string;
}
export const listChronicle = (q: Query) => api.get<Page<ChronicleEntry>>('/api/v1/chronicle', q);
export const getChronicle = (id: number) => api.get<ChronicleEntry>(`/api/v1/chronicle/${id}`);
export const addChronicle = (body: ChronicleInput) => api.post<ChronicleEntry>('/api/v1/chronicle', body);
export const reviseChronicle = (id: number, body: ChronicleInput) => api.patch<ChronicleEntry>(`/api/v1/chronicle/${id}`, body);
export const withdrawChronicle = (id: number, reason: string) => api.post<ChronicleEntry>(`/api/v1/chronicle/${id}/withdraw`, { reason });
export const chroniclePhotoUrl = (id: number, n: number) => `/api/v1/chronicle/${id}/photos/${n}`;
