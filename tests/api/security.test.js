// Holes of issue 18, each with the test that shows it closed: ID numbers that cannot be
// rebuilt from what non-PII roles read; corrections that cannot double-credit a sale and
// that add points only with a second cadre; idempotent awards and claims; and chains an
// insider cannot rewrite (a rewritten entry with recomputed hashes, a cut tail, a unit
// with history but no head, a chain deleted with its head → `cunzhi verify` exits 3).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, makeIdcard, PHONES } = require('./lib');

const DAY = 86400;
let s;
let cadre;
let village;        // the demo village's id
let villagerHh;     // the demo villager's household
const key = () => crypto.randomUUID();

const json = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

before(async () => {
  s = await startServer();
  cadre = await s.as('cadre');
  const me = json(await s.api('GET', '/api/v1/session', { token: cadre }), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  villagerHh = json(await s.api('GET', '/api/v1/session', { token: await s.as('villager') }), 200).household_id;
});
after(async () => { if (s) await s.close(); });

async function rule(name) {
  const rules = json(await s.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre }), 200).items;
  const r = rules.find((x) => x.name === name && x.in_force !== false);
  assert.ok(r, `the rule ${name}`);
  return r;
}

async function today() {
  return (await s.advance(0)).now.slice(0, 10);
}

async function balances(hh) {
  return json(await s.api('GET', `/api/v1/households/${hh}/ledger?limit=200`, { token: cadre }), 200);
}

// Moves past 公示 so that awards are credited; sessions last days, so log in again.
async function pastPublicity() {
  await s.advance(3 * DAY + 1);
  s.tokens.clear();
  cadre = await s.as('cadre');
}

// ---- 1. masked ID numbers ----

test('non-PII roles read neither a rebuildable mask nor a birth date, in replies and audit views', async () => {
  const gw = await s.as('grid_worker');
  const visible = json(await s.api('GET', '/api/v1/households?limit=1', { token: gw }), 200).items[0];
  assert.ok(visible, 'a household the grid worker reads');
  const idcard = makeIdcard('19830714', 357, '510923');
  const birth = ['1983-07-14', '19830714', '0714'];
  const created = json(await s.api('POST', '/api/v1/residents', {
    token: cadre, body: { household_id: visible.id, name: '周安民', idcard, relation: '其他' },
  }), 201);
  // the cadre holds the PII permission: the birth date, and the full number on request
  const mask = idcard.slice(0, 4) + '*'.repeat(13) + idcard.slice(17);
  const full = json(await s.api('GET', `/api/v1/residents/${created.id}`, { token: cadre }), 200);
  assert.equal(full.idcard, mask);
  assert.equal(full.birth_date, '1983-07-14');
  assert.equal(json(await s.api('GET', `/api/v1/residents/${created.id}/idcard`, { token: cadre }), 200).idcard, idcard);

  const readers = new Set();
  for (const role of ['grid_worker', 'grid_worker_grid', 'assessor', 'town_official', 'inspector', 'clerk', 'handler', 'villager']) {
    const token = await s.as(role);
    const replies = [];
    const hh = await s.api('GET', `/api/v1/households/${visible.id}`, { token });
    if (hh.status === 200) {
      readers.add(role);
      const m = hh.json.members.find((x) => x.id === created.id);
      assert.equal(m.idcard, mask, role);
      assert.equal(m.idcard_full, false, role);
      assert.equal(m.birth_date, null, role);
      assert.equal(typeof m.age, 'number', role);
      for (const x of hh.json.members) {
        assert.match(x.idcard, /^(\d{4}\*{13}[\dX]|\*+)$/, `${role}: ${x.idcard}`);
        assert.equal(x.birth_date, null, role);
      }
      replies.push(hh.text);
    }
    const one = await s.api('GET', `/api/v1/residents/${created.id}`, { token });
    if (one.status === 200) {
      assert.equal(one.json.idcard, mask, role);
      assert.equal(one.json.birth_date, null, role);
      replies.push(one.text);
    }
    const audit = await s.api('GET', `/api/v1/audit?unit_id=${village}&object_type=resident&object_id=${created.id}`, { token });
    if (audit.status === 200) {
      readers.add(`${role}:audit`);
      assert.ok(audit.json.items.length >= 1, role);
      for (const e of audit.json.items) {
        assert.equal(e.after.idcard, mask, role);
        assert.equal(e.after.birth_date, undefined, role);
        assert.equal(e.after.birth_year, '1983', role);
      }
      replies.push(audit.text);
    }
    for (const text of replies) {
      assert.ok(!text.includes(idcard), `${role} reads the full number`);
      assert.ok(!text.includes(idcard.slice(0, 6) + '*'), `${role} reads the district`);
      for (const b of birth.slice(0, 2)) assert.ok(!text.includes(b), `${role} reads the birth date ${b}`);
    }
  }
  for (const must of ['grid_worker', 'town_official', 'inspector', 'town_official:audit', 'inspector:audit']) {
    assert.ok(readers.has(must), `${must} read the household (${[...readers]})`);
  }
});

test('the stored masks follow the new rule, and verify passes', async () => {
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

// ---- 3. corrections ----

async function findShop() {
  const r = json(await s.api('GET', `/api/v1/shops?village_id=${village}`, { token: await s.as('clerk') }), 200);
  return r.items.find((x) => x.unit_id === village);
}

test('a redemption cannot be corrected: redeem → correct refused → return refunds once', async () => {
  const brave = await rule('见义勇为');
  json(await s.api('POST', '/api/v1/awards', {
    token: cadre, body: { rule_id: brave.id, household_ids: [villagerHh], occurred_on: await today(), note: '测试加分' },
  }), 201);
  await pastPublicity();
  const clerk = await s.as('clerk');
  const shop = await findShop();
  const g = json(await s.api('POST', `/api/v1/shops/${shop.id}/goods`, {
    token: clerk, body: { name: '更正测试毛巾', category: '日用品', unit: '条', price_points: 8, limit_count: 0 },
  }), 201);
  json(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, {
    token: clerk, body: { quantity: 5, unit_cost: 300, funding: '集体经济', supplier: '村供销社' },
  }), 201);
  const start = (await balances(villagerHh)).balances;
  const code = json(await s.api('GET', `/api/v1/households/${villagerHh}/code`, { token: await s.as('villager') }), 200).code;
  const sale = json(await s.api('POST', '/api/v1/counter/redeem', {
    token: clerk, body: { shop_id: shop.id, code, items: [{ goods_id: g.id, quantity: 1 }], idempotency_key: key() },
  }), 201);
  const afterSale = (await balances(villagerHh)).balances;
  assert.equal(afterSale.spendable, start.spendable - 8);

  const corr = await s.api('POST', `/api/v1/ledger/${sale.ledger_id}/correction`, { token: cadre, body: { reason: '兑换录错了' } });
  assert.equal(corr.status, 409, corr.text);
  assert.match(corr.json.error.message, /退货/);
  assert.deepEqual((await balances(villagerHh)).balances, afterSale);

  const ret = json(await s.api('POST', '/api/v1/counter/returns', {
    token: clerk, body: { receipt_id: sale.id, items: [{ goods_id: g.id, quantity: 1 }], reason: '不要了', idempotency_key: key() },
  }), 201);
  assert.deepEqual((await balances(villagerHh)).balances, start);
  const l = await balances(villagerHh);
  const retEntry = l.items.find((e) => e.source === 'return');
  assert.ok(retEntry, JSON.stringify(ret));
  const corrRet = await s.api('POST', `/api/v1/ledger/${retEntry.id}/correction`, { token: cadre, body: { reason: '退货录错了' } });
  assert.equal(corrRet.status, 409, corrRet.text);
  assert.deepEqual((await balances(villagerHh)).balances, start);
  assert.equal(s.cli(['verify']).code, 0);
});

test('a correction that adds points waits for a second cadre', async () => {
  const burn = await rule('焚烧秸秆');
  const other = json(await s.api('GET', `/api/v1/households?village_id=${village}&limit=5`, { token: cadre }), 200)
    .items.find((h) => h.id !== villagerHh);
  json(await s.api('POST', '/api/v1/awards', {
    token: cadre, body: { rule_id: burn.id, household_ids: [other.id], occurred_on: await today(), note: '测试扣分' },
  }), 201);
  await pastPublicity();
  const l = await balances(other.id);
  const ded = l.items.find((e) => e.source === 'deduction');
  assert.ok(ded && ded.spendable < 0);

  const asked = json(await s.api('POST', `/api/v1/ledger/${ded.id}/correction`, { token: cadre, body: { reason: '扣错了户' } }), 202);
  assert.equal(asked.status, 'pending');
  assert.deepEqual((await balances(other.id)).balances, l.balances, 'nothing credited yet');
  const twice = await s.api('POST', `/api/v1/ledger/${ded.id}/correction`, { token: cadre, body: { reason: '再提一次' } });
  assert.equal(twice.status, 409, twice.text);
  const own = await s.api('POST', `/api/v1/ledger-corrections/${asked.request_id}/decision`, { token: cadre, body: { approve: true } });
  assert.equal(own.status, 403, own.text);
  const clerkTry = await s.api('POST', `/api/v1/ledger-corrections/${asked.request_id}/decision`, { token: await s.as('clerk'), body: { approve: true } });
  assert.equal(clerkTry.status, 403, clerkTry.text);

  // a second cadre of the village
  const admin = await s.as('county_admin');
  const u = json(await s.api('POST', '/api/v1/users', { token: admin, body: { phone: '13700009999', name: '第二委员', password: 'Second-cadre-1' } }), 201);
  json(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role: 'cadre', unit_id: village } }), 200);
  const second = await s.login('13700009999', 'Second-cadre-1');
  const pending = json(await s.api('GET', `/api/v1/villages/${village}/ledger-corrections?status=pending`, { token: second }), 200);
  assert.ok(pending.items.some((q) => q.id === asked.request_id && q.entry_id === ded.id && q.spendable === -ded.spendable));
  const ok = json(await s.api('POST', `/api/v1/ledger-corrections/${asked.request_id}/decision`, { token: second, body: { approve: true } }), 201);
  const after2 = await balances(other.id);
  assert.equal(after2.balances.spendable, l.balances.spendable - ded.spendable);
  const entry = after2.items.find((e) => e.id === ok.id);
  assert.equal(entry.source, 'correction');
  assert.equal(entry.ref_id, ded.id);
  const again = await s.api('POST', `/api/v1/ledger-corrections/${asked.request_id}/decision`, { token: second, body: { approve: true } });
  assert.equal(again.status, 409, again.text);
  assert.equal((await s.api('POST', `/api/v1/ledger/${ded.id}/correction`, { token: cadre, body: { reason: '三' } })).status, 409);
  assert.equal(s.cli(['verify']).code, 0);
});

// ---- 4. idempotency ----

test('the same award twice makes one batch; a key reused for another award is refused', async () => {
  const brave = await rule('见义勇为');
  const body = { rule_id: brave.id, household_ids: [villagerHh], occurred_on: await today(), note: '重试测试', idempotency_key: key() };
  const first = json(await s.api('POST', '/api/v1/awards', { token: cadre, body }), 201);
  assert.equal(first.replayed, false);
  const second = json(await s.api('POST', '/api/v1/awards', { token: cadre, body }), 200);
  assert.equal(second.replayed, true);
  assert.equal(second.batch_id, first.batch_id);
  assert.deepEqual(second.claim_ids, first.claim_ids);
  // both at once, as a double click: still one batch
  const k2 = key();
  const both = await Promise.all([0, 1].map(() => s.api('POST', '/api/v1/awards', { token: cadre, body: { ...body, idempotency_key: k2 } })));
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 201], both.map((r) => r.text).join('\n'));
  assert.equal(both[0].json.batch_id, both[1].json.batch_id);
  const claims = json(await s.api('GET', `/api/v1/claims?household_id=${villagerHh}&limit=200`, { token: cadre }), 200).items;
  assert.equal(claims.filter((c) => c.batch_id === first.batch_id).length, 1);
  assert.equal(claims.filter((c) => c.batch_id === both[0].json.batch_id).length, 1);
  // the header works as well as the field
  const hk = key();
  const h1 = json(await s.api('POST', '/api/v1/awards', { token: cadre, body: { ...body, idempotency_key: undefined }, headers: { 'Idempotency-Key': hk } }), 201);
  const h2 = json(await s.api('POST', '/api/v1/awards', { token: cadre, body: { ...body, idempotency_key: undefined }, headers: { 'Idempotency-Key': hk } }), 200);
  assert.equal(h1.batch_id, h2.batch_id);
  const reused = await s.api('POST', '/api/v1/awards', { token: cadre, body: { ...body, note: '另一次加分' } });
  assert.equal(reused.status, 409, reused.text);
  assert.match(reused.json.error.message, /幂等键/);
  const bad = await s.api('POST', '/api/v1/awards', { token: cadre, body: { ...body, idempotency_key: 'x y' } });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.json.error.fields.idempotency_key);
});

test('a villager\'s claim retried from the phone is made once', async () => {
  const villager = await s.as('villager');
  const rules = json(await s.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: villager }), 200).items;
  const r = rules.find((x) => x.points > 0 && x.claim_by === 'self' && !x.photo_required && !x.cap_count) ||
    rules.find((x) => x.points > 0 && !x.photo_required && (x.claimable_by || x.claim_by || '').includes('self'));
  assert.ok(r, 'a self-report rule without photos');
  const hh = json(await s.api('GET', `/api/v1/households/${villagerHh}`, { token: villager }), 200);
  const body = { resident_id: hh.members[0].id, rule_id: r.id, occurred_on: await today(), description: '打扫村道', idempotency_key: key() };
  const first = json(await s.api('POST', '/api/v1/claims', { token: villager, body }), 201);
  const again = json(await s.api('POST', '/api/v1/claims', { token: villager, body }), 200);
  assert.equal(again.id, first.id);
  const mine = json(await s.api('GET', '/api/v1/claims?mine=1&limit=200', { token: villager }), 200).items;
  assert.equal(mine.filter((c) => c.description === '打扫村道').length, 1);
});

// ---- 5. chains an insider cannot rewrite ----

function sqliteRows(db, sql) {
  const out = execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.trim() ? JSON.parse(out) : [];
}
function sqliteRun(db, sql) {
  execFileSync('sqlite3', [db, sql], { encoding: 'utf8' });
}
const q = (v) => `'${String(v).replace(/'/g, "''")}'`;
function b2(buf) {
  return execFileSync('b2sum', ['-l', '256'], { input: buf }).toString().split(' ')[0];
}
function auditHash(e, prev) {
  const head = [e.unit_id, e.seq, e.actor_id ?? 0, e.at, e.object_type, e.object_id, e.action].join('\x1f') + '\x1f';
  return b2(Buffer.from(head + e.before_data + '\x1f' + e.after_data + '\x1f' + prev, 'utf8'));
}

test('verify exits 3 on a rewritten entry with recomputed hashes, a cut tail, a missing head or chain', async (t) => {
  if (s.db) return t.skip('tampering is done on the SQLite file');
  // a ledger chain in the village, and the record of heads outside the database
  const rec = s.cli(['heads']);
  assert.equal(rec.code, 0, rec.stdout + rec.stderr);
  assert.match(rec.stdout, /public key \(Ed25519\): [0-9a-f]{64}/);
  assert.match(rec.stdout, /ledger/);
  assert.equal(s.cli(['verify']).code, 0);
  await s.stop();
  const dbFile = path.join(s.data, 'cunzhi.db');
  const saved = path.join(s.data, 'saved.db');
  sqliteRun(dbFile, 'PRAGMA wal_checkpoint(TRUNCATE)');
  fs.copyFileSync(dbFile, saved);
  const restore = () => {
    fs.copyFileSync(saved, dbFile);
    for (const x of ['-wal', '-shm']) fs.rmSync(dbFile + x, { force: true });
    assert.equal(s.cli(['verify']).code, 0, 'clean again after the restore');
  };
  const broken = (what, pattern) => {
    const r = s.cli(['verify']);
    assert.equal(r.code, 3, `${what}: ${r.stdout}${r.stderr}`);
    if (pattern) assert.match(r.stdout, pattern, what);
  };

  // a rewritten audit entry, with every later hash and the head's hash recomputed
  const entries = sqliteRows(dbFile, `SELECT * FROM audit_log WHERE unit_id = ${village} ORDER BY seq`);
  const k = entries.length - 5;
  let prev = entries[k - 1].hash;
  const sql = ['BEGIN;'];
  for (let i = k; i < entries.length; i++) {
    const e = entries[i];
    if (i === k) e.after_data = e.after_data.replace(/}$/, ',"note":"改过"}');
    e.prev_hash = prev;
    e.hash = auditHash(e, prev);
    prev = e.hash;
    sql.push(`UPDATE audit_log SET after_data = ${q(e.after_data)}, prev_hash = ${q(e.prev_hash)}, hash = ${q(e.hash)} WHERE id = ${e.id};`);
  }
  // the recomputation is right: the chain itself verifies, only the keyed head does not
  assert.equal(auditHash(entries[0], entries[0].prev_hash), entries[0].hash, 'the hash recipe');
  sql.push(`UPDATE audit_heads SET hash = ${q(prev)} WHERE unit_id = ${village};`, 'COMMIT;');
  sqliteRun(dbFile, sql.join('\n'));
  broken('rewritten entry', /audit: BROKEN.*链头签名不符/);
  restore();

  // a cut tail: the ledger's last entry removed, its head and the balances set back
  const last = sqliteRows(dbFile, `SELECT * FROM ledger WHERE village_id = ${village} ORDER BY seq DESC LIMIT 2`);
  sqliteRun(dbFile, `BEGIN; DELETE FROM ledger WHERE id = ${last[0].id};
    UPDATE ledger_heads SET seq = ${last[1].seq}, hash = ${q(last[1].hash)} WHERE village_id = ${village};
    UPDATE balances SET spendable = spendable - ${last[0].spendable}, honour = honour - ${last[0].honour} WHERE household_id = ${last[0].household_id};
    COMMIT;`);
  broken('cut tail', /ledger: BROKEN.*(链头签名不符|链外记录)/);
  restore();

  // a unit with history but no head
  sqliteRun(dbFile, `DELETE FROM audit_heads WHERE unit_id = ${village}`);
  broken('head deleted', /没有链头/);
  restore();

  // a whole chain deleted with its head: only the record outside the database knows
  sqliteRun(dbFile, `BEGIN; DELETE FROM ledger WHERE village_id = ${village}; DELETE FROM ledger_heads WHERE village_id = ${village};
    DELETE FROM balances; COMMIT;`);
  broken('chain and head deleted', /ledger: BROKEN.*链外记录/);
  restore();

  // a line of the record edited: its signature no longer holds
  const recFile = path.join(s.data, 'chain-heads.log');
  const text = fs.readFileSync(recFile, 'utf8');
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('v1\t'));
  const f = lines[i].split('\t');
  f[4] = String(Number(f[4]) + 1);
  lines[i] = f.join('\t');
  fs.writeFileSync(recFile, lines.join('\n'));
  broken('record edited', /链外记录/);
  fs.writeFileSync(recFile, text);
  assert.equal(s.cli(['verify']).code, 0);

  await s.start();
});

test('the chains stay sealed across a restart and new writes', async () => {
  cadre = await s.as('cadre');
  const brave = await rule('见义勇为');
  json(await s.api('POST', '/api/v1/awards', {
    token: cadre, body: { rule_id: brave.id, household_ids: [villagerHh], occurred_on: await today(), note: '重启后加分' },
  }), 201);
  await pastPublicity();
  const t = s.cli(['tick']);
  assert.equal(t.code, 0, t.stderr);
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(PHONES.cadre);
});
