// Graceful shutdown: SIGTERM while requests are in flight lets them finish.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, PHONES, PASSWORD } = require('./lib');

let s;
let earlier; // a token issued by a request that was in flight at SIGTERM
before(async () => { s = await startServer(); });
after(async () => { if (s) await s.close(); });

test('SIGTERM with slow requests in flight: every one completes with 2xx, exit code 0', async () => {
  // A login hashes with argon2id (tens of milliseconds of CPU each): 24 at once keep the
  // worker pool busy for a while.
  const N = 24;
  let firstDone;
  const first = new Promise((r) => { firstDone = r; });
  const phones = Object.values(PHONES);
  const inflight = [];
  for (let i = 0; i < N; i++) {
    inflight.push(s.api('POST', '/api/v1/session', { body: { phone: phones[i % phones.length], password: PASSWORD } })
      .then((r) => { firstDone(); return r; }, (e) => { firstDone(); return { status: 0, text: String(e && e.cause || e) }; }));
  }
  await first; // the server is working on them
  s.proc.kill('SIGTERM');
  const results = await Promise.all(inflight);
  const statuses = results.map((r) => r.status);
  assert.deepEqual(statuses, Array(N).fill(201), results.filter((r) => r.status !== 201).map((r) => r.text).join('\n'));
  for (const r of results) assert.match(r.json.token, /^[0-9a-f]{64}$/);
  earlier = results[N - 1].json.token;
  const exit = await s.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, s.log.slice(-2000));
  assert.match(s.log, /stopping/);
  // and it is gone
  await assert.rejects(fetch(s.url + '/healthz'));
});

test('the data survives the restart: the sessions made before SIGTERM still work', async () => {
  await s.start();
  const r = await s.api('GET', '/api/v1/session', { token: earlier });
  assert.equal(r.status, 200, r.text);
  const token = await s.login(PHONES.county_admin, PASSWORD, { fresh: true });
  const v = await s.api('GET', '/api/v1/audit/verify', { token });
  assert.equal(v.json.ok, true);
  // an idle server stops by itself on SIGTERM (stop() sends SIGKILL only after a
  // ceiling that catches a hang; how long it took is not measured here)
  const exit = await s.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, s.log.slice(-2000));
});
