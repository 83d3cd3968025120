// 扫码签到 on the villager's phone. A villager signs up for an activity on a 360 px
// phone; the cadre projects the activity's check-in code in the console; chromium's
// fake camera shows that code to the villager's scanner page, which checks in and
// shows the points going to 公示. The scanner on a live camera, in the elderly mode
// too, and the camera released when the page is left. A refused camera: the message,
// then the typed code, with the server's own messages for an expired code, a code
// that is no code and a second check-in; a photo of the code read instead of the live
// camera. Screenshots and axe-core on every new page.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib');

const NARROW = { width: 360, height: 740 };
let s;
let browser;
const acts = {};           // title → activity
let camDir;

// The server's clock (the test clock runs ahead of the wall clock).
async function serverNow() {
  return Date.parse((await s.advance(0)).now);
}

const cst = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  camDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-scan-'));
  const cadre = await s.as('cadre');
  const rules = (await s.must('GET', '/api/v1/units/3/rules?limit=200', { token: cadre })).items;
  const now = await serverNow();
  // check-in opens 30 minutes before the start; one rule each, so no rule's cap is reached
  const plan = [['清理村口水渠', '参加志愿劳动'], ['敬老院义务打扫', '参加村集体公益活动'], ['广场舞比赛', '参加村文体活动']];
  for (const [title, ruleName] of plan) {
    const rule = rules.find((r) => r.name === ruleName);
    acts[title] = await s.must('POST', '/api/v1/activities', { token: cadre, body: {
      village_id: 3, rule_id: rule.id, title, place: '村委会门口', starts_at: cst(now + 10 * 60e3),
      ends_at: cst(now + 2 * 3600e3), capacity: 30,
    } }, 201);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
  if (camDir) fs.rmSync(camDir, { recursive: true, force: true });
});

// Keeps every camera stream the page opens in window.__streams (and the constraints
// asked for), to check that the camera is released.
async function watchCamera(ctx) {
  await ctx.addInitScript(() => {
    window.__streams = [];
    window.__constraints = [];
    const md = navigator.mediaDevices;
    if (md && md.getUserMedia) {
      const open = md.getUserMedia.bind(md);
      md.getUserMedia = async (c) => {
        window.__constraints.push(JSON.stringify(c));
        const st = await open(c);
        window.__streams.push(st);
        return st;
      };
    }
  });
}

const cameraLive = (page) => page.evaluate(() => window.__streams.some((st) => st.getTracks().some((t) => t.readyState === 'live')));

async function phoneOn(b, { camera = false } = {}) {
  const ctx = await L.newContext(b, 'phone', s.url);
  if (camera) await ctx.grantPermissions(['camera'], { origin: s.url });
  await watchCamera(ctx);
  const page = await L.newPage(ctx);
  await page.setViewportSize(NARROW);
  await L.villagerLogin(page, s.villager.phone);
  return { ctx, page };
}

async function noSideScroll(page, label) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= NARROW.width, `${label}: the page is ${w} px wide on a ${NARROW.width} px screen`);
}

async function checkinCode(title) {
  const cadre = await s.as('cadre');
  return (await s.must('GET', `/api/v1/activities/${acts[title].id}/checkin-code`, { token: cadre })).token;
}

async function mine(title) {
  const v = await s.as('villager');
  return (await s.must('GET', `/api/v1/activities/${acts[title].id}`, { token: v })).mine;
}

test('a villager signs up, the console projects the code, the phone camera reads it and checks in', async () => {
  // signing up on the phone; the scan entry is on the activities page and on home
  const { ctx: plain, page: vp } = await phoneOn(browser);
  await vp.locator('[data-test=home-scan]').waitFor();
  await vp.goto('/activities');
  const card = vp.locator('.card', { hasText: '清理村口水渠' });
  await card.getByRole('button', { name: '报名' }).click();
  const sheet = vp.locator('.van-action-sheet');
  await sheet.waitFor();
  await sheet.getByRole('button', { name: '报名' }).click();
  await card.getByText('已报名').waitFor();
  await vp.locator('.van-toast').waitFor({ state: 'hidden' });
  await vp.locator('[data-test=scan-entry]').waitFor();
  await L.shot(vp, 'villager-activities-scan');
  await L.axe(vp, 'activities with the scan entry');
  L.assertNoProblems(plain);
  await plain.close();

  // the cadre projects the check-in code
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, L.PHONES.cadre);
  await cp.goto('/admin/activities');
  await cp.locator('.el-table__row', { hasText: '清理村口水渠' }).click();
  await cp.getByRole('button', { name: '投屏签到码' }).click();
  await cp.waitForFunction(() => [...document.querySelectorAll('.projection img')].some((i) => i.complete && i.naturalWidth > 0));
  await L.shot(cp, 'admin-activity-checkin-code');
  L.assertNoProblems(desk);
  await desk.close();

  // the same code (it changes every 5 minutes) in front of the phone's camera
  const cadre = await s.as('cadre');
  const svg = (await s.api('GET', `/api/v1/activities/${acts['清理村口水渠'].id}/checkin-code.svg`, { token: cadre })).text;
  const file = path.join(camDir, 'checkin.y4m');
  L.qrVideo(svg, file);
  const cam = await L.launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`]);
  try {
    const { ctx, page } = await phoneOn(cam, { camera: true });
    await page.goto('/activities');
    await page.locator('[data-test=scan-entry]').click();
    await page.waitForURL(/\/scan$/);
    const done = page.locator('[data-test=scan-done]');
    await done.waitFor({ timeout: 30000 }).catch(async (e) => {
      await L.shot(page, 'debug-scan');
      const shown = await page.locator('[data-test=camera-error], [data-test=scan-failed]').allInnerTexts();
      throw new Error(`${e.message}\nshown: ${JSON.stringify(shown)}\n${ctx.problems.join('\n')}`);
    });
    const text = await done.innerText();
    assert.match(text, /签到成功[\s\S]*清理村口水渠[\s\S]*\+5[\s\S]*分已进入公示[\s\S]*公示到 \d{4}-\d\d-\d\d/);
    assert.match((await page.evaluate(() => window.__constraints))[0], /"facingMode":\{"ideal":"environment"\}/, 'the rear camera is asked for');
    assert.equal(await cameraLive(page), false, 'the camera is released once the code is read');
    await noSideScroll(page, 'check-in done');
    await L.shot(page, 'villager-scan-done');
    await L.axe(page, 'scan done');

    const m = await mine('清理村口水渠');
    assert.equal(m.checked_in, true);
    const v = await s.as('villager');
    const claim = await s.must('GET', `/api/v1/claims/${m.claim_id}`, { token: v });
    assert.equal(claim.status, 'approved', 'the points are in 公示');
    assert.equal(claim.points, 5);

    // the record is one tap away
    await done.getByRole('button', { name: '查看这条积分' }).click();
    await page.waitForURL(new RegExp(`/claims/${m.claim_id}$`));
    await page.getByText('清理村口水渠').first().waitFor();
    L.assertNoProblems(ctx);
    await ctx.close();
  } finally {
    await cam.close();
  }
});

test('the scanner on a live camera, on a 360 px phone and in the elderly mode; leaving the page releases the camera', async () => {
  const cam = await L.launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    const { ctx, page } = await phoneOn(cam, { camera: true });
    await page.goto('/scan');
    await page.getByText('把签到码放进白框里').waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-test=scan-video]');
      return v && v.readyState >= 2 && v.videoWidth > 0;
    });
    assert.equal(await cameraLive(page), true);
    await noSideScroll(page, 'scanner');
    await L.shot(page, 'villager-scan');
    await L.axe(page, 'scanner');

    // leaving by the tab bar stops the camera
    await page.locator('.van-tabbar').getByText('首页').click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.waitForFunction(() => window.__streams.length > 0 && window.__streams.every((st) => st.getTracks().every((t) => t.readyState === 'ended')));

    // the elderly mode: a big button on home, and the scanner still fits
    await page.goto('/me');
    await page.locator('[data-test=elderly-cell]').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('elderly'));
    await page.goto('/');
    await page.locator('[data-test=big-scan]').waitFor();
    await page.locator('[data-test=show-code]').waitFor();
    await noSideScroll(page, 'elderly home');
    await L.shot(page, 'villager-home-elderly-scan');
    await page.locator('[data-test=big-scan]').click();
    await page.waitForURL(/\/scan$/);
    await page.getByText('把签到码放进白框里').waitFor();
    await noSideScroll(page, 'elderly scanner');
    await L.shot(page, 'villager-scan-elderly', { fullPage: true });
    await L.axe(page, 'scanner, elderly mode');
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/');
    await page.waitForFunction(() => window.__streams.every((st) => st.getTracks().every((t) => t.readyState === 'ended')));
    L.assertNoProblems(ctx);
    await ctx.close();
  } finally {
    await cam.close();
  }
});

test('a refused camera: the message and the typed code; the server says why a code is refused', async () => {
  // a camera the page may not use: the permission is not granted
  const cam = await L.launch(['--use-fake-device-for-media-stream']);
  try {
    const { ctx, page } = await phoneOn(cam);
    await page.goto('/scan');
    const refused = page.locator('[data-test=camera-error]');
    await refused.waitFor();
    assert.match(await refused.innerText(), /没有得到摄像头权限[\s\S]*拍照识别[\s\S]*输入签到码/);
    await page.locator('[data-test=camera-retry]').waitFor();
    await noSideScroll(page, 'refused camera');
    await L.shot(page, 'villager-scan-refused', { fullPage: true });
    await L.axe(page, 'scanner with a refused camera');

    const field = page.locator('[data-test=scan-code] textarea');
    const failed = page.locator('[data-test=scan-failed]');
    // nothing typed
    await page.locator('[data-test=scan-submit]').click();
    await page.getByText('请输入签到码').waitFor();

    // a code that lived past its 10 minutes
    const old = await checkinCode('敬老院义务打扫');
    await s.advance(11 * 60);
    await field.fill(old);
    await page.locator('[data-test=scan-submit]').click();
    await failed.waitFor();
    assert.match(await failed.innerText(), /签到没有成功[\s\S]*二维码已过期，请刷新后重新扫码/);
    await noSideScroll(page, 'expired code');
    await L.shot(page, 'villager-scan-expired');
    await L.axe(page, 'scan failed');

    // again: something that is no code
    await failed.getByRole('button', { name: '再扫一次' }).click();
    await refused.waitFor();
    await field.fill('hello');
    await page.locator('[data-test=scan-submit]').click();
    await failed.getByText('二维码无效，请重新扫码').waitFor();

    // the fresh code, pasted with a line break in it: checked in as a walk-in
    await failed.getByRole('button', { name: '再扫一次' }).click();
    const fresh = await checkinCode('敬老院义务打扫');
    await field.fill(`${fresh.slice(0, 10)}\n${fresh.slice(10)}`);
    await page.locator('[data-test=scan-submit]').click();
    const done = page.locator('[data-test=scan-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /签到成功[\s\S]*敬老院义务打扫[\s\S]*\+3/);
    const m = await mine('敬老院义务打扫');
    assert.equal(m.signed_up, true, 'a walk-in takes a place');
    assert.equal(m.checked_in, true);

    // the same code once more: already checked in
    await page.goto('/scan');
    await refused.waitFor();
    await field.fill(fresh);
    await page.locator('[data-test=scan-submit]').click();
    await failed.getByText('本户已签到过这个活动').waitFor();
    L.assertNoProblems(ctx);
    await ctx.close();
  } finally {
    await cam.close();
  }
});

test('without the live camera, a photo of the code is read', async () => {
  const { ctx, page } = await phoneOn(browser);
  await page.goto('/scan');
  await page.locator('[data-test=camera-error]').waitFor();
  const photo = page.locator('[data-test=scan-photo]');

  // a photo with no code in it
  await photo.setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: L.makePng(320, 240) });
  await page.locator('[data-test=photo-error]').filter({ hasText: '照片里没有找到二维码' }).waitFor();
  await L.shot(page, 'villager-scan-photo-no-code');

  // a saved picture of a check-in code (another server's: its signature is not ours) on
  // which the reader's search for the three corner squares fails at this size, as on
  // one crisp code in twenty: read all the same, and refused by the server as no code of ours
  await photo.setInputFiles(path.join(__dirname, 'fixtures', 'checkin-code-finder-missed.png'));
  const failed = page.locator('[data-test=scan-failed]');
  await failed.getByText('二维码无效，请重新扫码').waitFor();
  await failed.getByRole('button', { name: '再扫一次' }).click();
  await page.locator('[data-test=camera-error]').waitFor();

  const cadre = await s.as('cadre');
  const res = await fetch(`${s.url}/api/v1/activities/${acts['广场舞比赛'].id}/checkin-code.png`, { headers: { authorization: `Bearer ${cadre}` } });
  assert.equal(res.status, 200);
  await photo.setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: Buffer.from(await res.arrayBuffer()) });
  const done = page.locator('[data-test=scan-done]');
  await done.waitFor().catch(async (e) => {
    await L.shot(page, 'debug-scan-photo');
    const shown = await page.locator('[data-test=photo-error], [data-test=scan-failed]').allInnerTexts();
    throw new Error(`${e.message}\nshown: ${JSON.stringify(shown)}\n${ctx.problems.join('\n')}`);
  });
  assert.match(await done.innerText(), /广场舞比赛[\s\S]*\+2/);
  assert.equal((await mine('广场舞比赛')).checked_in, true);
  L.assertNoProblems(ctx);
  await ctx.close();
});
