// Village finance 村级财务 as the API answers it (both apps).
export interface FinanceLine {
  code: string;
  kind: 'income' | 'expense';
  name: string;
  parent: string | null;
  amount: number;   // 分
  entries: number;
}
export interface FinanceStatement {
  id: number | null;
  village_id: number;
  village_name: string;
  month: string;
  status: 'published' | 'draft';
  opening: number;
  income: number;
  expense: number;
  closing: number;
  entries: number;
  lines: FinanceLine[];
  disclosure_id: number | null;
  published_at: string | null;
  published_by_name: string | null;
  pending?: number;
  can_publish?: boolean;
  blocker?: string | null;
}

// 分 → "87,656.41" (元 with thousands separators), for the statements' tables.
export function money(fen: number): string {
  const neg = fen < 0;
  const a = Math.abs(Math.round(fen));
  const int = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${int}.${String(a % 100).padStart(2, '0')}`;
}
