// Lists 清单制: the county's templates; a village adopting them as versions that keep
// their history (a later template edit or version never rewrites earlier items or
// records); an execution record walked through every step by the roles the item names,
// refused to the wrong role (403) and out of scope (404); skipped steps refused;
// working-day deadlines and overdue through the test clock and the holiday calendar;
// the negative list refused with its reason; villagers' own service requests and grid
// workers' 代办; inspectors read everything and write nothing; the public pages show
// the disclosed outcomes only and no personal data; bad input gives every field error
// and changes nothing; an idempotent retry makes one record. Village A is the demo's
// 青山村; village B is made here in the same town, village C in a second town.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, pngPixel, PHONES } = require('./lib');

let s;
const T = {};      // tokens
const U = {};      // units
const TPL = {};    // template ids by code
const CREDS = {};

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);

async function user(key, phone, name, role, unit) {
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone, name, password: 'Lists-pass-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role, unit_id: unit } }), 200);
  CREDS[key] = [phone, 'Lists-pass-2026'];
  T[key] = await s.login(phone, 'Lists-pass-2026');
}

// Moves the test clock and logs everyone in again (sessions expire).
async function advance(seconds) {
  const r = await s.advance(seconds);
  for (const [key, [phone, password]] of Object.entries(CREDS)) T[key] = await s.login(phone, password, { fresh: true });
  return r;
}
async function serverNow() {
  return Date.parse((await s.advance(0)).now) / 1000;
}

const step = (name, role, limit_days, disclose = false, attachments = []) => ({ name, role, limit_days, disclose, attachments });

const POWER = {
  kind: 'power', code: 'T-P1', name: '测试物资采购', basis: '县村级财务管理办法第十八条', role: 'cadre', time_limit_days: 20,
  materials: [], risk_points: ['未询价比选', '虚开发票'], supervise_contact: '镇纪委 0817-7212345',
  steps: [step('提出采购需求', 'cadre', 2), step('镇农经站审核', 'town_official', 3), step('结果公开', 'cadre', 2, true, ['公示照片'])],
};
const SERVICE = {
  kind: 'service', code: 'T-S1', name: '测试居住证明', basis: '县村级证明事项保留清单', role: 'cadre', time_limit_days: 5,
  materials: ['身份证', '户口簿'], risk_points: [], supervise_contact: '村便民服务站',
  steps: [step('提交申请', 'applicant', 1, false, ['身份证照片']), step('核实情况', 'cadre', 2), step('开具证明', 'cadre', 1)],
};
const NEGATIVE = {
  kind: 'affair', section: 'negative', code: 'T-N1', name: '测试招商引资任务', basis: '《关于规范村级组织工作事务的意见》', role: 'cadre',
  time_limit_days: 1, materials: [], risk_points: [], supervise_contact: '', steps: [],
};
const DUE = {
  kind: 'power', code: 'T-D1', name: '测试期限事项', basis: '测试', role: 'cadre', time_limit_days: 30,
  materials: [], risk_points: [], supervise_contact: '',
  steps: [step('第一步', 'cadre', 2), step('第二步', 'cadre', 3)],
};

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'grid_worker_grid', 'inspector', 'villager', 'assessor']) {
    const key = role === 'county_admin' ? 'county' : role === 'town_official' ? 'town' : role === 'grid_worker_grid' ? 'gwg' : role;
    CREDS[key] = role === 'villager' ? [s.villager.phone, s.villager.password] : [PHONES[role], 'Cunzhi2026!'];
    T[key] = await s.as(role);
  }
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county, `/api/v1/units/${U.town}`)).parent_id;
  U.B = (await post(T.county, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'LS-VB', name: '柳溪村' }, 201)).id;
  await user('cadreB', '19944440001', '邓书记', 'cadre', U.B);
  U.town2 = (await post(T.county, '/api/v1/units', { parent_id: U.county, kind: 'town', code: 'LS-T2', name: '青石镇' }, 201)).id;
  U.C = (await post(T.county, '/api/v1/units', { parent_id: U.town2, kind: 'village', code: 'LS-VC', name: '石桥村' }, 201)).id;
  await user('cadreC', '19944440003', '石书记', 'cadre', U.C);
  await user('town2', '19944440002', '罗镇长', 'town_official', U.town2);
  for (const t of [POWER, SERVICE, NEGATIVE, DUE]) TPL[t.code] = (await post(T.county, '/api/v1/list-templates', t, 201)).id;
  const me = await get(T.villager, '/api/v1/session');
  U.hh = me.household_id || 1;
});

after(async () => {
  if (s) await s.close();
});

async function adoptTest(extra = []) {
  const items = [TPL['T-P1'], TPL['T-S1'], TPL['T-N1'], TPL['T-D1']].map((id) => ({ template_id: id })).concat(extra);
  return post(T.cadre, '/api/v1/lists/versions', { village: U.A, meeting: { date: '2026-03-01', title: '村民代表会议', attendance: 40, note: '一致通过' }, items }, 201);
}
const itemOf = (cur, code) => cur.items.find((i) => i.code === code);

// ---- templates and adoption ----

test('templates: the demo county ships the three lists; only the county admin writes them', async () => {
  const all = await get(T.cadre, '/api/v1/list-templates');
  const kinds = (k) => all.items.filter((t) => t.kind === k).length;
  assert.ok(kinds('power') >= 30 && kinds('service') >= 30, `powers ${kinds('power')}, services ${kinds('service')}`);
  assert.ok(all.items.some((t) => t.section === 'negative'));
  const decide = all.items.find((t) => t.name.includes('四议两公开'));
  assert.deepEqual(decide.steps.map((x) => x.name), ['村党组织提议', '村两委会议商议', '党员大会审议', '村民代表会议决议', '决议公开', '实施结果公开']);
  assert.ok(decide.risk_points.length > 0 && decide.basis && decide.supervise_contact);
  assert.equal((await get(T.cadre, '/api/v1/list-templates?kind=service')).items.every((t) => t.kind === 'service'), true);
  await post(T.cadre, '/api/v1/list-templates', { ...POWER, code: 'T-X' }, 403);
  await post(T.inspector, '/api/v1/list-templates', { ...POWER, code: 'T-X' }, 403);
  must(await s.api('GET', '/api/v1/list-templates'), 401);
});

test('bad input gives every field error at once and changes nothing', async () => {
  const before = (await get(T.county, '/api/v1/list-templates')).items.length;
  const r = await s.api('POST', '/api/v1/list-templates', { token: T.county, body: { kind: 'power', code: '', name: '', role: 'nobody', time_limit_days: 0, nickname: 1, steps: [{ name: '', role: 'x', limit_days: 0 }] } });
  assert.equal(r.status, 400);
  for (const f of ['code', 'name', 'role', 'time_limit_days', 'nickname', 'steps[0].name', 'steps[0].role', 'steps[0].limit_days'])
    assert.ok(r.json.error.fields[f], `field ${f}: ${r.text}`);
  assert.equal((await get(T.county, '/api/v1/list-templates')).items.length, before);
  const versions = (await get(T.cadre, `/api/v1/lists/versions?village=${U.A}`)).items.length;
  const v = await s.api('POST', '/api/v1/lists/versions', { token: T.cadre, body: { village: U.A, meeting: { date: '2099-01-01', title: '', attendance: 0 }, items: [{ template_id: 999999 }] } });
  assert.equal(v.status, 400);
  for (const f of ['meeting.date', 'meeting.title', 'meeting.attendance', 'items[0].template_id']) assert.ok(v.json.error.fields[f], `field ${f}: ${v.text}`);
  assert.equal((await get(T.cadre, `/api/v1/lists/versions?village=${U.A}`)).items.length, versions);
});

test('adoption: a new version is exactly its items; earlier versions and their items are kept', async () => {
  const demo = await get(T.cadre, `/api/v1/lists?village=${U.A}`);
  assert.ok(demo.version && demo.version.n >= 2, 'the demo village has a later version');
  const n0 = demo.version.n;
  const own = { kind: 'service', code: 'QS-T9', name: '本村自定服务', basis: '村规民约', role: 'cadre', time_limit_days: 3, materials: ['身份证'], steps: [step('提交申请', 'applicant', 1), step('办理', 'cadre', 2)] };
  const made = await adoptTest([own]);
  assert.equal(made.version.n, n0 + 1);
  assert.equal(made.version.meeting.title, '村民代表会议');
  assert.equal(made.items.length, 5);
  const cur = await get(T.villager, `/api/v1/lists?village=${U.A}`);
  assert.equal(cur.version.n, n0 + 1);
  assert.equal(itemOf(cur, 'T-P1').template_id, TPL['T-P1']);
  assert.equal(itemOf(cur, 'QS-T9').template_id, null);
  const services = await get(T.cadre, `/api/v1/lists?village=${U.A}&kind=service`);
  assert.ok(services.items.every((i) => i.kind === 'service'));
  const versions = await get(T.inspector, `/api/v1/lists/versions?village=${U.A}`);
  assert.deepEqual(versions.items.map((v) => v.n).slice(0, 2), [n0 + 1, n0]);
  // an earlier version's item still reads as it was
  const old = demo.items[0];
  const again = await get(T.cadre, `/api/v1/lists/items/${old.id}`);
  assert.equal(again.name, old.name);
  assert.equal(again.version, n0);
  // a template edit does not rewrite the adopted copy
  const edited = must(await s.api('PATCH', `/api/v1/list-templates/${TPL['T-P1']}`, { token: T.county, body: { name: '测试物资采购（修订）' } }), 200);
  assert.equal(edited.name, '测试物资采购（修订）');
  assert.equal(edited.steps.length, 3);
  assert.equal((await get(T.cadre, `/api/v1/lists/items/${itemOf(cur, 'T-P1').id}`)).name, '测试物资采购');
  // only the village's cadres adopt; outside every grant it does not exist
  const body = { village: U.A, meeting: { date: '2026-03-01', title: '会议', attendance: 10 }, items: [{ template_id: TPL['T-P1'] }] };
  await post(T.villager, '/api/v1/lists/versions', body, 403);
  await post(T.inspector, '/api/v1/lists/versions', body, 403);
  await post(T.town, '/api/v1/lists/versions', body, 403);
  await post(T.cadreC, '/api/v1/lists/versions', body, 404);
  await get(T.cadreC, `/api/v1/lists?village=${U.A}`, 404);
  await get(T.cadreC, `/api/v1/lists/items/${old.id}`, 404);
  // the village readopts (the template's new name) and the record of the old item keeps its own
  const rec = await post(T.cadre, '/api/v1/executions', { item_id: itemOf(cur, 'T-P1').id, title: '采购会议桌' }, 201);
  const cur2 = await adoptTest();
  assert.equal(itemOf(cur2, 'T-P1').name, '测试物资采购（修订）');
  assert.equal((await get(T.cadre, `/api/v1/executions/${rec.id}`)).item.name, '测试物资采购');
  const stale = await s.api('POST', '/api/v1/executions', { token: T.cadre, body: { item_id: itemOf(cur, 'T-P1').id, title: '用旧版本' } });
  assert.equal(stale.status, 400);
  assert.ok(stale.json.error.fields.item_id);
});

// ---- executions ----

test('an execution through every step by the right roles; wrong role 403, out of scope 404; public outcome', async () => {
  const cur = await get(T.cadre, `/api/v1/lists?village=${U.A}`);
  const item = itemOf(cur, 'T-P1');
  const x = await post(T.cadre, '/api/v1/executions', { item_id: item.id, title: '采购村委会打印机', note: '旧打印机已报废' }, 201);
  assert.match(x.code, /^QD-\d{4}-\d{4}$/);
  assert.equal(x.state, 'open');
  assert.equal(x.via, 'cadre');
  assert.equal(x.current.n, 1);
  assert.equal(x.steps.length, 3);
  assert.equal(x.can.advance, true);
  // skipping is refused, in Chinese, naming the step to do
  const skip = await s.api('POST', `/api/v1/executions/${x.id}/steps/3`, { token: T.cadre, body: { note: '跳过' } });
  assert.equal(skip.status, 409);
  assert.match(skip.json.error.message, /不能跳过步骤/);
  let e = await post(T.cadre, `/api/v1/executions/${x.id}/steps/1`, { note: '需采购打印机一台' }, 200);
  assert.equal(e.current.n, 2);
  assert.equal(e.steps[0].done_by.name.length > 0, true);
  // step 2 is the town's: the cadre, the inspector and the villager may not; another town's official does not see it
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 403);
  await post(T.inspector, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 403);
  await post(T.town2, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 404);
  await post(T.cadreB, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 404);
  await post(T.villager, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 404);
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/9`, { note: 'x' }, 404);
  e = await post(T.town, `/api/v1/executions/${x.id}/steps/2`, { note: '同意采购' }, 200);
  assert.equal(e.current.n, 3);
  // done before the last step is refused
  await post(T.cadre, `/api/v1/executions/${x.id}/close`, { outcome: 'done', outcome_text: '完成' }, 409);
  const photo = must(await s.api('POST', '/api/v1/files', { token: T.cadre, raw: pngPixel(10, 200, 30), headers: { 'content-type': 'image/png' } }), 201);
  e = await post(T.cadre, `/api/v1/executions/${x.id}/steps/3`, { note: '采购结果已在公开栏公示', photos: [photo.hash] }, 200);
  assert.equal(e.current, null);
  assert.equal(e.steps[2].photos.length, 1);
  const img = await s.api('GET', e.steps[2].photos[0].url, { token: T.inspector });
  assert.equal(img.status, 200);
  await post(T.inspector, `/api/v1/executions/${x.id}/close`, { outcome: 'done', outcome_text: '完成' }, 403);
  e = await post(T.cadre, `/api/v1/executions/${x.id}/close`, { outcome: 'done', outcome_text: '以 1,580 元采购激光打印机一台' }, 200);
  assert.equal(e.state, 'closed');
  assert.equal(e.outcome_public, true);
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/3`, { note: 'x' }, 409);
  // readers: the inspector sees the whole log; outside the scope it does not exist
  const seen = await get(T.inspector, `/api/v1/executions/${x.id}`);
  assert.deepEqual(seen.steps.map((st) => Boolean(st.done_at && st.done_by.name)), [true, true, true]);
  assert.equal(seen.can.advance, false);
  await get(T.town, `/api/v1/executions/${x.id}`);
  await get(T.cadreC, `/api/v1/executions/${x.id}`, 404);
  await get(T.cadreB, `/api/v1/executions/${x.id}`, 404);
  await get(T.town2, `/api/v1/executions/${x.id}`, 404);
  await get(T.villager, `/api/v1/executions/${x.id}`, 404);
  const list = await get(T.cadreC, `/api/v1/executions?limit=200`);
  assert.ok(!list.items.some((r) => r.id === x.id));
  await get(T.cadreC, `/api/v1/executions?village=${U.A}`, 404);
  // the public page: the outcome and the disclosed step only, no people
  const pub = must(await s.api('GET', `/api/v1/public/villages/${U.A}/lists/outcomes?limit=200`), 200);
  const mine = pub.items.find((o) => o.code === e.code);
  assert.ok(mine, 'the disclosed outcome is public');
  assert.equal(mine.outcome_text, '以 1,580 元采购激光打印机一台');
  assert.deepEqual(mine.steps.map((st) => st.name), ['结果公开']);
  const text = JSON.stringify(pub);
  for (const secret of ['done_by', 'applicant', 'household', '旧打印机已报废', '需采购打印机一台', e.steps[0].done_by.name])
    assert.ok(!text.includes(secret), `the public page shows ${secret}`);
  // the audit chain of the village records the steps
  const audit = await get(T.cadre, `/api/v1/audit?unit_id=${U.A}&limit=200`);
  assert.ok(JSON.stringify(audit).includes('list_execution'));
});

test('the 四议两公开 decision of the demo is public with its votes; undisclosed records are not', async () => {
  const pub = must(await s.api('GET', `/api/v1/public/villages/${U.A}/lists/outcomes?limit=200`), 200);
  const decision = pub.items.find((o) => o.item.name.includes('四议两公开'));
  assert.ok(decision, JSON.stringify(pub.items.map((o) => o.item.name)));
  assert.ok(decision.votes.for > decision.votes.against);
  assert.ok(decision.steps.every((st) => ['村民代表会议决议', '决议公开', '实施结果公开'].includes(st.name)));
  assert.ok(pub.items.some((o) => o.item.name === '物资采购'));
  assert.ok(!pub.items.some((o) => o.item.kind === 'service'), 'service requests are not disclosed');
  const lists = must(await s.api('GET', `/api/v1/public/villages/${U.A}/lists`), 200);
  assert.equal(lists.items.length, (await get(T.cadre, `/api/v1/lists?village=${U.A}`)).items.length);
  assert.ok(!('adopted_by' in lists.version));
  must(await s.api('GET', `/api/v1/public/villages/${U.town}/lists`), 404);
  must(await s.api('GET', '/api/v1/public/villages/999999/lists/outcomes'), 404);
});

test('villagers start service items for their own household only; grid workers 代办 in their grid', async () => {
  const cur = await get(T.villager, `/api/v1/lists?village=${U.A}`);
  const svc = itemOf(cur, 'T-S1');
  const photo = must(await s.api('POST', '/api/v1/files', { token: T.villager, raw: pngPixel(200, 10, 30), headers: { 'content-type': 'image/png' } }), 201);
  const x = await post(T.villager, '/api/v1/executions', { item_id: svc.id, title: '开具居住证明', photos: [photo.hash], idempotency_key: 'lists-vil-00001' }, 201);
  assert.equal(x.via, 'villager');
  assert.equal(x.applicant.household_id, U.hh);
  assert.equal(x.steps[0].done_at !== null, true, 'submitting is the applicant step');
  assert.equal(x.current.n, 2);
  assert.equal(x.photos.length, 1);
  assert.equal((await s.api('GET', x.photos[0].url, { token: T.villager })).status, 200);
  const mine = await get(T.villager, '/api/v1/executions?mine=1');
  assert.ok(mine.items.some((r) => r.id === x.id));
  assert.ok(mine.items.every((r) => r.applicant && r.applicant.household_id === U.hh));
  assert.ok(mine.items.some((r) => r.title === '为母亲申请高龄津贴'), 'the demo request is there to follow');
  // the applicant may not do the cadre's step; powers and other households are refused
  await post(T.villager, `/api/v1/executions/${x.id}/steps/2`, { note: 'x' }, 403);
  const powerRefused = await s.api('POST', '/api/v1/executions', { token: T.villager, body: { item_id: itemOf(cur, 'T-P1').id, title: '想采购' } });
  assert.equal(powerRefused.status, 403);
  await post(T.villager, '/api/v1/executions', { item_id: svc.id, title: '替别人', household_id: U.hh + 1 }, 403);
  // the grid worker of a grid 代办 for its households, not for another grid's
  const grid = (await get(T.gwg, '/api/v1/session')).grants.find((g) => g.role === 'grid_worker').unit_id;
  const hh = await get(T.cadre, `/api/v1/households?unit_id=${U.A}&limit=200`);
  const inGrid = hh.items.find((h) => h.grid_id === grid);
  const other = hh.items.find((h) => h.grid_id && h.grid_id !== grid);
  const p = await post(T.gwg, '/api/v1/executions', { item_id: svc.id, title: '代办居住证明', household_id: inGrid.id }, 201);
  assert.equal(p.via, 'proxy');
  await post(T.gwg, '/api/v1/executions', { item_id: svc.id, title: '代办', household_id: other.id }, 403);
  await post(T.gwg, '/api/v1/executions', { item_id: itemOf(cur, 'T-P1').id, title: '代办采购', household_id: inGrid.id }, 403);
  await get(T.gwg, `/api/v1/executions/${p.id}`);
  // the cadre finishes it; the villager sees it done
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/2`, { note: '情况属实' }, 200);
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/3`, { note: '证明已开具，请到村便民服务站领取' }, 200);
  await post(T.cadre, `/api/v1/executions/${x.id}/close`, { outcome: 'done', outcome_text: '已开具' }, 200);
  const done = await get(T.villager, `/api/v1/executions/${x.id}`);
  assert.equal(done.state, 'closed');
  assert.equal(done.outcome_public, false);
  // the applicant may withdraw their own open request, not reject it
  const w = await post(T.villager, '/api/v1/executions', { item_id: svc.id, title: '再开一份' }, 201);
  await post(T.villager, `/api/v1/executions/${w.id}/close`, { outcome: 'rejected', outcome_text: '不要了' }, 403);
  await post(T.villager, `/api/v1/executions/${w.id}/close`, { outcome: 'withdrawn' }, 200);
});

test('the negative list is refused with its reason', async () => {
  const cur = await get(T.cadre, `/api/v1/lists?village=${U.A}`);
  const neg = itemOf(cur, 'T-N1');
  assert.equal(neg.section, 'negative');
  const before = (await get(T.cadre, `/api/v1/executions?village=${U.A}&limit=1`)).total;
  const r = await s.api('POST', '/api/v1/executions', { token: T.cadre, body: { item_id: neg.id, title: '完成招商引资任务' } });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /负面清单/);
  assert.match(r.json.error.message, /拒绝/);
  assert.ok(r.json.error.message.includes('关于规范村级组织工作事务的意见'));
  assert.equal((await get(T.cadre, `/api/v1/executions?village=${U.A}&limit=1`)).total, before);
});

test('bad input to a record changes nothing; an idempotent retry makes one record', async () => {
  const cur = await get(T.cadre, `/api/v1/lists?village=${U.A}`);
  const item = itemOf(cur, 'T-P1');
  const count = async () => (await get(T.cadre, `/api/v1/executions?village=${U.A}&limit=1`)).total;
  const n0 = await count();
  const bad = await s.api('POST', '/api/v1/executions', { token: T.cadre, body: { item_id: item.id, title: '', photos: ['nothash'] } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.title && bad.json.error.fields.photos, bad.text);
  const bad2 = await s.api('POST', '/api/v1/executions', { token: T.cadre, body: { title: 'x', note: 5 } });
  assert.equal(bad2.status, 400);
  assert.ok(bad2.json.error.fields.item_id && bad2.json.error.fields.note, bad2.text);
  assert.equal(await count(), n0);
  const body = { item_id: item.id, title: '采购档案柜', idempotency_key: 'lists-key-000001' };
  const a = await post(T.cadre, '/api/v1/executions', body, 201);
  const b = await post(T.cadre, '/api/v1/executions', body, 200);
  assert.equal(a.id, b.id);
  assert.equal(await count(), n0 + 1);
  await post(T.cadre, '/api/v1/executions', { ...body, title: '别的' }, 409);
  // starts at the same time in one village each get their own code
  const many = await Promise.all([...Array(8).keys()].map((i) => s.api('POST', '/api/v1/executions', { token: T.cadre, body: { item_id: item.id, title: `并发采购 ${i}` } })));
  assert.deepEqual(many.map((r) => r.status), Array(8).fill(201), many.map((r) => r.text).join('\n'));
  assert.equal(new Set(many.map((r) => r.json.code)).size, 8);
  // a step with bad votes changes nothing
  const v = await s.api('POST', `/api/v1/executions/${a.id}/steps/1`, { token: T.cadre, body: { note: 'x', votes: { for: -1, against: 'a' } } });
  assert.equal(v.status, 400);
  assert.ok(v.json.error.fields['votes.for'] && v.json.error.fields['votes.against'] && v.json.error.fields['votes.abstain'], v.text);
  assert.equal((await get(T.cadre, `/api/v1/executions/${a.id}`)).current.n, 1);
});

// ---- deadlines ----

// The end of the n-th working day after t's own date (Asia/Shanghai), from the weekends
// and the holiday calendar as the server lists it.
async function workingDeadline(t, n) {
  const days = new Map();
  const year = new Date((t + 8 * 3600) * 1000).getUTCFullYear();
  for (const y of [year, year + 1]) for (const d of (await get(T.county, `/api/v1/holidays?year=${y}`)).items) days.set(d.day, d.kind);
  let day = Math.floor((t + 8 * 3600) / 86400);
  while (n > 0) {
    day++;
    const iso = new Date(day * 86400000).toISOString().slice(0, 10);
    const wd = new Date(day * 86400000).getUTCDay();
    const kind = days.get(iso);
    const working = kind === 'holiday' ? false : kind === 'workday' ? true : wd !== 0 && wd !== 6;
    if (working) n--;
  }
  return (day + 1) * 86400 - 8 * 3600;
}

test('overdue: each step is due its limit in working days after it became current, with the holiday calendar', async () => {
  // make the next weekday a holiday, so the deadline must skip it
  const now0 = await serverNow();
  let d = Math.floor((now0 + 8 * 3600) / 86400) + 1;
  while ([0, 6].includes(new Date(d * 86400000).getUTCDay())) d++;
  const holiday = new Date(d * 86400000).toISOString().slice(0, 10);
  must(await s.api('PUT', `/api/v1/holidays/${holiday}`, { token: T.county, body: { kind: 'holiday', name: '测试假日' } }), 200);
  const cur = await get(T.cadre, `/api/v1/lists?village=${U.A}`);
  const x = await post(T.cadre, '/api/v1/executions', { item_id: itemOf(cur, 'T-D1').id, title: '期限测试' }, 201);
  const start = Date.parse(x.started_at) / 1000;
  const due1 = Date.parse(x.current.due_at) / 1000;
  assert.equal(due1, await workingDeadline(start, 2));
  assert.ok(due1 - start > 3 * 86400 - 86400, 'the holiday is skipped');
  assert.equal(Date.parse(x.due_at) / 1000, await workingDeadline(start, 30));
  // just before the deadline: not overdue
  await advance(due1 - (await serverNow()) - 120);
  let e = await get(T.cadre, `/api/v1/executions/${x.id}`);
  assert.equal(e.overdue, false);
  await advance(240);
  e = await get(T.town, `/api/v1/executions/${x.id}`);
  assert.equal(e.overdue, true);
  assert.equal(e.steps[0].overdue, true);
  // on the town's and the county's boards, oldest first; not for the village
  const board = await get(T.town, `/api/v1/list-board?unit=${U.town}&limit=200`);
  assert.ok(board.items.some((r) => r.id === x.id));
  assert.ok(board.items.every((r) => r.overdue));
  const alarms = board.items.map((r) => Date.parse(r.current ? r.current.due_at : r.due_at));
  assert.ok(board.items.length >= 2, 'the demo has overdue records too');
  assert.ok((await get(T.county, `/api/v1/list-board?unit=${U.county}&limit=200`)).items.some((r) => r.id === x.id));
  await get(T.town2, `/api/v1/list-board?unit=${U.town}`, 404);
  await get(T.cadre, `/api/v1/list-board?unit=${U.town}`, 403);
  const overdue = await get(T.inspector, `/api/v1/executions?state=overdue&limit=200`);
  assert.ok(overdue.items.some((r) => r.id === x.id));
  assert.ok(alarms.length > 0);
  // done late: the next step starts now, the record counts as late in the statistics
  e = await post(T.cadre, `/api/v1/executions/${x.id}/steps/1`, { note: '迟了' }, 200);
  assert.equal(e.overdue, false);
  assert.equal(e.steps[0].overdue, true);
  const nowT = await serverNow();
  assert.equal(Date.parse(e.current.due_at) / 1000, await workingDeadline(nowT, 3));
  await post(T.cadre, `/api/v1/executions/${x.id}/steps/2`, { note: '完成' }, 200);
  await post(T.cadre, `/api/v1/executions/${x.id}/close`, { outcome: 'done', outcome_text: '完成' }, 200);
  const stats = await get(T.town, `/api/v1/list-stats?unit=${U.town}&group_by=item`);
  const row = stats.groups.find((g) => g.name === '测试期限事项');
  assert.equal(row.closed, 1);
  assert.equal(row.on_time, 0);
  assert.equal(row.late, 1);
});

// ---- statistics ----

test('statistics reconcile with the list; XLSX export; scope', async () => {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(T.county, `/api/v1/executions?unit=${U.county}&limit=200&offset=${offset}`);
    all.push(...page.items);
    if (all.length >= page.total) break;
  }
  const stats = await get(T.county, `/api/v1/list-stats?unit=${U.county}`);
  assert.equal(stats.total.n, all.length);
  assert.equal(stats.total.closed, all.filter((r) => r.state === 'closed').length);
  assert.equal(stats.total.overdue_now, all.filter((r) => r.overdue).length);
  const closed = all.filter((r) => r.state === 'closed').map((r) => Date.parse(r.closed_at) - Date.parse(r.started_at)).sort((a, b) => a - b);
  const m = closed.length;
  const median = (closed[Math.floor(m / 2)] + closed[Math.floor((m - 1) / 2)]) / 2 / 86400000;
  assert.ok(Math.abs(stats.total.median_days - median) <= 0.06, `${stats.total.median_days} vs ${median}`);
  const a = stats.groups.find((g) => g.key === U.A);
  assert.equal(a.n, all.filter((r) => r.village.id === U.A).length);
  assert.ok(stats.late_villages.some((v) => v.id === U.A));
  assert.ok(stats.total.on_time_rate > 0 && stats.total.on_time_rate <= 1);
  const x = await s.api('GET', `/api/v1/list-stats?unit=${U.county}&format=xlsx`, { token: T.county });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  await get(T.cadre, `/api/v1/list-stats?unit=${U.county}`, 403);
  await get(T.cadreC, `/api/v1/list-stats?unit=${U.A}`, 404);
  await get(T.cadre, `/api/v1/list-stats?unit=${U.A}`);
  must(await s.api('GET', `/api/v1/list-stats`, { token: T.county }), 400);
});
