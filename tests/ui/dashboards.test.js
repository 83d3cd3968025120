// The dashboards 看板: the county admin opens the county's page (a panel per feature,
// the towns below as a table and a chart, the twelve months' lines), goes down to the
// town and the village and from a figure to the list of its records; the town official
// sees the town; a clerk sees only the shop. Desktop 1366×768 and phone 360×740, no
// horizontal overflow, axe-clean, screenshots in tests/ui/screenshots/.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

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

async function noOverflow(page, label) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 1, `${label}: the page is ${over}px wider than the screen`);
}

test('county → town → village dashboards, a figure down to its records', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000001');
  await page.locator('.menu a', { hasText: '看板' }).click();
  await page.waitForURL(/\/admin\/dashboard/);
  await page.locator('[data-test=dash-events]').waitFor();
  await page.locator('h1', { hasText: '青川县看板' }).waitFor();
  for (const k of ['register', 'points', 'events', 'grid', 'lists', 'disclosure'])
    await page.locator(`[data-test=dash-${k}]`).waitFor();
  // the towns below, as a table per section
  await page.locator('[data-test=dash-table-events] a', { hasText: '河口镇' }).first().waitFor();
  await page.locator('[data-test=dash-series]').waitFor();
  await L.quiet(page);
  await noOverflow(page, 'county, desktop');
  await L.shot(page, 'dash-county-desktop', { fullPage: true });
  await L.axe(page, 'county dashboard');

  // the overdue events: the same number on the county's page and the board's count
  const overdue = (await page.locator('[data-test=fig-events-overdue_now] .tile__value').innerText()).trim();
  assert.match(overdue, /^\d+$/);

  // down to the town, then the village
  await page.locator('[data-test=dash-table-events] a', { hasText: '河口镇' }).first().click();
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  await page.locator('[data-test=dash-up]').waitFor();
  assert.equal((await page.locator('[data-test=fig-events-overdue_now] .tile__value').innerText()).trim(), overdue,
    'the one town holds every overdue event of the county');
  await page.locator('[data-test=dash-table-events] a', { hasText: '青山村' }).first().click();
  await page.locator('h1', { hasText: '青山村看板' }).waitFor();
  await L.quiet(page);
  await L.shot(page, 'dash-village-desktop', { fullPage: true });
  await L.axe(page, 'village dashboard');

  // a figure down to its records: the overdue board
  await page.locator('[data-test=fig-events-overdue_now]').click();
  await page.waitForURL(/\/admin\/events\/board/);
  await L.quiet(page);

  // the export of the tables
  await page.goBack();
  await page.locator('[data-test=dash-export]').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=dash-export]').click()]);
  const head = require('node:fs').readFileSync(await download.path()).subarray(0, 2).toString('latin1');
  assert.equal(head, 'PK', 'the tables as an XLSX (zip) file');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('a town official on a phone: the town page fits 360 px; a clerk sees only the shop', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000002');
  await page.goto('/admin/dashboard');
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  await page.locator('[data-test=dash-events]').waitFor();
  await L.quiet(page);
  await noOverflow(page, 'town, phone');
  await L.shot(page, 'dash-town-phone', { fullPage: true });
  await L.axe(page, 'town dashboard on a phone');
  L.assertNoProblems(ctx);
  await ctx.close();

  const c2 = await L.newContext(browser, 'desktop', s.url);
  const p2 = await L.newPage(c2);
  await L.adminLogin(p2, '13900000004');
  await p2.goto('/admin/dashboard');
  await p2.locator('[data-test=dash-shop]').waitFor();
  await L.quiet(p2);
  await L.expectCount(p2.locator('[data-test=dash-events]'), 0, 'no events section for the clerk');
  await L.shot(p2, 'dash-clerk-desktop');
  L.assertNoProblems(c2);
  await c2.close();
});
