// The villager app's forms send with shared/useSubmit.ts, the success shown as a Vant
// toast.
import { showSuccessToast } from 'vant';
import { makeSubmit, type Submit, type SubmitOptions } from '@/shared/useSubmit';

export function useSubmit<A extends unknown[], T>(send: (...args: A) => Promise<T>, opts?: SubmitOptions<T>): Submit<A, T> {
  return makeSubmit(send, (text) => showSuccessToast(text), opts);
}
