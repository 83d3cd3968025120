// The village map from the project's own data. No map tiles by default: the console's
// village map and the grid worker's phone request none; once the county admin names a
// tile server (here another origin of this machine, answered by the test), both maps
// request their tiles from it and the pages' policy lets them in. The village's roads
// are drawn under the households in the console and on the phone, and a cadre adds one
// by pasting its line. The grid worker's phone lists the events their patrol findings
// raised, with the state the event is in now.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const LIU = '13900000005';   // 刘强, grid worker of the whole village
const ZHAO = '13900000009';  // 赵磊, grid worker of 东片网格

let s;
let browser;
let tilesHost;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  // the same server under another name: another origin, which the policy must let in
  tilesHost = s.url.replace('127.0.0.1', 'localhost');
  assert.notEqual(tilesHost, s.url);
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// Opens a page that records every request for a tile (any image from the tile path),
// answering each with a small picture.
async function tilePage(ctx) {
  const page = await L.newPage(ctx);
  page.tiles = [];
  await ctx.route(/\/county-tiles\//, (route) => {
    page.tiles.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: L.makePng(256, 256, [226, 232, 214]) });
  });
  return page;
}

// A phone without the app's service worker: with it, the page would come from the copy
// the phone kept (a phone picks up the new page, and its policy, on the visit after),
// and the tile requests would pass the worker, out of the test's sight.
async function phoneContext() {
  const ctx = await browser.newContext({ viewport: L.PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, baseURL: s.url,
    locale: 'zh-CN', timezoneId: 'Asia/Shanghai', serviceWorkers: 'block' });
  ctx.problems = [];
  ctx.on('page', (pg) => {
    pg.on('pageerror', (e) => ctx.problems.push(`pageerror: ${e.message}`));
    pg.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) ctx.problems.push(`CSP: ${m.text()}`); });
  });
  return ctx;
}

async function setTiles(url, attribution) {
  const admin = await s.login(L.PHONES.county_admin);
  const cur = await s.must('GET', '/api/v1/grid-settings', { token: admin });
  const { patrols_per_day, min_minutes, min_metres, min_inside_pct, retention_days } = cur;
  await s.must('PUT', '/api/v1/grid-settings', { token: admin, body: { patrols_per_day, min_minutes, min_metres, min_inside_pct, retention_days, tile_url: url, tile_attribution: attribution } });
}

async function waitTiles(page) {
  for (const end = Date.now() + 30000; !page.tiles.length && Date.now() < end;) await L.sleep(100);
}

test('no tiles by default; with a tile server set, the console and phone maps fetch theirs from it', async () => {
  // without a tile server: the maps draw, and ask for no tile
  const desk = await L.newContext(browser, 'desktop', s.url);
  let d = await tilePage(desk);
  await L.adminLogin(d, L.PHONES.cadre);
  await d.goto('/admin/grid-map');
  await d.locator('[data-test=work-map] .leaflet-marker-icon').first().waitFor();
  await L.quiet(d);
  assert.equal(d.tiles.length, 0);
  assert.equal(await d.locator('[data-test=work-map] .leaflet-tile').count(), 0);

  const phone = await phoneContext();
  let p = await tilePage(phone);
  await L.villagerLogin(p, ZHAO);
  await p.goto('/grid');
  await p.locator('[data-test=phone-map] .leaflet-marker-icon').first().waitFor();
  await L.quiet(p);
  assert.equal(p.tiles.length, 0);

  // the county names its tile server
  await setTiles(`${tilesHost}/county-tiles/{z}/{x}/{y}.png`, '© 县自然资源局');
  d = await tilePage(desk);
  await d.goto('/admin/grid-map');
  await waitTiles(d);
  assert.ok(d.tiles.length > 0, 'the console map asked for tiles');
  assert.ok(d.tiles.every((u) => u.startsWith(`${tilesHost}/county-tiles/`) && /\/\d+\/\d+\/\d+\.png$/.test(u)), d.tiles[0]);
  await d.locator('[data-test=work-map] img.leaflet-tile-loaded').first().waitFor();
  await d.locator('[data-test=work-map] .leaflet-control-attribution', { hasText: '县自然资源局' }).waitFor();
  await L.quiet(d);
  await L.shot(d, 'map-tiles-console');

  p = await tilePage(phone);
  await p.goto('/grid');
  await waitTiles(p);
  assert.ok(p.tiles.length > 0, 'the phone map asked for tiles');
  await p.locator('[data-test=phone-map] img.leaflet-tile-loaded').first().waitFor();

  // cleared again: nothing asked for
  await setTiles('', '');
  p = await tilePage(phone);
  await p.goto('/grid');
  await p.locator('[data-test=phone-map] .leaflet-marker-icon').first().waitFor();
  await L.quiet(p);
  assert.equal(p.tiles.length, 0);
  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  await desk.close();
  await phone.close();
});

test('roads are drawn under the households in the console and on the phone; a cadre adds one', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.cadre);
  await d.goto('/admin/grids');
  const roads = d.locator('[data-test=grid-map] .leaflet-overlay-pane path.map-road');
  await roads.first().waitFor();
  const demo = await roads.count();
  assert.ok(demo >= 4, String(demo));
  await d.locator('[data-test=roads-panel] li').first().waitFor();

  // a wrong line is refused under the field, then a right one is drawn
  await d.locator('[data-test=road-add]').click();
  await d.locator('#road-name').fill('小学门前路');
  await d.locator('#road-geojson').fill('{"type": "LineString", "coordinates": [[103.9, 29.1]]}');
  await d.locator('[data-test=road-save]').click();
  await d.locator('.el-form-item__error', { hasText: '线路应有 2 到' }).waitFor();
  const cadre = await s.login(L.PHONES.cadre);
  const grids = await s.must('GET', '/api/v1/villages/3/grids', { token: cadre });
  const ring = grids.items[1].boundary.coordinates[0];
  const w = Math.min(...ring.map((q) => q[0])), e = Math.max(...ring.map((q) => q[0]));
  const so = Math.min(...ring.map((q) => q[1])), n = Math.max(...ring.map((q) => q[1]));
  const line = [[w + (e - w) * 0.2, so + (n - so) * 0.3], [w + (e - w) * 0.5, so + (n - so) * 0.35], [w + (e - w) * 0.8, so + (n - so) * 0.32]];
  await d.locator('#road-geojson').fill(JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } }));
  await d.locator('[data-test=road-save]').click();
  await d.locator('[data-test=roads-panel] li', { hasText: '小学门前路' }).waitFor();
  await L.expectCount(roads, demo + 1, 'the new road is drawn');
  await L.quiet(d);
  await L.shot(d, 'map-roads-console');
  const list = await s.must('GET', '/api/v1/villages/3/roads', { token: cadre });
  const made = list.items.find((r) => r.name === '小学门前路');
  assert.equal(made.geometry.coordinates.length, line.length);
  made.geometry.coordinates.forEach((q, i) => assert.ok(Math.abs(q[0] - line[i][0]) < 1e-6 && Math.abs(q[1] - line[i][1]) < 1e-6, JSON.stringify(q)));

  // the phone draws them too, under the households
  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, ZHAO);
  await p.goto('/grid');
  const phoneRoads = p.locator('[data-test=phone-map] .leaflet-overlay-pane path.map-road');
  await L.expectCount(phoneRoads, demo + 1, 'every road of the village on the phone map');
  await p.locator('[data-test=phone-map] .leaflet-marker-icon').first().waitFor();
  await p.locator('[data-test=phone-map]').scrollIntoViewIfNeeded();
  await L.quiet(p);
  await L.shot(p, 'map-roads-phone');
  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  await desk.close();
  await phone.close();
});

test('the grid worker\'s phone lists the events their patrol findings raised, with the state now', async () => {
  // 刘强 finds something on a patrol and reports it as an event
  const liu = await s.login(LIU);
  const patrol = await s.must('POST', '/api/v1/patrols', { token: liu, body: { grid_id: 13 } }, 201);
  const f = await s.must('POST', `/api/v1/patrols/${patrol.id}/findings`, { token: liu, body: { category: '安全隐患', note: '后山沟口护栏被冲毁，需尽快修复', event_category_id: 1 } }, 201);
  assert.ok(f.event_id);
  await s.must('POST', `/api/v1/patrols/${patrol.id}/end`, { token: liu, body: {} });

  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, LIU);
  await p.locator('[data-test=tab-grid]').click();
  await p.waitForURL(/\/grid$/);
  const row = p.locator(`[data-test=patrol-event-${f.event_id}]`);
  await row.waitFor();
  await row.getByText('后山沟口护栏被冲毁').waitFor();
  await row.getByText('待受理').waitFor();
  await row.getByText('办理时限').waitFor();
  // the demo's earlier findings are there in other states
  const section = p.locator('[data-test=patrol-events]');
  assert.ok(await section.locator('.van-cell').count() >= 2);
  assert.ok(await section.getByText(/已受理|办理中|已办结/).count() >= 1);
  await row.scrollIntoViewIfNeeded();
  await L.quiet(p);
  await L.shot(p, 'grid-phone-patrol-events');
  const noOverflow = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 360 px');

  // the village accepts it: the list shows the new state
  const cadre = await s.login(L.PHONES.cadre);
  await s.must('POST', `/api/v1/events/${f.event_id}/actions/accept`, { token: cadre, body: {} });
  await p.reload();
  await p.locator(`[data-test=patrol-event-${f.event_id}]`).getByText('已受理').waitFor();
  // a tap opens the event as the phone shows events
  await p.locator(`[data-test=patrol-event-${f.event_id}]`).click();
  await p.waitForURL(new RegExp(`/my-events/${f.event_id}$`));
  await p.getByText('后山沟口护栏被冲毁').first().waitFor();
  L.assertNoProblems(phone);
  await phone.close();
});
