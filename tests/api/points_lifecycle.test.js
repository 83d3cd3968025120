// The points lifecycle over the API with the server's controllable clock: a villager's
// claim with a photo → review → 公示 on the public page (masked name, ledger chain head)
// → a neighbour's objection → review again → credited exactly once when the period
// ends; a rejection; an award batch; a deduction; a 0-day period; corrections; the
// yearly reset; and `cunzhi verify` at the end.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeIdcard, PHONES, PASSWORD, pngPixel } = require('./lib');

const DAY = 86400;

let s;
let villager, assessor, cadre, neighbour, outsider;   // tokens
let me;                   // the villager's session (household_id, resident_id)
let villageId;
let rules;                // name → rule
let hh = [];              // four other households of the village (ids)
let numbers = new Map();  // household id → number
let member;               // a member of the villager's household the claims are for

// 张三丰 → 张*丰, 张三 → 张*, as the server masks names on the public page.
function mask(name) {
  const cs = [...name];
  if (cs.length <= 1) return name;
  if (cs.length === 2) return cs[0] + '*';
  return cs[0] + '*'.repeat(cs.length - 2) + cs[cs.length - 1];
}

const png = pngPixel;

// Sessions last 7 days of server time: log everyone in again now and then.
const logins = {};        // name → {phone, password}
let sinceLogin = 0;
async function relogin() {
  villager = await s.login(logins.villager.phone, logins.villager.password, { fresh: true });
  assessor = await s.login(logins.assessor.phone, logins.assessor.password, { fresh: true });
  cadre = await s.login(logins.cadre.phone, logins.cadre.password, { fresh: true });
  neighbour = await s.login(logins.neighbour.phone, logins.neighbour.password, { fresh: true });
  outsider = await s.login(logins.outsider.phone, logins.outsider.password, { fresh: true });
  sinceLogin = 0;
}

// Moves the clock (0 = just run the jobs); returns {now, credited, reset_entries}.
async function clock(advance) {
  const r = await s.api('POST', '/api/v1/test/clock', { body: { advance } });
  assert.equal(r.status, 200, r.text);
  sinceLogin += advance;
  if (sinceLogin > 5 * DAY) await relogin();
  assert.equal(typeof r.json.credited, 'number');
  assert.equal(typeof r.json.reset_entries, 'number');
  return r.json;
}

async function today() {
  return (await clock(0)).now.slice(0, 10);
}

async function publicPage() {
  const r = await s.api('GET', `/api/v1/public/villages/${villageId}/publicity`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function ledger(householdId, query = '', token = cadre) {
  const q = /(^|&)limit=/.test(query) ? query.replace(/^&/, '') : `limit=200${query}`;
  const r = await s.api('GET', `/api/v1/households/${householdId}/ledger?${q}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function claim(id, token = cadre) {
  const r = await s.api('GET', `/api/v1/claims/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function review(id, decision, reason, token = assessor) {
  const body = { decision };
  if (reason !== undefined) body.reason = reason;
  return s.api('POST', `/api/v1/claims/${id}/review`, { token, body });
}

async function award(ruleName, householdIds, note, token = cadre) {
  return s.api('POST', '/api/v1/awards', {
    token, body: { rule_id: rules[ruleName].id, household_ids: householdIds, occurred_on: await today(), note },
  });
}

// Activates an account for a resident with a phone (issued by `issuer`): the token.
async function activate(resident, issuer) {
  const code = await s.api('POST', `/api/v1/residents/${resident.id}/activation`, { token: issuer, body: {} });
  assert.equal(code.status, 201, code.text);
  const act = await s.api('POST', '/api/v1/activation', { body: { phone: resident.phone, code: code.json.code, password: 'Neighbour-pass-01' } });
  assert.equal(act.status, 201, act.text);
  return { phone: resident.phone, password: 'Neighbour-pass-01' };
}

before(async () => {
  s = await startServer();
  villager = await s.as('villager');
  assessor = await s.as('assessor');
  cadre = await s.as('cadre');
  me = (await s.api('GET', '/api/v1/session', { token: villager })).json;
  const mine = await s.api('GET', `/api/v1/households/${me.household_id}`, { token: cadre });
  assert.equal(mine.status, 200, mine.text);
  villageId = mine.json.village_id;
  numbers.set(me.household_id, mine.json.number);
  // the member with the longest name, so the mask keeps a last character (张*华)
  member = [...mine.json.members].sort((a, b) => [...b.name].length - [...a.name].length)[0];

  const rl = await s.api('GET', `/api/v1/units/${villageId}/rules?limit=200`, { token: villager });
  assert.equal(rl.status, 200, rl.text);
  rules = Object.fromEntries(rl.json.items.filter((r) => r.in_force).map((r) => [r.name, r]));
  for (const n of ['参加志愿劳动', '参加党课学习', '见义勇为', '焚烧秸秆'])
    assert.ok(rules[n], `the demo catalog has ${n}`);
  assert.equal(rules['参加志愿劳动'].photo_required, true);
  assert.equal(rules['参加志愿劳动'].claim_by, 'self');
  assert.ok(rules['焚烧秸秆'].points < 0);

  // a neighbour: a villager of another household of the same village
  const list = await s.api('GET', `/api/v1/households?village_id=${villageId}&limit=40`, { token: cadre });
  assert.equal(list.status, 200, list.text);
  let candidate;
  for (const h of list.json.items) {
    if (h.id === me.household_id) continue;
    numbers.set(h.id, h.number);
    if (hh.length < 4) hh.push(h.id);
    if (!candidate && hh.length >= 4) {
      const d = await s.api('GET', `/api/v1/households/${h.id}`, { token: cadre });
      candidate = d.json.members.find((m) => /^1\d{10}$/.test(m.phone) && m.user_id === null);
    }
  }
  assert.equal(hh.length, 4);
  assert.ok(candidate, 'a resident with a phone and no account');
  logins.neighbour = await activate(candidate, cadre);

  // a villager of another village
  const admin = await s.as('county_admin');
  const towns = await s.api('GET', '/api/v1/units?parent_id=1', { token: admin });
  const town = towns.json.items.find((u) => u.kind === 'town');
  const v = await s.api('POST', '/api/v1/units', { token: admin, body: { parent_id: town.id, kind: 'village', code: 'PTS-V2', name: '绿水村' } });
  assert.equal(v.status, 201, v.text);
  const h2 = await s.api('POST', '/api/v1/households', { token: admin, body: { village_id: v.json.id, number: 'B001', address: '绿水村 1 号' } });
  assert.equal(h2.status, 201, h2.text);
  const r = await s.api('POST', '/api/v1/residents', {
    token: admin,
    body: { household_id: h2.json.id, name: '赵大山', idcard: makeIdcard('19700505', 13, '510923'), relation: '户主', phone: '13812349001' },
  });
  assert.equal(r.status, 201, r.text);
  logins.outsider = await activate(r.json, admin);
  logins.villager = s.villager;
  logins.assessor = { phone: PHONES.assessor, password: PASSWORD };
  logins.cadre = { phone: PHONES.cadre, password: PASSWORD };
  await relogin();
});
after(async () => { if (s) await s.close(); });

test('claim → approve → 公示 → objection → approve again → credited exactly once', async () => {
  const before0 = await ledger(me.household_id);
  const day = await today();

  // the villager uploads a photo and claims for a member of the household
  const up = await s.api('POST', '/api/v1/files', { token: villager, raw: png(10, 200, 30), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  assert.equal(up.json.mime, 'image/png');
  const noPhoto = await s.api('POST', '/api/v1/claims', {
    token: villager, body: { resident_id: member.id, rule_id: rules['参加志愿劳动'].id, occurred_on: day },
  });
  assert.equal(noPhoto.status, 400, noPhoto.text);
  assert.ok(noPhoto.json.error.fields.photos);
  const c = await s.api('POST', '/api/v1/claims', {
    token: villager,
    body: { resident_id: member.id, rule_id: rules['参加志愿劳动'].id, occurred_on: day, description: '清理村道垃圾', photos: [up.json.hash] },
  });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.status, 'pending');
  assert.equal(c.json.points, 5);
  assert.equal(c.json.household_id, me.household_id);
  assert.equal(c.json.publicity, null);
  const id = c.json.id;

  // pending claims are not in 公示; the villager cannot review their own household's claim
  assert.ok(!(await publicPage()).items.some((i) => i.rule_name === '参加志愿劳动'));
  const own = await review(id, 'approve', undefined, villager);
  assert.equal(own.status, 403, own.text);

  const ok = await review(id, 'approve');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'approved');
  const p1 = ok.json.publicity;
  assert.equal(p1.status, 'open');
  assert.equal(Date.parse(p1.ends_at) - Date.parse(p1.starts_at), 3 * DAY * 1000);
  const again = await review(id, 'approve');
  assert.equal(again.status, 409, again.text);

  // the public page, without a token: masked name, household number, ledger head
  const page = await publicPage();
  assert.equal(page.village.id, villageId);
  const item = page.items.find((i) => i.id === p1.id);
  assert.ok(item, JSON.stringify(page.items));
  assert.equal(item.name, mask(member.name));
  assert.match(item.name, /\*/);
  assert.ok(!page.items.some((i) => i.name === member.name));
  assert.ok(!JSON.stringify(page).includes(member.name), 'the full name is not on the public page');
  assert.equal(item.household_number, numbers.get(me.household_id));
  assert.equal(item.household_id, me.household_id);
  assert.equal(item.source, 'claim');
  assert.equal(item.rule_name, '参加志愿劳动');
  assert.equal(item.points, 5);
  assert.equal(item.occurred_on, day);
  assert.equal(item.description, '清理村道垃圾');
  assert.equal(item.objections, 0);
  assert.equal(item.ends_at, p1.ends_at);
  assert.equal(typeof page.ledger.entries, 'number');
  assert.match(page.ledger.head, /^[0-9a-f]{64}$/);
  const villageLedger = await s.api('GET', `/api/v1/villages/${villageId}/ledger?limit=1`, { token: cadre });
  assert.equal(villageLedger.status, 200, villageLedger.text);
  assert.equal(page.ledger.entries, villageLedger.json.total);

  // a villager of another village may not object; nor may someone without a household
  const foreign = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: outsider, body: { reason: '不是事实' } });
  assert.equal(foreign.status, 404, foreign.text); // outside every grant: as if it did not exist
  const staff = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: cadre, body: { reason: '不是事实' } });
  assert.equal(staff.status, 403, staff.text);
  // the household does not object to its own record: refused in Chinese, nothing changed
  const ownObj = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: villager, body: { reason: '我自己不同意' } });
  assert.equal(ownObj.status, 403, ownObj.text);
  assert.match(ownObj.json.error.message, /本户/);
  assert.ok((await publicPage()).items.some((i) => i.id === p1.id), 'still in 公示');
  const noReason = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: neighbour, body: { reason: '' } });
  assert.equal(noReason.status, 400, noReason.text);
  const unknown = await s.api('POST', '/api/v1/publicity/999999/objections', { token: neighbour, body: { reason: '不是事实' } });
  assert.equal(unknown.status, 404, unknown.text);

  // the neighbour objects: the entry leaves 公示 and the claim is pending again
  const obj = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: neighbour, body: { reason: '那天他不在村里' } });
  assert.equal(obj.status, 201, obj.text);
  assert.equal(obj.json.status, 'open');
  assert.ok(!(await publicPage()).items.some((i) => i.id === p1.id));
  const pending = await claim(id, villager);
  assert.equal(pending.status, 'pending');
  assert.equal(pending.publicity.status, 'objected');
  assert.equal(pending.objections.length, 1);
  assert.equal(pending.objections[0].reason, '那天他不在村里');
  assert.equal(pending.objections[0].status, 'open');
  const twice = await s.api('POST', `/api/v1/publicity/${p1.id}/objections`, { token: neighbour, body: { reason: '再说一次' } });
  assert.equal(twice.status, 409, twice.text);

  let mineList = await s.api('GET', '/api/v1/objections?mine=1', { token: neighbour });
  assert.equal(mineList.status, 200, mineList.text);
  assert.equal(mineList.json.total, 1);
  assert.equal(mineList.json.items[0].id, obj.json.id);
  assert.equal(mineList.json.items[0].status, 'open');
  assert.equal(mineList.json.items[0].claim_id, id);
  assert.equal(mineList.json.items[0].decided_at, null);
  const byVillage = await s.api('GET', `/api/v1/objections?village_id=${villageId}`, { token: assessor });
  assert.equal(byVillage.status, 200, byVillage.text);
  assert.ok(byVillage.json.items.some((o) => o.id === obj.json.id));
  const notReviewer = await s.api('GET', `/api/v1/objections?village_id=${villageId}`, { token: villager });
  assert.equal(notReviewer.status, 403, notReviewer.text);
  const neither = await s.api('GET', '/api/v1/objections', { token: assessor });
  assert.equal(neither.status, 400, neither.text);

  // while pending nothing is credited, however long it waits
  await clock(4 * DAY);
  assert.equal((await ledger(me.household_id)).total, before0.total);

  // the reviewer approves again with a reason; the objector sees it
  const ok2 = await review(id, 'approve', '经核实，村委有签到记录');
  assert.equal(ok2.status, 200, ok2.text);
  const p2 = ok2.json.publicity;
  assert.notEqual(p2.id, p1.id);
  assert.equal(p2.status, 'open');
  mineList = await s.api('GET', '/api/v1/objections?mine=1', { token: neighbour });
  assert.equal(mineList.json.items[0].status, 'dismissed');
  assert.equal(mineList.json.items[0].decision_reason, '经核实，村委有签到记录');
  assert.notEqual(mineList.json.items[0].decided_at, null);
  const back = (await publicPage()).items.find((i) => i.id === p2.id);
  assert.ok(back);
  // one objection per villager per record: the dismissed objector cannot raise it again
  const reraise = await s.api('POST', `/api/v1/publicity/${p2.id}/objections`, { token: neighbour, body: { reason: '我还是不同意' } });
  assert.equal(reraise.status, 409, reraise.text);
  assert.match(reraise.json.error.message, /已对这条记录提出过异议/);
  assert.equal(back.name, mask(member.name));

  // not before the period ends …
  await clock(3 * DAY - 60);
  let l = await ledger(me.household_id);
  assert.equal(l.total, before0.total);
  assert.deepEqual(l.balances, before0.balances);
  // … and exactly once after
  const t = await clock(61);
  assert.ok(t.credited <= 1, JSON.stringify(t));
  l = await ledger(me.household_id);
  assert.equal(l.total, before0.total + 1);
  assert.equal(l.balances.spendable, before0.balances.spendable + 5);
  assert.equal(l.balances.honour, before0.balances.honour + 5);
  const entries = l.items.filter((e) => e.claim_id === id);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].source, 'claim');
  assert.equal(entries[0].spendable, 5);
  assert.equal(entries[0].honour, 5);
  assert.equal(entries[0].rule_name, '参加志愿劳动');
  assert.equal(entries[0].resident_id, member.id);
  assert.equal(entries[0].household_id, me.household_id);
  assert.equal((await claim(id, villager)).status, 'credited');
  // the villager reads the same ledger
  assert.deepEqual((await ledger(me.household_id, '', villager)).balances, l.balances);

  const after1 = await publicPage();
  assert.ok(!after1.items.some((i) => i.id === p2.id));
  assert.equal(after1.ledger.entries, page.ledger.entries + 1);
  assert.notEqual(after1.ledger.head, page.ledger.head);

  // advancing again credits nothing more
  const t2 = await clock(3 * DAY + 1);
  assert.equal(t2.credited, 0);
  const l2 = await ledger(me.household_id);
  assert.equal(l2.total, l.total);
  assert.deepEqual(l2.balances, l.balances);
  assert.equal((await publicPage()).ledger.entries, after1.ledger.entries);

  // objections after the period ended (credited) or on an entry already objected to
  for (const pid of [p2.id, p1.id]) {
    const late = await s.api('POST', `/api/v1/publicity/${pid}/objections`, { token: neighbour, body: { reason: '太晚了' } });
    assert.equal(late.status, 409, late.text);
  }
});

test('claim → reject with a reason; the claimant sees it and nothing is credited', async () => {
  const before0 = await ledger(me.household_id);
  const c = await s.api('POST', '/api/v1/claims', {
    token: villager, body: { resident_id: member.id, rule_id: rules['参加党课学习'].id, occurred_on: await today() },
  });
  assert.equal(c.status, 201, c.text);
  const noReason = await review(c.json.id, 'reject');
  assert.equal(noReason.status, 400, noReason.text);
  assert.ok(noReason.json.error.fields.reason);
  const bad = await review(c.json.id, 'maybe');
  assert.equal(bad.status, 400, bad.text);
  const r = await review(c.json.id, 'reject', '本月没有党课安排');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rejected');
  assert.equal(r.json.publicity, null);

  const seen = await claim(c.json.id, villager);
  assert.equal(seen.status, 'rejected');
  assert.equal(seen.review_reason, '本月没有党课安排');
  const mine = await s.api('GET', '/api/v1/claims?mine=1', { token: villager });
  assert.equal(mine.status, 200, mine.text);
  const listed = mine.json.items.find((x) => x.id === c.json.id);
  assert.equal(listed.status, 'rejected');
  assert.equal(listed.review_reason, '本月没有党课安排');

  assert.ok(!(await publicPage()).items.some((i) => i.rule_name === '参加党课学习'));
  await clock(3 * DAY + 1);
  const l = await ledger(me.household_id);
  assert.equal(l.total, before0.total);
  assert.deepEqual(l.balances, before0.balances);
  assert.ok(!l.items.some((e) => e.claim_id === c.json.id));
  const late = await review(c.json.id, 'approve');
  assert.equal(late.status, 409, late.text);
});

test('an award batch to three households passes 公示 and is credited', async () => {
  const targets = hh.slice(0, 3);
  const before0 = new Map();
  for (const h of targets) before0.set(h, await ledger(h));

  const denied = await award('见义勇为', targets, '村民不能加分', villager);
  assert.equal(denied.status, 403, denied.text);
  const a = await award('见义勇为', targets, '河边救起落水儿童');
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.source, 'award');
  assert.equal(a.json.claim_ids.length, 3);
  assert.match(a.json.batch_id, /^[0-9a-f]{32}$/);

  const page = await publicPage();
  for (let i = 0; i < 3; i++) {
    const c = await claim(a.json.claim_ids[i]);
    assert.equal(c.status, 'approved');
    assert.equal(c.household_id, targets[i]);
    assert.equal(c.batch_id, a.json.batch_id);
    const item = page.items.find((x) => x.id === c.publicity.id);
    assert.ok(item, `award ${i} in 公示`);
    assert.equal(item.source, 'award');
    assert.equal(item.points, 20);
    assert.equal(item.household_number, numbers.get(targets[i]));
    assert.match(item.name, /\*/);
  }

  await clock(3 * DAY + 1);
  for (let i = 0; i < 3; i++) {
    const h = targets[i];
    const l = await ledger(h);
    assert.equal(l.balances.spendable, before0.get(h).balances.spendable + 20);
    assert.equal(l.balances.honour, before0.get(h).balances.honour + 20);
    const e = l.items.filter((x) => x.claim_id === a.json.claim_ids[i]);
    assert.equal(e.length, 1);
    assert.equal(e[0].source, 'award');
    assert.equal(e[0].rule_name, '见义勇为');
    assert.equal((await claim(a.json.claim_ids[i])).status, 'credited');
  }
  assert.ok(!(await publicPage()).items.some((x) => x.rule_name === '见义勇为'));
});

test('a deduction reduces both balances after 公示', async () => {
  const before0 = await ledger(me.household_id);
  const d = await award('焚烧秸秆', [me.household_id], '田间焚烧秸秆');
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.source, 'deduction');
  const c = await claim(d.json.claim_ids[0]);
  const item = (await publicPage()).items.find((x) => x.id === c.publicity.id);
  assert.ok(item);
  assert.equal(item.source, 'deduction');
  assert.equal(item.points, rules['焚烧秸秆'].points);

  await clock(3 * DAY + 1);
  const l = await ledger(me.household_id);
  const pts = rules['焚烧秸秆'].points;
  assert.equal(l.balances.spendable, before0.balances.spendable + pts);
  assert.equal(l.balances.honour, before0.balances.honour + pts);
  const e = l.items.find((x) => x.claim_id === d.json.claim_ids[0]);
  assert.equal(e.source, 'deduction');
  assert.equal(e.spendable, pts);
  assert.equal(e.honour, pts);
});

// An ISO time in China Standard Time, as the API writes them.
function iso8(ms) {
  return new Date(ms + 8 * 3600e3).toISOString().slice(0, 19) + '+08:00';
}

test('an activity check-in is an approved record that passes 公示 and is credited', async () => {
  const before0 = await ledger(me.household_id);
  const now = Date.parse((await clock(0)).now);
  const rule = rules['参加村集体公益活动'];
  assert.ok(rule);
  const a = await s.api('POST', '/api/v1/activities', {
    token: cadre,
    body: { village_id: villageId, rule_id: rule.id, title: '清理河道', place: '村口', starts_at: iso8(now + 60e3), ends_at: iso8(now + 2 * 3600e3), capacity: 10 },
  });
  assert.equal(a.status, 201, a.text);
  const su = await s.api('POST', `/api/v1/activities/${a.json.id}/signup`, { token: villager, body: { resident_id: member.id } });
  assert.equal(su.status, 201, su.text);
  const code = await s.api('GET', `/api/v1/activities/${a.json.id}/checkin-code`, { token: cadre });
  assert.equal(code.status, 200, code.text);
  const ci = await s.api('POST', '/api/v1/activities/checkin', { token: villager, body: { token: code.json.token } });
  assert.equal(ci.status, 201, ci.text);
  assert.equal(ci.json.household_id, me.household_id);
  const c = await claim(ci.json.claim_id, villager);
  assert.equal(c.source, 'activity');
  assert.equal(c.status, 'approved');
  assert.equal(c.points, rule.points);
  const item = (await publicPage()).items.find((x) => x.id === c.publicity.id);
  assert.ok(item);
  assert.equal(item.source, 'activity');
  assert.equal(item.name, mask(member.name));

  await clock(3 * DAY + 1);
  const l = await ledger(me.household_id);
  assert.equal(l.balances.spendable, before0.balances.spendable + rule.points);
  assert.equal(l.balances.honour, before0.balances.honour + rule.points);
  const e = l.items.filter((x) => x.claim_id === ci.json.claim_id);
  assert.equal(e.length, 1);
  assert.equal(e[0].source, 'activity');
  assert.equal(e[0].resident_id, member.id);
});

test('points settings: validation, cadre only; a 0-day period credits at the next job run', async () => {
  const path = `/api/v1/villages/${villageId}/points-settings`;
  const g = await s.api('GET', path, { token: villager });
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, { village_id: villageId, publicity_days: 3, red_list_size: 10, reset_month_day: null });

  const denied = await s.api('PUT', path, { token: villager, body: { publicity_days: 0, red_list_size: 10 } });
  assert.equal(denied.status, 403, denied.text);
  const assess = await s.api('PUT', path, { token: assessor, body: { publicity_days: 0, red_list_size: 10 } });
  assert.equal(assess.status, 403, assess.text);
  const bad = await s.api('PUT', path, { token: cadre, body: { publicity_days: 31, red_list_size: 0 } });
  assert.equal(bad.status, 400, bad.text);
  for (const f of ['publicity_days', 'red_list_size']) assert.ok(bad.json.error.fields[f], f);
  for (const day of ['02-30', '13-01', '1-1', '0101', 'ab-cd']) {
    const r = await s.api('PUT', path, { token: cadre, body: { publicity_days: 3, red_list_size: 10, reset_month_day: day } });
    assert.equal(r.status, 400, `${day}: ${r.text}`);
    assert.ok(r.json.error.fields.reset_month_day, day);
  }
  const missing = await s.api('PUT', path, { token: cadre, body: { publicity_days: 1 } });
  assert.equal(missing.status, 400, missing.text);
  assert.ok(missing.json.error.fields.red_list_size);

  const put = await s.api('PUT', path, { token: cadre, body: { publicity_days: 0, red_list_size: 20 } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { village_id: villageId, publicity_days: 0, red_list_size: 20, reset_month_day: null });
  assert.deepEqual((await s.api('GET', path, { token: cadre })).json, put.json);

  const h = hh[3];
  const before0 = await ledger(h);
  const a = await award('见义勇为', [h], '扑灭山火');
  assert.equal(a.status, 201, a.text);
  const c = await claim(a.json.claim_ids[0]);
  assert.equal(c.publicity.starts_at, c.publicity.ends_at);
  const t = await clock(0);
  assert.ok(t.credited <= 1, JSON.stringify(t));
  const l = await ledger(h);
  assert.equal(l.balances.honour, before0.balances.honour + 20);
  assert.equal(l.items.filter((e) => e.claim_id === a.json.claim_ids[0]).length, 1);
  assert.equal((await clock(0)).credited, 0);

  const restore = await s.api('PUT', path, { token: cadre, body: { publicity_days: 3, red_list_size: 10 } });
  assert.equal(restore.status, 200, restore.text);
});

test('a correction reverses an entry: cadre only, at most once', async () => {
  const h = hh[0];
  const l = await ledger(h);
  const entry = l.items.find((e) => e.source === 'award');
  assert.ok(entry);
  const url = `/api/v1/ledger/${entry.id}/correction`;

  for (const token of [villager, assessor, neighbour]) {
    const r = await s.api('POST', url, { token, body: { reason: '录入错误' } });
    assert.equal(r.status, 403, r.text);
  }
  const empty = await s.api('POST', url, { token: cadre, body: { reason: '' } });
  assert.equal(empty.status, 400, empty.text);
  const none = await s.api('POST', '/api/v1/ledger/999999/correction', { token: cadre, body: { reason: '录入错误' } });
  assert.equal(none.status, 404, none.text);

  const r = await s.api('POST', url, { token: cadre, body: { reason: '重复录入，予以冲正' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.corrects, entry.id);
  const l2 = await ledger(h);
  assert.equal(l2.total, l.total + 1);
  assert.equal(l2.balances.spendable, l.balances.spendable - entry.spendable);
  assert.equal(l2.balances.honour, l.balances.honour - entry.honour);
  const corr = l2.items.find((e) => e.id === r.json.id);
  assert.equal(corr.source, 'correction');
  assert.equal(corr.ref_id, entry.id);
  assert.equal(corr.spendable, -entry.spendable);
  assert.equal(corr.honour, -entry.honour);
  assert.equal(corr.note, '重复录入，予以冲正');
  assert.equal(corr.claim_id, null);
  // the original entry is unchanged
  assert.deepEqual(l2.items.find((e) => e.id === entry.id), entry);

  const twice = await s.api('POST', url, { token: cadre, body: { reason: '再冲一次' } });
  assert.equal(twice.status, 409, twice.text);
  const ofCorrection = await s.api('POST', `/api/v1/ledger/${r.json.id}/correction`, { token: cadre, body: { reason: '冲正的冲正' } });
  assert.equal(ofCorrection.status, 409, ofCorrection.text);
  assert.deepEqual((await ledger(h)).balances, l2.balances);
});

test('ledger reading: filters, paging and who may read', async () => {
  const all = await ledger(me.household_id);
  assert.ok(all.total >= 2);
  const claims = await ledger(me.household_id, '&source=claim');
  assert.ok(claims.items.length >= 1 && claims.items.every((e) => e.source === 'claim'));
  const page = await ledger(me.household_id, '&limit=1&offset=1');
  assert.equal(page.items.length, 1);
  assert.equal(page.items[0].id, all.items[1].id);
  assert.equal(page.total, all.total);
  // newest first
  for (let i = 1; i < all.items.length; i++) assert.ok(all.items[i - 1].seq > all.items[i].seq);
  const day = await today();
  const todayOnly = await ledger(me.household_id, `&from=${day}&to=${day}`);
  assert.ok(todayOnly.items.every((e) => e.at.slice(0, 10) === day));
  const old = await ledger(me.household_id, '&to=2000-01-01');
  assert.equal(old.total, 0);
  assert.deepEqual(old.balances, all.balances);
  const badDate = await s.api('GET', `/api/v1/households/${me.household_id}/ledger?from=2026-13-01`, { token: cadre });
  assert.equal(badDate.status, 400, badDate.text);
  assert.ok(badDate.json.error.fields.from);

  // a villager reads their own household only; the village ledger needs register access
  const other = await s.api('GET', `/api/v1/households/${hh[0]}/ledger`, { token: villager });
  assert.equal(other.status, 404, other.text);
  const vl = await s.api('GET', `/api/v1/villages/${villageId}/ledger`, { token: villager });
  assert.equal(vl.status, 403, vl.text);
  const vc = await s.api('GET', `/api/v1/villages/${villageId}/ledger?limit=200`, { token: cadre });
  assert.equal(vc.status, 200, vc.text);
  assert.equal(vc.json.total, (await publicPage()).ledger.entries);
  const anon = await s.api('GET', `/api/v1/households/${me.household_id}/ledger`);
  assert.equal(anon.status, 401, anon.text);
  const notVillage = await s.api('GET', '/api/v1/public/villages/1/publicity');
  assert.equal(notVillage.status, 404, notVillage.text);
  const missing = await s.api('GET', '/api/v1/public/villages/999999/publicity');
  assert.equal(missing.status, 404, missing.text);
});

test('yearly reset on the village date: spendable to 0, honour kept, once a year', async () => {
  const now = (await clock(0)).now;
  const mmdd = now.slice(5, 10);
  const year = now.slice(0, 4);
  const path = `/api/v1/villages/${villageId}/points-settings`;
  const households = [me.household_id, ...hh];
  const before0 = new Map();
  for (const h of households) before0.set(h, await ledger(h));
  const withBalance = households.filter((h) => before0.get(h).balances.spendable !== 0);
  assert.ok(withBalance.length >= 2, 'households with a spendable balance');

  const put = await s.api('PUT', path, { token: cadre, body: { publicity_days: 3, red_list_size: 10, reset_month_day: mmdd } });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.reset_month_day, mmdd);

  // the village's other households with entries (the demo's evaluation winners) are reset too
  const village = await s.api('GET', `/api/v1/villages/${villageId}/ledger?limit=200`, { token: cadre });
  assert.equal(village.status, 200, village.text);
  const others = new Set(village.json.items.map((e) => e.household_id).filter((h) => !households.includes(h)));
  const t = await clock(0);
  assert.ok(t.reset_entries <= withBalance.length + others.size, JSON.stringify(t));
  for (const h of households) {
    const b = before0.get(h);
    const l = await ledger(h);
    assert.equal(l.balances.spendable, 0, `household ${h}`);
    assert.equal(l.balances.honour, b.balances.honour, `household ${h}`);
    const resets = l.items.filter((e) => e.source === 'reset');
    if (b.balances.spendable === 0) {
      assert.equal(resets.length, 0);
      continue;
    }
    assert.equal(resets.length, 1, `household ${h}`);
    assert.equal(resets[0].spendable, -b.balances.spendable);
    assert.equal(resets[0].honour, 0);
    assert.ok(resets[0].note.includes(year), resets[0].note);
    // a reset entry cannot be corrected
    const c = await s.api('POST', `/api/v1/ledger/${resets[0].id}/correction`, { token: cadre, body: { reason: '撤销清零' } });
    assert.equal(c.status, 409, c.text);
  }

  // running the jobs again (and later in the year) writes nothing
  const villageBefore = (await s.api('GET', `/api/v1/villages/${villageId}/ledger?source=reset`, { token: cadre })).json.total;
  assert.equal(villageBefore, t.reset_entries);
  assert.ok(villageBefore >= withBalance.length);
  const again = await clock(0);
  assert.equal(again.reset_entries, 0);
  await clock(DAY);
  const villageAfter = (await s.api('GET', `/api/v1/villages/${villageId}/ledger?source=reset`, { token: cadre })).json.total;
  assert.equal(villageAfter, villageBefore);
  for (const h of households) assert.equal((await ledger(h)).balances.spendable, 0);
});

test('cunzhi verify passes: chains intact, balances equal ledger sums', async () => {
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ledger: ok/);
});
