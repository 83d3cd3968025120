// Shared helpers for the end-to-end API tests: start the real binary on a fresh data
// directory (and, when CUNZHI_PG is set, a fresh PostgreSQL database), log in, call
// the API, stop the server. No npm packages: node 20's fetch, net and child_process.
'use strict';

const { spawn, spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const BIN = process.env.CUNZHI_BIN || path.resolve(__dirname, '../../build/cunzhi');
const PASSWORD = 'Cunzhi2026!';

// The demo logins (village scale); the villager is read from the demo's output.
const PHONES = {
  county_admin: '13900000001',
  town_official: '13900000002',
  cadre: '13900000003',
  clerk: '13900000004',
  grid_worker: '13900000005',
  grid_worker_grid: '13900000009',
  assessor: '13900000006',
  handler: '13900000007',
  inspector: '13900000008',
  operator: '13900000010',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function psqlBin() {
  const r = spawnSync('sh', ['-c', 'command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1'], { encoding: 'utf8' });
  const p = (r.stdout || '').trim().split('\n').pop();
  return p || 'psql';
}

// A fresh PostgreSQL database for one server (a copy of template when given): returns
// its libpq connection string, or undefined when the suite runs on SQLite.
function freshPgDb(template) {
  if (!process.env.CUNZHI_PG) return undefined;
  const admin = process.env.CUNZHI_PG_ADMIN;
  if (!admin) throw new Error('CUNZHI_PG is set but CUNZHI_PG_ADMIN is not');
  const name = 'cz_' + crypto.randomBytes(6).toString('hex');
  const sql = `CREATE DATABASE ${name}` + (template ? ` TEMPLATE ${template}` : '');
  execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', admin, '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  return pgUrl(name);
}

function pgUrl(name) {
  const base = process.env.CUNZHI_PG;
  if (/dbname=\S+/.test(base)) return base.replace(/dbname=\S+/, `dbname=${name}`);
  if (/^postgres(ql)?:\/\//.test(base)) {
    const u = new URL(base);
    u.pathname = '/' + name;
    return u.toString();
  }
  return `${base} dbname=${name}`;
}

// The village-scale demo is made once per binary and engine (and PostgreSQL cluster)
// and copied for every server that asks for it: its data directory (keys, chain-head
// record, files) and, on PostgreSQL, its database as a template. The first test file
// to need it builds it under a lock; the others wait for it. A copy is the same demo a
// fresh `cunzhi demo` would make a few minutes earlier.
async function demoTemplate() {
  const st = fs.statSync(BIN);
  const engine = process.env.CUNZHI_PG ? process.env.CUNZHI_PG_ADMIN || 'pg' : 'sqlite';
  const key = crypto.createHash('sha256').update([path.resolve(BIN), st.size, st.mtimeMs, engine].join('|')).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `cunzhi-demo-template-${key}`);
  const ready = path.join(dir, 'ready.json');
  const lock = `${dir}.lock`;
  for (;;) {
    if (fs.existsSync(ready)) return { ...JSON.parse(fs.readFileSync(ready, 'utf8')), data: path.join(dir, 'data') };
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // another test file is building it; the lock of a process that is gone (a run
      // stopped while it built) is taken over
      let holder = 0;
      try { holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being made */ }
      let alive = true;
      if (holder) try { process.kill(holder, 0); } catch (k) { alive = k.code === 'EPERM'; }
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (!alive || age > 20 * 60 * 1000) fs.rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
      continue;
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(path.join(dir, 'data'), { recursive: true, mode: 0o700 });
      fs.chmodSync(path.join(dir, 'data'), 0o700);
      const pgName = process.env.CUNZHI_PG ? 'cz_demo_' + key : undefined;
      if (pgName) {
        execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', process.env.CUNZHI_PG_ADMIN, '-c', `DROP DATABASE IF EXISTS ${pgName}`, '-c', `CREATE DATABASE ${pgName}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      }
      const r = runCli(['demo', '--scale', 'village', '--data', path.join(dir, 'data'), ...dbArgs(pgName && pgUrl(pgName))], { timeout: 20 * 60 * 1000 });
      if (r.code !== 0) throw new Error(`cunzhi demo failed (${r.code}): ${r.stdout}\n${r.stderr}`);
      fs.writeFileSync(ready, JSON.stringify({ stdout: r.stdout, pgName, bin: path.resolve(BIN), mtime: st.mtimeMs }));
      // templates of a binary that is gone or was rebuilt since go too
      for (const other of fs.readdirSync(os.tmpdir())) {
        if (!/^cunzhi-demo-template-[0-9a-f]{16}$/.test(other) || other === path.basename(dir)) continue;
        try {
          const o = JSON.parse(fs.readFileSync(path.join(os.tmpdir(), other, 'ready.json'), 'utf8'));
          if ((o.bin === path.resolve(BIN) && o.mtime !== st.mtimeMs) || !fs.existsSync(o.bin)) fs.rmSync(path.join(os.tmpdir(), other), { recursive: true, force: true });
        } catch { /* being built, or not a template */ }
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

// A fresh data directory with the demo in it (and its database on PostgreSQL):
// {data, db, stdout}.
async function demoCopy() {
  const t = await demoTemplate();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-api-'));
  fs.cpSync(t.data, data, { recursive: true });
  return { data, db: freshPgDb(t.pgName), stdout: t.stdout };
}

function dbArgs(db) {
  return db ? ['--db', db] : [];
}

// Runs a cunzhi command to completion: {code, stdout, stderr}.
// CUNZHI_VERIFY_JOBS=N runs every `cunzhi verify` of the tests with N workers (--jobs N),
// so the suite checks that the report does not depend on them.
function runCli(args, opts = {}) {
  if (args[0] === 'verify' && process.env.CUNZHI_VERIFY_JOBS) args = [...args, '--jobs', process.env.CUNZHI_VERIFY_JOBS];
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: opts.timeout || 120000, env: process.env });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Servers still running when the test process exits are killed, so a crashed test
// file leaves nothing behind.
const live = new Set();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
});

class Server {
  constructor({ data, db, args = [] }) {
    this.data = data;
    this.db = db;
    this.extraArgs = args;
    this.proc = null;
    this.log = '';
    this.tokens = new Map();
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  // Starts `cunzhi serve` on a free port and waits for /healthz.
  async start() {
    this.port = await freePort();
    this.log = '';
    this.killed = false;
    const args = ['serve', '--data', this.data, ...dbArgs(this.db), '--listen', `127.0.0.1:${this.port}`,
      '--test-clock', '--ui', path.join(this.data, 'ui'), ...this.extraArgs];
    const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    }));
    const keep = (d) => {
      this.log += d.toString();
      if (this.log.length > 200000) this.log = this.log.slice(-100000);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    let exitedEarly = null;
    this.exited.then((e) => { exitedEarly = e; });
    const deadline = Date.now() + 120000; // a ceiling for a hang, not a measure
    while (Date.now() < deadline) {
      if (exitedEarly) throw new Error(`cunzhi serve exited (${JSON.stringify(exitedEarly)}):\n${this.log}`);
      try {
        const res = await fetch(this.url + '/healthz');
        if (res.status === 200) {
          this.engine = (await res.json()).engine;
          return this;
        }
      } catch { /* not up yet */ }
      await sleep(50);
    }
    throw new Error(`cunzhi serve did not answer /healthz:\n${this.log}`);
  }

  // SIGTERM and wait for the exit: {code, signal}.
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.killed = true;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 40000);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }

  async kill9() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.killed = true;
    const pid = this.proc.pid;
    this.proc.kill('SIGKILL');
    const exit = await this.exited;
    // PostgreSQL finishes a statement its client died in (a COMMIT commits): the kill is
    // over when the killed process's sessions are gone
    if (this.db) {
      for (;;) {
        const left = execFileSync(psqlBin(), ['-qAt', this.db, '-c', `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cunzhi ${pid}' OR application_name LIKE 'cunzhi ${pid} %'`], { encoding: 'utf8' }).trim();
        if (left === '0') break;
        await sleep(50);
      }
    }
    return exit;
  }

  async restart() {
    await this.stop();
    this.tokens.clear();
    return this.start();
  }

  // Removes the data directory (the PostgreSQL database lives in a throwaway cluster).
  // With CUNZHI_TEST_LOG=1 the server's error lines are printed first.
  async close() {
    // a server that stopped before the tests were done (a crash, a sanitizer's report):
    // its log says why
    if (this.proc && (this.proc.exitCode !== null || this.proc.signalCode !== null) && !this.killed)
      process.stderr.write(`cunzhi serve stopped early (${this.proc.exitCode ?? this.proc.signalCode}):\n${this.log.slice(-20000)}\n`);
    await this.stop();
    if (process.env.CUNZHI_TEST_LOG) {
      const errors = this.log.split('\n').filter((l) => /"level":"(error|warn)"|cunzhi:/.test(l));
      if (errors.length) process.stderr.write(`--- server log (${this.data}) ---\n${errors.join('\n')}\n`);
    }
    fs.rmSync(this.data, { recursive: true, force: true });
  }

  cli(args, opts) {
    return runCli([...args, '--data', this.data, ...dbArgs(this.db)], opts);
  }

  // One request. body: an object (sent as JSON), or a Buffer/string sent as is (raw).
  // Returns {status, json, text, headers}.
  async api(method, p, { token, body, raw, headers = {}, cookie } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (cookie) h.cookie = cookie;
    let payload;
    if (raw !== undefined) {
      payload = raw;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await fetch(this.url + p, { method, headers: h, body: payload });
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString('utf8');
    let json;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    return { status: res.status, json, text, body: buf, headers: res.headers };
  }

  // Logs in and returns the token (cached per phone unless fresh is set).
  async login(phone, password = PASSWORD, { fresh = false } = {}) {
    if (!fresh && this.tokens.has(phone)) return this.tokens.get(phone);
    const r = await this.api('POST', '/api/v1/session', { body: { phone, password } });
    if (r.status !== 201) throw new Error(`login ${phone}: ${r.status} ${r.text}`);
    this.tokens.set(phone, r.json.token);
    return r.json.token;
  }

  as(role) {
    return this.login(role === 'villager' ? this.villager.phone : PHONES[role]);
  }

  async advance(seconds) {
    const r = await this.api('POST', '/api/v1/test/clock', { body: { advance: seconds } });
    if (r.status !== 200) throw new Error(`clock: ${r.status} ${r.text}`);
    return r.json;
  }
}

// Creates a fresh data directory (and database), loads the village-scale demo, and
// starts the server. Options: demo (default true), args (more `serve` options).
async function startServer({ demo = true, args = [] } = {}) {
  let data, db;
  let stdout = '';
  if (demo) ({ data, db, stdout } = await demoCopy());
  else {
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-api-'));
    db = freshPgDb();
  }
  const s = new Server({ data, db, args });
  if (demo) {
    s.demoOutput = stdout;
    const lines = stdout.trim().split('\n');
    const last = lines[lines.length - 1];
    const m = /村民.*?(\d{11})\s*\/\s*(\S+)\s*$/.exec(last);
    if (!m) throw new Error(`no villager login in the demo output: ${last}`);
    s.villager = { phone: m[1], password: m[2] };
  }
  await s.start();
  return s;
}

// ---- ID-card numbers (GB 11643) ----

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

// A valid 18-digit number: region (6 digits), birth date YYYYMMDD, sequence 0–999
// (odd = male, even = female).
function makeIdcard(birth = '19800101', seq = 1, region = '510923') {
  const s17 = region + birth + String(seq).padStart(3, '0');
  return s17 + idCheckChar(s17);
}

// The same number with a wrong check digit.
function badCheckDigit(id) {
  const right = id[17];
  const wrong = ID_CHECK.split('').find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

// The mask non-PII readers see: the first four characters and the check character.
function maskIdcard(id) {
  return id.slice(0, 4) + '*'.repeat(13) + id.slice(17);
}

// Raw HTTP over a socket, for requests fetch will not send (no Content-Length, …).
// Returns {status, headers (lower-case keys), body (string)}.
function rawRequest(port, text, { timeout = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('raw request timed out')); }, timeout);
    sock.on('connect', () => sock.write(text));
    sock.on('data', (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks).toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(all.slice(0, end + 2));
      if (m && Buffer.concat(chunks).length >= end + 4 + Number(m[1])) sock.end();
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const s = all.toString('latin1');
      const end = s.indexOf('\r\n\r\n');
      const head = s.slice(0, end < 0 ? s.length : end).split('\r\n');
      const status = Number((/^HTTP\/\d\.\d (\d{3})/.exec(head[0]) || [])[1]);
      const headers = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers, body: end < 0 ? '' : all.subarray(end + 4).toString('utf8') });
    });
  });
}

// A valid 1×1 PNG of the given colour (distinct colours give distinct file hashes).
function pngPixel(r, g, b) {
  const zlib = require('node:zlib');
  const crc32 = (buf) => {
    let c = ~0;
    for (const x of buf) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, r, g, b]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A valid baseline JPEG (grey, quantiser 1) of blocks × 8 by 8 pixels, each 8×8 block
// one grey level from levels (random when not given), so that distinct calls give
// distinct pictures; app1 (a Buffer: the payload of an APP1 segment, e.g. exifGps())
// is put after the SOI.
function jpegImage({ blocks = 8, levels, app1, comment } = {}) {
  const crypto = require('node:crypto');
  const lv = levels || [...crypto.randomBytes(blocks)];
  const seg = (marker, data) => {
    const h = Buffer.alloc(4);
    h[0] = 0xff; h[1] = marker; h.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([h, data]);
  };
  const parts = [Buffer.from([0xff, 0xd8])];
  if (app1) parts.push(seg(0xe1, app1));
  if (comment) parts.push(seg(0xfe, Buffer.from(comment)));
  parts.push(seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  const sof = Buffer.alloc(9);
  sof[0] = 8; sof.writeUInt16BE(8, 1); sof.writeUInt16BE(8 * lv.length, 3); sof[5] = 1; sof[6] = 1; sof[7] = 0x11; sof[8] = 0;
  parts.push(seg(0xc0, sof));
  // the standard luminance DC table (categories 0..11); an AC table with EOB only ("0")
  const dcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
  parts.push(seg(0xc4, Buffer.from([0x00, ...dcBits, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])));
  parts.push(seg(0xc4, Buffer.from([0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00])));
  parts.push(seg(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])));
  const dcCode = ['00', '010', '011', '100', '101', '110', '1110', '11110', '111110', '1111110', '11111110', '111111110'];
  let bits = '';
  let prev = 0;
  for (const v of lv) {
    const dc = 8 * (v - 128);
    const diff = dc - prev;
    prev = dc;
    const mag = Math.abs(diff);
    const cat = mag === 0 ? 0 : Math.floor(Math.log2(mag)) + 1;
    bits += dcCode[cat];
    if (cat) bits += (diff > 0 ? diff : diff + (1 << cat) - 1).toString(2).padStart(cat, '0');
    bits += '0'; // EOB
  }
  while (bits.length % 8) bits += '1';
  const data = [];
  for (let i = 0; i < bits.length; i += 8) {
    const b = parseInt(bits.slice(i, i + 8), 2);
    data.push(b);
    if (b === 0xff) data.push(0);
  }
  parts.push(Buffer.from(data), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

// The payload of an EXIF APP1 segment with a camera (Make, Model) and a GPS position
// (31°14'N 121°29'E), big-endian TIFF.
function exifGps() {
  const t = Buffer.alloc(200);
  t.write('MM', 0, 'latin1'); t.writeUInt16BE(42, 2); t.writeUInt32BE(8, 4);
  // IFD0 at 8: Make, Model, GPS pointer
  let o = 8;
  t.writeUInt16BE(3, o); o += 2;
  const entry = (tag, type, count, value) => {
    t.writeUInt16BE(tag, o); t.writeUInt16BE(type, o + 2); t.writeUInt32BE(count, o + 4); t.writeUInt32BE(value, o + 8); o += 12;
  };
  entry(0x010f, 2, 8, 100);  // Make -> "CUNZHIX\0" at 100
  entry(0x0110, 2, 8, 108);  // Model -> "PHONE01\0" at 108
  entry(0x8825, 4, 1, 50);   // GPS IFD at 50
  t.writeUInt32BE(0, o);
  t.write('CUNZHIX\0', 100, 'latin1');
  t.write('PHONE01\0', 108, 'latin1');
  o = 50;
  t.writeUInt16BE(2, o); o += 2;
  entry(0x0001, 2, 2, 0x4e000000); // GPSLatitudeRef "N"
  entry(0x0002, 5, 3, 120);        // GPSLatitude rationals at 120
  t.writeUInt32BE(0, o);
  [31, 1, 14, 1, 27, 1].forEach((v, i) => t.writeUInt32BE(v, 120 + i * 4));
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]);
}

// A valid lossy 8×8 WebP.
const WEBP_SAMPLE = Buffer.from('UklGRoYAAABXRUJQVlA4IHoAAAAwAgCdASoIAAgAAUAmJbACdAaYu/QjEaZ7wADOPrXzmkD56RP/biLG/ofqr/ofz/mUtksve133uud4f+DSYmlIr9NZPFp7fwWg0ldwtL5sF/x/0bJ4x9Fs1JfPo1e/gAgEF+P+3/3+q7+q4HWN+gCp/BtNmX8ztre4AA==', 'base64');

// An EventSource-like client on a server's port: the parsed events (id, event, data and
// its JSON) and comments of one open stream; close() drops the connection, leave() ends
// the client's side as a page that navigated away does, ended tells the stream is over.
function openStream(port, p, { token, lastEventId, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { accept: 'text/event-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (lastEventId) headers['last-event-id'] = String(lastEventId);
    const req = http.get({ host: '127.0.0.1', port, path: p, headers, localAddress, agent: false }, (res) => {
      const st = { res, status: res.statusCode, headers: res.headers, events: [], comments: [], ended: false, text: '' };
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        st.text += d.length < 4096 ? d : '';
        pending += d;
        let i;
        while ((i = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, i);
          pending = pending.slice(i + 2);
          const ev = { data: '' };
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) st.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ev.id = Number(line.slice(4));
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data += line.slice(6);
          }
          if (ev.event) st.events.push({ ...ev, json: JSON.parse(ev.data) });
        }
      });
      res.on('end', () => { st.ended = true; });
      res.on('error', () => { st.ended = true; });
      st.close = () => { req.destroy(); };
      st.leave = () => { res.socket.end(); };
      res.socket.on('close', () => { st.ended = true; });
      resolve(st);
    });
    req.on('error', reject);
  });
}

// Every entry of a village's ledger, read page by page over the API.
async function villageLedger(server, villageId, token) {
  const all = [];
  for (;;) {
    const r = await server.api('GET', `/api/v1/villages/${villageId}/ledger?limit=200&offset=${all.length}`, { token });
    if (r.status !== 200) throw new Error(`ledger of village ${villageId}: ${r.status} ${r.text}`);
    all.push(...r.json.items);
    if (all.length >= r.json.total || !r.json.items.length) return all;
  }
}

// The honour points of each household in a period (a month, quarter or year), summed
// from ledger entries (their time written in China time): the sources a ranking counts.
function honourSums(entries, period) {
  const earn = new Set(['claim', 'award', 'deduction', 'activity', 'correction']);
  const sums = new Map();
  for (const e of entries) {
    const m = Number(e.at.slice(5, 7));
    const keys = [e.at.slice(0, 7), `${e.at.slice(0, 4)}-Q${Math.floor((m - 1) / 3) + 1}`, e.at.slice(0, 4)];
    if (!keys.includes(period) || !earn.has(e.source)) continue;
    sums.set(e.household_id, (sums.get(e.household_id) || 0) + e.honour);
  }
  return sums;
}

// Another process writes to the server's database and holds its transaction open until
// release(), which commits it (rollback: true rolls it back); resolves once it holds its
// locks. sql: statements with ? placeholders, params: one array of values for each. On
// SQLite it takes the write lock first (BEGIN IMMEDIATE: the whole database); on
// PostgreSQL its statements lock the rows they change.
async function holdWriteLock(s, { sql = [], params = [], rollback = false } = {}) {
  let holder;
  if (s.db) {
    const lines = ['\\set ON_ERROR_STOP 1', 'BEGIN;'];
    sql.forEach((q, i) => {
      let n = 0;
      (params[i] || []).forEach((v, j) => lines.push(`\\set p${i}_${j} '${String(v).replace(/[\\']/g, '\\$&')}'`));
      lines.push(q.replace(/\?/g, () => `:'p${i}_${n++}'`) + ';');
    });
    lines.push("\\echo locked");
    holder = spawn(psqlBin(), ['-qAtX', s.db], { stdio: ['pipe', 'pipe', 'inherit'] });
    holder.stdin.write(lines.join('\n') + '\n');
    holder.release = () => holder.stdin.end(`${rollback ? 'ROLLBACK' : 'COMMIT'};\n\\echo released\n`);
  } else {
    holder = spawn('python3', ['-c', [
      'import json, sqlite3, sys',
      `c = sqlite3.connect(${JSON.stringify(path.join(s.data, 'cunzhi.db'))}, isolation_level=None)`,
      "c.execute('BEGIN IMMEDIATE')",
      `for q, p in zip(${JSON.stringify(sql)}, json.loads(${JSON.stringify(JSON.stringify(params))})):`,
      '    c.execute(q, p)',
      "print('locked', flush=True)",
      'sys.stdin.read()',
      `c.execute(${JSON.stringify(rollback ? 'ROLLBACK' : 'COMMIT')})`,
      "print('released', flush=True)",
    ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
    holder.release = () => holder.stdin.end();
  }
  let out = '';
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  await new Promise((resolve, reject) => {
    holder.stdout.on('data', (d) => { out += d; if (out.includes('locked')) resolve(); });
    exited.then((code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  return {
    async release() {
      holder.release();
      const code = await exited;
      if (code !== 0 || !out.includes('released')) throw new Error(`the lock holder failed (${code})`);
    },
  };
}

// Resolves once one of the server's requests waits for a lock another process holds: on
// PostgreSQL a session of the server waiting for a lock; on SQLite (Linux) a request
// thread sleeping in clock_nanosleep, which it calls for nothing but SQLite's busy wait.
async function waitForLockWait(s) {
  const pid = s.proc.pid;
  for (;;) {
    if (s.db) {
      const n = execFileSync(psqlBin(), ['-qAtX', s.db, '-c', 'SELECT count(*) FROM pg_stat_activity ' +
        `WHERE wait_event_type = 'Lock' AND (application_name = 'cunzhi ${pid}' OR application_name LIKE 'cunzhi ${pid} %')`],
      { encoding: 'utf8' }).trim();
      if (n !== '0') return;
    } else {
      for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
        try {
          const comm = fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
          const call = fs.readFileSync(`/proc/${pid}/task/${t}/syscall`, 'utf8').split(' ')[0];
          if (comm === 'MHD-worker' && call === '230') return;
        } catch { /* the thread ended meanwhile */ }
      }
    }
    await sleep(10);
  }
}

// Another process writes `sql` (with `params`, as holdWriteLock) and holds its locks;
// send() makes a request that needs them; once the server waits for the lock, the other
// process commits. Resolves with send()'s reply: a change that waited for its turn.
async function behindWrite(s, sql, params, send) {
  const lock = await holdWriteLock(s, { sql: [sql], params: [params] });
  let reply;
  try {
    reply = send();
    await waitForLockWait(s);
  } finally {
    await lock.release();
  }
  return reply;
}

module.exports = {
  pngPixel,
  jpegImage,
  exifGps,
  WEBP_SAMPLE,
  BIN, PASSWORD, PHONES, sleep, startServer, Server, runCli, freshPgDb, makeIdcard, badCheckDigit,
  maskIdcard, idCheckChar, rawRequest, psqlBin, demoCopy, openStream, villageLedger, honourSums,
  holdWriteLock, behindWrite,
};
