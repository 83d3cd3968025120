// The 大喇叭, the loudspeakers and 村民说事 moderation in the console.
import { api, type Query } from '@/shared/api';
import type { Broadcast, Talk } from '@/shared/voice';

export { getTalk, listBroadcasts, listTalks, replyTalk, TALK_CATEGORIES } from '@/shared/voice';
export type { Broadcast, Talk, TalkCategory, TalkPost } from '@/shared/voice';

export interface Speaker {
  id: number;
  village_id: number;
  village_name: string;
  name: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
  played: number;
  last_played_id: number;
}

export const sendBroadcast = (unitId: number, body: string, key: string) =>
  api.post<Broadcast>('/api/v1/broadcasts', { unit_id: unitId, body, idempotency_key: key });
export const listSpeakers = (q: Query) => api.get<{ items: Speaker[] }>('/api/v1/speakers', q);
export const addSpeaker = (villageId: number, name: string) =>
  api.post<Speaker & { token: string }>('/api/v1/speakers', { village_id: villageId, name });
export const revokeSpeaker = (id: number) => api.post<{ id: number }>(`/api/v1/speakers/${id}/revoke`);
export const hideTalk = (id: number, reason: string, postId?: number) =>
  api.post<Talk>(`/api/v1/talks/${id}/hide`, postId ? { reason, post_id: postId } : { reason });
export const resolveTalk = (id: number) => api.post<Talk>(`/api/v1/talks/${id}/resolve`);
export const talkToEvent = (id: number, categoryId: number) => api.post<Talk>(`/api/v1/talks/${id}/event`, { category_id: categoryId });
export const talkCouncil = (id: number, outcome: string) => api.post<Talk>(`/api/v1/talks/${id}/council`, { outcome });
export const noticeStats = (noticeId: number, unitId: number) =>
  api.get<{ stats: { rate: number; read_households: number; households: number } | null }>(`/api/v1/notices/${noticeId}`, { unit_id: unitId });
