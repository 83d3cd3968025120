// The 大喇叭 and 村民说事 for the villager: the live stream, the history with the audio,
// and their village's threads (open, read, reply). A broadcast is a notice: playing
// or closing it records the read receipt.
import { api } from '@/shared/api';
import type { Talk, TalkCategory } from '@/shared/voice';

export { audioUrl, getTalk, listBroadcasts, listTalks, replyTalk, STREAM_URL, TALK_CATEGORIES } from '@/shared/voice';
export type { Broadcast, Talk, TalkCategory, TalkPost } from '@/shared/voice';

export const markHeard = (noticeId: number) => api.post<{ read_at: string }>(`/api/v1/notices/${noticeId}/read`);
export const openTalk = (body: { category: TalkCategory; title: string; body: string }, key: string) =>
  api.post<Talk>('/api/v1/talks', { ...body, idempotency_key: key });
