// The points shop 积分超市 in both apps. The villager's points come from cadre awards
// credited after 公示 (the test clock passes it). The clerk sets the shop up in the
// console (a new good with a photo, stock-in in 元, a loss); the villager sees the
// goods with photos on the phone and reserves one; at the counter the clerk types the
// villager's phone code, builds a cart, confirms, and prints the receipt, collects
// the pre-order, redeems again through a dropped connection (retried with the same
// idempotency key: charged once), takes a return, issues a household card with a PIN
// and redeems with it; both sides see the new balance and the receipts; the stock
// ledger and the reports show it all, with XLSX exports; the overview counts low
// stock. Every new page gets a screenshot and an axe-core check.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib');

const AWARDS = 6;          // × 见义勇为 (20 points each)
let s;
let browser;
let desk;                  // the clerk's console
let cp;
let phone;                 // the villager's phone
let vp;
let serverDay = '';        // the server's date (its test clock runs ahead of the browser's)

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const brave = rules.find((r) => r.name === '见义勇为');
  for (let i = 0; i < AWARDS; i++) {
    await s.must('POST', '/api/v1/awards', { token: cadre, body: { rule_id: brave.id, household_ids: [1], occurred_on: today(), note: `救起落水儿童 ${i + 1}` } }, 201);
  }
  await s.advance(3 * 86400 + 1);
  desk = await L.newContext(browser, 'desktop', s.url);
  cp = await L.newPage(desk);
  phone = await L.newContext(browser, 'phone', s.url);
  vp = await L.newPage(phone);
  await L.adminLogin(cp, L.PHONES.clerk);
  await L.villagerLogin(vp, s.villager.phone);
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

async function balance() {
  const token = await s.as('villager');
  return (await s.must('GET', '/api/v1/households/1/ledger?limit=1', { token })).balances.spendable;
}

async function phoneCode() {
  const token = await s.as('villager');
  return (await s.must('GET', '/api/v1/households/1/code', { token })).code;
}

async function spendableShown(page, n) {
  await page.locator('[data-test=counter-spendable]').filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

test('the clerk sets the shop up: settings, a new good with a photo, stock-in in 元, a loss', async () => {
  await cp.goto('/admin/shop/settings');
  await cp.locator('#shop-name').waitFor();
  assert.equal(await cp.locator('#shop-name').inputValue(), '青山村爱心积分超市');
  await cp.locator('[data-test=shop-windows]').waitFor();
  await L.quiet(cp);
  await L.shot(cp, 'admin-shop-settings', { fullPage: true });
  await L.axe(cp, 'shop settings');

  await cp.goto('/admin/shop/goods');
  await cp.locator('[data-test=goods-table] .el-table__row', { hasText: '洗衣液' }).waitFor();
  await L.quiet(cp);
  await L.shot(cp, 'admin-goods');
  await L.axe(cp, 'goods');

  // a new good: the server's errors appear at their fields
  await cp.locator('[data-test=goods-create]').click();
  const form = cp.getByRole('dialog', { name: '新建商品' });
  await form.waitFor();
  await cp.locator('[data-test=goods-save]').click();
  await form.locator('.el-form-item__error', { hasText: '商品名称不能为空' }).waitFor();
  await form.locator('.el-form-item__error', { hasText: '计量单位不能为空' }).waitFor();
  await L.shot(cp, 'admin-goods-form-errors');

  await cp.fill('#g-name', '手工香皂');
  await cp.locator('[data-test=goods-category]').click();
  await L.pickOption(cp, '日化');
  await cp.fill('#g-unit', '块');
  await cp.fill('#g-price', '15');
  await cp.locator('#g-price').blur();
  await cp.locator('[data-test=goods-photo]').setInputFiles({ name: 'soap.png', mimeType: 'image/png', buffer: L.makePng(240, 240, [30, 120, 200]) });
  await cp.locator('[data-test=goods-photo-preview]').waitFor();
  await L.shot(cp, 'admin-goods-form');
  await L.axe(cp, 'goods form');
  await cp.locator('[data-test=goods-save]').click();
  await form.waitFor({ state: 'hidden' });
  const row = cp.locator('[data-test=goods-table] .el-table__row', { hasText: '手工香皂' });
  await row.waitFor();
  await cp.waitForFunction(() => [...document.querySelectorAll('[data-test=goods-table] img')].some((i) => i.alt === '手工香皂' && i.complete && i.naturalWidth > 0));

  // stock-in: the cost typed in 元, sent in 分
  const clerk = await s.as('clerk');
  const soap = (await s.must('GET', '/api/v1/shops/1/goods', { token: clerk })).items.find((g) => g.name === '手工香皂');
  assert.equal(soap.stock, 0);
  assert.ok(soap.photo_url, 'the photo is kept');
  await cp.locator(`[data-test=stock-in-${soap.id}]`).click();
  const si = cp.getByRole('dialog', { name: '入库：手工香皂' });
  await si.waitFor();
  await cp.fill('#si-supplier', '村供销社');
  await cp.fill('#si-qty', '10');
  await cp.locator('#si-qty').blur();
  await cp.fill('#si-cost', '3.5元');
  await cp.locator('[data-test=si-save]').click();
  await si.locator('.el-form-item__error', { hasText: '元' }).waitFor();   // not an amount
  await cp.fill('#si-cost', '3.5');
  await si.locator('[data-test=si-amount]', { hasText: '35.00' }).waitFor();
  await cp.locator('[data-test=si-funding]').click();
  await L.pickOption(cp, '捐赠');
  await L.shot(cp, 'admin-stock-in');
  await L.axe(cp, 'stock-in form');
  await cp.locator('[data-test=si-save]').click();
  await si.waitFor({ state: 'hidden' });
  await row.locator('td', { hasText: /^10$/ }).waitFor();

  // a loss with its reason
  await cp.locator(`[data-test=adjust-${soap.id}]`).click();
  const adj = cp.getByRole('dialog', { name: '库存调整：手工香皂' });
  await adj.waitFor();
  await cp.locator('[data-test=adj-save]').click();
  await adj.locator('.el-form-item__error', { hasText: '调整原因不能为空' }).waitFor();
  await cp.fill('#adj-reason', '运输途中破损');
  await L.shot(cp, 'admin-adjust');
  await cp.locator('[data-test=adj-save]').click();
  await adj.waitFor({ state: 'hidden' });

  const after = await s.must('GET', `/api/v1/goods/${soap.id}`, { token: clerk });
  assert.equal(after.stock, 9);
  const from = today();
  const ledger = await s.must('GET', `/api/v1/shops/1/stock-ledger?goods_id=${soap.id}&from=${from}&to=${from.slice(0, 4)}-12-31`, { token: clerk });
  assert.deepEqual(ledger.total.in, { qty: 10, value: 3500 }, '10 × 3.50 元 = 3500 分');
  L.assertNoProblems(desk);
});

test('the villager sees the goods with photos and reserves one after a confirmation', async () => {
  await vp.goto('/shop');
  await vp.locator('[data-test=shop-spendable]').filter({ hasText: String(AWARDS * 20) }).waitFor();
  const soap = vp.locator('[data-test=goods]', { hasText: '手工香皂' });
  await soap.waitFor();
  await vp.waitForFunction(() => [...document.querySelectorAll('[data-test=goods] img')].some((i) => i.alt === '手工香皂' && i.complete && i.naturalWidth > 0));
  assert.match(await soap.innerText(), /15[\s\S]*分\/块[\s\S]*库存 9块/);
  assert.match(await vp.locator('[data-test=goods]', { hasText: '洗衣液' }).innerText(), /每月每户限 2/);
  await L.quiet(vp);
  await L.shot(vp, 'villager-shop');
  await L.axe(vp, 'villager shop');

  // the household code is one tap away
  await vp.locator('[data-test=show-code]').click();
  await vp.locator('[data-test=household-code]').waitFor();
  await L.shot(vp, 'villager-shop-code');
  await vp.getByRole('dialog', { name: '我家的户码' }).getByRole('button', { name: '关闭', exact: true }).click();

  const towel = vp.locator('[data-test=goods]', { hasText: '毛巾' });
  await towel.getByRole('button', { name: '毛巾多一件' }).click();
  await vp.locator('[data-test=cartbar]', { hasText: '20' }).waitFor();
  await L.shot(vp, 'villager-shop-cart');
  await vp.locator('[data-test=reserve]').click();
  const dialog = vp.locator('.van-dialog', { hasText: '确认预订' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /毛巾 × 1条[\s\S]*共 20 分[\s\S]*72 小时/);
  await L.shot(vp, 'villager-shop-confirm');
  await dialog.getByRole('button', { name: '确认预订' }).click();
  await vp.waitForURL(/\/orders/);
  const po = vp.locator('[data-test=preorder]', { hasText: '毛巾' });
  await po.waitFor();
  assert.match(await po.innerText(), /待领取[\s\S]*共 20 分[\s\S]*前到超市出示户码领取/);
  await vp.locator('.van-toast').waitFor({ state: 'hidden' });
  await L.shot(vp, 'villager-orders');
  await L.axe(vp, 'villager orders');
  assert.equal(await balance(), AWARDS * 20, 'a reservation charges nothing yet');
  L.assertNoProblems(phone);
});

test('at the counter: the phone code, a cart, a confirmation, the receipt; the pre-order collected; both sides see it', async () => {
  await cp.goto('/admin/shop/counter');
  await cp.locator('[data-test=counter-code]').waitFor();
  await L.quiet(cp);
  await L.shot(cp, 'admin-counter');
  await L.axe(cp, 'counter');

  // a code that is no code: the server's message at the field
  await cp.fill('input[data-test=counter-code]', 'not-a-code');
  await cp.keyboard.press('Enter');
  await cp.locator('.el-form-item__error', { hasText: '无法识别' }).waitFor();

  await cp.fill('input[data-test=counter-code]', await phoneCode());
  await cp.keyboard.press('Enter');
  const hh = cp.locator('[data-test=counter-household]');
  await hh.waitFor();
  await spendableShown(cp, AWARDS * 20);
  assert.match(await hh.innerText(), /李\*[\s\S]*户号 0001[\s\S]*手机户码/);
  await hh.locator('[data-test=counter-preorder]', { hasText: '毛巾×1' }).waitFor();

  const goods = cp.locator('[data-test=counter-goods]');
  const addOf = (name) => goods.getByRole('button', { name: `把${name}加入兑换单` });
  await addOf('肥皂').click();
  await addOf('肥皂').click();
  await addOf('盐').click();
  await cp.locator('[data-test=cart-total]').filter({ hasText: /^30$/ }).waitFor();
  await L.shot(cp, 'admin-counter-cart');
  await L.axe(cp, 'counter with a household and a cart');

  await cp.locator('[data-test=redeem]').click();
  const confirm = cp.getByRole('dialog', { name: '确认兑换' });
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /肥皂[\s\S]*2块[\s\S]*盐[\s\S]*共扣 30 分/);
  await L.shot(cp, 'admin-counter-confirm');
  assert.equal(await balance(), AWARDS * 20, 'nothing charged before the confirmation');
  await cp.locator('[data-test=confirm-redeem]').click();
  const receipt = cp.locator('[data-test=receipt-dialog] [data-test=receipt]');
  await receipt.waitFor();
  const number = await receipt.locator('[data-test=receipt-number]').innerText();
  assert.match(number, /^\d+-\d{8}-\d+$/);
  const slip = await receipt.innerText();
  assert.match(slip, /肥皂\t2块\t10\t20/);
  assert.match(slip, /盐\t1袋\t10\t10/);
  assert.match(slip, /合计：-30 分[\s\S]*兑换后可兑换积分：90/);
  await L.shot(cp, 'admin-counter-receipt');
  await L.axe(cp, 'counter receipt');
  await cp.locator('[data-test=receipt-dialog]').getByRole('button', { name: '关闭', exact: true }).click();
  await spendableShown(cp, 90);
  assert.equal(await balance(), 90);
  serverDay = (await s.must('GET', `/api/v1/households/1/receipts?limit=1`, { token: await s.as('clerk') })).items[0].created_at.slice(0, 10);

  // the code paid once: the pre-order needs the phone's fresh code
  await cp.locator('[data-test=code-spent]').waitFor();
  assert.ok(await hh.locator('[data-test=counter-preorder]').getByRole('button', { name: '领取' }).isDisabled());
  await L.shot(cp, 'admin-counter-code-spent');
  await cp.fill('input[data-test=counter-code]', await phoneCode());
  await cp.keyboard.press('Enter');
  await cp.locator('[data-test=code-spent]').waitFor({ state: 'hidden' });

  // the villager's pre-order, collected and charged now
  await hh.locator('[data-test=counter-preorder]').getByRole('button', { name: '领取' }).click();
  const collect = cp.getByRole('dialog', { name: '确认领取预订' });
  await collect.waitFor();
  await cp.locator('[data-test=confirm-redeem]').click();
  await receipt.waitFor();
  assert.match(await receipt.innerText(), /预订领取[\s\S]*毛巾[\s\S]*-20 分/);
  await cp.locator('[data-test=receipt-dialog]').getByRole('button', { name: '关闭', exact: true }).click();
  await spendableShown(cp, 70);

  // the villager: the new balance, the receipts, the pre-order collected
  await vp.goto('/');
  await vp.locator('[data-test=spendable]').filter({ hasText: /^70$/ }).waitFor();
  await L.shot(vp, 'villager-home-after-redeem');
  await vp.goto('/orders');
  await vp.locator('[data-test=preorder]', { hasText: '已领取' }).waitFor();
  await vp.getByRole('tab', { name: '兑换记录' }).click();
  const item = vp.locator('[data-test=receipt-item]', { hasText: number });
  await item.waitFor();
  assert.match(await item.innerText(), /-30[\s\S]*(肥皂×2，盐×1|盐×1，肥皂×2)/);
  await L.shot(vp, 'villager-receipts');
  await L.axe(vp, 'villager receipts');
  await item.click();
  await vp.waitForURL(/\/receipts\/\d+/);
  await vp.locator('[data-test=receipt-number]', { hasText: number }).waitFor();
  assert.match(await vp.locator('[data-test=receipt]').innerText(), /肥皂[\s\S]*-30|盐[\s\S]*肥皂[\s\S]*-30/);
  await L.shot(vp, 'villager-receipt');
  await L.axe(vp, 'villager receipt');
  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
});

test('the connection drops after the server charged: the counter retries with the same key and nothing is charged twice', async () => {
  const sent = [];
  let dropped = false;
  await cp.route('**/api/v1/counter/redeem', async (route) => {
    sent.push(route.request().postDataJSON());
    if (!dropped) {
      dropped = true;
      await route.fetch();          // the server does it …
      await route.abort('failed');  // … and the answer is lost
    } else {
      await route.continue();
    }
  });
  await cp.fill('input[data-test=counter-code]', await phoneCode());
  await cp.keyboard.press('Enter');
  await spendableShown(cp, 70);
  await cp.locator('[data-test=counter-goods]').getByRole('button', { name: '把盐加入兑换单' }).click();
  await cp.locator('[data-test=redeem]').click();
  await cp.locator('[data-test=confirm-redeem]').click();
  const receipt = cp.locator('[data-test=receipt-dialog] [data-test=receipt]');
  await receipt.waitFor();
  await cp.getByText('没有重复扣分').waitFor();
  await L.shot(cp, 'admin-counter-retried');
  await cp.unroute('**/api/v1/counter/redeem');
  assert.equal(sent.length, 2, 'sent twice');
  assert.equal(sent[0].idempotency_key, sent[1].idempotency_key, 'with the same idempotency key');
  assert.match(sent[0].idempotency_key, /^[0-9a-f-]{36}$/);
  assert.equal(await balance(), 60, 'charged once');
  const receipts = (await s.must('GET', '/api/v1/households/1/receipts', { token: await s.as('clerk') })).items;
  assert.equal(receipts.filter((r) => r.kind === 'sale').length, 3);
  await cp.locator('[data-test=receipt-dialog]').getByRole('button', { name: '关闭', exact: true }).click();
  await spendableShown(cp, 60);
  // the aborted request is the only browser error, and it was meant
  desk.problems = desk.problems.filter((p) => !/ERR_FAILED/.test(p));

  // a return of one bar of soap from the first receipt
  const first = cp.locator('[data-test=counter-household] .po', { hasText: '肥皂×2' });
  await first.getByRole('button', { name: '退货' }).click();
  const ret = cp.getByRole('dialog', { name: /退货：小票/ });
  await ret.waitFor();
  await ret.getByRole('spinbutton', { name: '肥皂的数量' }).fill('1');
  await ret.locator('#return-reason').fill('包装破损');
  await L.shot(cp, 'admin-counter-return');
  await ret.getByRole('button', { name: '确认退货' }).click();
  const receiptDialog = cp.locator('[data-test=receipt-dialog]');
  await receiptDialog.getByText('退货小票').first().waitFor();
  assert.match(await receiptDialog.innerText(), /\+10 分/);
  await receiptDialog.getByRole('button', { name: '关闭', exact: true }).click();
  await spendableShown(cp, 70);
  assert.equal(await balance(), 70);
  L.assertNoProblems(desk);
});

test('a household card with a PIN: issued by the cadre, printed, and redeemed with at the counter', async () => {
  // the clerk's link from the counter shows the household's cards; issuing is the cadre's
  await cp.locator('[data-test=counter-household]').getByRole('link', { name: '户卡' }).click();
  await cp.waitForURL(/\/admin\/shop\/cards\?household=1/);
  await cp.locator('[data-test=cards-panel] [data-test=cards-cadre-only]').waitFor();
  const cadreDesk = await L.newContext(browser, 'desktop', s.url);
  const kp = await L.newPage(cadreDesk);
  await L.adminLogin(kp, L.PHONES.cadre);
  await kp.goto('/admin/shop/cards?household=1&no=0001');
  const panel = kp.locator('[data-test=cards-panel]');
  await panel.waitFor();
  await kp.fill('#card-pin', '24');
  await kp.fill('#card-pin2', '24');
  await kp.locator('[data-test=card-issue]').click();
  await panel.locator('.el-form-item__error', { hasText: '4 到 6 位数字' }).waitFor();
  await kp.fill('#card-pin', '2468');
  await kp.fill('#card-pin2', '2468');
  await kp.locator('[data-test=card-issue]').click();
  const print = kp.locator('[data-test=card-print]');
  await print.waitFor();
  await kp.waitForFunction(() => {
    const img = document.querySelector('[data-test=card-qr]');
    return img && img.complete && img.naturalWidth > 0;
  });
  const cardNo = (await print.locator('[data-test=card-no]').innerText()).replace(/\s/g, '');
  assert.match(cardNo, /^\d{12}$/);
  await L.shot(kp, 'admin-card-print');
  await L.axe(kp, 'card print');
  await kp.getByRole('dialog', { name: '打印户卡' }).getByRole('button', { name: '关闭', exact: true }).click();
  await kp.getByRole('dialog', { name: '打印户卡' }).waitFor({ state: 'hidden' });
  await panel.locator('.el-table__row', { hasText: '有效' }).waitFor();
  await kp.locator('.el-message').last().waitFor({ state: 'hidden' });
  await L.shot(kp, 'admin-cards');
  await L.axe(kp, 'cards');
  L.assertNoProblems(cadreDesk);
  await cadreDesk.close();
  // the household sees the new card on its phone, and is told to speak up if it did not ask
  await vp.goto('/me');
  await vp.locator('[data-test=card-notice]').waitFor();
  assert.match(await vp.locator('[data-test=my-card]').innerText(), new RegExp(`尾号 ${cardNo.slice(-4)}`));
  await L.shot(vp, 'villager-me-card');

  // at the counter: the card number asks for the PIN; a wrong one is refused at the field
  await cp.goto('/admin/shop/counter');
  await cp.fill('input[data-test=counter-code]', cardNo);
  await cp.locator('[data-test=counter-pin]').waitFor();
  await cp.keyboard.press('Enter');
  await cp.locator('.el-form-item__error', { hasText: '户卡需要输入密码' }).waitFor();
  await cp.fill('input[data-test=counter-pin]', '1357');
  await cp.locator('[data-test=counter-lookup]').click();
  const pinError = cp.locator('.el-form-item__error').first();
  await pinError.waitFor();
  assert.match(await pinError.innerText(), /密码/);
  await L.shot(cp, 'admin-counter-card-pin');
  await cp.fill('input[data-test=counter-pin]', '2468');
  await cp.locator('[data-test=counter-lookup]').click();
  const hh = cp.locator('[data-test=counter-household]');
  await hh.getByText(`户卡 ${cardNo}`).waitFor();
  await spendableShown(cp, 70);
  await cp.locator('[data-test=counter-goods]').getByRole('button', { name: '把手工香皂加入兑换单' }).click();
  await cp.locator('[data-test=redeem]').click();
  await cp.locator('[data-test=confirm-redeem]').click();
  await cp.locator('[data-test=receipt-dialog] [data-test=receipt]', { hasText: '手工香皂' }).waitFor();
  await cp.locator('[data-test=receipt-dialog]').getByRole('button', { name: '关闭', exact: true }).click();
  await spendableShown(cp, 55);
  assert.equal(await balance(), 55);
  L.assertNoProblems(desk);
});

test('the stock ledger and the reports for the period, with their XLSX exports; low stock on the overview', async () => {
  const from = today() < serverDay ? today() : serverDay;
  await cp.goto(`/admin/shop/ledger?from=${from}&to=${serverDay}`);
  const soapRow = cp.locator('[data-test=ledger-table] .el-table__row', { hasText: '手工香皂' }).first();
  await soapRow.waitFor();
  // in 10 at 35.00 元; a loss of 1; 1 sold
  assert.match(await soapRow.innerText(), /10\s+35\.00/);
  await cp.locator('[data-test=ledger-points]').filter({ hasText: /^65$/ }).waitFor();   // 30 + 20 + 10 + 15 redeemed, 10 returned
  await L.quiet(cp);
  await L.shot(cp, 'admin-stock-ledger');
  await L.axe(cp, 'stock ledger');
  const [xlsx] = await Promise.all([cp.waitForEvent('download'), cp.locator('[data-test=ledger-export]').click()]);
  assert.equal(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK');

  await cp.goto(`/admin/shop/reports?from=${from}&to=${serverDay}`);
  await cp.locator('[data-test=report-points]').filter({ hasText: /^65$/ }).waitFor();
  await cp.locator('[data-test=report-goods] .el-table__row', { hasText: '肥皂' }).waitFor();
  await cp.locator('canvas').first().waitFor();
  await L.quiet(cp);
  await L.shot(cp, 'admin-shop-reports');
  await L.axe(cp, 'shop reports');
  const [rep] = await Promise.all([cp.waitForEvent('download'), cp.locator('[data-test=report-export]').click()]);
  assert.equal(fs.readFileSync(await rep.path()).subarray(0, 2).toString(), 'PK');

  // the soap runs low (threshold 5): counted on the overview, and drawn
  const clerk = await s.as('clerk');
  const soap = (await s.must('GET', '/api/v1/shops/1/goods', { token: clerk })).items.find((g) => g.name === '手工香皂');
  await s.must('POST', `/api/v1/goods/${soap.id}/adjustments`, { token: clerk, body: { kind: 'count', quantity: -(soap.stock - 2), reason: '盘点少了' } }, 201);
  await cp.goto('/admin/');
  await cp.locator('[data-test=stat-low-stock] .stat__value').filter({ hasText: /^1$/ }).waitFor();
  await cp.locator('[data-test=low-stock-panel] canvas').waitFor();
  await L.quiet(cp);
  await L.shot(cp, 'admin-overview-low-stock');
  await L.axe(cp, 'overview with low stock');
  await cp.locator('[data-test=stat-low-stock]').click();
  await cp.waitForURL(/\/admin\/shop\/goods\?low=1/);
  await cp.locator('[data-test=goods-table] .el-table__row', { hasText: '手工香皂' }).waitFor();
  await L.expectCount(cp.locator('[data-test=goods-table] .el-table__row'), 1);
  L.assertNoProblems(desk);
});

// The phone is held up to a 1280×720 laptop camera at arm's length: its code is about
// 160 px wide (4 px a module), on a lit screen in a dark phone, with sensor noise.
test('the counter scans the phone code with the laptop camera (chromium\'s fake camera shows the QR)', async () => {
  const villager = await s.as('villager');
  const svg = (await s.api('GET', '/api/v1/households/1/code.svg', { token: villager })).text;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-cam-'));
  const file = path.join(dir, 'qr.y4m');
  L.qrVideo(svg, file, { scale: 4, frames: 5, width: 1280, height: 720, phone: true });
  const cam = await L.launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`]);
  try {
    const ctx = await L.newContext(cam, 'desktop', s.url);
    await ctx.grantPermissions(['camera'], { origin: s.url });
    const page = await L.newPage(ctx);
    await L.adminLogin(page, L.PHONES.clerk);
    await page.goto('/admin/shop/counter');
    await page.locator('[data-test=camera-button]').click();
    await page.locator('[data-test=qr-scanner]').waitFor();
    const hh = page.locator('[data-test=counter-household]');
    await hh.waitFor({ timeout: 60000 }).catch(async (e) => {
      await L.shot(page, 'debug-camera');
      const errs = await page.locator('.el-form-item__error, [data-test=camera-error], .form-error').allInnerTexts();
      const frames = await page.locator('[data-test=qr-scanner]').getAttribute('data-frames').catch(() => '?');
      throw new Error(`${e.message}\nshown: ${JSON.stringify(errs)}, frames read: ${frames}\n${ctx.problems.join('\n')}`);
    });
    assert.match(await hh.innerText(), /户号 0001[\s\S]*手机户码/);
    await page.locator('[data-test=counter-spendable]').filter({ hasText: /^55$/ }).waitFor();
    await L.shot(page, 'admin-counter-camera');
    L.assertNoProblems(ctx);
    await ctx.close();
  } finally {
    await cam.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
