// Grids 网格 of a village: their boundaries and staff, the village map's households,
// putting households into a grid by its boundary. (A grid is a unit: created and
// renamed through org/api.ts.)
import { api } from '@/shared/api';
import type { Boundary, Grid, MapHousehold } from '@/shared/types';

export type { Boundary, Grid, MapHousehold, Unit } from '@/shared/types';

export const villageGrids = (villageId: number) => api.get<{ items: Grid[] }>(`/api/v1/villages/${villageId}/grids`);
export const villageMap = (villageId: number) => api.get<{ households: MapHousehold[] }>(`/api/v1/villages/${villageId}/map`);
export const saveGrid = (id: number, body: { color: string; boundary: Boundary | null }) => api.put<Grid>(`/api/v1/grids/${id}`, body);
export const assignByBoundary = (id: number) => api.post<{ assigned: number }>(`/api/v1/grids/${id}/assign`, {});

// the village's roads on its map (drawn under the households; changed by its cadres)
export type { MapRoad, RoadKind } from '@/shared/map/roads';
export interface RoadInput { name: string; kind: string; geometry: unknown }
export const villageRoads = (villageId: number) => api.get<{ items: import('@/shared/map/roads').MapRoad[] }>(`/api/v1/villages/${villageId}/roads`);
export const createRoad = (villageId: number, body: RoadInput) => api.post<{ id: number }>('/api/v1/roads', { village_id: villageId, ...body });
export const updateRoad = (id: number, body: Partial<RoadInput>) => api.patch<{ id: number }>(`/api/v1/roads/${id}`, body);
export const deleteRoad = (id: number) => api.del<{ id: number }>(`/api/v1/roads/${id}`);
