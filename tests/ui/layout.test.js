// The console's layout for every demo login: every route its menu shows, at the
// desktop (1366×768) and on a phone (360×740), pictured, without horizontal overflow,
// without a refused request, in Chinese; on a phone
// the menu is a drawer behind a button and forms are one column; the field pages
// (代为申报, 活动签到, 农户详情, 收银台) fit a phone; tables are at 14 px and links in
// the theme colour. Screenshots of the phone pages go to tests/ui/screenshots/.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

// the demo's console logins (the villager app's logins aside)
const LOGINS = {
  county_admin: '13900000001',
  town_official: '13900000002',
  cadre: '13900000003',
  clerk: '13900000004',
  grid_worker: '13900000005',
  assessor: '13900000006',
  handler: '13900000007',
  inspector: '13900000008',
  grid_worker_grid: '13900000009',
  operator: '13900000010',
  accountant: '13900000021',
};

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// How far the page is wider than the window (or the console's main area wider than
// itself), and the first elements that stick out.
async function overflow(page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    // the document, and the console's main area (a scroll box of its own)
    const main = document.querySelector('.layout__main');
    const over = Math.max(document.scrollingElement.scrollWidth - w, main ? main.scrollWidth - main.clientWidth : 0);
    const out = [];
    if (over > 0) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        const limit = main && main.contains(el) ? main.getBoundingClientRect().right : w;
        if (r.width && r.right > limit + 1 && !el.closest('.el-table__body-wrapper, .el-scrollbar')) out.push(`${el.tagName.toLowerCase()}.${String(el.className).split(' ').slice(0, 2).join('.')} (${Math.round(r.right)})`);
        if (out.length > 6) break;
      }
    }
    return { over, out };
  });
}

// Opens a console route and waits until its data are in.
async function visit(page, path) {
  await page.goto(`/admin${path}`);
  await page.locator('.layout__main').waitFor();
  await L.ready(page);
}

// The table columns fixed to an edge (Element Plus's sticky 操作 column) on the page: on
// a phone such a column lies over the others, so none may stay fixed there.
async function stuckColumns(page) {
  return page.locator('.layout__main .el-table td, .layout__main .el-table th').evaluateAll((cells) => [...new Set(cells
    .filter((c) => c.getBoundingClientRect().width > 0 && getComputedStyle(c).position === 'sticky')
    .map((c) => c.closest('.el-table').querySelector('th')?.textContent.trim().slice(0, 12) || 'a table'))]);
}

// The detail pages reached from a list, walked with the list's login: the first link of
// the list to a detail (a household's 农户详情, an event, a list's execution record).
const DETAILS = [
  ['/households', 'a[href^="/admin/households/"]'],
  ['/events/intake', 'a[data-event]'],
  ['/lists/executions', 'a[href^="/admin/lists/executions/"]'],
];

async function menuRoutes(page) {
  const hrefs = await page.locator('.menu a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs.map((h) => h.replace(/^\/admin/, '') || '/'))];
}

// The walk through every page of every console login, as its users meet it: each page
// pictured (tests/ui/screenshots/layout-<size>-<login>-<route>.png, to be looked at),
// with the first detail page of the lists (DETAILS), none wider than the window, none
// with a table column fixed over the others on a phone, none asking the API for
// something its login may not have (403), and at the desktop none showing a Latin word
// in the Chinese locale. The two sizes are walked side by side (each login in its own
// browser context), which halves the suite's longest wait.
describe('the walk at both sizes', { concurrency: 2 }, () => {
  for (const [kind, size] of [['desktop', '1366×768'], ['phone', '360×740']]) {
    test(`every console page of every demo login at ${size}: pictured, no overflow, no request refused${kind === 'desktop' ? ', no Latin word' : ''}`, async () => {
      const problems = [];
      const refused = [];
      const latin = [];
      const seenDetail = new Set();
      let pages = 0;
      for (const [role, phone] of Object.entries(LOGINS)) {
        const ctx = await L.newContext(browser, kind, s.url);
        const page = await L.newPage(ctx);
        const got = L.refusals(page);
        await L.adminLogin(page, phone);
        await page.locator('.layout__main').waitFor();
        const routes = await menuRoutes(page);
        assert.ok(routes.length >= 1, `${role}: a menu`);
        const details = [];
        for (let i = 0; i < routes.length + details.length; i++) {
          const r = i < routes.length ? routes[i] : details[i - routes.length];
          got.length = 0;
          await visit(page, r);
          await L.shot(page, `layout-${kind}-${role}${r === '/' ? '-home' : r.replace(/\//g, '-')}`);
          // a list's first detail, once for the walk (the first login whose menu has the list)
          for (const [list, sel] of DETAILS) {
            if (r !== list || seenDetail.has(`${kind} ${list}`)) continue;
            const href = await page.locator(`.layout__main ${sel}`).first().getAttribute('href', { timeout: 5000 }).catch(() => null);
            if (href) {
              seenDetail.add(`${kind} ${list}`);
              details.push(href.replace(/^\/admin/, ''));
            }
          }
          const o = await overflow(page);
          pages++;
          if (o.over > 0) problems.push(`${role} ${r}: ${o.over}px ${o.out.join(', ')}`);
          if (kind === 'phone') for (const t of await stuckColumns(page)) problems.push(`${role} ${r}: the fixed column of "${t}" lies over the others`);
          for (const u of got) refused.push(`${role} ${r}: ${u}`);
          if (kind === 'desktop') {
            const words = await L.latinWords(page);
            if (words.length) latin.push(`${role} ${r}: ${words.join(' ')}`);
          }
        }
        await ctx.close();
      }
      assert.deepEqual(problems, [], `pages wider than the window at ${size}`);
      assert.deepEqual(refused, [], `requests refused at ${size}`);
      assert.deepEqual(latin, [], 'Latin words visible in the Chinese locale');
      assert.ok(pages > 60, `${pages} pages visited`);
      assert.deepEqual([...seenDetail].sort(), DETAILS.map(([list]) => `${kind} ${list}`).sort(), 'a detail page of each list walked');
    });
  }
});

test('on a phone the menu is a drawer behind a button, and it closes on the way to a page', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, LOGINS.grid_worker);
  const menu = page.locator('#console-menu');
  const button = page.locator('[data-test=menu-button]');
  await button.waitFor();
  const box = await button.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, `the menu button is ${box.width}×${box.height}`);
  // closed: off the screen, the page has the whole width
  await L.settle(page);
  assert.ok((await menu.boundingBox()).x + (await menu.boundingBox()).width <= 0, 'the menu is closed');
  const main = await page.locator('.layout__main').boundingBox();
  assert.ok(main.x < 1 && main.width >= 359, `the page has the width: ${JSON.stringify(main)}`);
  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  await L.settle(page);
  assert.ok((await menu.boundingBox()).x >= 0, 'the menu is open');
  await L.shot(page, 'layout-phone-drawer');
  await menu.getByRole('link', { name: '代为申报' }).click();
  await page.waitForURL(/\/admin\/proxy-claim/);
  await L.settle(page);
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.ok((await menu.boundingBox()).x + (await menu.boundingBox()).width <= 0, 'the menu closed');
  // a form: one column, labels above their fields
  await L.quiet(page);
  const item = page.locator('.layout__main .el-form-item').first();
  await item.waitFor();
  const label = await item.locator('.el-form-item__label').boundingBox();
  const content = await item.locator('.el-form-item__content').boundingBox();
  assert.ok(content.y >= label.y + label.height - 1, 'the field is below its label');
  await L.shot(page, 'layout-phone-proxy-claim', { fullPage: true });
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the field pages fit a phone: 代为申报, 活动签到, 农户详情, 收银台', async () => {
  const cadre = await s.as('cadre');
  const acts = await s.must('GET', '/api/v1/activities?village_id=3&limit=5', { token: cadre });
  const pages = [
    ['grid_worker', '/proxy-claim', 'field-proxy-claim'],
    ['grid_worker', '/households/1', 'field-household'],
    ['cadre', '/households/1', 'field-household-cadre'],
    ['cadre', '/activities', 'field-activities'],
    ['clerk', '/shop/counter', 'field-counter'],
  ];
  for (const [role, path, name] of pages) {
    const ctx = await L.newContext(browser, 'phone', s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, LOGINS[role]);
    await visit(page, path);
    const o = await overflow(page);
    assert.ok(o.over <= 0, `${role} ${path}: ${o.over}px ${o.out.join(', ')}`);
    await L.shot(page, `layout-${name}`, { fullPage: true });
    // 活动签到: an activity's check-in dialog, when the demo has one
    if (path === '/activities' && acts.items.length) {
      const open = page.getByRole('button', { name: /签到/ }).first();
      if (await open.count()) {
        await open.click();
        await page.locator('.el-dialog').first().waitFor();
        await L.quiet(page);
        const d = await overflow(page);
        assert.ok(d.over <= 0, `the check-in dialog: ${d.over}px ${d.out.join(', ')}`);
        const box = await page.locator('.el-dialog').first().boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 360, `the dialog fits: ${JSON.stringify(box)}`);
        await L.shot(page, 'layout-field-checkin');
      }
    }
    L.assertNoProblems(ctx);
    await ctx.close();
  }
});

test('tables at 14 px and every link in the theme colour', async () => {
  const ctx = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(ctx);
  await L.adminLogin(page, LOGINS.cadre);
  await visit(page, '/households');
  await page.locator('.el-table__row').first().waitFor();
  const sizes = await page.locator('.el-table .cell').evaluateAll((cs) => [...new Set(cs.map((c) => getComputedStyle(c).fontSize))]);
  assert.deepEqual(sizes, ['14px']);
  for (const path of ['/households', '/publicity', '/audit']) {
    await visit(page, path);
    const colours = await page.locator('.layout__main a[href]').evaluateAll((as) => [...new Set(as.filter((a) => a.offsetParent && !a.closest('.el-button')).map((a) => getComputedStyle(a).color))]);
    for (const c of colours) assert.equal(c, 'rgb(179, 20, 27)', `${path}: a link in ${c}`);
  }
  L.assertNoProblems(ctx);
  await ctx.close();
});
