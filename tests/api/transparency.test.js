// Transparency 三务公开 and the timeline 大事记: the demo's year in 青山村 (village A); the
// legal schedule and lateness through the test clock in a village B made here (same
// town, its own cadre and villager); revisions and withdrawals that keep history;
// attachments checked by their bytes (PNG and PDF); villagers' questions and the
// village's public answers; the public pages (published items only, no personal data);
// who may do what; bad input for every endpoint, refused field by field with nothing
// changed; the audit entries.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard, pngPixel } = require('./lib');

let s;
const A = {};   // {village, cadre, villager}
const B = {};   // {village, cadre, villager}
let town, county, inspector, grid;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

// Seconds → the Asia/Shanghai date; dates as day numbers.
const cnDate = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 10);
const dayNo = (d) => Math.round(Date.parse(d + 'T00:00:00Z') / 86400000);
const dateOf = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
const pad = (n) => String(n).padStart(2, '0');

async function serverNow() {
  return Math.floor(Date.parse((await s.advance(0)).now) / 1000);
}
async function today() {
  return cnDate(await serverNow());
}

// The quarter containing a date, and the one before it: {text, first, due}.
function quarterOf(date) {
  const y = Number(date.slice(0, 4));
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
  return quarter(y, q);
}
function quarter(y, q) {
  const first = `${y}-${pad(3 * q - 2)}-01`;
  const ny = q === 4 ? y + 1 : y;
  const nm = q === 4 ? 1 : 3 * q + 1;
  return { text: `${y}-Q${q}`, y, q, first, due: `${ny}-${pad(nm)}-20` };
}
const prevQuarter = (p) => (p.q === 1 ? quarter(p.y - 1, 4) : quarter(p.y, p.q - 1));

async function activate(cadre, residentId, phone, password) {
  const code = must(await s.api('POST', `/api/v1/residents/${residentId}/activation`, { token: cadre, body: {} }), 201);
  return must(await s.api('POST', '/api/v1/activation', { body: { phone, code: code.code, password } }), 201).token;
}

async function relogin() {
  // sessions expire when the clock moves far: log everyone in again
  s.tokens.clear();
  A.cadre = await s.as('cadre');
  A.villager = await s.as('villager');
  town.official = await s.as('town_official');
  county.admin = await s.as('county_admin');
  inspector = await s.as('inspector');
  grid = await s.as('grid_worker');
  B.cadre = await s.login('19933330000', 'Cadre-B-2026', { fresh: true });
  B.villager = await s.login('19933331111', 'Villager-B-01', { fresh: true });
}

async function upload(token, raw, type) {
  return must(await s.api('POST', '/api/v1/files', { token, raw, headers: { 'content-type': type } }), 201).hash;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

async function publish(token, body, status = 201) {
  return must(await s.api('POST', '/api/v1/disclosures', { token, body }), status);
}

async function board(token, unit) {
  return must(await s.api('GET', `/api/v1/disclosure-board?unit=${unit}`, { token }), 200);
}
const slot = (b, village, kind, period) => b.villages.find((v) => v.village_id === village).slots.find((x) => x.kind === kind && x.period === period);

before(async () => {
  s = await startServer();
  county = { id: 1, admin: await s.as('county_admin') };
  A.cadre = await s.as('cadre');
  A.village = must(await s.api('GET', '/api/v1/session', { token: A.cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
  town = { id: must(await s.api('GET', `/api/v1/units/${A.village}`, { token: A.cadre }), 200).parent_id, official: await s.as('town_official') };
  inspector = await s.as('inspector');
  grid = await s.as('grid_worker');
  A.villager = await s.as('villager');

  B.village = must(await s.api('POST', '/api/v1/units', { token: county.admin, body: { parent_id: town.id, kind: 'village', code: 'DISC-VB', name: '柳溪村' } }), 201).id;
  B.household = must(await s.api('POST', '/api/v1/households', { token: county.admin, body: { village_id: B.village, number: 'B001', address: '柳溪村 1 号' } }), 201).id;
  const head = must(await s.api('POST', '/api/v1/residents', {
    token: county.admin, body: { household_id: B.household, name: '邓国强', idcard: makeIdcard('19660909', 351, '511123'), relation: '户主', phone: '19933331111' },
  }), 201);
  const user = must(await s.api('POST', '/api/v1/users', { token: county.admin, body: { phone: '19933330000', name: '邓书记', password: 'Cadre-B-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: county.admin, body: { role: 'cadre', unit_id: B.village } }), 200);
  B.cadre = await s.login('19933330000', 'Cadre-B-2026');
  B.villager = await activate(B.cadre, head.id, '19933331111', 'Villager-B-01');
});
after(async () => { if (s) await s.close(); });

test('the demo: a year of 三务 in 青山村, one quarter late, revisions, a withdrawal, questions', async () => {
  const all = must(await s.api('GET', `/api/v1/disclosures?unit_id=${A.village}&status=all&limit=200`, { token: A.cadre }), 200);
  for (const k of ['party', 'village', 'finance']) assert.ok(all.items.filter((d) => d.kind === k).length >= 4, k);
  assert.ok(all.items.filter((d) => d.version_no > 1).length >= 2, 'revised items');
  const withdrawn = all.items.filter((d) => d.status === 'withdrawn');
  assert.equal(withdrawn.length, 1);
  assert.ok(withdrawn[0].withdraw_reason);
  assert.ok(all.items.some((d) => d.major && d.category === '重大事项'));

  const b = await board(town.official, town.id);
  const qs = b.villages.find((v) => v.village_id === A.village);
  assert.equal(qs.busy, true, '青山村 publishes finance monthly');
  const late = qs.slots.filter((x) => x.state === 'late');
  assert.equal(late.length, 1, JSON.stringify(late));
  assert.equal(late[0].kind, 'village');
  assert.equal(late[0].late_days, 7);
  assert.equal(qs.missing, 0);
  assert.ok(qs.slots.some((x) => x.kind === 'finance' && /^\d{4}-\d{2}$/.test(x.period)));
  assert.equal(qs.open_questions, 1);
  assert.equal(qs.oldest_question_days, 5);
  assert.equal(b.open_questions.length, 1);
  assert.equal(b.open_questions[0].asker_name, '李琳');

  const questions = must(await s.api('GET', `/api/v1/disclosure-questions?unit_id=${A.village}&status=answered`, { token: A.cadre }), 200);
  assert.equal(questions.total, 2);
  assert.ok(questions.items.every((q) => q.answer && q.answered_by_name));

  const chronicle = must(await s.api('GET', `/api/v1/public/villages/${A.village}/chronicle?limit=50`), 200);
  assert.ok(chronicle.total >= 14, `${chronicle.total}`);
  assert.ok(chronicle.items.some((e) => /美丽庭院/.test(e.title)));
  const dates = chronicle.items.map((e) => e.happened_on);
  assert.deepEqual([...dates].sort().reverse(), dates, 'latest first');
  assert.ok(dayNo(dates[0]) - dayNo(dates[dates.length - 1]) > 600, 'two years');
});

test('a cadre publishes with attachments checked by their bytes; villagers read it; the audit has it', async () => {
  const png = await upload(A.cadre, pngPixel(10, 20, 30), 'image/png');
  const pdf = await upload(A.cadre, PDF, 'application/pdf');
  const bad = await s.api('POST', '/api/v1/files', { token: A.cadre, raw: Buffer.from('PK\x03\x04 not a pdf'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(bad.status, 400);
  const day = await today();
  const q = quarterOf(day);
  const d = await publish(A.cadre, { village_id: A.village, kind: 'village', category: '村级工程', period: q.text, title: '村文化广场建设进展', body: '文化广场已完成地面硬化，\n健身器材下周安装。', files: [png, pdf] });
  assert.equal(d.kind, 'village');
  assert.equal(d.status, 'published');
  assert.equal(d.version_no, 1);
  assert.equal(d.published_by_name, '李国华');
  assert.deepEqual(d.files.map((f) => f.mime), ['image/png', 'application/pdf']);
  assert.equal(d.due_on, q.due);
  assert.equal(d.late_days, 0);
  assert.equal(d.can_manage, true);
  const f1 = await s.api('GET', `/api/v1/disclosures/${d.id}/files/1`, { token: A.villager });
  assert.equal(f1.status, 200);
  assert.equal(f1.headers.get('content-type'), 'image/png');
  assert.deepEqual(f1.body, pngPixel(10, 20, 30));
  const f2 = await s.api('GET', `/api/v1/disclosures/${d.id}/files/2`, { token: A.villager });
  assert.equal(f2.headers.get('content-type'), 'application/pdf');
  assert.deepEqual(f2.body, PDF);
  assert.equal((await s.api('GET', `/api/v1/disclosures/${d.id}/files/3`, { token: A.villager })).status, 404);

  const v = must(await s.api('GET', `/api/v1/disclosures/${d.id}`, { token: A.villager }), 200);
  assert.equal(v.can_ask, true);
  assert.equal(v.can_manage, false);
  const list = must(await s.api('GET', '/api/v1/disclosures?kind=village', { token: A.villager }), 200);
  assert.equal(list.items[0].id, d.id);
  assert.equal(list.items[0].body, undefined, 'lists carry the summary');

  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=disclosure&object_id=${d.id}`, { token: A.cadre }), 200);
  assert.equal(audit.items.length, 1);
  assert.equal(audit.items[0].action, 'publish');
  assert.equal(audit.items[0].after.period, q.text);
  A.item = d.id;
  A.png = png;

  // a retried publish with the same key makes one item; the key with another body is refused
  const body = { village_id: A.village, kind: 'party', category: '组织生活', period: q.text, title: '支部主题党日', body: '清理河道垃圾。', idempotency_key: 'disc-publish-0001' };
  const first = await publish(A.cadre, body);
  const again = await publish(A.cadre, body, 200);
  assert.equal(again.id, first.id);
  const other = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { ...body, title: '另一条' } });
  assert.equal(other.status, 409, other.text);
  const party = must(await s.api('GET', `/api/v1/disclosures?unit_id=${A.village}&kind=party&period=${q.text}`, { token: A.cadre }), 200);
  assert.equal(party.items.filter((x) => x.title === '支部主题党日').length, 1);
});

test('schedules and lateness follow the test clock; the county marks busy villages', async () => {
  let day = await today();
  const cur = quarterOf(day);
  const prev = prevQuarter(cur);
  // the schedule starts with this quarter's first day: the previous quarter is the first due
  must(await s.api('PUT', '/api/v1/disclosure-settings', { token: county.admin, body: { county_id: county.id, starts_on: cur.first, major_days: 5, busy_village_ids: [A.village] } }), 200);
  if (day <= prev.due) {
    await s.advance((dayNo(prev.due) - dayNo(day) + 3) * 86400);
    await relogin();
    day = await today();
  }
  let b = await board(town.official, town.id);
  let x = slot(b, B.village, 'village', prev.text);
  assert.equal(x.state, 'missing');
  assert.equal(x.due_on, prev.due);
  assert.equal(x.late_days, dayNo(day) - dayNo(prev.due));
  assert.equal(slot(b, B.village, 'party', prev.text).state, 'missing');
  assert.equal(slot(b, B.village, 'finance', prev.text).state, 'missing', 'not busy: finance each quarter');
  assert.equal(slot(b, B.village, 'village', cur.text).state, 'pending');
  const vb = b.villages.find((v) => v.village_id === B.village);
  assert.equal(vb.missing, 3);
  assert.equal(vb.max_late_days, x.late_days);

  // five days later it is five days later on the county's board too
  await s.advance(5 * 86400);
  await relogin();
  day = await today();
  b = await board(county.admin, county.id);
  x = slot(b, B.village, 'village', prev.text);
  assert.equal(x.late_days, dayNo(day) - dayNo(prev.due));
  assert.equal(x.state, 'missing');

  // published now: late by the same days, for good; the current quarter's item is on time
  const late = await publish(B.cadre, { village_id: B.village, kind: 'village', category: '低保救助', period: prev.text, title: '上季度低保公示', body: '在保低保户 12 户。' });
  assert.equal(late.late_days, x.late_days);
  const onTime = await publish(B.cadre, { village_id: B.village, kind: 'party', category: '组织生活', period: cur.text, title: '本季度党务公开', body: '召开党员大会 1 次。' });
  assert.equal(onTime.late_days, 0);
  await s.advance(2 * 86400);
  await relogin();
  b = await board(town.official, town.id);
  const lateSlot = slot(b, B.village, 'village', prev.text);
  assert.equal(lateSlot.state, 'late');
  assert.equal(lateSlot.late_days, x.late_days, 'lateness is fixed at publication');
  assert.equal(lateSlot.disclosure_id, late.id);
  assert.equal(slot(b, B.village, 'party', cur.text).state, 'on_time');

  // a withdrawn item does not count: the slot is missing again
  must(await s.api('POST', `/api/v1/disclosures/${late.id}/withdraw`, { token: B.cadre, body: { reason: '数据有误，核实后重发' } }), 200);
  b = await board(town.official, town.id);
  assert.equal(slot(b, B.village, 'village', prev.text).state, 'missing');

  // busy: finance by the month
  must(await s.api('PUT', '/api/v1/disclosure-settings', { token: county.admin, body: { county_id: county.id, busy_village_ids: [A.village, B.village] } }), 200);
  b = await board(town.official, town.id);
  const fin = b.villages.find((v) => v.village_id === B.village).slots.filter((y) => y.kind === 'finance');
  assert.ok(fin.length >= 3 && fin.every((y) => /^\d{4}-\d{2}$/.test(y.period)), JSON.stringify(fin));
  const settings = must(await s.api('GET', `/api/v1/disclosure-settings?county_id=${county.id}`, { token: B.cadre }), 200);
  assert.deepEqual(settings.busy_village_ids.sort((p, q) => p - q), [A.village, B.village].sort((p, q) => p - q));
  assert.equal(settings.due_day, 20);

  // a major matter: due major_days after its decision
  day = await today();
  const decided = dateOf(dayNo(day) - 9);
  const major = await publish(B.cadre, { village_id: B.village, kind: 'village', category: '重大事项', period: decided, title: '村集体林地流转决定', body: '经村民代表会议表决通过。' });
  assert.equal(major.major, true);
  assert.equal(major.due_on, dateOf(dayNo(decided) + 5));
  assert.equal(major.late_days, 4);
  b = await board(town.official, town.id);
  assert.equal(slot(b, B.village, 'village', decided).state, 'late');
  must(await s.api('PUT', '/api/v1/disclosure-settings', { token: county.admin, body: { county_id: county.id, major_days: 10 } }), 200);
  b = await board(town.official, town.id);
  assert.equal(slot(b, B.village, 'village', decided).state, 'on_time');

  // who sees the board: the town and county, inspectors, a cadre for their own village
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${town.id}`, { token: inspector })).status, 200);
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${B.village}`, { token: B.cadre })).status, 200);
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${A.village}`, { token: B.cadre })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${town.id}`, { token: B.cadre })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${A.village}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/disclosure-board?unit=${A.village}`)).status, 401);
  // only the county changes the settings
  assert.equal((await s.api('PUT', '/api/v1/disclosure-settings', { token: town.official, body: { county_id: county.id, major_days: 3 } })).status, 403);
  assert.equal((await s.api('PUT', '/api/v1/disclosure-settings', { token: A.cadre, body: { county_id: county.id, major_days: 3 } })).status, 403);
  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${county.id}&object_type=disclosure_settings`, { token: county.admin }), 200);
  assert.ok(audit.items.length >= 3);
});

test('revisions keep every version; a withdrawal keeps the text and its reason', async () => {
  const png2 = await upload(A.cadre, pngPixel(40, 50, 60), 'image/png');
  const r1 = must(await s.api('PATCH', `/api/v1/disclosures/${A.item}`, { token: A.cadre, body: { body: '文化广场已完成地面硬化，健身器材已安装。', files: [A.png, png2], reason: '进度更新' } }), 200);
  assert.equal(r1.version_no, 2);
  assert.equal(r1.versions.length, 2);
  assert.equal(r1.versions[0].reason, '进度更新');
  assert.match(r1.versions[1].body, /下周安装/);
  assert.equal(r1.versions[1].files.length, 2);
  assert.equal(r1.files[1].hash, png2);
  const same = await s.api('PATCH', `/api/v1/disclosures/${A.item}`, { token: A.cadre, body: { body: r1.body, reason: '再改' } });
  assert.equal(same.status, 400);
  // kind and period are not revised: they are the item's place in the schedule
  const bad = await s.api('PATCH', `/api/v1/disclosures/${A.item}`, { token: A.cadre, body: { period: '2026-Q1', reason: 'x' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.period);

  const w = must(await s.api('POST', `/api/v1/disclosures/${A.item}/withdraw`, { token: A.cadre, body: { reason: '内容与另一条重复' } }), 200);
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.withdraw_reason, '内容与另一条重复');
  assert.equal(w.versions.length, 2, 'the history stays');
  assert.equal((await s.api('POST', `/api/v1/disclosures/${A.item}/withdraw`, { token: A.cadre, body: { reason: '再撤' } })).status, 409);
  assert.equal((await s.api('PATCH', `/api/v1/disclosures/${A.item}`, { token: A.cadre, body: { title: '新标题', reason: '改' } })).status, 409);
  // villagers and the public no longer see it; staff with the right to read do
  assert.equal((await s.api('GET', `/api/v1/disclosures/${A.item}`, { token: A.villager })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures/${A.item}`)).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures/${A.item}/files/1`)).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disclosures/${A.item}`, { token: inspector })).status, 200);
  const vlist = must(await s.api('GET', '/api/v1/disclosures?limit=200', { token: A.villager }), 200);
  assert.ok(!vlist.items.some((d) => d.id === A.item));
  assert.equal((await s.api('GET', '/api/v1/disclosures?status=withdrawn', { token: A.villager })).status, 403);
  const wl = must(await s.api('GET', `/api/v1/disclosures?unit_id=${A.village}&status=withdrawn`, { token: town.official }), 200);
  assert.ok(wl.items.some((d) => d.id === A.item));
  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=disclosure&object_id=${A.item}`, { token: A.cadre }), 200);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['publish', 'revise', 'withdraw']);
});

test('questions: a villager asks, the village answers publicly, the asker is masked', async () => {
  const day = await today();
  const d = await publish(A.cadre, { village_id: A.village, kind: 'finance', category: '月度收支', period: day.slice(0, 7), title: '本月财务收支', body: '收入 1,000.00 元，支出 800.00 元。' });
  const key = 'disc-question-0001';
  const body = { question: '支出的 800 元是什么费用？', idempotency_key: key };
  const asked = must(await s.api('POST', `/api/v1/disclosures/${d.id}/questions`, { token: A.villager, body }), 201);
  assert.equal(asked.question_list.length, 1);
  const q = asked.question_list[0];
  assert.equal(q.mine, true);
  assert.equal(q.asker, '李*');
  assert.equal(q.answer, null);
  assert.equal(q.asker_name, undefined, 'a villager does not see names');
  const again = must(await s.api('POST', `/api/v1/disclosures/${d.id}/questions`, { token: A.villager, body }), 200);
  assert.equal(again.question_list.length, 1, 'a retry with the same key asks once');

  assert.equal((await s.api('POST', `/api/v1/disclosures/${d.id}/questions`, { token: B.villager, body: { question: '外村能问吗？' } })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/disclosures/${d.id}/questions`, { token: A.cadre, body: { question: '干部提问？' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disclosures/${d.id}/questions`, { body: { question: '匿名？' } })).status, 401);

  // the open question ages on the board
  await s.advance(3 * 86400);
  await relogin();
  let b = await board(town.official, town.id);
  const open = b.open_questions.find((x) => x.id === q.id);
  assert.equal(open.age_days, 3);
  assert.equal(open.asker_name, '李琳');

  assert.equal((await s.api('POST', `/api/v1/disclosure-questions/${q.id}/answer`, { token: B.cadre, body: { answer: '外村答复' } })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/disclosure-questions/${q.id}/answer`, { token: town.official, body: { answer: '镇里答复' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disclosure-questions/${q.id}/answer`, { token: A.villager, body: { answer: '自问自答' } })).status, 403);
  must(await s.api('POST', `/api/v1/disclosure-questions/${q.id}/answer`, { token: A.cadre, body: { answer: '是村道路灯的电费和维修费。' } }), 200);
  assert.equal((await s.api('POST', `/api/v1/disclosure-questions/${q.id}/answer`, { token: A.cadre, body: { answer: '再答一次' } })).status, 409);
  b = await board(town.official, town.id);
  assert.ok(!b.open_questions.some((x) => x.id === q.id));

  const seen = must(await s.api('GET', `/api/v1/disclosures/${d.id}`, { token: A.villager }), 200);
  assert.equal(seen.question_list[0].answer, '是村道路灯的电费和维修费。');
  assert.equal(seen.question_list[0].age_days, 3);
  const pub = must(await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures/${d.id}`), 200);
  assert.equal(pub.question_list[0].asker, '李*');
  assert.equal(pub.question_list[0].answer, '是村道路灯的电费和维修费。');
  assert.equal(pub.question_list[0].mine, false);
  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=disclosure_question&object_id=${q.id}`, { token: A.cadre }), 200);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['answer', 'ask']);
  A.finance = d.id;
});

test('the public pages show published, not withdrawn items and no personal data', async () => {
  const list = must(await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures?limit=200`), 200);
  assert.ok(list.total > 10);
  assert.ok(list.items.every((d) => d.status === 'published' && d.village_id === A.village));
  const text = JSON.stringify(list);
  for (const word of ['published_by_name', 'can_manage', 'withdraw_reason', '李国华', '李琳']) assert.ok(!text.includes(word), word);
  const fin = must(await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures?kind=finance`), 200);
  assert.ok(fin.items.every((d) => d.kind === 'finance'));
  const item = await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures/${A.finance}`);
  assert.equal(item.status, 200);
  for (const word of ['李琳', '李国华', 'asker_name', 'created_by_name', '1562026']) assert.ok(!item.text.includes(word), word);
  // another village's item, an unknown village, a town are not found
  const bItems = must(await s.api('GET', `/api/v1/disclosures?unit_id=${B.village}`, { token: B.cadre }), 200);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures/${bItems.items[0].id}`)).status, 404);
  assert.equal((await s.api('GET', '/api/v1/public/villages/999999/disclosures')).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${town.id}/disclosures`)).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${A.village}/disclosures?status=withdrawn`)).status, 400);
  const tl = must(await s.api('GET', `/api/v1/public/villages/${A.village}/chronicle`), 200);
  assert.ok(!JSON.stringify(tl).includes('created_by_name'));
  assert.ok(tl.items.every((e) => e.status === 'published'));
});

test('who may do what: scope and roles', async () => {
  const day = await today();
  const q = quarterOf(day).text;
  const body = { village_id: A.village, kind: 'party', category: '组织生活', period: q, title: '测试', body: '测试' };
  for (const [who, status] of [[B.cadre, 404], [town.official, 403], [county.admin, 403], [inspector, 403], [A.villager, 403], [grid, 403], [undefined, 401]]) {
    const r = await s.api('POST', '/api/v1/disclosures', { token: who, body });
    assert.equal(r.status, status, r.text);
  }
  const listA = (t) => s.api('GET', `/api/v1/disclosures?unit_id=${A.village}`, { token: t });
  assert.equal((await listA(B.cadre)).status, 404);
  assert.equal((await listA(B.villager)).status, 404);
  assert.equal((await listA(grid)).status, 200, 'staff of the village read what is published');
  assert.equal((await listA(town.official)).status, 200);
  assert.equal((await s.api('GET', `/api/v1/disclosures?unit_id=${town.id}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/disclosures/${A.finance}`, { token: B.villager })).status, 404);
  assert.equal((await s.api('PATCH', `/api/v1/disclosures/${A.finance}`, { token: B.cadre, body: { title: 'x', reason: 'y' } })).status, 404);
  assert.equal((await s.api('PATCH', `/api/v1/disclosures/${A.finance}`, { token: town.official, body: { title: 'x', reason: 'y' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disclosures/${A.finance}/withdraw`, { token: A.villager, body: { reason: 'y' } })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/disclosure-questions?unit_id=${A.village}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/disclosure-questions?unit_id=${A.village}`, { token: B.cadre })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disclosure-questions?unit_id=${town.id}`, { token: town.official })).status, 200);
  assert.equal((await s.api('POST', '/api/v1/chronicle', { token: town.official, body: { village_id: A.village, happened_on: day, title: 'x', body: 'y' } })).status, 403);
  assert.equal((await s.api('POST', '/api/v1/chronicle', { token: B.cadre, body: { village_id: A.village, happened_on: day, title: 'x', body: 'y' } })).status, 404);
});

test('bad input for every endpoint is refused field by field and changes nothing', async () => {
  const count = async () => must(await s.api('GET', `/api/v1/disclosures?unit_id=${A.village}&status=all&limit=1`, { token: A.cadre }), 200).total;
  const before = await count();
  const day = await today();
  const future = dateOf(dayNo(day) + 3);
  let r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: A.village, kind: 'weather', category: '', period: '2026-Q5', title: '', body: '   ', files: ['nope'], colour: 'red' } });
  assert.equal(r.status, 400, r.text);
  for (const f of ['kind', 'category', 'period', 'title', 'body', 'files', 'colour']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  assert.match(r.json.error.fields.kind, /党务/);
  r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: A.village, kind: 'party', category: '组织', period: day.slice(0, 7), title: 'x', body: 'y' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.period, /季度/);
  r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: A.village, kind: 'village', category: '重大事项', period: future, title: 'x', body: 'y' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.period, /今天/);
  r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: town.id, kind: 'village', category: 'c', period: quarterOf(day).text, title: 'x', body: 'y' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.village_id);
  const other = await upload(A.villager, pngPixel(1, 1, 9), 'image/png');
  r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: A.village, kind: 'village', category: 'c', period: quarterOf(day).text, title: 'x', body: 'y', files: [other] } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.files, /不是你上传的/);
  r = await s.api('POST', '/api/v1/disclosures', { token: A.cadre, body: { village_id: A.village, kind: 'village', category: 'c'.repeat(21), period: quarterOf(day).text, title: 't'.repeat(61), body: 'y', files: 'x' } });
  assert.equal(r.status, 400);
  for (const f of ['category', 'title', 'files']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  assert.equal(await count(), before);

  const one = must(await s.api('GET', `/api/v1/disclosures/${A.finance}`, { token: A.cadre }), 200);
  r = await s.api('PATCH', `/api/v1/disclosures/${A.finance}`, { token: A.cadre, body: { title: '', body: '\u0001', reason: '' } });
  assert.equal(r.status, 400);
  for (const f of ['title', 'body', 'reason']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  r = await s.api('POST', `/api/v1/disclosures/${A.finance}/withdraw`, { token: A.cadre, body: { reason: '   ' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.reason);
  r = await s.api('POST', `/api/v1/disclosures/${A.finance}/questions`, { token: A.villager, body: { question: '' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.question);
  r = await s.api('POST', `/api/v1/disclosures/${A.finance}/questions`, { token: A.villager, body: { question: '问'.repeat(301) } });
  assert.equal(r.status, 400);
  const after = must(await s.api('GET', `/api/v1/disclosures/${A.finance}`, { token: A.cadre }), 200);
  assert.equal(after.version_no, one.version_no);
  assert.equal(after.status, 'published');
  assert.equal(after.question_list.length, one.question_list.length);

  const open = must(await s.api('GET', `/api/v1/disclosure-questions?unit_id=${A.village}&status=open`, { token: A.cadre }), 200);
  r = await s.api('POST', `/api/v1/disclosure-questions/${open.items[0].id}/answer`, { token: A.cadre, body: { answer: ' ' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.answer);
  assert.equal(must(await s.api('GET', `/api/v1/disclosure-questions?unit_id=${A.village}&status=open`, { token: A.cadre }), 200).total, open.total);

  for (const [p, field] of [
    [`/api/v1/disclosures?unit_id=${A.village}&kind=x&status=y&period=z`, 'kind'],
    ['/api/v1/disclosures', 'unit_id'],
    [`/api/v1/disclosure-questions?unit_id=${A.village}&status=maybe`, 'status'],
    ['/api/v1/disclosure-questions', 'unit_id'],
    ['/api/v1/disclosure-board', 'unit'],
    ['/api/v1/disclosure-board?unit=abc', 'unit'],
    [`/api/v1/disclosure-settings?county_id=${A.village}`, 'county_id'],
    [`/api/v1/chronicle?unit_id=${town.id}`, 'unit_id'],
    [`/api/v1/chronicle?unit_id=${A.village}&status=x`, 'status'],
  ]) {
    const x = await s.api('GET', p, { token: A.cadre });
    assert.equal(x.status, 400, `${p}: ${x.text}`);
    assert.ok(x.json.error.fields[field], `${p}: ${x.text}`);
  }

  const settings = must(await s.api('GET', `/api/v1/disclosure-settings?county_id=${county.id}`, { token: county.admin }), 200);
  r = await s.api('PUT', '/api/v1/disclosure-settings', { token: county.admin, body: { county_id: county.id, major_days: 99, starts_on: '2026-02-30', busy_village_ids: [999999] } });
  assert.equal(r.status, 400);
  for (const f of ['major_days', 'starts_on', 'busy_village_ids']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  r = await s.api('PUT', '/api/v1/disclosure-settings', { token: county.admin, body: { county_id: county.id, busy_village_ids: [town.id] } });
  assert.equal(r.status, 400);
  assert.deepEqual(must(await s.api('GET', `/api/v1/disclosure-settings?county_id=${county.id}`, { token: county.admin }), 200), settings);

  const ccount = async () => must(await s.api('GET', `/api/v1/chronicle?unit_id=${A.village}&status=all&limit=1`, { token: A.cadre }), 200).total;
  const cbefore = await ccount();
  r = await s.api('POST', '/api/v1/chronicle', { token: A.cadre, body: { village_id: A.village, happened_on: future, title: '', body: '', photos: ['x'] } });
  assert.equal(r.status, 400);
  for (const f of ['happened_on', 'title', 'body', 'photos']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  const pdf = await upload(A.cadre, PDF, 'application/pdf');
  r = await s.api('POST', '/api/v1/chronicle', { token: A.cadre, body: { village_id: A.village, happened_on: '2026-13-01', title: 'x', body: 'y', photos: [pdf] } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.photos, /不是图片/);
  assert.ok(r.json.error.fields.happened_on);
  assert.equal(await ccount(), cbefore);
});

test('大事记: cadres add with photos, revise with history, withdraw with a reason; public timeline', async () => {
  const day = await today();
  const photo = await upload(A.cadre, pngPixel(200, 100, 50), 'image/png');
  const e = must(await s.api('POST', '/api/v1/chronicle', { token: A.cadre, body: { village_id: A.village, happened_on: day, title: '村民议事会成立', body: '选出议事会成员 9 名。', photos: [photo] } }), 201);
  assert.equal(e.version_no, 1);
  assert.equal(e.photos.length, 1);
  assert.equal(e.can_manage, true);
  const ph = await s.api('GET', `/api/v1/chronicle/${e.id}/photos/1`, { token: A.villager });
  assert.equal(ph.status, 200);
  assert.deepEqual(ph.body, pngPixel(200, 100, 50));
  const pph = await s.api('GET', `/api/v1/public/villages/${A.village}/chronicle/${e.id}/photos/1`);
  assert.equal(pph.status, 200);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${B.village}/chronicle/${e.id}/photos/1`)).status, 404);

  const r = must(await s.api('PATCH', `/api/v1/chronicle/${e.id}`, { token: A.cadre, body: { body: '选出议事会成员 11 名。', reason: '人数记错' } }), 200);
  assert.equal(r.version_no, 2);
  assert.equal(r.versions.length, 2);
  assert.equal(r.versions[1].body, '选出议事会成员 9 名。');
  assert.equal(r.versions[0].reason, '人数记错');
  const mine = must(await s.api('GET', '/api/v1/chronicle', { token: A.villager }), 200);
  assert.equal(mine.items[0].id, e.id);
  assert.equal((await s.api('PATCH', `/api/v1/chronicle/${e.id}`, { token: A.villager, body: { title: 'x', reason: 'y' } })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/chronicle/${e.id}`, { token: B.villager })).status, 404);

  const w = must(await s.api('POST', `/api/v1/chronicle/${e.id}/withdraw`, { token: A.cadre, body: { reason: '与上级通报不一致，待核实' } }), 200);
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.versions.length, 2);
  assert.equal((await s.api('POST', `/api/v1/chronicle/${e.id}/withdraw`, { token: A.cadre, body: { reason: '再撤' } })).status, 409);
  const pub = must(await s.api('GET', `/api/v1/public/villages/${A.village}/chronicle?limit=200`), 200);
  assert.ok(!pub.items.some((x) => x.id === e.id));
  assert.equal((await s.api('GET', `/api/v1/chronicle/${e.id}`, { token: A.villager })).status, 404);
  const all = must(await s.api('GET', `/api/v1/chronicle?unit_id=${A.village}&status=withdrawn`, { token: A.cadre }), 200);
  assert.ok(all.items.some((x) => x.id === e.id && x.withdraw_reason === '与上级通报不一致，待核实'));
  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=chronicle&object_id=${e.id}`, { token: A.cadre }), 200);
  assert.deepEqual(audit.items.map((x) => x.action).sort(), ['add', 'revise', 'withdraw']);
});
