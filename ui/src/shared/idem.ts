// Idempotency keys for creating requests a phone or a laptop on a village network may
// send twice (a double tap, a retry after the network dropped): the server does the
// work once and answers a retry with what the first request made (kernel/idem.h).
import { ApiError } from './api';

// A fresh key: crypto.randomUUID where the page is a secure context, else the same
// shape from crypto.getRandomValues (a village laptop may reach the server over plain
// http, where randomUUID is missing).
export function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Failures after which the request may or may not have been done: try again.
export function mayRetry(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 0 || e.status >= 500);
}

// A form's key: the same while the last answer left it unknown whether the request was
// done (so pressing 提交 again cannot make it twice), a new one after a definite answer.
export interface FormKey {
  readonly value: string;
  // after the request: no error (done), or the error it failed with
  settle: (e?: unknown) => void;
}

export function formKey(): FormKey {
  let key = newKey();
  return {
    get value() { return key; },
    settle(e?: unknown) { if (!e || !mayRetry(e)) key = newKey(); },
  };
}
