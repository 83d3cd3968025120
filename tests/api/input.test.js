// Bad input on every endpoint: strict JSON types, missing and unknown fields (all at
// once), malformed JSON, invalid UTF-8, oversize and length-less bodies, unknown and
// malformed ids, pagination caps, the error envelope and the security headers.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, rawRequest, makeIdcard, badCheckDigit } = require('./lib');

let s;
let admin;
let townId;
before(async () => {
  s = await startServer();
  admin = await s.as('county_admin');
  const towns = await s.api('GET', '/api/v1/units?parent_id=1', { token: admin });
  townId = towns.json.items[0].id;
  // a tiny built UI for the static-file checks
  const ui = path.join(s.data, 'ui');
  fs.mkdirSync(path.join(ui, 'assets'), { recursive: true });
  fs.mkdirSync(path.join(ui, 'admin'), { recursive: true });
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>村治</title><p>villager app</p>');
  fs.writeFileSync(path.join(ui, 'admin', 'index.html'), '<!doctype html><title>管理</title><p>admin console</p>');
  fs.writeFileSync(path.join(ui, 'assets', 'app-1a2b3c.js'), 'console.log("hi")');
});
after(async () => { if (s) await s.close(); });

function assertEnvelope(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /application\/json/);
  assert.ok(r.json && r.json.error, `error envelope: ${r.text}`);
  if (code) assert.equal(r.json.error.code, code);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  assert.equal(typeof r.json.error.fields, 'object');
}

function fieldsOf(r) {
  return Object.keys(r.json.error.fields).sort();
}

// Every JSON endpoint: a body with wrong types, an unknown field and missing required
// fields gives 400 with every one of those fields named at once.
const cases = [
  { m: 'POST', p: '/api/v1/session', auth: false, body: { phone: 13900000001, zzz: 1 }, fields: ['password', 'phone', 'zzz'] },
  { m: 'POST', p: '/api/v1/session/password', body: { old_password: 12345678, zzz: true }, fields: ['new_password', 'old_password', 'zzz'] },
  { m: 'POST', p: '/api/v1/activation', auth: false, body: { phone: '13800000000', code: 12345678, zzz: [] }, fields: ['code', 'password', 'zzz'] },
  { m: 'POST', p: '/api/v1/units', body: { parent_id: '2', kind: 3, zzz: null, extra: {} }, fields: ['code', 'extra', 'kind', 'name', 'parent_id', 'zzz'] },
  { m: 'PATCH', p: '/api/v1/units/3', body: { code: 'X', zzz: 1 }, fields: ['code', 'name', 'zzz'] },
  { m: 'POST', p: '/api/v1/households', body: { group_id: '4', lat: '30.1', lng: 103, zzz: 1 }, fields: ['group_id', 'lat', 'number', 'village_id', 'zzz'] },
  { m: 'PATCH', p: '/api/v1/households/1', body: { group_id: 4.5, number: 17, zzz: 1 }, fields: ['group_id', 'number', 'zzz'] },
  { m: 'POST', p: '/api/v1/residents', body: { household_id: '1', gender: '男', party_member: true, zzz: 1 }, fields: ['gender', 'household_id', 'idcard', 'name', 'party_member', 'relation', 'zzz'] },
  { m: 'PATCH', p: '/api/v1/residents/1', body: { phone: 13800000000, party_member: 'yes', name: ['李'], zzz: 1 }, fields: ['name', 'party_member', 'phone', 'zzz'] },
  { m: 'POST', p: '/api/v1/residents/1/activation', body: { zzz: 1, phone: '13800000000' }, fields: ['phone', 'zzz'] },
  { m: 'POST', p: '/api/v1/users', body: { phone: 13800000000, name: false, zzz: 1 }, fields: ['name', 'password', 'phone', 'zzz'] },
  { m: 'POST', p: '/api/v1/users/1/grants', body: { role: 1, zzz: 1 }, fields: ['role', 'unit_id', 'zzz'] },
  { m: 'DELETE', p: '/api/v1/users/1/grants', body: { unit_id: '1', zzz: 1 }, fields: ['role', 'unit_id', 'zzz'] },
  { m: 'POST', p: '/api/v1/test/clock', auth: false, body: { advance: '60', zzz: 1 }, fields: ['advance', 'zzz'] },
];

for (const c of cases) {
  test(`${c.m} ${c.p}: wrong types, unknown and missing fields are all reported at once`, async () => {
    const token = c.auth === false ? undefined : admin;
    const r = await s.api(c.m, c.p, { token, body: c.body });
    assertEnvelope(r, 400, 'invalid');
    assert.deepEqual(fieldsOf(r), c.fields, JSON.stringify(r.json.error.fields));
    for (const f of c.fields) assert.ok(r.json.error.fields[f].length > 0);
  });
}

test('every JSON endpoint refuses malformed JSON, non-objects, duplicate keys and empty bodies', async () => {
  for (const c of cases) {
    const token = c.auth === false ? undefined : admin;
    for (const raw of ['{"phone": ', '[1,2]', '"text"', '{"a":1,"a":2}', '{"a":1} x', 'nul']) {
      const r = await s.api(c.m, c.p, { token, raw, headers: { 'content-type': 'application/json' } });
      assertEnvelope(r, 400, 'bad_json');
    }
    if (c.m !== 'DELETE') {
      const empty = await s.api(c.m, c.p, { token, raw: '', headers: { 'content-type': 'application/json' } });
      assertEnvelope(empty, 400, 'bad_json');
    }
  }
});

test('invalid UTF-8 in a body gives 400 invalid_utf8', async () => {
  const bads = [
    Buffer.concat([Buffer.from('{"phone":"139'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]),
    Buffer.concat([Buffer.from('{"phone":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"x"}')]), // overlong
    Buffer.concat([Buffer.from('{"phone":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","password":"x"}')]), // surrogate
    Buffer.concat([Buffer.from('{"phone":"'), Buffer.from([0xe6, 0x9d]), Buffer.from('","password":"x"}')]), // truncated 李
  ];
  for (const raw of bads) {
    const r = await s.api('POST', '/api/v1/session', { raw, headers: { 'content-type': 'application/json' } });
    assertEnvelope(r, 400, 'invalid_utf8');
  }
  const patch = await s.api('PATCH', '/api/v1/households/1', {
    token: admin, raw: Buffer.concat([Buffer.from('{"address":"'), Buffer.from([0x80]), Buffer.from('"}')]),
    headers: { 'content-type': 'application/json' },
  });
  assertEnvelope(patch, 400, 'invalid_utf8');
  // a NUL escaped inside a string is refused (by the parser or as a field error)
  const nul = await s.api('PATCH', '/api/v1/households/1', { token: admin, body: { address: 'a\u0000b' } });
  assertEnvelope(nul, 400);
  assert.ok(['bad_json', 'invalid'].includes(nul.json.error.code));
  // a lone surrogate escape is not text either
  const sur = await s.api('PATCH', '/api/v1/households/1', { token: admin, raw: '{"address":"\\ud800"}', headers: { 'content-type': 'application/json' } });
  assertEnvelope(sur, 400);
});

test('a JSON body over 1 MiB gives 413 too_large', async () => {
  const big = JSON.stringify({ phone: '13900000001', password: 'x'.repeat(1024 * 1024) });
  const r = await s.api('POST', '/api/v1/session', { raw: big, headers: { 'content-type': 'application/json' } });
  assertEnvelope(r, 413, 'too_large');
  const patch = await s.api('PATCH', '/api/v1/households/1', { token: admin, body: { address: '住'.repeat(400000) } });
  assertEnvelope(patch, 413, 'too_large');
  // just under the limit is parsed (and refused for its content, not its size)
  const under = JSON.stringify({ phone: '13900000001', password: 'x'.repeat(1024 * 1024 - 64) });
  assert.ok(Buffer.byteLength(under) <= 1024 * 1024);
  const ok = await s.api('POST', '/api/v1/session', { raw: under, headers: { 'content-type': 'application/json' } });
  assertEnvelope(ok, 400, 'invalid');
  assert.ok(ok.json.error.fields.password);
});

test('an upload over 16 MiB gives 413, except the roster import, which takes a county in one file (64 MiB)', async () => {
  const raw = Buffer.alloc(16 * 1024 * 1024 + 10, 0x41);
  for (const p of ['/api/v1/files', '/api/v1/party/member-import']) {
    const r = await s.api('POST', p, { token: admin, raw, headers: { 'content-type': 'application/octet-stream' } });
    assertEnvelope(r, 413, 'too_large');
    assert.equal(r.json.error.message, '请求体过大，最多 16 MB', p);
  }
  // the import route reads 16 MiB: refused for its content (one cell of 16 MiB), not its size
  const csv = await s.api('POST', '/api/v1/imports/households?village_id=3', { token: admin, raw, headers: { 'content-type': 'text/csv' } });
  assertEnvelope(csv, 400, 'invalid');
  assert.match(csv.json.error.message, /过长/);
  // over its own limit: 413, whether the length is declared or the body is chunked.
  // Not under the sanitizers: the framework grows a body by each piece that arrives, and
  // AddressSanitizer's realloc copies, so 64 MB in pieces of tens of KB takes minutes
  // there (the suites on both engines without them run it)
  if (process.env.CUNZHI_SAN) return;
  const over = Buffer.alloc(64 * 1024 * 1024 + 10, 0x41);
  const r = await s.api('POST', '/api/v1/imports/households?village_id=3', { token: admin, raw: over, headers: { 'content-type': 'text/csv' } });
  assertEnvelope(r, 413, 'too_large');
  assert.equal(r.json.error.message, '请求体过大，最多 64 MB');
  const chunk = Buffer.alloc(1 << 20, 0x41);
  const parts = [`POST /api/v1/imports/households?village_id=3 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\n` +
    'Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'];
  for (let i = 0; i < 65; i++) parts.push(`100000\r\n${chunk.toString('latin1')}\r\n`);
  parts.push('0\r\n\r\n');
  const chunked = await rawRequest(s.port, parts.join(''), { timeout: 120000 });
  assert.equal(chunked.status, 413);
  assert.equal(JSON.parse(chunked.body).error.message, '请求体过大，最多 64 MB');
});

test('a body without Content-Length (and not chunked) gives 411', async () => {
  for (const p of ['/api/v1/session', '/api/v1/households', '/api/v1/imports/households?village_id=3']) {
    const r = await rawRequest(s.port,
      `POST ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\n` +
      'Content-Type: application/json\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 411, `${p}: ${r.status} ${r.body}`);
    assert.equal(JSON.parse(r.body).error.code, 'length_required');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  // chunked bodies are fine
  const body = JSON.stringify({ phone: '13900000001', password: 'Cunzhi2026!' });
  const chunked = await rawRequest(s.port,
    'POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  assert.equal(chunked.status, 201, chunked.body);
});

test('unknown ids give 404 on every :id route', async () => {
  const ids = ['999999999', '0'];
  for (const id of ids) {
    for (const p of [`/api/v1/households/${id}`, `/api/v1/residents/${id}`, `/api/v1/units/${id}`, `/api/v1/users/${id}`]) {
      assertEnvelope(await s.api('GET', p, { token: admin }), 404, 'not_found');
    }
    assertEnvelope(await s.api('PATCH', `/api/v1/households/${id}`, { token: admin, body: { address: 'x' } }), 404, 'not_found');
    assertEnvelope(await s.api('PATCH', `/api/v1/residents/${id}`, { token: admin, body: { phone: '' } }), 404, 'not_found');
    assertEnvelope(await s.api('PATCH', `/api/v1/units/${id}`, { token: admin, body: { name: '某村' } }), 404, 'not_found');
    assertEnvelope(await s.api('POST', `/api/v1/residents/${id}/activation`, { token: admin, body: {} }), 404, 'not_found');
    assertEnvelope(await s.api('POST', `/api/v1/users/${id}/grants`, { token: admin, body: { role: 'cadre', unit_id: 3 } }), 404, 'not_found');
  }
  // unknown ids inside bodies are field errors
  const hh = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 999999, number: 'X1' } });
  assertEnvelope(hh, 400, 'invalid');
  assert.ok(hh.json.error.fields.village_id);
  const grp = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, group_id: 999999, number: 'X1' } });
  assertEnvelope(grp, 400, 'invalid');
  assert.ok(grp.json.error.fields.group_id);
  const res = await s.api('POST', '/api/v1/residents', { token: admin, body: { household_id: 999999, name: '王五', idcard: makeIdcard('19900101', 5), relation: '户主' } });
  assertEnvelope(res, 400, 'invalid');
  assert.ok(res.json.error.fields.household_id);
  const unit = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: 999999, kind: 'village', code: 'NOPE', name: '无村' } });
  assertEnvelope(unit, 400, 'invalid');
  assert.ok(unit.json.error.fields.parent_id);
  const grant = await s.api('POST', '/api/v1/users/1/grants', { token: admin, body: { role: 'cadre', unit_id: 999999 } });
  assertEnvelope(grant, 400, 'invalid');
  assert.ok(grant.json.error.fields.unit_id);
  const role = await s.api('POST', '/api/v1/users/1/grants', { token: admin, body: { role: 'king', unit_id: 3 } });
  assertEnvelope(role, 400, 'invalid');
  assert.ok(role.json.error.fields.role);
});

test('malformed ids give 404', async () => {
  for (const id of ['abc', '1.5', '-1', '01', '1e3', '99999999999999999999', '%20', '+1', '1,2']) {
    for (const p of [`/api/v1/households/${id}`, `/api/v1/residents/${id}`, `/api/v1/units/${id}`, `/api/v1/users/${id}`]) {
      const r = await s.api('GET', p, { token: admin });
      assertEnvelope(r, 404, 'not_found');
    }
  }
});

test('limit is capped at 200; bad paging parameters are field errors', async () => {
  const r = await s.api('GET', '/api/v1/households?limit=1000', { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.limit, 200);
  assert.equal(r.json.items.length, 200);
  assert.equal(r.json.total, 300);
  const page2 = await s.api('GET', '/api/v1/households?limit=1000&offset=200', { token: admin });
  assert.equal(page2.json.items.length, 100);
  const huge = await s.api('GET', '/api/v1/households?limit=99999999999', { token: admin });
  assert.ok([200, 400].includes(huge.status));
  if (huge.status === 200) assert.equal(huge.json.items.length, 200);
  const audit = await s.api('GET', '/api/v1/audit?unit_id=3&limit=5000', { token: admin });
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.json.limit, 200);
  assert.ok(audit.json.items.length <= 200);
  for (const q of ['limit=0', 'limit=abc', 'limit=-5', 'offset=-1', 'offset=x', 'unit_id=abc']) {
    const bad = await s.api('GET', `/api/v1/households?${q}`, { token: admin });
    assertEnvelope(bad, 400, 'invalid');
    assert.ok(bad.json.error.fields[q.split('=')[0]], q);
  }
  const longQ = await s.api('GET', `/api/v1/households?q=${encodeURIComponent('村'.repeat(81))}`, { token: admin });
  assertEnvelope(longQ, 400, 'invalid');
  assert.ok(longQ.json.error.fields.q);
  const users = await s.api('GET', '/api/v1/users', { token: admin });
  assertEnvelope(users, 400, 'invalid');
  assert.ok(users.json.error.fields.unit_id);
  const auditNoUnit = await s.api('GET', '/api/v1/audit', { token: admin });
  assertEnvelope(auditNoUnit, 400, 'invalid');
  assert.ok(auditNoUnit.json.error.fields.unit_id);
});

test('ID-card numbers: a bad check digit, a bad date and a bad length are field errors', async () => {
  const good = makeIdcard('19850615', 123);
  const base = { household_id: 1, name: '王小明', relation: '子' };
  const r = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: badCheckDigit(good) } });
  assertEnvelope(r, 400, 'invalid');
  assert.deepEqual(fieldsOf(r), ['idcard']);
  for (const idcard of ['510923198513150011', good.slice(0, 17), good + '1', 'ABCDEFGHIJKLMNOPQR', '']) {
    const x = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard } });
    assertEnvelope(x, 400, 'invalid');
    assert.ok(x.json.error.fields.idcard, idcard);
  }
  // a future birth date
  const future = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: makeIdcard('20991231', 1) } });
  assertEnvelope(future, 400, 'invalid');
  assert.ok(future.json.error.fields.idcard);
  // gender and birth date that contradict the number (seq 123 is odd: male)
  const clash = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: good, gender: 2, birth_date: '1985-06-16' } });
  assertEnvelope(clash, 400, 'invalid');
  assert.deepEqual(fieldsOf(clash), ['birth_date', 'gender']);
  // every field error at once, including domain checks
  const many = await s.api('POST', '/api/v1/residents', {
    token: admin,
    body: { household_id: 1, name: '王1', idcard: badCheckDigit(good), relation: '朋友', phone: '12345', party_member: 2 },
  });
  assertEnvelope(many, 400, 'invalid');
  assert.deepEqual(fieldsOf(many), ['idcard', 'name', 'phone', 'relation']);
  // out-of-range values
  const range = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: good, gender: 3, party_member: 7, name: '李'.repeat(21) } });
  assertEnvelope(range, 400, 'invalid');
  assert.deepEqual(fieldsOf(range), ['gender', 'name', 'party_member']);
  // and the valid one goes in, with a lowercase x accepted where it applies
  const ok = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: good } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.gender, 1);
  assert.equal(ok.json.birth_date, '1985-06-15');
  // the same number twice is refused
  const dup = await s.api('POST', '/api/v1/residents', { token: admin, body: { ...base, idcard: good } });
  assert.ok([400, 409].includes(dup.status), dup.text);
  if (dup.status === 400) assert.ok(dup.json.error.fields.idcard);
});

test('households: coordinates, lengths and duplicates are checked', async () => {
  const lat = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: 'C1', lat: 95, lng: 103 } });
  assertEnvelope(lat, 400, 'invalid');
  assert.ok(lat.json.error.fields.lat);
  const half = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: 'C1', lat: 30 } });
  assertEnvelope(half, 400, 'invalid');
  assert.ok(half.json.error.fields.lng);
  const abroad = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: 'C1', lat: 48.85, lng: 2.35 } });
  assertEnvelope(abroad, 400, 'invalid');
  assert.ok(abroad.json.error.fields.lng);
  const long = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: '1'.repeat(21), address: '路'.repeat(101) } });
  assertEnvelope(long, 400, 'invalid');
  assert.deepEqual(fieldsOf(long), ['address', 'number']);
  // a required text of white space alone is empty, full-width spaces (a Chinese input method's) too
  for (const number of ['   ', '\u3000\u3000', ' \u3000 ']) {
    const blank = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number } });
    assertEnvelope(blank, 400, 'invalid');
    assert.equal(blank.json.error.fields.number, '户号不能为空', JSON.stringify(number));
  }
  const villager = await s.as('villager');
  const cats = (await s.api('GET', '/api/v1/event-categories', { token: villager })).json;
  const me = (await s.api('GET', '/api/v1/session', { token: villager })).json;
  const report = await s.api('POST', '/api/v1/events', { token: villager, body: { village_id: me.grants[0].unit_id, category_id: (cats.items || cats)[0].id, description: '\u3000\n\u3000' } });
  assertEnvelope(report, 400, 'invalid');
  assert.match(report.json.error.fields.description || '', /不能为空/, report.text);
  const ctl = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: 'C\u00071' } });
  assertEnvelope(ctl, 400, 'invalid');
  assert.ok(ctl.json.error.fields.number);
  const dup = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: 3, number: '0001' } });
  assert.ok([400, 409].includes(dup.status), dup.text);
  const notVillage = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: townId, number: 'C2' } });
  assertEnvelope(notVillage, 400, 'invalid');
  assert.ok(notVillage.json.error.fields.village_id);
  const move = await s.api('PATCH', '/api/v1/households/1', { token: admin, body: { village_id: 3 } });
  assertEnvelope(move, 400, 'invalid');
  assert.ok(move.json.error.fields.village_id);
});

test('org units and users: bad kinds, codes, phones and passwords are field errors', async () => {
  const u = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: townId, kind: 'city', code: 'bad code!', name: '某村' } });
  assertEnvelope(u, 400, 'invalid');
  assert.deepEqual(fieldsOf(u), ['code', 'kind']);
  const empty = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: townId, kind: 'village', code: 'E-1', name: '' } });
  assertEnvelope(empty, 400, 'invalid');
  assert.deepEqual(fieldsOf(empty), ['name']);
  const wrongLevel = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: townId, kind: 'group', code: 'G-X', name: '某组' } });
  assertEnvelope(wrongLevel, 400, 'invalid');
  assert.ok(wrongLevel.json.error.fields.kind);
  const usr = await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '1234', name: '某人', password: 'short' } });
  assertEnvelope(usr, 400, 'invalid');
  assert.deepEqual(fieldsOf(usr), ['password', 'phone']);
  const dupPhone = await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13900000003', name: '某人', password: 'Long-enough-1' } });
  assertEnvelope(dupPhone, 400, 'invalid');
  assert.ok(dupPhone.json.error.fields.phone);
  const wrongUnit = await s.api('POST', '/api/v1/users/3/grants', { token: admin, body: { role: 'cadre', unit_id: townId } });
  assertEnvelope(wrongUnit, 400, 'invalid');
  assert.ok(wrongUnit.json.error.fields.unit_id);
  const clock = await s.api('POST', '/api/v1/test/clock', { body: { advance: -5 } });
  assertEnvelope(clock, 400, 'invalid');
  assert.ok(clock.json.error.fields.advance);
});

test('unknown API paths give a JSON 404; other methods on known paths too', async () => {
  for (const [m, p] of [['GET', '/api/v1/nope'], ['POST', '/api/v1/nope'], ['GET', '/api/v2/households'], ['PUT', '/api/v1/households'], ['DELETE', '/api/v1/households/1']]) {
    const r = await s.api(m, p, { token: admin });
    assertEnvelope(r, 404, 'not_found');
  }
});

const SEC = (r, label) => {
  const h = (n) => (r.headers.get ? r.headers.get(n) : r.headers[n]);
  assert.equal(h('x-content-type-options'), 'nosniff', label);
  assert.equal(h('x-frame-options'), 'DENY', label);
  assert.match(h('content-security-policy') || '', /default-src 'self'/, label);
  assert.match(h('content-security-policy') || '', /frame-ancestors 'none'/, label);
  assert.match(h('x-request-id') || '', /^[0-9a-f]{8,}$/, `${label}: X-Request-Id`);
  return h('x-request-id');
};

test('security headers and a request id on every response', async () => {
  const seen = new Set();
  const checks = [
    ['healthz', await s.api('GET', '/healthz')],
    ['api 200', await s.api('GET', '/api/v1/households?limit=1', { token: admin })],
    ['api 201', await s.api('POST', '/api/v1/session', { body: { phone: '13900000001', password: 'Cunzhi2026!' } })],
    ['api 400', await s.api('POST', '/api/v1/session', { body: {} })],
    ['api 401', await s.api('GET', '/api/v1/session')],
    ['api 403', await s.api('POST', '/api/v1/households', { token: await s.as('inspector'), body: { village_id: 3, number: 'Z9' } })],
    ['api 404 id', await s.api('GET', '/api/v1/households/999999', { token: admin })],
    ['api 404 route', await s.api('GET', '/api/v1/nope')],
    ['api 413', await s.api('POST', '/api/v1/session', { raw: 'x'.repeat(1024 * 1024 + 1) })],
    ['static index', await s.api('GET', '/')],
    ['static asset', await s.api('GET', '/assets/app-1a2b3c.js')],
    ['static route', await s.api('GET', '/households/12')],
    ['static admin', await s.api('GET', '/admin/users')],
    ['static 404', await s.api('GET', '/assets/missing-123.js')],
  ];
  for (const [label, r] of checks) {
    const id = SEC(r, label);
    assert.ok(!seen.has(id), `${label}: request ids are unique`);
    seen.add(id);
  }
  const raw411 = await rawRequest(s.port, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  SEC({ headers: raw411.headers }, '411');
  // API replies are not cached; hashed assets are, pages are revalidated
  assert.equal(checks[1][1].headers.get('cache-control'), 'no-store');
  const asset = checks[10][1];
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type'), /javascript/);
  assert.match(asset.headers.get('cache-control'), /max-age=31536000/);
  const index = checks[9][1];
  assert.equal(index.status, 200);
  assert.match(index.text, /villager app/);
  assert.match(index.headers.get('cache-control'), /no-cache/);
  assert.match(checks[11][1].text, /villager app/, 'client routes fall back to index.html');
  assert.match(checks[12][1].text, /admin console/, '/admin routes fall back to the console');
  assert.equal(checks[13][1].status, 404);
  // no path traversal
  const trav = await rawRequest(s.port, 'GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.ok(!/root:/.test(trav.body));
  const trav2 = await rawRequest(s.port, 'GET /assets/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.ok(!/root:/.test(trav2.body));
});

test('the error envelope carries a Chinese message', async () => {
  const r = await s.api('GET', '/api/v1/session');
  assertEnvelope(r, 401, 'unauthenticated');
  assert.match(r.json.error.message, /[\u4e00-\u9fff]/);
  const f = await s.api('POST', '/api/v1/session', { body: { phone: 1 } });
  for (const msg of Object.values(f.json.error.fields)) assert.match(msg, /[\u4e00-\u9fff]/);
});
