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

// The last answer is kept on the device, so that an app opened without signal still
// knows who is logged in and can open its pages (the server checks the cookie on
// every request all the same); a 401 or a logout forgets it.
const KEPT = 'cz.session';

function keptSession(): SessionInfo | null {
  try {
    return JSON.parse(localStorage.getItem(KEPT) || 'null') as SessionInfo | null;
  } catch {
    return null;
  }
}

function keepSession(info: SessionInfo | null) {
  try {
    if (info) localStorage.setItem(KEPT, JSON.stringify(info));
    else localStorage.removeItem(KEPT);
  } catch { /* storage full or refused: nothing kept */ }
}

export async function loadSession(): Promise<SessionInfo | null> {
  try {
    session.info = await api.get<SessionInfo>('/api/v1/session');
  } catch (e) {
    const kept = e instanceof ApiError && e.status === 0 ? keptSession() : null;
    if (kept) {
      session.info = kept;
      session.loaded = true;
      return kept;
    }
    if (!(e instanceof ApiError) || e.status !== 401) {
      session.loaded = true;
      throw e;
    }
    session.info = null;
  }
  keepSession(session.info);
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
  keepSession(null);
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
