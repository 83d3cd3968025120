// An item of the lists as its form edits it (lists as text, one per line or comma
// separated) and back to the body the API takes.
import type { AffairSection, ListKind, ListTemplate } from '@/shared/lists/types';
import type { TemplateBody } from '../api';

// the roles a step may name (the server checks the list too)
export const STEP_ROLES = ['cadre', 'grid_worker', 'grid_leader', 'assessor', 'clerk', 'town_official', 'county_admin', 'applicant'];

export interface StepDraft { name: string; role: string; limit_days: number; disclose: boolean; attachments: string }
export interface ItemDraft {
  kind: ListKind;
  section: AffairSection | null;
  code: string;
  name: string;
  basis: string;
  role: string;
  time_limit_days: number;
  materials: string;
  risk_points: string;
  supervise_contact: string;
  steps: StepDraft[];
}

export function emptyDraft(kind: ListKind = 'power'): ItemDraft {
  return {
    kind, section: kind === 'affair' ? 'duty' : null, code: '', name: '', basis: '', role: 'cadre', time_limit_days: 5,
    materials: '', risk_points: '', supervise_contact: '',
    steps: [{ name: '', role: 'cadre', limit_days: 1, disclose: false, attachments: '' }],
  };
}

export function toDraft(t: ListTemplate): ItemDraft {
  return {
    kind: t.kind, section: t.section, code: t.code, name: t.name, basis: t.basis || '', role: t.role,
    time_limit_days: t.time_limit_days, materials: (t.materials || []).join('\n'), risk_points: (t.risk_points || []).join('\n'),
    supervise_contact: t.supervise_contact || '',
    steps: t.steps.map((s) => ({ name: s.name, role: s.role, limit_days: s.limit_days, disclose: s.disclose, attachments: (s.attachments || []).join('，') })),
  };
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);
const commas = (s: string) => s.split(/[,，、;；]/).map((x) => x.trim()).filter(Boolean);

export function toBody(d: ItemDraft): TemplateBody {
  return {
    kind: d.kind,
    section: d.kind === 'affair' ? d.section : null,
    code: d.code.trim(),
    name: d.name.trim(),
    basis: d.basis.trim(),
    role: d.role,
    time_limit_days: d.time_limit_days,
    materials: lines(d.materials),
    risk_points: d.kind === 'power' ? lines(d.risk_points) : [],
    supervise_contact: d.kind === 'power' ? d.supervise_contact.trim() : '',
    steps: d.steps.map((s) => ({ name: s.name.trim(), role: s.role, limit_days: s.limit_days, disclose: s.disclose, attachments: commas(s.attachments) })),
  };
}
