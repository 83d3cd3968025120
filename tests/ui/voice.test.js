// The 大喇叭 and 村民说事 across both apps: the villager 李琳 has the app open on a
// 360×740 phone; the cadre broadcasts from the console at 1366×768; the banner appears
// on the phone without a reload, its audio becomes playable and reports a duration; the
// console shows the loudspeakers' last contact and the history. The villager opens a
// 说事 thread; the cadre answers it in the moderation page; the villager sees the answer,
// also in the elderly mode. Pages are pictured at both sizes, checked with axe-core, and
// none scrolls sideways.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const CADRE = '13900000003';
const VILLAGER = '15620260101';
const TEXT = '紧急通知：今晚有暴雨，沿河住户请注意安全，村干部已在村小学准备临时安置点。';
const TALK_TITLE = '村小学门口需要减速带';
const ANSWER = '已报镇交通办，下周安装减速带和警示牌。';

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

test('a broadcast from the console reaches the open phone live and can be played', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, VILLAGER);
  await vp.locator('[data-test=talks-entry]').waitFor();

  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '大喇叭' }).first().click();
  await cp.waitForURL(/\/admin\/broadcast$/);
  await cp.locator('[data-test=broadcast-history] .el-table__row').first().waitFor();
  await L.expectCount(cp.locator('[data-test=devices] .device'), 2, 'the two demo loudspeakers with their last contact');
  await cp.locator('[data-test=broadcast-text]').fill(TEXT);
  await L.shot(cp, 'voice-admin-broadcast');
  await L.axe(cp, 'console broadcast');
  await noSideways(cp, 'console broadcast');
  await cp.locator('[data-test=broadcast-send]').click();
  await cp.locator('[data-test=broadcast-history] .el-table__row', { hasText: '今晚有暴雨' }).first().waitFor();

  // on the phone, without a reload
  const banner = vp.locator('[data-test=broadcast-banner]');
  await banner.waitFor();
  assert.equal(await vp.locator('[data-test=broadcast-text]').textContent(), TEXT);
  await vp.locator('[data-test=broadcast-play]').waitFor(); // the audio is ready
  await vp.locator('[data-test=broadcast-play]').click();
  const duration = await vp.locator('[data-test=broadcast-audio]').evaluate((a) => new Promise((resolve) => {
    if (a.duration > 0 && Number.isFinite(a.duration)) return resolve(a.duration);
    a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
  }));
  assert.ok(duration > 1, `the audio reports a duration (${duration} s)`);
  await L.shot(vp, 'voice-villager-banner');
  await noSideways(vp, 'the banner on the phone');
  await L.axe(vp, 'villager banner');

  // the history on the phone
  await vp.goto('/broadcasts');
  await vp.locator('.bc-item', { hasText: '今晚有暴雨' }).waitFor();
  await L.shot(vp, 'voice-villager-history', { fullPage: true });
  await noSideways(vp, 'the history');

  // the loudspeakers page, with the token shown once
  await cp.locator('.menu a', { hasText: '音箱设备' }).click();
  await cp.waitForURL(/\/admin\/speakers$/);
  await cp.locator('[data-test=speaker-new]').click();
  await cp.locator('#sp-name').fill('三组路口音箱');
  await cp.locator('[data-test=speaker-submit]').click();
  const token = await cp.locator('[data-test=speaker-token]').inputValue();
  assert.match(token, /^[0-9a-f]{64}$/);
  await L.shot(cp, 'voice-admin-speaker-token');
  await cp.keyboard.press('Escape');
  await cp.locator('[data-test=speakers] .el-table__row', { hasText: '三组路口音箱' }).waitFor();
  await L.axe(cp, 'console speakers');
  L.assertNoProblems(phone);
  L.assertNoProblems(desk);
  await phone.close();
  await desk.close();
});

test('the villager opens a 说事 thread on the phone, the cadre answers it, the villager sees the answer', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, VILLAGER);
  await vp.locator('[data-test=talks-entry]').click();
  await vp.waitForURL(/\/talks$/);
  await vp.locator('[data-test=talk-item]').first().waitFor();
  await L.shot(vp, 'voice-villager-talks', { fullPage: true });
  await noSideways(vp, 'the threads');
  await L.axe(vp, 'villager talks');
  await vp.locator('[data-test=talk-new]').click();
  await vp.locator('[data-test=talk-cat-question]').click();
  await vp.locator('[data-test=talk-title] input').fill(TALK_TITLE);
  await vp.locator('[data-test=talk-body] textarea').fill('学校门口的车开得太快，孩子上学放学很危险，建议装减速带。');
  await L.shot(vp, 'voice-villager-talk-form');
  await vp.locator('[data-test=talk-submit]').click();
  await vp.waitForURL(/\/talks\/\d+$/);
  const id = Number(new URL(vp.url()).pathname.split('/').pop());

  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '村民说事' }).click();
  await cp.waitForURL(/\/admin\/talks$/);
  await cp.locator(`[data-test=talk-${id}]`).click();
  const drawer = cp.locator('[data-test=talk-drawer]');
  await drawer.locator('[data-test=answer-body]').fill(ANSWER);
  await drawer.locator('[data-test=answer-submit]').click();
  await drawer.locator('.post--answer', { hasText: ANSWER }).waitFor();
  await L.shot(cp, 'voice-admin-talk');
  await L.axe(cp, 'console talk');
  await noSideways(cp, 'console talk');

  await vp.reload();
  await vp.locator('[data-test=post-answer]', { hasText: ANSWER }).waitFor();
  assert.equal(await vp.locator('[data-test=talk-status]').textContent(), '已回复');
  await L.shot(vp, 'voice-villager-talk', { fullPage: true });
  await noSideways(vp, 'the thread');
  // the elderly mode
  await vp.evaluate(() => localStorage.setItem('cz.elderly', '1'));
  await vp.reload();
  await vp.locator('[data-test=post-answer]', { hasText: ANSWER }).waitFor();
  await L.shot(vp, 'voice-villager-talk-elderly', { fullPage: true });
  await noSideways(vp, 'the thread in the elderly mode');
  await vp.goto('/talks');
  await vp.locator('[data-test=talk-item]').first().waitFor();
  await L.shot(vp, 'voice-villager-talks-elderly', { fullPage: true });
  await noSideways(vp, 'the threads in the elderly mode');
  L.assertNoProblems(phone);
  L.assertNoProblems(desk);
});
