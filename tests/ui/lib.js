// Shared helpers for the browser tests: start the real cunzhi binary on a fresh demo
// village serving the built UI (ui/dist), drive Debian's chromium with playwright-core
// (never a downloaded browser), call the API directly for set-up, save screenshots
// and run axe-core on a page. The tests build nothing: `make ui-test` builds first.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { demoCopy } = require('../api/lib');

const ROOT = path.resolve(__dirname, '../..');
const BIN = process.env.CUNZHI_BIN || path.join(ROOT, 'build/cunzhi');
const UI_DIST = process.env.CUNZHI_UI || path.join(ROOT, 'ui/dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(__dirname, 'screenshots');
const PASSWORD = 'Cunzhi2026!';
const PHONES = {
  county_admin: '13900000001',
  town_official: '13900000002',
  cadre: '13900000003',
  clerk: '13900000004',
  grid_worker: '13900000005',
  assessor: '13900000006',
  inspector: '13900000008',
  handler: '13900000007',
  operator: '13900000010',
};
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 768 };

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

const live = new Set();
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// A cunzhi server on a fresh data directory with the village-scale demo, its test
// clock on, serving ui/dist.
class Server {
  constructor(data) {
    this.data = data;
    this.log = '';
    this.tokens = new Map();
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!fs.existsSync(path.join(UI_DIST, 'index.html'))) {
      throw new Error(`${UI_DIST}/index.html is missing: build the UI first (make, or make ui-test)`);
    }
    this.port = await freePort();
    const proc = spawn(BIN, ['serve', '--data', this.data, '--listen', `127.0.0.1:${this.port}`, '--test-clock', '--ui', UI_DIST],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); }));
    const keep = (d) => {
      this.log += d.toString();
      if (this.log.length > 200000) this.log = this.log.slice(-100000);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    const deadline = Date.now() + 120000; // a ceiling for a hang, not a measure
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`cunzhi serve exited:\n${this.log}`);
      try {
        const r = await fetch(this.url + '/healthz');
        if (r.status === 200) return this;
      } catch { /* not up yet */ }
      await sleep(50);
    }
    throw new Error(`cunzhi serve did not answer /healthz:\n${this.log}`);
  }

  async close() {
    // a server that stopped before the tests were done: its log says why
    if (this.proc && (this.proc.exitCode !== null || this.proc.signalCode !== null))
      process.stderr.write(`cunzhi serve stopped early (${this.proc.exitCode ?? this.proc.signalCode}):\n${this.log}\n`);
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 20000);
      await this.exited;
      clearTimeout(t);
    }
    fs.rmSync(this.data, { recursive: true, force: true });
  }

  // One API call: body is sent as JSON, raw as is. Returns {status, json}.
  async api(method, p, { token, body, raw, type } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) {
      payload = raw;
      headers['content-type'] = type || 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.url + p, { method, headers, body: payload });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text };
  }

  async must(method, p, opts, status = 200) {
    const r = await this.api(method, p, opts);
    if (r.status !== status) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
    return r.json;
  }

  async login(phone, password = PASSWORD) {
    if (this.tokens.has(phone)) return this.tokens.get(phone);
    const r = await this.must('POST', '/api/v1/session', { body: { phone, password } }, 201);
    this.tokens.set(phone, r.token);
    return r.token;
  }

  as(role) {
    return this.login(role === 'villager' ? this.villager.phone : PHONES[role]);
  }

  advance(seconds) {
    return this.must('POST', '/api/v1/test/clock', { body: { advance: seconds } });
  }
}

// The village-scale demo, copied from the one the API tests' helper makes once per binary.
async function startServer() {
  const { data, stdout } = await demoCopy();
  const s = new Server(data);
  const lines = stdout.trim().split('\n');
  const m = /村民.*?(\d{11})\s*\/\s*(\S+)\s*$/.exec(lines[lines.length - 1]);
  if (!m) throw new Error(`no villager login in the demo output: ${lines[lines.length - 1]}`);
  s.villager = { phone: m[1], password: m[2] };
  await s.start();
  return s;
}

// ---- the browser ----

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--lang=zh-CN'];

// Debian's chromium, headless, with a fresh temporary profile (playwright creates one
// per launch and removes it on close); extraArgs for a test that needs more (a fake
// camera).
async function launch(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium fonts-noto-cjk`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], env: { ...process.env, LANG: 'zh_CN.UTF-8', LANGUAGE: 'zh_CN:zh' } });
}

// A browser context (its own cookies) for a phone or a desktop, with every page's
// console errors, uncaught exceptions and CSP violations collected in ctx.problems.
async function newContext(browser, kind, baseURL) {
  const opts = kind === 'phone'
    ? { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: DESKTOP, deviceScaleFactor: 1 };
  const ctx = await browser.newContext({ ...opts, baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  ctx.problems = [];
  ctx.on('page', (p) => watchPage(ctx, p));
  return ctx;
}

function watchPage(ctx, page) {
  page.on('pageerror', (e) => ctx.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/.test(text)) ctx.problems.push(`CSP: ${text}`);
    else if (m.type() === 'error' && !/status of (400|401|403|404|409|422|429)/.test(text)) ctx.problems.push(`console: ${text}`);
  });
}

// Every page counts its requests in flight, except the live streams (broadcasts, the
// duty officers' emergency alerts), which stay open for the page's life (so
// playwright's 'networkidle' never comes): see quiet().
const LIVE = /\/api\/v1\/(broadcasts|emergency-alerts)\/stream/;
async function newPage(ctx) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(60000); // a ceiling for a hang: every wait is for a state
  page.inflight = 0;
  page.pending = new Set();
  const done = (r) => { if (page.pending.delete(r)) page.inflight--; };
  page.on('request', (r) => { if (!LIVE.test(r.url())) { page.pending.add(r); page.inflight++; } });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return page;
}

// The page loaded and no request in flight for 500 ms (the live stream aside): what
// 'networkidle' means for pages that keep the broadcast stream open.
// Bounded: a request whose end the browser never reports (seen once, with the page's clock
// installed) must not hang the suite; after 30 s the wait gives up, says which requests it
// saw open, and the test goes on to its own waits for states.
async function quiet(page) {
  await page.waitForLoadState('load');
  const until = Date.now() + 30000;
  for (let calm = 0; calm < 5;) {
    await sleep(100);
    calm = page.inflight > 0 ? 0 : calm + 1;
    if (calm === 0 && Date.now() > until) {
      process.stderr.write(`quiet: gave up waiting for ${[...(page.pending || [])].map((r) => r.url()).join(', ')}\n`);
      return;
    }
  }
}

// Waits until the locator matches `n` elements (the page may still be rendering), then
// asserts it: a count read once, right after a click or a navigation, races the page.
// The ceiling only catches a page that never gets there.
async function expectCount(locator, n, message) {
  let got = await locator.count();
  for (const end = Date.now() + 30000; got !== n && Date.now() < end; got = await locator.count()) await sleep(100);
  assert.equal(got, n, message);
}

// Fails when a page logged an error, threw, or broke the CSP.
function assertNoProblems(ctx) {
  assert.deepEqual(ctx.problems, [], 'browser problems');
}

fs.mkdirSync(SHOTS, { recursive: true });

// Waits until the fonts are in and every finite CSS animation and transition on the
// page has ended (a dialog fading in, a row sliding in): what is measured or pictured is
// the page at rest, however slow the machine. Spinners (infinite) are left running.
async function settle(page) {
  await page.evaluate(async () => {
    if (document.fonts) await document.fonts.ready;
    for (let round = 0; round < 5; round++) {
      const running = document.getAnimations().filter((a) => a.playState === 'running' && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
      if (!running.length) return;
      await Promise.all(running.map((a) => a.finished.catch(() => {})));
    }
  });
}

// Picks the option of the open Element Plus select that shows text: once the dropdown
// has finished opening and its options are at rest (a click during a transition, or
// on a list a remote search is still replacing, can be lost on a busy machine), until
// the choice is taken — a single select's dropdown closed, a multiple select's option
// marked selected — clicking again (at most three times) when it was not.
async function pickOption(page, text) {
  const opt = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  const multiple = (await page.locator('.el-select-dropdown.is-multiple:visible').count()) > 0;
  const taken = multiple
    ? page.locator('.el-select-dropdown__item.is-selected:visible', { hasText: text }).first()
    : page.locator('.el-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    await opt.waitFor();
    await settle(page);
    await opt.click();
    try {
      await taken.waitFor({ state: multiple ? 'visible' : 'hidden', timeout: attempt < 3 ? 5000 : 60000 });
      return;
    } catch (e) {
      if ((await taken.isVisible()) === multiple) return;   /* taken after all: not clicked again */
      if (attempt >= 3 || !(await opt.isVisible())) throw e;
    }
  }
}

// The page pictured at rest: settled, its images in (those loaded lazily aside, which
// may never be asked for), and a frame painted since.
async function shot(page, name, { fullPage = false } = {}) {
  await settle(page);
  await page.waitForFunction(() => [...document.images].every((i) => i.complete || i.loading === 'lazy'), null, { timeout: 30000 }).catch(() => {});
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core on the page (injected through the DevTools protocol, so the page's CSP
// need not allow it) and fails on serious or critical violations.
async function axe(page, label) {
  await settle(page);
  await page.evaluate(AXE);
  // while axe looks, every transition and animation plays out at once: a toast that
  // closes on its own meanwhile (after a few seconds) is not measured half faded
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Animation.enable');
  await cdp.send('Animation.setPlaybackRate', { playbackRate: 1e6 });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').slice(0, 3).join(' ')) }));
  }).finally(async () => {
    await cdp.send('Animation.setPlaybackRate', { playbackRate: 1 });
    await cdp.detach();
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = res.filter((v) => !bad.includes(v));
  if (other.length && process.env.CUNZHI_AXE_VERBOSE) {
    process.stderr.write(`axe (${label}) minor: ${other.map((v) => `${v.id}/${v.impact}`).join(', ')}\n`);
  }
  assert.deepEqual(bad, [], `axe-core: serious or critical violations on ${label}`);
  return res;
}

// ---- test data ----

// A small valid PNG (w×h, one colour) made here, so the test needs no image files.
function makePng(w = 64, h = 48, rgb = [200, 22, 29]) {
  const crcTable = [];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const stripe = ((x >> 3) + (y >> 3)) % 2 === 0;
      row[1 + x * 3] = stripe ? rgb[0] : 255;
      row[2 + x * 3] = stripe ? rgb[1] : 255;
      row[3 + x * 3] = stripe ? rgb[2] : 255;
    }
    rows.push(row);
  }
  const idat = zlib.deflateSync(Buffer.concat(rows));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

// Logs in through the villager app's login page.
async function villagerLogin(page, phone, password = PASSWORD) {
  await page.goto('/login');
  await page.fill('input[name=phone]', phone);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// Logs in through the console's login page.
async function adminLogin(page, phone, password = PASSWORD) {
  await page.goto('/admin/login');
  await page.fill('#login-phone', phone);
  await page.fill('#login-password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/admin/login'));
}

// A video file for chromium's fake camera (--use-file-for-fake-video-capture): the QR
// code of one of the server's SVGs (one path of 1×1 module rectangles) drawn black on
// white, `scale` pixels a module, in the middle of a `width`×`height` YUV 4:2:0 picture
// (Y4M), a few frames. With `phone`, the code is on a phone's lit screen inside its dark
// body, over a grey background, with the sensor noise of a cheap camera (seeded, so
// every run draws the same frames).
function qrVideo(svg, file, { scale = 8, frames = 8, width = 640, height = 480, phone = false } = {}) {
  const W = width;
  const H = height;
  const modules = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)[1]);
  const size = modules * scale;
  const left = (W - size) >> 1;
  const top = (H - size) >> 1;
  const luma = Buffer.alloc(W * H, phone ? 150 : 235);
  const rect = (x, y, w, h, v) => {
    for (let r = Math.max(0, y); r < Math.min(H, y + h); r++) luma.fill(v, r * W + Math.max(0, x), r * W + Math.min(W, x + w));
  };
  if (phone) {
    const pad = scale * 3;
    rect(left - pad - scale * 2, top - pad * 3, size + 2 * pad + scale * 4, size + pad * 7, 30); // the phone
    rect(left - pad, top - pad * 2, size + 2 * pad, size + pad * 5, 225);                          // its screen
  }
  for (const [, x, y, w] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g))
    rect(left + Number(x) * scale, top + Number(y) * scale, Number(w) * scale, scale, phone ? 40 : 16);
  const chroma = Buffer.alloc((W * H) / 2, 128);
  let seed = 12345;
  const out = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) {
    const y = Buffer.from(luma);
    if (phone) {
      for (let i = 0; i < y.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        y[i] = Math.max(16, Math.min(235, y[i] + ((seed >>> 16) % 25) - 12));
      }
    }
    out.push(Buffer.from('FRAME\n'), y, chroma);
  }
  fs.writeFileSync(file, Buffer.concat(out));
}

// Words of three or more Latin letters that may show: file formats, product names, and
// English offered by its own name in the language picker.
const ALLOWED_LATIN = new Set(['PDF', 'XLSX', 'Excel', 'CSV', 'SVG', 'PNG', 'JPG', 'JPEG', 'WebP', 'GPS', 'APP', 'WiFi', 'PWA', 'USB', 'English']);

// The Latin words visible on the page: its text and the placeholders of empty inputs.
// A token runs over letters, digits and the punctuation of codes and addresses
// (DEMO-V1, http://host/mq/3); one with a digit in it is a code, not a word, and so is
// the text of an element marked translate="no".
async function latinWords(page) {
  const words = await page.evaluate(() => {
    // codes the page marks as such (translate="no": a unit's code 代码) are left out
    const hidden = [...document.querySelectorAll('[translate=no]')].filter((el) => el !== document.documentElement);
    const saved = hidden.map((el) => [el, el.style.visibility]);
    for (const el of hidden) el.style.visibility = 'hidden';
    const texts = [document.body.innerText];
    for (const [el, v] of saved) el.style.visibility = v;
    for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
      const r = el.getBoundingClientRect();
      if (!el.value && r.width > 0 && r.height > 0) texts.push(el.getAttribute('placeholder'));
    }
    const out = new Set();
    for (const raw of texts.join('\n').split(/[^A-Za-z0-9_\-./:]+/)) {
      const tok = raw.replace(/^[-./:]+|[-./:]+$/g, '');
      if (/\d/.test(tok)) continue;
      for (const w of tok.split(/[-./:_]+/)) if (/^[A-Za-z]{3,}$/.test(w)) out.add(w);
    }
    return [...out];
  });
  return words.filter((w) => !ALLOWED_LATIN.has(w));
}

// The page at rest: requests done, no loading mask or spinner left, animations over.
async function ready(page) {
  await quiet(page);
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask:not([style*="display: none"]), .van-loading:not(.van-button__loading)'), null, { timeout: 30000 }).catch(() => {});
  await settle(page);
}

// The API requests of the page refused with 403, collected as they come (the list is
// emptied by the caller between pages).
function refusals(page) {
  const list = [];
  page.on('response', (r) => {
    if (r.status() === 403 && r.url().includes('/api/')) list.push(new URL(r.url()).pathname);
  });
  return list;
}

// Visible elements one can tap that are smaller than min in either direction.
async function smallTargets(page, min) {
  return page.evaluate((min) => {
    const sel = 'a[href], button, [role=button], [role=radio], [role=switch], [role=tab], [role=checkbox], '
      + 'select, .van-cell--clickable, .van-tabbar-item, .van-stepper__minus, .van-stepper__plus, .van-field, '
      + 'input:not([type=hidden]):not(.van-field__control):not([type=file])';
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      if (el.closest('[aria-hidden=true]') || el.closest('.van-field') && !el.classList.contains('van-field')) continue;
      // a map's pins are found by their place, on a map that zooms, not by their size
      if (el.classList.contains('leaflet-marker-icon')) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility === 'hidden' || cs.pointerEvents === 'none') continue;
      if (r.bottom < 0 || r.right < 0) continue;
      if (r.width < min - 0.5 || r.height < min - 0.5) {
        const name = (el.getAttribute('aria-label') || el.textContent || el.className || el.tagName).trim().slice(0, 20);
        out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  }, min);
}

module.exports = {
  qrVideo, ROOT, BIN, UI_DIST, PASSWORD, PHONES, PHONE, DESKTOP, sleep, Server, startServer, launch, newContext, newPage,
  assertNoProblems, expectCount, quiet, settle, ready, shot, axe, makePng, villagerLogin, adminLogin, pickOption,
  latinWords, refusals, smallTargets,
};
