// The villager app as its users meet it, on the county demo of `make run` (half a year of
// history): its pages (with the details reached from the lists, the pop-up sheets, the
// 党建 pages of the demo villager, a party member, and the grid worker's 网格 tab) at
// 360×740 in normal and elderly mode and at 1366×768, each pictured in
// tests/ui/screenshots/walk-*.png to be looked at; no primary page only an empty state. On the way: no request of
// any page is refused (403), no Latin word shows in the Chinese locale, nothing tappable
// is under 44 px (48 px in elderly mode) and no text under 18 px in elderly mode. The
// console's pages of every login are walked the same way in layout.test.js.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const L = require('./lib');

let s;
let browser;

// the villager app's pages with what shows they are in
const VILLAGER = [
  ['/', '[data-test=balances]'],
  ['/earn', '.rule-card'],
  ['/claims', '.van-list'],
  ['/ledger', '[data-test=ledger-entry]'],
  ['/publicity', '[data-test=publicity-item]'],
  ['/rankings', '.rank-row'],
  ['/activities', '.page'],
  ['/shop', '.page'],
  ['/orders', '.page'],
  ['/notices', '.page'],
  ['/open', '.page'],
  ['/open/finance', '.page'],
  ['/report', '.page'],
  ['/my-events', '.page'],
  ['/my-disputes', '.page'],
  ['/lists', '.page'],
  ['/my-requests', '.page'],
  ['/broadcasts', '.page'],
  ['/talks', '.page'],
  ['/evaluations', '.page'],
  ['/party', '.party-page'],
  ['/party/learn', '[data-test=learn]'],
  ['/party/hall', '.party-page'],
  ['/me', '[data-test=logout]'],
];

// The detail pages reached from the lists: the first link of each list, walked with the
// same checks after the list.
const DETAILS = [
  ['/claims', 'a[href^="/claims/"]'],
  ['/notices', 'a[href^="/notices/"]'],
  ['/my-events', 'a[href^="/my-events/"]'],
  ['/open', 'a[href^="/open/"]:not([href="/open/finance"])'],
  ['/lists', 'a[href^="/lists/items/"]'],
  ['/my-requests', 'a[href^="/my-requests/"]'],
  ['/talks', 'a[href^="/talks/"]'],
  ['/evaluations', 'a[href^="/evaluations/"]'],
];

// The pop-up sheets, opened on their page: [page, what opens it, the sheet].
const SHEETS = [
  ['/claim', '[data-test=rule-cell]', 'claim-rules'],
  ['/shop', '[data-test=show-code]', 'shop-code'],
];

// The primary pages, and the landing page: each shows content, not only an empty state
// (还没有…, 暂无…). Queues and the user's own requests may rightly be empty; these may not.
const PRIMARY = ['/', '/earn', '/claims', '/ledger', '/publicity', '/rankings', '/activities', '/shop', '/orders',
  '/notices', '/open', '/open/finance', '/lists', '/broadcasts', '/talks', '/evaluations', '/party', '/grid'];

// The visible empty-state texts of the page (a list saying it has nothing), when the page
// shows no list item, card or table row beside them.
async function emptyOnly(page) {
  return page.evaluate(() => {
    const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
    const empties = [...document.querySelectorAll('.empty, .van-empty, .el-empty, .el-table__empty-text')]
      .filter(shown).map((e) => e.textContent.trim()).filter((t) => /还没有|暂无|没有/.test(t));
    if (!empties.length) return [];
    const content = [...document.querySelectorAll('.card, .list-item, .van-cell, .el-table__row, .rank-row, .rule-card, [data-test=ledger-entry], [data-test=publicity-item]')]
      .filter((e) => shown(e) && !e.closest('.van-tabbar, .van-popup, .van-nav-bar'));
    return content.length ? [] : empties;
  });
}

// The demo as `make run` makes it (the county, half a year of history): what a county
// evaluating the product meets first.
before(async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-walk-'));
  const made = spawnSync(L.BIN, ['demo', '--scale', 'county', '--data', data], { encoding: 'utf8', timeout: 30 * 60 * 1000 });
  assert.equal(made.status, 0, `cunzhi demo --scale county: ${made.stdout}\n${made.stderr}`);
  const lines = made.stdout.trim().split('\n');
  const m = /村民.*?(\d{11})\s*\/\s*(\S+)\s*$/.exec(lines[lines.length - 1]);
  assert.ok(m, `no villager login in the demo output: ${lines[lines.length - 1]}`);
  s = new L.Server(data);
  s.villager = { phone: m[1], password: m[2] };
  await s.start();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

const name = (p) => (p === '/' ? '-home' : p.replace(/\//g, '-'));

// The empty states a page shows (an empty table, 暂无数据), listed in
// screenshots/walk-empty.txt beside the pictures to be looked at: an empty queue may be
// right, an empty primary page is not. One list a walk (they run side by side), written
// in the order of the walks.
const EMPTY = '.el-table__empty-text, .el-empty__description, .van-empty__description';
const WALKS = [['phone', 'normal'], ['phone', 'elderly'], ['desktop', 'normal']];
const empties = new Map(WALKS.map(([kind, mode]) => [`${kind} ${mode}`, []]));
async function noteEmpty(page, kind, mode, label) {
  const texts = await page.locator(EMPTY).evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).map((e) => e.textContent.trim()));
  if (texts.length) empties.get(`${kind} ${mode}`).push(`${label}: ${texts.join(' | ')}`);
}
after(() => fs.writeFileSync(path.join(__dirname, 'screenshots', 'walk-empty.txt'), [...empties.values()].flat().join('\n') + '\n'));

// Visible text drawn smaller than min px.
async function smallText(page, min) {
  return page.evaluate((min) => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      // a map pin's label is sized with its pin (see smallTargets in lib.js)
      if (!text || !el || el.closest('svg, script, style, [aria-hidden=true], .leaflet-marker-icon')) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('.van-popup') && !el.closest('.van-popup').offsetParent) continue;
      const size = parseFloat(cs.fontSize);
      if (size < min - 0.01) out.push(`"${text.slice(0, 16)}" ${size}px (${el.className || el.tagName})`);
    }
    return out;
  }, min);
}

// The checks of one page: pictured, no request refused, no Latin word (phone, normal),
// no inline card, no overflow, targets and text sizes (phone), and for a primary page
// not an empty state.
async function checkPage(page, got, kind, mode, p, shotName, problems, { sizes = true } = {}) {
  await L.ready(page);
  await L.shot(page, shotName);
  await noteEmpty(page, kind, mode, `villager ${kind} ${mode} ${p}`);
  for (const u of got) problems.refused.push(`${p}: ${u}`);
  got.length = 0;
  if (kind === 'phone' && mode === 'normal')
    for (const w of await L.latinWords(page)) problems.small.push(`${p}: the Latin word ${w}`);
  // a card is a block: a link drawn as a card but left inline shows as a sliver
  for (const c of await page.locator('.card').evaluateAll((els) => els.filter((e) => getComputedStyle(e).display === 'inline').map((e) => e.textContent.trim().slice(0, 16))))
    problems.small.push(`${p}: the card "${c}" is inline`);
  const over = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  if (over > 0) problems.small.push(`${p}: ${over} px wider than the screen`);
  if (kind === 'phone' && sizes) {
    const targets = await L.smallTargets(page, mode === 'elderly' ? 48 : 44);
    const text = mode === 'elderly' ? await smallText(page, 18) : [];
    for (const x of [...targets, ...text]) problems.small.push(`${p}: ${x}`);
  }
  if (PRIMARY.includes(p)) for (const e of await emptyOnly(page)) problems.empty.push(`${p}: ${e}`);
}

// The three walks go side by side, each in its own browser contexts.
describe('the villager walks', { concurrency: WALKS.length }, () => {
  for (const [kind, mode] of WALKS) {
    test(`the villager's pages at ${kind === 'phone' ? '360×740' : '1366×768'} in ${mode} mode, with their details and sheets, and the grid worker's 网格 tab, pictured; no request refused; sizes; no empty primary page`, async () => {
      const ctx = await L.newContext(browser, kind, s.url);
      await ctx.addInitScript((on) => {
        localStorage.setItem('cz.elderly', on ? '1' : '0');
        localStorage.setItem('cz.elderly.offered', '1');
      }, mode === 'elderly');
      const page = await L.newPage(ctx);
      const got = L.refusals(page);
      await L.villagerLogin(page, s.villager.phone, s.villager.password);
      const problems = { refused: [], small: [], empty: [] };
      const details = [];
      for (const [p, ready] of VILLAGER) {
        got.length = 0;
        await page.goto(p);
        await page.locator(ready).first().waitFor();
        await checkPage(page, got, kind, mode, p, `walk-villager-${kind}-${mode}${name(p)}`, problems);
        for (const [list, sel] of DETAILS) {
          if (list !== p) continue;
          const href = await page.locator(sel).first().getAttribute('href', { timeout: 5000 }).catch(() => null);
          if (href) details.push(href);
          else problems.empty.push(`${p}: no detail to open (${sel})`);
        }
      }
      // the detail pages
      for (const d of details) {
        got.length = 0;
        await page.goto(d);
        await page.locator('#app .van-nav-bar, #app .page').first().waitFor();
        await checkPage(page, got, kind, mode, d, `walk-villager-${kind}-${mode}-detail${name(d.replace(/\/\d+/g, ''))}`, problems);
      }
      // the pop-up sheets, open
      for (const [p, opener, sheet] of SHEETS) {
        got.length = 0;
        await page.goto(p);
        await page.locator(opener).first().click();
        await page.locator('.van-popup').filter({ visible: true }).first().waitFor();
        await checkPage(page, got, kind, mode, `${p} (${sheet})`, `walk-villager-${kind}-${mode}-sheet-${sheet}`, problems);
      }
      await ctx.close();

      // the grid worker's 网格 tab, in the same app
      const gctx = await L.newContext(browser, kind, s.url);
      await gctx.addInitScript((on) => {
        localStorage.setItem('cz.elderly', on ? '1' : '0');
        localStorage.setItem('cz.elderly.offered', '1');
      }, mode === 'elderly');
      const gpage = await L.newPage(gctx);
      const ggot = L.refusals(gpage);
      await L.villagerLogin(gpage, L.PHONES.grid_worker);
      await gpage.goto('/grid');
      await gpage.locator('.grid-phone').first().waitFor();
      await checkPage(gpage, ggot, kind, mode, '/grid', `walk-grid-${kind}-${mode}-grid`, problems);
      await gctx.close();

      assert.deepEqual(problems.refused, [], 'requests refused');
      assert.deepEqual(problems.small, [], `${mode} mode: targets under ${mode === 'elderly' ? 48 : 44} px${mode === 'elderly' ? ', text under 18 px' : ''}`);
      assert.deepEqual(problems.empty, [], 'primary pages showing only an empty state');
      assert.ok(details.length >= DETAILS.length - 1, `${details.length} detail pages walked`);
    });
  }
});

// The console on the same county demo: each login's landing page and the lists its work
// is about show content, not only an empty state (an empty table, 暂无数据). Pictured as
// walk-console-<login>-<route>.png.
const CONSOLE = {
  county_admin: ['13900000001', []],
  town_official: ['13900000002', []],
  cadre: ['13900000003', ['/households', '/publicity']],
  clerk: ['13900000004', ['/shop/goods']],
  grid_worker: ['13900000005', ['/households']],
  assessor: ['13900000006', []],
  handler: ['13900000007', ['/events/inbox', '/disputes']],
  inspector: ['13900000008', ['/audit']],
  grid_worker_grid: ['13900000009', ['/lists/executions']],
  operator: ['13900000010', []],
  accountant: ['13900000021', []],
};

async function consoleEmpty(page) {
  return page.evaluate(() => {
    const main = document.querySelector('.layout__main');
    if (!main) return ['no page'];
    const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const empties = [...main.querySelectorAll('.el-table__empty-text, .el-empty__description, .empty')].filter(shown).map((e) => e.textContent.trim());
    if (!empties.length) return [];
    const content = [...main.querySelectorAll('.el-table__row, .card, .stat, .el-descriptions, .el-form, canvas')].filter(shown);
    return content.length ? [] : empties;
  });
}

test('every console login lands on a page with content, and its lists are not empty, on the county demo', async () => {
  const problems = [];
  for (const [role, [phone, lists]] of Object.entries(CONSOLE)) {
    const ctx = await L.newContext(browser, 'desktop', s.url);
    const page = await L.newPage(ctx);
    await L.adminLogin(page, phone);
    await page.locator('.layout__main').waitFor();
    const landing = new URL(page.url()).pathname.replace(/^\/admin/, '') || '/';
    for (const r of [landing, ...lists.filter((x) => x !== landing)]) {
      if (r !== landing) await page.goto(`/admin${r}`);
      await page.locator('.layout__main').waitFor();
      await L.ready(page);
      await L.shot(page, `walk-console-${role}${r === '/' ? '-home' : r.replace(/\//g, '-')}`);
      for (const e of await consoleEmpty(page)) problems.push(`${role} ${r}: ${e}`);
    }
    await ctx.close();
  }
  assert.deepEqual(problems, [], 'console pages showing only an empty state');
});
