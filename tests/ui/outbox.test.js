// The villager app without signal: a report 反映问题 and a claim 申报 (with a photo)
// made while the phone is offline are kept on it and listed as 待发送; when the signal
// returns they are sent with their idempotency keys and shown as 已发送, and the
// server holds exactly one of each. Then the app as an installed web app: its manifest,
// its service worker, and a second visit that opens from the phone with no signal.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;
let ctx;
let vp;
let vtoken;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
  ctx = await L.newContext(browser, 'phone', s.url);
  vp = await L.newPage(ctx);
  await L.villagerLogin(vp, s.villager.phone, s.villager.password);
  vtoken = await s.login(s.villager.phone, s.villager.password);
});

after(async () => {
  if (ctx) await ctx.close();
  if (browser) await browser.close();
  if (s) await s.close();
});

async function mine(path, text) {
  const r = await s.must('GET', path, { token: vtoken });
  return r.items.filter((x) => (x.description || '') === text);
}

// Opens the report form with the signal on, its categories loaded.
async function openReport(page) {
  await page.goto('/report');
  await page.locator('[data-test=categories] [role=radio]').first().waitFor();
  await L.quiet(page);
}

// Without signal: makes a report of text and waits until the list shows it 待发送; its item.
async function reportOffline(context, page, text) {
  await context.setOffline(true);
  await page.locator('[data-test=categories] [role=radio]').first().click();
  await page.fill('textarea[name=description]', text);
  await page.getByRole('button', { name: '提交反映' }).click();
  const item = page.locator('[data-test=outbox-item]', { hasText: text.slice(0, 10) });
  await item.locator('[data-test=outbox-state]', { hasText: '待发送' }).waitFor();
  return item;
}

test('a report made offline waits as 待发送 and is sent once when the signal returns', async () => {
  const text = `离线反映：四组水井边的护栏松了 ${Date.now() % 100000}`;
  await openReport(vp);
  const item = await reportOffline(ctx, vp, text);
  assert.equal(await vp.locator('textarea[name=description]').inputValue(), '', 'the form is cleared for the next one');
  await L.shot(vp, 'outbox-event-pending');
  assert.equal((await mine('/api/v1/events?mine=1&limit=100', text)).length, 0, 'nothing reached the server yet');

  await ctx.setOffline(false);
  await item.locator('[data-test=outbox-state]', { hasText: '已发送' }).waitFor();
  await L.shot(vp, 'outbox-event-sent');
  const made = await mine('/api/v1/events?mine=1&limit=100', text);
  assert.equal(made.length, 1, 'exactly one report on the server');

  // kept on the phone: after a reload the list still says it was sent, and links to it
  await vp.goto('/my-events');
  const again = vp.locator('[data-test=outbox-item]', { hasText: text.slice(0, 10) });
  await again.locator('[data-test=outbox-state]', { hasText: '已发送' }).waitFor();
  await again.click();
  await vp.waitForURL(new RegExp(`/my-events/${made[0].id}$`));
  assert.equal((await mine('/api/v1/events?mine=1&limit=100', text)).length, 1, 'still one');
});

test('a claim with a photo made offline is kept with its photo and sent once', async () => {
  const text = `离线申报：帮五保户修好了屋顶 ${Date.now() % 100000}`;
  await vp.goto('/claim');
  await vp.locator('[data-test=rule-cell]').waitFor();
  await L.quiet(vp);
  await vp.locator('[data-test=rule-cell]').click();
  await vp.getByRole('dialog').getByText('参加志愿劳动').click();
  await vp.getByRole('dialog').waitFor({ state: 'hidden' });

  await ctx.setOffline(true);
  await vp.fill('textarea[name=description]', text);
  await vp.locator('[data-test=album]').setInputFiles({ name: 'roof.png', mimeType: 'image/png', buffer: L.makePng(320, 240, [30, 120, 60]) });
  await vp.locator('[data-test=photos] img').first().waitFor();
  await vp.getByRole('button', { name: '提交申报' }).click();
  const item = vp.locator('[data-test=outbox-item]', { hasText: '参加志愿劳动' });
  await item.locator('[data-test=outbox-state]', { hasText: '待发送' }).waitFor();
  await L.shot(vp, 'outbox-claim-pending');
  assert.equal((await mine('/api/v1/claims?mine=1&limit=100', text)).length, 0);

  await ctx.setOffline(false);
  await item.locator('[data-test=outbox-state]', { hasText: '已发送' }).waitFor();
  const made = await mine('/api/v1/claims?mine=1&limit=100', text);
  assert.equal(made.length, 1, 'exactly one claim on the server');
  const claim = await s.must('GET', `/api/v1/claims/${made[0].id}`, { token: vtoken });
  assert.equal(claim.photo_list.length, 1, 'with the photo kept on the phone');
  L.assertNoProblems(ctx);
});

test('a report whose answer never comes (the signal lost mid-request) is given up after a minute and sent again, once', async () => {
  // a context of its own, its clock faked from the start and flowing, to jump a minute
  const c = await L.newContext(browser, 'phone', s.url);
  await c.clock.install();
  const p = await L.newPage(c);
  await L.villagerLogin(p, s.villager.phone, s.villager.password);
  const text = `断网反映：村口路灯不亮 ${Date.now() % 100000}`;
  await openReport(p);
  const item = await reportOffline(c, p, text);

  // the first send reaches the server, its answer is never delivered; later ones go through
  let held = null;
  let posts = 0;
  await p.route('**/api/v1/events', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts++;
    if (held) return route.continue();
    held = route;
    await route.fetch();
  });
  await c.setOffline(false);
  await item.locator('[data-test=outbox-state]', { hasText: '发送中' }).waitFor();
  while ((await mine('/api/v1/events?mine=1&limit=100', text)).length !== 1) await L.sleep(100);   // it reached the server
  await L.shot(p, 'outbox-event-sending');
  assert.equal(posts, 1);
  await c.clock.fastForward('01:01');
  await item.locator('[data-test=outbox-state]', { hasText: '已发送' }).waitFor();
  assert.equal(posts, 2, 'sent again after the wait');
  assert.equal((await mine('/api/v1/events?mine=1&limit=100', text)).length, 1, 'still exactly one report on the server');
  await c.close();
});

test('a send stuck on the phone\'s storage (an open that is never answered) does not keep the outbox from sending later', async () => {
  const c = await L.newContext(browser, 'phone', s.url);
  await c.clock.install();
  // each page's opens of the outbox's store are never answered until the page says so
  await c.addInitScript(() => {
    const real = indexedDB.open.bind(indexedDB);
    window.czStoreStuck = true;
    indexedDB.open = (name, version) => (window.czStoreStuck && name === 'cunzhi-outbox' ? {} : real(name, version));
  });
  const p = await L.newPage(c);
  await L.villagerLogin(p, s.villager.phone, s.villager.password);
  const text = `存储卡住：二组路口的垃圾桶满了 ${Date.now() % 100000}`;
  await openReport(p);
  // the outbox's first pass, begun as the page opened, waits on the store for good; the
  // store answers from now on
  await p.evaluate(() => { window.czStoreStuck = false; });
  const item = await reportOffline(c, p, text);
  await c.setOffline(false);
  // past the store's wait and the next half-minute try
  await c.clock.fastForward('00:31');
  await item.locator('[data-test=outbox-state]', { hasText: '已发送' }).waitFor();
  assert.equal((await mine('/api/v1/events?mine=1&limit=100', text)).length, 1, 'exactly one report on the server');
  await c.close();
});

test('installs as a web app; a second visit opens from the phone without signal', async () => {
  const m = await (await fetch(`${s.url}/manifest.webmanifest`)).json();
  assert.equal(m.name, '村治');
  assert.equal(m.display, 'standalone');
  assert.ok(m.icons.some((i) => i.sizes === '192x192') && m.icons.some((i) => i.sizes === '512x512'));
  for (const i of m.icons) assert.equal((await fetch(`${s.url}${i.src}`)).status, 200, i.src);

  await vp.goto('/');
  await vp.locator('.van-tabbar').waitFor();
  const scope = await vp.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, `${s.url}/`);
  // the worker keeps the page once it controls it
  await vp.reload();
  await vp.locator('.van-tabbar').waitFor();
  await vp.waitForFunction(async () => !!navigator.serviceWorker.controller && !!(await caches.match('/index.html')));

  await ctx.setOffline(true);
  await vp.goto('/');
  await vp.locator('.van-tabbar').waitFor();
  assert.match(await vp.locator('body').innerText(), /首页/);
  await L.shot(vp, 'outbox-offline-second-visit');
  await ctx.setOffline(false);
});
