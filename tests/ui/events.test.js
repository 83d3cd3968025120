// Events 民情 across both apps: a villager reports a problem on the phone with a photo
// and the phone's position; the cadre accepts it in the console's intake queue, the
// town dispatches it to 县住建局, the department's handler takes it on, notes progress
// and finishes it; the villager sees the timeline and rates it. The public 民情码 page
// on a 360 px phone without an account: the position refused (the address fallback
// says so), the proof of work solved in the page, the follow-up code shown and looked
// up. The overdue board, the statistics and the poster are pictured and checked with
// axe-core like every other page here.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const HANDLER = '13900000007';   // 黄明, 县住建局

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

// Opens the move's dialog from `scope` (a row or the detail page) and confirms it.
async function move(page, scope, act, fill) {
  await scope.locator(`[data-act=${act}]`).first().click();
  const dialog = page.locator('[data-test=action-dialog]').last();
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.locator('[data-test=action-confirm]').click();
  await dialog.waitFor({ state: 'hidden' });
}

test('report with a photo → accept → dispatch → take, note, finish → the villager rates it', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  await phone.grantPermissions(['geolocation'], { origin: s.url });
  await phone.setGeolocation({ latitude: 30.123456, longitude: 104.654321, accuracy: 12 });
  const vp = await L.newPage(phone);

  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=report-entry]').click();
  await vp.waitForURL(/\/report$/);
  await vp.locator('[data-test=categories] [role=radio]', { hasText: '道路交通' }).waitFor();

  // nothing chosen: said at the fields, nothing sent
  await vp.getByRole('button', { name: '提交反映' }).click();
  await vp.locator('[data-test=category-error]').filter({ hasText: '请选择问题类别' }).waitFor();

  await vp.locator('[data-test=categories] [role=radio]', { hasText: '道路交通' }).click();
  await L.expectCount(vp.locator('[data-test=category-error]'), 0, 'the category error goes once one is chosen');
  await vp.fill('textarea[name=description]', '三组村口的路面塌了一个大坑，晚上看不见，已经有人摔倒');
  await vp.locator('[data-test=camera]').setInputFiles({ name: 'pothole.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [90, 90, 90]) });
  await vp.locator('[data-test=photos] img').first().waitFor();
  await vp.locator('[data-test=locate]').click();
  await vp.locator('[data-test=coords]').filter({ hasText: '30.12346' }).waitFor();
  await vp.fill('input[name=address]', '三组村口');
  await L.shot(vp, 'events-villager-report', { fullPage: true });
  await L.axe(vp, 'villager report form');
  await vp.getByRole('button', { name: '提交反映' }).click();
  await vp.waitForURL(/\/my-events\/\d+$/);
  const id = Number(/\/my-events\/(\d+)/.exec(vp.url())[1]);
  await vp.locator('[data-test=event]').filter({ hasText: '待受理' }).waitFor();
  await vp.locator('[data-test=timeline]').filter({ hasText: '提交反映' }).waitFor();

  // the server has it as reported: photo, position, the app's channel
  const vtoken = await s.as('villager');
  const got = await s.must('GET', `/api/v1/events/${id}`, { token: vtoken });
  assert.equal(got.photos.length, 1);
  assert.equal(got.channel, 'app');
  assert.ok(Math.abs(got.location.lat - 30.123456) < 1e-5, JSON.stringify(got.location));

  // the cadre accepts it in the intake queue
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.getByRole('link', { name: '受理派单' }).click();
  await cp.waitForURL(/\/admin\/events\/intake$/);
  const row = cp.locator('.el-table__row', { has: cp.locator(`[data-event="${id}"]`) });
  await row.waitFor();
  await L.shot(cp, 'events-console-intake');
  await L.axe(cp, 'console intake queue');
  // a refusal needs a reason: said at the field
  await row.locator('[data-act=reject]').click();
  const dlg = cp.locator('[data-test=action-dialog]');
  await dlg.waitFor();
  await dlg.locator('[data-test=action-confirm]').click();
  await dlg.locator('.el-form-item__error').filter({ hasText: '请填写' }).waitFor();
  await L.shot(cp, 'events-console-reject-reason');
  await dlg.getByRole('button', { name: '取消' }).click();
  await dlg.waitFor({ state: 'hidden' });
  await move(cp, row, 'accept');
  await L.expectCount(cp.locator(`[data-event="${id}"]`), 0, 'accepted: gone from 待受理');
  await desk.close();

  // the town dispatches it to the category's department (县住建局)
  const town = await L.newContext(browser, 'desktop', s.url);
  const tp = await L.newPage(town);
  await L.adminLogin(tp, L.PHONES.town_official);
  await tp.goto(`/admin/events/${id}`);
  await tp.locator('[data-test=event-detail]').filter({ hasText: '已受理' }).waitFor();
  await move(tp, tp.locator('[data-test=moves]'), 'dispatch');
  await tp.locator('[data-test=event-detail]').filter({ hasText: '已派单' }).waitFor();
  await tp.locator('[data-test=event-detail]').filter({ hasText: '县住建局' }).waitFor();
  await town.close();

  // the handler takes it on, notes progress and finishes it
  const dept = await L.newContext(browser, 'desktop', s.url);
  const hp = await L.newPage(dept);
  await L.adminLogin(hp, HANDLER);
  await hp.getByRole('link', { name: '部门办理' }).click();
  await hp.waitForURL(/\/admin\/events\/inbox$/);
  const hrow = hp.locator('.el-table__row', { has: hp.locator(`[data-event="${id}"]`) });
  await hrow.waitFor();
  await L.shot(hp, 'events-console-inbox');
  await L.axe(hp, 'handler inbox');
  await move(hp, hrow, 'take');
  await hp.goto(`/admin/events/${id}`);
  await hp.locator('[data-test=event-detail]').filter({ hasText: '办理中' }).waitFor();
  await move(hp, hp.locator('[data-test=moves]'), 'note', (d) => d.locator('textarea[data-test=note]').fill('已安排施工队，明天上午填补'));
  await hp.locator('[data-test=timeline]').filter({ hasText: '已安排施工队' }).waitFor();
  await move(hp, hp.locator('[data-test=moves]'), 'finish', async (d) => {
    await d.locator('[data-test=outcome]').getByText('已解决').click();
    await d.locator('textarea[data-test=note]').fill('坑已用沥青填平，设置了警示牌');
  });
  await hp.locator('[data-test=event-detail]').filter({ hasText: '已办结' }).waitFor();
  await L.shot(hp, 'events-console-detail');
  await L.axe(hp, 'event detail');
  await dept.close();

  // the villager sees it finished, with the timeline, and rates it
  await vp.goto(`/my-events/${id}`);
  await vp.locator('[data-test=outcome]').filter({ hasText: '已解决' }).waitFor();
  await vp.locator('[data-test=timeline]').filter({ hasText: '已安排施工队' }).waitFor();
  await vp.locator('[data-test=rate]').waitFor();
  await L.shot(vp, 'events-villager-rate', { fullPage: true });
  await L.axe(vp, 'villager event detail with the rating');
  await vp.locator('[data-test=rate]').getByText('满意', { exact: true }).click();
  await vp.locator('[data-test=rate-submit]').click();
  await vp.locator('.van-dialog').getByRole('button', { name: '提交评价' }).click();
  await vp.locator('[data-test=event]').filter({ hasText: '已回访' }).waitFor();
  await L.expectCount(vp.locator('[data-test=rate]'), 0, 'rated: the rating step is gone');
  const rated = await s.must('GET', `/api/v1/events/${id}`, { token: vtoken });
  assert.equal(rated.rating, 'satisfied');

  // and in the list of my reports
  await vp.goto('/my-events');
  await vp.locator(`[data-event="${id}"]`).filter({ hasText: '满意' }).waitFor();
  await L.shot(vp, 'events-villager-mine');
  await L.axe(vp, 'my reports');
  L.assertNoProblems(phone);
  await phone.close();
});

test('the 民情码 page on a 360 px phone: no login, the position refused, a code after sending, looked up by it', async () => {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    baseURL: s.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  ctx.problems = [];
  ctx.on('page', (p) => p.on('pageerror', (e) => ctx.problems.push(`pageerror: ${e.message}`)));
  const page = await L.newPage(ctx);
  await page.goto('/mq/3');
  await page.getByRole('heading', { name: '青山村' }).waitFor();
  await page.locator('[data-test=categories] [role=radio]', { hasText: '环境卫生' }).click();
  await page.fill('textarea[name=description]', '河边堆了很多垃圾，好几天没人清理');
  // no permission for the position: the page says so and the address stays
  await page.locator('[data-test=locate]').click();
  await page.locator('[data-test=locate-error]').waitFor();
  assert.match(await page.locator('[data-test=locate-error]').innerText(), /地址/);
  await page.fill('input[name=address]', '青山村河堤');
  await page.fill('input[name=reporter_name]', '赵大勇');
  await page.fill('input[name=reporter_phone]', '13611112222');
  // nothing wider than the phone
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide`);
  await L.shot(page, 'events-public-form', { fullPage: true });
  await L.axe(page, '民情码 form');
  await page.locator('[data-test=public-submit]').click();
  const code = page.locator('[data-test=follow-code]');
  await code.waitFor();
  const text = (await code.innerText()).trim();
  assert.ok(text.length >= 8, `follow-up code: ${text}`);
  await L.shot(page, 'events-public-done');
  await L.axe(page, '民情码 code');

  // followed up by its code
  await page.locator('[data-test=track-link]').click();
  await page.waitForURL(/\/mq\/3\/track\?code=/);
  await page.locator('[data-test=public-event]').filter({ hasText: '河边堆了很多垃圾' }).waitFor();
  await page.locator('[data-test=public-event]').filter({ hasText: '待受理' }).waitFor();
  await L.shot(page, 'events-public-track');
  await L.axe(page, '民情码 lookup');
  // a wrong code shows nothing but the error
  await page.fill('[data-test=code-input] input', 'ZZZZZZZZZZZZ');
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('[data-test=code-input] .van-field__error-message').waitFor();
  await L.expectCount(page.locator('[data-test=public-event]'), 0, 'no event for a wrong code');

  // the event reached the village's queue from the public form
  const cadre = await s.as('cadre');
  const list = await s.must('GET', '/api/v1/events?state=pending&limit=50', { token: cadre });
  assert.ok(list.items.some((e) => e.description === '河边堆了很多垃圾，好几天没人清理' && e.channel === 'public_form'));
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test('the county: the overdue board with a 督办 note, the statistics and the poster', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.county_admin);
  await page.getByRole('link', { name: '超期督办' }).click();
  await page.waitForURL(/\/admin\/events\/board$/);
  const first = page.locator('.el-table__row', { has: page.locator('[data-act=supervise]') }).first();
  await first.waitFor();
  const id = Number((await first.locator('[data-event]').getAttribute('data-event')));
  // the county's early warnings above the board, each with the events behind it
  const warning = page.locator('[data-test=event-warning]', { hasText: '矛盾纠纷' });
  await warning.waitFor();
  assert.match(await warning.innerText(), /青山村 · 矛盾纠纷：30 天内 \d+ 件（预警线 6 件）/);
  assert.ok(await warning.locator('a').count() >= 6);
  await L.shot(page, 'events-console-board');
  await L.axe(page, 'overdue board');
  await move(page, first, 'supervise', (d) => d.locator('textarea[data-test=note]').fill('请三日内办结并报告'));
  const county = await s.as('county_admin');
  const ev = await s.must('GET', `/api/v1/events/${id}`, { token: county });
  assert.ok(ev.supervisions.some((x) => x.note === '请三日内办结并报告'));

  await page.getByRole('link', { name: '民情统计' }).click();
  await page.waitForURL(/\/admin\/events\/stats$/);
  await page.locator('[data-test=stats-table] .el-table__row').first().waitFor();
  await page.locator('[data-test=stats-kpis]').filter({ hasText: '%' }).waitFor();
  await L.shot(page, 'events-console-stats', { fullPage: true });
  await L.axe(page, 'statistics');

  await page.getByRole('link', { name: '民情码海报' }).click();
  await page.waitForURL(/\/admin\/events\/poster$/);
  await page.locator('[data-test=poster-qr] path').waitFor();
  await L.shot(page, 'events-console-poster', { fullPage: true });
  await L.axe(page, 'poster');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the hotline operator starts on 登记民情 and enters a call: the caller is required, one event for a double press', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.operator);
  await page.waitForURL(/\/admin\/events\/new$/);
  await page.locator('[data-test=event-category]').click();
  await page.locator('.el-select-dropdown__item:visible').first().click();
  await page.fill('[data-test=event-description]', '来电反映：村口路灯连续三晚不亮，老人夜里出门不方便。');
  // without the caller the server names both fields, and nothing is made
  const before = (await s.must('GET', '/api/v1/events?limit=1', { token: await s.as('county_admin') })).total;
  await page.locator('[data-test=event-submit]').click();
  await page.getByText('反映人姓名不能为空').waitFor();
  await page.getByText('联系电话应为 7 到 20 位数字').waitFor();
  assert.equal((await s.must('GET', '/api/v1/events?limit=1', { token: await s.as('county_admin') })).total, before);
  await page.fill('input[data-test=event-reporter-name]', '王秀兰');
  await page.fill('input[data-test=event-reporter-phone]', '13812345678');
  await page.locator('[data-test=event-photos]').setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [200, 180, 40]) });
  await page.locator('[data-test=picked-file]').waitFor();
  await page.locator('[data-test=event-submit]').dblclick();
  const made = page.locator('[data-test=event-made]');
  await made.waitFor();
  const id = Number(/事件编号 (\d+)/.exec(await made.innerText())[1]);
  await L.shot(page, 'console-event-new-operator');
  await L.axe(page, 'enter an event');
  const admin = await s.as('county_admin');
  assert.equal((await s.must('GET', '/api/v1/events?limit=1', { token: admin })).total, before + 1, 'one event');
  const e = await s.must('GET', `/api/v1/events/${id}`, { token: admin });
  assert.equal(e.channel, 'hotline');
  assert.equal(e.photos.length, 1);
  L.assertNoProblems(desk);
  await desk.close();
});
