// Learning 学习教育: a course may carry audio or video, an uploaded file (its type judged
// by its bytes: an image or a PDF is refused) served with range requests to whoever may
// read the course, or an external link the publisher enters (http or https only).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, pngPixel } = require('./lib');
const M = require('./media_samples');

let s, village, town, townOrg, admin, lilin, far;
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = (p, token, headers) => s.api('GET', p, { token, headers });
const post = (p, token, body) => s.api('POST', p, { token, body });
const patch = (p, token, body) => s.api('PATCH', p, { token, body });
const upload = (token, bytes) => s.api('POST', '/api/v1/files', { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });

before(async () => {
  s = await startServer();
  admin = await s.as('county_admin');
  const secretary = await s.as('cadre');
  townOrg = await s.as('town_official');
  lilin = await s.as('villager');
  village = must(await get('/api/v1/session', secretary), 200).grants.find((g) => g.role === 'cadre').unit_id;
  town = must(await get(`/api/v1/units/${village}`, secretary), 200).parent_id;
  const t2 = must(await post('/api/v1/units', admin, { parent_id: 1, kind: 'town', code: 'CMD-T2', name: '河西镇' }), 201).id;
  const u = must(await post('/api/v1/users', admin, { phone: '13755552002', name: '测试组织委员', password: 'Media-T2-2026' }), 201);
  must(await post(`/api/v1/users/${u.id}/grants`, admin, { role: 'party_org', unit_id: t2 }), 200);
  far = await s.login('13755552002', 'Media-T2-2026');
});
after(async () => { if (s) await s.close(); });

test('a course with a video file and a link; the phone plays the file with range requests', async () => {
  const bytes = M.webm({ ms: 8000, video: true, pad: 5000 });
  const clip = must(await upload(townOrg, bytes), 201);
  assert.equal(clip.mime, 'video/webm');
  const png = must(await upload(townOrg, pngPixel(10, 20, 30)), 201);
  const othersClip = must(await upload(admin, M.ogg({ ms: 3000 })), 201);
  const base = { unit_id: town, audience: 'villager', title: '村规民约讲解', body: '视频讲解村规民约。', minutes: 5 };

  // an image is no audio or video; a file of someone else; a link that is no web address
  let bad = must(await post('/api/v1/party/courses', townOrg, { ...base, media: png.hash, media_url: 'ftp://example.com/a.mp4' }), 400);
  assert.ok(/音频或视频/.test(bad.error.fields.media), JSON.stringify(bad));
  assert.ok(bad.error.fields.media_url);
  bad = must(await post('/api/v1/party/courses', townOrg, { ...base, media: othersClip.hash, media_url: 'https://example.com/a b.mp4' }), 400);
  assert.ok(bad.error.fields.media && bad.error.fields.media_url);

  const c = must(await post('/api/v1/party/courses', townOrg, { ...base, media: clip.hash, media_url: 'https://video.example.com/v/123', idempotency_key: 'course-media-key-1' }), 201);
  const got = must(await get(`/api/v1/party/courses/${c.id}`, lilin), 200);
  assert.equal(got.media_mime, 'video/webm');
  assert.equal(got.media_url, 'https://video.example.com/v/123');
  assert.equal(got.has_media, true);

  // the file, whole and by ranges, for a villager who may study the course
  const url = `/api/v1/party/courses/${c.id}/media`;
  let r = await get(url, lilin);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'video/webm');
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(Number(r.headers.get('content-length')), bytes.length);
  r = await get(url, lilin, { range: 'bytes=100-199' });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
  assert.equal(Number(r.headers.get('content-length')), 100);
  r = await get(url, lilin, { range: `bytes=${bytes.length + 10}-` });
  assert.equal(r.status, 416);
  assert.equal(r.headers.get('content-range'), `bytes */${bytes.length}`);
  // outside every grant, without a login
  assert.equal((await get(url, far)).status, 404);
  assert.equal((await get(url, undefined)).status, 401);

  // the link alone: the file removed, the link kept; then the link changed
  must(await patch(`/api/v1/party/courses/${c.id}`, townOrg, { media: '' }), 200);
  assert.equal((await get(url, lilin)).status, 404);
  let after1 = must(await get(`/api/v1/party/courses/${c.id}`, lilin), 200);
  assert.equal(after1.has_media, false);
  assert.equal(after1.media_url, 'https://video.example.com/v/123');
  must(await patch(`/api/v1/party/courses/${c.id}`, townOrg, { media_url: 'http://radio.example.com/a.mp3' }), 200);
  after1 = must(await get(`/api/v1/party/courses/${c.id}`, lilin), 200);
  assert.equal(after1.media_url, 'http://radio.example.com/a.mp3');
  const badPatch = must(await patch(`/api/v1/party/courses/${c.id}`, townOrg, { media_url: 'javascript:alert(1)' }), 400);
  assert.ok(badPatch.error.fields.media_url);
  // an audio file instead
  const audio = must(await upload(townOrg, M.ogg({ ms: 4000 })), 201);
  must(await patch(`/api/v1/party/courses/${c.id}`, townOrg, { media: audio.hash }), 200);
  r = await get(url, lilin);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'audio/ogg');
  // only its publishers change it
  assert.equal((await patch(`/api/v1/party/courses/${c.id}`, lilin, { media_url: '' })).status, 403);
});
