// What makes the counter safe on a village network: every confirmation gets its own
// idempotency key, and a request that may not have arrived (the network dropped, the
// server did not answer) is sent again with the same key, so the server either does it
// once or answers with the first receipt. Nothing is charged twice, and nothing is
// forgotten: the unanswered request is kept (without the card PIN) for this browser
// tab until it is answered or the clerk gives it up, even across a reload.
import { api } from '@/shared/api';
import type { CounterGoods } from './api';

import { mayRetry, newKey } from '@/shared/idem';

export { mayRetry, newKey };

export interface Pending {
  path: string;
  body: Record<string, unknown> & { idempotency_key: string };
  label: string;       // what it was, for the clerk ("0001 户兑换 30 分")
  at: number;
}

const STORE = 'cz.counter.pending';

export function loadPending(): Pending | null {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) || 'null');
  } catch {
    return null;
  }
}

function savePending(p: Pending): void {
  try {
    const { pin: _pin, ...body } = p.body;
    void _pin;
    sessionStorage.setItem(STORE, JSON.stringify({ ...p, body }));
  } catch {
    /* kept in memory only */
  }
}

export function clearPending(): void {
  try {
    sessionStorage.removeItem(STORE);
  } catch {
    /* nothing kept */
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Sends p until the server answers (up to `tries` times, waiting longer each time),
// telling onRetry before each new try. Resolves with the answer; rejects with the last
// error. While no answer came, p stays saved for a later retry.
export async function sendKeyed<T>(p: Pending, onRetry?: (n: number) => void, tries = 4): Promise<T> {
  savePending(p);
  for (let n = 1; ; n++) {
    try {
      const r = await api.post<T>(p.path, p.body);
      clearPending();
      return r;
    } catch (e) {
      if (!mayRetry(e)) {
        clearPending();
        throw e;
      }
      if (n >= tries) throw e;
      onRetry?.(n);
      await wait(Math.min(500 * 2 ** (n - 1), 4000));
    }
  }
}

// "米×2，油×1": the lines of a receipt or a pre-order in one line.
export const linesText = (x: { lines: { goods_name: string; quantity: number }[] }) =>
  x.lines.map((l) => `${l.goods_name}×${l.quantity}`).join('，');

// A line of the counter's cart, and what it may hold.
export interface CartLine { goods: CounterGoods; qty: number }
export const maxQty = (g: CounterGoods) => Math.max(0, Math.min(g.stock, g.remaining === null ? 999 : g.remaining, 999));
export const cartTotal = (lines: CartLine[]) => lines.reduce((a, l) => a + l.qty * l.goods.price_points, 0);
