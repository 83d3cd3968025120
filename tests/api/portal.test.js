// The village's public page without login (/v/<village> in the villager app, opened
// from the QR code on the notice board): the village, its rule catalogue in force with
// points, its current notices (the village's, the town's and the county's; withdrawn and
// ended ones left out, another village's never), and the QR code of the page's address.
// Nothing personal: the reply holds only the listed fields.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
let village;
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

before(async () => {
  s = await startServer();
  const cadre = await s.as('cadre');
  village = must(await s.api('GET', '/api/v1/session', { token: cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
});
after(async () => { if (s) await s.close(); });

test('the public home: the village, the rules in force with points, the current notices', async () => {
  const home = must(await s.api('GET', `/api/v1/public/villages/${village}`), 200);
  assert.equal(home.village.id, village);
  assert.equal(home.village.name, '青山村');
  assert.ok(home.village.town_name);
  assert.match(home.url, new RegExp(`/v/${village}$`));
  assert.ok(home.rules.length >= 10, `${home.rules.length} rules`);
  assert.deepEqual(Object.keys(home).sort(), ['notices', 'rules', 'url', 'village']);
  for (const r of home.rules) {
    assert.deepEqual(Object.keys(r).sort(), ['category', 'claim_by', 'claim_by_label', 'name', 'points']);
    assert.equal(typeof r.points, 'number');
  }
  // awards first, deductions after
  const firstDeduction = home.rules.findIndex((r) => r.points < 0);
  assert.ok(firstDeduction > 0 && home.rules.slice(firstDeduction).every((r) => r.points < 0));
  // the same rules the village's own catalogue has in force
  const cadre = await s.as('cadre');
  const own = must(await s.api('GET', `/api/v1/units/${village}/rules?limit=500`, { token: cadre }), 200).items.filter((r) => r.in_force !== false && !r.retired_version);
  assert.deepEqual(home.rules.map((r) => r.name).sort(), own.map((r) => r.name).sort());
  for (const n of home.notices)
    assert.deepEqual(Object.keys(n).sort(), ['body', 'ends_at', 'id', 'importance', 'published_at', 'title', 'unit_name']);
});

test('notices: the current ones of the village and above; withdrawn and other villages\' left out', async () => {
  const cadre = await s.as('cadre');
  const county = await s.as('county_admin');
  const mine = must(await s.api('POST', '/api/v1/notices', { token: cadre, body: { unit_id: village, title: '村委会换届选举公告', body: '本月二十日在村委会选举。', importance: 'important' } }), 201);
  const town = must(await s.api('POST', '/api/v1/units', { token: county, body: { parent_id: 1, kind: 'town', code: 'PT-T2', name: '石桥镇' } }), 201).id;
  const other = must(await s.api('POST', '/api/v1/units', { token: county, body: { parent_id: town, kind: 'village', code: 'PT-V2', name: '石桥村' } }), 201).id;
  must(await s.api('POST', '/api/v1/notices', { token: county, body: { unit_id: other, title: '石桥村修路通知', body: '石桥村内部通知。' } }), 201);
  const up = must(await s.api('POST', '/api/v1/notices', { token: county, body: { unit_id: 1, title: '全县秸秆禁烧通告', body: '全县范围禁止焚烧秸秆。' } }), 201);

  let home = must(await s.api('GET', `/api/v1/public/villages/${village}`), 200);
  const titles = home.notices.map((n) => n.title);
  assert.ok(titles.includes('村委会换届选举公告'), titles.join(','));
  assert.ok(!titles.includes('石桥村修路通知'));
  assert.equal(home.notices[0].importance, 'important');
  assert.ok(home.notices.length <= 10);
  const otherHome = must(await s.api('GET', `/api/v1/public/villages/${other}`), 200);
  assert.deepEqual(otherHome.notices.map((n) => n.title).sort(), ['全县秸秆禁烧通告', '石桥村修路通知']);
  assert.deepEqual(otherHome.rules, []);

  must(await s.api('POST', `/api/v1/notices/${mine.id}/withdraw`, { token: cadre, body: { reason: '发错了' } }), 200);
  home = must(await s.api('GET', `/api/v1/public/villages/${village}`), 200);
  assert.ok(!home.notices.some((n) => n.id === mine.id), 'a withdrawn notice is gone');
  assert.ok((await s.api('GET', `/api/v1/public/villages/${other}`)).json.notices.some((n) => n.id === up.id), 'the county\'s notice reaches every village');
});

test('only villages have a public page; the QR code carries its address', async () => {
  for (const id of [1, 999999]) {
    assert.equal((await s.api('GET', `/api/v1/public/villages/${id}`)).status, 404, String(id));
    assert.equal((await s.api('GET', `/api/v1/public/villages/${id}/qr.svg`)).status, 404, String(id));
  }
  const qr = await s.api('GET', `/api/v1/public/villages/${village}/qr.svg`);
  assert.equal(qr.status, 200);
  assert.match(qr.headers.get('content-type'), /image\/svg\+xml/);
  assert.match(qr.text, /^<svg|^<\?xml/);
});
