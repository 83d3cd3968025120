// What the dashboard shows of each section: the figures in order, which are rates
// (shown as %), which money (分 shown as 元), the main figure of the children's chart,
// and the order of the sections. The labels are in the locale files (dash.fig.*).
export interface SectionView { key: string; figures: string[]; rates: string[]; money?: string[]; chart: string }

export const SECTIONS: SectionView[] = [
  { key: 'events', figures: ['received', 'closed', 'overdue_now', 'resolved', 'on_time', 'satisfied'],
    rates: ['closure_rate', 'fix_rate', 'on_time_rate', 'satisfaction'], chart: 'received' },
  { key: 'register', figures: ['households', 'registered', 'accounts', 'active_day', 'active_month'], rates: ['share'], chart: 'share' },
  { key: 'points', figures: ['issued', 'credited_points', 'deducted', 'spent', 'participating'], rates: ['participation'], chart: 'issued' },
  { key: 'shop', figures: ['receipts', 'points', 'cost', 'low_stock'], rates: [], money: ['cost'], chart: 'points' },
  { key: 'grid', figures: ['worker_days', 'compliant_days', 'visits_overdue'], rates: ['compliance'], chart: 'compliance' },
  { key: 'lists', figures: ['started', 'closed', 'on_time', 'overdue_now'], rates: ['on_time_rate'], chart: 'overdue_now' },
  { key: 'disclosure', figures: ['late', 'missing', 'open_questions'], rates: [], chart: 'late' },
  { key: 'party', figures: ['required', 'on_time', 'late', 'missing'], rates: ['compliance'], chart: 'compliance' },
  { key: 'evaluations', figures: ['in_progress'], rates: [], chart: 'in_progress' },
];

export function formatFigure(view: SectionView, key: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (view.rates.includes(key)) return `${Math.round(v * 1000) / 10}%`;
  if (view.money?.includes(key)) return `${(v / 100).toFixed(2)}`;
  return String(v);
}
