// Points 积分 for the villager: the rules, claims and their photos, activities and the
// check-in, the household's ledger, the publicity 公示 with objections, the rankings.
import { api, withQuery, type Query } from '@/shared/api';
import type { Activity, Balances, Claim, LedgerEntry, Objection, Page, PublicityPage, Ranking, RankingRow, RankingSummary, Rule } from '@/shared/types';

export type {
  Activity, Balances, Claim, LedgerEntry, Objection, Page, PublicityItem, PublicityPage, Ranking, RankingSummary, Rule,
} from '@/shared/types';

export type LedgerPage = Page<LedgerEntry> & { balances: Balances };

// rules
export const villageRules = (villageId: number) => api.get<Page<Rule>>(`/api/v1/units/${villageId}/rules`, { limit: 200 });

// claims
// where a claim is posted (also by the outbox, when it sends one kept without signal)
export const CLAIMS_PATH = '/api/v1/claims';
export const listClaims = (q: Query) => api.get<Page<Claim>>(CLAIMS_PATH, q);
export const getClaim = (id: number | string) => api.get<Claim>(`/api/v1/claims/${id}`);
export const createClaim = (body: Record<string, unknown>) => api.post(CLAIMS_PATH, body);

// activities
export const listActivities = (q: Query) => api.get<Page<Activity>>('/api/v1/activities', q);
export const signUp = (id: number, body: { resident_id?: number }) => api.post(`/api/v1/activities/${id}/signup`, body);
export const cancelSignUp = (id: number) => api.del(`/api/v1/activities/${id}/signup`);
export interface CheckinReply { activity_id: number; household_id: number; claim_id: number; activity: Activity }
export const checkIn = (token: string) => api.post<CheckinReply>('/api/v1/activities/checkin', { token });

// the household's ledger
export const householdLedger = (householdId: number, q: Query) =>
  api.get<LedgerPage>(`/api/v1/households/${householdId}/ledger`, q);
export const ledgerExportUrl = (householdId: number, q: Query) =>
  withQuery(`/api/v1/households/${householdId}/ledger/export.xlsx`, q);

// publicity and objections
export const villagePublicity = (villageId: number) => api.get<PublicityPage>(`/api/v1/public/villages/${villageId}/publicity`);
export const myObjections = () => api.get<Page<Objection>>('/api/v1/objections', { mine: 1, limit: 50 });
export const raiseObjection = (publicityId: number, reason: string) => api.post(`/api/v1/publicity/${publicityId}/objections`, { reason });

// rankings
export const ranking = (unitId: number, period: string) => api.get<Ranking>('/api/v1/rankings', { unit_id: unitId, period });
// only the caller's household's place, not the whole ranking
export interface MyRank { unit_id: number; period: string; period_label: string; households: number; mine: RankingRow | null }
export const myRank = (unitId: number, period: string) => api.get<MyRank>('/api/v1/rankings/mine', { unit_id: unitId, period });
export const publishedRankings = (villageId: number, limit: number) =>
  api.get<Page<RankingSummary>>(`/api/v1/public/villages/${villageId}/rankings`, { limit });
export const posterUrl = (id: number) => `/api/v1/public/rankings/${id}/poster`;
