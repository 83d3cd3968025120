// No blank page on a slow link: every page a demo login's console menu offers, and every
// page of the villager app, opened from within the app while the server's answers are
// held back, shows that it is loading (a loading mask or spinner, a skeleton, or a busy
// region) until its first data arrive — never an empty table or an empty page that looks
// final. Pages that ask the server for nothing are skipped. Each console route is opened
// once, by the first login whose menu has it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

const LOGINS = ['county_admin', 'cadre', 'clerk', 'grid_worker', 'assessor', 'handler', 'inspector', 'operator'];
const ACCOUNTANT = '13900000021';

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});


async function until(fn, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await L.sleep(50)) {
    if (await fn()) return true;
  }
  return fn();
}

// What the page shows while its data are on the way.
const LOADING = '.el-loading-mask, .el-skeleton, [aria-busy="true"]';

test('every console page shows that it is loading until its first data arrive', async () => {
  const seen = new Set();
  const blank = [];
  let checked = 0;
  const logins = [...LOGINS.map((r) => [r, L.PHONES[r]]), ['accountant', ACCOUNTANT]];
  for (const [role, phone] of logins) {
    const ctx = await L.newContext(browser, 'desktop', s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, phone);
    await page.locator('.layout__main').waitFor();
    const hrefs = await page.locator('.menu a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of [...new Set(hrefs)]) {
      if (seen.has(href)) continue;
      seen.add(href);
      // leave for a page of no data first, so the menu click is a real change of page
      const held = [];
      let holding = true;
      await page.route('**/api/v1/**', (route) => (holding ? held.push(route) : route.continue()));
      await page.locator(`.menu a[href="${href}"]`).first().click();
      const asked = await until(() => held.length > 0, 3000);
      if (asked) {
        checked++;
        const shown = await until(() => page.locator(LOADING).filter({ visible: true }).count().then((n) => n > 0), 5000);
        if (!shown) {
          blank.push(`${role} ${href} (waiting for ${held.map((r) => new URL(r.request().url()).pathname).join(', ')})`);
          await L.shot(page, `loading-missing${href.replace(/\//g, '-')}`);
        }
      }
      holding = false;
      for (const r of held.splice(0)) await r.continue().catch(() => {});
      await page.unroute('**/api/v1/**');
      await L.quiet(page);
      // the data came: nothing is left loading
      const left = await until(() => page.locator('.el-loading-mask').filter({ visible: true }).count().then((n) => n === 0), 15000);
      assert.ok(left, `${role} ${href}: still loading after its data came`);
    }
    await ctx.close();
  }
  assert.deepEqual(blank, [], 'pages without a loading state while their data are on the way');
  assert.ok(checked > 30, `${checked} pages checked`);
});

// the villager app's pages that need no id (the grid worker's tab with a grid worker)
const VILLAGER_PAGES = ['/earn', '/claim', '/claims', '/ledger', '/publicity', '/rankings', '/activities', '/shop', '/orders',
  '/notices', '/open', '/open/finance', '/report', '/my-events', '/lists', '/my-requests', '/broadcasts', '/talks',
  '/evaluations', '/party', '/party/hall', '/me', '/'];
const VILLAGER_LOADING = '.van-loading, .van-skeleton, [aria-busy="true"]';

test('every page of the villager app shows that it is loading until its first data arrive', async () => {
  const blank = [];
  let checked = 0;
  for (const [who, phone, pages] of [['villager', s.villager.phone, VILLAGER_PAGES], ['grid_worker', L.PHONES.grid_worker, ['/grid']]]) {
    const ctx = await L.newContext(browser, 'phone', s.url);
    const page = await L.newPage(ctx);
    await page.setViewportSize({ width: 360, height: 740 });
    await L.villagerLogin(page, phone);
    await L.quiet(page);
    for (const path of pages) {
      // a page of another kind first, so the app really changes page
      await page.evaluate(() => document.querySelector('#app').__vue_app__.config.globalProperties.$router.push('/me'));
      await L.quiet(page);
      const held = [];
      let holding = true;
      await page.route('**/api/v1/**', (route) => {
        // the live broadcast stream stays open on every page: not a page's data
        if (!holding || route.request().url().includes('/stream')) return route.continue();
        held.push(route);
      });
      await page.evaluate((p) => document.querySelector('#app').__vue_app__.config.globalProperties.$router.push(p), path);
      const asked = await until(() => held.length > 0, 3000);
      if (asked) {
        checked++;
        const shown = await until(() => page.locator(VILLAGER_LOADING).filter({ visible: true }).count().then((n) => n > 0), 5000);
        if (!shown) {
          blank.push(`${who} ${path} (waiting for ${held.map((r) => new URL(r.request().url()).pathname).join(', ')})`);
          await L.shot(page, `loading-missing-villager${path.replace(/\//g, '-')}`);
        }
      }
      holding = false;
      for (const r of held.splice(0)) await r.continue().catch(() => {});
      await page.unroute('**/api/v1/**');
      await L.quiet(page);
    }
    await ctx.close();
  }
  assert.deepEqual(blank, [], 'villager pages without a loading state while their data are on the way');
  assert.ok(checked > 15, `${checked} pages checked`);
});
