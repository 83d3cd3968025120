// The villager app on a 390×844 phone: login (and a wrong password), first-time
// activation with a cadre's code, home with the points, every main page with a
// screenshot and an axe-core check, and the elderly mode remembered on the device.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  // points to show: an award credited (3 days of 公示 passed) and one still in 公示
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const award = rules.find((r) => r.points > 0 && r.claim_by === 'cadre') || rules.find((r) => r.points > 0);
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: award.id, household_ids: [1, 2, 3], occurred_on: today, note: '组织邻里互助' } }, 201);
  await s.advance(3 * 86400 + 1);
  await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: award.id, household_ids: [4, 5], occurred_on: today, note: '清理河道垃圾' } }, 201);
  s.awardPoints = award.points;
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

test('login page, a wrong password, then home shows the points', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await page.goto('/');
  await page.waitForURL(/\/login/);
  await page.getByRole('button', { name: '登录' }).waitFor();
  await L.shot(page, 'villager-login');
  await L.axe(page, 'villager login');

  await page.fill('input[name=phone]', s.villager.phone);
  await page.fill('input[name=password]', 'wrong-password-1');
  await page.click('button[type=submit]');
  await page.getByRole('alert').filter({ hasText: '手机号或密码不对' }).waitFor();
  await L.shot(page, 'villager-login-error');

  await page.fill('input[name=password]', s.villager.password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');
  const spendable = page.locator('[data-test=spendable]');
  await assert.doesNotReject(spendable.filter({ hasText: String(s.awardPoints) }).waitFor());
  assert.equal(await page.locator('[data-test=honour]').innerText(), String(s.awardPoints));
  await page.locator('[data-test=show-code]').waitFor(); // the household code is behind 出示户码
  await page.locator('.list-item').first().waitFor(); // the latest 公示
  await L.shot(page, 'villager-home');
  await L.shot(page, 'villager-home-full', { fullPage: true });
  await L.axe(page, 'villager home');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('every main page of the villager app renders, in Chinese, without accessibility problems', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone);

  const pages = [
    ['/earn', 'villager-earn', '.rule-card'],
    ['/claims', 'villager-claims', '.van-list'],
    ['/ledger', 'villager-ledger', '[data-test=ledger-entry]'],
    ['/publicity', 'villager-publicity', '[data-test=publicity-item]'],
    ['/rankings', 'villager-rankings', '.rank-row'],
    ['/activities', 'villager-activities', '.page'],
    ['/me', 'villager-me', '[data-test=logout]'],
  ];
  for (const [url, name, ready] of pages) {
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    await L.quiet(page);
    await L.shot(page, name);
    await L.axe(page, url);
  }
  // the claim form for a rule that needs a photo
  await page.goto('/earn');
  await page.getByRole('tab', { name: '集体活动' }).click();
  await page.locator('.rule-card', { hasText: '参加志愿劳动' }).click();
  await page.waitForURL(/\/claim\?rule=/);
  await page.getByText('参加志愿劳动').first().waitFor();
  await L.shot(page, 'villager-claim-form');
  await L.axe(page, 'claim form');

  // the household's grid and who looks after it, on the Me page
  await page.goto('/me');
  const mine = page.locator('[data-test=my-household]');
  await mine.getByText('所在网格').waitFor();
  assert.match(await mine.innerText(), /(东片|中片|西片)网格/);

  // the ledger filter by kind
  await page.goto('/ledger');
  await page.locator('[data-test=ledger-entry]').first().waitFor();
  assert.match(await page.locator('[data-test=ledger-entry]').first().innerText(), /加分/);
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('the elderly mode is larger and simpler, and remembered after a reload', async () => {
  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await L.villagerLogin(page, s.villager.phone);
  await page.goto('/me');
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.locator('[data-test=elderly-cell]').click();
  await page.waitForFunction(() => document.documentElement.classList.contains('elderly'));
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(after > before, `font grows: ${before} → ${after}`);
  await page.goto('/');
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('elderly')), true);
  await page.getByRole('button', { name: '申报积分' }).waitFor();
  await L.expectCount(page.locator('.shortcuts'), 0, 'the simple home has no shortcut grid');
  await page.locator('[data-test=show-code]').waitFor();
  await L.shot(page, 'villager-home-elderly');
  await L.axe(page, 'elderly home');
  await page.goto('/earn');
  await page.locator('.rule-card').first().waitFor();
  await L.shot(page, 'villager-earn-elderly');
  L.assertNoProblems(ctx);
  await ctx.close();
});

test('first use: activation with the code a cadre issued, then logout', async () => {
  const cadre = await s.as('cadre');
  // a resident with a phone and no account yet (the demo gives accounts to some: party
  // members, the panel, the accountant)
  let who;
  for (let id = 2; !who && id < 40; id++) {
    const hh = await s.must('GET', `/api/v1/households/${id}`, { token: cadre });
    who = hh.members.find((m) => m.phone && !m.user_id);
  }
  const code = await s.must('POST', `/api/v1/residents/${who.id}/activation`, { token: cadre, body: {} }, 201);

  const ctx = await L.newContext(browser, 'phone', s.url);
  const page = await L.newPage(ctx);
  await page.goto('/login');
  await page.getByRole('link', { name: /激活码激活/ }).click();
  await page.waitForURL(/\/activate/);
  await L.shot(page, 'villager-activate');
  await L.axe(page, 'activation');
  await page.fill('input[name=phone]', who.phone);
  await page.fill('input[name=code]', '12345678');
  await page.fill('input[name=password]', 'Neighbour2026');
  await page.fill('input[name=password2]', 'Neighbour2026');
  await page.click('button[type=submit]');
  await page.getByRole('alert').waitFor(); // a wrong code is refused with the server's message
  await L.shot(page, 'villager-activate-error');
  await page.fill('input[name=code]', code.code);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByText(`${who.name}，您好`).waitFor();

  await page.goto('/me');
  await page.locator('[data-test=logout]').click();
  await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
  await page.waitForURL(/\/login/);
  L.assertNoProblems(ctx);
  await ctx.close();
});
