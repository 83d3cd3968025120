// Roster import in the console: a file with errors is refused and its errors are
// listed by row and column; the corrected file passes the check (dry run) and
// imports; the new households can be found.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

let s;
let browser;

before(async () => {
  s = await L.startServer();
  browser = await L.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) await s.close();
});

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idcard(birth, seq) {
  const s17 = '510781' + birth.replace(/-/g, '') + String(seq).padStart(3, '0');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s17[i]) * WEIGHTS[i];
  return s17 + '10X98765432'[sum % 11];
}

const HEADER = '户号,村民小组,住址,姓名,性别,出生日期,身份证号,与户主关系,联系电话,政治面貌';

function roster({ broken }) {
  const rows = [
    ['U0001', '第一组', '青山村第一组 101 号', '周建国', '男', '1968-03-02', idcard('1968-03-02', 11), '户主', '13512340001', '中共党员'],
    ['U0001', '第一组', '', '吴秀英', '女', '1970-07-15', idcard('1970-07-15', 12), '配偶', '', '群众'],
    ['U0001', '第一组', '', '周浩然', '男', '1995-01-20', idcard('1995-01-20', 13), '子', '13512340003', ''],
    ['U0002', '第二组', '青山村第二组 102 号', '郑桂兰', '女', '1955-11-30', idcard('1955-11-30', 14), '户主', '13512340004', '群众'],
    ['U0002', '第二组', '', '王志强', '男', '1982-05-05', idcard('1982-05-05', 15), '子', '', ''],
  ];
  if (broken) {
    const id = rows[1][6];
    rows[1][6] = id.slice(0, 17) + (id[17] === '1' ? '2' : '1'); // a wrong check digit (row 3)
    rows[4][7] = '堂弟'; // not a relation the register knows (row 6)
  }
  return '\ufeff' + [HEADER, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
}

test('an import with errors shows them by row; the fixed file checks and imports', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const page = await L.newPage(desk);
  await L.adminLogin(page, L.PHONES.cadre);
  await page.goto('/admin/import');
  await page.getByText('导入花名册到 青山村').waitFor();
  const tpl = await page.locator('[data-test=template-xlsx]').getAttribute('href');
  const t = await fetch(s.url + tpl, { headers: { authorization: `Bearer ${await s.as('cadre')}` } });
  assert.equal(t.status, 200, 'the template downloads');
  await L.shot(page, 'admin-import');
  await L.axe(page, 'admin import');

  // the broken file: nothing imported, the errors by row and column
  await page.locator('[data-test=import-file]').setInputFiles({ name: '青山村花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(roster({ broken: true })) });
  await page.locator('[data-test=import-submit]').click();
  const table = page.locator('[data-test=import-rows]');
  await table.waitFor();
  const cells = await table.locator('.el-table__body tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
  assert.deepEqual(cells.map((c) => [c[0], c[1]]), [['3', '身份证号'], ['6', '与户主关系']]);
  for (const c of cells) assert.match(c[2], /[\u4e00-\u9fff]/);
  await page.locator('[data-test=import-error]').waitFor();
  await L.shot(page, 'admin-import-errors');
  await L.axe(page, 'import errors');
  const none = await s.must('GET', '/api/v1/households?unit_id=3&q=U0001', { token: await s.as('cadre') });
  assert.equal(none.total, 0, 'nothing imported');

  // the fixed file: first checked (dry run), then imported
  await page.locator('[data-test=import-file]').setInputFiles({ name: '青山村花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(roster({ broken: false })) });
  await page.locator('[data-test=dry-run]').click();
  await page.locator('[data-test=import-submit]').click();
  const result = page.locator('[data-test=import-result]');
  await result.getByText('检查通过').waitFor();
  assert.match(await result.innerText(), /新建 2 户/);
  assert.equal((await s.must('GET', '/api/v1/households?unit_id=3&q=U0001', { token: await s.as('cadre') })).total, 0);
  await page.locator('[data-test=dry-run]').click();
  await page.locator('[data-test=import-submit]').click();
  await result.getByText('导入完成').waitFor();
  assert.match(await result.innerText(), /共 5 行：新建 2 户/);
  await L.shot(page, 'admin-import-done');

  // the households are in the register
  await page.goto('/admin/households');
  await page.locator('input[data-test=household-search]').fill('U000');
  await page.keyboard.press('Enter');
  await page.locator('[data-test=households-table] .el-table__row', { hasText: 'U0002' }).waitFor();
  await L.expectCount(page.locator('[data-test=households-table] .el-table__row'), 2);
  await L.shot(page, 'admin-households-imported');
  L.assertNoProblems(desk);
  await desk.close();
});
