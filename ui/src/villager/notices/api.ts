// Notices 通知 for the villager: the list, one notice, and marking it read.
import { api, type Query } from '@/shared/api';
import type { NoticeDetail, NoticePage } from '@/shared/notices';

export type { Notice, NoticeDetail, NoticePage } from '@/shared/notices';
export { isUnread } from '@/shared/notices';

export const listNotices = (q: Query) => api.get<NoticePage>('/api/v1/notices', q);
export const getNotice = (id: number | string) => api.get<NoticeDetail>(`/api/v1/notices/${id}`);
export const markRead = (id: number) => api.post<{ read_at: string }>(`/api/v1/notices/${id}/read`);
