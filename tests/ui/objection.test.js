// 公示 and objections: a cadre issues a neighbour's activation code in the console
// (the printable slip), the neighbour activates on the phone and objects to an entry
// in 公示, the reviewer sees the objection in the queue and rejects with a reason (R,
// the reason, Enter), and the objector reads the outcome.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

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

test('a neighbour objects during 公示 and the reviewer rejects the claim', async () => {
  // the villager's claim, approved by the cadre: now in 公示 (through the API)
  const v = await s.as('villager');
  const cadre = await s.as('cadre');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: v })).items;
  const rule = rules.find((r) => r.name === '门前三包');
  const file = await s.must('POST', '/api/v1/files', { token: v, raw: L.makePng(200, 150, [20, 120, 40]), type: 'image/png' }, 201);
  const claim = await s.must('POST', '/api/v1/claims', {
    token: v, body: { resident_id: 1, rule_id: rule.id, occurred_on: today, description: '打扫门前和院坝', photos: [file.hash] },
  }, 201);
  await s.must('POST', `/api/v1/claims/${claim.id}/review`, { token: cadre, body: { decision: 'approve' } });

  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, L.PHONES.cadre);

  // the cadre opens a neighbouring household with a resident who has a phone and no
  // account yet (the demo gives some residents accounts) and issues an activation code
  let hh;
  let neighbour;
  for (let id = 2; !neighbour && id < 40; id++) {
    hh = await s.must('GET', `/api/v1/households/${id}`, { token: cadre });
    neighbour = hh.members.find((m) => m.phone && !m.user_id);
  }
  await cp.goto('/admin/households');
  await cp.locator('input[data-test=household-search]').fill(hh.number);
  await cp.keyboard.press('Enter');
  await cp.locator('[data-test=households-table] .el-table__row', { hasText: hh.number }).first().click();
  await cp.waitForURL(/\/admin\/households\/\d+/);
  await cp.locator('[data-test=members-table]').getByText(neighbour.name).waitFor();
  await L.shot(cp, 'admin-household');
  await L.axe(cp, 'admin household');
  await cp.locator(`[data-test=activate-${neighbour.id}]`).click();
  const slip = cp.locator('[data-test=slips] .slip').first();
  await slip.waitFor();
  const code = (await slip.locator('[data-test=slip-code]').innerText()).trim();
  assert.match(code, /^\d{8}$/);
  assert.match(await slip.innerText(), new RegExp(neighbour.name));
  await L.shot(cp, 'admin-activation-slip');
  await cp.emulateMedia({ media: 'print' });
  await cp.evaluate(() => document.body.classList.add('printing-slips'));
  await L.shot(cp, 'admin-activation-slip-print');
  await cp.evaluate(() => document.body.classList.remove('printing-slips'));
  await cp.emulateMedia({ media: 'screen' });
  await cp.keyboard.press('Escape');

  // the neighbour activates on the phone and objects
  const phone = await L.newContext(browser, 'phone', s.url);
  const np = await L.newPage(phone);
  await np.goto('/activate');
  await np.fill('input[name=phone]', neighbour.phone);
  await np.fill('input[name=code]', code);
  await np.fill('input[name=password]', 'Neighbour2026');
  await np.fill('input[name=password2]', 'Neighbour2026');
  await np.click('button[type=submit]');
  await np.waitForURL((u) => u.pathname === '/');
  await np.goto('/publicity');
  const entry = np.locator('[data-test=publicity-item]', { hasText: '门前三包' });
  await entry.waitFor();
  await L.shot(np, 'villager-publicity-entry');
  await entry.getByRole('button', { name: '我有异议' }).click();
  const sheet = np.getByRole('dialog', { name: '提出异议' });
  await sheet.getByRole('button', { name: '提交异议' }).click();
  await sheet.locator('.van-field__error-message', { hasText: '请填写异议理由' }).waitFor();
  await sheet.locator('textarea[name=reason]').fill('那天我在家，他家门前并没有打扫。');
  await L.shot(np, 'villager-objection-form');
  await L.axe(np, 'objection form');
  await sheet.getByRole('button', { name: '提交异议' }).click();
  await np.getByText('异议已提交').waitFor();
  await entry.waitFor({ state: 'detached' });
  await np.getByRole('tab', { name: '我的异议' }).click();
  await np.locator('[data-test=my-objection]', { hasText: '待处理' }).waitFor();

  // the claim is back in the review queue with the objection; the cadre rejects it
  await cp.goto('/admin/review');
  const detail = cp.locator('[data-test=review-detail]');
  await detail.getByText('门前三包').first().waitFor();
  await detail.getByText('那天我在家').waitFor();
  await L.shot(cp, 'admin-review-objection');
  await cp.keyboard.press('r');
  const reason = cp.locator('input[data-test=reject-reason]');
  await reason.waitFor();
  assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'R puts the cursor in the reason');
  await cp.keyboard.press('Enter'); // an empty reason is refused
  await cp.getByText('驳回必须填写理由').waitFor();
  await reason.fill('经核实当天未打扫，异议成立');
  await cp.keyboard.press('Enter');
  await cp.getByText('已驳回：门前三包').waitFor();

  // the console lists the objection as upheld
  await cp.goto('/admin/publicity');
  await cp.getByRole('tab', { name: '异议' }).click();
  await cp.locator('[data-test=objections-table]').getByText('异议成立', { exact: true }).waitFor();
  await L.shot(cp, 'admin-publicity-objections');
  await L.axe(cp, 'admin publicity');

  // the objector sees the decision and its reason
  await np.goto('/publicity');
  await np.getByRole('tab', { name: '我的异议' }).click();
  const mine = np.locator('[data-test=my-objection]').first();
  await mine.getByText('异议成立', { exact: true }).waitFor();
  assert.match(await mine.innerText(), /经核实当天未打扫/);
  await L.shot(np, 'villager-my-objections');

  // and the claimant sees the rejection with the reason
  const cphone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(cphone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto('/claims');
  const rejected = vp.locator('.claim-item', { hasText: '门前三包' });
  await rejected.getByText('已驳回').waitFor();
  assert.match(await rejected.innerText(), /经核实当天未打扫/);

  for (const c of [desk, phone, cphone]) {
    L.assertNoProblems(c);
    await c.close();
  }
});
