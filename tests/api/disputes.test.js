// Disputes 矛盾纠纷: intake with parties; every step allowed and refused by role and
// scope (outside every grant 404, visible but not allowed 403, a step the state does not
// allow 409); mediators in scope only; sessions, the outcome (调解成功 with the agreement,
// 调解不成 with the referral) and the follow-up visit falling due through the test
// clock, a broken agreement reopening the dispute as recurring; the county's interval;
// statistics that reconcile with the list; a party's own view without the other
// parties' personal data. Village A is the demo's 青山村; village B is made here in the
// same town, village C in a second town.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, pngPixel, PHONES } = require('./lib');
const { readXlsx } = require('./xlsx');

let s;
const T = {};
const U = {};
const CREDS = {};
let category;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);

async function user(key, phone, name, role, unit) {
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone, name, password: 'Dispute-pass-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role, unit_id: unit } }), 200);
  CREDS[key] = [phone, 'Dispute-pass-2026'];
  T[key] = await s.login(phone, 'Dispute-pass-2026');
  return u.id;
}

async function advance(seconds) {
  const r = await s.advance(seconds);
  for (const [key, [phone, password]] of Object.entries(CREDS)) T[key] = await s.login(phone, password, { fresh: true });
  return r;
}

// An instant as the API takes it: ISO 8601 to the second.
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let seq = 0;
async function newDispute(token = T.cadre, extra = {}) {
  return post(token, '/api/v1/disputes', {
    village_id: U.A, category_id: category, dispute_type: 'neighbour', description: '两户因院墙界线争执',
    reporter_name: '王大山',
    parties: [{ role: 'applicant', name: '王大山', phone: '13512345678' }, { role: 'respondent', name: '刘小河' }],
    idempotency_key: `dispute-test-${++seq}-${Date.now()}`, ...extra,
  }, 201);
}

// Accepted and handled by the village, ready for mediation.
async function handling(id) {
  await post(T.cadre, `/api/v1/events/${id}/actions/accept`, {}, 200);
  return post(T.cadre, `/api/v1/events/${id}/actions/handle_locally`, {}, 200);
}

const session = (token, id, status = 201, body = {}) => post(token, `/api/v1/disputes/${id}/sessions`,
  { held_at: iso(Date.now() - 3600e3), place: '村委会调解室', notes: '双方到场陈述', ...body }, status);

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'handler', 'grid_worker', 'grid_worker_grid', 'inspector', 'clerk', 'villager']) {
    const key = role === 'county_admin' ? 'county' : role === 'town_official' ? 'town' : role;
    CREDS[key] = role === 'villager' ? [s.villager.phone, s.villager.password] : [PHONES[role], 'Cunzhi2026!'];
    T[key] = await s.as(role);
  }
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county, `/api/v1/units/${U.town}`)).parent_id;
  category = (await get(T.county, '/api/v1/event-categories')).items.find((k) => k.name === '矛盾纠纷').id;
  U.B = (await post(T.county, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'DP-VB', name: '柳溪村' }, 201)).id;
  U.cadreB = await user('cadreB', '19944440001', '邓书记', 'cadre', U.B);
  U.town2 = (await post(T.county, '/api/v1/units', { parent_id: U.county, kind: 'town', code: 'DP-T2', name: '青石镇' }, 201)).id;
  U.C = (await post(T.county, '/api/v1/units', { parent_id: U.town2, kind: 'village', code: 'DP-VC', name: '石桥村' }, 201)).id;
  await user('town2', '19944440002', '罗镇长', 'town_official', U.town2);
  U.grid = (await get(T.grid_worker, '/api/v1/session')).user_id;
  U.gridGrid = (await get(T.grid_worker_grid, '/api/v1/session')).user_id;
  U.town_user = (await get(T.town, '/api/v1/session')).user_id;
});

after(async () => { if (s) await s.close(); });

test('intake: parties are checked with every field error at once, in Chinese; a retry makes nothing new', async () => {
  const r = await s.api('POST', '/api/v1/disputes', { token: T.cadre, body: {
    village_id: U.A, category_id: category, dispute_type: 'quarrel', description: '',
    parties: [{ role: 'applicant', name: '王大山' }, { role: 'witness', name: '' }],
  } });
  assert.equal(r.status, 400, r.text);
  const f = r.json.error.fields;
  assert.match(f.dispute_type, /纠纷类型/);
  assert.match(f['parties[1]'], /身份/);
  assert.ok(f.description, r.text);
  const one = await s.api('POST', '/api/v1/disputes', { token: T.cadre, body: {
    village_id: U.A, category_id: category, dispute_type: 'family', description: '赡养纠纷',
    parties: [{ role: 'applicant', name: '王大山' }, { role: 'applicant', name: '王二山' }],
  } });
  assert.equal(one.status, 400);
  assert.match(one.json.error.fields.parties, /被申请人/);
  const missing = await s.api('POST', '/api/v1/disputes', { token: T.cadre, body: { village_id: U.A, category_id: category, dispute_type: 'family', description: 'x' } });
  assert.equal(missing.status, 400);
  assert.ok(missing.json.error.fields.parties);
  // a cadre of another village cannot enter one for 青山村; a clerk cannot enter one at all
  assert.equal((await s.api('POST', '/api/v1/disputes', { token: T.cadreB, body: { village_id: U.A, category_id: category, dispute_type: 'family', description: 'x', parties: [{ role: 'applicant', name: '甲' }, { role: 'respondent', name: '乙' }] } })).status, 404);
  const key = `dispute-retry-${Date.now()}`;
  const a = await newDispute(T.cadre, { idempotency_key: key });
  const b = await newDispute(T.cadre, { idempotency_key: key });
  assert.equal(a.id, b.id);
  assert.equal(a.event.state, 'pending');
  assert.equal(a.dispute_type_label, '邻里纠纷');
  assert.equal(a.parties.length, 2);
  assert.equal(a.parties[0].role_label, '申请人');
  assert.equal(a.parties[0].name, '王大山');
  assert.equal(a.parties[0].phone, '13512345678');
  // the event list knows its kind
  const evs = await get(T.cadre, `/api/v1/events?kind=dispute&unit_id=${U.A}&limit=200`);
  assert.ok(evs.items.some((e) => e.id === a.id && e.kind === 'dispute'));
  assert.equal((await s.api('GET', '/api/v1/events?kind=quarrel', { token: T.cadre })).status, 400);
});

test('reading: scope decides 404, personal data is masked for those who may not read it', async () => {
  const d = await newDispute();
  assert.equal((await get(T.town, `/api/v1/disputes/${d.id}`)).parties[0].name, '王大山');
  const insp = await get(T.inspector, `/api/v1/disputes/${d.id}`);
  assert.equal(insp.parties[0].name, '王*');
  assert.equal(insp.parties[0].phone, '135****5678');
  assert.equal((await s.api('GET', `/api/v1/disputes/${d.id}`, { token: T.cadreB })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disputes/${d.id}`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disputes/${d.id}`, { token: T.clerk })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/disputes/${d.id}`, { token: T.villager })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/disputes/999999', { token: T.county })).status, 404);
  // a plain event is not a dispute
  const ev = (await get(T.cadre, `/api/v1/events?kind=general&unit_id=${U.A}&limit=1`)).items[0];
  assert.equal((await s.api('GET', `/api/v1/disputes/${ev.id}`, { token: T.cadre })).status, 404);
  // lists: the town sees it, village B's cadre does not, a villager is sent to their own view
  const mine = await get(T.town, `/api/v1/disputes?unit_id=${U.A}&limit=200`);
  assert.ok(mine.items.some((x) => x.id === d.id));
  const other = await get(T.cadreB, '/api/v1/disputes?limit=200');
  assert.ok(!other.items.some((x) => x.id === d.id));
  assert.equal((await s.api('GET', `/api/v1/disputes?unit_id=${U.A}`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/disputes', { token: T.villager })).status, 403);
});

test('mediators: named by who manages the dispute, only accounts in scope', async () => {
  const d = await newDispute();
  const cands = await get(T.cadre, `/api/v1/disputes/${d.id}/mediator-candidates`);
  const ids = cands.items.map((c) => c.user_id);
  assert.ok(ids.includes(U.grid) && ids.includes(U.town_user), JSON.stringify(cands));
  assert.ok(!ids.includes(U.cadreB));
  assert.equal((await s.api('GET', `/api/v1/disputes/${d.id}/mediator-candidates`, { token: T.grid_worker })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/mediators`, { token: T.grid_worker, body: { user_id: U.grid } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/mediators`, { token: T.inspector, body: { user_id: U.grid } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/mediators`, { token: T.cadreB, body: { user_id: U.grid } })).status, 404);
  const bad = await s.api('POST', `/api/v1/disputes/${d.id}/mediators`, { token: T.cadre, body: { user_id: U.cadreB } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.user_id, /不能调解/);
  const ok = await post(T.cadre, `/api/v1/disputes/${d.id}/mediators`, { user_id: U.grid }, 201);
  assert.deepEqual(ok.mediators.map((m) => m.user_id), [U.grid]);
  assert.ok(ok.event.timeline.some((st) => st.action === 'mediator_add'));
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/mediators`, { token: T.cadre, body: { user_id: U.grid } })).status, 409);
  await post(T.town, `/api/v1/disputes/${d.id}/mediators`, { user_id: U.gridGrid }, 201);
  assert.equal((await s.api('DELETE', `/api/v1/disputes/${d.id}/mediators/${U.gridGrid}`, { token: T.grid_worker })).status, 403);
  const rm = must(await s.api('DELETE', `/api/v1/disputes/${d.id}/mediators/${U.gridGrid}`, { token: T.cadre }), 200);
  assert.equal(rm.mediators.length, 1);
  assert.equal((await s.api('DELETE', `/api/v1/disputes/${d.id}/mediators/${U.gridGrid}`, { token: T.cadre })).status, 400);
});

test('sessions and the outcome: assigned mediators and managers only, while 办理中', async () => {
  const d = await newDispute();
  await post(T.cadre, `/api/v1/disputes/${d.id}/mediators`, { user_id: U.grid }, 201);
  // not taken in yet
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.grid_worker, body: { held_at: iso(Date.now()), place: '村委会', notes: 'x' } })).status, 409);
  await handling(d.id);
  const bad = await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.grid_worker, body: { held_at: 'yesterday', place: '', notes: '' } });
  assert.equal(bad.status, 400);
  for (const f of ['held_at', 'place', 'notes']) assert.ok(bad.json.error.fields[f], `${f}: ${bad.text}`);
  // a grid worker of the village who is not its mediator sees it but may not mediate
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.grid_worker_grid, body: { held_at: iso(Date.now()), place: '村委会', notes: 'x' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.inspector, body: { held_at: iso(Date.now()), place: '村委会', notes: 'x' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.cadreB, body: { held_at: iso(Date.now()), place: '村委会', notes: 'x' } })).status, 404);
  // a photo of the session
  const png = pngPixel(10, 120, 30);
  const photo = must(await s.api('POST', '/api/v1/files', { token: T.grid_worker, raw: png, headers: { 'content-type': 'application/octet-stream' } }), 201);
  const withPhoto = await session(T.grid_worker, d.id, 201, { photos: [photo.hash] });
  assert.equal(withPhoto.sessions.length, 1);
  assert.equal(withPhoto.sessions[0].photos.length, 1);
  const img = await s.api('GET', withPhoto.sessions[0].photos[0], { token: T.inspector });
  assert.equal(img.status, 200);
  assert.equal((await s.api('GET', withPhoto.sessions[0].photos[0], { token: T.cadreB })).status, 404);
  assert.equal(withPhoto.event.timeline.at(-1).action, 'mediation');
  // the outcome
  const none = await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.grid_worker, body: { outcome: 'mediated' } });
  assert.equal(none.status, 400);
  assert.match(none.json.error.fields.agreement, /协议/);
  const nowhere = await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.grid_worker, body: { outcome: 'failed' } });
  assert.equal(nowhere.status, 400);
  assert.ok(nowhere.json.error.fields.referred_to);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.inspector, body: { outcome: 'mediated', agreement: '协议' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.town2, body: { outcome: 'mediated', agreement: '协议' } })).status, 404);
  const done = await post(T.grid_worker, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'mediated', agreement: '刘家一周内拆除越界院墙。' }, 200);
  assert.equal(done.outcome, 'mediated');
  assert.equal(done.event.state, 'finished');
  assert.equal(done.stage_label, '待回访');
  assert.ok(done.followup_due);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.grid_worker, body: { outcome: 'mediated', agreement: '再来一次' } })).status, 409);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/sessions`, { token: T.grid_worker, body: { held_at: iso(Date.now()), place: '村委会', notes: 'x' } })).status, 409);
});

test('调解不成: referred, with the reason when referred elsewhere', async () => {
  const d = await newDispute(T.cadre, { dispute_type: 'land' });
  await handling(d.id);
  const other = await s.api('POST', `/api/v1/disputes/${d.id}/outcome`, { token: T.cadre, body: { outcome: 'failed', referred_to: 'other' } });
  assert.equal(other.status, 400);
  assert.ok(other.json.error.fields.note);
  const r = await post(T.cadre, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'failed', referred_to: 'court', note: '当事人已起诉' }, 200);
  assert.equal(r.referred_label, '法院');
  assert.equal(r.stage_label, '调解不成');
  assert.equal(r.event.state, 'finished');
  assert.match(r.event.timeline.at(-1).note, /法院/);
  // no follow-up for a referred dispute
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.cadre, body: { result: 'kept' } })).status, 409);
});

test('settings: the county sets the follow-up interval', async () => {
  const g = await get(T.cadre, '/api/v1/dispute-settings');
  assert.equal(g.county_id, U.county);
  assert.equal((await s.api('PUT', '/api/v1/dispute-settings', { token: T.cadre, body: { followup_days: 10 } })).status, 403);
  assert.equal((await s.api('PUT', '/api/v1/dispute-settings', { token: T.town, body: { followup_days: 10 } })).status, 403);
  const bad = await s.api('PUT', '/api/v1/dispute-settings', { token: T.county, body: { followup_days: 0 } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.followup_days, /回访间隔.*1 到 365/);
  assert.equal(must(await s.api('PUT', '/api/v1/dispute-settings', { token: T.county, body: { followup_days: 20 } }), 200).followup_days, 20);
  assert.equal((await get(T.town, '/api/v1/dispute-settings')).followup_days, 20);
});

test('follow-up: due after the interval (test clock); a broken agreement reopens it as recurring', async () => {
  await s.api('PUT', '/api/v1/dispute-settings', { token: T.county, body: { followup_days: 20 } });
  const d = await newDispute(T.cadre, { dispute_type: 'family' });
  await post(T.cadre, `/api/v1/disputes/${d.id}/mediators`, { user_id: U.grid }, 201);
  await handling(d.id);
  await session(T.grid_worker, d.id);
  const m = await post(T.grid_worker, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'mediated', agreement: '按月支付赡养费。' }, 200);
  const due = Date.parse(m.followup_due) - Date.parse(m.outcome_at);
  assert.equal(due, 20 * 86400e3);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.grid_worker, body: { result: 'kept' } })).status, 409);
  const before1 = await get(T.cadre, `/api/v1/disputes?unit_id=${U.A}&followup_due=1&limit=200`);
  assert.ok(!before1.items.some((x) => x.id === d.id));
  await advance(20 * 86400 + 60);
  const after1 = await get(T.cadre, `/api/v1/disputes?unit_id=${U.A}&followup_overdue=1&limit=200`);
  const row = after1.items.find((x) => x.id === d.id);
  assert.ok(row, 'the follow-up is overdue');
  assert.equal(row.stage_label, '回访逾期');
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.inspector, body: { result: 'kept' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.grid_worker_grid, body: { result: 'kept' } })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.cadreB, body: { result: 'kept' } })).status, 404);
  const noNote = await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.grid_worker, body: { result: 'broken' } });
  assert.equal(noNote.status, 400);
  assert.ok(noNote.json.error.fields.note);
  const broken = await post(T.grid_worker, `/api/v1/disputes/${d.id}/followup`, { result: 'broken', note: '没有按月支付' }, 200);
  assert.equal(broken.recurring, 1);
  assert.equal(broken.outcome, null);
  assert.equal(broken.event.state, 'handling');
  assert.ok(broken.event.timeline.some((st) => st.action === 'reopen'));
  const rec = await get(T.cadre, `/api/v1/disputes?unit_id=${U.A}&recurring=1&limit=200`);
  assert.ok(rec.items.some((x) => x.id === d.id));
  // mediated again, and kept at the next follow-up
  await session(T.grid_worker, d.id);
  await post(T.grid_worker, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'mediated', agreement: '当场补齐欠款，此后按月支付。' }, 200);
  await advance(20 * 86400 + 60);
  const kept = await post(T.grid_worker, `/api/v1/disputes/${d.id}/followup`, { result: 'kept', note: '已按月支付' }, 200);
  assert.equal(kept.followup_result, 'kept');
  assert.equal(kept.stage_label, '协议已履行');
  assert.equal(kept.recurring, 1);
  assert.equal((await s.api('POST', `/api/v1/disputes/${d.id}/followup`, { token: T.grid_worker, body: { result: 'kept' } })).status, 409);
});

test('a follow-up falling due is told to the mediators once by the job (test clock), again after a new outcome', async () => {
  await s.api('PUT', '/api/v1/dispute-settings', { token: T.county, body: { followup_days: 20 } });
  const d = await newDispute(T.cadre, { dispute_type: 'family' });
  await post(T.cadre, `/api/v1/disputes/${d.id}/mediators`, { user_id: U.grid }, 201);
  await handling(d.id);
  await session(T.grid_worker, d.id, 201, { held_at: iso(Date.parse((await s.advance(0)).now) - 60e3) });
  const m = await post(T.grid_worker, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'mediated', agreement: '每月五日前付清生活费。' }, 200);
  const mediator = m.mediators[0].name;
  const notices = async () => (await get(T.cadre, `/api/v1/disputes/${d.id}`)).event.timeline.filter((st) => st.action === 'followup_due');
  const mine = async () => (await get(T.grid_worker, '/api/v1/disputes?mine=1&followup_due=1&limit=200')).items.some((x) => x.id === d.id);
  await advance(19 * 86400);
  assert.equal((await notices()).length, 0, 'not before the follow-up is due');
  assert.equal((await get(T.cadre, `/api/v1/disputes/${d.id}`)).followup_notified_at, null);
  assert.equal(await mine(), false);
  await advance(86400 + 60);
  let got = await notices();
  assert.equal(got.length, 1, 'told once the follow-up is due');
  assert.match(got[0].note, new RegExp(`回访已到期.*请调解员${mediator}回访`));
  const stamped = (await get(T.cadre, `/api/v1/disputes/${d.id}`)).followup_notified_at;
  assert.ok(stamped);
  assert.equal(await mine(), true, "in the mediator's list of follow-ups due");
  // later runs of the job (the scheduler's, the clock's) tell nobody again
  await advance(0);
  await advance(3600);
  await advance(2 * 86400);
  got = await notices();
  assert.equal(got.length, 1, 'not every run');
  assert.equal((await get(T.cadre, `/api/v1/disputes/${d.id}`)).followup_notified_at, stamped);
  // a broken agreement, a new mediation: the next follow-up is told again, once
  await post(T.grid_worker, `/api/v1/disputes/${d.id}/followup`, { result: 'broken', note: '本月未付' }, 200);
  await session(T.grid_worker, d.id, 201, { held_at: iso(Date.parse((await s.advance(0)).now) - 60e3) });
  const again = await post(T.grid_worker, `/api/v1/disputes/${d.id}/outcome`, { outcome: 'mediated', agreement: '当场付清，此后按月支付。' }, 200);
  assert.equal(again.followup_notified_at, null);
  await advance(20 * 86400 + 60);
  await advance(0);
  assert.equal((await notices()).length, 2);
  // visited before it was due: nothing to tell
  await post(T.grid_worker, `/api/v1/disputes/${d.id}/followup`, { result: 'kept', note: '已按月支付' }, 200);
  await advance(30 * 86400);
  assert.equal((await notices()).length, 2);
});

test('statistics reconcile with the list, for the village, town and county', async () => {
  const day = (t) => new Date(t).toISOString().slice(0, 10);
  const now = Date.parse((await s.advance(0)).now);
  const from = day(now - 400 * 86400e3);
  const to = day(now + 86400e3);
  for (const unit of [U.A, U.town, U.county]) {
    const st = await get(T.county, `/api/v1/dispute-stats?unit_id=${unit}&from=${from}&to=${to}`);
    const count = async (q) => (await get(T.county, `/api/v1/disputes?unit_id=${unit}&from=${from}&to=${to}&limit=1${q}`)).total;
    assert.equal(st.total.received, await count(''));
    assert.equal(st.total.mediating, await count('&stage=mediating'));
    assert.equal(st.total.mediated, await count('&stage=mediated'));
    assert.equal(st.total.referred, await count('&stage=referred'));
    assert.equal(st.total.kept, await count('&stage=kept'));
    assert.equal(st.total.recurring, await count('&recurring=1'));
    assert.equal(st.total.followups_due, await count('&followup_due=1'));
    assert.equal(st.total.followups_overdue, await count('&followup_overdue=1'));
    assert.equal(st.total.received, st.villages.reduce((a, v) => a + v.received, 0));
    assert.ok(st.total.received > 0 && st.total.mediated > 0 && st.total.referred > 0 && st.total.recurring > 0, JSON.stringify(st.total));
  }
  // the town's view is the town's: village B's cadre counts only village B
  const b = await get(T.cadreB, `/api/v1/dispute-stats?unit_id=${U.B}`);
  assert.equal(b.total.received, 0);
  assert.equal((await s.api('GET', `/api/v1/dispute-stats?unit_id=${U.A}`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/dispute-stats', { token: T.villager })).status, 403);
});

test('the monthly series of the last 12 months and the XLSX reconcile with the statistics of each month', async () => {
  const now = Date.parse((await s.advance(0)).now);
  const cn = new Date(now + 8 * 3600e3);
  const months = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(cn.getUTCFullYear(), cn.getUTCMonth() - i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  const next = (m) => {
    const [y, mo] = m.split('-').map(Number);
    return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  };
  const keys = ['received', 'mediating', 'mediated', 'referred', 'recurring', 'followups_due', 'followups_overdue', 'kept'];
  for (const unit of [U.A, U.county]) {
    const series = await get(T.county, `/api/v1/dispute-stats?unit_id=${unit}&group_by=month`);
    assert.deepEqual(series.months.map((m) => m.month), months, 'the last 12 months, oldest first, every month present');
    for (const m of series.months) {
      const one = await get(T.county, `/api/v1/dispute-stats?unit_id=${unit}&from=${m.month}-01T00:00:00%2B08:00&to=${next(m.month)}-01T00:00:00%2B08:00`);
      for (const k of keys) assert.equal(m[k], one.total[k], `${m.month} ${k}`);
    }
    for (const k of keys) assert.equal(series.total[k], series.months.reduce((a, m) => a + m[k], 0), `total ${k}`);
    assert.ok(series.months.filter((m) => m.received > 0).length >= 3, `the demo's disputes spread over months: ${JSON.stringify(series.months.map((m) => m.received))}`);

    const x = await s.api('GET', `/api/v1/dispute-stats?unit_id=${unit}&from=2020-01-01&format=xlsx`, { token: T.county });
    assert.equal(x.status, 200, x.text);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    assert.match(decodeURIComponent(x.headers.get('content-disposition')), /矛盾纠纷统计/);
    const book = readXlsx(x.body);
    assert.deepEqual(Object.keys(book), ['按村', '近12个月', '说明']);
    const byVillage = await get(T.county, `/api/v1/dispute-stats?unit_id=${unit}&from=2020-01-01`);
    const cols = book['按村'][0];
    assert.equal(cols[0], '村');
    assert.equal(book['按村'].length, byVillage.villages.length + 2);
    byVillage.villages.forEach((v, i) => {
      const row = book['按村'][i + 1];
      assert.equal(row[0], v.village_name);
      keys.forEach((k, j) => assert.equal(row[j + 1], v[k], `${v.village_name} ${cols[j + 1]}`));
    });
    const last = book['按村'][book['按村'].length - 1];
    assert.equal(last[0], '合计');
    keys.forEach((k, j) => assert.equal(last[j + 1], byVillage.total[k]));
    if (byVillage.total.mediation_rate !== null) assert.ok(Math.abs(last[9] - byVillage.total.mediation_rate) < 1e-9);
    const sheet = book['近12个月'];
    assert.deepEqual(sheet.slice(1, 13).map((r) => r[0]), months);
    series.months.forEach((m, i) => keys.forEach((k, j) => assert.equal(sheet[i + 1][j + 1], m[k], `${m.month} ${k}`)));
  }
  // the same scope rules as the JSON
  assert.equal((await s.api('GET', `/api/v1/dispute-stats?unit_id=${U.A}&group_by=month`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/dispute-stats?unit_id=${U.A}&format=xlsx`, { token: T.town2 })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/dispute-stats?format=xlsx', { token: T.villager })).status, 403);
  const b = await get(T.cadreB, `/api/v1/dispute-stats?unit_id=${U.B}&group_by=month`);
  assert.equal(b.total.received, 0);
  // bad parameters, each named
  const bad = await s.api('GET', '/api/v1/dispute-stats?group_by=week&format=pdf', { token: T.county });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.group_by && bad.json.error.fields.format, bad.text);
  const mixed = await s.api('GET', '/api/v1/dispute-stats?group_by=month&from=2026-01-01', { token: T.county });
  assert.equal(mixed.status, 400);
  assert.match(mixed.json.error.fields.group_by, /最近 12 个月/);
});

test("a party's own view: the timeline and their own data, not the other parties'", async () => {
  const list = await get(T.villager, '/api/v1/my/disputes');
  assert.ok(list.items.length >= 1, 'the demo villager is a party of a demo dispute');
  const d = await get(T.villager, `/api/v1/my/disputes/${list.items[0].id}`);
  const self = d.parties.find((p) => p.self);
  assert.ok(self && self.name, JSON.stringify(d.parties));
  for (const p of d.parties.filter((x) => !x.self)) {
    assert.equal(p.name, undefined);
    assert.equal(p.phone, undefined);
    assert.ok(p.role_label);
  }
  assert.equal(d.agreement, undefined);
  assert.ok(d.event.timeline.length > 2);
  for (const ses of d.sessions) assert.equal(ses.notes, undefined);
  assert.equal(d.event.reporter, undefined);
  // someone else's dispute is not there; staff have no party view of others' disputes
  const other = await newDispute();
  assert.equal((await s.api('GET', `/api/v1/my/disputes/${other.id}`, { token: T.villager })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/my/disputes/${other.id}`, { token: T.cadre })).status, 404);
  // a villager reporting their own dispute sees it here, with their description
  const own = await post(T.villager, '/api/v1/disputes', {
    village_id: U.A, category_id: category, dispute_type: 'neighbour', description: '邻居的狗咬伤了我家的鸡',
    parties: [{ role: 'applicant', name: '李琳' }, { role: 'respondent', name: '隔壁老张', phone: '13698765432' }],
  }, 201);
  assert.equal(own.event.description, '邻居的狗咬伤了我家的鸡');
  const mine = await get(T.villager, '/api/v1/my/disputes');
  const row = mine.items.find((x) => x.id === own.id);
  assert.ok(row);
  const full = await get(T.villager, `/api/v1/my/disputes/${row.id}`);
  const resp = full.parties.find((p) => p.role === 'respondent');
  assert.equal(resp.name, undefined);
  assert.equal(resp.phone, undefined);
  // the cadre sees it in full
  assert.equal((await get(T.cadre, `/api/v1/disputes/${own.id}`)).parties[1].phone, '13698765432');
});
