// The grid workers' allowance and the rest of the village map: the town official on a
// laptop computes a month from the records, reviews how it was counted, approves it and
// downloads the payment file; the grid worker 赵磊 reads his months on a 360 px phone;
// the cadre sets a household's location by a tap on the map and sees the danger spots
// and camera points with their legend.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const ZHAO = '13900000009';

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

// "YYYY-MM" of the month `back` months before the server's today (Asia/Shanghai)
async function monthBack(back) {
  const r = await s.must('POST', '/api/v1/test/clock', { body: { advance: 0 } });
  const d = new Date(Date.parse(r.now) + 8 * 3600e3);
  let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1 - back;
  while (m < 1) { m += 12; y--; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

test('the town computes a month, reviews how it was counted, approves it and exports it', async () => {
  // the month before the demo's records: computed here for the first time
  const month = await monthBack(4);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.town_official);
  await d.getByRole('link', { name: '网格员津贴' }).click();
  await d.waitForURL(/grid-allowance/);
  // last month, as the demo approved it
  const table = d.locator('[data-test=allow-table]');
  await table.locator('.el-table__row', { hasText: '赵磊' }).waitFor();
  await L.expectCount(table.locator('.el-tag:visible', { hasText: '已审核' }), 2, 'both workers approved last month');
  await d.locator('[data-test=allow-xlsx]').waitFor();
  // another month
  const input = d.locator('.bar__month input');
  await input.click();
  await input.fill(month);
  await input.press('Enter');
  await d.locator('.allow h2').click();
  await table.locator('.el-table__empty-text').waitFor();
  await d.locator('[data-test=allow-compute]').click();
  await table.locator('.el-table__row', { hasText: '刘强' }).waitFor();
  // as many to approve as the server computed
  const town = await s.login(L.PHONES.town_official);
  const n = (await s.must('GET', `/api/v1/allowances?unit_id=2&month=${month}`, { token: town })).items.length;
  assert.ok(n >= 2);
  await d.locator('[data-test=allow-approve-all]', { hasText: `（${n}）` }).waitFor();
  await L.expectCount(table.locator('.el-tag:visible', { hasText: '待审核' }), n, 'computed, to approve');
  // how 赵磊's month was counted
  await table.locator('.el-table__row', { hasText: '赵磊' }).locator('.el-table__expand-icon').click();
  const parts = d.locator('[data-test=allow-parts]');
  await parts.locator('li', { hasText: '基本津贴' }).waitFor();
  await parts.locator('li', { hasText: '未达标工作日' }).waitFor();
  const noOverflow = await d.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 1366 px');
  await L.shot(d, 'allowance-town-review');
  await d.locator('[data-test=allow-approve-all]').click();
  await L.expectCount(table.locator('.el-tag:visible', { hasText: '已审核' }), n, 'approved');
  await L.expectCount(d.locator('[data-test=allow-approve-all]'), 0, 'nothing left to approve');
  const [download] = await Promise.all([d.waitForEvent('download'), d.locator('[data-test=allow-xlsx]').click()]);
  const head = require('node:fs').readFileSync(await download.path()).subarray(0, 2).toString('latin1');
  assert.equal(head, 'PK', 'the payment file as an XLSX (zip) file');
  await L.shot(d, 'allowance-town-approved');
  await L.axe(d, 'the allowance page');
  L.assertNoProblems(desk);
  await desk.close();
  // what the server holds
  const list = await s.must('GET', `/api/v1/allowances?unit_id=2&month=${month}`, { token: town });
  assert.equal(list.items.length, n);
  assert.ok(list.items.every((a) => a.status === 'approved'));
});

test('the inspector reads the allowances and their file, and can neither compute nor approve', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.inspector);
  await d.getByRole('link', { name: '网格员津贴' }).click();
  await d.waitForURL(/grid-allowance/);
  const table = d.locator('[data-test=allow-table]');
  // last month, as the demo approved it, for the whole county
  await table.locator('.el-table__row', { hasText: '赵磊' }).waitFor();
  await d.locator('[data-test=allow-xlsx]').waitFor();
  await L.expectCount(d.locator('[data-test=allow-compute]'), 0, 'no compute button for the inspector');
  await L.expectCount(d.locator('[data-test=allow-approve-all]'), 0, 'nor approve all');
  await L.expectCount(d.locator('[data-test^=allow-approve-]'), 0, 'nor approve one');
  await L.expectCount(d.locator('[data-test=rule-save]'), 0, 'nor the rule');
  const noOverflow = await d.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 1366 px');
  await L.shot(d, 'allowance-inspector');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the grid worker reads his months on the phone: how each was counted', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, ZHAO);
  await p.locator('[data-test=tab-grid]').click();
  await p.waitForURL(/\/grid$/);
  const mine = p.locator('[data-test=my-allowance]');
  const last = await monthBack(1);
  const item = mine.locator(`[data-test=allowance-${last}]`);
  await item.scrollIntoViewIfNeeded();
  await item.locator('.van-collapse-item__title').click();
  await item.locator('.parts li', { hasText: '巡查达标' }).waitFor();
  await item.locator('.parts li', { hasText: '按时走访' }).waitFor();
  assert.match(await item.locator('.van-collapse-item__title').textContent(), /元/);
  await p.locator('[data-test=phone-places] .van-cell', { hasText: '山洪灾害点' }).first().waitFor();
  // a grid worker sees the camera points but not the video links
  await L.expectCount(p.locator('[data-test=phone-places] a'), 0, 'no video link for a grid worker');
  const noOverflow = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 360 px');
  await item.scrollIntoViewIfNeeded();
  await L.shot(p, 'allowance-phone-month');
  await L.axe(p, 'the worker’s months');
  L.assertNoProblems(phone);
  await phone.close();
});

test('a household is placed by a tap on the village map; danger spots and cameras with a legend', async () => {
  const cadre = await s.login(L.PHONES.cadre);
  const hh = await s.must('POST', '/api/v1/households', { token: cadre, body: { village_id: 3, number: 'TAP1', address: '新建房' } }, 201);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.cadre);
  await d.getByRole('link', { name: '村庄地图' }).click();
  await d.waitForURL(/grid-map/);
  await d.locator('[data-test=work-map] .work-map__place').first().waitFor();
  const legend = d.locator('[data-test=place-legend]');
  for (const k of ['山洪灾害点', '森林防火点', '危房', '监控点']) await legend.getByText(k).first().waitFor();
  // a camera's popup has the link to the video platform for the cadre
  await d.locator('[data-test=work-map] .work-map__place', { hasText: '监' }).first().click();
  await d.locator('[data-test=place-video]').waitFor();
  await d.locator('.leaflet-popup-close-button').click();
  await L.expectCount(d.locator('.leaflet-popup'), 0, 'the popup closed');
  // pick the household, tap, confirm
  await d.locator('[data-test=locate-pick]').click();
  await d.keyboard.type('TAP1');
  await d.locator('.el-select-dropdown__item', { hasText: 'TAP1' }).click();
  await d.locator('[data-test=locate-start]').click();
  await d.locator('[data-test=locate-hint]').waitFor();
  const mapEl = d.locator('[data-test=work-map]');
  const map = await mapEl.boundingBox();
  // a spot of the map away from the controls (markers let the tap through while locating)
  await mapEl.click({ position: { x: map.width * 0.6, y: map.height * 0.4 } });
  const box = d.locator('.el-message-box');
  await box.getByText('TAP1').waitFor();
  await L.shot(d, 'grid-tap-to-locate');
  await box.getByRole('button', { name: '确认' }).click();
  await d.locator('.el-message--success').waitFor();
  await L.expectCount(d.locator('[data-test=locate-hint]'), 0, 'done locating');
  const noOverflow = await d.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 1366 px');
  L.assertNoProblems(desk);
  await desk.close();
  const after = await s.must('GET', '/api/v1/villages/3/tagged-households', { token: cadre });
  const placed = after.households.find((h) => h.id === hh.id);
  assert.ok(placed.lat !== null && placed.lng !== null, 'the household has its location');
  assert.ok(Math.abs(placed.lat - 29.15) < 0.1, String(placed.lat));
});
