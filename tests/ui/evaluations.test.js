// Evaluations 评选 across both apps: a 美丽庭院 campaign of 青山村 in scoring, with the
// villager 李琳's household nominated and the grid worker 刘强 and the cadre on the
// panel. 刘强 scores it on a 360×740 phone, a stepper per criterion and a photo of the
// visit; the cadre scores through the API; the cadre puts the results on public notice
// and, once the notice is over, publishes them in the console at 1366×768; 李琳 sees
// her household among the winners on the phone and the campaign's points in her
// ledger; the public results page shows them without an account. No page scrolls
// sideways.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const CADRE = '13900000003';
const GRID = '13900000005';
const TITLE = '界面测试美丽庭院评选';

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

test('a panel member scores on the phone with a photo, the cadre publishes, the villager sees the result and the points', async () => {
  const cadre = await s.login(CADRE);
  const villager = await s.login(s.villager.phone);
  const me = await s.must('GET', '/api/v1/session', { token: villager });
  const cands = await s.must('GET', '/api/v1/evaluations/candidates?village_id=3', { token: cadre });
  const liu = cands.items.find((u) => u.name === '刘强');
  const li = cands.items.find((u) => u.name === '李国华');
  const c = await s.must('POST', '/api/v1/evaluations/campaigns', { token: cadre, body: {
    village_id: 3, kind: '美丽庭院', title: TITLE, period_from: '2026-01-01', period_to: '2026-06-30', points: 40, winners: 1,
    publicity_days: 1, tag_name: '美丽庭院户',
    criteria: [{ name: '院落整洁', weight: 40, min_score: 0, max_score: 10 }, { name: '绿化美化', weight: 30, min_score: 0, max_score: 10 },
      { name: '垃圾分类', weight: 30, min_score: 0, max_score: 10 }],
    panel: [{ user_id: liu.user_id, label: '网格员' }, { user_id: li.user_id, label: '村干部' }] } }, 201);
  await s.must('POST', `/api/v1/evaluations/campaigns/${c.id}/actions/open`, { token: cadre, body: {} });
  const nom = await s.must('POST', `/api/v1/evaluations/campaigns/${c.id}/nominations`, { token: cadre, body: { household_id: me.household_id, note: '院子干净' } }, 201);
  await s.must('POST', `/api/v1/evaluations/campaigns/${c.id}/actions/score`, { token: cadre, body: {} });

  // 刘强 scores on the phone
  const phone = await L.newContext(browser, 'phone', s.url);
  const gp = await L.newPage(phone);
  await L.villagerLogin(gp, GRID);
  await gp.goto(`/evaluations/${c.id}`);
  await gp.locator('[data-test=eval-title]', { hasText: TITLE }).waitFor();
  await gp.locator('[data-test=nominee] [data-test=score-open]').first().click();
  const form = gp.locator('[data-test=score-form]');
  await form.waitFor();
  // 5 → 7 on the first criterion, 5 → 6 on the second, 5 → 4 on the third
  for (let i = 0; i < 2; i++) await form.locator('[data-test=crit-0] .van-stepper__plus').click();
  await form.locator('[data-test=crit-1] .van-stepper__plus').click();
  await form.locator('[data-test=crit-2] .van-stepper__minus').click();
  await form.locator('[data-test=weighted]', { hasText: '5.80' }).waitFor();   // (7×40 + 6×30 + 4×30) / 100
  await form.locator('[data-test=score-photos] input[type=file]').setInputFiles({ name: 'yard.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [60, 150, 70]) });
  await L.expectCount(form.locator('.van-uploader__preview'), 1, 'the photo is shown');
  await gp.waitForFunction(() => !document.querySelector('[data-test=score-form] .van-uploader__mask'));
  await L.shot(gp, 'evaluations-phone-score');
  await noSideways(gp, 'phone scoring');
  await form.locator('[data-test=score-submit]').click();
  await gp.locator('[data-test=nominee] [data-test=score-open]', { hasText: '已评' }).waitFor();
  await L.shot(gp, 'evaluations-phone-scored');
  const after1 = await s.must('GET', `/api/v1/evaluations/campaigns/${c.id}`, { token: cadre });
  const sc = after1.nominations[0].scores.find((x) => x.member_id === liu.user_id);
  assert.deepEqual(sc.items, [7, 6, 4]);
  assert.equal(sc.photos.length, 1, 'the photo went with the score');

  // the cadre scores too, then works in the console
  await s.must('POST', `/api/v1/evaluations/nominations/${nom.id}/scores`, { token: cadre, body: { items: [9, 8, 8] } }, 201);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '评选活动' }).click();
  await cp.waitForURL(/\/admin\/evaluations$/);
  await cp.locator('[data-test=eval-table] .el-table__row', { hasText: TITLE }).click();
  const detail = cp.locator('[data-test=eval-detail]');
  await detail.locator('[data-test=eval-ranking] .el-table__row').first().waitFor();
  // (5.80 + 8.40) / 2 = 7.10
  await detail.locator('[data-test=eval-ranking]', { hasText: '7.10' }).waitFor();
  await detail.locator('[data-test=eval-act-publicize]').click();
  await detail.locator('[data-test=eval-status]', { hasText: '公示中' }).waitFor();
  await L.shot(cp, 'evaluations-console-publicity');
  await noSideways(cp, 'console evaluations');

  // the notice is over: the cadre publishes
  await s.advance(2 * 86400);
  await desk.clearCookies();
  await L.adminLogin(cp, CADRE);
  await cp.goto('/admin/evaluations');
  await cp.locator('[data-test=eval-table] .el-table__row', { hasText: TITLE }).click();
  await detail.locator('[data-test=eval-act-publish]').click();
  await detail.locator('[data-test=eval-status]', { hasText: '已发布' }).waitFor();
  await detail.locator('[data-test=eval-ranking]', { hasText: '已记积分' }).waitFor();
  await L.shot(cp, 'evaluations-console-published');
  await detail.locator('[data-test=eval-cert]').waitFor();

  // 李琳 sees the result and the points
  const vp = await L.newPage(await L.newContext(browser, 'phone', s.url));
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=eval-entry]').click();
  await vp.locator('[data-test=eval-campaign]', { hasText: TITLE }).click();
  const row = vp.locator('[data-test=result-row]').first();
  await row.filter({ hasText: '我家' }).filter({ hasText: '获评' }).waitFor();
  await L.shot(vp, 'evaluations-phone-result');
  await noSideways(vp, 'phone results');
  await vp.locator('[data-test=to-ledger]').click();
  await vp.locator('[data-test=ledger-entry]', { hasText: TITLE }).first().waitFor();
  await L.shot(vp, 'evaluations-phone-ledger');
  const led = await s.must('GET', `/api/v1/households/${me.household_id}/ledger`, { token: villager });
  assert.equal(led.items.filter((e) => e.rule_name === TITLE).length, 1);

  // the public results page, without an account
  const pub = await L.newPage(await L.newContext(browser, 'phone', s.url));
  await pub.goto(`/pe/${c.id}`);
  await pub.locator('[data-test=result-row]', { hasText: '获评' }).waitFor();
  await L.shot(pub, 'evaluations-public');
  await noSideways(pub, 'public results');
});
