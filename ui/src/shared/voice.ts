// The village's voice in both apps: the 大喇叭 broadcasts (history, the live stream,
// the spoken audio) and 村民说事 threads.
import { api, type Page, type Query } from './api';

export interface Broadcast {
  id: number;
  unit_id: number;
  unit_name: string;
  notice_id: number;
  body: string;
  created_by_name: string;
  created_at: string;
  audio_state: 'pending' | 'ready' | 'failed';
  audio_bytes: number;
}

export interface TalkPost {
  id: number;
  author_name: string;
  kind: 'reply' | 'answer';
  body: string | null;
  created_at: string;
  hidden: boolean;
  hidden_reason: string | null;
}

export type TalkCategory = 'suggestion' | 'question' | 'praise' | 'council';
export const TALK_CATEGORIES: TalkCategory[] = ['suggestion', 'question', 'praise', 'council'];

export interface Talk {
  id: number;
  village_id: number;
  village_name: string;
  author_name: string;
  category: TalkCategory;
  title: string | null;
  body: string | null;
  status: 'open' | 'answered' | 'resolved';
  created_at: string;
  last_post_at: string;
  resolved_at: string | null;
  event_id: number | null;
  council_outcome: string | null;
  council_at: string | null;
  hidden: boolean;
  hidden_reason: string | null;
  replies: number;
  can_moderate: boolean;
  mine: boolean;
  posts: TalkPost[];
}

export const STREAM_URL = '/api/v1/broadcasts/stream';
export const audioUrl = (id: number) => `/api/v1/broadcasts/${id}/audio`;
export const listBroadcasts = (q: Query) => api.get<Page<Broadcast>>('/api/v1/broadcasts', q);
export const listTalks = (q: Query) => api.get<Page<Talk>>('/api/v1/talks', q);
export const getTalk = (id: number | string) => api.get<Talk>(`/api/v1/talks/${id}`);
export const replyTalk = (id: number, body: string, key?: string) =>
  api.post<Talk>(`/api/v1/talks/${id}/replies`, key ? { body, idempotency_key: key } : { body });
