// The duty officer's live emergency alerts: one EventSource on the alert stream for the
// whole console (it reconnects by itself; on connecting the server sends the alerts not
// yet acknowledged). The banner shows `pending`; pages that list emergencies watch
// `emergencyTick` to reload when one arrives.
import { ref } from 'vue';
import { ALERT_STREAM, type AlertEvent } from './api';

export const pending = ref<AlertEvent[]>([]);
export const emergencyTick = ref(0);
let source: EventSource | null = null;

export function startAlerts(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource(ALERT_STREAM);
  source.addEventListener('emergency', (ev) => {
    try {
      const a = JSON.parse((ev as MessageEvent).data) as AlertEvent;
      if (!pending.value.some((x) => x.id === a.id)) pending.value = [a, ...pending.value];
      emergencyTick.value++;
    } catch { /* a malformed event is skipped */ }
  });
  source.addEventListener('ack', (ev) => {
    try {
      const { id } = JSON.parse((ev as MessageEvent).data) as { id: number };
      dismiss(id);
    } catch { /* skipped */ }
  });
}

export function stopAlerts(): void {
  source?.close();
  source = null;
  pending.value = [];
}

export function dismiss(id: number): void {
  pending.value = pending.value.filter((x) => x.id !== id);
}
