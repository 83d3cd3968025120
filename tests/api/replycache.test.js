// The reply cache (issue 17, migration 032): the village ranking, a household's page,
// its ledger page and the village's list of households are served from memory while
// the village's generation is unchanged. Each kind of change that can alter one of
// them (a household, a resident, a ledger entry by award and 公示 crediting and by
// correction, the points settings, a published ranking, a unit's name, a grid worker's
// grant) must show in the very next reply; readers of different classes (PII, the
// caller's own household) never get each other's reply; access is checked on every
// request; and two servers on one database see each other's changes (run on
// PostgreSQL by scripts/with-postgres.sh).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const { startServer, makeIdcard, Server } = require('./lib');

let s;
const T = {};
const V = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const get = (p, token, srv = s) => srv.api('GET', p, { token, headers: { 'accept-encoding': 'gzip' } });

// Reads a path twice: the second read must come from memory (so the check after a change
// is a check of the cache, not of a reply built anyway). Returns the second reply's JSON.
async function warm(p, token, srv = s) {
  await must(await get(p, token, srv), 200);
  const r = await get(p, token, srv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-reply-cache'), 'hit', `${p} was not kept`);
  return r.json;
}

const paths = () => ({
  ranking: `/api/v1/rankings?unit_id=${V.village}&period=${V.year}`,
  household: `/api/v1/households/${V.household}`,
  list: `/api/v1/households?unit_id=${V.village}&limit=50`,
  ledger: `/api/v1/households/${V.household}/ledger?limit=50`,
});

async function warmAll(token = T.cadre, srv = s) {
  const p = paths();
  const out = {};
  for (const k of Object.keys(p)) out[k] = await warm(p[k], token, srv);
  return out;
}

// The four replies after a change: each must be rebuilt (a miss), then returned.
async function after4(token = T.cadre, srv = s) {
  const p = paths();
  const out = {};
  for (const k of Object.keys(p)) {
    const r = await get(p[k], token, srv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-reply-cache'), 'miss', `${k} served from memory after a change`);
    out[k] = r.json;
  }
  return out;
}

const rowOf = (ranking) => ranking.rows.find((w) => w.household_id === V.household);
const listItem = (list) => list.items.find((h) => h.id === V.household);

before(async () => {
  s = await startServer();
  T.admin = await s.as('county_admin');
  T.cadre = await s.as('cadre');
  T.villager = await s.as('villager');
  const me = await must(await get('/api/v1/session', T.cadre), 200);
  V.village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const vme = await must(await get('/api/v1/session', T.villager), 200);
  V.household = vme.household_id;
  assert.ok(V.household, `no household in ${JSON.stringify(vme)}`);
  const { now } = await s.advance(0);
  V.year = String(new Date(new Date(now).getTime() + 8 * 3600e3).getUTCFullYear());
  V.today = new Date(new Date(now).getTime() + 8 * 3600e3).toISOString().slice(0, 10);
  // the household must be on the first page of the list
  const list = await must(await get(`/api/v1/households?unit_id=${V.village}&limit=50`, T.cadre), 200);
  if (!list.items.some((h) => h.id === V.household)) V.household = list.items[0].id;
  const rules = await must(await get(`/api/v1/units/${V.village}/rules?limit=200`, T.cadre), 200);
  V.rule = rules.items.find((r) => r.points > 0 && r.active !== false) || rules.items[0];
});

after(async () => {
  if (s) await s.close();
});

test('a household changed by PATCH shows in its page and the list at once', async () => {
  await warmAll();
  await must(await s.api('PATCH', `/api/v1/households/${V.household}`, { token: T.cadre, body: { address: '缓存测试路 1 号' } }), 200);
  const r = await after4();
  assert.equal(r.household.address, '缓存测试路 1 号');
  assert.equal(listItem(r.list).address, '缓存测试路 1 号');
});

test('residents: a new member and a renamed head show everywhere at once', async () => {
  let r = await warmAll();
  const members = r.household.members.length;
  await must(await s.api('POST', '/api/v1/residents', { token: T.cadre, body: { household_id: V.household, name: '缓存新成员', idcard: makeIdcard('20010203', 517, '510923'), relation: '其他' } }), 201);
  r = await after4();
  assert.equal(r.household.members.length, members + 1);
  assert.equal(listItem(r.list).residents, members + 1);

  const head = r.household.members.find((m) => m.relation === '户主');
  assert.ok(head, 'the household has a head');
  await warmAll();
  await must(await s.api('PATCH', `/api/v1/residents/${head.id}`, { token: T.cadre, body: { name: '缓存户主' } }), 200);
  r = await after4();
  assert.equal(r.household.head_name, '缓存户主');
  assert.equal(listItem(r.list).head_name, '缓存户主');
  assert.equal(rowOf(r.ranking).name, '缓**主');
});

test('ledger entries: an award credited after 公示 and a correction show in the ranking and the ledger page', async () => {
  await must(await s.api('PUT', `/api/v1/villages/${V.village}/points-settings`, { token: T.cadre, body: { publicity_days: 0, red_list_size: 10 } }), 200);
  let r = await warmAll();
  const before = { points: rowOf(r.ranking).points, total: r.ledger.total, spendable: r.ledger.balances.spendable };
  const award = await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: V.rule.id, household_ids: [V.household], occurred_on: V.today, note: '缓存测试' } });
  assert.equal(award.status, 201, award.text);
  // in 公示: nothing credited yet, but the replies must still be current (the ledger did
  // not move; the award itself is not on these pages)
  await warmAll();
  const { credited } = await s.advance(120);   // the crediting job
  assert.ok(credited >= 1, 'the crediting job credited the award');
  r = await after4();
  assert.ok(r.ledger.total > before.total, 'the credited entry is on the ledger page');
  assert.notEqual(r.ledger.balances.spendable, before.spendable);
  assert.notEqual(rowOf(r.ranking).points, before.points);

  const entry = r.ledger.items[0];
  assert.ok(entry.honour > 0, JSON.stringify(entry));
  await warmAll();
  await must(await s.api('POST', `/api/v1/ledger/${entry.id}/correction`, { token: T.cadre, body: { reason: '录错了' } }), 201);
  r = await after4();
  assert.equal(r.ledger.items[0].source, 'correction');
  assert.equal(rowOf(r.ranking).points, before.points);
});

test('the points settings and a published ranking show in the ranking at once', async () => {
  let r = await warmAll();
  const size = r.ranking.red_list_size === 7 ? 8 : 7;
  await must(await s.api('PUT', `/api/v1/villages/${V.village}/points-settings`, { token: T.cadre, body: { publicity_days: 0, red_list_size: size } }), 200);
  r = await after4();
  assert.equal(r.ranking.red_list_size, size);

  // last year's ranking: published once the period is over
  const last = String(Number(V.year) - 1);
  const p = `/api/v1/rankings?unit_id=${V.village}&period=${last}`;
  const was = await warm(p, T.cadre);
  assert.equal(was.published_id, null);
  const pub = await must(await s.api('POST', '/api/v1/rankings', { token: T.cadre, body: { unit_id: V.village, period: last } }), 201);
  const now = await must(await get(p, T.cadre), 200);
  assert.equal(now.published_id, pub.id);
});

test('a renamed unit and a new grid worker show on the household page at once', async () => {
  await warmAll();
  const unit = await must(await get(`/api/v1/units/${V.village}`, T.admin), 200);
  await must(await s.api('PATCH', `/api/v1/units/${V.village}`, { token: T.admin, body: { name: unit.name + '新' } }), 200);
  let r = await after4();
  assert.equal(r.household.village_name, unit.name + '新');
  assert.equal(r.ranking.village_name, unit.name + '新');

  await warmAll();
  const user = await must(await s.api('POST', '/api/v1/users', { token: T.admin, body: { phone: '13755550001', name: '缓存网格员', password: 'Grid-Cache-2026' } }), 201);
  // a user alone changes no page of the village, but a grant of the village does
  await must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: T.admin, body: { role: 'grid_worker', unit_id: V.village } }), 200);
  r = await after4();
  const names = r.household.grid_workers.map((g) => g.name);
  if (!r.household.grid_workers.some((g) => g.user_id === user.id)) {
    // a more specific worker (grid or group) is named instead: the page was rebuilt anyway
    assert.ok(names.length > 0, JSON.stringify(r.household.grid_workers));
  }
});

test('readers of different classes never get each other\'s reply; access is checked on every request', async () => {
  const p = paths();
  // the cadre (PII) warms the household page; the villager of the household sees ages only
  const cadre = await warm(p.household, T.cadre);
  assert.ok(cadre.members.some((m) => m.birth_date), 'the cadre sees birth dates');
  const own = await must(await get(p.household, T.villager), 200);
  if (own.id === V.household) assert.ok(own.members.every((m) => m.birth_date === null), 'the villager sees ages only');

  // the ranking's "mine" is the caller's own household
  const rk = await warm(p.ranking, T.cadre);
  const vr = await must(await get(p.ranking, T.villager), 200);
  assert.deepEqual(vr.rows, rk.rows);
  const vh = (await must(await get('/api/v1/session', T.villager), 200)).household_id;
  const ch = (await must(await get('/api/v1/session', T.cadre), 200)).household_id;
  assert.equal(vr.mine && vr.mine.household_id, vh);
  assert.equal(rk.mine && rk.mine.household_id, ch || null);
  assert.notEqual(vh, ch);

  // another household's page and ledger, warm in memory, stay closed to the villager
  const other = (await must(await get(p.list, T.cadre), 200)).items.find((h) => h.id !== vh);
  await warm(`/api/v1/households/${other.id}`, T.cadre);
  await warm(`/api/v1/households/${other.id}/ledger?limit=50`, T.cadre);
  assert.equal((await get(`/api/v1/households/${other.id}`, T.villager)).status, 404);
  assert.equal((await get(`/api/v1/households/${other.id}/ledger?limit=50`, T.villager)).status, 404);
  const lst = await get(p.list, T.villager);
  assert.ok(lst.status === 403 || lst.status === 404, `${lst.status}`);
  // and to nobody without a session
  assert.equal((await get(p.household, undefined)).status, 401);
});

// A GET with the raw bytes as sent (fetch would decode the gzip).
function rawGet(p, token, encoding) {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}` };
    if (encoding) headers['accept-encoding'] = encoding;
    http.get({ host: '127.0.0.1', port: s.port, path: p, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('a kept reply is sent gzipped to a client that takes gzip and plain to one that does not', async () => {
  const p = paths();
  await warm(p.ranking, T.cadre);
  const gz = await rawGet(p.ranking, T.cadre, 'gzip');
  assert.equal(gz.headers['x-reply-cache'], 'hit');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  const plain = await rawGet(p.ranking, T.cadre, undefined);
  assert.equal(plain.headers['x-reply-cache'], 'hit');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(zlib.gunzipSync(gz.body).toString('utf8'), plain.body.toString('utf8'));
  assert.ok(JSON.parse(plain.body.toString('utf8')).rows.length > 0);
});

test('two servers on one database: a change through one shows on the other at once', async () => {
  const s2 = new Server({ data: s.data, db: s.db });
  await s2.start();
  try {
    const t2 = await s2.login('13900000003');
    await warmAll(T.cadre, s);
    await warmAll(t2, s2);
    await must(await s.api('PATCH', `/api/v1/households/${V.household}`, { token: T.cadre, body: { address: '两台服务器 1 号' } }), 200);
    let r = await after4(t2, s2);
    assert.equal(r.household.address, '两台服务器 1 号');
    assert.equal(listItem(r.list).address, '两台服务器 1 号');

    await warmAll(T.cadre, s);
    await warmAll(t2, s2);
    await must(await s2.api('PATCH', `/api/v1/households/${V.household}`, { token: t2, body: { address: '两台服务器 2 号' } }), 200);
    r = await after4(T.cadre, s);
    assert.equal(r.household.address, '两台服务器 2 号');
  } finally {
    await s2.stop();
  }
});
