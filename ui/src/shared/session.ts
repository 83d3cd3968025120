// Who is logged in, shared by the pages of one app. The session itself is the
// HttpOnly cookie; this keeps GET /api/v1/session's answer.
import { computed, reactive } from 'vue';
import { api, ApiError } from './api';
import type { SessionInfo } from './types';

interface State {
  info: SessionInfo | null;
  loaded: boolean;
}

export const session = reactive<State>({ info: null, loaded: false });

export async function loadSession(): Promise<SessionInfo | null> {
  try {
    session.info = await api.get<SessionInfo>('/api/v1/session');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      session.loaded = true;
      throw e;
    }
    session.info = null;
  }
  session.loaded = true;
  return session.info;
}

export async function login(phone: string, password: string): Promise<SessionInfo | null> {
  await api.post('/api/v1/session', { phone, password });
  return loadSession();
}

export async function activate(phone: string, code: string, password: string): Promise<SessionInfo | null> {
  await api.post('/api/v1/activation', { phone, code, password });
  return loadSession();
}

export async function logout(): Promise<void> {
  try {
    await api.del('/api/v1/session');
  } catch {
    /* the session is gone either way */
  }
  session.info = null;
}

// The village of a villager (their villager role's unit).
export const villageId = computed<number>(() => {
  const g = session.info?.grants.find((x) => x.role === 'villager');
  return g ? g.unit_id : 0;
});

export const villageName = computed<string>(() => {
  const g = session.info?.grants.find((x) => x.role === 'villager');
  return g ? g.unit_name : '';
});

export const householdId = computed<number>(() => session.info?.household_id || 0);

export function hasRole(...roles: string[]): boolean {
  return !!session.info?.grants.some((g) => roles.includes(g.role));
}
