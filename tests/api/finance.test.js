// Village finance 村级财务 in a village B made here (its accountant 报账员, two cadres, a
// shop): entries in 分 need two people (the enterer never approves their own); returned
// entries are corrected, open ones withdrawn, approved ones are final; the monthly
// statement adds up to the 分 and is published as the month's 财务 disclosure; a
// published month is frozen and corrections go into a later month with a reason; the
// shop's stock-in paid from 集体经济 appears once as an expense; the idempotency key;
// who may do what (404 outside scope, 403 visible but not allowed); bad input for every
// endpoint, field by field; the XLSX exports; the audit entries.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, pngPixel, psqlBin, behindWrite } = require('./lib');

let s;
const A = {};
const B = {};
let town, county, inspector, grid;

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
const fields = (r) => (r.json && r.json.error && r.json.error.fields ? Object.keys(r.json.error.fields).sort() : []);
const cnDate = (sec) => new Date((sec + 8 * 3600) * 1000).toISOString().slice(0, 10);
const pad = (n) => String(n).padStart(2, '0');
function monthBefore(m, k) {
  let y = Number(m.slice(0, 4));
  let mo = Number(m.slice(5, 7)) - k;
  while (mo < 1) { mo += 12; y -= 1; }
  return `${y}-${pad(mo)}`;
}
let today, M0, M1, M2; // this month, two months ago, last month

async function upload(token, raw, type) {
  return must(await s.api('POST', '/api/v1/files', { token, raw, headers: { 'content-type': type } }), 201).hash;
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

async function enter(token, body, status = 201) {
  return must(await s.api('POST', '/api/v1/finance/entries', { token, body: { village_id: B.village, ...body } }), status);
}
const expense = (extra = {}) => ({ kind: 'expense', category: '55002', amount: 12345, occurred_on: `${M1}-05`, counterpart: '青川县文具店', summary: '打印纸和墨盒', ...extra });
async function approve(token, id, status = 200) {
  return must(await s.api('POST', `/api/v1/finance/entries/${id}/approve`, { token, body: {} }), status);
}
async function month(token, m, village = B.village) {
  return must(await s.api('GET', `/api/v1/finance/month?village_id=${village}&month=${m}`, { token }), 200);
}
function checkSums(st) {
  const leaves = st.lines.filter((l) => !st.lines.some((x) => x.parent === l.code));
  const inc = leaves.filter((l) => l.kind === 'income').reduce((a, l) => a + l.amount, 0);
  const exp = leaves.filter((l) => l.kind === 'expense').reduce((a, l) => a + l.amount, 0);
  assert.equal(inc, st.income, 'income lines add up');
  assert.equal(exp, st.expense, 'expense lines add up');
  assert.equal(st.opening + st.income - st.expense, st.closing, 'closing = opening + income − expense');
  for (const p of st.lines.filter((l) => st.lines.some((x) => x.parent === l.code)))
    assert.equal(p.amount, st.lines.filter((x) => x.parent === p.code).reduce((a, l) => a + l.amount, 0), p.name);
}

async function user(phone, name, role, password) {
  const u = must(await s.api('POST', '/api/v1/users', { token: county.admin, body: { phone, name, password } }), 201);
  must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: county.admin, body: { role, unit_id: B.village } }), 200);
  return s.login(phone, password);
}

before(async () => {
  s = await startServer();
  county = { id: 1, admin: await s.as('county_admin') };
  A.cadre = await s.as('cadre');
  A.village = must(await s.api('GET', '/api/v1/session', { token: A.cadre }), 200).grants.find((g) => g.role === 'cadre').unit_id;
  town = { id: must(await s.api('GET', `/api/v1/units/${A.village}`, { token: A.cadre }), 200).parent_id, official: await s.as('town_official') };
  inspector = await s.as('inspector');
  grid = await s.as('grid_worker');
  A.villager = await s.as('villager');
  B.village = must(await s.api('POST', '/api/v1/units', { token: county.admin, body: { parent_id: town.id, kind: 'village', code: 'FIN-VB', name: '石桥村' } }), 201).id;
  B.accountant = await user('19955550001', '吴会计', 'accountant', 'Account-B-01');
  B.cadre = await user('19955550002', '周主任', 'cadre', 'Cadre-B-0001');
  B.cadre2 = await user('19955550003', '郑书记', 'cadre', 'Cadre-B-0002');
  const now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  today = cnDate(now);
  M0 = today.slice(0, 7);
  M1 = monthBefore(M0, 2);
  M2 = monthBefore(M0, 1);
});
after(async () => { if (s) await s.close(); });

test('the chart of accounts', async () => {
  const c = must(await s.api('GET', '/api/v1/finance/categories', { token: B.accountant }), 200).items;
  for (const n of ['经营收入', '发包及上交收入', '投资收益', '补助收入', '其他收入', '经营支出', '管理费用', '干部报酬', '办公费', '公益支出', '其他支出'])
    assert.ok(c.some((x) => x.name === n), n);
  assert.equal(c.find((x) => x.name === '干部报酬').parent, c.find((x) => x.name === '管理费用').code);
  assert.equal(c.find((x) => x.name === '管理费用').leaf, false);
  assert.equal((await s.api('GET', '/api/v1/finance/categories')).status, 401);
});

test('two people: one enters, another approves; open entries are corrected or withdrawn, approved ones are final', async () => {
  const photo = await upload(B.accountant, pngPixel(10, 200, 30), 'image/png');
  const pdf = await upload(B.accountant, PDF, 'application/pdf');
  const key = 'fin-key-0001';
  const e = must(await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ vouchers: [photo, pdf] }), idempotency_key: key } }), 201);
  assert.equal(e.status, 'pending');
  assert.equal(e.amount, 12345);
  assert.equal(e.vouchers.length, 2);
  assert.equal(e.entered_by_name, '吴会计');
  assert.equal(e.can_approve, false);
  // the phone retries: the same entry, nothing new; the same key with another body is refused
  const again = must(await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ vouchers: [photo, pdf] }), idempotency_key: key } }), 200);
  assert.equal(again.id, e.id);
  assert.equal((await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ amount: 1 }), idempotency_key: key } })).status, 409);
  const list = must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&month=${M1}`, { token: B.cadre }), 200);
  assert.equal(list.total, 1);
  assert.equal(list.items[0].can_approve, true);
  // the voucher photo and the PDF come back
  const v1 = await s.api('GET', `/api/v1/finance/entries/${e.id}/vouchers/1`, { token: B.cadre });
  assert.equal(v1.status, 200);
  assert.match(v1.headers.get('content-type'), /image\/png/);
  assert.equal((await s.api('GET', `/api/v1/finance/entries/${e.id}/vouchers/3`, { token: B.cadre })).status, 404);

  // the enterer never approves their own entry; the accountant may not approve at all
  const own = await enter(B.cadre, { kind: 'income', category: '502', amount: 800000, occurred_on: `${M1}-10`, counterpart: '王建国', summary: '鱼塘承包费' });
  let r = await s.api('POST', `/api/v1/finance/entries/${own.id}/approve`, { token: B.cadre, body: {} });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /自己/);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${own.id}/approve`, { token: B.accountant, body: {} })).status, 403);
  const ok = await approve(B.cadre2, own.id);
  assert.equal(ok.status, 'approved');
  assert.equal(ok.approved_by_name, '郑书记');
  await approve(B.cadre2, own.id, 409);
  // approved: final
  assert.equal((await s.api('PATCH', `/api/v1/finance/entries/${own.id}`, { token: B.cadre, body: { amount: 1 } })).status, 409);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${own.id}/withdraw`, { token: B.cadre, body: { reason: '错了' } })).status, 409);

  // returned with a reason, corrected by the enterer (pending again), then approved
  r = await s.api('POST', `/api/v1/finance/entries/${e.id}/reject`, { token: B.cadre, body: { reason: '金额与发票不符' } });
  assert.equal(must(r, 200).status, 'rejected');
  assert.equal(r.json.reject_reason, '金额与发票不符');
  await approve(B.cadre, e.id, 409);
  const fixed = must(await s.api('PATCH', `/api/v1/finance/entries/${e.id}`, { token: B.accountant, body: { amount: 12340 } }), 200);
  assert.equal(fixed.status, 'pending');
  assert.equal(fixed.amount, 12340);
  assert.equal(fixed.vouchers.length, 2, 'vouchers kept');
  await approve(B.cadre, e.id);
  B.office = e.id;
  B.rent = own.id;

  // an open entry is withdrawn with a reason and counts nowhere
  const w = await enter(B.accountant, expense({ amount: 999, summary: '重复录入' }));
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${w.id}/withdraw`, { token: B.accountant, body: { reason: '' } })).status, 400);
  const gone = must(await s.api('POST', `/api/v1/finance/entries/${w.id}/withdraw`, { token: B.accountant, body: { reason: '与第一笔重复' } }), 200);
  assert.equal(gone.status, 'withdrawn');
  assert.equal(gone.withdraw_reason, '与第一笔重复');
  await approve(B.cadre, w.id, 409);
});

test('the statement adds up to the 分; published as the month’s 财务 disclosure; the month is frozen', async () => {
  // more entries in M1 (a subsidy, the 干部报酬, a repair) and one in M2
  const sub = await enter(B.accountant, { kind: 'income', category: '504', amount: 5000001, occurred_on: `${M1}-12`, counterpart: '青川县财政局', summary: '村级组织运转经费补助' });
  const pay = await enter(B.accountant, { kind: 'expense', category: '55001', amount: 360033, occurred_on: `${M1}-25`, counterpart: '村两委干部', summary: '干部报酬' });
  const road = await enter(B.accountant, { kind: 'expense', category: '551', amount: 1234567, occurred_on: `${M1}-28`, counterpart: '石桥村施工队', summary: '村道修补' });
  const late = await enter(B.accountant, { kind: 'income', category: '505', amount: 77, occurred_on: `${M2}-03`, counterpart: '银行', summary: '存款利息' });
  let d = await month(B.cadre, M1);
  assert.equal(d.status, 'draft');
  assert.equal(d.pending, 3);
  assert.equal(d.can_publish, false);
  assert.match(d.blocker, /未审核/);
  // months are published in order, with nothing left unapproved, once ended
  let r = await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: M2 } });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, new RegExp(`请先公开 ${M1}`));
  r = await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: M1 } });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /未审核/);
  r = await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: M0 } });
  assert.equal(r.status, 409);
  for (const e of [sub, pay, road]) await approve(B.cadre, e.id);
  d = await month(B.cadre, M1);
  assert.equal(d.can_publish, true, JSON.stringify(d));
  assert.equal(d.opening, 0);
  assert.equal(d.income, 800000 + 5000001);
  assert.equal(d.expense, 12340 + 360033 + 1234567);
  assert.equal(d.closing, 800000 + 5000001 - 12340 - 360033 - 1234567);
  checkSums(d);
  assert.equal(d.lines.find((l) => l.name === '管理费用').amount, 12340 + 360033);
  // the accountant may not publish; the cadre publishes
  assert.equal((await s.api('POST', '/api/v1/finance/statements', { token: B.accountant, body: { village_id: B.village, month: M1 } })).status, 403);
  const st = must(await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: M1 } }), 201);
  assert.equal(st.status, 'published');
  assert.equal(st.closing, d.closing);
  assert.equal(st.entries, 5);
  checkSums(st);
  assert.ok(st.disclosure_id);
  const disc = must(await s.api('GET', `/api/v1/disclosures/${st.disclosure_id}`, { token: B.cadre }), 200);
  assert.equal(disc.kind, 'finance');
  assert.equal(disc.period, M1);
  assert.equal(disc.statement_id, st.id);
  assert.match(disc.body, /期末余额/);
  assert.equal((await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: M1 } })).status, 409);
  B.statement = st;

  // frozen: no entry dated in M1 (or before); the message says what to do
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ occurred_on: `${M1}-20` }) } });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /已公开/);
  assert.match(r.json.error.message, /下个月.*更正.*理由/);
  assert.equal((await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ occurred_on: `${monthBefore(M1, 1)}-20` }) } })).status, 409);
  // an open entry cannot be moved into it
  assert.equal((await s.api('PATCH', `/api/v1/finance/entries/${late.id}`, { token: B.accountant, body: { occurred_on: `${M1}-30`.replace(/-3\d$/, '-15') } })).status, 409);
  const frozenOne = must(await s.api('GET', `/api/v1/finance/entries/${road.id}`, { token: B.cadre }), 200);
  assert.equal(frozenOne.frozen, true);

  // a correction in the next month: names the approved entry, gives a reason, may be negative
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, kind: 'expense', category: '551', amount: -34567, occurred_on: `${M2}-06`, counterpart: '石桥村施工队', summary: '冲减多记的修路款', corrects_id: road.id } });
  assert.equal(r.status, 400);
  assert.deepEqual(fields(r), ['reason']);
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, kind: 'income', category: '505', amount: 5, occurred_on: `${M2}-06`, counterpart: 'x', summary: 'x', corrects_id: late.id, reason: 'x' } });
  assert.deepEqual(fields(r), ['corrects_id'], 'only approved entries are corrected');
  assert.equal(Object.keys((await enter(B.accountant, { kind: 'expense', category: '551', amount: -1, occurred_on: `${M2}-06`, counterpart: 'x', summary: 'x' }, 400)).error.fields)[0], 'amount');
  const corr = await enter(B.accountant, { kind: 'expense', category: '551', amount: -34567, occurred_on: `${M2}-06`, counterpart: '石桥村施工队', summary: '冲减多记的修路款', corrects_id: road.id, reason: '发票金额为 12000.00 元，多记 345.67 元' });
  assert.equal(corr.corrects_id, road.id);
  await approve(B.cadre2, corr.id);
  await approve(B.cadre, late.id);
  assert.equal(must(await s.api('GET', `/api/v1/finance/entries/${road.id}`, { token: B.cadre }), 200).corrected_by_id, corr.id);
  const st2 = must(await s.api('POST', '/api/v1/finance/statements', { token: B.cadre2, body: { village_id: B.village, month: M2 } }), 201);
  assert.equal(st2.opening, st.closing, 'opening = last month’s closing');
  assert.equal(st2.income, 77);
  assert.equal(st2.expense, -34567);
  assert.equal(st2.closing, st.closing + 77 + 34567);
  checkSums(st2);
  // the published statement is what it was when published
  assert.deepEqual(must(await s.api('GET', `/api/v1/finance/statements/${st.id}`, { token: B.cadre }), 200).lines, st.lines);
  const all = must(await s.api('GET', `/api/v1/finance/statements?village_id=${B.village}`, { token: town.official }), 200).items;
  assert.deepEqual(all.map((x) => x.month), [M2, M1]);
});

test('the shop’s stock-in paid from 集体经济 appears once as an expense', async () => {
  const shop = must(await s.api('POST', '/api/v1/shops', { token: B.cadre, body: { unit_id: B.village, name: '石桥村积分超市' } }), 201);
  const g = must(await s.api('POST', `/api/v1/shops/${shop.id}/goods`, { token: B.cadre, body: { name: '洗衣液', unit: '瓶', price_points: 50, category: '日用' } }), 201);
  const receipt = await upload(B.cadre, pngPixel(200, 10, 10), 'image/png');
  must(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, { token: B.cadre, body: { supplier: '县供销社', quantity: 24, unit_cost: 1290, funding: '集体经济', photo_hash: receipt } }), 201);
  must(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, { token: B.cadre, body: { supplier: '爱心企业', quantity: 10, unit_cost: 1000, funding: '捐赠' } }), 201);
  const fromShop = async () => must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&month=${M0}`, { token: B.accountant }), 200).items.filter((e) => e.shop_move_id);
  let es = await fromShop();
  assert.equal(es.length, 1, 'the donation moves no collective money');
  assert.equal(es[0].amount, 24 * 1290);
  assert.equal(es[0].category, '541');
  assert.equal(es[0].kind, 'expense');
  assert.equal(es[0].occurred_on, today);
  assert.equal(es[0].vouchers.length, 1, 'the purchase receipt is its voucher');
  assert.equal(es[0].entered_by_name, '周主任');
  // read again, by others, through the draft: still one
  await month(B.cadre2, M0);
  es = await fromShop();
  assert.equal(es.length, 1);
  // it cannot be edited or withdrawn, and whoever recorded the stock-in does not approve it
  assert.equal((await s.api('PATCH', `/api/v1/finance/entries/${es[0].id}`, { token: B.accountant, body: { amount: 1 } })).status, 409);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${es[0].id}/withdraw`, { token: B.accountant, body: { reason: '不要' } })).status, 409);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${es[0].id}/approve`, { token: B.cadre, body: {} })).status, 403);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${es[0].id}/reject`, { token: B.cadre2, body: { reason: '不对' } })).status, 409);
  await approve(B.cadre2, es[0].id);
  const d = await month(B.cadre, M0);
  assert.equal(d.lines.find((l) => l.code === '541').amount, 24 * 1290);
  assert.equal(d.lines.find((l) => l.code === '541').entries, 1);
  assert.equal(d.opening, B.statement.closing + 77 + 34567);
  checkSums(d);
  // a second stock-in: one more entry, the first not repeated
  must(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, { token: B.cadre, body: { supplier: '县供销社', quantity: 1, unit_cost: 1290, funding: '集体经济' } }), 201);
  // several readers at the same moment bring it in once
  const rs = await Promise.all([B.accountant, B.cadre, B.cadre2, B.accountant].map((token) => s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&month=${M0}`, { token })));
  for (const r of rs) assert.equal(r.status, 200, r.text);
  es = await fromShop();
  assert.equal(es.length, 2);
  assert.equal(new Set(es.map((e) => e.shop_move_id)).size, 2);
});

test('reading the accounts writes nothing: the stock-in paid from 集体经济 is entered with the stock-in itself', async () => {
  const shop = must(await s.api('GET', `/api/v1/shops?village_id=${B.village}`, { token: B.cadre }), 200).items.find((x) => x.name === '石桥村积分超市');
  assert.ok(shop, 'the village shop of the test above');
  const g = must(await s.api('POST', `/api/v1/shops/${shop.id}/goods`, { token: B.cadre, body: { name: '食用油', unit: '桶', price_points: 120, category: '粮油' } }), 201);
  const audit = async () => must(await s.api('GET', `/api/v1/audit?unit_id=${B.village}&limit=1`, { token: B.cadre }), 200).total;
  const a0 = await audit();
  const move = must(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, { token: B.cadre, body: { supplier: '县粮油公司', quantity: 5, unit_cost: 5990, funding: '集体经济' } }), 201).move_id;
  const a1 = await audit();
  assert.equal(a1, a0 + 2, 'the stock-in and its expense entry, in one change');
  // every read of the accounts, by everyone who may read or enter them: nothing written
  for (const token of [B.accountant, B.cadre, B.cadre2]) {
    const es = must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&month=${M0}`, { token }), 200).items;
    assert.equal(es.filter((e) => e.shop_move_id === move).length, 1);
    await month(token, M0);
    must(await s.api('GET', `/api/v1/finance/statements?village_id=${B.village}`, { token }), 200);
  }
  assert.equal(await audit(), a1, 'no audit entry from a read');
  const es = must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&month=${M0}&status=pending`, { token: B.accountant }), 200);
  const e = es.items.find((x) => x.shop_move_id === move);
  assert.equal(e.amount, 5 * 5990);
  assert.equal(e.entered_by_name, '周主任');
  await approve(B.cadre2, e.id);
});

test('who may do what: 404 outside scope, 403 visible but not allowed', async () => {
  const e = await enter(B.accountant, expense({ occurred_on: today, amount: 500 }));
  const paths = [
    ['GET', `/api/v1/finance/entries?village_id=${B.village}`],
    ['GET', `/api/v1/finance/entries/${e.id}`],
    ['GET', `/api/v1/finance/month?village_id=${B.village}&month=${M0}`],
    ['GET', `/api/v1/finance/statements/${B.statement.id}`],
    ['GET', `/api/v1/finance/entries-export.xlsx?village_id=${B.village}`],
  ];
  for (const [m, p] of paths) {
    for (const t of [town.official, inspector, county.admin]) assert.equal((await s.api(m, p, { token: t })).status, 200, p);
    for (const t of [A.cadre, A.villager, grid]) assert.equal((await s.api(m, p, { token: t })).status, 404, p);
  }
  // town, county and inspectors read only
  for (const t of [town.official, inspector, county.admin]) {
    assert.equal((await s.api('POST', '/api/v1/finance/entries', { token: t, body: { village_id: B.village, ...expense({ occurred_on: today }) } })).status, 403);
    assert.equal((await s.api('POST', `/api/v1/finance/entries/${e.id}/approve`, { token: t, body: {} })).status, 403);
    assert.equal((await s.api('POST', `/api/v1/finance/entries/${e.id}/reject`, { token: t, body: { reason: 'x' } })).status, 403);
    assert.equal((await s.api('PATCH', `/api/v1/finance/entries/${e.id}`, { token: t, body: { amount: 5 } })).status, 403);
    assert.equal((await s.api('POST', `/api/v1/finance/entries/${e.id}/withdraw`, { token: t, body: { reason: 'x' } })).status, 403);
  }
  // a cadre of another village: as if B did not exist
  assert.equal((await s.api('POST', '/api/v1/finance/entries', { token: A.cadre, body: { village_id: B.village, ...expense({ occurred_on: today }) } })).status, 404);
  assert.equal((await s.api('POST', `/api/v1/finance/entries/${e.id}/approve`, { token: A.cadre, body: {} })).status, 404);
  assert.equal((await s.api('POST', '/api/v1/finance/statements', { token: A.cadre, body: { village_id: B.village, month: M0 } })).status, 404);
  // a villager reads the published statements of their own village only, never the entries
  assert.equal((await s.api('GET', `/api/v1/finance/entries?village_id=${A.village}`, { token: A.villager })).status, 403);
  must(await s.api('GET', '/api/v1/finance/statements', { token: A.villager }), 200);
  assert.equal((await s.api('GET', `/api/v1/finance/statements?village_id=${B.village}`, { token: A.villager })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/finance/month?village_id=${A.village}&month=${M0}`, { token: A.villager })).status, 404, 'no drafts for villagers');
  assert.equal((await s.api('GET', `/api/v1/finance/entries-export.xlsx?village_id=${A.village}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/finance/statements-export.xlsx?village_id=${A.village}`, { token: A.villager })).status, 403);
  assert.equal((await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}`)).status, 401);
});

test('bad input for every endpoint: every field error at once, in Chinese, nothing changed', async () => {
  const before = must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&limit=1`, { token: B.cadre }), 200).total;
  let r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, kind: 'gift', category: '999', amount: 0, occurred_on: '2026-13-01', counterpart: '', summary: 'x'.repeat(201), vouchers: ['abc'], colour: 'red' } });
  assert.equal(r.status, 400);
  assert.deepEqual(fields(r), ['amount', 'category', 'colour', 'counterpart', 'kind', 'occurred_on', 'summary', 'vouchers']);
  for (const m of Object.values(r.json.error.fields)) assert.match(String(m), /[\u4e00-\u9fa5]/);
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, kind: 'expense', category: '550', amount: 1, occurred_on: '2099-01-01', counterpart: '   ', summary: 'x' } });
  assert.deepEqual(fields(r), ['category', 'counterpart', 'occurred_on']);
  assert.match(String(r.json.error.fields.category), /明细科目/);
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, kind: 'income', category: '551', amount: 1, occurred_on: today, counterpart: 'x', summary: 'x' } });
  assert.deepEqual(fields(r), ['category']);
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: A.village + 100000, kind: 'income', category: '501', amount: 1, occurred_on: today, counterpart: 'x', summary: 'x' } });
  assert.deepEqual(fields(r), ['village_id']);
  r = await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ occurred_on: today }), idempotency_key: 'bad key!' } });
  assert.equal(r.status, 400);
  // a photo someone else uploaded is not a voucher of mine
  const theirs = await upload(B.cadre, pngPixel(1, 2, 3), 'image/png');
  assert.deepEqual(fields(await s.api('POST', '/api/v1/finance/entries', { token: B.accountant, body: { village_id: B.village, ...expense({ occurred_on: today, vouchers: [theirs] }) } })), ['vouchers']);
  assert.equal(must(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&limit=1`, { token: B.cadre }), 200).total, before, 'nothing entered');

  const e = await enter(B.accountant, expense({ occurred_on: today, amount: 300 }));
  r = await s.api('PATCH', `/api/v1/finance/entries/${e.id}`, { token: B.accountant, body: { amount: 0, category: 'x', counterpart: '', extra: 1 } });
  assert.deepEqual(fields(r), ['amount', 'category', 'counterpart', 'extra']);
  assert.equal((await s.api('PATCH', `/api/v1/finance/entries/${e.id}`, { token: B.accountant, body: {} })).status, 400);
  assert.deepEqual(fields(await s.api('POST', `/api/v1/finance/entries/${e.id}/reject`, { token: B.cadre, body: { reason: '  ' } })), ['reason']);
  assert.deepEqual(fields(await s.api('POST', `/api/v1/finance/entries/${e.id}/approve`, { token: B.cadre, body: { note: 'x' } })), ['note']);
  assert.deepEqual(fields(await s.api('POST', `/api/v1/finance/entries/${e.id}/withdraw`, { token: B.accountant, body: { reason: 'x'.repeat(201) } })), ['reason']);
  assert.equal(must(await s.api('GET', `/api/v1/finance/entries/${e.id}`, { token: B.cadre }), 200).status, 'pending');
  assert.equal((await s.api('GET', '/api/v1/finance/entries/999999', { token: B.cadre })).status, 404);
  assert.equal((await s.api('POST', '/api/v1/finance/entries/999999/approve', { token: B.cadre, body: {} })).status, 404);
  assert.deepEqual(fields(await s.api('GET', `/api/v1/finance/entries?village_id=${B.village}&status=lost&kind=gift&month=2026-1`, { token: B.cadre })), ['kind', 'month', 'status']);
  assert.deepEqual(fields(await s.api('GET', '/api/v1/finance/entries', { token: B.cadre })), ['village_id']);
  assert.deepEqual(fields(await s.api('GET', `/api/v1/finance/month?village_id=${B.village}&month=26-01`, { token: B.cadre })), ['month']);
  assert.deepEqual(fields(await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: B.village, month: '2026/01', x: 1 } })), ['month', 'x']);
  assert.deepEqual(fields(await s.api('POST', '/api/v1/finance/statements', { token: B.cadre, body: { village_id: town.id, month: M0 } })), ['village_id']);
  assert.equal((await s.api('GET', `/api/v1/finance/statements?village_id=${B.village}&year=1999`, { token: B.cadre })).status, 400);
  assert.equal((await s.api('GET', '/api/v1/finance/statements/999999', { token: B.cadre })).status, 404);
  assert.equal((await s.api('GET', `/api/v1/finance/entries-export.xlsx?village_id=${B.village}&from=2026-02-30`, { token: B.cadre })).status, 400);
});

test('XLSX exports of entries and statements for the village accountant', async () => {
  const x = await s.api('GET', `/api/v1/finance/entries-export.xlsx?village_id=${B.village}`, { token: B.accountant });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.equal(x.body.slice(0, 2).toString(), 'PK');
  const y = await s.api('GET', `/api/v1/finance/statements-export.xlsx?village_id=${B.village}`, { token: B.accountant });
  assert.equal(y.status, 200);
  assert.match(decodeURIComponent(y.headers.get('content-disposition')), /石桥村财务月报/);
});

test('every change is on the village’s audit chain', async () => {
  const r = must(await s.api('GET', `/api/v1/audit?unit_id=${B.village}&limit=200`, { token: B.cadre }), 200);
  const acts = new Set(r.items.filter((i) => i.object_type.startsWith('finance')).map((i) => i.action));
  for (const a of ['enter', 'correct', 'approve', 'reject', 'withdraw', 'enter_from_shop', 'publish', 'disclose']) assert.ok(acts.has(a), a);
});

// A correction of an entry that waits for its turn (another process's lock) reads the
// entry once it has it: the summary written meanwhile stays when the amount is corrected.
test('a change of an entry waiting for its turn keeps what was written meanwhile', async () => {
  const e = await enter(B.accountant, expense({ occurred_on: today, summary: '扫帚和簸箕' }));
  const r = must(await behindWrite(s, 'UPDATE finance_entries SET summary = ? WHERE id = ?', ['扫帚、簸箕和垃圾袋', e.id],
    () => s.api('PATCH', `/api/v1/finance/entries/${e.id}`, { token: B.accountant, body: { amount: 23456 } })), 200);
  assert.equal(r.amount, 23456);
  assert.equal(r.summary, '扫帚、簸箕和垃圾袋', 'the summary written meanwhile stays');
});

test('cunzhi verify checks every published statement against its entries, and finds one changed under it (exit 3)', async () => {
  const stopped = await s.stop();
  assert.equal(stopped.code, 0);
  const ok = s.cli(['verify']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /finance: ok, [1-9]\d* published statements of [1-9]\d* entries add up/);
  // an approved entry of a published (frozen) month changed behind the server's back
  const sql = `UPDATE finance_entries SET amount = amount + 1 WHERE id = (SELECT min(e.id) FROM finance_entries e
    JOIN finance_statements st ON st.village_id = e.village_id AND st.month = substr(e.occurred_on, 1, 7) WHERE e.status = 'approved')`;
  if (s.db) execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', s.db, '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  else execFileSync('sqlite3', [path.join(s.data, 'cunzhi.db'), sql], { stdio: ['ignore', 'ignore', 'pipe'] });
  const v = s.cli(['verify']);
  assert.equal(v.code, 3, v.stdout + v.stderr);
  assert.match(v.stdout, /finance: BROKEN in village \d+, month \d{4}-\d{2}: 已公开的.*与账目合计不符/);
});
