// 清单制 as both apps and the public page receive it from /api/v1/lists,
// /api/v1/list-templates and /api/v1/executions: the three lists' items with their
// ordered steps, the versions a village adopted at a meeting, and the execution
// records 执行记录 with their step log.

export type ListKind = 'power' | 'affair' | 'service';
export type AffairSection = 'duty' | 'assist' | 'negative';
export const KINDS: ListKind[] = ['power', 'affair', 'service'];
export const SECTIONS: AffairSection[] = ['duty', 'assist', 'negative'];

export interface ListStep {
  n: number;
  name: string;
  role: string;
  role_label: string;
  limit_days: number;
  disclose: boolean;
  attachments: string[];
}

export interface ListTemplate {
  id: number;
  kind: ListKind;
  section: AffairSection | null;
  code: string;
  name: string;
  basis: string;
  role: string;
  role_label: string;
  time_limit_days: number;
  materials: string[];
  risk_points: string[];
  supervise_contact: string;
  steps: ListStep[];
  updated_at?: string;
}

export interface ListItem extends ListTemplate {
  template_id: number | null;
  version: number;
}

export interface Meeting {
  date: string;
  title: string;
  attendance: number;
  note: string;
}

export interface ListVersion {
  id: number;
  n: number;
  adopted_at: string;
  adopted_by: { id: number; name: string } | null;
  meeting: Meeting;
  nitems: number;
}

export interface VillageLists {
  village: { id: number; name: string };
  version: ListVersion | null;
  items: ListItem[];
}

export interface Photo { n: number; url: string }
export interface Votes { for: number; against: number; abstain: number }
export type ExecState = 'open' | 'closed';
export type Outcome = 'done' | 'rejected' | 'withdrawn';

export interface ExecSummary {
  id: number;
  code: string;
  item: { id: number; code?: string; name: string; kind: ListKind; section: AffairSection | null };
  village: { id: number; name: string };
  town?: { id: number; name: string } | null;
  title: string;
  applicant: { household_id: number; name: string } | null;
  via: 'cadre' | 'villager' | 'proxy';
  state: ExecState;
  current: { n: number; name: string; role?: string; role_label: string; due_at: string } | null;
  due_at: string | null;
  overdue: boolean;
  started_at: string;
  closed_at: string | null;
  outcome: Outcome | null;
  outcome_text: string | null;
  outcome_public: boolean;
}

export interface ExecStep extends ListStep {
  started_at?: string | null;
  due_at: string | null;
  done_at: string | null;
  done_by: { id: number; name: string } | null;
  note: string;
  photos: Photo[];
  overdue: boolean;
}

export interface Execution extends ExecSummary {
  steps: ExecStep[];
  materials: string[];
  photos: Photo[];
  votes: Votes | null;
  note?: string;
  can: { advance: boolean; close: boolean };
}

// an item as a section of the page: the three lists, the affairs list in its parts
export function groupItems<T extends { kind: ListKind; section: AffairSection | null }>(items: T[], kind: ListKind): { section: AffairSection | null; items: T[] }[] {
  const mine = items.filter((i) => i.kind === kind);
  if (kind !== 'affair') return [{ section: null, items: mine }];
  return SECTIONS.map((s) => ({ section: s, items: mine.filter((i) => i.section === s) })).filter((g) => g.items.length);
}

// a step that decides by a vote (村民代表会议决议, 表决): its form asks for the counts
export function isVoteStep(step: { name: string; attachments?: string[] }, kind: ListKind): boolean {
  return kind === 'power' && (/(决议|表决|决策)$/.test(step.name) || !!step.attachments?.some((a) => a.includes('表决')));
}
