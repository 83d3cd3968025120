// Grids 网格 in the console on a 1366×768 laptop: beside the demo village's three grids
// a village cadre creates a grid, has a wrong pasted boundary refused under the map,
// draws the boundary by clicking on the map, picks a colour and saves, then puts the
// households inside the boundary into the grid (the confirmation and the result agree
// with the server); sets one household's grid on its detail page; the county
// administrator makes an account grid worker of the new grid, and the grid is a
// ranking unit. The map library loads with the grids page only.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const L = require('./lib');

const VILLAGE = 3; // 青山村 of the demo

let s;
let browser;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// Clicks the map at fractions of its width and height and waits until the page counts
// the corner (`n` corners so far).
async function clickMap(page, fx, fy, n) {
  const box = await page.locator('[data-test=grid-map]').boundingBox();
  await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  await page.getByText(`已点 ${n} 个`).waitFor();
}

test('the map library is built into the map pages only (grids, the village map, patrol tracks, the grid worker\'s 网格 tab, the 大屏)', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(L.UI_DIST, '.vite/manifest.json'), 'utf8'));
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const k of manifest[key].imports || []) closure(k, seen);
    return seen;
  };
  const files = (keys) => [...keys].map((k) => manifest[k].file);
  const read = (f) => fs.readFileSync(path.join(L.UI_DIST, f), 'utf8');
  // Leaflet's code names its panes "leaflet-…-pane"
  const withLeaflet = Object.keys(manifest).filter((k) => manifest[k].file.endsWith('.js') && /leaflet-pane/.test(read(manifest[k].file)));
  assert.ok(withLeaflet.length > 0, 'Leaflet is in the build');
  const consoleKeys = closure('admin/index.html');
  const villagerKeys = closure('index.html');
  const MAP_PAGES = ['src/admin/grids/GridsView.vue', 'src/admin/gridwork/VillageMapView.vue', 'src/admin/gridwork/PatrolsView.vue',
    'src/villager/grid/GridView.vue', 'src/admin/dashboards/ScreenView.vue'];
  const grids = closure('src/admin/grids/GridsView.vue');
  for (const k of withLeaflet) {
    assert.ok(!consoleKeys.has(k), `${manifest[k].file} (with Leaflet) loads with the console itself`);
    assert.ok(!villagerKeys.has(k), `${manifest[k].file} (with Leaflet) loads with the villager app itself`);
    assert.ok(grids.has(k), `${manifest[k].file} (with Leaflet) is not the grids page's`);
  }
  for (const k of Object.keys(manifest).filter((x) => manifest[x].isDynamicEntry && !MAP_PAGES.includes(x))) {
    for (const f of files(closure(k))) assert.ok(!withLeaflet.some((w) => manifest[w].file === f), `${k} pulls in Leaflet`);
  }
  const css = [...grids].flatMap((k) => manifest[k].css || []).map(read).join('');
  assert.match(css, /\.leaflet-container/, 'Leaflet\'s stylesheet comes with the grids page');
  for (const f of manifest['admin/index.html'].css || []) {
    assert.doesNotMatch(read(f), /\.leaflet-container/, 'Leaflet\'s stylesheet is not in the console\'s');
  }
});

test('a cadre draws a grid, puts households into it and sets a household\'s grid; a grid worker is appointed', async () => {
  const cadre = await s.as('cadre');
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.locator('[data-test=stat-households] .stat__value').first().waitFor();
  assert.equal(await page.evaluate(() => typeof window.L), 'undefined', 'no map library on the overview');

  await page.getByRole('link', { name: '网格', exact: true }).click();
  await page.waitForURL(/\/admin\/grids$/);
  await page.locator('[data-test=grid-map] .leaflet-overlay-pane path, [data-test=grid-map] .leaflet-households-pane path').first().waitFor();
  const located = (await s.must('GET', `/api/v1/villages/${VILLAGE}/map`, { token: cadre })).households.length;
  assert.ok(located > 50, `households on the map: ${located}`);
  await L.expectCount(page.locator('[data-test=grid-map] .leaflet-households-pane path.leaflet-interactive'), located);
  // the demo's grids, with their worker
  const demo = (await s.must('GET', `/api/v1/villages/${VILLAGE}/grids`, { token: cadre })).items;
  const staffed = demo.find((g) => g.staff.length);
  await page.locator('[data-test=grids-table] .el-table__row', { hasText: staffed.name }).getByText(`网格员 ${staffed.staff[0].name}`).waitFor();
  await L.expectCount(page.locator('[data-test=grids-table] .el-table__row'), demo.length);
  await page.locator('[data-test=grid-map] .grid-map__label', { hasText: demo[0].name }).waitFor();
  await L.shot(page, 'admin-grids-demo');

  // a new grid: the code is suggested, the name is given
  await page.locator('[data-test=grid-create]').click();
  const dlg = page.getByRole('dialog', { name: '新建网格' });
  await dlg.waitFor();
  assert.ok((await dlg.locator('#grid-code').inputValue()).length > 0, 'a code is suggested');
  await dlg.locator('#grid-name').fill('村口网格');
  await dlg.locator('[data-test=grid-unit-save]').click();
  await dlg.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { name: '村口网格：边界和颜色' }).waitFor();
  let grids = (await s.must('GET', `/api/v1/villages/${VILLAGE}/grids`, { token: cadre })).items;
  assert.equal(grids.length, demo.length + 1);
  const grid = grids.find((g) => g.name === '村口网格');
  assert.equal(grid.name, '村口网格');
  assert.equal(grid.boundary, null);

  // a pasted boundary the server refuses: the reason under the map, nothing saved
  await page.locator('[data-test=paste-open]').click();
  const paste = page.getByRole('dialog', { name: '粘贴 GeoJSON 边界' });
  await paste.locator('textarea').fill('{"type": "Polygon", "coordinates": [[[103.878, 29.149], [103.882, 29.149], [103.878, 29.149]]]}');
  await paste.locator('[data-test=paste-apply]').click();
  await paste.waitFor({ state: 'hidden' });
  await page.locator('[data-test=grid-save]').click();
  const boundaryError = page.locator('[data-test=boundary-error]');
  await boundaryError.waitFor();
  assert.ok((await boundaryError.innerText()).trim().length > 0);
  await L.shot(page, 'admin-grids-boundary-error');
  const byId = async (id) => (await s.must('GET', `/api/v1/villages/${VILLAGE}/grids`, { token: cadre })).items.find((g) => g.id === id);
  assert.equal((await byId(grid.id)).boundary, null);

  // JSON that is not GeoJSON is caught before it is sent
  await page.locator('[data-test=paste-open]').click();
  await paste.locator('textarea').fill('{"type": "Point", "coordinates": [103.88, 29.15]}');
  await paste.locator('[data-test=paste-apply]').click();
  await paste.getByText('只能使用 Polygon 或 MultiPolygon').waitFor();
  await paste.getByRole('button', { name: '取消' }).click();

  // drawing: four corners of the western part of the village, one undone and redone
  await page.locator('[data-test=draw-start]').click();
  await clickMap(page, 0.12, 0.1, 1);
  await clickMap(page, 0.5, 0.1, 2);
  await clickMap(page, 0.7, 0.6, 3);
  await page.locator('[data-test=draw-undo]').click();
  await page.getByText('已点 2 个').waitFor();
  await clickMap(page, 0.5, 0.9, 3);
  await clickMap(page, 0.12, 0.9, 4);
  await L.shot(page, 'admin-grids-drawing');
  await page.locator('[data-test=draw-finish]').click();
  await page.getByText('边界共 4 个拐点').waitFor();
  await page.locator('[data-test=boundary-error]').waitFor({ state: 'detached' }).catch(() => {});

  // a colour from the offered ones
  await page.locator('[data-test=grid-color] .el-color-picker__trigger').click();
  const panel = page.locator('.el-color-picker__panel:visible');
  await panel.locator('[aria-label*="1f6fb2" i]').click();
  await panel.getByRole('button', { name: '确定' }).click();
  await page.getByText('有未保存的修改').waitFor();
  await page.locator('[data-test=grid-save]').click();
  await page.getByText('村口网格的边界和颜色已保存').waitFor();
  await page.locator('[data-test=boundary-error]').waitFor({ state: 'detached' });
  const saved = await byId(grid.id);
  assert.equal(saved.boundary.type, 'Polygon');
  assert.equal(saved.boundary.coordinates[0].length, 5, 'four corners, the ring closed');
  assert.deepEqual(saved.boundary.coordinates[0][0], saved.boundary.coordinates[0][4]);
  assert.equal(saved.color.toLowerCase(), '#1f6fb2');

  // households inside the boundary go into the grid: the confirmation says how many
  await page.locator('[data-test=grid-assign]').click();
  const confirm = page.getByRole('dialog', { name: '按边界归入住户' });
  await confirm.waitFor();
  const text = await confirm.innerText();
  const m = /边界内有 (\d+) 户/.exec(text);
  assert.ok(m, text);
  const expected = Number(m[1]);
  assert.ok(expected > 0 && expected < located, `inside the boundary: ${expected} of ${located}`);
  // the demo's grids cover the village: the households move from them
  assert.match(text, new RegExp(`其中 ${expected} 户现在属于其他网格`));
  await L.shot(page, 'admin-grids-assign-confirm');
  await confirm.getByRole('button', { name: '归入' }).click();
  const result = page.locator('[data-test=assign-result]');
  await result.waitFor();
  assert.match(await result.innerText(), new RegExp(`已把 ${expected} 户归入村口网格`));
  const members = await s.must('GET', `/api/v1/households?unit_id=${grid.id}&limit=1`, { token: cadre });
  assert.equal(members.total, expected);
  const row = page.locator('[data-test=grids-table] .el-table__row', { hasText: '村口网格' });
  await row.locator('td', { hasText: new RegExp(`^\\s*${expected}\\s*$`) }).waitFor();
  await page.mouse.move(5, 5);
  await page.waitForFunction(() => !document.querySelector('.el-message'));
  await L.shot(page, 'admin-grids');
  await L.axe(page, 'grids');
  assert.equal(await page.evaluate(() => typeof window.L), 'object', 'the map library loaded with the grids page');

  // one household outside the boundary is put into the grid on its own page
  const map = (await s.must('GET', `/api/v1/villages/${VILLAGE}/map`, { token: cadre })).households;
  const outside = map.find((h) => h.grid_id !== grid.id);
  assert.ok(outside, 'a household outside the grid');
  await page.goto(`/admin/households/${outside.id}`);
  const select = page.locator('[data-test=household-grid]');
  await select.waitFor();
  await select.click();
  await L.pickOption(page, '村口网格');
  await page.getByText('已归入村口网格').waitFor();
  let hh = await s.must('GET', `/api/v1/households/${outside.id}`, { token: cadre });
  assert.equal(hh.grid_id, grid.id);
  assert.equal(hh.grid_name, '村口网格');
  await page.evaluate(() => window.scrollTo(0, 0));
  await L.shot(page, 'admin-household-grid');
  await L.axe(page, 'household with its grid');
  // and out again
  await select.click();
  await L.pickOption(page, '不属于任何网格');
  await page.getByText('已移出网格').waitFor();
  hh = await s.must('GET', `/api/v1/households/${outside.id}`, { token: cadre });
  assert.equal(hh.grid_id, null);
  assert.equal(hh.grid_name, null);
  await select.click();
  await L.pickOption(page, '村口网格');
  // the first 已归入 message may still be showing: wait for the server to agree instead
  for (const end = Date.now() + 60000; Date.now() < end && (await s.must('GET', `/api/v1/households/${outside.id}`, { token: cadre })).grid_id !== grid.id;)
    await L.sleep(100);
  assert.equal((await s.must('GET', `/api/v1/households/${outside.id}`, { token: cadre })).grid_id, grid.id);
  await page.getByText('已归入村口网格').last().waitFor();
  L.assertNoProblems(desk);
  await desk.close();

  // the county administrator makes the demo's grid worker a grid worker of the new grid
  const admin = await s.as('county_admin');
  const village = await s.must('GET', `/api/v1/units/${VILLAGE}`, { token: admin });
  const town = await s.must('GET', `/api/v1/units/${village.parent_id}`, { token: admin });
  const county = await s.must('GET', `/api/v1/units/${town.parent_id}`, { token: admin });
  const adesk = await L.newContext(browser, 'desktop', s.url);
  const apage = await L.newPage(adesk);
  await L.adminLogin(apage, L.PHONES.county_admin);
  await apage.goto('/admin/users');
  const user = apage.locator('.el-table__row', { hasText: L.PHONES.grid_worker });
  await user.waitFor();
  const who = (await user.locator('td').first().innerText()).trim();
  await user.getByRole('button', { name: '授权' }).click();
  const gd = apage.getByRole('dialog', { name: /授予角色/ });
  await gd.getByRole('combobox', { name: '角色' }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click();
  await L.pickOption(apage, '网格员');
  // the choice is made when the select shows it; a dropdown a slow page left open is
  // closed by a click on the dialog's title, as a person would
  await gd.locator('.el-select__selected-item', { hasText: '网格员' }).first().waitFor();
  const dropdown = apage.locator('.el-select-dropdown:visible');
  if (await dropdown.count()) await gd.locator('.el-dialog__title').click();
  await dropdown.waitFor({ state: 'detached' });
  await gd.locator('.el-cascader').click();
  const node = (name) => apage.locator('.el-cascader-node:visible', { hasText: name }).first();
  await node(county.name).locator('.el-cascader-node__label').click();
  await node(town.name).locator('.el-cascader-node__label').click();
  await node(village.name).locator('.el-cascader-node__label').click();
  await node('村口网格（网格）').locator('.el-radio').click();
  await apage.keyboard.press('Escape');
  await apage.locator('.el-cascader__dropdown:visible').waitFor({ state: 'detached' });
  assert.equal(await gd.locator('.el-cascader input').inputValue(), '村口网格（网格）');
  await L.shot(apage, 'admin-users-grant-grid');
  await gd.getByRole('button', { name: '授权' }).click();
  await apage.getByText('已授权').waitFor();
  await user.locator('.el-tag', { hasText: '网格员 · 村口网格' }).waitFor();
  const staff = (await byId(grid.id)).staff;
  assert.ok(staff.some((x) => x.role === 'grid_worker' && x.name === who), JSON.stringify(staff));
  L.assertNoProblems(adesk);
  await adesk.close();

  // the cadre sees the worker and the household count on the grids page
  const desk2 = await L.newContext(browser, 'desktop', s.url);
  const page2 = await L.newPage(desk2);
  await L.adminLogin(page2, L.PHONES.cadre);
  await page2.goto('/admin/grids');
  const row2 = page2.locator('[data-test=grids-table] .el-table__row', { hasText: '村口网格' });
  await row2.getByText(`网格员 ${who}`).waitFor();
  await row2.locator('td', { hasText: new RegExp(`^\\s*${expected + 1}\\s*$`) }).waitFor();
  // the grid is a ranking unit
  await page2.goto('/admin/rankings');
  await page2.getByRole('combobox', { name: '范围' }).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click();
  await L.pickOption(page2, '村口网格（网格）');
  await page2.getByText(new RegExp(`村口网格 · .* · 共 ${expected + 1} 户`)).waitFor();
  L.assertNoProblems(desk2);
  await desk2.close();
});
