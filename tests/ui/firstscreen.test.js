// The villager's first screen on a 360×740 phone: the points card (this month's
// change, only the household's own rank asked of the server), then the quick entries,
// then the notices, the first two within the first screen; 出示户码 opens the household
// code full screen (刷新户码 still gives a fresh one); the elderly mode offered once on
// the home page, and in it every text at least 18 px and every target at least 48×48
// px with notice titles on up to two lines; in the normal mode nothing tappable under
// 44 px; the show-password toggle on the login; the points by month on 积分明细; the
// grid worker with a call button on 我的, and a grid worker without a household not
// offered the household's pages. No specific point values are relied on.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  // a few points for the demo villager's household (credited after 公示), whatever the
  // demo's own history, so that the chart has something to draw
  const cadre = await s.as('cadre');
  const me = await s.must('GET', '/api/v1/session', { token: await s.login(s.villager.phone, s.villager.password) });
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const rule = rules.find((r) => r.name === '见义勇为');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: rule.id, household_ids: [me.household_id], occurred_on: today, note: '首页测试' } }, 201);
  await s.advance(3 * 86400 + 1);
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

// Visible text drawn smaller than min px (the charts' SVG labels are checked apart).
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

// The SVG labels of the chart as drawn on the screen.
async function smallSvgText(page, min) {
  return page.locator('svg text').evaluateAll((ts, min) => ts.filter((t) => t.getBoundingClientRect().height > 0)
    .map((t) => ({ text: t.textContent, h: t.getBoundingClientRect().height }))
    .filter((x) => x.h < min * 1.0).map((x) => `${x.text} ${x.h.toFixed(1)}px`), min);
}

async function box(page, sel) {
  const b = await page.locator(sel).first().boundingBox();
  assert.ok(b, `${sel} is shown`);
  return b;
}

test('the first screen: points, quick entries, notices; 出示户码 full screen; the password toggle', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/rankings')) asked.push(new URL(r.url()).pathname); });

  // the login: the password can be shown and hidden again
  await page.goto('/login');
  await page.fill('input[name=phone]', s.villager.phone);
  const pw = page.locator('input[name=password]');
  await pw.fill(s.villager.password);
  assert.equal(await pw.getAttribute('type'), 'password');
  const toggle = page.locator('[data-test=password-toggle]');
  const tb = await toggle.boundingBox();
  assert.ok(tb.width >= 44 && tb.height >= 44, `the toggle is ${tb.width}×${tb.height}`);
  await toggle.click();
  assert.equal(await pw.getAttribute('type'), 'text');
  assert.equal(await pw.inputValue(), s.villager.password);
  assert.equal(await toggle.getAttribute('aria-label'), '隐藏密码');
  await L.shot(page, 'first-login-password-shown');
  await toggle.click();
  assert.equal(await pw.getAttribute('type'), 'password');
  assert.deepEqual(await L.smallTargets(page, 44), [], 'the login page');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');

  // the order, and the first two within the first screen (above the tab bar)
  await page.locator('[data-test=month-change]').waitFor();
  await page.locator('[data-test=home-notices]').waitFor();
  await L.quiet(page);
  await L.settle(page);
  const points = await box(page, '[data-test=balances]');
  const quick = await box(page, '[data-test=quick-entries]');
  const notices = await box(page, '[data-test=home-notices]');
  const tabbar = await box(page, '.van-tabbar');
  assert.ok(points.y < quick.y && quick.y < notices.y, `order: ${points.y} < ${quick.y} < ${notices.y}`);
  assert.ok(points.y >= 0 && quick.y + quick.height <= tabbar.y + 0.5,
    `the points card and every quick entry on the first screen: entries end at ${quick.y + quick.height}, the tab bar starts at ${tabbar.y}`);
  assert.match(await page.locator('[data-test=month-change]').innerText(), /本月/);
  // only the household's own rank is asked for, never the whole ranking
  assert.ok(asked.includes('/api/v1/rankings/mine'), asked.join(' '));
  assert.ok(!asked.includes('/api/v1/rankings'), 'the whole ranking is not downloaded');
  // the code is not on the home page until asked for
  await L.expectCount(page.locator('[data-test=household-code]'), 0, 'no code on the home page');
  await page.locator('[data-test=elderly-offer]').waitFor();
  await L.shot(page, 'first-home');
  await L.shot(page, 'first-home-full', { fullPage: true });
  assert.deepEqual(await L.smallTargets(page, 44), [], 'the home page: nothing tappable under 44 px');

  // 出示户码: the code full screen, refreshed on 刷新户码, closed again
  await page.locator('[data-test=show-code]').click();
  const img = page.locator('[data-test=household-code]');
  await img.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('[data-test=household-code]'); return i && i.complete && i.naturalWidth > 0; });
  await L.settle(page);
  const dialog = await box(page, '[data-test=code-full]');
  assert.ok(dialog.x <= 0.5 && dialog.y <= 0.5 && dialog.width >= 359.5 && dialog.height >= 739.5, `full screen: ${JSON.stringify(dialog)}`);
  const code = await img.boundingBox();
  assert.ok(code.width >= 280 && code.height >= 280, `a large code: ${code.width}×${code.height}`);
  assert.ok(code.y >= 0 && code.y + code.height <= 740, 'the code is on the screen');
  assert.deepEqual(await L.smallTargets(page, 44), [], 'the code screen');
  await L.shot(page, 'first-code-full');
  const src = await img.getAttribute('src');
  const fresh = page.waitForResponse((r) => /\/households\/\d+\/code\.svg/.test(r.url()));
  await page.locator('[data-test=refresh-code]').click();
  await fresh;
  await page.waitForFunction((old) => document.querySelector('[data-test=household-code]').getAttribute('src') !== old, src);
  await page.locator('[data-test=close-code]').click();
  await L.expectCount(page.locator('[data-test=household-code]'), 0, 'closed: the code is gone');

  // the other pages of the normal mode: nothing tappable under 44 px
  for (const [path, ready] of [['/ledger', '[data-test=month-chart]'], ['/me', '[data-test=my-household]'], ['/shop', '[data-test=goods]'], ['/earn', '.rule-card']]) {
    await page.goto(path);
    await page.locator(ready).first().waitFor();
    await L.quiet(page);
    await L.settle(page);
    assert.deepEqual(await L.smallTargets(page, 44), [], `${path}: nothing tappable under 44 px`);
  }
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('积分明细 draws the points by month; 我的 names the grid worker with a call button', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone, s.villager.password);
  const h = await s.must('GET', `/api/v1/households/${(await s.must('GET', '/api/v1/session', { token: await s.login(s.villager.phone, s.villager.password) })).household_id}`,
    { token: await s.as('cadre') });
  await page.goto('/ledger');
  const chart = page.locator('[data-test=month-chart]');
  await chart.waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-test=month-chart] .van-loading'));
  const bars = chart.locator('[data-test=month-bar]');
  {
    await L.expectCount(bars, 6, 'six months');
    const months = await bars.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-month')));
    assert.deepEqual(months, [...months].sort(), 'oldest first');
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
    assert.ok(months[5] <= now && months[5] >= months[0]);
    // the bars add up to the honour changes of the ledger in those months
    const sum = (await bars.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-points'))))).reduce((a, b) => a + b, 0);
    const from = `${months[0]}-01`;
    const ledger = await s.must('GET', `/api/v1/households/${h.id}/ledger?from=${from}&limit=200`, { token: await s.as('cadre') });
    if (ledger.total <= 200) assert.equal(sum, ledger.items.reduce((a, e) => a + e.honour, 0));
    assert.ok(sum !== 0, 'the award is drawn');
    assert.ok(await chart.locator('svg').getAttribute('aria-label'));
  }
  await L.shot(page, 'first-ledger-chart');

  await page.goto('/me');
  await page.locator('[data-test=my-household]').waitFor();
  assert.ok(h.grid_workers.length >= 1, 'the demo household has a grid worker');
  const call = page.locator('[data-test=call-grid-worker]').first();
  await call.waitFor();
  assert.equal(await call.getAttribute('href'), `tel:${h.grid_workers[0].phone}`);
  await page.locator('[data-test=grid-worker]', { hasText: h.grid_workers[0].name }).waitFor();
  const cb = await call.boundingBox();
  assert.ok(cb.width >= 44 && cb.height >= 44);
  await L.shot(page, 'first-me');
  L.assertNoProblems(ctx);
  await ctx.close();

  // a grid worker without a household here: no claims, ledger or orders of a household
  const gctx = await L.newContext(browser, 'phone', s.url);
  const gp = await L.newPage(gctx);
  await L.villagerLogin(gp, '13900000009');
  await gp.goto('/me');
  await gp.locator('[data-test=logout]').waitFor();
  await L.quiet(gp);
  for (const name of ['我的申报', '积分明细', '我的订单']) await L.expectCount(gp.getByText(name, { exact: true }), 0, `${name} is not offered`);
  await L.shot(gp, 'first-me-grid-worker');
  L.assertNoProblems(gctx);
  await gctx.close();
});

test('the elderly mode: offered once on the home page; text ≥ 18 px, targets ≥ 48 px, notice titles on two lines', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone, s.villager.password);
  await page.locator('[data-test=elderly-offer]').waitFor();
  await page.locator('[data-test=elderly-offer-yes]').click();
  await page.waitForFunction(() => document.documentElement.classList.contains('elderly'));
  await L.expectCount(page.locator('[data-test=elderly-offer]'), 0, 'answered: the offer is gone');
  await page.reload();
  await page.locator('[data-test=home-notices] [data-test=home-notice]').first().waitFor();
  await L.quiet(page);
  await L.settle(page);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elderly')), true);
  await L.expectCount(page.locator('[data-test=elderly-offer]'), 0, 'offered once only');

  // the order holds, and the big buttons start on the first screen
  const points = await box(page, '[data-test=balances]');
  const big = await box(page, '[data-test=quick-entries]');
  const notices = await box(page, '[data-test=home-notices]');
  const tabbar = await box(page, '.van-tabbar');
  assert.ok(points.y < big.y && big.y < notices.y);
  const first = await page.locator('[data-test=quick-entries] .van-button').first().boundingBox();
  assert.ok(first.y + first.height <= tabbar.y, `the first big button on the first screen: ${first.y + first.height} / ${tabbar.y}`);
  await L.shot(page, 'first-home-elderly');
  await L.shot(page, 'first-home-elderly-full', { fullPage: true });
  assert.deepEqual(await smallText(page, 18), [], 'home: every text at least 18 px');
  assert.deepEqual(await L.smallTargets(page, 48), [], 'home: every target at least 48×48 px');
  // notice titles wrap, up to two lines
  const titles = await page.locator('[data-test=home-notice] .notice-row__title').evaluateAll((ts) => ts.map((t) => {
    const cs = getComputedStyle(t);
    return { ws: cs.whiteSpace, lines: Math.round(t.getBoundingClientRect().height / parseFloat(cs.lineHeight)), long: t.scrollHeight > t.clientHeight + 1 || t.textContent.length > 12 };
  }));
  for (const x of titles) {
    assert.notEqual(x.ws, 'nowrap');
    assert.ok(x.lines <= 2, `at most two lines: ${x.lines}`);
    if (x.long) assert.equal(x.lines, 2, 'a long title takes two lines');
  }

  // 出示户码 in the elderly mode
  await page.locator('[data-test=show-code]').click();
  await page.locator('[data-test=household-code]').waitFor();
  await L.settle(page);
  assert.deepEqual(await smallText(page, 18), [], 'the code screen: text at least 18 px');
  assert.deepEqual(await L.smallTargets(page, 48), [], 'the code screen: targets at least 48 px');
  await L.shot(page, 'first-code-full-elderly');
  await page.locator('[data-test=close-code]').click();

  for (const [path, ready] of [['/ledger', '[data-test=month-chart]'], ['/me', '[data-test=my-household]']]) {
    await page.goto(path);
    await page.locator(ready).first().waitFor();
    await L.quiet(page);
    await L.settle(page);
    assert.deepEqual(await smallText(page, 18), [], `${path}: every text at least 18 px`);
    assert.deepEqual(await smallSvgText(page, 18), [], `${path}: chart labels`);
    assert.deepEqual(await L.smallTargets(page, 48), [], `${path}: every target at least 48×48 px`);
    await L.shot(page, `first-elderly${path.replace('/', '-')}`, { fullPage: true });
  }

  // switched off again from the home page
  await page.goto('/');
  await page.locator('[data-test=elderly-toggle]').click();
  await page.waitForFunction(() => !document.documentElement.classList.contains('elderly'));
  L.assertNoProblems(ctx);
  await ctx.close();
});
