// GET /api/v1/audit, the log viewer, on the demo: a subtree's entries newest first; its
// total without filters (the length of the subtree's chains) equals the entries counted
// one by one (a filter that keeps them all); each filter narrows it as it says; a change
// adds exactly one entry, first on the page.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const T = {};
let county;
let village;

async function must(r, status = 200) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}
const audit = async (token, query) => must(await s.api('GET', `/api/v1/audit?${new URLSearchParams(query)}`, { token }));
const epoch = (iso) => Math.floor(Date.parse(iso) / 1000);

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'cadre']) T[role] = await s.as(role);
  const admin = await must(await s.api('GET', '/api/v1/session', { token: T.county_admin }));
  county = admin.grants.find((g) => g.role === 'county_admin').unit_id;
  const cadre = await must(await s.api('GET', '/api/v1/session', { token: T.cadre }));
  village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
});

after(async () => {
  if (s) await s.close();
});

test('the total of a subtree without filters is the number of its entries, for the county and a village', async () => {
  for (const unit of [county, village]) {
    const all = await audit(T.county_admin, { unit_id: unit, limit: 1 });
    const counted = await audit(T.county_admin, { unit_id: unit, limit: 1, from: 1 });
    assert.ok(all.total > 100, `${unit}: ${all.total}`);
    assert.equal(all.total, counted.total, `unit ${unit}`);
  }
  const c = (await audit(T.county_admin, { unit_id: county, limit: 1 })).total;
  const v = (await audit(T.county_admin, { unit_id: village, limit: 1 })).total;
  assert.ok(v < c, 'a village has fewer than its county');
});

test('newest first, and each filter keeps what it says', async () => {
  const page = await audit(T.county_admin, { unit_id: county, limit: 200 });
  assert.equal(page.items.length, 200);
  for (let i = 1; i < page.items.length; i++) {
    const [a, b] = [page.items[i - 1], page.items[i]];
    assert.ok(epoch(a.at) > epoch(b.at) || (epoch(a.at) === epoch(b.at) && a.id > b.id), `${a.id} before ${b.id}`);
  }
  // a time window: the entries of the page's second half (as far as its seconds go)
  const from = epoch(page.items[150].at);
  const to = epoch(page.items[50].at);
  const win = await audit(T.county_admin, { unit_id: county, from, to, limit: 200 });
  const want = page.items.filter((e) => epoch(e.at) >= from && epoch(e.at) < to).map((e) => e.id);
  assert.equal(win.total, want.length);
  assert.deepEqual(win.items.map((e) => e.id), want);
  // one object's history
  const one = page.items[0];
  const hist = await audit(T.county_admin, { unit_id: county, object_type: one.object_type, object_id: one.object_id, limit: 200 });
  assert.ok(hist.total >= 1 && hist.total === hist.items.length);
  assert.ok(hist.items.every((e) => e.object_type === one.object_type && e.object_id === one.object_id));
  assert.ok(hist.items.some((e) => e.id === one.id));
  const byType = await audit(T.county_admin, { unit_id: county, object_type: one.object_type, limit: 5 });
  assert.ok(byType.total >= hist.total && byType.total < page.total);
  assert.ok(byType.items.every((e) => e.object_type === one.object_type));
});

test('a change adds exactly one entry to its village and its county, first on their pages', async () => {
  const beforeV = (await audit(T.cadre, { unit_id: village, limit: 1 })).total;
  const beforeC = (await audit(T.county_admin, { unit_id: county, limit: 1 })).total;
  const list = await must(await s.api('GET', '/api/v1/households?limit=1', { token: T.cadre }));
  const hh = list.items[0];
  await must(await s.api('PATCH', `/api/v1/households/${hh.id}`, { token: T.cadre, body: { address: `${hh.address}（核对）` } }));
  const v = await audit(T.cadre, { unit_id: village, limit: 1 });
  const c = await audit(T.county_admin, { unit_id: county, limit: 1 });
  assert.equal(v.total, beforeV + 1);
  assert.equal(c.total, beforeC + 1);
  assert.equal(v.items[0].object_type, 'household');
  assert.equal(v.items[0].object_id, hh.id);
  assert.equal(c.items[0].id, v.items[0].id);
  const counted = await audit(T.cadre, { unit_id: village, limit: 1, from: 1 });
  assert.equal(counted.total, v.total);
});
