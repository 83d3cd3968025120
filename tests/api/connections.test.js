// Connections opened together (a browser opens six at once, a proxy more) do not wait on
// each other: a request that waits in one (here a write behind another process's lock
// on the database) leaves the server's other workers to answer the rest.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, PHONES, holdWriteLock } = require('./lib');

let s;
before(async () => { s = await startServer(); });
after(async () => { if (s) await s.close(); });

// A connection that sends one request and resolves with the reply's status line.
function connection(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('error', reject);
    sock.on('connect', () => {
      let got = '';
      const reply = new Promise((done) => {
        sock.on('data', (d) => {
          got += d.toString('latin1');
          if (got.includes('\r\n')) done(got.slice(0, got.indexOf('\r\n')));
        });
      });
      resolve({ send: (text) => { sock.write(text); return reply; }, end: () => sock.destroy() });
    });
  });
}

test('a request waiting for the database does not hold up the connections opened with it', { skip: process.env.CUNZHI_PG ? 'the lock is SQLite\'s' : false }, async () => {
  const token = await s.login(PHONES.cadre);
  const list = await s.api('GET', '/api/v1/households?limit=1', { token });
  assert.equal(list.status, 200);
  const id = list.json.items[0].id;

  // three rounds: connections opened together before went to one worker now and then,
  // not every time
  for (let round = 1; round <= 3; round++) {
    // another process holds SQLite's write lock until released
    const lock = await holdWriteLock(s, { rollback: true });

    // eight connections opened at once, before any request, as many as the server's workers
    const conns = await Promise.all(Array.from({ length: 8 }, () => connection(s.port)));
    try {
      const body = JSON.stringify({ address: `青山村连接测试路 ${round} 号` });
      let written = null;
      const write = conns[0].send(`PATCH /api/v1/households/${id} HTTP/1.1\r\nHost: t\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`).then((line) => { written = line; return line; });
      // each connection goes to a worker by its socket's number, mostly the next one: the
      // others answer while the write waits, all but one at least (a number taken again, or
      // one taken by a worker's database meanwhile, may share the write's worker)
      const answered = [];
      const health = conns.slice(1).map((c) => c.send('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n'));
      await Promise.race([
        new Promise((enough) => health.forEach((h) => h.then((line) => {
          answered.push(line);
          if (answered.length === health.length - 1) enough();
        }))),
        write,
      ]);
      assert.equal(written, null, `the write waited for the lock while ${answered.length} were answered`);
      assert.deepEqual(answered.slice(0, health.length - 1), Array(health.length - 1).fill('HTTP/1.1 200 OK'));
      await lock.release();
      assert.match(await write, /^HTTP\/1\.1 200/, 'the write is done once the lock is free');
      assert.deepEqual(await Promise.all(health), Array(health.length).fill('HTTP/1.1 200 OK'));
    } finally {
      await lock.release().catch(() => {});
      for (const c of conns) c.end();
    }
  }
  const after = await s.api('GET', `/api/v1/households/${id}`, { token });
  assert.equal(after.json.address, '青山村连接测试路 3 号');
});
