// Emergencies 应急事件: an emergency skips the queue (accepted and handled by the village
// at once); the duty officers over the village (its cadres, the town's officials, the
// county's admins) are alerted on their open live streams and on no one else's; each
// acknowledges once (recorded to the second); the board shows the open ones with who
// acknowledged; the 大喇叭 broadcast in one action reaches the villagers' stream;
// every refusal by role and scope (404 outside every grant, 403 visible but not allowed).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, PHONES, openStream } = require('./lib');

let s;
const T = {};
const U = {};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);

async function until(fn, what, ceiling = 30000) {
  const end = Date.now() + ceiling;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}


async function user(key, phone, name, role, unit) {
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone, name, password: 'Emerg-pass-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role, unit_id: unit } }), 200);
  T[key] = await s.login(phone, 'Emerg-pass-2026');
  return u.id;
}

const report = (token, body = {}, status = 201) => post(token, '/api/v1/emergencies', {
  village_id: U.A, emergency_type: 'fire', description: '三组一户柴房起火，火势蔓延', ...body,
}, status);

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'inspector', 'clerk', 'villager', 'handler']) {
    const key = role === 'county_admin' ? 'county' : role === 'town_official' ? 'town' : role;
    T[key] = await s.as(role);
  }
  const cadre = await get(T.cadre, '/api/v1/session');
  U.cadre = cadre.user_id;
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county, `/api/v1/units/${U.town}`)).parent_id;
  U.townUser = (await get(T.town, '/api/v1/session')).user_id;
  U.countyUser = (await get(T.county, '/api/v1/session')).user_id;
  U.B = (await post(T.county, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'EM-VB', name: '柳溪村' }, 201)).id;
  U.cadreB = await user('cadreB', '19955550001', '邓书记', 'cadre', U.B);
  U.town2 = (await post(T.county, '/api/v1/units', { parent_id: U.county, kind: 'town', code: 'EM-T2', name: '青石镇' }, 201)).id;
  U.C = (await post(T.county, '/api/v1/units', { parent_id: U.town2, kind: 'village', code: 'EM-VC', name: '石桥村' }, 201)).id;
  U.town2User = await user('town2', '19955550002', '罗镇长', 'town_official', U.town2);
  await user('cadreC', '19955550003', '石书记', 'cadre', U.C);
});

after(async () => { if (s) await s.close(); });

test('intake: every field error at once; the demo holds a closed 汛情 with its steps to the second', async () => {
  const r = await s.api('POST', '/api/v1/emergencies', { token: T.grid_worker, body: { village_id: U.A, emergency_type: 'storm', description: '' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.emergency_type, /应急类型/);
  assert.ok(r.json.error.fields.description);
  assert.equal((await s.api('POST', '/api/v1/emergencies', { token: T.cadreB, body: { village_id: U.A, emergency_type: 'fire', description: 'x' } })).status, 404);
  assert.equal((await s.api('POST', '/api/v1/emergencies', { body: { village_id: U.A, emergency_type: 'fire', description: 'x' } })).status, 401);
  const all = await get(T.county, '/api/v1/emergencies?all=1');
  const flood = all.items.find((e) => e.emergency_type === 'flood');
  assert.ok(flood, 'the demo 汛情');
  assert.equal(flood.event.state, 'finished');
  assert.ok(flood.broadcast_id);
  assert.equal(flood.acked_count, flood.alerted_count);
  const full = await get(T.county, `/api/v1/emergencies/${flood.id}`);
  for (const st of full.event.timeline) assert.match(st.at, /T\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  const actions = full.event.timeline.map((st) => st.action);
  for (const a of ['create', 'accept', 'handle_locally', 'alert', 'ack', 'broadcast', 'finish']) assert.ok(actions.includes(a), a);
});

test("an emergency skips the queue and alerts the town official's open page, not another town's", async () => {
  const town = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.town });
  const town2 = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.town2 });
  const cadreB = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.cadreB });
  assert.equal(town.status, 200);
  await until(() => town.comments.includes('connected') && town2.comments.includes('connected') && cadreB.comments.includes('connected'), 'the streams to open');
  const e = await report(T.grid_worker);
  assert.equal(e.event.state, 'handling');
  assert.equal(e.event.village_handled, true);
  const alerted = e.alerts.map((a) => a.user_id).sort((a, b) => a - b);
  assert.deepEqual(alerted, [U.cadre, U.townUser, U.countyUser].sort((a, b) => a - b));
  const ev = await until(() => town.events.find((x) => x.event === 'emergency' && x.json.id === e.id), 'the alert on the town stream');
  assert.equal(ev.json.emergency_type_label, '火灾');
  assert.equal(ev.json.village_name, e.event.village_name);
  // a probe: an emergency in the other town reaches the other town's stream …
  const c = await report(T.cadreC, { village_id: U.C, emergency_type: 'missing', description: '一名老人走失' });
  await until(() => town2.events.find((x) => x.json.id === c.id), 'the probe on the other town stream');
  // … which never got the first one; nor did village B's cadre
  assert.ok(!town2.events.some((x) => x.json.id === e.id));
  assert.ok(!cadreB.events.some((x) => x.json.id === e.id));
  assert.ok(!town.events.some((x) => x.json.id === c.id));
  town.close();
  town2.close();
  cadreB.close();
  // a page opened later gets the alerts not yet acknowledged at once
  const late = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.county });
  await until(() => late.events.find((x) => x.json.id === e.id), 'the backlog on a new stream');
  late.close();
  assert.ok((await get(T.county, '/api/v1/emergency-alerts')).items.some((x) => x.id === e.id));
  // who may not listen
  assert.equal((await openStream(s.port, '/api/v1/emergency-alerts/stream', {})).status, 401);
  const v = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.villager });
  assert.equal(v.status, 403);
  v.close();
  const g = await openStream(s.port, '/api/v1/emergency-alerts/stream', { token: T.grid_worker });
  assert.equal(g.status, 403);
  g.close();
});

test('acknowledging: once, by those alerted; recorded to the second', async () => {
  const e = await report(T.grid_worker, { emergency_type: 'accident', description: '村口货车侧翻' });
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.inspector, body: {} })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.grid_worker, body: {} })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.town2, body: {} })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.cadreB, body: {} })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.villager, body: {} })).status, 404);
  const a = await post(T.town, `/api/v1/emergencies/${e.id}/ack`, {}, 200);
  const mine = a.alerts.find((x) => x.user_id === U.townUser);
  assert.match(mine.acked_at, /T\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.equal(a.acked, true);
  assert.equal(a.can_ack, false);
  assert.equal(a.acked_count, 1);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: T.town, body: {} })).status, 409);
  assert.ok(a.event.timeline.some((st) => st.action === 'ack' && st.actor_name));
  assert.ok(!(await get(T.town, '/api/v1/emergency-alerts')).items.some((x) => x.id === e.id));
});

test('the board: open emergencies in scope with who acknowledged; closed ones leave it', async () => {
  const e = await report(T.cadre, { emergency_type: 'other', description: '变压器冒烟' });
  const board = await get(T.town, '/api/v1/emergencies');
  const row = board.items.find((x) => x.id === e.id);
  assert.ok(row);
  assert.equal(row.alerted_count, 3);
  assert.ok(!(await get(T.town2, '/api/v1/emergencies')).items.some((x) => x.id === e.id));
  assert.ok(!(await get(T.cadreB, '/api/v1/emergencies')).items.some((x) => x.id === e.id));
  assert.ok((await get(T.inspector, '/api/v1/emergencies')).items.some((x) => x.id === e.id));
  assert.equal((await s.api('GET', `/api/v1/emergencies/${e.id}`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/emergencies/${e.id}`, { token: T.clerk })).status, 404);
  // closed by the village with the events' own move
  await post(T.cadre, `/api/v1/events/${e.id}/actions/finish`, { outcome: 'resolved', note: '供电所已抢修' }, 200);
  assert.ok(!(await get(T.town, '/api/v1/emergencies')).items.some((x) => x.id === e.id));
  assert.ok((await get(T.town, '/api/v1/emergencies?all=1')).items.some((x) => x.id === e.id));
  // a plain event is not an emergency
  const ev = (await get(T.cadre, `/api/v1/events?kind=general&unit_id=${U.A}&limit=1`)).items[0];
  assert.equal((await s.api('GET', `/api/v1/emergencies/${ev.id}`, { token: T.cadre })).status, 404);
});

test('the 大喇叭 broadcast from the emergency reaches the villagers in one action', async () => {
  const e = await report(T.grid_worker, { emergency_type: 'flood', description: '河水上涨，漫过便桥' });
  const listen = await openStream(s.port, '/api/v1/broadcasts/stream', { token: T.villager });
  await until(() => listen.comments.includes('connected'), 'the villager stream');
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/broadcast`, { token: T.inspector, body: {} })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/broadcast`, { token: T.grid_worker, body: {} })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/emergencies/${e.id}/broadcast`, { token: T.town2, body: {} })).status, 404);
  const far = await s.api('POST', `/api/v1/emergencies/${e.id}/broadcast`, { token: T.county, body: { unit_id: U.C } });
  assert.equal(far.status, 400);
  assert.ok(far.json.error.fields.unit_id);
  const b = await post(T.cadre, `/api/v1/emergencies/${e.id}/broadcast`, { idempotency_key: `em-bc-${e.id}` }, 201);
  assert.ok(b.broadcast_id);
  const step = b.event.timeline.find((st) => st.action === 'broadcast');
  assert.match(step.note, /大喇叭/);
  const heard = await until(() => listen.events.find((x) => x.event === 'broadcast' && x.json.id === b.broadcast_id), 'the broadcast on the villager stream');
  assert.match(heard.json.body, /河水上涨/);
  listen.close();
  // a retry with the same key makes no second broadcast or step
  const again = await post(T.cadre, `/api/v1/emergencies/${e.id}/broadcast`, { idempotency_key: `em-bc-${e.id}` }, 201);
  assert.equal(again.broadcast_id, b.broadcast_id);
  assert.equal(again.event.timeline.filter((st) => st.action === 'broadcast').length, 1);
  // the town may broadcast to the whole town
  const t = await post(T.town, `/api/v1/emergencies/${e.id}/broadcast`, { unit_id: U.town, body: '全镇注意：河水上涨，远离河道。' }, 201);
  assert.notEqual(t.broadcast_id, b.broadcast_id);
});

test("an emergency does not depend on the category's name: the county's emergency category renamed, still used", async () => {
  const cats = await get(T.county, '/api/v1/event-categories?all=1');
  const em = cats.items.find((k) => k.name === '应急事件');
  assert.ok(em, 'the county has 应急事件 among its categories');
  must(await s.api('PATCH', `/api/v1/event-categories/${em.id}`, { token: T.county, body: { name: '突发事件处置' } }), 200);
  try {
    assert.ok(!(await get(T.county, '/api/v1/event-categories?all=1')).items.some((k) => k.name === '应急事件'));
    const e = await report(T.grid_worker, { emergency_type: 'accident', description: '村道急弯处三轮车侧翻，一人受伤' });
    assert.equal(e.event.category_id, em.id);
    assert.equal(e.event.category_name, '突发事件处置');
    assert.equal(e.event.state, 'handling');
    assert.ok(e.alerted_count >= 2, JSON.stringify(e.alerts));
    // a category named 应急事件 made now is an ordinary one: emergencies keep the flagged one
    const plain = must(await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: '应急事件', accept_hours: 24, finish_days: 5 } }), 201);
    const e2 = await report(T.cadre, { emergency_type: 'missing', description: '七十岁老人早上出门未归，家人寻找未果' });
    assert.equal(e2.event.category_id, em.id);
    must(await s.api('PATCH', `/api/v1/event-categories/${plain.id}`, { token: T.county, body: { name: '应急事件（旧）', active: false } }), 200);
  } finally {
    must(await s.api('PATCH', `/api/v1/event-categories/${em.id}`, { token: T.county, body: { name: '应急事件' } }), 200);
  }
});
