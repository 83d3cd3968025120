// One way for a form to send: a busy flag while it is sent (a second press does
// nothing), the server's field errors shown at their fields, its message under the
// form, and a success toast. Each app binds its own toast (admin/submit.ts with Element
// Plus, villager/submit.ts with Vant); the form's send function does the rest (closing
// a dialog, emitting 'saved') after its request went through.
import { ref, type Ref } from 'vue';
import { errorMessage, fieldErrors } from './api';

export type FieldErrors = Record<string, string>;

export interface SubmitOptions<T> {
  // the toast after success: a text, or one made from the reply (empty: no toast)
  success?: string | ((r: T) => string);
  // the error message only when the error has no field errors (the fields say it)
  messageUnlessFields?: boolean;
}

export interface Submit<A extends unknown[], T> {
  busy: Ref<boolean>;
  errors: Ref<FieldErrors>;
  message: Ref<string>;
  // sends; resolves with the reply, or undefined when it failed (or was already busy)
  run: (...args: A) => Promise<T | undefined>;
  // clears the errors and the message (a dialog opened again)
  clear: () => void;
}

export function makeSubmit<A extends unknown[], T>(
  send: (...args: A) => Promise<T>, toast: (text: string) => void, opts: SubmitOptions<T> = {},
): Submit<A, T> {
  const busy = ref(false);
  const errors = ref<FieldErrors>({});
  const message = ref('');
  function clear() {
    errors.value = {};
    message.value = '';
  }
  async function run(...args: A): Promise<T | undefined> {
    if (busy.value) return undefined;
    clear();
    busy.value = true;
    try {
      const r = await send(...args);
      const text = typeof opts.success === 'function' ? opts.success(r) : opts.success;
      if (text) toast(text);
      return r;
    } catch (e) {
      errors.value = fieldErrors(e);
      if (!opts.messageUnlessFields || !Object.keys(errors.value).length) message.value = errorMessage(e);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, errors, message, run, clear };
}
