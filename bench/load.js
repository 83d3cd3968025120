// Sustained mixed load with slow clients (issue 18): node bench/load.js BIN
//
// On a fresh demo village (SQLite), for BENCH_SECONDS (180): BENCH_READERS (8) clients
// reading (a household's ledger as its villager, the village's notices and events as
// the cadre, the ranking), BENCH_WRITERS (2) writing (notices as the cadre, 民情 events
// as the villager, each with an idempotency key), one uploading a photo (a real PNG)
// in a loop (50 pictures in turn, within the villager's daily upload quota), and BENCH_SLOW (48) slow clients from other loopback addresses that hold
// their connections: half send a request's headers a byte every 2 s, half announce a
// 100 kB JSON body and send it a byte every 2 s; when the server drops one it comes
// back. Every 10 s it prints the interval's requests, errors, p50/p99 latency and the
// server's resident memory (VmRSS); at the end a summary in markdown (also written to
// BENCH_LOAD_OUT, default BIN's directory/bench-load-results.md). Not a test: the
// numbers are for reading, and the run fails only when the server stops answering.
// BENCH_DEBUG=1 prints the failed answers of each interval. Results: docs/load.md.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn } = require('node:child_process');
process.env.CUNZHI_BIN = process.env.CUNZHI_BIN || path.resolve(process.argv[2] || 'build/cunzhi');
const { pngPixel, demoCopy } = require('../tests/api/lib');

const BIN = path.resolve(process.argv[2] || 'build/cunzhi');
const SECONDS = Number(process.env.BENCH_SECONDS || 180);
const READERS = Number(process.env.BENCH_READERS || 8);
const WRITERS = Number(process.env.BENCH_WRITERS || 2);
const SLOW = Number(process.env.BENCH_SLOW || 48);
const OUT = process.env.BENCH_LOAD_OUT || path.join(path.dirname(BIN), 'bench-load-results.md');
const PASSWORD = 'Cunzhi2026!';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let data;
let server;
function cleanup() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (data && !process.env.BENCH_KEEP) fs.rmSync(data, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function rss() {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

let base;
// One request on its own connection (node:http, no pool), with a 30 s ceiling: a request
// the server never answers counts as an error instead of stalling its client.
function api(method, p, { token, body, raw, type } = {}) {
  const http = require('node:http');
  const headers = { connection: 'close' };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (raw) {
    payload = raw;
    headers['content-type'] = type || 'application/octet-stream';
  } else if (body) {
    payload = Buffer.from(JSON.stringify(body));
    headers['content-type'] = 'application/json';
  }
  if (payload) headers['content-length'] = payload.length;
  const u = new URL(base + p);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: false, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, json, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function login(phone) {
  const r = await api('POST', '/api/v1/session', { body: { phone, password: PASSWORD } });
  if (r.status !== 200 && r.status !== 201) throw new Error(`login ${phone}: ${r.status} ${r.text}`);
  return r.json.token;
}

// ---- measuring ----
const statuses = {};
let interval = { n: 0, errors: 0, lat: [] };
const totals = { n: 0, errors: 0, lat: [], slowDropped: 0, slowOpened: 0 };
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  let ok = false;
  try {
    const r = await fn();
    ok = r.status >= 200 && r.status < 300;
    if (!ok) statuses[`${r.status} ${(r.text || '').slice(0, 80)}`] = (statuses[`${r.status} ${(r.text || '').slice(0, 80)}`] || 0) + 1;
  } catch (e) {
    ok = false;
    statuses[`failed ${e.code || e.message}`] = (statuses[`failed ${e.code || e.message}`] || 0) + 1;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  for (const x of [interval, totals]) {
    x.n++;
    x.lat.push(ms);
    if (!ok) x.errors++;
  }
}
const pct = (a, p) => {
  if (!a.length) return 0;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// ---- slow clients ----
function slowClient(i, stop) {
  const localAddress = `127.0.${10 + Math.floor(i / 40)}.${2 + (i % 40)}`;
  const bodyKind = i % 2 === 1;
  return new Promise((resolve) => {
    const loop = () => {
      if (stop.now) return resolve();
      totals.slowOpened++;
      const sock = net.connect({ host: '127.0.0.1', port: Number(new URL(base).port), localAddress });
      let timer;
      const head = bodyKind
        ? 'POST /api/v1/session HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"phone":"'
        : 'GET /api/v1/notices HTTP/1.1\r\nHost: bench\r\nX-Slow: ';
      sock.on('connect', () => {
        sock.write(head);
        timer = setInterval(() => { if (!stop.now) sock.write('a'); }, 2000);
      });
      const again = () => {
        clearInterval(timer);
        if (!stop.now) totals.slowDropped++;
        setTimeout(loop, 500);
      };
      sock.on('error', () => {});
      sock.on('close', again);
      stop.sockets.push(sock);
    };
    loop();
  });
}

(async () => {
  // the demo the API tests make once per binary, copied (SQLite)
  delete process.env.CUNZHI_PG;
  const copy = await demoCopy();
  data = copy.data;
  console.log(`load: demo in ${data}`);
  const villagerPhone = (/(\d{11})\s*\/\s*\S+\s*$/.exec(copy.stdout.trim().split('\n').pop()) || [])[1] || '15620260101';
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  fs.mkdirSync(path.join(data, 'ui'), { recursive: true });
  fs.writeFileSync(path.join(data, 'ui', 'index.html'), '<!doctype html><title>村治</title>');
  // the server's log to a file: a pipe nobody reads would fill and stop the server
  const logFd = fs.openSync(path.join(data, 'server.log'), 'a');
  server = spawn(BIN, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--ui', path.join(data, 'ui')],
    { stdio: ['ignore', logFd, logFd] });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base + '/healthz')).status === 200) break;
    } catch { /* not yet */ }
    if (i > 600) throw new Error('the server did not start');
    await sleep(50);
  }
  const T = { cadre: await login('13900000003'), villager: await login(villagerPhone) };
  if (process.env.BENCH_DEBUG) console.log(`tokens ${base} cadre ${T.cadre} villager ${T.villager}`);
  const me = (await api('GET', '/api/v1/session', { token: T.villager })).json;
  const cadre = (await api('GET', '/api/v1/session', { token: T.cadre })).json;
  const village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  const cats = (await api('GET', '/api/v1/event-categories', { token: T.villager })).json.items;
  const reads = [
    () => api('GET', `/api/v1/households/${me.household_id}/ledger?limit=20`, { token: T.villager }),
    () => api('GET', `/api/v1/notices?unit_id=${village}&limit=20`, { token: T.cadre }),
    () => api('GET', `/api/v1/events?limit=20`, { token: T.cadre }),
    () => api('GET', `/api/v1/rankings?unit_id=${village}&period=${new Date().toISOString().slice(0, 4)}`, { token: T.villager }),
  ];
  let seq = 0;
  const writes = [
    () => api('POST', '/api/v1/notices', { token: T.cadre, body: { unit_id: village, title: `压力测试通知 ${seq}`, body: '压力测试', idempotency_key: `load-n-${seq++}` } }),
    () => api('POST', '/api/v1/events', { token: T.villager, body: { village_id: village, category_id: cats[0].id, description: `压力测试反映 ${seq}`, idempotency_key: `load-e-${seq++}` } }),
  ];

  const stop = { now: false, sockets: [] };
  const slow = Array.from({ length: SLOW }, (_, i) => slowClient(i, stop));
  const loops = [];
  for (let i = 0; i < READERS; i++) loops.push((async () => { for (let k = i; !stop.now; k++) await timed(reads[k % reads.length]); })());
  for (let i = 0; i < WRITERS; i++) loops.push((async () => { for (let k = i; !stop.now; k++) await timed(writes[k % writes.length]); })());
  if (process.env.BENCH_UPLOAD !== '0') loops.push((async () => {
    for (let k = 0; !stop.now; k++) {
      // 50 pictures in turn, within the villager's daily upload quota (60 new files):
      // after the first round each is stored already (decoded, hashed and recorded again)
      const n = k % 50;
      await timed(() => api('POST', '/api/v1/files', { token: T.villager, raw: pngPixel(n, 0, 77), type: 'image/png' }));
      await sleep(200);
    }
  })());

  const rows = [];
  const start = Date.now();
  const rss0 = rss();
  console.log(`load: ${READERS} readers, ${WRITERS} writers, 1 uploader, ${SLOW} slow clients for ${SECONDS} s; RSS at start ${rss0} kB`);
  console.log('   t    req   err   p50 ms   p99 ms   RSS kB');
  while (Date.now() - start < SECONDS * 1000) {
    await sleep(10000);
    const row = { t: Math.round((Date.now() - start) / 1000), n: interval.n, errors: interval.errors,
      p50: pct(interval.lat, 50), p99: pct(interval.lat, 99), rss: rss() };
    rows.push(row);
    interval = { n: 0, errors: 0, lat: [] };
    if (process.env.BENCH_DEBUG) console.log(JSON.stringify(statuses));
    console.log(`${String(row.t).padStart(4)} ${String(row.n).padStart(6)} ${String(row.errors).padStart(5)} ${row.p50.toFixed(1).padStart(8)} ${row.p99.toFixed(1).padStart(8)} ${String(row.rss).padStart(8)}`);
  }
  stop.now = true;
  for (const s of stop.sockets) s.destroy();
  await Promise.all(loops);
  await Promise.all(slow);
  const alive = (await fetch(base + '/healthz')).status === 200;

  const rssRows = rows.map((r) => r.rss);
  const firstHalf = rssRows.slice(0, Math.ceil(rssRows.length / 2));
  const md = [
    `## Load run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${SECONDS} s on a fresh demo village (SQLite): ${READERS} readers, ${WRITERS} writers, 1 photo uploader, ${SLOW} slow clients holding connections (headers or a body a byte every 2 s).`,
    '',
    `- requests: ${totals.n} (${(totals.n / SECONDS).toFixed(1)}/s), errors: ${totals.errors}`,
    `- latency over the run: p50 ${pct(totals.lat, 50).toFixed(1)} ms, p99 ${pct(totals.lat, 99).toFixed(1)} ms, max ${pct(totals.lat, 100).toFixed(1)} ms`,
    `- slow connections opened ${totals.slowOpened}, dropped by the server ${totals.slowDropped}`,
    `- resident memory: ${rss0} kB at the start, ${Math.max(...firstHalf)} kB the highest of the first half, ${Math.max(...rssRows)} kB the highest overall, ${rssRows[rssRows.length - 1]} kB at the end`,
    `- the server answered /healthz after the run: ${alive ? 'yes' : 'NO'}`,
    '',
    '| t (s) | requests | errors | p50 ms | p99 ms | RSS kB |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.t} | ${r.n} | ${r.errors} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.rss} |`),
    '',
  ].join('\n');
  fs.writeFileSync(OUT, md);
  console.log(`\n${md}\nload: written to ${OUT}`);
  process.exit(alive ? 0 : 1);
})().catch((e) => {
  console.error(`load: ${e.stack || e.message}`);
  process.exit(1);
});
