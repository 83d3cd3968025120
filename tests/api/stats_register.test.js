// The registered share 入住率 on the dashboards (GET /api/v1/stats/register): households
// with at least one activated villager account over all households, for a county,
// town, village or group, with the towns and villages (or a village's groups) below.
// Accounts are activated here one by one and the exact counts checked after each
// step: two accounts in one household count the household once, a pending account
// counts nothing, reissuing a code (the account back to pending) takes the household
// out again, and a new village rolls up into its town. Then who may read it, and input
// errors.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard } = require('./lib');

let s;
const U = {};        // county, town, village (青山村), village2 (created here)
let demoVillager;    // the demo villager's household
const phoneMembers = new Map();  // household id → residents with a mobile phone and no account
let groupOf;         // household id → group id

const json = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const fieldsOf = (r) => Object.keys(r.json?.error?.fields || {}).sort();
const share = (part, whole) => Math.round((part * 10000) / whole) / 10000;

async function stats(unitId, role = 'county_admin') {
  return s.api('GET', `/api/v1/stats/register?unit_id=${unitId}`, { token: await s.as(role) });
}

// A cadre issues an activation code, and the villager activates with it.
async function activate(resident, password = 'Village-pass-01') {
  const cadre = await s.as('cadre');
  const code = json(await s.api('POST', `/api/v1/residents/${resident.id}/activation`, { token: cadre, body: {} }), 201);
  json(await s.api('POST', '/api/v1/activation', { body: { phone: resident.phone, code: code.code, password } }), 201);
}

before(async () => {
  s = await startServer();
  const cadre = await s.as('cadre');
  const me = json(await s.api('GET', '/api/v1/session', { token: cadre }), 200);
  U.village = me.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = json(await s.api('GET', `/api/v1/units/${U.village}`, { token: cadre }), 200).parent_id;
  U.county = json(await s.api('GET', `/api/v1/units/${U.town}`, { token: await s.as('county_admin') }), 200).parent_id;
  demoVillager = json(await s.api('GET', '/api/v1/session', { token: await s.as('villager') }), 200).household_id;
  groupOf = new Map();
  // households with residents who have a phone and no account yet
  for (let id = 1; id <= 80; id++) {
    const h = json(await s.api('GET', `/api/v1/households/${id}`, { token: cadre }), 200);
    groupOf.set(id, h.group_id);
    if (id === demoVillager) continue;
    const ms = h.members.filter((m) => /^1\d{10}$/.test(m.phone || '') && m.user_id === null);
    if (ms.length) phoneMembers.set(id, ms);
  }
});
after(async () => { if (s) await s.close(); });

test('the demo village: only the demo villager has an account', async () => {
  const r = json(await stats(U.village, 'cadre'), 200);
  assert.equal(r.unit_id, U.village);
  assert.equal(r.unit_kind, 'village');
  assert.equal(r.unit_name, '青山村');
  assert.equal(r.households, 300);
  assert.equal(r.registered, 1);
  assert.equal(r.accounts, 1);
  assert.equal(r.share, share(1, 300));
  // below a village: its groups, adding up to the village
  assert.ok(r.units.length >= 4, `${r.units.length} groups`);
  for (const u of r.units) {
    assert.equal(u.kind, 'group');
    assert.equal(u.parent_id, U.village);
    assert.ok(u.share >= 0 && u.share <= 1);
  }
  assert.equal(r.units.reduce((a, u) => a + u.households, 0), 300);
  assert.equal(r.units.reduce((a, u) => a + u.registered, 0), 1);
  const g = r.units.find((u) => u.id === groupOf.get(demoVillager));
  assert.equal(g.registered, 1);
  assert.equal(g.share, share(1, g.households));
});

test('activated accounts count their household once; pending accounts and reissued codes do not count', async () => {
  const two = [...phoneMembers.entries()].find(([, ms]) => ms.length >= 2);
  assert.ok(two, 'a household with two phones');
  const singles = [...phoneMembers.entries()].filter(([id]) => id !== two[0]).slice(0, 4);
  assert.equal(singles.length, 4);

  // two accounts in one household: one more household, two more accounts
  await activate(two[1][0]);
  await activate(two[1][1]);
  let r = json(await stats(U.village, 'cadre'), 200);
  assert.deepEqual([r.households, r.registered, r.accounts], [300, 2, 3]);

  // three single households
  for (const [, ms] of singles.slice(0, 3)) await activate(ms[0]);
  r = json(await stats(U.village, 'cadre'), 200);
  assert.deepEqual([r.households, r.registered, r.accounts], [300, 5, 6]);
  assert.equal(r.share, 0.0167);   // 5 / 300

  // a code issued but not used: the account is pending and counts nothing
  const pending = singles[3];
  json(await s.api('POST', `/api/v1/residents/${pending[1][0].id}/activation`, { token: await s.as('cadre'), body: {} }), 201);
  r = json(await stats(U.village, 'cadre'), 200);
  assert.deepEqual([r.registered, r.accounts], [5, 6]);

  // reissuing a code for an active account sets it back to pending: its household drops out
  json(await s.api('POST', `/api/v1/residents/${singles[0][1][0].id}/activation`, { token: await s.as('cadre'), body: {} }), 201);
  r = json(await stats(U.village, 'cadre'), 200);
  assert.deepEqual([r.registered, r.accounts], [4, 5]);
  // one of the two in the shared household likewise: the household still counts
  json(await s.api('POST', `/api/v1/residents/${two[1][0].id}/activation`, { token: await s.as('cadre'), body: {} }), 201);
  r = json(await stats(U.village, 'cadre'), 200);
  assert.deepEqual([r.registered, r.accounts], [4, 4]);
  assert.equal(r.share, 0.0133);   // 4 / 300

  // per group: exactly the households activated there
  const expect = new Map();
  for (const id of [demoVillager, two[0], singles[1][0], singles[2][0]]) {
    const g = groupOf.get(id);
    expect.set(g, (expect.get(g) || 0) + 1);
  }
  for (const u of r.units) assert.equal(u.registered, expect.get(u.id) || 0, `group ${u.name}`);

  // a group on its own
  const g = r.units.find((u) => u.id === groupOf.get(two[0]));
  const rg = json(await stats(g.id, 'cadre'), 200);
  assert.equal(rg.unit_kind, 'group');
  assert.deepEqual([rg.households, rg.registered], [g.households, g.registered]);
  assert.deepEqual(rg.units, []);
});

test('the county and town roll up their villages; a new village starts at 0 and counts', async () => {
  const admin = await s.as('county_admin');
  U.village2 = json(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: U.town, kind: 'village', code: 'REG-V2', name: '绿水村' } }), 201).id;
  const hh = json(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: U.village2, number: 'A001', address: '绿水村 1 号' } }), 201);
  json(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: U.village2, number: 'A002', address: '绿水村 2 号' } }), 201);
  const res = json(await s.api('POST', '/api/v1/residents', {
    token: admin,
    body: { household_id: hh.id, name: '赵大山', idcard: makeIdcard('19700505', 11, '510923'), relation: '户主', phone: '13812340001' },
  }), 201);

  let r = json(await stats(U.county), 200);
  assert.equal(r.unit_kind, 'county');
  assert.deepEqual([r.households, r.registered, r.accounts], [302, 4, 4]);
  assert.deepEqual(r.units.map((u) => [u.kind, u.name, u.households, u.registered]),
    [['town', '河口镇', 302, 4], ['village', '青山村', 300, 4], ['village', '绿水村', 2, 0]]);
  assert.equal(r.units[2].share, 0);
  assert.equal(r.units[1].parent_id, U.town);

  // the new village's cadre is not needed: the county admin issues the code
  const code = json(await s.api('POST', `/api/v1/residents/${res.id}/activation`, { token: admin, body: {} }), 201);
  json(await s.api('POST', '/api/v1/activation', { body: { phone: '13812340001', code: code.code, password: 'Village-pass-09' } }), 201);
  r = json(await stats(U.town, 'town_official'), 200);
  assert.equal(r.unit_kind, 'town');
  assert.deepEqual([r.households, r.registered, r.accounts, r.share], [302, 5, 5, share(5, 302)]);
  assert.deepEqual(r.units.map((u) => [u.name, u.households, u.registered, u.share]),
    [['青山村', 300, 4, share(4, 300)], ['绿水村', 2, 1, 0.5]]);
  const v2 = json(await stats(U.village2), 200);
  assert.deepEqual([v2.households, v2.registered, v2.share, v2.units], [2, 1, 0.5, []]);
});

test('who may read it: the register readers of the unit', async () => {
  assert.equal((await stats(U.village, 'inspector')).status, 200);
  assert.equal((await stats(U.village, 'grid_worker')).status, 200);
  // the department's handler has no grant in the village: not found
  assert.equal((await stats(U.village, 'handler')).status, 404);
  for (const role of ['clerk', 'villager']) {
    const r = await stats(U.village, role);
    assert.equal(r.status, 403, `${role}: ${r.text}`);
    assert.match(r.json.error.message, /无权查看/);
  }
  // a cadre reads their village, not the town or the county
  assert.equal((await stats(U.town, 'cadre')).status, 403);
  assert.equal((await stats(U.county, 'cadre')).status, 403);
  // nor another village of the town
  assert.equal((await stats(U.village2, 'cadre')).status, 404); // outside every grant
  const anon = await s.api('GET', `/api/v1/stats/register?unit_id=${U.village}`);
  assert.equal(anon.status, 401);
});

test('input errors name the field', async () => {
  const token = await s.as('county_admin');
  const missing = await s.api('GET', '/api/v1/stats/register', { token });
  assert.equal(missing.status, 400);
  assert.deepEqual(fieldsOf(missing), ['unit_id']);
  assert.match(missing.json.error.fields.unit_id, /必填/);
  for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
    const r = await s.api('GET', `/api/v1/stats/register?unit_id=${encodeURIComponent(bad)}`, { token });
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.deepEqual(fieldsOf(r), ['unit_id']);
  }
  const none = await s.api('GET', '/api/v1/stats/register?unit_id=999999', { token });
  assert.equal(none.status, 400);
  assert.equal(none.json.error.fields.unit_id, '单位不存在');
});
