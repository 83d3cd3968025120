// A value loaded from the API with its loading and error state, for pages that show
// "loading", the data, or the error with a retry.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { errorMessage } from './api';

export interface Loaded<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: Ref<string>;
  reload: () => Promise<void>;
}

export function useLoad<T>(fn: () => Promise<T>, immediate = true): Loaded<T> {
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
      if (mine === seq) error.value = errorMessage(e);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }
  if (immediate) void reload();
  return { data, loading, error, reload };
}
