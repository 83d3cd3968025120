// Activation codes: a cadre issues a one-time code to a villager, who sets a password.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, PASSWORD, makeIdcard, psqlBin } = require('./lib');

let s;
let cadre;
const withPhone = [];   // residents of village 1 with a mobile phone and no account
const noPhone = [];     // residents of village 1 without a phone
let otherResident;      // a resident with a phone in another village

before(async () => {
  s = await startServer();
  cadre = await s.as('cadre');
  for (let id = 2; id <= 40 && (withPhone.length < 5 || noPhone.length < 1); id++) {
    const h = await s.api('GET', `/api/v1/households/${id}`, { token: cadre });
    assert.equal(h.status, 200, h.text);
    for (const m of h.json.members) {
      if (/^1\d{10}$/.test(m.phone) && m.user_id === null) withPhone.push(m);
      else if (!m.phone) noPhone.push(m);
    }
  }
  assert.ok(withPhone.length >= 5 && noPhone.length >= 1, 'demo residents to work with');

  // a second village with one resident, created by the county admin
  const admin = await s.as('county_admin');
  const towns = await s.api('GET', '/api/v1/units?parent_id=1', { token: admin });
  const town = towns.json.items.find((u) => u.kind === 'town');
  const v = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: town.id, kind: 'village', code: 'ACT-V2', name: '绿水村' } });
  assert.equal(v.status, 201, v.text);
  const hh = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: v.json.id, number: 'A001', address: '绿水村 1 号' } });
  assert.equal(hh.status, 201, hh.text);
  const r = await s.api('POST', '/api/v1/residents', {
    token: admin,
    body: { household_id: hh.json.id, name: '赵大山', idcard: makeIdcard('19700505', 11, '510923'), relation: '户主', phone: '13812340001' },
  });
  assert.equal(r.status, 201, r.text);
  otherResident = r.json;
});
after(async () => { if (s) await s.close(); });

async function issue(residentId, token = cadre) {
  return s.api('POST', `/api/v1/residents/${residentId}/activation`, { token, body: {} });
}

test('a cadre issues a code; the villager activates with phone, code and password', async () => {
  const p = withPhone[0];
  const r = await issue(p.id);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.code, /^\d{8}$/);
  assert.equal(r.json.phone, p.phone);
  assert.equal(r.json.name, p.name);
  assert.ok(r.json.user_id > 0);
  const exp = Date.parse(r.json.expires_at);
  assert.ok(exp > Date.now() + 71 * 3600e3 && exp < Date.now() + 73 * 3600e3 + 3600e3 * 24 * 30, r.json.expires_at);

  // the account is pending: no login before activation
  const res = await s.api('GET', `/api/v1/residents/${p.id}`, { token: cadre });
  assert.equal(res.json.account_status, 'pending');
  assert.equal(res.json.user_id, r.json.user_id);
  const early = await s.api('POST', '/api/v1/session', { body: { phone: p.phone, password: 'Whatever-123' } });
  assert.equal(early.status, 401);

  // a weak password is refused and does not use the code up
  const weak = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'abc' } });
  assert.equal(weak.status, 400);
  assert.ok(weak.json.error.fields.password);

  const act = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Village-pass-01' } });
  assert.equal(act.status, 201, act.text);
  assert.match(act.json.token, /^[0-9a-f]{64}$/);
  assert.equal(act.json.user_id, r.json.user_id);
  assert.match(act.headers.get('set-cookie') || '', /HttpOnly/i);

  const me = await s.api('GET', '/api/v1/session', { token: act.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.resident_id, p.id);
  assert.equal(me.json.household_id, p.household_id);
  assert.deepEqual(me.json.grants.map((g) => g.role), ['villager']);
  const later = await s.api('GET', `/api/v1/residents/${p.id}`, { token: cadre });
  assert.equal(later.json.account_status, 'active');
  // the new password logs in
  await s.login(p.phone, 'Village-pass-01', { fresh: true });
  // the villager sees their own household
  const own = await s.api('GET', `/api/v1/households/${p.household_id}`, { token: act.json.token });
  assert.equal(own.status, 200);

  // the code is single use
  const again = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Village-pass-02' } });
  assert.equal(again.status, 400);
  assert.ok(again.json.error.fields.code);
  // and the password set first stays
  await s.login(p.phone, 'Village-pass-01', { fresh: true });
});

test('a wrong code or a code for another phone is refused', async () => {
  const a = withPhone[1];
  const r = await issue(a.id);
  assert.equal(r.status, 201, r.text);
  const wrong = String((Number(r.json.code) + 1) % 1e8).padStart(8, '0');
  const bad = await s.api('POST', '/api/v1/activation', { body: { phone: a.phone, code: wrong, password: 'Village-pass-03' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.code);
  const otherPhone = await s.api('POST', '/api/v1/activation', { body: { phone: withPhone[0].phone, code: r.json.code, password: 'Village-pass-03' } });
  assert.equal(otherPhone.status, 400);
  const shortCode = await s.api('POST', '/api/v1/activation', { body: { phone: a.phone, code: '123', password: 'Village-pass-03' } });
  assert.equal(shortCode.status, 400);
  assert.ok(shortCode.json.error.fields.code);
  // the right code still works
  const ok = await s.api('POST', '/api/v1/activation', { body: { phone: a.phone, code: r.json.code, password: 'Village-pass-03' } });
  assert.equal(ok.status, 201, ok.text);
});

test('reissuing resets the password and ends every session', async () => {
  const p = withPhone[0];
  const token = await s.login(p.phone, 'Village-pass-01', { fresh: true });
  assert.equal((await s.api('GET', '/api/v1/session', { token })).status, 200);
  const r = await issue(p.id);
  assert.equal(r.status, 201, r.text);
  assert.equal((await s.api('GET', '/api/v1/session', { token })).status, 401, 'old session ended');
  const old = await s.api('POST', '/api/v1/session', { body: { phone: p.phone, password: 'Village-pass-01' } });
  assert.equal(old.status, 401, 'old password no longer works');
  const res = await s.api('GET', `/api/v1/residents/${p.id}`, { token: cadre });
  assert.equal(res.json.account_status, 'pending');
  const act = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Village-pass-11' } });
  assert.equal(act.status, 201, act.text);
  await s.login(p.phone, 'Village-pass-11', { fresh: true });
});

test('a second code replaces the first', async () => {
  const p = withPhone[2];
  const first = await issue(p.id);
  const second = await issue(p.id);
  assert.equal(first.status, 201);
  assert.equal(second.status, 201);
  if (first.json.code !== second.json.code) {
    const r = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: first.json.code, password: 'Village-pass-04' } });
    assert.equal(r.status, 400, 'the first code is void');
  }
  const ok = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: second.json.code, password: 'Village-pass-04' } });
  assert.equal(ok.status, 201, ok.text);
});

test('a resident without a phone gets no code (400, field phone)', async () => {
  const r = await issue(noPhone[0].id);
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.phone, JSON.stringify(r.json));
});

test('unknown residents, strangers and non-cadres cannot issue codes', async () => {
  assert.equal((await issue(99999999)).status, 404);
  assert.equal((await issue('abc')).status, 404);
  // another village's resident: this cadre is refused without learning anything
  const r = await issue(otherResident.id);
  assert.equal(r.status, 404, `status ${r.status}`);
  assert.equal(r.json.code, undefined);
  assert.equal(r.json.error.fields.phone, undefined);
  // roles without the permission
  for (const role of ['grid_worker', 'inspector', 'town_official', 'villager']) {
    const x = await issue(withPhone[3].id, await s.as(role));
    assert.equal(x.status, role === 'villager' ? 404 : 403, `${role}: ${x.status}`);
    assert.equal(x.json.code, undefined);
  }
  // the county admin may
  const admin = await issue(otherResident.id, await s.as('county_admin'));
  assert.equal(admin.status, 201, admin.text);
  // unknown fields in the body are refused
  const extra = await s.api('POST', `/api/v1/residents/${withPhone[3].id}/activation`, { token: cadre, body: { phone: '13800000000' } });
  assert.equal(extra.status, 400);
  assert.ok(extra.json.error.fields.phone);
});

test('issuing writes an audit entry', async () => {
  const r = await s.api('GET', '/api/v1/audit?unit_id=3&object_type=user&limit=200', { token: cadre });
  assert.equal(r.status, 200, r.text);
  const actions = r.json.items.map((e) => e.action);
  assert.ok(actions.includes('activation_issued'), actions.join());
  assert.ok(actions.includes('activate'), actions.join());
  for (const e of r.json.items) assert.ok(!/Village-pass/.test(JSON.stringify(e)));
});

test('a code expires after 72 hours', async () => {
  const p = withPhone[3];
  const r = await issue(p.id);
  assert.equal(r.status, 201, r.text);
  await s.advance(72 * 3600 + 1);
  const late = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Village-pass-05' } });
  assert.equal(late.status, 400, late.text);
  assert.ok(late.json.error.fields.code);
  // a fresh code works
  s.tokens.clear();
  const again = await issue(p.id, await s.as('cadre'));
  assert.equal(again.status, 201, again.text);
  const ok = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: again.json.code, password: 'Village-pass-05' } });
  assert.equal(ok.status, 201, ok.text);
});

test('a cadre cannot take over a higher official registered as a resident; their phone is never rewritten', async () => {
  const admin = await s.as('county_admin');
  const p = withPhone[3];
  // the resident activates, and the county makes their account a county admin as well
  const r = await issue(p.id);
  assert.equal(r.status, 201, r.text);
  const act = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Official-pass-01' } });
  assert.equal(act.status, 201, act.text);
  const userId = r.json.user_id;
  const g = await s.api('POST', `/api/v1/users/${userId}/grants`, { token: admin, body: { role: 'county_admin', unit_id: 1 } });
  assert.ok([200, 201].includes(g.status), g.text);
  const official = await s.login(p.phone, 'Official-pass-01', { fresh: true });

  // the village's cadre may no longer reset that account
  const refused = await issue(p.id);
  assert.equal(refused.status, 403, refused.text);
  assert.match(refused.json.error.message, /区县管理员/);
  assert.equal(refused.json.code, undefined);
  // the official's password and session still work
  assert.equal((await s.api('GET', '/api/v1/session', { token: official })).status, 200);
  await s.login(p.phone, 'Official-pass-01', { fresh: true });

  // the cadre edits the register's phone: the account keeps its own
  const moved = await s.api('PATCH', `/api/v1/residents/${p.id}`, { token: cadre, body: { phone: '13812349999' } });
  assert.equal(moved.status, 200, moved.text);
  const again = await issue(p.id);
  assert.equal(again.status, 403, again.text);
  // the county admin, who administers the grant, may reset it; the phone stays
  const byAdmin = await issue(p.id, admin);
  assert.equal(byAdmin.status, 201, byAdmin.text);
  const u = await s.api('GET', `/api/v1/users/${userId}`, { token: admin });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.phone, p.phone);
  assert.equal(u.json.status, 'pending');
  const back = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: byAdmin.json.code, password: 'Official-pass-02' } });
  assert.equal(back.status, 201, back.text);
});

// SQL against the server's database behind its back (sqlite3 or psql), rows as text.
function sql(q) {
  const out = s.db
    ? execFileSync(psqlBin(), ['-qAt', '-v', 'ON_ERROR_STOP=1', s.db, '-c', q], { stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync('sqlite3', [path.join(s.data, 'cunzhi.db'), q], { stdio: ['ignore', 'pipe', 'pipe'] });
  return out.toString('utf8').trim();
}

// BLAKE2b-256 of the text, as hex (what the codes were stored as before migration 030)
function blake256(text) {
  return execFileSync('b2sum', ['-l', '256'], { input: text }).toString('utf8').split(' ')[0];
}

test('codes are stored with a keyed hash; a code issued before the upgrade no longer activates, and says so', async () => {
  const p = withPhone[4];
  const r = await issue(p.id);
  assert.equal(r.status, 201, r.text);
  const stored = sql(`SELECT code_hash FROM activation_codes WHERE user_id = ${r.json.user_id} AND used_at IS NULL`);
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.notEqual(stored, blake256(r.json.code), 'not the unkeyed hash of the 8 digits');
  assert.ok(!stored.includes(r.json.code));

  // the same code as migration 030 leaves one issued before: marked, unkeyed
  sql(`UPDATE activation_codes SET code_hash = 'v0:${blake256(r.json.code)}' WHERE user_id = ${r.json.user_id} AND used_at IS NULL`);
  const old = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code, password: 'Village-pass-05' } });
  assert.equal(old.status, 400, old.text);
  assert.match(old.json.error.fields.code, /安全升级前发放的，已经失效，请找村干部重新发放/);
  // a wrong code is still just wrong
  const wrong = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: r.json.code === '00000000' ? '11111111' : '00000000', password: 'Village-pass-05' } });
  assert.equal(wrong.status, 400, wrong.text);
  assert.match(wrong.json.error.fields.code, /激活码不对/);

  // a new code works
  const again = await issue(p.id);
  assert.equal(again.status, 201, again.text);
  const act = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: again.json.code, password: 'Village-pass-05' } });
  assert.equal(act.status, 201, act.text);
});
