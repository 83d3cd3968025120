// The ranking of a town over the API: every household of every village of the town,
// ranked by the points of the period as each village's ranking ranks them, each row
// naming its village. It equals the merge of its villages' rankings, and those the sums
// of their ledgers; a new ledger entry in any one village shows in the next reply (the
// kept reply is keyed by every village's generation); town officials and the county
// read it, a cadre of one of its villages gets 403 and a cadre of another town 404.
// The clock is first moved to the 2nd of next month, so the month holds only what
// this file creates.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard, villageLedger, honourSums } = require('./lib');

let s;
const T = {};   // tokens
const A = {};   // the demo village 青山村 in 河口镇
const B = {};   // a second village of 河口镇, with two cadres
const C = {};   // a village of another town, with its cadre
const P = {};
let nextSeq = 611;   // ID-card sequence numbers of the residents made here

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const get = (path, token) => s.api('GET', path, { token });
const post = (path, token, body) => s.api('POST', path, { token, body });

async function relogin() {
  s.tokens.clear();
  for (const role of ['county_admin', 'town_official', 'cadre', 'inspector', 'villager'])
    T[role] = await s.as(role);
  T.cadreB = await s.login('13722225551', 'Cadre-B-2026');
  T.cadreB2 = await s.login('13722225552', 'Cadre-B-2026');
  T.cadreC = await s.login('13722225553', 'Cadre-C-2026');
}

async function cadre(phone, name, password, unit) {
  const user = await must(await post('/api/v1/users', T.county_admin, { phone, name, password }), 201);
  await must(await post(`/api/v1/users/${user.id}/grants`, T.county_admin, { role: 'cadre', unit_id: unit }), 200);
}

async function village(parent, code, name, numbers) {
  const id = (await must(await post('/api/v1/units', T.county_admin, { parent_id: parent, kind: 'village', code, name }), 201)).id;
  const households = [];
  for (const [i, number] of numbers.entries()) {
    const h = (await must(await post('/api/v1/households', T.county_admin, { village_id: id, number, address: `${name} ${i + 1} 号` }), 201)).id;
    await must(await post('/api/v1/residents', T.county_admin, {
      household_id: h, name: `赵${['一', '二', '三', '四'][i]}${name.slice(0, 1)}`,
      idcard: makeIdcard('19640718', nextSeq++, '500101'), relation: '户主',
    }), 201);
    households.push(h);
  }
  return { id, households };
}

// The ranking's rows and black list, read over the API.
const ranking = async (unit, period, token = T.town_official) =>
  must(await get(`/api/v1/rankings?unit_id=${unit}&period=${period}`, token), 200);

// Checks the town's ranking against its villages' rankings and their ledgers: the same
// households with the same points, ranked over the whole town, each row naming its
// village; the black list is the union of the villages'.
async function checkMerge(period) {
  const town = await ranking(A.town, period);
  const villages = [[A.village, '青山村', T.cadre], [B.village, '新桥村', T.cadreB]];
  const merged = new Map();
  const black = [];
  for (const [id, name, token] of villages) {
    const v = await ranking(id, period, token);
    const sums = honourSums(await villageLedger(s, id, token), period);
    for (const row of v.rows) {
      assert.equal(row.points, sums.get(row.household_id) || 0, `${period}: household ${row.household_id}`);
      merged.set(row.household_id, { ...row, village_id: id, village_name: name });
    }
    for (const b of v.black_list) black.push({ ...b, village_id: id, village_name: name });
  }
  assert.equal(town.unit_kind, 'town');
  assert.equal(town.unit_name, '河口镇');
  assert.equal(town.village_id, null);
  assert.equal(town.households, merged.size);
  assert.equal(town.rows.length, merged.size);
  for (const [i, row] of town.rows.entries()) {
    const m = merged.get(row.household_id);
    assert.ok(m, `household ${row.household_id} is not in its village's ranking`);
    assert.deepEqual([row.points, row.household_number, row.name, row.village_id, row.village_name],
      [m.points, m.household_number, m.name, m.village_id, m.village_name]);
    if (i) assert.ok(town.rows[i - 1].points >= row.points, 'best first');
    assert.equal(row.rank, 1 + town.rows.filter((x) => x.points > row.points).length, 'ties share a rank');
  }
  const top = town.rows.filter((x) => x.points > 0 && x.rank <= town.red_list_size);
  assert.deepEqual(town.red_list, top);
  const key = (x) => `${x.household_id}:${x.deductions}:${x.points}:${x.village_name}`;
  assert.deepEqual(town.black_list.map(key).sort(), black.map(key).sort());
  for (const [i, b] of town.black_list.entries())
    if (i) assert.ok(town.black_list[i - 1].points <= b.points, 'most deducted first');
  return town;
}

before(async () => {
  s = await startServer();
  T.county_admin = await s.as('county_admin');
  T.cadre = await s.as('cadre');
  const me = await must(await get('/api/v1/session', T.cadre), 200);
  A.village = me.grants.find((g) => g.role === 'cadre').unit_id;
  A.town = (await must(await get(`/api/v1/units/${A.village}`, T.county_admin), 200)).parent_id;
  const county = (await must(await get(`/api/v1/units/${A.town}`, T.county_admin), 200)).parent_id;

  // a second village in the same town, and a village of another town
  Object.assign(B, await village(A.town, 'TOWNR-V2', '新桥村', ['X2', 'X10', 'X3']));
  B.village = B.id;
  C.town = (await must(await post('/api/v1/units', T.county_admin, { parent_id: county, kind: 'town', code: 'TOWNR-T2', name: '石岭镇' }), 201)).id;
  Object.assign(C, await village(C.town, 'TOWNR-V3', '石岭村', ['Y1']));
  await cadre('13722225551', '钱书记', 'Cadre-B-2026', B.village);
  await cadre('13722225552', '孙主任', 'Cadre-B-2026', B.village);
  await cadre('13722225553', '周书记', 'Cadre-C-2026', C.id);

  // to the 2nd of next month, 10:00 Asia/Shanghai
  const { now } = await s.advance(0);
  const x = new Date(new Date(now).getTime() + 8 * 3600e3);
  const target = Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 2, 2, 0, 0);
  await s.advance(Math.round((target - new Date(now).getTime()) / 1000));
  const day = new Date(target + 8 * 3600e3).toISOString().slice(0, 10);
  P.month = day.slice(0, 7);
  P.year = day.slice(0, 4);
  await relogin();

  // the second village's catalog: one award and one deduction
  const v = await must(await post(`/api/v1/units/${B.village}/rule-versions`, T.cadreB, {
    meeting_type: '村民代表会议', meeting_date: day, note: '试行',
    add: [
      { category: '生产生活', name: '修路出工', points: 30, claim_by: 'cadre' },
      { category: '扣分事项', name: '乱倒垃圾', points: -8, claim_by: 'cadre' },
    ],
  }), 201);
  const [plus, minus] = v.added.map((r) => r.id);
  const rulesA = (await must(await get(`/api/v1/units/${A.village}/rules?limit=200`, T.cadre), 200)).items;
  const hero = rulesA.find((r) => r.name === '见义勇为');
  P.hero = hero.points;
  assert.ok(P.hero > 0 && P.hero < 30, `见义勇为 has ${P.hero} points`);
  const hh = (await must(await get(`/api/v1/households?unit_id=${A.village}&limit=3`, T.cadre), 200)).items;
  A.households = hh.map((h) => h.id);

  const award = (token, rule, households) =>
    post('/api/v1/awards', token, { rule_id: rule, household_ids: households, occurred_on: day, note: '本月' }).then((r) => must(r, 201));
  await award(T.cadre, hero.id, [A.households[0]]);
  await award(T.cadreB, plus, [B.households[0], B.households[1]]);
  await award(T.cadreB, minus, [B.households[2]]);
  await award(T.cadreC, (await must(await post(`/api/v1/units/${C.id}/rule-versions`, T.cadreC, {
    meeting_type: '村民代表会议', meeting_date: day, note: '试行', add: [{ category: '生产生活', name: '护林', points: 50, claim_by: 'cadre' }],
  }), 201)).added[0].id, C.households);
  const tick = await s.advance(4 * 86400);   // 公示 lasts 3 days
  assert.equal(tick.credited, 5, JSON.stringify(tick));
  await relogin();
});

after(async () => {
  if (s) await s.close();
});

test("a town's ranking is the merge of its villages' rankings, each the sums of its ledger", async () => {
  const town = await checkMerge(P.month);
  assert.ok(town.rows.every((r) => r.village_name === '青山村' || r.village_name === '新桥村'), 'only the town\'s villages');
  assert.ok(!town.rows.some((r) => C.households.includes(r.household_id)), 'not the other town\'s households');
  assert.equal(town.red_list_size, 20);
  // ties ordered by household number, naturally: X2 before X10
  assert.deepEqual(town.red_list.map((r) => [r.household_id, r.points, r.rank]),
    [[B.households[0], 30, 1], [B.households[1], 30, 1], [A.households[0], P.hero, 3]]);
  assert.deepEqual(town.black_list.map((r) => [r.household_id, r.deductions, r.points, r.village_name]),
    [[B.households[2], 1, -8, '新桥村']]);
  await checkMerge(P.year);
});

test('a new ledger entry in any one village shows in the next reply of the town', async () => {
  const path = `/api/v1/rankings?unit_id=${A.town}&period=${P.month}`;
  const cached = async () => (await get(path, T.town_official)).headers.get('x-reply-cache');
  const first = await ranking(A.town, P.month);
  const again = await get(path, T.town_official);
  assert.equal(again.headers.get('x-reply-cache'), 'hit', 'kept while nothing moved');
  assert.deepEqual(again.json, first);

  // village B: reversing the deduction (approved by a second cadre) writes a correction
  const entries = await must(await get(`/api/v1/households/${B.households[2]}/ledger?source=deduction`, T.cadreB), 200);
  const asked = await must(await post(`/api/v1/ledger/${entries.items[0].id}/correction`, T.cadreB, { reason: '经核实系他人所倒' }), 202);
  await must(await post(`/api/v1/ledger-corrections/${asked.request_id}/decision`, T.cadreB2, { approve: true }), 201);
  assert.equal(await cached(), 'miss', 'a new entry in village B');
  const after1 = await checkMerge(P.month);
  assert.deepEqual(after1.black_list, [], 'the reversed deduction is off the town\'s black list');
  assert.equal(after1.rows.find((r) => r.household_id === B.households[2]).points, 0);

  // village A: a correction of its award takes the points away again
  const a = await must(await get(`/api/v1/households/${A.households[0]}/ledger?source=award`, T.cadre), 200);
  const before = after1.rows.find((r) => r.household_id === A.households[0]).points;
  // (the village's only cadre: the correction takes effect at once)
  await must(await post(`/api/v1/ledger/${a.items[0].id}/correction`, T.cadre, { reason: '重复登记' }), 201);
  assert.equal(await cached(), 'miss', 'a new entry in village A');
  const after2 = await checkMerge(P.month);
  assert.equal(after2.rows.find((r) => r.household_id === A.households[0]).points, before - a.items[0].honour);
  assert.deepEqual(after2.red_list.map((r) => r.household_id), [B.households[0], B.households[1]]);
});

test('who may read a town ranking', async () => {
  for (const role of ['town_official', 'county_admin', 'inspector'])
    assert.equal((await get(`/api/v1/rankings?unit_id=${A.town}&period=${P.month}`, T[role])).status, 200, role);
  // cadres of its villages see the town (their village lies in it): 403
  for (const token of [T.cadre, T.cadreB]) {
    const r = await get(`/api/v1/rankings?unit_id=${A.town}&period=${P.month}`, token);
    assert.equal(r.status, 403, r.text);
    assert.match(r.json.error.message, /河口镇/);
  }
  // a cadre of another town's village, and the town official for another town: 404
  assert.equal((await get(`/api/v1/rankings?unit_id=${A.town}&period=${P.month}`, T.cadreC)).status, 404);
  assert.equal((await get(`/api/v1/rankings?unit_id=${C.town}&period=${P.month}`, T.town_official)).status, 404);
  assert.equal((await get(`/api/v1/rankings?unit_id=${C.town}&period=${P.month}`, T.cadreC)).status, 403);
  assert.equal((await get(`/api/v1/rankings?unit_id=${A.town}&period=${P.month}`)).status, 401);
  // the other town's ranking, for the county
  const c = await ranking(C.town, P.month, T.county_admin);
  assert.deepEqual(c.rows.map((r) => [r.household_id, r.points, r.village_name]), [[C.households[0], 50, '石岭村']]);
  // a town's ranking is not published: snapshots stay per village
  const pub = await post('/api/v1/rankings', T.county_admin, { unit_id: A.town, period: P.month });
  assert.equal(pub.status, 400, pub.text);
  assert.ok(pub.json.error.fields.unit_id);
  const bad = await get(`/api/v1/rankings?unit_id=${A.town}&period=2026-13`, T.town_official);
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.period);
});
