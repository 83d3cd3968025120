// The villager app as its users meet it, on the county demo of `make run` (half a year of
// history): its pages at 360×740 in normal and elderly mode and at 1366×768, each
// pictured in tests/ui/screenshots/walk-*.png to be looked at. On the way: no request of
// any page is refused (403), no Latin word shows in the Chinese locale, nothing tappable
// is under 44 px (48 px in elderly mode) and no text under 18 px in elderly mode. The
// console's pages of every login are walked the same way in layout.test.js.
'use strict';

const { test, before, after } = require('node:test');
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
  ['/me', '[data-test=logout]'],
];

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
// right, an empty primary page is not.
const EMPTY = '.el-table__empty-text, .el-empty__description, .van-empty__description';
const empties = [];
async function noteEmpty(page, label) {
  const texts = await page.locator(EMPTY).evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).map((e) => e.textContent.trim()));
  if (texts.length) empties.push(`${label}: ${texts.join(' | ')}`);
}
after(() => fs.writeFileSync(path.join(__dirname, 'screenshots', 'walk-empty.txt'), empties.join('\n') + '\n'));

// Visible text drawn smaller than min px.
async function smallText(page, min) {
  return page.evaluate((min) => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('svg, script, style, [aria-hidden=true]')) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('.van-popup') && !el.closest('.van-popup').offsetParent) continue;
      const size = parseFloat(cs.fontSize);
      if (size < min - 0.01) out.push(`"${text.slice(0, 16)}" ${size}px (${el.className || el.tagName})`);
    }
    return out;
  }, min);
}

for (const [kind, mode] of [['phone', 'normal'], ['phone', 'elderly'], ['desktop', 'normal']]) {
  test(`the villager's pages at ${kind === 'phone' ? '360×740' : '1366×768'} in ${mode} mode, pictured; no request refused; sizes`, async () => {
    const ctx = await L.newContext(browser, kind, s.url);
    await ctx.addInitScript((on) => {
      localStorage.setItem('cz.elderly', on ? '1' : '0');
      localStorage.setItem('cz.elderly.offered', '1');
    }, mode === 'elderly');
    const page = await L.newPage(ctx);
    const got = L.refusals(page);
    await L.villagerLogin(page, s.villager.phone, s.villager.password);
    const refused = [];
    const small = [];
    for (const [p, ready] of VILLAGER) {
      got.length = 0;
      await page.goto(p);
      await page.locator(ready).first().waitFor();
      await L.quiet(page);
      await L.shot(page, `walk-villager-${kind}-${mode}${name(p)}`);
      await noteEmpty(page, `villager ${kind} ${mode} ${p}`);
      for (const u of got) refused.push(`${p}: ${u}`);
      if (kind === 'phone' && mode === 'normal')
        for (const w of await L.latinWords(page)) small.push(`${p}: the Latin word ${w}`);
      // a card is a block: a link drawn as a card but left inline shows as a sliver
      for (const c of await page.locator('.card').evaluateAll((els) => els.filter((e) => getComputedStyle(e).display === 'inline').map((e) => e.textContent.trim().slice(0, 16))))
        small.push(`${p}: the card "${c}" is inline`);
      const over = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      if (over > 0) small.push(`${p}: ${over} px wider than the screen`);
      if (kind === 'phone') {
        const targets = await L.smallTargets(page, mode === 'elderly' ? 48 : 44);
        const text = mode === 'elderly' ? await smallText(page, 18) : [];
        for (const x of [...targets, ...text]) small.push(`${p}: ${x}`);
      }
    }
    assert.deepEqual(refused, [], 'requests refused');
    assert.deepEqual(small, [], `${mode} mode: targets under ${mode === 'elderly' ? 48 : 44} px${mode === 'elderly' ? ', text under 18 px' : ''}`);
    await ctx.close();
  });
}
