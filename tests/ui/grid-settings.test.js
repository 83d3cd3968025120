// 网格设置 in the console: the county admin sets the patrol target and adds a sensitive
// household tag with its icon, the roles that may see it and a visit frequency; the
// server keeps what was saved, shows the tag only to the roles named, and a bad input
// is refused with the field's error. At 1366×768 and on a 360 px phone.
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

test('the county admin sets the patrol target and adds a sensitive tag with a visit frequency', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, L.PHONES.county_admin);
  await page.locator('.menu').getByRole('link', { name: '网格设置' }).click();
  await page.waitForURL(/\/admin\/grid-settings$/);
  const table = page.locator('[data-test=tag-table]');
  await table.getByText('独居老人').waitFor();
  await L.quiet(page);

  // the patrol target: positions kept 60 days
  const retention = page.locator('#gw-retention');
  await retention.fill('60');
  await retention.press('Tab');
  await page.locator('[data-test=target-save]').click();
  await page.locator('.el-message--success').filter({ hasText: '巡查标准已保存' }).waitFor();
  const admin = await s.as('county_admin');
  assert.equal((await s.must('GET', '/api/v1/grid-settings', { token: admin })).retention_days, 60);

  // a new tag without an icon: the server names the field, nothing is made
  await page.locator('[data-test=tag-new]').click();
  const dialog = page.locator('[data-test=tag-dialog]');
  await dialog.locator('[data-test=tag-name]').fill('防汛重点户');
  await dialog.locator('[data-test=tag-save]').click();
  await dialog.locator('.el-form-item__error').filter({ hasText: '图标' }).waitFor();
  const before = (await s.must('GET', '/api/v1/tags', { token: admin })).items.length;

  // with its icon, sensitive to town officials, visited every 7 days
  await dialog.locator('[data-test=tag-icon]').fill('汛');
  await dialog.locator('[data-test=tag-sensitive]').click();
  await dialog.locator('[data-test=tag-roles]').click();
  await page.locator('.el-select-dropdown__item').filter({ hasText: '乡镇干部' }).click();
  await page.keyboard.press('Escape');
  await dialog.locator('[data-test=tag-visit] input').fill('7');
  await dialog.locator('[data-test=tag-visit] input').press('Tab');
  await L.shot(page, 'admin-grid-tag-dialog');
  await dialog.locator('[data-test=tag-save]').click();
  await page.locator('.el-message--success').filter({ hasText: '防汛重点户' }).waitFor();
  const row = table.locator('.el-table__row', { hasText: '防汛重点户' });
  await row.getByText('每 7 天').waitFor();
  await row.getByText('乡镇干部').waitFor();
  await L.shot(page, 'admin-grid-settings');
  await L.axe(page, 'grid settings');

  const all = (await s.must('GET', '/api/v1/tags', { token: admin })).items;
  assert.equal(all.length, before + 1);
  const tag = all.find((x) => x.name === '防汛重点户');
  assert.equal(tag.icon, '汛');
  assert.equal(tag.sensitive, true);
  assert.equal(tag.roles, 'town_official');
  const rules = (await s.must('GET', '/api/v1/grid-settings', { token: admin })).visit_rules;
  assert.deepEqual(rules.filter((r) => r.tag_id === tag.id), [{ tag_id: tag.id, days: 7 }]);
  assert.equal((await s.must('GET', '/api/v1/grid-settings', { token: admin })).retention_days, 60, 'the target kept');
  // the town official named sees it; a grid worker does not
  const town = (await s.must('GET', '/api/v1/tags', { token: await s.as('town_official') })).items;
  assert.ok(town.some((x) => x.id === tag.id));
  const grid = (await s.must('GET', '/api/v1/tags', { token: await s.as('grid_worker') })).items;
  assert.ok(!grid.some((x) => x.id === tag.id), 'a sensitive tag is hidden from roles not named');
  L.assertNoProblems(ctx);
  await ctx.close();

  // on a phone the page fits
  const phone = await L.newContext(browser, 'phone', s.url);
  const pp = await L.newPage(phone);
  await pp.setViewportSize({ width: 360, height: 740 });
  await L.adminLogin(pp, L.PHONES.county_admin);
  await pp.goto('/admin/grid-settings');
  await pp.locator('[data-test=tag-table]').getByText('防汛重点户').waitFor();
  await L.quiet(pp);
  const w = await pp.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `the page is ${w} px wide`);
  await L.shot(pp, 'admin-grid-settings-phone', { fullPage: true });
  await phone.close();
});
