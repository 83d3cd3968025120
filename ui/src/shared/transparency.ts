// 三务公开 and 大事记 as both apps see them: the shapes the server sends and the
// addresses of attachments and photos (logged in, or on a village's public page).

export const KINDS = ['party', 'village', 'finance'] as const;
export type Kind = (typeof KINDS)[number];

export interface DisclosureFile { n: number; hash: string; mime: string; size: number }

export interface Question {
  id: number;
  disclosure_id: number;
  question: string;
  asker: string;          // masked: 李*
  asker_name?: string;    // staff only
  mine: boolean;
  asked_at: string;
  answer: string | null;
  answered_at: string | null;
  answered_by_name?: string | null;
  age_days: number;
  title?: string;
  village_name?: string;
}

export interface Disclosure {
  id: number;
  village_id: number;
  village_name: string;
  kind: Kind;
  category: string;
  period: string;
  major: boolean;
  version_no: number;
  title: string;
  summary: string;
  nfiles: number;
  status: 'published' | 'withdrawn';
  published_at: string;
  updated_at: string;
  due_on: string | null;
  late_days: number;
  questions: number;
  open_questions: number;
  published_by_name?: string;
  withdrawn_at?: string | null;
  withdrawn_by_name?: string | null;
  withdraw_reason?: string | null;
  can_manage?: boolean;
  can_ask?: boolean;
}

export interface DisclosureVersion {
  version_no: number;
  category: string;
  title: string;
  body: string;
  reason: string;
  created_at: string;
  created_by_name?: string;
  files: DisclosureFile[];
}

export interface DisclosureDetail extends Disclosure {
  body: string;
  files: DisclosureFile[];
  versions: DisclosureVersion[];
  question_list: Question[];
}

export interface ChronicleEntry {
  id: number;
  village_id: number;
  village_name: string;
  happened_on: string;
  title: string;
  body: string;
  version_no: number;
  photos: { n: number; hash: string }[];
  status: 'published' | 'withdrawn';
  updated_at: string;
  created_by_name?: string;
  withdrawn_at?: string | null;
  withdrawn_by_name?: string | null;
  withdraw_reason?: string | null;
  can_manage?: boolean;
  versions?: { version_no: number; happened_on: string; title: string; body: string; reason: string; created_at: string; created_by_name: string }[];
}

// The address of an item's attachment n: logged in, or on the village's public page.
export function fileUrl(id: number, n: number, publicVillage = 0): string {
  return publicVillage ? `/api/v1/public/villages/${publicVillage}/disclosures/${id}/files/${n}` : `/api/v1/disclosures/${id}/files/${n}`;
}

export function photoUrl(id: number, n: number, publicVillage = 0): string {
  return publicVillage ? `/api/v1/public/villages/${publicVillage}/chronicle/${id}/photos/${n}` : `/api/v1/chronicle/${id}/photos/${n}`;
}
