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
