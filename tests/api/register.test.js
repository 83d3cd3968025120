// The village register through the API: households and residents created, updated,
// moved and searched by a cadre, with an audit entry (before/after, ID numbers never in
// clear) for every change.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard, idCheckChar, maskIdcard, behindWrite } = require('./lib');

let s;
let cadre;
const V = 3;
let groups;            // [{id, name}] of village V
const ids = {};        // the ID numbers used here, never to be seen in the audit log
let hh;                // the household made here
let head, spouse;      // its residents

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

// the changes of a record, oldest first (the reveals of its ID number are entries too:
// tests/api/idcard_reveal.test.js checks those)
async function auditOf(type, id) {
  const r = await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&object_type=${type}&object_id=${id}&limit=200`, { token: cadre }), 200);
  return r.items.filter((e) => e.action !== 'reveal_idcard').reverse();
}

async function auditTotal() {
  return (await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&limit=1`, { token: cadre }), 200)).total;
}

// An ID number whose check character is X (lower-cased to test normalisation).
function idWithX() {
  for (let seq = 100; seq < 999; seq++) {
    const s17 = '510923' + '19920229' + String(seq).padStart(3, '0');
    if (idCheckChar(s17) === 'X') return s17 + 'X';
  }
  throw new Error('no X');
}

before(async () => {
  s = await startServer();
  cadre = await s.as('cadre');
  const units = (await must(await s.api('GET', `/api/v1/units?parent_id=${V}`, { token: cadre }), 200)).items;
  // a village holds its groups and its grids
  assert.deepEqual([...new Set(units.map((u) => u.kind))], ['group', 'grid']);
  groups = units.filter((u) => u.kind === 'group');
  assert.ok(groups.length >= 2);
  assert.equal(groups[0].name, '第一组');
});
after(async () => { if (s) await s.close(); });

test('create a household', async () => {
  const r = await must(await s.api('POST', '/api/v1/households', {
    token: cadre, body: { village_id: V, group_id: groups[0].id, number: 'R1001', address: '青山村第一组 88 号', lat: 29.123456, lng: 103.654321 },
  }), 201);
  hh = r;
  assert.ok(r.id > 0);
  assert.equal(r.village_id, V);
  assert.equal(r.village_name, '青山村');
  assert.equal(r.group_id, groups[0].id);
  assert.equal(r.group_name, '第一组');
  assert.equal(r.number, 'R1001');
  assert.equal(r.address, '青山村第一组 88 号');
  assert.equal(r.lat, 29.123456);
  assert.equal(r.lng, 103.654321);
  assert.equal(r.residents, 0);
  assert.deepEqual(r.members, []);
  assert.ok(r.created_at && r.updated_at);
  const got = await must(await s.api('GET', `/api/v1/households/${r.id}`, { token: cadre }), 200);
  assert.deepEqual(got, r);
  // a household without a group or coordinates
  const bare = await must(await s.api('POST', '/api/v1/households', { token: cadre, body: { village_id: V, number: 'R1002' } }), 201);
  assert.equal(bare.group_id, null);
  assert.equal(bare.group_name, null);
  assert.equal(bare.lat, null);
  assert.equal(bare.address, '');
  // the village's household count grows
  const units = await must(await s.api('GET', '/api/v1/units?parent_id=2', { token: cadre }), 200);
  assert.equal(units.items.find((u) => u.id === V).households, 302);
  const audit = await auditOf('household', r.id);
  assert.deepEqual(audit.map((e) => e.action), ['create']);
  assert.deepEqual(audit[0].before, {});
  assert.equal(audit[0].after.number, 'R1001');
  assert.equal(audit[0].after.group_id, groups[0].id);
  assert.equal(audit[0].actor_name, '李国华');
});

test('update a household', async () => {
  await s.advance(5);
  const r = await must(await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { number: 'R1001A', address: '青山村第一组 89 号' } }), 200);
  assert.equal(r.number, 'R1001A');
  assert.equal(r.address, '青山村第一组 89 号');
  assert.equal(r.group_id, groups[0].id, 'unchanged fields stay');
  assert.equal(r.lat, 29.123456);
  assert.ok(Date.parse(r.updated_at) > Date.parse(hh.updated_at));
  assert.equal(r.created_at, hh.created_at);
  // the reply is the household's page as a reader gets it afterwards
  assert.deepEqual(r, await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200));
  const audit = await auditOf('household', hh.id);
  assert.deepEqual(audit.map((e) => e.action), ['create', 'update']);
  assert.equal(audit[1].before.number, 'R1001');
  assert.equal(audit[1].after.number, 'R1001A');
  assert.equal(audit[1].before.address, '青山村第一组 88 号');
  assert.equal(audit[1].after.address, '青山村第一组 89 号');
  // a PATCH that changes nothing records nothing
  const total = await auditTotal();
  await must(await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { number: 'R1001A' } }), 200);
  assert.equal(await auditTotal(), total);
  // a number already used in the village is refused
  const dup = await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { number: '0001' } });
  assert.ok([400, 409].includes(dup.status), dup.text);
  // a legal name is written in characters names are written in
  for (const name of ['张🐉', '张3', '欧阳·', '李 四!']) {
    const r = await s.api('POST', '/api/v1/residents', { token: cadre, body: { household_id: 2, name, idcard: makeIdcard('20010203', 77), relation: '子' } });
    assert.equal(r.status, 400, `${name}: ${r.text}`);
    assert.match(r.json.error.fields.name, /汉字、字母和间隔号/);
  }
});

test('move a household between groups', async () => {
  const r = await must(await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { group_id: groups[1].id } }), 200);
  assert.equal(r.group_id, groups[1].id);
  assert.equal(r.group_name, groups[1].name);
  assert.deepEqual(r, await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200));
  const audit = await auditOf('household', hh.id);
  const last = audit[audit.length - 1];
  assert.equal(last.action, 'move');
  assert.equal(last.before.group_id, groups[0].id);
  assert.equal(last.after.group_id, groups[1].id);
  // a group of no village, or of another village, is refused
  const bad = await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { group_id: V } });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.json.error.fields.group_id);
  // the group lists show it
  const list = await must(await s.api('GET', `/api/v1/households?unit_id=${groups[1].id}&limit=200`, { token: cadre }), 200);
  assert.ok(list.items.some((h) => h.id === hh.id));
  assert.ok(list.items.every((h) => h.group_id === groups[1].id));
  const list0 = await must(await s.api('GET', `/api/v1/households?unit_id=${groups[0].id}&limit=200`, { token: cadre }), 200);
  assert.ok(!list0.items.some((h) => h.id === hh.id));
});

const revealed = async (id) => (await must(await s.api('GET', `/api/v1/residents/${id}/idcard`, { token: cadre }), 200)).idcard;

test('create residents', async () => {
  ids.head = makeIdcard('19760312', 517);
  ids.spouse = idWithX();
  const h = await must(await s.api('POST', '/api/v1/residents', {
    token: cadre, body: { household_id: hh.id, name: '欧阳建国', idcard: ids.head, relation: '户主', phone: '13855556666', party_member: 1 },
  }), 201);
  head = h;
  assert.equal(h.household_id, hh.id);
  assert.equal(h.name, '欧阳建国');
  assert.equal(h.gender, 1);
  assert.equal(h.birth_date, '1976-03-12');
  assert.ok(h.age >= 49 && h.age <= 52);
  // replies carry the masked number; the cadre reveals the full one (audited)
  assert.equal(h.idcard, maskIdcard(ids.head));
  assert.equal(h.idcard_full, false);
  assert.equal(h.idcard_revealable, true);
  assert.equal(await revealed(h.id), ids.head);
  assert.equal(h.phone, '13855556666');
  assert.equal(h.relation, '户主');
  assert.equal(h.party_member, 1);
  assert.equal(h.party_label, '中共党员');
  assert.equal(h.user_id, null);
  // lower-case x, spaces around, gender and birth date agreeing with the number
  spouse = await must(await s.api('POST', '/api/v1/residents', {
    token: cadre, body: { household_id: hh.id, name: '王秀英', idcard: ` ${ids.spouse.toLowerCase()} `, relation: '配偶', gender: 2, birth_date: '1992-02-29' },
  }), 201);
  assert.equal(spouse.idcard, maskIdcard(ids.spouse));
  assert.equal(await revealed(spouse.id), ids.spouse);
  assert.equal(spouse.gender, 2);
  assert.equal(spouse.party_member, 0);
  assert.equal(spouse.party_label, '群众');
  assert.equal(spouse.phone, '');
  const got = await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200);
  assert.equal(got.residents, 2);
  assert.equal(got.head_name, '欧阳建国');
  assert.deepEqual(got.members.map((m) => m.id), [head.id, spouse.id], 'head first');
  const audit = await auditOf('resident', head.id);
  assert.deepEqual(audit.map((e) => e.action), ['create']);
  assert.equal(audit[0].after.name, '欧阳建国');
  assert.equal(audit[0].after.idcard, maskIdcard(ids.head));
  assert.equal(audit[0].after.birth_date, undefined, 'the audit keeps the birth year only');
  assert.equal(audit[0].after.birth_year, '1976');
  // the same ID number cannot be registered twice
  const dup = await s.api('POST', '/api/v1/residents', { token: cadre, body: { household_id: 2, name: '欧阳二', idcard: ids.head, relation: '子' } });
  assert.ok([400, 409].includes(dup.status), dup.text);
});

test('update a resident', async () => {
  const r = await must(await s.api('PATCH', `/api/v1/residents/${head.id}`, { token: cadre, body: { name: '欧阳建军', phone: '13855557777', party_member: 0 } }), 200);
  assert.equal(r.name, '欧阳建军');
  assert.equal(r.phone, '13855557777');
  assert.equal(r.party_member, 0);
  assert.equal(await revealed(r.id), ids.head, 'unchanged fields stay');
  assert.equal(r.relation, '户主');
  // clearing the phone
  const cleared = await must(await s.api('PATCH', `/api/v1/residents/${spouse.id}`, { token: cadre, body: { phone: '0833-1234567' } }), 200);
  assert.equal(cleared.phone, '0833-1234567');
  const again = await must(await s.api('PATCH', `/api/v1/residents/${spouse.id}`, { token: cadre, body: { phone: '' } }), 200);
  assert.equal(again.phone, '');
  // a new ID number: gender and birth date follow it
  ids.head2 = makeIdcard('19770413', 519);
  const re = await must(await s.api('PATCH', `/api/v1/residents/${head.id}`, { token: cadre, body: { idcard: ids.head2 } }), 200);
  assert.equal(await revealed(re.id), ids.head2);
  assert.equal(re.birth_date, '1977-04-13');
  // a contradicting gender is refused
  const bad = await s.api('PATCH', `/api/v1/residents/${head.id}`, { token: cadre, body: { gender: 2 } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.gender);
  const audit = await auditOf('resident', head.id);
  assert.deepEqual(audit.map((e) => e.action), ['create', 'update', 'update']);
  assert.equal(audit[1].before.name, '欧阳建国');
  assert.equal(audit[1].after.name, '欧阳建军');
  assert.equal(audit[1].before.phone, '13855556666');
  assert.equal(audit[1].after.phone, '13855557777');
  assert.equal(audit[1].before.party_member, 1);
  assert.equal(audit[1].after.party_member, 0);
  assert.match(audit[2].before.idcard, /^\d{4}\*{13}[\dX]$/);
  assert.equal(audit[2].after.idcard, maskIdcard(ids.head2));
  assert.equal(audit[2].after.birth_year, '1977');
  // a no-op PATCH records nothing
  const total = await auditTotal();
  await must(await s.api('PATCH', `/api/v1/residents/${head.id}`, { token: cadre, body: { name: '欧阳建军' } }), 200);
  assert.equal(await auditTotal(), total);
});

test('move a resident to another household', async () => {
  const target = await must(await s.api('GET', '/api/v1/households/2', { token: cadre }), 200);
  const r = await must(await s.api('PATCH', `/api/v1/residents/${spouse.id}`, { token: cadre, body: { household_id: 2, relation: '女' } }), 200);
  assert.equal(r.household_id, 2);
  assert.equal(r.relation, '女');
  const from = await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200);
  assert.deepEqual(from.members.map((m) => m.id), [head.id]);
  const to = await must(await s.api('GET', '/api/v1/households/2', { token: cadre }), 200);
  assert.equal(to.residents, target.residents + 1);
  assert.ok(to.members.some((m) => m.id === spouse.id));
  const audit = await auditOf('resident', spouse.id);
  const last = audit[audit.length - 1];
  assert.equal(last.action, 'move');
  assert.equal(last.before.household_id, hh.id);
  assert.equal(last.after.household_id, 2);
  assert.equal(last.before.relation, '配偶');
  assert.equal(last.after.relation, '女');
  // into a household that does not exist
  const bad = await s.api('PATCH', `/api/v1/residents/${spouse.id}`, { token: cadre, body: { household_id: 99999 } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.household_id);
});

test('search by name, phone, household number and exact ID number', async () => {
  const q = async (text) => (await must(await s.api('GET', `/api/v1/households?q=${encodeURIComponent(text)}&limit=200`, { token: cadre }), 200));
  const byName = await q('欧阳建军');
  assert.deepEqual(byName.items.map((h) => h.id), [hh.id]);
  const byPart = await q('欧阳');
  assert.ok(byPart.items.some((h) => h.id === hh.id));
  const byPhone = await q('13855557777');
  assert.deepEqual(byPhone.items.map((h) => h.id), [hh.id]);
  const byNumber = await q('R1001A');
  assert.deepEqual(byNumber.items.map((h) => h.id), [hh.id]);
  const byAddress = await q('第一组 89 号');
  assert.deepEqual(byAddress.items.map((h) => h.id), [hh.id]);
  const byId = await q(ids.head2);
  assert.deepEqual(byId.items.map((h) => h.id), [hh.id]);
  assert.equal(byId.total, 1);
  const bySpouseId = await q(ids.spouse.toLowerCase());
  assert.deepEqual(bySpouseId.items.map((h) => h.id), [2]);
  // the old number and a part of a number find nothing: numbers are not stored in clear
  assert.equal((await q(ids.head)).total, 0);
  assert.equal((await q(ids.head2.slice(0, 12))).total, 0);
  assert.equal((await q('没有这个人')).total, 0);
  // search combines with a unit
  const inGroup = await must(await s.api('GET', `/api/v1/households?unit_id=${groups[1].id}&q=${encodeURIComponent('欧阳')}`, { token: cadre }), 200);
  assert.ok(inGroup.items.some((h) => h.id === hh.id));
  const otherGroup = await must(await s.api('GET', `/api/v1/households?unit_id=${groups[0].id}&q=${encodeURIComponent('欧阳建军')}`, { token: cadre }), 200);
  assert.equal(otherGroup.total, 0);
  // list order and paging are stable
  const p1 = await must(await s.api('GET', '/api/v1/households?limit=10', { token: cadre }), 200);
  const p2 = await must(await s.api('GET', '/api/v1/households?limit=10&offset=10', { token: cadre }), 200);
  assert.equal(p1.items.length, 10);
  assert.equal(p2.items.length, 10);
  assert.ok(p1.items.every((h) => !p2.items.some((x) => x.id === h.id)));
  assert.deepEqual(p1.items.map((h) => h.number), ['0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008', '0009', '0010']);
});

test('the audit log never holds an ID number in clear, and the chain verifies', async () => {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const r = await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&limit=200&offset=${offset}`, { token: cadre }), 200);
    all.push(...r.items);
    if (r.items.length < 200) break;
  }
  assert.ok(all.length > 1000, `audit entries ${all.length}`); // the demo's households and residents are audited too
  const text = JSON.stringify(all);
  for (const id of Object.values(ids)) {
    assert.ok(!text.includes(id), `ID number ${id} in the audit log`);
    assert.ok(!text.includes(id.slice(0, 17)), `ID number ${id} (17 digits) in the audit log`);
  }
  // entries are chained: consecutive sequence numbers per unit
  const seqs = all.filter((e) => e.unit_id === V).map((e) => e.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  const v = await must(await s.api('GET', '/api/v1/audit/verify', { token: await s.as('county_admin') }), 200); // the county's administrator verifies
  assert.equal(v.ok, true);
  const cli = s.cli(['verify']);
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  // a time filter
  const none = await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&to=1`, { token: cadre }), 200);
  assert.equal(none.total, 0);
});

// A change that waits for the database (here another process's write lock) reads the
// household once it has its turn: what was written meanwhile is kept, not overwritten
// with what the household was when the request came.
test('a change waiting for its turn keeps what was written meanwhile', async () => {
  const before = await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200);
  const r = await must(await behindWrite(s, 'UPDATE households SET address = ? WHERE id = ?', ['青山村第一组 90 号（同时改）', hh.id],
    () => s.api('PATCH', `/api/v1/households/${hh.id}`, { token: cadre, body: { number: 'R1001B' } })), 200);
  assert.equal(r.number, 'R1001B');
  assert.equal(r.address, '青山村第一组 90 号（同时改）', 'the address written meanwhile stays');
  const now = await must(await s.api('GET', `/api/v1/households/${hh.id}`, { token: cadre }), 200);
  assert.equal(now.address, '青山村第一组 90 号（同时改）');
  assert.equal(now.number, 'R1001B');
  const audit = await auditOf('household', hh.id);
  const last = audit[audit.length - 1];
  assert.equal(last.before.address, '青山村第一组 90 号（同时改）', 'the audit\'s before is what the change changed');
  assert.equal(last.before.number, before.number);
  assert.equal(last.after.number, 'R1001B');

  // so with a resident
  const res = await must(await behindWrite(s, 'UPDATE residents SET phone = ? WHERE id = ?', ['13855550000', spouse.id],
    () => s.api('PATCH', `/api/v1/residents/${spouse.id}`, { token: cadre, body: { relation: '其他' } })), 200);
  assert.equal(res.relation, '其他');
  assert.equal(res.phone, '13855550000', 'the phone written meanwhile stays');
  const resAudit = await auditOf('resident', spouse.id);
  assert.equal(resAudit[resAudit.length - 1].before.phone, '13855550000');
});
