// Notices 通知 in the console: publishing, revising and withdrawing, the awareness rate
// and the households that have not read a notice.
import { api, type Query } from '@/shared/api';
import type { NoticeDetail, NoticePage, UnreadPage } from '@/shared/notices';

export type { Notice, NoticeDetail, NoticePage, UnreadPage } from '@/shared/notices';
export { percent } from '@/shared/notices';

export const listNotices = (q: Query) => api.get<NoticePage>('/api/v1/notices', q);
export const getNotice = (id: number, unitId: number) => api.get<NoticeDetail>(`/api/v1/notices/${id}`, { unit_id: unitId });
export const publishNotice = (body: Record<string, unknown>) => api.post<NoticeDetail>('/api/v1/notices', body);
export const reviseNotice = (id: number, body: Record<string, unknown>) => api.patch<NoticeDetail>(`/api/v1/notices/${id}`, body);
export const withdrawNotice = (id: number, reason: string) => api.post<NoticeDetail>(`/api/v1/notices/${id}/withdraw`, { reason });
export const unreadHouseholds = (id: number, q: Query) => api.get<UnreadPage>(`/api/v1/notices/${id}/unread-households`, q);
