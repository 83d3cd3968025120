// Dates and numbers as the apps show them. The API sends times in China Standard
// Time ("2026-03-01T09:30:00+08:00"), so showing one is taking its digits.

export function fmtTime(s: string | null | undefined): string {
  if (!s) return '';
  return s.slice(0, 16).replace('T', ' ');
}

export function fmtDate(s: string | null | undefined): string {
  return s ? s.slice(0, 10) : '';
}

// Today's date in Asia/Shanghai as YYYY-MM-DD, whatever the device's zone.
export function todayCN(now: number = Date.now()): string {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// A date picker's day (local calendar, YYYY-MM-DD), to compare with todayCN().
export function pickerDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// A date picker's disabled days: those before China's today.
export const beforeToday = (d: Date): boolean => pickerDay(d) < todayCN();

export function daysAgoCN(days: number): string {
  return todayCN(Date.now() - days * 86400 * 1000);
}

// A ranking or statistics period: "2026-11", "2026-Q4", "2026".
export type PeriodKind = 'month' | 'quarter' | 'year';

export function periodOf(kind: PeriodKind, date: string = todayCN()): string {
  const y = date.slice(0, 4);
  const m = Number(date.slice(5, 7));
  if (kind === 'year') return y;
  if (kind === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return date.slice(0, 7);
}

// The period before p of the same kind.
export function previousPeriod(p: string): string {
  if (/^\d{4}$/.test(p)) return String(Number(p) - 1);
  let m = /^(\d{4})-Q(\d)$/.exec(p);
  if (m) {
    const q = Number(m[2]);
    return q === 1 ? `${Number(m[1]) - 1}-Q4` : `${m[1]}-Q${q - 1}`;
  }
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) {
    const mo = Number(m[2]);
    return mo === 1 ? `${Number(m[1]) - 1}-12` : `${m[1]}-${String(mo - 1).padStart(2, '0')}`;
  }
  return p;
}

// The last n periods of a kind, newest first.
export function recentPeriods(kind: PeriodKind, n: number): string[] {
  const out = [periodOf(kind)];
  while (out.length < n) out.push(previousPeriod(out[out.length - 1]));
  return out;
}

export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

// Seconds until an ISO time (negative when past).
export function secondsUntil(iso: string, now: number = Date.now()): number {
  return Math.floor((Date.parse(iso) - now) / 1000);
}

// Money: the API counts 分 (integers); people read and type 元.
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const neg = fen < 0;
  const a = Math.abs(Math.round(fen));
  const s = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

// "3.5" or "3.50" 元 → 350 分; null when it is not an amount with at most two decimals.
export function toFen(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

// The last day of the month of a date YYYY-MM-DD.
export function monthEnd(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${date.slice(0, 7)}-${String(d).padStart(2, '0')}`;
}
