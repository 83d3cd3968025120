// Activities 活动: creation by a cadre, sign-up with a capacity that holds under
// concurrent sign-ups, check-in by the activity's rotating QR code and by the
// household's code 户码, the approved record in 公示, and the QR images.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('./lib');

let s;
let cadre;
let villager;            // the demo villager: {token, household_id, resident_id}
let village;             // the cadre's village
let rule;                // a positive rule of the village, used for the activities
const others = [];       // villagers of other households of the village, {token, household_id, resident_id}

const json = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

// The server's clock, in seconds (the test clock may have been moved).
async function serverNow() {
  return Math.floor(Date.parse((await s.advance(0)).now) / 1000);
}

// Seconds → "2026-11-23T09:00:00+08:00".
function iso(sec) {
  return new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 19) + '+08:00';
}

// An activity starting `startIn` seconds from the server's now, lasting `span`.
async function makeActivity({ startIn = 600, span = 7200, capacity = 20, title = '河道清理志愿劳动' } = {}) {
  const now = await serverNow();
  return json(await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title, place: '村委会门前', starts_at: iso(now + startIn), ends_at: iso(now + startIn + span), capacity },
  }), 201);
}

async function code(activityId) {
  return json(await s.api('GET', `/api/v1/activities/${activityId}/checkin-code`, { token: cadre }), 200);
}

function zbar(buf) {
  const file = path.join(os.tmpdir(), `cunzhi-qr-${process.pid}-${Date.now()}.png`);
  fs.writeFileSync(file, buf);
  try {
    const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
    return (r.stdout || '').trim();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

before(async () => {
  s = await startServer();
  cadre = await s.as('cadre');
  const me = json(await s.api('GET', '/api/v1/session', { token: cadre }), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const vt = await s.as('villager');
  const vme = json(await s.api('GET', '/api/v1/session', { token: vt }), 200);
  villager = { token: vt, household_id: vme.household_id, resident_id: vme.resident_id };

  const rules = json(await s.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre }), 200).items;
  // a rule of collective activities with room under its cap for several check-ins
  rule = rules.find((r) => r.name === '参加村集体公益活动') || rules.find((r) => r.points > 0 && (!r.cap_count || r.cap_count >= 3));
  assert.ok(rule && rule.points > 0, 'a positive rule in the demo catalog');

  // villager accounts of six other households: a cadre issues codes, they activate
  for (let id = 1; id <= 60 && others.length < 6; id++) {
    if (id === villager.household_id) continue;
    const h = await s.api('GET', `/api/v1/households/${id}`, { token: cadre });
    if (h.status !== 200 || h.json.village_id !== village) continue;
    const m = h.json.members.find((p) => /^1\d{10}$/.test(p.phone) && p.user_id === null);
    if (!m) continue;
    const c = json(await s.api('POST', `/api/v1/residents/${m.id}/activation`, { token: cadre, body: {} }), 201);
    const act = json(await s.api('POST', '/api/v1/activation', { body: { phone: m.phone, code: c.code, password: 'Village-pass-01' } }), 201);
    others.push({ token: act.token, household_id: id, resident_id: m.id });
  }
  assert.equal(others.length, 6, 'six other households with villager accounts');
});
after(async () => { if (s) await s.close(); });

test('a cadre creates an activity; bad input is refused field by field; a villager cannot create', async () => {
  const a = await makeActivity();
  assert.ok(a.id > 0);
  assert.equal(a.village_id, village);
  assert.equal(a.rule_id, rule.id);
  assert.equal(a.points, rule.points);
  assert.equal(a.capacity, 20);
  assert.equal(a.signups, 0);
  assert.equal(a.places_left, 20);
  assert.equal(a.status, 'upcoming');
  assert.equal(a.can_manage, true);
  assert.equal(a.mine, null);
  assert.match(a.starts_at, /\+08:00$/);
  assert.deepEqual(a.signup_list, []);

  const now = await serverNow();
  const bad = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title: '', starts_at: '2026-01-01 09:00', ends_at: iso(now + 3600), capacity: 0, colour: 'red' },
  });
  assert.equal(bad.status, 400, bad.text);
  for (const f of ['title', 'starts_at', 'capacity', 'colour']) assert.ok(bad.json.error.fields[f], `${f}: ${bad.text}`);

  const order = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title: '反了', starts_at: iso(now + 7200), ends_at: iso(now + 3600), capacity: 5 },
  });
  assert.equal(order.status, 400);
  assert.match(order.json.error.fields.ends_at, /晚于开始/);

  const long = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title: '太长', starts_at: iso(now + 600), ends_at: iso(now + 600 + 7 * 86400 + 60), capacity: 5 },
  });
  assert.equal(long.status, 400);
  assert.match(long.json.error.fields.ends_at, /7 天/);

  const past = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title: '过去', starts_at: iso(now - 7200), ends_at: iso(now - 3600), capacity: 5 },
  });
  assert.equal(past.status, 400);
  assert.ok(past.json.error.fields.ends_at);

  const rules = json(await s.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre }), 200).items;
  const deduction = rules.find((r) => r.points < 0);
  const neg = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: deduction.id, title: '扣分', starts_at: iso(now + 600), ends_at: iso(now + 3600), capacity: 5 },
  });
  assert.equal(neg.status, 400);
  assert.match(neg.json.error.fields.rule_id, /加分/);
  const missing = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: 999999, title: '无', starts_at: iso(now + 600), ends_at: iso(now + 3600), capacity: 1001 },
  });
  assert.equal(missing.status, 400);
  assert.ok(missing.json.error.fields.rule_id && missing.json.error.fields.capacity, missing.text);

  // UTC with Z and without seconds is accepted and means the same instant
  const z = json(await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: village, rule_id: rule.id, title: '时区', starts_at: new Date((now + 3600) * 1000).toISOString().slice(0, 16) + 'Z', ends_at: iso(now + 7200), capacity: 3 },
  }), 201);
  assert.equal(Date.parse(z.starts_at) / 1000, Math.floor((now + 3600) / 60) * 60);

  const v = await s.api('POST', '/api/v1/activities', {
    token: villager.token,
    body: { village_id: village, rule_id: rule.id, title: '村民发起', starts_at: iso(now + 600), ends_at: iso(now + 3600), capacity: 5 },
  });
  assert.equal(v.status, 403, v.text);
  const grid = await s.api('POST', '/api/v1/activities', {
    token: await s.as('grid_worker'),
    body: { village_id: village, rule_id: rule.id, title: '网格员发起', starts_at: iso(now + 600), ends_at: iso(now + 3600), capacity: 5 },
  });
  assert.equal(grid.status, 403, grid.text);

  // villagers list their village's activities without naming it, and see no sign-up list
  const list = json(await s.api('GET', '/api/v1/activities', { token: villager.token }), 200);
  assert.ok(list.items.some((x) => x.id === a.id));
  assert.ok(list.items.every((x) => x.mine && x.mine.signed_up === false));
  const one = json(await s.api('GET', `/api/v1/activities/${a.id}`, { token: villager.token }), 200);
  assert.equal(one.signup_list, undefined);
  assert.equal(one.can_manage, false);
  const cl = json(await s.api('GET', `/api/v1/activities?village_id=${village}`, { token: cadre }), 200);
  assert.ok(cl.total >= 2);
  assert.equal((await s.api('GET', '/api/v1/activities', { token: cadre })).status, 400);
  assert.equal((await s.api('GET', '/api/v1/activities/999999', { token: cadre })).status, 404);
});

test('a villager signs up a member of their household once, and may cancel before the start', async () => {
  const a = await makeActivity({ startIn: 3600 });
  const other = others[0];
  const wrong = await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: { resident_id: other.resident_id } });
  assert.equal(wrong.status, 400);
  assert.ok(wrong.json.error.fields.resident_id);

  const ok = json(await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: { resident_id: villager.resident_id } }), 201);
  assert.equal(ok.signups, 1);
  assert.deepEqual(ok.mine, { signed_up: true, checked_in: false, resident_id: villager.resident_id, claim_id: null });
  const again = await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: {} });
  assert.equal(again.status, 409);

  // a cadre sees who signed up
  const seen = json(await s.api('GET', `/api/v1/activities/${a.id}`, { token: cadre }), 200);
  assert.equal(seen.signup_list.length, 1);
  assert.equal(seen.signup_list[0].household_id, villager.household_id);
  assert.equal(seen.signup_list[0].checked_in_at, null);
  // a cadre has no household to sign up
  assert.equal((await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: cadre, body: {} })).status, 403);

  const cancel = json(await s.api('DELETE', `/api/v1/activities/${a.id}/signup`, { token: villager.token }), 200);
  assert.equal(cancel.signups, 0);
  assert.equal(cancel.mine.signed_up, false);
  assert.equal((await s.api('DELETE', `/api/v1/activities/${a.id}/signup`, { token: villager.token })).status, 404);
  json(await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: {} }), 201);

  // after the start a sign-up can no longer be cancelled
  await s.advance(3601);
  const late = await s.api('DELETE', `/api/v1/activities/${a.id}/signup`, { token: villager.token });
  assert.equal(late.status, 409, late.text);

  const audit = json(await s.api('GET', `/api/v1/audit?unit_id=${village}&object_type=activity&object_id=${a.id}`, { token: cadre }), 200);
  const actions = audit.items.map((e) => e.action).sort();
  assert.deepEqual(actions, ['cancel_signup', 'create', 'signup', 'signup']);
});

test('capacity holds when five households sign up for the last place at once', async () => {
  // several rounds, since a race shows only sometimes
  for (let round = 0; round < 8; round++) {
    const a = await makeActivity({ capacity: 1 });
    const results = await Promise.all(others.slice(0, 5).map((o) =>
      s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: o.token, body: {} })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409], results.map((r) => r.text).join('\n'));
    for (const r of results.filter((x) => x.status === 409)) assert.match(r.json.error.message, /名额已满/);
    const got = json(await s.api('GET', `/api/v1/activities/${a.id}`, { token: cadre }), 200);
    assert.equal(got.signups, 1);
    assert.equal(got.places_left, 0);
    assert.equal(got.signup_list.length, 1);
  }

  // a bigger activity takes them all, concurrently, and no more than its capacity
  const b = await makeActivity({ capacity: 3 });
  const many = await Promise.all(others.slice(0, 6).map((o) =>
    s.api('POST', `/api/v1/activities/${b.id}/signup`, { token: o.token, body: {} })));
  assert.equal(many.filter((r) => r.status === 201).length, 3, many.map((r) => r.text).join('\n'));
  assert.equal(json(await s.api('GET', `/api/v1/activities/${b.id}`, { token: cadre }), 200).signups, 3);
});

test('check-in by the activity code gives an approved record in 公示, once', async () => {
  const a = await makeActivity({ startIn: 600 });
  json(await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: {} }), 201);

  const c = await code(a.id);
  assert.match(c.token, new RegExp(`^A1\\.${a.id}\\.\\d+\\.[0-9a-f]{32}$`));
  const exp = Date.parse(c.expires_at) / 1000;
  const now = await serverNow();
  assert.ok(exp > now && exp <= now + 600, `${c.expires_at}`);
  // the same code within its step, so the screen and its image agree
  assert.equal((await code(a.id)).token, c.token);

  // only the village's cadres show the code; villagers cannot check others in
  assert.equal((await s.api('GET', `/api/v1/activities/${a.id}/checkin-code`, { token: villager.token })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/activities/${a.id}/checkin`, { token: villager.token, body: { household_code: 'H1.1.2.3' } })).status, 403);

  const r = json(await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: c.token } }), 201);
  assert.equal(r.activity_id, a.id);
  assert.equal(r.household_id, villager.household_id);
  assert.ok(r.claim_id > 0);
  assert.equal(r.activity.checked_in, 1);
  assert.deepEqual(r.activity.mine, { signed_up: true, checked_in: true, resident_id: villager.resident_id, claim_id: r.claim_id });

  const claim = json(await s.api('GET', `/api/v1/claims/${r.claim_id}`, { token: villager.token }), 200);
  assert.equal(claim.source, 'activity');
  assert.equal(claim.status, 'approved');
  assert.equal(claim.activity_id, a.id);
  assert.equal(claim.rule_id, rule.id);
  assert.equal(claim.points, rule.points);
  assert.equal(claim.household_id, villager.household_id);
  assert.equal(claim.resident_id, villager.resident_id);
  assert.equal(claim.description, a.title);
  assert.equal(claim.publicity.status, 'open');

  const pub = json(await s.api('GET', `/api/v1/public/villages/${village}/publicity`), 200);
  const entry = pub.items.find((x) => x.id === claim.publicity.id);
  assert.ok(entry, 'the check-in is in 公示');
  assert.equal(entry.source, 'activity');
  assert.equal(entry.points, rule.points);

  const twice = await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: c.token } });
  assert.equal(twice.status, 409, twice.text);
  assert.match(twice.json.error.message, /已签到/);

  // a household of the village that did not sign up checks in as a walk-in
  const walk = json(await s.api('POST', '/api/v1/activities/checkin', { token: others[5].token, body: { token: c.token } }), 201);
  assert.equal(walk.household_id, others[5].household_id);
  assert.equal(walk.activity.signups, 2);
  const wc = json(await s.api('GET', `/api/v1/claims/${walk.claim_id}`, { token: cadre }), 200);
  assert.equal(wc.resident_id, others[5].resident_id);

  const seen = json(await s.api('GET', `/api/v1/activities/${a.id}`, { token: cadre }), 200);
  assert.equal(seen.checked_in, 2);
  assert.ok(seen.signup_list.every((x) => x.checked_in_at && x.claim_id));

  const audit = json(await s.api('GET', `/api/v1/audit?unit_id=${village}&object_type=activity&object_id=${a.id}`, { token: cadre }), 200);
  assert.equal(audit.items.filter((e) => e.action === 'checkin').length, 2);
});

test('forged, altered and expired codes are refused on the field token', async () => {
  const a = await makeActivity({ startIn: 0 });
  const c = await code(a.id);
  const [kind, id, exp, mac] = c.token.split('.');
  const flip = (m) => (m[0] === '0' ? '1' : '0') + m.slice(1);
  const bad = [
    `${kind}.${id}.${exp}.${flip(mac)}`,                 // forged signature
    `${kind}.${id}.${Number(exp) + 600}.${mac}`,          // longer life
    `${kind}.${Number(id) + 1}.${exp}.${mac}`,            // another activity
    `H1.${id}.${exp}.${mac}`,                             // another kind of code
    `${kind}.${id}.${exp}`,                               // no signature
    'hello',
    `${c.token}.x`,
  ];
  for (const t of bad) {
    const r = await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: t } });
    assert.equal(r.status, 400, `${t}: ${r.text}`);
    assert.match(r.json.error.fields.token, /无效/, t);
  }
  // a household code is not an activity code
  const hc = json(await s.api('GET', `/api/v1/households/${villager.household_id}/code`, { token: villager.token }), 200);
  assert.equal((await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: hc.code } })).status, 400);

  await s.advance(601);
  const late = await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: c.token } });
  assert.equal(late.status, 400, late.text);
  assert.match(late.json.error.fields.token, /过期/);
  // a fresh code works
  json(await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: (await code(a.id)).token } }), 201);
});

test('a cadre checks a household in by scanning its household code', async () => {
  const a = await makeActivity({ startIn: 1200 });
  const o = others[4];
  // the villager shows their own household's code only
  assert.equal((await s.api('GET', `/api/v1/households/${villager.household_id}/code`, { token: o.token })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/households/${o.household_id}/code`, { token: cadre })).status, 403);
  const hc = json(await s.api('GET', `/api/v1/households/${o.household_id}/code`, { token: o.token }), 200);
  assert.match(hc.code, new RegExp(`^H1\\.${o.household_id}\\.\\d+\\.[0-9a-f]{32}$`));
  const now = await serverNow();
  const exp = Date.parse(hc.expires_at) / 1000;
  assert.ok(exp > now && exp <= now + 300, hc.expires_at);

  const forged = await s.api('POST', `/api/v1/activities/${a.id}/checkin`, { token: cadre, body: { household_code: hc.code.slice(0, -1) + (hc.code.endsWith('0') ? '1' : '0') } });
  assert.equal(forged.status, 400);
  assert.ok(forged.json.error.fields.household_code);

  const r = json(await s.api('POST', `/api/v1/activities/${a.id}/checkin`, { token: cadre, body: { household_code: hc.code } }), 201);
  assert.equal(r.household_id, o.household_id);
  const claim = json(await s.api('GET', `/api/v1/claims/${r.claim_id}`, { token: cadre }), 200);
  assert.equal(claim.source, 'activity');
  assert.equal(claim.status, 'approved');
  assert.ok(claim.resident_id, 'a member is named (the head of household for a walk-in)');
  const again = await s.api('POST', `/api/v1/activities/${a.id}/checkin`, { token: cadre, body: { household_code: hc.code } });
  assert.equal(again.status, 409);

  // a household code expires within five minutes
  const hc2 = json(await s.api('GET', `/api/v1/households/${others[3].household_id}/code`, { token: others[3].token }), 200);
  await s.advance(301);
  const late = await s.api('POST', `/api/v1/activities/${a.id}/checkin`, { token: cadre, body: { household_code: hc2.code } });
  assert.equal(late.status, 400);
  assert.match(late.json.error.fields.household_code, /过期/);
});

test('check-in only inside the window; the QR images carry the token', async () => {
  const a = await makeActivity({ startIn: 3 * 3600, span: 3600 });
  const early = await s.api('GET', `/api/v1/activities/${a.id}/checkin-code`, { token: cadre });
  assert.equal(early.status, 409, early.text);
  await s.advance(3 * 3600 - 1700);   // 28 minutes before the start: open
  const c = await code(a.id);

  const png = await s.api('GET', `/api/v1/activities/${a.id}/checkin-code.png`, { token: cadre });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal(png.headers.get('cache-control'), 'no-store');
  assert.equal(png.body.subarray(0, 8).toString('latin1'), '\x89PNG\r\n\x1a\n');
  assert.equal(zbar(png.body), c.token);

  const svg = await s.api('GET', `/api/v1/activities/${a.id}/checkin-code.svg`, { token: cadre });
  assert.equal(svg.status, 200);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.equal(svg.headers.get('cache-control'), 'no-store');
  assert.match(svg.text, /^<\?xml[^>]*>\s*<svg [^>]*viewBox="0 0 \d+ \d+"/);
  assert.equal((svg.text.match(/<path /g) || []).length, 1);
  assert.equal((await s.api('GET', `/api/v1/activities/${a.id}/checkin-code.png`, { token: villager.token })).status, 403);

  const hpng = await s.api('GET', `/api/v1/households/${villager.household_id}/code.png`, { token: villager.token });
  assert.equal(hpng.headers.get('content-type'), 'image/png');
  const hc = json(await s.api('GET', `/api/v1/households/${villager.household_id}/code`, { token: villager.token }), 200);
  assert.equal(zbar(hpng.body), hc.code);
  const hsvg = await s.api('GET', `/api/v1/households/${villager.household_id}/code.svg`, { token: villager.token });
  assert.equal(hsvg.headers.get('content-type'), 'image/svg+xml');

  // 30 minutes after the end the window closes, even for a fresh code
  await s.advance(1700 + 3600 + 1800 - 120);
  const last = await code(a.id);
  await s.advance(121);
  const closed = await s.api('POST', '/api/v1/activities/checkin', { token: villager.token, body: { token: last.token } });
  assert.equal(closed.status, 409, closed.text);
  assert.match(closed.json.error.message, /签到已结束/);
  assert.equal((await s.api('GET', `/api/v1/activities/${a.id}/checkin-code`, { token: cadre })).status, 409);
  const ended = await s.api('POST', `/api/v1/activities/${a.id}/signup`, { token: villager.token, body: {} });
  assert.equal(ended.status, 409);
});
