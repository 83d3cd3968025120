// Points 积分 in the console: rules and their versions, claims and their review, awards,
// activities with the check-in, the publicity 公示 and objections, the ledger, rankings.
import { api, withQuery, type Query } from '@/shared/api';
import type {
  Activity, Balances, Claim, LedgerEntry, Objection, Page, PublicityPage, Ranking, RankingSummary, Rule, RuleCategories, RuleVersion,
} from '@/shared/types';

export type {
  Activity, Balances, Claim, LedgerEntry, Objection, Page, PublicityPage, Ranking, RankingSummary, Rule, RuleCategories, RuleVersion,
} from '@/shared/types';

// rules
export const unitRules = (unitId: number, q: Query = { limit: 200 }) => api.get<Page<Rule>>(`/api/v1/units/${unitId}/rules`, q);
export const ruleVersions = (unitId: number) => api.get<Page<RuleVersion>>(`/api/v1/units/${unitId}/rule-versions`, { limit: 50 });
export const adoptRuleVersion = (unitId: number, body: Record<string, unknown>) => api.post(`/api/v1/units/${unitId}/rule-versions`, body);
export const ruleCategories = () => api.get<RuleCategories>('/api/v1/rule-categories');

// claims
export const listClaims = (q: Query) => api.get<Page<Claim>>('/api/v1/claims', q);
export const getClaim = (id: number) => api.get<Claim>(`/api/v1/claims/${id}`);
export const createClaim = (body: Record<string, unknown>) => api.post<Claim>('/api/v1/claims', body);
export const reviewClaim = (id: number, body: { decision: 'approve' | 'reject'; reason?: string }) => api.post(`/api/v1/claims/${id}/review`, body);

// awards
export const award = <T>(body: Record<string, unknown>) => api.post<T>('/api/v1/awards', body);

// activities
export const listActivities = (q: Query) => api.get<Page<Activity>>('/api/v1/activities', q);
export const getActivity = (id: number) => api.get<Activity>(`/api/v1/activities/${id}`);
export const createActivity = (body: Record<string, unknown>) => api.post('/api/v1/activities', body);
export const checkInHousehold = (id: number, householdCode: string) => api.post(`/api/v1/activities/${id}/checkin`, { household_code: householdCode });
// the activity's check-in QR code (an SVG, fetched with the session cookie)
export const checkinCodeUrl = (id: number) => `/api/v1/activities/${id}/checkin-code.svg`;

// the village's publicity, objections and points settings
export const villagePublicity = (villageId: number) => api.get<PublicityPage>(`/api/v1/public/villages/${villageId}/publicity`);
// the village's public page in the villager app, its A4 poster, and the QR code of its address
export const publicPagePath = (villageId: number) => `/v/${villageId}`;
export const publicPagePosterPath = (villageId: number) => `/v/${villageId}/poster`;
export const publicPageQr = (villageId: number) => `/api/v1/public/villages/${villageId}/qr.svg`;
export const listObjections = (q: Query) => api.get<Page<Objection>>('/api/v1/objections', q);
export interface PointsSettings { village_id: number; publicity_days: number; red_list_size: number; reset_month_day: string | null }
export const pointsSettings = (villageId: number) => api.get<PointsSettings>(`/api/v1/villages/${villageId}/points-settings`);
export const savePointsSettings = (villageId: number, body: Record<string, unknown>) => api.put(`/api/v1/villages/${villageId}/points-settings`, body);

// ledgers
export const villageLedger = (villageId: number, q: Query) => api.get<Page<LedgerEntry>>(`/api/v1/villages/${villageId}/ledger`, q);
export const villageLedgerExportUrl = (villageId: number, q: Query) => withQuery(`/api/v1/villages/${villageId}/ledger/export.xlsx`, q);
export const householdLedger = (householdId: number, q: Query) =>
  api.get<Page<LedgerEntry> & { balances: Balances }>(`/api/v1/households/${householdId}/ledger`, q);
export const correctEntry = (id: number, reason: string) => api.post<{ status?: string }>(`/api/v1/ledger/${id}/correction`, { reason });

// rankings
export const ranking = (unitId: number, period: string) => api.get<Ranking>('/api/v1/rankings', { unit_id: unitId, period });
export const publishRanking = (unitId: number, period: string) => api.post('/api/v1/rankings', { unit_id: unitId, period });
export const publishedRankings = (villageId: number, limit: number) =>
  api.get<Page<RankingSummary>>(`/api/v1/public/villages/${villageId}/rankings`, { limit });
export const posterUrl = (id: number) => `/api/v1/public/rankings/${id}/poster`;
export const rankingExportUrl = (id: number) => `/api/v1/public/rankings/${id}/export.xlsx`;
