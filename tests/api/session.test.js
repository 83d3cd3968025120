// Login, logout, cookies and Bearer tokens, password change, throttling.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, runCli, BIN, PASSWORD, PHONES } = require('./lib');

let s;
before(async () => { s = await startServer(); });
after(async () => { if (s) await s.close(); });

test('login with the right password gives a token, an HttpOnly SameSite cookie and expiry', async () => {
  const r = await s.api('POST', '/api/v1/session', { body: { phone: PHONES.cadre, password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.ok(r.json.user_id > 0);
  assert.ok(Date.parse(r.json.expires_at) > Date.now());
  const cookie = r.headers.get('set-cookie');
  assert.ok(cookie, 'a Set-Cookie header');
  assert.match(cookie, new RegExp(`cz_session=${r.json.token}`));
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=(Lax|Strict)/i);
  assert.match(cookie, /Path=\//);
});

test('wrong password and unknown phone are refused alike with 401', async () => {
  const bad = await s.api('POST', '/api/v1/session', { body: { phone: PHONES.clerk, password: 'Wrong-pass-1' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.code, 'unauthenticated');
  assert.equal(bad.headers.get('set-cookie'), null);
  const unknown = await s.api('POST', '/api/v1/session', { body: { phone: '13912345678', password: PASSWORD } });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.json.error.code, 'unauthenticated');
  assert.equal(unknown.json.error.message, bad.json.error.message, 'no hint whether the phone exists');
});

test('no token, a bad token and a malformed Bearer header give 401', async () => {
  for (const headers of [{}, { authorization: 'Bearer ' + 'a'.repeat(64) }, { authorization: 'Bearer short' }]) {
    const r = await s.api('GET', '/api/v1/session', { headers });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.json.error.code, 'unauthenticated');
  }
});

test('the token works as a Bearer header and as the cookie; GET /session shows the grants', async () => {
  const token = await s.login(PHONES.cadre, PASSWORD, { fresh: true });
  const viaBearer = await s.api('GET', '/api/v1/session', { token });
  assert.equal(viaBearer.status, 200, viaBearer.text);
  assert.equal(viaBearer.json.phone, PHONES.cadre);
  // the demo cadre is also the village's party secretary
  assert.deepEqual(viaBearer.json.grants.map((g) => g.role), ['cadre', 'party_secretary']);
  assert.equal(viaBearer.json.grants[0].unit_kind, 'village');
  assert.equal(viaBearer.json.grants[0].unit_name, '青山村');
  assert.equal(viaBearer.json.grants[0].role_label, '村两委');
  const viaCookie = await s.api('GET', '/api/v1/session', { cookie: `cz_session=${token}` });
  assert.equal(viaCookie.status, 200, viaCookie.text);
  assert.equal(viaCookie.json.user_id, viaBearer.json.user_id);

  const admin = await s.api('GET', '/api/v1/session', { token: await s.as('county_admin') });
  assert.equal(admin.json.grants[0].role, 'county_admin');
  assert.equal(admin.json.grants[0].unit_kind, 'county');

  const villager = await s.api('GET', '/api/v1/session', { token: await s.as('villager') });
  assert.equal(villager.status, 200);
  assert.equal(villager.json.grants[0].role, 'villager');
  assert.ok(villager.json.household_id > 0);
  assert.ok(villager.json.resident_id > 0);
});

test('logout invalidates the token and clears the cookie', async () => {
  const token = await s.login(PHONES.grid_worker, PASSWORD, { fresh: true });
  const other = await s.login(PHONES.grid_worker, PASSWORD, { fresh: true });
  const out = await s.api('DELETE', '/api/v1/session', { token });
  assert.equal(out.status, 200, out.text);
  assert.match(out.headers.get('set-cookie') || '', /cz_session=;/);
  const r = await s.api('GET', '/api/v1/session', { token });
  assert.equal(r.status, 401);
  const again = await s.api('DELETE', '/api/v1/session', { token });
  assert.equal(again.status, 401);
  // another session of the same account lives on
  assert.equal((await s.api('GET', '/api/v1/session', { token: other })).status, 200);
});

test('password change: wrong old password, weak new passwords, then success', async () => {
  const phone = PHONES.assessor;
  const token = await s.login(phone, PASSWORD, { fresh: true });
  const wrongOld = await s.api('POST', '/api/v1/session/password', { token, body: { old_password: 'not-it-123', new_password: 'Better-pass-2026' } });
  assert.equal(wrongOld.status, 400);
  assert.ok(wrongOld.json.error.fields.old_password);

  for (const weak of ['short1', '12345678901', 'onlyletters', '']) {
    const r = await s.api('POST', '/api/v1/session/password', { token, body: { old_password: PASSWORD, new_password: weak } });
    assert.equal(r.status, 400, weak);
    assert.ok(r.json.error.fields.new_password, `new_password error for ${JSON.stringify(weak)}`);
  }
  const noAuth = await s.api('POST', '/api/v1/session/password', { body: { old_password: PASSWORD, new_password: 'Better-pass-2026' } });
  assert.equal(noAuth.status, 401);

  const ok = await s.api('POST', '/api/v1/session/password', { token, body: { old_password: PASSWORD, new_password: 'Better-pass-2026' } });
  assert.equal(ok.status, 200, ok.text);
  // this session stays
  assert.equal((await s.api('GET', '/api/v1/session', { token })).status, 200);
  // the old password no longer works, the new one does
  const old = await s.api('POST', '/api/v1/session', { body: { phone, password: PASSWORD } });
  assert.equal(old.status, 401);
  await s.login(phone, 'Better-pass-2026', { fresh: true });
  // an audit entry records the change, without the password
  const audit = await s.api('GET', `/api/v1/audit?unit_id=3&object_type=user&limit=200`, { token: await s.as('cadre') });
  assert.equal(audit.status, 200, audit.text);
  const e = audit.json.items.find((x) => x.action === 'password_change');
  assert.ok(e, 'password_change in the audit log');
  assert.ok(!JSON.stringify(e).includes('Better-pass-2026'));
  // put it back for other tests
  const back = await s.api('POST', '/api/v1/session/password', { token, body: { old_password: 'Better-pass-2026', new_password: PASSWORD } });
  assert.equal(back.status, 200, back.text);
});

test('throttling: 5 wrong passwords lock the phone (429 + Retry-After) until the window passes', async () => {
  const phone = PHONES.handler;
  for (let i = 0; i < 5; i++) {
    const r = await s.api('POST', '/api/v1/session', { body: { phone, password: `wrong-${i}-pass` } });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const locked = await s.api('POST', '/api/v1/session', { body: { phone, password: 'wrong-again-1' } });
  assert.equal(locked.status, 429, locked.text);
  assert.equal(locked.json.error.code, 'too_many_requests');
  const ra = Number(locked.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 900, `Retry-After ${locked.headers.get('retry-after')}`);
  // even the right password is refused while locked
  const right = await s.api('POST', '/api/v1/session', { body: { phone, password: PASSWORD } });
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 0);
  // another account from the same address is not locked
  await s.login(PHONES.clerk, PASSWORD, { fresh: true });

  await s.advance(901);
  const unlocked = await s.api('POST', '/api/v1/session', { body: { phone, password: PASSWORD } });
  assert.equal(unlocked.status, 201, unlocked.text);
  // a success clears the counter: one wrong password is only a 401 again
  const once = await s.api('POST', '/api/v1/session', { body: { phone, password: 'wrong-pass-9' } });
  assert.equal(once.status, 401);
});

test('sessions expire after their lifetime', async () => {
  const token = await s.login(PHONES.town_official, PASSWORD, { fresh: true });
  assert.equal((await s.api('GET', '/api/v1/session', { token })).status, 200);
  await s.advance(7 * 24 * 3600 + 60);
  const r = await s.api('GET', '/api/v1/session', { token });
  assert.equal(r.status, 401);
  s.tokens.clear();
});

// account.c says "other sessions end; this one stays" but only the password is updated.
test('a password change ends the other sessions of the account', async () => {
  const phone = PHONES.clerk;
  const stay = await s.login(phone, PASSWORD, { fresh: true });
  const other = await s.login(phone, PASSWORD, { fresh: true });
  const r = await s.api('POST', '/api/v1/session/password', { token: stay, body: { old_password: PASSWORD, new_password: 'Changed-pass-7' } });
  assert.equal(r.status, 200, r.text);
  try {
    assert.equal((await s.api('GET', '/api/v1/session', { token: stay })).status, 200);
    assert.equal((await s.api('GET', '/api/v1/session', { token: other })).status, 401, 'the other session ended');
  } finally {
    await s.api('POST', '/api/v1/session/password', { token: stay, body: { old_password: 'Changed-pass-7', new_password: PASSWORD } });
  }
});

test('on an address other machines reach the cookie is always Secure, and --test-clock is refused', async () => {
  const { spawn } = require('node:child_process');
  const net = require('node:net');
  const port = await new Promise((resolve) => {
    const l = net.createServer().listen(0, '127.0.0.1', () => { const p = l.address().port; l.close(() => resolve(p)); });
  });
  const db = s.db ? ['--db', s.db] : [];
  // the test clock moves the server's time: never where others can reach it
  const refused = runCli(['serve', '--data', s.data, ...db, '--listen', `0.0.0.0:${port}`, '--test-clock']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--test-clock/);

  const proc = spawn(BIN, ['serve', '--data', s.data, ...db, '--listen', `0.0.0.0:${port}`], { stdio: 'ignore' });
  try {
    let r;
    for (let i = 0; i < 2400 && !r; i++) {
      try { r = await fetch(`http://127.0.0.1:${port}/healthz`); } catch { await new Promise((ok) => setTimeout(ok, 50)); }
    }
    assert.ok(r && r.status === 200, 'the second server answers');
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone: PHONES.clerk, password: PASSWORD }),
    });
    assert.equal(login.status, 201);
    assert.match(login.headers.get('set-cookie'), /;\s*Secure/i);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((ok) => proc.on('exit', ok));
  }
});

test('nothing runs on a data directory or key file that other users can read', async () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const keys = path.join(s.data, 'keys');
  fs.chmodSync(s.data, 0o755);
  try {
    const r = s.cli(['verify']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /chmod 700/);
  } finally {
    fs.chmodSync(s.data, 0o700);
  }
  fs.chmodSync(keys, 0o640);
  try {
    const r = s.cli(['verify']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /chmod 600/);
  } finally {
    fs.chmodSync(keys, 0o600);
  }
  assert.equal(s.cli(['verify']).code, 0);
});
