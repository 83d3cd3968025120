// Photos on party records: a meeting's written record 会议记录 (text and photos of the
// paper) and its photos, edited after the meeting with every change on the village's
// chain; a commitment's pledge with photos and a short video (typed by its bytes, within
// the video limits), edited later; the files served to those who may read the record
// (the video with range requests), nobody else.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, pngPixel } = require('./lib');
const M = require('./media_samples');

let s, village, secretary, lilin, grid, townOrg, county, far, branch;
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = (p, token, headers) => s.api('GET', p, { token, headers });
const post = (p, token, body) => s.api('POST', p, { token, body });
const patch = (p, token, body) => s.api('PATCH', p, { token, body });
const upload = (token, bytes) => s.api('POST', '/api/v1/files', { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
const iso = (sec) => new Date(sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const cnDate = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 10);

before(async () => {
  s = await startServer();
  county = await s.as('county_admin');
  secretary = await s.as('cadre');
  lilin = await s.as('villager');
  grid = await s.as('grid_worker');
  townOrg = await s.as('town_official');
  village = must(await get('/api/v1/session', secretary), 200).grants.find((g) => g.role === 'party_secretary').unit_id;
  branch = must(await get(`/api/v1/party/branches?unit=${village}`, secretary), 200).items[0].id;
  const vb = must(await post('/api/v1/units', county, { parent_id: 1, kind: 'town', code: 'REC-T2', name: '河东镇' }), 201).id;
  const u = must(await post('/api/v1/users', county, { phone: '13755553002', name: '测试组织委员', password: 'Rec-T2-2026' }), 201);
  must(await post(`/api/v1/users/${u.id}/grants`, county, { role: 'party_org', unit_id: vb }), 200);
  far = await s.login('13755553002', 'Rec-T2-2026');
});
after(async () => { if (s) await s.close(); });

test('a meeting\'s record and photos are edited after it; history on the chain; photos to its readers', async () => {
  const now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  const m = must(await post('/api/v1/party/meetings', secretary, { branch_id: branch, kind: 'committee', topic: '支委会：研究冬季防火', place: '村委会', starts_at: iso(now - 7200), ends_at: iso(now - 3600) }), 201);
  const paper = must(await upload(secretary, pngPixel(200, 200, 200)), 201);
  const scene = must(await upload(secretary, pngPixel(10, 120, 10)), 201);
  const clip = must(await upload(secretary, M.webm({ ms: 3000, video: true })), 201);
  // a video is no photo; someone else's upload is refused
  const others = must(await upload(lilin, pngPixel(1, 2, 3)), 201);
  const bad = must(await patch(`/api/v1/party/meetings/${m.id}`, secretary, { minutes_photos: [clip.hash], photos: [others.hash] }), 400);
  assert.ok(bad.error.fields.minutes_photos && bad.error.fields.photos, JSON.stringify(bad));
  assert.equal((await patch(`/api/v1/party/meetings/${m.id}`, lilin, { minutes: '改' })).status, 403);
  assert.equal((await patch(`/api/v1/party/meetings/${m.id}`, far, { minutes: '改' })).status, 404);

  const ed = must(await patch(`/api/v1/party/meetings/${m.id}`, secretary, { minutes: '一、排查隐患\n二、分工', minutes_photos: [paper.hash], photos: [scene.hash] }), 200);
  assert.deepEqual(ed.minutes_photos, [paper.hash]);
  assert.deepEqual(ed.photos, [scene.hash]);
  // the files: to the branch's members and the organisation roles, not to others
  let r = await get(`/api/v1/party/meetings/${m.id}/minutes-photos/1`, secretary);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/1`, lilin)).status, 200, 'a member of the branch');
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/1`, townOrg)).status, (await get(`/api/v1/party/meetings/${m.id}`, townOrg)).status, 'as the meeting');
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/1`, grid)).status, 403, 'visible village, not a reader');
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/1`, far)).status, 404);
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/2`, secretary)).status, 404);
  assert.equal((await get(`/api/v1/party/meetings/${m.id}/photos/1`, undefined)).status, 401);
  // a second edit: one photo more; the history keeps both changes
  const scene2 = must(await upload(secretary, pngPixel(10, 10, 120)), 201);
  must(await patch(`/api/v1/party/meetings/${m.id}`, secretary, { photos: [scene.hash, scene2.hash] }), 200);
  const audit = must(await get(`/api/v1/audit?unit_id=${village}&limit=200`, county), 200).items
    .filter((e) => e.object_type === 'party_meeting' && e.object_id === m.id && e.action === 'update');
  assert.equal(audit.length, 2, JSON.stringify(audit));
  const text = JSON.stringify(audit);
  assert.ok(text.includes(paper.hash) && text.includes(scene2.hash) && text.includes('排查隐患'), text);
});

test('a commitment\'s pledge with photos and a short video; edited later; served to the village', async () => {
  const now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  const year = Number(cnDate(now).slice(0, 4));
  const photo = must(await upload(secretary, pngPixel(220, 30, 30)), 201);
  const bytes = M.webm({ ms: 20000, video: true, pad: 3000 });
  const video = must(await upload(secretary, bytes), 201);
  const audio = must(await upload(secretary, M.ogg({ ms: 3000 })), 201);
  const base = { village_id: village, year, pledger: '书记 李国华', title: '年内修好村口桥', target_date: cnDate(now + 90 * 86400) };
  // an audio file is no video; an image is no video; photos must be images
  let bad = must(await post('/api/v1/party/commitments', secretary, { ...base, video: audio.hash, photos: [video.hash] }), 400);
  assert.ok(bad.error.fields.video && bad.error.fields.photos, JSON.stringify(bad));
  bad = must(await post('/api/v1/party/commitments', secretary, { ...base, video: photo.hash }), 400);
  assert.ok(/不是视频/.test(bad.error.fields.video));
  const c = must(await post('/api/v1/party/commitments', secretary, { ...base, photos: [photo.hash], video: video.hash, idempotency_key: 'records-commit-0001' }), 201);
  let got = must(await get(`/api/v1/party/commitments/${c.id}`, lilin), 200);
  assert.deepEqual(got.photos, [photo.hash]);
  assert.equal(got.video, video.hash);
  // the video with ranges, for villagers of the village; the photo
  let r = await get(`/api/v1/party/commitments/${c.id}/video`, lilin, { range: 'bytes=0-99' });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
  assert.equal((await get(`/api/v1/party/commitments/${c.id}/video`, lilin)).headers.get('content-type'), 'video/webm');
  assert.equal((await get(`/api/v1/party/commitments/${c.id}/photos/1`, grid)).status, 200);
  assert.equal((await get(`/api/v1/party/commitments/${c.id}/photos/1`, far)).status, 404);
  assert.equal((await get(`/api/v1/party/commitments/${c.id}/photos/9`, lilin)).status, 404);

  // edited: the video removed, a second photo, a later date; by the secretary only
  assert.equal((await patch(`/api/v1/party/commitments/${c.id}`, lilin, { title: '改' })).status, 403);
  assert.equal((await patch(`/api/v1/party/commitments/${c.id}`, far, { title: '改' })).status, 404);
  const badEdit = must(await patch(`/api/v1/party/commitments/${c.id}`, secretary, { title: ' ', target_date: '2001-01-01', video: audio.hash }), 400);
  assert.ok(badEdit.error.fields.title && badEdit.error.fields.target_date && badEdit.error.fields.video, JSON.stringify(badEdit));
  const photo2 = must(await upload(secretary, pngPixel(30, 30, 220)), 201);
  got = must(await patch(`/api/v1/party/commitments/${c.id}`, secretary, { photos: [photo.hash, photo2.hash], video: '', target_date: cnDate(now + 120 * 86400) }), 200);
  assert.deepEqual(got.photos, [photo.hash, photo2.hash]);
  assert.equal(got.video, '');
  assert.equal((await get(`/api/v1/party/commitments/${c.id}/video`, lilin)).status, 404);
  const audit = must(await get(`/api/v1/audit?unit_id=${village}&limit=200`, county), 200).items
    .filter((e) => e.object_type === 'party_commitment' && e.object_id === c.id);
  assert.ok(audit.some((e) => e.action === 'update' && JSON.stringify(e).includes(photo2.hash)), JSON.stringify(audit));
});
