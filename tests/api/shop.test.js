// The points shop 积分超市 over the API: the demo shop and its goods; creating shops
// (village and town) and their settings, with every input error at once; opening
// windows and the clear message when closed; goods with photos, bad input, villagers
// seeing only active goods and changing nothing; stock-in and adjustments; the stock
// ledger adding up in quantity and money (moving average cost) across periods and
// after redemptions and returns at the counter; concurrent stock-ins; the low-stock
// list; the reports; and the XLSX exports.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const { startServer, pngPixel, behindWrite } = require('./lib');

const DAY = 86400;
let s;
const T = {};     // tokens by role
const V = {};     // units: village (青山村), town, county, village2 (same town), village3 (other town)
let demoShop;     // 青山村爱心积分超市
let shop;         // a shop this file creates in the village
let villagerHousehold;

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });
const patch = (p, token, body) => s.api('PATCH', p, { token, body });

async function relogin() {
  s.tokens.clear();
  for (const role of ['county_admin', 'town_official', 'cadre', 'clerk', 'grid_worker', 'inspector', 'villager'])
    T[role] = await s.as(role);
  if (V.townClerkPhone) T.townClerk = await s.login(V.townClerkPhone, 'Clerk-Town-2026');
}

// The server's clock: {now (ms), today (YYYY-MM-DD, Asia/Shanghai)}.
async function clock(advance = 0) {
  const r = await s.advance(advance);
  const now = new Date(r.now).getTime();
  return { now, today: new Date(now + 8 * 3600e3).toISOString().slice(0, 10) };
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function fieldsOf(r) {
  return Object.keys((r.json && r.json.error && r.json.error.fields) || {}).sort();
}

// Unzips an XLSX with python3's zipfile: {names: entries, text: all XML joined}.
function unzip(buf) {
  const py = `
import sys, json, zipfile, io
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
names = z.namelist()
print(json.dumps({'names': names, 'text': ''.join(z.read(n).decode('utf-8', 'replace') for n in names if n.endswith('.xml'))}, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('python3', ['-c', py], { input: buf }).toString('utf8'));
}

// A small PNG (the server types uploads by their magic bytes).
function png() {
  const [r, g, b] = crypto.randomBytes(3);
  return pngPixel(r, g, b);
}

async function upload(token) {
  return (await must(await s.api('POST', '/api/v1/files', { token, raw: png(), headers: { 'content-type': 'image/png' } }), 201)).hash;
}

async function newGoods(shopId, name, extra = {}) {
  const body = { name, unit: '个', price_points: 50, category: '日用', ...extra };
  return must(await post(`/api/v1/shops/${shopId}/goods`, T.clerk, body), 201);
}

async function stockIn(goodsId, quantity, unitCost, funding = '集体经济', token = T.clerk) {
  return must(await post(`/api/v1/goods/${goodsId}/stock-in`, token, { supplier: '青川县日用百货公司', quantity, unit_cost: unitCost, funding }), 201);
}

// Checks opening + in − out + adjust − reserved + released = closing, in quantity and money.
function assertAddsUp(row, what) {
  for (const k of ['qty', 'value']) {
    const sum = row.opening[k] + row.in[k] - row.out[k] + row.adjust[k] - row.reserved[k] + row.released[k];
    assert.equal(sum, row.closing[k], `${what}: ${k} does not add up: ${JSON.stringify(row)}`);
  }
}

function assertLedgerAddsUp(L) {
  for (const row of L.rows) assertAddsUp(row, row.name);
  assertAddsUp(L.total, 'total');
  for (const k of ['opening', 'in', 'out', 'adjust', 'reserved', 'released', 'closing'])
    for (const f of ['qty', 'value'])
      assert.equal(L.rows.reduce((a, r) => a + r[k][f], 0), L.total[k][f], `total ${k}.${f}`);
}

before(async () => {
  s = await startServer();
  await relogin();
  const me = await must(await get('/api/v1/session', T.cadre), 200);
  V.village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const village = await must(await get(`/api/v1/units/${V.village}`, T.cadre), 200);
  V.town = village.parent_id;
  const town = await must(await get(`/api/v1/units/${V.town}`, T.county_admin), 200);
  V.county = town.parent_id;
  villagerHousehold = (await must(await get('/api/v1/session', T.villager), 200)).household_id;

  // a second village of the same town, a second town with a village, and a clerk on the town
  const unit = (body) => post('/api/v1/units', T.county_admin, body);
  V.village2 = (await must(await unit({ parent_id: V.town, kind: 'village', code: 'SHOP-V2', name: '绿水村' }), 201)).id;
  V.town2 = (await must(await unit({ parent_id: V.county, kind: 'town', code: 'SHOP-T2', name: '河湾镇' }), 201)).id;
  V.village3 = (await must(await unit({ parent_id: V.town2, kind: 'village', code: 'SHOP-V3', name: '红岩村' }), 201)).id;
  V.townClerkPhone = '13755550001';
  const u = await must(await post('/api/v1/users', T.county_admin, { phone: V.townClerkPhone, name: '镇超市管理员', password: 'Clerk-Town-2026' }), 201);
  await must(await post(`/api/v1/users/${u.id}/grants`, T.county_admin, { role: 'clerk', unit_id: V.town }), 200);
  T.townClerk = await s.login(V.townClerkPhone, 'Clerk-Town-2026');
});

after(async () => {
  if (s) await s.close();
});

test('the demo shop: 青山村爱心积分超市 with a dozen goods in stock', async () => {
  const list = await must(await get(`/api/v1/shops?village_id=${V.village}`, T.villager), 200);
  demoShop = list.items.find((x) => x.name === '青山村爱心积分超市');
  assert.ok(demoShop, JSON.stringify(list));
  assert.equal(demoShop.unit_id, V.village);
  assert.equal(demoShop.open, true);
  assert.equal(demoShop.closed_message, null);
  assert.deepEqual(demoShop.villages.map((v) => v.id), [V.village]);
  assert.equal(demoShop.staff, false);
  assert.equal(demoShop.low_stock, undefined, 'villagers do not see the low-stock count');
  // the villager's own village is the default
  const mine = await must(await get('/api/v1/shops', T.villager), 200);
  assert.deepEqual(mine.items.map((x) => x.id), list.items.map((x) => x.id));

  const goods = await must(await get(`/api/v1/shops/${demoShop.id}/goods`, T.villager), 200);
  assert.ok(goods.items.length >= 12, `${goods.items.length} goods`);
  const oil = goods.items.find((g) => g.name === '食用油 5L');
  assert.equal(oil.price_points, 200);
  assert.equal(oil.stock, 40);
  assert.equal(oil.low_stock, undefined);
  assert.equal(oil.low, undefined);
  for (const name of ['洗衣液', '大米 10kg', '酱油', '毛巾', '牙膏', '肥皂', '洗洁精', '盐', '鸡蛋 一盒', '保温杯', '雨伞'])
    assert.ok(goods.items.find((g) => g.name === name), name);

  // the demo's stock-ins: mixed funding, by the clerk
  const { today } = await clock();
  const L = await must(await get(`/api/v1/shops/${demoShop.id}/stock-ledger?from=${today}&to=${today}`, T.clerk), 200);
  assertLedgerAddsUp(L);
  const oilRow = L.rows.find((r) => r.name === '食用油 5L');
  assert.deepEqual(oilRow.in, { qty: 40, value: 30 * 6500 + 10 * 6300 });
  const funded = L.funding.filter((f) => f.count > 0).map((f) => f.funding).sort();
  assert.deepEqual(funded, ['捐赠', '其他', '财政', '集体经济'].sort());
  assert.equal(L.costing, 'moving_average');
});

test('shops: creating with every error at once, permissions, settings', async () => {
  // all errors at once
  const bad = await post('/api/v1/shops', T.cadre, { unit_id: V.village, name: '', window_mode: 'sometimes', return_days: 91, preorder_hours: 0, colour: 'red' });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(fieldsOf(bad), ['colour', 'name', 'preorder_hours', 'return_days', 'window_mode']);
  assert.match(bad.json.error.fields.name, /超市名称/);
  assert.match(bad.json.error.fields.return_days, /退货/);
  // a village shop serves only its village
  const other = await post('/api/v1/shops', T.cadre, { unit_id: V.village, name: '青山村二店', village_ids: [V.village2] });
  assert.deepEqual(fieldsOf(other), ['village_ids']);
  // villagers and grid workers cannot open shops; a cadre cannot open one for the town
  assert.equal((await post('/api/v1/shops', T.villager, { unit_id: V.village, name: '村民的店' })).status, 403);
  assert.equal((await post('/api/v1/shops', T.grid_worker, { unit_id: V.village, name: '网格员的店' })).status, 403);
  assert.equal((await post('/api/v1/shops', T.cadre, { unit_id: V.town, name: '镇超市', village_ids: [V.village] })).status, 403);

  shop = await must(await post('/api/v1/shops', T.cadre, { unit_id: V.village, name: '青山村积分超市二店' }), 201);
  assert.equal(shop.window_mode, 'always');
  assert.equal(shop.return_days, 7);
  assert.equal(shop.preorder_hours, 72);
  assert.equal(shop.staff, true);
  assert.equal(shop.can_admin, true);
  assert.equal(shop.low_stock, 0);
  assert.deepEqual(shop.villages.map((v) => v.id), [V.village]);
  // a shop without goods has empty books
  const { today } = await clock();
  const emptyL = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${today}&to=${today}`, T.clerk), 200);
  assert.deepEqual(emptyL.rows, []);
  assert.deepEqual(emptyL.total.closing, { qty: 0, value: 0 });
  const emptyR = await must(await get(`/api/v1/shops/${shop.id}/reports?from=${today}&to=${today}`, T.clerk), 200);
  assert.deepEqual([emptyR.sales, emptyR.points, emptyR.by_goods.length, emptyR.by_household.length], [0, 0, 0, 0]);
  assert.deepEqual(emptyR.by_village.map((v) => [v.village_id, v.points]), [[V.village, 0]]);
  const emptyX = await get(`/api/v1/shops/${shop.id}/reports/export.xlsx?from=${today}&to=${today}`, T.clerk);
  assert.equal(emptyX.status, 200, emptyX.text);
  // names are unique per unit
  const dup = await post('/api/v1/shops', T.cadre, { unit_id: V.village, name: '青山村积分超市二店' });
  assert.deepEqual(fieldsOf(dup), ['name']);

  // settings: the clerk may change them, the villager may not
  const changed = await must(await patch(`/api/v1/shops/${shop.id}`, T.clerk, { return_days: 14, preorder_hours: 48 }), 200);
  assert.equal(changed.return_days, 14);
  assert.equal(changed.preorder_hours, 48);
  assert.equal(changed.name, '青山村积分超市二店');
  const badPatch = await patch(`/api/v1/shops/${shop.id}`, T.clerk, { return_days: -1, preorder_hours: 721, window_mode: 'x' });
  assert.deepEqual(fieldsOf(badPatch), ['preorder_hours', 'return_days', 'window_mode']);
  assert.equal((await patch(`/api/v1/shops/${shop.id}`, T.villager, { return_days: 1 })).status, 403);
  assert.equal((await patch(`/api/v1/shops/${shop.id}`, T.clerk, { village_ids: [V.village2] })).status, 400);

  // the audit log of the village records the shop
  const audit = await must(await get(`/api/v1/audit?unit_id=${V.village}&object_type=shop&object_id=${shop.id}`, T.cadre), 200);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['create', 'update']);

  // the villager sees both shops of the village; the inspector in scope sees them as staff
  const list = await must(await get(`/api/v1/shops?village_id=${V.village}`, T.villager), 200);
  assert.ok(list.items.find((x) => x.id === shop.id));
  const insp = await must(await get('/api/v1/shops', T.inspector), 200);
  assert.ok(insp.items.find((x) => x.id === shop.id && x.staff && !x.can_admin));
});

test('a town shop serves listed villages of its town', async () => {
  const bad = await post('/api/v1/shops', T.townClerk, { unit_id: V.town, name: '镇积分超市', village_ids: [V.village, V.village3, V.village] });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(fieldsOf(bad), ['village_ids[1]', 'village_ids[2]']);
  assert.match(bad.json.error.fields['village_ids[1]'], /红岩村/);
  const none = await post('/api/v1/shops', T.townClerk, { unit_id: V.town, name: '镇积分超市' });
  assert.deepEqual(fieldsOf(none), ['village_ids']);
  const town = await must(await post('/api/v1/shops', T.townClerk, { unit_id: V.town, name: '镇积分超市', village_ids: [V.village2, V.village] }), 201);
  assert.deepEqual(town.villages.map((v) => v.id), [V.village, V.village2].sort((a, b) => a - b));
  // the village cadre reads it (it serves their village) but cannot change it
  const seen = await must(await get(`/api/v1/shops/${town.id}`, T.cadre), 200);
  assert.equal(seen.can_admin, false);
  assert.equal((await patch(`/api/v1/shops/${town.id}`, T.cadre, { name: '改名' })).status, 403);
  const moved = await must(await patch(`/api/v1/shops/${town.id}`, T.townClerk, { village_ids: [V.village2] }), 200);
  assert.deepEqual(moved.villages.map((v) => v.id), [V.village2]);
  // no longer serving 青山村: its villagers do not see it
  assert.equal((await get(`/api/v1/shops/${town.id}`, T.villager)).status, 404);
  // the town's audit chain records it
  const audit = await must(await get(`/api/v1/audit?unit_id=${V.town}&object_type=shop&object_id=${town.id}`, T.town_official), 200);
  assert.equal(audit.items.length, 2);
});

test('opening windows: closed with a clear message, open inside a window', async () => {
  const sched = await must(await patch(`/api/v1/shops/${shop.id}`, T.clerk, { window_mode: 'scheduled' }), 200);
  assert.equal(sched.open, false);
  assert.match(sched.closed_message, /积分超市现在不营业，暂无安排的兑换时间/);

  const { now } = await clock();
  const bad = await post(`/api/v1/shops/${shop.id}/windows`, T.clerk, { starts_at: 'tomorrow', ends_at: iso(now - 3600e3), note: 'x'.repeat(101) });
  assert.deepEqual(fieldsOf(bad), ['ends_at', 'note', 'starts_at']);
  const backwards = await post(`/api/v1/shops/${shop.id}/windows`, T.clerk, { starts_at: iso(now + 7200e3), ends_at: iso(now + 3600e3) });
  assert.deepEqual(fieldsOf(backwards), ['ends_at']);
  assert.equal((await post(`/api/v1/shops/${shop.id}/windows`, T.villager, { starts_at: iso(now), ends_at: iso(now + 3600e3) })).status, 403);

  // the next window, tomorrow: the message names it
  const start = now + DAY * 1000, end = start + 8 * 3600e3;
  const w = await must(await post(`/api/v1/shops/${shop.id}/windows`, T.clerk, { starts_at: iso(start), ends_at: iso(end), note: '季度集中兑换' }), 201);
  assert.equal(w.status, 'upcoming');
  const overlap = await post(`/api/v1/shops/${shop.id}/windows`, T.clerk, { starts_at: iso(start + 3600e3), ends_at: iso(end + 3600e3) });
  assert.deepEqual(fieldsOf(overlap), ['starts_at']);
  const closed = await must(await get(`/api/v1/shops/${shop.id}`, T.villager), 200);
  assert.equal(closed.open, false);
  const when = new Date(start + 8 * 3600e3).toISOString();
  assert.ok(closed.closed_message.includes(`下次集中兑换：${when.slice(0, 10)} ${when.slice(11, 16)}`), closed.closed_message);
  assert.match(closed.closed_message, /季度集中兑换/);
  const windows = await must(await get(`/api/v1/shops/${shop.id}/windows`, T.villager), 200);
  assert.deepEqual(windows.items.map((x) => x.id), [w.id]);

  // a window now: open
  const now2 = await must(await post(`/api/v1/shops/${shop.id}/windows`, T.clerk, { starts_at: iso(now - 60e3), ends_at: iso(now + 3600e3) }), 201);
  assert.equal(now2.status, 'open');
  assert.equal((await must(await get(`/api/v1/shops/${shop.id}`, T.villager), 200)).open, true);
  // deleting: the villager cannot, the clerk can; afterwards closed again
  assert.equal((await s.api('DELETE', `/api/v1/shop-windows/${now2.id}`, { token: T.villager })).status, 403);
  await must(await s.api('DELETE', `/api/v1/shop-windows/${now2.id}`, { token: T.clerk }), 200);
  assert.equal((await s.api('DELETE', `/api/v1/shop-windows/${now2.id}`, { token: T.clerk })).status, 404);
  assert.equal((await must(await get(`/api/v1/shops/${shop.id}`, T.villager), 200)).open, false);
  // back to always open for the rest of this file
  assert.equal((await must(await patch(`/api/v1/shops/${shop.id}`, T.clerk, { window_mode: 'always' }), 200)).open, true);
});

test('goods: every error at once, photos, villagers see active goods only and change nothing', async () => {
  const bad = await post(`/api/v1/shops/${shop.id}/goods`, T.clerk, {
    name: '', unit: '', category: '一'.repeat(21), price_points: 0, limit_count: 5, low_stock: -1,
    photo_hash: 'not-a-hash', active: 'yes', weight: 1,
  });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(fieldsOf(bad), ['active', 'category', 'limit_period', 'low_stock', 'name', 'photo_hash', 'price_points', 'unit', 'weight']);
  assert.match(bad.json.error.fields.name, /商品名称/);
  assert.match(bad.json.error.fields.price_points, /兑换积分/);
  const big = await post(`/api/v1/shops/${shop.id}/goods`, T.clerk, { name: '金条', unit: '根', price_points: 100001, limit_count: 1001, limit_period: 'week' });
  assert.deepEqual(fieldsOf(big), ['limit_count', 'limit_period', 'price_points']);

  // a photo uploaded by someone else is refused
  const notMine = await upload(T.cadre);
  const refused = await post(`/api/v1/shops/${shop.id}/goods`, T.clerk, { name: '香皂', unit: '块', price_points: 15, photo_hash: notMine });
  assert.deepEqual(fieldsOf(refused), ['photo_hash']);

  const photo = await upload(T.clerk);
  const soap = await newGoods(shop.id, '香皂', { unit: '块', price_points: 15, photo_hash: photo, limit_count: 2, limit_period: 'month', low_stock: 3 });
  assert.equal(soap.stock, 0);
  assert.equal(soap.active, true);
  assert.equal(soap.low, true, 'no stock is low stock');
  assert.equal(soap.photo_url, `/api/v1/goods/${soap.id}/photo`);
  const dup = await post(`/api/v1/shops/${shop.id}/goods`, T.clerk, { name: '香皂', unit: '块', price_points: 15 });
  assert.deepEqual(fieldsOf(dup), ['name']);

  // the villager sees it with price, stock and photo, but not the staff fields
  const seen = await must(await get(`/api/v1/goods/${soap.id}`, T.villager), 200);
  assert.equal(seen.price_points, 15);
  assert.equal(seen.stock, 0);
  assert.equal(seen.limit_period, 'month');
  assert.equal(seen.low_stock, undefined);
  assert.equal(seen.photo_hash, undefined);
  const img = await get(`/api/v1/goods/${soap.id}/photo`, T.villager);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(img.body.subarray(0, 4).toString('hex'), '89504e47');
  // a villager of another village does not see it; a villager changes nothing
  assert.equal((await post(`/api/v1/shops/${shop.id}/goods`, T.villager, { name: '私货', unit: '个', price_points: 1 })).status, 403);
  assert.equal((await patch(`/api/v1/goods/${soap.id}`, T.villager, { price_points: 1 })).status, 403);
  assert.equal((await post(`/api/v1/goods/${soap.id}/stock-in`, T.villager, { supplier: 'x', quantity: 1, unit_cost: 1, funding: '其他' })).status, 403);

  // update: price and limit; setting the limit to 0 clears the period; the photo can be removed
  const upd = await must(await patch(`/api/v1/goods/${soap.id}`, T.clerk, { price_points: 18, limit_count: 0 }), 200);
  assert.equal(upd.price_points, 18);
  assert.equal(upd.limit_count, 0);
  assert.equal(upd.limit_period, null);
  const badUpd = await patch(`/api/v1/goods/${soap.id}`, T.clerk, { name: null, limit_count: 3, price_points: -5 });
  assert.deepEqual(fieldsOf(badUpd), ['limit_period', 'name', 'price_points']);
  const noPhoto = await must(await patch(`/api/v1/goods/${soap.id}`, T.clerk, { photo_hash: null }), 200);
  assert.equal(noPhoto.photo_url, null);
  assert.equal((await get(`/api/v1/goods/${soap.id}/photo`, T.villager)).status, 404);

  // deactivated: gone for villagers, still there for staff (goods are never deleted)
  await must(await patch(`/api/v1/goods/${soap.id}`, T.clerk, { active: false }), 200);
  const vlist = await must(await get(`/api/v1/shops/${shop.id}/goods`, T.villager), 200);
  assert.ok(!vlist.items.find((g) => g.id === soap.id));
  assert.equal((await get(`/api/v1/goods/${soap.id}`, T.villager)).status, 404);
  const slist = await must(await get(`/api/v1/shops/${shop.id}/goods`, T.clerk), 200);
  const staffSoap = slist.items.find((g) => g.id === soap.id);
  assert.equal(staffSoap.active, false);
  assert.equal(staffSoap.low, false, 'inactive goods are not flagged');
  const active = await must(await get(`/api/v1/shops/${shop.id}/goods?active=1`, T.clerk), 200);
  assert.ok(!active.items.find((g) => g.id === soap.id));
  const reused = await post(`/api/v1/shops/${shop.id}/goods`, T.clerk, { name: '香皂', unit: '块', price_points: 15 });
  assert.match(reused.json.error.fields.name, /已下架/);
  await must(await patch(`/api/v1/goods/${soap.id}`, T.clerk, { active: true }), 200);
  // the changes are audited
  const audit = await must(await get(`/api/v1/audit?unit_id=${V.village}&object_type=goods&object_id=${soap.id}`, T.cadre), 200);
  assert.equal(audit.items.length, 5);
});

test('stock-in and adjustments: every error at once, stock never below 0', async () => {
  const g = await newGoods(shop.id, '洗发水', { unit: '瓶', price_points: 60, low_stock: 2 });
  const bad = await post(`/api/v1/goods/${g.id}/stock-in`, T.clerk, { supplier: '', quantity: 0, funding: '借款', photo_hash: 'abc' });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(fieldsOf(bad), ['funding', 'photo_hash', 'quantity', 'supplier', 'unit_cost']);
  assert.match(bad.json.error.fields.unit_cost, /进价/);
  const big = await post(`/api/v1/goods/${g.id}/stock-in`, T.clerk, { supplier: 'x', quantity: 100001, unit_cost: 1000000001, funding: '财政' });
  assert.deepEqual(fieldsOf(big), ['quantity', 'unit_cost']);
  const receipt = await upload(T.clerk);
  const r1 = await must(await post(`/api/v1/goods/${g.id}/stock-in`, T.clerk, { supplier: '青川县日用百货公司', quantity: 10, unit_cost: 1000, funding: '集体经济', photo_hash: receipt }), 201);
  assert.equal(r1.goods.stock, 10);
  assert.equal(r1.goods.low, false);
  assert.ok(r1.move_id > 0);
  // donations may cost nothing
  assert.equal((await stockIn(g.id, 2, 0, '捐赠')).goods.stock, 12);

  const badAdj = await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'theft', quantity: 0, reason: '' });
  assert.deepEqual(fieldsOf(badAdj), ['kind', 'quantity', 'reason']);
  const zero = await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'count', quantity: 0, reason: '盘点' });
  assert.deepEqual(fieldsOf(zero), ['quantity']);
  assert.equal((await must(await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'loss', quantity: 2, reason: '过期' }), 201)).goods.stock, 10);
  assert.equal((await must(await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'damage', quantity: 1, reason: '瓶子摔破' }), 201)).goods.stock, 9);
  assert.equal((await must(await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'count', quantity: 1, reason: '盘点多出一瓶' }), 201)).goods.stock, 10);
  const over = await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'count', quantity: -11, reason: '盘点' });
  assert.equal(over.status, 409, over.text);
  assert.match(over.json.error.message, /「洗发水」库存不足，只剩 10 瓶/);
  assert.equal((await must(await get(`/api/v1/goods/${g.id}`, T.clerk), 200)).stock, 10);
  // every movement is in the audit log
  const audit = await must(await get(`/api/v1/audit?unit_id=${V.village}&object_type=stock_move`, T.cadre), 200);
  assert.ok(audit.items.filter((e) => e.after.goods_id === g.id).length >= 5);
});

test('the stock ledger adds up in quantity and money, period after period', async () => {
  const g = await newGoods(shop.id, '毛毯', { unit: '条', price_points: 300 });
  const d1 = (await clock()).today;
  await stockIn(g.id, 10, 1000);
  await stockIn(g.id, 5, 1600, '财政');       // 15 at an average of 12.00
  await must(await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'loss', quantity: 3, reason: '受潮' }), 201);
  let L = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d1}&goods_id=${g.id}`, T.clerk), 200);
  assert.equal(L.rows.length, 1);
  let row = L.rows[0];
  assert.deepEqual(row.opening, { qty: 0, value: 0 });
  assert.deepEqual(row.in, { qty: 15, value: 18000 });
  assert.deepEqual(row.adjust, { qty: -3, value: -3600 });
  assert.deepEqual(row.closing, { qty: 12, value: 14400 });
  assertLedgerAddsUp(L);

  // the next day: opening = yesterday's closing
  await clock(DAY);
  await relogin();
  const d2 = (await clock()).today;
  await stockIn(g.id, 3, 2000, '捐赠');       // 15 worth 204.00: the average is 13.60
  await must(await post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'count', quantity: -1, reason: '盘点少一条' }), 201);
  L = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d2}&to=${d2}&goods_id=${g.id}`, T.clerk), 200);
  row = L.rows[0];
  assert.deepEqual(row.opening, { qty: 12, value: 14400 });
  assert.deepEqual(row.in, { qty: 3, value: 6000 });
  assert.deepEqual(row.adjust, { qty: -1, value: -1360 });
  assert.deepEqual(row.closing, { qty: 14, value: 19040 });
  assertLedgerAddsUp(L);
  // both days at once, and the whole shop
  L = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d2}`, T.clerk), 200);
  assertLedgerAddsUp(L);
  row = L.rows.find((r) => r.goods_id === g.id);
  assert.deepEqual(row.opening, { qty: 0, value: 0 });
  assert.deepEqual(row.closing, { qty: 14, value: 19040 });
  assert.equal(L.funding.find((f) => f.funding === '捐赠').value >= 6000, true);
  const stock = (await must(await get(`/api/v1/shops/${shop.id}/goods`, T.clerk), 200)).items;
  for (const r of L.rows) assert.equal(r.closing.qty, stock.find((x) => x.id === r.goods_id).stock, r.name);

  // bad periods, all errors at once; only staff and oversight read it
  const bad = await get(`/api/v1/shops/${shop.id}/stock-ledger?from=2026-13-01`, T.clerk);
  assert.deepEqual(fieldsOf(bad), ['from', 'to']);
  const backwards = await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d2}&to=${d1}`, T.clerk);
  assert.deepEqual(fieldsOf(backwards), ['to']);
  assert.equal((await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d2}`, T.villager)).status, 403);
  assert.equal((await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d2}`, T.grid_worker)).status, 403);
  await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d2}`, T.inspector), 200);
  await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${d1}&to=${d2}`, T.town_official), 200);
});

test('concurrent stock-ins and adjustments keep stock equal to the sum of movements', async () => {
  const g = await newGoods(shop.id, '纸巾', { unit: '提', price_points: 20 });
  const { today } = await clock();
  const qtys = Array.from({ length: 24 }, (_, i) => (i % 5) + 1);
  const results = await Promise.all([
    ...qtys.map((q, i) => post(`/api/v1/goods/${g.id}/stock-in`, i % 2 ? T.clerk : T.cadre, { supplier: '村供销社', quantity: q, unit_cost: 300 + i, funding: '集体经济' })),
    ...Array.from({ length: 6 }, () => post(`/api/v1/goods/${g.id}/adjustments`, T.clerk, { kind: 'loss', quantity: 1, reason: '破损' })),
  ]);
  const ok = results.filter((r) => r.status === 201).length;
  const losses = results.slice(qtys.length).filter((r) => r.status === 201).length;
  for (const r of results) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
  assert.equal(results.slice(0, qtys.length).every((r) => r.status === 201), true);
  const stock = (await must(await get(`/api/v1/goods/${g.id}`, T.clerk), 200)).stock;
  const total = qtys.reduce((a, b) => a + b, 0);
  assert.equal(stock, total - losses, `${ok} ok, ${losses} losses`);
  const L = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${today}&to=${today}&goods_id=${g.id}`, T.clerk), 200);
  assert.equal(L.rows[0].in.qty, total);
  assert.equal(L.rows[0].adjust.qty, -losses);
  assert.equal(L.rows[0].closing.qty, stock);
  assertLedgerAddsUp(L);
});

test('the low-stock list: active goods at or below their threshold', async () => {
  const g = await newGoods(shop.id, '蚊香', { unit: '盒', price_points: 12, low_stock: 5 });
  await stockIn(g.id, 4, 500);
  const high = await newGoods(shop.id, '火柴', { unit: '盒', price_points: 2, low_stock: 5 });
  await stockIn(high.id, 50, 10);
  const low = await must(await get(`/api/v1/shops/${shop.id}/low-stock`, T.clerk), 200);
  const names = low.items.map((x) => x.name);
  assert.ok(names.includes('蚊香'));
  assert.ok(!names.includes('火柴'));
  assert.ok(low.items.every((x) => x.low && x.stock <= x.low_stock && x.active));
  // ordered by stock, lowest first
  const stocks = low.items.map((x) => x.stock);
  assert.deepEqual(stocks, [...stocks].sort((a, b) => a - b));
  const info = await must(await get(`/api/v1/shops/${shop.id}`, T.cadre), 200);
  assert.equal(info.low_stock, low.items.length);
  await stockIn(g.id, 2, 500);
  assert.ok(!(await must(await get(`/api/v1/shops/${shop.id}/low-stock`, T.clerk), 200)).items.find((x) => x.id === g.id));
  assert.equal((await get(`/api/v1/shops/${shop.id}/low-stock`, T.villager)).status, 403);
  await must(await get(`/api/v1/shops/${shop.id}/low-stock`, T.inspector), 200);
});

test('redemptions and returns: the ledger still adds up and the reports agree', async () => {
  // points for the villager's household: an award credited after 公示
  const { today: awardDay } = await clock();
  const rules = (await must(await get(`/api/v1/units/${V.village}/rules?limit=200`, T.cadre), 200)).items;
  const rule = rules.find((r) => r.name === '见义勇为');
  for (let i = 0; i < 3; i++)
    await must(await post('/api/v1/awards', T.cadre, { rule_id: rule.id, household_ids: [villagerHousehold], occurred_on: awardDay, note: '积分超市测试' }), 201);
  await clock(4 * DAY);
  await relogin();
  const { today } = await clock();

  const g = await newGoods(shop.id, '电饭煲', { unit: '台', price_points: 20 });
  await stockIn(g.id, 4, 10000);
  await stockIn(g.id, 2, 13000);   // 6 worth 660.00: 110.00 each
  const code = (await must(await get(`/api/v1/households/${villagerHousehold}/code`, T.villager), 200)).code;
  const sale = await must(await post('/api/v1/counter/redeem', T.clerk, { shop_id: shop.id, code, items: [{ goods_id: g.id, quantity: 3 }], idempotency_key: crypto.randomUUID() }), 201);
  const saleId = sale.id || (sale.receipt && sale.receipt.id);
  assert.ok(saleId, JSON.stringify(sale));
  await must(await post('/api/v1/counter/returns', T.clerk, { receipt_id: saleId, items: [{ goods_id: g.id, quantity: 1 }], reason: '不需要了', idempotency_key: crypto.randomUUID() }), 201);

  const L = await must(await get(`/api/v1/shops/${shop.id}/stock-ledger?from=${today}&to=${today}`, T.clerk), 200);
  assertLedgerAddsUp(L);
  const row = L.rows.find((r) => r.goods_id === g.id);
  assert.equal(row.sold, 3);
  assert.equal(row.returned, 1);
  assert.deepEqual(row.out, { qty: 2, value: 22000 });
  assert.deepEqual(row.closing, { qty: 4, value: 44000 });
  assert.equal(row.points, 40);
  assert.equal(L.points, L.total.points);
  assert.equal(L.cost_of_redemptions, L.total.out.value);

  const R = await must(await get(`/api/v1/shops/${shop.id}/reports?from=${today}&to=${today}`, T.cadre), 200);
  assert.equal(R.granularity, 'day');
  assert.equal(R.sales, 1);
  assert.equal(R.returns, 1);
  assert.equal(R.households, 1);
  const byGoods = R.by_goods.find((x) => x.goods_id === g.id);
  assert.deepEqual([byGoods.sold, byGoods.returned, byGoods.qty, byGoods.points, byGoods.cost, byGoods.households], [3, 1, 2, 40, 22000, 1]);
  assert.equal(R.top_goods[0].goods_id, g.id);
  const hh = R.by_household.find((x) => x.household_id === villagerHousehold);
  assert.deepEqual([hh.receipts, hh.qty, hh.points], [1, 2, 40]);
  assert.doesNotMatch(hh.name, /\*/, 'the cadre reads names in full');
  const village = R.by_village.find((x) => x.village_id === V.village);
  assert.deepEqual([village.receipts, village.households, village.qty, village.points, village.cost], [1, 1, 2, 40, 22000]);
  assert.equal(R.by_period.length, 1);
  assert.deepEqual([R.by_period[0].period, R.by_period[0].points, R.by_period[0].cost], [today, 40, 22000]);
  assert.equal(R.points, 40);
  assert.equal(R.cost, 22000);
  assert.equal(R.purchases, 4 * 10000 + 2 * 13000);
  // the clerk (no register rights) sees masked names; the villager sees no report
  const RC = await must(await get(`/api/v1/shops/${shop.id}/reports?from=${today}&to=${today}`, T.clerk), 200);
  assert.match(RC.by_household[0].name, /\*/);
  assert.equal((await get(`/api/v1/shops/${shop.id}/reports?from=${today}&to=${today}`, T.villager)).status, 403);
  // a long period is reported by month
  const year = await must(await get(`/api/v1/shops/${shop.id}/reports?from=${today.slice(0, 4)}-01-01&to=${today.slice(0, 4)}-12-31`, T.cadre), 200);
  assert.equal(year.granularity, 'month');
  assert.equal(year.by_period.length, 12);
  assert.equal(year.by_period.reduce((a, p) => a + p.points, 0), year.points);
});

test('XLSX exports of the stock ledger and the reports', async () => {
  const { today } = await clock();
  const from = `${today.slice(0, 4)}-01-01`;
  const ledger = await get(`/api/v1/shops/${shop.id}/stock-ledger/export.xlsx?from=${from}&to=${today}`, T.clerk);
  assert.equal(ledger.status, 200, ledger.text);
  assert.match(ledger.headers.get('content-type'), /spreadsheetml/);
  assert.match(ledger.headers.get('content-disposition'), /attachment; filename="stock-ledger-\d+-.*\.xlsx"; filename\*=UTF-8''/);
  assert.equal(ledger.body.subarray(0, 4).toString('hex'), '504b0304', 'a ZIP file');
  const lz = unzip(ledger.body);
  assert.ok(lz.names.includes('xl/workbook.xml'));
  for (const text of ['毛毯', '电饭煲', '库存台账', '入库明细', '库存流水', '移动加权平均', '青川县日用百货公司'])
    assert.ok(lz.text.includes(text), text);

  const report = await get(`/api/v1/shops/${shop.id}/reports/export.xlsx?from=${from}&to=${today}`, T.cadre);
  assert.equal(report.status, 200, report.text);
  assert.equal(report.body.subarray(0, 4).toString('hex'), '504b0304');
  const rz = unzip(report.body);
  for (const text of ['电饭煲', '按商品', '热销商品', '按户', '按期间', '按村', '青山村'])
    assert.ok(rz.text.includes(text), text);

  const bad = await get(`/api/v1/shops/${shop.id}/reports/export.xlsx?from=${from}`, T.cadre);
  assert.deepEqual(fieldsOf(bad), ['to']);
  assert.equal((await get(`/api/v1/shops/${shop.id}/stock-ledger/export.xlsx?from=${from}&to=${today}`, T.villager)).status, 403);
});

test('the demo shop ledger still adds up, and verify passes', async () => {
  const { today } = await clock();
  const L = await must(await get(`/api/v1/shops/${demoShop.id}/stock-ledger?from=2020-01-01&to=${today}`, T.clerk), 200);
  assertLedgerAddsUp(L);
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

// A change of goods (or of a shop's settings) that waits for its turn (another process's
// lock) reads them once it has it: what was written meanwhile stays.
test('a change of goods or of a shop waiting for its turn keeps what was written meanwhile', async () => {
  const g = await newGoods(shop.id, '晾衣夹', { unit: '包', price_points: 12 });
  const r = await must(await behindWrite(s, 'UPDATE goods SET price_points = ? WHERE id = ?', [13, g.id],
    () => patch(`/api/v1/goods/${g.id}`, T.clerk, { name: '塑料晾衣夹' })), 200);
  assert.equal(r.name, '塑料晾衣夹');
  assert.equal(r.price_points, 13, 'the price written meanwhile stays');

  // so with the shop's settings
  const before = await must(await get(`/api/v1/shops/${shop.id}`, T.clerk), 200);
  const days = before.return_days === 9 ? 10 : 9;
  const sh = await must(await behindWrite(s, 'UPDATE shops SET return_days = ? WHERE id = ?', [days, shop.id],
    () => patch(`/api/v1/shops/${shop.id}`, T.clerk, { preorder_hours: before.preorder_hours === 24 ? 36 : 24 })), 200);
  assert.equal(sh.return_days, days, 'the return days written meanwhile stay');
  assert.equal((await must(await get(`/api/v1/shops/${shop.id}`, T.clerk), 200)).return_days, days);
});
