// The unit a page's list is narrowed to by its address (?unit_id=), as a dashboard's
// figure opens it: the id, the unit's name, and a way to remove the filter (back to the
// reader's whole area). The server checks the unit against the reader's scope.
import { computed, ref, watch } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import { getUnit } from './org/api';

// the fields a dashboard's figure adds besides the unit (removed together)
export const DASH_KEYS = ['fig', 'period', 'from', 'to', 'state', 'outcome', 'on_time', 'rated', 'satisfied', 'overdue',
  'registered', 'status', 'low', 'compliant'];

export function useUnitFilter() {
  const route = useRoute();
  const router = useRouter();
  const id = computed(() => Number(route.query.unit_id) || 0);
  const name = ref('');
  watch(id, async (v) => {
    name.value = '';
    if (!v) return;
    try {
      const u = await getUnit(v);
      if (id.value === v) name.value = u.name;
    } catch {
      if (id.value === v) name.value = `#${v}`;
    }
  }, { immediate: true });
  // removes the given query fields (the unit by default) from the address
  function clear(keys: string[] = ['unit_id']) {
    const q: LocationQuery = { ...route.query };
    for (const k of keys) delete q[k];
    void router.replace({ query: q });
  }
  // a query field of the address as text ('' when absent)
  const q = (k: string) => (typeof route.query[k] === 'string' ? String(route.query[k]) : '');
  return { id, name, clear, q };
}
