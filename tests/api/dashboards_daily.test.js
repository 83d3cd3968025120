// The dashboards' daily aggregates (migration 035): the points figures of the days that
// are over are read from dash_points_daily, the rest from the ledger. Here the figures
// the server gives (the town's monthly and weekly series, the dashboards of the town and
// its villages for several periods) are compared with the same figures recomputed in
// the test from every ledger entry of the town's villages (GET /villages/{id}/ledger):
// for the demo, after awards, deductions and a correction moved through the test clock
// (credited after 公示, the days closed and stored by the scheduler's job), after a
// restart and after `cunzhi dash-daily rebuild`; `cunzhi verify` recomputes every stored
// day and finds no difference, and running the job again stores nothing twice. The
// events' figures of the series (migration 037) likewise, against the events statistics
// grouped by month and week, after random reports, moves and ratings through the clock.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const T = {};
const U = {};

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const get = async (token, p, status = 200) => must(await s.api('GET', p, { token }), status);

const DAY = 86400;
const cnDay = (iso) => Math.floor((Date.parse(iso) / 1000 + 8 * 3600) / DAY);
const dayOf = (text) => Math.floor(Date.parse(`${text}T00:00:00+08:00`) / 1000 / DAY + 8 * 3600 / DAY);
const monthStartDay = (y, m) => {
  const k = y * 12 + (m - 1);
  return dayOf(`${String(Math.floor(k / 12)).padStart(4, '0')}-${String((k % 12) + 1).padStart(2, '0')}-01`);
};

before(async () => {
  s = await startServer();
  T.county = await s.as('county_admin');
  T.cadre = await s.as('cadre');
  const cadre = await get(T.cadre, '/api/v1/session');
  U.A = cadre.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = (await get(T.cadre, `/api/v1/units/${U.A}`)).parent_id;
});

after(async () => {
  if (s) await s.close();
});

// every ledger entry of the town's villages: {village, household, day, source, honour, spendable}
async function ledger() {
  const d = await get(T.county, `/api/v1/dashboards/${U.town}`);
  const out = [];
  for (const v of d.children) {
    for (let offset = 0; ; offset += 200) {
      const page = await get(T.county, `/api/v1/villages/${v.id}/ledger?limit=200&offset=${offset}`);
      for (const e of page.items)
        out.push({ village: v.id, household: e.household_id, day: cnDay(e.at), source: e.source, honour: e.honour, spendable: e.spendable });
      if (page.items.length < 200) break;
    }
  }
  return out;
}

const EARNING = new Set(['claim', 'award', 'activity']);
const CREDITED = new Set(['claim', 'award', 'activity', 'deduction']);

// the points figures of the entries of days [d0, d1), as stats_points computes them
function figures(entries, d0, d1) {
  const f = { issued: 0, credited_points: 0, deducted: 0, spent: 0, participating: 0 };
  const who = new Set();
  for (const e of entries) {
    if (e.day < d0 || e.day >= d1) continue;
    if (EARNING.has(e.source)) {
      if (e.honour > 0) f.issued += e.honour;
      who.add(`${e.village}:${e.household}`);
    }
    if (e.source === 'deduction' && e.honour < 0) f.deducted -= e.honour;
    if (CREDITED.has(e.source)) f.credited_points += e.honour;
    if (e.source === 'redemption' || e.source === 'return') f.spent -= e.spendable;
  }
  f.participating = who.size;
  return f;
}

// moves the clock (the jobs run) and signs in again (sessions lapse with the days)
let moved = 0;   // the clock's offset: a restarted server starts from the real time
async function advance(seconds) {
  moved += seconds;
  await s.advance(seconds);
  s.tokens.clear();
  T.county = await s.as('county_admin');
  T.cadre = await s.as('cadre');
}

async function today() {
  return cnDay((await s.advance(0)).now);
}

// the server's figures against the ledger's; returns how many entries the checked
// periods hold (so a check over nothing is seen)
async function check(label) {
  const entries = await ledger();
  const now = await today();
  let seen = 0;
  // the monthly series of the current month: 12 months and the same months a year before
  const m = await get(T.county, `/api/v1/dashboards/${U.town}/series`);
  for (let i = 0; i < 12; i++) {
    const [y, mo] = m.months[i].split('-').map(Number);
    for (const [key, yy] of [['months', y], ['last_year', y - 1]]) {
      const f = figures(entries, monthStartDay(yy, mo), monthStartDay(yy, mo + 1));
      for (const name of ['issued', 'spent', 'participating'])
        assert.equal(m.series[`points.${name}`][key][i], f[name], `${label}: points.${name} of ${yy}-${mo} (${key})`);
      seen += f.issued;
    }
  }
  // the weekly series: 52 weeks up to this week and the same weeks a year before
  const w = await get(T.county, `/api/v1/dashboards/${U.town}/series?by=week`);
  for (let i = 0; i < 52; i++) {
    const mon = dayOf(w.weeks[i]);
    for (const [key, d0] of [['months', mon], ['last_year', mon - 7 * 52]]) {
      const f = figures(entries, d0, d0 + 7);
      for (const name of ['issued', 'spent', 'participating'])
        assert.equal(w.series[`points.${name}`][key][i], f[name], `${label}: points.${name} of the week of ${w.weeks[i]} (${key})`);
    }
  }
  // the dashboards of the town (and its villages) for this month, the month before, the quarter and the year
  const d = await get(T.county, `/api/v1/dashboards/${U.town}`);
  const p = d.period;
  const [y, mo] = p.split('-').map(Number);
  const periods = [
    [p, monthStartDay(y, mo), monthStartDay(y, mo + 1)],
    [`${mo === 1 ? y - 1 : y}-${String(mo === 1 ? 12 : mo - 1).padStart(2, '0')}`, monthStartDay(y, mo - 1), monthStartDay(y, mo)],
    [`${y}-Q${Math.floor((mo - 1) / 3) + 1}`, monthStartDay(y, Math.floor((mo - 1) / 3) * 3 + 1), monthStartDay(y, Math.floor((mo - 1) / 3) * 3 + 4)],
    [`${y}`, monthStartDay(y, 1), monthStartDay(y + 1, 1)],
  ];
  for (const [text, d0, d1] of periods) {
    const dash = await get(T.county, `/api/v1/dashboards/${U.town}?period=${text}`);
    for (const u of [dash.unit, ...dash.children]) {
      const mine = u.id === U.town ? entries : entries.filter((e) => e.village === u.id);
      const f = figures(mine, d0, d1);
      for (const name of ['issued', 'credited_points', 'deducted', 'spent', 'participating'])
        assert.equal(u.sections.points.figures[name], f[name], `${label}: ${u.name} points.${name} in ${text}`);
    }
  }
  return { seen, now };
}

// the events figures of the town's series (read from dash_events_daily for the days
// stored, migration 037) against the events statistics grouped by month and by week,
// which read the events themselves; returns the events received in the months looked at
async function checkEvents(label) {
  const m = await get(T.county, `/api/v1/dashboards/${U.town}/series`);
  const [y0, m0] = m.months[0].split('-').map(Number);
  const byMonth = await get(T.county, `/api/v1/event-stats?unit_id=${U.town}&group_by=month&from=${y0 - 1}-${String(m0).padStart(2, '0')}-01`);
  const month = new Map(byMonth.groups.map((g) => [g.key, g]));
  let seen = 0;
  for (let i = 0; i < 12; i++) {
    const [y, mo] = m.months[i].split('-').map(Number);
    for (const [key, yy] of [['months', y], ['last_year', y - 1]]) {
      const g = month.get(yy * 100 + mo) || {};
      for (const name of ['received', 'closed', 'resolved', 'on_time'])
        assert.equal(m.series[`events.${name}`][key][i], g[name] || 0, `${label}: events.${name} of ${yy}-${mo} (${key})`);
      seen += g.received || 0;
    }
  }
  const w = await get(T.county, `/api/v1/dashboards/${U.town}/series?by=week`);
  const first = new Date((dayOf(w.weeks[0]) - 364) * DAY * 1000).toISOString().slice(0, 10);
  const byWeek = await get(T.county, `/api/v1/event-stats?unit_id=${U.town}&group_by=week&from=${first}`);
  const week = new Map(byWeek.groups.map((g) => [g.key, g]));
  for (let i = 0; i < 52; i++) {
    const mon = dayOf(w.weeks[i]);
    for (const [key, d0] of [['months', mon], ['last_year', mon - 364]]) {
      const g = week.get(d0) || {};
      for (const name of ['received', 'closed', 'resolved', 'on_time'])
        assert.equal(w.series[`events.${name}`][key][i], g[name] || 0, `${label}: events.${name} of the week of ${w.weeks[i]} (${key})`);
    }
  }
  return seen;
}

function verifyOk(label) {
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, `${label}: verify\n${r.stdout}${r.stderr}`);
  const m = /dashboards: ok, (\d+) days/.exec(r.stdout);
  assert.ok(m, `${label}: verify names the daily figures\n${r.stdout}`);
  const ev = /dashboards: ok, (\d+) days of daily events figures/.exec(r.stdout);
  assert.ok(ev && Number(ev[1]) > 0, `${label}: verify compares the stored days of the events\n${r.stdout}`);
  return Number(m[1]);
}

test('the aggregate-backed figures equal the figures recomputed from the ledger: demo, changes through the clock, restart, rebuild', async () => {
  // the demo: the job has stored the days that are over (advance(0) runs the jobs)
  const first = await check('demo');
  assert.ok(first.seen > 0, 'the demo has points in the months looked at');
  const stored = verifyOk('demo');
  assert.ok(stored > 60, `the demo's days are stored (${stored})`);

  // changes: awards and a deduction on three households, a correction; credited after 公示
  const rules = (await get(T.cadre, `/api/v1/units/${U.A}/rules?limit=200`)).items.filter((r) => r.in_force !== false);
  const plus = rules.find((r) => r.name === '见义勇为') || rules.find((r) => r.points > 0 && !r.cap_count);
  const minus = rules.find((r) => r.points < 0 && !r.cap_count);
  assert.ok(plus && minus, 'the demo has a rule that adds and one that deducts');
  const hh = (await get(T.cadre, `/api/v1/households?village_id=${U.A}&limit=3`)).items.map((h) => h.id);
  assert.equal(hh.length, 3);
  const on = new Date(((await today()) * DAY) * 1000).toISOString().slice(0, 10);
  must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: plus.id, household_ids: hh, occurred_on: on, note: '汇总测试加分' } }), 201);
  must(await s.api('POST', '/api/v1/awards', { token: T.cadre, body: { rule_id: minus.id, household_ids: [hh[0]], occurred_on: on, note: '汇总测试扣分' } }), 201);
  // 公示 over (the village's days): credited by the job on the day the clock reaches
  let credited = [];
  for (let i = 0; i < 15 && credited.length < 4; i++) {
    await advance(DAY);
    credited = (await get(T.cadre, `/api/v1/villages/${U.A}/ledger?limit=20&from=${on}`)).items.filter((e) => hh.includes(e.household_id) && ['award', 'deduction'].includes(e.source));
  }
  assert.equal(credited.length, 4, 'the awards and the deduction are credited');
  const corr = must(await s.api('POST', `/api/v1/ledger/${credited.find((e) => e.honour > 0).id}/correction`,
    { token: T.cadre, body: { reason: '汇总测试更正' } }), 201);
  assert.ok(corr.id);
  const before = await check('changes, today read from the ledger');
  await advance(2 * DAY);               // the day of the changes is over and stored
  const after2 = await check('changes, the day stored');
  assert.ok(after2.now > before.now);
  const stored2 = verifyOk('changes');
  assert.ok(stored2 > stored, `the days the clock passed are stored (${stored} → ${stored2})`);

  // events: random reports, moves and ratings over days through the clock; each change
  // unmarks the day the event was received, read from the events until stored again
  const seed = Number(process.env.DASH_SEED || Date.now() % 100000);
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  T.villager = await s.as('villager');
  const cats = (await get(T.cadre, '/api/v1/event-categories')).items.filter((k) => !k.photo_required && k.active !== false);
  assert.ok(await checkEvents(`events (seed ${seed}), demo`) > 0, 'the demo has events in the months looked at');
  const made = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 4; i++) {
      const e = must(await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.A, category_id: cats[Math.floor(rand() * cats.length)].id, description: `汇总测试事件 ${seed}-${round}-${i}` } }), 201);
      made.push(e.id);
    }
    // move some of the events made on earlier days (their days are stored by now)
    for (const id of made.slice(0, -4)) {
      const r = rand();
      const act = (token, a, body = {}) => s.api('POST', `/api/v1/events/${id}/actions/${a}`, { token, body });
      if (r < 0.3) {
        if ((await act(T.cadre, 'accept')).status === 200 && (await act(T.cadre, 'handle_locally')).status === 200)
          await act(T.cadre, 'finish', { outcome: rand() < 0.6 ? 'resolved' : 'explained', note: '已处理' });
      } else if (r < 0.5) {
        await act(T.villager, 'visit', { rating: rand() < 0.7 ? 'satisfied' : 'basic' });
      } else if (r < 0.6) {
        await act(T.cadre, 'reject', { note: '不属于受理范围' });
      }
    }
    await checkEvents(`events (seed ${seed}), round ${round}, today`);
    await advance(Math.floor(rand() * 3 + 1) * DAY + 301);
    T.villager = await s.as('villager');
    await checkEvents(`events (seed ${seed}), round ${round}, the days after`);
  }
  const stored3 = verifyOk(`events (seed ${seed})`);
  assert.ok(stored3 > stored2, `the days the clock passed are stored (${stored2} → ${stored3})`);

  // the job again, from the command line: nothing more to store
  const again = s.cli(['dash-daily']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /dash-daily: 0 days stored/);

  // a restart keeps the table; a rebuild recomputes it: the same figures
  const year = (await get(T.county, `/api/v1/dashboards/${U.town}`)).period.slice(0, 4);
  const snap = async () => JSON.stringify([
    await get(T.county, `/api/v1/dashboards/${U.town}/series`),
    await get(T.county, `/api/v1/dashboards/${U.town}/series?by=week`),
    await get(T.county, `/api/v1/stats/points?unit_id=${U.town}&period=${year}`),
  ]);
  const want = await snap();
  await s.restart();
  await advance(0);
  // the real time first: the stored days after today are read as stored, today's entries
  // from the ledger
  await check('restarted, the clock back');
  const back = moved;
  moved = 0;
  await advance(back);
  assert.equal(await snap(), want, 'the same after a restart');
  await s.stop();
  const rb = s.cli(['dash-daily', 'rebuild', `--clock-offset=${moved}`]);
  assert.equal(rb.code, 0, rb.stderr);
  assert.equal(Number(/(\d+) days stored/.exec(rb.stdout)[1]), stored3, 'a rebuild stores the same days');
  await s.start();
  moved = 0;
  await advance(back);
  assert.equal(await snap(), want, 'the same after a rebuild');
  await check('after the rebuild');
  await checkEvents('after the rebuild');
  assert.equal(verifyOk('rebuild'), stored3);
});
