// A paged list of events for the console's queues: the query (reactive), the page,
// the rows, and the dialog state for a move started from a row.
import { reactive, ref, watch } from 'vue';
import { errorMessage, type Query } from '@/shared/api';
import { listEvents, type EventAction, type EventItem } from './api';

export function useEventList(query: () => Query, pageSize = 20) {
  const items = ref<EventItem[]>([]);
  const total = ref(0);
  const page = ref(1);
  const loading = ref(false);
  const error = ref('');
  const dialog = reactive<{ event: EventItem | null; action: EventAction | '' }>({ event: null, action: '' });
  let seq = 0;

  async function load() {
    const mine = ++seq;
    loading.value = true;
    error.value = '';
    try {
      const r = await listEvents({ ...query(), limit: pageSize, offset: (page.value - 1) * pageSize });
      if (mine !== seq) return;
      items.value = r.items;
      total.value = r.total;
    } catch (e) {
      if (mine === seq) error.value = errorMessage(e);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  watch(query, () => {
    page.value = 1;
    void load();
  }, { deep: true });
  watch(page, () => void load());

  function act(e: EventItem, a: EventAction) {
    dialog.event = e;
    dialog.action = a;
  }
  function close() {
    dialog.event = null;
    dialog.action = '';
  }
  // after a move: the row is replaced (or goes, when it left the list's filter)
  function moved(e: EventItem) {
    close();
    void load();
    return e;
  }
  void load();
  return { items, total, page, pageSize, loading, error, dialog, load, act, close, moved };
}
