// Learning 学习教育 across both apps: the town official publishes a members' quiz in the
// console at 1366×768 (a single- and a multiple-choice question); the member 李琳 on a
// 360×740 phone opens a course (the page times her study), takes the quiz, sees her
// score with the right answers, and finds both in her record; the secretary reads her
// record in the console. A 趣味学法 quiz for villagers earns her household the rule's
// points, shown with the result.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib');

const TOWN = '13900000002';
const CADRE = '13900000003';
const QUIZ = '村务公开知识小测';
const LAW = '趣味学法：赡养与继承';

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

async function noSideways(page, label) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${label}: no horizontal scrolling (${over} px)`);
}

test('the town publishes a quiz; a member studies a course and takes the quiz on the phone; the secretary sees her record', async () => {
  const desk = await L.newContext(browser, 'desktop', s.url);
  const tp = await L.newPage(desk);
  await L.adminLogin(tp, TOWN);
  await tp.locator('.menu a', { hasText: '学习教育' }).click();
  await tp.waitForURL(/\/admin\/party\/learning$/);
  await tp.locator('[data-test=learn-courses] .el-table__row').first().waitFor();
  await tp.locator('.el-tabs__item', { hasText: '答题' }).click();
  await tp.locator('[data-test=learn-quizzes] .el-table__row').first().waitFor();
  await tp.locator('[data-test=learn-new-quiz]').click();
  const dlg = tp.locator('.el-dialog', { hasText: '发布答题' });
  await dlg.locator('[data-test=quiz-title]').fill(QUIZ);
  await dlg.locator('[data-test=q-body-0]').fill('村民委员会每届任期几年？');
  await dlg.locator('[data-test=q-opt-0-0]').fill('三年');
  await dlg.locator('[data-test=q-opt-0-1]').fill('五年');
  await dlg.locator('[data-test=q-del-0-3]').click();
  await dlg.locator('[data-test=q-del-0-2]').click();
  await dlg.locator('[data-test=q-right-0-1]').click();
  await dlg.locator('[data-test=q-add]').click();
  await dlg.locator('[data-test=q-kind-1] .el-radio-button', { hasText: '多选' }).click();
  await dlg.locator('[data-test=q-body-1]').fill('村务公开的内容包括哪些？');
  await dlg.locator('[data-test=q-opt-1-0]').fill('财务');
  await dlg.locator('[data-test=q-opt-1-1]').fill('党务');
  await dlg.locator('[data-test=q-opt-1-2]').fill('私人账目');
  await dlg.locator('[data-test=q-del-1-3]').click();
  await dlg.locator('[data-test=q-right-1-0]').click();
  await dlg.locator('[data-test=q-right-1-1]').click();
  await L.shot(tp, 'party-learning-admin-new-quiz');
  await dlg.locator('[data-test=quiz-save]').click();
  await tp.locator('[data-test=learn-quizzes] .el-table__row', { hasText: QUIZ }).waitFor();
  await L.shot(tp, 'party-learning-admin-quizzes');
  await noSideways(tp, 'console learning');

  // 李琳 on the phone: 党建 → 学习教育 → a course
  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.locator('[data-test=party-entry]').click();
  await vp.waitForURL(/\/party$/);
  await vp.locator('[data-test=learn-entry]').click();
  await vp.waitForURL(/\/party\/learn$/);
  const course = vp.locator('[data-test=learn-course]').first();
  await course.waitFor();
  await L.shot(vp, 'party-learning-villager-courses');
  await noSideways(vp, 'villager 学习');
  await course.click();
  await vp.waitForURL(/\/party\/learn\/course\/\d+$/);
  await vp.locator('[data-test=course-timer]').waitFor();
  await vp.locator('[data-test=course-timer]', { hasText: /已计时 [1-9]/ }).waitFor();
  await L.shot(vp, 'party-learning-villager-course');
  await noSideways(vp, 'villager course');
  await vp.locator('[data-test=course-done]').click();
  await vp.waitForURL(/\/party\/learn$/);

  // the quiz: one wrong, so the result shows the right answer
  await vp.locator('.van-tab', { hasText: '答题' }).click();
  await vp.locator('[data-test=learn-quiz]', { hasText: QUIZ }).click();
  await vp.waitForURL(/\/party\/learn\/quiz\/\d+$/);
  await vp.locator('[data-test=quiz-question-1]').waitFor();
  await vp.locator('[data-test=quiz-submit]').click();
  await vp.locator('.van-toast', { hasText: '还有题目没有选择' }).waitFor();
  await vp.locator('[data-test=opt-0-1]').click();
  await vp.locator('[data-test=opt-1-0]').click();
  await L.shot(vp, 'party-learning-villager-quiz');
  await noSideways(vp, 'villager quiz');
  await vp.locator('[data-test=quiz-submit]').click();
  const result = vp.locator('[data-test=quiz-result]');
  await result.waitFor();
  await result.filter({ hasText: '50' }).filter({ hasText: '未通过' }).waitFor();
  await vp.locator('.quiz-q--wrong', { hasText: '正确答案：AB' }).waitFor();
  await L.shot(vp, 'party-learning-villager-quiz-result', { fullPage: true });
  await vp.locator('[data-test=quiz-again]').click();
  await vp.locator('[data-test=opt-0-1]').click();
  await vp.locator('[data-test=opt-1-0]').click();
  await vp.locator('[data-test=opt-1-1]').click();
  await vp.locator('[data-test=quiz-submit]').click();
  await vp.locator('[data-test=quiz-result]').filter({ hasText: '100' }).filter({ hasText: '通过' }).waitFor();

  // her record
  await vp.goto('/party/learn');
  await vp.locator('.van-tab', { hasText: '我的学习' }).click();
  await vp.locator('[data-test=my-attempt]', { hasText: QUIZ }).first().waitFor();
  await vp.locator('[data-test=my-study]').waitFor();
  await L.shot(vp, 'party-learning-villager-record', { fullPage: true });
  await noSideways(vp, 'villager record');

  // the secretary reads it in the console
  const sec = await L.newContext(browser, 'desktop', s.url);
  const sp = await L.newPage(sec);
  await L.adminLogin(sp, CADRE);
  await sp.locator('.menu a', { hasText: '学习档案' }).click();
  await sp.waitForURL(/\/admin\/party\/study$/);
  const row = sp.locator('[data-test=study-table] .el-table__row', { hasText: '李琳' });
  await row.waitFor();
  await row.locator('button').click();
  const rec = sp.locator('.el-drawer');
  await rec.locator('[data-test=study-record]').waitFor();
  await rec.locator('.el-table__row', { hasText: QUIZ }).first().waitFor();
  await L.shot(sp, 'party-learning-admin-record');
  await noSideways(sp, 'console study records');

  L.assertNoProblems(desk);
  L.assertNoProblems(phone);
  L.assertNoProblems(sec);
  await desk.close();
  await phone.close();
  await sec.close();
});

test('a villager passes a 趣味学法 quiz on the phone and earns the points', async () => {
  const town = await s.login(TOWN);
  const me = (await s.api('GET', '/api/v1/session', { token: town })).json;
  const unit = me.grants.find((g) => g.role === 'town_official').unit_id;
  const r = await s.api('POST', '/api/v1/party/quizzes', {
    token: town,
    body: {
      unit_id: unit, audience: 'villager', title: LAW, pass_score: 100, rule_name: '参加趣味学法答题',
      questions: [
        { kind: 'single', body: '子女对父母有赡养义务吗？', options: ['有', '没有'], answer: [0], note: '民法典第一千零六十七条。' },
        { kind: 'multiple', body: '父母去世没有遗嘱，第一顺序继承人有？', options: ['配偶', '子女', '侄子'], answer: [0, 1] },
      ],
    },
  });
  assert.equal(r.status, 201, r.text);

  const phone = await L.newContext(browser, 'phone', s.url);
  const vp = await L.newPage(phone);
  await L.villagerLogin(vp, s.villager.phone);
  await vp.goto('/party/learn');
  await vp.locator('.van-tab', { hasText: '答题' }).click();
  await vp.locator('[data-test=learn-quiz]', { hasText: LAW }).click();
  await vp.locator('[data-test=quiz-question-1]').waitFor();
  await vp.locator('[data-test=opt-0-0]').click();
  await vp.locator('[data-test=opt-1-0]').click();
  await vp.locator('[data-test=opt-1-1]').click();
  await vp.locator('[data-test=quiz-submit]').click();
  await vp.locator('[data-test=quiz-points]', { hasText: '+2' }).waitFor();
  await vp.locator('[data-test=quiz-points-note]', { hasText: '公示' }).waitFor();
  await L.shot(vp, 'party-learning-villager-law-points', { fullPage: true });
  await noSideways(vp, 'villager law quiz');
  // the points record is hers, waiting in 公示
  const tok = await s.login(s.villager.phone);
  const claims = (await s.api('GET', '/api/v1/claims?mine=1&limit=50', { token: tok })).json;
  assert.ok(claims.items.some((c) => c.rule_name === '参加趣味学法答题' && c.status === 'approved'), JSON.stringify(claims.items.slice(0, 3)));
  // a second pass of the same quiz earns nothing more
  await vp.locator('[data-test=quiz-again]').click();
  await vp.locator('[data-test=opt-0-0]').click();
  await vp.locator('[data-test=opt-1-0]').click();
  await vp.locator('[data-test=opt-1-1]').click();
  await vp.locator('[data-test=quiz-submit]').click();
  await vp.locator('[data-test=quiz-points-note]', { hasText: '已因这份答题得过积分' }).waitFor();
  await L.expectCount(vp.locator('[data-test=quiz-points]'), 0, 'no points the second time');
  L.assertNoProblems(phone);
  await phone.close();
});

test('the secretary imports a member roster: checked first with every row error shown, then imported', async () => {
  const head = '姓名,性别,出生日期,学历,类别,入党日期,转正日期,党小组,手机号,流动党员,外出去向';
  const bad = Buffer.from(`${head}\r\n郑晓光,男,1980-02-30,初中,正式党员,2005-07-01,,,,否,\r\n`);
  const good = Buffer.from(`${head}\r\n郑晓光,男,1980-02-03,初中,正式党员,2005-07-01,,第二党小组,,否,\r\n`);
  const desk = await L.newContext(browser, 'desktop', s.url);
  const cp = await L.newPage(desk);
  await L.adminLogin(cp, CADRE);
  await cp.locator('.menu a', { hasText: '党员管理' }).click();
  await cp.waitForURL(/\/admin\/party\/members$/);
  await cp.locator('[data-test=party-member-table] .el-table__row').first().waitFor();
  await cp.locator('[data-test=party-import]').click();
  await cp.locator('[data-test=party-import-file]').setInputFiles({ name: '党员名册.csv', mimeType: 'text/csv', buffer: bad });
  await cp.locator('[data-test=party-import-check]').click();
  await cp.locator('[data-test=party-import-errors] .el-table__row', { hasText: '出生日期' }).filter({ hasText: '2' }).waitFor();
  await L.shot(cp, 'party-learning-admin-import-errors');
  await cp.locator('[data-test=party-import-file]').setInputFiles({ name: '党员名册.csv', mimeType: 'text/csv', buffer: good });
  await cp.locator('[data-test=party-import-check]').click();
  await cp.locator('[data-test=party-import-ok]').waitFor();
  await cp.locator('[data-test=party-import-run]').click();
  await cp.locator('[data-test=party-member-table] .el-table__row', { hasText: '郑晓光' }).waitFor();
  await cp.locator('[data-test=party-total]', { hasText: '26' }).waitFor();
  L.assertNoProblems(desk);
  await desk.close();
});
