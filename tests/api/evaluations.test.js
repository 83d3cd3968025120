// Evaluations 评选: a campaign from nomination to points in the ledger and the tag —
// self, grid worker and cadre nominations, scoring by the named panel only (the own
// household refused), scores out of range refused, the trimmed mean and the ranking,
// 公示 with an objection, publication crediting each winner once; an upheld objection
// sends a campaign back to scoring; the public results; permissions and bad input of
// every endpoint.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, pngPixel } = require('./lib');

let s;
const T = {};
const A = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}
const get = (p, token) => s.api('GET', p, { token });
const post = (p, token, body) => s.api('POST', p, { token, body });
let keyNo = 0;
const key = () => `evaltest-${process.pid}-${++keyNo}`;

const CRITERIA = [
  { name: '院落整洁', weight: 30, min_score: 0, max_score: 10 },
  { name: '绿化美化', weight: 20, min_score: 0, max_score: 10 },
  { name: '物品摆放', weight: 20, min_score: 0, max_score: 10 },
  { name: '卫生厕所', weight: 15, min_score: 0, max_score: 10 },
  { name: '垃圾分类', weight: 15, min_score: 0, max_score: 10 },
];
const total = (items) => Math.round(items.reduce((a, v, i) => a + v * CRITERIA[i].weight * 100, 0) / 100);
function trimmed(totals) {
  const v = [...totals].sort((a, b) => a - b);
  const kept = v.length >= 5 ? v.slice(1, -1) : v;
  return Math.round(kept.reduce((a, x) => a + x, 0) / kept.length) / 100;
}

function campaignBody(over = {}) {
  return {
    village_id: 3, kind: '美丽庭院', title: '2026年测试美丽庭院评选', period_from: '2026-01-01', period_to: '2026-06-30',
    points: 30, winners: 2, publicity_days: 3, tag_name: '美丽庭院户', criteria: CRITERIA,
    panel: A.panel.map((u, i) => ({ user_id: u, label: ['村干部', '网格员', '网格员', '村民代表', '党员'][i] })),
    ...over,
  };
}

before(async () => {
  s = await startServer();
  for (const role of ['county_admin', 'town_official', 'cadre', 'grid_worker', 'grid_worker_grid', 'assessor', 'villager',
    'inspector', 'clerk', 'handler'])
    T[role] = await s.as(role);
  const c = await must(await get('/api/v1/evaluations/candidates?village_id=3', T.cadre), 200);
  const byName = Object.fromEntries(c.items.map((u) => [u.name, u]));
  // 李国华 (cadre), 刘强 and 赵磊 (grid workers), 张秀兰 (assessor), 李琳 (villager, household 0001)
  A.panel = ['李国华', '刘强', '赵磊', '张秀兰', '李琳'].map((n) => byName[n].user_id);
  A.tokenOf = { [byName['李国华'].user_id]: T.cadre, [byName['刘强'].user_id]: T.grid_worker,
    [byName['赵磊'].user_id]: T.grid_worker_grid, [byName['张秀兰'].user_id]: T.assessor, [byName['李琳'].user_id]: T.villager };
  const me = await must(await get('/api/v1/session', T.villager), 200);
  A.ownHh = me.household_id;
  const map = await must(await get('/api/v1/villages/3/tagged-households', T.cadre), 200);
  A.inGrid = map.households.filter((h) => h.grid_id === 12 && h.id !== A.ownHh).map((h) => h.id);
  A.others = map.households.filter((h) => h.grid_id !== 12 && h.id !== A.ownHh).map((h) => h.id);
});

after(async () => {
  if (s) await s.close();
});

test('candidates: users of the village for the panel, for the campaign admins only', async () => {
  const c = await must(await get('/api/v1/evaluations/candidates?village_id=3', T.cadre), 200);
  assert.ok(c.items.some((u) => u.name === '李琳' && u.household_number === '0001'));
  await must(await get('/api/v1/evaluations/candidates?village_id=3', T.town_official), 200);
  await must(await get('/api/v1/evaluations/candidates?village_id=3', T.villager), 403);
  await must(await get('/api/v1/evaluations/candidates?village_id=3', T.inspector), 403);
  await must(await get('/api/v1/evaluations/candidates?village_id=3', T.handler), 404);
  const bad = await must(await get('/api/v1/evaluations/candidates', T.cadre), 400);
  assert.ok(bad.error.fields.village_id);
  await must(await get('/api/v1/evaluations/candidates?village_id=3', undefined), 401);
});

test('creating a campaign: bad input, permissions, idempotency', async () => {
  const bad = await must(await post('/api/v1/evaluations/campaigns', T.cadre, {
    village_id: 3, kind: '', title: '', period_from: '2026-13-01', period_to: '2026-01-01', points: -1, winners: 0,
    criteria: [{ name: '院落整洁', weight: 0, max_score: 10 }, { name: '绿化', weight: 10, min_score: 5, max_score: 5 }],
    panel: [{ user_id: A.panel[0] }, { user_id: A.panel[0] }],
  }), 400);
  for (const f of ['kind', 'title', 'period_from', 'points', 'winners', 'criteria[0]', 'criteria[1]', 'panel[1]'])
    assert.ok(bad.error.fields[f], `field ${f}: ${JSON.stringify(bad.error.fields)}`);
  assert.match(bad.error.fields['criteria[0]'], /权重/);
  // a panel member who is not a user of the village (the county's admin)
  const admin = await must(await get('/api/v1/session', T.county_admin), 200);
  const notVillage = await must(await post('/api/v1/evaluations/campaigns', T.cadre,
    campaignBody({ panel: [{ user_id: admin.user_id }] })), 400);
  assert.match(notVillage.error.fields['panel[0]'], /不是本村的用户/);
  const noTag = await must(await post('/api/v1/evaluations/campaigns', T.cadre, campaignBody({ tag_name: '没有的标签' })), 400);
  assert.ok(noTag.error.fields.tag_name);
  const missing = await must(await post('/api/v1/evaluations/campaigns', T.cadre, { village_id: 3 }), 400);
  for (const f of ['kind', 'title', 'criteria', 'panel']) assert.ok(missing.error.fields[f], f);
  for (const role of ['villager', 'grid_worker', 'inspector', 'assessor']) {
    const r = await must(await post('/api/v1/evaluations/campaigns', T[role], campaignBody()), 403);
    assert.ok(r.error.message);
  }
  await must(await post('/api/v1/evaluations/campaigns', T.handler, campaignBody()), 404);
  await must(await post('/api/v1/evaluations/campaigns', undefined, campaignBody()), 401);
  const k = key();
  const c1 = await must(await post('/api/v1/evaluations/campaigns', T.cadre, { ...campaignBody(), idempotency_key: k }), 201);
  const c2 = await must(await post('/api/v1/evaluations/campaigns', T.cadre, { ...campaignBody(), idempotency_key: k }), 200);
  assert.equal(c1.id, c2.id);
  assert.equal(c1.status, 'draft');
  assert.equal(c1.criteria.length, 5);
  assert.equal(c1.panel.length, 5);
  A.cid = c1.id;
  // a draft is the admins' and readers'
  await must(await get(`/api/v1/evaluations/campaigns/${A.cid}`, T.villager), 404);
  await must(await get(`/api/v1/evaluations/campaigns/${A.cid}`, T.inspector), 200);
  await must(await get(`/api/v1/evaluations/campaigns/${A.cid}`, T.handler), 404);
  await must(await get('/api/v1/evaluations/campaigns/999999', T.cadre), 404);
  const list = await must(await get('/api/v1/evaluations/campaigns?village_id=3', T.villager), 200);
  assert.ok(!list.items.some((x) => x.id === A.cid));
  const mine = await must(await get('/api/v1/evaluations/campaigns?village_id=3', T.cadre), 200);
  assert.ok(mine.items.some((x) => x.id === A.cid));
  await must(await get('/api/v1/evaluations/campaigns?status=nope', T.cadre), 400);
  await must(await get('/api/v1/public/evaluations/' + A.cid, undefined), 404);
});

test('a full campaign: nominations, panel scores, trimmed mean, 公示, objection, publication, points and tag', async () => {
  const cid = A.cid;
  const nominate = (token, body) => post(`/api/v1/evaluations/campaigns/${cid}/nominations`, token, body);
  await must(await nominate(T.cadre, { household_id: A.others[0] }), 409);   // still a draft
  await must(await nominate(T.villager, {}), 404);                       // a draft is not the village's yet
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/open`, T.villager, {}), 404);
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/open`, T.inspector, {}), 403);
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/nope`, T.cadre, {}), 404);
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/score`, T.cadre, {}), 409);
  const opened = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/open`, T.cadre, {}), 200);
  assert.equal(opened.status, 'nominating');
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/score`, T.cadre, {}), 409); // nobody nominated

  // self-nomination by the villager, retried with the same key
  const k = key();
  const self = await must(await nominate(T.villager, { note: '院子天天打扫', idempotency_key: k }), 201);
  const again = await must(await nominate(T.villager, { note: '院子天天打扫', idempotency_key: k }), 200);
  assert.equal(self.id, again.id);
  await must(await nominate(T.villager, {}), 409);                       // once per household
  const other = await must(await nominate(T.villager, { household_id: A.others[0] }), 403);
  assert.match(other.error.message, /只能提名自己家/);
  const g = await must(await nominate(T.grid_worker_grid, { household_id: A.inGrid[0], note: '网格员推荐' }), 201);
  const c1 = await must(await nominate(T.cadre, { household_id: A.others[0] }), 201);
  const c2 = await must(await nominate(T.cadre, { household_id: A.others[1] }), 201);
  await must(await nominate(T.inspector, { household_id: A.others[2] }), 403);
  await must(await nominate(T.handler, { household_id: A.others[2] }), 404);
  const badHh = await must(await nominate(T.cadre, { household_id: 99999999, note: 'x'.repeat(201) }), 400);
  assert.ok(badHh.error.fields.note);
  const badHh2 = await must(await nominate(T.cadre, { household_id: 99999999 }), 400);
  assert.ok(badHh2.error.fields.household_id);
  const c = await must(await get(`/api/v1/evaluations/campaigns/${cid}`, T.cadre), 200);
  const how = Object.fromEntries(c.nominations.map((n) => [n.id, n.how]));
  assert.deepEqual([how[self.id], how[g.id], how[c1.id]], ['self', 'grid', 'cadre']);

  // scoring
  const score = (token, nid, body) => post(`/api/v1/evaluations/nominations/${nid}/scores`, token, body);
  await must(await score(T.cadre, c1.id, { items: [8, 8, 8, 8, 8] }), 409);   // not scoring yet
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/score`, T.cadre, {}), 200);
  await must(await nominate(T.cadre, { household_id: A.others[2] }), 409);    // nominations closed
  // only the named panel
  const notPanel = await must(await score(T.town_official, c1.id, { items: [8, 8, 8, 8, 8] }), 403);
  assert.match(notPanel.error.message, /评分小组/);
  await must(await score(T.inspector, c1.id, { items: [8, 8, 8, 8, 8] }), 403);
  await must(await score(T.handler, c1.id, { items: [8, 8, 8, 8, 8] }), 404);
  await must(await score(T.cadre, 99999999, { items: [8, 8, 8, 8, 8] }), 404);
  // the own household
  const own = await must(await score(T.villager, self.id, { items: [10, 10, 10, 10, 10] }), 403);
  assert.match(own.error.message, /不能为本户评分/);
  // out of range, wrong count, bad photos
  const range = await must(await score(T.cadre, c1.id, { items: [11, 8, -1, 8, 8], photos: ['nope'] }), 400);
  assert.match(range.error.fields.items, /院落整洁/);
  assert.ok(range.error.fields.photos);
  await must(await score(T.cadre, c1.id, { items: [8, 8] }), 400);
  await must(await score(T.cadre, c1.id, { items: 'x' }), 400);
  await must(await score(T.cadre, c1.id, {}), 400);

  // a photo taken on the visit
  const up = await s.api('POST', '/api/v1/files', { token: T.grid_worker, raw: pngPixel(40, 160, 60), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  const photo = up.json.hash;

  const sheet = {
    [c1.id]: [[9, 9, 8, 9, 9], [8, 9, 9, 8, 7], [10, 10, 9, 9, 10], [6, 7, 7, 6, 6], [9, 8, 9, 9, 8]],
    [c2.id]: [[7, 7, 7, 7, 7], [8, 8, 8, 8, 8], [7, 6, 7, 7, 6], [9, 9, 9, 9, 9], [3, 4, 3, 3, 4]],
    [g.id]: [[6, 6, 6, 6, 6], [5, 5, 6, 6, 5], [6, 7, 6, 7, 6], [6, 6, 6, 6, 6], [7, 6, 6, 6, 7]],
    [self.id]: [[9, 9, 9, 9, 9], [8, 8, 9, 9, 8], [9, 9, 9, 9, 9], [8, 9, 8, 9, 8], null],   // 李琳 may not score her own
  };
  for (const [nid, rows] of Object.entries(sheet)) {
    for (let i = 0; i < 5; i++) {
      if (!rows[i]) continue;
      const body = { items: rows[i], note: '入户查看' };
      if (i === 1) {
        body.photos = [photo];
        body.idempotency_key = key();
      }
      const r = await must(await score(A.tokenOf[A.panel[i]], Number(nid), body), 201);
      if (i === 1) {
        const rr = await must(await score(A.tokenOf[A.panel[i]], Number(nid), body), 200);   // retried
        assert.equal(rr.id, r.id);
      }
    }
  }
  // a member changes their mind: the second score replaces the first
  await must(await score(T.assessor, c2.id, { items: [9, 9, 9, 9, 8] }), 201);
  sheet[c2.id][3] = [9, 9, 9, 9, 8];

  // the villager sees no ranking while scoring; the cadre sees the computed one
  const vv = await must(await get(`/api/v1/evaluations/campaigns/${cid}`, T.villager), 200);
  assert.equal(vv.ranking_visible, false);
  assert.ok(vv.nominations.every((n) => n.final_score === null));
  const mineOnly = vv.nominations.find((n) => n.id === c1.id);
  assert.equal(mineOnly.scores.length, 1);            // the member's own score only
  const cc = await must(await get(`/api/v1/evaluations/campaigns/${cid}`, T.cadre), 200);
  const expected = {};
  for (const [nid, rows] of Object.entries(sheet)) expected[nid] = trimmed(rows.filter(Boolean).map(total));
  for (const n of cc.nominations) {
    assert.equal(n.final_score, expected[n.id], `nomination ${n.id}`);
    assert.equal(n.scores.length, n.id === self.id ? 4 : 5);
  }
  // five scores: highest and lowest dropped (c2 has a 3.35 and a 8.85 that must not count)
  assert.equal(expected[c2.id], Math.round(((700 + 800 + 665) / 3)) / 100);
  const order = Object.keys(expected).map(Number).sort((a, b) => expected[b] - expected[a]);
  assert.deepEqual(cc.nominations.map((n) => n.id), order);
  assert.deepEqual(cc.nominations.map((n) => n.rank), [1, 2, 3, 4]);
  const winners = cc.nominations.filter((n) => n.winner).map((n) => n);
  assert.deepEqual(winners.map((n) => n.id), order.slice(0, 2));
  // the photo: for the member and the readers
  const withPhoto = cc.nominations.find((n) => n.id === c1.id).scores.find((x) => x.photos.length);
  assert.equal((await get(`/api/v1/evaluations/scores/${withPhoto.id}/photos/1`, T.grid_worker)).status, 200);
  assert.equal((await get(`/api/v1/evaluations/scores/${withPhoto.id}/photos/1`, T.inspector)).status, 200);
  assert.equal((await get(`/api/v1/evaluations/scores/${withPhoto.id}/photos/1`, T.villager)).status, 404);
  assert.equal((await get(`/api/v1/evaluations/scores/${withPhoto.id}/photos/2`, T.grid_worker)).status, 404);

  // 公示
  const pub = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publicize`, T.cadre, {}), 200);
  assert.equal(pub.status, 'publicity');
  await must(await score(T.cadre, c1.id, { items: [1, 1, 1, 1, 1] }), 409);  // scores are fixed now
  const early = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publish`, T.cadre, {}), 409);
  assert.match(early.error.message, /公示期/);
  const vpub = await must(await get(`/api/v1/evaluations/campaigns/${cid}`, T.villager), 200);
  assert.equal(vpub.ranking_visible, true);
  assert.equal(vpub.can_object, true);
  const pubPage = await must(await get(`/api/v1/public/evaluations/${cid}`, undefined), 200);
  assert.equal(pubPage.nominations[0].id, order[0]);
  assert.equal(pubPage.panel, undefined);
  // an objection
  const badObj = await must(await post(`/api/v1/evaluations/campaigns/${cid}/objections`, T.villager, { reason: '  ' }), 400);
  assert.ok(badObj.error.fields.reason);
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/objections`, T.handler, { reason: '不公平' }), 404);
  const obj = await must(await post(`/api/v1/evaluations/campaigns/${cid}/objections`, T.villager,
    { reason: '第二名家的厕所还没改好', idempotency_key: key() }), 201);
  await s.advance(4 * 86400);
  for (const role of Object.keys(T)) T[role] = await s.login(role === 'villager' ? s.villager.phone : require('./lib').PHONES[role], undefined, { fresh: true });
  for (const i of [0, 1, 2, 3, 4]) A.tokenOf[A.panel[i]] = [T.cadre, T.grid_worker, T.grid_worker_grid, T.assessor, T.villager][i];
  const blocked = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publish`, T.cadre, {}), 409);
  assert.match(blocked.error.message, /异议/);
  await must(await post(`/api/v1/evaluations/objections/${obj.id}/decision`, T.villager, { uphold: false, reason: '不成立' }), 403);
  await must(await post(`/api/v1/evaluations/objections/${obj.id}/decision`, T.handler, { uphold: false, reason: '不成立' }), 404);
  await must(await post(`/api/v1/evaluations/objections/${obj.id}/decision`, T.cadre, { reason: '' }), 400);
  await must(await post('/api/v1/evaluations/objections/99999999/decision', T.cadre, { uphold: false, reason: '不成立' }), 404);
  await must(await post(`/api/v1/evaluations/objections/${obj.id}/decision`, T.cadre,
    { uphold: false, reason: '经核实，厕所已于五月改造完成' }), 200);
  await must(await post(`/api/v1/evaluations/objections/${obj.id}/decision`, T.cadre, { uphold: false, reason: '再次' }), 409);

  // publication: each winner credited once, through the ledger, and tagged
  const before = {};
  for (const n of winners) {
    const l = await must(await get(`/api/v1/households/${n.household_id}/ledger?limit=200`, T.cadre), 200);
    before[n.household_id] = l.items.filter((e) => e.source === 'award' && e.rule_name === '2026年测试美丽庭院评选').length;
    assert.equal(before[n.household_id], 0);
  }
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publish`, T.inspector, {}), 403);
  const done = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publish`, T.cadre, {}), 200);
  assert.equal(done.status, 'published');
  assert.ok(done.nominations.filter((n) => n.winner).every((n) => n.credited));
  const again2 = await must(await post(`/api/v1/evaluations/campaigns/${cid}/actions/publish`, T.cadre, {}), 409);
  assert.match(again2.error.message, /已发布/);
  for (const n of winners) {
    const l = await must(await get(`/api/v1/households/${n.household_id}/ledger?limit=200`, T.cadre), 200);
    const mine = l.items.filter((e) => e.source === 'award' && e.rule_name === '2026年测试美丽庭院评选');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].spendable, 30);
    const tags = await must(await get(`/api/v1/households/${n.household_id}/tags`, T.cadre), 200);
    assert.ok(tags.tags.some((t) => t.name === '美丽庭院户'), JSON.stringify(tags.tags));
  }
  const loser = cc.nominations.find((n) => !n.winner);
  const ll = await must(await get(`/api/v1/households/${loser.household_id}/ledger?limit=200`, T.cadre), 200);
  assert.equal(ll.items.filter((e) => e.rule_name === '2026年测试美丽庭院评选').length, 0);
  // the villager sees the result; the public page shows it
  const vr = await must(await get(`/api/v1/evaluations/campaigns/${cid}`, T.villager), 200);
  assert.equal(vr.status, 'published');
  const pp = await must(await get(`/api/v1/public/evaluations/${cid}`, undefined), 200);
  assert.equal(pp.status, 'published');
  assert.ok(pp.nominations.every((n) => !n.head_name || /\*/.test(n.head_name) || [...n.head_name].length < 2), 'names are masked');
  assert.deepEqual(pp.nominations.filter((n) => n.winner).map((n) => n.id), order.slice(0, 2));
  await must(await post(`/api/v1/evaluations/campaigns/${cid}/objections`, T.villager, { reason: '太晚了' }), 409);
  // the audit chain recorded it on the village
  const audit = await must(await get('/api/v1/audit?unit_id=3&limit=200', T.cadre), 200);
  const kinds = new Set(audit.items.map((e) => e.object_type));
  for (const k2 of ['eval_campaign', 'eval_nomination', 'eval_score', 'eval_objection']) assert.ok(kinds.has(k2), k2);
});

test('an upheld objection sends the campaign back to scoring', async () => {
  const c = await must(await post('/api/v1/evaluations/campaigns', T.town_official,
    campaignBody({ kind: '五好文明家庭', title: '测试五好文明家庭', tag_name: '文明家庭', panel: [{ user_id: A.panel[0] }] })), 201);
  await must(await post(`/api/v1/evaluations/campaigns/${c.id}/actions/open`, T.cadre, {}), 200);
  const n = await must(await post(`/api/v1/evaluations/campaigns/${c.id}/nominations`, T.cadre, { household_id: A.others[3] }), 201);
  await must(await post(`/api/v1/evaluations/campaigns/${c.id}/actions/score`, T.cadre, {}), 200);
  await must(await post(`/api/v1/evaluations/campaigns/${c.id}/actions/publicize`, T.cadre, {}), 409);   // not scored
  await must(await post(`/api/v1/evaluations/nominations/${n.id}/scores`, T.grid_worker, { items: [5, 5, 5, 5, 5] }), 403);
  await must(await post(`/api/v1/evaluations/nominations/${n.id}/scores`, T.cadre, { items: [5, 5, 5, 5, 5] }), 201);
  await must(await post(`/api/v1/evaluations/campaigns/${c.id}/actions/publicize`, T.cadre, {}), 200);
  await must(await post(`/api/v1/evaluations/campaigns/${c.id}/objections`, T.grid_worker, { reason: '打分太松' }), 403);
  const o = await must(await post(`/api/v1/evaluations/campaigns/${c.id}/objections`, T.villager, { reason: '打分太松' }), 201);
  await must(await post(`/api/v1/evaluations/objections/${o.id}/decision`, T.cadre, { uphold: true, reason: '重新评分' }), 200);
  const back = await must(await get(`/api/v1/evaluations/campaigns/${c.id}`, T.cadre), 200);
  assert.equal(back.status, 'scoring');
  assert.equal(back.publicity_ends_at, null);
  assert.equal(back.objections[0].status, 'upheld');
  const panelList = await must(await get('/api/v1/evaluations/campaigns?panel=1', T.cadre), 200);
  assert.ok(panelList.items.some((x) => x.id === c.id));
  const villagerList = await must(await get('/api/v1/evaluations/campaigns', T.villager), 200);
  assert.ok(villagerList.items.some((x) => x.id === c.id));
  await must(await get('/api/v1/evaluations/campaigns?panel=2', T.cadre), 400);
});
