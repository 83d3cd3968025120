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
  for (const [k, v] of [...Object.entries(L.auditTypes), ...Object.entries(L.auditActions), ...Object.entries(L.auditFields), ...Object.entries(L.auditValues)])
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
