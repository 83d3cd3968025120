// GET /api/v1/audit/verify: the county administrator's and the inspector's, over the
// chains of the units in their scope; other roles 403 with a Chinese message; one
// verification at a time (a request while one runs gets 429, not a second pass).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const T = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const verify = (token) => s.api('GET', '/api/v1/audit/verify', { token });

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'inspector', 'cadre', 'town_official', 'clerk', 'villager'])
    T[role] = await s.as(role);
});

after(async () => {
  if (s) await s.close();
});

test('the county administrator verifies every chain; an inspector of one village only that village\'s', async () => {
  const all = await must(await verify(T.county_admin), 200);
  assert.equal(all.ok, true, JSON.stringify(all));
  assert.ok(all.chains >= 2, JSON.stringify(all));
  const demoInspector = await must(await verify(T.inspector), 200);
  assert.equal(demoInspector.ok, true);

  const cadre = await must(await s.api('GET', '/api/v1/session', { token: T.cadre }), 200);
  const village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  const u = await must(await s.api('POST', '/api/v1/users', { token: T.county_admin, body: { phone: '13755550001', name: '纪村监', password: 'Inspect-2026-v' } }), 201);
  await must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county_admin, body: { role: 'inspector', unit_id: village } }), 200);
  const one = await must(await verify(await s.login('13755550001', 'Inspect-2026-v')), 200);
  assert.equal(one.ok, true);
  assert.equal(one.chains, 1, JSON.stringify(one));
  assert.ok(one.entries > 0 && one.entries < all.entries, JSON.stringify({ one, all }));
});

test('cadres, town officials, clerks and villagers may not verify: 403 in Chinese; no login 401', async () => {
  for (const role of ['cadre', 'town_official', 'clerk', 'villager']) {
    const r = await verify(T[role]);
    assert.equal(r.status, 403, `${role}: ${r.text}`);
    assert.match(r.json.error.message, /区县管理员和纪检监督/);
  }
  assert.equal((await verify()).status, 401);
});

test('concurrent verifications: each answer a full pass or 429 in Chinese, never an error', async (t) => {
  const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => verify(i % 2 ? T.inspector : T.county_admin)));
  let busy = 0;
  for (const r of rs) {
    assert.ok(r.status === 200 || r.status === 429, `${r.status} ${r.text}`);
    if (r.status === 200) assert.equal(r.json.ok, true);
    else {
      busy++;
      assert.match(r.json.error.message, /已有一次审计校验正在进行/);
      assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
    }
  }
  assert.ok(rs.some((r) => r.status === 200), 'at least one ran');
  // once they are done, the next one runs
  assert.equal((await verify(T.county_admin)).status, 200);
  t.diagnostic(`${busy} of 6 refused while another ran`);
});
