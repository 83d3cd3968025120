// Events 民情: the holiday calendar and the county's settings; intake by villagers,
// grid workers, cadres and the hotline; every move of the state machine allowed and
// refused by role and scope (outside every grant 404, visible but not allowed 403, a
// move the state does not allow 409); reopening after 不满意 (once); duplicates linked;
// deadlines, warnings and escalation 督办 through the test clock; the public 民情码 form
// (challenge, limits, forged codes); statistics that reconcile with the list. Village A
// is the demo's 青山村 (with its demo events); village B is made here in the same town,
// village C in a second town.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, pngPixel, PHONES } = require('./lib');

let s;
const T = {};      // tokens by role
const U = {};      // unit ids
const D = {};      // department ids by name
const K = {};      // category ids by name

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);
const act = (token, id, action, body = {}, status = 200) => post(token, `/api/v1/events/${id}/actions/${action}`, body, status);

async function report(token, body, status = 201) {
  return post(token, '/api/v1/events', { village_id: U.A, category_id: K['道路交通'], description: '三组的路灯坏了', ...body }, status);
}

const CREDS = {};  // token name → [phone, password], to log in again after the clock moved

async function user(key, phone, name, role, unit) {
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone, name, password: 'Events-pass-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role, unit_id: unit } }), 200);
  CREDS[key] = [phone, 'Events-pass-2026'];
  T[key] = await s.login(phone, 'Events-pass-2026');
}

// Moves the test clock (running the jobs) and logs everyone in again: sessions expire.
async function advance(seconds) {
  const r = await s.advance(seconds);
  for (const [key, [phone, password]] of Object.entries(CREDS)) T[key] = await s.login(phone, password, { fresh: true });
  return r;
}

async function serverNow() {
  return Date.parse((await s.advance(0)).now) / 1000;
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'handler', 'grid_worker', 'grid_worker_grid', 'inspector', 'operator', 'villager', 'clerk']) {
    const key = role === 'county_admin' ? 'county' : role === 'town_official' ? 'town' : role;
    CREDS[key] = role === 'villager' ? [s.villager.phone, s.villager.password] : [PHONES[role], 'Cunzhi2026!'];
    T[key] = await s.as(role);
  }
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county, `/api/v1/units/${U.town}`)).parent_id;
  for (const d of (await get(T.county, '/api/v1/event-departments')).items) D[d.name] = d.id;
  for (const k of (await get(T.county, '/api/v1/event-categories')).items) K[k.name] = k.id;
  // village B in the same town with its cadre; town 2 with village C, its official and cadre
  U.B = (await post(T.county, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'EV-VB', name: '柳溪村' }, 201)).id;
  await user('cadreB', '19933330001', '邓书记', 'cadre', U.B);
  U.town2 = (await post(T.county, '/api/v1/units', { parent_id: U.county, kind: 'town', code: 'EV-T2', name: '青石镇' }, 201)).id;
  U.C = (await post(T.county, '/api/v1/units', { parent_id: U.town2, kind: 'village', code: 'EV-VC', name: '石桥村' }, 201)).id;
  await user('town2', '19933330002', '罗镇长', 'town_official', U.town2);
  await user('cadreC', '19933330003', '石书记', 'cadre', U.C);
  // a second handler at 县水利局
  await user('handler2', '19933330004', '水利局办理人', 'handler', D['县水利局']);
});

after(async () => {
  if (s) await s.close();
});

// ---- calendar and settings ----

test('the holiday calendar ships National Day 2026 and its 调休 days; only the county edits it', async () => {
  const cal = await get(T.cadre, '/api/v1/holidays?year=2026');
  const day = (d) => cal.items.find((x) => x.day === d);
  assert.equal(day('2026-10-01').kind, 'holiday');
  assert.equal(day('2026-10-01').name, '国庆节');
  assert.equal(day('2026-10-10').kind, 'workday');
  assert.equal(day('2026-10-01').source, 'seed');
  let r = await s.api('PUT', '/api/v1/holidays/2026-12-31', { token: T.cadre, body: { kind: 'holiday', name: '跨年' } });
  assert.equal(r.status, 403, r.text);
  r = await s.api('PUT', '/api/v1/holidays/2026-12-31', { token: T.county, body: { kind: 'vacation' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.kind, /类型/);
  r = await s.api('PUT', '/api/v1/holidays/2026-02-30', { token: T.county, body: { kind: 'holiday' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.day, /日期/);
  must(await s.api('PUT', '/api/v1/holidays/2027-01-01', { token: T.county, body: { kind: 'holiday', name: '元旦' } }), 200);
  const next = await get(T.county, '/api/v1/holidays?year=2027');
  assert.equal(next.items.find((x) => x.day === '2027-01-01').source, 'admin');
  const audit = await get(T.county, `/api/v1/audit?unit_id=${U.county}&object_type=holiday`);
  assert.ok(audit.items.some((e) => e.action === 'set'));
});

test('categories, channels and departments: county settings with named field errors', async () => {
  let r = await s.api('POST', '/api/v1/event-categories', { token: T.cadre, body: { name: '文化活动', accept_hours: 24, finish_days: 5 } });
  assert.equal(r.status, 403, r.text);
  r = await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: '', accept_hours: 0, finish_days: 400 } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.accept_hours && r.json.error.fields.finish_days, r.text);
  const cat = await post(T.county, '/api/v1/event-categories', { name: '文化活动', accept_hours: 24, finish_days: 5, department_id: D['镇综治办'] }, 201);
  assert.equal(cat.department_name, '镇综治办');
  r = await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: '文化活动', accept_hours: 24, finish_days: 5 } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.name, /同名/);
  const upd = must(await s.api('PATCH', `/api/v1/event-categories/${cat.id}`, { token: T.county, body: { finish_days: 3, department_id: 0 } }), 200);
  assert.equal(upd.finish_days, 3);
  assert.equal(upd.department_id, null);
  K['文化活动'] = cat.id;

  r = await s.api('POST', '/api/v1/event-channels', { token: T.town, body: { code: 'wechat', name: '微信群' } });
  assert.equal(r.status, 403);
  const ch = await post(T.county, '/api/v1/event-channels', { code: 'wechat', name: '微信群' }, 201);
  assert.equal(ch.builtin, false);
  r = await s.api('POST', '/api/v1/event-channels', { token: T.county, body: { code: 'Bad Code', name: 'x' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.code);
  const channels = (await get(T.cadre, '/api/v1/event-channels')).items.map((c) => c.code);
  for (const c of ['public_form', 'app', 'grid', 'hotline', 'talk', 'cadre', 'wechat']) assert.ok(channels.includes(c), c);

  const dep = await post(T.county, '/api/v1/event-departments', { parent_id: U.town2, code: 'EV-T2-ZZ', name: '青石镇综治办' }, 201);
  assert.equal(dep.kind, 'department');
  D['青石镇综治办'] = dep.id;
  r = await s.api('POST', '/api/v1/event-departments', { token: T.county, body: { parent_id: U.A, code: 'EV-X', name: '村里的部门' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.parent_id);
  r = await s.api('POST', '/api/v1/event-departments', { token: T.town, body: { parent_id: U.town, code: 'EV-Y', name: '镇部门' } });
  assert.equal(r.status, 403);
  // handlers are granted on departments only
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone: '19933330009', name: '错位办理人', password: 'Events-pass-2026' } }), 201);
  r = await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role: 'handler', unit_id: U.town } });
  assert.equal(r.status, 400);
});

// ---- intake ----

test('intake: a villager in their own village, grid workers and cadres in scope, the hotline with the caller', async () => {
  const mine = await report(T.villager, { description: '村口的桥栏杆松了', lat: 29.15, lng: 103.88 });
  assert.equal(mine.state, 'pending');
  assert.equal(mine.channel, 'app');
  assert.deepEqual(mine.location, { lat: 29.15, lng: 103.88 });
  assert.ok(mine.reporter.name.length > 0 && !mine.reporter.name.includes('*'), 'the reporter sees their own name');
  assert.equal(mine.timeline[0].action, 'create');
  // not in another village: a village outside every grant is not revealed (404)
  let r = await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.B, category_id: K['道路交通'], description: 'x' } });
  assert.equal(r.status, 404, r.text);
  // staff out of scope (404), and staff who may only read (403)
  r = await s.api('POST', '/api/v1/events', { token: T.cadreB, body: { village_id: U.A, category_id: K['道路交通'], description: 'x' } });
  assert.equal(r.status, 404, r.text);
  r = await s.api('POST', '/api/v1/events', { token: T.inspector, body: { village_id: U.A, category_id: K['道路交通'], description: 'x' } });
  assert.equal(r.status, 403);
  // every field error at once, in Chinese, named
  r = await s.api('POST', '/api/v1/events', { token: T.cadre, body: { village_id: U.A, category_id: 999999, description: '', lat: 29 } });
  assert.equal(r.status, 400);
  for (const f of ['category_id', 'description', 'lng']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  // grid workers (on the village, and on a grid of it)
  const g1 = await report(T.grid_worker, { description: '巡查发现垃圾堆放', category_id: K['环境卫生'] });
  assert.equal(g1.channel, 'grid');
  const g2 = await report(T.grid_worker_grid, { description: '东片有户人家屋顶漏雨', category_id: K['社会救助'] });
  assert.equal(g2.channel, 'grid');
  // a cadre on someone's behalf, anonymous to the village
  const onBehalf = await report(T.cadre, { description: '老人反映低保的事', category_id: K['社会救助'], reporter_name: '王秀兰', reporter_phone: '13812345678', anonymous: true });
  assert.equal(onBehalf.channel, 'cadre');
  // the hotline keeps the caller's name and phone: full for the operator, masked for the town, hidden from the village
  r = await s.api('POST', '/api/v1/events', { token: T.operator, body: { village_id: U.A, category_id: K['饮水供水'], description: '自来水发黄' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.reporter_name && r.json.error.fields.reporter_phone, r.text);
  const call = await report(T.operator, { category_id: K['饮水供水'], description: '自来水发黄', reporter_name: '张德明', reporter_phone: '13987654321', anonymous: true });
  assert.equal(call.channel, 'hotline');
  assert.deepEqual(call.reporter, { name: '张德明', phone: '13987654321' });
  assert.deepEqual((await get(T.town, `/api/v1/events/${call.id}`)).reporter, { name: '张*', phone: '139****4321' });
  assert.deepEqual((await get(T.cadre, `/api/v1/events/${call.id}`)).reporter, { name: '匿名', phone: '' });
  r = await s.api('POST', '/api/v1/events', { token: T.cadre, body: { village_id: U.A, category_id: K['饮水供水'], description: 'x', channel: 'hotline', reporter_name: 'a', reporter_phone: '13900001111' } });
  assert.equal(r.status, 403);
  // the photo-required category, and photos by their upload hash
  r = await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.A, category_id: K['生态环境'], description: '河水发黑' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.photos, /照片/);
  const bad = await s.api('POST', '/api/v1/files', { token: T.villager, raw: Buffer.from('not an image at all'), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(bad.status, 400);
  const up = must(await s.api('POST', '/api/v1/files', { token: T.villager, raw: pngPixel(10, 200, 30), headers: { 'content-type': 'image/png' } }), 201);
  r = await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.A, category_id: K['生态环境'], description: '河水发黑', photos: ['0'.repeat(64)] } });
  assert.equal(r.status, 400);
  const withPhoto = await report(T.villager, { category_id: K['生态环境'], description: '河水发黑发臭', photos: [up.hash] });
  assert.equal(withPhoto.photos.length, 1);
  const img = await s.api('GET', withPhoto.photos[0].url, { token: T.cadre });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.equal((await s.api('GET', withPhoto.photos[0].url, { token: T.cadreB })).status, 404);
});

// ---- the state machine ----

test('the full path with every refusal: accept, dispatch, take, transfer, give back, finish, visit, reopen once', async () => {
  const e = await report(T.villager, { description: '五组机耕道被雨水冲毁' });
  const id = e.id;
  const p = `/api/v1/events/${id}`;
  // outside every grant: 404; visible but not allowed: 403
  await act(T.handler, id, 'accept', {}, 404);
  await act(T.cadreB, id, 'accept', {}, 404);
  await act(T.town2, id, 'accept', {}, 404);
  await act(T.clerk, id, 'accept', {}, 404);
  await act(T.inspector, id, 'accept', {}, 403);
  await act(T.grid_worker, id, 'accept', {}, 403);
  await act(T.villager, id, 'accept', {}, 403);
  await act(T.cadre, id, 'dispatch', {}, 403);
  await act(T.town, id, 'dispatch', {}, 409);          // not accepted yet
  await act(T.cadre, id, 'fly', {}, 404);               // no such move
  let ev = await act(T.cadre, id, 'accept', { note: '已受理，转交镇里研判' });
  assert.equal(ev.state, 'accepted');
  assert.ok(ev.finish_due);
  await act(T.cadre, id, 'accept', {}, 409);
  // the town dispatches to the category's department (县住建局) by default
  ev = await act(T.town, id, 'dispatch');
  assert.equal(ev.state, 'dispatched');
  assert.equal(ev.department_id, D['县住建局']);
  // a department of another town does not serve this village
  const wrongDept = await s.api('POST', `${p}/actions/transfer`, { token: T.town, body: { department_id: D['青石镇综治办'], note: 'x' } });
  assert.equal(wrongDept.status, 400);
  assert.ok(wrongDept.json.error.fields.department_id);
  await act(T.handler2, id, 'take', {}, 404);          // never with 县水利局
  await act(T.cadre, id, 'take', {}, 403);
  ev = await act(T.handler, id, 'take');
  assert.equal(ev.state, 'handling');
  assert.deepEqual(ev.actions.sort(), ['finish', 'give_back', 'note', 'transfer'].sort());
  // the handler sees the reporter in full
  assert.ok(!ev.reporter.name.includes('*'));
  // transfer 转派 needs a reason and another department
  let r = await s.api('POST', `${p}/actions/transfer`, { token: T.handler, body: { department_id: D['县水利局'] } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.note, /理由/);
  r = await s.api('POST', `${p}/actions/transfer`, { token: T.handler, body: { department_id: D['县住建局'], note: '转给自己' } });
  assert.equal(r.status, 400);
  ev = await act(T.handler, id, 'transfer', { department_id: D['县水利局'], note: '水毁道路由水利局牵头' });
  assert.equal(ev.state, 'dispatched');
  assert.equal(ev.department_name, '县水利局');
  // the first department still sees it (it had it) but can no longer act
  const seen = await get(T.handler, p);
  assert.deepEqual(seen.actions, []);
  await act(T.handler, id, 'take', {}, 403);
  ev = await act(T.handler2, id, 'take');
  // 退回 to the dispatcher with a reason
  r = await s.api('POST', `${p}/actions/give_back`, { token: T.handler2, body: {} });
  assert.equal(r.status, 400);
  ev = await act(T.handler2, id, 'give_back', { note: '机耕道属住建局管养' });
  assert.equal(ev.state, 'returned');
  assert.equal(ev.department_id, null);
  ev = await act(T.town, id, 'dispatch', { department_id: D['县住建局'] });
  ev = await act(T.handler, id, 'take');
  await act(T.handler, id, 'visit', { rating: 'satisfied' }, 403);
  r = await s.api('POST', `${p}/actions/finish`, { token: T.handler, body: { outcome: 'done' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.outcome, r.text);
  r = await s.api('POST', `${p}/actions/finish`, { token: T.handler, body: { outcome: 'unresolvable' } });
  assert.equal(r.status, 400, 'unresolvable needs a reason');
  ev = await act(T.handler, id, 'finish', { outcome: 'resolved', note: '已组织抢修，道路恢复通行' });
  assert.equal(ev.state, 'finished');
  assert.equal(ev.outcome, 'resolved');
  // 回访: the reporter rates (an account: only they may)
  await act(T.cadre, id, 'visit', { rating: 'satisfied' }, 403);
  r = await s.api('POST', `${p}/actions/visit`, { token: T.villager, body: { rating: 'great' } });
  assert.equal(r.status, 400);
  ev = await act(T.villager, id, 'visit', { rating: 'unsatisfied', note: '路面还是坑坑洼洼' });
  assert.equal(ev.state, 'handling', 'the first 不满意 reopens');
  assert.equal(ev.reopened, true);
  assert.equal(ev.department_id, D['县住建局'], 'to the same department');
  assert.equal(ev.outcome, null);
  ev = await act(T.handler, id, 'finish', { outcome: 'resolved', note: '重新铺设路面' });
  ev = await act(T.villager, id, 'visit', { rating: 'unsatisfied' });
  assert.equal(ev.state, 'visited', 'the second 不满意 closes it');
  assert.equal(ev.rating, 'unsatisfied');
  await act(T.villager, id, 'visit', { rating: 'satisfied' }, 409);
  const actions = ev.timeline.map((x) => x.action);
  assert.deepEqual(actions, ['create', 'accept', 'dispatch', 'take', 'transfer', 'take', 'give_back', 'dispatch', 'take',
    'finish', 'visit', 'reopen', 'finish', 'visit']);
  // every move in the village's audit chain
  const audit = await get(T.cadre, `/api/v1/audit?unit_id=${U.A}&object_type=event&object_id=${id}&limit=50`);
  // one entry per move: the 不满意 that reopened is one entry, "reopen"
  assert.equal(audit.items.length, 13);
  assert.ok(audit.items.some((a) => a.action === 'reopen'));
  const verify = await get(T.county, '/api/v1/audit/verify');
  assert.equal(verify.ok, true, JSON.stringify(verify));
  // the villager lists their own
  const mine = await get(T.villager, '/api/v1/events?mine=1&limit=200');
  assert.ok(mine.items.some((x) => x.id === id));
  assert.ok(mine.items.every((x) => x.village_id === U.A));
});

test('不予受理 with a reason; the town and county take events in too, the other town cannot', async () => {
  const e = await report(T.villager, { description: '想让村里给我家修院墙' });
  let r = await s.api('POST', `/api/v1/events/${e.id}/actions/reject`, { token: T.cadre, body: {} });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.note, /理由/);
  const ev = await act(T.cadre, e.id, 'reject', { note: '属于个人财产，不在受理范围' });
  assert.equal(ev.state, 'rejected');
  await act(T.cadre, e.id, 'accept', {}, 409);
  assert.equal((await get(T.villager, `/api/v1/events/${e.id}`)).state, 'rejected');
  const e2 = await report(T.villager, { description: '村道边的树倒了' });
  await act(T.town2, e2.id, 'accept', {}, 404);
  assert.equal((await act(T.county, e2.id, 'accept')).state, 'accepted');
});

test('village-level events are handled by the village itself; the hotline rates calls', async () => {
  const e = await report(T.operator, { category_id: K['环境卫生'], description: '垃圾点三天没清运', reporter_name: '刘桂兰', reporter_phone: '13700001111' });
  await act(T.cadre, e.id, 'accept');
  await act(T.handler, e.id, 'handle_locally', {}, 404);
  await act(T.town, e.id, 'handle_locally');   // the town may decide so too
  let ev = await get(T.cadre, `/api/v1/events/${e.id}`);
  assert.equal(ev.state, 'handling');
  assert.equal(ev.village_handled, true);
  assert.deepEqual(ev.actions.sort(), ['finish', 'note'].sort());
  ev = await act(T.cadre, e.id, 'note', { note: '已联系清运公司' });
  assert.equal(ev.timeline.at(-1).action, 'note');
  ev = await act(T.cadre, e.id, 'finish', { outcome: 'resolved', note: '已清运' });
  await act(T.villager, e.id, 'visit', { rating: 'satisfied' }, 404);   // not theirs
  ev = await act(T.operator, e.id, 'visit', { rating: 'basic', note: '电话回访' });
  assert.equal(ev.state, 'visited');
  assert.equal(ev.rating, 'basic');
});

test('duplicates are linked to the event they repeat', async () => {
  const first = await report(T.villager, { category_id: K['环境卫生'], description: '河沟里有人倒建筑垃圾' });
  const again = await report(T.grid_worker, { category_id: K['环境卫生'], description: '河沟建筑垃圾（重复反映）' });
  await act(T.cadre, again.id, 'accept');
  await act(T.cadre, again.id, 'handle_locally');
  let r = await s.api('POST', `/api/v1/events/${again.id}/actions/finish`, { token: T.cadre, body: { outcome: 'duplicate' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.duplicate_of);
  r = await s.api('POST', `/api/v1/events/${again.id}/actions/finish`, { token: T.cadre, body: { outcome: 'duplicate', duplicate_of: again.id } });
  assert.equal(r.status, 400);
  r = await s.api('POST', `/api/v1/events/${again.id}/actions/finish`, { token: T.cadre, body: { outcome: 'duplicate', duplicate_of: 99999999 } });
  assert.equal(r.status, 400);
  const ev = await act(T.cadre, again.id, 'finish', { outcome: 'duplicate', duplicate_of: first.id, note: '与先前反映的同一处' });
  assert.equal(ev.outcome, 'duplicate');
  assert.equal(ev.duplicate_of, first.id);
  const list = await get(T.cadre, `/api/v1/events?outcome=duplicate&limit=200`);
  assert.ok(list.items.some((x) => x.id === again.id && x.duplicate_of === first.id));
});

// ---- the public 民情码 form ----

function zeroBits(buf) {
  let bits = 0;
  for (const b of buf) {
    if (b === 0) { bits += 8; continue; }
    bits += Math.clz32(b) - 24;
    break;
  }
  return bits;
}

function solve(token, bits) {
  for (let n = 0; ; n++) {
    if (zeroBits(crypto.createHash('sha256').update(`${token}:${n}`).digest()) >= bits) return String(n);
  }
}

async function publicForm(village = U.A) {
  return get(undefined, `/api/v1/public/villages/${village}/events`);
}

async function publicReport(body = {}, village = U.A) {
  const form = await publicForm(village);
  const nonce = solve(form.challenge.token, form.challenge.bits);
  return s.api('POST', `/api/v1/public/villages/${village}/events`, {
    body: { category_id: K['道路交通'], description: '扫码反映：村口路灯不亮', reporter_name: '赵大勇', reporter_phone: '13611112222', challenge: form.challenge.token, nonce, ...body },
  });
}

test('the public 民情码 form: a challenge the page computes, a follow-up code that shows only that event', async () => {
  const form = await publicForm();
  assert.equal(form.village_name, '青山村');
  assert.ok(form.categories.some((c) => c.name === '道路交通'));
  assert.equal(form.challenge.bits, 16);
  // missing, wrong and forged work
  let r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body: { category_id: K['道路交通'], description: 'x', reporter_name: 'a', reporter_phone: '13611112222', challenge: form.challenge.token, nonce: 'nope' } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.nonce, r.text);
  const forged = form.challenge.token.replace(/\.[0-9a-f]{64}$/, '.' + 'a'.repeat(64));
  r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body: { category_id: K['道路交通'], description: 'x', reporter_name: 'a', reporter_phone: '13611112222', challenge: forged, nonce: solve(forged, 16) } });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.challenge);
  // a challenge of another village
  const other = await publicForm(U.B);
  r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body: { category_id: K['道路交通'], description: 'x', reporter_name: 'a', reporter_phone: '13611112222', challenge: other.challenge.token, nonce: solve(other.challenge.token, 16) } });
  assert.equal(r.status, 400);
  // photos are not taken here; a body too large is refused
  r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body: { photos: ['x'] } });
  assert.equal(r.status, 400);
  r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { raw: JSON.stringify({ description: 'x'.repeat(1100000) }), headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  // a good one
  const nonce = solve(form.challenge.token, 16);
  const body = { category_id: K['道路交通'], description: '扫码反映：桥头护栏被撞坏', reporter_name: '赵大勇', reporter_phone: '13611112222', challenge: form.challenge.token, nonce };
  const made = must(await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body }), 201);
  assert.match(made.code, /^[A-Z2-9]{12}$/);
  // the same challenge twice
  r = await s.api('POST', `/api/v1/public/villages/${U.A}/events`, { body });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.challenge, /已使用/);
  // the follow-up code shows that event, without personal data or staff names
  const mine = await get(undefined, `/api/v1/public/villages/${U.A}/events/${made.code}`);
  assert.equal(mine.id, made.id);
  assert.equal(mine.state, 'pending');
  assert.equal(mine.channel, 'public_form');
  assert.equal(mine.reporter, undefined);
  assert.ok(!JSON.stringify(mine).includes('13611112222'));
  // forged codes, and the code on another village's page
  assert.equal((await s.api('GET', `/api/v1/public/villages/${U.A}/events/AAAAAAAAAAAA`)).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${U.A}/events/${made.code.slice(0, 11)}${made.code.endsWith('Z') ? 'Y' : 'Z'}`)).status, 404);
  assert.equal((await s.api('GET', `/api/v1/public/villages/${U.B}/events/${made.code}`)).status, 404);
  // staff see the reporter masked, the cadre accepts it and the reporter follows
  const staffView = await get(T.cadre, `/api/v1/events/${made.id}`);
  assert.deepEqual(staffView.reporter, { name: '赵*', phone: '136****2222' });
  await act(T.cadre, made.id, 'accept');
  const later = await get(undefined, `/api/v1/public/villages/${U.A}/events/${made.code}`);
  assert.equal(later.state, 'accepted');
  assert.ok(later.timeline.every((x) => x.actor_name === ''));
});

test('the public form is limited per address and per phone, with a clear 429', async () => {
  await advance(2 * 3600);   // a fresh window for this address
  const phones = ['13600000001', '13600000002', '13600000003', '13600000004', '13600000005'];
  for (const p of phones) must(await publicReport({ reporter_phone: p }), 201);
  const r = await publicReport({ reporter_phone: '13600000006' });
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.error.code, 'too_many_requests');
  assert.match(r.json.error.message, /频繁/);
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 3600, `Retry-After ${ra}`);
  // an hour later this address may report again, but one phone only three times a day
  await advance(3601);
  for (let i = 0; i < 2; i++) must(await publicReport({ reporter_phone: '13600000001' }), 201);
  const p = await publicReport({ reporter_phone: '13600000001' });
  assert.equal(p.status, 429, p.text);
  assert.match(p.json.error.message, /手机号/);
  must(await publicReport({ reporter_phone: '13600000009' }), 201);
});

// ---- 督办 ----

test('督办: the town and county send notes, the handling side must answer', async () => {
  const e = await report(T.villager, { description: '村道两旁树枝挡视线' });
  await act(T.cadre, e.id, 'accept');
  await act(T.town, e.id, 'dispatch');
  let r = await s.api('POST', `/api/v1/events/${e.id}/supervisions`, { token: T.cadre, body: { note: '请尽快' } });
  assert.equal(r.status, 403);
  r = await s.api('POST', `/api/v1/events/${e.id}/supervisions`, { token: T.town2, body: { note: '请尽快' } });
  assert.equal(r.status, 404);
  r = await s.api('POST', `/api/v1/events/${e.id}/supervisions`, { token: T.town, body: {} });
  assert.equal(r.status, 400);
  let ev = must(await s.api('POST', `/api/v1/events/${e.id}/supervisions`, { token: T.town, body: { note: '群众反映强烈，请三日内处理' } }), 201);
  const sup = ev.supervisions.at(-1);
  assert.equal(sup.level, 1);
  assert.equal(sup.unit_name, '河口镇');
  assert.equal(ev.unanswered_supervisions, 1);
  ev = must(await s.api('POST', `/api/v1/events/${e.id}/supervisions`, { token: T.county, body: { note: '县里关注' } }), 201);
  assert.equal(ev.supervisions.at(-1).level, 2);
  r = await s.api('POST', `/api/v1/events/${e.id}/supervisions/${sup.id}/answer`, { token: T.handler2, body: { answer: '收到' } });
  assert.equal(r.status, 404);
  r = await s.api('POST', `/api/v1/events/${e.id}/supervisions/${sup.id}/answer`, { token: T.cadre, body: { answer: '收到' } });
  assert.equal(r.status, 403);
  ev = must(await s.api('POST', `/api/v1/events/${e.id}/supervisions/${sup.id}/answer`, { token: T.handler, body: { answer: '已安排明天修剪' } }), 200);
  assert.equal(ev.supervisions.find((x) => x.id === sup.id).answer, '已安排明天修剪');
  assert.equal(ev.unanswered_supervisions, 1);
  r = await s.api('POST', `/api/v1/events/${e.id}/supervisions/${sup.id}/answer`, { token: T.handler, body: { answer: '再答一次' } });
  assert.equal(r.status, 409);
});

// ---- deadlines through the test clock ----

test('deadlines: a warning at 80 %, overdue, escalation to the town then the county, idempotent', async () => {
  const start = await serverNow();
  const e = await report(T.villager, { description: '蓄水池盖板坏了', category_id: K['饮水供水'] });   // 24 h to accept
  assert.equal(Date.parse(e.accept_due) / 1000 - start >= 24 * 3600 - 5, true);
  await advance(18 * 3600);
  let ev = await get(T.cadre, `/api/v1/events/${e.id}`);
  assert.equal(ev.warned, false);
  await advance(2 * 3600);   // 20 h > 80 % of 24 h
  ev = await get(T.cadre, `/api/v1/events/${e.id}`);
  assert.equal(ev.warned, true);
  assert.equal(ev.overdue, false);
  await advance(5 * 3600);   // past the 24 h
  ev = await get(T.town, `/api/v1/events/${e.id}`);
  assert.equal(ev.overdue, true);
  assert.equal(ev.escalation, 1);
  assert.equal(ev.supervisions.length, 1);
  assert.equal(ev.supervisions[0].level, 1);
  assert.equal(ev.timeline.at(-1).action, 'escalate_town');
  await advance(60);
  assert.equal((await get(T.town, `/api/v1/events/${e.id}`)).supervisions.length, 1, 'the job is idempotent');
  const board = await get(T.town, `/api/v1/events?overdue=1&limit=200`);
  assert.ok(board.items.some((x) => x.id === e.id));
  // accepting starts the finish window (5 working days): flags start again
  ev = await act(T.cadre, e.id, 'accept');
  assert.equal(ev.overdue, false);
  assert.equal(ev.escalation, 0);
  const due = Date.parse(ev.finish_due) / 1000;
  const now = await serverNow();
  assert.ok(due - now >= 5 * 86400 && due - now <= 14 * 86400, `finish_due ${ev.finish_due}`);
  await act(T.town, e.id, 'dispatch');
  await advance(due - now + 60);
  ev = await get(T.handler2, `/api/v1/events/${e.id}`);
  assert.equal(ev.overdue, true);
  assert.equal(ev.escalation, 1);
  assert.equal(ev.unanswered_supervisions, 2, 'the note of the accept window is still unanswered');
  // three working days later the county is involved (at most 3 + 2 weekend + holidays)
  await advance(3 * 86400);
  ev = await get(T.county, `/api/v1/events/${e.id}`);
  if (ev.escalation < 2) {
    await advance(4 * 86400);
    ev = await get(T.county, `/api/v1/events/${e.id}`);
  }
  assert.equal(ev.escalation, 2);
  assert.deepEqual(ev.supervisions.map((x) => x.level), [1, 1, 2]);
  assert.equal(ev.timeline.at(-1).action, 'escalate_county');
  // the handler answers; finishing late counts as not on time
  const sid = ev.supervisions[2].id;
  must(await s.api('POST', `/api/v1/events/${e.id}/supervisions/${sid}/answer`, { token: T.handler2, body: { answer: '材料到货后即修' } }), 200);
  await act(T.handler2, e.id, 'take');
  ev = await act(T.handler2, e.id, 'finish', { outcome: 'resolved', note: '已更换盖板' });
  assert.ok(Date.parse(ev.finished_at) > Date.parse(ev.finish_due));
});

// ---- statistics ----

async function listAll(token, query) {
  const out = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(token, `/api/v1/events?${query}&limit=200&offset=${offset}`);
    out.push(...page.items);
    if (out.length >= page.total) return out;
  }
}

function expected(items, now) {
  const closed = items.filter((e) => e.state === 'finished' || e.state === 'visited');
  const rated = items.filter((e) => e.state === 'visited' && e.rating);
  const durations = closed.map((e) => (Date.parse(e.finished_at) - Date.parse(e.created_at)) / 1000).sort((a, b) => a - b);
  const m = durations.length;
  return {
    received: items.length,
    accepted: items.filter((e) => e.accepted_at).length,
    closed: closed.length,
    resolved: closed.filter((e) => e.outcome === 'resolved').length,
    on_time: closed.filter((e) => Date.parse(e.finished_at) <= Date.parse(e.finish_due)).length,
    rated: rated.length,
    satisfied: rated.filter((e) => e.rating === 'satisfied' || e.rating === 'basic').length,
    overdue_now: items.filter((e) => e.overdue).length,
    median_close_seconds: m === 0 ? null : m % 2 ? durations[(m - 1) / 2] : Math.floor((durations[m / 2 - 1] + durations[m / 2]) / 2),
  };
}

const pick = (row) => Object.fromEntries(['received', 'accepted', 'closed', 'resolved', 'on_time', 'rated', 'satisfied', 'overdue_now', 'median_close_seconds'].map((k) => [k, row[k]]));

test('statistics reconcile with the event list, for the county, by group and over a period', async () => {
  const now = await serverNow();
  const all = await listAll(T.county, `unit_id=${U.county}`);
  assert.ok(all.length > 200, `${all.length} events`);
  const stats = await get(T.county, `/api/v1/event-stats?unit_id=${U.county}`);
  assert.deepEqual(pick(stats.total), expected(all, now));
  const t = stats.total;
  assert.equal(t.closure_rate, Math.round((t.closed / t.accepted) * 10000) / 10000);
  assert.equal(t.fix_rate, Math.round((t.resolved / t.closed) * 10000) / 10000);
  for (const [group, field] of [['category', 'category_id'], ['channel', 'channel'], ['village', 'village_id'], ['department', 'department_id']]) {
    const g = await get(T.county, `/api/v1/event-stats?unit_id=${U.county}&group_by=${group}`);
    let sum = 0;
    for (const row of g.groups) {
      const items = all.filter((e) => (field === 'channel' ? e.channel_name === row.name : (e[field] ?? 0) === row.key));
      assert.deepEqual(pick(row), expected(items, now), `${group} ${row.name}`);
      sum += row.received;
    }
    assert.equal(sum, all.length, group);
  }
  // a period, in Asia/Shanghai dates, and the list with the same filter
  const day = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const from = day(now - 60 * 86400), to = day(now - 10 * 86400);
  const period = await listAll(T.county, `unit_id=${U.county}&from=${from}&to=${to}`);
  const ps = await get(T.county, `/api/v1/event-stats?unit_id=${U.county}&from=${from}&to=${to}`);
  assert.deepEqual(pick(ps.total), expected(period, now));
  // time series by month and week (Asia/Shanghai), each bucket the list of its dates
  const months = await get(T.county, `/api/v1/event-stats?unit_id=${U.county}&group_by=month`);
  assert.equal(months.groups.reduce((n, r) => n + r.received, 0), all.length);
  assert.deepEqual(pick(months.total), expected(all, now));
  for (const row of months.groups) {
    const [y, m] = row.name.split('-').map(Number);
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const items = await listAll(T.county, `unit_id=${U.county}&from=${row.name}-01&to=${last}`);
    assert.deepEqual(pick(row), expected(items, now), row.name);
  }
  const weeks = await get(T.county, `/api/v1/event-stats?unit_id=${U.county}&group_by=week`);
  assert.equal(weeks.groups.reduce((n, r) => n + r.received, 0), all.length);
  for (const row of weeks.groups.slice(-3)) {
    const sunday = new Date(Date.parse(row.name + 'T00:00:00Z') + 6 * 86400000).toISOString().slice(0, 10);
    const items = await listAll(T.county, `unit_id=${U.county}&from=${row.name}&to=${sunday}`);
    assert.deepEqual(pick(row), expected(items, now), row.name);
    assert.equal(new Date(row.name + 'T00:00:00Z').getUTCDay(), 1, 'weeks start on Monday');
  }
  // a town official sees their town only; the village cadre their village
  const townStats = await get(T.town2, '/api/v1/event-stats');
  assert.equal(townStats.total.received, (await get(T.town2, '/api/v1/events?limit=1')).total);
  const villageStats = await get(T.cadre, `/api/v1/event-stats?unit_id=${U.A}&group_by=category`);
  assert.equal(villageStats.total.received, (await get(T.cadre, `/api/v1/events?unit_id=${U.A}&limit=1`)).total);
  // a handler's statistics: the events their department has or had
  const h = await get(T.handler, '/api/v1/event-stats');
  assert.equal(h.total.received, (await get(T.handler, '/api/v1/events?limit=1')).total);
  const bad = await s.api('GET', '/api/v1/event-stats?group_by=weather', { token: T.county });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.group_by);
});

test('property: statistics reconcile with the list over random event histories', async () => {
  // a seeded walk: each event of village B takes random allowed moves, by whoever may
  let seed = 20261205;
  const rnd = (n) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 8) % n;
  };
  const who = { accept: 'cadreB', reject: 'cadreB', dispatch: 'town', handle_locally: 'cadreB', take: 'handler',
    give_back: 'handler', transfer: 'town', finish: 'handler', visit: 'cadreB', note: 'handler' };
  const cats = [K['道路交通'], K['环境卫生'], K['其他']];
  const ids = [];
  for (let i = 0; i < 24; i++) {
    const e = await post(T.cadreB, '/api/v1/events', { village_id: U.B, category_id: cats[rnd(3)], description: `随机事件 ${i}`, reporter_name: '村民', reporter_phone: '13700002222' }, 201);
    ids.push(e.id);
  }
  for (let round = 0; round < 8; round++) {
    for (const id of ids) {
      const ev = await get(T.county, `/api/v1/events/${id}`);
      const moves = ['accept', 'reject', 'dispatch', 'handle_locally', 'take', 'give_back', 'finish', 'visit']
        .filter((m) => (ev.state === 'pending' ? ['accept', 'reject'] : ev.state === 'accepted' || ev.state === 'returned' ? ['dispatch', 'handle_locally']
          : ev.state === 'dispatched' ? ['take', 'give_back'] : ev.state === 'handling' ? ['finish'] : ev.state === 'finished' ? ['visit'] : []).includes(m));
      if (!moves.length || rnd(4) === 0) continue;
      const m = moves[rnd(moves.length)];
      let token = T[who[m]];
      if ((m === 'finish') && ev.village_handled) token = T.cadreB;
      const body = m === 'reject' || m === 'give_back' ? { note: '随机理由' }
        : m === 'dispatch' ? { department_id: D['县住建局'] }
        : m === 'finish' ? { outcome: ['resolved', 'explained', 'unresolvable', 'not_responsible'][rnd(4)], note: '随机办结' }
        : m === 'visit' ? { rating: ['satisfied', 'basic', 'unsatisfied'][rnd(3)] } : {};
      await act(token, id, m, body);
    }
    if (round === 3) await advance(12 * 86400);   // some finish late, some become overdue
  }
  const now = await serverNow();
  const items = await listAll(T.county, `unit_id=${U.B}`);
  assert.equal(items.length, 24);
  const st = await get(T.county, `/api/v1/event-stats?unit_id=${U.B}`);
  assert.deepEqual(pick(st.total), expected(items, now));
  for (const row of (await get(T.county, `/api/v1/event-stats?unit_id=${U.B}&group_by=category`)).groups)
    assert.deepEqual(pick(row), expected(items.filter((e) => e.category_id === row.key), now), row.name);
  const states = new Set(items.map((e) => e.state));
  assert.ok(states.size >= 4, [...states].join());
});

test('the lists filter by state, department and overdue, and hide what is out of scope', async () => {
  const byDept = await get(T.county, `/api/v1/events?department_id=${D['县住建局']}&limit=200`);
  assert.ok(byDept.items.every((e) => e.department_id === D['县住建局']));
  const handling = await get(T.handler, '/api/v1/events?state=handling&limit=200');
  assert.ok(handling.items.every((e) => e.state === 'handling'));
  const c = await get(T.cadreC, '/api/v1/events?limit=200');
  assert.ok(c.items.every((e) => e.village_id === U.C));
  const r = await s.api('GET', '/api/v1/events?state=lost', { token: T.county });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.state);
  assert.equal((await s.api('GET', '/api/v1/events/99999999', { token: T.county })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/events', {})).status, 401);
  assert.ok(PHONES.operator);
});

test('early warnings 预警: N events of a category in one village within M days, with the events behind them', async () => {
  // the county sets the threshold on a category; every field error at once
  const bad = await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: '预警测试', accept_hours: 24, finish_days: 5, warn_count: 1, warn_days: 0 } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.fields.warn_count, /2 到 100/);
  const bad2 = await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: '预警测试', accept_hours: 24, finish_days: 5, warn_count: 3, warn_days: 0 } });
  assert.match(bad2.json.error.fields.warn_days, /1 到 365/);
  assert.equal((await s.api('POST', '/api/v1/event-categories', { token: T.town, body: { name: '预警测试', accept_hours: 24, finish_days: 5, warn_count: 3, warn_days: 7 } })).status, 403);
  const cat = await post(T.county, '/api/v1/event-categories', { name: '预警测试', accept_hours: 24, finish_days: 5, warn_count: 3, warn_days: 7 }, 201);
  assert.equal(cat.warn_count, 3);
  assert.equal(cat.warn_days, 7);
  const mine = (who) => get(T[who], `/api/v1/event-warnings?unit_id=${U.town}`).then((r) => r.items.filter((w) => w.category_id === cat.id));
  const ids = [];
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await mine('town'), [], `no warning with ${i} events`);
    ids.push((await post(T.cadre, '/api/v1/events', { village_id: U.A, category_id: cat.id, description: `预警测试第 ${i + 1} 件：同一处反复出现的问题` }, 201)).id);
    if (i < 2) await advance(86400);
  }
  // one in another village does not count towards 青山村's
  await post(T.cadre, '/api/v1/events', { village_id: U.A, category_id: K[Object.keys(K)[0]], description: '别的类别，不计入' }, 201);
  const w = await mine('town');
  assert.equal(w.length, 1);
  assert.equal(w[0].village_id, U.A);
  assert.equal(w[0].count, 3);
  assert.deepEqual(w[0].event_ids, [...ids].reverse());
  assert.equal((await mine('county')).length, 1);
  assert.equal((await mine('inspector')).length, 1);
  // another town's official sees nothing of it; a unit outside every grant is 404
  assert.equal((await s.api('GET', `/api/v1/event-warnings?unit_id=${U.town2}`, { token: T.town })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/event-warnings?unit_id=x', { token: T.town })).status, 400);
  // the window moves on: once the first event is older than 7 days, the warning is gone
  await advance(5 * 86400 - 3600);
  assert.equal((await mine('town')).length, 1);
  await advance(2 * 3600);
  assert.deepEqual(await mine('town'), []);
  // switched off on the category: 0 events
  const off = must(await s.api('PATCH', `/api/v1/event-categories/${cat.id}`, { token: T.county, body: { warn_count: 0 } }), 200);
  assert.equal(off.warn_count, 0);
  assert.equal(off.warn_days, 0);
});
