// No blank screen on a slow rural link: over a throttled connection (about 50 KB/s
// down, 800 ms round trip, through the DevTools protocol) each app's first paint is
// its static shell (村治, 正在加载…) before any script has run, and the first load
// stays within its byte budget on the wire (compressed bodies and headers, everything
// the server sent: the page, scripts, styles, fonts, images and API replies, with a
// fresh cache). Bytes are asserted, never times. The figures are printed as test
// diagnostics (recorded in bench/README.md).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const KB = 1024;
const BUDGET = { villagerLogin: 120 * KB, villagerHome: 120 * KB, consoleLogin: 200 * KB, consoleOverview: 450 * KB };
// what a weak village signal gives: ~50 KB/s down, ~25 KB/s up, 800 ms round trip
const SLOW = { offline: false, latency: 800, downloadThroughput: 50 * KB, uploadThroughput: 25 * KB };

let s;
let browser;
const figures = {};

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// Opens path in a fresh context (empty cache) over the slow link; counts every byte
// that came over the wire for it (Network.loadingFinished's encodedDataLength: headers
// and the body as sent; a stream still open counts what it received). Checks that the
// shell is what was painted first, then waits for the app (appSelector) and quiet.
async function firstLoad(kind, path, { token, appSelector, name }) {
  const ctx = await L.newContext(browser, kind, s.url);
  if (token) await ctx.addCookies([{ name: 'cz_session', value: token, url: s.url }]);
  const page = await L.newPage(ctx);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.send('Network.emulateNetworkConditions', SLOW);
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => reqs.set(e.requestId, { url: e.request.url, bytes: 0, done: false }));
  cdp.on('Network.dataReceived', (e) => { const r = reqs.get(e.requestId); if (r) r.bytes += e.encodedDataLength; });
  cdp.on('Network.responseReceived', (e) => { const r = reqs.get(e.requestId); if (r) { r.status = e.response.status; r.encoding = e.response.headers['content-encoding'] || e.response.headers['Content-Encoding']; } });
  cdp.on('Network.loadingFinished', (e) => { const r = reqs.get(e.requestId); if (r) { r.bytes = e.encodedDataLength; r.done = true; } });

  // when the shell leaves #app, what replaced it must already show something: the
  // app mounts with its first page, not an empty frame that fills in later
  await page.addInitScript(() => {
    let seen = false;
    new MutationObserver(() => {
      const app = document.getElementById('app');
      if (!app) return;
      if (app.querySelector('[data-boot]')) seen = true;
      else if (seen && window.__afterShell === undefined) window.__afterShell = app.innerText.trim();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(path, { waitUntil: 'commit' });
  // the first contentful paint happens while the shell is still in #app: the app has
  // not mounted yet, and what was painted is the shell's text
  const painted = await page.waitForFunction(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    if (!fcp) return null;
    const boot = document.querySelector('#app [data-boot]');
    return { boot: !!boot, text: boot ? boot.innerText : document.body.innerText };
  }, null, { polling: 'raf' }).then((h) => h.jsonValue());
  assert.ok(painted.boot, `${name}: the first paint is the shell, before the app mounted`);
  assert.match(painted.text, /村治/, name);
  assert.match(painted.text, /正在加载…/, name);
  await page.screenshot({ path: require('node:path').join(__dirname, 'screenshots', `firstpaint-${name}-shell.png`) });

  // then the app replaces it
  await page.waitForSelector(appSelector, { state: 'visible' });
  await L.expectCount(page.locator('#app [data-boot]'), 0, `${name}: the shell is gone once the app mounted`);
  const after = await page.evaluate(() => window.__afterShell);
  assert.ok(after && after.length > 0, `${name}: the app replaced the shell with its first page, not a blank frame`);
  await L.quiet(page);
  await page.evaluate(() => document.fonts && document.fonts.ready);
  await L.quiet(page);
  await L.shot(page, `firstpaint-${name}-app`);

  const own = [...reqs.values()].filter((r) => r.url.startsWith(s.url));
  const total = own.reduce((a, r) => a + r.bytes, 0);
  const plain = own.filter((r) => /\.(js|css|html)$|\/$/.test(new URL(r.url).pathname) && r.status === 200 && !r.encoding && r.bytes > 1500);
  L.assertNoProblems(ctx);
  await ctx.close();
  return { requests: own.length, bytes: total, plain: plain.map((r) => r.url), files: own };
}

function record(t, name, r) {
  figures[name] = r.bytes;
  t.diagnostic(`${name}: ${r.requests} requests, ${(r.bytes / KB).toFixed(1)} KB on the wire (budget ${BUDGET[name] / KB} KB)`);
  const big = [...r.files].sort((a, b) => b.bytes - a.bytes).slice(0, 8);
  for (const f of big) t.diagnostic(`  ${(f.bytes / KB).toFixed(1).padStart(6)} KB ${new URL(f.url).pathname}`);
  assert.deepEqual(r.plain, [], `${name}: every script, style and page over 1 KB came compressed`);
  assert.ok(r.bytes <= BUDGET[name], `${name}: ${r.bytes} bytes on the wire, budget ${BUDGET[name]}`);
}

test('villager app: the shell paints first, and the first load stays within 120 KB on the wire', async (t) => {
  const login = await firstLoad('phone', '/', { appSelector: 'input[name=phone]', name: 'villagerLogin' });
  record(t, 'villagerLogin', login);
  const token = await s.login(s.villager.phone);
  const home = await firstLoad('phone', '/', { token, appSelector: '.van-tabbar', name: 'villagerHome' });
  record(t, 'villagerHome', home);
  assert.ok(!home.files.some((f) => /echarts|element|admin/i.test(f.url)), 'the villager app loads nothing of the console');
});

test('console: the shell paints first; login within 200 KB and the overview within 450 KB on the wire', async (t) => {
  const login = await firstLoad('desktop', '/admin/login', { appSelector: '#login-phone', name: 'consoleLogin' });
  record(t, 'consoleLogin', login);
  assert.ok(!login.files.some((f) => /echarts|installCanvasRenderer|Chart/i.test(f.url)), 'the login page downloads no ECharts');
  const token = await s.login(L.PHONES.cadre);
  const overview = await firstLoad('desktop', '/admin/', { token, appSelector: '[data-test=stat-households]', name: 'consoleOverview' });
  record(t, 'consoleOverview', overview);
  t.diagnostic(`figures: ${JSON.stringify(figures)}`);
});
