// Body limits per route while the body streams (hole 6), a deadline for a whole request
// (a client trickling its headers or body is answered 408 or cut off), and the login
// throttle behind a
// trusted proxy (hole 7): the client's address from X-Forwarded-For only when the peer
// is a trusted proxy, IPv6 grouped by /64, and a growing delay on a phone, never a hard
// lock that a stranger could keep the owner behind.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { startServer, rawRequest, PHONES, PASSWORD } = require('./lib');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let s;
before(async () => { s = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] }); });
after(async () => { if (s) await s.close(); });

const login = (phone, password, xff) => s.api('POST', '/api/v1/session', {
  body: { phone, password }, headers: xff ? { 'x-forwarded-for': xff } : {},
});

test('a 2 MiB body to the login, an unknown path or an upload without a session is refused with 413', async () => {
  const big = Buffer.alloc(2 << 20, 0x61);
  for (const p of ['/api/v1/session', '/api/v1/no-such-route', '/no-such-page', '/api/v1/files']) {
    const r = await s.api('POST', p, { raw: big, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'too_large');
  }
  // a chunked body is counted as it streams
  const chunk = `100000\r\n${'a'.repeat(0x100000)}\r\n`;
  const r = await rawRequest(s.port, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Transfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`);
  assert.equal(r.status, 413);
  // the server still answers, and small bodies pass
  assert.equal((await login(PHONES.cadre, PASSWORD)).status, 201);
});

test("behind the trusted proxy, client A's failures do not stop client B", async () => {
  // A guesses at many phones until its address is locked
  let locked = false;
  for (let i = 0; i < 30 && !locked; i++) {
    const r = await login(`1370000${String(1000 + i)}`, 'wrong-password', '203.0.113.7');
    locked = r.status === 429;
  }
  assert.ok(locked, 'client A is throttled');
  assert.equal((await login(PHONES.cadre, PASSWORD, '203.0.113.7')).status, 429);
  // B, through the same proxy, logs in
  assert.equal((await login(PHONES.cadre, PASSWORD, '198.51.100.20')).status, 201);
  // a chain of proxies: the right-most address that is not the trusted proxy counts
  assert.equal((await login(PHONES.cadre, PASSWORD, '203.0.113.7, 198.51.100.21, 127.0.0.1')).status, 201);
  // IPv6: the whole /64 is one client
  for (let i = 0; i < 30; i++) await login(`1370001${String(1000 + i)}`, 'wrong-password', `2001:db8:1:2::${i + 1}`);
  assert.equal((await login(PHONES.cadre, PASSWORD, '2001:db8:1:2:ffff::9')).status, 429);
  assert.equal((await login(PHONES.cadre, PASSWORD, '2001:db8:1:3::9')).status, 201);
});

test("a stranger's guesses at a phone delay its owner, they do not lock them out", async () => {
  const phone = PHONES.county_admin;
  let r;
  for (let i = 0; i < 8; i++) {
    r = await login(phone, 'wrong-password', `192.0.2.${i + 1}`);
    if (r.status === 429) {
      // a refusal while waiting does not count as a failure; wait it out and guess again
      await s.advance(Number(r.headers.get('retry-after')));
    }
  }
  r = await login(phone, PASSWORD, '198.51.100.99');
  if (r.status === 429) {
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 300, `retry after ${wait}`);
    await s.advance(wait);
    r = await login(phone, PASSWORD, '198.51.100.99');
  }
  assert.equal(r.status, 201, r.text);
});

test('X-Forwarded-For from a peer that is not a trusted proxy is ignored', async () => {
  const other = await startServer({ demo: false });
  try {
    let locked = false;
    for (let i = 0; i < 30 && !locked; i++) {
      const r = await other.api('POST', '/api/v1/session', {
        body: { phone: `1370002${String(1000 + i)}`, password: 'wrong-password' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      locked = r.status === 429;
    }
    assert.ok(locked, 'the peer itself is throttled whatever the header says');
  } finally {
    await other.close();
  }
});

test('the session cookie is Secure behind a trusted TLS proxy, not on plain HTTP to this machine', async () => {
  const plain = await login(PHONES.cadre, PASSWORD);
  assert.equal(plain.status, 201, plain.text);
  assert.doesNotMatch(plain.headers.get('set-cookie'), /;\s*Secure/i);
  const tls = await s.api('POST', '/api/v1/session', {
    body: { phone: PHONES.cadre, password: PASSWORD }, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
  });
  assert.equal(tls.status, 201, tls.text);
  assert.match(tls.headers.get('set-cookie'), /;\s*Secure/i);
});

test('a change of state from another site\'s page is refused; a JSON body must say it is JSON', async () => {
  const body = { phone: PHONES.inspector, password: PASSWORD };
  const me = { 'x-forwarded-for': '198.51.100.23' }; // a client of its own, clear of the throttle tests above
  const foreign = await s.api('POST', '/api/v1/session', { body, headers: { ...me, origin: 'http://evil.example' } });
  assert.equal(foreign.status, 403, foreign.text);
  assert.equal(foreign.json.error.code, 'cross_origin');
  assert.equal(foreign.headers.get('set-cookie'), null);
  const nul = await s.api('POST', '/api/v1/session', { body, headers: { ...me, origin: 'null' } });
  assert.equal(nul.status, 403, nul.text);
  const own = await s.api('POST', '/api/v1/session', { body, headers: { ...me, origin: s.url } });
  assert.equal(own.status, 201, own.text);
  // behind the trusted proxy the page's own site is the forwarded host
  const proxied = await s.api('POST', '/api/v1/session', {
    body, headers: { origin: 'https://cunzhi.example.gov.cn', 'x-forwarded-host': 'cunzhi.example.gov.cn', 'x-forwarded-for': '198.51.100.24' },
  });
  assert.equal(proxied.status, 201, proxied.text);
  // a Bearer token is no ambient credential: an app on another origin may use it
  const token = own.json.token;
  const app = await s.api('GET', '/api/v1/session', { token, headers: { origin: 'http://evil.example' } });
  assert.equal(app.status, 200, app.text);
  const logout = await s.api('DELETE', '/api/v1/session', { token, headers: { origin: 'http://app.example' } });
  assert.ok(logout.status < 300, logout.text);

  // a form post (text/plain) carrying JSON is not taken as JSON
  const form = await s.api('POST', '/api/v1/session', { raw: JSON.stringify(body), headers: { ...me, 'content-type': 'text/plain' } });
  assert.equal(form.status, 415, form.text);
  assert.equal(form.json.error.code, 'unsupported_type');
  const none = await s.api('POST', '/api/v1/session', { raw: JSON.stringify(body), headers: me });
  assert.equal(none.status, 415, none.text);
  const charset = await s.api('POST', '/api/v1/session', { raw: JSON.stringify(body), headers: { ...me, 'content-type': 'application/json; charset=utf-8' } });
  assert.equal(charset.status, 201, charset.text);
});

// A client that sends `head` at once, then `slow` one byte every `everyMs` ms, then
// `tail`. Its state: bytes of `slow` sent, whether the connection is closed, and what
// came back (status 0 when the server closed it without an answer).
function trickle(port, head, slow, tail, everyMs) {
  const st = { sent: 0, closed: false };
  st.done = new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('close', () => {
      st.closed = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number((/^HTTP\/1\.\d (\d{3})/.exec(text) || [])[1] || 0);
      resolve({ status, text, sent: st.sent });
    });
    sock.on('connect', async () => {
      sock.write(head);
      for (; st.sent < slow.length && !st.closed; st.sent++) {
        await sleep(everyMs);
        if (!st.closed) sock.write(slow[st.sent]);
      }
      if (!st.closed) sock.write(tail);
    });
  });
  return st;
}

// Waits (for a state, with a ceiling for a hang) until the server's log has a line
// matching re.
async function logged(srv, re) {
  for (let i = 0; i < 400 && !re.test(srv.log); i++) await sleep(50);
  return re.test(srv.log);
}

test('a request slower than its deadline is answered 408 or cut off; other clients are answered meanwhile', async () => {
  const srv = await startServer({ args: ['--request-deadline', '2'] });
  try {
    const token = await srv.as('villager');
    // an event stream opened first: once a request is in, its deadline no longer applies
    const stream = { text: '', closed: false };
    const req = http.get({
      host: '127.0.0.1', port: srv.port, path: '/api/v1/broadcasts/stream', agent: false,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    }, (res) => {
      stream.status = res.statusCode;
      res.setEncoding('utf8');
      res.on('data', (d) => { stream.text += d; });
      res.on('close', () => { stream.closed = true; });
      res.on('error', () => {});
    });
    req.on('error', () => { stream.closed = true; });
    for (let i = 0; i < 400 && !stream.text.includes('\n\n'); i++) await sleep(50);
    assert.equal(stream.status, 200);

    // headers sent a byte every 0.1 s, 300 of them (at least 30 s)
    const hdr = trickle(srv.port, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: ',
      'a'.repeat(300), '\r\nContent-Length: 2\r\n\r\n{}', 100);
    // a connection that sends nothing at all after its request line
    // a body announced as 200 bytes and sent a byte every 0.2 s
    const body = JSON.stringify({ phone: PHONES.villager, password: 'x'.repeat(160) });
    const bdy = trickle(srv.port, `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body, '', 200);
    const idle = trickle(srv.port, 'GET /healthz HTTP/1.1\r\n', '', '', 0);
    while (bdy.sent < 3) await sleep(20);
    // other clients, on other connections, are answered while the slow ones are held
    assert.equal(hdr.closed || bdy.closed || idle.closed, false);
    const health = await fetch(`${srv.url}/healthz`);
    assert.equal(health.status, 200);
    const login = await srv.api('POST', '/api/v1/session', { body: { phone: PHONES.cadre, password: PASSWORD } });
    assert.equal(login.status, 201, login.text);

    const b = await bdy.done;
    assert.ok(b.sent < body.length, `the server ended the request before its body was in (${b.sent} of ${body.length} bytes)`);
    assert.ok(b.status === 408 || b.status === 0, `slow body: ${b.status} ${b.text}`);
    // headers never finished: the connection is closed (408 when they came in just then)
    const h = await hdr.done;
    assert.ok(h.sent < 300, `the server ended the request before its headers were in (${h.sent} of 300 bytes)`);
    assert.ok(h.status === 408 || h.status === 0, `slow headers: ${h.status} ${h.text}`);
    const i = await idle.done;
    assert.ok(i.status === 408 || i.status === 0, `no headers: ${i.status} ${i.text}`);
    // the access log says why, for both
    assert.ok(await logged(srv, /"path":"\/api\/v1\/session","status":(408|0),[^\n]*"reason":"deadline 2 s passed before the body was in"/),
      'the slow body is in the access log');
    const headerCuts = () => (srv.log.match(/"path":"\/(api\/v1\/session|healthz)","status":(408|0),[^\n]*"reason":"deadline 2 s passed before the headers were in"/g) || []).length;
    for (let n = 0; n < 400 && headerCuts() < 2; n++) await sleep(50);
    assert.equal(headerCuts(), 2, 'the slow headers and the silent connection are in the access log');

    // the stream opened before it all is still open and the server still answers
    assert.equal(stream.closed, false, 'the event stream outlived the deadline');
    req.destroy();
    assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
  } finally {
    await srv.close();
  }
});
