// The villager app as an installed web app (public/manifest.webmanifest): the service
// worker (public/sw.js) keeps its shell on the phone, and the outbox (outbox/) sends
// what was made without signal once the signal is back.
import { watch } from 'vue';
import { session } from '@/shared/session';

// Registered after the page has loaded, so that installing (which keeps the page and
// the files it names) never competes with the first view. Browsers allow workers on
// HTTPS and on this machine only: a village server reached over plain HTTP runs
// without one.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => { /* the app works without it */ });
  });
}

// The outbox belongs to the account logged in on this phone. Its module loads on its own
// time, and two loads asked one after the other (nobody logged in yet as the page opens,
// then the account) may finish in either order: each start takes the account logged in
// when it runs, so that a start for nobody finishing last cannot leave the outbox
// without its account (its items then kept for nobody and never sent).
watch(() => session.info?.user_id || 0, () => {
  void import('./outbox/outbox').then((m) => m.startOutbox(session.info?.user_id || 0));
}, { immediate: true });

// A page kept by the worker may name the files of an earlier build that the server no
// longer has (the fresh page is fetched behind it): a chunk that fails to load reloads
// the page once, which is then the fresh one.
window.addEventListener('vite:preloadError', (ev) => {
  if (sessionStorage.getItem('cz.reloaded')) return;
  sessionStorage.setItem('cz.reloaded', '1');
  ev.preventDefault();
  window.location.reload();
});
window.addEventListener('load', () => window.setTimeout(() => sessionStorage.removeItem('cz.reloaded'), 10000));
