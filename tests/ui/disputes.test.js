// Disputes and emergencies in the browser: the cadre's dispute list and a dispute's page
// (parties, mediators, sessions, outcome, follow-up, timeline) at 1366×768 and on a
// 360×740 phone without sideways scrolling; the villager's own dispute on the phone with
// the other party by role only; and an emergency reported by a grid worker shows its
// red alert at once on the town official's open console page, without a reload, and is
// acknowledged from there. Screenshots in tests/ui/screenshots/.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const CADRE = '13900000003';
const TOWN = '13900000002';

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

async function noSideways(page, label) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${label}: no horizontal scrolling (${over} px)`);
}

test('the dispute list and a dispute page at 1366×768 and 360×740', async () => {
  for (const kind of ['desktop', 'phone']) {
    const ctx = await L.newContext(browser, kind, s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, CADRE);
    await page.goto('/admin/disputes');
    await page.locator('[data-test=dispute-table] .el-table__row').first().waitFor();
    await L.quiet(page);
    const kpi = await page.locator('[data-test=dispute-kpis] .kpi__value').first().textContent();
    assert.ok(Number(kpi) >= 6, `the demo's disputes are counted (${kpi})`);
    await L.shot(page, `disputes-list-${kind}`);
    await noSideways(page, `the dispute list (${kind})`);
    // the overdue follow-up of the demo
    await page.locator('.el-checkbox', { hasText: '只看回访逾期' }).click();
    await L.expectCount(page.locator('[data-test=dispute-table] .el-table__row'), 1, 'the demo dispute whose follow-up is overdue');
    await page.locator('[data-test=dispute-table] .el-table__row a').first().click();
    await page.waitForURL(/\/admin\/disputes\/\d+$/);
    await page.locator('[data-test=dispute-detail]').waitFor();
    await L.quiet(page);
    assert.match(await page.locator('[data-test=dispute-stage]').textContent(), /回访逾期/);
    assert.ok(await page.locator('[data-test=dispute-parties] li').count() >= 2);
    assert.match(await page.locator('[data-test=dispute-outcome]').textContent(), /调解成功/);
    assert.ok(await page.locator('[data-test=dispute-timeline] .el-timeline-item').count() >= 6);
    await page.locator('[data-test=followup-open]').waitFor();
    await L.shot(page, `dispute-page-${kind}`, { fullPage: true });
    await noSideways(page, `the dispute page (${kind})`);
    if (kind === 'desktop') await L.axe(page, 'dispute page');
    L.assertNoProblems(ctx);
    await ctx.close();
  }
});

test('the cadre records a session and the outcome of a dispute in mediation', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, CADRE);
  await page.goto('/admin/disputes');
  await page.locator('[data-test=dispute-stage] label', { hasText: '调解中' }).click();
  const row = page.locator('[data-test=dispute-table] .el-table__row', { hasText: '婚恋家庭' }).first();
  await row.waitFor();
  await row.locator('a').click();
  await page.locator('[data-test=session-open]').click();
  await page.locator('[data-test=session-place]').fill('村妇女之家');
  await page.locator('[data-test=session-notes]').fill('双方约定冷静期内不再争吵，由妇联主任每周走访一次。');
  await page.locator('[data-test=session-save]').click();
  await page.locator('[data-test=dispute-sessions] .session', { hasText: '每周走访' }).waitFor();
  await page.locator('[data-test=outcome-open]').click();
  await page.locator('[data-test=outcome-agreement]').fill('双方同意外出务工收入共同管理，每月五日前将一半收入存入家庭账户。');
  await page.locator('[data-test=outcome-save]').click();
  await page.locator('[data-test=dispute-stage]', { hasText: '待回访' }).waitFor();
  await L.shot(page, 'dispute-mediated');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test("the villager sees their own dispute on the phone, the other party by role only", async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone, s.villager.password);
  await page.goto('/my-disputes');
  await page.locator('[data-test=my-dispute]').first().click();
  await page.locator('[data-test=my-dispute-detail]').waitFor();
  await L.quiet(page);
  const parties = await page.locator('[data-test=my-dispute-parties]').textContent();
  assert.match(parties, /本人/);
  assert.match(parties, /对方当事人/);
  assert.doesNotMatch(parties, /赵大勇/);
  await L.shot(page, 'dispute-villager', { fullPage: true });
  await noSideways(page, 'the villager dispute page');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test("an emergency reported by a grid worker alerts the town official's open page without a reload", async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, TOWN);
  await page.goto('/admin/emergencies');
  await page.locator('[data-test=emergency-board]').waitFor();
  await L.quiet(page);
  assert.equal(await page.locator('[data-test=emergency-alert]').count(), 0);
  const urlBefore = page.url();
  // the grid worker reports from the field (the API, as the phone would)
  const grid = await s.as('grid_worker');
  const cadreSession = await s.must('GET', '/api/v1/session', { token: await s.as('cadre') });
  const village = cadreSession.grants.find((g) => g.role === 'cadre').unit_id;
  const e = await s.must('POST', '/api/v1/emergencies', { token: grid, body: { village_id: village, emergency_type: 'fire', description: '三组李家柴房起火，火势向屋后山林蔓延' } }, 201);
  const alert = page.locator('[data-test=emergency-alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /火灾/);
  assert.equal(page.url(), urlBefore, 'no reload or navigation');
  await page.locator('[data-test=emergency-card]', { hasText: '柴房起火' }).waitFor();
  await L.shot(page, 'emergency-alert-town');
  await noSideways(page, 'the alert');
  await page.locator('[data-test=emergency-alert-open]').first().click();
  await page.waitForURL(new RegExp(`/admin/emergencies/${e.id}$`));
  await page.locator('[data-test=emergency-ack]').click();
  await page.locator('[data-test=emergency-alerts] li', { hasText: '确认' }).first().waitFor();
  await L.expectCount(page.locator('[data-test=emergency-alert]'), 0, 'the banner leaves once acknowledged');
  const times = await page.locator('[data-test=emergency-timeline] .at').allTextContents();
  for (const tm of times) assert.match(tm, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await L.shot(page, 'emergency-page-town', { fullPage: true });
  await L.axe(page, 'emergency page');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test("the county admin sets the dispute follow-up interval under 民情设置, with the server's errors in Chinese at the field", async () => {
  for (const kind of ['desktop', 'phone']) {
    const ctx = await L.newContext(browser, kind, s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, '13900000001');
    await page.goto('/admin/events/settings');
    const field = page.locator('input[data-test=followup-days]');
    await field.waitFor();
    await L.quiet(page);
    const before = await field.inputValue();
    assert.match(before, /^\d+$/, `the county's interval is shown (${before})`);
    const error = page.locator('[data-test=dispute-settings] .el-form-item__error');
    for (const bad of ['0', '400', '两周']) {
      await field.fill(bad);
      await page.locator('[data-test=settings-save]').click();
      await error.waitFor();
      assert.match(await error.textContent(), bad === '两周' ? /整数/ : /回访间隔应为 1 到 365 天/, `${bad} is refused at the field`);
      await L.shot(page, `dispute-settings-error-${kind}`);
    }
    const want = kind === 'desktop' ? '45' : '21';
    await field.fill(want);
    await page.locator('[data-test=settings-save]').click();
    await page.locator('.el-message--success', { hasText: '已保存回访间隔' }).waitFor();
    await L.expectCount(error, 0, 'the error is gone once saved');
    await page.reload();
    await field.waitFor();
    await L.quiet(page);
    assert.equal(await field.inputValue(), want, 'the saved interval is read back');
    await noSideways(page, `民情设置 (${kind})`);
    await L.shot(page, `dispute-settings-${kind}`);
    if (kind === 'desktop') await L.axe(page, '民情设置');
    L.assertNoProblems(ctx);
    await ctx.close();
  }
});

test('the dispute statistics: the last 12 months by month, a period, and the XLSX download', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000001');
  await page.goto('/admin/disputes');
  await page.locator('[data-test=dispute-months] canvas').waitFor();
  await page.locator('[data-test=dispute-table] .el-table__row').first().waitFor();
  await L.quiet(page);
  const all = Number(await page.locator('[data-test=dispute-kpis] .kpi__value').first().textContent());
  assert.ok(all >= 6, `all disputes counted (${all})`);
  await L.shot(page, 'dispute-stats-desktop');
  // the download is the server's workbook
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=dispute-xlsx]').click()]);
  const file = await download.path();
  assert.equal(require('node:fs').readFileSync(file).subarray(0, 2).toString('latin1'), 'PK', 'the statistics as an XLSX (zip) file');
  // a period of the last few days: the numbers and the list are those of the period
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const from = new Date(Date.now() + 8 * 3600e3 - 3 * 86400e3).toISOString().slice(0, 10);
  const picker = page.locator('.el-date-editor--daterange .el-range-input');
  await picker.first().fill(from);
  await picker.nth(1).fill(today);
  await picker.nth(1).press('Enter');
  await page.keyboard.press('Escape');
  await page.locator('.muted', { hasText: '所选期间登记的纠纷' }).waitFor();
  await L.quiet(page);
  const inPeriod = Number(await page.locator('[data-test=dispute-kpis] .kpi__value').first().textContent());
  assert.ok(inPeriod < all, `the period counts fewer (${inPeriod} of ${all})`);
  const rows = await page.locator('[data-test=dispute-table] .el-table__row').count();
  assert.equal(rows, Math.min(inPeriod, 20), 'the list shows the same disputes as the numbers');
  assert.match(await page.locator('[data-test=dispute-xlsx]').getAttribute('href'), new RegExp(`from=${from}.*format=xlsx`));
  L.assertNoProblems(ctx);
  await ctx.close();
});

test("a mediator is told on the dispute page that a follow-up fell due, and finds the step on the dispute's timeline", async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, '13900000005');
  await page.goto('/admin/disputes');
  const alert = page.locator('[data-test=followups-mine]');
  await alert.waitFor();
  await L.quiet(page);
  assert.match(await alert.textContent(), /您调解的纠纷中有 1 件已到回访时间/);
  await L.shot(page, 'dispute-followups-mine-phone');
  await noSideways(page, 'the mediator’s dispute list (phone)');
  await page.locator('[data-test=followups-mine-show]').click();
  await L.expectCount(page.locator('[data-test=dispute-table] .el-table__row'), 1, 'the dispute whose follow-up is due');
  await page.locator('[data-test=dispute-table] .el-table__row a').first().click();
  await page.locator('[data-test=dispute-timeline]').waitFor();
  await L.quiet(page);
  const steps = page.locator('[data-test=dispute-timeline] .el-timeline-item', { hasText: '回访到期提醒' });
  await L.expectCount(steps, 1, 'told once (the demo ran the job at the due time, the server runs it again)');
  assert.match(await steps.first().textContent(), /回访已到期.*请调解员.*回访/);
  L.assertNoProblems(ctx);
  await ctx.close();
});
