// Events 民情 as the API returns them (GET /api/v1/events, /api/v1/events/{id}), shared
// by the villager app and the console, with the labels' i18n keys.
import type { EventMedia } from '@/shared/media/media';

export type { EventMedia } from '@/shared/media/media';
export type EventState = 'pending' | 'accepted' | 'rejected' | 'dispatched' | 'handling' | 'returned' | 'finished' | 'visited';
export type EventAction = 'accept' | 'reject' | 'dispatch' | 'handle_locally' | 'take' | 'give_back' | 'transfer'
  | 'finish' | 'visit' | 'supervise' | 'answer' | 'note' | 'reply';

export interface EventStep {
  id: number;
  at: string;
  actor_name: string;
  action: string;
  from_state: string;
  to_state: string;
  department_id: number | null;
  department_name: string | null;
  note: string;
  media?: EventMedia[];
}

export interface Supervision {
  id: number;
  unit_id: number;
  unit_name: string;
  level: number;
  note: string;
  created_by_name: string;
  created_at: string;
  answer: string | null;
  answered_by_name: string | null;
  answered_at: string | null;
}

export interface EventItem {
  id: number;
  village_id: number;
  village_name: string;
  town_name: string;
  category_id: number;
  category_name: string;
  channel: string;
  channel_name: string;
  description: string;
  address: string;
  location: { lat: number; lng: number } | null;
  household_id?: number | null;
  reporter?: { name: string; phone: string };
  anonymous: boolean;
  state: EventState;
  state_label: string;
  department_id: number | null;
  department_name: string | null;
  village_handled: boolean;
  accept_due: string;
  finish_due: string | null;
  accepted_at: string | null;
  finished_at: string | null;
  visited_at: string | null;
  outcome: string | null;
  outcome_note: string;
  duplicate_of: number | null;
  rating: string | null;
  reopened: boolean;
  warned: boolean;
  overdue: boolean;
  escalation: number;
  unanswered_supervisions: number;
  created_at: string;
  updated_at: string;
  photos?: { n: number; url: string }[];
  media?: EventMedia[];
  actions: EventAction[];
  timeline?: EventStep[];
  supervisions?: Supervision[];
}

export interface EventCategory {
  id: number;
  name: string;
  photo_required: boolean;
  department_id?: number | null;
  department_name?: string | null;
  accept_hours?: number;
  finish_days?: number;
  active?: boolean;
}

export const OUTCOMES = ['resolved', 'explained', 'unresolvable', 'duplicate', 'not_responsible'] as const;
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;

// The colour of a state's tag (Vant and Element Plus share these names).
export function stateTone(s: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  if (s === 'pending' || s === 'returned') return 'warning';
  if (s === 'rejected') return 'danger';
  if (s === 'finished' || s === 'visited') return 'success';
  if (s === 'dispatched' || s === 'handling' || s === 'accepted') return 'primary';
  return 'default';
}

// A step's note as a person reads it: the finish step's "resolved：…" and the visit
// step's "satisfied" carry codes, shown with their labels (t: the app's translate).
export function stepNote(step: EventStep, t: (k: string) => string): string {
  const n = step.note || '';
  const codes: readonly string[] | null = step.action === 'visit' ? RATINGS : step.action === 'finish' ? OUTCOMES : null;
  if (!codes) return n;
  const m = /^([a-z_]+)(?:[：:]\s*([\s\S]*))?$/.exec(n);
  if (!m || !codes.includes(m[1])) return n;
  const label = t((step.action === 'visit' ? 'ev.rating.' : 'ev.outcome.') + m[1]);
  return label + (m[2] ? '：' + m[2] : '');
}
