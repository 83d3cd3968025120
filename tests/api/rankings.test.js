// Rankings and 红黑榜 over the API: points made by cadres' awards and deductions pass
// 公示 (the test clock runs the crediting job), then the live ranking (order, ties,
// red list boundary, black list, a group's ranking), publishing (only after the period,
// only once, only by a cadre; audited), the public snapshot that later corrections do
// not change, the A4 poster with its QR code, the XLSX exports and the statistics.
// The clock is first moved to the 2nd of next month, so the month under test holds
// only what this file creates.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { readXlsx } = require('./xlsx');
const path = require('node:path');
const { startServer, makeIdcard, rawRequest, psqlBin, villageLedger, honourSums } = require('./lib');

let s;
const T = {};   // tokens
const A = {};   // the demo village 青山村
const B = {};   // a second village with its own cadre
const R = {};   // rules by name
const P = {};   // the period under test

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const get = (path, token) => s.api('GET', path, { token });

// The server's clock, as a Date, and its Asia/Shanghai calendar date.
async function serverNow() {
  const { now } = await s.advance(0);
  return new Date(now);
}

function cst(d) {
  const x = new Date(d.getTime() + 8 * 3600e3);
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate(), iso: x.toISOString().slice(0, 10) };
}

// Moves the clock to 10:00 Asia/Shanghai on the 2nd of the next month.
async function toNextMonth() {
  const now = await serverNow();
  const c = cst(now);
  const target = Date.UTC(c.y, c.m, 2, 2, 0, 0); // month index c.m is the next month
  await s.advance(Math.round((target - now.getTime()) / 1000));
  await relogin();
  return cst(new Date(target));
}

// Sessions do not survive long jumps of the clock.
async function relogin() {
  s.tokens.clear();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'inspector', 'villager'])
    T[role] = await s.as(role);
  T.cadreB = await s.login('13722221111', 'Cadre-B-2026');
}

async function award(rule, households, note, status = 201) {
  const body = { rule_id: R[rule].id, household_ids: households, occurred_on: P.today, note };
  return must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body }), status);
}

function isZip(buf) {
  return buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

before(async () => {
  s = await startServer();
  const admin = await s.as('county_admin');
  const cadre = await s.as('cadre');
  const me = await must(await get('/api/v1/session', cadre), 200);
  A.village = me.grants.find((g) => g.role === 'cadre').unit_id;
  A.county = (await must(await get('/api/v1/units', admin), 200)).items[0].id;

  // village B in a second town, with one household and a cadre
  B.town = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: A.county, kind: 'town', code: 'RANK-T2', name: '河湾镇' } }), 201)).id;
  B.village = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: B.town, kind: 'village', code: 'RANK-V2', name: '红岩村' } }), 201)).id;
  B.household = (await must(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: B.village, number: 'B001', address: '红岩村 1 号' } }), 201)).id;
  await must(await s.api('POST', '/api/v1/residents', { token: admin, body: { household_id: B.household, name: '钱红岩', idcard: makeIdcard('19680312', 233, '500101'), relation: '户主' } }), 201);
  const user = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13722221111', name: '钱书记', password: 'Cadre-B-2026' } }), 201);
  await must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: admin, body: { role: 'cadre', unit_id: B.village } }), 200);

  // entries the demo made already (the evaluations' awards)
  A.ledger0 = (await must(await get(`/api/v1/villages/${A.village}/ledger?limit=1`, cadre), 200)).total;
  const rules = await must(await get(`/api/v1/units/${A.village}/rules?limit=200`, cadre), 200);
  for (const r of rules.items) R[r.name] = r;
  for (const name of ['见义勇为', '焚烧秸秆', '扰乱公共秩序'])
    assert.ok(R[name], `the demo catalog has no rule ${name}`);

  const c = await toNextMonth();
  P.today = c.iso;
  P.month = `${c.y}-${String(c.m).padStart(2, '0')}`;
  P.monthLabel = `${c.y}年${c.m}月`;
  P.quarter = `${c.y}-Q${Math.floor((c.m - 1) / 3) + 1}`;
  P.year = String(c.y);

  const villager = await must(await get('/api/v1/session', T.villager), 200);
  A.villagerHousehold = villager.household_id;
  const list = await must(await get(`/api/v1/households?unit_id=${A.village}&limit=20`, T.cadre), 200);
  A.households = list.total;
  A.hh = list.items.filter((h) => h.id !== A.villagerHousehold).slice(0, 5);
  A.group = (await must(await get(`/api/v1/households/${A.hh[0].id}`, T.cadre), 200)).group_id;
  assert.ok(A.group, 'the demo household has a group');

  // h0: 40; h1, h2: 20 (a tie); h3: 20 − 5 = 15; h4: −20; everybody else 0
  const [h0, h1, h2, h3, h4] = A.hh.map((h) => h.id);
  await award('见义勇为', [h0, h1, h2, h3], '抗洪抢险');
  await award('见义勇为', [h0], '救起落水儿童');
  await award('焚烧秸秆', [h3], '在田间焚烧秸秆');
  const d = await award('扰乱公共秩序', [h4], '酒后在村委会吵闹');
  assert.equal(d.source, 'deduction');
  // 公示 lasts 3 days; the clock's jobs credit what is due
  const tick = await s.advance(4 * 86400);
  assert.equal(tick.credited, 7, JSON.stringify(tick));
  await relogin();
});

after(async () => {
  if (s) await s.close();
});

test('the live ranking: order, ties sharing a rank, the red list and the black list', async () => {
  const r = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.cadre), 200);
  const [h0, h1, h2, h3, h4] = A.hh;
  assert.equal(r.id, null);
  assert.equal(r.published_id, null);
  assert.equal(r.unit_kind, 'village');
  assert.equal(r.village_name, '青山村');
  assert.equal(r.period, P.month);
  assert.equal(r.period_label, P.monthLabel);
  assert.equal(r.households, A.households);
  assert.equal(r.rows.length, A.households);
  assert.equal(r.ledger_count, A.ledger0 + 7);
  assert.match(r.ledger_hash, /^[0-9a-f]{64}$/);
  const top = r.rows.slice(0, 4).map((x) => [x.rank, x.household_id, x.points]);
  assert.deepEqual(top, [[1, h0.id, 40], [2, h1.id, 20], [2, h2.id, 20], [4, h3.id, 15]]);
  assert.equal(r.rows[0].household_number, h0.number);
  assert.match(r.rows[0].name, /\*/, 'names are masked');
  // everybody else has 0 and shares rank 5; the deducted household is last
  assert.ok(r.rows.slice(4, -1).every((x) => x.rank === 5 && x.points === 0));
  const last = r.rows[r.rows.length - 1];
  assert.deepEqual([last.household_id, last.points, last.rank], [h4.id, -20, A.households]);
  // zeros are ordered by household number
  const zeros = r.rows.slice(4, -1).map((x) => x.household_number);
  assert.deepEqual(zeros, [...zeros].sort());
  // red list: the top 10 ranks with points; black list: the deductions, most first
  assert.deepEqual(r.red_list.map((x) => x.household_id), [h0.id, h1.id, h2.id, h3.id]);
  assert.deepEqual(r.black_list.map((x) => [x.household_id, x.deductions, x.points]), [[h4.id, 1, -20], [h3.id, 1, -5]]);
  assert.equal(r.mine, null, 'the cadre has no household');

  // a red list of 2 keeps both households tied at rank 2
  await must(await s.api('PUT', `/api/v1/villages/${A.village}/points-settings`, { token: T.cadre, body: { publicity_days: 3, red_list_size: 2 } }), 200);
  const r2 = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.cadre), 200);
  assert.equal(r2.red_list_size, 2);
  assert.deepEqual(r2.red_list.map((x) => x.rank), [1, 2, 2]);

  // the quarter and the year hold the same points
  for (const period of [P.quarter, P.year]) {
    const q = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${period}`, T.cadre), 200);
    assert.deepEqual(q.rows.slice(0, 4).map((x) => x.points), [40, 20, 20, 15]);
  }
  // the month before is empty
  const [y, m] = P.month.split('-').map(Number);
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  const empty = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${prev}`, T.cadre), 200);
  assert.deepEqual([empty.red_list.length, empty.black_list.length], [0, 0]);
  assert.ok(empty.rows.every((x) => x.rank === 1 && x.points === 0));
});

test("a group's ranking holds only the group's households", async () => {
  const r = await must(await get(`/api/v1/rankings?unit_id=${A.group}&period=${P.month}`, T.cadre), 200);
  assert.equal(r.unit_kind, 'group');
  assert.equal(r.village_id, A.village);
  const members = await must(await get(`/api/v1/households?unit_id=${A.group}&limit=200`, T.cadre), 200);
  assert.equal(r.rows.length, members.total);
  assert.deepEqual(new Set(r.rows.map((x) => x.household_id)), new Set(members.items.map((h) => h.id)));
  assert.equal(r.rows[0].household_id, A.hh[0].id);
  assert.equal(r.rows[0].rank, 1);
});

test('who may read a live ranking, and bad input', async () => {
  // the village's villager sees it, with their own row
  const v = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.villager), 200);
  assert.equal(v.mine.household_id, A.villagerHousehold);
  assert.equal(v.mine.points, 0);
  for (const role of ['grid_worker', 'town_official', 'county_admin', 'inspector'])
    assert.equal((await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T[role])).status, 200, role);
  assert.equal((await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.cadreB)).status, 403);
  assert.equal((await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`)).status, 401);

  for (const period of ['2026-13', '2026-Q5', '26', '2026-1', '2026/11', '2026-q4', '1999']) {
    const r = await get(`/api/v1/rankings?unit_id=${A.village}&period=${encodeURIComponent(period)}`, T.cadre);
    assert.equal(r.status, 400, `${period}: ${r.text}`);
    assert.ok(r.json.error.fields.period, period);
  }
  const none = await get('/api/v1/rankings', T.cadre);
  assert.equal(none.status, 400);
  assert.ok(none.json.error.fields.unit_id && none.json.error.fields.period);
  const town = await get(`/api/v1/rankings?unit_id=${A.county}&period=${P.month}`, T.county_admin);
  assert.equal(town.status, 400, town.text);
  assert.ok(town.json.error.fields.unit_id);
  const missing = await get(`/api/v1/rankings?unit_id=999999&period=${P.month}`, T.cadre);
  assert.equal(missing.status, 400);
  assert.ok(missing.json.error.fields.unit_id);
});

test('publishing: only cadres of the village, only after the period, only once; public without login', async () => {
  const body = { unit_id: A.village, period: P.month };
  for (const role of ['villager', 'grid_worker', 'town_official', 'inspector'])
    assert.equal((await s.api('POST', '/api/v1/rankings', { token: T[role], body })).status, 403, role);
  // outside every grant of B's cadre: not found (tests/api/matrix.test.js)
  assert.equal((await s.api('POST', '/api/v1/rankings', { token: T.cadreB, body })).status, 404);
  const early = await s.api('POST', '/api/v1/rankings', { token: T.cadre, body });
  assert.equal(early.status, 409, early.text);
  assert.match(early.json.error.message, /尚未结束/);
  const bad = await s.api('POST', '/api/v1/rankings', { token: T.cadre, body: { unit_id: A.village, period: '2026-Q9', extra: 1 } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.extra);

  const live = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.cadre), 200);
  P.after = (await toNextMonth()).iso;
  const pub = await must(await s.api('POST', '/api/v1/rankings', { token: T.cadre, body }), 201);
  assert.ok(pub.id > 0);
  assert.equal(pub.published_id, pub.id);
  assert.ok(pub.published_at);
  assert.deepEqual(pub.rows, live.rows);
  assert.deepEqual(pub.red_list, live.red_list);
  assert.deepEqual(pub.black_list, live.black_list);
  assert.equal(pub.ledger_hash, live.ledger_hash);
  P.published = pub;

  const again = await s.api('POST', '/api/v1/rankings', { token: T.cadre, body });
  assert.equal(again.status, 409, again.text);
  assert.match(again.json.error.message, /不能重复发布/);

  // public, no login
  const open = await must(await get(`/api/v1/public/rankings/${pub.id}`), 200);
  assert.deepEqual(open, pub);
  const list = await must(await get(`/api/v1/public/villages/${A.village}/rankings`), 200);
  assert.equal(list.total, 1);
  assert.deepEqual([list.items[0].id, list.items[0].period, list.items[0].period_label], [pub.id, P.month, P.monthLabel]);
  assert.equal((await get(`/api/v1/public/villages/${A.group}/rankings`)).status, 404, 'a group is not a village');
  assert.equal((await get('/api/v1/public/rankings/999999')).status, 404);
  assert.equal((await must(await get(`/api/v1/public/villages/${B.village}/rankings`), 200)).total, 0);
  // the live ranking names its snapshot
  const now = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.villager), 200);
  assert.equal(now.published_id, pub.id);

  // audited in the village's chain
  const audit = await must(await get(`/api/v1/audit?unit_id=${A.village}&object_type=ranking`, T.cadre), 200);
  assert.equal(audit.total, 1);
  assert.equal(audit.items[0].action, 'publish');
  assert.equal(audit.items[0].object_id, pub.id);
});

test('a later correction changes the live ranking, not the published snapshot', async () => {
  const pub = P.published;
  const h3 = A.hh[3];
  const entries = await must(await get(`/api/v1/households/${h3.id}/ledger?source=deduction`, T.cadre), 200);
  assert.equal(entries.items.length, 1);
  // reversing a deduction adds points: a second cadre of the village approves it
  const asked = await must(await s.api('POST', `/api/v1/ledger/${entries.items[0].id}/correction`, { token: T.cadre, body: { reason: '经复核，秸秆系邻户焚烧' } }), 202);
  const admin = T.county_admin;
  const second = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13722223333', name: '孙委员', password: 'Cadre-A2-2026' } }), 201);
  await must(await s.api('POST', `/api/v1/users/${second.id}/grants`, { token: admin, body: { role: 'cadre', unit_id: A.village } }), 200);
  const cadre2 = await s.login('13722223333', 'Cadre-A2-2026');
  await must(await s.api('POST', `/api/v1/ledger-corrections/${asked.request_id}/decision`, { token: cadre2, body: { approve: true } }), 201);

  const live = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${P.month}`, T.cadre), 200);
  assert.deepEqual(live.black_list.map((x) => x.household_id), [A.hh[4].id], 'the reversed deduction is off the live black list');
  assert.notEqual(live.ledger_count, pub.ledger_count);
  const open = await must(await get(`/api/v1/public/rankings/${pub.id}`), 200);
  assert.deepEqual(open, pub, 'the snapshot is frozen');
  assert.deepEqual(open.black_list.map((x) => x.household_id), [A.hh[4].id, h3.id]);
});

test('the poster: an A4 page with the village, the period, both lists and a QR code', async () => {
  const pub = P.published;
  const r = await get(`/api/v1/public/rankings/${pub.id}/poster`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  const html = r.text;
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes(`<h1>青山村 ${P.monthLabel} 红黑榜</h1>`), 'the title');
  assert.match(html, /@page\{size:A4 portrait/);
  assert.match(html, /@media print/);
  assert.ok(html.includes('<svg'), 'an inline SVG QR code');
  assert.ok(!html.includes('<?xml'), 'no XML prolog inside HTML');
  assert.ok(!/<script/i.test(html), 'no scripts (CSP)');
  assert.ok(!/ on[a-z]+=/i.test(html), 'no inline event handlers (CSP)');
  assert.ok(html.includes(`${s.url.replace('http://', '')}/api/v1/public/rankings/${pub.id}/poster`), 'the QR target');
  assert.ok(html.includes(pub.ledger_hash), 'the ledger chain head');
  for (const h of [A.hh[0], A.hh[1], A.hh[4]]) assert.ok(html.includes(`<td>${h.number}</td>`), h.number);
  assert.ok(html.includes('红榜') && html.includes('黑榜'));
  // the red list is in the page; households with 0 points are not
  const zero = P.published.rows.find((x) => x.points === 0);
  assert.ok(!html.includes(`<td>${zero.household_number}</td>`));
  // a base address from a proxy's headers
  const viaProxy = await rawRequest(s.port, `GET /api/v1/public/rankings/${pub.id}/poster HTTP/1.1\r\n` +
    'Host: cunzhi.example.cn\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n');
  assert.equal(viaProxy.status, 200);
  assert.ok(viaProxy.body.includes(`https://cunzhi.example.cn/api/v1/public/rankings/${pub.id}/poster`));
  // a Host that is not a host name gives a poster without a QR code, not a broken page
  const odd = await rawRequest(s.port, `GET /api/v1/public/rankings/${pub.id}/poster HTTP/1.1\r\n` +
    'Host: a"b<c\r\nConnection: close\r\n\r\n');
  if (odd.status === 200) {
    assert.ok(!odd.body.includes('<svg'));
    assert.ok(!odd.body.includes('a"b<c'));
  }
  assert.equal((await get('/api/v1/public/rankings/999999/poster')).status, 404);
});

test('XLSX exports: the published ranking (public), a household ledger, a village ledger', async () => {
  const pub = P.published;
  const x = await get(`/api/v1/public/rankings/${pub.id}/export.xlsx`);
  assert.equal(x.status, 200, x.text);
  assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(x.headers.get('content-disposition'), /^attachment; filename="ranking-\d+-[0-9-]+\.xlsx"; filename\*=UTF-8''/);
  assert.ok(isZip(x.body));
  const book = readXlsx(x.body);
  assert.deepEqual(Object.keys(book), ['排行榜', '红榜', '黑榜', '说明']);
  assert.deepEqual(book['排行榜'][0], ['名次', '户号', '户主', '积分']);
  assert.deepEqual(book['排行榜'][1].slice(0, 2), [1, A.hh[0].number]);
  assert.equal(book['排行榜'][1][3], 40, 'points are numbers');
  assert.equal(book['排行榜'].length, A.households + 1);
  assert.equal(book['红榜'].length, pub.red_list.length + 1);
  assert.deepEqual(book['黑榜'].slice(1).map((row) => [row[0], row[3]]), [[A.hh[4].number, -20], [A.hh[3].number, -5]]);
  assert.equal((await get('/api/v1/public/rankings/999999/export.xlsx')).status, 404);

  // a household's ledger: the villager of the household, or the register readers
  const h0 = A.hh[0];
  const hx = await get(`/api/v1/households/${h0.id}/ledger/export.xlsx`, T.cadre);
  assert.equal(hx.status, 200, hx.text);
  assert.ok(isZip(hx.body));
  const hb = readXlsx(hx.body);
  assert.deepEqual(Object.keys(hb), ['积分台账', '说明']);
  assert.equal(hb['积分台账'][0][0], '序号');
  assert.equal(hb['积分台账'].length, 3, 'two entries');
  const row = hb['积分台账'][1];
  assert.match(row[1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'times as text');
  assert.deepEqual([row[3], row[5], row[6], row[7], row[8], row[9]], ['加分', '见义勇为', 20, 20, 20, 20]);
  assert.deepEqual(hb['积分台账'][2].slice(8, 10), [40, 40], 'running balances');
  assert.ok(hb['说明'].some((r) => r[0] === '户号' && r[1] === h0.number));
  // with from: the opening balances first
  const later = await get(`/api/v1/households/${h0.id}/ledger/export.xlsx?from=${P.after}`, T.cadre);
  const lb = readXlsx(later.body);
  assert.equal(lb['积分台账'].length, 2, 'no entries since');
  assert.equal(lb['积分台账'][1][3], '期初余额');
  assert.deepEqual(lb['积分台账'][1].slice(8, 10), [40, 40]);

  const mine = await get(`/api/v1/households/${A.villagerHousehold}/ledger/export.xlsx`, T.villager);
  assert.equal(mine.status, 200, mine.text);
  const own = (await must(await get(`/api/v1/households/${A.villagerHousehold}`, T.villager), 200)).number;
  assert.ok(readXlsx(mine.body)['说明'].some((r) => r[0] === '户号' && r[1] === own));
  assert.equal((await get(`/api/v1/households/${h0.id}/ledger/export.xlsx`, T.villager)).status, 404);
  assert.equal((await get(`/api/v1/households/${h0.id}/ledger/export.xlsx`, T.cadreB)).status, 404);
  assert.equal((await get(`/api/v1/households/${h0.id}/ledger/export.xlsx`)).status, 401);
  const badDate = await get(`/api/v1/households/${h0.id}/ledger/export.xlsx?from=2026-02-30`, T.cadre);
  assert.equal(badDate.status, 400);
  assert.ok(badDate.json.error.fields.from);

  // a village's ledger for a period
  const [y, m] = P.month.split('-');
  const from = `${y}-${m}-01`, to = `${y}-${m}-28`;
  const vx = await get(`/api/v1/villages/${A.village}/ledger/export.xlsx?from=${from}&to=${to}`, T.cadre);
  assert.equal(vx.status, 200, vx.text);
  assert.ok(isZip(vx.body));
  const vb = readXlsx(vx.body)['积分台账'];
  assert.deepEqual(vb[0].slice(0, 4), ['序号', '时间', '户号', '户主']);
  assert.equal(vb.length, 8, 'seven entries in the period');
  assert.deepEqual(vb.slice(1).map((r) => r[0]), [1, 2, 3, 4, 5, 6, 7].map((i) => A.ledger0 + i), 'in chain order');
  assert.ok(vb.some((r) => r[2] === A.hh[4].number && r[7] === '扰乱公共秩序' && r[9] === -20));
  assert.equal((await get(`/api/v1/villages/${A.village}/ledger/export.xlsx?from=${from}&to=${to}`, T.town_official)).status, 200);
  assert.equal((await get(`/api/v1/villages/${A.village}/ledger/export.xlsx?from=${from}&to=${to}`, T.villager)).status, 403);
  assert.equal((await get(`/api/v1/villages/${A.village}/ledger/export.xlsx?from=${from}&to=${to}`, T.cadreB)).status, 404);
  const noDates = await get(`/api/v1/villages/${A.village}/ledger/export.xlsx`, T.cadre);
  assert.equal(noDates.status, 400);
  assert.ok(noDates.json.error.fields.from && noDates.json.error.fields.to);
  const reversed = await get(`/api/v1/villages/${A.village}/ledger/export.xlsx?from=${to}&to=${from}`, T.cadre);
  assert.equal(reversed.status, 400);
  assert.ok(reversed.json.error.fields.to);
  assert.equal((await get(`/api/v1/villages/${A.group}/ledger/export.xlsx?from=${from}&to=${to}`, T.cadre)).status, 404);
});

test('statistics add up by category, village, town and county', async () => {
  const v = await must(await get(`/api/v1/stats/points?unit_id=${A.village}&period=${P.month}`, T.cadre), 200);
  assert.deepEqual([v.issued, v.deducted, v.credited, v.credited_points], [100, 25, 7, 75]);
  assert.deepEqual([v.households, v.participating], [A.households, 4], 'the household with only a deduction does not count');
  assert.equal(v.participation, Math.round((4 / A.households) * 10000) / 10000);
  assert.deepEqual(v.units, []);
  const cats = Object.fromEntries(v.categories.map((k) => [k.category, k]));
  assert.deepEqual(cats['平安建设'], { category: '平安建设', issued: 100, deducted: 0, credited: 5, credited_points: 100 });
  assert.equal(cats['扣分事项'].deducted, 25);
  assert.equal(cats['扣分事项'].credited, 2);
  for (const key of ['issued', 'deducted', 'credited', 'credited_points'])
    assert.equal(v.categories.reduce((a, k) => a + k[key], 0), v[key], key);
  // the quarter and year hold the same; the correction was made the next month
  for (const period of [P.quarter, P.year]) {
    const q = await must(await get(`/api/v1/stats/points?unit_id=${A.village}&period=${period}`, T.cadre), 200);
    assert.deepEqual([q.issued, q.deducted, q.credited], [100, 25, 7]);
  }

  const c = await must(await get(`/api/v1/stats/points?unit_id=${A.county}&period=${P.month}`, T.county_admin), 200);
  assert.deepEqual([c.unit_kind, c.issued, c.deducted, c.participating], ['county', 100, 25, 4]);
  const villages = c.units.filter((u) => u.kind === 'village');
  const towns = c.units.filter((u) => u.kind === 'town');
  assert.ok(villages.some((u) => u.id === A.village && u.participating === 4 && u.households === A.households));
  assert.ok(villages.some((u) => u.id === B.village && u.participating === 0 && u.households === 1));
  assert.equal(c.households, villages.reduce((a, u) => a + u.households, 0));
  assert.equal(c.participating, villages.reduce((a, u) => a + u.participating, 0));
  for (const t of towns) {
    const mine = villages.filter((u) => u.parent_id === t.id);
    assert.equal(t.households, mine.reduce((a, u) => a + u.households, 0), t.name);
    assert.equal(t.participating, mine.reduce((a, u) => a + u.participating, 0), t.name);
  }
  const townA = villages.find((u) => u.id === A.village).parent_id;
  const t = await must(await get(`/api/v1/stats/points?unit_id=${townA}&period=${P.month}`, T.town_official), 200);
  assert.deepEqual([t.unit_kind, t.issued, t.participating], ['town', 100, 4]);
  assert.ok(t.units.every((u) => u.kind === 'village' && u.parent_id === townA));

  assert.equal((await get(`/api/v1/stats/points?unit_id=${A.county}&period=${P.month}`, T.cadre)).status, 403);
  assert.equal((await get(`/api/v1/stats/points?unit_id=${A.village}&period=${P.month}`, T.villager)).status, 403);
  assert.equal((await get(`/api/v1/stats/points?unit_id=${A.village}&period=${P.month}`, T.cadreB)).status, 404);
  const group = await get(`/api/v1/stats/points?unit_id=${A.group}&period=${P.month}`, T.cadre);
  assert.equal(group.status, 400);
  assert.ok(group.json.error.fields.unit_id);
  const bad = await get(`/api/v1/stats/points?unit_id=${A.village}&period=soon`, T.cadre);
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.period);
});

test('audit and ledger chains still verify', async () => {
  const r = await must(await get('/api/v1/audit/verify', T.county_admin), 200);
  assert.equal(r.ok, true, JSON.stringify(r));
});

test("the caller's own place alone: rank and points without the other households", async () => {
  const q = `unit_id=${A.village}&period=${P.month}`;
  const full = await must(await get(`/api/v1/rankings?${q}`, T.villager), 200);
  const v = await must(await get(`/api/v1/rankings/mine?${q}`, T.villager), 200);
  assert.deepEqual(v.mine, full.mine);
  assert.equal(v.mine.household_id, A.villagerHousehold);
  assert.deepEqual([v.unit_id, v.unit_kind, v.period, v.period_label, v.households],
    [A.village, 'village', P.month, P.monthLabel, A.households]);
  assert.equal(v.rows, undefined, 'no other household is sent');
  assert.equal(v.red_list, undefined);
  assert.equal(v.black_list, undefined);
  // a household with points sees the same rank as in the whole ranking
  const top = full.rows[0];
  assert.ok(top.points > 0);
  // no household: null
  const c = await must(await get(`/api/v1/rankings/mine?${q}`, T.cadre), 200);
  assert.equal(c.mine, null);
  assert.equal(c.households, A.households);
  // the group's ranking: the villager's household is in one group only
  const g = await must(await get(`/api/v1/rankings/mine?unit_id=${A.group}&period=${P.month}`, T.villager), 200);
  const members = await must(await get(`/api/v1/households?unit_id=${A.group}&limit=200`, T.cadre), 200);
  const inGroup = members.items.some((h) => h.id === A.villagerHousehold);
  assert.equal(g.mine ? g.mine.household_id : null, inGroup ? A.villagerHousehold : null);
  // the same reading rights and input checks as the whole ranking
  assert.equal((await get(`/api/v1/rankings/mine?${q}`, T.cadreB)).status, 403);
  assert.equal((await get(`/api/v1/rankings/mine?${q}`)).status, 401);
  const bad = await get(`/api/v1/rankings/mine?unit_id=${A.village}&period=2026-13`, T.villager);
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.json.error.fields.period);
  const none = await get('/api/v1/rankings/mine', T.villager);
  assert.equal(none.status, 400);
  assert.ok(none.json.error.fields.unit_id && none.json.error.fields.period);
});

test('the live ranking equals the sums of the ledger for every month, quarter and year it holds', async () => {
  // the demo's history and this file's awards, deductions and corrections (sales and
  // returns at the counter: tests/api/counter.test.js)
  const entries = await villageLedger(s, A.village, T.cadre);
  const sources = new Set(entries.map((e) => e.source));
  for (const s0 of ['award', 'deduction', 'correction'])
    assert.ok(sources.has(s0), `the village's ledger has no ${s0} entry`);
  const periods = new Set();
  for (const e of entries) {
    const m = Number(e.at.slice(5, 7));
    periods.add(e.at.slice(0, 7)).add(`${e.at.slice(0, 4)}-Q${Math.floor((m - 1) / 3) + 1}`).add(e.at.slice(0, 4));
  }
  assert.ok(periods.size >= 5, [...periods].join(' '));
  for (const period of periods) {
    const live = await must(await get(`/api/v1/rankings?unit_id=${A.village}&period=${period}`, T.cadre), 200);
    const sums = honourSums(entries, period);
    assert.equal(live.rows.length, A.households);
    for (const row of live.rows)
      assert.equal(row.points, sums.get(row.household_id) || 0, `${period}: household ${row.household_id}`);
    for (const id of sums.keys())
      assert.ok(live.rows.some((r) => r.household_id === id), `${period}: household ${id} is not ranked`);
  }
});

test('cunzhi verify recomputes the stored totals and finds one changed behind the server', async () => {
  const ok = s.cli(['verify']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ledger: ok/);
  const stopped = await s.stop();
  assert.equal(stopped.code, 0);
  const sql = `UPDATE ledger_totals SET honour = honour + 1 WHERE household_id = ${A.hh[0].id} AND period = '${P.month}'`;
  if (s.db) execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', s.db, '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  else execFileSync('sqlite3', [path.join(s.data, 'cunzhi.db'), sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (const jobs of ['1', '4']) {
    const v = s.cli(['verify', '--jobs', jobs]);
    assert.equal(v.code, 3, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`ledger: BROKEN in village ${A.village} .*household ${A.hh[0].id}\\).*${P.month} 的积分合计与台账不符`), `--jobs ${jobs}`);
  }
});
