// The villager's account and household: the household card, its grid and the QR code
// of the household, and the password change. (Login and activation: shared/session.ts)
import { api } from '@/shared/api';
import type { Grid, Household, HouseholdCard } from '@/shared/types';

export type { Grid, Household, HouseholdCard } from '@/shared/types';

export const getHousehold = (id: number) => api.get<Household>(`/api/v1/households/${id}`);

export const villageGrids = (villageId: number) => api.get<{ items: Grid[] }>(`/api/v1/villages/${villageId}/grids`);

// The household's printed cards 户卡 (who issued each and when; never its QR text here).
export const householdCards = (id: number) => api.get<{ items: HouseholdCard[] }>(`/api/v1/households/${id}/cards`);

// The household's QR code (an SVG, fetched with the session cookie).
export const householdCodeUrl = (id: number) => `/api/v1/households/${id}/code.svg`;

export const changePassword = (oldPassword: string, newPassword: string) =>
  api.post('/api/v1/session/password', { old_password: oldPassword, new_password: newPassword });
