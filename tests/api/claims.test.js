// Points claims over the API: photo uploads (type by bytes, size caps), claims by a
// villager and a grid worker, the review queue, approval into 公示, rejection with a
// reason, nobody reviewing their own household, caps, validity, required photos,
// awards and deductions in batches, and who may see a claim's photos.
// Village A is the demo's 青山村 (its rule catalog is the demo's); village B is made
// here with its own cadre.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, makeIdcard, jpegImage, exifGps, pngPixel, WEBP_SAMPLE } = require('./lib');

let s;
const T = {};      // tokens
const A = {};      // village A: ids
const B = {};      // village B
const R = {};      // rules by name

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

// Dates in China Standard Time, days from today.
function day(offset = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
}

// Real pictures (the server decodes them): distinct calls give distinct pictures.
function jpeg(blocks = 8) {
  return jpegImage({ blocks });
}

function png() {
  const [r, g, b] = crypto.randomBytes(3);
  return pngPixel(r, g, b);
}

function webp() {
  return WEBP_SAMPLE;
}

// The width and height in a JPEG's SOF0 segment.
function jpegSize(buf) {
  for (let i = 2; i + 9 < buf.length;) {
    const m = buf[i + 1];
    if (m === 0xc0 || m === 0xc2) return [buf.readUInt16BE(i + 7), buf.readUInt16BE(i + 5)];
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return null;
}

async function upload(token, bytes, status = 201) {
  return must(await s.api('POST', '/api/v1/files', { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } }), status);
}

async function claim(token, body, status = 201) {
  return must(await s.api('POST', '/api/v1/claims', { token, body }), status);
}

async function review(token, id, body, status = 200) {
  return must(await s.api('POST', `/api/v1/claims/${id}/review`, { token, body }), status);
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'cadre', 'assessor', 'grid_worker', 'villager', 'inspector'])
    T[role] = await s.as(role);
  const me = await must(await s.api('GET', '/api/v1/session', { token: T.villager }), 200);
  A.villagerUser = me.user_id;
  A.household = me.household_id;
  A.resident = me.resident_id;
  const cadre = await must(await s.api('GET', '/api/v1/session', { token: T.cadre }), 200);
  A.village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  const hh = await must(await s.api('GET', `/api/v1/households/${A.household}`, { token: T.cadre }), 200);
  A.members = hh.members.map((m) => m.id);
  const list = await must(await s.api('GET', `/api/v1/households?unit_id=${A.village}&limit=20`, { token: T.cadre }), 200);
  A.others = list.items.map((h) => h.id).filter((id) => id !== A.household);
  const other = await must(await s.api('GET', `/api/v1/households/${A.others[0]}`, { token: T.cadre }), 200);
  A.otherResident = other.members[0].id;

  const rules = await must(await s.api('GET', `/api/v1/units/${A.village}/rules?limit=200`, { token: T.cadre }), 200);
  for (const r of rules.items) R[r.name] = r;
  for (const name of ['参加志愿劳动', '参加党课学习', '房前屋后绿化美化', '参加治安巡逻', '见义勇为', '焚烧秸秆'])
    assert.ok(R[name], `the demo catalog has no rule ${name}`);

  // village B in a second town, with a household and a cadre
  const admin = T.county_admin;
  B.town = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: 1, kind: 'town', code: 'CLAIMS-T2', name: '河湾镇' } }), 201)).id;
  B.village = (await must(await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: B.town, kind: 'village', code: 'CLAIMS-V2', name: '红岩村' } }), 201)).id;
  B.household = (await must(await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: B.village, number: 'B001', address: '红岩村 1 号' } }), 201)).id;
  await must(await s.api('POST', '/api/v1/residents', { token: admin, body: { household_id: B.household, name: '钱红岩', idcard: makeIdcard('19680312', 231, '500101'), relation: '户主' } }), 201);
  const user = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13722220000', name: '钱书记', password: 'Cadre-B-2026' } }), 201);
  await must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: admin, body: { role: 'cadre', unit_id: B.village } }), 200);
  T.cadreB = await s.login('13722220000', 'Cadre-B-2026');
});

after(async () => {
  if (s) await s.close();
});

test('photo uploads: JPEG, PNG and WebP by their bytes; anything else 400; over 8 MiB 413', async () => {
  const bytes = jpeg();
  const up = await upload(T.villager, bytes);
  assert.match(up.hash, /^[0-9a-f]{64}$/);
  assert.equal(up.mime, 'image/jpeg');
  assert.equal(up.size, bytes.length);
  const again = await upload(T.villager, bytes);
  assert.equal(again.hash, up.hash, 'the same bytes are stored once');
  assert.equal((await upload(T.villager, png())).mime, 'image/png');
  assert.equal((await upload(T.villager, webp())).mime, 'image/webp');

  // a PDF is stored (the attachments of 三务公开 take them) but is no photo for a claim
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
  const stored = await upload(T.villager, pdf);
  assert.equal(stored.mime, 'application/pdf');
  const rule = (await s.api('GET', '/api/v1/units/3/rules', { token: T.villager })).json.items.find((x) => x.points > 0);
  const claim = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: 1, rule_id: rule.id, occurred_on: new Date().toISOString().slice(0, 10), photos: [stored.hash] } });
  assert.equal(claim.status, 400, claim.text);
  assert.ok(claim.json.error.fields.photos, claim.text);
  for (const raw of [Buffer.from('PK\x03\x04 不是 PDF 也不是图片'), Buffer.from('这不是图片，只是改了扩展名的文本.jpg')]) {
    const r = await s.api('POST', '/api/v1/files', { token: T.villager, raw, headers: { 'content-type': 'image/jpeg' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.message, '只支持 JPEG、PNG 或 WebP 图片');
    assert.ok(r.json.error.fields.file);
  }
  const empty = await s.api('POST', '/api/v1/files', { token: T.villager, raw: Buffer.alloc(0) });
  assert.equal(empty.status, 400, empty.text);

  const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(9 * 1024 * 1024)]);
  const r = await s.api('POST', '/api/v1/files', { token: T.villager, raw: big });
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.code, 'too_large');
  // exactly 8 MiB (a picture with comments) is allowed; the comments are not stored
  const pic = jpeg();
  const pads = [];
  let room = 8 * 1024 * 1024 - pic.length;
  while (room > 0) {
    const n = Math.min(room, 65535 + 2);
    const seg = Buffer.alloc(n < 4 ? 4 : n, 0x41);
    seg[0] = 0xff; seg[1] = 0xfe; seg.writeUInt16BE(seg.length - 2, 2);
    pads.push(seg);
    room -= seg.length;
  }
  const exact = Buffer.concat([pic.subarray(0, 2), ...pads, pic.subarray(2)]);
  assert.equal(exact.length, 8 * 1024 * 1024);
  assert.equal((await upload(T.villager, exact)).size, pic.length, 'exactly 8 MiB is allowed, stored without its comments');

  assert.equal((await s.api('POST', '/api/v1/files', { raw: jpeg() })).status, 401);
});

test('a villager claims with a photo; it reaches the queues; approval posts it to 公示', async () => {
  const bytes = jpeg();
  const photo = await upload(T.villager, bytes);
  const c = await claim(T.villager, {
    resident_id: A.resident, rule_id: R['参加志愿劳动'].id, occurred_on: day(0),
    description: '清理村道两旁的杂草', photos: [photo.hash],
  });
  assert.equal(c.status, 'pending');
  assert.equal(c.household_id, A.household);
  assert.equal(c.source, 'claim');
  assert.equal(c.points, R['参加志愿劳动'].points);
  assert.equal(c.rule_name, '参加志愿劳动');
  assert.equal(c.photos, 1);
  assert.equal(c.photo_list.length, 1);
  assert.equal(c.publicity, null);
  assert.equal(c.can_review, false);
  A.volunteerClaim = c.id;

  // the photo, to the villager, with its type and nosniff
  const img = await s.api('GET', `/api/v1/claims/${c.id}/photos/1`, { token: T.villager });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(img.body.equals(bytes));
  assert.equal((await s.api('GET', `/api/v1/claims/${c.id}/photos/2`, { token: T.villager })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/claims/${c.id}/photos/x`, { token: T.villager })).status, 404);

  // in the assessor's and the cadre's queues, not in the grid worker's (no review right)
  for (const who of ['assessor', 'cadre']) {
    const q = await must(await s.api('GET', '/api/v1/claims?queue=1&limit=200', { token: T[who] }), 200);
    const item = q.items.find((x) => x.id === c.id);
    assert.ok(item, `${who}'s queue lacks the claim`);
    assert.equal(item.can_review, true);
  }
  assert.equal((await s.api('GET', '/api/v1/claims?queue=1', { token: T.grid_worker })).status, 403);
  const mine = await must(await s.api('GET', '/api/v1/claims?mine=1', { token: T.villager }), 200);
  assert.ok(mine.items.some((x) => x.id === c.id));

  const ok = await review(T.assessor, c.id, { decision: 'approve' });
  assert.equal(ok.status, 'approved');
  assert.equal(ok.reviewer_name, '张秀兰');
  assert.ok(ok.reviewed_at);
  assert.ok(ok.publicity && ok.publicity.id);
  assert.equal(ok.publicity.status, 'open');
  const pub = await must(await s.api('GET', `/api/v1/public/villages/${A.village}/publicity`), 200);
  const entry = pub.items.find((x) => x.id === ok.publicity.id);
  assert.ok(entry, 'the approved claim is in the public 公示 list');
  assert.match(entry.name, /\*/);

  // decided once only
  const again = await s.api('POST', `/api/v1/claims/${c.id}/review`, { token: T.cadre, body: { decision: 'reject', reason: '重复' } });
  assert.equal(again.status, 409, again.text);
  const q = await must(await s.api('GET', '/api/v1/claims?queue=1&limit=200', { token: T.assessor }), 200);
  assert.ok(!q.items.some((x) => x.id === c.id), 'an approved claim leaves the queue');

  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=claim&object_id=${c.id}`, { token: T.cadre }), 200);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['approve', 'create']);
});

test('a rejection needs a reason, which the villager sees', async () => {
  const c = await claim(T.villager, { resident_id: A.members[A.members.length - 1], rule_id: R['参加党课学习'].id, occurred_on: day(-3) });
  const r = await s.api('POST', `/api/v1/claims/${c.id}/review`, { token: T.assessor, body: { decision: 'reject' } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.reason);
  const bad = await s.api('POST', `/api/v1/claims/${c.id}/review`, { token: T.assessor, body: { decision: 'maybe' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.decision);
  await review(T.assessor, c.id, { decision: 'reject', reason: '当天未组织党课，请核实日期' });
  const seen = await must(await s.api('GET', `/api/v1/claims/${c.id}`, { token: T.villager }), 200);
  assert.equal(seen.status, 'rejected');
  assert.equal(seen.review_reason, '当天未组织党课，请核实日期');
  assert.equal(seen.reviewer_name, '张秀兰');
  assert.equal(seen.publicity, null);
});

test('nobody reviews a claim of their own household', async () => {
  // the villager becomes an assessor of the village
  const g = await s.api('POST', `/api/v1/users/${A.villagerUser}/grants`, { token: T.county_admin, body: { role: 'assessor', unit_id: A.village } });
  assert.equal(g.status, 200, g.text);
  try {
    const c = await claim(T.villager, { resident_id: A.resident, rule_id: R['参加党课学习'].id, occurred_on: day(-1) });
    const r = await s.api('POST', `/api/v1/claims/${c.id}/review`, { token: T.villager, body: { decision: 'approve' } });
    assert.equal(r.status, 403, r.text);
    assert.match(r.json.error.message, /本户/);
    const q = await must(await s.api('GET', '/api/v1/claims?queue=1&limit=200', { token: T.villager }), 200);
    assert.ok(!q.items.some((x) => x.household_id === A.household), 'the queue leaves out the own household');
    const got = await must(await s.api('GET', `/api/v1/claims/${c.id}`, { token: T.villager }), 200);
    assert.equal(got.can_review, false);
    // a grid worker does not review what they submitted either
    const gw = await must(await s.api('GET', '/api/v1/session', { token: T.grid_worker }), 200);
    await must(await s.api('POST', `/api/v1/users/${gw.user_id}/grants`, { token: T.county_admin, body: { role: 'assessor', unit_id: A.village } }), 200);
    const byGrid = await claim(T.grid_worker, { household_id: A.others[1], resident_id: (await must(await s.api('GET', `/api/v1/households/${A.others[1]}`, { token: T.cadre }), 200)).members[0].id, rule_id: R['参加治安巡逻'].id, occurred_on: day(0) });
    const own = await s.api('POST', `/api/v1/claims/${byGrid.id}/review`, { token: T.grid_worker, body: { decision: 'approve' } });
    assert.equal(own.status, 403, own.text);
    await must(await s.api('DELETE', `/api/v1/users/${gw.user_id}/grants`, { token: T.county_admin, body: { role: 'assessor', unit_id: A.village } }), 200);
    // the cadre may
    assert.equal((await review(T.cadre, c.id, { decision: 'approve', reason: '属实' })).status, 'approved');
  } finally {
    await must(await s.api('DELETE', `/api/v1/users/${A.villagerUser}/grants`, { token: T.county_admin, body: { role: 'assessor', unit_id: A.village } }), 200);
  }
});

test('a cap of 3 a month refuses the 4th claim with a clear message', async () => {
  // the first of the month's three was made (and approved) above
  const rule = R['参加志愿劳动'];
  assert.equal(rule.cap_count, 3);
  assert.equal(rule.cap_period, 'month');
  for (let i = 0; i < 2; i++) {
    const p = await upload(T.villager, jpeg());
    await claim(T.villager, { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: [p.hash] });
  }
  const p = await upload(T.villager, jpeg());
  const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: [p.hash] } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.rule_id, /本月已申报 3 次「参加志愿劳动」，达到上限/);
});

test('dates: not in the future, not older than 90 days, within the rule validity', async () => {
  const base = { resident_id: A.resident, rule_id: R['参加党课学习'].id };
  for (const occurred_on of [day(1), day(-91), '2026-02-30', 'yesterday']) {
    const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { ...base, occurred_on } });
    assert.equal(r.status, 400, `${occurred_on}: ${r.text}`);
    assert.ok(r.json.error.fields.occurred_on, occurred_on);
  }
  // a rule valid only until 30 days ago
  const v = await must(await s.api('POST', `/api/v1/units/${A.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '村民代表会议', meeting_date: day(-60), note: '秋收临时事项',
      add: [{ category: '生产生活', name: '秋收互助', points: 3, claim_by: 'self', valid_from: day(-80), valid_to: day(-30) }],
    },
  }), 201);
  const added = v.added[0].id;
  const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { ...base, rule_id: added, occurred_on: day(-2) } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.occurred_on, /有效期/);
  await claim(T.villager, { ...base, rule_id: added, occurred_on: day(-40) });
});

test('photos: required by the rule; uploaded by the claimant; at most 9', async () => {
  const rule = R['房前屋后绿化美化'];
  assert.equal(rule.photo_required, true);
  const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0) } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.photos, /照片/);

  const theirs = await upload(T.grid_worker, jpeg());
  const r2 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: [theirs.hash] } });
  assert.equal(r2.status, 400, r2.text);
  assert.ok(r2.json.error.fields.photos);
  const r3 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: ['../../etc/passwd'] } });
  assert.equal(r3.status, 400, r3.text);
  const ten = [];
  for (let i = 0; i < 10; i++) ten.push((await upload(T.villager, png(50))).hash);
  const r4 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: ten } });
  assert.equal(r4.status, 400, r4.text);
  assert.ok(r4.json.error.fields.photos);
  const nine = await claim(T.villager, { resident_id: A.resident, rule_id: rule.id, occurred_on: day(0), photos: ten.slice(0, 9) });
  assert.equal(nine.photos, 9);
  assert.deepEqual(nine.photo_list.map((p) => p.n), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const last = await s.api('GET', `/api/v1/claims/${nine.id}/photos/9`, { token: T.cadre });
  assert.equal(last.status, 200);
  assert.equal(last.headers.get('content-type'), 'image/png');
});

test('who claims what: members of the own household; grid workers for households in scope', async () => {
  const r = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.otherResident, rule_id: R['参加党课学习'].id, occurred_on: day(0) } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.resident_id);
  // a villager cannot claim for another household
  const r2 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { household_id: A.others[0], resident_id: A.otherResident, rule_id: R['参加党课学习'].id, occurred_on: day(0) } });
  assert.equal(r2.status, 404, r2.text);
  // nor a grid-worker rule
  const r3 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: R['参加治安巡逻'].id, occurred_on: day(0) } });
  assert.equal(r3.status, 400, r3.text);
  assert.ok(r3.json.error.fields.rule_id);
  // a cadre-only rule is for awards
  const r4 = await s.api('POST', '/api/v1/claims', { token: T.grid_worker, body: { household_id: A.others[0], resident_id: A.otherResident, rule_id: R['见义勇为'].id, occurred_on: day(0) } });
  assert.equal(r4.status, 400, r4.text);
  // the grid worker claims for a household of the village, which they did not join
  const c = await claim(T.grid_worker, { household_id: A.others[0], resident_id: A.otherResident, rule_id: R['参加治安巡逻'].id, occurred_on: day(-1), description: '夜间巡逻' });
  assert.equal(c.household_id, A.others[0]);
  assert.equal(c.author_name, '刘强');
  // a grid worker of village A cannot claim in village B
  const r5 = await s.api('POST', '/api/v1/claims', { token: T.grid_worker, body: { household_id: B.household, resident_id: 1, rule_id: R['参加治安巡逻'].id, occurred_on: day(0) } });
  assert.equal(r5.status, 404, r5.text);
  // unknown fields and types are refused at once
  const r6 = await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: 'x', rule_id: R['参加党课学习'].id, occurred_on: day(0), photos: 'abc', extra: 1 } });
  assert.equal(r6.status, 400);
  assert.ok(r6.json.error.fields.resident_id && r6.json.error.fields.photos && r6.json.error.fields.extra);
});

test('a villager cannot award; nor a cadre of another village', async () => {
  const body = { rule_id: R['见义勇为'].id, household_ids: [A.household], occurred_on: day(0), note: '自己给自己加分' };
  const r = await s.api('POST', '/api/v1/awards', { token: T.villager, body });
  assert.equal(r.status, 403, r.text);
  assert.equal((await s.api('POST', '/api/v1/awards', { token: T.assessor, body })).status, 403);
  // outside every grant of B's cadre: not found (tests/api/matrix.test.js)
  assert.equal((await s.api('POST', '/api/v1/awards', { token: T.cadreB, body })).status, 404);
});

test('an award for a batch of 3 households, all or nothing', async () => {
  const rule = R['见义勇为'];
  const hs = A.others.slice(2, 5);
  // one household of another village spoils the whole batch
  const bad = await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: rule.id, household_ids: [...hs, B.household], occurred_on: day(-2), note: '抗洪抢险' } });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.json.error.fields.household_ids);
  const before = await must(await s.api('GET', `/api/v1/claims?household_id=${hs[0]}`, { token: T.cadre }), 200);
  assert.equal(before.total, 0, 'nothing was written');
  const dup = await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: rule.id, household_ids: [hs[0], hs[0]], occurred_on: day(-2), note: '抗洪抢险' } });
  assert.equal(dup.status, 400, dup.text);
  const withResident = await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: rule.id, household_ids: hs, resident_id: A.otherResident, occurred_on: day(-2), note: '抗洪抢险' } });
  assert.equal(withResident.status, 400, withResident.text);
  assert.ok(withResident.json.error.fields.resident_id);

  const res = await must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: rule.id, household_ids: hs, occurred_on: day(-2), note: '抗洪抢险' } }), 201);
  assert.equal(res.source, 'award');
  assert.equal(res.claim_ids.length, 3);
  assert.match(res.batch_id, /^[0-9a-f]{32}$/);
  for (const [i, id] of res.claim_ids.entries()) {
    const c = await must(await s.api('GET', `/api/v1/claims/${id}`, { token: T.cadre }), 200);
    assert.equal(c.household_id, hs[i]);
    assert.equal(c.status, 'approved');
    assert.equal(c.source, 'award');
    assert.equal(c.points, 20);
    assert.equal(c.batch_id, res.batch_id);
    assert.equal(c.description, '抗洪抢险');
    assert.equal(c.publicity.status, 'open');
  }
  // the village's 公示 shows them
  const pub = await must(await s.api('GET', `/api/v1/public/villages/${A.village}/publicity`), 200);
  assert.equal(pub.items.filter((x) => x.source === 'award' && x.rule_name === '见义勇为').length, 3);
});

test('a deduction for one household and one member', async () => {
  const rule = R['焚烧秸秆'];
  const res = await must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: rule.id, household_ids: [A.others[0]], resident_id: A.otherResident, occurred_on: day(-1), note: '在田间焚烧秸秆，经劝阻后熄灭' } }), 201);
  assert.equal(res.source, 'deduction');
  const c = await must(await s.api('GET', `/api/v1/claims/${res.claim_ids[0]}`, { token: T.cadre }), 200);
  assert.equal(c.points, -5);
  assert.equal(c.source, 'deduction');
  assert.equal(c.resident_id, A.otherResident);
  assert.equal(c.status, 'approved');
  const list = await must(await s.api('GET', `/api/v1/claims?village_id=${A.village}&status=approved&limit=200`, { token: T.cadre }), 200);
  assert.ok(list.items.some((x) => x.id === c.id));
  const badStatus = await s.api('GET', '/api/v1/claims?status=done', { token: T.cadre });
  assert.equal(badStatus.status, 400);
  assert.ok(badStatus.json.error.fields.status);
});

test("a claim and its photos are not visible to another village's cadre", async () => {
  const id = A.volunteerClaim;
  assert.equal((await s.api('GET', `/api/v1/claims/${id}/photos/1`, { token: T.cadreB })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/claims/${id}`, { token: T.cadreB })).status, 404);
  const listB = await must(await s.api('GET', '/api/v1/claims?limit=200', { token: T.cadreB }), 200);
  assert.equal(listB.total, 0);
  assert.equal((await s.api('POST', `/api/v1/claims/${id}/review`, { token: T.cadreB, body: { decision: 'approve' } })).status, 404);
  // the county's inspector reads it; the grid worker of the village too
  assert.equal((await s.api('GET', `/api/v1/claims/${id}/photos/1`, { token: T.inspector })).status, 200);
  assert.equal((await s.api('GET', `/api/v1/claims/${id}/photos/1`, { token: T.grid_worker })).status, 200);
  assert.equal((await s.api('GET', `/api/v1/claims/${id}/photos/1`)).status, 401);
});

test('an objection sends an entry back to review; the decision reaches the objection', async () => {
  const res = await must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: R['见义勇为'].id, household_ids: [A.others[6]], occurred_on: day(-1), note: '救起落水儿童' } }), 201);
  const id = res.claim_ids[0];
  const c = await must(await s.api('GET', `/api/v1/claims/${id}`, { token: T.cadre }), 200);
  const obj = await s.api('POST', `/api/v1/publicity/${c.publicity.id}/objections`, { token: T.villager, body: { reason: '当天不在村里，情况不实' } });
  assert.equal(obj.status, 201, obj.text);
  const pending = await must(await s.api('GET', `/api/v1/claims/${id}`, { token: T.cadre }), 200);
  assert.equal(pending.status, 'pending');
  assert.equal(pending.objections.length, 1);
  assert.equal(pending.objections[0].status, 'open');
  assert.equal(pending.can_review, false, 'the cadre made the award: another reviewer decides');
  const q = await must(await s.api('GET', '/api/v1/claims?queue=1&limit=200', { token: T.assessor }), 200);
  assert.ok(q.items.some((x) => x.id === id));
  const ok = await review(T.assessor, id, { decision: 'approve', reason: '经核实，确有其事' });
  assert.equal(ok.status, 'approved');
  assert.notEqual(ok.publicity.id, c.publicity.id, 'approved again: a new 公示 entry');
  assert.equal(ok.objections[0].status, 'dismissed');
  assert.equal(ok.objections[0].decision_reason, '经核实，确有其事');
  const mine = await must(await s.api('GET', '/api/v1/objections?mine=1', { token: T.villager }), 200);
  assert.equal(mine.items.find((o) => o.claim_id === id).status, 'dismissed');
});

test('a cap holds under concurrent claims', async () => {
  const v = await must(await s.api('POST', `/api/v1/units/${A.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '村民代表会议', meeting_date: day(-1), note: '新增互助事项',
      add: [{ category: '集体活动', name: '邻里互助', points: 2, claim_by: 'self', cap_count: 3, cap_period: 'month' }],
    },
  }), 201);
  const rule = v.added[0].id;
  const replies = await Promise.all(Array.from({ length: 8 }, () =>
    s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: A.resident, rule_id: rule, occurred_on: day(0) } })));
  const statuses = replies.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 201, 201, 400, 400, 400, 400, 400], replies.map((r) => r.text).join('\n'));
  const list = await must(await s.api('GET', `/api/v1/claims?household_id=${A.household}&limit=200`, { token: T.cadre }), 200);
  assert.equal(list.items.filter((c) => c.rule_id === rule).length, 3);
});

test('photos are decoded: a picture that does not decode is refused; EXIF (GPS, camera) is not stored', async () => {
  const good = jpeg();
  const bad = [
    ['an 8-byte PNG header', Buffer.from('89504e470d0a1a0a', 'hex')],
    ['a JPEG start and noise', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(2000)])],
    ['a truncated JPEG', good.subarray(0, good.length - 40)],
    ['a truncated PNG', png().subarray(0, 40)],
    ['a WebP header and noise', Buffer.concat([Buffer.from('RIFF'), Buffer.from([100, 0, 0, 0]), Buffer.from('WEBPVP8 '), crypto.randomBytes(96)])],
  ];
  for (const [what, raw] of bad) {
    const r = await s.api('POST', '/api/v1/files', { token: T.villager, raw, headers: { 'content-type': 'image/png' } });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.match(r.json.error.fields.file, /图片已损坏或不完整/, what);
  }

  // a phone photo with its position and camera in EXIF, and a comment
  const withGps = jpegImage({ levels: [10, 60, 110, 160, 210, 250, 30, 90], app1: exifGps(), comment: '拍摄于家门口' });
  assert.ok(withGps.includes(Buffer.from('Exif\0\0', 'latin1')) && withGps.includes(Buffer.from('CUNZHIX')));
  const up = await upload(T.villager, withGps);
  // a rule of its own, without a cap (the demo's rules are used up above)
  const v = await must(await s.api('POST', `/api/v1/units/${A.village}/rule-versions`, {
    token: T.cadre,
    body: { meeting_type: '村民代表会议', meeting_date: day(-1), note: '新增晒图事项', add: [{ category: '集体活动', name: '庭院晒图', points: 1, claim_by: 'self' }] },
  }), 201);
  const rule = v.added[0].id;
  assert.equal(up.mime, 'image/jpeg');
  assert.ok(up.size < withGps.length, 'stored smaller than uploaded');
  const c = await claim(T.villager, {
    resident_id: A.resident, rule_id: rule, occurred_on: day(0), photos: [up.hash],
  });
  const img = await s.api('GET', `/api/v1/claims/${c.id}/photos/1`, { token: T.villager });
  assert.equal(img.status, 200);
  assert.equal(img.body.length, up.size);
  for (const needle of ['Exif', 'CUNZHIX', 'PHONE01', '拍摄于家门口'])
    assert.ok(!img.body.includes(Buffer.from(needle)), `the stored photo still has ${needle}`);
  // the picture itself is the same one: the same bytes without the EXIF and the comment
  assert.ok(img.body.equals(jpegImage({ levels: [10, 60, 110, 160, 210, 250, 30, 90] })));

  // the thumbnail: a JPEG of at most 320 px, for phone lists
  const wide = jpeg(80); // 640 × 8
  const upWide = await upload(T.villager, wide);
  const c2 = await claim(T.villager, { resident_id: A.resident, rule_id: rule, occurred_on: day(0), photos: [upWide.hash] });
  const thumb = await s.api('GET', `/api/v1/claims/${c2.id}/photos/1?size=thumb`, { token: T.villager });
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(jpegSize(thumb.body), [320, 4]);
  const full = await s.api('GET', `/api/v1/claims/${c2.id}/photos/1`, { token: T.villager });
  assert.deepEqual(jpegSize(full.body), [640, 8]);
  // a thumbnail is no way around the photo's access check
  assert.equal((await s.api('GET', `/api/v1/claims/${c2.id}/photos/1?size=thumb`, { token: T.cadreB })).status, 404);
});
