// Party building across both apps: the secretary (the demo cadre) schedules a remote
// 主题党日 in the console at 1366×768; the member 李琳 sees it on a 360×740 phone and
// checks in within its time (half an hour before it starts); the console shows her as
// attending remotely. The town official opens the compliance board and finds the
// month the branch missed. A villager asks the secretary in 书记会客厅, the secretary
// answers in the console, the villager sees the answer; the member pages, statistics
// and the public party page are pictured, at both sizes and in the elderly mode.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const CADRE = '13900000003';
const TOWN = '13900000002';
const TOPIC = '线上学习主题党日：乡村振兴政策';
const QUESTION = '村里能组织老年人学用智能手机吗？';
const ANSWER = '可以，下周六上午在党群服务中心开班，党员志愿者手把手教。';

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

const cnLocal = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 16);

test('the secretary schedules a remote meeting, the member checks in on the phone, the town sees compliance', async () => {
  const now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '党员管理' }).click();
  await cp.waitForURL(/\/admin\/party\/members$/);
  await cp.locator('[data-test=party-member-table] .el-table__row').first().waitFor();
  await cp.locator('[data-test=party-total]', { hasText: '25' }).waitFor();
  await cp.locator('[data-test=party-members] canvas').first().waitFor();
  await L.shot(cp, 'party-admin-members');
  await noSideways(cp, 'console members');
  // the secretary registers a probationary member
  await cp.locator('[data-test=party-new-member]').click();
  const dlg = cp.locator('.el-dialog', { hasText: '登记党员' });
  await dlg.locator('.el-form-item', { hasText: '姓名' }).locator('input').fill('吴晓燕');
  await dlg.locator('.el-radio', { hasText: '女' }).click();
  await dlg.locator('input[aria-label=出生日期]').fill('1998-05-04');
  await dlg.locator('.el-radio', { hasText: '预备党员' }).click();
  await dlg.locator('input[aria-label=入党日期]').fill('2026-07-01');
  await dlg.locator('input[aria-label=转正日期]').fill('2027-07-01');
  await L.shot(cp, 'party-admin-new-member');
  await dlg.locator('.el-button--primary').click();
  await cp.locator('[data-test=party-member-table] .el-table__row', { hasText: '吴晓燕' }).waitFor();
  await cp.locator('[data-test=party-total]', { hasText: '26' }).waitFor();

  await cp.locator('.menu a', { hasText: '三会一课' }).click();
  await cp.waitForURL(/\/admin\/party\/meetings$/);
  await cp.locator('[data-test=party-meeting-table] .el-table__row').first().waitFor();
  await cp.locator('[data-test=party-new-meeting]').click();
  await cp.locator('[data-test=meeting-topic]').fill(TOPIC);
  await cp.locator('[data-test=meeting-remote]').click();
  await cp.locator('[data-test=meeting-url]').fill('https://meeting.example.cn/j/2026');
  await cp.locator('[data-test=meeting-starts]').fill(cnLocal(now + 1200));
  await cp.locator('[data-test=meeting-ends]').fill(cnLocal(now + 7200));
  await L.shot(cp, 'party-admin-new-meeting');
  await cp.locator('[data-test=meeting-save]').click();
  await cp.locator('[data-test=party-meeting-table] .el-table__row', { hasText: TOPIC }).waitFor();
  await L.shot(cp, 'party-admin-meetings');
  await noSideways(cp, 'console meetings');

  // the member checks in from the phone
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=party-entry]').click();
  await vp.waitForURL(/\/party$/);
  const mine = vp.locator('[data-test=my-meeting]', { hasText: TOPIC });
  await mine.waitFor();
  await L.shot(vp, 'party-villager-meetings');
  await noSideways(vp, 'villager 党建');
  await mine.locator('[data-test=check-in]').click();
  await mine.filter({ hasText: '已签到' }).waitFor();
  await L.expectCount(mine.locator('[data-test=check-in]'), 0, 'checked in once');
  await vp.locator('.van-toast').waitFor({ state: 'hidden' });
  await L.shot(vp, 'party-villager-checked-in', { fullPage: true });

  // the console shows her attending remotely
  await cp.reload();
  await cp.locator('[data-test=party-meeting-table] .el-table__row', { hasText: TOPIC }).click();
  const att = cp.locator('[data-test=party-attendance] .el-table__row', { hasText: '李琳' });
  await att.locator('.el-radio-button.is-active', { hasText: '远程参会' }).waitFor();
  await L.shot(cp, 'party-admin-attendance');

  // the town official's compliance board: the missed 主题党日 three months ago
  const town = await L.newContext(browser, 'desktop', s.url);
  const tp = await L.newPage(town);
  await L.adminLogin(tp, TOWN);
  await tp.locator('.menu a', { hasText: '组织生活台账' }).click();
  await tp.waitForURL(/\/admin\/party\/compliance$/);
  const d = new Date((now + 8 * 3600) * 1000);
  d.setUTCMonth(d.getUTCMonth() - 3, 15);
  const label = d.toISOString().slice(0, 7);
  if (label.slice(0, 4) !== cnLocal(now).slice(0, 4)) {
    await tp.locator('.el-input-number input').fill(label.slice(0, 4));
    await tp.locator('.el-input-number input').press('Enter');
  }
  await tp.locator('[data-test=party-flags] .el-table__row', { hasText: label }).filter({ hasText: '主题党日' }).filter({ hasText: '缺开' }).waitFor();
  await L.shot(tp, 'party-town-compliance');
  await L.axe(tp, 'town compliance board');
  await noSideways(tp, 'town compliance');
  // the town has no 会客厅 entry: only the secretary answers
  await L.expectCount(tp.locator('.menu a', { hasText: '承诺与会客厅' }), 0, 'no answers menu for the town');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  L.assertNoProblems(town);
  await desk.close();
  await phone.close();
  await town.close();
});

test('a villager asks the secretary, the secretary answers in the console, the villager sees it', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto('/party/hall');
  await vp.locator('[data-test=ask-body] textarea').fill(QUESTION);
  await vp.locator('[data-test=ask-send]').click();
  await vp.locator('[data-test=question]', { hasText: QUESTION }).filter({ hasText: '待答复' }).waitFor();
  await vp.locator('.van-toast').waitFor({ state: 'hidden' });
  await L.shot(vp, 'party-villager-asked', { fullPage: true });
  await L.axe(vp, 'villager 会客厅');
  await noSideways(vp, 'villager 会客厅');

  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '承诺与会客厅' }).click();
  await cp.waitForURL(/\/admin\/party\/service$/);
  const row = cp.locator('[data-test=party-questions] .el-table__row', { hasText: QUESTION });
  await row.locator('[data-test=party-answer]').click();
  await cp.locator('[data-test=party-answer-text]').fill(ANSWER);
  await L.shot(cp, 'party-admin-answer');
  await cp.locator('[data-test=party-answer-send]').click();
  await L.expectCount(row, 0, 'answered questions leave the waiting list');

  await vp.reload();
  await vp.locator('[data-test=question]', { hasText: QUESTION }).locator('[data-test=answer]', { hasText: ANSWER }).waitFor();
  await L.shot(vp, 'party-villager-answered', { fullPage: true });

  // elderly mode: larger type, the 党建 button on the simple home page
  await vp.evaluate(() => localStorage.setItem('cz.elderly', '1'));
  await vp.goto('/');
  await vp.locator('[data-test=big-party]').click();
  await vp.waitForURL(/\/party$/);
  await vp.locator('[data-test=commitment]').first().waitFor();
  await L.shot(vp, 'party-villager-elderly', { fullPage: true });
  await noSideways(vp, 'elderly 党建');

  // the village's public party page, without an account
  const anon = await L.newContext(browser, 'phone', s.url);
  const ap = await L.newPage(anon);
  await ap.goto('/p/3/party');
  await ap.locator('[data-test=commitment]').first().waitFor();
  await L.expectCount(ap.locator('[data-test=my-meeting]'), 0, 'no member data on the public page');
  await L.shot(ap, 'party-public', { fullPage: true });
  await noSideways(ap, 'public party page');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  L.assertNoProblems(anon);
  await desk.close();
  await phone.close();
  await anon.close();
});
