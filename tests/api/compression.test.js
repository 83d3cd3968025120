// How the server sends bytes: the web UI's files precompressed by the build (.br and
// .gz beside each) chosen by the request's Accept-Encoding with its q-values, falling
// back to identity and never refusing; hashed assets immutable for a year, index.html
// revalidated with an ETag that answers 304; JSON replies above 1 KiB gzipped when the
// client accepts gzip (and decoding to the very same JSON), small ones left alone, the
// live event stream never compressed. The UI directory is made here (--ui), so the
// test does not depend on a UI build.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { startServer } = require('./lib');

let s;
let ui;
const T = {};

const INDEX = '<!doctype html><html lang="zh-CN"><title>村治</title><body><div id="app">' +
  '<div class="shell">村治 正在加载…</div>'.repeat(40) + '</div></body></html>';
const SCRIPT = 'export const rows = [' + Array.from({ length: 400 }, (_, i) => `{id:${i},name:"户${i}"}`).join(',') + '];\n';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function writeWithVariants(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  fs.writeFileSync(file + '.gz', zlib.gzipSync(data, { level: 9 }));
  fs.writeFileSync(file + '.br', zlib.brotliCompressSync(data));
}

// GET over node:http, which sends exactly the headers given and decodes nothing.
function get(p, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: s.port, path: p, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function decode(r) {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(r.body);
  if (enc === 'gzip') return zlib.gunzipSync(r.body);
  assert.equal(enc, undefined, `unexpected coding ${enc}`);
  return r.body;
}

before(async () => {
  ui = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-ui-'));
  writeWithVariants(path.join(ui, 'index.html'), Buffer.from(INDEX));
  writeWithVariants(path.join(ui, 'assets', 'app-3f2a9c.js'), Buffer.from(SCRIPT));
  // a .js with only the gzip variant, as when brotli did not make it smaller
  fs.writeFileSync(path.join(ui, 'assets', 'gzonly-77aa01.js'), SCRIPT);
  fs.writeFileSync(path.join(ui, 'assets', 'gzonly-77aa01.js.gz'), zlib.gzipSync(SCRIPT));
  fs.writeFileSync(path.join(ui, 'assets', 'logo-0a1b2c.png'), PNG);
  s = await startServer({ args: ['--ui', ui] });
  T.cadre = await s.as('cadre');
  T.villager = await s.as('villager');
});

after(async () => {
  await s?.stop();
  if (ui) fs.rmSync(ui, { recursive: true, force: true });
});

test('a static file goes out in the coding Accept-Encoding prefers, by its q-values', async () => {
  const cases = [
    ['gzip, deflate, br', 'br'],                 // what browsers send: br wins a tie
    ['br;q=1.0, gzip;q=0.8', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],              // the higher q, not the smaller file
    ['br;q=0, gzip', 'gzip'],                    // q=0 means not acceptable
    ['BR;Q=0 , GZIP ; q=0.001', 'gzip'],         // names and q are case-insensitive, spaces allowed
    ['x-gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],                 // * covers what is not named
    ['deflate', undefined],                      // nothing offered that it takes: identity
    ['br;q=0, gzip;q=0', undefined],
    ['identity;q=0, *;q=0', undefined],          // refuses everything: identity all the same
    ['gzip;q=2, br;q=abc', undefined],           // malformed q: the elements are ignored
    ['', undefined],
  ];
  for (const [accept, want] of cases) {
    const r = await get('/assets/app-3f2a9c.js', { 'accept-encoding': accept });
    assert.equal(r.status, 200, accept);
    assert.equal(r.headers['content-encoding'], want, `Accept-Encoding: ${accept}`);
    assert.match(r.headers.vary || '', /Accept-Encoding/i, accept);
    assert.match(r.headers['content-type'], /^text\/javascript/);
    assert.equal(decode(r).toString(), SCRIPT, accept);
    if (want) assert.ok(r.body.length < SCRIPT.length / 2, `${want} is smaller`);
  }
  const none = await get('/assets/app-3f2a9c.js');
  assert.equal(none.headers['content-encoding'], undefined, 'no header: identity');
  assert.equal(none.body.toString(), SCRIPT);

  // only a .gz beside the file: br is asked for but gzip is what there is
  const gz = await get('/assets/gzonly-77aa01.js', { 'accept-encoding': 'br, gzip;q=0.5' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(decode(gz).toString(), SCRIPT);
  const gzNo = await get('/assets/gzonly-77aa01.js', { 'accept-encoding': 'br' });
  assert.equal(gzNo.headers['content-encoding'], undefined);
  assert.equal(gzNo.body.toString(), SCRIPT);

  // images are not text: sent as they are, whatever is accepted
  const png = await get('/assets/logo-0a1b2c.png', { 'accept-encoding': 'gzip, br' });
  assert.equal(png.headers['content-encoding'], undefined);
  assert.deepEqual(png.body, PNG);
});

test('hashed assets are immutable for a year; index.html is revalidated and answers 304 to its ETag', async () => {
  const a = await get('/assets/app-3f2a9c.js', { 'accept-encoding': 'gzip' });
  assert.equal(a.headers['cache-control'], 'public, max-age=31536000, immutable');

  for (const p of ['/', '/index.html', '/claims/12']) {   // an app route falls back to index.html
    const r = await get(p, { 'accept-encoding': 'br' });
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['cache-control'], 'no-cache', p);
    assert.equal(r.headers['content-encoding'], 'br', p);
    assert.equal(decode(r).toString(), INDEX, p);
    const etag = r.headers.etag;
    assert.match(etag, /^"[0-9a-f]{16}"$/, p);

    const again = await get(p, { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.equal(again.status, 304, p);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.headers['cache-control'], 'no-cache');
    // in a list, or weak, it still matches
    const listed = await get(p, { 'accept-encoding': 'br', 'if-none-match': `"0000000000000000", W/${etag}` });
    assert.equal(listed.status, 304, p);
    // another tag: the whole page
    const other = await get(p, { 'accept-encoding': 'br', 'if-none-match': '"0123456789abcdef"' });
    assert.equal(other.status, 200);
    assert.equal(decode(other).toString(), INDEX);
  }
  // each coding is its own representation with its own tag
  const br = await get('/', { 'accept-encoding': 'br' });
  const gz = await get('/', { 'accept-encoding': 'gzip' });
  const id = await get('/', {});
  assert.equal(new Set([br.headers.etag, gz.headers.etag, id.headers.etag]).size, 3);
  const cross = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': br.headers.etag });
  assert.equal(cross.status, 200);
  assert.equal(cross.headers['content-encoding'], 'gzip');
  // a changed file gets a new tag: the old one no longer answers 304
  fs.writeFileSync(path.join(ui, 'about.html'), INDEX);
  const before1 = await get('/about.html');
  fs.writeFileSync(path.join(ui, 'about.html'), INDEX + '<!-- v2 -->');
  const after1 = await get('/about.html', { 'if-none-match': before1.headers.etag });
  assert.equal(after1.status, 200);
  assert.notEqual(after1.headers.etag, before1.headers.etag);
});

test('a large JSON reply is gzipped when accepted and decodes to the same JSON; small ones are not', async () => {
  const auth = { authorization: `Bearer ${T.cadre}` };
  const me = JSON.parse(decode(await get('/api/v1/session', auth)).toString());
  const village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const url = `/api/v1/households?unit_id=${village}&limit=100`;

  const plain = await get(url, auth);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity');
  assert.ok(plain.body.length > 4096, `a large reply (${plain.body.length} bytes)`);
  const want = JSON.parse(plain.body.toString());

  const gz = await get(url, { ...auth, 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers.vary || '', /Accept-Encoding/i);
  assert.equal(gz.headers['content-type'], 'application/json');
  assert.equal(gz.headers['cache-control'], 'no-store');
  assert.equal(Number(gz.headers['content-length']), gz.body.length);
  assert.ok(gz.body.length < plain.body.length / 3, `${gz.body.length} < ${plain.body.length} / 3`);
  assert.deepEqual(JSON.parse(zlib.gunzipSync(gz.body).toString()), want);

  // gzip refused (q=0) or only br asked: sent as it is
  for (const accept of ['gzip;q=0', 'br', 'identity']) {
    const r = await get(url, { ...auth, 'accept-encoding': accept });
    assert.equal(r.headers['content-encoding'], undefined, accept);
    assert.deepEqual(JSON.parse(r.body.toString()), want);
  }

  // the village ranking, the largest reply a villager's page meets
  const year = `/api/v1/rankings?unit_id=${village}&period=${new Date().getUTCFullYear()}`;
  const rk = await get(year, { ...auth, 'accept-encoding': 'gzip' });
  assert.equal(rk.status, 200, rk.body.toString());
  const rkPlain = await get(year, auth);
  assert.deepEqual(JSON.parse(decode(rk).toString()), JSON.parse(rkPlain.body.toString()));
  if (rkPlain.body.length >= 1024) assert.equal(rk.headers['content-encoding'], 'gzip');

  // an SVG a handler sends itself (the household's QR code) goes the same way
  const vtok = { authorization: `Bearer ${T.villager}` };
  const vme = JSON.parse(decode(await get('/api/v1/session', vtok)).toString());
  const hh = vme.household_id || vme.household?.id;
  if (hh) {
    const svgPlain = await get(`/api/v1/households/${hh}/code.svg`, vtok);
    assert.equal(svgPlain.status, 200);
    assert.ok(svgPlain.body.length >= 1024);
    const svg = await get(`/api/v1/households/${hh}/code.svg`, { ...vtok, 'accept-encoding': 'gzip' });
    assert.equal(svg.headers['content-encoding'], 'gzip');
    assert.match(svg.headers['content-type'], /^image\/svg\+xml/);
    assert.equal(zlib.gunzipSync(svg.body).toString(), svgPlain.body.toString());
  } else {
    assert.fail(`no household in the villager's session: ${JSON.stringify(vme)}`);
  }

  // small replies, and errors, stay as they are
  const health = await get('/healthz', { 'accept-encoding': 'gzip' });
  assert.ok(health.body.length < 1024);
  assert.equal(health.headers['content-encoding'], undefined);
  assert.equal(JSON.parse(health.body.toString()).status, 'ok');
  const missing = await get('/api/v1/households/999999999', { ...auth, 'accept-encoding': 'gzip' });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['content-encoding'], undefined);
  assert.ok(JSON.parse(missing.body.toString()).error);
});

test('the live event stream is never compressed or held back', async () => {
  const got = await new Promise((resolve, reject) => {
    const req = http.get({
      host: '127.0.0.1', port: s.port, path: '/api/v1/broadcasts/stream', agent: false,
      headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br', authorization: `Bearer ${T.villager}` },
    }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (d) => {
        text += d;
        // the first frame arrives while the stream stays open: nothing buffered it
        if (text.includes('\n\n')) { req.destroy(); resolve({ headers: res.headers, status: res.statusCode, text }); }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
  });
  assert.equal(got.status, 200);
  assert.match(got.headers['content-type'], /^text\/event-stream/);
  assert.equal(got.headers['content-encoding'], undefined);
  assert.match(got.text, /^:/m, 'plain SSE text');
});
