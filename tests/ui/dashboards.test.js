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
  // the overview leads to the dashboard, and so does the menu
  await page.goto('/admin/');
  await page.locator('[data-test=to-dashboard]').click();
  await page.waitForURL(/\/admin\/dashboard/);
  await page.goto('/admin/');
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

  // a figure down to its records: the village's overdue list records on the list board
  const listOverdue = (await page.locator('[data-test=fig-lists-overdue_now] .tile__value').innerText()).trim();
  await page.locator('[data-test=fig-lists-overdue_now]').click();
  await page.waitForURL(/\/admin\/lists\/board\?.*unit_id=3/);
  await page.locator('[data-test=board-total]', { hasText: listOverdue }).waitFor();
  await L.quiet(page);
  await page.goBack();
  await page.locator('[data-test=fig-events-overdue_now]').click();
  await page.waitForURL(/\/admin\/events\/board\?.*unit_id=3/);
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

// the number a figure's tile shows
const tileValue = async (page, key) => (await page.locator(`[data-test=fig-${key}] .tile__value`).innerText()).trim();

test('the low-stock and patrol worker-days figures open their page on the unit and days, showing exactly the records counted', async () => {
  // the village shop's clerk counts the soap down to one: low on stock
  const clerk = await s.as('clerk');
  const soap = (await s.must('GET', '/api/v1/shops/1/goods', { token: clerk })).items.find((g) => g.name === '肥皂');
  await s.must('POST', `/api/v1/goods/${soap.id}/adjustments`, { token: clerk, body: { kind: 'count', quantity: -(soap.stock - 1), reason: '盘点少了' } }, 201);
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000001');
  // the village 青山村: the low-stock goods of its shops
  await page.goto('/admin/dashboard/3');
  await page.locator('h1', { hasText: '青山村看板' }).waitFor();
  const low = await tileValue(page, 'shop-low_stock');
  assert.match(low, /^\d+$/);
  assert.ok(Number(low) >= 1, `the soap is low on stock (${low})`);
  await page.locator('[data-test=fig-shop-low_stock]').click();
  await page.waitForURL(/\/admin\/shop\/goods\?.*unit_id=3/);
  await page.locator('[data-test=unit-low-count]', { hasText: `：${low} 件` }).waitFor();
  await page.locator('[data-test=unit-filter-unit]', { hasText: '青山村' }).waitFor();
  assert.equal(await page.locator('[data-test=unit-low-table] tbody tr').count(), Number(low), 'one row per low-stock good counted');
  await page.locator('[data-test=unit-low-table] tbody tr', { hasText: '肥皂' }).waitFor();
  await L.quiet(page);
  await L.shot(page, 'dash-low-stock-village');
  await L.axe(page, 'low stock of a village');
  // and the county's: every shop located in the county
  await page.goto('/admin/dashboard');
  await page.locator('h1', { hasText: '青川县看板' }).waitFor();
  const countyLow = await tileValue(page, 'shop-low_stock');
  assert.ok(Number(countyLow) >= Number(low), `the county counts the village's (${countyLow} ≥ ${low})`);
  await page.locator('[data-test=fig-shop-low_stock]').click();
  await page.waitForURL(/\/admin\/shop\/goods\?.*unit_id=1(&|$)/);
  await page.locator('[data-test=unit-low-count]', { hasText: `：${countyLow} 件` }).waitFor();
  assert.equal(await page.locator('[data-test=unit-low-table] tbody tr').count(), Number(countyLow));

  // the patrols: the worker-days and those on target, of the village and of the county
  for (const [path, title] of [['/admin/dashboard/3', '青山村看板'], ['/admin/dashboard', '青川县看板']]) {
    for (const [fig, words] of [['worker_days', '应巡'], ['compliant_days', '达标']]) {
      await page.goto(path);
      await page.locator('h1', { hasText: title }).waitFor();
      const n = await tileValue(page, `grid-${fig}`);
      assert.match(n, /^\d+$/);
      await page.locator(`[data-test=fig-grid-${fig}]`).click();
      await page.waitForURL(/\/admin\/grid-patrols\?.*from=\d{4}-\d\d-\d\d.*to=\d{4}-\d\d-\d\d/);
      await page.locator('[data-test=compliance-count]', { hasText: `${words} ${n} 人天` }).waitFor();
      await page.locator('[data-test=compliance] .el-table__body-wrapper').waitFor();
      assert.equal(await page.locator('[data-test=compliance] .el-table__body-wrapper tbody tr').count(), Number(n),
        `${title} ${fig}: one row per worker and day counted`);
      if (fig === 'worker_days' && title === '青川县看板') {
        assert.ok(Number(n) > 0, 'the demo county has patrol worker-days this month');
        await L.quiet(page);
        await L.shot(page, 'dash-worker-days-county');
        await L.axe(page, 'worker-days of the county');
      }
    }
  }
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the series by week or by month: the 周/月 switch redraws the charts over 52 weeks', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000002');
  await page.goto('/admin/dashboard');
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  const panel = page.locator('[data-test=dash-series]');
  await panel.locator('h2', { hasText: '近十二个月走势' }).waitFor();
  await panel.locator('[data-test=series-by] label', { hasText: '周' }).click();
  await panel.locator('h2', { hasText: '近五十二周走势' }).waitFor();
  await L.quiet(page);
  await panel.scrollIntoViewIfNeeded();
  await noOverflow(page, 'weekly series');
  await L.shot(page, 'dash-series-weeks');
  await L.axe(page, 'weekly series');
  await panel.locator('[data-test=series-by] label', { hasText: '月' }).click();
  await panel.locator('h2', { hasText: '近十二个月走势' }).waitFor();
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the monthly report of a town: an A4 page from the town dashboard, printable, with the month before and a year before', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000002');
  await page.goto('/admin/dashboard');
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  const received = (await page.locator('[data-test=fig-events-received] .tile__value').innerText()).trim();
  await page.locator('[data-test=dash-report]').click();
  await page.waitForURL(/\/admin\/dashboard\/\d+\/report/);
  await page.locator('[data-test=report-sheet] h1', { hasText: '河口镇' }).waitFor();
  await page.locator('[data-test=report-events]').waitFor();
  // the town's row: this month's received equals the dashboard's
  const first = page.locator('[data-test=report-events] tbody tr').first();
  assert.equal((await first.locator('th').innerText()).trim(), '河口镇');
  assert.equal((await first.locator('td').first().innerText()).trim(), received);
  await page.locator('[data-test=report-events] tbody tr', { hasText: '青山村' }).waitFor();
  // a chart per section: three bars (本月, 上月, 去年同月) per village, drawn as SVG
  const rowsShown = await page.locator('[data-test=report-events] tbody tr').count();
  for (const sec of ['events', 'points', 'register']) {
    const chart = page.locator(`[data-test=report-chart-${sec}]`);
    assert.match(await chart.getAttribute('aria-label'), /本月、上月与去年同月/);
    // the legend's three keys and a bar of each month for each village
    assert.equal(await chart.locator('rect').count(), 3 + 3 * (rowsShown - 1), `${sec}: the bars of ${rowsShown - 1} villages`);
  }
  const bars = page.locator('[data-test=report-chart-events] > g:not([class]) rect');
  const heights = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
  assert.ok(heights.some((h) => h > 0), 'the villages\' events show as bars');
  await L.quiet(page);
  await L.shot(page, 'dash-report-desktop', { fullPage: true });
  await L.axe(page, 'monthly report');
  // printed: no console chrome, the sheet fits the A4 width
  await page.emulateMedia({ media: 'print' });
  await L.expectCount(page.locator('.el-aside:visible, .el-header:visible, .toolbar:visible'), 0, 'no menu, header nor toolbar in print');
  await L.shot(page, 'dash-report-print', { fullPage: true });
  // the charts fit the printed sheet (A4 landscape, 10 mm margins: 277 mm ≈ 1047 px)
  for (const box of await page.locator('[data-test^=report-chart-]').evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().width)))
    assert.ok(box > 200 && box <= 1047, `a chart ${box} px wide fits the A4 sheet`);
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  require('node:fs').writeFileSync(require('node:path').join(__dirname, 'screenshots', 'dash-report.pdf'), pdf);
  assert.ok(pdf.length > 1000, 'prints to an A4 PDF');
  await page.emulateMedia({ media: 'screen' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=report-xlsx]').click()]);
  const head = require('node:fs').readFileSync(await download.path()).subarray(0, 2).toString('latin1');
  assert.equal(head, 'PK', 'the report as an XLSX (zip) file');
  L.assertNoProblems(ctx);
  await ctx.close();
});

// the number of rows a console list shows in all: its pager's 共 N 条 when it pages, else
// the rows of its table
async function listCount(page, table) {
  const pager = page.locator('.el-pagination__total');
  if (await pager.count()) return Number((await pager.first().innerText()).replace(/\D/g, ''));
  return page.locator(`${table} .el-table__body tr.el-table__row`).count();
}

test('drill-down: a town\'s figure opens the list of that town\'s records, named as a removable filter', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000001');
  await page.goto('/admin/dashboard');
  await page.locator('[data-test=dash-table-events] a', { hasText: '河口镇' }).first().click();
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  const town = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(town > 0);

  // the households of the town (not the county admin's whole county)
  const households = Number((await page.locator('[data-test=fig-register-households] .tile__value').innerText()).trim());
  await page.locator('[data-test=fig-register-households]').click();
  await page.waitForURL(new RegExp(`/admin/households\\?.*unit_id=${town}`));
  await page.locator('[data-test=unit-filter-unit]', { hasText: '河口镇' }).waitFor();
  await page.locator('.el-pagination__total', { hasText: String(households) }).waitFor();
  assert.equal(await listCount(page, '[data-test=households-table]'), households);
  await L.quiet(page);
  await L.shot(page, 'dash-drill-households');
  await L.axe(page, 'households of a town from the dashboard');
  await page.goBack();

  // the events closed in the month, by the town: the board lists exactly those
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  const closed = Number((await page.locator('[data-test=fig-events-closed] .tile__value').innerText()).trim());
  await page.locator('[data-test=fig-events-closed]').click();
  await page.waitForURL(new RegExp(`/admin/events/board\\?.*unit_id=${town}`));
  await page.locator('[data-test=unit-filter-unit]', { hasText: '河口镇' }).waitFor();
  await page.locator('[data-test=unit-filter-figure]', { hasText: '办结' }).waitFor();
  await L.quiet(page);
  assert.equal(await listCount(page, '.ev-page'), closed, 'the board lists the figure\'s events');
  await L.shot(page, 'dash-drill-events');
  // removing the unit leaves the figure's filter on the reader's whole area
  await page.locator('[data-test=unit-filter-unit] .el-tag__close').click();
  await page.waitForURL((u) => !u.search.includes('unit_id='));
  await L.expectCount(page.locator('[data-test=unit-filter-unit]'), 0, 'the unit filter is gone');
  await page.locator('[data-test=unit-filter-figure]').waitFor();
  await page.locator('[data-test=unit-filter-figure] .el-tag__close').click();
  await page.waitForURL((u) => !u.search.includes('state='));
  await L.expectCount(page.locator('[data-test=unit-filter]'), 0, 'no filter left');
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
  // the series' charts on a phone: the legend on one line above each plot
  const series = page.locator('[data-test=dash-series]');
  await series.scrollIntoViewIfNeeded();
  await series.locator('canvas').first().waitFor();
  await series.screenshot({ path: require('node:path').join(__dirname, 'screenshots', 'dash-series-phone.png') });
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

test('大屏: the county admin issues a link for the town; it opens at 1920×1080 without a login; revoked, it says so', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000001');
  await page.goto('/admin/dashboard');
  await page.locator('[data-test=dash-table-events] a', { hasText: '河口镇' }).first().click();
  await page.locator('h1', { hasText: '河口镇看板' }).waitFor();
  await page.locator('input[data-test=display-name], [data-test=display-name] input').first().fill('河口镇指挥中心');
  await page.locator('[data-test=display-issue]').click();
  const link = (await page.locator('[data-test=display-link] a').innerText()).trim();
  assert.match(link, /\/admin\/screen\/[0-9a-f]{64}$/);
  await page.locator('[data-test=display-list] .el-table__row', { hasText: '河口镇指挥中心' }).waitFor();
  await L.quiet(page);
  await L.shot(page, 'dash-tokens-desktop');
  await L.axe(page, 'display tokens');

  // the screen, in a browser that never signed in
  const wall = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, baseURL: s.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  wall.problems = [];
  wall.on('page', (p) => { p.on('pageerror', (e) => wall.problems.push(e.message)); });
  const screen = await L.newPage(wall);
  await screen.clock.install();   // the minute's refresh is stepped, not waited for
  // the screen has no login: the tile server comes with its own data, not from the settings
  const asked = [];
  screen.on('request', (q) => { const u = new URL(q.url()); if (u.pathname.startsWith('/api/')) asked.push(u.pathname); });
  await screen.goto(new URL(link).pathname);
  await screen.locator('[data-test=screen-events-received]').waitFor();
  await screen.locator('h1', { hasText: '河口镇' }).waitFor();
  await screen.locator('.screen-map__label', { hasText: '青山村' }).first().waitFor();
  await screen.locator('[data-test=dash-series]').waitFor();
  await L.quiet(screen);
  const fits = await screen.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1 && document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(fits, 'the screen fits 1920×1080 without scrolling');
  await L.shot(screen, 'dash-screen-1920');
  assert.ok(asked.some((x) => x.startsWith('/api/v1/display/')), `the screen asked its data: ${asked.join(', ')}`);
  // nothing but its own data: no settings, no question of who is logged in
  assert.deepEqual(asked.filter((x) => !x.startsWith('/api/v1/display/')), [], `the screen asks only its data: ${asked.join(', ')}`);
  await L.axe(screen, 'the 大屏');
  // a new event in the town: the screen shows it after its next minute's reload
  const before = Number((await screen.locator('[data-test=screen-events-received] .screen__value').innerText()).trim());
  const cadre = await s.as('cadre');
  const cats = (await s.api('GET', '/api/v1/event-categories', { token: cadre })).json.items.filter((k) => !k.photo_required);
  const made = await s.api('POST', '/api/v1/events', { token: cadre, body: { village_id: 3, category_id: cats[0].id, description: '大屏刷新测试：村口路灯不亮' } });
  assert.equal(made.status, 201, made.text);
  await screen.clock.fastForward(61000);
  await screen.locator('[data-test=screen-events-received] .screen__value', { hasText: String(before + 1) }).waitFor();
  // another figure colours the map
  await screen.locator('[data-test=screen-map-figure]').selectOption('events.overdue_now');
  await screen.locator('.screen-map__label', { hasText: '青山村' }).first().waitFor();

  // revoked: the screen says so in plain words
  page.on('dialog', (d) => d.accept());
  const row = page.locator('[data-test=display-list] .el-table__row', { hasText: '河口镇指挥中心' });
  await row.locator('button', { hasText: '收回' }).click();
  await page.locator('.el-message-box button', { hasText: '收回' }).click();
  await row.locator('.el-tag', { hasText: '已收回' }).waitFor();
  await screen.reload();
  await screen.locator('[data-test=screen-error]', { hasText: '已被收回' }).waitFor();
  await L.shot(screen, 'dash-screen-revoked');
  assert.deepEqual(wall.problems, []);
  L.assertNoProblems(ctx);
  await wall.close();
  await ctx.close();
});
