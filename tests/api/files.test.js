// Uploaded files over the API: every account that uploads the same bytes may attach
// them (they are stored once), the daily upload quota (villagers lower than staff), and
// the scheduled removal of uploads no record refers to after the grace of a day, with
// their bytes on disk, while attached files (and the demo's) are kept.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, pngPixel } = require('./lib');

let s;
const T = {};
const A = {};
const DAY = 24 * 3600;

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

// Distinct calls give distinct pictures (the server decodes and writes them again).
function png() {
  const [r, g, b] = crypto.randomBytes(3);
  return pngPixel(r, g, b);
}

function upload(token, bytes) {
  return s.api('POST', '/api/v1/files', { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
}

function onDisk(hash) {
  return fs.existsSync(path.join(s.data, 'files', hash.slice(0, 2), hash));
}

// The hashes of the files on disk.
function stored() {
  const dir = path.join(s.data, 'files');
  return fs.readdirSync(dir).flatMap((a) => fs.readdirSync(path.join(dir, a))).filter((f) => /^[0-9a-f]{64}$/.test(f));
}

function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

before(async () => {
  s = await startServer();
  for (const role of ['villager', 'grid_worker', 'cadre'])
    T[role] = await s.as(role);
  const me = await must(await s.api('GET', '/api/v1/session', { token: T.villager }), 200);
  A.resident = me.resident_id;
  A.household = me.household_id;
  const cadre = await must(await s.api('GET', '/api/v1/session', { token: T.cadre }), 200);
  A.village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  const rules = await must(await s.api('GET', `/api/v1/units/${A.village}/rules?limit=200`, { token: T.cadre }), 200);
  A.rule = rules.items.find((r) => r.name === '参加志愿劳动');
  assert.ok(A.rule, 'the demo catalogue has 参加志愿劳动');
  // the demo's files (claim photos, goods, 大事记, party records …): every one is attached
  A.demoFiles = stored();
  assert.ok(A.demoFiles.length > 10, 'the demo has stored files');
});

after(async () => {
  if (s) await s.close();
});

test('the same bytes uploaded by a second account are theirs to attach too; not for an account that never uploaded them', async () => {
  const bytes = png();
  const first = await must(await upload(T.cadre, bytes), 201);
  const second = await must(await upload(T.villager, bytes), 201);
  assert.equal(second.hash, first.hash, 'stored once');
  const c = await must(await s.api('POST', '/api/v1/claims', { token: T.villager, body: {
    resident_id: A.resident, rule_id: A.rule.id, occurred_on: today(), photos: [first.hash],
  } }), 201);
  assert.equal(c.photos, 1);
  A.attached = first.hash;
  // the grid worker never uploaded these bytes
  const r = await s.api('POST', '/api/v1/claims', { token: T.grid_worker, body: {
    household_id: A.household, resident_id: A.resident, rule_id: A.rule.id, occurred_on: today(), photos: [first.hash],
  } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.photos, /不是你上传的/, r.text);
});

test('uploads never attached are removed a day later with their bytes; attached ones and the demo\'s are kept', async () => {
  const looseBytes = png();
  const loose = await must(await upload(T.villager, looseBytes), 201);
  assert.ok(onDisk(loose.hash) && onDisk(A.attached));
  // within the grace nothing is removed
  await s.advance(3600);
  assert.ok(onDisk(loose.hash), 'kept within the grace');
  const moved = await s.advance(DAY + 60);
  assert.ok(moved.now);
  assert.equal(onDisk(loose.hash), false, 'the unattached upload is gone from the disk');
  assert.equal(fs.existsSync(path.join(s.data, 'files', loose.hash.slice(0, 2), loose.hash + '.thumb')), false,
    'and its thumbnail');
  assert.ok(onDisk(A.attached), 'the attached photo is kept');
  // its row is gone: attaching it now is refused as an unknown file
  const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: {
    resident_id: A.resident, rule_id: A.rule.id, occurred_on: today(), photos: [loose.hash],
  } });
  assert.equal(r.status, 400, r.text);
  // the demo's files are all referenced somewhere: all kept
  const left = new Set(stored());
  assert.deepEqual(A.demoFiles.filter((h) => !left.has(h)), []);
  // the removal is on the village's audit chain, and the chain verifies
  const log = await must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=file&limit=200`,
    { token: T.cadre }), 200);
  assert.ok(log.items.some((e) => e.action === 'remove' && e.before.hash === loose.hash), 'the removal is audited');
  const admin = await s.as('county_admin');
  const v = await must(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);
  assert.equal(v.ok, true, JSON.stringify(v));
  // the same bytes uploaded again are stored again
  const again = await must(await upload(T.villager, looseBytes), 201);
  assert.equal(again.hash, loose.hash);
  assert.ok(onDisk(loose.hash), 'written again');
});

test('a villager may upload 60 files in 24 hours, then 429 naming the limit; staff more; a day later again', async () => {
  // the clock was moved past every earlier upload of this test file
  await s.advance(DAY + 60);
  const mine = [];
  for (let i = 0; i < 60; i++) {
    mine.push(png());
    await must(await upload(T.villager, mine[i]), 201);
  }
  const over = await upload(T.villager, png());
  assert.equal(over.status, 429, over.text);
  assert.match(over.json.error.message, /24 小时内最多上传 60 个文件/);
  // bytes the villager uploaded already cost nothing
  assert.equal((await upload(T.villager, mine[7])).status, 201);
  const bytes = png();
  const r = await upload(T.cadre, bytes);
  assert.equal(r.status, 201, r.text);
  assert.equal((await upload(T.villager, bytes)).status, 429, 'new to the villager: counted');
  // staff have the higher quota
  for (let i = 0; i < 61; i++) await must(await upload(T.grid_worker, png()), 201);
  await s.advance(DAY + 60);
  await must(await upload(T.villager, png()), 201);
});
