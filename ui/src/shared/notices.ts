// Notices 通知 as the API sends them (GET /api/v1/notices …), shared by the villager
// app and the console.
import type { Page } from './api';

export type NoticeStatus = 'current' | 'ended' | 'withdrawn';
export type NoticeImportance = 'normal' | 'important';

// The awareness rate 知晓率, measured in one unit.
export interface NoticeStats {
  unit_id: number;
  unit_name: string;
  households: number;
  read_households: number;
  readers: number;
  rate: number;           // 0..1, four places
}

export interface Notice {
  id: number;
  unit_id: number;
  unit_name: string;
  unit_kind: 'village' | 'town' | 'county';
  title: string;
  summary: string;
  importance: NoticeImportance;
  version_no: number;
  status: NoticeStatus;
  ends_on: string | null;
  published_at: string;
  published_by_name: string;
  updated_at: string;
  withdrawn_at: string | null;
  withdrawn_by_name: string | null;
  withdraw_reason: string | null;
  can_manage: boolean;
  mine: { read: boolean; read_at: string | null; updated_since_read: boolean } | null;
  stats: NoticeStats | null;
}

export interface NoticeVersion {
  version_no: number;
  title: string;
  body: string;
  importance: NoticeImportance;
  ends_on: string | null;
  reason: string;
  created_by_name: string;
  created_at: string;
}

export interface NoticeDetail extends Notice {
  body: string;
  versions: NoticeVersion[];
}

export interface NoticePage extends Page<Notice> {
  unread?: number;
}

export interface UnreadHousehold {
  household_id: number;
  number: string;
  village_name: string;
  group_name: string;
  address: string;
  head_name: string;
  phone: string;
}

export interface UnreadPage extends Page<UnreadHousehold> {
  stats: NoticeStats;
}

// "33.3%" for 0.3333; "0%" for nothing.
export function percent(rate: number): string {
  const p = Math.round(rate * 1000) / 10;
  return `${p}%`;
}

// A notice the villager has not opened, or that changed since they did.
export function isUnread(n: Notice): boolean {
  return !!n.mine && (!n.mine.read || n.mine.updated_since_read);
}
