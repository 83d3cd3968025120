// Throughput of one app server and of two on one PostgreSQL, in the same run (issue 17):
// node bench/multiserver.js BIN, with CUNZHI_PG and CUNZHI_PG_ADMIN set (bench/multiserver.sh
// starts a private PostgreSQL and sets them).
//
// On a copy of the village demo in a fresh database: BENCH_CLIENTS (8) closed-loop
// clients, each request picked at random from a read and write mix — 80 % reads (a
// household's page and its ledger as its villager, the village's notices and events as
// the cadre, the ranking), 20 % writes (notices as the cadre, 民情 events as the
// villager, each with an idempotency key) — for BENCH_PHASE_SECONDS (45) against server
// A alone, then, with server B started on the same database, the same clients spread
// over A and B for as long. Prints each phase's requests per second, p50/p99 and errors,
// and the ratio two/one, in markdown (also to BENCH_MULTI_OUT, default BIN's
// directory/bench-multiserver-results.md). Not a test: the run fails only when a reply
// is not 2xx.
//
// With BENCH_BASE_BIN set to another build (one without the PostgreSQL statements kept
// per connection), it also measures the household page as the cadre with the reply
// cache off (CUNZHI_REPLY_CACHE_MB=0), BENCH_HH_SECONDS (10) per round, the two
// binaries in turns (base, this, base, this) on the same database.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execSync, spawn } = require('node:child_process');

process.env.CUNZHI_BIN = process.env.CUNZHI_BIN || path.resolve(process.argv[2] || 'build/cunzhi');
const { Server, demoCopy } = require('../tests/api/lib');

const BIN = path.resolve(process.argv[2] || 'build/cunzhi');
const CLIENTS = Number(process.env.BENCH_CLIENTS || 8);
const SECONDS = Number(process.env.BENCH_PHASE_SECONDS || 45);
const OUT = process.env.BENCH_MULTI_OUT || path.join(path.dirname(BIN), 'bench-multiserver-results.md');
const PASSWORD = 'Cunzhi2026!';

if (!process.env.CUNZHI_PG) {
  console.error('bench multiserver: CUNZHI_PG is not set (run bash bench/multiserver.sh BIN)');
  process.exit(2);
}

function request(srv, agent, method, p, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  let payload;
  if (body) {
    payload = Buffer.from(JSON.stringify(body));
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: p, method, headers, agent, timeout: 30000 }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8').slice(0, 200) }));
      res.on('error', (e) => resolve({ status: 0, text: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(payload);
  });
}

const pct = (a, p) => {
  if (!a.length) return 0;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// The household page with the reply cache off, served by bin on the demo's database:
// requests per second of CLIENTS closed-loop clients for seconds.
async function householdRate(bin, copy, ctx, seconds) {
  const port = 30000 + Math.floor(Math.random() * 20000);
  const proc = spawn(bin, ['serve', '--data', copy.data, '--db', copy.db, '--listen', `127.0.0.1:${port}`, '--ui', path.join(copy.data, 'ui')],
    { stdio: 'ignore', env: { ...process.env, CUNZHI_REPLY_CACHE_MB: '0' } });
  try {
    const srv = { port };
    for (let i = 0; ; i++) {
      try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) break; } catch { /* not yet */ }
      if (i > 600) throw new Error(`${bin} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    let n = 0, bad = 0;
    const end = Date.now() + seconds * 1000;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        const r = await request(srv, agent, 'GET', `/api/v1/households/${ctx.household}`, ctx.cadre);
        if (r.status !== 200) bad++;
        n++;
      }
    }));
    agent.destroy();
    if (bad) throw new Error(`${bin}: ${bad} household pages were not 200`);
    return n / seconds;
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
  }
}

let seq = 0;
async function phase(name, servers, ctx, seconds = SECONDS) {
  const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: CLIENTS }));
  const lat = [];
  const bad = {};
  let reads = 0, writes = 0;
  const end = Date.now() + seconds * 1000;
  const client = async (i) => {
    const k = i % servers.length;
    const srv = servers[k];
    const agent = agents[k];
    while (Date.now() < end) {
      const r = Math.random();
      const t0 = process.hrtime.bigint();
      let res;
      if (r < 0.8) {
        const which = Math.floor(Math.random() * 5);
        reads++;
        if (which === 0) res = await request(srv, agent, 'GET', `/api/v1/households/${ctx.household}`, ctx.villager);
        else if (which === 1) res = await request(srv, agent, 'GET', `/api/v1/households/${ctx.household}/ledger?limit=20`, ctx.villager);
        else if (which === 2) res = await request(srv, agent, 'GET', `/api/v1/notices?unit_id=${ctx.village}&limit=20`, ctx.cadre);
        else if (which === 3) res = await request(srv, agent, 'GET', '/api/v1/events?limit=20', ctx.cadre);
        else res = await request(srv, agent, 'GET', `/api/v1/rankings?unit_id=${ctx.village}&period=${ctx.year}`, ctx.villager);
      } else {
        writes++;
        const n = seq++;
        if (n % 2) res = await request(srv, agent, 'POST', '/api/v1/notices', ctx.cadre, { unit_id: ctx.village, title: `压力测试通知 ${n}`, body: '两台服务器压力测试', idempotency_key: `multi-n-${ctx.run}-${n}` });
        else res = await request(srv, agent, 'POST', '/api/v1/events', ctx.villager, { village_id: ctx.village, category_id: ctx.category, description: `压力测试反映 ${n}`, idempotency_key: `multi-e-${ctx.run}-${n}` });
      }
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status < 200 || res.status >= 300) bad[`${res.status} ${res.text}`] = (bad[`${res.status} ${res.text}`] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  for (const a of agents) a.destroy();
  const errors = Object.values(bad).reduce((x, y) => x + y, 0);
  const out = { name, n: lat.length, rps: lat.length / seconds, p50: pct(lat, 50), p99: pct(lat, 99), errors, reads, writes, bad };
  console.log(`bench multiserver: ${name}: ${out.n} requests (${reads} reads, ${writes} writes), ${out.rps.toFixed(1)}/s, p50 ${out.p50.toFixed(1)} ms, p99 ${out.p99.toFixed(1)} ms, ${errors} errors`);
  return out;
}

(async () => {
  const load0 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const copy = await demoCopy();
  const villagerPhone = (/(\d{11})\s*\/\s*\S+\s*$/.exec(copy.stdout.trim().split('\n').pop()) || [])[1] || '15620260101';
  const a = new Server({ data: copy.data, db: copy.db });
  const b = new Server({ data: copy.data, db: copy.db });
  try {
    await a.start();
    const ctx = { run: Date.now().toString(36) };
    ctx.cadre = await a.login('13900000003', PASSWORD);
    ctx.villager = await a.login(villagerPhone, PASSWORD);
    const me = (await a.api('GET', '/api/v1/session', { token: ctx.villager })).json;
    const cadre = (await a.api('GET', '/api/v1/session', { token: ctx.cadre })).json;
    ctx.household = me.household_id;
    ctx.village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
    ctx.category = (await a.api('GET', '/api/v1/event-categories', { token: ctx.villager })).json.items[0].id;
    ctx.year = String(new Date(Date.now() + 8 * 3600e3).getUTCFullYear());
    // a short warm-up, so both phases start with the connections and caches made
    await phase('warm-up', [a], { ...ctx, run: ctx.run + 'w' }, 8);
    const one = await phase('one server', [a], ctx);
    await b.start();
    const two = await phase('two servers', [a, b], ctx);
    const ratio = two.rps / one.rps;
    await b.stop();
    await a.stop();
    let reuse = '';
    if (process.env.BENCH_BASE_BIN) {
      const secs = Number(process.env.BENCH_HH_SECONDS || 10);
      const base = [], mine = [];
      for (let i = 0; i < 2; i++) {
        base.push(await householdRate(path.resolve(process.env.BENCH_BASE_BIN), copy, ctx, secs));
        mine.push(await householdRate(BIN, copy, ctx, secs));
      }
      const avg = (x) => x.reduce((p, q) => p + q, 0) / x.length;
      console.log(`bench multiserver: household page, reply cache off: base ${base.map((x) => x.toFixed(0)).join(', ')}/s; kept statements ${mine.map((x) => x.toFixed(0)).join(', ')}/s`);
      reuse = `Household page on PostgreSQL (GET /api/v1/households/:id as the cadre, reply cache off, ${CLIENTS} clients, ${secs} s a round, two rounds each in turns): statements run unnamed (PQexecParams, ${path.basename(path.dirname(path.resolve(process.env.BENCH_BASE_BIN)))}) ${avg(base).toFixed(0)}/s (${base.map((x) => x.toFixed(0)).join(', ')}); kept per connection (PQprepare once, then PQexecPrepared) ${avg(mine).toFixed(0)}/s (${mine.map((x) => x.toFixed(0)).join(', ')}): ratio **${(avg(mine) / avg(base)).toFixed(2)}**.\n`;
    }
    const load1 = os.loadavg().map((x) => x.toFixed(2)).join(' ');
    let commit = '?';
    try { commit = execSync('git rev-parse --short HEAD', { cwd: __dirname, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
    const cpus = os.cpus();
    const md = [
      `### Two app servers on one PostgreSQL — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}`,
      '',
      `${cpus.length} × ${cpus[0] ? cpus[0].model : '?'}; load average before ${load0}, after ${load1}; ${CLIENTS} clients, ${SECONDS} s a phase, 80 % reads / 20 % writes; the private PostgreSQL, the servers and the clients on the same machine.`,
      '',
      '| phase | requests | req/s | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|---:|',
      ...[one, two].map((p) => `| ${p.name} | ${p.n} | ${p.rps.toFixed(1)} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.errors} |`),
      '',
      `Ratio two servers / one: **${ratio.toFixed(2)}**`,
      '',
      reuse,
    ].join('\n');
    console.log(md);
    fs.writeFileSync(OUT, md);
    if (one.errors || two.errors) {
      console.error('bench multiserver: replies that were not 2xx:', JSON.stringify({ ...one.bad, ...two.bad }, null, 1));
      process.exitCode = 1;
    }
  } finally {
    await b.stop();
    await a.stop();
    fs.rmSync(copy.data, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
