// Crash safety: writes of several kinds from several clients while the server is killed
// with SIGKILL at random moments and restarted, KILLS times (CUNZHI_KILLS for a longer
// run). Afterwards every write that was acknowledged with a 2xx is there, a retry with
// the same idempotency key of a write whose answer was lost creates nothing twice, and
// `cunzhi verify` finds every chain and invariant intact. Runs on both engines.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

const KILLS = Number(process.env.CUNZHI_KILLS || 20);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let s;
const T = {};
const A = {};
before(async () => {
  s = await startServer();
  T.villager = await s.as('villager');
  T.cadre = await s.as('cadre');
  const me = (await s.api('GET', '/api/v1/session', { token: T.villager })).json;
  A.resident = me.resident_id;
  const cadre = (await s.api('GET', '/api/v1/session', { token: T.cadre })).json;
  A.village = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  // a rule the villager claims for themself, with no cap and no photo required
  const v = await s.api('POST', `/api/v1/units/${A.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '村民代表会议', meeting_date: new Date().toISOString().slice(0, 10), note: '邻里互助试行',
      add: [{ category: '生产生活', name: '邻里帮工', points: 1, claim_by: 'self' }],
    },
  });
  assert.equal(v.status, 201, v.text);
  A.rule = v.json.added[0].id;
  const cats = (await s.api('GET', '/api/v1/event-categories', { token: T.villager })).json.items;
  A.category = cats[0].id;
});
after(async () => { if (s) await s.close(); });

// One kind of write: its request for a sequence number, and how to read it back.
const KINDS = {
  claim: {
    token: () => T.villager,
    request: (key) => ['POST', '/api/v1/claims', {
      resident_id: A.resident, rule_id: A.rule, occurred_on: new Date().toISOString().slice(0, 10),
      description: `断电测试 ${key}`, idempotency_key: key,
    }],
    read: (id) => `/api/v1/claims/${id}`,
  },
  event: {
    token: () => T.villager,
    request: (key) => ['POST', '/api/v1/events', {
      village_id: A.village, category_id: A.category, description: `断电测试 ${key}`, idempotency_key: key,
    }],
    read: (id) => `/api/v1/events/${id}`,
  },
  notice: {
    token: () => T.cadre,
    request: (key) => ['POST', '/api/v1/notices', { unit_id: A.village, title: `断电测试 ${key}`, body: '断电测试通知', idempotency_key: key }],
    read: (id) => `/api/v1/notices/${id}`,
  },
};

// Each client writes one kind in a loop until stopped; every request and its answer are
// kept: {kind, key, status (0 when the connection broke), id}.
async function writer(kind, round, stop, log) {
  const k = KINDS[kind];
  for (let i = 0; !stop.now; i++) {
    const key = `crash-${kind}-${round}-${i}`;
    const [method, path, body] = k.request(key);
    let r;
    try {
      r = await s.api(method, path, { token: k.token(), body });
    } catch {
      r = { status: 0 };
    }
    log.push({ kind, key, status: r.status, id: r.json && r.json.id, text: r.status ? r.text : '' });
    if (r.status === 0) return; // the server is gone
  }
}

test(`${KILLS} kills under writes: nothing acknowledged is lost, retries create nothing twice, verify is clean`, async (t) => {
  const log = [];
  for (let round = 0; round < KILLS; round++) {
    const stop = { now: false };
    const clients = [writer('claim', round, stop, log), writer('event', round, stop, log), writer('notice', round, stop, log),
      writer('event', `${round}b`, stop, log)];
    // kill once some writes of this round were answered, at a random moment after
    const answered = log.length;
    while (log.length < answered + 2) await sleep(5);
    await sleep(Math.floor(Math.random() * 150));
    await s.kill9();
    stop.now = true;
    await Promise.all(clients);
    await s.start();
  }

  const acked = log.filter((e) => e.status >= 200 && e.status < 300);
  const lost = log.filter((e) => e.status === 0);
  const refused = log.filter((e) => e.status >= 300);
  t.diagnostic(`${acked.length} writes acknowledged, ${lost.length} cut by a kill`);
  assert.ok(acked.length >= KILLS, `writes were acknowledged: ${acked.length}`);
  assert.ok(lost.length >= 1, 'some requests were cut by a kill');
  assert.deepEqual(refused.map((e) => `${e.key}: ${e.status} ${e.text}`), [], 'no write was refused');

  // every acknowledged write is there
  for (const e of acked) {
    const r = await s.api('GET', KINDS[e.kind].read(e.id), { token: KINDS[e.kind].token() });
    assert.equal(r.status, 200, `${e.key} (id ${e.id}) after the kills: ${r.text}`);
  }

  // a write whose answer was lost, sent again with the same key: done once, never twice
  for (const e of lost) {
    const [method, path, body] = KINDS[e.kind].request(e.key);
    const r = await s.api(method, path, { token: KINDS[e.kind].token(), body });
    assert.ok(r.status === 200 || r.status === 201, `${e.key} retried: ${r.status} ${r.text}`);
    const again = await s.api(method, path, { token: KINDS[e.kind].token(), body });
    assert.equal(again.json.id, r.json.id, `${e.key}: the retry of the retry is the same record`);
  }
  const mine = async (path, token = T.villager) => {
    const items = [];
    for (let offset = 0; ; offset += 100) {
      const r = await s.api('GET', `${path}&limit=100&offset=${offset}`, { token });
      assert.equal(r.status, 200, r.text);
      items.push(...r.json.items);
      if (items.length >= r.json.total || !r.json.items.length) return items;
    }
  };
  const count = (texts) => texts.reduce((m, t) => {
    const key = (/断电测试 (crash-\S+)/.exec(t || '') || [])[1];
    if (key) m.set(key, (m.get(key) || 0) + 1);
    return m;
  }, new Map());
  const claims = count((await mine('/api/v1/claims?mine=1')).map((c) => c.description));
  const events = count((await mine('/api/v1/events?mine=1')).map((e) => e.description));
  const notices = count((await mine(`/api/v1/notices?unit_id=${A.village}`, T.cadre)).map((n) => n.title));
  const twice = [...claims, ...events, ...notices].filter(([, n]) => n > 1).map(([key]) => key);
  assert.deepEqual(twice, [], 'records made twice');
  const made = { claim: claims, event: events, notice: notices };
  for (const e of acked) assert.equal(made[e.kind].get(e.key), 1, `${e.key} is listed once`);

  // the chains and invariants, with the server stopped
  await s.stop();
  const v = s.cli(['verify']);
  assert.equal(v.code, 0, `cunzhi verify: ${v.stdout}\n${v.stderr}`);
  await s.start();
});
