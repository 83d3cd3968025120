// The organisation 组织: units (county, town, village, group, grid), accounts with their
// role grants, and the audit log.
import { api, type Query } from '@/shared/api';
import type { AuditEntry, AuditVerify, Page, RoleDef, Unit, User } from '@/shared/types';

export type { AuditEntry, AuditVerify, Grant, Page, RoleDef, Unit, User } from '@/shared/types';

// units
export const getUnit = (id: number) => api.get<Unit>(`/api/v1/units/${id}`);
// the units under parentId (every top unit of the caller without one)
export const childUnits = async (parentId: number | null | undefined) =>
  (await api.get<{ items: Unit[] }>('/api/v1/units', parentId === null || parentId === undefined ? undefined : { parent_id: parentId })).items;
export const createUnit = (body: { parent_id?: number; kind: string; code: string; name: string }) => api.post<Unit>('/api/v1/units', body);
export const renameUnit = (id: number, name: string) => api.patch<Unit>(`/api/v1/units/${id}`, { name });

// accounts and grants
export const listRoles = () => api.get<{ items: RoleDef[] }>('/api/v1/roles');
export const listUsers = (q: Query) => api.get<Page<User>>('/api/v1/users', q);
export const createUser = (body: { phone: string; name: string; password: string }) => api.post<User>('/api/v1/users', body);
export const grantRole = (userId: number, role: string, unitId: number) => api.post(`/api/v1/users/${userId}/grants`, { role, unit_id: unitId });
export const revokeRole = (userId: number, role: string, unitId: number) => api.del(`/api/v1/users/${userId}/grants`, { role, unit_id: unitId });

// the audit log
export const listAudit = (q: Query) => api.get<Page<AuditEntry>>('/api/v1/audit', q);
export const verifyAudit = () => api.get<AuditVerify>('/api/v1/audit/verify');
