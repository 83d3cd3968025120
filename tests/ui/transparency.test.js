// 三务公开 and 大事记 across both apps: the cadre publishes a 村务 item with a photo in
// the console at 1366×768; the villager 李琳 reads it on a 360×740 phone (and in the
// elderly mode), sees the photo and asks a question; the cadre answers it in the
// console; the villager sees the answer. The village's public page, without an
// account, shows the item with the asker masked and the 大事记 timeline. The town's
// late board and the console's timeline are pictured and checked with axe-core like
// every other page here; no page scrolls sideways.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const CADRE = '13900000003';
const TOWN = '13900000002';
const TITLE = '村文化广场健身器材安装完成';
const QUESTION = '健身器材坏了找谁修？';
const ANSWER = '请联系三组组长或打村委会电话，村里负责维修。';

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

async function noSideways(page, label) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${label}: no horizontal scrolling (${over} px)`);
}

test('a cadre publishes with a photo, the villager asks on the phone, the cadre answers, the villager sees it', async () => {
  // the cadre publishes a 村务 item with a photo
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '三务公开' }).click();
  await cp.waitForURL(/\/admin\/disclosures$/);
  await cp.locator('[data-test=disclosure-table] .el-table__row').first().waitFor();
  await L.shot(cp, 'transparency-admin-list');
  await L.axe(cp, 'console disclosures');
  await noSideways(cp, 'console disclosures');

  await cp.locator('[data-test=disclosure-new]').click();
  const form = cp.locator('[data-test=disclosure-form]');
  await form.waitFor();
  await form.locator('[data-test=df-category]').click();
  await cp.locator('.el-select-dropdown__item', { hasText: '村级工程' }).click();
  await form.locator('#df-title').fill(TITLE);
  await form.locator('#df-body').fill('村文化广场的 8 件健身器材已安装完成，\n欢迎村民使用，请爱护公共设施。');
  await form.locator('[data-test=df-files]').setInputFiles({ name: 'square.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [30, 120, 60]) });
  await L.expectCount(form.locator('[data-test=picked-file]'), 1, 'the photo is attached');
  await L.shot(cp, 'transparency-admin-publish');
  await form.locator('[data-test=disclosure-submit]').click();
  const drawer = cp.locator('[data-test=disclosure-drawer]');
  await drawer.locator('[data-test=disclosure-body]').filter({ hasText: '8 件健身器材' }).waitFor();
  await drawer.locator('.files img').waitFor();
  const cadre = await s.as('cadre');
  const items = await s.must('GET', '/api/v1/disclosures?unit_id=3&kind=village', { token: cadre });
  const item = items.items.find((d) => d.title === TITLE);
  assert.ok(item, 'published');
  assert.equal(item.nfiles, 1);
  await L.shot(cp, 'transparency-admin-item');

  // the villager reads it on the phone and asks
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=open-entry]').click();
  await vp.waitForURL(/\/open$/);
  await vp.locator('[data-test=open-item]', { hasText: TITLE }).waitFor();
  await L.shot(vp, 'transparency-villager-list');
  await L.axe(vp, 'villager 公开');
  await noSideways(vp, 'villager 公开');
  await vp.locator('[data-test=open-item]', { hasText: TITLE }).click();
  await vp.waitForURL(/\/open\/\d+$/);
  const photo = vp.locator('[data-test=open-photo]');
  await photo.waitFor();
  await vp.waitForFunction(() => {
    const img = document.querySelector('[data-test=open-photo]');
    return img && img.complete && img.naturalWidth === 320;
  });
  await vp.locator('[data-test=ask-input] textarea').fill(QUESTION);
  await vp.locator('[data-test=ask-submit]').click();
  await vp.locator('[data-test=question]', { hasText: QUESTION }).filter({ hasText: '待答复' }).waitFor();
  await vp.locator('[data-test=question]', { hasText: QUESTION }).filter({ hasText: '李*' }).waitFor();
  await vp.locator('.van-toast').waitFor({ state: 'hidden' });
  await L.shot(vp, 'transparency-villager-asked', { fullPage: true });
  await L.axe(vp, 'villager item');
  await noSideways(vp, 'villager item');

  // the cadre answers in the console
  await cp.reload();
  await cp.locator('[data-test=disclosure-table] .el-table__row', { hasText: TITLE }).click();
  await drawer.locator('textarea[data-test=answer-input]').fill(ANSWER);
  await drawer.locator('[data-test=answer-submit]').click();
  await drawer.locator('[data-test=answer]', { hasText: ANSWER }).waitFor();

  // the villager sees the answer
  await vp.reload();
  await vp.locator('[data-test=question-answer]', { hasText: ANSWER }).waitFor();
  await L.shot(vp, 'transparency-villager-answered', { fullPage: true });

  // elderly mode: larger type, still no sideways scrolling
  await vp.evaluate(() => localStorage.setItem('cz.elderly', '1'));
  await vp.goto('/');
  await vp.locator('[data-test=big-open]').click();
  await vp.waitForURL(/\/open$/);
  await vp.locator('[data-test=open-item]').first().waitFor();
  await L.shot(vp, 'transparency-villager-elderly');
  await noSideways(vp, 'elderly 公开');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  await desk.close();
  await phone.close();
});

test('the public page: published items with the asker masked, and the 大事记 timeline', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const p = await L.newPage(phone);
  await p.goto('/p/3/open');
  await p.locator('[data-test=open-item]', { hasText: TITLE }).waitFor();
  await p.locator('.public-head', { hasText: '青山村' }).waitFor();
  await p.locator('[data-test=open-item]', { hasText: TITLE }).click();
  await p.waitForURL(/\/p\/3\/open\/\d+$/);
  await p.locator('[data-test=question-answer]', { hasText: ANSWER }).waitFor();
  const text = await p.locator('[data-test=open-questions]').innerText();
  assert.ok(text.includes('李*'), text);
  assert.ok(!text.includes('李琳'), 'no names on the public page');
  await L.expectCount(p.locator('[data-test=ask-input]'), 0, 'nobody asks without an account');
  await L.shot(p, 'transparency-public-item', { fullPage: true });

  await p.goto('/p/3/open');
  await p.locator('[data-test=open-tabs] [role=tab]', { hasText: '大事记' }).click();
  await p.locator('[data-test=timeline-entry]').first().waitFor();
  assert.ok(await p.locator('[data-test=timeline-entry]').count() >= 14);
  await p.locator('[data-test=timeline-entry]', { hasText: '美丽庭院' }).first().waitFor();
  await L.shot(p, 'transparency-public-timeline');
  await L.axe(p, 'public timeline');
  await noSideways(p, 'public timeline');

  // the same at 1366×768
  const desk = await L.newContext(browser, 'desktop', s.url);
  const d = await L.newPage(desk);
  await d.goto('/p/3/open?tab=chronicle');
  await d.locator('[data-test=timeline-entry]').first().waitFor();
  await L.shot(d, 'transparency-public-timeline-desktop');
  await noSideways(d, 'public timeline desktop');
  L.assertNoProblems(phone);
  L.assertNoProblems(desk);
  await phone.close();
  await desk.close();
});

test('the town sees who is late; the console timeline', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const tp = await L.newPage(desk);
  await L.adminLogin(tp, TOWN);
  await tp.locator('.menu a', { hasText: '公开进度' }).click();
  await tp.waitForURL(/\/admin\/disclosure-board$/);
  const row = tp.locator('[data-test=board-table] .el-table__row', { hasText: '青山村' });
  await row.waitFor();
  assert.equal((await row.locator('[data-test=late]').innerText()).trim(), '1');
  await row.locator('.el-table__expand-icon').click();
  await tp.locator('.expand', { hasText: '迟发' }).waitFor();
  await L.shot(tp, 'transparency-town-board');
  await L.axe(tp, 'town board');
  await noSideways(tp, 'town board');
  L.assertNoProblems(desk);
  await desk.close();

  // the county sets the rhythm: days for major matters, busy villages
  const kdesk = await L.newContext(browser, 'desktop', s.url);
  const kp = await L.newPage(kdesk);
  await L.adminLogin(kp, '13900000001');
  await kp.goto('/admin/disclosure-board');
  await kp.locator('[data-test=board-table] .el-table__row', { hasText: '青山村' }).waitFor();
  await kp.locator('[data-test=board-settings]').click();
  const settings = kp.locator('[data-test=settings-form]');
  await settings.locator('.el-select__tags-text, .el-tag', { hasText: '青山村' }).first().waitFor();
  await L.shot(kp, 'transparency-county-settings');
  await settings.getByRole('button', { name: '保存' }).click();
  await settings.waitFor({ state: 'hidden' });
  L.assertNoProblems(kdesk);
  await kdesk.close();

  const cdesk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(cdesk);
  await L.adminLogin(cp, CADRE);
  await cp.goto('/admin/disclosure-board');
  await cp.locator('[data-test=slot-table] [data-test=slot-state]', { hasText: '迟发' }).waitFor();
  await L.shot(cp, 'transparency-cadre-schedule');
  // the question waiting for an answer opens its item, ready to answer
  await cp.locator('[data-test=open-questions] [data-test=open-question]').first().click();
  await cp.waitForURL(/\/admin\/disclosures\?open=\d+$/);
  await cp.locator('[data-test=disclosure-drawer] textarea[data-test=answer-input]').waitFor();
  await cp.goto('/admin/chronicle');
  await cp.locator('[data-test=chronicle] .entry').first().waitFor();
  await L.shot(cp, 'transparency-admin-chronicle');
  await L.axe(cp, 'console chronicle');
  await noSideways(cp, 'console chronicle');
  L.assertNoProblems(cdesk);
  await cdesk.close();
});
