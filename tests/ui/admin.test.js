// The admin console on a 1366×768 laptop: a deduction asks for confirmation (and
// cancelling sends nothing); every main page with a screenshot and an axe-core check
// for a village cadre (with a new rule-catalog version adopted by a meeting and the
// audit chains verified) and for the county administrator (granting and revoking a
// role, full ID numbers).
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

test('a deduction asks for confirmation before it is sent', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.goto('/admin/awards');
  await page.getByText('青山村 · 加分和扣分').waitFor();

  await page.locator('[data-test=award-rule]').click();
  await page.keyboard.type('焚烧秸秆');
  await L.pickOption(page, '焚烧秸秆');
  await page.getByText('这是扣分事项').waitFor();
  await page.locator('[data-test=award-households]').click();
  await page.keyboard.type('0003');
  await L.pickOption(page, '0003');
  await page.keyboard.press('Escape');
  await page.locator('textarea[data-test=award-note]').fill('11 月 20 日在田边焚烧秸秆，经网格员拍照核实');
  await L.shot(page, 'admin-deduction-form');
  await L.axe(page, 'awards form');

  const cadre = await s.as('cadre');
  const count = async () => (await s.must('GET', '/api/v1/claims?household_id=3', { token: cadre })).total;
  assert.equal(await count(), 0);

  // the dialog names what will happen; cancelling sends nothing
  await page.locator('[data-test=award-submit]').click();
  const dialog = page.getByRole('dialog', { name: '确认扣分' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /确定给 1 户.*各扣 5 分（焚烧秸秆）/s);
  await L.shot(page, 'admin-deduction-confirm');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await count(), 0, 'cancelled: nothing sent');

  // confirmed: the deduction is made and goes to 公示
  await page.locator('[data-test=award-submit]').click();
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '扣分' }).click();
  await page.locator('[data-test=award-result]').getByText('已为 1 户扣分').waitFor();
  assert.equal(await count(), 1);
  await page.goto('/admin/publicity');
  const row = page.locator('[data-test=publicity-table] .el-table__row', { hasText: '焚烧秸秆' });
  await row.waitFor();
  assert.match(await row.innerText(), /-5/);
  L.assertNoProblems(desk);
  await desk.close();
});

test('the console pages of a village cadre', async () => {
  // some data to show: an activity and a credited award
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const labour = rules.find((r) => r.name === '参加志愿劳动');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: labour.id, household_ids: [5, 6, 7, 8], occurred_on: today, note: '村道除草' } }, 201);
  await s.advance(3 * 86400 + 1);
  const starts = new Date(Date.now() + 3 * 86400e3 + 2 * 3600e3);
  const iso = (d) => new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
  await s.must('POST', '/api/v1/activities', { token: cadre, body: {
    village_id: 3, rule_id: labour.id, title: '清理村口水渠', place: '村委会门口', starts_at: iso(starts),
    ends_at: iso(new Date(starts.getTime() + 3 * 3600e3)), capacity: 30,
  } }, 201);

  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await page.goto('/admin/');
  await page.waitForURL(/\/admin\/login/);
  await L.shot(page, 'admin-login');
  await L.axe(page, 'admin login');
  await L.adminLogin(page, L.PHONES.cadre);

  await page.locator('[data-test=stat-households] .stat__value').filter({ hasText: '300' }).waitFor();
  await page.locator('canvas').first().waitFor();
  await L.quiet(page);
  await L.shot(page, 'admin-overview');
  await L.axe(page, 'admin overview');

  const pages = [
    ['/admin/households', 'admin-households', '[data-test=households-table] .el-table__row'],
    ['/admin/rules', 'admin-rules', '.el-table__row'],
    ['/admin/activities', 'admin-activities', '.el-table__row'],
    ['/admin/rankings', 'admin-rankings', '.el-table'],
    ['/admin/ledger', 'admin-ledger', '.el-table__row'],
    ['/admin/audit', 'admin-audit', '[data-test=audit-table] .el-table__row'],
    ['/admin/review', 'admin-review-empty', '[data-test=review-detail]'],
    ['/admin/publicity', 'admin-publicity', '.el-tabs'],
  ];
  for (const [url, name, ready] of pages) {
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    await L.quiet(page);
    await L.shot(page, name);
    await L.axe(page, url);
  }

  // rule versions, the new-version dialog
  await page.goto('/admin/rules');
  await page.getByRole('tab', { name: '版本记录' }).click();
  await page.locator('.el-table__row', { hasText: '村民代表会议' }).first().waitFor().catch(() => {});
  await L.shot(page, 'admin-rule-versions');
  await page.getByRole('button', { name: '新建版本' }).click();
  const dlg = page.getByRole('dialog', { name: '新建版本' });
  await dlg.getByText('新增事项').waitFor();
  // a new version adopted by a meeting: one rule added
  await dlg.getByRole('button', { name: '添加一项' }).click();
  await dlg.getByRole('textbox', { name: '事项名称' }).fill('参加防汛值守');
  await dlg.getByRole('spinbutton', { name: '积分' }).fill('8');
  await dlg.locator('#rv-note').fill('村民代表会议表决通过');
  await L.shot(page, 'admin-rule-version-new');
  await dlg.getByRole('button', { name: '保存版本' }).click();
  await page.getByText('新版本已生效').waitFor();
  await page.getByRole('tab', { name: '现行事项' }).click();
  await page.locator('.el-table__row', { hasText: '参加防汛值守' }).waitFor();
  const added = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items.find((r) => r.name === '参加防汛值守');
  assert.equal(added.points, 8);

  // verifying the audit chains is the county administrator's (below), not a cadre's
  await page.goto('/admin/audit');
  await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
  await L.expectCount(page.locator('[data-test=audit-verify]'), 0, 'no verify button for a cadre');

  // the ranking of the current month shows the credited awards
  await page.goto('/admin/rankings');
  const month = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
  await page.getByRole('combobox', { name: '时段' }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click();
  await L.pickOption(page, month);
  await page.locator('.el-table__row').first().waitFor();
  await L.shot(page, 'admin-rankings-live');
  L.assertNoProblems(desk);
  await desk.close();
});

test("a town official ranks the whole town: every village's households, each naming its village (laptop and phone)", async () => {
  for (const kind of ['desktop', 'phone']) {
    const ctx = await L.newContext(browser, kind, s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, L.PHONES.town_official);
    await page.goto('/admin/rankings');
    await page.locator('.el-table__row').first().waitFor();
    await page.getByRole('combobox', { name: '范围' }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click();
    await L.pickOption(page, '河口镇（全镇）');
    await page.locator('.el-table th', { hasText: '所属村' }).waitFor();
    await page.getByText('河口镇 ·').first().waitFor();
    await page.getByText('全镇排行榜按村汇总各户积分').waitFor();
    await L.expectCount(page.getByRole('button', { name: '发布' }), 0, 'a town ranking is not published');
    await page.getByRole('radio', { name: '全部排名' }).locator('xpath=..').click();
    await page.locator('.el-table__row', { hasText: '青山村' }).first().waitFor();
    await L.quiet(page);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 1, `${kind}: the page is ${over}px wider than the screen`);
    // the points column on screen without scrolling the table sideways
    const th = await page.locator('.el-table th', { hasText: '积分' }).first().boundingBox();
    const width = page.viewportSize().width;
    assert.ok(th && th.x + th.width <= width + 1, `${kind}: 积分 ends at ${th && th.x + th.width}px, the screen at ${width}px`);
    await L.shot(page, `admin-rankings-town-${kind}`);
    await L.axe(page, `town ranking (${kind})`);
    L.assertNoProblems(ctx);
    await ctx.close();
  }
});

test('the county administrator: overview of the county, users and roles', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.county_admin);
  await page.locator('[data-test=stat-households] .stat__value').filter({ hasText: '300' }).waitFor();
  await L.quiet(page);
  await L.shot(page, 'admin-overview-county');
  // the audit chains verify
  await page.goto('/admin/audit');
  // the button names the scope it checks
  assert.equal((await page.locator('[data-test=audit-verify]').innerText()).trim(), '校验青川县的哈希链');
  await page.locator('[data-test=audit-verify]').click();
  await page.locator('[data-test=verify-ok]').waitFor();
  await L.shot(page, 'admin-audit-verified');
  await page.goto('/admin/users');
  await page.locator('.el-table__row').first().waitFor();
  await L.shot(page, 'admin-users');
  await L.axe(page, 'admin users');

  // grant a role on the county to the shop clerk, then revoke it
  const row = page.locator('.el-table__row', { hasText: '13900000004' });
  await row.getByRole('button', { name: '授权' }).click();
  const dlg = page.getByRole('dialog', { name: /授予角色/ });
  await dlg.getByRole('combobox', { name: '角色' }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click();
  await L.pickOption(page, '纪检监督');
  await dlg.getByRole('button', { name: '授权' }).click();
  await page.getByText('已授权').waitFor();
  const tag = row.locator('.el-tag', { hasText: '纪检监督 · 青川县' });
  await tag.waitFor();
  await tag.locator('.el-tag__close').click();
  const confirm = page.getByRole('dialog', { name: '撤销角色' });
  await confirm.getByRole('button', { name: '撤销角色' }).click();
  await tag.waitFor({ state: 'detached' });
  await page.goto('/admin/households');
  await page.locator('[data-test=households-table] .el-table__row').first().waitFor();
  await page.locator('[data-test=households-table] .el-table__row').first().click();
  await page.waitForURL(/\/admin\/households\/\d+/);
  await page.locator('[data-test=members-table] .el-table__row').first().waitFor();
  // ID numbers masked; the county admin may reveal one (the server audits it)
  const idcard = page.locator('[data-test=members-table] [data-test=idcard]').first();
  assert.match(await idcard.innerText(), /^\d{4}\*{13}[\dX]$/);
  await page.locator('[data-test=members-table] [data-test=reveal-idcard]').first().click();
  await page.waitForFunction(() => /^\d{17}[\dX]$/.test(document.querySelector('[data-test=members-table] [data-test=idcard]').textContent.trim()));
  await L.shot(page, 'admin-household-county');
  L.assertNoProblems(desk);
  await desk.close();
});
