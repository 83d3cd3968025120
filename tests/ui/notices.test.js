// Notices 通知: the cadre publishes one in the console (bad input first, then a good
// one), the villager sees it on the home page of the phone with a red dot, opens it
// (the dot goes, the read is recorded), and the cadre sees one household read with the
// awareness rate, the households still to tell, then revises and withdraws it, each
// after a confirmation; the villager sees the withdrawal with its reason.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;
const TITLE = '关于冬季森林防火的紧急通知';
const BODY = '各位村民：\n进入冬季森林防火期，严禁在山林、田边烧荒、烧纸、燃放烟花。\n发现火情请立即拨打 12119，并报告村委会。';

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

test('a cadre publishes, the villager reads it on the phone, the cadre sees the rate', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.goto('/admin/notices');
  const table = cp.locator('[data-test=notice-table]');
  await table.locator('.el-table__row', { hasText: '秋季秸秆禁烧通知' }).waitFor(); // the demo's notices
  await L.shot(cp, 'admin-notices');
  await L.axe(cp, 'admin notices');

  // publish: nothing filled in is refused field by field, then the notice goes out
  await cp.locator('[data-test=notice-new]').click();
  const form = cp.locator('.el-dialog', { hasText: '发布通知' });
  await form.locator('#nf-title').waitFor();
  await form.locator('[data-test=notice-submit]').click();
  await form.locator('.el-form-item__error', { hasText: '标题不能为空' }).waitFor();
  await form.locator('.el-form-item__error', { hasText: '正文不能为空' }).waitFor();
  await L.shot(cp, 'admin-notice-form-errors');
  await form.locator('#nf-title').fill(TITLE);
  await form.locator('#nf-body').fill(BODY);
  await form.getByText('重要', { exact: true }).click();
  await L.shot(cp, 'admin-notice-form');
  await L.axe(cp, 'notice form');
  await form.locator('[data-test=notice-submit]').click();
  const drawer = cp.locator('.el-drawer', { hasText: TITLE });
  await drawer.locator('[data-test=notice-stats]').waitFor();
  assert.match(await drawer.locator('[data-test=stats-text]').innerText(), /0\/300 户已读/);
  await drawer.locator('[data-test=unread-table]').waitFor();
  await cp.keyboard.press('Escape');
  await table.locator('.el-table__row', { hasText: TITLE }).waitFor();

  // the villager's phone: the home page lists it first with a red dot
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  const home = vp.locator('[data-test=home-notices]');
  const first = home.locator('[data-test=home-notice]').first();
  await first.filter({ hasText: TITLE }).waitFor();
  await L.expectCount(home.locator('[data-test=home-notice]'), 3, 'the latest three');
  await L.expectCount(first.locator('[data-test=unread-dot]'), 1, 'unread: a red dot');
  await L.quiet(vp);
  await L.shot(vp, 'villager-home-notices');
  await L.axe(vp, 'villager home with notices');

  // opening it shows the text and records the read
  await first.click();
  await vp.waitForURL(/\/notices\/\d+$/);
  const body = vp.locator('[data-test=notice-body]');
  await body.waitFor();
  assert.equal(await body.innerText(), BODY);
  await vp.locator('[data-test=read-at]').waitFor();
  await L.shot(vp, 'villager-notice');
  await L.axe(vp, 'villager notice');
  await vp.goto('/');
  await home.locator('[data-test=home-notice]').first().filter({ hasText: TITLE }).waitFor();
  await L.expectCount(home.locator('[data-test=home-notice]').first().locator('[data-test=unread-dot]'), 0, 'read: no dot');

  // the list page: current and all
  await home.getByRole('link', { name: '查看全部' }).click();
  await vp.waitForURL(/\/notices$/);
  await vp.locator('[data-test=notice-item]').first().waitFor();
  await L.quiet(vp);
  await L.shot(vp, 'villager-notices');
  await L.axe(vp, 'villager notices');

  // the cadre: one household read, 0.3 % of 300, and 299 still to tell
  await cp.reload();
  const row = table.locator('.el-table__row', { hasText: TITLE });
  await row.locator('[data-test=reads]', { hasText: '1/300' }).waitFor();
  assert.match(await row.locator('[data-test=rate]').innerText(), /0\.3%/);
  await row.locator('.notice-link').click();
  await drawer.locator('[data-test=stats-text]', { hasText: '1/300 户已读' }).waitFor();
  await drawer.getByText('未读农户（299 户）').waitFor();
  const unreadNumbers = await drawer.locator('[data-test=unread-table] .el-table__row td:first-child').allInnerTexts();
  const me = await s.must('GET', '/api/v1/session', { token: await s.as('villager') });
  const mine = await s.must('GET', `/api/v1/households/${me.household_id}`, { token: await s.as('cadre') });
  assert.ok(unreadNumbers.length > 0 && !unreadNumbers.map((x) => x.trim()).includes(mine.number), 'the reader\'s household is not listed');
  await L.shot(cp, 'admin-notice-detail');
  await L.axe(cp, 'admin notice detail');

  // revise, with a confirmation: a new version, the old text kept
  await drawer.locator('[data-test=notice-revise]').click();
  const rev = cp.locator('.el-dialog', { hasText: '修订通知' });
  await rev.locator('#rf-body').fill(`${BODY}\n村里已在各组设置灭火器存放点。`);
  await rev.locator('#rf-reason').fill('补充灭火器存放点');
  await L.shot(cp, 'admin-notice-revise');
  await rev.locator('[data-test=revise-submit]').click();
  const confirm = cp.locator('.el-message-box', { hasText: '确认发布修订后的第 2 版' });
  await confirm.waitFor();
  await L.shot(cp, 'admin-notice-revise-confirm');
  await confirm.getByRole('button', { name: '修订' }).click();
  await drawer.locator('.el-timeline-item', { hasText: '补充灭火器存放点' }).waitFor();
  await drawer.locator('.el-timeline-item', { hasText: '首次发布' }).waitFor();
  assert.match(await drawer.locator('[data-test=notice-body]').innerText(), /灭火器存放点/);

  // the villager sees it was updated
  await vp.goto('/');
  await home.locator('[data-test=home-notice]').first().locator('[data-test=unread-dot]').waitFor();
  await home.locator('[data-test=home-notice]').first().click();
  await vp.locator('[data-test=notice-body]', { hasText: '灭火器存放点' }).waitFor();
  await vp.getByText('修订记录（共 2 版）').waitFor();
  await vp.locator('.van-collapse-item__title', { hasText: '第 1 版 · 首次发布' }).click();
  const v1 = vp.locator('.van-collapse-item__content', { hasText: '燃放烟花' });
  await v1.waitFor({ state: 'visible' });
  assert.ok(!/灭火器/.test(await v1.innerText()), 'version 1 as it was');
  await L.shot(vp, 'villager-notice-revised', { fullPage: true });

  // withdraw, with a reason in the confirmation
  await drawer.locator('[data-test=notice-withdraw]').click();
  const box = cp.locator('.el-message-box', { hasText: '撤回通知' });
  await box.waitFor();
  await box.getByRole('button', { name: '确认撤回' }).click();
  await box.getByText('请填写撤回原因').first().waitFor(); // an empty reason is refused
  await box.locator('input').fill('与镇里的通知重复，以镇里的为准');
  await L.shot(cp, 'admin-notice-withdraw');
  await box.getByRole('button', { name: '确认撤回' }).click();
  await drawer.locator('[data-test=withdrawn-info]', { hasText: '与镇里的通知重复' }).waitFor();
  await L.expectCount(drawer.locator('[data-test=notice-revise]'), 0);
  await cp.keyboard.press('Escape');
  await table.locator('.el-table__row', { hasText: TITLE }).getByText('已撤回').waitFor();

  // the villager: no longer current, shown with the reason under all notices
  await vp.goto('/notices');
  await vp.locator('[data-test=notice-item]').first().waitFor();
  await L.expectCount(vp.locator('[data-test=notice-item]', { hasText: TITLE }), 0);
  await vp.getByRole('tab', { name: '全部通知' }).click();
  const gone = vp.locator('[data-test=notice-item]', { hasText: TITLE });
  await gone.getByText('已撤回').waitFor();
  await gone.click();
  await vp.locator('[data-test=withdrawn]', { hasText: '与镇里的通知重复，以镇里的为准' }).waitFor();
  await L.shot(vp, 'villager-notice-withdrawn');
  await L.axe(vp, 'withdrawn notice');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  await desk.close();
  await phone.close();
});

test('the elderly mode shows the notices on the simple home page too', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto('/me');
  await vp.locator('[data-test=elderly-cell]').click();
  await vp.waitForFunction(() => document.documentElement.classList.contains('elderly'));
  await vp.goto('/');
  await vp.locator('[data-test=home-notices] [data-test=home-notice]').first().waitFor();
  await L.shot(vp, 'villager-home-notices-elderly');
  await L.axe(vp, 'elderly home with notices');
  L.assertNoProblems(phone);
  await phone.close();
});
