// The member roster import 党员名册导入: the template (XLSX) is read back as it is; a dry
// run reports every row's errors with row and column in Chinese and changes nothing; a
// clean file is checked, then imported in one go; the same file again is refused (the
// members are there already); only the branch's secretary imports.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s, secretary, townOrg, villager, village, branch;
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const upload = (q, token, raw) => s.api('POST', `/api/v1/party/member-import?${q}`, { token, raw, headers: { 'content-type': 'application/octet-stream' } });
const csv = (rows) => Buffer.from(['姓名,性别,出生日期,学历,类别,入党日期,转正日期,党小组,手机号,流动党员,外出去向', ...rows].join('\r\n') + '\r\n');

before(async () => {
  s = await startServer();
  secretary = await s.as('cadre');
  townOrg = await s.as('town_official');
  villager = await s.as('villager');
  const me = must(await s.api('GET', '/api/v1/session', { token: secretary }), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  branch = must(await s.api('GET', `/api/v1/party/branches?unit=${village}`, { token: secretary }), 200).items[0].id;
});
after(async () => { if (s) await s.close(); });

const total = async () => must(await s.api('GET', `/api/v1/party/members?unit=${village}&limit=1`, { token: secretary }), 200).total;

test('the template is an XLSX file that checks clean', async () => {
  const t = await s.api('GET', '/api/v1/party/member-import/template', { token: secretary });
  assert.equal(t.status, 200);
  assert.match(t.headers.get('content-type'), /spreadsheetml/);
  assert.equal(t.body.subarray(0, 2).toString(), 'PK');
  assert.equal((await s.api('GET', '/api/v1/party/member-import/template')).status, 401);
  const before = await total();
  const r = must(await upload(`branch=${branch}&dry_run=1`, secretary, t.body), 200);
  assert.deepEqual({ rows: r.rows, created: r.created, imported: r.imported }, { rows: 2, created: 0, imported: false });
  assert.equal(await total(), before);
});

test('every row error at once, in Chinese, with row and column; nothing imported', async () => {
  const before = await total();
  const bad = must(await upload(`branch=${branch}`, secretary, csv([
    '赵刚,男,1970-02-03,初中,正式党员,1996-07-01,,,,否,',
    ',x,1970-13-40,博士,党员,2099-01-01,,第九党小组,123,也许,',
    '钱敏,女,2010-01-01,本科,预备党员,2026-01-01,,,,是,',
    '赵刚,男,1970-02-03,初中,正式党员,1996-07-01,,,,否,',
  ])), 400);
  const errs = bad.error.rows;
  const at = (row, column) => errs.find((e) => e.row === row && e.column === column);
  for (const c of ['姓名', '性别', '出生日期', '学历', '类别', '入党日期', '党小组', '手机号', '流动党员']) assert.ok(at(3, c), `row 3 ${c}: ${JSON.stringify(errs)}`);
  assert.match(at(3, '性别').message, /男 或 女/);
  assert.ok(at(4, '入党日期') && /十八岁/.test(at(4, '入党日期').message));
  assert.ok(at(4, '转正日期'));
  assert.ok(at(4, '外出去向'));
  assert.match(at(5, '姓名').message, /与第 2 行重复/);
  assert.ok(!errs.some((e) => e.row === 2));
  assert.equal(bad.error.errors_total, errs.length);
  assert.match(bad.error.message, /没有导入/);
  assert.equal(await total(), before);
  // a file without the columns
  const nohead = must(await upload(`branch=${branch}`, secretary, Buffer.from('名字,年龄\r\n张三,30\r\n')), 400);
  assert.ok(nohead.error.rows.some((e) => e.row === 1 && e.column === '出生日期'));
});

test('a clean file: checked, imported in one go, refused the second time; the secretary only', async () => {
  const file = csv([
    '孙立新,男,1975/04/09,高中/中专,正式党员,2001.07.01,,第一党小组,13812345678,否,',
    '周晓燕,女,1999-08-20,本科,预备党员,2026-03-01,2027-03-01,,,是,江苏省苏州市（务工）',
  ]);
  const before = await total();
  must(await upload(`branch=${branch}&dry_run=1`, secretary, file), 200);
  assert.equal(await total(), before);
  assert.equal((await upload(`branch=${branch}`, townOrg, file)).status, 403);
  assert.equal((await upload(`branch=${branch}`, villager, file)).status, 403);
  assert.equal((await upload(`branch=${branch}`, undefined, file)).status, 401);
  assert.equal((await upload('branch=99999999', secretary, file)).status, 404);
  assert.equal(must(await upload('', secretary, file), 400).error.fields.branch.length > 0, true);
  const r = must(await upload(`branch=${branch}`, secretary, file), 200);
  assert.deepEqual({ rows: r.rows, created: r.created, imported: r.imported }, { rows: 2, created: 2, imported: true });
  assert.equal(await total(), before + 2);
  const list = must(await s.api('GET', `/api/v1/party/members?unit=${village}&q=${encodeURIComponent('周晓燕')}`, { token: secretary }), 200);
  const m = list.items[0];
  assert.deepEqual([m.kind, m.full_date, m.mobile, m.mobile_place], ['probationary', '2027-03-01', true, '江苏省苏州市（务工）']);
  const sun = must(await s.api('GET', `/api/v1/party/members?unit=${village}&q=${encodeURIComponent('孙立新')}`, { token: secretary }), 200).items[0];
  assert.deepEqual([sun.birth_date, sun.join_date, sun.group_name], ['1975-04-09', '2001-07-01', '第一党小组']);
  const again = must(await upload(`branch=${branch}`, secretary, file), 400);
  assert.equal(again.error.rows.filter((e) => /已在本支部名册中/.test(e.message)).length, 2);
  assert.equal(await total(), before + 2);
});
