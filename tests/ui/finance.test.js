// Village finance 村级财务 across both apps: the village's accountant 报账员 enters an
// expense of last month with a voucher photo in the console at 1366×768; the cadre (a
// second person) finds it in the approval queue and approves it; the cadre publishes
// last month's statement, which adds up; the villager 李琳 reads the statements as
// tables and a chart in 公开 on a 360×740 phone. Pages are pictured, checked with
// axe-core, and none scrolls sideways.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const ACCOUNTANT = '13900000021';
const CADRE = '13900000003';
const SUMMARY = '村委会打印机硒鼓两只';

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

function lastMonth() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth(); // 0-based: the previous month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

test('the accountant enters with a voucher, the cadre approves and publishes, the villager reads it on the phone', async () => {
  const month = lastMonth();
  const cadre = await s.as('cadre');
  const before = await s.must('GET', `/api/v1/finance/month?village_id=3&month=${month}`, { token: cadre });
  assert.equal(before.status, 'draft');

  // the accountant enters an expense of last month with a voucher photo
  const desk = await L.newContext(browser, 'desktop', s.url);
  const ap = await L.newPage(desk);
  await L.adminLogin(ap, ACCOUNTANT);
  await ap.locator('.menu a', { hasText: /^记账$/ }).click();
  await ap.waitForURL(/\/admin\/finance\/entries$/);
  await ap.locator('[data-test=fin-entry]').first().waitFor();
  assert.equal(await ap.locator('.menu a', { hasText: /^审核$/ }).count(), 0, 'the accountant does not approve');
  await ap.locator('[data-test=fin-new]').click();
  const form = ap.locator('[data-test=fin-form]');
  await form.waitFor();
  await form.locator('[data-test=fin-category]').click();
  await ap.locator('.el-select-dropdown__item', { hasText: '办公费' }).click();
  await form.locator('#ff-amount').fill('256.80');
  await form.locator('#ff-date').fill(`${month}-15`);
  await form.locator('#ff-date').press('Enter');
  await form.locator('#ff-cp').fill('青川县文具办公用品店');
  await form.locator('#ff-sum').fill(SUMMARY);
  await form.locator('[data-test=fin-vouchers]').setInputFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [240, 240, 230]) });
  await L.expectCount(form.locator('[data-test=picked-file]'), 1, 'the voucher is attached');
  await L.shot(ap, 'finance-admin-enter');
  await form.locator('[data-test=fin-submit]').click();
  await form.waitFor({ state: 'hidden' });
  const entries = await s.must('GET', `/api/v1/finance/entries?village_id=3&month=${month}`, { token: cadre });
  const mine = entries.items.find((e) => e.summary === SUMMARY);
  assert.ok(mine, 'entered');
  assert.equal(mine.amount, 25680);
  assert.equal(mine.status, 'pending');
  assert.equal(mine.vouchers.length, 1);
  assert.equal(mine.entered_by_name, '杨晓梅');
  await L.axe(ap, 'console finance entries');
  await noSideways(ap, 'console finance entries');

  // the cadre approves it in the queue
  const desk2 = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk2);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: /^审核$/ }).click();
  await cp.waitForURL(/\/admin\/finance\/approval$/);
  const row = cp.locator('[data-test=fin-entry]', { hasText: SUMMARY });
  await row.waitFor();
  await row.locator('.vouchers img').waitFor();
  await L.shot(cp, 'finance-admin-approval');
  await L.axe(cp, 'console finance approval');
  await row.locator('[data-test=fin-approve]').click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await s.must('GET', `/api/v1/finance/entries/${mine.id}`, { token: cadre })).status, 'approved');

  // and publishes last month's statement
  await cp.locator('.menu a', { hasText: /^月报$/ }).click();
  await cp.waitForURL(/\/admin\/finance\/statements$/);
  await cp.locator('[data-test=fin-statement-table]').waitFor();
  await cp.locator('[data-test=fin-publish]').waitFor();
  await L.shot(cp, 'finance-admin-statement');
  await L.axe(cp, 'console finance statement');
  await noSideways(cp, 'console finance statement');
  await cp.locator('[data-test=fin-publish]').click();
  await cp.locator('.el-message-box__btns .el-button--primary').click();
  await cp.locator('[data-test=fin-st-status]', { hasText: '已公开' }).waitFor();
  const st = await s.must('GET', `/api/v1/finance/month?village_id=3&month=${month}`, { token: cadre });
  assert.equal(st.status, 'published');
  assert.equal(st.expense, before.expense + 25680);
  assert.equal(st.opening + st.income - st.expense, st.closing);
  assert.ok(st.disclosure_id);
  await L.shot(cp, 'finance-admin-published');

  // the villager reads it on the phone: tables and a chart in 公开
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=open-entry]').click();
  await vp.waitForURL(/\/open$/);
  await vp.locator('.van-tab', { hasText: '财务' }).click();
  await vp.locator('[data-test=open-finance]').click();
  await vp.waitForURL(/\/open\/finance$/);
  await vp.locator('[data-test=fin-chart] canvas').waitFor();
  const first = vp.locator('[data-test=fin-month]').first();
  await first.locator('.van-collapse-item__title').click();
  const table = first.locator('[data-test=fin-statement-table]');
  await table.waitFor();
  const closing = (await table.locator('[data-test=fin-closing]').textContent()).trim();
  assert.equal(closing.replace(/,/g, ''), (st.closing / 100).toFixed(2));
  assert.match(await table.textContent(), /办公费/);
  await L.shot(vp, 'finance-villager-statements');
  await L.shot(vp, 'finance-villager-statements-full', { fullPage: true });
  await L.axe(vp, 'villager finance');
  await noSideways(vp, 'villager finance');
  L.assertNoProblems(desk);
  L.assertNoProblems(desk2);
  L.assertNoProblems(phone);
});
