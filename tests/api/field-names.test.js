// A field error names its field in Chinese even where a form does not show it at the
// field: a wrong type ("农户应为整数", not "应为整数"), a number out of range, a bad
// query parameter. Every body field and query parameter the handlers check by name has
// a name in src/http/field_names.c (read from the C sources), and the server says it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./lib');

const ROOT = path.resolve(__dirname, '../..');
const CJK = /^[\u3400-\u9fff（）%]+$/;

function walk(dir, out = []) {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.c')) out.push(p);
  }
  return out;
}

function table() {
  const text = fs.readFileSync(path.join(ROOT, 'src/http/field_names.c'), 'utf8');
  return [...text.matchAll(/\{"([a-z0-9_]+)", "([^"]+)"\}/g)].map((m) => [m[1], m[2]]);
}

test('every field and query parameter checked by name has a Chinese name, in byte order', () => {
  const checked = new Set();
  for (const f of [...walk(path.join(ROOT, 'src/http')), ...walk(path.join(ROOT, 'src/domain'))]) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\{"([a-z_0-9]+)", J_(?:INT|STRING|BOOL|NUMBER|OBJECT)\b/g)) checked.add(m[1]);
    for (const m of text.matchAll(/req_query_int\(r, "([a-z_0-9]+)"/g)) checked.add(m[1]);
  }
  assert.ok(checked.size > 150, `only ${checked.size} names found`);
  const rows = table();
  const names = new Map(rows);
  assert.deepEqual([...checked].filter((n) => !names.has(n)).sort(), [], 'checked names without a Chinese name in src/http/field_names.c');
  const keys = rows.map((r) => r[0]);
  assert.deepEqual(keys, [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), 'the table is searched by halves: keep it sorted');
  assert.equal(new Set(keys).size, keys.length, 'a name twice');
  for (const [k, v] of rows) assert.match(v, CJK, `${k} → ${v}`);
});

let s;
before(async () => {
  s = await startServer();
});
after(async () => {
  if (s) await s.close();
});

test('the server names the field of a wrong type, an out-of-range number and a bad query parameter', async () => {
  const cadre = await s.as('cadre');
  const me = (await s.api('GET', '/api/v1/session', { token: cadre })).json;
  const village = me.grants.find((g) => g.role === 'cadre').unit_id;
  // a body: every field error at once, each with its field's name
  let r = await s.api('POST', '/api/v1/events', {
    token: cadre,
    body: { village_id: village, category_id: 'x', household_id: '12', anonymous: 'no', description: '路灯坏了' },
  });
  assert.equal(r.status, 400, r.text);
  const f = r.json.error.fields;
  assert.equal(f.household_id, '农户应为整数');
  assert.equal(f.category_id, '类别应为整数');
  assert.equal(f.anonymous, '匿名应为是或否');
  // a number out of its range
  r = await s.api('POST', '/api/v1/events', { token: cadre, body: { village_id: village, household_id: 0, description: '路灯坏了' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.household_id, /^农户应在 1 到 \d+ 之间$/);
  // a query parameter
  r = await s.api('GET', `/api/v1/audit?unit_id=${village}&object_id=abc`, { token: cadre });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.object_id, /^对象编号应为 0 到 \d+ 之间的整数$/);
});
