// 代为申报 in the console: the village's grid worker finds a household by the head's
// name, picks a member and a rule that needs a photo (the cadre-only rules are not
// offered), is told by the server at the photo field that a photo is needed, adds
// photos (and removes one), submits, and sees the claim pending in the list below;
// the assessor finds it in the review queue and rejects it with a reason, which the
// grid worker then reads in the list. A grid worker granted on one grid finds the
// households of that grid and no others. Other roles have no menu entry.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const GRID_WORKER_EAST = '13900000009';   // 赵磊, on 东片网格 only
const TABLET = { width: 820, height: 1180 };
const LAPTOP = { width: 1280, height: 800 };

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

const visibleOptions = (page) => page.locator('.el-select-dropdown:visible .el-select-dropdown__item');

// Types into a remote household search and waits for the answer.
async function searchHousehold(page, text) {
  const box = page.locator('#proxy-household');
  await box.click();
  await page.keyboard.press('Control+A');
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/households?') && r.url().includes('q='));
  await page.keyboard.type(text);
  await answered;
  await page.locator('.el-select-dropdown:visible .is-loading').waitFor({ state: 'detached' }).catch(() => {});
}

test('a grid worker claims for a household with a photo; the assessor reviews it; the worker reads the reason', async () => {
  const cadre = await s.as('cadre');
  // a household of the village with at least two members, none of them on staff
  const page1 = (await s.must('GET', '/api/v1/households?unit_id=3&limit=40&offset=20', { token: cadre })).items;
  let hh = null;
  for (const h of page1) {
    if (h.residents >= 2) { hh = await s.must('GET', `/api/v1/households/${h.id}`, { token: cadre }); break; }
  }
  assert.ok(hh, 'a household with two members');
  const member = hh.members[hh.members.length - 1];
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const fire = rules.find((r) => r.name === '参加森林防火值守');
  assert.ok(fire.photo_required && fire.claim_by === 'grid');

  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.grid_worker);
  const link = page.getByRole('navigation').getByRole('link', { name: '代为申报' });
  await link.click();
  await page.waitForURL(/\/admin\/proxy-claim$/);
  await page.getByRole('heading', { name: '代为申报 · 青山村的农户' }).waitFor();
  await page.locator('[data-test=proxy-mine]').getByText('还没有代为申报的记录').waitFor();

  // the household by its head's name
  await searchHousehold(page, hh.head_name);
  await L.pickOption(page, `${hh.number} ${hh.head_name}`);
  await page.locator('[data-test=proxy-household-info]').getByText(hh.address, { exact: false }).waitFor();
  const members = page.locator('[data-test=proxy-members]');
  await members.waitFor();
  await L.expectCount(members.getByRole('radio'), hh.members.length);
  await members.locator('.el-radio', { hasText: member.name }).click();

  // the rules: grouped by category, photo marked, no cadre-only rules
  await page.locator('#proxy-rule').click();
  const dropdown = page.locator('.el-select-dropdown:visible');
  await dropdown.locator('.el-select-group__title', { hasText: '平安建设' }).waitFor();
  const offered = await visibleOptions(page).allInnerTexts();
  assert.ok(offered.some((x) => /参加森林防火值守[\s\S]*需照片[\s\S]*\+5/.test(x)), 'the rule with its photo mark and points');
  assert.ok(offered.some((x) => x.includes('参加志愿劳动')), 'self-report rules are offered');
  for (const r of rules.filter((x) => x.claim_by === 'cadre')) {
    assert.ok(!offered.some((x) => x.includes(r.name)), `cadre-only rule ${r.name} is not offered`);
  }
  // picked with the keyboard: filter, move, Enter
  await page.keyboard.type('森林防火');
  await visibleOptions(page).filter({ hasText: '参加森林防火值守' }).waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('[data-test=proxy-rule-info]').getByText('需照片').waitFor();
  assert.match(await page.locator('[data-test=proxy-rule-info]').innerText(), /平安建设 · \+5 分 · 需照片 · 每月最多 4 次/);
  await page.locator('#proxy-description').fill('11 月 20 日晚在后山路口值守森林防火，网格员现场核实');

  // without the photo the server refuses, and says so at the photo field
  await page.locator('[data-test=proxy-submit]').click();
  const photoItem = page.locator('.el-form-item.is-error', { has: page.locator('[data-test=proxy-photos]') });
  await photoItem.getByText('该事项需要上传照片作为证明').waitFor();
  await L.expectCount(page.locator('.el-form-item.is-error'), 1, 'only the photo field is in error');
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.test), 'proxy-add-photo',
    'the keyboard is put on the field in error');
  assert.equal((await s.must('GET', `/api/v1/claims?household_id=${hh.id}`, { token: cadre })).total, 0);
  await L.shot(page, 'admin-proxy-claim-photo-error');

  // two photos uploaded as they are added, one removed again
  await page.locator('[data-test=proxy-file]').setInputFiles([
    { name: 'watch.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [20, 120, 60]) },
    { name: 'other.png', mimeType: 'image/png', buffer: L.makePng(200, 200, [40, 60, 160]) },
  ]);
  const thumbs = page.locator('[data-test=proxy-photo]');
  await thumbs.nth(1).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-test=proxy-photo].thumb--done').length === 2);
  await page.getByRole('button', { name: '删除照片 2' }).click();
  await L.expectCount(thumbs, 1);
  await page.getByText('照片（1/9）').waitFor();
  await L.expectCount(page.locator('.el-form-item.is-error'), 0, 'the photo error is gone once a photo is there');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=proxy-photo] img')].every((i) => i.complete && i.naturalWidth > 0));
  await L.shot(page, 'admin-proxy-claim-filled');
  await L.axe(page, 'proxy claim form');

  await page.locator('[data-test=proxy-submit]').click();
  await page.getByText(`已为 ${hh.number} 户${member.name}申报“参加森林防火值守”，等待审核`).waitFor();
  const row = page.locator('[data-test=proxy-mine] .el-table__row', { hasText: '参加森林防火值守' });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`${hh.number}[\\s\\S]*${member.name}[\\s\\S]*参加森林防火值守[\\s\\S]*\\+5[\\s\\S]*待审核`));
  // the form is ready for the next item of the same household
  await L.expectCount(thumbs, 0);
  assert.equal(await page.locator('#proxy-description').inputValue(), '');
  await page.locator('[data-test=proxy-household-info]').waitFor();

  const claims = (await s.must('GET', `/api/v1/claims?household_id=${hh.id}`, { token: cadre })).items;
  assert.equal(claims.length, 1);
  assert.equal(claims[0].resident_id, member.id);
  assert.equal(claims[0].rule_id, fire.id);
  assert.equal(claims[0].photos, 1);
  assert.equal(claims[0].author_name, '刘强');
  assert.equal(claims[0].status, 'pending');
  await page.locator('.el-message').waitFor({ state: 'detached' }).catch(() => {});
  await L.shot(page, 'admin-proxy-claim-submitted');
  await L.axe(page, 'proxy claim list');

  // on a 1280 px laptop nothing runs off to the side
  await page.setViewportSize(LAPTOP);
  await page.reload();
  await row.waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 1280 px (${overflow} px)`);
  await L.shot(page, 'admin-proxy-claim-1280', { fullPage: true });

  // the assessor has no such menu entry, and finds the claim in the review queue
  const adesk = await L.newContext(browser, 'desktop', s.url);
  const ap = await L.newPage(adesk);
  await L.adminLogin(ap, L.PHONES.assessor);
  await ap.getByRole('navigation').getByRole('link', { name: '申报审核' }).waitFor();
  await L.expectCount(ap.getByRole('navigation').getByRole('link', { name: '代为申报' }), 0);
  await ap.goto('/admin/review');
  const queued = ap.locator('[data-test=review-queue] .el-table__row', { hasText: '参加森林防火值守' });
  await queued.waitFor();
  await queued.click();
  const detail = ap.locator('[data-test=review-detail]');
  await detail.getByText('参加森林防火值守').first().waitFor();
  assert.match(await detail.innerText(), /刘强[\s\S]*后山路口值守森林防火/);
  await detail.locator('[data-test=photo-viewer] img').first().waitFor();
  await L.shot(ap, 'admin-proxy-claim-review');
  // rejected with a reason, from the keyboard
  await ap.locator('body').click({ position: { x: 5, y: 5 } }).catch(() => {});
  await ap.keyboard.press('r');
  await ap.locator('#reject-reason').fill('照片看不出是在值守，请补充值守登记表的照片');
  await ap.keyboard.press('Enter');
  await ap.getByText('已驳回：参加森林防火值守').waitFor();
  L.assertNoProblems(adesk);
  await adesk.close();

  // the grid worker reads the reason in the list
  await page.getByRole('button', { name: '刷新' }).click();
  const rejected = page.locator('[data-test=proxy-mine] .el-table__row', { hasText: '已驳回' });
  await rejected.waitFor();
  assert.match(await rejected.innerText(), /照片看不出是在值守，请补充值守登记表的照片[\s\S]*张秀兰/);
  await L.shot(page, 'admin-proxy-claim-rejected', { fullPage: true });

  L.assertNoProblems(desk);
  await desk.close();
});

test('a grid worker on one grid finds only the households of that grid', async () => {
  const cadre = await s.as('cadre');
  const units = (await s.must('GET', '/api/v1/units?parent_id=3', { token: cadre })).items;
  const east = units.find((u) => u.name === '东片网格');
  assert.ok(east, 'the demo grid 东片网格');
  const village = (await s.must('GET', '/api/v1/households?unit_id=3&limit=200', { token: cadre })).items;
  const inside = village.find((h) => h.grid_id === east.id);
  const outside = village.find((h) => h.grid_id && h.grid_id !== east.id);
  assert.ok(inside && outside, 'households inside and outside the grid');

  const tab = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(tab);
  await page.setViewportSize(TABLET);
  await L.adminLogin(page, GRID_WORKER_EAST);
  await page.goto('/admin/proxy-claim');
  await page.getByRole('heading', { name: '代为申报 · 青山村东片网格的农户' }).waitFor();

  // outside the grid: by number and by the head's name, nothing
  await searchHousehold(page, outside.number);
  await page.locator('.el-select-dropdown:visible').getByText('没有找到这户').waitFor();
  await L.expectCount(visibleOptions(page), 0);
  await searchHousehold(page, outside.head_name);
  await page.locator('.el-select-dropdown:visible').getByText('没有找到这户').waitFor();
  await L.shot(page, 'admin-proxy-claim-grid-outside');

  // inside the grid: found, and the form works at tablet width
  await searchHousehold(page, inside.number);
  await L.pickOption(page, `${inside.number} ${inside.head_name}`);
  await page.locator('[data-test=proxy-members] .el-radio').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a tablet (${overflow} px)`);
  await L.shot(page, 'admin-proxy-claim-tablet', { fullPage: true });
  await L.axe(page, 'proxy claim on a tablet');

  // the server agrees: a claim for the household outside is refused
  const zhao = await s.login(GRID_WORKER_EAST);
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: zhao })).items;
  const rule = rules.find((r) => r.name === '参加村民大会');
  const full = await s.must('GET', `/api/v1/households/${outside.id}`, { token: cadre });
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const r = await s.api('POST', '/api/v1/claims', { token: zhao, body: {
    household_id: outside.id, resident_id: full.members[0].id, rule_id: rule.id, occurred_on: today } });
  assert.ok(r.status === 403 || r.status === 404, `refused (${r.status})`);

  L.assertNoProblems(tab);
  await tab.close();
});
