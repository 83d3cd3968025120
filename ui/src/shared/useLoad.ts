// A value loaded from the API with its loading and error state, for pages that show
// "loading", the data, or the error with a retry. Only the latest load counts: an
// older answer arriving late is dropped.
import { computed, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import { errorMessage } from './api';

export interface Loaded<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: Ref<string>;
  // the first load is on its way and there is nothing to show yet: pages show their
  // loading state (never a blank page) while this holds
  waiting: ComputedRef<boolean>;
  reload: () => Promise<void>;
}

export interface LoadOptions {
  immediate?: boolean;     // load at once (default true)
  clearOnError?: boolean;  // drop the data shown when a load fails (default: keep it)
}

export function useLoad<T>(fn: () => Promise<T>, options: boolean | LoadOptions = true): Loaded<T> {
  const opts = typeof options === 'boolean' ? { immediate: options } : options;
  const data = shallowRef<T | null>(null) as ShallowRef<T | null>;
  const loading = ref(false);
  const error = ref('');
  let seq = 0;
  async function reload() {
    const mine = ++seq;
    loading.value = true;
    error.value = '';
    try {
      const v = await fn();
      if (mine === seq) data.value = v;
    } catch (e) {
      if (mine === seq) {
        error.value = errorMessage(e);
        if (opts.clearOnError) data.value = null;
      }
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  if (opts.immediate !== false) void reload();
  const waiting = computed(() => loading.value && data.value === null && !error.value);
  return { data, loading, error, waiting, reload };
}
