// The villager app's first load stays small (target: at most 300 KB gzipped), counted
// two ways: from the build manifest (bundle-size.js) and in the browser, where every
// response of the first page view from cunzhi (HTML, scripts, styles, fonts, images;
// not API replies) is gzipped and summed. The villager app must never pull in the
// console's libraries (Element Plus, ECharts).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const L = require('./lib');
const { measure } = require('./bundle-size');

const BUDGET = 300 * 1024;

let s;
let browser;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// Loads path in a fresh phone context and returns what came from the server.
async function firstView(path, login) {
  const ctx = await L.newContext(browser, 'phone', s.url);
  if (login) {
    const token = await s.login(s.villager.phone);
    await ctx.addCookies([{ name: 'cz_session', value: token, url: s.url }]);
  }
  const page = await L.newPage(ctx);
  const got = [];
  const reads = [];
  const read = async (r) => {
    const u = new URL(r.url());
    if (u.origin !== s.url || u.pathname.startsWith('/api/') || r.status() !== 200) return;
    try {
      const body = await r.body();
      got.push({ path: u.pathname, type: r.request().resourceType(), bytes: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length });
    } catch { /* a body that went away: counted by the manifest measure anyway */ }
  };
  page.on('response', (r) => reads.push(read(r)));
  await page.goto(path);
  await L.quiet(page);
  await page.evaluate(() => document.fonts && document.fonts.ready);
  // every response reported by now (the fonts' too) is read to its end
  await Promise.all(reads);
  L.assertNoProblems(ctx);
  await ctx.close();
  return { requests: got.length, gzip: got.reduce((a, x) => a + x.gzip, 0), bytes: got.reduce((a, x) => a + x.bytes, 0), files: got };
}

test('the build manifest: first load under 300 KB gzipped', () => {
  const r = measure();
  for (const k of ['login', 'home']) {
    assert.ok(r[k].gzip <= BUDGET, `${k}: ${r[k].gzip} bytes gzipped`);
    assert.ok(!r[k].files.some((f) => /element|echarts|admin|Overview|el-/i.test(f.file)), `${k} loads nothing of the console`);
  }
});

test('in the browser: the login page and the home page load under 300 KB gzipped', async (t) => {
  const login = await firstView('/', false);
  const home = await firstView('/', true);
  for (const [name, r] of [['login', login], ['home', home]]) {
    t.diagnostic(`${name}: ${r.requests} requests, ${(r.bytes / 1024).toFixed(1)} KB, ${(r.gzip / 1024).toFixed(1)} KB gzipped`);
    assert.ok(r.gzip <= BUDGET, `${name}: ${r.gzip} bytes gzipped`);
    assert.ok(r.files.some((f) => f.type === 'document'));
    assert.ok(!r.files.some((f) => /element|echarts|admin|Overview|\/el-/i.test(f.path)), `${name} loads nothing of the console`);
  }
});
