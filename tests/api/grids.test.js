// Grids 网格: created as units of a village, boundaries checked, households placed by
// boundary or one by one, and the grid scope of grid workers and assessors: they read,
// claim for and review the households of their grid only; rankings by grid.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, PHONES } = require('./lib');

let s;
const T = {};
const A = {};
const R = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const get = (p, token) => s.api('GET', p, { token });

// Dates in China Standard Time.
function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

function rect(w, so, e, n) {
  return { type: 'Polygon', coordinates: [[[w, so], [e, so], [e, n], [w, n], [w, so]]] };
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'cadre', 'grid_worker', 'villager', 'clerk'])
    T[role] = await s.as(role);
  const cadre = await must(await get('/api/v1/session', T.cadre), 200);
  A.village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  const rules = await must(await get(`/api/v1/units/${A.village}/rules?limit=200`, T.cadre), 200);
  for (const r of rules.items) R[r.name] = r;
});

after(async () => {
  if (s) await s.close();
});

test('the demo village is divided into three grids that hold every household', async () => {
  const g = await must(await get(`/api/v1/villages/${A.village}/grids`, T.cadre), 200);
  assert.deepEqual(g.items.map((x) => x.name), ['东片网格', '中片网格', '西片网格']);
  const all = await must(await get(`/api/v1/households?unit_id=${A.village}&limit=1`, T.cadre), 200);
  assert.equal(g.items.reduce((n, x) => n + x.households, 0), all.total);
  for (const x of g.items) {
    assert.match(x.color, /^#[0-9A-F]{6}$/i);
    assert.equal(x.boundary.type, 'Polygon');
  }
  // the demo's second grid worker is granted on the first grid
  assert.deepEqual(g.items[0].staff.map((p) => [p.role, p.name]), [['grid_worker', '赵磊']]);
  A.grids = g.items;
  // the units list shows grids beside the groups, with their household counts
  const units = await must(await get(`/api/v1/units?parent_id=${A.village}`, T.cadre), 200);
  const grids = units.items.filter((u) => u.kind === 'grid');
  assert.deepEqual(grids.map((u) => u.households), g.items.map((x) => x.households));
  // a villager sees the grids of their village (names and workers are posted there)
  await must(await get(`/api/v1/villages/${A.village}/grids`, T.villager), 200);
});

test('creating a grid: under a village only, by its cadre', async () => {
  const groups = (await must(await get(`/api/v1/units?parent_id=${A.village}`, T.cadre), 200)).items.filter((u) => u.kind === 'group');
  const bad = await s.api('POST', '/api/v1/units', { token: T.cadre, body: { parent_id: groups[0].id, kind: 'grid', code: 'G-BAD', name: '错网格' } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.kind, /group.*grid/);
  const villager = await s.api('POST', '/api/v1/units', { token: T.villager, body: { parent_id: A.village, kind: 'grid', code: 'G-V', name: '村民网格' } });
  assert.equal(villager.status, 403);
  const created = await must(await s.api('POST', '/api/v1/units', { token: T.cadre, body: { parent_id: A.village, kind: 'grid', code: 'G-NEW', name: '新网格' } }), 201);
  assert.equal(created.kind, 'grid');
  A.newGrid = created.id;
  const g = await must(await get(`/api/v1/grids/${A.newGrid}`, T.cadre), 200);
  assert.equal(g.boundary, null);
  assert.equal(g.households, 0);
  // renaming works as for any unit
  await must(await s.api('PATCH', `/api/v1/units/${A.newGrid}`, { token: T.cadre, body: { name: '村委会网格' } }), 200);
});

test('a boundary must be a closed GeoJSON polygon; errors name the field and change nothing', async () => {
  const put = (body, token = T.cadre) => s.api('PUT', `/api/v1/grids/${A.newGrid}`, { token, body });
  const cases = [
    [{ boundary: { type: 'Point', coordinates: [104, 30] } }, 'boundary', /Polygon/],
    [{ boundary: { type: 'Polygon', coordinates: [[[104, 30], [104.1, 30], [104, 30.1]]] } }, 'boundary', /至少要有 4 个点/],
    [{ boundary: { type: 'Polygon', coordinates: [[[104, 30], [104.1, 30], [104.1, 30.1], [104, 30.2]]] } }, 'boundary', /没有闭合/],
    [{ boundary: { type: 'Polygon', coordinates: [[[104, 30], [204, 30], [104.1, 30.1], [104, 30]]] } }, 'boundary', /第 2 个点/],
    [{ boundary: 'POLYGON((1 2))' }, 'boundary', /对象/],
    [{ color: 'red' }, 'color', /#RRGGBB/],
    [{ colour: '#FF0000' }, 'colour', /未知字段/],
  ];
  for (const [body, field, re] of cases) {
    const r = await put(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.json.error.fields[field], re, JSON.stringify(r.json));
  }
  const g = await must(await get(`/api/v1/grids/${A.newGrid}`, T.cadre), 200);
  assert.equal(g.boundary, null);
  // only the village's cadres may draw
  assert.equal((await put({ color: '#00FF00' }, T.grid_worker)).status, 403);
  assert.equal((await put({ color: '#00FF00' }, T.villager)).status, 403);
  // placing households needs a boundary first
  const early = await s.api('POST', `/api/v1/grids/${A.newGrid}/assign`, { token: T.cadre, body: {} });
  assert.equal(early.status, 409);
  assert.match(early.json.error.message, /还没有边界/);
});

test('placing households by boundary moves exactly those inside it', async () => {
  const map = await must(await get(`/api/v1/villages/${A.village}/map`, T.cadre), 200);
  const all = await must(await get(`/api/v1/households?unit_id=${A.village}&limit=1`, T.cadre), 200);
  assert.equal(map.households.length, all.total);
  // a box around the five households with the smallest longitude
  const west = [...map.households].sort((a, b) => a.lng - b.lng).slice(0, 5);
  const lngs = west.map((h) => h.lng);
  const lats = west.map((h) => h.lat);
  const cut = (map.households.map((h) => h.lng).sort((a, b) => a - b)[5] + Math.max(...lngs)) / 2;
  const box = rect(Math.min(...lngs) - 0.001, Math.min(...lats) - 0.001, cut, Math.max(...lats) + 0.001);
  const inside = map.households.filter((h) => h.lng >= box.coordinates[0][0][0] && h.lng <= cut &&
    h.lat >= box.coordinates[0][0][1] && h.lat <= box.coordinates[0][2][1]);
  assert.equal(inside.length, 5);
  const g = await must(await s.api('PUT', `/api/v1/grids/${A.newGrid}`, { token: T.cadre, body: { boundary: box, color: '#112233' } }), 200);
  assert.equal(g.color, '#112233');
  g.boundary.coordinates[0].forEach(([lng, lat], i) => {
    assert.ok(Math.abs(lng - box.coordinates[0][i][0]) < 1e-9 && Math.abs(lat - box.coordinates[0][i][1]) < 1e-9);
  });
  const r = await must(await s.api('POST', `/api/v1/grids/${A.newGrid}/assign`, { token: T.cadre, body: {} }), 200);
  assert.equal(r.assigned, 5);
  const again = await must(await s.api('POST', `/api/v1/grids/${A.newGrid}/assign`, { token: T.cadre, body: {} }), 200);
  assert.equal(again.assigned, 0);
  const listed = await must(await get(`/api/v1/households?unit_id=${A.newGrid}&limit=50`, T.cadre), 200);
  assert.deepEqual(listed.items.map((h) => h.id).sort((a, b) => a - b), inside.map((h) => h.id).sort((a, b) => a - b));
  assert.ok(listed.items.every((h) => h.grid_id === A.newGrid && h.grid_name === '村委会网格'));
  // a villager may not move households
  assert.equal((await s.api('POST', `/api/v1/grids/${A.newGrid}/assign`, { token: T.villager, body: {} })).status, 403);
  // the audit log has the move
  const audit = await must(await get(`/api/v1/audit?unit_id=${A.village}&limit=20`, T.cadre), 200);
  assert.ok(audit.items.some((e) => e.object_type === 'grid' && e.action === 'assign'), JSON.stringify(audit.items.slice(0, 3)));
  const drawn = audit.items.find((e) => e.object_type === 'grid' && e.action === 'update' && e.object_id === A.newGrid);
  assert.deepEqual([drawn.before.boundary_points, drawn.after.boundary_points, drawn.after.color], [0, 5, '#112233']);
  A.moved = inside.map((h) => h.id);
});

test('one household at a time: a grid of the same village, or none', async () => {
  const h = A.moved[0];
  const other = await must(await s.api('POST', '/api/v1/units', { token: T.county_admin, body: { parent_id: 1, kind: 'town', code: 'GRID-T2', name: '河湾镇' } }), 201);
  const v2 = await must(await s.api('POST', '/api/v1/units', { token: T.county_admin, body: { parent_id: other.id, kind: 'village', code: 'GRID-V2', name: '红岩村' } }), 201);
  const foreign = await must(await s.api('POST', '/api/v1/units', { token: T.county_admin, body: { parent_id: v2.id, kind: 'grid', code: 'GRID-V2-W1', name: '红岩网格' } }), 201);
  const bad = await s.api('PATCH', `/api/v1/households/${h}`, { token: T.cadre, body: { grid_id: foreign.id } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.grid_id, /网格不存在或不属于该村/);
  const asGroup = await s.api('PATCH', `/api/v1/households/${h}`, { token: T.cadre, body: { grid_id: A.grids[0].id - 100000 } });
  assert.equal(asGroup.status, 400);
  const moved = await must(await s.api('PATCH', `/api/v1/households/${h}`, { token: T.cadre, body: { grid_id: A.grids[1].id } }), 200);
  assert.equal(moved.grid_id, A.grids[1].id);
  const out = await must(await s.api('PATCH', `/api/v1/households/${h}`, { token: T.cadre, body: { grid_id: null } }), 200);
  assert.equal(out.grid_id, null);
  const back = await must(await s.api('PATCH', `/api/v1/households/${h}`, { token: T.cadre, body: { grid_id: A.newGrid } }), 200);
  assert.equal(back.grid_name, '村委会网格');
});

test('a grid worker of a grid reads and claims for the households of that grid only', async () => {
  const worker = await s.login(PHONES.grid_worker_grid);
  const grid = A.grids[0];
  const list = await must(await get('/api/v1/households?limit=500', worker), 200);
  assert.equal(list.total, grid.households);
  assert.ok(list.items.every((h) => h.grid_id === grid.id));
  const mine = list.items[0].id;
  const outside = (await must(await get(`/api/v1/households?unit_id=${A.grids[1].id}&limit=1`, T.cadre), 200)).items[0].id;
  const detail = await must(await get(`/api/v1/households/${mine}`, worker), 200);
  assert.equal((await get(`/api/v1/households/${outside}`, worker)).status, 404);
  // the map shows the grid's households only
  const map = await must(await get(`/api/v1/villages/${A.village}/map`, worker), 200);
  assert.equal(map.households.length, grid.households);

  const body = (household, resident) => ({ household_id: household, resident_id: resident, rule_id: R['参加治安巡逻'].id, occurred_on: today(), description: '夜间巡逻' });
  const c = await must(await s.api('POST', '/api/v1/claims', { token: worker, body: body(mine, detail.members[0].id) }), 201);
  assert.equal(c.household_id, mine);
  assert.equal(c.created_by, (await must(await get('/api/v1/session', worker), 200)).user_id);
  const outsider = await must(await get(`/api/v1/households/${outside}`, T.cadre), 200);
  const refused = await s.api('POST', '/api/v1/claims', { token: worker, body: body(outside, outsider.members[0].id) });
  // outside their grid a household is not theirs to see: as if it did not exist
  assert.equal(refused.status, 404);
  A.gridClaim = c.id;
  A.outside = outside;
  A.outsideResident = outsider.members[0].id;
});

test('an assessor group of a grid reviews the claims of that grid only', async () => {
  const user = await must(await s.api('POST', '/api/v1/users', { token: T.county_admin, body: { phone: '13733330000', name: '周评议', password: 'Assessor-2026' } }), 201);
  // assessors fit on grids; clerks do not
  const wrong = await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: T.county_admin, body: { role: 'clerk', unit_id: A.grids[0].id } });
  assert.equal(wrong.status, 400);
  await must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: T.county_admin, body: { role: 'assessor', unit_id: A.grids[0].id } }), 200);
  const assessor = await s.login('13733330000', 'Assessor-2026');
  // a claim outside the grid, by the village-wide grid worker
  const c2 = await must(await s.api('POST', '/api/v1/claims', { token: T.grid_worker, body: { household_id: A.outside, resident_id: A.outsideResident, rule_id: R['参加治安巡逻'].id, occurred_on: today() } }), 201);
  const queue = await must(await get('/api/v1/claims?queue=1&limit=100', assessor), 200);
  const ids = queue.items.map((x) => x.id);
  assert.ok(ids.includes(A.gridClaim));
  assert.ok(!ids.includes(c2.id));
  const no = await s.api('POST', `/api/v1/claims/${c2.id}/review`, { token: assessor, body: { decision: 'approve' } });
  assert.equal(no.status, 404, no.text);
  const yes = await must(await s.api('POST', `/api/v1/claims/${A.gridClaim}/review`, { token: assessor, body: { decision: 'approve' } }), 200);
  assert.equal(yes.status, 'approved');
});

test('rankings by grid: the grid\'s households, published like a group\'s', async () => {
  const month = today().slice(0, 7);
  const r = await must(await get(`/api/v1/rankings?unit_id=${A.grids[0].id}&period=${month}`, T.cadre), 200);
  assert.equal(r.unit_kind, 'grid');
  assert.equal(r.rows.length, A.grids[0].households);
  const members = new Set((await must(await get(`/api/v1/households?unit_id=${A.grids[0].id}&limit=500`, T.cadre), 200)).items.map((h) => h.id));
  assert.ok(r.rows.every((row) => members.has(row.household_id)));
  // the grid worker sees the ranking of their village's grid
  await must(await get(`/api/v1/rankings?unit_id=${A.grids[0].id}&period=${month}`, await s.login(PHONES.grid_worker_grid)), 200);
});

test('the registered share 入住率 of a grid counts its own households', async () => {
  const village = await must(await get(`/api/v1/stats/register?unit_id=${A.village}`, T.cadre), 200);
  let households = 0;
  let registered = 0;
  for (const g of A.grids) {
    const r = await must(await get(`/api/v1/stats/register?unit_id=${g.id}`, T.cadre), 200);
    const now = await must(await get(`/api/v1/grids/${g.id}`, T.cadre), 200);
    assert.equal(r.households, now.households);
    households += r.households;
    registered += r.registered;
  }
  const extra = await must(await get(`/api/v1/stats/register?unit_id=${A.newGrid}`, T.cadre), 200);
  assert.equal(households + extra.households, village.households);
  assert.equal(registered + extra.registered, village.registered);
  assert.ok(village.registered >= 1, 'the demo villager has an account');
  // the grid worker of a grid reads their grid's share, not another's
  const worker = await s.login(PHONES.grid_worker_grid);
  await must(await get(`/api/v1/stats/register?unit_id=${A.grids[0].id}`, worker), 200);
  assert.equal((await get(`/api/v1/stats/register?unit_id=${A.grids[1].id}`, worker)).status, 404); // another grid: outside every grant
});

test("a household's grid workers, with a phone to call: the grid's own, else the village's", async () => {
  const session = await must(await get('/api/v1/session', T.villager), 200);
  const own = await must(await get(`/api/v1/households/${session.household_id}`, T.villager), 200);
  const grids = await must(await get(`/api/v1/villages/${A.village}/grids`, T.cadre), 200);
  const grid = grids.items.find((g) => g.id === own.grid_id);
  const gridWorkers = grid ? grid.staff.filter((p) => p.role === 'grid_worker' || p.role === 'grid_leader') : [];
  // the demo: 赵磊 on the first grid, 刘强 on the whole village
  const expect = gridWorkers.length ? gridWorkers.map((p) => p.name) : ['刘强'];
  assert.deepEqual(own.grid_workers.map((p) => p.name), expect);
  for (const p of own.grid_workers) {
    assert.match(p.phone, /^1\d{10}$/);
    assert.equal(p.role_label, '网格员');
  }
  // a household of the first grid has 赵磊, with his phone
  const first = grids.items[0];
  const inFirst = await must(await get(`/api/v1/households?unit_id=${first.id}&limit=1`, T.cadre), 200);
  const h = await must(await get(`/api/v1/households/${inFirst.items[0].id}`, T.cadre), 200);
  assert.deepEqual(h.grid_workers.map((p) => [p.name, p.phone]), [['赵磊', PHONES.grid_worker_grid]]);
  // out of the grid: nothing moves but the household; a household outside every grid gets the village's
  await must(await s.api('PATCH', `/api/v1/households/${h.id}`, { token: T.cadre, body: { grid_id: null } }), 200);
  const out = await must(await get(`/api/v1/households/${h.id}`, T.cadre), 200);
  assert.deepEqual(out.grid_workers.map((p) => [p.name, p.phone]), [['刘强', PHONES.grid_worker]]);
  await must(await s.api('PATCH', `/api/v1/households/${h.id}`, { token: T.cadre, body: { grid_id: first.id } }), 200);
  // another household's page, and so its workers' phones, stays closed to the villager
  assert.equal((await get(`/api/v1/households/${h.id}`, T.villager)).status, 404);
});
