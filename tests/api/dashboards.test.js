// Dashboards: GET /api/v1/dashboards/{unit_id} gathers every feature's figures for a
// unit and each child unit. After random sequences of events (reported, accepted,
// finished, left to go overdue) in three villages of two towns, a unit's additive
// figures equal the sum of its children's, level by level, and equal what the
// features' own endpoints say (the event statistics, the overdue board, the list board,
// the register's share, the disclosure board). Scope: outside the grants 404, a reader
// with no section 403, a section the reader may not read is absent.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { readXlsx } = require('./xlsx');
const { startServer } = require('./lib');

let s;
const T = {};
const U = {};
const K = {};
const CREDS = {};

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);
const post = async (token, p, body, status) => must(await s.api('POST', p, { token, body }), status);

async function user(key, phone, name, role, unit) {
  const u = must(await s.api('POST', '/api/v1/users', { token: T.county, body: { phone, name, password: 'Dash-pass-2026' } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: T.county, body: { role, unit_id: unit } }), 200);
  CREDS[key] = [phone, 'Dash-pass-2026'];
  T[key] = await s.login(phone, 'Dash-pass-2026');
}

async function relogin() {
  for (const [key, [phone, password]] of Object.entries(CREDS)) T[key] = await s.login(phone, password, { fresh: true });
}

// a seeded generator, so that a failure can be replayed
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

before(async () => {
  s = await startServer();
  for (const [key, role] of [['county', 'county_admin'], ['town', 'town_official'], ['cadre', 'cadre'], ['clerk', 'clerk'],
    ['inspector', 'inspector'], ['grid', 'grid_worker_grid']]) {
    CREDS[key] = [require('./lib').PHONES[role], 'Cunzhi2026!'];
    T[key] = await s.as(role);
  }
  CREDS.villager = [s.villager.phone, s.villager.password];
  T.villager = await s.as('villager');
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
  U.county = (await get(T.county, `/api/v1/units/${U.town}`)).parent_id;
  for (const k of (await get(T.county, '/api/v1/event-categories')).items) if (!k.photo_required && k.active !== false) K[k.name] = k.id;
  U.B = (await post(T.county, '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'DB-VB', name: '柳溪村' }, 201)).id;
  U.town2 = (await post(T.county, '/api/v1/units', { parent_id: U.county, kind: 'town', code: 'DB-T2', name: '青石镇' }, 201)).id;
  U.C = (await post(T.county, '/api/v1/units', { parent_id: U.town2, kind: 'village', code: 'DB-VC', name: '石桥村' }, 201)).id;
  await user('cadreB', '19944440001', '邓书记', 'cadre', U.B);
  await user('cadreC', '19944440002', '石书记', 'cadre', U.C);
  await user('town2', '19944440003', '罗镇长', 'town_official', U.town2);
  await user('partyOrg', '19944440004', '组织委员', 'party_org', U.county);
});

after(async () => {
  if (s) await s.close();
});

const period = async () => {
  const now = new Date(Date.parse((await s.advance(0)).now) + 8 * 3600 * 1000);
  return now.toISOString().slice(0, 7);
};

// the additive figures of a section: every count the server says adds up
function checkSums(d, label) {
  assert.ok(d.children.length > 0, `${label}: children`);
  for (const [name, sec] of Object.entries(d.unit.sections)) {
    for (const fig of d.additive[name]) {
      const sum = d.children.reduce((a, c) => a + (c.sections[name] ? c.sections[name].figures[fig] : 0), 0);
      assert.equal(sec.figures[fig], sum, `${label}: ${name}.${fig} = Σ children (${d.children.map((c) => c.sections[name]?.figures[fig]).join('+')})`);
    }
  }
}

// each child's row (filled by one grouped query per section for all children) equals
// the child's own dashboard, section by section and figure by figure
async function checkChildren(token, d, p, label) {
  for (const c of d.children) {
    const own = await get(token, `/api/v1/dashboards/${c.id}?period=${p}`);
    assert.deepEqual(Object.keys(c.sections).sort(), Object.keys(own.unit.sections).sort(), `${label}: sections of child ${c.id}`);
    for (const [name, sec] of Object.entries(c.sections))
      assert.deepEqual(sec.figures, own.unit.sections[name].figures, `${label}: ${name} of child ${c.id} = its own dashboard`);
  }
}

// the figures equal what the features' own endpoints return for the same unit
async function checkAgainstModules(token, unitId, p) {
  const d = await get(token, `/api/v1/dashboards/${unitId}?period=${p}`);
  const sec = d.unit.sections;
  const from = d.period_start, to = d.period_end;
  if (sec.events) {
    const st = await get(token, `/api/v1/event-stats?unit_id=${unitId}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    for (const f of ['received', 'closed', 'resolved', 'on_time', 'rated', 'satisfied'])
      assert.equal(sec.events.figures[f], st.total[f], `events.${f} of ${unitId}`);
    const board = await get(token, `/api/v1/events?unit_id=${unitId}&overdue=1&limit=1`);
    assert.equal(sec.events.figures.overdue_now, board.total, `overdue events of ${unitId} = the overdue list`);
    const listed = await get(token, `/api/v1/events?unit_id=${unitId}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=1`);
    assert.equal(sec.events.figures.received, listed.total, `events received of ${unitId} = the list`);
  }
  if (sec.lists) {
    const board = await get(token, `/api/v1/list-board?unit=${unitId}&limit=1`);
    assert.equal(sec.lists.figures.overdue_now, board.total, `overdue list records of ${unitId} = the list board`);
  }
  if (sec.register) {
    const r = await get(token, `/api/v1/stats/register?unit_id=${unitId}`);
    assert.equal(sec.register.figures.households, r.households);
    assert.equal(sec.register.figures.registered, r.registered);
    assert.equal(sec.register.figures.share, r.households ? Math.round(r.registered * 10000 / r.households) / 10000 : null);
  }
  if (sec.disclosure) {
    const b = await get(token, `/api/v1/disclosure-board?unit=${unitId}`);
    const late = b.villages.reduce((a, v) => a + v.late, 0);
    assert.equal(sec.disclosure.figures.late, late, `late disclosures of ${unitId} = the board`);
  }
  if (sec.grid) {
    const due = await get(token, `/api/v1/visits/due?unit_id=${unitId}&overdue=1&within_days=0`);
    assert.equal(sec.grid.figures.visits_overdue, due.items.length, `overdue visits of ${unitId} = the visits due list`);
    if (d.grid_from) {
      const c = await get(token, `/api/v1/patrol-compliance?unit_id=${unitId}&from=${d.grid_from}&to=${d.grid_to}`);
      assert.equal(sec.grid.figures.worker_days, c.items.length, `worker-days of ${unitId}`);
      assert.equal(sec.grid.figures.compliant_days, c.items.filter((x) => x.compliant).length, `compliant days of ${unitId}`);
    }
  }
  if (sec.party) {
    const c = await get(token, `/api/v1/party/compliance?unit=${unitId}&year=${p.slice(0, 4)}`);
    for (const f of ['required', 'on_time', 'late', 'missing']) assert.equal(sec.party.figures[f], c[f], `party.${f} of ${unitId}`);
  }
  if (sec.points) {
    const r = await get(token, `/api/v1/stats/points?unit_id=${unitId}&period=${p}`);
    for (const f of ['issued', 'credited_points', 'deducted', 'spent', 'participating'])
      assert.equal(sec.points.figures[f], r[f], `points.${f} of ${unitId}`);
  }
  return d;
}

test('the county dashboard has every section with rates and links, a town per child', async () => {
  const p = await period();
  const d = await get(T.county, `/api/v1/dashboards/${U.county}?period=${p}`);
  assert.equal(d.unit.kind, 'county');
  assert.equal(d.period, p);
  assert.deepEqual(d.children.map((c) => c.id).sort((a, b) => a - b), [U.town, U.town2].sort((a, b) => a - b));
  for (const name of ['register', 'points', 'shop', 'events', 'grid', 'lists', 'disclosure', 'evaluations'])
    assert.ok(d.unit.sections[name], `county admin reads ${name}`);
  // a cadre holds no party reading grant: the section is absent, not zero
  const vb = await get(T.cadreB, `/api/v1/dashboards/${U.B}?period=${p}`);
  assert.equal(vb.unit.sections.party, undefined);
  assert.ok(vb.unit.sections.events);
  const ev = d.unit.sections.events;
  assert.ok('closure_rate' in ev.figures && 'satisfaction' in ev.figures);
  assert.equal(ev.links.overdue_now.route, 'events-board');
  assert.equal(ev.links.overdue_now.query.unit_id, U.county);
  const t = d.children.find((c) => c.id === U.town);
  assert.equal(t.sections.events.links.overdue_now.query.unit_id, U.town);
  // the party section for who may read it
  const po = await get(T.partyOrg, `/api/v1/dashboards/${U.county}?period=${p}`);
  assert.ok(po.unit.sections.party, 'party_org reads party compliance');
  assert.deepEqual(Object.keys(po.unit.sections), ['party']);
  checkSums(po, 'party');
});

test('property: after random events, figures add up level by level and equal the features\' own counts', async () => {
  const seed = Number(process.env.DASH_SEED || Date.now() % 100000);
  const rand = rng(seed);
  const villages = [[U.A, 'cadre'], [U.B, 'cadreB'], [U.C, 'cadreC']];
  const cats = Object.values(K);
  const open = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 6; i++) {
      const [vid, who] = villages[Math.floor(rand() * villages.length)];
      const op = rand();
      if (op < 0.6 || !open.length) {
        const e = await post(T[who], '/api/v1/events', { village_id: vid, category_id: cats[Math.floor(rand() * cats.length)], description: `看板测试 ${seed}-${round}-${i}` }, 201);
        open.push([e.id, who]);
      } else {
        const [id, owner] = open.splice(Math.floor(rand() * open.length), 1)[0];
        let r = await s.api('POST', `/api/v1/events/${id}/actions/accept`, { token: T[owner], body: {} });
        if (r.status === 200 && rand() < 0.7) {
          r = await s.api('POST', `/api/v1/events/${id}/actions/handle_locally`, { token: T[owner], body: {} });
          if (r.status === 200)
            await s.api('POST', `/api/v1/events/${id}/actions/finish`, { token: T[owner], body: { outcome: rand() < 0.5 ? 'resolved' : 'unresolvable', note: '已处理' } });
        }
      }
    }
    // time passes: some events go overdue (the jobs run with the clock). Not whole days:
    // a deadline a whole number of days after an event made this round would fall within
    // the second of the checks, and the dashboard and the list, asked a moment apart,
    // would see it on either side.
    await s.advance(Math.floor(rand() * 4) * 86400 + 637);
    await relogin();
    for (const k of ['county', 'town', 'inspector', 'villager']) T[k] = await s.as(k === 'county' ? 'county_admin' : k === 'town' ? 'town_official' : k);
    const p = await period();
    const county = await checkAgainstModules(T.county, U.county, p);
    checkSums(county, `county (seed ${seed})`);
    const town = await checkAgainstModules(T.county, U.town, p);
    assert.deepEqual(town.children.map((c) => c.id).sort((a, b) => a - b), [U.A, U.B].sort((a, b) => a - b));
    checkSums(town, `town (seed ${seed})`);
    await checkChildren(T.county, county, p, `county (seed ${seed})`);
    await checkChildren(T.county, town, p, `town (seed ${seed})`);
    for (const v of [U.A, U.B, U.C]) await checkAgainstModules(T.county, v, p);
    for (const u of [U.county, U.town, U.A]) await checkAgainstModules(T.partyOrg, u, p);
    // a town's figures are the same to the county and to the town's official
    const mine = await get(T.town, `/api/v1/dashboards/${U.town}?period=${p}`);
    await checkChildren(T.town, mine, p, `town official (seed ${seed})`);
    await checkChildren(T.partyOrg, await get(T.partyOrg, `/api/v1/dashboards/${U.county}?period=${p}`), p, `party (seed ${seed})`);
    assert.deepEqual(mine.unit.sections.events.figures, town.unit.sections.events.figures);
    // the inspector (read-only on the county) sees the same events
    const insp = await get(T.inspector, `/api/v1/dashboards/${U.county}?period=${p}`);
    assert.deepEqual(insp.unit.sections.events.figures, county.unit.sections.events.figures);
  }
});

test('scope: a town official sees only the town; outside every grant 404; visible without a section 403; bad input 400', async () => {
  const p = await period();
  // the county above the town is visible (its name) but its figures are not: 403
  await get(T.town, `/api/v1/dashboards/${U.county}?period=${p}`, 403);
  await get(T.town, `/api/v1/dashboards/${U.town2}?period=${p}`, 404);
  await get(T.town, `/api/v1/dashboards/${U.C}?period=${p}`, 404);
  const d = await get(T.town, `/api/v1/dashboards/${U.town}?period=${p}`);
  assert.ok(d.children.every((c) => c.id === U.A || c.id === U.B));
  await get(T.town, `/api/v1/dashboards/${U.A}?period=${p}`);
  // the second town's official: their town with its one village
  const t2 = await get(T.town2, `/api/v1/dashboards/${U.town2}?period=${p}`);
  assert.deepEqual(t2.children.map((c) => c.id), [U.C]);
  await get(T.town2, `/api/v1/dashboards/${U.A}`, 404);
  // a cadre: the village, no children
  const v = await get(T.cadre, `/api/v1/dashboards/${U.A}`);
  assert.deepEqual(v.children, []);
  assert.match(v.period, /^\d{4}-\d{2}$/);
  await get(T.cadre, `/api/v1/dashboards/${U.B}`, 404);
  await get(T.cadre, `/api/v1/dashboards/${U.town}`, 403);
  // a clerk runs the shop: only the shop section
  const c = await get(T.clerk, `/api/v1/dashboards/${U.A}`);
  assert.deepEqual(Object.keys(c.unit.sections), ['shop']);
  // a villager reads no figures of the village
  const r = await s.api('GET', `/api/v1/dashboards/${U.A}`, { token: T.villager });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /看板/);
  await get(T.villager, `/api/v1/dashboards/${U.B}`, 404);
  // a grid worker on a grid: the grid's register
  const gs = await get(T.grid, '/api/v1/session');
  const grid = gs.grants.find((g) => g.unit_kind === 'grid');
  if (grid) {
    const gd = await get(T.grid, `/api/v1/dashboards/${grid.unit_id}`);
    assert.ok(gd.unit.sections.register);
    assert.equal(gd.unit.sections.events, undefined);
  }
  // bad period, unknown unit, not logged in
  const bad = await s.api('GET', `/api/v1/dashboards/${U.county}?period=2026-13`, { token: T.county });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.period, bad.text);
  await get(T.county, '/api/v1/dashboards/99999999', 404);
  await get(T.county, '/api/v1/dashboards/abc', 404);
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.county}`)).status, 401);
});

// the number of records a figure's records endpoint lists: its total when paged, else
// its items (the visits due)
async function recordsCount(token, path) {
  const r = await get(token, `${path}&limit=1`);
  return typeof r.total === 'number' ? r.total : r.items.length;
}

test('drill-down: every link of the county dashboard for a town leads to the list of that town\'s records, which counts the figure', async () => {
  const p = await period();
  const [y, m] = p.split('-').map(Number);
  const before = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  let followed = 0, nonzero = 0;
  const seen = new Set();
  for (const per of [p, before]) {
    const county = await get(T.county, `/api/v1/dashboards/${U.county}?period=${per}`);
    const town = county.children.find((c) => c.id === U.town);
    assert.ok(town, 'the town is a child of the county');
    for (const [sec, body] of Object.entries(town.sections)) {
      for (const [fig, link] of Object.entries(body.links || {})) {
        // every link names the town itself, never the reader's whole area
        assert.equal(Number(link.query.unit_id), U.town, `${sec}.${fig}: ${JSON.stringify(link)}`);
        if (sec === 'shop' && fig === 'low_stock') {
          // the page lists the low-stock goods of the shops located in the town
          let low = 0;
          for (const shop of (await get(T.county, `/api/v1/shops?unit_id=${U.town}`)).items) {
            const r = await s.api('GET', `/api/v1/shops/${shop.id}/low-stock`, { token: T.county });
            if (r.status === 200) low += r.json.items.length;
          }
          assert.equal(low, body.figures.low_stock, `${per} shop.low_stock = the low-stock goods of the town's shops`);
          await get(T.town, `/api/v1/shops?unit_id=${U.town2}`, 404);
          seen.add('shop.low_stock');
        }
        if (!link.records) continue;
        assert.match(link.records, new RegExp(`[?&]unit_id=${U.town}(&|$)`), link.records);
        const n = await recordsCount(T.county, link.records);
        assert.equal(n, body.figures[fig], `${per} ${sec}.${fig}: ${link.records} lists ${n}, the figure is ${body.figures[fig]}`);
        // the town's official gets the same records of their town
        assert.equal(await recordsCount(T.town, link.records), n, `${sec}.${fig} for the town official`);
        // and the same list of another town is outside their scope: 404
        const other = link.records.replace(`unit_id=${U.town}`, `unit_id=${U.town2}`);
        await get(T.town, `${other}&limit=1`, 404);
        followed++;
        seen.add(`${sec}.${fig}`);
        if (n > 0) nonzero++;
      }
    }
  }
  for (const k of ['register.households', 'register.registered', 'events.received', 'events.closed', 'events.resolved',
    'events.on_time', 'events.rated', 'events.satisfied', 'events.overdue_now', 'grid.visits_overdue', 'grid.worker_days',
    'shop.low_stock',
    'grid.compliant_days', 'lists.started',
    'lists.closed', 'lists.on_time', 'lists.overdue_now', 'disclosure.open_questions', 'evaluations.in_progress']) {
    assert.ok(seen.has(k), `${k} links to its records`);
  }
  assert.ok(nonzero >= 8, `the demo town has records behind its figures (${nonzero} of ${followed} non-zero)`);
});

// the village's ledger entries a points link opens (its period and kind), every page
async function ledgerOf(link) {
  const q = new URLSearchParams({ from: link.query.from, to: link.query.to, limit: '200' });
  if (link.query.source) q.set('source', link.query.source);
  const out = [];
  for (let offset = 0; ; offset += 200) {
    q.set('offset', String(offset));
    const page = await get(T.county, `/api/v1/villages/${link.query.unit_id}/ledger?${q}`);
    out.push(...page.items);
    if (page.items.length < 200) break;
  }
  return out;
}

test('drill-down of a village: the points links open the ledger of the period, whose entries add up to the figures; shop by period, party by year', async () => {
  const p = await period();
  const [y, m] = p.split('-').map(Number);
  const before = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  let nonzero = 0;
  for (const per of [p, before, `${y}`]) {
    const d = await get(T.county, `/api/v1/dashboards/${U.A}?period=${per}`);
    const pts = d.unit.sections.points;
    const first = d.period_start.slice(0, 10);
    const last = new Date(Date.parse(d.period_end) - 1000 + 8 * 3600e3).toISOString().slice(0, 10);
    for (const f of ['issued', 'credited_points', 'deducted', 'spent', 'participating']) {
      const l = pts.links[f];
      assert.equal(l.route, 'ledger', `points.${f}`);
      assert.equal(Number(l.query.unit_id), U.A);
      assert.deepEqual([l.query.from, l.query.to], [first, last], `points.${f} opens the period ${per}`);
    }
    assert.equal(pts.links.deducted.query.source, 'deduction');
    assert.equal(pts.links.spent.query.source, 'redemption');
    const all = await ledgerOf(pts.links.issued);
    const earning = all.filter((e) => ['claim', 'award', 'activity'].includes(e.source));
    assert.equal(earning.reduce((a, e) => a + Math.max(e.honour, 0), 0), pts.figures.issued, `${per}: issued = the ledger's entries`);
    assert.equal(all.filter((e) => ['claim', 'award', 'activity', 'deduction'].includes(e.source)).reduce((a, e) => a + e.honour, 0),
      pts.figures.credited_points, `${per}: credited points`);
    assert.equal(new Set(earning.map((e) => e.household_id)).size, pts.figures.participating, `${per}: participating households`);
    const ded = await ledgerOf(pts.links.deducted);
    assert.ok(ded.every((e) => e.source === 'deduction'));
    assert.equal(ded.reduce((a, e) => a - Math.min(e.honour, 0), 0), pts.figures.deducted, `${per}: deducted`);
    const red = await ledgerOf(pts.links.spent);
    const returned = all.filter((e) => e.source === 'return').reduce((a, e) => a + e.spendable, 0);
    assert.equal(red.reduce((a, e) => a - e.spendable, 0) - returned, pts.figures.spent, `${per}: spent = redemptions less returns`);
    if (pts.figures.issued > 0) nonzero++;
    // the households: the register's list, exact
    assert.equal(await recordsCount(T.county, pts.links.households.records), pts.figures.households);
    // the shop's report of the period; the party board of the period's year
    if (d.unit.sections.shop) {
      const l = d.unit.sections.shop.links.receipts;
      assert.equal(l.route, 'shop-reports');
      assert.deepEqual([l.query.from, l.query.to], [first, last]);
    }
    if (d.unit.sections.party) assert.equal(d.unit.sections.party.links.required.query.year, String(y));
  }
  assert.ok(nonzero > 0, 'the demo village has points in the periods looked at');
  // a town's points figures open no village's ledger (the page works on one village)
  const town = await get(T.county, `/api/v1/dashboards/${U.town}?period=${p}`);
  assert.equal(town.unit.sections.points.links.issued, undefined);
});

test('the dashboard as XLSX: one sheet per readable section, for the same readers', async () => {
  const p = await period();
  const r = await s.api('GET', `/api/v1/dashboards/${U.town}/export.xlsx?period=${p}`, { token: T.town });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.subarray(0, 2).toString('latin1'), 'PK');
  assert.match(r.headers.get('content-disposition'), /dashboard-\d+-\d{4}-\d{2}\.xlsx/);
  const text = r.body.toString('latin1');
  assert.ok(text.includes('xl/worksheets/sheet2.xml'), 'a sheet per section');
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.town2}/export.xlsx`, { token: T.town })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.A}/export.xlsx`, { token: T.villager })).status, 403);
});

test('the monthly report of a town as XLSX: each unit\'s figures of the month, the month before and the same month a year before', async () => {
  const p = await period();
  const [y, m] = p.split('-').map(Number);
  const shift = (dm) => { const k = y * 12 + (m - 1) + dm; return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`; };
  const r = await s.api('GET', `/api/v1/dashboards/${U.town}/report.xlsx?period=${p}`, { token: T.town });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-disposition'), new RegExp(`monthly-report-${U.town}-${p}\\.xlsx`));
  const book = readXlsx(r.body);
  assert.ok(book['说明'], 'a 说明 sheet');
  const dash = await Promise.all([p, shift(-1), shift(-12)].map((x) => get(T.town, `/api/v1/dashboards/${U.town}?period=${x}`)));
  const sheet = book['民情事件'];
  assert.ok(sheet, `sheets: ${Object.keys(book)}`);
  const head = sheet[0];
  const col = (label, which) => head.indexOf(`${label}（${which}）`);
  assert.ok(col('受理数', '本月') > 0 && col('受理数', '上月') > 0 && col('受理数', '去年同月') > 0, head.join(' | '));
  let nonzero = 0;
  for (const d of [dash[0].unit, ...dash[0].children]) {
    const row = sheet.find((x) => x[0] === d.name);
    assert.ok(row, `a row for ${d.name}`);
    for (const [k, which] of [[0, '本月'], [1, '上月'], [2, '去年同月']]) {
      const u = dash[k].unit.id === d.id ? dash[k].unit : dash[k].children.find((c) => c.id === d.id);
      for (const [f, label] of [['received', '受理数'], ['closed', '办结数'], ['overdue_now', '当前超期']]) {
        assert.equal(row[col(label, which)], u.sections.events.figures[f], `${d.name} ${label}（${which}）`);
        if (u.sections.events.figures[f]) nonzero++;
      }
    }
  }
  assert.ok(nonzero > 0, 'the demo town has events in these months');
  // only months, the dashboard's access
  const q = await s.api('GET', `/api/v1/dashboards/${U.town}/report.xlsx?period=2026-Q4`, { token: T.town });
  assert.equal(q.status, 400, q.text);
  assert.ok(q.json.error.fields.period);
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.town2}/report.xlsx`, { token: T.town })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.county}/report.xlsx`, { token: T.town })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/dashboards/${U.A}/report.xlsx`, { token: T.villager })).status, 403);
});

test('the twelve months: events and points by month equal the features\' statistics of each month', async () => {
  const p = await period();
  const d = await get(T.county, `/api/v1/dashboards/${U.town}/series?period=${p}`);
  assert.equal(d.months.length, 12);
  assert.equal(d.months[11], p);
  const i = 11;
  const dash = await get(T.county, `/api/v1/dashboards/${U.town}?period=${d.months[i]}`);
  assert.equal(d.series['events.received'].months[i], dash.unit.sections.events.figures.received);
  assert.equal(d.series['events.closed'].months[i], dash.unit.sections.events.figures.closed);
  for (const m of [0, 6, 11]) {
    const pts = await get(T.county, `/api/v1/stats/points?unit_id=${U.town}&period=${d.months[m]}`);
    assert.equal(d.series['points.issued'].months[m], pts.issued, `points issued in ${d.months[m]}`);
    const [y, mo] = d.months[m].split('-');
    const last = await get(T.county, `/api/v1/stats/points?unit_id=${U.town}&period=${Number(y) - 1}-${mo}`);
    assert.equal(d.series['points.issued'].last_year[m], last.issued);
  }
  // a clerk reads no events nor points: no series, yet the request is allowed (the shop)
  const c = await get(T.clerk, `/api/v1/dashboards/${U.A}/series`);
  assert.deepEqual(c.series, {});
  await get(T.town, `/api/v1/dashboards/${U.town2}/series`, 404);
});

test('the fifty-two weeks: events by week (and the same weeks a year before) equal the events listed in each week', async () => {
  const p = await period();
  const d = await get(T.county, `/api/v1/dashboards/${U.town}/series?by=week&period=${p}`);
  assert.equal(d.by, 'week');
  assert.equal(d.weeks.length, 52);
  assert.deepEqual(d.labels, d.weeks);
  const day = (x) => new Date(`${x}T00:00:00Z`);
  const iso = (t) => new Date(t).toISOString().slice(0, 10);
  for (let i = 1; i < 52; i++) assert.equal(day(d.weeks[i]) - day(d.weeks[i - 1]), 7 * 86400e3, 'a week apart');
  assert.equal(day(d.weeks[0]).getUTCDay(), 1, 'weeks begin on Monday');
  // today is in the last week
  const now = new Date(Date.parse((await s.advance(0)).now) + 8 * 3600e3).toISOString().slice(0, 10);
  assert.ok(d.weeks[51] <= now && now < iso(day(d.weeks[51]).getTime() + 7 * 86400e3), `${d.weeks[51]} holds ${now}`);
  let seen = 0;
  for (const i of [51, 50, 45, 30, 0]) {
    const mon = d.weeks[i], sun = iso(day(mon).getTime() + 6 * 86400e3);
    const ev = await get(T.county, `/api/v1/events?unit_id=${U.town}&from=${mon}&to=${sun}&limit=1`);
    assert.equal(d.series['events.received'].months[i], ev.total, `received in the week of ${mon}`);
    const cl = await get(T.county, `/api/v1/events?unit_id=${U.town}&from=${mon}&to=${sun}&state=closed&limit=1`);
    assert.equal(d.series['events.closed'].months[i], cl.total, `closed of the week of ${mon}`);
    const lmon = iso(day(mon).getTime() - 364 * 86400e3), lsun = iso(day(lmon).getTime() + 6 * 86400e3);
    const last = await get(T.county, `/api/v1/events?unit_id=${U.town}&from=${lmon}&to=${lsun}&limit=1`);
    assert.equal(d.series['events.received'].last_year[i], last.total, `the same week a year before ${mon}`);
    seen += ev.total;
  }
  assert.ok(seen > 0, 'the demo has events in the weeks looked at');
  assert.equal(d.series['points.issued'].months.length, 52);
  // the monthly series names its labels the same way
  const m = await get(T.county, `/api/v1/dashboards/${U.town}/series?period=${p}`);
  assert.equal(m.by, 'month');
  assert.deepEqual(m.labels, m.months);
  const bad = await s.api('GET', `/api/v1/dashboards/${U.town}/series?by=day`, { token: T.county });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.by);
  await get(T.town, `/api/v1/dashboards/${U.town2}/series?by=week`, 404);
});

test('display tokens: the county admin issues one for a town; the screen reads without a login and can write nothing; revoked, it says so', async () => {
  // only the county admin issues, with every field error at once
  let r = await s.api('POST', '/api/v1/display-tokens', { token: T.county, body: { unit_id: 99999999, name: '' } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.json.error.fields.name && r.json.error.fields.unit_id, r.text);
  r = await s.api('POST', '/api/v1/display-tokens', { token: T.town, body: { unit_id: U.town, name: '镇指挥中心' } });
  assert.equal(r.status, 403, r.text);
  r = await s.api('POST', '/api/v1/display-tokens', { token: T.town2, body: { unit_id: U.town, name: '镇指挥中心' } });
  assert.equal(r.status, 404, r.text);
  const made = await post(T.county, '/api/v1/display-tokens', { unit_id: U.town, name: '河口镇指挥中心' }, 201);
  assert.match(made.token, /^[0-9a-f]{64}$/);
  assert.equal(made.path, `/admin/screen/${made.token}`);
  const list = await get(T.county, '/api/v1/display-tokens');
  const row = list.items.find((x) => x.id === made.id);
  assert.equal(row.name, '河口镇指挥中心');
  assert.equal(row.unit_id, U.town);
  assert.equal(row.revoked_at, null);
  assert.ok(!JSON.stringify(list).includes(made.token), 'the secret is shown once, never listed');
  await get(T.town, '/api/v1/display-tokens', 403);

  // the screen: the town's dashboard, series and map, without a login
  const p = await period();
  const screen = must(await s.api('GET', `/api/v1/display/${made.token}?period=${p}`), 200);
  assert.equal(screen.name, '河口镇指挥中心');
  assert.equal(screen.dashboard.unit.id, U.town);
  const theirs = await get(T.county, `/api/v1/dashboards/${U.town}?period=${p}`);
  assert.deepEqual(screen.dashboard.unit.sections.events.figures, theirs.unit.sections.events.figures);
  assert.ok(screen.series.months.length === 12);
  assert.ok(Array.isArray(screen.shapes));
  assert.ok(screen.shapes.length > 0, 'the demo village has grids with boundaries');
  assert.ok(screen.shapes.every((x) => x.village_id === U.A || x.village_id === U.B));
  // the county's tile server comes with the screen's data (the screen has no login to
  // ask the grid settings with): none by default, then the one the county names
  assert.deepEqual(screen.tiles, { url: '', attribution: '' });
  const gs = await get(T.county, '/api/v1/grid-settings');
  const tiles = { url: 'https://tiles.example.cn/{z}/{x}/{y}.png', attribution: '© 县自然资源局' };
  const body = { patrols_per_day: gs.patrols_per_day, min_minutes: gs.min_minutes, min_metres: gs.min_metres,
    min_inside_pct: gs.min_inside_pct, retention_days: gs.retention_days, tile_url: tiles.url, tile_attribution: tiles.attribution };
  must(await s.api('PUT', '/api/v1/grid-settings', { token: T.county, body }), 200);
  assert.deepEqual(must(await s.api('GET', `/api/v1/display/${made.token}?period=${p}`), 200).tiles, tiles);
  must(await s.api('PUT', '/api/v1/grid-settings', { token: T.county, body: { ...body, tile_url: '', tile_attribution: '' } }), 200);

  // read-only: the token is no session anywhere else, so nothing can be written with it
  for (const [m, path, body] of [['POST', '/api/v1/events', { village_id: U.A, category_id: Object.values(K)[0], description: '大屏' }],
    ['POST', '/api/v1/display-tokens', { unit_id: U.town, name: '再发一个' }], [`DELETE`, `/api/v1/display-tokens/${made.id}`],
    ['POST', '/api/v1/units', { parent_id: U.town, kind: 'village', code: 'X-1', name: '新村' }],
    ['GET', `/api/v1/dashboards/${U.town}`]]) {
    const w = await s.api(m, path, { token: made.token, body });
    assert.equal(w.status, 401, `${m} ${path} with the display token: ${w.status} ${w.text}`);
  }
  const w2 = await s.api('POST', `/api/v1/display/${made.token}`, { body: {} });
  assert.ok(w2.status === 404 || w2.status === 405, `POST on the screen's data: ${w2.status}`);

  // the issue and the revocation are audited
  const other = await post(T.county, '/api/v1/display-tokens', { unit_id: U.county, name: '县指挥中心' }, 201);
  await s.api('DELETE', `/api/v1/display-tokens/${made.id}`, { token: T.town }).then((x) => assert.equal(x.status, 403));
  must(await s.api('DELETE', `/api/v1/display-tokens/${made.id}`, { token: T.county }), 200);
  must(await s.api('DELETE', `/api/v1/display-tokens/${made.id}`, { token: T.county }), 409);
  const gone = await s.api('GET', `/api/v1/display/${made.token}`);
  assert.equal(gone.status, 404);
  assert.match(gone.json.error.message, /已被收回/);
  const bogus = await s.api('GET', `/api/v1/display/${'0'.repeat(64)}`);
  assert.equal(bogus.status, 404);
  assert.match(bogus.json.error.message, /无效/);
  // the other token still works
  must(await s.api('GET', `/api/v1/display/${other.token}`), 200);
  const audit = await get(T.county, `/api/v1/audit?unit_id=${U.town}&object_type=display_token`);
  assert.deepEqual(audit.items.map((e) => e.action).sort(), ['issue', 'revoke']);
  assert.equal((await get(T.county, '/api/v1/display-tokens')).items.find((x) => x.id === made.id).revoked_at !== null, true);
});
