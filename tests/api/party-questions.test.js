// 书记会客厅: the secretary turns a question into a 民情 event or a 村民说事 thread in one
// action, once; the question keeps the link and the event or thread names the question;
// the asker sees it on their phone; audited; the events' and talks' own rules decide who
// may (a secretary without the village's event rights is refused), scope and bad input.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s, village, secretary, villager, grid, townOff, county, pureSec, far, villageB, category;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });

before(async () => {
  s = await startServer();
  county = await s.as('county_admin');
  secretary = await s.as('cadre');
  villager = await s.as('villager');
  grid = await s.as('grid_worker');
  townOff = await s.as('town_official');
  const me = must(await get('/api/v1/session', secretary), 200);
  village = me.grants.find((g) => g.role === 'party_secretary').unit_id;
  const town = must(await get(`/api/v1/units/${village}`, secretary), 200).parent_id;
  category = must(await get('/api/v1/event-categories', county), 200).items[0].id;
  const unit = async (body) => must(await post('/api/v1/units', county, body), 201).id;
  villageB = await unit({ parent_id: town, kind: 'village', code: 'PQC-VB', name: '柳湾村' });
  const t2 = await unit({ parent_id: 1, kind: 'town', code: 'PQC-T2', name: '河口镇' });
  const staff = async (phone, password, role, unitId) => {
    const u = must(await post('/api/v1/users', county, { phone, name: '测试' + role, password }), 201);
    must(await post(`/api/v1/users/${u.id}/grants`, county, { role, unit_id: unitId }), 200);
    return s.login(phone, password);
  };
  pureSec = await staff('13755551001', 'Party-Q-2026', 'party_secretary', village);
  far = await staff('13755551002', 'Party-Q2-2026', 'party_secretary', villageB);
  void t2;
});

after(async () => { if (s) await s.close(); });

test('a question becomes a 民情 event once; the asker is told; audited', async () => {
  const q = must(await post('/api/v1/party/questions', villager, { body: '村口路灯坏了一个月了，晚上看不见路。', idempotency_key: 'pqc-key-1' }), 201);
  // who may not: a villager (visible, 403), another village's secretary (404), the town (403),
  // a secretary of this village without the village's event rights (the events' rule, 403)
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, villager, { to: 'event', category_id: category })).status, 403);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, far, { to: 'event', category_id: category })).status, 404);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, townOff, { to: 'event', category_id: category })).status, 403);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, grid, { to: 'event', category_id: category })).status, 403);
  const refused = await post(`/api/v1/party/questions/${q.id}/convert`, pureSec, { to: 'event', category_id: category });
  assert.equal(refused.status, 403, refused.text);
  assert.equal((await post('/api/v1/party/questions/999999/convert', secretary, { to: 'event', category_id: category })).status, 404);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, undefined, { to: 'event', category_id: category })).status, 401);
  // bad input: every field named at once, nothing changed
  const bad = await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'meeting' });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.to, bad.text);
  const bad2 = await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'event' });
  assert.equal(bad2.status, 400);
  assert.ok(bad2.json.error.fields.category_id);
  const bad3 = await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'event', category_id: 999999 });
  assert.equal(bad3.status, 400, bad3.text);
  let row = must(await get(`/api/v1/party/questions?unit=${village}&mine=1&limit=200`, villager), 200).items.find((x) => x.id === q.id);
  assert.equal(row.event_id, null);
  assert.equal(row.converted_to, null);

  const made = must(await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'event', category_id: category }), 200);
  assert.equal(made.converted_to, 'event');
  assert.ok(made.event_id > 0);
  // only once, as an event or as a thread
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'event', category_id: category })).status, 409);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'talk', title: '路灯' })).status, 409);
  // the event names the question and its channel
  const ev = must(await get(`/api/v1/events/${made.event_id}`, secretary), 200);
  assert.equal(ev.channel, 'party_question');
  assert.ok(ev.description.startsWith(`【书记会客厅 #${q.id}】`), ev.description);
  assert.equal(ev.state, 'pending');
  // the asker sees on their phone what it became
  row = must(await get(`/api/v1/party/questions?unit=${village}&mine=1&limit=200`, villager), 200).items.find((x) => x.id === q.id);
  assert.equal(row.converted_to, 'event');
  assert.equal(row.event_id, made.event_id);
  assert.ok(row.converted_at && row.converter);
  // the public page does not show the event
  const pub = must(await get(`/api/v1/public/villages/${village}/party`), 200);
  const pq = pub.questions.find((x) => x.id === q.id);
  if (pq) assert.equal(pq.event_id, null);
  // audited on the village's chain
  const audit = must(await get(`/api/v1/audit?unit_id=${village}&limit=100`, county), 200);
  assert.ok(audit.items.some((e) => e.object_type === 'party_question' && e.object_id === q.id && e.action === 'to_event'), 'audit');
});

test('a public question becomes a 说事 thread in the asker\'s name; a private one cannot', async () => {
  const q = must(await post('/api/v1/party/questions', villager, { body: '村里能不能建一个老年活动室？', idempotency_key: 'pqc-key-2' }), 201);
  const bad = await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'talk', title: '', category: 'gossip' });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.title && bad.json.error.fields.category, bad.text);
  const made = must(await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'talk', title: '建老年活动室', category: 'suggestion' }), 200);
  assert.equal(made.converted_to, 'talk');
  const t = must(await get(`/api/v1/talks/${made.talk_id}`, villager), 200);
  assert.equal(t.mine, true);
  assert.equal(t.title, '建老年活动室');
  assert.equal(t.category, 'suggestion');
  assert.ok(t.body.startsWith(`【书记会客厅 #${q.id}】`));
  const row = must(await get(`/api/v1/party/questions?unit=${village}&mine=1&limit=200`, villager), 200).items.find((x) => x.id === q.id);
  assert.equal(row.converted_to, 'talk');
  assert.equal(row.talk_id, made.talk_id);
  assert.equal((await post(`/api/v1/party/questions/${q.id}/convert`, secretary, { to: 'talk', title: '再转' })).status, 409);
  const audit = must(await get(`/api/v1/audit?unit_id=${village}&limit=100`, county), 200);
  assert.ok(audit.items.some((e) => e.object_type === 'party_question' && e.object_id === q.id && e.action === 'to_talk'));
  assert.ok(audit.items.some((e) => e.object_type === 'talk' && e.object_id === made.talk_id && e.action === 'open'));

  // a private question stays private: no thread, but it may become an event
  const p = must(await post('/api/v1/party/questions', villager, { body: '我家的补助什么时候发？', private: true, idempotency_key: 'pqc-key-3' }), 201);
  assert.equal((await post(`/api/v1/party/questions/${p.id}/convert`, secretary, { to: 'talk', title: '补助' })).status, 409);
  // a private question of another asker does not exist for a villager
  assert.equal((await post(`/api/v1/party/questions/${p.id}/convert`, grid, { to: 'event', category_id: category })).status, 404);
  must(await post(`/api/v1/party/questions/${p.id}/convert`, secretary, { to: 'event', category_id: category }), 200);
});
