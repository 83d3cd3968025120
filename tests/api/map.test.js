// The village map from the project's own data: the county's optional tile server (set,
// read back, checked, refused to those without the right, and let through the pages'
// Content-Security-Policy), the village's roads (added, changed, removed, checked,
// scoped), and the events a grid worker's patrol findings raised, listed for their phone.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const T = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });
const put = (p, token, body) => s.api('PUT', p, { token, body });
const patch = (p, token, body) => s.api('PATCH', p, { token, body });
const del = (p, token) => s.api('DELETE', p, { token });

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'grid_worker_grid', 'villager', 'inspector', 'operator'])
    T[role] = await s.as(role);
});

after(async () => {
  if (s) await s.close();
});

function settingsBody(cur, extra) {
  const { patrols_per_day, min_minutes, min_metres, min_inside_pct, retention_days } = cur;
  return { patrols_per_day, min_minutes, min_metres, min_inside_pct, retention_days, ...extra };
}

test('tile server: none by default; set, read back by the county, checked field by field, audited', async () => {
  const cur = await must(await get('/api/v1/grid-settings', T.county_admin), 200);
  assert.equal(cur.tile_url, '');
  assert.equal(cur.tile_attribution, '');
  // the pages allow images from this site only
  let page = await s.api('GET', '/admin/');
  assert.match(page.headers.get('content-security-policy'), /img-src 'self' data: blob:;/);

  const bad = await must(await put('/api/v1/grid-settings', T.county_admin, settingsBody(cur, { tile_url: 'ftp://tiles.example.cn/{z}/{x}/{y}.png', tile_attribution: '第一行\n第二行' })), 400);
  assert.match(bad.error.fields.tile_url, /http/);
  assert.ok(bad.error.fields.tile_attribution, JSON.stringify(bad.error.fields));
  for (const url of ['https://tiles.example.cn/{z}/{x}.png', 'https://tiles.example.cn/{z}/{x}/{y}.png; script-src *', "https://tiles.example.cn/{z}/{x}/{y}.png'",
    'https://{z}.example.cn/{z}/{x}/{y}.png', `https://tiles.example.cn/${'a'.repeat(600)}/{z}/{x}/{y}.png`]) {
    const r = await must(await put('/api/v1/grid-settings', T.county_admin, settingsBody(cur, { tile_url: url })), 400);
    assert.ok(r.error.fields.tile_url, url);
    assert.match(r.error.fields.tile_url, /[\u4e00-\u9fff]/);
  }
  // nothing changed by the refusals
  assert.equal((await must(await get('/api/v1/grid-settings', T.county_admin), 200)).tile_url, '');

  // only the county's admin sets it
  for (const who of ['cadre', 'town_official', 'grid_worker', 'operator', 'inspector']) {
    const r = await put('/api/v1/grid-settings', T[who], settingsBody(cur, { tile_url: 'https://tiles.example.cn/{z}/{x}/{y}.png' }));
    assert.ok(r.status === 403 || r.status === 404, `${who} ${r.status}`);
  }
  const vr = await put('/api/v1/grid-settings', T.villager, settingsBody(cur, { tile_url: 'https://tiles.example.cn/{z}/{x}/{y}.png' }));
  assert.ok(vr.status === 403 || vr.status === 404, String(vr.status));

  const url = 'https://{s}.tiles.county.example.cn:8443/osm/{z}/{x}/{y}.png';
  const set = await must(await put('/api/v1/grid-settings', T.county_admin, settingsBody(cur, { tile_url: url, tile_attribution: '© 县自然资源局' })), 200);
  assert.equal(set.tile_url, url);
  assert.equal(set.tile_attribution, '© 县自然资源局');
  // read back by everyone who draws a map in the county
  for (const who of ['cadre', 'grid_worker', 'grid_worker_grid', 'town_official']) {
    const r = await must(await get('/api/v1/grid-settings', T[who]), 200);
    assert.equal(r.tile_url, url, who);
  }
  // a change that does not name it keeps it (older forms send only the target)
  const kept = await must(await put('/api/v1/grid-settings', T.county_admin, settingsBody(cur, { patrols_per_day: cur.patrols_per_day })), 200);
  assert.equal(kept.tile_url, url);
  // the pages now let images come from that server too
  page = await s.api('GET', '/admin/grid-map');
  assert.match(page.headers.get('content-security-policy'), /img-src 'self' data: blob: https:\/\/\*\.tiles\.county\.example\.cn:8443;/);
  // audited on the county's chain
  const audit = await must(await get('/api/v1/audit?unit_id=1&object_type=grid_settings&limit=5', T.county_admin), 200);
  const row = audit.items.find((a) => a.after && a.after.tile_url === url && a.before.tile_url === '');
  assert.ok(row, JSON.stringify(audit.items.slice(0, 2)));
  assert.equal(row.before.tile_url, '');

  // cleared again: no tiles, and the pages back to this site only
  const cleared = await must(await put('/api/v1/grid-settings', T.county_admin, settingsBody(cur, { tile_url: '', tile_attribution: '' })), 200);
  assert.equal(cleared.tile_url, '');
  page = await s.api('GET', '/admin/');
  assert.match(page.headers.get('content-security-policy'), /img-src 'self' data: blob:;/);
});

const line = (pts) => ({ type: 'LineString', coordinates: pts });

test('roads: the demo village has them; read by who reads the map; written by its cadre only; checked and scoped', async () => {
  const demo = await must(await get('/api/v1/villages/3/roads', T.cadre), 200);
  const kinds = new Set(demo.items.map((r) => r.kind));
  for (const k of ['main', 'village', 'farm', 'path']) assert.ok(kinds.has(k), k);
  assert.ok(demo.items.every((r) => r.geometry.type === 'LineString' && r.geometry.coordinates.length >= 2));
  for (const who of ['grid_worker', 'grid_worker_grid', 'town_official', 'inspector']) {
    const r = await must(await get('/api/v1/villages/3/roads', T[who]), 200);
    assert.equal(r.items.length, demo.items.length, who);
  }
  await must(await get('/api/v1/villages/3/roads', T.villager), 403);
  await must(await get('/api/v1/villages/3/roads'), 401);
  await must(await get('/api/v1/villages/99999/roads', T.cadre), 404);

  // another village of the county: outside the cadre's grants
  const other = await must(await post('/api/v1/units', T.county_admin, { parent_id: 2, kind: 'village', code: 'MAP-V2', name: '绿水村' }), 201);
  await must(await get(`/api/v1/villages/${other.id}/roads`, T.cadre), 404);
  await must(await post('/api/v1/roads', T.cadre, { village_id: other.id, name: '外村路', kind: 'village', geometry: line([[103.8, 29.1], [103.81, 29.11]]) }), 404);

  // every bad field at once, in Chinese, naming the field
  const bad = await must(await post('/api/v1/roads', T.cadre, { village_id: 3, name: '', kind: 'highway', geometry: line([[103.8, 29.1]]) }), 400);
  assert.ok(bad.error.fields.name && bad.error.fields.kind && bad.error.fields.geometry, JSON.stringify(bad.error.fields));
  assert.match(bad.error.fields.geometry, /点/);
  for (const g of [{ type: 'Polygon', coordinates: [[[103.8, 29.1], [103.81, 29.1], [103.81, 29.11], [103.8, 29.1]]] }, line([[103.8, 29.1], [200, 29.1]]),
    line(Array.from({ length: 1001 }, (_, i) => [103.8 + i * 1e-5, 29.1]))]) {
    const r = await must(await post('/api/v1/roads', T.cadre, { village_id: 3, name: '新路', kind: 'village', geometry: g }), 400);
    assert.ok(r.error.fields.geometry, JSON.stringify(r.error.fields));
  }
  const missing = await must(await post('/api/v1/roads', T.cadre, { village_id: 3, name: '新路', kind: 'village' }), 400);
  assert.ok(missing.error.fields.geometry);

  // the grid worker reads the map but does not draw it; the town neither
  const body = { village_id: 3, name: '学校后门路', kind: 'path', geometry: line([[103.801, 29.101], [103.802, 29.1015], [103.803, 29.1012]]) };
  await must(await post('/api/v1/roads', T.grid_worker_grid, body), 403);
  await must(await post('/api/v1/roads', T.grid_worker, body), 403);
  await must(await post('/api/v1/roads', T.town_official, body), 403);
  await must(await post('/api/v1/roads', T.villager, body), 403);
  const made = await must(await post('/api/v1/roads', T.cadre, body), 201);
  let list = await must(await get('/api/v1/villages/3/roads', T.grid_worker_grid), 200);
  const got = list.items.find((r) => r.id === made.id);
  assert.deepEqual(got.geometry.coordinates, body.geometry.coordinates);
  assert.equal(got.name, '学校后门路');

  await must(await patch(`/api/v1/roads/${made.id}`, T.grid_worker_grid, { name: '改名' }), 403);
  const badPatch = await must(await patch(`/api/v1/roads/${made.id}`, T.cadre, { kind: 'river', geometry: line([]) }), 400);
  assert.ok(badPatch.error.fields.kind && badPatch.error.fields.geometry);
  await must(await patch(`/api/v1/roads/${made.id}`, T.cadre, { name: '学校后门水泥路', kind: 'village' }), 200);
  list = await must(await get('/api/v1/villages/3/roads', T.cadre), 200);
  const changed = list.items.find((r) => r.id === made.id);
  assert.equal(changed.name, '学校后门水泥路');
  assert.equal(changed.kind, 'village');
  assert.deepEqual(changed.geometry.coordinates, body.geometry.coordinates);

  await must(await del(`/api/v1/roads/${made.id}`, T.grid_worker_grid), 403);
  await must(await del(`/api/v1/roads/${made.id}`, T.cadre), 200);
  await must(await del(`/api/v1/roads/${made.id}`, T.cadre), 409);
  await must(await del('/api/v1/roads/99999', T.cadre), 404);
  list = await must(await get('/api/v1/villages/3/roads', T.cadre), 200);
  assert.ok(!list.items.some((r) => r.id === made.id));

  const audit = await must(await get(`/api/v1/audit?unit_id=3&object_type=map_road&object_id=${made.id}`, T.cadre), 200);
  assert.deepEqual(audit.items.map((a) => a.action).sort(), ['create', 'remove', 'update']);
});

test('events from patrols: the worker lists those their findings raised, with state and deadline', async () => {
  const gw = T.grid_worker_grid;
  const demo = await must(await get('/api/v1/patrol-findings/events', gw), 200);
  assert.ok(demo.items.length >= 2, String(demo.items.length));
  const states = new Set(demo.items.map((i) => i.event.state));
  assert.ok(states.size >= 2, [...states].join());
  assert.ok(demo.items.every((i) => i.event.id && i.finding_id && i.category));

  // a new finding reported as an event appears first, pending, with its acceptance deadline
  const p = await must(await post('/api/v1/patrols', gw, {}), 201);
  const f = await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '道路设施', note: '桥头护栏松动，需尽快加固' }), 201);
  const rep = await must(await post(`/api/v1/patrol-findings/${f.id}/event`, gw, { category_id: 1 }), 201);
  await must(await post(`/api/v1/patrols/${p.id}/end`, gw, {}), 200);
  const mine = await must(await get('/api/v1/patrol-findings/events', gw), 200);
  assert.equal(mine.items[0].finding_id, f.id);
  assert.equal(mine.items[0].event.id, rep.event_id);
  assert.equal(mine.items[0].event.state, 'pending');
  assert.ok(mine.items[0].event.deadline);

  // accepted and handled by the village: the list follows the event
  await must(await post(`/api/v1/events/${rep.event_id}/actions/accept`, T.cadre, {}), 200);
  const after = await must(await get('/api/v1/patrol-findings/events', gw), 200);
  assert.equal(after.items[0].event.state, 'accepted');

  // another worker's list does not have it; nobody else's findings in a villager's
  const other = await must(await get('/api/v1/patrol-findings/events', T.grid_worker), 200);
  assert.ok(!other.items.some((i) => i.event.id === rep.event_id));
  assert.deepEqual((await must(await get('/api/v1/patrol-findings/events', T.villager), 200)).items, []);
  await must(await get('/api/v1/patrol-findings/events'), 401);
  const badLimit = await must(await get('/api/v1/patrol-findings/events?limit=0', gw), 400);
  assert.ok(badLimit.error.fields.limit);
});
