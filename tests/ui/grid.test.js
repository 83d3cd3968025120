// Grid work 网格 across both apps: the grid worker 赵磊 on a 360 px phone opens the 网格
// tab, starts a patrol and walks with a fake position moved step by step along a path
// inside the grid, records a finding with a photo, and ends the patrol; the town
// official on a laptop sees the worker's day against the target and the patrol's track
// on the map; the village map shows households as tag icons and filters them. The
// 网格 tab is only for grid roles.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const ZHAO = '13900000009';   // 赵磊, grid worker of 东片网格

let s;
let browser;
let box;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  const cadre = await s.login(L.PHONES.cadre);
  const grids = await s.must('GET', '/api/v1/villages/3/grids', { token: cadre });
  const ring = grids.items[0].boundary.coordinates[0];
  box = {
    w: Math.min(...ring.map((p) => p[0])), e: Math.max(...ring.map((p) => p[0])),
    s: Math.min(...ring.map((p) => p[1])), n: Math.max(...ring.map((p) => p[1])),
  };
});

// The first of the elements `locator` matches that is on top at its middle, inside the
// view (not one the map has panned out of its frame, nor one under a place's icon, the
// worker's own or the page's loading mask): the one a tap reaches. Null when none is.
async function onTop(locator) {
  const i = await locator.evaluateAll((els) => els.findIndex((e) => {
    const r = e.getBoundingClientRect();
    return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
  }));
  return i < 0 ? null : locator.nth(i);
}

// The work map inside `scope` (a page, or the part of it holding the map) at rest, and a
// household's icon and a gathering there to tap (null for none), once one of them is.
// The map's data-zoom is its zoom once a move has ended, and is removed while it moves.
async function lookAtMap(scope) {
  const map = scope.locator('[data-test=work-map][data-zoom]');
  for (const end = Date.now() + 30000; ;) {
    await map.waitFor();
    const house = await onTop(map.locator('.work-map__house'));
    const cluster = await onTop(map.locator('.work-map__cluster'));
    if (house || cluster || Date.now() > end) return { map, house, cluster };
    await L.sleep(50);
  }
}

// Taps a gathering of households on the map at rest (a tap during a zoom would be lost:
// Leaflet ignores a new zoom while it animates one), and waits until the map has come to
// rest at another zoom, or a household's icon shows where none did. A tap that zoomed
// nothing (lost after all) ends at the deadline, and the caller may tap again. Returns
// the zooms before and after.
async function tapCluster(scope) {
  const { map, cluster } = await lookAtMap(scope);
  const houses = map.locator('.work-map__house');
  const before = Number(await map.getAttribute('data-zoom'));
  const had = await houses.count();
  await (cluster || map.locator('.work-map__cluster').first()).click();
  const zoom = async () => {
    const z = await scope.locator('[data-test=work-map]').getAttribute('data-zoom');
    return z === null ? null : Number(z);
  };
  const done = async () => (!had && (await houses.count()) > 0) || ![null, before].includes(await zoom());
  for (const end = Date.now() + 30000; !(await done()) && Date.now() < end;) await L.sleep(50);
  return { before, after: await zoom() };
}

// Zooms in by taps on gatherings (at most `taps`) until a household's own icon is there
// to tap, and returns it.
async function houseToTap(scope, taps = 8) {
  for (let i = 0; ; i++) {
    const { map, house, cluster } = await lookAtMap(scope);
    if (house || !cluster || i >= taps) return house || map.locator('.work-map__house').first();
    await tapCluster(scope);
  }
}

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

test('a grid worker patrols with the phone; the town sees the track and the compliance', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  await phone.grantPermissions(['geolocation'], { origin: s.url });
  // the path: northwards through the middle of the grid, about 110 m a step
  const lng = (box.w + box.e) / 2;
  const path = Array.from({ length: 8 }, (_, i) => ({ latitude: box.s + 0.002 + i * 0.001, longitude: lng + (i % 2) * 0.0003, accuracy: 8 }));
  await phone.setGeolocation(path[0]);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, ZHAO);
  await p.locator('[data-test=tab-grid]').click();
  await p.waitForURL(/\/grid$/);
  await p.locator('[data-test=today]').waitFor();
  await p.locator('[data-test=visits-due] .van-cell').first().waitFor();
  await L.shot(p, 'grid-phone-today');

  await p.locator('[data-test=patrol-start]').click();
  const recorded = p.locator('[data-test=points-recorded]');
  await recorded.waitFor();
  // the starting point first
  for (const end = Date.now() + 30000; Number(await recorded.textContent()) < 1 && Date.now() < end;) await L.sleep(100);
  // each move of the position is a point of the track
  for (let i = 1; i < path.length; i++) {
    const before = Number(await recorded.textContent());
    await phone.setGeolocation(path[i]);
    for (const end = Date.now() + 30000; Number(await recorded.textContent()) <= before && Date.now() < end;) await L.sleep(100);
    assert.ok(Number(await recorded.textContent()) > before, `the move to point ${i} was recorded`);
  }
  // the server has measured the batches already sent
  await p.locator('[data-test=patrol-stats]').waitFor();
  await p.locator('[data-test=located]', { hasText: '正在共享位置' }).waitFor();

  // a finding with a photo, reported as an event
  const form = p.locator('[data-test=finding-form]');
  await form.getByRole('button', { name: '道路设施' }).click();
  await form.locator('[data-test=finding-note] textarea').fill('东片机耕道路面塌陷，约一米宽');
  await form.locator('[data-test=camera]').setInputFiles({ name: 'road.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [120, 90, 40]) });
  await form.locator('[data-test=photos] img').first().waitFor();
  await form.locator('[data-test=finding-event]').click();
  await form.locator('select').selectOption({ index: 1 });
  await L.shot(p, 'grid-phone-patrol');
  await form.locator('[data-test=finding-save]').click();
  await p.locator('[data-test=findings-saved]').waitFor();

  await p.locator('[data-test=patrol-stop]').click();
  const result = p.locator('[data-test=patrol-result]');
  await result.waitFor();
  assert.match(await result.textContent(), /巡查已结束/);
  // the worker sees what the server keeps of their positions
  await p.locator('[data-test=positions-kept]', { hasText: '系统保存的我的位置' }).waitFor();
  await p.locator('[data-test=patrol-start]').waitFor();
  const noOverflow = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 360 px');
  await L.expectCount(p.locator('.van-toast:visible'), 0, 'the toast has gone');
  await L.shot(p, 'grid-phone-ended');
  await L.axe(p, 'the grid tab');
  L.assertNoProblems(phone);

  // what the server made of it: one ended patrol today with the whole track, a finding with its photo and event
  const zhao = await s.login(ZHAO);
  const mine = await s.must('GET', '/api/v1/patrols?limit=1', { token: zhao });
  const patrol = await s.must('GET', `/api/v1/patrols/${mine.items[0].id}`, { token: zhao });
  assert.equal(patrol.open, false);
  assert.ok(patrol.track.length >= path.length, `${patrol.track.length} points`);
  assert.equal(patrol.stats.inside_pct, 100);
  assert.ok(patrol.stats.length_m > 700, `${patrol.stats.length_m} m`);
  assert.equal(patrol.findings.length, 1);
  assert.equal(patrol.findings[0].photos.length, 1);
  assert.ok(patrol.findings[0].event_id);
  await phone.close();

  // the town official: 赵磊's day, and this patrol's track on the map
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.town_official);
  await d.getByRole('link', { name: '巡查达标' }).click();
  await d.waitForURL(/grid-patrols/);
  await d.locator('[data-test=target]').waitFor();
  const row = d.locator('[data-test=compliance] .el-table__row', { hasText: '赵磊' });
  await row.waitFor();
  await d.locator('[data-test=status-赵磊]').waitFor();
  await row.click();
  await d.locator('[data-test=patrol-list] .pitem').first().waitFor();
  await d.locator('[data-test=work-map] path.leaflet-interactive').first().waitFor();
  await d.locator('[data-test=findings]', { hasText: '路面塌陷' }).waitFor();
  await d.locator('[data-test=findings] img').first().waitFor();
  await L.expectCount(d.locator('[data-test=findings] a', { hasText: '已转民情' }), 1, 'the finding links its event');
  const overflow = await d.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(overflow, 'no horizontal overflow at 1366 px');
  await L.shot(d, 'grid-town-compliance');
  await L.axe(d, 'patrol compliance');
  L.assertNoProblems(desk);
  await desk.close();
});

test('the village map: households as tag icons, filtered by tag; the card with tags and history', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.cadre);
  await d.getByRole('link', { name: '村庄地图' }).click();
  await d.waitForURL(/grid-map/);
  const count = d.locator('[data-test=map-count]');
  await d.locator('[data-test=work-map] .leaflet-marker-icon').first().waitFor();
  const all = await count.textContent();
  await d.locator('[data-test=tag-独居老人]').click();
  for (const end = Date.now() + 30000; (await count.textContent()) === all && Date.now() < end;) await L.sleep(100);
  assert.notEqual(await count.textContent(), all, 'the filter narrows the map');
  // zoomed in, a household's icon opens its card
  const house = await houseToTap(d, 6);
  await house.click();
  const card = d.locator('[data-test=household-card]');
  await card.locator('.tag', { hasText: '独居老人' }).first().waitFor();
  await card.locator('.history li').first().waitFor();
  await L.shot(d, 'grid-village-map');
  await L.axe(d, 'the village map');
  L.assertNoProblems(desk);
  await desk.close();
});

test("the phone's 网格 tab has the grid's map: boundary, households as tag icons, places, my position; a tap opens the card", async () => {
  const zhao = await s.login(ZHAO);
  const tags = (await s.must('GET', '/api/v1/tags', { token: zhao })).items;
  const map = await s.must('GET', '/api/v1/villages/3/tagged-households', { token: zhao });
  const located = map.households.filter((h) => h.lat !== null);
  assert.ok(located.length > 3, 'the grid has located households');
  const phone = await L.newContext(browser, 'phone', s.url);
  await phone.grantPermissions(['geolocation'], { origin: s.url });
  await phone.setGeolocation({ latitude: located[0].lat + 0.0004, longitude: located[0].lng + 0.0004, accuracy: 10 });
  const p = await L.newPage(phone);
  const elsewhere = [];
  p.on('request', (r) => { if (!r.url().startsWith(s.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url()); });
  await L.villagerLogin(p, ZHAO);
  await p.locator('[data-test=tab-grid]').click();
  await p.waitForURL(/\/grid$/);
  const m = p.locator('[data-test=phone-map]');
  await m.scrollIntoViewIfNeeded();
  // the grid's boundary, households (alone or gathered), places, my own position
  await m.locator('.work-map__label').first().waitFor();
  await m.locator('.work-map__house, .work-map__cluster').first().waitFor();
  await m.locator('.work-map__me').waitFor();
  await m.locator('[data-test=place-legend]').waitFor();
  await L.shot(p, 'grid-phone-map');
  // a tap on a gathering zooms in to it; by more taps, a household's icon
  const { before: z0, after: z1 } = await tapCluster(m);
  assert.ok(z1 > z0, `a tap on a gathering zooms in (${z0} → ${z1})`);
  const house = await houseToTap(m);
  const title = await house.getAttribute('title');
  const hh = located.find((h) => `户号 ${h.number}` === title);
  assert.ok(hh, title);
  // a person of that household carries a tag about a person
  const before = await s.must('GET', `/api/v1/households/${hh.id}/tags`, { token: zhao });
  const vet = tags.find((t) => t.name === '退役军人');
  await s.must('PUT', `/api/v1/residents/${before.residents[0].id}/tags`, { token: zhao, body: { tag_ids: [vet.id] } });
  // a tap opens its card: the household's tags and its people's
  await house.click();
  const card = p.locator('[data-test=phone-card]');
  await card.waitFor();
  await card.locator('h3', { hasText: hh.number }).waitFor();
  await card.locator('.card-people li', { hasText: before.residents[0].name }).locator('.tagchip', { hasText: '退役军人' }).waitFor();
  const noOverflow = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 360 px');
  await L.shot(p, 'grid-phone-card');
  await L.axe(p, 'the household card on the phone');
  // from the card to a visit of the household
  await card.locator('[data-test=card-visit]').click();
  await p.locator('[data-test=visit-form] h3', { hasText: hh.number }).waitFor();
  assert.deepEqual(elsewhere, [], 'nothing fetched from other sites (no map tiles)');
  L.assertNoProblems(phone);
  await phone.close();
});

test("the console's card: tags on a person, and the map finds the household by them", async () => {
  const cadre = await s.login(L.PHONES.cadre);
  const tags = (await s.must('GET', '/api/v1/tags', { token: cadre })).items;
  const vol = tags.find((t) => t.name === '志愿者');
  const carrying = async () => (await s.must('GET', '/api/v1/villages/3/tagged-households', { token: cadre })).households
    .filter((h) => h.lat !== null && (h.tag_ids.includes(vol.id) || h.resident_tag_ids.includes(vol.id)));
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.cadre);
  await d.getByRole('link', { name: '村庄地图' }).click();
  await d.waitForURL(/grid-map/);
  await d.locator('[data-test=work-map] .leaflet-marker-icon').first().waitFor();
  const house = await houseToTap(d);
  await house.click();
  const card = d.locator('[data-test=household-card]');
  const people = card.locator('[data-test=card-residents] > li');
  await people.first().waitFor();
  await people.first().locator('[data-test^=resident-edit-]').click();
  const edit = card.locator('[data-test=resident-tags-edit]');
  await edit.waitFor();
  await L.expectCount(edit.getByText('党员户', { exact: true }), 0, 'a household tag is not offered for a person');
  const number = (await card.locator('.card-head strong').textContent()).replace(/\D/g, '');
  const checkbox = edit.locator('.el-checkbox', { hasText: '志愿者' });
  assert.ok(!(await checkbox.getAttribute('class')).includes('is-checked'), 'the demo gives no person 志愿者');
  await checkbox.click();
  await card.locator('[data-test=resident-save]').click();
  await people.first().locator('.tag', { hasText: '志愿者' }).waitFor();
  await people.first().locator('p.history', { hasText: '志愿者' }).waitFor();
  await L.shot(d, 'grid-card-person-tag');
  // the filter finds the household through its person
  const now = await carrying();
  const mine = now.find((h) => h.number === number);
  assert.ok(mine && mine.resident_tag_ids.includes(vol.id), `household ${number} carries 志愿者 through a person`);
  await d.locator('[data-test=tag-志愿者]').click();
  await d.locator('[data-test=map-count]', { hasText: `显示 ${now.length} 户` }).waitFor();
  await L.axe(d, 'the village map card');
  L.assertNoProblems(desk);
  await desk.close();
});

test("the grid worker changes tags on the phone's card: a household's and a person's, confirmed, in the history and the map's filter; only in their grid", async () => {
  const zhao = await s.login(ZHAO);
  const cadre = await s.login(L.PHONES.cadre);
  const tags = (await s.must('GET', '/api/v1/tags', { token: zhao })).items;
  const garden = tags.find((t) => t.name === '美丽庭院户');
  const vol = tags.find((t) => t.name === '志愿者');
  const mine = (await s.must('GET', '/api/v1/villages/3/tagged-households', { token: zhao })).households;
  const all = (await s.must('GET', '/api/v1/villages/3/tagged-households', { token: cadre })).households;
  const grant = (await s.must('GET', '/api/v1/session', { token: zhao })).grants.find((g) => g.role === 'grid_worker');
  // a located household of his grid without 美丽庭院户, and one of another grid
  const hh = mine.find((h) => h.grid_id === grant.unit_id && h.lat !== null && !h.tag_ids.includes(garden.id) && !h.resident_tag_ids.includes(vol.id));
  const other = all.find((h) => h.grid_id && h.grid_id !== grant.unit_id);
  assert.ok(hh && other);
  const before = await s.must('GET', `/api/v1/households/${hh.id}/tags`, { token: zhao });
  const person = before.residents[0];

  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, ZHAO);
  await p.locator('[data-test=tab-grid]').click();
  await p.waitForURL(/\/grid$/);
  // the list of the grid's households: another grid's is not there to open
  const search = p.getByPlaceholder('户号、户主');
  await search.fill(other.number);
  await L.expectCount(p.locator(`[data-test=household-${other.id}]`), 0, "another grid's household is not on the worker's list");
  await search.fill(hh.number);
  await p.locator(`[data-test=household-${hh.id}]`).click();
  const card = p.locator('[data-test=phone-card]');
  await card.locator('h3', { hasText: hh.number }).waitFor();
  await card.locator('[data-test=card-history]').waitFor();

  // the household's tags: chips large enough to tap, a confirmation naming the change
  await card.locator('[data-test=edit-household-tags]').click();
  const chip = card.locator('[data-test="edit-美丽庭院户"]');
  await chip.waitFor();
  assert.ok((await chip.boundingBox()).height >= 44, 'a tag chip is at least 44 px high');
  await L.expectCount(card.locator('[data-test="edit-重点关注人员"]'), 0, 'a tag his role may not see is not offered');
  await chip.click();
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  await card.locator('[data-test=tag-save]').click();
  const dialog = p.locator('.van-dialog');
  await dialog.locator('.van-dialog__message', { hasText: '加上：美丽庭院户' }).waitFor();
  assert.match(await dialog.textContent(), new RegExp(hh.number));
  await L.shot(p, 'grid-phone-tag-confirm');
  await dialog.getByRole('button', { name: '确认修改' }).click();
  await card.locator('[data-test=card-tags] .tagchip', { hasText: '美丽庭院户' }).waitFor();
  await card.locator('[data-test=card-history] li', { hasText: '赵磊 标记 美丽庭院户' }).waitFor();

  // a person's tags: only those about a person are offered
  await card.locator(`[data-test=edit-resident-${person.id}]`).click();
  const edit = card.locator(`[data-test=resident-${person.id}] [data-test=tag-edit]`);
  await edit.waitFor();
  await L.expectCount(edit.locator('[data-test="edit-党员户"]'), 0, 'a household tag is not offered for a person');
  await edit.locator('[data-test="edit-志愿者"]').click();
  await edit.locator('[data-test=tag-save]').click();
  await dialog.locator('.van-dialog__message', { hasText: '加上：志愿者' }).waitFor();
  assert.match(await dialog.textContent(), new RegExp(person.name));
  await dialog.getByRole('button', { name: '确认修改' }).click();
  const row = card.locator(`[data-test=resident-${person.id}]`);
  await row.locator('.tagchip', { hasText: '志愿者' }).waitFor();
  await row.locator('.hist', { hasText: '赵磊 标记 志愿者' }).waitFor();
  const noOverflow = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(noOverflow, 'no horizontal overflow at 360 px');
  await L.expectCount(p.locator('.van-toast:visible'), 0, 'the toast has gone');
  await L.shot(p, 'grid-phone-card-tags');
  await L.axe(p, 'tags on the phone card');
  await card.locator('.sheet-title__close').click();
  await card.waitFor({ state: 'hidden' });

  // the map's filter finds the household by the new tag
  await search.fill('');
  const filter = p.locator('[data-test=phone-tag-filter]');
  await filter.scrollIntoViewIfNeeded();
  await filter.locator('[data-test=filter-toggle]').click();
  const gardenChip = filter.locator('[data-test="filter-美丽庭院户"]');
  await gardenChip.click();
  const now = (await s.must('GET', '/api/v1/villages/3/tagged-households', { token: zhao })).households
    .filter((h) => h.grid_id === grant.unit_id && h.tag_ids.includes(garden.id));
  assert.ok(now.some((h) => h.id === hh.id), 'the server has the tag');
  await p.locator('[data-test=phone-map]', { hasText: `地图上 ${now.filter((h) => h.lat !== null).length} 户` }).waitFor();
  await p.locator(`[data-test=household-${hh.id}]`).waitFor();
  await L.shot(p, 'grid-phone-tag-filter');

  // the server's word: set by him, and his grid only
  const after = await s.must('GET', `/api/v1/households/${hh.id}/tags`, { token: cadre });
  assert.ok(after.history.some((x) => x.tag_name === '美丽庭院户' && x.action === 'set' && x.actor_name === '赵磊'));
  assert.equal((await s.api('PUT', `/api/v1/households/${other.id}/tags`, { token: zhao, body: { tag_ids: [garden.id] } })).status, 404);

  // the elderly mode: chips of 48 px
  await p.evaluate(() => localStorage.setItem('cz.elderly', '1'));
  await p.reload();
  await p.locator(`[data-test=household-${hh.id}]`).first().waitFor({ state: 'attached' });
  await p.locator('[data-test=phone-tag-filter]').scrollIntoViewIfNeeded();
  await L.expectCount(p.locator('[data-test=phone-tag-filter] .tchip'), 0, 'the filter is closed until opened');
  await p.locator('[data-test=filter-toggle]').click();
  const big = p.locator('[data-test="filter-美丽庭院户"]');
  assert.ok((await big.boundingBox()).height >= 48, 'a tag chip is at least 48 px high in the elderly mode');
  await L.shot(p, 'grid-phone-tags-elderly');
  L.assertNoProblems(phone);
  await phone.close();
});

test('the 网格 tab and the console entries only for the roles that use them', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await L.villagerLogin(p, s.villager.phone, s.villager.password);
  await p.locator('.van-tabbar').waitFor();
  await L.expectCount(p.locator('[data-test=tab-grid]'), 0, 'a villager has no 网格 tab');
  await phone.close();
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await L.adminLogin(d, L.PHONES.clerk);
  await d.locator('.menu').waitFor();
  await L.expectCount(d.getByRole('link', { name: '村庄地图' }), 0, 'the clerk has no village map');
  await L.expectCount(d.getByRole('link', { name: '巡查达标' }), 0, 'nor compliance');
  await desk.close();
});
