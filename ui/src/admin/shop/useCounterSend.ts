// The counter's confirmation dialog: what is about to be sent (a redemption or a
// pre-order's collection), sending it with its idempotency key (counter.ts), trying
// again with the same key when no answer came, giving up, and a request left without
// an answer before a reload.
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessageBox } from 'element-plus';
import { ApiError, errorMessage } from '@/shared/api';
import type { Receipt } from './api';
import { clearPending, loadPending, mayRetry, sendKeyed, type Pending } from './counter';

export interface Confirm {
  title: string;
  lines: { name: string; qty: number; unit: string; points: number }[];
  total: number;
  build: () => Pending;
}

export function useCounterSend(done: (r: Receipt) => void) {
  const { t } = useI18n();
  const confirm = ref<Confirm | null>(null);
  const pending = ref<Pending | null>(null);
  const sending = ref(false);
  const retryNote = ref('');
  const sendError = ref('');
  const lost = ref(false);        // no answer: the same key must be tried again
  const resumed = ref<Pending | null>(loadPending());

  function ask(c: Confirm) {
    confirm.value = c;
    pending.value = null;
    sendError.value = '';
    retryNote.value = '';
    lost.value = false;
  }

  async function send() {
    if (!confirm.value && !pending.value) return;
    // a new confirmation gets a new key; a retry keeps the one already sent
    if (!pending.value) pending.value = confirm.value!.build();
    sending.value = true;
    sendError.value = '';
    retryNote.value = '';
    try {
      const r = await sendKeyed<Receipt>(pending.value, (n) => { retryNote.value = t('counter.retrying', { n }); });
      pending.value = null;
      lost.value = false;
      confirm.value = null;
      resumed.value = null;
      done(r);
    } catch (e) {
      if (mayRetry(e)) {
        lost.value = true;
        sendError.value = t('counter.lost');
      } else {
        pending.value = null;
        lost.value = false;
        sendError.value = errorMessage(e);
        if (e instanceof ApiError && e.fields.code) sendError.value = `${sendError.value}：${e.fields.code}`;
      }
    } finally {
      sending.value = false;
      retryNote.value = '';
    }
  }

  async function giveUp() {
    if (lost.value) {
      try {
        await ElMessageBox.confirm(t('counter.giveUpText'), t('counter.giveUp'), {
          type: 'warning', confirmButtonText: t('counter.giveUp'), cancelButtonText: t('common.cancel'),
        });
      } catch {
        return;
      }
      clearPending();
    }
    confirm.value = null;
    pending.value = null;
    lost.value = false;
  }

  // a request left without an answer (this tab, before a reload)
  function retryResumed() {
    if (!resumed.value) return;
    confirm.value = { title: t('counter.resumeTitle'), lines: [], total: 0, build: () => resumed.value! };
    pending.value = resumed.value;
    lost.value = true;
    void send();
  }
  function dropResumed() {
    clearPending();
    resumed.value = null;
  }

  return { confirm, sending, retryNote, sendError, lost, resumed, ask, send, giveUp, retryResumed, dropResumed };
}
