// Voice recordings and video clips of events 民情: typed by their bytes at upload (WebM,
// Ogg, MP4/M4A, WAV; anything else refused), capped in size and in length (read from
// the container, or as the recorder declares when it does not tell), linked to a report,
// a handler's progress note or the reporter's reply, served only to those who may read
// the event, with range requests (206, 416) so that a phone can seek in a video. The
// public 民情码 form sends its recording's bytes with the report; the hotline attaches a
// call's recording.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, PHONES } = require('./lib');
const M = require('./media_samples');

let s;
const T = {};
const U = {};
const K = {};

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);
const upload = (token, bytes) => s.api('POST', '/api/v1/files', { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
const act = (token, id, action, body = {}) => s.api('POST', `/api/v1/events/${id}/actions/${action}`, { token, body });

async function report(token, body) {
  return s.api('POST', '/api/v1/events', { token, body: { village_id: U.A, category_id: K['道路交通'], description: '村口的桥栏杆断了', ...body } });
}

async function countEvents() {
  return (await get(T.county_admin, `/api/v1/events?unit_id=${U.county}&limit=1`)).total;
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'handler', 'grid_worker', 'inspector', 'operator', 'villager', 'clerk']) {
    T[role] = await s.as(role);
  }
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county_admin, `/api/v1/units/${U.town}`)).parent_id;
  for (const k of (await get(T.county_admin, '/api/v1/event-categories')).items) K[k.name] = k.id;
  // a village B in the same town with its cadre, and a second villager of village A
  U.B = (await post(T.county_admin, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'MD-VB', name: '柳溪村' }, 201)).id;
  const u = await post(T.county_admin, '/api/v1/users', { phone: '19944440001', name: '邓书记', password: 'Media-pass-2026' }, 201);
  await post(T.county_admin, `/api/v1/users/${u.id}/grants`, { role: 'cadre', unit_id: U.B }, 200);
  T.cadreB = await s.login('19944440001', 'Media-pass-2026');
});

after(async () => {
  if (s) await s.close();
});

test('uploads are typed by their bytes, with the length the container tells', async () => {
  const cases = [
    [M.webm({ ms: 4200 }), 'audio/webm'],
    [M.webm({ ms: 4200, durationElement: true, streamed: false }), 'audio/webm'],
    [M.ogg({ ms: 5000 }), 'audio/ogg'],
    [M.mp4({ ms: 6000 }), 'audio/mp4'],
    [M.wav({ ms: 2000 }), 'audio/wav'],
    [M.webm({ ms: 8000, video: true }), 'video/webm'],
    [M.mp4({ ms: 9000, video: true }), 'video/mp4'],
  ];
  for (const [bytes, mime] of cases) {
    const r = must(await upload(T.villager, bytes), 201);
    assert.equal(r.mime, mime);
  }
  // wrong bytes: a name or a declared type does not count
  for (const bytes of [Buffer.from('OggS but nothing after it'), Buffer.from('ID3\x03\x00 an mp3 is not taken'),
    M.webm({ docType: 'matroska' }), Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(40, 0xff)]),
    Buffer.concat([Buffer.alloc(4), Buffer.from('ftyp'), Buffer.alloc(40)])]) {
    const r = await s.api('POST', '/api/v1/files', { token: T.villager, raw: bytes, headers: { 'content-type': 'audio/webm' } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.fields.file, /WebM/);
  }
  // a recording over 2 MB, over 120 s; a clip over 180 s
  let r = await upload(T.villager, M.webm({ ms: 3000, pad: 2 * 1024 * 1024 }));
  assert.equal(r.status, 413, r.text);
  assert.match(r.json.error.fields.file, /录音最大 2 MB/);
  r = await upload(T.villager, M.webm({ ms: 130000 }));
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.file, /录音最长 120 秒，这段有 130 秒/);
  r = await upload(T.villager, M.ogg({ ms: 121000 }));
  assert.equal(r.status, 400, r.text);
  r = await upload(T.villager, M.mp4({ ms: 200000, video: true }));
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.file, /视频最长 180 秒/);
  // a clip under 16 MB is taken; the request limit refuses more
  r = await upload(T.villager, M.mp4({ ms: 5000, video: true, pad: 12 * 1024 * 1024 }));
  assert.equal(r.status, 201, r.text);
  r = await upload(T.villager, M.mp4({ ms: 5000, video: true, pad: 17 * 1024 * 1024 }));
  assert.equal(r.status, 413);
});

test('a report with a voice recording: checked, linked, audited, played back to the handler and the reporter', async () => {
  const voice = must(await upload(T.villager, M.webm({ ms: 4200 })), 201);
  const video = must(await upload(T.villager, M.mp4({ ms: 9000, video: true })), 201);
  const before0 = await countEvents();
  // refusals, all at once and nothing made: a clip as the voice, a recording as the clip, unknown hashes,
  // another person's upload, a declared length over the cap
  let r = await report(T.villager, { voice: video.hash, video: voice.hash, description: '' });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.voice, /不是录音/);
  assert.match(r.json.error.fields.video, /不是视频/);
  assert.ok(r.json.error.fields.description);
  r = await report(T.villager, { voice: 'f'.repeat(64) });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.voice, /不存在或不是你上传的/);
  const others = must(await upload(T.grid_worker, M.ogg({ ms: 2500 })), 201);
  r = await report(T.villager, { voice: others.hash });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.voice, /不是你上传的/);
  // an M4A whose movie does not tell its length: the recorder's declared length counts
  const noLength = must(await upload(T.villager, M.mp4({ ms: 0 })), 201);
  r = await report(T.villager, { voice: noLength.hash, voice_ms: 130000 });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.voice, /录音最长 120 秒/);
  assert.equal(await countEvents(), before0);

  const e = must(await report(T.villager, { voice: voice.hash, video: video.hash, voice_ms: 4000 }), 201);
  assert.equal(e.media.length, 2);
  const v = e.media.find((m) => m.kind === 'voice');
  assert.equal(v.mime, 'audio/webm');
  assert.equal(v.duration_ms, 4200);   // the container's own length wins over the declared one
  assert.equal(e.media.find((m) => m.kind === 'video').duration_ms, 9000);
  const e2 = must(await report(T.villager, { voice: noLength.hash, voice_ms: 7000 }), 201);
  assert.equal(e2.media[0].duration_ms, 7000);
  assert.equal(await countEvents(), before0 + 2);

  // the audit entry names the recording and the clip
  const audit = await get(T.cadre, `/api/v1/audit?unit_id=${U.A}&object_type=event&object_id=${e.id}`);
  const create = audit.items.find((a) => a.action === 'create');
  assert.equal(create.after.voice, voice.hash);
  assert.equal(create.after.video, video.hash);

  // played back: the cadre of the village, the town, the county, the reporter
  for (const who of ['cadre', 'town_official', 'county_admin', 'villager', 'inspector']) {
    const a = await s.api('GET', v.url, { token: T[who] });
    assert.equal(a.status, 200, who);
    assert.equal(a.headers.get('content-type'), 'audio/webm');
    assert.equal(a.headers.get('accept-ranges'), 'bytes');
    assert.equal(Buffer.compare(a.body, M.webm({ ms: 4200 })), 0);
  }
  // outside every grant: 404 (another village's cadre, a handler it was not sent to, the clerk), no session 401
  for (const who of ['cadreB', 'handler', 'clerk']) assert.equal((await s.api('GET', v.url, { token: T[who] })).status, 404, who);
  assert.equal((await s.api('GET', v.url)).status, 401);
  // a recording of another event under this event's address, an unknown id
  assert.equal((await s.api('GET', `/api/v1/events/${e2.id}/media/${v.id}`, { token: T.cadre })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/events/${e.id}/media/99999999`, { token: T.cadre })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/events/${e.id}/media/x`, { token: T.cadre })).status, 404);

  // dispatched to the department, its handler hears it too
  must(await act(T.cadre, e.id, 'accept'), 200);
  must(await act(T.town_official, e.id, 'dispatch'), 200);
  assert.equal((await s.api('GET', v.url, { token: T.handler })).status, 200);
});

test('range requests on a clip: first bytes, a middle range, a suffix, past the end, ignored headers', async () => {
  const bytes = M.webm({ ms: 8000, video: true, pad: 5000 });
  const size = bytes.length;
  const clip = must(await upload(T.villager, bytes), 201);
  const e = must(await report(T.villager, { video: clip.hash }), 201);
  const url = e.media[0].url;
  const ranged = (range) => s.api('GET', url, { token: T.cadre, headers: range === undefined ? {} : { range } });
  let r = await ranged();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(r.headers.get('content-type'), 'video/webm');
  assert.equal(Number(r.headers.get('content-length')), size);
  assert.equal(r.headers.get('content-range'), null);
  const cases = [
    ['bytes=0-99', 0, 99],
    ['bytes=1000-2047', 1000, 2047],
    ['bytes=-500', size - 500, size - 1],
    [`bytes=${size - 10}-`, size - 10, size - 1],
    [`bytes=100-${size + 5000}`, 100, size - 1],
    ['bytes=0-0', 0, 0],
    [`bytes=-${size + 100}`, 0, size - 1],
    ['Bytes = 7-8', 7, 8],
  ];
  for (const [range, first, last] of cases) {
    r = await ranged(range);
    assert.equal(r.status, 206, range);
    assert.equal(r.headers.get('content-range'), `bytes ${first}-${last}/${size}`, range);
    assert.equal(r.body.length, last - first + 1, range);
    assert.equal(Buffer.compare(r.body, bytes.subarray(first, last + 1)), 0, range);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
  }
  for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
    r = await ranged(range);
    assert.equal(r.status, 416, range);
    assert.equal(r.headers.get('content-range'), `bytes */${size}`, range);
    assert.equal(r.json.error.code, 'range_not_satisfiable');
  }
  // ignored: another unit, several ranges, nonsense, a reversed range → the whole
  for (const range of ['items=0-5', 'bytes=0-5,10-20', 'bytes=abc', 'bytes=9-3', 'bytes=', 'bytes=99999999999999999999-']) {
    r = await ranged(range);
    assert.equal(r.status, 200, range);
    assert.equal(r.body.length, size, range);
  }
  // the range does not open the door: another village's cadre still 404
  assert.equal((await s.api('GET', url, { token: T.cadreB, headers: { range: 'bytes=0-9' } })).status, 404);
});

test("progress notes and the reporter's replies carry a recording or a clip", async () => {
  const e = must(await report(T.villager, { description: '水渠堵了，田里进不了水' }), 201);
  // the reporter answers while it is open; anyone else who sees it may not (403), outside 404
  const reply = must(await upload(T.villager, M.ogg({ ms: 6000 })), 201);
  let r = await act(T.villager, e.id, 'reply', {});
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.note, /补充说明不能为空/);
  r = await act(T.cadre, e.id, 'reply', { note: '代答' });
  assert.equal(r.status, 403, r.text);
  r = await act(T.cadreB, e.id, 'reply', { note: '代答' });
  assert.equal(r.status, 404, r.text);
  let ev = must(await act(T.villager, e.id, 'reply', { voice: reply.hash, voice_ms: 6000 }), 200);
  let step = ev.timeline[ev.timeline.length - 1];
  assert.equal(step.action, 'reply');
  assert.equal(step.media.length, 1);
  assert.equal(step.media[0].kind, 'voice');
  assert.equal(step.media[0].duration_ms, 6000);
  assert.equal(ev.media.length, 0);   // the report's own: none
  assert.ok(ev.actions.includes('reply'));
  // a recording on a move that does not take one
  r = await act(T.cadre, e.id, 'accept', { voice: reply.hash });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.voice, /只有进展和补充说明/);
  must(await act(T.cadre, e.id, 'accept'), 200);
  must(await act(T.town_official, e.id, 'dispatch'), 200);
  must(await act(T.handler, e.id, 'take'), 200);
  // the handler's progress note with a clip of the site (their own upload)
  const site = must(await upload(T.handler, M.mp4({ ms: 12000, video: true })), 201);
  r = await act(T.handler, e.id, 'note', { video: reply.hash });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.video, /不是你上传的/);
  ev = must(await act(T.handler, e.id, 'note', { note: '已清淤一半', video: site.hash }), 200);
  step = ev.timeline[ev.timeline.length - 1];
  assert.equal(step.action, 'note');
  assert.equal(step.note, '已清淤一半');
  assert.equal(step.media[0].kind, 'video');
  assert.equal(step.media[0].mime, 'video/mp4');
  // the reporter sees the handler's clip on their own timeline and can play it
  const mine = await get(T.villager, `/api/v1/events/${e.id}`);
  const clip = mine.timeline.find((x) => x.action === 'note').media[0];
  assert.equal((await s.api('GET', clip.url, { token: T.villager, headers: { range: 'bytes=0-3' } })).status, 206);
  const audit = await get(T.cadre, `/api/v1/audit?unit_id=${U.A}&object_type=event&object_id=${e.id}`);
  assert.ok(audit.items.some((a) => a.action === 'note' && a.after.media === 'video'), JSON.stringify(audit.items.map((a) => a.after)));
  assert.ok(audit.items.some((a) => a.action === 'reply' && a.after.media === 'voice'));
  // finished: no more replies (409)
  must(await act(T.handler, e.id, 'finish', { outcome: 'resolved', note: '已疏通' }), 200);
  r = await act(T.villager, e.id, 'reply', { note: '谢谢' });
  assert.equal(r.status, 409, r.text);
});

test('the hotline attaches the call recording', async () => {
  const rec = must(await upload(T.operator, M.wav({ ms: 30000 })), 201);
  assert.equal(rec.mime, 'audio/wav');
  const e = must(await report(T.operator, { category_id: K['饮水供水'], description: '来电：自来水停了两天', reporter_name: '张德明', reporter_phone: '13987654321', voice: rec.hash }), 201);
  assert.equal(e.channel, 'hotline');
  assert.equal(e.media[0].duration_ms, 30000);
  const a = await s.api('GET', e.media[0].url, { token: T.cadre });
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('content-type'), 'audio/wav');
});

function zeroBits(buf) {
  let bits = 0;
  for (const byte of buf) {
    if (byte === 0) { bits += 8; continue; }
    for (let m = 0x80; m && !(byte & m); m >>= 1) bits++;
    break;
  }
  return bits;
}
function solve(token, bits) {
  for (let n = 0; ; n++) {
    if (zeroBits(crypto.createHash('sha256').update(`${token}:${n}`).digest()) >= bits) return String(n);
  }
}
async function publicReport(body) {
  const form = await get(undefined, `/api/v1/public/villages/${U.A}/events`);
  const nonce = solve(form.challenge.token, form.challenge.bits);
  return s.api('POST', `/api/v1/public/villages/${U.A}/events`, {
    body: { category_id: K['道路交通'], description: '扫码反映：桥头的路灯不亮', reporter_name: '赵大勇', reporter_phone: '13611110000', challenge: form.challenge.token, nonce, ...body },
  });
}

test('the public 民情码 form sends its recording with the report', async () => {
  const before0 = await countEvents();
  let r = await publicReport({ voice_data: Buffer.from('this is not a recording').toString('base64') });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.voice, /WebM/);
  r = await publicReport({ voice_data: '%%% not base64' });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.voice_data);
  r = await publicReport({ voice_data: M.webm({ ms: 125000 }).toString('base64') });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.voice, /120 秒/);
  r = await publicReport({ voice_data: M.mp4({ ms: 0 }).toString('base64'), voice_ms: 150000 });
  assert.equal(r.status, 400, r.text);
  assert.equal(await countEvents(), before0);
  const bytes = M.ogg({ ms: 9000 });
  r = await publicReport({ voice_data: bytes.toString('base64'), voice_ms: 9000 });
  assert.equal(r.status, 201, r.text);
  const e = await get(T.cadre, `/api/v1/events/${r.json.id}`);
  assert.equal(e.channel, 'public_form');
  assert.equal(e.media.length, 1);
  assert.equal(e.media[0].kind, 'voice');
  assert.equal(e.media[0].duration_ms, 9000);
  const a = await s.api('GET', e.media[0].url, { token: T.cadre });
  assert.equal(Buffer.compare(a.body, bytes), 0);
  // the follow-up page plays the report's recording from the code's own address, as it shows the text
  const base = `/api/v1/public/villages/${U.A}/events/${r.json.code}`;
  let mine = await get(undefined, base);
  assert.equal(mine.description, '扫码反映：桥头的路灯不亮');
  assert.equal(mine.media.length, 1);
  assert.equal(mine.media[0].kind, 'voice');
  assert.equal(mine.media[0].duration_ms, 9000);
  assert.equal(mine.media[0].url, `${base}/media/${e.media[0].id}`);
  const played = await s.api('GET', mine.media[0].url, {});
  assert.equal(played.status, 200);
  assert.equal(Buffer.compare(played.body, bytes), 0);
  assert.match(played.headers.get('content-type'), /ogg/);
  const part = await s.api('GET', mine.media[0].url, { headers: { range: 'bytes=0-3' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 0-3/${bytes.length}`);
  // a progress note's clip is not shown (nor its text): neither listed nor served
  must(await act(T.cadre, r.json.id, 'accept'), 200);
  must(await act(T.town_official, r.json.id, 'dispatch'), 200);
  must(await act(T.handler, r.json.id, 'take'), 200);
  const site = must(await upload(T.handler, M.mp4({ ms: 8000, video: true })), 201);
  const noted = must(await act(T.handler, r.json.id, 'note', { note: '已派电工查看', video: site.hash }), 200);
  const clip = noted.timeline[noted.timeline.length - 1].media[0];
  mine = await get(undefined, base);
  assert.equal(mine.media.length, 1);
  assert.ok(mine.timeline.every((st) => st.media.length === 0 && (st.action !== 'note' || st.note === '')), JSON.stringify(mine.timeline));
  assert.equal((await s.api('GET', `${base}/media/${clip.id}`, {})).status, 404);
  // another event's recording under this code, a forged code, another village: 404
  const other = await get(T.villager, '/api/v1/events?mine=1&limit=50');
  const withMedia = [];
  for (const it of other.items) {
    const full = await get(T.villager, `/api/v1/events/${it.id}`);
    if (full.media.length) withMedia.push(full.media[0].id);
  }
  assert.ok(withMedia.length, 'the villager reported with a recording above');
  assert.equal((await s.api('GET', `${base}/media/${withMedia[0]}`, {})).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${U.A}/events/AAAAAAAAAAAA/media/${e.media[0].id}`, {})).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${U.B}/events/${r.json.code}/media/${e.media[0].id}`, {})).status, 404);
  assert.equal((await s.api('GET', `${base}/media/abc`, {})).status, 404);
});
