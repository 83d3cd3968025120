// ID-card numbers masked by default: households and residents answer every reader with
// the masked number only; GET /api/v1/residents/{id}/idcard reveals the full number to
// the roles holding the PII permission (the village's cadre, the county), 403 for the
// roles that see the household without it, 404 outside every grant (another village,
// a resident that does not exist). Each reveal is one audit entry naming who saw whose
// number; a refused one leaves none.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard } = require('./lib');

let s;
let village;      // 青山村
let hh;           // a household there
let resident;     // its resident created here, with a known number
const idcard = makeIdcard('19760923', 481, '510923');
const mask = idcard.slice(0, 4) + '*'.repeat(13) + idcard.slice(17);
const other = {}; // a village in another town, its resident

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const reveal = async (role, id) => s.api('GET', `/api/v1/residents/${id}/idcard`, { token: await s.as(role) });

async function reveals(unit, id) {
  const county = await s.as('county_admin');
  const r = must(await s.api('GET', `/api/v1/audit?unit_id=${unit}&object_type=resident&object_id=${id}&limit=200`, { token: county }), 200);
  return r.items.filter((e) => e.action === 'reveal_idcard');
}

before(async () => {
  s = await startServer();
  const cadre = await s.as('cadre');
  village = must(await s.api('GET', '/api/v1/session', { token: cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
  // a household the grid worker reads too
  const gw = await s.as('grid_worker');
  hh = must(await s.api('GET', '/api/v1/households?limit=1', { token: gw }), 200).items[0];
  assert.equal(hh.village_id, village);
  resident = must(await s.api('POST', '/api/v1/residents', {
    token: cadre, body: { household_id: hh.id, name: '吴德明', idcard, relation: '其他' },
  }), 201);

  const county = await s.as('county_admin');
  const town = must(await s.api('POST', '/api/v1/units', { token: county, body: { parent_id: 1, kind: 'town', code: 'IDC-T2', name: '石桥镇' } }), 201).id;
  other.village = must(await s.api('POST', '/api/v1/units', { token: county, body: { parent_id: town, kind: 'village', code: 'IDC-V2', name: '石桥村' } }), 201).id;
  other.hh = must(await s.api('POST', '/api/v1/households', { token: county, body: { village_id: other.village, number: 'S001', address: '石桥村 1 号' } }), 201).id;
  other.idcard = makeIdcard('19810204', 75, '500101');
  other.resident = must(await s.api('POST', '/api/v1/residents', {
    token: county, body: { household_id: other.hh, name: '冯石生', idcard: other.idcard, relation: '户主' },
  }), 201).id;
});
after(async () => { if (s) await s.close(); });

test('every reply carries the masked number, for every role', async () => {
  assert.equal(resident.idcard, mask, 'the create reply');
  assert.equal(resident.idcard_full, false);
  for (const role of ['county_admin', 'cadre', 'grid_worker', 'town_official']) {
    const token = await s.as(role);
    const h = await s.api('GET', `/api/v1/households/${hh.id}`, { token });
    if (h.status !== 200) continue;
    for (const m of h.json.members) {
      assert.equal(m.idcard_full, false, role);
      assert.match(m.idcard, /^(\d{4}\*{13}[\dX]|\*+)$/, `${role}: ${m.idcard}`);
    }
    const one = must(await s.api('GET', `/api/v1/residents/${resident.id}`, { token }), 200);
    assert.equal(one.idcard, mask, role);
    // the console offers the reveal to those who may
    const may = role === 'county_admin' || role === 'cadre';
    assert.equal(one.idcard_revealable, may, role);
    assert.ok(h.json.members.every((m) => m.idcard_revealable === may), role);
    assert.ok(!h.text.includes(idcard) && !JSON.stringify(one).includes(idcard), role);
  }
  const upd = must(await s.api('PATCH', `/api/v1/residents/${resident.id}`, { token: await s.as('cadre'), body: { phone: '13812345670' } }), 200);
  assert.equal(upd.idcard, mask, 'the update reply');
});

test('the PII roles get the full number, each reveal audited with who saw whose number', async () => {
  const before = (await reveals(village, resident.id)).length;
  const cadreMe = must(await s.api('GET', '/api/v1/session', { token: await s.as('cadre') }), 200);
  const r = must(await reveal('cadre', resident.id), 200);
  assert.deepEqual(r, { id: resident.id, name: '吴德明', idcard });
  must(await reveal('county_admin', resident.id), 200);
  const entries = await reveals(village, resident.id);
  assert.equal(entries.length, before + 2);
  const byCadre = entries.find((e) => e.actor_name === cadreMe.name);
  assert.ok(byCadre, `an entry by ${cadreMe.name}: ${JSON.stringify(entries)}`);
  assert.equal(byCadre.object_type, 'resident');
  assert.equal(byCadre.object_id, resident.id);
  assert.equal(byCadre.after.name, '吴德明');
  assert.equal(byCadre.after.idcard, mask, 'the audit keeps the masked form only');
  assert.ok(!JSON.stringify(entries).includes(idcard));
  // the reveal did not change the resident
  assert.equal(must(await s.api('GET', `/api/v1/residents/${resident.id}`, { token: await s.as('cadre') }), 200).idcard, mask);
});

test('visible without the PII permission is 403, outside every grant 404; neither is audited', async () => {
  const before = (await reveals(village, resident.id)).length;
  let refused403 = 0;
  for (const role of ['grid_worker', 'grid_worker_grid', 'town_official', 'villager', 'assessor', 'clerk', 'inspector', 'handler', 'operator']) {
    const r = await reveal(role, resident.id);
    assert.ok(r.status === 403 || r.status === 404, `${role}: ${r.status} ${r.text}`);
    assert.ok(!r.text.includes(idcard), role);
    // 403 exactly for those who read the resident
    const seen = await s.api('GET', `/api/v1/residents/${resident.id}`, { token: await s.as(role) });
    assert.equal(r.status, seen.status === 200 ? 403 : 404, `${role}: reads ${seen.status}, reveal ${r.status}`);
    if (r.status === 403) {
      refused403++;
      assert.match(r.json.error.message, /身份证/);
    }
  }
  assert.ok(refused403 >= 2, 'the grid worker and the town official see the household');
  // the villager's own household: visible, still not theirs to unmask
  const me = must(await s.api('GET', '/api/v1/session', { token: await s.as('villager') }), 200);
  const own = must(await s.api('GET', `/api/v1/households/${me.household_id}`, { token: await s.as('villager') }), 200);
  assert.equal((await reveal('villager', own.members[0].id)).status, 403);
  // another village: the demo cadre and town official have no grant there
  for (const role of ['cadre', 'town_official', 'grid_worker'])
    assert.equal((await reveal(role, other.resident)).status, 404, role);
  assert.equal((await reveal('cadre', 99999999)).status, 404);
  assert.equal((await reveal('county_admin', 99999999)).status, 404);
  assert.equal(must(await reveal('county_admin', other.resident), 200).idcard, other.idcard);
  assert.equal((await reveals(village, resident.id)).length, before, 'refusals are not audited');
  assert.equal((await reveals(other.village, other.resident)).length, 1);
  // without a session
  assert.equal((await s.api('GET', `/api/v1/residents/${resident.id}/idcard`)).status, 401);
});
