// The phone's position for a report, with what went wrong in words a villager reads:
// refused, unavailable (no GPS, or a page not on HTTPS), or too slow.
import { ref } from 'vue';

export type LocateError = 'denied' | 'unavailable' | 'timeout' | '';

export function useLocation() {
  const coords = ref<{ lat: number; lng: number; accuracy: number } | null>(null);
  const busy = ref(false);
  const error = ref<LocateError>('');
  function locate(): Promise<void> {
    error.value = '';
    if (!('geolocation' in navigator) || !window.isSecureContext) {
      error.value = 'unavailable';
      return Promise.resolve();
    }
    busy.value = true;
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition((p) => {
        coords.value = {
          lat: Math.round(p.coords.latitude * 1e6) / 1e6,
          lng: Math.round(p.coords.longitude * 1e6) / 1e6,
          accuracy: Math.round(p.coords.accuracy),
        };
        busy.value = false;
        resolve();
      }, (e) => {
        error.value = e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable';
        busy.value = false;
        resolve();
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  function clear() {
    coords.value = null;
    error.value = '';
  }
  return { coords, busy, error, locate, clear };
}
