// The main points flow across both apps: a villager claims with a photo on the phone
// (the server's field errors shown at the field), a cadre approves it in the console's
// review queue with the keyboard, the test clock passes the 公示 period, and the
// villager sees the points on the home page and in the ledger.
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

test('claim with a photo → approve in the console → 公示 ends → the villager sees the points', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const vp = await L.newPage(phone);
  const cp = await L.newPage(desk);

  // an earlier claim of a rule allowed once a month, made through the API
  const vtoken = await s.as('villager');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: vtoken })).items;
  const once = rules.find((r) => r.name === '学习强国月度积分达标');
  const file = await s.must('POST', '/api/v1/files', { token: vtoken, raw: L.makePng(32, 32, [0, 90, 200]), type: 'image/png' }, 201);
  const earlier = await s.must('POST', '/api/v1/claims', { token: vtoken, body: { resident_id: 1, rule_id: once.id, occurred_on: today, photos: [file.hash] } }, 201);

  // the villager starts with nothing
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=spendable]').filter({ hasText: '0' }).waitFor();

  // claims the same rule again from the earn page
  await vp.goto('/earn');
  await vp.getByRole('button', { name: '申报：学习强国月度积分达标' }).click();
  await vp.waitForURL(/\/claim\?rule=\d+/);
  await vp.getByText('学习强国月度积分达标').first().waitFor();

  // the rule needs a photo: refused here before anything is sent
  await vp.getByRole('button', { name: '提交申报' }).click();
  await vp.getByRole('alert').filter({ hasText: '需要上传照片' }).waitFor();

  // with a photo from the album the server refuses it (the monthly cap), and says so
  // at the rule
  await vp.locator('[data-test=album]').setInputFiles({ name: 'study.png', mimeType: 'image/png', buffer: L.makePng(320, 240) });
  await vp.locator('[data-test=photos] img').first().waitFor();
  await vp.getByRole('button', { name: '提交申报' }).click();
  const ruleError = vp.locator('[data-test=rule-error]');
  await ruleError.waitFor();
  assert.match(await ruleError.innerText(), /[\u4e00-\u9fff]/);
  await L.shot(vp, 'villager-claim-field-error');
  const cadreToken = await s.as('cadre');
  await s.must('POST', `/api/v1/claims/${earlier.id}/review`, { token: cadreToken, body: { decision: 'reject', reason: '本月已申报过' } });

  // another rule from the picker, a description, and it goes through
  await vp.locator('[data-test=rule-cell]').click();
  await vp.getByRole('dialog').getByText('参加志愿劳动').click();
  await vp.getByRole('dialog').waitFor({ state: 'hidden' });
  await L.expectCount(vp.locator('[data-test=rule-error]'), 0, 'the old rule\'s error is gone');
  await vp.fill('textarea[name=description]', '周六上午和邻居一起清理村口水渠');
  await L.shot(vp, 'villager-claim-filled');
  await vp.getByRole('button', { name: '提交申报' }).click();
  await vp.waitForURL(/\/claims$/);
  const item = vp.locator('.claim-item', { hasText: '参加志愿劳动' });
  await item.waitFor();
  assert.match(await item.innerText(), /待审核/);
  await vp.locator('.claim-item', { hasText: '已驳回' }).waitFor();
  assert.match(await vp.locator('.claim-item', { hasText: '已驳回' }).innerText(), /本月已申报过/);
  await L.shot(vp, 'villager-claims-pending');

  // the cadre reviews in the console
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.goto('/admin/review');
  await cp.locator('[data-test=review-detail]').getByText('参加志愿劳动').first().waitFor();
  await cp.locator('[data-test=photo-viewer] img').first().waitFor();
  await cp.waitForFunction(() => {
    const img = document.querySelector('[data-test=photo-viewer] .viewer__main img');
    return img && img.complete && img.naturalWidth > 0;
  });
  assert.match(await cp.locator('[data-test=review-detail]').innerText(), /清理村口水渠/);
  await L.shot(cp, 'admin-review');
  await L.axe(cp, 'admin review');
  await cp.keyboard.press('a');
  await cp.getByText('已通过：参加志愿劳动').waitFor();
  await cp.locator('[data-test=review-detail]').getByText('没有待审核的申报').waitFor();

  // the villager sees it in 公示
  await vp.goto('/claims');
  await vp.locator('.claim-item', { hasText: '公示中' }).waitFor();
  await vp.goto('/publicity');
  await vp.locator('[data-test=publicity-item]', { hasText: '参加志愿劳动' }).waitFor();
  await vp.goto('/');
  await vp.locator('[data-test=spendable]').filter({ hasText: /^0$/ }).waitFor();

  // the 公示 period (3 days by default) passes; the scheduler credits the entry
  await s.advance(3 * 86400 + 1);
  await vp.reload();
  await vp.locator('[data-test=spendable]').filter({ hasText: '5' }).waitFor();
  assert.equal(await vp.locator('[data-test=honour]').innerText(), '5');
  await L.shot(vp, 'villager-home-credited');
  await vp.goto('/ledger');
  const entry = vp.locator('[data-test=ledger-entry]').first();
  await entry.waitFor();
  assert.match(await entry.innerText(), /参加志愿劳动[\s\S]*\+5/);
  await L.shot(vp, 'villager-ledger-credited');
  await vp.goto('/claims');
  await vp.locator('.claim-item', { hasText: '已入账' }).waitFor();
  await vp.locator('.claim-item').first().click();
  await vp.waitForURL(/\/claims\/\d+/);
  await vp.locator('.photos img').first().waitFor();
  await L.shot(vp, 'villager-claim-detail');
  await L.axe(vp, 'claim detail');

  // the console's household page shows the new balance
  await cp.goto('/admin/households/1');
  await cp.getByText('可兑换积分 5，累计积分 5').waitFor();

  L.assertNoProblems(phone);
  L.assertNoProblems(desk);
  await phone.close();
  await desk.close();
});
