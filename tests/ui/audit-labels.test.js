// Every object type and action the server writes to the audit log has a Chinese name
// in ui/src/shared/auditLabels.ts, and so has every snapshot field written by name
// (audit_snap_str / audit_snap_int with a literal key). The server's strings are read
// from the C sources (audit_actions.js); no browser.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { collect, calls, stripComments } = require('./audit_actions');

const ROOT = path.resolve(__dirname, '../..');
const esbuild = require(path.join(ROOT, 'ui/node_modules/esbuild'));

function labels() {
  const out = esbuild.buildSync({
    entryPoints: [path.join(ROOT, 'ui/src/shared/auditLabels.ts')],
    bundle: true, format: 'cjs', platform: 'neutral', write: false, logLevel: 'silent',
  });
  const module = { exports: {} };
  vm.runInNewContext(out.outputFiles[0].text, { module, exports: module.exports });
  return module.exports;
}

const CJK = /[\u3400-\u9fff]/;

test('every audit object type and action the server writes has a Chinese name', () => {
  const found = collect();
  assert.deepEqual(found.unresolved, [], 'audit calls whose type or action could not be read');
  assert.ok(found.types.length > 40 && found.actions.length > 40, `too few found: ${found.types.length} types, ${found.actions.length} actions`);
  const L = labels();
  const missingTypes = found.types.filter((t) => !L.auditTypes[t]);
  const missingActions = found.actions.filter((a) => !L.auditActions[a]);
  assert.deepEqual(missingTypes, [], 'object types without a name in ui/src/shared/auditLabels.ts');
  assert.deepEqual(missingActions, [], 'actions without a name in ui/src/shared/auditLabels.ts');
  const fieldValues = Object.values(L.auditFieldValues).flatMap((m) => Object.entries(m));
  for (const [k, v] of [...Object.entries(L.auditTypes), ...Object.entries(L.auditActions), ...Object.entries(L.auditFields), ...Object.entries(L.auditValues), ...fieldValues])
    assert.match(v, CJK, `${k} → ${v} is not Chinese`);
});

function walk(dir, out = []) {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.c')) out.push(p);
  }
  return out;
}

test('every snapshot field the server writes by name has a Chinese name', () => {
  const keys = new Set();
  for (const f of walk(path.join(ROOT, 'src/domain')))
  {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/audit_snap_(?:str|int)\([^,]+,\s*"([a-z][a-z0-9_]*)"/g)) keys.add(m[1]);
    // the keys handed to the helpers that write a snapshot of one or two fields
    const helpers = [['pt_audit', [5, 7]], ['audit', [4, 6]]];
    for (const [fn, at] of helpers)
      for (const args of calls(stripComments(text), fn))
        for (const k of at) if (/^"[a-z][a-z0-9_]*"$/.test(args[k] || '')) keys.add(args[k].slice(1, -1));
  }
  assert.ok(keys.size > 100, `only ${keys.size} snapshot fields found`);
  const L = labels();
  assert.deepEqual([...keys].filter((k) => !L.auditFields[k]).sort(), [], 'snapshot fields without a name');
});

test('every coded value of the schema (CHECK … IN) has a Chinese name for the audit log', () => {
  const vals = new Set();
  const dir = path.join(ROOT, 'src/db/migrations');
  for (const f of fs.readdirSync(dir))
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/CHECK\s*\(\s*\w+\s+IN\s*\(([^)]*)\)/g))
      for (const v of m[1].matchAll(/'([a-z_]+)'/g)) vals.add(v[1]);
  assert.ok(vals.size > 50, `${vals.size} values`);
  const L = labels();
  assert.deepEqual([...vals].filter((v) => !L.auditValues[v]).sort(), [], 'values without a name');
});

test('a change is listed field by field with the fields\' names', () => {
  const L = labels();
  const changes = L.auditChanges({ status: 'pending', points: 5, note: 'x' }, '{"status":"approved","points":5,"reason":"材料齐全"}');
  assert.deepEqual(JSON.parse(JSON.stringify(changes.map((c) => [c.label, c.before, c.after]))), [
    ['状态', '待处理', '已通过'], ['备注', 'x', null], ['原因', null, '材料齐全'],
  ]);
});

test("a value is named by its field first: an emergency's fire is 火灾, a map place's fire is 森林防火点", () => {
  const L = labels();
  const row = (before, after) => JSON.parse(JSON.stringify(L.auditChanges(before, after).map((c) => [c.label, c.before, c.after])));
  assert.deepEqual(row({}, { emergency_type: 'fire', alerted: 3 }), [['应急类型', null, '火灾'], ['警报人数', null, '3']]);
  assert.deepEqual(row({}, { emergency_type: 'flood' }), [['应急类型', null, '汛情']]);
  assert.deepEqual(row({}, { kind: 'fire', name: '后山林区' }), [['类型', null, '森林防火点'], ['名称', null, '后山林区']]);
  assert.deepEqual(row({}, { kind: 'flood' }), [['类型', null, '山洪灾害点']]);
  assert.deepEqual(row({ dispute_type: 'family' }, { dispute_type: 'other' }), [['纠纷类型', '婚恋家庭', '其他纠纷']]);
  // nested and listed values keep their field
  assert.equal(L.auditChanges({}, { detail: { emergency_type: 'missing' } })[0].after, '应急类型：人员走失');
  // a field without names of its own falls back to the shared ones
  assert.deepEqual(row({ state: 'pending' }, { state: 'accepted' }), [['状态', L.auditValues.pending, '已受理']]);
  assert.equal(L.auditValueLabel('emergency_type', 'accident'), '事故');
  assert.equal(L.auditValueLabel('unknown_field', 'fire'), L.auditValues.fire);
});

test('a value is named as its record means it: a pending event is 待受理, a pending claim 待审核, a pending account 待激活', () => {
  const L = labels();
  const row = (type, before, after) => JSON.parse(JSON.stringify(L.auditChanges(before, after, type).map((c) => [c.label, c.before, c.after])));
  assert.deepEqual(row('event', {}, { state: 'pending' }), [['状态', null, '待受理']]);
  assert.deepEqual(row('event', { state: 'pending' }, { state: 'accepted' }), [['状态', '待受理', '已受理']]);
  assert.deepEqual(row('claim', { status: 'pending' }, { status: 'approved' }), [['状态', '待审核', L.auditValues.approved]]);
  assert.deepEqual(row('finance_entry', { status: 'pending' }, { status: 'rejected' }), [['状态', '待审核', '已退回']]);
  assert.deepEqual(row('user', {}, { status: 'pending' }), [['状态', null, '待激活']]);
  // the type's names are for its own field only: an event's status and a claim's state
  // fall back to the shared names, as does a record without names of its own
  assert.deepEqual(row('event', {}, { status: 'pending' }), [['状态', null, L.auditValues.pending]]);
  assert.deepEqual(row('notice', {}, { status: 'pending' }), [['状态', null, L.auditValues.pending]]);
  assert.equal(L.auditValueLabel('state', 'pending', 'event'), '待受理');
  assert.equal(L.auditValueLabel('state', 'pending'), L.auditValues.pending);
  // every type named is a type the log knows, every name Chinese
  for (const [type, fields] of Object.entries(L.auditTypeValues)) {
    assert.ok(L.auditTypes[type], `${type} is not an audit object type`);
    for (const vals of Object.values(fields)) for (const [k, v] of Object.entries(vals)) assert.match(v, CJK, `${type} ${k} → ${v}`);
  }
});

test('a moment written as Unix seconds is shown as a Beijing time, other numbers as they are', () => {
  const L = labels();
  const row = (before, after) => JSON.parse(JSON.stringify(L.auditChanges(before, after).map((c) => [c.key, c.before, c.after])));
  assert.deepEqual(row({}, { starts_at: 1796000400, points: 1796000400 }), [['starts_at', null, '2026-11-30 09:00'], ['points', null, '1796000400']]);
  assert.deepEqual(row({ expires_at: 1796000400 }, { expires_at: 1796004000 }), [['expires_at', '2026-11-30 09:00', '2026-11-30 10:00']]);
  // a count in a field named so, and a text, are not times
  assert.deepEqual(row({}, { ends_at: 5 }), [['ends_at', null, '5']]);
});
