// The grid workers' allowance 网格员津贴: the county's rule with named field errors,
// a worker's month computed from known patrols, visits and events moved through the
// test clock, approval that freezes it, the XLSX for payment, refusals by role and
// scope; and the places on the village map with the camera links only for the roles
// allowed.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startServer, PHONES } = require('./lib');

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
// Asia/Shanghai calendar parts of an instant
function cn(t) {
  const d = new Date((t + 8 * 3600) * 1000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), wd: d.getUTCDay() };
}
const pad = (n) => String(n).padStart(2, '0');
const cnTime = (y, m, d, h) => Date.UTC(y, m - 1, d, h - 8, 0, 0) / 1000;

// The text of the shared strings of an XLSX (a zip): every string cell.
function xlsxStrings(buf) {
  let out = '';
  for (let i = 0; i + 30 < buf.length; i++) {
    if (buf.readUInt32LE(i) !== 0x04034b50) continue;
    const method = buf.readUInt16LE(i + 8), size = buf.readUInt32LE(i + 18);
    const nlen = buf.readUInt16LE(i + 26), xlen = buf.readUInt16LE(i + 28);
    const name = buf.slice(i + 30, i + 30 + nlen).toString();
    const data = buf.slice(i + 30 + nlen + xlen, i + 30 + nlen + xlen + size);
    if (name === 'xl/sharedStrings.xml') out += method === 8 ? zlib.inflateRawSync(data).toString() : data.toString();
  }
  return out;
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'grid_worker_grid', 'villager', 'inspector'])
    T[role] = await s.as(role);
  const g = await must(await get('/api/v1/grids/12', T.cadre), 200);
  const ring = g.boundary.coordinates[0];
  A.box = { w: Math.min(...ring.map((p) => p[0])), e: Math.max(...ring.map((p) => p[0])), s: Math.min(...ring.map((p) => p[1])), n: Math.max(...ring.map((p) => p[1])) };
});

after(async () => {
  if (s) await s.close();
});

test('the demo: the rule and three past months approved for 青山村’s grid workers', async () => {
  const rule = await must(await get('/api/v1/allowance-rule', T.grid_worker_grid), 200);
  assert.equal(rule.set, true);
  assert.ok(rule.base_fen > 0);
  const mine = await must(await get('/api/v1/allowances/mine', T.grid_worker_grid), 200);
  assert.equal(mine.items.length, 3);
  for (const a of mine.items) {
    assert.equal(a.status, 'approved');
    assert.equal(a.user_name, '赵磊');
    const c = a.components;
    const sum = c.base_fen + c.patrol_fen + c.missed_fen + c.visit_fen + c.late_visit_fen + c.event_fen;
    assert.equal(a.total_fen, a.capped ? Math.min(Math.max(sum, 0), a.rule.max_fen || Infinity) : sum);
  }
  const town = await must(await get(`/api/v1/allowances?unit_id=2&month=${mine.items[0].month}`, T.town_official), 200);
  assert.deepEqual(town.items.map((a) => a.user_name).sort(), ['刘强', '赵磊']);
});

test('the rule: only the county sets it, every bad amount named in Chinese', async () => {
  const good = { base_fen: 50000, patrol_day_fen: 1000, missed_day_fen: 2000, visit_fen: 500, late_visit_fen: 1000, event_fen: 1500, max_fen: 0 };
  await must(await put('/api/v1/allowance-rule', T.town_official, good), 403);
  await must(await put('/api/v1/allowance-rule', T.cadre, good), 403);
  await must(await put('/api/v1/allowance-rule', T.villager, good), 403);
  await must(await put('/api/v1/allowance-rule', undefined, good), 401);
  const bad = await must(await put('/api/v1/allowance-rule', T.county_admin, { ...good, base_fen: -1, patrol_day_fen: 200000, event_fen: -5 }), 400);
  assert.deepEqual(Object.keys(bad.error.fields).sort(), ['base_fen', 'event_fen', 'patrol_day_fen']);
  assert.match(bad.error.fields.base_fen, /基本津贴.*元/);
  assert.match(bad.error.fields.patrol_day_fen, /巡查达标日/);
  const cap = await must(await put('/api/v1/allowance-rule', T.county_admin, { ...good, max_fen: 100 }), 400);
  assert.match(cap.error.fields.max_fen, /上限/);
  const missing = await must(await put('/api/v1/allowance-rule', T.county_admin, { base_fen: 1 }), 400);
  assert.ok(missing.error.fields.visit_fen && missing.error.fields.event_fen);
  await must(await get('/api/v1/allowance-rule?county_id=99999', T.county_admin), 404);
  const saved = await must(await put('/api/v1/allowance-rule', T.county_admin, good), 200);
  assert.equal(saved.event_fen, 1500);
  assert.equal(saved.max_fen, 0);
  const audit = await must(await get('/api/v1/audit?unit_id=1&object_type=allowance_rule', T.county_admin), 200);
  assert.ok(audit.items.some((e) => e.action === 'update'));
});

test('a month computed from known patrols, visits and events; approval freezes it', async () => {
  // one patrol of 5 minutes and 300 m a day is the target here
  await must(await put('/api/v1/grid-settings', T.county_admin, { patrols_per_day: 1, min_minutes: 5, min_metres: 300, min_inside_pct: 80, retention_days: 90 }), 200);
  // the weekly household of 赵磊's grid that the demo visited last, and a new one
  const due = await must(await get('/api/v1/visits/due?unit_id=12&within_days=366', T.grid_worker_grid), 200);
  const weekly = due.items.find((x) => x.days === 7 && x.last_visit);
  assert.ok(weekly, 'a weekly household visited before');
  const b = A.box;
  const lat = (b.s + b.n) / 2, lng = (b.w + b.e) / 2;
  const fresh = await must(await post('/api/v1/households', T.cadre, { village_id: 3, number: 'AL01', address: '东片 9 号', lat, lng, grid_id: 12 }), 201);
  // to the first day of a month well after the demo's records, 09:00
  const now = await serverNow();
  const later = cn(now + 40 * 86400);
  const M = `${later.y}-${pad(later.m)}`;
  await advance(cnTime(later.y, later.m, 1, 9) - now);
  await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 2, month: `${later.m === 12 ? later.y + 1 : later.y}-${pad(later.m === 12 ? 1 : later.m + 1)}` }), 400);
  // day 1: a patrol that meets the target, with two findings reported as events
  let gw = T.grid_worker_grid;
  const p = await must(await post('/api/v1/patrols', gw, {}), 201);
  const t0 = await serverNow();
  await advance(13 * 60);
  gw = T.grid_worker_grid;
  const pts = [];
  for (let i = 0; i < 13; i++) pts.push({ seq: i, at: t0 + 60 * i, lat: b.s + 0.001 + 0.0005 * i, lng: b.w + 0.0005 });
  await must(await post(`/api/v1/patrols/${p.id}/points`, gw, { points: pts }), 200);
  const f1 = await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '安全隐患', note: '桥栏杆松动', event_category_id: 1 }), 201);
  await must(await post(`/api/v1/patrols/${p.id}/findings`, gw, { category: '环境卫生', note: '路边堆了垃圾', event_category_id: 1 }), 201);
  const ended = await must(await post(`/api/v1/patrols/${p.id}/end`, gw, {}), 200);
  assert.equal(ended.qualified, true);
  await must(await post(`/api/v1/events/${f1.event_id}/actions/accept`, T.cadre, {}), 200);
  // visits: the weekly household weeks after its last visit (late), the new one (first)
  await must(await post('/api/v1/visits', gw, { household_id: weekly.household_id, notes: '老人在家，身体尚可' }), 201);
  await must(await post('/api/v1/visits', gw, { household_id: fresh.id, notes: '新登记户，了解情况' }), 201);
  // day 2: the weekly household again (on time)
  await advance(86400);
  await must(await post('/api/v1/visits', T.grid_worker_grid, { household_id: weekly.household_id, notes: '送药上门' }), 201);
  // day 4: the town computes the month so far (days 1 to 3)
  await advance(2 * 86400);
  const cal = await must(await get(`/api/v1/holidays?year=${later.y}`, T.cadre), 200);
  const working = (d) => {
    const day = `${later.y}-${pad(later.m)}-${pad(d)}`;
    const e = cal.items.find((x) => x.day === day);
    if (e) return e.kind === 'workday';
    const wd = new Date(Date.UTC(later.y, later.m - 1, d)).getUTCDay();
    return wd !== 0 && wd !== 6;
  };
  await must(await post('/api/v1/allowances/compute', T.grid_worker_grid, { unit_id: 2, month: M }), 403);
  await must(await post('/api/v1/allowances/compute', T.cadre, { unit_id: 2, month: M }), 403);
  await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 99999, month: M }), 404);
  const badm = await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 2, month: '2026-13' }), 400);
  assert.match(badm.error.fields.month, /月份/);
  const vill = await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 3, month: M }), 400);
  assert.match(vill.error.fields.unit_id, /乡镇/);
  const comp = await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 2, month: M }), 200);
  const zhao = comp.items.find((a) => a.user_name === '赵磊');
  const missed = [2, 3].filter(working).length;
  assert.equal(zhao.days_counted, 3);
  assert.equal(zhao.compliant_days, 1);
  assert.equal(zhao.missed_days, missed);
  assert.equal(zhao.visits_on_time, 2);
  assert.equal(zhao.visits_late, 1);
  assert.equal(zhao.events, 1, 'the accepted event counts, the pending one does not');
  assert.deepEqual(zhao.components, { base_fen: 50000, patrol_fen: 1000, missed_fen: missed ? -2000 * missed : 0, visit_fen: 1000, late_visit_fen: -1000, event_fen: 1500 });
  assert.equal(zhao.total_fen, 50000 + 1000 - 2000 * missed + 1000 - 1000 + 1500);
  assert.equal(zhao.status, 'computed');
  const liu = comp.items.find((a) => a.user_name === '刘强');
  assert.equal(liu.compliant_days, 0);
  assert.equal(liu.missed_days, [1, 2, 3].filter(working).length);
  // the worker sees the month and how it was counted; others are refused
  const mine = await must(await get('/api/v1/allowances/mine', T.grid_worker_grid), 200);
  assert.equal(mine.items[0].id, zhao.id);
  await must(await get(`/api/v1/allowances/${zhao.id}`, T.grid_worker_grid), 200);
  await must(await get(`/api/v1/allowances/${zhao.id}`, T.grid_worker), 403);
  await must(await get(`/api/v1/allowances/${zhao.id}`, T.villager), 403);
  await must(await get(`/api/v1/allowances/${zhao.id}`, T.cadre), 403);
  await must(await get(`/api/v1/allowances/${zhao.id}`, T.county_admin), 200);
  await must(await get('/api/v1/allowances/99999', T.county_admin), 404);
  // the inspector (read-only, the county) reads every allowance in scope, never computes
  const seen = await must(await get(`/api/v1/allowances/${zhao.id}`, T.inspector), 200);
  assert.equal(seen.total_fen, zhao.total_fen);
  const inspList = await must(await get(`/api/v1/allowances?unit_id=1&month=${M}`, T.inspector), 200);
  assert.deepEqual(inspList.items.map((a) => a.id).sort(), comp.items.map((a) => a.id).sort());
  await must(await get(`/api/v1/allowances?unit_id=2&month=${M}`, T.inspector), 200);
  const refused = await must(await post('/api/v1/allowances/compute', T.inspector, { unit_id: 2, month: M }), 403);
  assert.match(refused.error.message, /无权计算/);
  await must(await post(`/api/v1/allowances/${zhao.id}/approve`, T.inspector, {}), 403);
  await must(await put('/api/v1/allowance-rule', T.inspector, { base_fen: 1, patrol_day_fen: 0, missed_day_fen: 0, visit_fen: 0, late_visit_fen: 0, event_fen: 0 }), 403);
  assert.equal((await must(await get(`/api/v1/allowances/${zhao.id}`, T.town_official), 200)).status, 'computed');
  // the cadre (village) neither reads nor computes
  await must(await get(`/api/v1/allowances?unit_id=2&month=${M}`, T.cadre), 403);
  await must(await get(`/api/v1/allowances?unit_id=2&month=${M}`, T.grid_worker_grid), 403);
  await must(await get(`/api/v1/allowances?unit_id=2&month=${M}`, T.villager), 403);
  await must(await get(`/api/v1/allowances?unit_id=99999&month=${M}`, T.town_official), 404);
  await must(await get('/api/v1/allowances', T.town_official), 400);
  // the month is not over: no approval yet
  await must(await post(`/api/v1/allowances/${zhao.id}/approve`, T.town_official, {}), 409);
  await must(await get(`/api/v1/allowances-export.xlsx?unit_id=2&month=${M}`, T.town_official), 409);
  // after the month: computed again over every day, approved, frozen
  const next = cn(cnTime(later.y, later.m, 28, 12) + 5 * 86400);
  await advance(cnTime(next.y, next.m, 2, 9) - (await serverNow()));
  const full = await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 2, month: M }), 200);
  const z2 = full.items.find((a) => a.user_name === '赵磊');
  assert.ok(z2.days_counted >= 28);
  assert.equal(z2.compliant_days, 1);
  assert.equal(z2.visits_on_time, 2);
  await must(await post(`/api/v1/allowances/${z2.id}/approve`, T.cadre, {}), 403);
  await must(await post(`/api/v1/allowances/${z2.id}/approve`, T.grid_worker_grid, {}), 403);
  await must(await post(`/api/v1/allowances/${z2.id}/approve`, T.inspector, {}), 403);
  const ok = await must(await post(`/api/v1/allowances/${z2.id}/approve`, T.town_official, {}), 200);
  assert.equal(ok.status, 'approved');
  assert.equal(ok.total_fen, z2.total_fen);
  assert.ok(ok.approved_by);
  await must(await post(`/api/v1/allowances/${z2.id}/approve`, T.town_official, {}), 409);
  await must(await post('/api/v1/allowances/compute', T.town_official, { unit_id: 2, month: M }), 409);
  const after = await must(await get(`/api/v1/allowances/${z2.id}`, T.town_official), 200);
  assert.equal(after.status, 'approved');
  assert.equal(after.total_fen, z2.total_fen);
  // the file for payment: the approved worker only
  await must(await get(`/api/v1/allowances-export.xlsx?unit_id=2&month=${M}`, T.grid_worker_grid), 403);
  await must(await get(`/api/v1/allowances-export.xlsx?unit_id=2&month=bad`, T.town_official), 400);
  const x = await s.api('GET', `/api/v1/allowances-export.xlsx?unit_id=1&month=${M}`, { token: T.county_admin });
  assert.equal(x.status, 200, x.text);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.equal(x.body.slice(0, 2).toString(), 'PK');
  assert.match(decodeURIComponent(x.headers.get('content-disposition')), /网格员津贴/);
  const strings = xlsxStrings(x.body);
  assert.ok(strings.includes('赵磊'), 'the approved worker is in the file');
  assert.ok(!strings.includes('刘强'), 'the unapproved one is not');
  // the inspector reads the same file
  const xi = await s.api('GET', `/api/v1/allowances-export.xlsx?unit_id=1&month=${M}`, { token: T.inspector });
  assert.equal(xi.status, 200, xi.text);
  assert.ok(xlsxStrings(xi.body).includes('赵磊'));
  const audit = await must(await get('/api/v1/audit?unit_id=2&object_type=allowance', T.town_official), 200);
  assert.ok(['compute', 'approve'].every((a) => audit.items.some((e) => e.action === a)));
});

test('places on the map: camera links only for the roles allowed; bad input named', async () => {
  const cadre = await must(await get('/api/v1/villages/3/places', T.cadre), 200);
  const kinds = new Set(cadre.items.map((p) => p.kind));
  for (const k of ['flood', 'fire', 'house', 'camera']) assert.ok(kinds.has(k), k);
  const cams = cadre.items.filter((p) => p.kind === 'camera');
  assert.ok(cams.every((p) => /^https:\/\//.test(p.video_url)));
  const town = await must(await get('/api/v1/villages/3/places', T.town_official), 200);
  assert.ok(town.items.filter((p) => p.kind === 'camera').every((p) => p.video_url));
  // a grid worker and an inspector see the points but not the links
  for (const who of ['grid_worker_grid', 'grid_worker', 'inspector']) {
    const r = await must(await get('/api/v1/villages/3/places', T[who]), 200);
    assert.equal(r.items.length, cadre.items.length, who);
    assert.ok(r.items.every((p) => p.video_url === null), who);
  }
  await must(await get('/api/v1/villages/3/places', T.villager), 403);
  await must(await get('/api/v1/villages/3/places'), 401);
  await must(await get('/api/v1/villages/99999/places', T.cadre), 404);
  const bad = await must(await post('/api/v1/places', T.cadre, { village_id: 3, kind: 'volcano', name: '', lat: 95, lng: 103 }), 400);
  assert.ok(bad.error.fields.kind && bad.error.fields.name && bad.error.fields.lat, JSON.stringify(bad.error.fields));
  const url = await must(await post('/api/v1/places', T.cadre, { village_id: 3, kind: 'fire', name: '北坡', lat: 29.15, lng: 103.88, video_url: 'https://x.example/1' }), 400);
  assert.match(url.error.fields.video_url, /监控点/);
  const js = await must(await post('/api/v1/places', T.cadre, { village_id: 3, kind: 'camera', name: '北坡', lat: 29.15, lng: 103.88, video_url: 'javascript:alert(1)' }), 400);
  assert.match(js.error.fields.video_url, /http/);
  await must(await post('/api/v1/places', T.grid_worker_grid, { village_id: 3, kind: 'fire', name: '北坡', lat: 29.15, lng: 103.88 }), 403);
  await must(await post('/api/v1/places', T.town_official, { village_id: 3, kind: 'fire', name: '北坡', lat: 29.15, lng: 103.88 }), 403);
  const made = await must(await post('/api/v1/places', T.cadre, { village_id: 3, kind: 'camera', name: '北坡路口', lat: 29.15, lng: 103.88, video_url: 'https://video.example/p/9' }), 201);
  let list = await must(await get('/api/v1/villages/3/places', T.grid_worker_grid), 200);
  assert.ok(list.items.some((p) => p.id === made.id && p.video_url === null));
  await must(await s.api('DELETE', `/api/v1/places/${made.id}`, { token: T.grid_worker_grid }), 403);
  await must(await s.api('DELETE', `/api/v1/places/${made.id}`, { token: T.cadre }), 200);
  await must(await s.api('DELETE', `/api/v1/places/${made.id}`, { token: T.cadre }), 409);
  await must(await s.api('DELETE', '/api/v1/places/99999', { token: T.cadre }), 404);
  list = await must(await get('/api/v1/villages/3/places', T.cadre), 200);
  assert.ok(!list.items.some((p) => p.id === made.id));
});
