// Evaluations 评选 as the server sends them (/api/v1/evaluations), shared by the
// console and the villager app.
export interface Criterion { id: number; name: string; weight: number; min_score: number; max_score: number }
export interface PanelMember { user_id: number; name: string; label: string; scored: number }
export interface Score { id: number; member_id: number; member_name: string; total: number; items: number[]; photos: { n: number; hash: string }[]; note: string }
export interface Nomination {
  id: number; household_id: number; household_number: string; head_name: string; scores_count: number;
  final_score: number | null; rank: number | null; winner: boolean;
  how?: string; note?: string; nominated_by_name?: string; mean_score?: number | null; credited?: boolean;
  mine?: boolean; my_scored?: boolean; own_household?: boolean; scores?: Score[];
}
export interface Objection { id: number; objector_name: string; reason: string; status: string; decision: string; created_at: string }
export interface Campaign {
  id: number; village_id: number; village_name: string; kind: string; title: string; period_from: string; period_to: string;
  status: 'draft' | 'nominating' | 'scoring' | 'publicity' | 'published'; tag_name: string; points: number; winners: number;
  publicity_days: number; publicity_ends_at: string | null; published_at: string | null; nominations_count: number;
  can_admin?: boolean; is_panel?: boolean; can_nominate?: boolean; can_self_nominate?: boolean; can_object?: boolean;
  ranking_visible?: boolean; criteria?: Criterion[]; panel?: PanelMember[]; nominations?: Nomination[]; objections?: Objection[];
}
export const scoreText = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));
