// The elderly mode (长辈模式): larger type, larger targets, higher contrast and a simpler
// home page, remembered on this device. It is offered once on the home page after the
// first login (until answered) and can be switched there and on 我的 at any time.
import { ref, watch } from 'vue';

const KEY = 'cz.elderly';
const OFFERED = 'cz.elderly.offered';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private mode: remembered for this visit only */
  }
}

export const elderly = ref(read(KEY) === '1');
// whether the offer was answered (or the mode chosen) on this device
export const elderlyOffered = ref(read(OFFERED) === '1' || read(KEY) !== null);

export function answerElderlyOffer(on: boolean) {
  elderlyOffered.value = true;
  write(OFFERED, '1');
  elderly.value = on;
}

function apply(on: boolean) {
  document.documentElement.classList.toggle('elderly', on);
}
apply(elderly.value);

watch(elderly, (on) => {
  write(KEY, on ? '1' : '0');
  apply(on);
});
