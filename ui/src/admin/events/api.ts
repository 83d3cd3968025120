// Events 民情 in the console: the lists (intake queue, a department's inbox, the
// overdue board), one event with its timeline, the moves, 督办 notes and their
// answers, statistics, and the settings the forms need (departments, categories).
import { api, type Page, type Query } from '@/shared/api';
import type { EventAction, EventCategory, EventItem } from '@/shared/eventTypes';

export type { EventAction, EventCategory, EventItem, EventStep, Supervision } from '@/shared/eventTypes';

export interface Department { id: number; parent_id: number; name: string; code: string; parent_name: string; handlers: number }

export interface StatsRow {
  key?: number;
  name?: string;
  received: number;
  accepted: number;
  closed: number;
  resolved: number;
  on_time: number;
  rated: number;
  satisfied: number;
  overdue_now: number;
  closure_rate: number | null;
  fix_rate: number | null;
  on_time_rate: number | null;
  satisfaction_rate: number | null;
  median_close_seconds: number | null;
}
export interface Stats { group_by: string | null; from: string | null; to: string | null; total: StatsRow; groups: StatsRow[] }

export interface Move {
  note?: string;
  department_id?: number;
  outcome?: string;
  duplicate_of?: number;
  rating?: string;
  voice?: string;
  voice_ms?: number;
  video?: string;
  video_ms?: number;
}

export const listEvents = (q: Query) => api.get<Page<EventItem>>('/api/v1/events', q);
export const getEvent = (id: number | string) => api.get<EventItem>(`/api/v1/events/${id}`);
// a call to the hotline, or a concern entered on someone's behalf
export const createEvent = (body: Record<string, unknown>) => api.post<EventItem>('/api/v1/events', body);
export const moveEvent = (id: number, action: EventAction, body: Move = {}) =>
  api.post<EventItem>(`/api/v1/events/${id}/actions/${action}`, body);
export const supervise = (id: number, note: string) => api.post<EventItem>(`/api/v1/events/${id}/supervisions`, { note });
export const answerSupervision = (id: number, sid: number, answer: string) =>
  api.post<EventItem>(`/api/v1/events/${id}/supervisions/${sid}/answer`, { answer });
export const eventStats = (q: Query) => api.get<Stats>('/api/v1/event-stats', q);
// 预警: villages where a category's events reached the county's threshold, with the events behind
export interface Warning {
  village_id: number; village_name: string; town_name: string; category_id: number; category_name: string;
  warn_count: number; warn_days: number; count: number; first_at: string; last_at: string; event_ids: number[];
}
export const eventWarnings = (q: Query) => api.get<{ items: Warning[] }>('/api/v1/event-warnings', q);
export const departments = () => api.get<{ items: Department[] }>('/api/v1/event-departments');
export const categories = () => api.get<{ items: EventCategory[] }>('/api/v1/event-categories');
// the address the 民情码 of a village leads to (the villager app's public page)
export const publicFormUrl = (villageId: number) => `${window.location.origin}/mq/${villageId}`;
