// Chinese everywhere, and what goes with it: the audit log in Chinese (object types,
// actions, the changed fields with their names); ID numbers masked on 农户详情 with a
// click-to-reveal for the roles allowed (each reveal audited); the ledger chain head
// behind a collapsed 防篡改校验; the village's public page without login at 360×740 and
// its A4 poster with the QR code, offered to the cadre from 公示 instead of an API
// address. No Latin word on any page: checked on the walk through every page of every
// login (layout.test.js for the console, walk.test.js for the villager app).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;
let village;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  const cadre = await s.as('cadre');
  village = (await s.must('GET', '/api/v1/session', { token: cadre })).grants.find((g) => g.role === 'cadre').unit_id;
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

test('the audit log speaks Chinese: object types, actions, the changed fields by name', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, L.PHONES.inspector);
  await page.goto('/admin/audit');
  await L.ready(page);
  const table = page.locator('[data-test=audit-table]');
  await table.locator('.el-table__row').first().waitFor();
  const rows = await table.locator('.el-table__body-wrapper .el-table__row').allInnerTexts();
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  for (const r of rows) assert.doesNotMatch(r, /[A-Za-z]{3,}|#\d/, `a row in Chinese: ${r}`);
  // the first row opened: its changes field by field, with Chinese names
  await table.locator('.el-table__expand-icon').first().click();
  const changes = page.locator('[data-test=audit-changes]').first();
  await changes.waitFor();
  const heads = await changes.locator('tbody td:first-child').allInnerTexts();
  assert.ok(heads.length >= 1);
  for (const h of heads) assert.match(h, /^[\u4e00-\u9fff（）]+$/, `a field name in Chinese: ${h}`);
  assert.deepEqual(await L.latinWords(page), []);
  await L.shot(page, 'chinese-audit-log');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('农户详情: ID numbers masked; the cadre reveals one (audited), the grid worker cannot', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.goto('/admin/households/2');
  await L.ready(page);
  const ids = page.locator('[data-test=members-table] [data-test=idcard]');
  await ids.first().waitFor();
  for (const text of await ids.allInnerTexts()) assert.match(text, /^\d{4}\*{13}[\dX]$/, `masked: ${text}`);
  const hh = await s.must('GET', '/api/v1/households/2', { token: await s.as('cadre') });
  const first = hh.members[0];
  const before = (await s.must('GET', `/api/v1/audit?unit_id=${village}&object_type=resident&object_id=${first.id}&limit=100`, { token: await s.as('county_admin') })).items.filter((e) => e.action === 'reveal_idcard').length;
  await page.locator('[data-test=reveal-idcard]').first().click();
  await page.waitForFunction(() => /^\d{17}[\dX]$/.test(document.querySelector('[data-test=members-table] [data-test=idcard]').textContent.trim()));
  await L.shot(page, 'chinese-idcard-revealed');
  const audit = (await s.must('GET', `/api/v1/audit?unit_id=${village}&object_type=resident&object_id=${first.id}&limit=100`, { token: await s.as('county_admin') })).items.filter((e) => e.action === 'reveal_idcard');
  assert.equal(audit.length, before + 1, 'the reveal is in the audit log');
  // hidden again with one more click, without a request
  await page.locator('[data-test=reveal-idcard]').first().click();
  await page.waitForFunction(() => /\*{13}/.test(document.querySelector('[data-test=members-table] [data-test=idcard]').textContent));
  L.assertNoProblems(ctx);
  await ctx.close();

  // the grid worker reads the household, masked, with nothing to reveal
  const gctx = await L.newContext(browser, 'desktop', s.url);
  const gpage = await L.newPage(gctx);
  await L.adminLogin(gpage, L.PHONES.grid_worker);
  const mine = (await s.must('GET', '/api/v1/households?limit=1', { token: await s.as('grid_worker') })).items[0];
  await gpage.goto(`/admin/households/${mine.id}`);
  await L.ready(gpage);
  await gpage.locator('[data-test=members-table] [data-test=idcard]').first().waitFor();
  await L.expectCount(gpage.locator('[data-test=reveal-idcard]'), 0, 'no reveal for the grid worker');
  await gctx.close();
});

test('the cadre is offered the public page as a QR code and a poster; the chain head is explained, collapsed', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.goto('/admin/publicity');
  await L.ready(page);
  const card = page.locator('[data-test=public-page]');
  await card.waitFor();
  assert.doesNotMatch(await page.locator('main, .el-main').first().innerText(), /\/api\/v1/, 'no API address shown');
  await page.waitForFunction(() => { const i = document.querySelector('[data-test=public-page-qr]'); return i && i.complete && i.naturalWidth > 0; });
  assert.equal(await card.locator('[data-test=public-page-open]').getAttribute('href'), `/v/${village}`);
  assert.equal(await card.locator('[data-test=public-page-poster]').getAttribute('href'), `/v/${village}/poster`);
  const chain = page.locator('[data-test=chain-check]');
  assert.equal(await chain.evaluate((d) => d.open), false, 'collapsed by default');
  assert.equal(await chain.locator('[data-test=chain-head]').isVisible(), false);
  await chain.locator('summary').click();
  await chain.locator('[data-test=chain-head]').waitFor();
  assert.match(await chain.locator('[data-test=chain-head]').innerText(), /^[0-9a-f]{64}$/);
  await L.shot(page, 'chinese-publicity-public-page');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the village public page without login at 360×740, and its A4 poster', async () => {
  // two households' points in 公示: shown with masked names only
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre })).items;
  const labour = rules.find((r) => r.name === '参加志愿劳动');
  const day = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: labour.id, household_ids: [1, 2], occurred_on: day, note: '村道除草' } }, 201);
  const heads = [];
  for (const id of [1, 2]) heads.push((await s.must('GET', `/api/v1/households/${id}`, { token: cadre })).head_name);
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await page.goto(`/v/${village}`);
  await L.ready(page);
  await page.locator('[data-test=village-page] h1', { hasText: '青山村' }).waitFor();
  for (const part of ['portal-publicity', 'portal-ranking', 'portal-rules', 'portal-notices']) await page.locator(`[data-test=${part}]`).waitFor();
  await L.expectCount(page.locator('[data-test=portal-publicity-item]'), 2, 'the two awards in 公示');
  const body = await page.locator('body').innerText();
  for (const name of heads) assert.ok(!body.includes(name), `${name} only masked`);
  assert.match(await page.locator('[data-test=portal-publicity-item]').first().innerText(), /\*/);
  const home = await s.must('GET', `/api/v1/public/villages/${village}`);
  // the rules by category, each group opening to its rules with points
  await page.locator('[data-test=portal-rules] .van-collapse-item__title').first().click();
  await page.locator('.portal-rule').first().waitFor();
  const shown = await page.locator('.portal-rule').first().innerText();
  assert.ok(home.rules.some((r) => shown.includes(r.name)), shown);
  // the links to the village's other public pages
  for (const [k, href] of [['open', `/p/${village}/open`], ['chronicle', `/p/${village}/open?tab=chronicle`], ['lists', `/ql/${village}`], ['party', `/p/${village}/party`]])
    assert.equal(await page.locator(`[data-test=link-${k}]`).getAttribute('href'), href, k);
  // no horizontal overflow, nothing Latin, the chain head collapsed
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow');
  assert.deepEqual(await L.latinWords(page), []);
  const chain = page.locator('[data-test=chain-check]');
  if (await chain.count()) assert.equal(await chain.first().evaluate((d) => d.open), false);
  await L.shot(page, 'chinese-village-page');
  await L.shot(page, 'chinese-village-page-full', { fullPage: true });
  await L.axe(page, 'village public page');
  // a public page opened from another page of the site stays public (no login asked)
  await page.locator('[data-test=link-lists]').click();
  await page.waitForURL(`**/ql/${village}`);

  await page.goto(`/v/${village}/poster`);
  await L.ready(page);
  await page.locator('[data-test=poster] h1', { hasText: '青山村' }).waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('[data-test=poster-qr]'); return i && i.complete && i.naturalWidth > 0; });
  assert.match(await page.locator('[data-test=poster]').innerText(), new RegExp(`/v/${village}`));
  await L.shot(page, 'chinese-village-poster');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('[data-test=poster-print]').isVisible(), false, 'the buttons are not printed');
  L.assertNoProblems(ctx);
  await ctx.close();
});
