// Grid work 网格: household attribute tags with their visibility by role and history,
// the county's settings, patrols whose compliance the server computes from the track
// (in and out of the grid, batches late, repeated and out of order), findings that
// become events, workers' positions thinned and deleted by retention, and visits due
// and overdue through the test clock. Permissions and bad input of every endpoint.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, PHONES, pngPixel } = require('./lib');

let s;
const T = {};
const A = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });
const put = (p, token, body) => s.api('PUT', p, { token, body });

async function relogin() {
  for (const role of Object.keys(T)) T[role] = await s.login(role === 'villager' ? s.villager.phone : PHONES[role], undefined, { fresh: true });
}
async function advance(seconds) {
  await s.advance(seconds);
  await relogin();
}
async function serverNow() {
  return Math.floor(Date.parse((await s.advance(0)).now) / 1000);
}
// The patrols below take about two hours of the test clock and are counted on the day
// they were walked (Beijing time): they start at 08:00 of the next day when the clock is
// late in the evening, so that the day's compliance holds all of them at any hour.
async function toMorning() {
  const local = (await serverNow()) + 8 * 3600;
  const ofDay = local % 86400;
  if (ofDay > 6 * 3600 && ofDay < 18 * 3600) return;
  await advance((86400 - ofDay + 8 * 3600) % 86400);
}

// A walk from (lat, lng) heading north-east: n points a minute apart, about 70 m each.
function walk(t0, lat, lng, n, { seq0 = 0, dlat = 0.0005, dlng = 0.0003 } = {}) {
  const pts = [];
  for (let i = 0; i < n; i++) pts.push({ seq: seq0 + i, at: t0 + 60 * i, lat: lat + dlat * i, lng: lng + dlng * i });
  return pts;
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'grid_worker_grid', 'villager', 'inspector', 'clerk'])
    T[role] = await s.as(role);
  const g = await must(await get('/api/v1/grids/12', T.cadre), 200);
  const ring = g.boundary.coordinates[0];
  A.box = { w: Math.min(...ring.map((p) => p[0])), e: Math.max(...ring.map((p) => p[0])), s: Math.min(...ring.map((p) => p[1])), n: Math.max(...ring.map((p) => p[1])) };
  const tags = await must(await get('/api/v1/tags', T.cadre), 200);
  A.tag = Object.fromEntries(tags.items.map((t) => [t.name, t]));
  const map = await must(await get('/api/v1/villages/3/tagged-households', T.grid_worker_grid), 200);
  A.hhInGrid = map.households.filter((h) => h.grid_id === 12).map((h) => h.id);
  const all = await must(await get('/api/v1/villages/3/tagged-households', T.cadre), 200);
  A.hhOther = all.households.find((h) => h.grid_id === 13).id;
});

after(async () => {
  if (s) await s.close();
});

test('the tag set: about 19 shipped tags; sensitive ones only for the roles they name', async () => {
  const names = Object.keys(A.tag);
  assert.equal(names.length, 19);
  for (const n of ['党员户', '低保户', '独居老人', '留守儿童', '重点关注人员', '志愿者']) assert.ok(names.includes(n), n);
  for (const t of Object.values(A.tag)) {
    assert.match(t.color, /^#[0-9A-F]{6}$/i);
    assert.ok(t.icon.length >= 1);
  }
  const villager = await must(await get('/api/v1/tags', T.villager), 200);
  assert.ok(villager.items.length > 0);
  assert.ok(villager.items.every((t) => !t.sensitive), 'a villager sees no sensitive tag');
  const worker = await must(await get('/api/v1/tags', T.grid_worker_grid), 200);
  const wn = worker.items.map((t) => t.name);
  assert.ok(wn.includes('低保户'), 'grid workers are named on 低保户');
  assert.ok(!wn.includes('重点关注人员'), 'but not on 重点关注人员');
  const clerk = await must(await get('/api/v1/tags', T.clerk), 200);
  assert.ok(clerk.items.every((t) => !t.sensitive));
  assert.equal((await get('/api/v1/tags')).status, 401);
  // public pages carry no tags
  const pub = await get('/api/v1/public/villages/3/publicity');
  for (const t of Object.values(A.tag).filter((x) => x.sensitive)) assert.ok(!pub.text.includes(t.name));
});

test('the county admin manages the tag set; others may not; bad input names every field', async () => {
  const made = await must(await post('/api/v1/tags', T.county_admin, { name: '种养大户', icon: '养', color: '#7CB305' }), 201);
  assert.equal(made.sensitive, false);
  assert.equal(made.county_id, 1);
  await must(await post('/api/v1/tags', T.cadre, { name: '村里的', icon: '村', color: '#7CB305' }), 403);
  await must(await post('/api/v1/tags', T.villager, { name: '村民的', icon: '民', color: '#7CB305' }), 403);
  const bad = await must(await post('/api/v1/tags', T.county_admin, { name: '', icon: '太长的图标', color: 'red', roles: 'villager' }), 400);
  assert.deepEqual(Object.keys(bad.error.fields).sort(), ['color', 'icon', 'name', 'roles']);
  const dup = await must(await post('/api/v1/tags', T.county_admin, { name: '党员户', icon: '党', color: '#D4380D' }), 400);
  assert.ok(dup.error.fields.name);
  // making it sensitive hides it from a villager
  await must(await s.api('PATCH', `/api/v1/tags/${made.id}`, { token: T.county_admin, body: { sensitive: true, roles: 'cadre,town_official' } }), 200);
  const v = await must(await get('/api/v1/tags', T.villager), 200);
  assert.ok(!v.items.some((t) => t.id === made.id));
  await must(await s.api('PATCH', `/api/v1/tags/${made.id}`, { token: T.cadre, body: { icon: '大' } }), 403);
  await must(await s.api('PATCH', '/api/v1/tags/99999', { token: T.county_admin, body: { icon: '大' } }), 404);
  await must(await s.api('PATCH', `/api/v1/tags/${made.id}`, { token: T.county_admin, body: { active: false } }), 200);
  // a county's tag about a person; the flag changed like the others, and kept unless given
  const person = await must(await post('/api/v1/tags', T.county_admin, { name: '种粮能手', icon: '粮', color: '#7CB305', person: true }), 201);
  assert.equal(person.person, true);
  assert.equal(made.person, false);
  const icon = await must(await s.api('PATCH', `/api/v1/tags/${person.id}`, { token: T.county_admin, body: { icon: '能' } }), 200);
  assert.equal(icon.person, true);
  const off = await must(await s.api('PATCH', `/api/v1/tags/${person.id}`, { token: T.county_admin, body: { person: false } }), 200);
  assert.equal(off.person, false);
  const notBool = await must(await s.api('PATCH', `/api/v1/tags/${person.id}`, { token: T.county_admin, body: { person: 'yes' } }), 400);
  assert.ok(notBool.error.fields.person);
  const audit = await must(await get(`/api/v1/audit?unit_id=1&object_type=tag&object_id=${person.id}`, T.county_admin), 200);
  assert.ok(audit.items.length >= 3);
});

test("a household's tags: set by staff, each change in the history, sensitive ones hidden per role", async () => {
  const hh = A.hhInGrid[0];
  A.hh = hh;
  const want = [A.tag['党员户'].id, A.tag['低保户'].id, A.tag['重点关注人员'].id];
  const set = await must(await put(`/api/v1/households/${hh}/tags`, T.cadre, { tag_ids: want }), 200);
  assert.deepEqual(set.tags.map((t) => t.name).sort(), ['低保户', '党员户', '重点关注人员'].sort());
  // the grid worker of the grid sees 低保户 but not 重点关注人员, in the tags and the history
  const w = await must(await get(`/api/v1/households/${hh}/tags`, T.grid_worker_grid), 200);
  assert.deepEqual(w.tags.map((t) => t.name).sort(), ['低保户', '党员户'].sort());
  assert.ok(!w.history.some((x) => x.tag_name === '重点关注人员'));
  assert.equal(w.can_edit, true);
  // the worker keeps them current: removing 低保户 leaves the tag they cannot see alone
  const reply = await must(await put(`/api/v1/households/${hh}/tags`, T.grid_worker_grid, { tag_ids: [A.tag['党员户'].id, A.tag['独居老人'].id] }), 200);
  assert.deepEqual(reply.tags.map((t) => t.name).sort(), ['党员户', '独居老人'].sort());
  assert.ok(!JSON.stringify(reply).includes('重点关注人员'), 'the reply to the worker never names a tag they may not see');
  // a tag they may not see is refused as if it did not exist (the reply does not confirm it does)
  const hidden = await must(await put(`/api/v1/households/${hh}/tags`, T.grid_worker_grid, { tag_ids: [A.tag['重点关注人员'].id] }), 400);
  const none = await must(await put(`/api/v1/households/${hh}/tags`, T.grid_worker_grid, { tag_ids: [99999] }), 400);
  assert.equal(hidden.error.fields.tag_ids, none.error.fields.tag_ids);
  const c = await must(await get(`/api/v1/households/${hh}/tags`, T.cadre), 200);
  assert.deepEqual(c.tags.map((t) => t.name).sort(), ['党员户', '独居老人', '重点关注人员'].sort());
  const removed = c.history.find((x) => x.tag_name === '低保户' && x.action === 'remove');
  assert.equal(removed.actor_name, '赵磊');
  assert.ok(c.history.find((x) => x.tag_name === '低保户' && x.action === 'set' && x.actor_name === '李国华'));
  // the map shows the household with the tags the reader may see
  const map = await must(await get('/api/v1/villages/3/tagged-households', T.grid_worker_grid), 200);
  const onMap = map.households.find((h) => h.id === hh);
  assert.ok(!onMap.tag_ids.includes(A.tag['重点关注人员'].id));
  assert.ok(onMap.tag_ids.includes(A.tag['独居老人'].id));
  assert.ok(map.households.every((h) => h.grid_id === 12), 'a grid worker maps their own grid');
  const full = await must(await get('/api/v1/villages/3/tagged-households', T.town_official), 200);
  assert.ok(full.households.find((h) => h.id === hh).tag_ids.includes(A.tag['重点关注人员'].id));
  await must(await get('/api/v1/villages/3/tagged-households', T.villager), 403);
  await must(await get('/api/v1/villages/999/tagged-households', T.cadre), 404);
});

test("a villager sees only their own household's plain tags and changes none", async () => {
  const me = await must(await get('/api/v1/session', T.villager), 200);
  const own = me.household_id || 1;
  await must(await put(`/api/v1/households/${own}/tags`, T.cadre, { tag_ids: [A.tag['党员户'].id, A.tag['特困户'].id] }), 200);
  const v = await must(await get(`/api/v1/households/${own}/tags`, T.villager), 200);
  assert.deepEqual(v.tags.map((t) => t.name), ['党员户']);
  assert.ok(!JSON.stringify(v).includes('特困户'));
  assert.equal(v.can_edit, false);
  await must(await put(`/api/v1/households/${own}/tags`, T.villager, { tag_ids: [] }), 403);
  await must(await get(`/api/v1/households/${A.hh}/tags`, T.villager), 404);
});

test('household tags: permissions and bad input', async () => {
  // outside the worker's grid the household does not exist for them
  await must(await get(`/api/v1/households/${A.hhOther}/tags`, T.grid_worker_grid), 404);
  await must(await put(`/api/v1/households/${A.hhOther}/tags`, T.grid_worker_grid, { tag_ids: [] }), 404);
  // the inspector reads, never writes
  await must(await get(`/api/v1/households/${A.hh}/tags`, T.inspector), 200);
  await must(await put(`/api/v1/households/${A.hh}/tags`, T.inspector, { tag_ids: [] }), 403);
  await must(await put('/api/v1/households/999999/tags', T.cadre, { tag_ids: [] }), 404);
  for (const body of [{}, { tag_ids: 'x' }, { tag_ids: [0] }, { tag_ids: [99999] }, { tag_ids: [1, 1] }, { tag_ids: [A.tag['重点关注人员'].id] }]) {
    const r = await put(`/api/v1/households/${A.hh}/tags`, T.grid_worker_grid, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(r.json.error.fields.tag_ids);
  }
  const extra = await put(`/api/v1/households/${A.hh}/tags`, T.cadre, { tag_ids: [], note: 'x' });
  assert.equal(extra.status, 400);
});

test("tags on residents: about a person only, who and when, hidden per role, on the card and the map's filter", async () => {
  const tags = await must(await get('/api/v1/tags', T.cadre), 200);
  const person = (n) => tags.items.find((t) => t.name === n).person;
  assert.equal(person('独居老人'), true);
  assert.equal(person('残疾人户'), true);
  assert.equal(person('党员户'), false);
  const hh = A.hhInGrid[1];
  const card = await must(await get(`/api/v1/households/${hh}/tags`, T.cadre), 200);
  assert.ok(card.residents.length >= 1);
  const r = card.residents[0];
  assert.ok(r.name && r.relation);
  // the household's other people keep whatever the demo gave them; this one starts bare
  await must(await put(`/api/v1/residents/${r.id}/tags`, T.cadre, { tag_ids: [] }), 200);
  const others = new Set(card.residents.filter((x) => x.id !== r.id).flatMap((x) => x.tags.map((t) => t.id)));
  // the grid worker of the grid sets one on a person; the cadre a sensitive one and one
  // the grid worker may not see
  const byWorker = await must(await put(`/api/v1/residents/${r.id}/tags`, T.grid_worker_grid, { tag_ids: [A.tag['独居老人'].id] }), 200);
  assert.equal(byWorker.household_id, hh);
  assert.deepEqual(byWorker.residents.find((x) => x.id === r.id).tags.map((t) => t.name), ['独居老人']);
  assert.deepEqual(byWorker.tags.map((t) => t.name), card.tags.map((t) => t.name), "the household's own tags are untouched");
  await must(await put(`/api/v1/residents/${r.id}/tags`, T.cadre, { tag_ids: [A.tag['独居老人'].id, A.tag['残疾人户'].id, A.tag['重点关注人员'].id] }), 200);
  const w = (await must(await get(`/api/v1/households/${hh}/tags`, T.grid_worker_grid), 200)).residents.find((x) => x.id === r.id);
  assert.deepEqual(w.tags.map((t) => t.name).sort(), ['残疾人户', '独居老人'].sort());
  assert.ok(w.tags.every((t) => t.set_at));
  assert.ok(!JSON.stringify(w).includes('重点关注人员'));
  assert.equal(w.history.find((x) => x.tag_name === '独居老人').actor_name, '赵磊');
  // the worker's change leaves what they cannot see alone, and is kept in the history
  await must(await put(`/api/v1/residents/${r.id}/tags`, T.grid_worker_grid, { tag_ids: [A.tag['残疾人户'].id] }), 200);
  const c = (await must(await get(`/api/v1/households/${hh}/tags`, T.cadre), 200)).residents.find((x) => x.id === r.id);
  assert.deepEqual(c.tags.map((t) => t.name).sort(), ['残疾人户', '重点关注人员'].sort());
  assert.ok(c.history.some((x) => x.tag_name === '独居老人' && x.action === 'remove' && x.actor_name === '赵磊'));
  assert.ok(c.history.some((x) => x.tag_name === '重点关注人员' && x.action === 'set' && x.actor_name === '李国华'));
  const audit = await must(await get('/api/v1/audit?unit_id=3&object_type=resident_tags', T.cadre), 200);
  assert.ok(audit.items.some((e) => e.object_id === r.id));
  // the map: the household found by its people's tags, as each reader may see them
  const mapW = (await must(await get('/api/v1/villages/3/tagged-households', T.grid_worker_grid), 200)).households.find((h) => h.id === hh);
  const expect = (ids) => [...new Set([...ids, ...others])].sort((a, b) => a - b);
  assert.deepEqual(mapW.resident_tag_ids, expect([A.tag['残疾人户'].id]).filter((id) => id !== A.tag['重点关注人员'].id));
  const mapT = (await must(await get('/api/v1/villages/3/tagged-households', T.town_official), 200)).households.find((h) => h.id === hh);
  assert.deepEqual(mapT.resident_tag_ids, expect([A.tag['残疾人户'].id, A.tag['重点关注人员'].id]));
  // a villager sees the plain tags of their own household's people only
  const me = await must(await get('/api/v1/session', T.villager), 200);
  const own = me.household_id || 1;
  const ownCard = await must(await get(`/api/v1/households/${own}/tags`, T.cadre), 200);
  const mine = ownCard.residents[0];
  await must(await put(`/api/v1/residents/${mine.id}/tags`, T.cadre, { tag_ids: [A.tag['留守儿童'].id, A.tag['残疾人户'].id] }), 200);
  const v = await must(await get(`/api/v1/households/${own}/tags`, T.villager), 200);
  assert.deepEqual(v.residents.find((x) => x.id === mine.id).tags.map((t) => t.name), ['留守儿童']);
  assert.ok(!JSON.stringify(v).includes('残疾人户'));
  await must(await put(`/api/v1/residents/${mine.id}/tags`, T.villager, { tag_ids: [] }), 403);
  // permissions and bad input
  const other = (await must(await get(`/api/v1/households/${A.hhOther}/tags`, T.cadre), 200)).residents[0];
  await must(await put(`/api/v1/residents/${other.id}/tags`, T.grid_worker_grid, { tag_ids: [] }), 404);
  await must(await put(`/api/v1/residents/${r.id}/tags`, T.inspector, { tag_ids: [] }), 403);
  await must(await put(`/api/v1/residents/${r.id}/tags`, T.clerk, { tag_ids: [] }), 404);
  await must(await put('/api/v1/residents/999999/tags', T.cadre, { tag_ids: [] }), 404);
  const household = await must(await put(`/api/v1/residents/${r.id}/tags`, T.cadre, { tag_ids: [A.tag['党员户'].id] }), 400);
  assert.match(household.error.fields.tag_ids, /党员户.*户的标签/);
  for (const body of [{}, { tag_ids: 'x' }, { tag_ids: [0] }, { tag_ids: [99999] }, { tag_ids: [A.tag['独居老人'].id, A.tag['独居老人'].id] }, { tag_ids: [A.tag['重点关注人员'].id] }]) {
    const bad = await put(`/api/v1/residents/${r.id}/tags`, T.grid_worker_grid, body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.ok(bad.json.error.fields.tag_ids);
  }
  const after = (await must(await get(`/api/v1/households/${hh}/tags`, T.cadre), 200)).residents.find((x) => x.id === r.id);
  assert.deepEqual(after.tags.map((t) => t.name).sort(), ['残疾人户', '重点关注人员'].sort(), 'nothing changed by the refused calls');
});

test("a household's location: from the grid worker's phone at the door, or the register", async () => {
  const b = A.box;
  const lat = Number((b.s + 0.0031).toFixed(6)), lng = Number((b.w + 0.0011).toFixed(6));
  const r = await must(await put(`/api/v1/households/${A.hh}/location`, T.grid_worker_grid, { lat, lng }), 200);
  assert.equal(r.lat, lat);
  const map = await must(await get('/api/v1/villages/3/tagged-households', T.cadre), 200);
  const h = map.households.find((x) => x.id === A.hh);
  assert.equal(h.lat, lat);
  assert.equal(h.lng, lng);
  await must(await put(`/api/v1/households/${A.hh}/location`, T.cadre, { lat, lng }), 200);
  await must(await put(`/api/v1/households/${A.hhOther}/location`, T.grid_worker_grid, { lat, lng }), 404);
  await must(await put(`/api/v1/households/${A.hh}/location`, T.inspector, { lat, lng }), 403);
  await must(await put('/api/v1/households/1/location', T.villager, { lat, lng }), 403);
  const bad = await must(await put(`/api/v1/households/${A.hh}/location`, T.grid_worker_grid, { lat: 95 }), 400);
  assert.ok(bad.error.fields.lat && bad.error.fields.lng);
  const far = await must(await put(`/api/v1/households/${A.hh}/location`, T.grid_worker_grid, { lat: 10, lng: 10 }), 400);
  assert.ok(far.error.fields.lat);
});

test("the county's settings: the daily target and visit frequencies", async () => {
  const cur = await must(await get('/api/v1/grid-settings', T.grid_worker_grid), 200);
  assert.equal(cur.patrols_per_day, 3);
  assert.ok(cur.visit_rules.some((r) => r.tag_id === A.tag['独居老人'].id && r.days === 7));
  const body = { patrols_per_day: 2, min_minutes: 10, min_metres: 500, min_inside_pct: 80, retention_days: 30, visit_rules: [{ tag_id: A.tag['独居老人'].id, days: 7 }, { tag_id: A.tag['留守儿童'].id, days: 30 }] };
  await must(await put('/api/v1/grid-settings', T.town_official, body), 403);
  await must(await put('/api/v1/grid-settings', T.cadre, body), 403);
  const saved = await must(await put('/api/v1/grid-settings', T.county_admin, body), 200);
  assert.equal(saved.patrols_per_day, 2);
  assert.equal(saved.visit_rules.length, 2);
  const bad = await must(await put('/api/v1/grid-settings', T.county_admin, { patrols_per_day: 11, min_minutes: -1, min_metres: 500, min_inside_pct: 101, retention_days: 1 }), 400);
  assert.deepEqual(Object.keys(bad.error.fields).sort(), ['min_inside_pct', 'min_minutes', 'patrols_per_day', 'retention_days']);
  const badRule = await must(await put('/api/v1/grid-settings', T.county_admin, { ...body, visit_rules: [{ tag_id: 99999, days: 7 }] }), 400);
  assert.ok(badRule.error.fields.visit_rules);
  await must(await get('/api/v1/grid-settings?county_id=99999', T.county_admin), 404);
});

test('a patrol inside the grid: batches out of order, repeated and late; the server measures it', async () => {
  await toMorning();
  const gw = T.grid_worker_grid;
  const p = await must(await post('/api/v1/patrols', gw, { idempotency_key: 'patrol-key-0001' }), 201);
  assert.equal(p.grid_id, 12);
  assert.equal(p.open, true);
  assert.equal(p.boundary.type, 'Polygon');
  // a retry of the same start makes no second patrol; another start while open is refused
  const again = await must(await post('/api/v1/patrols', gw, { idempotency_key: 'patrol-key-0001' }), 201);
  assert.equal(again.id, p.id);
  await must(await post('/api/v1/patrols', gw, {}), 409);
  A.patrol = p.id;
  const t0 = await serverNow();
  await advance(13 * 60);
  const b = A.box;
  const pts = walk(t0, b.s + 0.001, b.w + 0.0005, 13, { dlat: 0.0005, dlng: 0.00002 });
  // the second half first, then the first, then the first again
  const r2 = await must(await post(`/api/v1/patrols/${p.id}/points`, gw, { points: pts.slice(7) }), 200);
  assert.equal(r2.added, 6);
  const r1 = await must(await post(`/api/v1/patrols/${p.id}/points`, gw, { points: pts.slice(0, 7) }), 200);
  assert.equal(r1.added, 7);
  const r3 = await must(await post(`/api/v1/patrols/${p.id}/points`, gw, { points: pts.slice(0, 7) }), 200);
  assert.equal(r3.added, 0);
  assert.equal(r3.stats.points, 13);
  assert.equal(r3.stats.duration_s, 720);
  // 12 steps of 0.0005° latitude: about 667 m along the meridian
  assert.ok(Math.abs(r3.stats.length_m - 667) < 5, String(r3.stats.length_m));
  assert.equal(r3.stats.inside_pct, 100);
  // a finding with a photo, reported as an event at once
  const photo = await must(await s.api('POST', '/api/v1/files', { token: gw, raw: pngPixel(20, 140, 60), headers: { 'content-type': 'image/png' } }), 201);
  const f = await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '安全隐患', note: '村道边电线下垂', lat: pts[5].lat, lng: pts[5].lng, photos: [photo.hash], event_category_id: 1, idempotency_key: 'finding-key-0001' }), 201);
  assert.ok(f.event_id);
  const fr = await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '安全隐患', note: '村道边电线下垂', lat: pts[5].lat, lng: pts[5].lng, photos: [photo.hash], event_category_id: 1, idempotency_key: 'finding-key-0001' }), 201);
  assert.equal(fr.id, f.id);
  assert.equal(fr.event_id, f.event_id);
  const ev = await must(await get(`/api/v1/events/${f.event_id}`, T.cadre), 200);
  assert.equal(ev.channel, 'grid');
  assert.equal(ev.description, '村道边电线下垂');
  // a finding kept on the patrol, reported later
  const f2 = await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '环境卫生', note: '河沟里有垃圾' }), 201);
  assert.equal(f2.event_id, null);
  await must(await post(`/api/v1/patrol-findings/${f2.id}/event`, T.grid_worker, { category_id: 1 }), 403);
  const rep = await must(await post(`/api/v1/patrol-findings/${f2.id}/event`, gw, { category_id: 1 }), 201);
  assert.ok(rep.event_id);
  await must(await post(`/api/v1/patrol-findings/${f2.id}/event`, gw, { category_id: 1 }), 409);
  const ended = await must(await post(`/api/v1/patrols/${p.id}/end`, gw, {}), 200);
  assert.equal(ended.open, false);
  assert.equal(ended.qualified, true);
  assert.equal(ended.findings.length, 2);
  assert.equal(ended.track.length, 13);
  assert.ok(ended.track.every((x, i) => i === 0 || Date.parse(x.at) >= Date.parse(ended.track[i - 1].at)));
  await must(await post(`/api/v1/patrols/${p.id}/end`, gw, {}), 409);
  // the town sees the track and the photo
  const seen = await must(await get(`/api/v1/patrols/${p.id}`, T.town_official), 200);
  assert.equal(seen.track.length, 13);
  const img = await get(seen.findings[0].photos[0].url, T.town_official);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  await must(await get(seen.findings[0].photos[0].url, T.villager), 403);
});

test('a patrol that strays out of the grid does not count; a late batch is measured in', async () => {
  const gw = T.grid_worker_grid;
  const p = await must(await post('/api/v1/patrols', gw, {}), 201);
  const t0 = await serverNow();
  await advance(15 * 60);
  const b = A.box;
  // from inside the eastern edge, off to the east: most points outside
  const pts = walk(t0, (b.s + b.n) / 2, b.e - 0.0006, 14, { dlat: 0, dlng: 0.0006 });
  const r = await must(await post(`/api/v1/patrols/${p.id}/points`, gw, { points: pts }), 200);
  assert.ok(r.stats.inside_pct < 20, String(r.stats.inside_pct));
  assert.ok(r.stats.length_m > 700);
  const ended = await must(await post(`/api/v1/patrols/${p.id}/end`, gw, {}), 200);
  assert.equal(ended.qualified, false);
  assert.ok(ended.track.some((x) => !x.inside) && ended.track.some((x) => x.inside));

  // a third patrol, short on the phone while offline: its points arrive after the end
  const q = await must(await post('/api/v1/patrols', gw, {}), 201);
  const t1 = await serverNow();
  await advance(12 * 60);
  const early = walk(t1, b.s + 0.001, b.w + 0.0005, 3, { dlat: 0.0005, dlng: 0 });
  await must(await post(`/api/v1/patrols/${q.id}/points`, gw, { points: early }), 200);
  let e = await must(await post(`/api/v1/patrols/${q.id}/end`, gw, {}), 200);
  assert.equal(e.qualified, false);
  await advance(3600);
  const late = walk(t1, b.s + 0.001, b.w + 0.0005, 12, { dlat: 0.0005, dlng: 0 }).slice(3);
  const lr = await must(await post(`/api/v1/patrols/${q.id}/points`, gw, { points: late }), 200);
  assert.equal(lr.added, 9);
  assert.equal(lr.qualified, true);
  e = await must(await get(`/api/v1/patrols/${q.id}`, gw), 200);
  assert.equal(e.stats.points, 12);
  // a point outside the patrol's time is refused, the batch with it too
  const wrong = await must(await post(`/api/v1/patrols/${q.id}/points`, gw, { points: [{ seq: 99, at: t1 + 86400, lat: b.s + 0.001, lng: b.w + 0.0005 }] }), 400);
  assert.ok(wrong.error.fields['points[0]']);
});

test('compliance per worker and day is computed from the tracks', async () => {
  const c = await must(await get('/api/v1/patrol-compliance?unit_id=3', T.town_official), 200);
  assert.equal(c.target.patrols_per_day, 2);
  const zhao = c.items.find((x) => x.user_name === '赵磊');
  const liu = c.items.find((x) => x.user_name === '刘强');
  assert.ok(liu, 'workers without patrols are listed too');
  assert.ok(zhao.patrols >= 3);
  assert.ok(zhao.qualified >= 2);
  assert.equal(zhao.compliant, true);
  // the worker sees only their own line
  const own = await must(await get('/api/v1/patrol-compliance?unit_id=3', T.grid_worker_grid), 200);
  assert.deepEqual([...new Set(own.items.map((x) => x.user_name))], ['赵磊']);
  // a range of days, and the demo's months behind it
  const range = await must(await get('/api/v1/patrol-compliance?unit_id=2&from=2026-01-01&to=2026-01-31', T.town_official), 200);
  assert.ok(range.items.length >= 2 * 31);
  await must(await get('/api/v1/patrol-compliance?unit_id=3', T.villager), 403);
  await must(await get('/api/v1/patrol-compliance?unit_id=3', T.clerk), 403);
  const bad = await must(await get('/api/v1/patrol-compliance?unit_id=3&from=2026-13-01&to=x', T.town_official), 400);
  assert.ok(bad.error.fields.from && bad.error.fields.to);
  await must(await get('/api/v1/patrol-compliance', T.town_official), 400);
  await must(await get('/api/v1/patrol-compliance?unit_id=99999', T.town_official), 404);
  // lists: the worker's own, the town's all
  const mine = await must(await get('/api/v1/patrols?limit=5', T.grid_worker_grid), 200);
  assert.ok(mine.items.every((x) => x.user_name === '赵磊'));
  const town = await must(await get('/api/v1/patrols?unit_id=3&limit=200', T.town_official), 200);
  assert.ok(new Set(town.items.map((x) => x.user_name)).size === 2);
  const none = await must(await get('/api/v1/patrols?unit_id=3', T.villager), 200);
  assert.equal(none.total, 0);
  await must(await get('/api/v1/patrols?day=2026-02-30', T.town_official), 400);
  await must(await get(`/api/v1/patrols/${A.patrol}`, T.grid_worker), 403);
  // a worker of another grid does not see into this one
  const liuPatrol = (await must(await get('/api/v1/patrols?limit=1', T.grid_worker), 200)).items[0];
  if (liuPatrol && liuPatrol.grid_id !== 12) await must(await get(`/api/v1/patrols/${liuPatrol.id}`, T.grid_worker_grid), 404);
  await must(await get(`/api/v1/patrols/${A.patrol}`, T.clerk), 403);
  await must(await get('/api/v1/patrols/999999', T.town_official), 404);
});

test('patrols: who may record, and bad input', async () => {
  // the village-wide worker chooses a grid; a grid outside their grants is not there
  const liu = T.grid_worker;
  const pick = await must(await post('/api/v1/patrols', liu, {}), 400);
  assert.ok(pick.error.fields.grid_id);
  await must(await post('/api/v1/patrols', T.villager, { grid_id: 12 }), 403);
  await must(await post('/api/v1/patrols', T.cadre, { grid_id: 12 }), 403);
  // another grid of the village is not there for a worker of one grid
  const nogrid = await must(await post('/api/v1/patrols', T.grid_worker_grid, { grid_id: 13 }), 400);
  assert.ok(nogrid.error.fields.grid_id);
  const p = await must(await post('/api/v1/patrols', liu, { grid_id: 13 }), 201);
  await must(await post(`/api/v1/patrols/${p.id}/points`, T.grid_worker_grid, { points: [{ seq: 0, at: 1, lat: 29, lng: 103 }] }), 404);
  await must(await post(`/api/v1/patrols/${p.id}/end`, T.town_official, {}), 403);
  for (const body of [{}, { points: [] }, { points: 'x' }, { points: [{ seq: -1, at: 1, lat: 29, lng: 103 }] }, { points: [{ seq: 1, lat: 29, lng: 103 }] }, { points: [{ seq: 1, at: 1, lat: 91, lng: 103 }] }]) {
    const r = await post(`/api/v1/patrols/${p.id}/points`, liu, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(r.json.error.fields.points);
  }
  const badF = await must(await post(`/api/v1/patrols/${p.id}/findings`, liu, { category: '', note: '', lat: 29 }), 400);
  assert.ok(badF.error.fields.category && badF.error.fields.note && badF.error.fields.lng);
  const badPhoto = await must(await post(`/api/v1/patrols/${p.id}/findings`, liu, { category: '安全', note: '有隐患', photos: ['0'.repeat(64)] }), 400);
  assert.ok(badPhoto.error.fields.photos);
  await must(await post(`/api/v1/patrols/${p.id}/end`, liu, {}), 200);
  await must(await post('/api/v1/patrols/999999/end', liu, {}), 404);
});

test('visits: due by the tags, overdue through the clock, the position checked against the house', async () => {
  let gw = T.grid_worker_grid;
  // a new household in the worker's grid, tagged 独居老人 (weekly)
  const b = A.box;
  const lat = (b.s + b.n) / 2, lng = (b.w + b.e) / 2;
  const hh = await must(await post('/api/v1/households', T.cadre, { village_id: 3, number: 'GV01', address: '东片 8 号', lat, lng, grid_id: 12 }), 201);
  A.visitHh = hh.id;
  await must(await put(`/api/v1/households/${hh.id}/tags`, gw, { tag_ids: [A.tag['独居老人'].id] }), 200);
  let due = await must(await get('/api/v1/visits/due?unit_id=12&within_days=8', gw), 200);
  let mine = due.items.find((x) => x.household_id === hh.id);
  assert.ok(mine, 'due within the week');
  assert.equal(mine.overdue, false);
  assert.equal(mine.days, 7);
  assert.equal(mine.tags, '独居老人');
  await advance(8 * 86400);
  gw = T.grid_worker_grid;
  due = await must(await get('/api/v1/visits/due?unit_id=3&overdue=1', T.town_official), 200);
  mine = due.items.find((x) => x.household_id === hh.id);
  assert.equal(mine.overdue, true);
  assert.ok(due.overdue >= 1);
  // the visit: 30 m north of the house
  const photo = await must(await s.api('POST', '/api/v1/files', { token: gw, raw: pngPixel(200, 10, 90), headers: { 'content-type': 'image/png' } }), 201);
  const v = await must(await post('/api/v1/visits', gw, { household_id: hh.id, notes: '老人身体好，米面充足', lat: lat + 30 / 111195, lng, photos: [photo.hash], idempotency_key: 'visit-key-00001' }), 201);
  assert.ok(Math.abs(v.distance_m - 30) <= 1, String(v.distance_m));
  const again = await must(await post('/api/v1/visits', gw, { household_id: hh.id, notes: '老人身体好，米面充足', lat: lat + 30 / 111195, lng, photos: [photo.hash], idempotency_key: 'visit-key-00001' }), 201);
  assert.equal(again.id, v.id);
  due = await must(await get('/api/v1/visits/due?unit_id=3&overdue=1', T.town_official), 200);
  assert.ok(!due.items.some((x) => x.household_id === hh.id), 'no longer overdue');
  due = await must(await get('/api/v1/visits/due?unit_id=12&within_days=7', gw), 200);
  assert.ok(due.items.some((x) => x.household_id === hh.id && !x.overdue), 'next due in a week');
  const list = await must(await get(`/api/v1/visits?household_id=${hh.id}`, T.town_official), 200);
  assert.equal(list.total, 1);
  assert.equal(list.items[0].user_name, '赵磊');
  assert.equal(list.items[0].distance_m, v.distance_m);
  assert.equal((await get(list.items[0].photos[0].url, T.cadre)).status, 200);
  await must(await get(list.items[0].photos[0].url, T.villager), 403);
  // a visit without a position has no distance
  const nopos = await must(await post('/api/v1/visits', gw, { household_id: hh.id, notes: '电话回访' }), 201);
  assert.equal(nopos.distance_m, null);
  // the demo's overdue households appear on the town's board
  const board = await must(await get('/api/v1/visits/due?unit_id=2&overdue=1', T.town_official), 200);
  assert.ok(board.overdue >= 2);
});

test('visits: permissions and bad input', async () => {
  const gw = T.grid_worker_grid;
  await must(await post('/api/v1/visits', T.cadre, { household_id: A.visitHh, notes: '走访' }), 403);
  await must(await post('/api/v1/visits', T.villager, { household_id: A.visitHh, notes: '走访' }), 400);
  const other = await must(await post('/api/v1/visits', gw, { household_id: A.hhOther, notes: '走访' }), 400);
  assert.ok(other.error.fields.household_id);
  const bad = await must(await post('/api/v1/visits', gw, { household_id: A.visitHh, notes: '', lat: 95, lng: 103 }), 400);
  assert.ok(bad.error.fields.notes && bad.error.fields.lat);
  await must(await get('/api/v1/visits/due?unit_id=3', T.villager), 403);
  await must(await get('/api/v1/visits/due?unit_id=99999', T.town_official), 404);
  await must(await get('/api/v1/visits/due', T.town_official), 400);
  await must(await get('/api/v1/visits?unit_id=3', T.villager), 403);
  const gwList = await must(await get('/api/v1/visits?unit_id=3&limit=200', gw), 200);
  assert.ok(gwList.items.length > 0);
  await must(await get(`/api/v1/visits?household_id=${A.hhOther}`, gw), 404);
});

test('positions: reported by workers, seen by supervisors with their age, thinned and deleted by retention', async () => {
  // the county keeps positions 30 days: set here, whatever the tests before left
  const cur = await must(await get('/api/v1/grid-settings', T.county_admin), 200);
  const keep = { patrols_per_day: cur.patrols_per_day, min_minutes: cur.min_minutes, min_metres: cur.min_metres, min_inside_pct: cur.min_inside_pct };
  assert.equal((await must(await put('/api/v1/grid-settings', T.county_admin, { ...keep, retention_days: 30 }), 200)).retention_days, 30);
  const gw = T.grid_worker_grid;
  await must(await post('/api/v1/positions', T.villager, { points: [{ at: 1, lat: 29, lng: 103 }] }), 403);
  await must(await post('/api/v1/positions', T.cadre, { points: [{ at: 1, lat: 29, lng: 103 }] }), 403);
  const now = await serverNow();
  const bad = await must(await post('/api/v1/positions', gw, { points: [{ at: now + 3600, lat: 29, lng: 103 }] }), 400);
  assert.ok(bad.error.fields['points[0]']);
  await must(await post('/api/v1/positions', gw, { points: [{ at: now, lat: 'x', lng: 103 }] }), 400);
  // thirty positions two days ago, a minute apart, and one now
  const b = A.box;
  const old = [];
  const base = Math.floor((now - 2 * 86400) / 600) * 600;
  for (let i = 0; i < 30; i++) old.push({ at: base + 60 * i, lat: b.s + 0.001 + i * 0.00005, lng: b.w + 0.001, accuracy: 12 });
  const added = await must(await post('/api/v1/positions', gw, { points: [...old, { at: now - 5, lat: b.s + 0.002, lng: b.w + 0.002 }] }), 201);
  assert.equal(added.added, 31);
  const dup = await must(await post('/api/v1/positions', gw, { points: old.slice(0, 3) }), 201);
  assert.equal(dup.added, 0);
  const last = await must(await get('/api/v1/positions?unit_id=3', T.town_official), 200);
  const zhao = last.items.find((x) => x.user_name === '赵磊');
  assert.ok(zhao.age_s >= 0 && zhao.age_s < 60, String(zhao.age_s));
  // a late batch of older positions does not move the worker back on the live map
  const late = await must(await post('/api/v1/positions', gw, { points: [{ at: now - 120, lat: b.s + 0.003, lng: b.w + 0.003 }] }), 201);
  assert.equal(late.added, 1);
  const still = (await must(await get('/api/v1/positions?unit_id=3', T.town_official), 200)).items.find((x) => x.user_name === '赵磊');
  assert.equal(still.lat, zhao.lat);
  assert.equal(still.at, zhao.at);
  // a newer one does
  await must(await post('/api/v1/positions', gw, { points: [{ at: now - 1, lat: b.s + 0.004, lng: b.w + 0.004 }, { at: now - 3, lat: b.s + 0.001, lng: b.w + 0.001 }] }), 201);
  const moved = (await must(await get('/api/v1/positions?unit_id=3', T.town_official), 200)).items.find((x) => x.user_name === '赵磊');
  assert.ok(Math.abs(moved.lat - (b.s + 0.004)) < 1e-6, String(moved.lat));
  await must(await get('/api/v1/positions?unit_id=3', gw), 403);
  await must(await get('/api/v1/positions?unit_id=3', T.villager), 403);
  await must(await get('/api/v1/positions?unit_id=99999', T.town_official), 404);
  await must(await get('/api/v1/positions', T.town_official), 400);
  // the worker sees what is recorded of them
  let mine = await must(await get('/api/v1/positions/mine?limit=200', gw), 200);
  const before = mine.total;
  assert.ok(before >= 31);
  // the scheduler thins what is older than a day to one per ten minutes
  await advance(0);
  mine = await must(await get('/api/v1/positions/mine?limit=200', gw), 200);
  const inWindow = mine.items.filter((x) => { const t = Date.parse(x.at) / 1000; return t >= base && t < base + 1800; });
  assert.equal(inWindow.length, 3);
  assert.ok(mine.items.some((x) => Date.parse(x.at) / 1000 >= now - 60), 'the recent one stays');
  // past the county's retention (30 days) they are gone
  await advance(31 * 86400);
  mine = await must(await get('/api/v1/positions/mine', T.grid_worker_grid), 200);
  assert.equal(mine.total, 0);
  // and no longer on the live map
  const gone = await must(await get('/api/v1/positions?unit_id=3', T.town_official), 200);
  assert.equal(gone.items.length, 0);
});
