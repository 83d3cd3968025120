// The patrol being recorded on the grid worker's phone. While it runs the phone's
// position is recorded (a point on every move, at least every 15 s), kept on the phone
// (localStorage) until the server has it and sent in batches, and reported as the
// worker's live position at most once a minute. A patrol left running when the page was
// closed carries on when it opens again.
import { computed, onBeforeUnmount, onMounted, reactive, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { showFailToast } from 'vant';
import { errorMessage } from '@/shared/api';
import { formKey } from '@/shared/idem';
import { endPatrol, sendPoints, sendPositions, startPatrol, type Patrol, type TrackPoint, type TrackStats } from './api';

const STORE = 'cz.grid.patrol';
const BATCH = 5;          // points per upload when online
const EVERY_MS = 15000;   // a point at least this often while standing still
const POSITION_MS = 60000;

interface Saved { id: number; seq: number; pending: TrackPoint[] }

export function usePatrol(opts: {
  gridId: Ref<number | undefined>;
  me: Ref<{ lat: number; lng: number } | null>;
  started: () => void;     // a patrol began: today's patrols change
  ended: () => void;       // a patrol ended: today's patrols, compliance and positions change
}) {
  const { t } = useI18n();
  const rec = reactive({
    id: 0, seq: 0, pending: [] as TrackPoint[], recorded: 0, stats: null as TrackStats | null,
    error: '', busy: false, lastPosition: 0, result: '',
  });
  let watchId = -1;
  let timer = 0;
  let lastPointAt = 0;
  let lastLat = 0;
  let lastLng = 0;
  let sending = false;

  function save() {
    try {
      if (rec.id) localStorage.setItem(STORE, JSON.stringify({ id: rec.id, seq: rec.seq, pending: rec.pending } as Saved));
      else localStorage.removeItem(STORE);
    } catch {
      /* not kept */
    }
  }

  function onPosition(p: GeolocationPosition) {
    if (!rec.id) return;
    const now = Date.now();
    const lat = Math.round(p.coords.latitude * 1e6) / 1e6, lng = Math.round(p.coords.longitude * 1e6) / 1e6;
    // the same place again within a few seconds adds nothing to the track
    if (now - lastPointAt < 5000 && lat === lastLat && lng === lastLng) return;
    lastPointAt = now;
    lastLat = lat;
    lastLng = lng;
    opts.me.value = { lat, lng };
    const pt: TrackPoint = { seq: rec.seq++, at: Math.floor(now / 1000), lat, lng };
    rec.pending.push(pt);
    rec.recorded++;
    rec.error = '';
    save();
    if (rec.pending.length >= BATCH) void flush();
    if (now - rec.lastPosition >= POSITION_MS) {
      sendPositions([{ at: pt.at, lat: pt.lat, lng: pt.lng, accuracy: Math.round(p.coords.accuracy || 0) }])
        .then(() => { rec.lastPosition = now; })
        .catch(() => { /* the next one will do */ });
    }
  }
  function onError(e: GeolocationPositionError) {
    rec.error = e.code === e.PERMISSION_DENIED ? t('gw.phone.geoDenied') : t('gw.phone.geoUnavailable');
  }

  async function flush(): Promise<boolean> {
    if (sending || !rec.id || !rec.pending.length) return !rec.pending.length;
    sending = true;
    const batch = rec.pending.slice(0, 200);
    try {
      const r = await sendPoints(rec.id, batch);
      const sent = new Set(batch.map((x) => x.seq));
      rec.pending = rec.pending.filter((x) => !sent.has(x.seq));
      rec.stats = r.stats;
      save();
      return !rec.pending.length;
    } catch {
      return false;   // offline: the points stay on the phone and go with the next batch
    } finally {
      sending = false;
    }
  }

  function watch() {
    if (!('geolocation' in navigator)) {
      rec.error = t('gw.phone.geoUnavailable');
      return;
    }
    watchId = navigator.geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 });
    timer = window.setInterval(() => {
      navigator.geolocation.getCurrentPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 });
      void flush();
    }, EVERY_MS);
  }
  function unwatch() {
    if (watchId >= 0) navigator.geolocation.clearWatch(watchId);
    watchId = -1;
    if (timer) window.clearInterval(timer);
    timer = 0;
  }

  const startKey = formKey();
  async function start() {
    rec.busy = true;
    rec.result = '';
    try {
      const p = await startPatrol(opts.gridId.value, startKey.value);
      startKey.settle();
      Object.assign(rec, { id: p.id, seq: 0, pending: [], recorded: 0, stats: p.stats, error: '', lastPosition: 0 });
      save();
      watch();
      opts.started();
    } catch (e) {
      startKey.settle(e);
      showFailToast(errorMessage(e));
    } finally {
      rec.busy = false;
    }
  }

  async function stop() {
    rec.busy = true;
    try {
      unwatch();
      for (let i = 0; i < 5 && rec.pending.length; i++) if (!(await flush())) break;
      const p: Patrol = await endPatrol(rec.id);
      rec.stats = p.stats;
      rec.result = t('gw.phone.ended', { result: p.qualified ? t('gw.phone.qualified') : t('gw.phone.notQualified') });
      if (!rec.pending.length) {
        rec.id = 0;
        save();
      }
      opts.ended();
    } catch (e) {
      showFailToast(errorMessage(e));
    } finally {
      rec.busy = false;
    }
  }

  onMounted(() => {
    // a patrol left running (the page was closed): carry on with it
    try {
      const s = JSON.parse(localStorage.getItem(STORE) || 'null') as Saved | null;
      if (s && s.id) {
        Object.assign(rec, { id: s.id, seq: s.seq, pending: s.pending || [] });
        watch();
        void flush();
      }
    } catch {
      /* nothing kept */
    }
  });
  onBeforeUnmount(unwatch);

  const statsText = computed(() => {
    const s = rec.stats;
    if (!s) return '';
    return t('gw.phone.stats', { m: s.length_m, min: Math.round(s.duration_s / 60), pts: s.points, pct: s.inside_pct });
  });

  return { rec, start, stop, statsText };
}
export type PatrolRecording = ReturnType<typeof usePatrol>;
