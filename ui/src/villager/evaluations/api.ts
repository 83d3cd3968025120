// Evaluations 评选 on the phone: the village's campaigns, self-nomination, the panel's
// scores with photos, objections in 公示, and the public results.
import { api, type Page } from '@/shared/api';
import { uploadPhoto as upload } from '@/shared/photos';
import type { Campaign } from '@/shared/evaluations';

export type { Campaign, Nomination, Criterion } from '@/shared/evaluations';
export const listCampaigns = () => api.get<Page<Campaign>>('/api/v1/evaluations/campaigns', { limit: 50 });
export const getCampaign = (id: number) => api.get<Campaign>(`/api/v1/evaluations/campaigns/${id}`);
export const publicCampaign = (id: number) => api.get<Campaign>(`/api/v1/public/evaluations/${id}`);
export const selfNominate = (id: number, note: string, key: string) =>
  api.post<{ id: number }>(`/api/v1/evaluations/campaigns/${id}/nominations`, { note, idempotency_key: key });
export const score = (nominationId: number, items: number[], photos: string[], note: string, key: string) =>
  api.post<{ id: number }>(`/api/v1/evaluations/nominations/${nominationId}/scores`, { items, photos, note, idempotency_key: key });
export const object = (id: number, reason: string, key: string) =>
  api.post<{ id: number }>(`/api/v1/evaluations/campaigns/${id}/objections`, { reason, idempotency_key: key });
export const uploadPhoto = async (file: File): Promise<string> => (await upload(file)).hash;
