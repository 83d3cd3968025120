// The overview 首页: the points and register statistics of the scope's unit.
import { api, type Query } from '@/shared/api';
import type { PointsStats } from '@/shared/types';

export type { PointsStats } from '@/shared/types';

export interface RegisterUnit { id: number; parent_id: number; kind: string; name: string; households: number; registered: number; accounts: number; share: number }
export interface RegisterStats { unit_id: number; unit_kind: string; unit_name: string; households: number; registered: number; accounts: number; share: number; units: RegisterUnit[] }

export const pointsStats = (q: Query) => api.get<PointsStats>('/api/v1/stats/points', q);
export const registerStats = (unitId: number) => api.get<RegisterStats>('/api/v1/stats/register', { unit_id: unitId });
