// Roster import: a 10,000-row file with three bad rows is refused with exactly those
// three errors and nothing imported; the corrected file imports; importing it again
// changes nothing; XLSX works like CSV; a kill -9 in the middle of an import leaves the
// database consistent.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, badCheckDigit, makeIdcard } = require('./lib');
const { COLUMNS, makeRoster, toCsv, toXlsx } = require('./roster');

const V = 3;
let s;
let cadre;
let groupNames;

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text.slice(0, 2000)}`);
  return r.json;
}

function importFile(body, { village = V, token = cadre, type = 'text/csv', query = '' } = {}) {
  return s.api('POST', `/api/v1/imports/households?village_id=${village}${query}`, { token, raw: body, headers: { 'content-type': type } });
}

async function householdCount(unit = V) {
  return (await must(await s.api('GET', `/api/v1/households?unit_id=${unit}&limit=1`, { token: cadre }), 200)).total;
}

// The records an import writes, counted by their kinds: the server's own jobs (the 公示
// crediting, reminders) audit other kinds on the same chain at any moment.
const IMPORT_KINDS = ['household', 'resident', 'household_tags', 'resident_tags'];
async function auditTotal(unit = V) {
  let n = 0;
  for (const k of IMPORT_KINDS)
    n += (await must(await s.api('GET', `/api/v1/audit?unit_id=${unit}&object_type=${k}&limit=1`, { token: cadre }), 200)).total;
  return n;
}

before(async () => {
  s = await startServer();
  cadre = await s.as('cadre');
  const units = await must(await s.api('GET', `/api/v1/units?parent_id=${V}`, { token: cadre }), 200);
  groupNames = units.items.filter((u) => u.kind === 'group').map((u) => u.name);
  assert.ok(groupNames.includes('第一组'), groupNames.join());
});
after(async () => { if (s) await s.close(); });


test('the template downloads as CSV and XLSX', async (t) => {
  const csv = await s.api('GET', '/api/v1/imports/households/template?format=csv', { token: cadre });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition') || '', /attachment/);
  const text = csv.text.replace(/^\ufeff/, '');
  assert.equal(text.split(/\r?\n/)[0], COLUMNS.join(','));
  const xlsx = await s.api('GET', '/api/v1/imports/households/template', { token: cadre });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assert.equal(xlsx.body.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const bad = await s.api('GET', '/api/v1/imports/households/template?format=pdf', { token: cadre });
  assert.equal(bad.status, 400);
  // the template's example rows are refused if left in, from either format
  for (const [file, type] of [[csv.body, 'text/csv'], [xlsx.body, 'application/octet-stream']]) {
    const r = await importFile(file, { type });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.json.error.rows.map((e) => e.row), [2, 3]);
  }
});

let rows;        // the 10,000-row roster
let baseHouseholds;

test('10,000 rows with three bad rows: exactly those three errors, nothing imported', async (t) => {
  rows = makeRoster({ households: 2500, perHousehold: 4, groups: groupNames, prefix: 'Q', seed: 7 });
  assert.equal(rows.length, 10000);
  assert.equal(new Set(rows.map((r) => r.身份证号)).size, 10000);
  baseHouseholds = await householdCount();
  const auditBefore = await auditTotal();

  const bad = rows.map((r) => ({ ...r }));
  // data index i is spreadsheet row i + 2 (the header is row 1); none is a head, so no
  // household loses its head because of them
  const b1 = 101, b2 = 5002, b3 = 9998;
  assert.notEqual(bad[b1].与户主关系, '户主');
  assert.notEqual(bad[b2].与户主关系, '户主');
  assert.notEqual(bad[b3].与户主关系, '户主');
  bad[b1].身份证号 = badCheckDigit(bad[b1].身份证号);
  bad[b2].与户主关系 = '朋友';
  bad[b3].联系电话 = '12345';
  const t0 = Date.now();
  const r = await importFile(toCsv(bad));
  const ms = Date.now() - t0;
  assert.equal(r.status, 400, r.text.slice(0, 500));
  assert.equal(r.json.error.code, 'invalid');
  assert.match(r.json.error.message, /3/);
  assert.equal(r.json.error.errors_total, 3);
  assert.deepEqual(r.json.error.rows.map((e) => [e.row, e.column]), [
    [b1 + 2, '身份证号'],
    [b2 + 2, '与户主关系'],
    [b3 + 2, '联系电话'],
  ]);
  for (const e of r.json.error.rows) assert.match(e.message, /[\u4e00-\u9fff]/);
  assert.equal(await householdCount(), baseHouseholds, 'nothing imported');
  assert.equal(await auditTotal(), auditBefore, 'nothing audited');
  t.diagnostic(`checking 10,000 rows took ${ms} ms`);
});

let importMs = 0;

test('the corrected file imports', async (t) => {
  const auditBefore = await auditTotal();
  // a dry run first: the counts, nothing written
  const dry = await must(await importFile(toCsv(rows), { query: '&dry_run=1' }), 200);
  assert.equal(dry.dry_run, true);
  assert.equal(dry.imported, false);
  assert.equal(dry.households_created, 2500);
  assert.equal(await householdCount(), baseHouseholds);

  const t0 = Date.now();
  const r = await must(await importFile(toCsv(rows)), 200);
  importMs = Date.now() - t0;
  t.diagnostic(`importing 10,000 rows took ${importMs} ms`);
  assert.equal(r.imported, true);
  assert.equal(r.rows, 10000);
  assert.equal(r.households_created, 2500);
  assert.equal(r.residents_created, 10000);
  assert.equal(r.households_updated, 0);
  assert.equal(r.residents_updated, 0);
  assert.equal(r.unchanged, 0);
  assert.equal(await householdCount(), baseHouseholds + 2500);
  assert.equal(await auditTotal(), auditBefore + 12500, 'one audit entry per household and resident');

  // a sample household, as the file said
  const first = rows.filter((x) => x.户号 === 'Q00007');
  const found = await must(await s.api('GET', '/api/v1/households?q=Q00007', { token: cadre }), 200);
  assert.equal(found.total, 1);
  const h = await must(await s.api('GET', `/api/v1/households/${found.items[0].id}`, { token: cadre }), 200);
  assert.equal(h.address, first[0].住址);
  assert.equal(h.group_name, first[0].村民小组);
  assert.equal(h.head_name, first[0].姓名);
  // replies carry the masked number; the full one is revealed one resident at a time
  const full = new Map();
  for (const m of h.members) full.set(m.id, (await must(await s.api('GET', `/api/v1/residents/${m.id}/idcard`, { token: cadre }), 200)).idcard);
  assert.deepEqual([...full.values()].sort(), first.map((x) => x.身份证号).sort());
  for (const m of h.members) {
    const src = first.find((x) => x.身份证号 === full.get(m.id));
    assert.equal(m.name, src.姓名);
    assert.equal(m.relation, src.与户主关系);
    assert.equal(m.phone, src.联系电话);
    assert.equal(m.party_member, src.政治面貌 === '中共党员' ? 1 : 0);
  }
  // findable by exact ID number
  const byId = await must(await s.api('GET', `/api/v1/households?q=${rows[9999].身份证号}`, { token: cadre }), 200);
  assert.equal(byId.items[0].number, rows[9999].户号);
  const v = await must(await s.api('GET', '/api/v1/audit/verify', { token: await s.as('county_admin') }), 200); // the county's administrator verifies
  assert.equal(v.ok, true);
});

test('importing the same file again changes nothing', async (t) => {
  const auditBefore = await auditTotal();
  const r = await must(await importFile(toCsv(rows)), 200);
  assert.equal(r.rows, 10000);
  assert.equal(r.households_created, 0);
  assert.equal(r.households_updated, 0);
  assert.equal(r.residents_created, 0);
  assert.equal(r.residents_updated, 0);
  assert.equal(r.unchanged, 10000);
  assert.equal(await householdCount(), baseHouseholds + 2500);
  assert.equal(await auditTotal(), auditBefore, 'audit total unchanged');
  // the same data as XLSX changes nothing either
  const x = await must(await importFile(toXlsx(rows.slice(0, 400)), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 200);
  assert.equal(x.unchanged, 400);
  assert.equal(await auditTotal(), auditBefore);
});

test('a changed file updates only what changed (XLSX)', async (t) => {
  const small = makeRoster({ households: 3, perHousehold: 3, groups: groupNames, prefix: 'X', region: '510782', seed: 3 });
  const created = await must(await importFile(toXlsx(small), { type: 'application/octet-stream' }), 200);
  assert.equal(created.households_created, 3);
  assert.equal(created.residents_created, 9);
  const auditBefore = await auditTotal();
  const changed = small.map((r) => ({ ...r }));
  changed[1].联系电话 = '13600001111';
  changed[3].住址 = '青山村新村 1 号';
  const r = await must(await importFile(toXlsx(changed), { type: 'application/octet-stream' }), 200);
  assert.equal(r.households_created, 0);
  assert.equal(r.residents_created, 0);
  assert.equal(r.households_updated, 1);
  assert.equal(r.residents_updated, 1);
  assert.equal(r.unchanged, 8);
  assert.equal(await auditTotal(), auditBefore + 2);
  const h = await must(await s.api('GET', '/api/v1/households?q=X00002', { token: cadre }), 200);
  assert.equal(h.items[0].address, '青山村新村 1 号');
  // a new member joins an existing household
  const plus = [...changed, { ...changed[2], 姓名: '王小宝', 身份证号: makeIdcard('20190101', 7, '510782'), 与户主关系: '孙子', 性别: '', 出生日期: '', 联系电话: '' }];
  const p = await must(await importFile(toCsv(plus)), 200);
  assert.equal(p.residents_created, 1);
  assert.equal(p.unchanged, 9);
});

test('the 标签 column: tags by name given to the household; an unknown name is a row error naming it', async () => {
  const tagged = makeRoster({ households: 2, perHousehold: 2, groups: groupNames, prefix: 'T', region: '510785', seed: 11 });
  const first = tagged[0].户号, second = tagged[2].户号;
  assert.notEqual(first, second);
  tagged[0].标签 = '独居老人、低保户';
  tagged[2].标签 = '留守儿童，没有这个标签';
  const bad = await importFile(toCsv(tagged));
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(bad.json.error.rows.map((e) => [e.row, e.column]), [[4, '标签']]);
  assert.match(bad.json.error.rows[0].message, /没有这个标签/);
  // a dry run names the same rows
  const badDry = await importFile(toCsv(tagged), { query: '&dry_run=1' });
  assert.equal(badDry.status, 400, badDry.text);
  assert.deepEqual(badDry.json.error.rows, bad.json.error.rows);
  tagged[2].标签 = '留守儿童';
  // the same household's rows must agree (or be blank)
  tagged[3].标签 = '志愿者';
  const differ = await importFile(toCsv(tagged));
  assert.equal(differ.status, 400, differ.text);
  assert.deepEqual(differ.json.error.rows.map((e) => [e.row, e.column]), [[5, '标签']]);
  const differDry = await importFile(toCsv(tagged), { query: '&dry_run=1' });
  assert.deepEqual(differDry.json.error.rows, differ.json.error.rows);
  tagged[3].标签 = '';
  // the dry run counts the tags the import gives: two and one, none written yet
  const dry = await must(await importFile(toCsv(tagged), { query: '&dry_run=1' }), 200);
  assert.equal(dry.tags_set, 3);
  assert.equal(dry.households_created, 2);
  const auditsBefore = await auditTotal();
  const real = await must(await importFile(toCsv(tagged)), 200);
  assert.equal(real.tags_set, dry.tags_set);
  assert.equal(await auditTotal(), auditsBefore + 2 + 4 + 2, 'the households, the residents, and one record per tagged household');
  const map = await must(await s.api('GET', `/api/v1/villages/${V}/tagged-households`, { token: cadre }), 200);
  const tags = await must(await s.api('GET', '/api/v1/tags', { token: cadre }), 200);
  const names = (h) => h.tag_ids.map((id) => tags.items.find((x) => x.id === id).name).sort();
  assert.deepEqual(names(map.households.find((h) => h.number === first)), ['低保户', '独居老人'].sort());
  assert.deepEqual(names(map.households.find((h) => h.number === second)), ['留守儿童']);
  const hh = map.households.find((h) => h.number === first);
  const hist = await must(await s.api('GET', `/api/v1/households/${hh.id}/tags`, { token: cadre }), 200);
  assert.equal(hist.history.filter((x) => x.action === 'set').length, 2);
  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&object_type=household_tags`, { token: cadre }), 200);
  assert.ok(audit.items.some((e) => e.object_id === hh.id), 'the tags the import gave are audited');
  // importing again adds nothing, and a dry run says so; a name given twice counts once
  assert.equal((await must(await importFile(toCsv(tagged), { query: '&dry_run=1' }), 200)).tags_set, 0);
  assert.equal((await must(await importFile(toCsv(tagged)), 200)).tags_set, 0);
  tagged[0].标签 = '独居老人、低保户、空巢老人、空巢老人';
  assert.equal((await must(await importFile(toCsv(tagged), { query: '&dry_run=1' }), 200)).tags_set, 1);
  tagged[0].标签 = '独居老人、低保户';
  const again = await must(await s.api('GET', `/api/v1/households/${hh.id}/tags`, { token: cadre }), 200);
  assert.equal(again.history.length, hist.history.length);
});

test("the 个人标签 column: a resident's own tags about a person; a household's tag or an unknown name is that row's error", async () => {
  const rows = makeRoster({ households: 2, perHousehold: 2, groups: groupNames, prefix: 'P', region: '510786', seed: 13 });
  rows[0].个人标签 = '退役军人';
  rows[1].个人标签 = '党员户';
  rows[3].个人标签 = '独居老人，没有的标签';
  const households = await householdCount();
  const bad = await importFile(toCsv(rows));
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(bad.json.error.rows.map((e) => [e.row, e.column]), [[3, '个人标签'], [5, '个人标签']]);
  assert.match(bad.json.error.rows[0].message, /党员户.*户的标签.*个人标签/);
  assert.match(bad.json.error.rows[1].message, /没有的标签/);
  const badDry = await importFile(toCsv(rows), { query: '&dry_run=1' });
  assert.equal(badDry.status, 400, badDry.text);
  assert.deepEqual(badDry.json.error.rows, bad.json.error.rows);
  assert.equal(await householdCount(), households, 'nothing imported');
  // corrected: two people tagged, one with two tags (one named twice); the dry run counts as the import does
  rows[1].个人标签 = '残疾人户、留守儿童、残疾人户';
  rows[3].个人标签 = '独居老人';
  const dry = await must(await importFile(toCsv(rows), { query: '&dry_run=1' }), 200);
  assert.equal(dry.resident_tags_set, 4);
  assert.equal(dry.tags_set, 0);
  const audits = await auditTotal();
  const real = await must(await importFile(toCsv(rows)), 200);
  assert.equal(real.resident_tags_set, dry.resident_tags_set);
  assert.equal(await auditTotal(), audits + 2 + 4 + 3, 'the households, the residents, and one record per tagged resident');
  // on the household card: each person's own tags, set by the importer, with the history
  const map = await must(await s.api('GET', `/api/v1/villages/${V}/tagged-households`, { token: cadre }), 200);
  const hh = map.households.find((h) => h.number === rows[0].户号);
  const card = await must(await s.api('GET', `/api/v1/households/${hh.id}/tags`, { token: cadre }), 200);
  assert.deepEqual(card.tags, [], "the household's own tags are not touched");
  const byName = (n) => card.residents.find((r) => r.name === n);
  assert.deepEqual(byName(rows[0].姓名).tags.map((t) => t.name), ['退役军人']);
  assert.deepEqual(byName(rows[1].姓名).tags.map((t) => t.name).sort(), ['残疾人户', '留守儿童'].sort());
  assert.ok(byName(rows[1].姓名).history.every((x) => x.action === 'set' && x.actor_name));
  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${V}&object_type=resident_tags`, { token: cadre }), 200);
  assert.ok(audit.items.some((e) => e.object_id === byName(rows[1].姓名).id));
  // importing again gives nothing, and a dry run says so; a tag added later counts one
  assert.equal((await must(await importFile(toCsv(rows), { query: '&dry_run=1' }), 200)).resident_tags_set, 0);
  assert.equal((await must(await importFile(toCsv(rows)), 200)).resident_tags_set, 0);
  rows[0].个人标签 = '退役军人、志愿者';
  assert.equal((await must(await importFile(toCsv(rows), { query: '&dry_run=1' }), 200)).resident_tags_set, 1);
  // the same in XLSX
  assert.equal((await must(await importFile(toXlsx(rows), { type: 'application/octet-stream' }), 200)).resident_tags_set, 1);
  const again = await must(await s.api('GET', `/api/v1/households/${hh.id}/tags`, { token: cadre }), 200);
  assert.deepEqual(again.residents.find((r) => r.name === rows[0].姓名).tags.map((t) => t.name).sort(), ['志愿者', '退役军人'].sort());
});

test('bad requests: village, access, empty and unreadable files', async (t) => {
  const file = toCsv(makeRoster({ households: 1, perHousehold: 2, groups: groupNames, prefix: 'Z', region: '510783' }));
  const none = await s.api('POST', '/api/v1/imports/households', { token: cadre, raw: file });
  assert.equal(none.status, 400);
  assert.ok(none.json.error.fields.village_id);
  const unknown = await importFile(file, { village: 999999 });
  assert.equal(unknown.status, 400);
  assert.ok(unknown.json.error.fields.village_id);
  const group = await importFile(file, { village: 4 });
  assert.equal(group.status, 400, 'a group is not a village');
  for (const role of ['inspector', 'grid_worker', 'town_official', 'villager']) {
    const r = await importFile(file, { token: await s.as(role) });
    assert.equal(r.status, 403, `${role}: ${r.text}`);
  }
  assert.equal((await importFile(file, { token: '' })).status, 401);
  const empty = await importFile(Buffer.alloc(0));
  assert.equal(empty.status, 400);
  const junk = await importFile(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x80, 0x81]));
  assert.equal(junk.status, 400);
  const brokenZip = await importFile(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]));
  assert.equal(brokenZip.status, 400);
  const headerOnly = await importFile(Buffer.from(COLUMNS.join(',') + '\r\n'));
  assert.equal(headerOnly.status, 400);
  const missingCol = await importFile(Buffer.from('户号,姓名\r\n1,张三\r\n'));
  assert.equal(missingCol.status, 400);
  assert.ok(missingCol.json.error.rows.some((e) => e.row === 1 && e.column === '身份证号'));
  assert.equal(await householdCount(), baseHouseholds + 2500 + 3 + 2 + 2, 'with the two of the 标签 test and the two of the 个人标签 test');
});

test('kill -9 during an import leaves the database consistent', async (t) => {
  const big = makeRoster({ households: 2500, perHousehold: 4, groups: groupNames, prefix: 'K', region: '510784', seed: 11 });
  const file = toCsv(big);
  // kill at several points of the import: early, the middle, late
  const est = Math.max(importMs, 300);
  const delays = [100, Math.round(est * 0.5), Math.round(est * 0.85)];
  let landedCount = 0;
  for (const delay of delays) {
    const beforeCount = await householdCount();
    const req = importFile(file).then((r) => ({ status: r.status }), (e) => ({ error: e }));
    await new Promise((res) => setTimeout(res, delay));
    await s.kill9();
    const outcome = await req;
    const verify = s.cli(['verify']);
    assert.equal(verify.code, 0, `verify after kill at ${delay} ms: ${verify.stdout}${verify.stderr}`);
    assert.match(verify.stdout, /audit: ok/);
    await s.start();
    s.tokens.clear();
    cadre = await s.as('cadre');
    const count = await householdCount();
    assert.ok(count === beforeCount || count === beforeCount + 2500,
      `after kill at ${delay} ms: ${count} households (before ${beforeCount}); request ${JSON.stringify(outcome.status ?? String(outcome.error))}`);
    if (count !== beforeCount) landedCount++;
    t.diagnostic(`kill at ${delay} ms: ${count === beforeCount ? 'rolled back' : 'committed'}`);
    const v = await must(await s.api('GET', '/api/v1/audit/verify', { token: await s.as('county_admin') }), 200); // the county's administrator verifies
    assert.equal(v.ok, true);
    if (count !== beforeCount) break; // it committed before the kill: nothing more to interrupt
  }
  // the file imports (or is found unchanged) after the crashes
  const r = await must(await importFile(file), 200);
  if (landedCount) assert.equal(r.unchanged, 10000);
  else assert.equal(r.households_created, 2500);
  const verify = s.cli(['verify']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});
