// Gaps of the admin console closed: the registered share 入住率 on the overview (a gauge
// and bars per village or group, the exact figures after accounts are activated), the
// low-stock list there for the shop clerk (whose overview leaves out what they may not
// read); org units created and renamed level by level (county → town → village →
// group) with the server's field errors at their fields; a clerk without the register
// finding a household by number or name to issue a card; and the counter's receipt on
// 58 mm roll paper, remembered on the computer, checked in print media (screenshot) and
// as a PDF whose page is 58 mm wide. Every page gets a screenshot and an axe check.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

async function activate(residentId, phone, password) {
  const cadre = await s.as('cadre');
  const code = await s.must('POST', `/api/v1/residents/${residentId}/activation`, { token: cadre, body: {} }, 201);
  await s.must('POST', '/api/v1/activation', { body: { phone, code: code.code, password } }, 201);
}

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  // two more households with an activated account: 3 of 300 registered
  const cadre = await s.as('cadre');
  let n = 0;
  for (let id = 2; id <= 40 && n < 2; id++) {
    const h = await s.must('GET', `/api/v1/households/${id}`, { token: cadre });
    const m = h.members.find((x) => /^1\d{10}$/.test(x.phone || '') && x.user_id === null);
    if (!m) continue;
    await activate(m.id, m.phone, `Village-pass-${id}`);
    n++;
  }
  assert.equal(n, 2);
  // points for the demo villager's household, to redeem at the counter
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const brave = rules.find((r) => r.name === '见义勇为');
  for (let i = 0; i < 3; i++) {
    await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: brave.id, household_ids: [1], occurred_on: today(), note: `救人 ${i + 1}` } }, 201);
  }
  await s.advance(3 * 86400 + 1);
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

test('the overview shows the registered share: a gauge, bars per group, the exact figures', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.cadre);
  const tile = page.locator('[data-test=stat-register]');
  await tile.locator('.stat__value').filter({ hasText: /^1%$/ }).waitFor();
  assert.match(await tile.innerText(), /入住率（3\/300 户）/);
  const panel = page.locator('[data-test=register-panel]');
  await panel.locator('canvas').nth(1).waitFor();   // the gauge and the bars per group
  assert.match(await panel.locator('[data-test=register-detail]').innerText(), /300 户中 3 户已激活账号，共 3 个村民账号/);
  assert.match(await panel.innerText(), /各村民小组入住率/);
  // the figures, for screen readers, agree with the API
  const api = await s.must('GET', '/api/v1/stats/register?unit_id=3', { token: await s.as('cadre') });
  const rows = await panel.locator('[data-test=register-table] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent.trim()).join(' ')));
  assert.equal(rows.length, 1 + api.units.length);
  assert.equal(rows[0], '青山村 300 3 1');
  for (const [i, u] of api.units.entries()) {
    assert.equal(rows[i + 1], `${u.name} ${u.households} ${u.registered} ${Math.round(u.share * 1000) / 10}`);
  }
  await L.quiet(page);
  await L.shot(page, 'console-overview-register', { fullPage: true });
  await L.axe(page, 'overview with the registered share');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the clerk\'s overview: no register parts, the low-stock goods listed', async () => {
  const clerk = await s.as('clerk');
  const goods = (await s.must('GET', '/api/v1/shops/1/goods', { token: clerk })).items;
  const soap = goods.find((g) => g.name === '肥皂');
  await s.must('POST', `/api/v1/goods/${soap.id}/adjustments`, { token: clerk, body: { kind: 'count', quantity: -(soap.stock - 1), reason: '盘点少了' } }, 201);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.clerk);
  // the clerk starts at the counter; the overview is one click away
  await page.waitForURL(/\/admin\/shop\/counter$/);
  await page.locator('.layout__aside').getByRole('link', { name: '概览' }).click();
  await page.locator('[data-test=stat-low-stock] .stat__value').filter({ hasText: /^[1-9]\d*$/ }).waitFor();
  const table = page.locator('[data-test=low-stock-table]');
  const row = table.locator('.el-table__row', { hasText: '肥皂' });
  await row.waitFor();
  assert.match(await row.innerText(), /肥皂[\s\S]*1 块/);
  await page.locator('[data-test=low-stock-panel] canvas').waitFor();
  await L.quiet(page);
  // what a clerk may not read is left out, not shown as an error
  await L.expectCount(page.locator('[data-test=stat-households]'), 0);
  await L.expectCount(page.locator('[data-test=register-panel]'), 0);
  await L.expectCount(page.locator('.el-alert--error'), 0);
  await L.expectCount(page.getByText('无权查看'), 0);
  await L.shot(page, 'console-overview-clerk');
  await L.axe(page, 'clerk overview');
  L.assertNoProblems(desk);
  await desk.close();
});

test('org units level by level: the county administrator adds and renames a village', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.county_admin);
  await page.goto('/admin/units');
  const level = (i) => page.locator(`[data-test=units-level-${i}]`);
  const pick = (i, name) => level(i).locator('.unit__pick', { hasText: name }).click();
  await level(1).locator('.unit__pick', { hasText: '河口镇' }).waitFor();
  await pick(1, '河口镇');
  await level(2).locator('.unit__pick', { hasText: '青山村' }).waitFor();
  await pick(2, '青山村');
  await level(3).locator('.unit__pick', { hasText: '第一组' }).waitFor();
  assert.match(await level(2).innerText(), /青山村\s+村\s+DEMO-T1-V01\s+· 300 户/);
  await L.quiet(page);
  await L.shot(page, 'console-units');
  await L.axe(page, 'units');

  // a new village under the town: the server's errors at their fields
  await page.locator('[data-test=units-create-2]').click();
  const dlg = page.getByRole('dialog', { name: '在「河口镇」下新建村' });
  await dlg.waitFor();
  assert.equal(await page.locator('#unit-code').inputValue(), 'DEMO-T1-V02');   // suggested
  await page.fill('#unit-code', '');
  await page.locator('[data-test=unit-save]').click();
  await dlg.locator('.el-form-item__error').nth(1).waitFor();
  const errs = await dlg.locator('.el-form-item__error').allInnerTexts();
  assert.deepEqual(errs, ['不能为空', '不能为空']);
  await L.shot(page, 'console-units-errors');
  await page.fill('#unit-code', 'DEMO-T1-V01');
  await page.fill('#unit-name', '绿水村');
  await page.locator('[data-test=unit-save]').click();
  await dlg.locator('.el-form-item__error', { hasText: '编码已被使用' }).waitFor();
  await page.fill('#unit-code', 'bad code!');
  await page.locator('[data-test=unit-save]').click();
  await dlg.locator('.el-form-item__error', { hasText: '编码只能含字母、数字、- 和 _' }).waitFor();
  await L.axe(page, 'new unit dialog with errors');
  await page.fill('#unit-code', 'DEMO-T1-V02');
  await page.locator('[data-test=unit-save]').click();
  await dlg.waitFor({ state: 'hidden' });
  await level(2).locator('.unit__pick', { hasText: '绿水村' }).waitFor();

  // renamed
  const row = level(2).locator('[data-test=unit-row]', { hasText: '绿水村' });
  await row.getByRole('button', { name: '重命名「绿水村」' }).click();
  const ren = page.getByRole('dialog', { name: '重命名「绿水村」' });
  await ren.waitFor();
  await page.fill('#unit-name', '');
  await page.locator('[data-test=unit-save]').click();
  await ren.locator('.el-form-item__error', { hasText: '不能为空' }).waitFor();
  await page.fill('#unit-name', '绿水湾村');
  await L.shot(page, 'console-units-rename');
  await page.locator('[data-test=unit-save]').click();
  await ren.waitFor({ state: 'hidden' });
  await level(2).locator('.unit__pick', { hasText: '绿水湾村' }).waitFor();
  const admin = await s.as('county_admin');
  const villages = (await s.must('GET', '/api/v1/units?parent_id=2', { token: admin })).items;
  assert.deepEqual(villages.map((v) => [v.code, v.name]), [['DEMO-T1-V01', '青山村'], ['DEMO-T1-V02', '绿水湾村']]);
  // the new village has no groups yet; the overview of the county draws both villages
  await pick(2, '绿水湾村');
  await level(3).getByText('还没有下级单位').waitFor();
  await page.goto('/admin/');
  const panel = page.locator('[data-test=register-panel]');
  await panel.getByText('各村入住率').waitFor();
  const last = await panel.locator('[data-test=register-table] tbody tr').last().evaluate((tr) => [...tr.children].map((c) => c.textContent.trim()));
  assert.deepEqual(last, ['绿水湾村', '0', '0', '0']);
  await L.quiet(page);
  await L.shot(page, 'console-overview-county-register', { fullPage: true });
  L.assertNoProblems(desk);
  await desk.close();
});

test('a village cadre adds and renames the groups of the village', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.goto('/admin/units');
  const level = (i) => page.locator(`[data-test=units-level-${i}]`);
  await level(0).locator('.unit__pick', { hasText: '青山村' }).waitFor();
  await level(1).locator('.unit__pick', { hasText: '第一组' }).waitFor();
  // every unit the server lists under the village is shown (groups, and grids if any)
  const cadre = await s.as('cadre');
  const below = (await s.must('GET', '/api/v1/units?parent_id=3', { token: cadre })).items;
  await L.expectCount(level(1).locator('[data-test=unit-row]'), below.length);
  const groups = Math.max(...below.filter((u) => /^DEMO-T1-V01-G\d+$/.test(u.code)).map((u) => Number(u.code.split('-G')[1])));
  await L.expectCount(page.locator('[data-test=units-create-0]'), 0, 'no new village for a cadre');
  await page.locator('[data-test=units-create-1]').click();
  const dlg = page.getByRole('dialog', { name: '在「青山村」下新建村民小组' });
  await dlg.waitFor();
  assert.equal(await page.locator('#unit-code').inputValue(), `DEMO-T1-V01-G${groups + 1}`);
  await page.fill('#unit-name', '新村组');
  await page.locator('[data-test=unit-save]').click();
  await dlg.waitFor({ state: 'hidden' });
  const row = level(1).locator('[data-test=unit-row]', { hasText: '新村组' });
  await row.waitFor();
  await row.getByRole('button', { name: '重命名「新村组」' }).click();
  await page.fill('#unit-name', '第九组');
  await page.locator('[data-test=unit-save]').click();
  await level(1).locator('.unit__pick', { hasText: '第九组' }).waitFor();
  const list = (await s.must('GET', '/api/v1/units?parent_id=3', { token: cadre })).items;
  assert.ok(list.some((u) => u.kind === 'group' && u.name === '第九组' && u.code === `DEMO-T1-V01-G${groups + 1}`));
  await L.quiet(page);
  await L.shot(page, 'console-units-cadre');
  await L.axe(page, 'units of a cadre');
  L.assertNoProblems(desk);
  await desk.close();
});

test('a clerk without the register finds a household by number or name and sees its cards; only a cadre issues one', async () => {
  const cadre = await s.as('cadre');
  const h3 = await s.must('GET', '/api/v1/households/3', { token: cadre });
  const masked = [...h3.head_name].length === 2 ? `${h3.head_name[0]}*` : `${[...h3.head_name][0]}${'*'.repeat([...h3.head_name].length - 2)}${[...h3.head_name].pop()}`;
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.clerk);
  await page.goto('/admin/shop/cards');
  await page.locator('[data-test=cards-shop-search]').waitFor();
  await page.locator('[data-test=card-household]').click();
  await page.keyboard.type('0003');
  const opt = page.locator('.el-select-dropdown__item:visible', { hasText: '0003' }).first();
  await opt.waitFor();
  assert.match(await opt.innerText(), new RegExp(`0003 ${masked.replace(/\*/g, '\\*')}\\s+青山村`));
  await L.shot(page, 'console-cards-clerk-search');
  // by the head's name: the full name is typed, only the masked one is shown
  await page.locator('.panel h2').first().click();
  await page.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' });
  await L.axe(page, 'cards, clerk search');
  await page.locator('[data-test=card-household]').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(h3.head_name);
  const byName = page.locator('.el-select-dropdown__item:visible', { hasText: '0003' }).first();
  await byName.waitFor();
  assert.ok(!(await page.locator('.el-select-dropdown:visible').innerText()).includes(h3.head_name), 'the name is masked');
  await byName.click();
  const panel = page.locator('[data-test=cards-panel]');
  await panel.waitFor();
  assert.match(await panel.locator('h2').innerText(), new RegExp(`户号 0003 ${masked.replace(/\*/g, '\\*')}`));
  // a card spends the household's points: the clerk is told to ask a cadre, and has no form
  await panel.locator('[data-test=cards-cadre-only]').waitFor();
  await L.expectCount(panel.locator('[data-test=card-issue]'), 0);
  // the cadre issues it; the clerk sees it and can print it
  await s.must('POST', '/api/v1/households/3/cards', { token: cadre, body: { pin: '8642' } }, 201);
  await page.goto(`/admin/shop/cards?household=${h3.id}&no=0003`);
  await panel.locator('.el-table__row', { hasText: '有效' }).waitFor();
  const cards = await s.must('GET', '/api/v1/households/3/cards', { token: await s.as('clerk') });
  assert.equal(cards.items.filter((c) => c.status === 'active').length, 1);
  await L.shot(page, 'console-cards-clerk');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the receipt on 58 mm roll paper: chosen once, remembered, printed 58 mm wide', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.clerk);
  await page.goto('/admin/shop/counter');
  const villager = await s.as('villager');
  await page.fill('input[data-test=counter-code]', (await s.must('GET', '/api/v1/households/1/code', { token: villager })).code);
  await page.keyboard.press('Enter');
  await page.locator('[data-test=counter-household]').waitFor();
  const goods = page.locator('[data-test=counter-goods]');
  await goods.getByRole('button', { name: '把盐加入兑换单' }).click();
  await goods.getByRole('button', { name: '把酱油加入兑换单' }).click();
  await page.locator('[data-test=redeem]').click();
  await page.locator('[data-test=confirm-redeem]').click();
  const dialog = page.locator('[data-test=receipt-dialog]');
  await dialog.locator('[data-test=receipt]').waitFor();
  // the default is an 80 mm roll; 58 mm is chosen and remembered
  assert.equal(await dialog.locator('[data-test=receipt-paper]').getAttribute('data-paper'), 'roll80');
  await dialog.getByRole('radio', { name: '58 mm 小票' }).check({ force: true });
  await dialog.locator('[data-test=receipt-paper][data-paper=roll58]').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('cz.print.receipt')), 'roll58');
  const width = await dialog.locator('[data-test=receipt]').evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(Math.abs(width - (58 * 96) / 25.4) < 1, `58 mm on screen: ${width}px`);
  await L.shot(page, 'console-receipt-58mm');
  await L.axe(page, 'receipt with the paper choice');

  // after a reload the counter still prints on 58 mm
  await page.reload();
  await page.fill('input[data-test=counter-code]', (await s.must('GET', '/api/v1/households/1/code', { token: villager })).code);
  await page.keyboard.press('Enter');
  const recent = page.locator('[data-test=counter-household] .po', { hasText: '盐×1' }).first();
  await recent.getByRole('button', { name: '查看' }).click();
  await dialog.locator('[data-test=receipt]').waitFor();
  assert.equal(await dialog.locator('[data-test=receipt-paper]').getAttribute('data-paper'), 'roll58');
  assert.equal(await dialog.getByRole('radio', { name: '58 mm 小票' }).isChecked(), true);

  // printing: the page rule says 58 mm, and only the receipt is on the page
  await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
  await dialog.locator('[data-test=receipt-print]').click();
  assert.equal(await page.evaluate(() => window.__printed), 1);
  const rule = await page.evaluate(() => document.getElementById('cz-print-page')?.textContent || '');
  const m = /size: 58mm (\d+)mm; margin: 0/.exec(rule);
  assert.ok(m, rule);
  const height = Number(m[1]);
  assert.ok(height >= 60 && height <= 200, `page height ${height}mm`);
  assert.ok(await page.evaluate(() => document.body.classList.contains('printing-dialog') && document.body.classList.contains('paper-roll58')));
  await page.emulateMedia({ media: 'print' });
  await page.locator('.layout__aside').waitFor({ state: 'hidden' });
  const printed = await page.locator('[data-test=receipt-dialog] [data-test=receipt]').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, width: r.width, border: getComputedStyle(el).borderTopStyle };
  });
  assert.ok(Math.abs(printed.width - (58 * 96) / 25.4) < 1, `58 mm in print: ${printed.width}px`);
  assert.ok(printed.left < 2, `at the left edge of the roll: ${printed.left}px`);
  assert.equal(printed.border, 'none');
  await L.shot(page, 'console-receipt-58mm-print');
  // as a PDF with the page size from CSS: one page, 58 mm (164.4 pt) wide
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
  assert.equal(boxes.length, 1, 'one page');
  assert.ok(Math.abs(Number(boxes[0][1]) - 164.4) < 1.5, `page width ${boxes[0][1]}pt`);
  assert.ok(Math.abs(Number(boxes[0][2]) - (height * 72) / 25.4) < 1.5, `page height ${boxes[0][2]}pt`);
  await page.emulateMedia({ media: 'screen' });
  // the print dialog closed: everything back as it was
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.evaluate(() => document.body.classList.contains('printing-dialog') || !!document.getElementById('cz-print-page')), false);

  // A4 still works: a sheet with margins
  await dialog.getByRole('radio', { name: 'A4' }).check({ force: true });
  await dialog.locator('[data-test=receipt-print]').click();
  assert.match(await page.evaluate(() => document.getElementById('cz-print-page')?.textContent || ''), /size: A4 portrait; margin: 12mm/);
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.evaluate(() => localStorage.getItem('cz.print.receipt')), 'a4');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the menu is shaped by the role: each sees the pages the server lets them use', async () => {
  const expect = {
    clerk: { lands: '/admin/shop/counter', has: ['收银台', '户卡'], not: ['组织与农户', '申报审核', '加分扣分', '审计日志', '通知公告'] },
    inspector: { lands: '/admin/audit', has: ['组织与农户', '审计日志'], not: ['收银台', '加分扣分', '申报审核', '花名册导入'] },
    assessor: { lands: '/admin/review', has: ['申报审核'], not: ['收银台', '加分扣分', '花名册导入', '账号与角色'] },
    grid_worker: { lands: '/admin/proxy-claim', has: ['代为申报'], not: ['收银台', '加分扣分', '审计日志'] },
    operator: { lands: '/admin/events/new', has: ['登记民情'], not: ['受理派单', '收银台', '组织与农户'] },
    cadre: { lands: '/admin/', has: ['组织与农户', '申报审核', '加分扣分', '收银台', '审计日志', '登记民情'], not: [] },
  };
  for (const [role, want] of Object.entries(expect)) {
    const desk = await L.newContext(browser, 'desktop', s.url);
    const page = await L.newPage(desk);
    const refused = [];
    page.on('response', (r) => { if (r.status() === 403 && r.url().includes('/api/')) refused.push(r.url()); });
    await L.adminLogin(page, L.PHONES[role]);
    const aside = page.locator('.layout__aside');
    await aside.getByRole('link', { name: '概览' }).waitFor();
    // each role starts on the page made for its work
    await page.waitForURL((u) => u.pathname === want.lands);
    await L.quiet(page);
    // the landing page asks only for what the role may read
    assert.deepEqual(refused, [], `${role}: the landing page's requests refused`);
    const links = (await aside.getByRole('link').allInnerTexts()).map((x) => x.trim());
    for (const name of want.has) assert.ok(links.includes(name), `${role} sees ${name}: ${links.join(' ')}`);
    for (const name of want.not) assert.ok(!links.includes(name), `${role} does not see ${name}: ${links.join(' ')}`);
    await desk.close();
  }
});
