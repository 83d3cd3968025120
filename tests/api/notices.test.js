// Notices 通知: publishing by a cadre, a town official and the county; bad input field
// by field; who may publish, see and change what; read receipts (one per user and
// notice); the awareness rate 知晓率 by household, measured in the reader's unit; the
// households that have not read; revisions that keep the history; withdrawal; the end
// date; and the audit entries. Village A is the demo's 青山村; village B is made here in
// the same town, with its own cadre and villager.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard } = require('./lib');

let s;
const A = {};          // {village, cadre, villager, villager2 (same household), villager3 (another), households}
const B = {};          // {village, cadre, villager, household}
let town;              // the demo's town, with its official
let county;            // the county, with its admin
let inspector;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

// The rate as the server reports it: the share of households, rounded to four places.
const rate = (read, households) => Math.round((read / households) * 10000) / 10000;

// Seconds → the Asia/Shanghai date YYYY-MM-DD.
const cnDate = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 10);

async function serverNow() {
  return Math.floor(Date.parse((await s.advance(0)).now) / 1000);
}

async function publish(token, body, status = 201) {
  return must(await s.api('POST', '/api/v1/notices', { token, body }), status);
}

// Activates a villager account for a resident (a cadre issues the code).
async function activate(cadre, residentId, phone, password) {
  const code = must(await s.api('POST', `/api/v1/residents/${residentId}/activation`, { token: cadre, body: {} }), 201);
  return must(await s.api('POST', '/api/v1/activation', { body: { phone, code: code.code, password } }), 201).token;
}

before(async () => {
  s = await startServer();
  county = { id: 1, admin: await s.as('county_admin') };
  A.cadre = await s.as('cadre');
  A.village = must(await s.api('GET', '/api/v1/session', { token: A.cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
  town = { id: must(await s.api('GET', `/api/v1/units/${A.village}`, { token: A.cadre }), 200).parent_id, official: await s.as('town_official') };
  inspector = await s.as('inspector');

  A.villager = await s.as('villager');
  const me = must(await s.api('GET', '/api/v1/session', { token: A.villager }), 200);
  A.household = me.household_id;
  // a second member of the same household, with an account
  const spouse = must(await s.api('POST', '/api/v1/residents', {
    token: A.cadre, body: { household_id: A.household, name: '周桂芳', idcard: makeIdcard('19750603', 128, '511123'), relation: '配偶', phone: '19922220001' },
  }), 201);
  A.villager2 = await activate(A.cadre, spouse.id, '19922220001', 'Notice-pass-01');
  // a villager of another household of A
  A.household3 = A.household === 7 ? 8 : 7;
  const h3 = must(await s.api('GET', `/api/v1/households/${A.household3}`, { token: A.cadre }), 200);
  const m3 = must(await s.api('POST', '/api/v1/residents', {
    token: A.cadre, body: { household_id: A.household3, name: '冯小燕', idcard: makeIdcard('19900212', 246, '511123'), relation: '女', phone: '19922220003' },
  }), 201);
  assert.equal(h3.village_id, A.village);
  A.villager3 = await activate(A.cadre, m3.id, '19922220003', 'Notice-pass-03');
  A.households = must(await s.api('GET', `/api/v1/households?unit_id=${A.village}&limit=1`, { token: A.cadre }), 200).total;

  // village B in the same town: one household, a cadre and a villager
  B.village = must(await s.api('POST', '/api/v1/units', { token: county.admin, body: { parent_id: town.id, kind: 'village', code: 'NOTICE-VB', name: '柳溪村' } }), 201).id;
  B.household = must(await s.api('POST', '/api/v1/households', { token: county.admin, body: { village_id: B.village, number: 'B001', address: '柳溪村 1 号' } }), 201).id;
  const head = must(await s.api('POST', '/api/v1/residents', {
    token: county.admin, body: { household_id: B.household, name: '邓国强', idcard: makeIdcard('19660909', 351, '511123'), relation: '户主', phone: '19922221111' },
  }), 201);
  const user = must(await s.api('POST', '/api/v1/users', { token: county.admin, body: { phone: '19922220000', name: '邓书记', password: 'Cadre-B-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${user.id}/grants`, { token: county.admin, body: { role: 'cadre', unit_id: B.village } }), 200);
  B.cadre = await s.login('19922220000', 'Cadre-B-2026');
  B.villager = await activate(B.cadre, head.id, '19922221111', 'Villager-B-01');
});
after(async () => { if (s) await s.close(); });

test('a cadre publishes a notice to the village; the demo has notices too', async () => {
  const demo = must(await s.api('GET', `/api/v1/notices?unit_id=${A.village}`, { token: A.cadre }), 200);
  assert.ok(demo.total >= 2, 'demo notices');
  assert.ok(demo.items.some((n) => n.title === '秋季秸秆禁烧通知' && n.importance === 'important'));
  const revised = demo.items.find((n) => n.version_no > 1);
  assert.ok(revised, 'a demo notice was revised');

  const n = await publish(A.cadre, { unit_id: A.village, title: '关于缴纳城乡居民医疗保险的通知', body: '各位村民：\n2027 年度城乡居民医保开始缴费，\n每人 400 元，请在月底前到村委会或用手机缴纳。' });
  assert.ok(n.id > 0);
  assert.equal(n.unit_id, A.village);
  assert.equal(n.unit_kind, 'village');
  assert.equal(n.importance, 'normal');
  assert.equal(n.status, 'current');
  assert.equal(n.version_no, 1);
  assert.equal(n.ends_on, null);
  assert.equal(n.withdrawn_at, null);
  assert.equal(n.can_manage, true);
  assert.equal(n.mine, null);
  assert.match(n.published_at, /\+08:00$/);
  assert.equal(n.published_by_name, '李国华');
  assert.match(n.body, /\n每人 400 元/);
  assert.equal(n.summary.includes('\n'), false);
  assert.deepEqual(n.stats, { unit_id: A.village, unit_name: '青山村', households: A.households, read_households: 0, readers: 0, rate: 0 });
  assert.equal(n.versions.length, 1);
  assert.equal(n.versions[0].version_no, 1);

  const list = must(await s.api('GET', `/api/v1/notices?unit_id=${A.village}`, { token: A.cadre }), 200);
  assert.equal(list.items[0].id, n.id, 'newest first');
  assert.equal(list.items[0].body, undefined, 'lists carry the summary, not the body');

  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=notice&object_id=${n.id}`, { token: A.cadre }), 200);
  assert.equal(audit.items.length, 1);
  assert.equal(audit.items[0].action, 'publish');
  assert.equal(audit.items[0].after.title, '关于缴纳城乡居民医疗保险的通知');
});

test('bad input is refused field by field, in Chinese', async () => {
  const today = cnDate(await serverNow());
  const yesterday = cnDate(await serverNow() - 86400);
  const groups = must(await s.api('GET', `/api/v1/units?parent_id=${A.village}`, { token: A.cadre }), 200).items;
  const group = groups.find((g) => g.kind === 'group');

  let r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { unit_id: A.village, title: '', body: '', importance: 'urgent', ends_on: '2026-13-01', colour: 'red' } });
  assert.equal(r.status, 400, r.text);
  for (const f of ['title', 'body', 'importance', 'ends_on', 'colour']) assert.ok(r.json.error.fields[f], `${f}: ${r.text}`);
  assert.match(r.json.error.fields.importance, /normal|important/);
  assert.match(r.json.error.fields.ends_on, /2026-11-30|格式/);

  r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { unit_id: A.village, title: '标'.repeat(61), body: '文'.repeat(5001), ends_on: yesterday } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.title, /60/);
  assert.match(r.json.error.fields.body, /5000/);
  assert.match(r.json.error.fields.ends_on, /早于今天/);

  r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { unit_id: A.village, title: '第一行\n第二行', body: '   ' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.title, /控制字符/);
  assert.match(r.json.error.fields.body, /不能为空/);

  r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { unit_id: 999999, title: '标题', body: '正文' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.unit_id, /不存在/);
  r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { unit_id: group.id, title: '标题', body: '正文' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.unit_id, /村、乡镇或区县/);
  r = await s.api('POST', '/api/v1/notices', { token: A.cadre, body: { title: 5, body: '正文' } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.unit_id && r.json.error.fields.title, r.text);

  // exactly at the limits, and ending today, is fine
  const ok = await publish(A.cadre, { unit_id: A.village, title: '标'.repeat(60), body: '文'.repeat(5000), importance: 'important', ends_on: today });
  assert.equal(ok.ends_on, today);
  assert.equal(ok.status, 'current');
  must(await s.api('POST', `/api/v1/notices/${ok.id}/withdraw`, { token: A.cadre, body: { reason: '测试长度，撤回' } }), 200);
});

test('who may publish: cadres in their village, officials in their town, the county; nobody else', async () => {
  const body = { title: '通知', body: '正文' };
  // a villager, an inspector, a cadre of another village, a cadre above their village
  for (const [who, token, unit] of [['villager', A.villager, A.village], ['inspector', inspector, A.village],
    ['cadre of B in A', B.cadre, A.village], ['cadre of A in the town', A.cadre, town.id], ['cadre of A in the county', A.cadre, county.id],
    ['town official in the county', town.official, county.id]]) {
    const r = await s.api('POST', '/api/v1/notices', { token, body: { ...body, unit_id: unit } });
    assert.equal(r.status, 403, `${who}: ${r.text}`);
    assert.ok(r.json.error.message, who);
  }
  const grid = await s.as('grid_worker');
  assert.equal((await s.api('POST', '/api/v1/notices', { token: grid, body: { ...body, unit_id: A.village } })).status, 403);
  assert.equal((await s.api('POST', '/api/v1/notices', { body: { ...body, unit_id: A.village } })).status, 401);

  // the town official publishes to the town, and to a village in it; the county to the county
  const t = await publish(town.official, { unit_id: town.id, title: '河口镇冬季森林防火通知', body: '进入冬季森林防火期，严禁野外用火。', importance: 'important' });
  assert.equal(t.unit_kind, 'town');
  assert.equal(t.can_manage, true);
  const tv = await publish(town.official, { unit_id: B.village, title: '镇里给柳溪村的通知', body: '请柳溪村做好道路清扫。' });
  assert.equal(tv.unit_id, B.village);
  const c = await publish(county.admin, { unit_id: county.id, title: '青川县关于做好冬季安全生产的通知', body: '各乡镇、各村：做好冬季安全生产工作。' });
  assert.equal(c.unit_kind, 'county');

  // B's cadre publishes in B; A's cadre cannot change B's notice or the town's
  const b = await publish(B.cadre, { unit_id: B.village, title: '柳溪村停水通知', body: '明天上午停水检修。' });
  const notB = await s.api('PATCH', `/api/v1/notices/${b.id}`, { token: A.cadre, body: { title: '改了', reason: '试试' } });
  assert.equal(notB.status, 404, notB.text);
  assert.equal((await s.api('POST', `/api/v1/notices/${b.id}/withdraw`, { token: A.cadre, body: { reason: '试试' } })).status, 404);
  const notTown = await s.api('PATCH', `/api/v1/notices/${t.id}`, { token: A.cadre, body: { title: '改了', reason: '试试' } });
  assert.equal(notTown.status, 403, notTown.text);
  assert.equal((await s.api('POST', `/api/v1/notices/${t.id}/withdraw`, { token: A.cadre, body: { reason: '试试' } })).status, 403);
  const byVillager = await s.api('PATCH', `/api/v1/notices/${b.id}`, { token: B.villager, body: { title: '改了', reason: '试试' } });
  assert.equal(byVillager.status, 403, byVillager.text);
  // the town official may change the village notice B's cadre made (the town covers B)
  must(await s.api('PATCH', `/api/v1/notices/${b.id}`, { token: town.official, body: { body: '明天上午 8 点到 12 点停水检修。', reason: '写明停水时间' } }), 200);
  Object.assign(B, { notice: b });
  Object.assign(town, { notice: t });
  Object.assign(county, { notice: c });
});

test("villagers see the notices that cover their village, and never another village's", async () => {
  const mine = must(await s.api('GET', '/api/v1/notices', { token: A.villager }), 200);
  const titles = mine.items.map((n) => n.title);
  assert.ok(titles.includes('关于缴纳城乡居民医疗保险的通知'));
  assert.ok(titles.includes('河口镇冬季森林防火通知'), 'the town notice');
  assert.ok(titles.includes('青川县关于做好冬季安全生产的通知'), 'the county notice');
  assert.ok(!titles.includes('柳溪村停水通知') && !titles.includes('镇里给柳溪村的通知'), "not B's");
  assert.ok(mine.items.every((n) => n.status === 'current' && n.stats === null && n.mine && n.mine.read === false));
  assert.ok(mine.items.every((n) => n.can_manage === false));
  assert.equal(mine.unread, mine.total);

  const theirs = must(await s.api('GET', '/api/v1/notices', { token: B.villager }), 200);
  const bt = theirs.items.map((n) => n.title);
  assert.ok(bt.includes('柳溪村停水通知') && bt.includes('河口镇冬季森林防火通知') && bt.includes('青川县关于做好冬季安全生产的通知'));
  assert.ok(!bt.includes('关于缴纳城乡居民医疗保险的通知') && !bt.includes('秋季秸秆禁烧通知'), "not A's");

  // A's notice, by id, to B's villager and B's cadre: not found; reading it: not found
  const aNotice = mine.items.find((n) => n.title === '关于缴纳城乡居民医疗保险的通知');
  for (const token of [B.villager, B.cadre]) {
    const r = await s.api('GET', `/api/v1/notices/${aNotice.id}`, { token });
    assert.equal(r.status, 404, r.text);
    assert.ok(!/医疗保险/.test(r.text));
  }
  assert.equal((await s.api('POST', `/api/v1/notices/${aNotice.id}/read`, { token: B.villager })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/notices/${B.notice.id}`, { token: A.villager })).status, 404);
  // a villager asks for a unit's management list: refused
  assert.equal((await s.api('GET', `/api/v1/notices?unit_id=${A.village}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/notices?unit_id=${B.village}`, { token: A.cadre })).status, 403);
  assert.equal((await s.api('GET', '/api/v1/notices', { token: A.cadre })).status, 400, 'a cadre names the unit');
  assert.equal((await s.api('GET', '/api/v1/notices?status=old', { token: A.villager })).status, 400);
  // a villager sees a notice's text and their receipt, not the figures
  const one = must(await s.api('GET', `/api/v1/notices/${aNotice.id}`, { token: A.villager }), 200);
  assert.equal(one.stats, null);
  assert.deepEqual(one.mine, { read: false, read_at: null, updated_since_read: false });
  assert.equal((await s.api('GET', `/api/v1/notices/${aNotice.id}/unread-households`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/notices/${aNotice.id}/unread-households`, { token: B.cadre })).status, 404);
  A.notice = aNotice;
});

test('read receipts are one per user and notice; the awareness rate counts households exactly', async () => {
  const id = A.notice.id;
  const first = must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.villager }), 201);
  assert.equal(first.first, true);
  assert.match(first.read_at, /\+08:00$/);
  await s.advance(60);
  const again = must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.villager }), 200);
  assert.equal(again.first, false);
  assert.equal(again.read_at, first.read_at, 'the first read time is kept');
  // a cadre is no reader
  assert.equal((await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.cadre })).status, 403);

  let n = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.cadre }), 200);
  assert.deepEqual(n.stats, { unit_id: A.village, unit_name: '青山村', households: A.households, read_households: 1, readers: 1, rate: rate(1, A.households) });

  // the spouse reads too: still one household, two readers
  must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.villager2 }), 201);
  n = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.cadre }), 200);
  assert.equal(n.stats.read_households, 1);
  assert.equal(n.stats.readers, 2);
  assert.equal(n.stats.rate, rate(1, A.households));
  assert.equal(A.households, 300);
  assert.equal(n.stats.rate, 0.0033);

  // another household reads: two households
  must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.villager3 }), 201);
  const list = must(await s.api('GET', `/api/v1/notices?unit_id=${A.village}`, { token: A.cadre }), 200);
  const row = list.items.find((x) => x.id === id);
  assert.deepEqual(row.stats, { unit_id: A.village, unit_name: '青山村', households: A.households, read_households: 2, readers: 3, rate: rate(2, A.households) });
  assert.equal(row.stats.rate, 0.0067);

  // the households that have not read: all but those two, with a name and a phone to call
  const unread = must(await s.api('GET', `/api/v1/notices/${id}/unread-households?limit=200`, { token: A.cadre }), 200);
  assert.equal(unread.total, A.households - 2);
  assert.equal(unread.stats.read_households, 2);
  const all = [...unread.items];
  for (let off = 200; off < unread.total; off += 200) {
    all.push(...must(await s.api('GET', `/api/v1/notices/${id}/unread-households?limit=200&offset=${off}`, { token: A.cadre }), 200).items);
  }
  assert.equal(all.length, A.households - 2);
  const ids = new Set(all.map((h) => h.household_id));
  assert.equal(ids.size, all.length);
  assert.ok(!ids.has(A.household) && !ids.has(A.household3));
  assert.ok(all.every((h) => h.village_name === '青山村' && h.number));
  assert.ok(all.some((h) => h.head_name && /^1\d{10}$/.test(h.phone)));

  // the villager's list shows what was read
  const mine = must(await s.api('GET', '/api/v1/notices', { token: A.villager }), 200);
  const mineRow = mine.items.find((x) => x.id === id);
  assert.equal(mineRow.mine.read, true);
  assert.equal(mine.unread, mine.total - 1);
});

test('a town notice is measured in the town for its official and in the village for its cadre', async () => {
  const id = town.notice.id;
  must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: B.villager }), 201);
  const forTown = must(await s.api('GET', `/api/v1/notices/${id}`, { token: town.official }), 200);
  assert.deepEqual(forTown.stats, { unit_id: town.id, unit_name: '河口镇', households: A.households + 1, read_households: 1, readers: 1, rate: rate(1, A.households + 1) });
  const forA = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.cadre }), 200);
  assert.equal(forA.can_manage, false);
  assert.deepEqual(forA.stats, { unit_id: A.village, unit_name: '青山村', households: A.households, read_households: 0, readers: 0, rate: 0 });
  const forB = must(await s.api('GET', `/api/v1/notices/${id}`, { token: B.cadre }), 200);
  assert.deepEqual(forB.stats, { unit_id: B.village, unit_name: '柳溪村', households: 1, read_households: 1, readers: 1, rate: 1 });
  // the official may measure in one village of the town; not in a unit outside the notice
  const inB = must(await s.api('GET', `/api/v1/notices/${id}?unit_id=${B.village}`, { token: town.official }), 200);
  assert.equal(inB.stats.rate, 1);
  const unreadB = must(await s.api('GET', `/api/v1/notices/${id}/unread-households?unit_id=${B.village}`, { token: town.official }), 200);
  assert.equal(unreadB.total, 0);
  const bad = await s.api('GET', `/api/v1/notices/${B.notice.id}?unit_id=${A.village}`, { token: town.official });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.json.error.fields.unit_id);
  assert.equal((await s.api('GET', `/api/v1/notices/${id}?unit_id=${B.village}`, { token: A.cadre })).status, 403);
  // the town's list holds the town's and the villages' notices and the county's
  const list = must(await s.api('GET', `/api/v1/notices?unit_id=${town.id}&limit=200`, { token: town.official }), 200);
  const titles = list.items.map((n) => n.title);
  for (const t of ['河口镇冬季森林防火通知', '柳溪村停水通知', '关于缴纳城乡居民医疗保险的通知', '青川县关于做好冬季安全生产的通知']) assert.ok(titles.includes(t), t);
  // the inspector reads the figures, changes nothing
  const insp = must(await s.api('GET', `/api/v1/notices/${id}`, { token: inspector }), 200);
  assert.equal(insp.can_manage, false);
  assert.equal(insp.stats.unit_id, town.id);
});

test('a revision adds a version and keeps the old text; readers see it changed', async () => {
  const id = A.notice.id;
  let r = await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { title: '新标题' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.reason, /修订理由/);
  r = await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { title: '新标题', reason: ' 　 ' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.fields.reason, /修订理由不能为空/);
  r = await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { title: '', reason: '改' } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.title);
  const cur = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.cadre }), 200);
  r = await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { title: cur.title, reason: '没有变化' } });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.message, /没有变化/);

  const v2 = must(await s.api('PATCH', `/api/v1/notices/${id}`, {
    token: A.cadre, body: { body: '各位村民：\n2027 年度城乡居民医保开始缴费，每人 400 元，截止到 12 月 25 日。', importance: 'important', reason: '写明截止日期' },
  }), 200);
  assert.equal(v2.version_no, 2);
  assert.equal(v2.importance, 'important');
  assert.equal(v2.title, cur.title);
  assert.match(v2.body, /12 月 25 日/);
  assert.equal(v2.versions.length, 2);
  assert.equal(v2.versions[0].version_no, 2);
  assert.equal(v2.versions[0].reason, '写明截止日期');
  assert.equal(v2.versions[1].version_no, 1);
  assert.equal(v2.versions[1].body, cur.body, 'the old text stays visible');
  assert.equal(v2.versions[1].importance, 'normal');
  assert.equal(v2.stats.read_households, 2, 'receipts are kept');

  // the villager who read version 1 sees it was updated, until they open it again
  let seen = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.villager }), 200);
  assert.equal(seen.mine.read, true);
  assert.equal(seen.mine.updated_since_read, true);
  assert.equal(seen.versions.length, 2, 'villagers see the history too');
  must(await s.api('POST', `/api/v1/notices/${id}/read`, { token: A.villager }), 200);
  seen = must(await s.api('GET', `/api/v1/notices/${id}`, { token: A.villager }), 200);
  assert.equal(seen.mine.updated_since_read, false);

  // an end date, then none
  const today = cnDate(await serverNow());
  const v3 = must(await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { ends_on: today, reason: '今天截止' } }), 200);
  assert.equal(v3.ends_on, today);
  const v4 = must(await s.api('PATCH', `/api/v1/notices/${id}`, { token: A.cadre, body: { ends_on: '', reason: '不设截止' } }), 200);
  assert.equal(v4.ends_on, null);
  assert.equal(v4.version_no, 4);

  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=notice&object_id=${id}`, { token: A.cadre }), 200);
  const revisions = audit.items.filter((e) => e.action === 'revise');
  assert.equal(revisions.length, 3);
  const first = revisions.find((e) => e.after.version_no === 2);
  assert.equal(first.before.version_no, 1);
  assert.equal(first.before.body, cur.body);
  assert.equal(first.after.reason, '写明截止日期');
});

test('a withdrawn notice keeps its text and reason; it cannot be changed again', async () => {
  const n = await publish(A.cadre, { unit_id: A.village, title: '周六停电检修', body: '周六 8:00—18:00 停电。' });
  let r = await s.api('POST', `/api/v1/notices/${n.id}/withdraw`, { token: A.cadre, body: { reason: '' } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.reason);
  r = await s.api('POST', `/api/v1/notices/${n.id}/withdraw`, { token: A.villager, body: { reason: '不想停电' } });
  assert.equal(r.status, 403, r.text);

  const w = must(await s.api('POST', `/api/v1/notices/${n.id}/withdraw`, { token: A.cadre, body: { reason: '供电所改期，另行通知' } }), 200);
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.withdraw_reason, '供电所改期，另行通知');
  assert.equal(w.withdrawn_by_name, '李国华');
  assert.match(w.withdrawn_at, /\+08:00$/);
  assert.equal(w.body, '周六 8:00—18:00 停电。');

  assert.equal((await s.api('POST', `/api/v1/notices/${n.id}/withdraw`, { token: A.cadre, body: { reason: '再撤' } })).status, 409);
  assert.equal((await s.api('PATCH', `/api/v1/notices/${n.id}`, { token: A.cadre, body: { title: '改期', reason: '改期' } })).status, 409);

  // villagers: gone from the current list, shown with the reason under "all"
  const cur = must(await s.api('GET', '/api/v1/notices', { token: A.villager }), 200);
  assert.ok(!cur.items.some((x) => x.id === n.id));
  const all = must(await s.api('GET', '/api/v1/notices?status=all&limit=200', { token: A.villager }), 200);
  const row = all.items.find((x) => x.id === n.id);
  assert.equal(row.status, 'withdrawn');
  assert.equal(row.withdraw_reason, '供电所改期，另行通知');
  const gone = must(await s.api('GET', '/api/v1/notices?status=withdrawn', { token: A.villager }), 200);
  assert.ok(gone.items.every((x) => x.status === 'withdrawn'));
  const managerWithdrawn = must(await s.api('GET', `/api/v1/notices?unit_id=${A.village}&status=withdrawn`, { token: A.cadre }), 200);
  assert.ok(managerWithdrawn.items.some((x) => x.id === n.id));

  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${A.village}&object_type=notice&object_id=${n.id}`, { token: A.cadre }), 200);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['publish', 'withdraw']);
  assert.equal(audit.items.find((e) => e.action === 'withdraw').after.reason, '供电所改期，另行通知');
});

test('a notice stops being current after its last day', async () => {
  const today = cnDate(await serverNow());
  const n = await publish(A.cadre, { unit_id: A.village, title: '今天下午领取化肥', body: '请到村委会领取。', ends_on: today });
  assert.equal(n.status, 'current');
  await s.advance(86400 + 60);
  const after = must(await s.api('GET', `/api/v1/notices/${n.id}`, { token: A.villager }), 200);
  assert.equal(after.status, 'ended');
  const cur = must(await s.api('GET', '/api/v1/notices', { token: A.villager }), 200);
  assert.ok(!cur.items.some((x) => x.id === n.id));
  const ended = must(await s.api('GET', '/api/v1/notices?status=ended', { token: A.villager }), 200);
  assert.ok(ended.items.some((x) => x.id === n.id));
  // an ended notice may still be revised (e.g. given a later end)
  const later = cnDate(await serverNow() + 3 * 86400);
  const again = must(await s.api('PATCH', `/api/v1/notices/${n.id}`, { token: A.cadre, body: { ends_on: later, reason: '延长领取时间' } }), 200);
  assert.equal(again.status, 'current');
  // the audit chains still verify
  const v = must(await s.api('GET', '/api/v1/audit/verify', { token: county.admin }), 200);
  assert.equal(v.ok, true);
});
