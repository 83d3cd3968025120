// 三务公开 and 大事记 for the villager: their village's published items and timeline
// (or, without an account, a village's public page), one item, and asking about it.
import { api, type Page, type Query } from '@/shared/api';
import type { ChronicleEntry, Disclosure, DisclosureDetail } from '@/shared/transparency';

export type { ChronicleEntry, Disclosure, DisclosureDetail, Question } from '@/shared/transparency';
export { fileUrl, KINDS, photoUrl } from '@/shared/transparency';

// publicVillage 0: the logged-in villager's own village
export const listItems = (publicVillage: number, q: Query) => (publicVillage
  ? api.get<Page<Disclosure>>(`/api/v1/public/villages/${publicVillage}/disclosures`, q)
  : api.get<Page<Disclosure>>('/api/v1/disclosures', q));
export const getItem = (publicVillage: number, id: number | string) => (publicVillage
  ? api.get<DisclosureDetail>(`/api/v1/public/villages/${publicVillage}/disclosures/${id}`)
  : api.get<DisclosureDetail>(`/api/v1/disclosures/${id}`));
export const ask = (id: number, question: string, key: string) =>
  api.post<DisclosureDetail>(`/api/v1/disclosures/${id}/questions`, { question, idempotency_key: key });
export const listChronicle = (publicVillage: number, q: Query) => (publicVillage
  ? api.get<Page<ChronicleEntry>>(`/api/v1/public/villages/${publicVillage}/chronicle`, q)
  : api.get<Page<ChronicleEntry>>('/api/v1/chronicle', q));

