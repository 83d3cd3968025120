// The console's forms send with shared/useSubmit.ts, the success shown as an Element
// Plus message.
import { ElMessage } from 'element-plus';
import { makeSubmit, type Submit, type SubmitOptions } from '@/shared/useSubmit';

export function useSubmit<A extends unknown[], T>(send: (...args: A) => Promise<T>, opts?: SubmitOptions<T>): Submit<A, T> {
  return makeSubmit(send, (text) => ElMessage.success(text), opts);
}
