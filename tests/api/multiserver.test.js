// Two app servers on one PostgreSQL database (issue 17): both schedulers run over the
// same due 公示 entries and each is credited exactly once (the jobs' pass holds an
// advisory lock; the crediting's own guard is the conditional UPDATE … WHERE status =
// 'open' and the ledger's UNIQUE claim_id); redemptions for one household sent to both
// servers at once never overdraw, and one idempotency key sent to both charges once; a
// broadcast made on one server reaches a page listening on the other (LISTEN/NOTIFY).
// Either guard of the crediting is enough alone: with the lock turned off the conditional
// UPDATE still credits once, and with the lock on and the UPDATE's status condition
// dropped the passes still run one after the other; with both gone this test fails (the
// second pass's ledger entry breaks UNIQUE claim_id: 409 from the clock's pass).
// PostgreSQL only: on SQLite the file is skipped.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { startServer, Server, psqlBin, sleep, openStream } = require('./lib');

const PG = Boolean(process.env.CUNZHI_PG);
const skip = PG ? false : 'two servers share a database only on PostgreSQL';
const DAY = 86400;

let a, b;               // the two servers
let village;            // 青山村
let shop;               // its shop
let rule;               // 见义勇为 (20 points, no cap)
let households = [];    // households of the village (not the demo villager's)

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const key = () => crypto.randomUUID();

function sql(query) {
  return execFileSync(psqlBin(), ['-qAt', '-v', 'ON_ERROR_STOP=1', a.db, '-c', query], { encoding: 'utf8' }).trim();
}

// Waits for a state (not a duration).
async function until(fn, what, ceiling = 30000) {
  const end = Date.now() + ceiling;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Moves both servers' clocks at the same time; each runs the jobs at its new time.
async function advanceBoth(seconds) {
  const rs = await Promise.all([a, b].map((s) => s.api('POST', '/api/v1/test/clock', { body: { advance: seconds } })));
  for (const r of rs) assert.equal(r.status, 200, r.text);
  return rs.map((r) => r.json);
}

before(async () => {
  if (!PG) return;
  a = await startServer();
  b = new Server({ data: a.data, db: a.db });
  b.villager = a.villager;
  await b.start();
  const cadre = await a.as('cadre');
  const me = must(await a.api('GET', '/api/v1/session', { token: cadre }), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const rules = must(await a.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre }), 200).items;
  rule = rules.find((r) => r.name === '见义勇为' && r.in_force !== false);
  assert.ok(rule, 'the rule 见义勇为');
  const vme = must(await a.api('GET', '/api/v1/session', { token: await a.as('villager') }), 200);
  const hs = must(await a.api('GET', `/api/v1/households?village_id=${village}&limit=20`, { token: cadre }), 200).items;
  households = hs.map((h) => h.id).filter((id) => id !== vme.household_id).slice(0, 8);
  assert.equal(households.length, 8);
  const shops = must(await a.api('GET', `/api/v1/shops?village_id=${village}`, { token: await a.as('clerk') }), 200).items;
  shop = shops.find((x) => x.unit_id === village);
  assert.ok(shop, 'the village shop');
});

after(async () => {
  if (b) await b.stop();
  if (a) await a.close();
});

test('a session made on one server works on the other', { skip }, async () => {
  const t = await a.as('cadre');
  must(await b.api('GET', '/api/v1/session', { token: t }), 200);
});

test('both schedulers run over the same due 公示 entries: each is credited exactly once', { skip }, async () => {
  const today = (await a.advance(0)).now.slice(0, 10);
  const before0 = {};
  for (const hh of households) before0[hh] = Number(sql(`SELECT COALESCE(SUM(spendable), 0) FROM ledger WHERE household_id = ${hh}`));
  const claims = [];
  for (let i = 0; i < 4; i++) {
    const srv = i % 2 ? b : a;
    const r = must(await srv.api('POST', '/api/v1/awards', {
      token: await srv.as('cadre'), body: { rule_id: rule.id, household_ids: households, occurred_on: today, note: '两台服务器' },
    }), 201);
    claims.push(...r.claim_ids);
  }
  assert.equal(claims.length, 32);
  const list = claims.join(',');
  assert.equal(sql(`SELECT count(*) FROM publicity WHERE claim_id IN (${list}) AND status = 'open'`), '32');
  // both past the 公示 period at once: both passes find the same 32 entries due
  await advanceBoth(3 * DAY + 60);
  // the background schedulers may run a pass too; all of them end with every entry credited once
  await until(() => sql(`SELECT count(*) FROM publicity WHERE claim_id IN (${list}) AND status = 'open'`) === '0', 'every entry credited');
  assert.equal(sql(`SELECT count(*) || '/' || count(DISTINCT claim_id) FROM ledger WHERE claim_id IN (${list})`), '32/32');
  assert.equal(sql(`SELECT count(*) FROM claims WHERE id IN (${list}) AND status = 'credited'`), '32');
  for (const hh of households) {
    const after0 = Number(sql(`SELECT COALESCE(SUM(spendable), 0) FROM ledger WHERE household_id = ${hh}`));
    assert.equal(after0 - before0[hh], 4 * rule.points, `household ${hh}`);
  }
  // another round, with the two servers' clocks moved again and again while entries fall due
  const more = must(await b.api('POST', '/api/v1/awards', {
    token: await b.as('cadre'), body: { rule_id: rule.id, household_ids: households, occurred_on: (await b.advance(0)).now.slice(0, 10), note: '两台服务器' },
  }), 201).claim_ids;
  const rs = await Promise.all([
    ...[0, 1, 2].map(() => a.api('POST', '/api/v1/test/clock', { body: { advance: DAY + 1 } })),
    ...[0, 1, 2].map(() => b.api('POST', '/api/v1/test/clock', { body: { advance: DAY + 1 } })),
  ]);
  for (const r of rs) assert.equal(r.status, 200, r.text);
  await until(() => sql(`SELECT count(*) FROM publicity WHERE claim_id IN (${more.join(',')}) AND status = 'open'`) === '0', 'the second round credited');
  assert.equal(sql(`SELECT count(*) || '/' || count(DISTINCT claim_id) FROM ledger WHERE claim_id IN (${more.join(',')})`), '8/8');
  // each crediting audited once
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE object_type = 'claim' AND action = 'credit' AND object_id IN (${[...claims, ...more].join(',')})`), '40');
  // sessions last a week of server time: log in again
  a.tokens.clear();
  b.tokens.clear();
});

async function redeem(srv, card, goodsId, k = key()) {
  return srv.api('POST', '/api/v1/counter/redeem', {
    token: await srv.as('clerk'),
    body: { shop_id: shop.id, code: card.card.token, pin: card.pin, items: [{ goods_id: goodsId, quantity: 1 }], idempotency_key: k },
  });
}

test('redemptions for one household split across both servers never overdraw; one key charges once', { skip }, async () => {
  const hh = households[0];
  const card = { card: must(await a.api('POST', `/api/v1/households/${hh}/cards`, { token: await a.as('cadre'), body: { pin: '2468' } }), 201), pin: '2468' };
  const lookup = async (srv) => must(await srv.api('POST', '/api/v1/counter/lookup', {
    token: await srv.as('clerk'), body: { shop_id: shop.id, code: card.card.token, pin: card.pin },
  }), 200).spendable;
  const balance = await lookup(b);
  assert.ok(balance >= 80, `balance ${balance}`);
  const price = Math.floor(balance / 3); // 3 × price ≤ balance < 4 × price
  const clerk = await a.as('clerk');
  const good = must(await a.api('POST', `/api/v1/shops/${shop.id}/goods`, {
    token: clerk, body: { name: '两台服务器测试米', category: '日用品', unit: '袋', price_points: price, limit_count: 0 },
  }), 201);
  must(await a.api('POST', `/api/v1/goods/${good.id}/stock-in`, {
    token: clerk, body: { quantity: 100, unit_cost: 500, funding: '集体经济', supplier: '村供销社' },
  }), 201);
  const rs = await Promise.all(Array.from({ length: 16 }, (_, i) => redeem(i % 2 ? b : a, card, good.id)));
  const ok = rs.filter((r) => r.status === 201);
  assert.equal(ok.length, 3, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
  for (const r of rs.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error.message, /可兑换积分不足/);
  }
  const left = await lookup(a);
  assert.equal(left, balance - 3 * price);
  assert.equal(Number(sql(`SELECT COALESCE(SUM(spendable), 0) FROM ledger WHERE household_id = ${hh}`)), left);
  assert.equal(must(await b.api('GET', `/api/v1/goods/${good.id}`, { token: await b.as('clerk') }), 200).stock, 97);

  // one confirmation retried on both servers at once: one receipt, one charge
  const cheap = must(await b.api('POST', `/api/v1/shops/${shop.id}/goods`, {
    token: await b.as('clerk'), body: { name: '两台服务器测试盐', category: '日用品', unit: '袋', price_points: 1, limit_count: 0 },
  }), 201);
  must(await b.api('POST', `/api/v1/goods/${cheap.id}/stock-in`, {
    token: await b.as('clerk'), body: { quantity: 10, unit_cost: 100, funding: '集体经济', supplier: '村供销社' },
  }), 201);
  const k = key();
  const retries = await Promise.all(Array.from({ length: 8 }, (_, i) => redeem(i % 2 ? b : a, card, cheap.id, k)));
  for (const r of retries) assert.ok([200, 201].includes(r.status), r.text);
  assert.equal(retries.filter((r) => r.status === 201).length, 1);
  assert.equal(new Set(retries.map((r) => r.json.id)).size, 1);
  assert.equal(await lookup(b), left - 1);
  assert.equal(must(await a.api('GET', `/api/v1/goods/${cheap.id}`, { token: await a.as('clerk') }), 200).stock, 9);
});


test('a broadcast made on one server reaches the pages open on both', { skip }, async () => {
  const onA = await openStream(a.port, '/api/v1/broadcasts/stream', { token: await a.as('villager') });
  const onB = await openStream(b.port, '/api/v1/broadcasts/stream', { token: await b.as('villager') });
  assert.equal(onA.status, 200);
  assert.equal(onB.status, 200);
  await until(() => onA.comments.includes('connected') && onB.comments.includes('connected'), 'the streams to open');
  const fromA = must(await a.api('POST', '/api/v1/broadcasts', { token: await a.as('cadre'), body: { unit_id: village, body: '两台服务器：今晚停水。' } }), 201);
  const fromB = must(await b.api('POST', '/api/v1/broadcasts', { token: await b.as('cadre'), body: { unit_id: village, body: '两台服务器：明早恢复供水。' } }), 201);
  for (const [st, name] of [[onA, 'A'], [onB, 'B']]) {
    for (const sent of [fromA, fromB]) {
      const ev = await until(() => st.events.find((e) => e.event === 'broadcast' && e.id === sent.id), `broadcast ${sent.id} on the stream of ${name}`);
      assert.equal(ev.json.body, sent.body);
    }
  }
  // each reached each page once: the server that made it does not push it again
  await sleep(300);
  for (const st of [onA, onB])
    for (const sent of [fromA, fromB]) assert.equal(st.events.filter((e) => e.id === sent.id).length, 1);
  onA.close();
  onB.close();
});

test('a broadcast sent while the other server was not listening still reaches its pages: they are asked to reconnect and are sent it', { skip }, async () => {
  const token = await b.as('villager');
  const cadre = await a.as('cadre');
  let onB = await openStream(b.port, '/api/v1/broadcasts/stream', { token });
  await until(() => onB.comments.includes('connected'), 'the stream on B to open');
  const first = must(await a.api('POST', '/api/v1/broadcasts', { token: cadre, body: { unit_id: village, body: '断线测试：第一条。' } }), 201);
  await until(() => onB.events.find((e) => e.id === first.id), 'the first broadcast on B');
  // the servers' listening connections are cut; the next broadcast is sent at once,
  // before they listen again, so its message reaches no listener
  const cut = sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '% listen:cunzhi_push'");
  assert.equal(cut, '2', 'both listening connections cut');
  const second = must(await a.api('POST', '/api/v1/broadcasts', { token: cadre, body: { unit_id: village, body: '断线测试：第二条。' } }), 201);
  // the page on B gets it live, or (as a browser's EventSource does) reconnects with
  // the last id it saw when its stream ends and gets it then
  let reconnected = false;
  await until(async () => {
    if (onB.events.find((e) => e.id === second.id)) return true;
    if (onB.ended) {
      const last = onB.events.filter((e) => e.event === 'broadcast').pop().id;
      onB = await openStream(b.port, '/api/v1/broadcasts/stream', { token, lastEventId: last });
      reconnected = true;
    }
    return false;
  }, 'the second broadcast on the page of B');
  assert.equal(onB.events.find((e) => e.id === second.id).json.body, '断线测试：第二条。');
  // B listens again, and a broadcast after that arrives live on the stream it has now
  await until(() => sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE '% listen:cunzhi_push'") === '2', 'both servers listening again');
  const third = must(await a.api('POST', '/api/v1/broadcasts', { token: cadre, body: { unit_id: village, body: '断线测试：第三条。' } }), 201);
  await until(() => onB.events.find((e) => e.id === third.id), `the third broadcast on B (after ${reconnected ? 'reconnecting' : 'no reconnection'})`);
  onB.close();
});

test("an emergency reported on one server alerts the duty officer's page on the other; the acknowledgement crosses back", { skip }, async () => {
  const town = await openStream(b.port, '/api/v1/emergency-alerts/stream', { token: await b.as('town_official') });
  assert.equal(town.status, 200);
  await until(() => town.comments.includes('connected'), 'the stream to open');
  const e = must(await a.api('POST', '/api/v1/emergencies', {
    token: await a.as('grid_worker'), body: { village_id: village, emergency_type: 'fire', description: '两台服务器：柴房起火' },
  }), 201);
  const ev = await until(() => town.events.find((x) => x.event === 'emergency' && x.json.id === e.id), 'the alert on the other server');
  assert.equal(ev.json.emergency_type_label, '火灾');
  must(await a.api('POST', `/api/v1/emergencies/${e.id}/ack`, { token: await a.as('town_official'), body: {} }), 200);
  await until(() => town.events.find((x) => x.event === 'ack' && x.json.id === e.id), 'the acknowledgement on the other server');
  town.close();
});
