// Learning 学习教育: the demo's courses, quizzes and study records in 青山村; the county
// and towns publish (and nobody else); takers never see the right answers before they
// answer, and the server scores from the choices alone; study time is capped by the
// server's clock; the study record 一人一册 is the member's own, the branch's and the
// town's, never a villager's or another town's; a passed 趣味学法 quiz earns the rule's
// points once per quiz and household, within the rule's monthly cap; bad input names
// every field at once.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
let village, town, county = 1, lilin, lilinMember, secretary, townOrg, admin, grid, inspector, far;
let courseId, quizId;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });
const patch = (p, token, body) => s.api('PATCH', p, { token, body });
const put = (p, token, body) => s.api('PUT', p, { token, body });
let keyN = 0;
const key = () => `learning-key-${++keyN}-0000`;

before(async () => {
  s = await startServer();
  admin = await s.as('county_admin');
  secretary = await s.as('cadre');
  townOrg = await s.as('town_official');
  grid = await s.as('grid_worker');
  inspector = await s.as('inspector');
  lilin = await s.as('villager');
  const me = must(await get('/api/v1/session', secretary), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  town = must(await get(`/api/v1/units/${village}`, secretary), 200).parent_id;
  lilinMember = must(await get('/api/v1/party/me', lilin), 200).id;
  // the organisation role of another town
  const t2 = must(await post('/api/v1/units', admin, { parent_id: county, kind: 'town', code: 'LRN-T2', name: '河湾镇' }), 201).id;
  const u = must(await post('/api/v1/users', admin, { phone: '13755551002', name: '测试组织委员', password: 'Learn-T2-2026' }), 201);
  must(await post(`/api/v1/users/${u.id}/grants`, admin, { role: 'party_org', unit_id: t2 }), 200);
  far = await s.login('13755551002', 'Learn-T2-2026');
});
after(async () => { if (s) await s.close(); });

test('the demo: courses and two quizzes, months of study in 青山村, villagers who earned the 趣味学法 points', async () => {
  const courses = must(await get(`/api/v1/party/courses?unit=${village}&limit=100`, secretary), 200);
  assert.ok(courses.total >= 5, JSON.stringify(courses));
  assert.ok(courses.items.some((c) => c.audience === 'villager'));
  const quizzes = must(await get(`/api/v1/party/quizzes?unit=${village}`, secretary), 200);
  assert.equal(quizzes.total, 2);
  const law = quizzes.items.find((q) => q.audience === 'villager');
  assert.equal(law.rule_name, '参加趣味学法答题');
  assert.ok(law.attempts >= 5);
  const rec = must(await get(`/api/v1/party/study-records?unit=${village}&limit=100`, secretary), 200);
  assert.equal(rec.total, 25);
  const studied = rec.items.filter((r) => r.sessions > 0);
  assert.ok(studied.length >= 10, JSON.stringify(rec.items.map((r) => r.sessions)));
  assert.ok(studied.some((r) => r.mobile), 'a 流动党员 studies from afar');
  assert.ok(rec.items.some((r) => r.quizzes_passed > 0));
  // a member's record spans months
  const one = must(await get(`/api/v1/party/members/${studied[0].id}/study`, secretary), 200);
  const days = one.study.map((x) => Date.parse(x.started_at));
  assert.ok(Math.max(...days) - Math.min(...days) > 90 * 86400 * 1000);
  assert.equal(one.seconds, one.study.reduce((a, b) => a + b.seconds, 0));
  // the 趣味学法 points went through 公示 into the ledger
  const ledger = must(await get(`/api/v1/villages/${village}/ledger?limit=200`, secretary), 200);
  assert.ok(ledger.items.filter((e) => e.rule_name === '参加趣味学法答题').length >= 5, JSON.stringify(ledger.items.slice(0, 2)));
});

test('publishing: the county and towns only; every field error at once', async () => {
  const body = { unit_id: town, audience: 'member', title: '学习新修订的村民委员会组织法', body: '第一条……\n第二条……', minutes: 12, idempotency_key: key() };
  const c = must(await post('/api/v1/party/courses', townOrg, body), 201);
  courseId = c.id;
  assert.equal(c.can_manage, true);
  assert.equal(c.unit_name.length > 0, true);
  // a retry with the same key makes nothing new
  assert.equal(must(await post('/api/v1/party/courses', townOrg, body), 201).id, courseId);
  must(await post('/api/v1/party/courses', admin, { ...body, unit_id: county, idempotency_key: key() }), 201);
  // a town's official cannot publish for the county; a cadre not at all; another town's role never sees this town
  assert.equal((await post('/api/v1/party/courses', townOrg, { ...body, unit_id: county, idempotency_key: key() })).status, 403);
  assert.equal((await post('/api/v1/party/courses', secretary, { ...body, idempotency_key: key() })).status, 403);
  assert.equal((await post('/api/v1/party/courses', lilin, { ...body, idempotency_key: key() })).status, 403);
  assert.equal((await post('/api/v1/party/courses', far, { ...body, idempotency_key: key() })).status, 404);
  assert.equal((await post('/api/v1/party/courses', undefined, body)).status, 401);
  // a village is no publisher
  const v = await post('/api/v1/party/courses', admin, { ...body, unit_id: village, idempotency_key: key() });
  assert.equal(v.status, 400);
  assert.ok(v.json.error.fields.unit_id);
  const bad = must(await post('/api/v1/party/courses', townOrg, { unit_id: town, audience: 'all', title: ' ', body: '', minutes: 0, photos: ['nope'] }), 400);
  for (const f of ['audience', 'title', 'body', 'minutes', 'photos']) assert.ok(bad.error.fields[f], f + ' ' + JSON.stringify(bad.error));
  assert.match(bad.error.fields.minutes, /分钟/);
  // quizzes: each question's mistakes named
  const q = must(await post('/api/v1/party/quizzes', townOrg, {
    unit_id: town, audience: 'member', title: '', pass_score: 0, rule_name: '参加趣味学法答题',
    questions: [
      { kind: 'single', body: '单选', options: ['甲', '乙'], answer: [0, 1] },
      { kind: 'multiple', body: '多选', options: ['甲', '乙', '丙'], answer: [1] },
      { kind: 'essay', body: '', options: ['甲'], answer: [] },
      { kind: 'single', body: '重复', options: ['甲', '甲'], answer: [5] },
    ],
  }), 400);
  for (const f of ['title', 'pass_score', 'rule_name', 'questions[0].answer', 'questions[1].answer', 'questions[2].kind',
    'questions[2].body', 'questions[2].options', 'questions[3].options[1]', 'questions[3].answer']) {
    assert.ok(q.error.fields[f], f + ' ' + JSON.stringify(q.error.fields));
  }
  const quiz = must(await post('/api/v1/party/quizzes', townOrg, {
    unit_id: town, audience: 'member', title: '村民委员会组织法测试', pass_score: 60, idempotency_key: key(),
    questions: [
      { kind: 'single', body: '村民委员会每届任期几年？', options: ['三年', '五年', '六年'], answer: [1], note: '2018 年修改为五年。' },
      { kind: 'multiple', body: '村务公开的内容包括？', options: ['财务', '党务', '村务', '私人账目'], answer: [0, 1, 2] },
      { kind: 'single', body: '村民会议由谁召集？', options: ['村民委员会', '乡镇政府'], answer: [0] },
    ],
  }), 201);
  quizId = quiz.id;
  assert.deepEqual(quiz.items.map((x) => x.answer), [2, 7, 1]);
});

test('a member takes the quiz: the answers hidden until submitted, scored on the server', async () => {
  const list = must(await get('/api/v1/party/quizzes', lilin), 200);
  assert.ok(list.items.some((q) => q.id === quizId));
  const q = must(await get(`/api/v1/party/quizzes/${quizId}`, lilin), 200);
  assert.equal(q.can_take, true);
  assert.equal(q.can_manage, false);
  assert.ok(q.items.every((x) => x.answer === null && x.note === null));
  assert.equal(q.items[1].options.length, 4);
  // every question answered, within its options, one choice for single
  const bad = must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[0, 1], [], [9]] }), 400);
  for (const f of ['answers[0]', 'answers[1]', 'answers[2]']) assert.ok(bad.error.fields[f], f);
  const short = must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[1]] }), 400);
  assert.ok(short.error.fields.answers);
  // the client cannot hand in a score
  const forged = must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[0], [0, 1, 2], [0]], score: 100, passed: true }), 400);
  assert.ok(forged.error.fields.score);
  const k = key();
  const a = must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[0], [0, 1, 2], [0]], idempotency_key: k }), 201);
  assert.equal(a.correct, 2);
  assert.equal(a.score, 66);
  assert.equal(a.passed, true);
  assert.equal(a.points, 0);
  assert.deepEqual(a.items.map((x) => x.right), [false, true, true]);
  assert.equal(a.items[0].answer, 2);
  assert.equal(a.items[0].given, 1);
  assert.equal(a.items[0].note, '2018 年修改为五年。');
  assert.equal(must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[0], [0, 1, 2], [0]], idempotency_key: k }), 201).id, a.id);
  // a multiple-choice question is right only with exactly the right set
  const b = must(await post(`/api/v1/party/quizzes/${quizId}/attempts`, lilin, { answers: [[1], [0, 1], [0]] }), 201);
  assert.equal(b.score, 66);
  // the questions cannot change once answered
  assert.equal((await patch(`/api/v1/party/quizzes/${quizId}`, townOrg, { questions: [{ kind: 'single', body: 'x', options: ['a', 'b'], answer: [0] }] })).status, 409);
  must(await patch(`/api/v1/party/quizzes/${quizId}`, townOrg, { pass_score: 70 }), 200);
  assert.equal((await patch(`/api/v1/party/quizzes/${quizId}`, secretary, { pass_score: 50 })).status, 403);
  // who cannot take it: staff with no household, members of nowhere below the town
  assert.equal((await post(`/api/v1/party/quizzes/${quizId}/attempts`, grid, { answers: [[1], [0, 1, 2], [0]] })).status, 403);
  assert.equal((await post(`/api/v1/party/quizzes/${quizId}/attempts`, far, { answers: [[1], [0, 1, 2], [0]] })).status, 404);
  assert.equal((await post('/api/v1/party/quizzes/99999999/attempts', lilin, { answers: [[1]] })).status, 404);
  // the publisher sees the answers
  assert.deepEqual(must(await get(`/api/v1/party/quizzes/${quizId}`, townOrg), 200).items.map((x) => x.answer), [2, 7, 1]);
});

test('study sessions: the phone reports time, the server caps it by its clock', async () => {
  const c = must(await get(`/api/v1/party/courses/${courseId}`, lilin), 200);
  assert.equal(c.can_study, true);
  assert.match(c.body, /第一条/);
  const ss = must(await post(`/api/v1/party/courses/${courseId}/study`, lilin, {}), 201);
  assert.equal(ss.seconds, 0);
  // more than has passed is cut to the time since the start (with a minute's slack)
  let r = must(await put(`/api/v1/party/study-sessions/${ss.id}`, lilin, { seconds: 1200 }), 200);
  assert.ok(r.seconds <= 61, JSON.stringify(r));
  await s.advance(600);
  lilin = await s.login(s.villager.phone, s.villager.password, { fresh: true });
  r = must(await put(`/api/v1/party/study-sessions/${ss.id}`, lilin, { seconds: 500 }), 200);
  assert.equal(r.seconds, 500);
  // never less than counted before
  r = must(await put(`/api/v1/party/study-sessions/${ss.id}`, lilin, { seconds: 100 }), 200);
  assert.equal(r.seconds, 500);
  assert.equal(must(await put(`/api/v1/party/study-sessions/${ss.id}`, lilin, { seconds: -1 }), 400).error.fields.seconds.length > 0, true);
  // another's session is not there
  assert.equal((await put(`/api/v1/party/study-sessions/${ss.id}`, secretary, { seconds: 10 })).status, 404);
  assert.equal((await put('/api/v1/party/study-sessions/99999999', lilin, { seconds: 10 })).status, 404);
  // who may study: learners below the publishing unit
  assert.equal((await post(`/api/v1/party/courses/${courseId}/study`, grid, {})).status, 403);
  assert.equal((await post(`/api/v1/party/courses/${courseId}/study`, far, {})).status, 404);
  // it is in her record
  const mine = must(await get('/api/v1/party/my-study', lilin), 200);
  assert.equal(mine.member, true);
  assert.ok(mine.study.some((x) => x.id === ss.id && x.seconds === 500));
  assert.ok(mine.attempts.some((x) => x.quiz_id === quizId && x.score === 66));
  // withdrawn: gone for learners, still there for the publisher
  must(await patch(`/api/v1/party/courses/${courseId}`, townOrg, { status: 'withdrawn' }), 200);
  assert.equal((await get(`/api/v1/party/courses/${courseId}`, lilin)).status, 404);
  assert.equal((await post(`/api/v1/party/courses/${courseId}/study`, lilin, {})).status, 404);
  assert.equal(must(await get(`/api/v1/party/courses/${courseId}`, townOrg), 200).status, 'withdrawn');
  assert.equal((await patch(`/api/v1/party/courses/${courseId}`, secretary, { title: '改' })).status, 404);
  const badPatch = must(await patch(`/api/v1/party/courses/${courseId}`, townOrg, { status: 'gone', minutes: 999, unit_id: county }), 400);
  for (const f of ['status', 'minutes', 'unit_id']) assert.ok(badPatch.error.fields[f], f);
  must(await patch(`/api/v1/party/courses/${courseId}`, townOrg, { status: 'published' }), 200);
  assert.equal((await patch(`/api/v1/party/courses/${courseId}`, secretary, { title: '改' })).status, 403);
});

test('the study record 一人一册: the member, the branch and the town; never villagers or another town', async () => {
  const p = `/api/v1/party/members/${lilinMember}/study`;
  for (const tok of [lilin, secretary, townOrg, admin, inspector]) {
    const r = must(await get(p, tok), 200);
    assert.equal(r.member_id, lilinMember);
    assert.ok(r.sessions >= 1);
  }
  assert.equal((await get(p, grid)).status, 403);
  assert.equal((await get(p, far)).status, 404);
  assert.equal((await get(p, undefined)).status, 401);
  assert.equal((await get('/api/v1/party/members/99999999/study', secretary)).status, 404);
  const list = `/api/v1/party/study-records?unit=${village}`;
  const rows = must(await get(list, secretary), 200);
  const me = rows.items.find((x) => x.id === lilinMember);
  assert.ok(me.seconds >= 500 && me.quizzes >= 1);
  must(await get(`/api/v1/party/study-records?unit=${town}`, townOrg), 200);
  for (const tok of [lilin, grid]) assert.equal((await get(list, tok)).status, 403);
  assert.equal((await get(list, far)).status, 404);
  assert.equal(must(await get('/api/v1/party/study-records?unit=0', secretary), 400).error.fields.unit.length > 0, true);
});

test('趣味学法: a passed quiz earns the rule points once per household, within the monthly cap', async () => {
  const make = async (title) => must(await post('/api/v1/party/quizzes', townOrg, {
    unit_id: town, audience: 'villager', title, pass_score: 100, rule_name: '参加趣味学法答题', idempotency_key: key(),
    questions: [{ kind: 'single', body: '一户可以有几处宅基地？', options: ['一处', '两处'], answer: [0] }],
  }), 201).id;
  const q1 = await make('趣味学法一');
  const q2 = await make('趣味学法二');
  const q3 = await make('趣味学法三');
  const fail = must(await post(`/api/v1/party/quizzes/${q1}/attempts`, lilin, { answers: [[1]] }), 201);
  assert.equal(fail.passed, false);
  assert.equal(fail.points, 0);
  const pass = must(await post(`/api/v1/party/quizzes/${q1}/attempts`, lilin, { answers: [[0]] }), 201);
  assert.equal(pass.passed, true);
  assert.equal(pass.points, 2);
  assert.match(pass.points_note, /公示/);
  assert.ok(pass.claim_id > 0);
  const claims = must(await get('/api/v1/claims?mine=1&limit=200', lilin), 200);
  const claim = claims.items.find((x) => x.id === pass.claim_id);
  assert.equal(claim.rule_name, '参加趣味学法答题');
  assert.equal(claim.status, 'approved');
  // once per quiz and household
  const again = must(await post(`/api/v1/party/quizzes/${q1}/attempts`, lilin, { answers: [[0]] }), 201);
  assert.equal(again.points, 0);
  assert.match(again.points_note, /已因这份答题得过积分/);
  // the rule's cap: two a month
  assert.equal(must(await post(`/api/v1/party/quizzes/${q2}/attempts`, lilin, { answers: [[0]] }), 201).points, 2);
  const capped = must(await post(`/api/v1/party/quizzes/${q3}/attempts`, lilin, { answers: [[0]] }), 201);
  assert.equal(capped.points, 0);
  assert.match(capped.points_note, /上限/);
  // a villager's list holds the 趣味学法 quizzes
  const mine = must(await get('/api/v1/party/quizzes', lilin), 200);
  assert.ok([q1, q2, q3].every((id) => mine.items.some((x) => x.id === id && x.audience === 'villager')));
  // the audit chain has the attempts
  const audit = must(await get(`/api/v1/audit?unit_id=${village}&limit=50`, secretary), 200);
  assert.ok(JSON.stringify(audit).includes('party_quiz_attempt'));
});
