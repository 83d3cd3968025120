// 待发送: a claim or a report made without signal is kept on the phone (IndexedDB,
// photos and a report's voice recording included, as Blobs) and sent when the signal
// returns — the files uploaded first, then the creating request with the idempotency
// key it was made with, so a send repeated after a lost answer is done once (kernel/idem.h). The
// page sends it: when the phone says it is back online, when the app opens, and every
// half minute while something waits. Each item shows its state: 待发送, 发送中,
// 已发送, or 发送失败 with the server's reason (a definite refusal is not retried).
// A request the server does not answer within a minute (plus the time a file takes on a
// weak signal) counts as one without signal, so that a signal lost mid-request leaves
// the item waiting for the next try rather than 发送中 for ever.
import { shallowRef } from 'vue';
import { api, ApiError, BACKGROUND_ANSWER_MS, errorMessage } from '@/shared/api';
import { mayRetry } from '@/shared/idem';
import { shrink } from '@/shared/photos';

export type OutboxKind = 'claim' | 'event';
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  key: string;                      // the idempotency key; also the item's key here
  kind: OutboxKind;
  path: string;                     // the creating POST
  body: Record<string, unknown>;    // its body, without photos and key
  photos: Blob[];                   // uploaded first, their hashes go in body.photos
  voice?: { blob: Blob; ms: number } | null;   // a report's recording: uploaded first, its hash in body.voice
  title: string;                    // what the villager sees in the list
  owner: number;                    // the account that made it: sent only for that account
  state: OutboxState;
  error?: string;
  createdAt: number;
  sentAt?: number;
  resultId?: number;
}

const DB = 'cunzhi-outbox';
const STORE = 'items';
const KEEP_SENT_MS = 3 * 86400e3;   // a sent item stays listed for three days
const BYTES_PER_MS = 4;              // a file's wait for an answer: 1 s more per 4 KB (a weak 2G signal)
const STORE_WAIT_MS = 10e3;          // the longest an operation on the phone's storage may take

const uploadFile = (b: Blob) => api.upload<{ hash: string }>('/api/v1/files', b, b.type || 'application/octet-stream',
  undefined, BACKGROUND_ANSWER_MS + b.size / BYTES_PER_MS);

// shallow: the items stay plain objects, as IndexedDB stores them (a reactive proxy
// cannot be cloned into it)
export const outbox = shallowRef<OutboxItem[]>([]);
let owner = 0;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const r = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(r.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

// The phone's storage may leave an open unanswered for good: an operation not done in
// STORE_WAIT_MS fails (and is done, harmlessly, if it ever is), so that a pass of
// flush() waiting on it cannot hold up every pass after it.
async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  let timer = 0;
  const late = new Promise<never>((_, reject) => {
    timer = window.setTimeout(() => reject(new Error('the phone\'s storage did not answer')), STORE_WAIT_MS);
  });
  try {
    return await Promise.race([run(mode, fn), late]);
  } finally {
    window.clearTimeout(timer);
  }
}

const put = (item: OutboxItem) => tx('readwrite', (s) => s.put(item));
const remove = (key: string) => tx('readwrite', (s) => s.delete(key));

// Reads the items of this account into `outbox` (newest first), dropping sent ones
// older than KEEP_SENT_MS.
export async function refresh(): Promise<void> {
  let all: OutboxItem[] = [];
  try {
    all = await tx('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>);
  } catch {
    return; // no IndexedDB (a private window on an old browser): nothing is kept
  }
  const now = Date.now();
  for (const it of all) if (it.state === 'sent' && now - (it.sentAt || 0) > KEEP_SENT_MS) await remove(it.key);
  outbox.value = all
    .filter((it) => it.owner === owner && !(it.state === 'sent' && now - (it.sentAt || 0) > KEEP_SENT_MS))
    .sort((a, b) => b.createdAt - a.createdAt);
}

// Whether a failure means there was no signal (or no answer): the request is kept.
export function noSignal(e: unknown): boolean {
  return e instanceof ApiError && e.status === 0;
}

// Keeps a request made without signal; photos are made smaller here, as for upload.
export async function keep(kind: OutboxKind, path: string, key: string, body: Record<string, unknown>,
  files: File[], title: string, voice: { blob: Blob; ms: number } | null = null): Promise<void> {
  const photos: Blob[] = [];
  for (const f of files) photos.push(await shrink(f));
  await put({ key, kind, path, body, photos, voice: voice ? { blob: voice.blob, ms: voice.ms } : null, title, owner, state: 'pending', createdAt: Date.now() });
  await refresh();
}

// Gives up an item that failed (or drops a sent one from the list).
export async function discard(key: string): Promise<void> {
  await remove(key);
  await refresh();
}

async function sendOne(it: OutboxItem): Promise<boolean> {
  it.state = 'sending';
  await put(it);
  await refresh();
  try {
    const hashes: string[] = [];
    for (const p of it.photos) hashes.push((await uploadFile(p)).hash);
    const media: Record<string, unknown> = {};
    if (it.voice) {
      media.voice = (await uploadFile(it.voice.blob)).hash;
      if (it.voice.ms > 0) media.voice_ms = Math.round(it.voice.ms);
    }
    const made = await api.post<{ id?: number }>(it.path, { ...it.body, ...media, idempotency_key: it.key, photos: hashes },
      undefined, BACKGROUND_ANSWER_MS);
    it.state = 'sent';
    it.sentAt = Date.now();
    it.resultId = made?.id;
    it.photos = [];
    it.voice = null;
    it.error = undefined;
    await put(it);
    return true;
  } catch (e) {
    // no signal, a server error, or the session gone: kept for the next try
    const again = mayRetry(e) || (e instanceof ApiError && e.status === 401);
    it.state = again ? 'pending' : 'failed';
    it.error = again ? undefined : errorMessage(e);
    await put(it);
    return !again;
  } finally {
    await refresh();
  }
}

let running: Promise<void> | null = null;
let again = false;

// Sends what waits, oldest first; stops at the first that finds no signal. Asked while a
// pass runs (the signal came back during a pass that found none), it runs once more.
export function flush(): Promise<void> {
  if (!owner) return Promise.resolve();
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        await refresh();
        const waiting = outbox.value.filter((it) => it.state === 'pending' || it.state === 'sending').reverse();
        for (const it of waiting) if (!(await sendOne(it))) break;
      } while (again);
    } catch (e) {
      // the phone's storage failed (sendOne keeps the server's answers): the next pass tries again
      console.warn('待发送: the phone\'s storage failed', e);
    } finally {
      running = null;
    }
  })();
  return running;
}

let started = false;

// For the logged-in account (0 when nobody is): lists its items and sends them.
export function startOutbox(userId: number): void {
  owner = userId;
  void flush().then(refresh);
  if (started || typeof window === 'undefined') return;
  started = true;
  window.addEventListener('online', () => void flush());
  setInterval(() => {
    if (navigator.onLine && outbox.value.some((it) => it.state === 'pending')) void flush();
  }, 30000);
}
