// The villager app's service worker: keeps the app's shell on the phone so that a
// second visit opens at once on a weak signal, or with none.
//
// - The page (any navigation outside /admin/ and the API): the kept copy of
//   index.html answers at once and a fresh one is fetched behind it for the next visit
//   (stale-while-revalidate); with nothing kept yet, the network.
// - /assets/ files are named by their content hash and never change: kept on first
//   use and answered from the phone after that (cache first). Installing keeps the
//   shell: index.html and the scripts and styles it names.
// - Everything else (the API, the live stream, uploads, the console) goes to the
//   network untouched: data is never answered from a cache.
//
// Hand-written rather than generated: it is this small, has no build step and no
// dependency, and the server sends it with Cache-Control: no-cache so a new version
// is picked up on the next visit.
'use strict';

const SHELL = 'cunzhi-shell-v1';
const ASSETS = 'cunzhi-assets-v1';
const KEEP_ASSETS = 400;

function isApp(url) {
  return url.origin === self.location.origin && !url.pathname.startsWith('/admin') &&
    !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/open311/') && url.pathname !== '/healthz';
}

// The page and every /assets/ file it names (entry script, its preloads, styles).
async function keepShell(response) {
  const html = await response.clone().text();
  const shell = await caches.open(SHELL);
  await shell.put('/index.html', response);
  const assets = await caches.open(ASSETS);
  const names = new Set();
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) names.add(m[1]);
  await Promise.all([...names].map(async (n) => {
    if (!(await assets.match(n))) await assets.add(n).catch(() => {});
  }));
}

async function trim() {
  const assets = await caches.open(ASSETS);
  const keys = await assets.keys();
  for (let i = 0; i < keys.length - KEEP_ASSETS; i++) await assets.delete(keys[i]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(fetch('/index.html', { cache: 'no-cache' }).then((r) => (r.ok ? keepShell(r) : undefined)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== ASSETS).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

async function page(event) {
  const shell = await caches.open(SHELL);
  const kept = await shell.match('/index.html');
  const fresh = fetch('/index.html', { cache: 'no-cache' }).then(async (r) => {
    if (r.ok) await keepShell(r.clone());
    return r;
  });
  if (kept) {
    event.waitUntil(fresh.then(trim).catch(() => {}));
    return kept;
  }
  return fresh;
}

async function asset(request) {
  const assets = await caches.open(ASSETS);
  const kept = await assets.match(request);
  if (kept) return kept;
  const r = await fetch(request);
  if (r.ok) await assets.put(request, r.clone());
  return r;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (!isApp(url)) return;
  if (request.mode === 'navigate' && !/\.[a-z0-9]+$/i.test(url.pathname)) {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(asset(request));
  }
});
