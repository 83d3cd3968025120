// Both apps in English. The villager picks English on the Me page and the cadre in the
// console's header; the choice is remembered on the device (after a reload, and on
// the login page after logging out), <html lang> follows, and so do the component
// libraries' own texts (Vant's dialog buttons, Element Plus's pagination). Key pages
// get a screenshot and an axe-core check; data stays as entered (Chinese names), and
// so do the server's messages. Back to Chinese at the end.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  // something to show: points credited (3 days of 公示 passed), points in 公示, an activity
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const labour = rules.find((r) => r.name === '参加志愿劳动');
  const cst = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
  let now = Date.parse((await s.advance(0)).now);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: labour.id, household_ids: [1, 2], occurred_on: cst(now).slice(0, 10), note: '村道除草' } }, 201);
  now = Date.parse((await s.advance(3 * 86400 + 1)).now);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: labour.id, household_ids: [1, 3], occurred_on: cst(now).slice(0, 10), note: '清理河道垃圾' } }, 201);
  await s.must('POST', '/api/v1/activities', { token: cadre, body: {
    village_id: 3, rule_id: labour.id, title: '清理村口水渠', place: '村委会门口', starts_at: cst(now + 86400e3),
    ends_at: cst(now + 86400e3 + 3 * 3600e3), capacity: 30,
  } }, 201);
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

async function noChinese(locator, label) {
  const text = await locator.innerText();
  assert.ok(!CJK.test(text), `${label} still has Chinese: ${JSON.stringify(text)}`);
}

test('the villager app in English: chosen on the Me page, remembered, with Vant in English too', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

  await page.goto('/me');
  await page.locator('[data-test=locale]').getByText('语言').waitFor();
  await page.locator('[data-test=locale-en-US]').click();
  await page.locator('.van-nav-bar__title', { hasText: /^Me$/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');
  assert.equal(await page.evaluate(() => localStorage.getItem('cz.locale')), 'en-US');
  assert.equal(await page.title(), 'Cunzhi');
  await page.getByText('Large text mode').waitFor();
  await L.shot(page, 'villager-en-me');
  await L.axe(page, 'Me, English');

  // Vant's own texts: the logout confirmation's buttons
  await page.locator('[data-test=logout]').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Log out now?').waitFor();
  await dialog.getByRole('button', { name: 'Confirm' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // remembered after a reload
  await page.reload();
  await page.locator('.van-nav-bar__title', { hasText: /^Me$/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');

  const pages = [
    ['/', 'villager-en-home', '[data-test=show-code]', 'Our points'],
    ['/earn', 'villager-en-earn', '.rule-card', 'Earn points'],
    ['/activities', 'villager-en-activities', '.card', 'Village activities'],
    ['/scan', 'villager-en-scan', '[data-test=camera-error]', 'Scan to check in'],
    ['/shop', 'villager-en-shop', '[data-test=goods]', 'Points shop'],
    ['/publicity', 'villager-en-publicity', '[data-test=publicity-item]', 'Public notice'],
    ['/ledger', 'villager-en-ledger', '[data-test=ledger-entry]', 'Points history'],
  ];
  for (const [url, name, ready, heading] of pages) {
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    await page.getByText(heading).first().waitFor();
    await L.quiet(page);
    await noChinese(page.locator('.van-tabbar'), `${url}: the tab bar`);
    if (url !== '/') await noChinese(page.locator('.van-nav-bar'), `${url}: the title bar`);
    await L.shot(page, name);
    await L.axe(page, `${url}, English`);
  }
  // the scanner's own messages (this browser has no camera)
  assert.match(await page.goto('/scan').then(() => page.locator('[data-test=camera-error]').innerText()), /camera|Camera/);
  await page.getByRole('button', { name: 'Check in', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Check in', exact: true }).click();
  await page.getByText('Enter the check-in code').waitFor();

  // the login page after logging out stays in English
  await page.goto('/me');
  await page.locator('[data-test=logout]').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/login/);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.locator('.van-toast', { hasText: 'Logged out' }).waitFor({ state: 'hidden' });
  await L.shot(page, 'villager-en-login');
  await L.axe(page, 'login, English');

  // and back to Chinese
  await L.villagerLogin(page, s.villager.phone);
  await page.goto('/me');
  await page.locator('[data-test=locale-zh-CN]').click();
  await page.locator('.van-nav-bar__title', { hasText: /^我的$/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.title(), '村治');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the console in English: the header switch, Element Plus in English too, remembered', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.locator('[data-test=stat-households]').waitFor();

  await page.locator('[data-test=locale]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click();
  const aside = page.locator('.layout__aside');
  await aside.getByRole('link', { name: 'Overview' }).waitFor();
  for (const item of ['Claim review', 'Awards and deductions', 'Public notice', 'Activities', 'Counter', 'Audit log']) {
    await aside.getByRole('link', { name: item, exact: true }).waitFor();
  }
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');
  assert.equal(await page.title(), 'Cunzhi Console');
  await page.locator('[data-test=stat-households] .stat__value').filter({ hasText: '300' }).waitFor();
  await page.getByText('Households in 青山村').waitFor();
  await L.quiet(page);
  await page.evaluate(() => { window.scrollTo(0, 0); for (const el of document.querySelectorAll('.layout__main, .layout__aside')) el.scrollTop = 0; });
  await L.shot(page, 'admin-en-overview');
  await L.axe(page, 'console overview, English');

  // Element Plus's own texts: the pagination
  await page.goto('/admin/households');
  await page.locator('[data-test=households-table] .el-table__row').first().waitFor();
  await page.locator('.el-pagination').getByText('Total 300').waitFor();
  await page.locator('.el-pagination').getByText('Go to').waitFor();
  await L.quiet(page);
  await L.shot(page, 'admin-en-households');
  await L.axe(page, 'households, English');

  await page.goto('/admin/activities');
  await page.locator('.el-table__row', { hasText: '清理村口水渠' }).waitFor();
  await page.getByRole('button', { name: 'New activity' }).waitFor();
  await noChinese(page.locator('.el-table__header'), 'the activities table header');
  await L.shot(page, 'admin-en-activities');
  await L.axe(page, 'activities, English');

  await page.goto('/admin/shop/counter');
  await page.locator('[data-test=counter-code]').waitFor();
  await L.quiet(page);
  await L.shot(page, 'admin-en-counter');
  await L.axe(page, 'counter, English');

  // remembered: after a reload, and on the login page after logging out
  await page.reload();
  await aside.getByRole('link', { name: 'Overview' }).waitFor();
  await page.locator('[data-test=logout]').click();
  const box = page.getByRole('dialog');
  await box.getByRole('button', { name: 'OK' }).click();
  await page.waitForURL(/\/admin\/login/);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');
  await L.shot(page, 'admin-en-login');
  await L.axe(page, 'console login, English');

  // back to Chinese
  await L.adminLogin(page, L.PHONES.cadre);
  await page.locator('[data-test=locale]').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '简体中文' }).click();
  await aside.getByRole('link', { name: '概览' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  L.assertNoProblems(ctx);
  await ctx.close();
});
