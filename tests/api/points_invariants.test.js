// Invariants of the points system after a long seeded pseudo-random sequence of
// operations — claims, approvals, rejections, objections, awards, deductions,
// corrections, settings changes and clock moves — with concurrent ticks, approvals,
// objections and corrections: every household's balances equal the sum of its ledger
// entries, no record is credited twice, exactly the approved records are credited, and
// `cunzhi verify` passes. Then one ledger row is changed directly in the database and
// `cunzhi verify` must name the ledger (exit 3).
// CUNZHI_SEED=n replays another sequence; CUNZHI_OPS=n changes its length.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, PHONES, PASSWORD, psqlBin, pngPixel } = require('./lib');

const DAY = 86400;
const SEED = Number(process.env.CUNZHI_SEED || 20261123);
const OPS = Number(process.env.CUNZHI_OPS || 150);

// mulberry32
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const randInt = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[randInt(xs.length)];

const png = pngPixel;

let s;
let villageId;
const staff = {};            // assessor, cadre: {phone, password, token}
const villagers = [];        // {phone, password, token, household, members: [resident ids]}
const households = [];       // every household the sequence touches
let selfRules, awardRules, deductionRules;
const claims = new Map();    // id → {id, hh, rule, points, source, occurred_on, status, ends}
const corrected = new Set(); // ledger entries corrected
const corrections = new Set(); // ledger entries that are corrections
let publicityDays = 3;
let clockNow = 0;            // the server's time (ms) at the last clock call …
let clockWall = 0;           // … and the wall time then
let sinceLogin = 0;
const stats = {};
const count = (k) => { stats[k] = (stats[k] || 0) + 1; };

const estNow = () => clockNow + (Date.now() - clockWall);
function day(ms) { return new Date(ms + 8 * 3600e3).toISOString().slice(0, 10); }

async function relogin() {
  for (const a of [staff.assessor, staff.cadre, ...villagers])
    a.token = await s.login(a.phone, a.password, { fresh: true });
  sinceLogin = 0;
}

async function clock(advance) {
  const r = await s.api('POST', '/api/v1/test/clock', { body: { advance } });
  assert.equal(r.status, 200, r.text);
  const t = Date.parse(r.json.now);
  if (t >= clockNow) { clockNow = t; clockWall = Date.now(); }
  sinceLogin += advance;
  return r.json;
}

async function maybeRelogin() {
  if (sinceLogin > 4 * DAY) await relogin();
}

// The cap key of a rule for a date: the period containing it.
function periodKey(rule, date) {
  if (!rule.cap_count) return null;
  const [y, m] = date.split('-').map(Number);
  if (rule.cap_period === 'month') return `${y}-${m}`;
  if (rule.cap_period === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3)}`;
  return `${y}`;
}
function capLeft(rule, hh, date) {
  const key = periodKey(rule, date);
  if (key === null) return Infinity;
  let used = 0;
  for (const c of claims.values())
    if (c.hh === hh && c.rule.id === rule.id && c.status !== 'rejected' && periodKey(rule, c.occurred_on) === key) used++;
  return rule.cap_count - used;
}
function isCapError(r) {
  return r.status === 400 && Object.values(r.json.error.fields || {}).some((m) => /达到上限/.test(m));
}

function randomDate() {
  return day(estNow() - randInt(20) * DAY * 1000);
}

// ---- operations ----

async function opClaim(concurrent = 1) {
  const v = pick(villagers);
  const rule = pick(selfRules);
  const date = randomDate();
  const left = capLeft(rule, v.household, date);
  const body = { resident_id: pick(v.members), rule_id: rule.id, occurred_on: date };
  if (rule.photo_required) {
    // uploaded again at the moment of the claim, as a phone does: an upload no record
    // refers to is removed a day later, and the clock here moves by days
    const up = await s.api('POST', '/api/v1/files', { token: v.token, raw: v.png, headers: { 'content-type': 'image/png' } });
    assert.equal(up.status, 201, up.text);
    body.photos = [up.json.hash];
  }
  const rs = await Promise.all(Array.from({ length: concurrent }, () =>
    s.api('POST', '/api/v1/claims', { token: v.token, body })));
  let ok = 0;
  for (const r of rs) {
    if (r.status === 201) {
      ok++;
      claims.set(r.json.id, { id: r.json.id, hh: v.household, rule, points: rule.points, source: 'claim', occurred_on: date, status: 'pending', by: 'villager' });
    } else {
      assert.ok(isCapError(r), `claim: ${r.status} ${r.text}`);
    }
  }
  assert.equal(ok, Math.min(concurrent, Math.max(left, 0)), `claims accepted with ${left} left under the cap`);
  count(concurrent > 1 ? 'concurrent claims' : 'claim');
}

function pendingClaims() {
  return [...claims.values()].filter((c) => c.status === 'pending');
}

// Reviewers allowed for a claim: the cadre made awards and deductions, so only the assessor.
function reviewers(c) {
  return c.source === 'claim' ? [staff.assessor, staff.cadre] : [staff.assessor];
}

function applyReview(c, r, approve) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, approve ? 'approved' : 'rejected');
  c.status = approve ? 'approved' : 'rejected';
  if (approve) {
    assert.equal(r.json.publicity.status, 'open');
    const ends = Date.parse(r.json.publicity.ends_at);
    assert.equal(ends - Date.parse(r.json.publicity.starts_at), publicityDays * DAY * 1000);
    c.publicity = r.json.publicity.id;
    c.ends = ends;
  }
}

async function opReview(approve) {
  const c = pick(pendingClaims());
  if (!c) return opClaim();
  const who = pick(reviewers(c));
  const body = approve ? { decision: 'approve' } : { decision: 'reject', reason: `驳回 ${c.id}` };
  const r = await s.api('POST', `/api/v1/claims/${c.id}/review`, { token: who.token, body });
  applyReview(c, r, approve);
  count(approve ? 'approve' : 'reject');
}

// Two reviewers decide the same claim at once: exactly one wins.
async function opConcurrentReview() {
  const c = pick(pendingClaims());
  if (!c) return opClaim();
  const rv = reviewers(c);
  const decisions = [rand() < 0.7, rand() < 0.7];
  const rs = await Promise.all(decisions.map((approve, i) => s.api('POST', `/api/v1/claims/${c.id}/review`, {
    token: rv[i % rv.length].token,
    body: approve ? { decision: 'approve' } : { decision: 'reject', reason: '并发驳回' },
  })));
  const winners = rs.map((r, i) => [r, decisions[i]]).filter(([r]) => r.status === 200);
  assert.equal(winners.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
  for (const r of rs) if (r.status !== 200) assert.equal(r.status, 409, r.text);
  applyReview(c, winners[0][0], winners[0][1]);
  count('concurrent review');
}

// Approvals of different claims together with ticks.
async function opApprovalsWithTicks() {
  const ps = pendingClaims().sort(() => rand() - 0.5).slice(0, 3);
  const calls = ps.map((c) => s.api('POST', `/api/v1/claims/${c.id}/review`, {
    token: pick(reviewers(c)).token, body: { decision: 'approve' },
  }));
  const ticks = [clock(0), clock(0)];
  const rs = await Promise.all(calls);
  await Promise.all(ticks);
  ps.forEach((c, i) => applyReview(c, rs[i], true));
  count('approvals with ticks');
}

function objector(c) {
  return pick(villagers.filter((v) => v.household !== c.hh));
}

function openClaims() {
  return [...claims.values()].filter((c) => c.status === 'approved');
}

async function afterObjection(c, r) {
  if (r.status === 201) {
    assert.equal(r.json.status, 'open');
    c.status = 'pending';
    return;
  }
  assert.equal(r.status, 409, r.text);
}

async function opObject() {
  const c = pick(openClaims());
  if (!c) return opAward();
  const v = objector(c);
  const margin = c.ends - estNow();
  const r = await s.api('POST', `/api/v1/publicity/${c.publicity}/objections`, { token: v.token, body: { reason: `异议 ${c.id}` } });
  if (margin > 120e3) assert.equal(r.status, 201, `objection with ${margin} ms left: ${r.text}`);
  else if (margin < -5e3) assert.equal(r.status, 409, `objection ${-margin} ms after the end: ${r.text}`);
  await afterObjection(c, r);
  count('objection');
}

// Two villagers object to the same entry at once: one objection is taken.
async function opConcurrentObjections() {
  const c = openClaims().filter((x) => x.ends - estNow() > 120e3)[0];
  if (!c) return opObject();
  const vs = villagers.filter((v) => v.household !== c.hh).slice(0, 2);
  const rs = await Promise.all(vs.map((v) => s.api('POST', `/api/v1/publicity/${c.publicity}/objections`, { token: v.token, body: { reason: '同时异议' } })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409], rs.map((r) => r.text).join('\n'));
  c.status = 'pending';
  count('concurrent objections');
}

// An objection racing the clock past the end of the period: either the objection is
// taken and the record is not credited, or it is refused and the record is credited.
async function opObjectionRace() {
  const c = openClaims().filter((x) => x.ends - estNow() > 120e3)[0];
  if (!c) return opObject();
  const v = objector(c);
  const jump = Math.ceil((c.ends - estNow()) / 1000) + 1;
  const [r] = await Promise.all([
    s.api('POST', `/api/v1/publicity/${c.publicity}/objections`, { token: v.token, body: { reason: '赶在公示结束前' } }),
    clock(jump),
  ]);
  await afterObjection(c, r);
  await maybeRelogin();
  const got = await s.api('GET', `/api/v1/claims/${c.id}`, { token: staff.cadre.token });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.status, r.status === 201 ? 'pending' : 'credited', got.text);
  count(`objection race ${r.status}`);
}

async function opAward(deduction = false) {
  const rule = pick(deduction ? deductionRules : awardRules);
  const n = 1 + randInt(3);
  const hs = [...households].sort(() => rand() - 0.5).slice(0, n);
  const date = randomDate();
  const full = hs.some((h) => capLeft(rule, h, date) <= 0);
  const r = await s.api('POST', '/api/v1/awards', {
    token: staff.cadre.token, body: { rule_id: rule.id, household_ids: hs, occurred_on: date, note: deduction ? '扣分' : '加分' },
  });
  if (full) {
    assert.ok(isCapError(r), `award over the cap: ${r.status} ${r.text}`);
    count('award refused (cap)');
    return;
  }
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.source, deduction ? 'deduction' : 'award');
  const now = estNow();
  r.json.claim_ids.forEach((id, i) => claims.set(id, {
    id, hh: hs[i], rule, points: rule.points, source: r.json.source, occurred_on: date, status: 'approved',
    ends: now + publicityDays * DAY * 1000, by: 'cadre',
  }));
  // the 公示 entries, for objections
  for (const id of r.json.claim_ids) {
    const g = await s.api('GET', `/api/v1/claims/${id}`, { token: staff.cadre.token });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.status, 'approved');
    claims.get(id).publicity = g.json.publicity.id;
    claims.get(id).ends = Date.parse(g.json.publicity.ends_at);
  }
  count(deduction ? 'deduction' : 'award');
}

async function opClock() {
  const advance = pick([0, 0, 600, 3600, DAY, 2 * DAY, 3 * DAY + 1]);
  const t = await clock(advance);
  assert.ok(t.credited >= 0 && t.reset_entries >= 0);
  await maybeRelogin();
  count('clock');
}

// Several ticks at once: together they credit each due entry once.
async function opParallelTicks() {
  const due = openClaims().filter((c) => c.ends <= estNow() - 5e3).length;
  const ts = await Promise.all([clock(0), clock(0), clock(0), clock(0)]);
  const credited = ts.reduce((a, t) => a + t.credited, 0);
  assert.ok(credited <= openClaims().length, `${credited} credited, ${due} due`);
  count('parallel ticks');
}

async function villageLedger() {
  const out = [];
  for (let offset = 0; ; offset += 200) {
    const r = await s.api('GET', `/api/v1/villages/${villageId}/ledger?limit=200&offset=${offset}`, { token: staff.cadre.token });
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.items);
    if (out.length >= r.json.total || r.json.items.length === 0) return out;
  }
}

async function opCorrection(concurrent = false) {
  const entries = (await villageLedger()).filter((e) => e.source !== 'reset');
  if (!entries.length) return opClock();
  const e = pick(entries);
  // redemptions and returns are never corrected (a return undoes a sale); a reversal
  // that adds points waits for a second cadre (202) and blocks further requests
  const refused = corrected.has(e.id) || ['correction', 'redemption', 'return'].includes(e.source);
  const expect = refused ? 409 : e.spendable < 0 || e.honour < 0 ? 202 : 201;
  const call = () => s.api('POST', `/api/v1/ledger/${e.id}/correction`, { token: staff.cadre.token, body: { reason: `更正 ${e.id}` } });
  const rs = concurrent ? await Promise.all([call(), call()]) : [await call()];
  const codes = rs.map((r) => r.status).sort();
  if (expect === 409) assert.deepEqual(codes, rs.map(() => 409), rs.map((r) => r.text).join('\n'));
  else assert.deepEqual(codes, concurrent ? [expect, 409] : [expect], rs.map((r) => r.text).join('\n'));
  for (const r of rs) if (r.status === 201) corrections.add(r.json.id);
  corrected.add(e.id);
  count(concurrent ? 'concurrent corrections' : 'correction');
}

async function putSettings(days, reset) {
  const body = { publicity_days: days, red_list_size: 10 };
  if (reset) body.reset_month_day = reset;
  const r = await s.api('PUT', `/api/v1/villages/${villageId}/points-settings`, { token: staff.cadre.token, body });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.reset_month_day, reset || null);
  publicityDays = days;
}

async function opSettings() {
  await putSettings(pick([0, 1, 3, 3]), resetDay);
  count('settings');
}

// The yearly reset, run by several ticks at once while entries fall due: the first
// time it sets the reset day to today, later it moves the clock on a year.
let resetDay = null;
async function opYearlyReset() {
  let advance = 0;
  if (!resetDay) {
    resetDay = day(estNow()).slice(5);
    await putSettings(publicityDays, resetDay);
  } else {
    advance = 366 * DAY;
  }
  const ts = await Promise.all([clock(advance), clock(0), clock(0), clock(0)]);
  const written = ts.reduce((a, t) => a + t.reset_entries, 0);
  assert.ok(written <= households.length + 300, JSON.stringify(ts));
  await maybeRelogin();
  count('yearly reset');
}

const OPERATIONS = [
  [16, () => opClaim()],
  [3, () => opClaim(3)],
  [14, () => opReview(true)],
  [5, () => opReview(false)],
  [5, opConcurrentReview],
  [3, opApprovalsWithTicks],
  [8, opObject],
  [2, opConcurrentObjections],
  [3, opObjectionRace],
  [8, () => opAward(false)],
  [4, () => opAward(true)],
  [9, opClock],
  [4, opParallelTicks],
  [4, () => opCorrection(false)],
  [2, () => opCorrection(true)],
  [2, opSettings],
  [2, opYearlyReset],
];
const WEIGHT = OPERATIONS.reduce((a, [w]) => a + w, 0);
function nextOp() {
  let x = rand() * WEIGHT;
  for (const [w, f] of OPERATIONS) {
    if ((x -= w) < 0) return f;
  }
  return OPERATIONS[0][1];
}

// ---- checks ----

async function householdLedger(h) {
  const items = [];
  let balances;
  for (let offset = 0; ; offset += 200) {
    const r = await s.api('GET', `/api/v1/households/${h}/ledger?limit=200&offset=${offset}`, { token: staff.cadre.token });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    balances = r.json.balances;
    if (items.length >= r.json.total || r.json.items.length === 0) break;
  }
  return { items, balances };
}

async function checkBalances() {
  for (const h of households) {
    const { items, balances } = await householdLedger(h);
    const sum = items.reduce((a, e) => ({ spendable: a.spendable + e.spendable, honour: a.honour + e.honour }), { spendable: 0, honour: 0 });
    assert.deepEqual(balances, sum, `household ${h}: balances against the sum of ${items.length} entries`);
  }
}

// ---- the test ----

const demoClaims = new Set();

before(async () => {
  s = await startServer();
  staff.assessor = { phone: PHONES.assessor, password: PASSWORD };
  staff.cadre = { phone: PHONES.cadre, password: PASSWORD };
  staff.cadre.token = await s.login(PHONES.cadre);
  const vtok = await s.as('villager');
  const me = (await s.api('GET', '/api/v1/session', { token: vtok })).json;
  const h1 = await s.api('GET', `/api/v1/households/${me.household_id}`, { token: staff.cadre.token });
  villageId = h1.json.village_id;
  villagers.push({ ...s.villager, household: me.household_id, members: h1.json.members.map((m) => m.id) });

  // four more villagers, each of another household; two households without accounts
  const list = await s.api('GET', `/api/v1/households?village_id=${villageId}&limit=60`, { token: staff.cadre.token });
  const extra = [];
  for (const h of list.json.items) {
    if (h.id === me.household_id) continue;
    if (villagers.length >= 5 && extra.length >= 2) break;
    const d = await s.api('GET', `/api/v1/households/${h.id}`, { token: staff.cadre.token });
    const p = d.json.members.find((m) => /^1\d{10}$/.test(m.phone) && m.user_id === null);
    if (villagers.length < 5 && p) {
      const code = await s.api('POST', `/api/v1/residents/${p.id}/activation`, { token: staff.cadre.token, body: {} });
      assert.equal(code.status, 201, code.text);
      const act = await s.api('POST', '/api/v1/activation', { body: { phone: p.phone, code: code.json.code, password: 'Invariant-pass-01' } });
      assert.equal(act.status, 201, act.text);
      villagers.push({ phone: p.phone, password: 'Invariant-pass-01', household: h.id, members: d.json.members.map((m) => m.id) });
    } else if (extra.length < 2) {
      extra.push(h.id);
    }
  }
  assert.equal(villagers.length, 5);
  households.push(...villagers.map((v) => v.household), ...extra);
  // records the demo credited already (the 趣味学法 quiz's points)
  for (const e of await villageLedger()) if (e.claim_id !== null) demoClaims.add(e.claim_id);
  await relogin();
  for (const [i, v] of villagers.entries()) {
    v.png = png(40 * i, 255 - 40 * i, 7);
    const up = await s.api('POST', '/api/v1/files', { token: v.token, raw: v.png, headers: { 'content-type': 'image/png' } });
    assert.equal(up.status, 201, up.text);
  }

  const rl = await s.api('GET', `/api/v1/units/${villageId}/rules?limit=200`, { token: staff.cadre.token });
  assert.equal(rl.status, 200, rl.text);
  const inForce = rl.json.items.filter((r) => r.in_force);
  selfRules = inForce.filter((r) => r.claim_by === 'self' && r.points > 0);
  awardRules = inForce.filter((r) => r.points > 0);
  deductionRules = inForce.filter((r) => r.points < 0);
  assert.ok(selfRules.length >= 5 && awardRules.length >= 10 && deductionRules.length >= 3);
  await clock(0);
});
after(async () => { if (s) await s.close(); });

test(`a seeded random sequence of ${OPS} operations keeps every invariant (seed ${SEED})`, async (t) => {
  t.diagnostic(`seed ${SEED}; replay with CUNZHI_SEED=${SEED}`);
  for (let i = 0; i < OPS; i++) {
    const op = nextOp();
    try {
      await op();
    } catch (e) {
      e.message = `operation ${i} (seed ${SEED}): ${e.message}`;
      throw e;
    }
    if (i % 50 === 49) await checkBalances();
  }
  t.diagnostic(JSON.stringify(stats));

  // let every period run out, with concurrent ticks
  await clock(4 * DAY);
  await relogin();
  await Promise.all([clock(0), clock(0), clock(0), clock(0)]);

  // balances equal ledger sums
  await checkBalances();

  // no record credited twice; exactly the approved records credited, at their points
  const ledger = await villageLedger();
  const credited = new Map();
  for (const e of ledger) {
    if (e.claim_id === null) continue;
    assert.ok(!credited.has(e.claim_id), `claim ${e.claim_id} credited twice`);
    credited.set(e.claim_id, e);
  }
  const approved = [...claims.values()].filter((c) => c.status === 'approved');
  if (OPS >= 100) assert.ok(approved.length > 10, `only ${approved.length} approved records`);
  for (const c of claims.values()) {
    const e = credited.get(c.id);
    if (c.status === 'approved') {
      assert.ok(e, `claim ${c.id} (approved) is credited`);
      assert.equal(e.spendable, c.points);
      assert.equal(e.honour, c.points);
      assert.equal(e.household_id, c.hh);
      assert.equal(e.source, c.source);
    } else {
      assert.ok(!e, `claim ${c.id} (${c.status}) is not credited`);
    }
  }
  for (const id of credited.keys()) assert.ok(claims.has(id) || demoClaims.has(id), `ledger entry for an unknown claim ${id}`);
  // the server agrees about each record's status
  for (const c of claims.values()) {
    const g = await s.api('GET', `/api/v1/claims/${c.id}`, { token: staff.cadre.token });
    assert.equal(g.json.status, c.status === 'approved' ? 'credited' : c.status, `claim ${c.id}`);
  }
  // corrections reverse exactly the corrected entries, once each
  const byRef = new Map();
  for (const e of ledger.filter((x) => x.source === 'correction')) {
    assert.ok(!byRef.has(e.ref_id), `entry ${e.ref_id} corrected twice`);
    byRef.set(e.ref_id, e);
    const orig = ledger.find((x) => x.id === e.ref_id);
    assert.equal(e.spendable, -orig.spendable);
    assert.equal(e.honour, -orig.honour);
  }
  assert.equal(byRef.size, corrections.size);
  // at most one reset entry per household and year
  const resets = new Set();
  for (const e of ledger.filter((x) => x.source === 'reset')) {
    const k = `${e.household_id} ${e.note}`;
    assert.ok(!resets.has(k), `two resets: ${k}`);
    resets.add(k);
    assert.equal(e.honour, 0);
  }
  // the chain head on the public page
  const pub = await s.api('GET', `/api/v1/public/villages/${villageId}/publicity`);
  assert.equal(pub.json.ledger.entries, ledger.length);
  assert.deepEqual(ledger.map((e) => e.seq), ledger.map((_, i) => ledger.length - i));

  const v = s.cli(['verify']);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /ledger: ok/);
});

test('cunzhi verify detects a ledger row changed in the database (exit 3)', async () => {
  const stopped = await s.stop();
  assert.equal(stopped.code, 0);
  const sql = 'UPDATE ledger SET spendable = spendable + 1 WHERE id = (SELECT min(id) FROM ledger)';
  if (s.db) execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', s.db, '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  else execFileSync('sqlite3', [path.join(s.data, 'cunzhi.db'), sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  const v = s.cli(['verify']);
  assert.equal(v.code, 3, v.stdout + v.stderr);
  assert.match(v.stdout, /audit: ok/);
  assert.match(v.stdout, /ledger: BROKEN in village \d+ at entry 1\b/);
  // the same report from one worker and from four, naming the village and entry
  for (const jobs of ['1', '4']) {
    const w = s.cli(['verify', '--jobs', jobs]);
    assert.equal(w.code, 3, w.stdout + w.stderr);
    assert.equal(w.stdout, v.stdout, `--jobs ${jobs}`);
  }
});
