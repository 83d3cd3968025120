// Finding a household at the shop without the register (GET /api/v1/counter/households):
// a clerk, who may not read households, finds one by household number prefix or by
// the head of household's name to issue a card. Only id, number, village name and the
// masked head name come back, at most 20; only households of the villages the shop
// serves; a clerk of another village, a villager, a town official or an inspector gets
// a 403; a town clerk searches every village of a town shop, or one with village_id.
// Input errors name their fields.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard } = require('./lib');

let s;
const V = {};       // village (青山村), town, village2 (绿水村, same town)
let shop;           // the demo shop of 青山村
let shop2;          // a shop of 绿水村
let townShop;       // a town shop serving both villages
const T = {};       // tokens: clerk2 (绿水村), townClerk

const json = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const fieldsOf = (r) => Object.keys(r.json?.error?.fields || {}).sort();

async function search(token, query) {
  const q = new URLSearchParams(query).toString();
  return s.api('GET', `/api/v1/counter/households?${q}`, { token });
}

// The mask the counter and 公示 use: the first character, then * for the second, and
// the last character when the name has three or more.
function mask(name) {
  const c = [...name];
  if (c.length <= 1) return name;
  if (c.length === 2) return `${c[0]}*`;
  return c[0] + '*'.repeat(c.length - 2) + c[c.length - 1];
}

async function newUser(phone, name, role, unitId) {
  const admin = await s.as('county_admin');
  const u = json(await s.api('POST', '/api/v1/users', { token: admin, body: { phone, name, password: 'Clerk-pass-2026' } }), 201);
  json(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role, unit_id: unitId } }), 200);
  return s.login(phone, 'Clerk-pass-2026');
}

before(async () => {
  s = await startServer();
  const cadre = await s.as('cadre');
  const admin = await s.as('county_admin');
  V.village = json(await s.api('GET', '/api/v1/session', { token: cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
  V.town = json(await s.api('GET', `/api/v1/units/${V.village}`, { token: cadre }), 200).parent_id;
  V.village2 = json(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: V.town, kind: 'village', code: 'SRCH-V2', name: '绿水村' } }), 201).id;
  // 绿水村 has a household 0001 too, headed by 赵大山
  const hh = json(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: V.village2, number: '0001', address: '绿水村 1 号' } }), 201);
  V.hh2 = hh.id;
  json(await s.api('POST', '/api/v1/residents', {
    token: admin, body: { household_id: hh.id, name: '赵大山', idcard: makeIdcard('19700505', 11, '510923'), relation: '户主', phone: '13812340001' },
  }), 201);
  shop = json(await s.api('GET', `/api/v1/shops?village_id=${V.village}`, { token: await s.as('clerk') }), 200).items.find((x) => x.unit_id === V.village);
  T.clerk2 = await newUser('13755550002', '绿水村管理员', 'clerk', V.village2);
  shop2 = json(await s.api('POST', '/api/v1/shops', { token: T.clerk2, body: { unit_id: V.village2, name: '绿水村积分超市' } }), 201);
  T.townClerk = await newUser('13755550003', '镇超市管理员', 'clerk', V.town);
  townShop = json(await s.api('POST', '/api/v1/shops', { token: T.townClerk, body: { unit_id: V.town, name: '河口镇积分超市', village_ids: [V.village, V.village2] } }), 201);
});
after(async () => { if (s) await s.close(); });

test('a clerk finds households by number prefix: four fields only, at most 20, in number order', async () => {
  const clerk = await s.as('clerk');
  // the clerk may not read the register at all
  assert.equal((await s.api('GET', `/api/v1/households?unit_id=${V.village}&q=0001`, { token: clerk })).status, 403);

  const one = json(await search(clerk, { shop_id: shop.id, q: '0001' }), 200);
  assert.equal(one.more, false);
  assert.equal(one.items.length, 1);
  const h = one.items[0];
  assert.deepEqual(Object.keys(h).sort(), ['id', 'masked_name', 'number', 'village_name']);
  assert.equal(h.number, '0001');
  assert.equal(h.village_name, '青山村');
  // the same household as the register shows, with the head's name masked
  const reg = json(await s.api('GET', `/api/v1/households/${h.id}`, { token: await s.as('cadre') }), 200);
  assert.equal(reg.number, '0001');
  assert.equal(reg.village_id, V.village);
  assert.equal(h.masked_name, mask(reg.head_name));
  assert.match(h.masked_name, /\*/);
  assert.ok(!JSON.stringify(one).includes(reg.head_name), 'the full name is never sent');

  // a short prefix: the first 20 by number, and more to come
  const many = json(await search(clerk, { shop_id: shop.id, q: '0' }), 200);
  assert.equal(many.items.length, 20);
  assert.equal(many.more, true);
  assert.deepEqual(many.items.map((x) => x.number), Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(4, '0')));
  const ten = json(await search(clerk, { shop_id: shop.id, q: '001' }), 200);
  assert.deepEqual(ten.items.map((x) => x.number), ['0010', '0011', '0012', '0013', '0014', '0015', '0016', '0017', '0018', '0019']);
  assert.equal(ten.more, false);
  // spaces around the text do not matter
  assert.equal(json(await search(clerk, { shop_id: shop.id, q: ' 0001 ' }), 200).items[0].id, h.id);
  // nothing matching: an empty list
  assert.deepEqual(json(await search(clerk, { shop_id: shop.id, q: '9999' }), 200).items, []);
  // LIKE wildcards are plain characters
  assert.deepEqual(json(await search(clerk, { shop_id: shop.id, q: '%' }), 200).items, []);
  assert.deepEqual(json(await search(clerk, { shop_id: shop.id, q: '_001' }), 200).items, []);
});

test('by the head of household\'s name, full or its beginning', async () => {
  const clerk = await s.as('clerk');
  const cadre = await s.as('cadre');
  const reg = json(await s.api('GET', `/api/v1/households?unit_id=${V.village}&limit=50`, { token: cadre }), 200).items;
  const target = reg.find((x) => [...x.head_name].length === 3) || reg[0];
  const full = json(await search(clerk, { shop_id: shop.id, q: target.head_name }), 200);
  assert.ok(full.items.some((x) => x.id === target.id), `${target.head_name} found`);
  for (const x of full.items) assert.equal(x.masked_name[0], target.head_name[0]);
  // everyone whose head has that full name
  const same = reg.filter((x) => x.head_name === target.head_name).map((x) => x.id);
  for (const id of same) assert.ok(full.items.some((x) => x.id === id));
  // the first two characters: at least as many, all starting so
  const two = [...target.head_name].slice(0, 2).join('');
  const part = json(await search(clerk, { shop_id: shop.id, q: two }), 200);
  assert.ok(part.items.length >= full.items.length && part.items.length <= 20);
  assert.ok(part.items.some((x) => x.id === target.id));
  // a common surname: capped at 20
  const surname = [...target.head_name][0];
  const common = json(await search(clerk, { shop_id: shop.id, q: surname }), 200);
  assert.ok(common.items.length <= 20);
  // not a name in the middle: only beginnings match
  const tail = [...target.head_name].slice(1).join('');
  const mid = json(await search(clerk, { shop_id: shop.id, q: tail }), 200);
  assert.ok(!mid.items.some((x) => x.id === target.id));
});

test('scope: only the shop\'s villages; a shop outside every grant is 404, other roles get 403', async () => {
  // 绿水村 also has a 0001: the 青山村 shop does not show it, the 绿水村 shop shows only it
  const mine = json(await search(await s.as('clerk'), { shop_id: shop.id, q: '0001' }), 200);
  assert.deepEqual(mine.items.map((x) => x.village_name), ['青山村']);
  const theirs = json(await search(T.clerk2, { shop_id: shop2.id, q: '0001' }), 200);
  assert.deepEqual(theirs.items, [{ id: V.hh2, number: '0001', village_name: '绿水村', masked_name: '赵*山' }]);
  assert.deepEqual(json(await search(T.clerk2, { shop_id: shop2.id, q: '赵大' }), 200).items.map((x) => x.id), [V.hh2]);

  // the clerk of 绿水村 at the 青山村 shop, and the other way round: outside every grant
  const cross = await search(T.clerk2, { shop_id: shop.id, q: '0001' });
  assert.equal(cross.status, 404, cross.text);
  assert.match(cross.json.error.message, /不存在/);
  assert.equal((await search(await s.as('clerk'), { shop_id: shop2.id, q: '0001' })).status, 404);
  // nor through the town shop, whose unit is the town
  assert.equal((await search(await s.as('clerk'), { shop_id: townShop.id, q: '0001' })).status, 403);

  // roles without shop rights
  for (const role of ['villager', 'town_official', 'inspector', 'grid_worker', 'assessor', 'county_admin']) {
    const r = await search(await s.as(role), { shop_id: shop.id, q: '0001' });
    assert.equal(r.status, 403, `${role}: ${r.text}`);
  }
  assert.equal((await s.api('GET', `/api/v1/counter/households?shop_id=${shop.id}&q=0001`)).status, 401);

  // the village cadre runs the village shop too
  assert.equal(json(await search(await s.as('cadre'), { shop_id: shop.id, q: '0001' }), 200).items.length, 1);

  // the town clerk: both villages of the town shop, or one of them
  const both = json(await search(T.townClerk, { shop_id: townShop.id, q: '0001' }), 200);
  assert.deepEqual(both.items.map((x) => x.village_name).sort(), ['绿水村', '青山村'].sort());
  const only2 = json(await search(T.townClerk, { shop_id: townShop.id, village_id: V.village2, q: '0001' }), 200);
  assert.deepEqual(only2.items.map((x) => x.id), [V.hh2]);
  // a village the shop does not serve
  const admin = await s.as('county_admin');
  const v3 = json(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: V.town, kind: 'village', code: 'SRCH-V3', name: '红岩村' } }), 201);
  const notServed = await search(T.townClerk, { shop_id: townShop.id, village_id: v3.id, q: '0001' });
  assert.equal(notServed.status, 400);
  assert.deepEqual(fieldsOf(notServed), ['village_id']);
  assert.match(notServed.json.error.fields.village_id, /服务范围/);
});

test('a clerk finds the household; its card is issued by the cadre, and the household sees it', async () => {
  const clerk = await s.as('clerk');
  const h = json(await search(clerk, { shop_id: shop.id, q: '0007' }), 200).items[0];
  // a card with a PIN spends the household's points: never one the clerk chose
  const byClerk = await s.api('POST', `/api/v1/households/${h.id}/cards`, { token: clerk, body: { pin: '4321' } });
  assert.equal(byClerk.status, 404, byClerk.text);
  const card = json(await s.api('POST', `/api/v1/households/${h.id}/cards`, { token: await s.as('cadre'), body: { pin: '4321' } }), 201);
  assert.equal(card.household_id, h.id);
  assert.equal(card.status, 'active');
  // the clerk sees it to print it or to revoke a lost one
  assert.equal(json(await s.api('GET', `/api/v1/households/${h.id}/cards`, { token: clerk }), 200).items[0].id, card.id);
  // the clerk of 绿水村 may not issue one for a 青山村 household
  assert.equal((await s.api('POST', `/api/v1/households/${h.id}/cards`, { token: T.clerk2, body: { pin: '4321' } })).status, 404);
});

test('the household\'s own villager sees its cards, who issued them and when, without their QR', async () => {
  const villager = await s.as('villager');
  const me = json(await s.api('GET', '/api/v1/session', { token: villager }), 200);
  json(await s.api('POST', `/api/v1/households/${me.household_id}/cards`, { token: await s.as('cadre'), body: { pin: '5791' } }), 201);
  const mine = json(await s.api('GET', `/api/v1/households/${me.household_id}/cards`, { token: villager }), 200);
  assert.equal(mine.items[0].status, 'active');
  assert.ok(mine.items[0].issued_by_name);
  assert.ok(!mine.items[0].token && !mine.items[0].code, JSON.stringify(mine.items[0]));
  const other = json(await search(await s.as('clerk'), { shop_id: shop.id, q: '0007' }), 200).items[0];
  assert.equal((await s.api('GET', `/api/v1/households/${other.id}/cards`, { token: villager })).status, 404);
});

test('input errors name their fields, all at once', async () => {
  const clerk = await s.as('clerk');
  const none = await s.api('GET', '/api/v1/counter/households', { token: clerk });
  assert.equal(none.status, 400);
  assert.deepEqual(fieldsOf(none), ['q', 'shop_id']);
  assert.match(none.json.error.fields.q, /户号或户主姓名不能为空/);
  assert.match(none.json.error.fields.shop_id, /积分超市/);

  const cases = [
    [{ shop_id: shop.id }, ['q'], /不能为空/],
    [{ shop_id: shop.id, q: '   ' }, ['q'], /不能为空/],
    [{ shop_id: shop.id, q: '1'.repeat(21) }, ['q'], /最多 20 个字/],
    [{ shop_id: shop.id, q: '张'.repeat(21) }, ['q'], /最多 20 个字/],
    [{ shop_id: shop.id, q: 'a\u0001b' }, ['q'], /控制字符/],
    [{ q: '0001' }, ['shop_id'], /请选择积分超市/],
    [{ shop_id: 'abc', q: '0001' }, ['shop_id'], /整数/],
    [{ shop_id: '0', q: '0001' }, ['shop_id'], /整数/],
    [{ shop_id: '999999', q: '0001' }, ['shop_id'], /积分超市不存在/],
    [{ shop_id: shop.id, village_id: 'x', q: '0001' }, ['village_id'], /整数/],
    [{ shop_id: '999999', q: '' }, ['q', 'shop_id'], /./],
  ];
  for (const [query, fields, msg] of cases) {
    const r = await search(clerk, query);
    assert.equal(r.status, 400, `${JSON.stringify(query)}: ${r.text}`);
    assert.deepEqual(fieldsOf(r), fields, JSON.stringify(query));
    assert.match(r.json.error.fields[fields[0]], msg, JSON.stringify(query));
  }
  // twenty characters are fine
  assert.equal((await search(clerk, { shop_id: shop.id, q: '1'.repeat(20) })).status, 200);
  // not UTF-8
  const bad = await s.api('GET', `/api/v1/counter/households?shop_id=${shop.id}&q=%FF%FE`, { token: clerk });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(fieldsOf(bad), ['q']);
});
