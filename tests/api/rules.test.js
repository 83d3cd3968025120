// The rule catalog (积分事项): the demo catalog, who reads and who changes which
// catalog, new versions that add, retire and adopt (with the meeting that adopted
// them), retired rules kept readable, templates of the county and a town, and bad input
// reported field by field, all at once.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const T = {};

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

async function rules(token, unit, query = '') {
  return must(await s.api('GET', `/api/v1/units/${unit}/rules?limit=200${query}`, { token }), 200);
}

const named = (list, name) => list.items.find((r) => r.name === name);

before(async () => {
  s = await startServer();
  T.admin = await s.as('county_admin');
  T.cadre = await s.as('cadre');
  T.villager = await s.as('villager');
  T.grid = await s.as('grid_worker');
  T.town = await s.as('town_official');
  T.inspector = await s.as('inspector');
  const counties = await must(await s.api('GET', '/api/v1/units', { token: T.admin }), 200);
  T.county = counties.items[0].id;
  const towns = await must(await s.api('GET', `/api/v1/units?parent_id=${T.county}`, { token: T.admin }), 200);
  T.townId = towns.items[0].id;
  const villages = await must(await s.api('GET', `/api/v1/units?parent_id=${T.townId}`, { token: T.admin }), 200);
  T.village = villages.items[0].id;
  const groups = await must(await s.api('GET', `/api/v1/units?parent_id=${T.village}`, { token: T.admin }), 200);
  T.group = groups.items.find((g) => g.kind === 'group').id;
  // a second village, outside the demo cadre's scope
  T.village2 = (await must(await s.api('POST', '/api/v1/units', {
    token: T.admin, body: { parent_id: T.townId, kind: 'village', code: 'RULES-V2', name: '柳溪村' },
  }), 201)).id;
});
after(async () => { if (s) await s.close(); });

test('the categories, meeting types and claim kinds', async () => {
  const c = await must(await s.api('GET', '/api/v1/rule-categories', { token: T.villager }), 200);
  assert.deepEqual(c.items.map((i) => i.name),
    ['思想政治', '生产生活', '家庭教育', '集体活动', '人居环境', '平安建设', '移风易俗', '扣分事项']);
  assert.deepEqual(c.items.filter((i) => i.deduction).map((i) => i.name), ['扣分事项']);
  assert.deepEqual(c.meeting_types.village, ['村民代表会议', '村民会议', '两委会议', '党员大会']);
  assert.ok(c.meeting_types.county.includes('县委农办会议'));
  assert.deepEqual(c.claim_by.map((x) => x.value), ['self', 'grid', 'cadre']);
  assert.deepEqual(c.cap_periods.map((x) => x.value), ['month', 'quarter', 'year']);
  assert.equal((await s.api('GET', '/api/v1/rule-categories')).status, 401);
});

test('the demo county has a template catalog that every village adopted as version 1', async () => {
  const tpl = await rules(T.admin, T.county);
  assert.ok(tpl.total >= 40, `only ${tpl.total} template rules`);
  for (const cat of ['思想政治', '生产生活', '家庭教育', '集体活动', '人居环境', '平安建设', '移风易俗', '扣分事项'])
    assert.ok(tpl.items.filter((r) => r.category === cat).length >= 3, cat);
  const labour = named(tpl, '参加志愿劳动');
  assert.equal(labour.points, 5);
  assert.equal(labour.photo_required, true);
  assert.equal(labour.claim_by, 'self');
  assert.equal(labour.cap_count, 3);
  assert.equal(labour.cap_period, 'month');
  assert.equal(named(tpl, '参加治安巡逻').points, 10);
  assert.equal(named(tpl, '参加治安巡逻').claim_by, 'grid');
  assert.equal(named(tpl, '焚烧秸秆').points, -5);
  assert.equal(named(tpl, '扰乱公共秩序').points, -20);
  for (const r of tpl.items) {
    if (r.category === '扣分事项') {
      assert.ok(r.points < 0, r.name);
      assert.equal(r.claim_by, 'cadre', r.name);
    } else {
      assert.ok(r.points > 0, r.name);
    }
    assert.equal(r.template_id, null);
    assert.equal(r.in_force, true);
  }
  const tv = await must(await s.api('GET', `/api/v1/units/${T.county}/rule-versions`, { token: T.admin }), 200);
  assert.equal(tv.total, 1);
  assert.equal(tv.items[0].meeting_type, '县委农办会议');
  assert.equal(tv.items[0].added.length, tpl.total);

  // the village's catalog: every template rule, adopted as its own
  const mine = await rules(T.villager, T.village);
  assert.equal(mine.total, tpl.total);
  for (const r of mine.items) {
    const t = tpl.items.find((x) => x.id === r.template_id);
    assert.ok(t, `${r.name} comes from a template rule`);
    assert.equal(r.name, t.name);
    assert.equal(r.points, t.points);
    assert.equal(r.unit_id, T.village);
    assert.equal(r.added_version_no, 1);
  }
  const vv = await must(await s.api('GET', `/api/v1/units/${T.village}/rule-versions`, { token: T.villager }), 200);
  assert.equal(vv.total, 1);
  assert.equal(vv.items[0].version_no, 1);
  assert.equal(vv.items[0].meeting_type, '村民代表会议');
  assert.match(vv.items[0].meeting_date, /^2026-\d\d-\d\d$/);
  assert.equal(vv.items[0].added.length, mine.total);
  assert.deepEqual(vv.items[0].retired, []);

  // one rule
  const one = await must(await s.api('GET', `/api/v1/rules/${mine.items[0].id}`, { token: T.villager }), 200);
  assert.deepEqual(one, mine.items[0]);
});

test('paging of a catalog', async () => {
  const p1 = await must(await s.api('GET', `/api/v1/units/${T.village}/rules?limit=10`, { token: T.cadre }), 200);
  const p2 = await must(await s.api('GET', `/api/v1/units/${T.village}/rules?limit=10&offset=10`, { token: T.cadre }), 200);
  assert.equal(p1.items.length, 10);
  assert.equal(p1.limit, 10);
  assert.equal(p2.offset, 10);
  assert.ok(p1.total > 20);
  assert.ok(p2.items[0].id > p1.items[9].id);
  const bad = await s.api('GET', `/api/v1/units/${T.village}/rules?include_retired=yes`, { token: T.cadre });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.include_retired);
});

test('who may read which catalog', async () => {
  // the village: anyone whose scope touches it
  for (const who of ['villager', 'grid', 'cadre', 'town', 'inspector', 'admin'])
    assert.equal((await s.api('GET', `/api/v1/units/${T.village}/rules`, { token: T[who] })).status, 200, who);
  // templates: any role in the county, villagers included
  for (const who of ['villager', 'grid', 'cadre', 'town', 'admin']) {
    assert.equal((await s.api('GET', `/api/v1/units/${T.county}/rules`, { token: T[who] })).status, 200, who);
    assert.equal((await s.api('GET', `/api/v1/units/${T.townId}/rule-versions`, { token: T[who] })).status, 200, who);
  }
  // another village is not in the cadre's or the villager's scope
  assert.equal((await s.api('GET', `/api/v1/units/${T.village2}/rules`, { token: T.cadre })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/units/${T.village2}/rule-versions`, { token: T.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/units/${T.village2}/rules`, { token: T.admin })).status, 200);
  // groups have no catalog; unknown units and rules are 404; no login is 401
  assert.equal((await s.api('GET', `/api/v1/units/${T.group}/rules`, { token: T.cadre })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/units/999999/rules', { token: T.admin })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/rules/999999', { token: T.admin })).status, 404);
  assert.equal((await s.api('GET', '/api/v1/rules/abc', { token: T.admin })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/units/${T.village}/rules`)).status, 401);
});

test('villagers, grid workers, town officials and inspectors cannot change a village catalog; a cadre cannot change templates', async () => {
  const body = {
    meeting_type: '村民代表会议', meeting_date: '2026-03-01',
    add: [{ category: '集体活动', name: '参加植树活动', points: 3, claim_by: 'self' }],
  };
  for (const who of ['villager', 'grid', 'town', 'inspector']) {
    const r = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, { token: T[who], body });
    assert.equal(r.status, 403, `${who}: ${r.text}`);
    assert.deepEqual(r.json.error.fields, {});
  }
  // a cadre of another village, and the county admin on a village catalog
  assert.equal((await s.api('POST', `/api/v1/units/${T.village2}/rule-versions`, { token: T.cadre, body })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, { token: T.admin, body })).status, 403);
  // templates
  const tbody = { ...body, meeting_type: '县委农办会议' };
  assert.equal((await s.api('POST', `/api/v1/units/${T.county}/rule-versions`, { token: T.cadre, body: tbody })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/units/${T.townId}/rule-versions`, { token: T.town, body: { ...body, meeting_type: '乡镇党委会议' } })).status, 403);
  // a group, and no login
  assert.equal((await s.api('POST', `/api/v1/units/${T.group}/rule-versions`, { token: T.cadre, body })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, { body })).status, 401);
  // nothing was written
  const vv = await must(await s.api('GET', `/api/v1/units/${T.village}/rule-versions`, { token: T.cadre }), 200);
  assert.equal(vv.total, 1);
});

test('bad input: every field error at once, and nothing is written', async () => {
  const mine = await rules(T.cadre, T.village);
  const r = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '县委农办会议',
      meeting_date: '2099-01-01',
      note: 'x'.repeat(201),
      zzz: 1,
      add: [
        { category: '扣分事项', name: '乱停乱放', points: 5, claim_by: 'self' },
        { category: '娱乐', name: '', points: 0, claim_by: 'all', cap_count: 2, photo_required: 'yes' },
        { category: '集体活动', name: '参加志愿劳动', points: 3, claim_by: 'self', cap_period: 'month' },
        { category: '人居环境', name: '清理河道', points: '5', claim_by: 'grid', valid_from: '2026-05-01', valid_to: '2026-04-01', extra: true },
        { category: '平安建设', name: '参加夜间巡逻', points: 101, claim_by: 'grid', cap_count: 101, cap_period: 'week' },
        'text',
      ],
      retire: [mine.items[0].id, mine.items[0].id, 999999, 'x'],
      adopt: [{ template_id: 999999 }, { points: 2 }],
    },
  });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'invalid');
  const f = r.json.error.fields;
  const expect = [
    'meeting_type', 'meeting_date', 'note', 'zzz',
    'add[0].points', 'add[0].claim_by',
    'add[1].category', 'add[1].name', 'add[1].points', 'add[1].claim_by', 'add[1].cap_period', 'add[1].photo_required',
    'add[2].name', 'add[2].cap_period',
    'add[3].points', 'add[3].valid_to', 'add[3].extra',
    'add[4].points', 'add[4].cap_count', 'add[4].cap_period',
    'add[5]',
    'retire[1]', 'retire[2]', 'retire[3]',
    'adopt[0].template_id', 'adopt[1].template_id',
  ];
  for (const k of expect) assert.ok(f[k], `no error for ${k}: ${JSON.stringify(f)}`);
  assert.deepEqual(Object.keys(f).sort(), [...expect].sort());
  assert.equal(f['add[5]'], '应为对象');
  assert.match(f['meeting_type'], /村民代表会议/);
  assert.match(f['meeting_date'], /今天/);
  assert.match(f['add[0].points'], /负数/);
  assert.match(f['add[2].name'], /同名/);
  assert.match(f['add[1].cap_period'], /周期/);

  // wrong types of the arrays and of the top level
  const r2 = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre, body: { meeting_type: 1, meeting_date: '2026/03/01', add: {}, retire: 5, adopt: 'x' },
  });
  assert.equal(r2.status, 400);
  assert.deepEqual(Object.keys(r2.json.error.fields).sort(), ['add', 'adopt', 'meeting_date', 'meeting_type', 'retire']);

  // no change at all
  const r3 = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre, body: { meeting_type: '两委会议', meeting_date: '2026-03-01', add: [], retire: [] },
  });
  assert.equal(r3.status, 400);
  assert.deepEqual(Object.keys(r3.json.error.fields), ['add']);

  // too many changes in one version
  const many = Array.from({ length: 201 }, (_, i) => ({ category: '集体活动', name: `活动${i}`, points: 1, claim_by: 'self' }));
  const r4 = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre, body: { meeting_type: '两委会议', meeting_date: '2026-03-01', add: many },
  });
  assert.equal(r4.status, 400);
  assert.ok(r4.json.error.fields.add);

  const vv = await must(await s.api('GET', `/api/v1/units/${T.village}/rule-versions`, { token: T.cadre }), 200);
  assert.equal(vv.total, 1);
  assert.equal((await rules(T.cadre, T.village)).total, mine.total);
});

test('county and town templates; a cadre adds, retires and adopts with adjustments', async () => {
  // the county admin adds a template rule
  const tv = await must(await s.api('POST', `/api/v1/units/${T.county}/rule-versions`, {
    token: T.admin,
    body: {
      meeting_type: '县委农办会议', meeting_date: '2026-06-01', note: '增补农村人居环境整治事项',
      add: [{ category: '人居环境', name: '参加河道清洁行动', points: 5, photo_required: true, claim_by: 'self', cap_count: 2, cap_period: 'month' }],
    },
  }), 201);
  assert.equal(tv.version_no, 2);
  assert.equal(tv.unit_id, T.county);
  assert.equal(tv.added.length, 1);
  const river = tv.added[0].id;
  // and a town template, adopted at a town meeting
  const town = await must(await s.api('POST', `/api/v1/units/${T.townId}/rule-versions`, {
    token: T.admin,
    body: {
      meeting_type: '乡镇党委会议', meeting_date: '2026-06-10',
      add: [{ category: '生产生活', name: '参加茶叶种植技术培训', points: 4, claim_by: 'grid', valid_from: '2026-03-01', valid_to: '2026-10-31' }],
    },
  }), 201);
  assert.equal(town.version_no, 1);
  const tea = town.added[0].id;
  // a village meeting type does not adopt a county template
  const wrongType = await s.api('POST', `/api/v1/units/${T.county}/rule-versions`, {
    token: T.admin, body: { meeting_type: '村民代表会议', meeting_date: '2026-06-01', add: [{ category: '集体活动', name: 'x', points: 1, claim_by: 'self' }] },
  });
  assert.equal(wrongType.status, 400);
  assert.ok(wrongType.json.error.fields.meeting_type);
  // templates do not adopt
  const tplAdopt = await s.api('POST', `/api/v1/units/${T.townId}/rule-versions`, {
    token: T.admin, body: { meeting_type: '乡镇党委会议', meeting_date: '2026-06-01', adopt: [{ template_id: river }] },
  });
  assert.equal(tplAdopt.status, 400);
  assert.ok(tplAdopt.json.error.fields.adopt);

  const before = await rules(T.cadre, T.village);
  const labour = named(before, '参加志愿劳动');
  const straw = named(before, '焚烧秸秆');
  const version = await must(await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '村民代表会议',
      meeting_date: '2026-07-15',
      note: '2026 年第 3 次村民代表会议，应到 35 人，实到 31 人，全票通过',
      add: [
        { category: '集体活动', name: '参加植树活动', points: 3, photo_required: true, claim_by: 'self', cap_count: 1, cap_period: 'year' },
        { category: '扣分事项', name: '占用公共道路晾晒', points: -3, claim_by: 'cadre' },
      ],
      retire: [labour.id, straw.id],
      adopt: [
        { template_id: river, points: 6 },
        { template_id: tea },
        { template_id: labour.template_id, points: 4, cap_count: 5, cap_period: 'month' },
      ],
    },
  }), 201);
  // the version records the meeting and its changes
  assert.equal(version.version_no, 2);
  assert.equal(version.unit_id, T.village);
  assert.equal(version.meeting_type, '村民代表会议');
  assert.equal(version.meeting_date, '2026-07-15');
  assert.match(version.note, /全票通过/);
  assert.ok(version.created_by > 0);
  assert.ok(version.created_by_name.length > 0);
  assert.match(version.created_at, /^\d{4}-\d\d-\d\dT.*\+08:00$/);
  assert.deepEqual(version.added.map((a) => a.name).sort(),
    ['占用公共道路晾晒', '参加志愿劳动', '参加植树活动', '参加河道清洁行动', '参加茶叶种植技术培训'].sort());
  assert.deepEqual(version.retired.map((a) => a.name).sort(), ['参加志愿劳动', '焚烧秸秆'].sort());
  assert.deepEqual(version.retired.find((a) => a.id === labour.id), { id: labour.id, name: '参加志愿劳动', points: 5 });

  const vv = await must(await s.api('GET', `/api/v1/units/${T.village}/rule-versions`, { token: T.villager }), 200);
  assert.equal(vv.total, 2);
  assert.deepEqual(vv.items[0], version);
  assert.equal(vv.items[1].version_no, 1);

  // the catalog now
  const now = await rules(T.villager, T.village);
  assert.equal(now.total, before.total - 2 + 5);
  const newLabour = named(now, '参加志愿劳动');
  assert.notEqual(newLabour.id, labour.id);
  assert.equal(newLabour.points, 4);
  assert.equal(newLabour.cap_count, 5);
  assert.equal(newLabour.template_id, labour.template_id);
  assert.equal(newLabour.photo_required, true);
  assert.equal(newLabour.added_version_no, 2);
  const adoptedRiver = named(now, '参加河道清洁行动');
  assert.equal(adoptedRiver.points, 6);
  assert.equal(adoptedRiver.template_id, river);
  assert.equal(adoptedRiver.cap_count, 2);
  const adoptedTea = named(now, '参加茶叶种植技术培训');
  assert.equal(adoptedTea.template_id, tea);
  assert.equal(adoptedTea.valid_from, '2026-03-01');
  assert.equal(adoptedTea.valid_to, '2026-10-31');
  assert.equal(named(now, '占用公共道路晾晒').points, -3);
  assert.equal(named(now, '焚烧秸秆'), undefined);

  // retired rules stay readable
  const all = await rules(T.villager, T.village, '&include_retired=1');
  assert.equal(all.total, now.total + 2);
  const oldLabour = all.items.find((r) => r.id === labour.id);
  assert.equal(oldLabour.in_force, false);
  assert.equal(oldLabour.retired_version_no, 2);
  assert.equal(oldLabour.retired_version_id, version.id);
  assert.equal(oldLabour.points, 5);
  // rules in force come first
  const firstRetired = all.items.findIndex((r) => !r.in_force);
  assert.equal(firstRetired, now.total);
  const got = await must(await s.api('GET', `/api/v1/rules/${straw.id}`, { token: T.villager }), 200);
  assert.equal(got.in_force, false);
  assert.equal(got.name, '焚烧秸秆');

  // the template of an adopted rule is untouched, and still readable
  const tpl = await must(await s.api('GET', `/api/v1/rules/${labour.template_id}`, { token: T.villager }), 200);
  assert.equal(tpl.points, 5);
  assert.equal(tpl.in_force, true);

  // adopting again what is in force, retiring a rule twice, a retired rule, another unit's rule
  const again = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre,
    body: {
      meeting_type: '两委会议', meeting_date: '2026-07-20',
      adopt: [{ template_id: river }],
      retire: [labour.id, tpl.id],
    },
  });
  assert.equal(again.status, 400);
  assert.deepEqual(Object.keys(again.json.error.fields).sort(), ['adopt[0].template_id', 'retire[0]', 'retire[1]']);

  // everything is in the audit log of the village
  const audit = await must(await s.api('GET', `/api/v1/audit?unit_id=${T.village}&object_type=rule_version`, { token: T.cadre }), 200);
  assert.ok(audit.items.some((e) => e.object_id === version.id && e.action === 'create'));
  const retired = await must(await s.api('GET', `/api/v1/audit?unit_id=${T.village}&object_type=point_rule&object_id=${labour.id}`, { token: T.cadre }), 200);
  assert.deepEqual(retired.items.map((e) => e.action).sort(), ['adopt', 'retire']);
  const verify = await must(await s.api('GET', '/api/v1/audit/verify', { token: T.admin }), 200);
  assert.equal(verify.ok, true);
});

test('a village adopts only templates of its own town and county', async () => {
  // a template of another town of the county is not the village's to adopt
  const town2 = (await must(await s.api('POST', '/api/v1/units', {
    token: T.admin, body: { parent_id: T.county, kind: 'town', code: 'RULES-T2', name: '河湾镇' },
  }), 201)).id;
  const v = await must(await s.api('POST', `/api/v1/units/${town2}/rule-versions`, {
    token: T.admin,
    body: { meeting_type: '乡镇党政联席会议', meeting_date: '2026-05-05', add: [{ category: '生产生活', name: '参加柑橘嫁接培训', points: 3, claim_by: 'self' }] },
  }), 201);
  const r = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre,
    body: { meeting_type: '村民会议', meeting_date: '2026-05-06', adopt: [{ template_id: v.added[0].id }] },
  });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields['adopt[0].template_id'], /所属/);
  // nor a rule of a village
  const own = (await rules(T.cadre, T.village)).items[0];
  const r2 = await s.api('POST', `/api/v1/units/${T.village}/rule-versions`, {
    token: T.cadre,
    body: { meeting_type: '村民会议', meeting_date: '2026-05-06', adopt: [{ template_id: own.id }] },
  });
  assert.equal(r2.status, 400);
  assert.ok(r2.json.error.fields['adopt[0].template_id']);
});
