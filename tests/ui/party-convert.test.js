// 书记会客厅 turned into other work: a villager asks on a 360×740 phone, the secretary
// (the demo cadre) turns the question into a 村民说事 thread in the console at 1366×768;
// the villager sees on the phone what it became and opens the thread. A course with a
// video and a link plays on the phone's course page.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');
const M = require('../api/media_samples');

const CADRE = '13900000003';
const QUESTION = '村里的健身器材坏了好几件，能不能修一下？';
const TITLE = '修健身器材';

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

test('the secretary turns a question into a 说事 thread; the asker is told on the phone', async () => {
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto('/party/hall');
  await vp.locator('[data-test=ask-body] textarea').fill(QUESTION);
  await vp.locator('[data-test=ask-send]').click();
  await vp.locator('[data-test=question]', { hasText: QUESTION }).waitFor();

  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '承诺与会客厅' }).click();
  await cp.waitForURL(/\/admin\/party\/service$/);
  const row = cp.locator('[data-test=party-questions] .el-table__row', { hasText: QUESTION });
  await row.locator('[data-test=party-convert]').click();
  const dlg = cp.locator('.el-dialog', { hasText: '转办问题' });
  await dlg.locator('[data-test=convert-to] .el-radio', { hasText: '村民说事' }).click();
  await dlg.locator('[data-test=convert-title]').fill(TITLE);
  await L.shot(cp, 'party-admin-convert');
  await dlg.locator('[data-test=convert-send]').click();
  await row.locator('[data-test=question-converted]', { hasText: '已转为村民说事' }).waitFor();
  await L.expectCount(row.locator('[data-test=party-convert]'), 0, 'a question is turned once');
  await L.shot(cp, 'party-admin-converted');
  await noSideways(cp, 'console 会客厅');

  await vp.reload();
  const mine = vp.locator('[data-test=question]', { hasText: QUESTION });
  await mine.locator('[data-test=question-told]', { hasText: '转为村民说事' }).waitFor();
  await L.shot(vp, 'party-villager-told', { fullPage: true });
  await noSideways(vp, 'villager 会客厅 told');
  await mine.locator('[data-test=question-told] a').click();
  await vp.waitForURL(/\/talks\/\d+$/);
  await vp.getByText(TITLE).first().waitFor();
  await L.shot(vp, 'party-villager-talk');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  await desk.close();
  await phone.close();
});

test('a course with a video file and a link plays on the phone', async () => {
  const town = await s.as('town_official');
  const cadre = await s.as('cadre');
  const me = await s.must('GET', '/api/v1/session', { token: cadre });
  const village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const townId = (await s.must('GET', `/api/v1/units/${village}`, { token: cadre })).parent_id;
  const clip = await s.must('POST', '/api/v1/files', { token: town, raw: M.webm({ ms: 4000, video: true }) }, 201);
  const c = await s.must('POST', '/api/v1/party/courses', {
    token: town,
    body: { unit_id: townId, audience: 'villager', title: '视频课：垃圾分类怎么分', body: '看视频，学会垃圾分类。\n\n可回收物、有害垃圾、厨余垃圾、其他垃圾。', minutes: 5, media: clip.hash, media_url: 'https://video.example.com/laji' },
  }, 201);
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto(`/party/learn/course/${c.id}`);
  const media = vp.locator('[data-test=course-media]');
  await media.locator('video').waitFor();
  assert.match(await media.locator('video').getAttribute('src'), new RegExp(`/api/v1/party/courses/${c.id}/media$`));
  await media.locator('[data-test=course-media-link]', { hasText: '打开音视频' }).waitFor();
  await L.shot(vp, 'party-villager-course-video');
  await noSideways(vp, 'course with video');
  L.assertNoProblems(phone);
  await phone.close();
});

test('after a meeting the secretary adds the record\'s photos; a commitment gets its pledge photo and video', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '三会一课' }).click();
  await cp.waitForURL(/\/admin\/party\/meetings$/);
  // the latest meeting that was held
  const held = cp.locator('[data-test=party-meeting-table] .el-table__row', { hasText: '已召开' }).first();
  await held.click();
  await cp.locator('[data-test=meeting-record-edit]').click();
  const form = cp.locator('[data-test=meeting-record-form]');
  await form.waitFor();
  const before = await form.locator('[data-test=picked-file]').count();   // the demo's photos of recent meetings
  await form.locator('[data-test=meeting-record-text]').fill('一、学习文件\n二、讨论冬季防火分工\n三、确定下月主题党日');
  await form.locator('[data-test=meeting-minutes-photos]').setInputFiles({ name: 'paper.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [230, 230, 220]) });
  await L.expectCount(form.locator('[data-test=picked-file]'), before + 1, 'the record photo is attached');
  await form.locator('[data-test=meeting-photos-input]').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [60, 120, 60]) });
  await L.expectCount(form.locator('[data-test=picked-file]'), before + 2, 'the meeting photo is attached');
  await L.shot(cp, 'party-admin-meeting-record');
  await form.locator('[data-test=meeting-record-save]').click();
  await cp.locator('[data-test=meeting-minutes]', { hasText: '讨论冬季防火分工' }).waitFor();
  await L.expectCount(cp.locator('[data-test=meeting-photos] img'), before + 2, 'both photos shown');
  await cp.waitForFunction(() => [...document.querySelectorAll('[data-test=meeting-photos] img')].every((i) => i.complete && i.naturalWidth > 0));
  await L.shot(cp, 'party-admin-meeting-photos');
  await cp.keyboard.press('Escape');

  await cp.locator('.menu a', { hasText: '承诺与会客厅' }).click();
  await cp.waitForURL(/\/admin\/party\/service$/);
  await cp.locator('.el-tabs__item', { hasText: '承诺践诺' }).click();
  await cp.locator('[data-test=commitment-edit]').first().click();
  const cf = cp.locator('[data-test=commitment-edit-form]');
  await cf.waitFor();
  const cbefore = await cf.locator('[data-test=picked-file]').count();
  await cf.locator('[data-test=commitment-edit-photos]').setInputFiles({ name: 'pledge.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [200, 40, 40]) });
  await L.expectCount(cf.locator('[data-test=picked-file]'), cbefore + 1, 'the pledge photo is attached');
  await cf.locator('[data-test=video-input]').setInputFiles({ name: 'pledge.webm', mimeType: 'video/webm', buffer: M.webm({ ms: 6000, video: true, pad: 1234 }) });
  await L.shot(cp, 'party-admin-commitment-edit');
  await cp.locator('[data-test=commitment-edit-save]').click();
  await cp.locator('[data-test=commitment-media]').first().locator('img').waitFor();
  await cp.locator('[data-test=commitment-media]').first().getByText('承诺视频').waitFor();
  await L.shot(cp, 'party-admin-commitments-media');
  await noSideways(cp, 'console commitments');
  L.assertNoProblems(desk);
  await desk.close();
});
