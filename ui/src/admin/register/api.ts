// The register 户籍: households, residents and their activation codes, the roster import.
import { api, type Query } from '@/shared/api';
import type { Activation, Household, ImportResult, Page, Resident } from '@/shared/types';

export type { Activation, Household, ImportResult, Page, Resident } from '@/shared/types';

export const listHouseholds = (q: Query) => api.get<Page<Household>>('/api/v1/households', q);
export const getHousehold = (id: number | string) => api.get<Household>(`/api/v1/households/${id}`);
export const createHousehold = (body: Record<string, unknown>) => api.post<Household>('/api/v1/households', body);
export const updateHousehold = (id: number, body: Record<string, unknown>) => api.patch<Household>(`/api/v1/households/${id}`, body);

export const createResident = (body: Record<string, unknown>) => api.post<Resident>('/api/v1/residents', body);
export const updateResident = (id: number, body: Record<string, unknown>) => api.patch<Resident>(`/api/v1/residents/${id}`, body);
// the full ID-card number, for the roles that may see it; each reveal is audited
export const revealIdcard = (id: number) => api.get<{ id: number; name: string; idcard: string }>(`/api/v1/residents/${id}/idcard`);
export const issueActivation = (residentId: number) => api.post<Activation>(`/api/v1/residents/${residentId}/activation`, {});

export const importHouseholds = (file: Blob, type: string, q: Query) =>
  api.upload<ImportResult>('/api/v1/imports/households', file, type, q);
export const importTemplateUrl = (format: 'xlsx' | 'csv') => `/api/v1/imports/households/template?format=${format}`;
