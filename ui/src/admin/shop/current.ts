// The shop the console's shop pages work on: the shops serving the scope's village
// (a village shop, or a town shop serving several villages), the one picked remembered
// on this computer.
import { computed, onMounted, reactive, watch } from 'vue';
import { errorMessage } from '@/shared/api';
import { listShops } from './api';
import type { Shop } from '@/shared/types';
import { scope } from '../scope';

const KEY = 'cz.admin.shop';

export const shops = reactive({
  list: [] as Shop[],
  id: 0,
  loading: false,
  loaded: false,
  error: '',
});

export const shop = computed<Shop | undefined>(() => shops.list.find((s) => s.id === shops.id));

function saved(): number {
  try {
    return Number(localStorage.getItem(KEY)) || 0;
  } catch {
    return 0;
  }
}

export function chooseShop(id: number): void {
  shops.id = id;
  try {
    localStorage.setItem(KEY, String(id));
  } catch {
    /* not remembered */
  }
}

// Loads (again) the shops of the scope's village, keeping the current pick.
export async function loadShops(): Promise<void> {
  shops.loading = true;
  shops.error = '';
  try {
    const r = await listShops({ village_id: scope.villageId || undefined });
    shops.list = r.items;
    const want = shops.id || saved();
    const pick = r.items.find((s) => s.id === want) || r.items.find((s) => s.staff) || r.items[0];
    shops.id = pick ? pick.id : 0;
  } catch (e) {
    shops.error = errorMessage(e);
    shops.list = [];
    shops.id = 0;
  } finally {
    shops.loading = false;
    shops.loaded = true;
  }
}

// Puts a changed shop (a PATCH or POST reply) into the list.
export function putShop(s: Shop): void {
  const i = shops.list.findIndex((x) => x.id === s.id);
  if (i >= 0) shops.list.splice(i, 1, s);
  else shops.list.push(s);
}

// For a shop page: loads the shops when it opens and calls load() for the shop picked,
// and again whenever another one is picked.
export function useShopPage(load: () => void): void {
  let first = true;
  watch(() => shops.id, (id) => {
    if (id && !first) load();
  }, { flush: 'sync' });
  onMounted(async () => {
    await loadShops();
    first = false;
    if (shops.id) load();
  });
}
