// Solves the public 民情码 form's challenge: a nonce such that SHA-256 of
// "<token>:<nonce>" starts with `bits` zero bits. In a Web Worker so that the page
// stays responsive; where a worker cannot start, in slices on the page's thread that
// yield to the browser between them. onProgress gets 0..0.99 (an estimate: about 2^bits
// tries are needed on average).
import { searchNonce } from './sha256';

const SLICE = 2048;

function estimate(tried: number, bits: number): number {
  return Math.min(0.99, 1 - Math.exp(-tried / 2 ** bits));
}

function onThread(token: string, bits: number, onProgress: (p: number) => void): Promise<string> {
  return new Promise((resolve) => {
    let from = 0;
    const step = () => {
      const n = searchNonce(token, bits, from, from + SLICE);
      if (n >= 0) {
        resolve(String(n));
        return;
      }
      from += SLICE;
      onProgress(estimate(from, bits));
      setTimeout(step, 0);
    };
    step();
  });
}

export function solveChallenge(token: string, bits: number, onProgress: (p: number) => void = () => {}): Promise<string> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return onThread(token, bits, onProgress);
  }
  return new Promise((resolve) => {
    let settled = false;
    worker.onmessage = (ev: MessageEvent<{ done: boolean; nonce?: string; tried: number }>) => {
      if (ev.data.done && ev.data.nonce !== undefined) {
        settled = true;
        worker.terminate();
        resolve(ev.data.nonce);
      } else {
        onProgress(estimate(ev.data.tried, bits));
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      if (!settled) void onThread(token, bits, onProgress).then(resolve);
    };
    worker.postMessage({ token, bits });
  });
}
