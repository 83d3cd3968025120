// The one way both apps talk to the cunzhi API: JSON in and out, the session in the
// HttpOnly cookie the server sets at login, and errors as ApiError carrying the
// envelope {"error":{"code","message","fields"}} (plus "rows" of a roster import) so
// forms can show each message next to its field.

export interface RowError {
  row: number;
  column: string;
  message: string;
}

export class ApiError extends Error {
  status: number;
  code: string;
  fields: Record<string, string>;
  rows: RowError[];
  errorsTotal: number;

  constructor(status: number, code: string, message: string, fields?: Record<string, string>,
    rows?: RowError[], errorsTotal?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    this.rows = rows || [];
    this.errorsTotal = errorsTotal || this.rows.length;
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

type Listener = () => void;
const unauthorizedListeners: Listener[] = [];

// Called when any request answers 401 (the session expired or was ended elsewhere).
export function onUnauthorized(fn: Listener): void {
  unauthorizedListeners.push(fn);
}

let networkMessage = '网络连接失败，请检查手机信号或网络';
// The message (from the app's i18n) for a request that never reached the server.
export function setNetworkMessage(msg: string): void {
  networkMessage = msg;
}

let serverMessage = '服务器暂时出了问题，请稍后再试';
// The message (from the app's i18n; the status is added) for an error answer without the
// server's own message (a proxy's 502 page, say): never the bare HTTP status text.
export function setServerMessage(msg: string): void {
  serverMessage = msg;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

interface Options {
  query?: Query;
  body?: unknown;          // a plain object is sent as JSON
  raw?: Blob | ArrayBuffer; // sent as is (uploads)
  contentType?: string;
  signal?: AbortSignal;
  // the longest wait for the server's answer (its status and headers); past it the
  // request is abandoned and fails as one that got no answer (status 0)
  timeoutMs?: number;
}

// The wait for the answer to work a page sends in the background (the outbox, a patrol's
// track): past it the request counts as sent without signal and is tried again later,
// rather than holding back everything after it.
export const BACKGROUND_ANSWER_MS = 60e3;

async function request<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let signal = opts.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  if (opts.timeoutMs) {
    const ctl = new AbortController();
    opts.signal?.addEventListener('abort', () => ctl.abort(), { once: true });
    timer = setTimeout(() => { timedOut = true; ctl.abort(); }, opts.timeoutMs);
    signal = ctl.signal;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method, headers, body, credentials: 'same-origin', signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError' && !timedOut) throw e;
    throw new ApiError(0, 'network', networkMessage);
  } finally {
    clearTimeout(timer);
  }
  const type = res.headers.get('content-type') || '';
  let json: unknown;
  if (type.includes('json')) {
    try { json = await res.json(); } catch { json = undefined; }
  }
  if (!res.ok) {
    const env = (json as { error?: { code?: string; message?: string; fields?: Record<string, string>;
      rows?: RowError[]; errors_total?: number } } | undefined)?.error;
    if (res.status === 401 && path !== '/api/v1/session') {
      for (const fn of unauthorizedListeners) fn();
    }
    throw new ApiError(res.status, env?.code || 'http_' + res.status,
      env?.message || `${serverMessage}（${res.status}）`, env?.fields, env?.rows, env?.errors_total);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query, timeoutMs?: number) =>
    request<T>('POST', path, { body: body ?? {}, query, timeoutMs }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
  upload: <T>(path: string, data: Blob | ArrayBuffer, contentType?: string, query?: Query, timeoutMs?: number) =>
    request<T>('POST', path, { raw: data, contentType, query, timeoutMs }),
};

// The field errors of an error, or {} for anything else.
export function fieldErrors(e: unknown): Record<string, string> {
  return e instanceof ApiError ? { ...e.fields } : {};
}

// The message to show for an error: the server's (already in the user's language),
// the localized network message for a request that never got an answer (fetch's own
// TypeError, "Failed to fetch", is never shown), or the app's own message.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof TypeError) return networkMessage;
  if (e instanceof Error) return e.message || networkMessage;
  return String(e);
}
