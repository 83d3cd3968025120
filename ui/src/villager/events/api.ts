// Events 民情 for the villager: report a problem, my reports with their timeline, the
// rating; and the public 民情码 form (no login) with its challenge and follow-up code.
import { api, type Page, type Query } from '@/shared/api';
import type { EventCategory, EventItem } from '@/shared/eventTypes';

export type { EventCategory, EventItem, EventStep } from '@/shared/eventTypes';

export const eventCategories = () => api.get<{ items: EventCategory[] }>('/api/v1/event-categories');
export const myEvents = (q: Query) => api.get<Page<EventItem>>('/api/v1/events', { mine: 1, ...q });
export const getEvent = (id: number | string) => api.get<EventItem>(`/api/v1/events/${id}`);
// where a report is posted (also by the outbox, when it sends one kept without signal)
export const EVENTS_PATH = '/api/v1/events';
export const createEvent = (body: Record<string, unknown>) => api.post<EventItem>(EVENTS_PATH, body);
export const rateEvent = (id: number, rating: string, note?: string) =>
  api.post<EventItem>(`/api/v1/events/${id}/actions/visit`, { rating, ...(note ? { note } : {}) });

// a reply 补充说明 to the staff: text and/or a voice note or clip (uploaded hashes)
export const replyEvent = (id: number, body: Record<string, unknown>) =>
  api.post<EventItem>(`/api/v1/events/${id}/actions/reply`, body);

// the public form
export interface PublicForm {
  village_id: number;
  village_name: string;
  categories: EventCategory[];
  challenge: { token: string; bits: number; expires_at: string };
}
export interface PublicReply { id: number; code: string; message: string }
export const publicForm = (villageId: number | string) => api.get<PublicForm>(`/api/v1/public/villages/${villageId}/events`);
export const publicReport = (villageId: number | string, body: Record<string, unknown>) =>
  api.post<PublicReply>(`/api/v1/public/villages/${villageId}/events`, body);
export const publicLookup = (villageId: number | string, code: string) =>
  api.get<EventItem>(`/api/v1/public/villages/${villageId}/events/${encodeURIComponent(code)}`);
