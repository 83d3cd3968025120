// The public form's proof of work, off the page's thread: searches in slices and
// reports progress after each, then the nonce found.
import { searchNonce } from './sha256';

const SLICE = 4096;

self.onmessage = (ev: MessageEvent<{ token: string; bits: number }>) => {
  const { token, bits } = ev.data;
  for (let from = 0; ; from += SLICE) {
    const n = searchNonce(token, bits, from, from + SLICE);
    if (n >= 0) {
      (self as unknown as Worker).postMessage({ done: true, nonce: String(n), tried: n + 1 });
      return;
    }
    (self as unknown as Worker).postMessage({ done: false, tried: from + SLICE });
  }
};
