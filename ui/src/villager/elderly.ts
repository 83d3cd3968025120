// The elderly mode (长辈模式): larger type, higher contrast and a simpler home page,
// remembered on this device.
import { ref, watch } from 'vue';

const KEY = 'cz.elderly';

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export const elderly = ref(read());

function apply(on: boolean) {
  document.documentElement.classList.toggle('elderly', on);
}
apply(elderly.value);

watch(elderly, (on) => {
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    /* private mode: remembered for this visit only */
  }
  apply(on);
});
