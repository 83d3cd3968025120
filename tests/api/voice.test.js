// The village's voice: 大喇叭 broadcasts (sending, bad input and permissions, the
// history, a broadcast counted as a notice for the awareness rate, idempotency keys),
// the live Server-Sent Events stream (a broadcast reaches an open page, Last-Event-ID
// resumes from the history, a thousand idle streams while the API still answers), the
// spoken WAV made by the job (RIFF/WAVE header, data, Range requests), and loudspeakers
// (token shown once, a simulated device that receives, fetches the audio and
// acknowledges, last contact in the console, revocation). 青山村 is village 3 of town 2.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, sleep, openStream } = require('./lib');

let s;
const T = {};
const VILLAGE = 3;
const TOWN = 2;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);

// Waits for a state (not a duration): polls fn until it returns a truthy value.
async function until(fn, what, ceiling = 60000) {
  const end = Date.now() + ceiling;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}


before(async () => {
  s = await startServer();
  T.cadre = await s.as('cadre');
  T.town = await s.as('town_official');
  T.county = await s.as('county_admin');
  T.villager = await s.as('villager');
  T.inspector = await s.as('inspector');
  T.grid = await s.as('grid_worker');
});
after(async () => { if (s) await s.close(); });

test('a broadcast reaches an open villager page live, is kept in the history and counts as a notice', async () => {
  const stream = await openStream(s.port, '/api/v1/broadcasts/stream', { token: T.villager });
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'], /^text\/event-stream/);
  await until(() => stream.comments.includes('connected'), 'the stream to open');

  const b = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '今晚有大雨，请低洼地带的村民注意防汛。' }, 201);
  assert.equal(b.unit_id, VILLAGE);
  assert.ok(b.notice_id > 0);
  const ev = await until(() => stream.events.find((e) => e.id === b.id), 'the broadcast on the stream');
  assert.equal(ev.event, 'broadcast');
  assert.equal(ev.json.body, '今晚有大雨，请低洼地带的村民注意防汛。');

  // a town broadcast reaches the village's pages too
  const tb = await post(T.town, '/api/v1/broadcasts', { unit_id: TOWN, body: '全镇明日停电检修，请提前做好准备。' }, 201);
  await until(() => stream.events.find((e) => e.id === tb.id), 'the town broadcast on the stream');
  stream.close();

  // the history, for the villager and for the cadre
  const mine = await get(T.villager, '/api/v1/broadcasts');
  assert.deepEqual(mine.items.slice(0, 2).map((x) => x.id), [tb.id, b.id]);
  const hist = await get(T.cadre, `/api/v1/broadcasts?unit_id=${VILLAGE}`);
  assert.ok(hist.items.some((x) => x.id === b.id));

  // it is a notice: the villager reads it, the awareness rate counts the household
  const n = await get(T.villager, `/api/v1/notices/${b.notice_id}`);
  assert.equal(n.importance, 'important');
  assert.match(n.title, /^大喇叭：/);
  await post(T.villager, `/api/v1/notices/${b.notice_id}/read`, undefined, 201);
  const stats = (await get(T.cadre, `/api/v1/notices/${b.notice_id}`)).stats;
  assert.ok(stats.read_households >= 1);
});

test('bad input, permissions and scope; a retried broadcast with the same key is one broadcast', async () => {
  const bad = await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: VILLAGE, body: '' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.body);
  const long = await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: VILLAGE, body: '广'.repeat(201) } });
  assert.equal(long.status, 400);
  assert.ok(long.json.error.fields.body);
  const both = await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: 999999, body: '' } });
  assert.equal(both.status, 400);
  assert.ok(both.json.error.fields.body && both.json.error.fields.unit_id);
  const line = await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: VILLAGE, body: '第一行\n第二行' } });
  assert.equal(line.status, 400);
  // the villager, the grid worker and the inspector may not broadcast; the cadre not to the town
  for (const who of ['villager', 'grid', 'inspector']) {
    const r = await s.api('POST', '/api/v1/broadcasts', { token: T[who], body: { unit_id: VILLAGE, body: '测试' } });
    assert.equal(r.status, 403, who);
  }
  assert.equal((await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: TOWN, body: '测试' } })).status, 403);
  assert.equal((await s.api('POST', '/api/v1/broadcasts', { body: { unit_id: VILLAGE, body: '测试' } })).status, 401);
  const before = (await get(T.cadre, `/api/v1/broadcasts?unit_id=${VILLAGE}`)).total;
  const body = { unit_id: VILLAGE, body: '医保缴费本周五截止，请尽快缴纳。', idempotency_key: 'voice-test-key-0001' };
  const a = await post(T.cadre, '/api/v1/broadcasts', body, 201);
  const b = await post(T.cadre, '/api/v1/broadcasts', body, 201);
  assert.equal(a.id, b.id);
  assert.equal((await get(T.cadre, `/api/v1/broadcasts?unit_id=${VILLAGE}`)).total, before + 1);
  const other = await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { ...body, body: '别的内容' } });
  assert.equal(other.status, 409);
  // a villager reads only their own village's history
  assert.equal((await s.api('GET', `/api/v1/broadcasts?unit_id=${TOWN}`, { token: T.villager })).status, 403);
});

test('a reconnecting stream resumes from the history with Last-Event-ID', async () => {
  const first = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '疫苗接种：周六上午在村卫生室。' }, 201);
  const second = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '疫苗接种请带上身份证和医保卡。' }, 201);
  const st = await openStream(s.port, '/api/v1/broadcasts/stream', { token: T.villager, lastEventId: first.id });
  const ev = await until(() => st.events.find((e) => e.id === second.id), 'the missed broadcast');
  assert.equal(ev.json.body, '疫苗接种请带上身份证和医保卡。');
  assert.ok(!st.events.some((e) => e.id <= first.id));
  st.close();
  const anon = await openStream(s.port, '/api/v1/broadcasts/stream', {});
  assert.equal(anon.status, 401);
  anon.close();
});

test('the audio: a WAV made by the job, served with Range', async () => {
  const b = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '请大家注意防火。' }, 201);
  assert.equal(b.audio_state, 'pending');
  const ready = await until(async () => {
    const h = await get(T.villager, '/api/v1/broadcasts?limit=20');
    const x = h.items.find((i) => i.id === b.id);
    return x.audio_state !== 'pending' && x;
  }, 'the audio');
  assert.equal(ready.audio_state, 'ready');
  const r = await s.api('GET', `/api/v1/broadcasts/${b.id}/audio`, { token: T.villager });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'audio/wav');
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  const w = r.body;
  assert.equal(w.length, ready.audio_bytes);
  assert.equal(w.toString('latin1', 0, 4), 'RIFF');
  assert.equal(w.toString('latin1', 8, 12), 'WAVE');
  assert.equal(w.readUInt32LE(4), w.length - 8);
  // find the data chunk: non-zero samples
  let off = 12;
  let data = null;
  while (off + 8 <= w.length) {
    const id = w.toString('latin1', off, off + 4);
    const size = w.readUInt32LE(off + 4);
    if (id === 'data') { data = w.subarray(off + 8, off + 8 + size); break; }
    off += 8 + size;
  }
  assert.ok(data && data.length > 1000);
  assert.ok(data.some((x) => x !== 0));
  const part = await s.api('GET', `/api/v1/broadcasts/${b.id}/audio`, { token: T.villager, headers: { range: 'bytes=0-11' } });
  assert.equal(part.status, 206);
  assert.equal(part.body.length, 12);
  assert.equal(part.headers.get('content-range'), `bytes 0-11/${w.length}`);
  assert.equal(part.body.toString('latin1', 8, 12), 'WAVE');
  const tail = await s.api('GET', `/api/v1/broadcasts/${b.id}/audio`, { token: T.villager, headers: { range: 'bytes=-4' } });
  assert.equal(tail.status, 206);
  assert.deepEqual(tail.body, w.subarray(w.length - 4));
  const outside = await s.api('GET', `/api/v1/broadcasts/${b.id}/audio`, { token: T.villager, headers: { range: `bytes=${w.length + 10}-` } });
  assert.equal(outside.status, 416);
  assert.equal((await s.api('GET', `/api/v1/broadcasts/${b.id}/audio`)).status, 401);
  assert.equal((await s.api('GET', '/api/v1/broadcasts/999999/audio', { token: T.villager })).status, 404);
});

test('a loudspeaker: registered with a token shown once, receives, plays the audio, acknowledges; revoked', async () => {
  const bad = await s.api('POST', '/api/v1/speakers', { token: T.cadre, body: { village_id: TOWN, name: '' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.name && bad.json.error.fields.village_id);
  assert.equal((await s.api('POST', '/api/v1/speakers', { token: T.villager, body: { village_id: VILLAGE, name: '村口' } })).status, 403);
  const sp = await post(T.cadre, '/api/v1/speakers', { village_id: VILLAGE, name: '村委会门口音箱' }, 201);
  assert.match(sp.token, /^[0-9a-f]{64}$/);
  const list = await get(T.cadre, `/api/v1/speakers?unit_id=${VILLAGE}`);
  const row = list.items.find((x) => x.id === sp.id);
  assert.equal(row.token, undefined);
  assert.equal(row.last_seen_at, null);

  // the simulated device: its stream with the Bearer token
  assert.equal((await openStream(s.port, '/api/v1/speakers/stream', { token: 'f'.repeat(64) })).status, 401);
  const dev = await openStream(s.port, '/api/v1/speakers/stream', { token: sp.token });
  assert.equal(dev.status, 200);
  const b = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '村民大会今晚七点在村委会召开。' }, 201);
  const ev = await until(() => dev.events.find((e) => e.id === b.id), 'the broadcast at the loudspeaker');
  await until(async () => (await get(T.cadre, `/api/v1/broadcasts?unit_id=${VILLAGE}&limit=5`)).items.find((x) => x.id === b.id).audio_state === 'ready', 'the audio');
  const audio = await s.api('GET', `/api/v1/broadcasts/${ev.json.id}/audio`, { token: sp.token });
  assert.equal(audio.status, 200);
  assert.equal(audio.body.toString('latin1', 0, 4), 'RIFF');
  const ack = await s.api('POST', '/api/v1/speakers/ack', { token: sp.token, body: { broadcast_id: b.id } });
  assert.equal(ack.status, 200, ack.text);
  assert.equal((await s.api('POST', '/api/v1/speakers/ack', { token: sp.token, body: { broadcast_id: 999999 } })).status, 400);
  dev.close();
  const seen = (await get(T.cadre, `/api/v1/speakers?unit_id=${VILLAGE}`)).items.find((x) => x.id === sp.id);
  assert.ok(seen.last_seen_at);
  assert.equal(seen.played, 1);
  assert.equal(seen.last_played_id, b.id);

  // what it did not play comes again on reconnect; what it acknowledged does not
  const b2 = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '明早八点集中清扫村道。' }, 201);
  const again = await openStream(s.port, '/api/v1/speakers/stream', { token: sp.token });
  await until(() => again.events.find((e) => e.id === b2.id), 'the queued broadcast');
  assert.ok(!again.events.some((e) => e.id === b.id));
  again.close();

  assert.equal((await s.api('POST', `/api/v1/speakers/${sp.id}/revoke`, { token: T.villager })).status, 403);
  await post(T.cadre, `/api/v1/speakers/${sp.id}/revoke`, undefined, 200);
  assert.equal((await s.api('POST', `/api/v1/speakers/${sp.id}/revoke`, { token: T.cadre })).status, 409);
  assert.equal((await openStream(s.port, '/api/v1/speakers/stream', { token: sp.token })).status, 401);
});

test('streams whose page went away are ended by the server, so a client never runs out of connections', async () => {
  // more streams than one client address may hold at once (64), each left by its page
  // before the next opens: the server notices each client's close and frees the slot
  const from = { token: T.villager, localAddress: '127.0.0.77' };
  for (let i = 0; i < 100; i++) {
    const st = await openStream(s.port, '/api/v1/broadcasts/stream', from);
    assert.equal(st.status, 200, `stream ${i}`);
    await until(() => st.comments.includes('connected'), `stream ${i} to open`);
    st.leave();
    await until(() => st.ended, `the server to end stream ${i} after its client left`);
  }
  assert.equal((await s.api('GET', '/api/v1/broadcasts', { token: T.villager })).status, 200);
});

test('a thousand idle streams hold no worker: the API still answers and a broadcast reaches them all', async () => {
  const N = Number(process.env.VOICE_STREAMS || 1000);
  const streams = [];
  // at most 64 connections per client address: spread over loopback addresses
  for (let i = 0; i < N; i++) {
    streams.push(await openStream(s.port, '/api/v1/broadcasts/stream', { token: T.villager, localAddress: `127.0.${1 + Math.floor(i / 50)}.${2 + (i % 50)}` }));
  }
  assert.equal(streams.filter((x) => x.status === 200).length, N);
  // the API answers while they are open (more requests than the server has threads)
  for (let i = 0; i < 20; i++) {
    const h = await get(T.cadre, '/api/v1/households/1');
    assert.ok(h.id);
  }
  const b = await post(T.cadre, '/api/v1/broadcasts', { unit_id: VILLAGE, body: '防汛演练：请各户留意广播。' }, 201);
  await until(() => streams.every((x) => x.events.some((e) => e.id === b.id)), 'the broadcast on every stream');
  for (const x of streams) x.close();
});

// A second villager of 青山村 (another household), for the neighbours' replies.
async function neighbour() {
  if (T.neighbour) return T.neighbour;
  const list = await get(T.cadre, `/api/v1/households?village_id=${VILLAGE}&limit=5`);
  const other = list.items.find((h) => h.id !== 1);
  const hh = await get(T.cadre, `/api/v1/households/${other.id}`);
  const res = hh.members[0];
  must(await s.api('PATCH', `/api/v1/residents/${res.id}`, { token: T.cadre, body: { phone: '13722225501' } }), 200);
  const code = await post(T.cadre, `/api/v1/residents/${res.id}/activation`, {}, 201);
  T.neighbour = (await post(undefined, '/api/v1/activation', { phone: '13722225501', code: code.code, password: 'Neighbour-2026' }, 201)).token;
  return T.neighbour;
}

test('村民说事: a villager opens a thread, a neighbour replies, the cadre answers, turns it into an event and resolves it', async () => {
  const bad = await s.api('POST', '/api/v1/talks', { token: T.villager, body: { category: '闲聊', title: '', body: '' } });
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.json.error.fields).sort(), ['body', 'category', 'title']);
  assert.equal((await s.api('POST', '/api/v1/talks', { token: T.cadre, body: { category: 'question', title: '干部', body: '干部不能发起' } })).status, 403);
  const body = { category: 'question', title: '村口路灯不亮', body: '村口到小学的三盏路灯坏了一个多月，晚上孩子放学很黑。', idempotency_key: 'talk-test-0001' };
  const t = await post(T.villager, '/api/v1/talks', body, 201);
  assert.equal((await post(T.villager, '/api/v1/talks', body, 201)).id, t.id);
  assert.equal(t.status, 'open');
  assert.equal(t.mine, true);

  const nb = await neighbour();
  const r1 = await post(nb, `/api/v1/talks/${t.id}/replies`, { body: '我家门口那盏也不亮。', idempotency_key: 'talk-reply-0001' }, 201);
  assert.equal(r1.posts.length, 1);
  assert.equal((await post(nb, `/api/v1/talks/${t.id}/replies`, { body: '我家门口那盏也不亮。', idempotency_key: 'talk-reply-0001' }, 201)).posts.length, 1);
  assert.equal(r1.posts[0].kind, 'reply');
  for (const who of ['grid', 'inspector']) assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/replies`, { token: T[who], body: { body: '回复' } })).status, 403, who);
  const ans = await post(T.cadre, `/api/v1/talks/${t.id}/replies`, { body: '已联系电工，本周内修好。' }, 201);
  assert.equal(ans.status, 'answered');
  assert.equal(ans.posts[1].kind, 'answer');

  // into an event, linked both ways
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/event`, { token: T.villager, body: { category_id: 1 } })).status, 403);
  const ev = await post(T.cadre, `/api/v1/talks/${t.id}/event`, { category_id: 1 }, 201);
  assert.ok(ev.event_id);
  const e = await get(T.cadre, `/api/v1/events/${ev.event_id}`);
  assert.equal(e.channel, 'talk');
  assert.match(e.description, new RegExp(`村民说事 #${t.id}`));
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/event`, { token: T.cadre, body: { category_id: 1 } })).status, 409);

  const done = await post(T.cadre, `/api/v1/talks/${t.id}/resolve`, undefined, 200);
  assert.equal(done.status, 'resolved');
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/resolve`, { token: T.cadre })).status, 409);

  // 议事 with an outcome
  const c = await post(T.villager, '/api/v1/talks', { category: 'council', title: '村里要不要建停车场', body: '过年回来的车越来越多，大家议一议。' }, 201);
  assert.equal((await s.api('POST', `/api/v1/talks/${c.id}/council`, { token: T.cadre, body: { outcome: '' } })).status, 400);
  const out = await post(T.cadre, `/api/v1/talks/${c.id}/council`, { outcome: '村民代表会议同意在村委会旁建 20 个车位。' }, 200);
  assert.equal(out.status, 'resolved');
  assert.match(out.council_outcome, /20 个车位/);

  const list = await get(T.villager, '/api/v1/talks');
  assert.ok(list.items.some((x) => x.id === t.id) && list.items.some((x) => x.id === c.id));
  assert.equal((await get(T.villager, '/api/v1/talks?category=council')).items.every((x) => x.category === 'council'), true);
  assert.equal((await s.api('GET', '/api/v1/talks?unit_id=3', { token: T.grid })).status, 403);
});

test('村民说事 moderation: hidden with a reason, never deleted; inspectors see the text and the reason', async () => {
  const t = await post(T.villager, '/api/v1/talks', { category: 'suggestion', title: '建议装监控', body: '建议在垃圾站装监控。' }, 201);
  const nb = await neighbour();
  const reply = (await post(nb, `/api/v1/talks/${t.id}/replies`, { body: '某某家天天乱倒垃圾，电话 138xxxx。' }, 201)).posts[0];
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/hide`, { token: T.villager, body: { reason: '不行', post_id: reply.id } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/hide`, { token: T.cadre, body: { reason: '', post_id: reply.id } })).status, 400);
  await post(T.cadre, `/api/v1/talks/${t.id}/hide`, { reason: '含他人电话，保护隐私', post_id: reply.id }, 200);
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/hide`, { token: T.cadre, body: { reason: '再次', post_id: reply.id } })).status, 409);
  const seen = (await get(T.villager, `/api/v1/talks/${t.id}`)).posts[0];
  assert.equal(seen.hidden, true);
  assert.equal(seen.body, null);
  assert.equal(seen.hidden_reason, null);
  const insp = (await get(T.inspector, `/api/v1/talks/${t.id}`)).posts[0];
  assert.match(insp.body, /乱倒垃圾/);
  assert.equal(insp.hidden_reason, '含他人电话，保护隐私');
  // the town and the county read the village's threads to supervise, but neither the
  // hidden text nor the moderation
  for (const who of ['town', 'county']) {
    const sup = (await get(T[who], `/api/v1/talks/${t.id}`)).posts[0];
    assert.equal(sup.hidden, true, who);
    assert.equal(sup.body, null, who);
    assert.ok((await get(T[who], `/api/v1/talks?unit_id=${VILLAGE}`)).items.some((x) => x.id === t.id), who);
    assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/hide`, { token: T[who], body: { reason: '镇里隐藏' } })).status, 403, who);
  }
  // the whole thread
  await post(T.cadre, `/api/v1/talks/${t.id}/hide`, { reason: '重复发帖' }, 200);
  const mine = (await get(T.villager, '/api/v1/talks?status=all')).items.find((x) => x.id === t.id);
  assert.equal(mine.hidden, true);
  assert.equal(mine.title, null);
  assert.equal((await s.api('POST', `/api/v1/talks/${t.id}/replies`, { token: nb, body: { body: '还能回复吗' } })).status, 409);
  const hidden = await get(T.inspector, `/api/v1/talks?unit_id=${VILLAGE}&status=hidden`);
  assert.ok(hidden.items.some((x) => x.id === t.id && x.title === '建议装监控' && x.hidden_reason === '重复发帖'));
  const audit = await get(T.inspector, `/api/v1/audit?unit_id=${VILLAGE}&object_type=talk&limit=50`);
  assert.ok(audit.items.some((a) => a.object_id === t.id && a.action === 'hide'));
});

test('村民说事 rate limit: a clear 429 with Retry-After, and writing again an hour later', async () => {
  const nb = await neighbour();
  let r;
  for (let i = 0; i < 12; i++) {
    r = await s.api('POST', '/api/v1/talks', { token: nb, body: { category: 'praise', title: `表扬${i}`, body: '感谢志愿者。' } });
    if (r.status === 429) break;
    assert.equal(r.status, 201, r.text);
  }
  assert.equal(r.status, 429);
  assert.match(r.json.error.message, /每小时最多 10 条/);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  await s.advance(3601);
  const tok = await s.login('13722225501', 'Neighbour-2026', { fresh: true });
  assert.equal((await s.api('POST', '/api/v1/talks', { token: tok, body: { category: 'praise', title: '再表扬', body: '感谢。' } })).status, 201);
});

test('SIGTERM stops the server cleanly with streams open: they end, the exit is clean', async () => {
  const open = [];
  for (let i = 0; i < 20; i++) open.push(await openStream(s.port, '/api/v1/broadcasts/stream', { token: T.villager }));
  const dev = await post(T.cadre, '/api/v1/speakers', { village_id: VILLAGE, name: '停机测试音箱' }, 201);
  open.push(await openStream(s.port, '/api/v1/speakers/stream', { token: dev.token }));
  assert.ok(open.every((x) => x.status === 200));
  const exit = await s.stop();
  assert.deepEqual(exit, { code: 0, signal: null });
  await until(() => open.every((x) => x.ended), 'every stream to end');
});
