// 清单制 across both apps: a villager opens the 清单 section from the home screen on a
// 360 px phone, reads a certificate service's flowchart and applies with a photo of the
// materials; the cadre advances every step in the console (notes, a photo) and closes
// it; the villager sees it done, also in the elderly mode. The public lists page (no
// login) with the flowcharts and the disclosed outcomes; the console's menu per role
// (the shop clerk has no lists), the county's templates, the village's adopted lists
// with a new version adopted at a meeting, the overdue board, the statistics with their
// XLSX, and the A4 list poster. Every page pictured and checked with axe-core.
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

async function noOverflow(page, width, label) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= width, `${label}: the page is ${wide} px wide`);
}

// the demo's certificate service of 青山村 (证明开具), as the villager's lists give it
async function certificateItem() {
  const v = await s.as('villager');
  const lists = await s.must('GET', '/api/v1/lists?village=3', { token: v });
  const services = lists.items.filter((i) => i.kind === 'service');
  const item = services.find((i) => i.name.includes('证明开具')) || services.find((i) => i.name.includes('证明'));
  assert.ok(item, `a certificate service among ${services.map((i) => i.name).join('、')}`);
  return item;
}

test('a villager applies for a certificate on the phone, the cadre advances every step and closes it, the villager sees it done', async () => {
  const item = await certificateItem();
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=lists-entry]').click();
  await vp.waitForURL(/\/lists$/);
  await vp.locator(`[data-item="${item.id}"]`).waitFor();
  await noOverflow(vp, 360, 'the lists');
  await L.shot(vp, 'lists-villager-lists', { fullPage: true });
  await L.axe(vp, 'villager lists');
  for (const tab of ['小微权力', '村级事务']) {
    await vp.locator('[data-test=list-kinds] [role=tab]', { hasText: tab }).click();
    await vp.locator('.ls-item:visible').first().waitFor();
    await noOverflow(vp, 360, `the ${tab} list`);
  }
  await L.shot(vp, 'lists-villager-affairs', { fullPage: true });
  await vp.locator('[data-test=list-kinds] [role=tab]', { hasText: '公共服务' }).click();

  // the flowchart: every step with its role and time limit, the materials
  await vp.locator(`[data-item="${item.id}"]`).click();
  await vp.waitForURL(new RegExp(`/lists/items/${item.id}$`));
  const flow = vp.locator('[data-test=item-flow]');
  await L.expectCount(flow.locator('[data-step]'), item.steps.length, 'a box per step');
  for (const st of item.steps) await flow.locator(`[data-step="${st.n}"]`).filter({ hasText: st.name }).filter({ hasText: st.role_label }).waitFor();
  if (item.materials.length) await vp.locator('[data-test=item-materials]').filter({ hasText: item.materials[0] }).waitFor();
  await noOverflow(vp, 360, 'the flowchart');
  await L.shot(vp, 'lists-villager-flowchart', { fullPage: true });
  await L.axe(vp, 'villager flowchart');

  // apply with a photo of the materials
  await vp.locator('[data-test=apply]').click();
  await vp.waitForURL(new RegExp(`/lists/apply/${item.id}$`));
  await vp.locator('[data-test=apply-item]').filter({ hasText: item.name }).waitFor();
  await vp.locator('[data-test=camera]').setInputFiles({ name: 'hukou.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [40, 60, 160]) });
  await vp.locator('[data-test=photos] img').first().waitFor();
  await vp.fill('textarea[name=note]', '孩子上学要用，开一份居住证明');
  await noOverflow(vp, 360, 'the application');
  await L.shot(vp, 'lists-villager-apply', { fullPage: true });
  await L.axe(vp, 'villager application');
  await vp.locator('[data-test=apply-submit]').click();
  await vp.waitForURL(/\/my-requests\/\d+$/);
  const id = Number(/\/my-requests\/(\d+)/.exec(vp.url())[1]);
  await vp.locator('[data-test=request]').filter({ hasText: '办理中' }).waitFor();
  // the applicant's own first step is done by applying: the village's step is current
  const next = item.steps[0].role === 'applicant' ? item.steps[1] : item.steps[0];
  await vp.locator('[data-test=req-current]').filter({ hasText: next.name }).filter({ hasText: next.role_label }).waitFor();
  await vp.locator('[data-step="1"]').filter({ hasText: '已完成' }).waitFor();
  await vp.locator('.van-toast', { hasText: '申请已提交' }).waitFor({ state: 'hidden' });
  await L.shot(vp, 'lists-villager-request', { fullPage: true });
  await L.axe(vp, 'villager request');

  // the server has it as applied: the villager's own household, the photo
  const vtoken = await s.as('villager');
  const got = await s.must('GET', `/api/v1/executions/${id}`, { token: vtoken });
  assert.equal(got.via, 'villager');
  assert.equal(got.photos.length, 1);
  assert.equal(got.item.id, item.id);

  // the cadre: from the menu to the record, every step with a note, then closed
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.getByRole('link', { name: '执行记录' }).click();
  await cp.waitForURL(/\/admin\/lists\/executions$/);
  await cp.locator(`[data-exec="${id}"]`).waitFor();
  await L.shot(cp, 'lists-console-executions');
  await L.axe(cp, 'console execution records');
  await cp.locator(`[data-exec="${id}"]`).click();
  await cp.waitForURL(new RegExp(`/admin/lists/executions/${id}$`));
  await cp.locator('[data-test=exec-detail]').filter({ hasText: got.code }).waitFor();
  await cp.locator('[data-test=exec-photos] img').first().waitFor();
  const ctoken = await s.as('cadre');
  // the villager's own first step (提交申请) was done by applying
  assert.ok(got.steps[0].role !== 'applicant' || got.steps[0].done_at, 'the applicant\'s step done by applying');
  const todo = got.steps.filter((x) => !x.done_at);
  assert.ok(todo.length >= 1, 'steps left for the cadre');
  for (const st of todo) {
    const form = cp.locator('[data-test=step-form]');
    await form.filter({ hasText: st.name }).waitFor();
    await form.locator('[data-test=step-note]').fill(`第${st.n}步：${st.name}，已办`);
    if (st === todo[0]) {
      await form.locator('[data-test=step-photos]').setInputFiles({ name: 'check.png', mimeType: 'image/png', buffer: L.makePng(200, 150, [20, 120, 40]) });
      await form.locator('.up__photo--done').waitFor();
      await L.shot(cp, 'lists-console-step-form');
      await L.axe(cp, 'console step form');
    }
    await form.locator('[data-test=step-submit]').click();
    await cp.locator(`[data-step="${st.n}"] [data-test=step-done]`).waitFor();
    await cp.locator(`[data-step="${st.n}"]`).filter({ hasText: `第${st.n}步：${st.name}，已办` }).waitFor();
    const now = await s.must('GET', `/api/v1/executions/${id}`, { token: ctoken });
    assert.ok(now.steps.find((x) => x.n === st.n).done_at, `step ${st.n} done on the server`);
  }
  await L.expectCount(cp.locator('[data-test=step-form]'), 0, 'no step left to do');
  const close = cp.locator('[data-test=close-form]');
  await close.waitFor();
  await close.locator('[data-test=close-outcome]').getByText('已办结').click();
  await close.locator('[data-test=close-text]').fill('证明已开具，请到村委会领取');
  await close.locator('[data-test=close-submit]').click();
  await cp.locator('[data-test=exec-outcome]').filter({ hasText: '已办结' }).waitFor();
  await L.expectCount(cp.locator('[data-test=close-form]'), 0, 'closed: no more buttons');
  await L.shot(cp, 'lists-console-execution', { fullPage: true });
  await L.axe(cp, 'console execution record');
  const closed = await s.must('GET', `/api/v1/executions/${id}`, { token: ctoken });
  assert.equal(closed.state, 'closed');
  assert.equal(closed.outcome, 'done');
  L.assertNoProblems(desk);
  await desk.close();

  // the villager sees it done, in the list and in the elderly mode
  await vp.goto(`/my-requests/${id}`);
  await vp.locator('[data-test=req-outcome]').filter({ hasText: '已办结' }).waitFor();
  await vp.locator('[data-test=req-outcome]').filter({ hasText: '请到村委会领取' }).waitFor();
  await L.shot(vp, 'lists-villager-done', { fullPage: true });
  await vp.goto('/my-requests');
  await vp.locator(`[data-exec="${id}"]`).filter({ hasText: '已办结' }).waitFor();
  await L.shot(vp, 'lists-villager-mine');
  await L.axe(vp, 'my requests');
  await vp.evaluate(() => localStorage.setItem('cz.elderly', '1'));
  await vp.goto(`/my-requests/${id}`);
  await vp.locator('[data-test=req-outcome]').waitFor();
  await noOverflow(vp, 360, 'the request in the elderly mode');
  await L.shot(vp, 'lists-villager-done-elderly', { fullPage: true });
  await vp.goto(`/lists/items/${item.id}`);
  await vp.locator('[data-test=item-flow]').waitFor();
  await noOverflow(vp, 360, 'the flowchart in the elderly mode');
  await L.shot(vp, 'lists-villager-flowchart-elderly', { fullPage: true });
  await vp.goto('/');
  await vp.locator('[data-test=big-lists]').waitFor();
  await noOverflow(vp, 360, 'the elderly home');
  await L.shot(vp, 'lists-villager-home-elderly', { fullPage: true });
  await vp.evaluate(() => localStorage.setItem('cz.elderly', '0'));

  // in English: the section's own texts follow (the data stays as entered)
  await vp.evaluate(() => localStorage.setItem('cz.locale', 'en-US'));
  await vp.goto('/lists');
  await vp.locator('.van-nav-bar__title', { hasText: /^Village lists$/ }).waitFor();
  await vp.locator('[data-test=list-kinds] [role=tab]', { hasText: 'Public services' }).waitFor();
  await vp.goto(`/my-requests/${id}`);
  await vp.locator('[data-test=req-outcome]').filter({ hasText: 'Completed' }).waitFor();
  const flowText = await vp.locator('[data-test=item-flow]').innerText();
  assert.match(flowText, /By: /);
  assert.match(flowText, /working days/);
  assert.ok(!/办理：|个工作日|已完成|开始|办结/.test(flowText), `the flowchart's own words in English: ${flowText}`);
  await L.shot(vp, 'lists-villager-done-en', { fullPage: true });
  await vp.evaluate(() => localStorage.setItem('cz.locale', 'zh-CN'));
  L.assertNoProblems(phone);
  await phone.close();
});

test('the public lists page on a 360 px phone: no login, the three lists as flowcharts, the disclosed outcomes', async () => {
  const ctx = await browser.newContext({ viewport: L.PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    baseURL: s.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  ctx.problems = [];
  ctx.on('page', (p) => p.on('pageerror', (e) => ctx.problems.push(`pageerror: ${e.message}`)));
  const page = await L.newPage(ctx);
  const pub = await s.must('GET', '/api/v1/public/villages/3/lists');
  await page.goto('/ql/3');
  await page.getByRole('heading', { name: '青山村' }).waitFor();
  await page.locator('[data-test=public-version]').waitFor();
  const svc = pub.items.find((i) => i.kind === 'service');
  await page.locator(`[data-item="${svc.id}"]`).click();
  await page.locator(`[data-item="${svc.id}"] [data-test=item-flow] [data-step]`).first().waitFor();
  await noOverflow(page, 360, 'the public lists');
  await L.shot(page, 'lists-public', { fullPage: true });
  await L.axe(page, 'public lists');
  await page.locator('[data-test=public-tabs] [role=tab]', { hasText: '村级事务' }).click();
  await page.getByText('负面清单').first().waitFor();
  await L.shot(page, 'lists-public-affairs', { fullPage: true });

  const outs = await s.must('GET', '/api/v1/public/villages/3/lists/outcomes?limit=5');
  await page.locator('[data-test=public-tabs] [role=tab]', { hasText: '结果公开' }).click();
  if (outs.total > 0) {
    await page.locator('[data-test=public-outcome]').filter({ hasText: outs.items[0].title }).waitFor();
    const withVotes = outs.items.find((o) => o.votes);
    if (withVotes) await page.locator('[data-test=public-outcome]').filter({ hasText: `赞成 ${withVotes.votes.for} 票` }).first().waitFor();
  } else {
    await page.getByText('还没有公开的结果').waitFor();
  }
  await noOverflow(page, 360, 'the public outcomes');
  await L.shot(page, 'lists-public-outcomes', { fullPage: true });
  await L.axe(page, 'public outcomes');
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

// fills an Element Plus input, whose data-test lands on the <input> or on its wrapper
async function fillEl(loc, value) {
  const tag = await loc.evaluate((e) => e.tagName);
  await (tag === 'INPUT' || tag === 'TEXTAREA' ? loc : loc.locator('input')).fill(value);
}

// the links of the console's 清单制 menu group a role sees
async function listMenu(page) {
  await page.locator('.layout__aside').waitFor();
  return page.locator('.layout__aside a[href^="/admin/lists/"]').allInnerTexts();
}

test('the console menu per role: the clerk has no lists, the county edits templates, the town has the overdue board', async () => {
  const expected = {
    clerk: [],
    cadre: ['本村清单', '执行记录', '清单统计', '清单公示牌'],
    county_admin: ['清单模板', '本村清单', '执行记录', '清单超期', '清单统计', '清单公示牌'],
    town_official: ['清单模板', '本村清单', '执行记录', '清单超期', '清单统计', '清单公示牌'],
    inspector: ['清单模板', '本村清单', '执行记录', '清单超期', '清单统计'],
    grid_worker: ['执行记录'],
  };
  for (const [role, links] of Object.entries(expected)) {
    const ctx = await L.newContext(browser, 'desktop', s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, L.PHONES[role]);
    assert.deepEqual(await listMenu(page), links, `${role}'s 清单制 menu`);
    if (role === 'clerk') assert.equal(await page.locator('.layout__aside').getByText('清单制').count(), 0);
    await ctx.close();
  }
});

test('the county templates, a new version adopted by the cadre, the board, the statistics with XLSX and the poster', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.county_admin);
  await page.getByRole('link', { name: '清单模板' }).click();
  await page.waitForURL(/\/admin\/lists\/templates$/);
  await page.locator('[data-test=tpl-table] .el-table__row').first().waitFor();
  await L.shot(page, 'lists-console-templates');
  await L.axe(page, 'templates');
  await page.locator('[data-test=tpl-table] [data-tpl]').first().click();
  await page.locator('[data-test=tpl-flow] [data-test=item-flow] [data-step]').first().waitFor();
  await L.shot(page, 'lists-console-template-flow');
  await page.keyboard.press('Escape');
  await page.locator('[data-test=tpl-flow]').waitFor({ state: 'hidden' });
  // a template edited: the dialog with its steps
  await page.locator('[data-test=tpl-table] [data-edit]').first().click();
  await page.locator('[data-test=tpl-dialog] [data-test=ed-step]').first().waitFor();
  await L.shot(page, 'lists-console-template-edit');
  await L.axe(page, 'template editor');
  await page.locator('[data-test=tpl-dialog]').getByRole('button', { name: '取消' }).click();
  await page.locator('[data-test=tpl-dialog]').waitFor({ state: 'hidden' });
  await page.locator('[data-test=tpl-kind]').getByText('村级事务清单').click();
  await page.locator('[data-test=tpl-table] .el-table__row', { hasText: '负面清单' }).first().waitFor();
  await L.shot(page, 'lists-console-templates-affairs');

  await page.getByRole('link', { name: '清单超期' }).click();
  await page.waitForURL(/\/admin\/lists\/board$/);
  await page.locator('[data-test=board-total]').waitFor();
  await L.shot(page, 'lists-console-board');
  await L.axe(page, 'overdue board');

  await page.getByRole('link', { name: '清单统计' }).click();
  await page.waitForURL(/\/admin\/lists\/stats$/);
  await page.locator('[data-test=stats-table] .el-table__row').first().waitFor();
  await L.shot(page, 'lists-console-stats');
  await L.axe(page, 'statistics');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=stats-xlsx]').click()]);
  const file = await dl.path();
  const head = require('node:fs').readFileSync(file).subarray(0, 2).toString('latin1');
  assert.equal(head, 'PK', 'the statistics as an XLSX (zip) file');
  L.assertNoProblems(desk);
  await desk.close();

  // the cadre adopts a new version at a meeting
  const cd = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(cd);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.getByRole('link', { name: '本村清单' }).click();
  await cp.waitForURL(/\/admin\/lists\/adopted$/);
  await cp.locator('[data-test=adopted-table] .el-table__row').first().waitFor();
  const ctoken = await s.as('cadre');
  const before = (await s.must('GET', '/api/v1/lists?village=3', { token: ctoken })).version;
  await L.shot(cp, 'lists-console-adopted', { fullPage: true });
  await L.axe(cp, 'adopted lists');
  await cp.locator('[data-test=adopt-open]').click();
  const dlg = cp.locator('[data-test=adopt-dialog]');
  await dlg.locator('[data-test=adopt-templates] .el-checkbox').first().waitFor();
  await fillEl(dlg.locator('[data-test=meeting-title]'), '村民代表会议审议通过清单调整');
  await fillEl(dlg.locator('[data-test=meeting-attendance]'), '36');
  await L.shot(cp, 'lists-console-adopt');
  await L.axe(cp, 'adopt dialog');
  await dlg.locator('[data-test=adopt-submit]').click();
  await dlg.waitFor({ state: 'hidden' });
  await cp.locator('[data-test=version]').filter({ hasText: `第${(before ? before.n : 0) + 1}版` }).waitFor();
  await cp.locator('[data-test=version]').filter({ hasText: '村民代表会议审议通过清单调整' }).waitFor();
  const after = (await s.must('GET', '/api/v1/lists?village=3', { token: ctoken })).version;
  assert.equal(after.n, (before ? before.n : 0) + 1);
  assert.equal(after.meeting.attendance, 36);
  assert.equal(after.nitems, before.nitems, 'the same items picked again');

  await cp.getByRole('link', { name: '清单公示牌' }).click();
  await cp.waitForURL(/\/admin\/lists\/poster$/);
  await cp.locator('[data-test=list-poster] [data-test=poster-qr] path').waitFor();
  await cp.locator('[data-test=list-poster]').filter({ hasText: '公共服务事项清单' }).waitFor();
  await L.shot(cp, 'lists-console-poster', { fullPage: true });
  await L.axe(cp, 'list poster');
  await cp.emulateMedia({ media: 'print' });
  await L.expectCount(cp.locator('.layout__aside:visible'), 0, 'the menu is not printed');
  await L.shot(cp, 'lists-console-poster-print', { fullPage: true });
  await cp.emulateMedia({ media: 'screen' });
  L.assertNoProblems(cd);
  await cd.close();
});

test('代办 by a grid worker, the negative list refused with its reason, a 四议两公开 decision with its votes', async () => {
  const cadre = await s.as('cadre');
  const lists = await s.must('GET', '/api/v1/lists?village=3', { token: cadre });
  const service = lists.items.find((i) => i.kind === 'service' && i.name.includes('家庭经济状况证明'))
    || lists.items.filter((i) => i.kind === 'service')[1];
  const negative = lists.items.find((i) => i.section === 'negative');
  const decision = lists.items.find((i) => i.kind === 'power' && i.name.includes('四议两公开'));
  assert.ok(service && negative && decision, 'a service, a negative-list item and the 四议两公开 decision');

  // a household of the grid worker's grid
  const gw = await s.as('grid_worker');
  const me = await s.must('GET', '/api/v1/session', { token: gw });
  const grid = me.grants.find((g) => g.role === 'grid_worker');
  const hh = (await s.must('GET', `/api/v1/households?unit_id=${grid.unit_id}&limit=5`, { token: gw })).items[0];
  assert.ok(hh, 'a household in the grid');

  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.grid_worker);
  await page.getByRole('link', { name: '执行记录' }).click();
  await page.waitForURL(/\/admin\/lists\/executions$/);
  await page.locator('[data-test=exec-start]').click();
  const dlg = page.locator('[data-test=start-dialog]');
  await dlg.waitFor();
  await page.locator('#start-item').click();
  await L.pickOption(page, service.name);
  // the title starts as the item's name
  await page.waitForFunction((name) => document.querySelector('input[data-test=start-title]')?.value === name, service.name);
  await page.locator('#start-household').click();
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/households?') && r.url().includes('q='));
  await page.keyboard.type(hh.head_name);
  await answered;
  await L.pickOption(page, `${hh.number} ${hh.head_name}`);
  await dlg.locator('[data-test=start-photos]').setInputFiles({ name: 'income.png', mimeType: 'image/png', buffer: L.makePng(200, 150, [160, 120, 20]) });
  await dlg.locator('.up__photo--done').waitFor();
  await L.shot(page, 'lists-console-proxy-start');
  await L.axe(page, 'start dialog');
  await dlg.locator('[data-test=start-submit]').click();
  await page.waitForURL(/\/admin\/lists\/executions\/\d+$/);
  const pid = Number(/executions\/(\d+)/.exec(page.url())[1]);
  await page.locator('[data-test=exec-detail]').filter({ hasText: '网格员代办' }).waitFor();
  // the next step is the village's: the grid worker only reads
  await page.locator('[data-test=exec-waiting]').waitFor();
  await L.expectCount(page.locator('[data-test=step-form]'), 0, 'no step form for the grid worker');
  const proxied = await s.must('GET', `/api/v1/executions/${pid}`, { token: cadre });
  assert.equal(proxied.via, 'proxy');
  assert.equal(proxied.applicant.household_id, hh.id);
  assert.equal(proxied.photos.length, 1);
  await L.shot(page, 'lists-console-proxy-record');
  L.assertNoProblems(desk);
  await desk.close();

  // the cadre: a negative-list task is refused with the reason
  const cd = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(cd);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.goto('/admin/lists/executions');
  await cp.locator('[data-test=exec-start]').click();
  const cdlg = cp.locator('[data-test=start-dialog]');
  await cdlg.waitFor();
  await cp.locator('#start-item').click();
  await L.pickOption(cp, negative.name);
  await cdlg.getByText('这是负面清单事项').waitFor();
  await cdlg.locator('[data-test=start-submit]').click();
  await cdlg.locator('[data-test=start-error]').filter({ hasText: '负面清单' }).waitFor();
  await L.shot(cp, 'lists-console-negative-refused');
  await cdlg.getByRole('button', { name: '取消' }).click();

  // a 四议两公开 decision: the first steps recorded, the vote step in the console with its counts
  const rec = await s.must('POST', '/api/v1/executions', { token: cadre, body: { item_id: decision.id, title: '村道硬化项目实施决策', photos: [] } }, 201);
  const vote = rec.steps.findIndex((x) => /(决议|表决|决策)$/.test(x.name));
  assert.ok(vote > 0, 'a vote step after the first');
  for (const st of rec.steps.slice(0, vote)) {
    await s.must('POST', `/api/v1/executions/${rec.id}/steps/${st.n}`, { token: cadre, body: { note: `${st.name}已完成`, photos: [] } });
  }
  await cp.goto(`/admin/lists/executions/${rec.id}`);
  const form = cp.locator('[data-test=step-form]');
  await form.filter({ hasText: rec.steps[vote].name }).waitFor();
  await form.locator('[data-test=step-votes]').waitFor();
  await fillEl(form.locator('[data-test=vote-for]'), '41');
  await cp.keyboard.press('Tab');
  await form.locator('[data-test=step-note]').fill('应到 45 人，实到 43 人，赞成 41 票，反对 1 票，弃权 1 票');
  const numbers = form.locator('[data-test=step-votes] input');
  await numbers.nth(1).fill('1');
  await cp.keyboard.press('Tab');
  await numbers.nth(2).fill('1');
  await cp.keyboard.press('Tab');
  await L.shot(cp, 'lists-console-vote-step');
  await L.axe(cp, 'vote step');
  await form.locator('[data-test=step-submit]').click();
  await cp.locator('[data-test=exec-votes]').filter({ hasText: '赞成 41 票，反对 1 票，弃权 1 票' }).waitFor();
  const voted = await s.must('GET', `/api/v1/executions/${rec.id}`, { token: cadre });
  assert.deepEqual(voted.votes, { for: 41, against: 1, abstain: 1 });
  L.assertNoProblems(cd);
  await cd.close();
});
