// Role × scope: who may read and write which village's register, masked ID numbers,
// role grants and the audit log. Village A is the demo's 青山村; village B is created
// here in a second town, with its own cadre and villager.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard } = require('./lib');

let s;
let admin;
const A = { village: 3 };
const B = {};

const MASKED = /^\d{4}\*{13}[\dX]$/;
const FULL = /^\d{17}[\dX]$/;

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  s = await startServer();
  admin = await s.as('county_admin');
  const towns = await must(await s.api('GET', '/api/v1/units?parent_id=1', { token: admin }), 200);
  A.town = towns.items.find((u) => u.kind === 'town').id;
  const groups = await must(await s.api('GET', `/api/v1/units?parent_id=${A.village}`, { token: admin }), 200);
  A.groups = groups.items.filter((g) => g.kind === 'group').map((g) => g.id);
  A.household = 2;
  const hA = await must(await s.api('GET', `/api/v1/households/${A.household}`, { token: admin }), 200);
  A.resident = hA.members[0].id;
  A.idcard = hA.members[0].idcard;

  // village B in a second town
  B.town = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: 1, kind: 'town', code: 'SCOPE-T2', name: '河湾镇' } }), 201)).id;
  B.village = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: B.town, kind: 'village', code: 'SCOPE-V2', name: '红岩村' } }), 201)).id;
  B.group = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: B.village, kind: 'group', code: 'SCOPE-V2-G1', name: '第一组' } }), 201)).id;
  B.household = (await must(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: B.village, group_id: B.group, number: 'B001', address: '红岩村第一组 1 号' } }), 201)).id;
  B.idcard = makeIdcard('19680312', 231, '500101');
  const head = await must(await s.api('POST', '/api/v1/residents', {
    token: admin, body: { household_id: B.household, name: '钱红岩', idcard: B.idcard, relation: '户主', phone: '13711112222', party_member: 1 },
  }), 201);
  B.resident = head.id;
  B.spouse = (await must(await s.api('POST', '/api/v1/residents', {
    token: admin, body: { household_id: B.household, name: '孙秀梅', idcard: makeIdcard('19700101', 442, '500101'), relation: '配偶' },
  }), 201)).id;

  // B's cadre, made by the county admin
  const user = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13711110000', name: '钱书记', password: 'Cadre-B-2026' } }), 201);
  B.cadreUser = user.id;
  const granted = await must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: admin, body: { role: 'cadre', unit_id: B.village } }), 200);
  assert.deepEqual(granted.grants.map((g) => [g.role, g.unit_id]), [['cadre', B.village]]);
  B.cadre = await s.login('13711110000', 'Cadre-B-2026');

  // B's villager, activated through B's cadre
  const code = await must(await s.api('POST', `/api/v1/residents/${B.resident}/activation`, { token: B.cadre, body: {} }), 201);
  B.villager = (await must(await s.api('POST', '/api/v1/activation', { body: { phone: '13711112222', code: code.code, password: 'Villager-B-1' } }), 201)).token;

  A.cadre = await s.as('cadre');
  A.villager = await s.as('villager');
  const me = await must(await s.api('GET', '/api/v1/session', { token: A.villager }), 200);
  A.villagerHousehold = me.household_id;
  A.villagerResident = me.resident_id;
});
after(async () => { if (s) await s.close(); });

// Refused without data: 404 outside every grant, 403 when visible but not allowed
// (src/domain/kernel/access.h), and no household or resident fields in the body.
function refused(r, label, status) {
  assert.equal(r.status, status, `${label}: ${r.status} ${r.text}`);
  assert.ok(r.json && r.json.error, `${label}: error envelope`);
  assert.ok(!/钱红岩|孙秀梅|红岩村第一组|members/.test(r.text), `${label}: no data in ${r.text}`);
}

test('a cadre of village A cannot read village B', async () => {
  refused(await s.api('GET', `/api/v1/households/${B.household}`, { token: A.cadre }), 'household', 404);
  refused(await s.api('GET', `/api/v1/residents/${B.resident}`, { token: A.cadre }), 'resident', 404);
  refused(await s.api('GET', `/api/v1/households?unit_id=${B.village}`, { token: A.cadre }), 'list of B', 404);
  refused(await s.api('GET', `/api/v1/audit?unit_id=${B.village}`, { token: A.cadre }), 'audit of B', 404);
  refused(await s.api('GET', `/api/v1/users?unit_id=${B.village}`, { token: A.cadre }), 'users of B', 404);
  // the whole-scope list and searches show A only
  const all = await must(await s.api('GET', '/api/v1/households?limit=200', { token: A.cadre }), 200);
  assert.equal(all.total, 300);
  assert.ok(all.items.every((h) => h.village_id === A.village));
  for (const q of ['钱红岩', 'B001', '13711112222', B.idcard]) {
    const r = await must(await s.api('GET', `/api/v1/households?q=${encodeURIComponent(q)}`, { token: A.cadre }), 200);
    assert.equal(r.total, 0, q);
    assert.equal(r.items.length, 0, q);
  }
  // the unit list shows A's branch only
  const units = await must(await s.api('GET', '/api/v1/units?parent_id=1', { token: A.cadre }), 200);
  assert.deepEqual(units.items.map((u) => u.id), [A.town]);
});

test('a cadre of village A cannot write village B', async () => {
  refused(await s.api('PATCH', `/api/v1/households/${B.household}`, { token: A.cadre, body: { address: '改了' } }), 'patch household', 404);
  refused(await s.api('PATCH', `/api/v1/residents/${B.resident}`, { token: A.cadre, body: { phone: '13700000000' } }), 'patch resident', 404);
  refused(await s.api('POST', `/api/v1/residents/${B.resident}/activation`, { token: A.cadre, body: {} }), 'activation', 404);
  refused(await s.api('PATCH', `/api/v1/units/${B.village}`, { token: A.cadre, body: { name: '改名村' } }), 'rename B', 404);
  refused(await s.api('POST', '/api/v1/units', { token: A.cadre, body: { parent_id: B.village, kind: 'group', code: 'X-G9', name: '第九组' } }), 'group in B', 404);
  const hh = await s.api('POST', '/api/v1/households', { token: A.cadre, body: { village_id: B.village, number: 'B999' } });
  assert.equal(hh.status, 404, hh.text); // B lies outside every grant of A's cadre
  // a resident into B's household, or A's resident moved there: refused, B not revealed
  for (const r of [
    await s.api('POST', '/api/v1/residents', { token: A.cadre, body: { household_id: B.household, name: '周小', idcard: makeIdcard('20000101', 17), relation: '子' } }),
    await s.api('PATCH', `/api/v1/residents/${A.resident}`, { token: A.cadre, body: { household_id: B.household } }),
  ]) {
    assert.ok([400, 403, 404].includes(r.status), `${r.status} ${r.text}`);
    if (r.status === 400) assert.ok(r.json.error.fields.household_id);
    assert.ok(!/钱红岩|B001/.test(r.text));
  }
  // B is unchanged
  const hB = await must(await s.api('GET', `/api/v1/households/${B.household}`, { token: admin }), 200);
  assert.equal(hB.address, '红岩村第一组 1 号');
  assert.equal(hB.members.length, 2);
  const res = await must(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: admin }), 200);
  assert.equal(res.household_id, A.household);
});

test("B's cadre sees B only and can write there", async () => {
  const all = await must(await s.api('GET', '/api/v1/households', { token: B.cadre }), 200);
  assert.equal(all.total, 1);
  assert.equal(all.items[0].id, B.household);
  refused(await s.api('GET', `/api/v1/households/${A.household}`, { token: B.cadre }), 'A household', 404);
  refused(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: B.cadre }), 'A resident', 404);
  const upd = await must(await s.api('PATCH', `/api/v1/residents/${B.spouse}`, { token: B.cadre, body: { phone: '13711113333' } }), 200);
  assert.equal(upd.phone, '13711113333');
  assert.equal(upd.idcard_full, false); // masked in every reply (GET …/idcard reveals it)
});

test('a villager sees only their own household', async () => {
  const list = await must(await s.api('GET', '/api/v1/households', { token: A.villager }), 200);
  assert.equal(list.total, 1);
  assert.deepEqual(list.items.map((h) => h.id), [A.villagerHousehold]);
  const search = await must(await s.api('GET', '/api/v1/households?q=0002', { token: A.villager }), 200);
  assert.equal(search.total, 0);
  const own = await must(await s.api('GET', `/api/v1/households/${A.villagerHousehold}`, { token: A.villager }), 200);
  assert.ok(own.members.length >= 1);
  for (const m of own.members) {
    assert.equal(m.idcard_full, false);
    assert.match(m.idcard, MASKED);
  }
  const self = await must(await s.api('GET', `/api/v1/residents/${A.villagerResident}`, { token: A.villager }), 200);
  assert.match(self.idcard, MASKED);
  refused(await s.api('GET', `/api/v1/households/${A.household}`, { token: A.villager }), 'neighbour household', 404);
  refused(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: A.villager }), 'neighbour', 404);
  refused(await s.api('GET', `/api/v1/households/${B.household}`, { token: A.villager }), 'other village', 404);
  refused(await s.api('GET', `/api/v1/households?unit_id=${A.village}`, { token: A.villager }), 'list by unit', 403);
  // and B's villager likewise
  const bl = await must(await s.api('GET', '/api/v1/households', { token: B.villager }), 200);
  assert.deepEqual(bl.items.map((h) => h.id), [B.household]);
  refused(await s.api('GET', `/api/v1/households/${A.villagerHousehold}`, { token: B.villager }), 'B villager reads A', 404);
});

test('a villager cannot write, not even their own household', async () => {
  const v = A.villager;
  assert.equal((await s.api('POST', '/api/v1/households', { token: v, body: { village_id: A.village, number: 'V999' } })).status, 403);
  refused(await s.api('PATCH', `/api/v1/households/${A.villagerHousehold}`, { token: v, body: { address: '改了' } }), 'own household', 403);
  refused(await s.api('PATCH', `/api/v1/residents/${A.villagerResident}`, { token: v, body: { name: '改名' } }), 'self', 403);
  const add = await s.api('POST', '/api/v1/residents', { token: v, body: { household_id: A.villagerHousehold, name: '新生', idcard: makeIdcard('20200202', 3), relation: '孙子' } });
  assert.equal(add.status, 403, add.text);
  refused(await s.api('POST', `/api/v1/residents/${A.villagerResident}/activation`, { token: v, body: {} }), 'activation', 403);
  refused(await s.api('POST', '/api/v1/units', { token: v, body: { parent_id: A.village, kind: 'group', code: 'V-G', name: '某组' } }), 'unit', 403);
  refused(await s.api('POST', '/api/v1/users', { token: v, body: { phone: '13700000009', name: '某人', password: 'Some-pass-1' } }), 'user', 403);
  refused(await s.api('GET', `/api/v1/audit?unit_id=${A.village}`, { token: v }), 'audit', 403);
  refused(await s.api('GET', '/api/v1/audit/verify', { token: v }), 'audit verify', 403);
  refused(await s.api('GET', `/api/v1/users?unit_id=${A.village}`, { token: v }), 'users', 403);
});

const writes = () => [
  ['POST', '/api/v1/households', { village_id: A.village, number: 'R001' }],
  ['PATCH', `/api/v1/households/${A.household}`, { address: '只读' }],
  ['POST', '/api/v1/residents', { household_id: A.household, name: '只读', idcard: makeIdcard('19990909', 9), relation: '其他' }],
  ['PATCH', `/api/v1/residents/${A.resident}`, { phone: '13700000001' }],
  ['POST', `/api/v1/residents/${A.resident}/activation`, {}],
  ['POST', '/api/v1/units', { parent_id: A.village, kind: 'group', code: 'RO-G', name: '只读组' }],
  ['PATCH', `/api/v1/units/${A.village}`, { name: '只读村' }],
  ['POST', '/api/v1/users', { phone: '13700000002', name: '只读', password: 'Read-only-1' }],
  ['POST', `/api/v1/users/${B.cadreUser}/grants`, { role: 'cadre', unit_id: A.village }],
  ['DELETE', `/api/v1/users/${B.cadreUser}/grants`, { role: 'cadre', unit_id: B.village }],
];

test('the inspector reads everything in scope and every write is 403', async () => {
  const t = await s.as('inspector');
  const all = await must(await s.api('GET', '/api/v1/households', { token: t }), 200);
  assert.equal(all.total, 301);
  const hB = await must(await s.api('GET', `/api/v1/households/${B.household}`, { token: t }), 200);
  for (const m of hB.members) {
    assert.equal(m.idcard_full, false);
    assert.match(m.idcard, MASKED);
  }
  const r = await must(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: t }), 200);
  assert.match(r.idcard, MASKED);
  assert.equal(r.idcard_full, false);
  for (const [m, p, body] of writes()) {
    const w = await s.api(m, p, { token: t, body });
    assert.equal(w.status, 403, `${m} ${p}: ${w.status} ${w.text}`);
    assert.equal(w.json.error.code, 'forbidden');
  }
  // nothing changed
  const h = await must(await s.api('GET', `/api/v1/households/${A.household}`, { token: admin }), 200);
  assert.notEqual(h.address, '只读');
  const b = await must(await s.api('GET', `/api/v1/users/${B.cadreUser}`, { token: admin }), 200);
  assert.deepEqual(b.grants.map((g) => g.role), ['cadre']);
});

test("a town official reads its town, not another town's villages, and writes nothing", async () => {
  const t = await s.as('town_official');
  const all = await must(await s.api('GET', '/api/v1/households', { token: t }), 200);
  assert.equal(all.total, 300);
  assert.ok(all.items.every((h) => h.village_id === A.village));
  const byUnit = await must(await s.api('GET', `/api/v1/households?unit_id=${A.town}`, { token: t }), 200);
  assert.equal(byUnit.total, 300);
  const hA = await must(await s.api('GET', `/api/v1/households/${A.household}`, { token: t }), 200);
  assert.ok(hA.members.every((m) => MASKED.test(m.idcard) && m.idcard_full === false));
  refused(await s.api('GET', `/api/v1/households/${B.household}`, { token: t }), 'other town', 404);
  refused(await s.api('GET', `/api/v1/households?unit_id=${B.town}`, { token: t }), 'other town list', 404);
  refused(await s.api('GET', `/api/v1/audit?unit_id=${B.village}`, { token: t }), 'other town audit', 404);
  const audit = await s.api('GET', `/api/v1/audit?unit_id=${A.village}`, { token: t });
  assert.equal(audit.status, 200, audit.text);
  for (const [m, p, body] of writes().slice(0, 4)) {
    const w = await s.api(m, p, { token: t, body });
    assert.equal(w.status, 403, `${m} ${p}: ${w.text}`);
  }
});

test('a grid worker reads the village (masked) but cannot write', async () => {
  const t = await s.as('grid_worker');
  const all = await must(await s.api('GET', '/api/v1/households', { token: t }), 200);
  assert.equal(all.total, 300);
  const r = await must(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: t }), 200);
  assert.match(r.idcard, MASKED);
  assert.equal(r.idcard_full, false);
  refused(await s.api('GET', `/api/v1/households/${B.household}`, { token: t }), 'other village', 404);
  for (const [m, p, body] of writes().slice(0, 7)) {
    const w = await s.api(m, p, { token: t, body });
    assert.equal(w.status, 403, `${m} ${p}: ${w.text}`);
  }
  refused(await s.api('GET', `/api/v1/audit?unit_id=${A.village}`, { token: t }), 'audit', 403);
});

test('roles without register access (clerk, handler) read no households', async () => {
  for (const role of ['clerk', 'handler']) {
    const t = await s.as(role);
    refused(await s.api('GET', '/api/v1/households', { token: t }), `${role} list`, 403);
    refused(await s.api('GET', `/api/v1/households/${A.household}`, { token: t }), `${role} household`, 404);
    refused(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: t }), `${role} resident`, 404);
  }
});

test('full ID numbers only for the cadre and the county admin', async () => {
  for (const [label, token] of [['cadre', A.cadre], ['county_admin', admin]]) {
    // masked in every reply; revealed (and audited) one resident at a time
    const r = await must(await s.api('GET', `/api/v1/residents/${A.resident}/idcard`, { token }), 200);
    assert.match(r.idcard, FULL, label);
    const h = await must(await s.api('GET', `/api/v1/households/${A.household}`, { token }), 200);
    assert.ok(h.members.every((m) => !m.idcard_full && MASKED.test(m.idcard)), label);
    // the masked form shows the first four characters and the check character only,
    // and no birth date beside it
    const masked = await must(await s.api('GET', `/api/v1/residents/${A.resident}`, { token: await s.as('inspector') }), 200);
    assert.equal(masked.idcard, r.idcard.slice(0, 4) + '*'.repeat(13) + r.idcard.slice(17));
    assert.equal(masked.birth_date, null);
  }
  const bb = await must(await s.api('GET', `/api/v1/residents/${B.resident}/idcard`, { token: B.cadre }), 200);
  assert.equal(bb.idcard, B.idcard);
  // the A cadre's search by B's number finds nothing; B's cadre finds it
  const found = await must(await s.api('GET', `/api/v1/households?q=${B.idcard}`, { token: B.cadre }), 200);
  assert.deepEqual(found.items.map((h) => h.id), [B.household]);
});

test('the county admin grants and revokes roles; a cadre cannot', async () => {
  const u = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13711119999', name: '孙网格', password: 'Grid-pass-2026' } }), 201);
  const denied = await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: A.cadre, body: { role: 'grid_worker', unit_id: A.village } });
  assert.equal(denied.status, 403, denied.text);
  const denied2 = await s.api('POST', '/api/v1/users', { token: A.cadre, body: { phone: '13711118888', name: '某人', password: 'Some-pass-2026' } });
  assert.equal(denied2.status, 403, denied2.text);
  // the cadre cannot raise their own rights either
  const self = await s.api('POST', '/api/v1/users/3/grants', { token: A.cadre, body: { role: 'county_admin', unit_id: 1 } });
  assert.equal(self.status, 403, self.text);

  const g = await must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role: 'grid_worker', unit_id: A.village } }), 200);
  assert.deepEqual(g.grants.map((x) => [x.role, x.unit_id]), [['grid_worker', A.village]]);
  const t = await s.login('13711119999', 'Grid-pass-2026');
  const list = await must(await s.api('GET', '/api/v1/households', { token: t }), 200);
  assert.equal(list.total, 300);
  // granting twice is harmless
  const again = await must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role: 'grid_worker', unit_id: A.village } }), 200);
  assert.equal(again.grants.length, 1);
  const users = await must(await s.api('GET', `/api/v1/users?unit_id=${A.village}&limit=200`, { token: admin }), 200);
  assert.ok(users.items.some((x) => x.id === u.id));
  // revoking takes effect on the next request
  const rv = await must(await s.api('DELETE', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role: 'grid_worker', unit_id: A.village } }), 200);
  assert.deepEqual(rv.grants, []);
  refused(await s.api('GET', '/api/v1/households', { token: t }), 'after revoke', 403);
  // the grants are in the audit log
  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=user&object_id=${u.id}`, { token: admin }), 200);
  const actions = audit.items.map((e) => e.action);
  assert.ok(actions.includes('grant') && actions.includes('revoke'), actions.join());
  assert.equal(audit.items.find((e) => e.action === 'grant').after.role, 'grid_worker');
});

test('granting a role the user already holds writes no audit entry', async () => {
  const u = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13711117777', name: '周评议', password: 'Assess-pass-2026' } }), 201);
  for (let i = 0; i < 2; i++) await must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role: 'assessor', unit_id: A.village } }), 200);
  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=user&object_id=${u.id}`, { token: admin }), 200);
  assert.deepEqual(audit.items.map((e) => e.action), ['grant']);
});

test('the audit log: the inspector reads it, a villager cannot; the chains verify', async () => {
  const t = await s.as('inspector');
  const r = await must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&limit=10`, { token: t }), 200);
  assert.ok(r.total > 0);
  assert.ok(r.items.length > 0 && r.items.length <= 10);
  for (const e of r.items) {
    assert.ok(e.seq > 0);
    assert.match(e.hash, /^[0-9a-f]{64}$/);
    assert.equal(typeof e.action, 'string');
  }
  const rb = await must(await s.api('GET', `/api/v1/audit?unit_id=${B.village}`, { token: t }), 200);
  assert.ok(rb.items.some((e) => e.object_type === 'household' && e.object_id === B.household));
  refused(await s.api('GET', `/api/v1/audit?unit_id=${A.village}`, { token: A.villager }), 'villager', 403);
  const cadreOwn = await s.api('GET', `/api/v1/audit?unit_id=${A.village}`, { token: A.cadre });
  assert.equal(cadreOwn.status, 200);
  for (const token of [t, admin]) {
    const v = await must(await s.api('GET', '/api/v1/audit/verify', { token }), 200);
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.ok(v.chains >= 1 && v.entries >= 1);
  }
  // verification is the county administrator's and the inspector's, not a village cadre's
  refused(await s.api('GET', '/api/v1/audit/verify', { token: A.cadre }), 'cadre verify', 403);
  const cli = s.cli(['verify']);
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /audit: ok/);
});

test('no login, no access', async () => {
  for (const p of ['/api/v1/households', `/api/v1/households/${A.household}`, `/api/v1/residents/${A.resident}`, '/api/v1/units', '/api/v1/roles', `/api/v1/audit?unit_id=${A.village}`, '/api/v1/audit/verify', `/api/v1/users?unit_id=${A.village}`]) {
    const r = await s.api('GET', p);
    assert.equal(r.status, 401, p);
  }
  const w = await s.api('POST', '/api/v1/households', { body: { village_id: A.village, number: 'N1' } });
  assert.equal(w.status, 401);
  const roles = await must(await s.api('GET', '/api/v1/roles', { token: A.villager }), 200);
  assert.ok(roles.items.some((r) => r.role === 'inspector'));
});
