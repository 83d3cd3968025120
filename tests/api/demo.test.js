// The county demo (`cunzhi demo --scale county`, what `make run` loads) tells the points
// story: read through the real API as the demo logins, the villager's home, ledger,
// 红黑榜 and 公示 are full, claims are in every state, the shop has photographed goods
// and low stock, the cadre's overview has figures, and `cunzhi verify` is clean.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, PHONES, Server, freshPgDb } = require('./lib');

const ok = (r, status = 200) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

function cli(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 900000, env: process.env });
  if (r.error) throw r.error;
  return r;
}

function month(t) {
  const d = new Date(t * 1000 + 8 * 3600 * 1000);   // Asia/Shanghai
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

test('the county demo tells the points story', { timeout: 1200000 }, async (t) => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'cunzhi-demo-'));
  const db = freshPgDb();
  const dbArgs = db ? ['--db', db] : [];
  const demo = cli(['demo', '--scale', 'county', '--data', data, ...dbArgs]);
  assert.equal(demo.status, 0, `${demo.stdout}\n${demo.stderr}`);
  const lines = demo.stdout.trim().split('\n');
  assert.match(lines[lines.length - 1], /村民.*15620260101/, 'the villager is the last login');
  assert.match(demo.stdout, /村报账员.*杨晓梅.*13900000021/, 'the accountant is listed');

  const verify = cli(['verify', '--data', data, ...dbArgs]);
  assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
  assert.match(verify.stdout, /audit: ok/);
  assert.match(verify.stdout, /ledger: ok, 18 chains/);
  assert.match(verify.stdout, /shop: ok/);

  const s = new Server({ data, db });
  await s.start();
  t.after(() => s.stop());
  const get = async (p, phone) => ok(await s.api('GET', p, { token: await s.login(phone) }));

  // 李琳's home: her household's balances, its ledger, her rank
  const lin = '15620260101';
  const me = await get('/api/v1/session', lin);
  const village = me.grants.find((g) => g.role === 'villager').unit_id;
  const ledger = await get(`/api/v1/households/${me.household_id}/ledger?limit=200`, lin);
  assert.ok(ledger.balances.spendable > 0, 'spendable points');
  assert.ok(ledger.balances.honour > 0, 'honour points');
  assert.ok(ledger.total >= 20, `ledger entries: ${ledger.total}`);
  assert.ok(ledger.items.some((e) => e.source === 'deduction' && e.honour < 0), 'a deduction');
  assert.ok(ledger.items.some((e) => e.source === 'redemption'), 'a redemption');
  const now = Math.floor(Date.now() / 1000);
  const live = await get(`/api/v1/rankings?unit_id=${village}&period=${month(now)}`, lin);
  const mine = live.rows.find((row) => row.household_id === me.household_id);
  assert.ok(mine && mine.rank >= 1, 'her household has a rank this month');
  assert.ok(live.rows.filter((row) => row.points > 0).length >= 20, 'households earned points this month');

  // the published 红黑榜
  const published = ok(await s.api('GET', `/api/v1/public/villages/${village}/rankings?limit=20`));
  assert.ok(published.total >= 5, `published rankings: ${published.total}`);
  const last = ok(await s.api('GET', `/api/v1/public/rankings/${published.items[0].id}`));
  assert.ok(last.red_list.length > 0, 'a red list');
  let black = 0;
  for (const it of published.items.slice(0, 6)) {
    black += ok(await s.api('GET', `/api/v1/public/rankings/${it.id}`)).black_list.length;
  }
  assert.ok(black > 0, 'someone on a black list');

  // 公示 now, and the objections: one open, one dismissed (back in 公示), one upheld
  const pub = ok(await s.api('GET', `/api/v1/public/villages/${village}/publicity`));
  assert.ok(pub.items.length > 0, '公示 is not empty');
  const cadre = PHONES.cadre;
  const objections = await get(`/api/v1/objections?village_id=${village}&limit=50`, cadre);
  const statuses = new Set(objections.items.map((o) => o.status));
  for (const st of ['open', 'dismissed', 'upheld']) assert.ok(statuses.has(st), `an objection ${st}`);
  const dismissed = objections.items.find((o) => o.status === 'dismissed');
  const again = await get(`/api/v1/claims/${dismissed.claim_id}`, cadre);
  assert.equal(again.status, 'approved', 'the record objected to is in 公示 again');
  assert.equal(again.publicity.status, 'open');
  assert.ok(pub.items.some((it) => it.id === again.publicity.id), 'and on the public 公示 list');
  assert.ok(again.objections.length >= 1);
  const open = objections.items.find((o) => o.status === 'open');
  assert.equal((await get(`/api/v1/claims/${open.claim_id}`, cadre)).status, 'pending', 'an objection waits for review');

  // claims in every state, by villagers and by the grid workers, rejections with reasons
  const byState = {};
  for (const st of ['pending', 'approved', 'credited', 'rejected']) {
    const page = await get(`/api/v1/claims?village_id=${village}&status=${st}&limit=50`, cadre);
    byState[st] = page;
    assert.ok(page.total > 0, `claims ${st}`);
  }
  const all = Object.values(byState).reduce((n, p) => n + p.total, 0);
  assert.ok(all >= 300, `claims in all: ${all}`);
  assert.ok(byState.rejected.items.every((c) => c.review_reason && c.review_reason.length > 4), 'rejections give reasons');
  const authors = new Set(byState.credited.items.map((c) => c.author_name));
  assert.ok(authors.has('刘强') || authors.has('赵磊'), `grid workers claim on behalf: ${[...authors]}`);
  assert.ok(authors.size >= 5, 'villagers claim from their phones');

  // the shop: every good photographed (distinct pictures), two goods low, redemptions and returns
  const clerk = PHONES.clerk;
  const shops = await get(`/api/v1/shops?village_id=${village}`, clerk);
  const shop = (shops.items || shops)[0];
  const goods = await get(`/api/v1/shops/${shop.id}/goods`, clerk);
  const items = goods.items || goods;
  assert.ok(items.length >= 10);
  const hashes = new Set();
  for (const g of items) {
    assert.ok(g.photo_url, `${g.name} has a photo`);
    const photo = await s.api('GET', g.photo_url, { token: await s.login(clerk), raw: undefined });
    assert.equal(photo.status, 200);
    hashes.add(g.photo_hash);
  }
  assert.equal(hashes.size, items.length, 'every good has its own picture');
  const low = await get(`/api/v1/shops/${shop.id}/low-stock`, clerk);
  assert.ok((low.items || low).length >= 2, 'two goods below their threshold');
  const sales = await get(`/api/v1/villages/${village}/ledger?source=redemption&limit=1`, cadre);
  assert.ok(sales.total >= 24, `redemptions: ${sales.total}`);
  const returns = await get(`/api/v1/villages/${village}/ledger?source=return&limit=1`, cadre);
  assert.ok(returns.total >= 1, 'a return');

  // the cadre's overview: this month's figures; the county's are not one village
  const stats = await get(`/api/v1/stats/points?unit_id=${village}&period=${month(now)}`, cadre);
  assert.ok(stats.issued > 0 && stats.credited > 0 && stats.participating > 0, JSON.stringify(stats).slice(0, 300));
  const countyMe = await get('/api/v1/session', PHONES.county_admin);
  const year = month(now).slice(0, 4);
  const cs = await get(`/api/v1/stats/points?unit_id=${countyMe.grants[0].unit_id}&period=${year}`, PHONES.county_admin);
  const villages = (cs.units || []).filter((u) => u.kind === 'village' && u.participating > 0);
  assert.ok(villages.length >= 10, `villages with points: ${villages.length}`);

  // accounts: 5–15 % of the households of every group of 青山村
  const reg = await get(`/api/v1/stats/register?unit_id=${village}`, cadre);
  assert.ok(reg.units.length >= 4);
  for (const g of reg.units) {
    const share = g.registered / g.households;
    assert.ok(share >= 0.05 && share <= 0.15, `${g.name}: ${g.registered} of ${g.households}`);
  }
});
