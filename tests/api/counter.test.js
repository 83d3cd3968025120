// The shop counter 积分超市收银: redemption by the villager's phone code with a receipt,
// retries by idempotency key and returns; printed household cards with a PIN (wrong
// PINs throttled, a reissued card's old code refused, the QR images decode with
// zbarimg); forged and expired codes refused; pre-orders collected, lapsed and
// cancelled; and under concurrency, points and stock never overdrawn and a retried
// confirmation charged once. At the end `cunzhi verify` passes.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('./lib');

const DAY = 86400;

let s;
let village;             // the demo village (青山村)
let villager;            // the demo villager: {household_id}
let shop;                // the village's shop: {id, preorder_hours, return_days}
let others = [];         // other households of the village
const goods = {};        // name → good (this test's goods)

const json = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

const key = () => crypto.randomUUID();

// Sessions last 7 days of server time: log in again after moving the clock far.
let moved = 0;
async function clock(advance) {
  const r = await s.advance(advance);
  moved += advance;
  if (moved > 4 * DAY) {
    s.tokens.clear();
    moved = 0;
  }
  return r;
}
const as = (role) => s.as(role);

function zbar(buf) {
  const file = path.join(os.tmpdir(), `cunzhi-card-${process.pid}-${Date.now()}.png`);
  fs.writeFileSync(file, buf);
  try {
    const r = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
    return (r.stdout || '').trim();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function luhnOk(no) {
  let sum = 0;
  for (let i = 0; i < no.length; i++) {
    let d = Number(no[no.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// ---- the shop and its goods (the shop module's API) ----

// The demo shop of the village (shop_seed_demo).
async function findShop() {
  const r = json(await s.api('GET', `/api/v1/shops?village_id=${village}`, { token: await as('clerk') }), 200);
  const found = r.items.find((x) => x.unit_id === village);
  assert.ok(found, `the demo shop of the village: ${JSON.stringify(r)}`);
  return found;
}

// A new good of the shop with stock: {id, name, price_points, …}.
async function makeGoods(name, { price, stock, limit_count = 0, limit_period = null, unit = '个' }) {
  const clerk = await as('clerk');
  const body = { name, category: '日用品', unit, price_points: price, limit_count };
  if (limit_period) body.limit_period = limit_period;
  const g = json(await s.api('POST', `/api/v1/shops/${shop.id}/goods`, { token: clerk, body }), 201);
  if (stock) {
    json(await s.api('POST', `/api/v1/goods/${g.id}/stock-in`, {
      token: clerk, body: { quantity: stock, unit_cost: 500, funding: '集体经济', supplier: '村供销社' },
    }), 201);
  }
  goods[name] = g;
  return g;
}

async function stockOf(id) {
  return json(await s.api('GET', `/api/v1/goods/${id}`, { token: await as('clerk') }), 200).stock;
}

// ---- points ----

async function today() {
  return (await clock(0)).now.slice(0, 10);
}

// Awards 见义勇为 (20 points, no cap) `times` times to households and credits them.
async function givePoints(householdIds, times = 1) {
  const cadre = await as('cadre');
  const rules = json(await s.api('GET', `/api/v1/units/${village}/rules?limit=200`, { token: cadre }), 200).items;
  const rule = rules.find((r) => r.name === '见义勇为' && r.in_force !== false);
  assert.ok(rule, 'the rule 见义勇为');
  const on = await today();
  for (let i = 0; i < times; i++) {
    json(await s.api('POST', '/api/v1/awards', {
      token: cadre, body: { rule_id: rule.id, household_ids: householdIds, occurred_on: on, note: '测试加分' },
    }), 201);
  }
  await clock(3 * DAY + 1);
}

// The villager's current phone code.
async function phoneCode() {
  return json(await s.api('GET', `/api/v1/households/${villager.household_id}/code`, { token: await as('villager') }), 200).code;
}

async function lookup(code, pin) {
  const body = { shop_id: shop.id, code };
  if (pin !== undefined) body.pin = pin;
  return s.api('POST', '/api/v1/counter/lookup', { token: await as('clerk'), body });
}

async function redeem(code, items, { pin, k = key(), token } = {}) {
  const body = { shop_id: shop.id, code, items, idempotency_key: k };
  if (pin !== undefined) body.pin = pin;
  return s.api('POST', '/api/v1/counter/redeem', { token: token || await as('clerk'), body });
}

// Spendable points of a household with an active card, through the counter.
const cards = new Map();  // household id → {card, pin}
async function lookupBalance(householdId) {
  if (householdId === villager.household_id) return json(await lookup(await phoneCode()), 200).spendable;
  const c = cards.get(householdId);
  return json(await lookup(c.card.token, c.pin), 200).spendable;
}

async function issueCard(householdId, pin) {
  const card = json(await s.api('POST', `/api/v1/households/${householdId}/cards`, { token: await as('cadre'), body: { pin } }), 201);
  cards.set(householdId, { card, pin });
  return card;
}

before(async () => {
  s = await startServer();
  const cadre = await as('cadre');
  const me = json(await s.api('GET', '/api/v1/session', { token: cadre }), 200);
  village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const vme = json(await s.api('GET', '/api/v1/session', { token: await as('villager') }), 200);
  villager = { household_id: vme.household_id };
  const hs = json(await s.api('GET', `/api/v1/households?village_id=${village}&limit=20`, { token: cadre }), 200).items;
  others = hs.map((h) => h.id).filter((id) => id !== villager.household_id);
  assert.ok(others.length >= 4, 'four other households');
  shop = await findShop();
  await makeGoods('测试洗衣液', { price: 10, stock: 20, limit_count: 2, limit_period: 'month', unit: '瓶' });
  await makeGoods('测试酱油', { price: 5, stock: 30, unit: '瓶' });
  // the villager's household, and the first other one (for cards), get 100 points
  await givePoints([villager.household_id, others[0]], 5);
});
after(async () => { if (s) await s.close(); });

test('phone code: lookup, redeem, receipt, retry by key, limits, return', async () => {
  const soap = goods['测试洗衣液'];
  const sauce = goods['测试酱油'];
  const code = await phoneCode();
  const l = json(await lookup(code), 200);
  assert.equal(l.household.id, villager.household_id);
  assert.equal(l.via, 'phone');
  assert.equal(l.card_no, null);
  assert.match(l.household.masked_name, /\*/);
  assert.equal(l.spendable, 100);
  assert.equal(l.shop.open, true);
  const gl = l.goods.find((g) => g.id === soap.id);
  assert.equal(gl.remaining, 2);
  assert.equal(gl.stock, 20);
  assert.equal(l.goods.find((g) => g.id === sauce.id).remaining, null);

  const k = key();
  const stockBefore = await stockOf(soap.id);
  const r1 = json(await redeem(code, [{ goods_id: soap.id, quantity: 2 }, { goods_id: sauce.id, quantity: 1 }], { k }), 201);
  assert.equal(r1.kind, 'sale');
  assert.equal(r1.total_points, 25);
  assert.equal(r1.spendable_after, 75);
  assert.equal(r1.replayed, false);
  assert.match(r1.number, new RegExp(`^${shop.id}-\\d{8}-\\d{6}$`));
  assert.equal(r1.lines.length, 2);
  assert.ok(r1.ledger_id > 0);
  assert.equal(await stockOf(soap.id), stockBefore - 2);

  // the same confirmation again: the first receipt, no second charge
  const again = json(await redeem(code, [{ goods_id: sauce.id, quantity: 1 }, { goods_id: soap.id, quantity: 2 }], { k }), 200);
  assert.equal(again.id, r1.id);
  assert.equal(again.number, r1.number);
  assert.equal(again.replayed, true);
  assert.equal(again.spendable_after, 75);
  assert.equal(await stockOf(soap.id), stockBefore - 2);
  // the same key for another cart is refused
  const other = await redeem(code, [{ goods_id: sauce.id, quantity: 3 }], { k });
  assert.equal(other.status, 409, other.text);
  assert.match(other.json.error.message, /幂等键/);

  // the code paid once: the phone's screen, copied, cannot pay again; the phone shows a fresh code
  const copied = await lookup(code);
  assert.equal(copied.status, 400, copied.text);
  assert.match(copied.json.error.fields.code, /已经用过/);
  const spent = await redeem(code, [{ goods_id: sauce.id, quantity: 1 }]);
  assert.equal(spent.status, 400, spent.text);
  assert.match(spent.json.error.fields.code, /已经用过/);
  const fresh = await phoneCode();
  assert.notEqual(fresh, code);

  // the limit (2 per month) is used up
  const over = await redeem(fresh, [{ goods_id: soap.id, quantity: 1 }]);
  assert.equal(over.status, 409, over.text);
  assert.match(over.json.error.message, /每户每月限兑 2 瓶/);
  assert.equal(json(await lookup(fresh), 200).goods.find((g) => g.id === soap.id).remaining, 0);

  // the villager reads the receipt and their list; another household's villager cannot
  const mine = json(await s.api('GET', `/api/v1/receipts/${r1.id}`, { token: await as('villager') }), 200);
  assert.equal(mine.number, r1.number);
  const list = json(await s.api('GET', `/api/v1/households/${villager.household_id}/receipts`, { token: await as('villager') }), 200);
  assert.ok(list.items.some((x) => x.id === r1.id));
  const notMine = await s.api('GET', `/api/v1/households/${others[0]}/receipts`, { token: await as('villager') });
  assert.equal(notMine.status, 404);

  // a return of one bottle: points and stock back, linked to the sale
  const rk = key();
  const ret = json(await s.api('POST', '/api/v1/counter/returns', {
    token: await as('clerk'), body: { receipt_id: r1.id, items: [{ goods_id: soap.id, quantity: 1 }], reason: '包装破损', idempotency_key: rk },
  }), 201);
  assert.equal(ret.kind, 'return');
  assert.equal(ret.original_id, r1.id);
  assert.equal(ret.original_number, r1.number);
  assert.equal(ret.total_points, 10);
  assert.equal(ret.spendable_after, 85);
  assert.equal(await stockOf(soap.id), stockBefore - 1);
  const retAgain = json(await s.api('POST', '/api/v1/counter/returns', {
    token: await as('clerk'), body: { receipt_id: r1.id, items: [{ goods_id: soap.id, quantity: 1 }], reason: '包装破损', idempotency_key: rk },
  }), 200);
  assert.equal(retAgain.id, ret.id);
  const tooMany = await s.api('POST', '/api/v1/counter/returns', {
    token: await as('clerk'), body: { receipt_id: r1.id, items: [{ goods_id: soap.id, quantity: 2 }], reason: '不要了', idempotency_key: key() },
  });
  assert.equal(tooMany.status, 400, tooMany.text);
  assert.match(tooMany.json.error.fields['items[0].quantity'], /最多还可退 1/);
  const sale = json(await s.api('GET', `/api/v1/receipts/${r1.id}`, { token: await as('clerk') }), 200);
  assert.deepEqual(sale.return_ids, [ret.id]);
  assert.equal(sale.lines.find((x) => x.goods_id === soap.id).returned, 1);

  // the returned bottle no longer counts against the limit
  assert.equal(json(await lookup(fresh), 200).goods.find((g) => g.id === soap.id).remaining, 1);
  json(await redeem(fresh, [{ goods_id: soap.id, quantity: 1 }]), 201);

  // the ledger shows the redemption and the return
  const ledger = json(await s.api('GET', `/api/v1/households/${villager.household_id}/ledger?limit=10`, { token: await as('villager') }), 200);
  assert.ok(ledger.items.some((e) => e.source === 'redemption' && e.spendable === -25 && e.honour === 0));
  assert.ok(ledger.items.some((e) => e.source === 'return' && e.spendable === 10 && e.honour === 0));
});

test('bad input, permissions and codes: forged, expired, spent by a sale', async () => {
  const sauce = goods['测试酱油'];
  const bad = await s.api('POST', '/api/v1/counter/redeem', {
    token: await as('clerk'),
    body: { shop_id: shop.id, code: '', items: [{ goods_id: sauce.id, quantity: 0 }, { goods_id: 'x' }, 7], idempotency_key: 'short', extra: 1 },
  });
  assert.equal(bad.status, 400, bad.text);
  for (const f of ['code', 'items[0].quantity', 'items[1].goods_id', 'items[1].quantity', 'items[2]', 'extra', 'idempotency_key']) {
    assert.ok(bad.json.error.fields[f], `${f}: ${bad.text}`);
  }
  assert.match(bad.json.error.fields.idempotency_key, /8 到 64 位/);
  const badKey = await redeem(await phoneCode(), [{ goods_id: sauce.id, quantity: 1 }], { k: 'has space!' });
  assert.equal(badKey.status, 400);
  assert.match(badKey.json.error.fields.idempotency_key, /字母、数字或连字符/);
  const dup = await redeem(await phoneCode(), [{ goods_id: sauce.id, quantity: 1 }, { goods_id: sauce.id, quantity: 2 }]);
  assert.equal(dup.status, 400);
  assert.ok(dup.json.error.fields['items[1].goods_id']);
  const missing = await redeem(await phoneCode(), [{ goods_id: 999999, quantity: 1 }]);
  assert.equal(missing.status, 400);
  assert.match(missing.json.error.fields['items[0].goods_id'], /没有这种商品/);

  // the villager, a grid worker and the inspector are not clerks
  for (const role of ['villager', 'grid_worker', 'inspector']) {
    const r = await redeem(await phoneCode(), [{ goods_id: sauce.id, quantity: 1 }], { token: await as(role) });
    assert.equal(r.status, 403, `${role}: ${r.text}`);
  }

  const code = await phoneCode();
  const parts = code.split('.');
  const flip = (c) => (c === '0' ? '1' : '0');
  const forged = [
    [parts[0], parts[1], parts[2], flip(parts[3][0]) + parts[3].slice(1)].join('.'),          // mac changed
    [parts[0], String(others[0]), parts[2], parts[3]].join('.'),                              // another household
    [parts[0], parts[1], String(Number(parts[2]) + 60), parts[3]].join('.'),                  // later expiry
    ['A1', parts[1], parts[2], parts[3]].join('.'),                                           // another kind
    'H1.garbage',
    'not a code',
  ];
  for (const f of forged) {
    const r = await lookup(f);
    assert.equal(r.status, 400, `${f}: ${r.text}`);
    assert.match(r.json.error.fields.code, /无效|无法识别/, f);
  }
  // the code may be looked up again within its lifetime, and pays for one sale …
  json(await lookup(code), 200);
  json(await lookup(code), 200);
  const kk = key();
  const first = json(await redeem(code, [{ goods_id: sauce.id, quantity: 1 }], { k: kk }), 201);
  const second = await redeem(code, [{ goods_id: sauce.id, quantity: 1 }]);
  assert.equal(second.status, 400, second.text);
  assert.match(second.json.error.fields.code, /已经用过/);
  json(await redeem(await phoneCode(), [{ goods_id: sauce.id, quantity: 1 }]), 201);
  // … and is refused once expired, even as a replay of a real code; but a retried
  // confirmation still answers with its receipt
  await clock(301);
  const retried = json(await redeem(code, [{ goods_id: sauce.id, quantity: 1 }], { k: kk }), 200);
  assert.equal(retried.id, first.id);
  const old = await lookup(code);
  assert.equal(old.status, 400);
  assert.match(old.json.error.fields.code, /已过期/);
  const oldRedeem = await redeem(code, [{ goods_id: sauce.id, quantity: 1 }]);
  assert.equal(oldRedeem.status, 400);
  assert.match(oldRedeem.json.error.fields.code, /已过期/);
});

test('printed card: issue, QR decodes, PIN throttled, reissue refuses the old card', async () => {
  const hh = others[0];
  const sauce = goods['测试酱油'];
  const refused = await s.api('POST', `/api/v1/households/${hh}/cards`, { token: await as('villager'), body: { pin: '2580' } });
  assert.equal(refused.status, 404, refused.text);
  const badPin = await s.api('POST', `/api/v1/households/${hh}/cards`, { token: await as('cadre'), body: { pin: '12a' } });
  assert.equal(badPin.status, 400);
  assert.match(badPin.json.error.fields.pin, /4 到 6 位数字/);

  const card = await issueCard(hh, '2580');
  assert.match(card.card_no, /^[1-9]\d{11}$/);
  assert.ok(luhnOk(card.card_no), card.card_no);
  assert.equal(card.status, 'active');
  assert.match(card.token, new RegExp(`^C1\\.${card.card_no}\\.\\d+\\.[0-9a-f]{32}$`));

  // the printed QR decodes to the card's token
  const png = await s.api('GET', card.qr_png, { token: await as('clerk') });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal(zbar(png.body), card.token);
  const svg = await s.api('GET', card.qr_svg, { token: await as('clerk') });
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
  assert.match(svg.text, /<svg/);

  // by QR or typed number, with the PIN
  const byQr = json(await lookup(card.token, '2580'), 200);
  assert.equal(byQr.household.id, hh);
  assert.equal(byQr.via, 'card');
  assert.equal(byQr.card_no, card.card_no);
  const spaced = card.card_no.replace(/(\d{4})(?=\d)/g, '$1 ');
  assert.equal(json(await lookup(spaced, '2580'), 200).household.id, hh);
  const noPin = await lookup(card.token);
  assert.equal(noPin.status, 400);
  assert.match(noPin.json.error.fields.pin, /请输入户卡密码/);
  const wrongDigit = card.card_no.slice(0, 11) + String((Number(card.card_no[11]) + 1) % 10);
  const typo = await lookup(wrongDigit, '2580');
  assert.equal(typo.status, 400);
  assert.match(typo.json.error.fields.code, /卡号有误/);

  const r = json(await redeem(card.token, [{ goods_id: sauce.id, quantity: 2 }], { pin: '2580' }), 201);
  assert.equal(r.household_id, hh);
  assert.equal(r.total_points, 10);

  // four wrong PINs say how many tries are left, the fifth locks the card
  for (let i = 1; i <= 4; i++) {
    const w = await lookup(card.card_no, '0000');
    assert.equal(w.status, 400, w.text);
    assert.match(w.json.error.fields.pin, new RegExp(`还可再试 ${5 - i} 次`));
  }
  const locked = await lookup(card.card_no, '0000');
  assert.equal(locked.status, 429, locked.text);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  const stillLocked = await redeem(card.token, [{ goods_id: sauce.id, quantity: 1 }], { pin: '2580' });
  assert.equal(stillLocked.status, 429);
  await clock(15 * 60 + 1);
  json(await lookup(card.card_no, '2580'), 200);

  // reissuing revokes the old card: its QR and number are refused
  const card2 = await issueCard(hh, '654321');
  assert.notEqual(card2.card_no, card.card_no);
  for (const old of [card.token, card.card_no]) {
    const o = await lookup(old, '2580');
    assert.equal(o.status, 400, o.text);
    assert.match(o.json.error.fields.code, /已作废/);
  }
  const oldImage = await s.api('GET', card.qr_png, { token: await as('clerk') });
  assert.equal(oldImage.status, 409);
  assert.equal(json(await lookup(card2.token, '654321'), 200).household.id, hh);
  const listed = json(await s.api('GET', `/api/v1/households/${hh}/cards`, { token: await as('clerk') }), 200).items;
  assert.deepEqual(listed.map((c) => c.status), ['active', 'revoked']);
  assert.equal(listed[1].token, null);

  // a lost card is revoked without a new one
  const lost = json(await s.api('POST', `/api/v1/cards/${card2.id}/revoke`, { token: await as('cadre') }), 200);
  assert.equal(lost.status, 'revoked');
  assert.equal((await lookup(card2.token, '654321')).status, 400);
  assert.equal((await s.api('POST', `/api/v1/cards/${card2.id}/revoke`, { token: await as('cadre') })).status, 409);
  await issueCard(hh, '2580');

  // the audit log has the card changes, and never the PIN
  const audit = json(await s.api('GET', `/api/v1/audit?unit_id=${village}&object_type=household_card&limit=50`, { token: await as('inspector') }), 200);
  assert.ok(audit.items.length >= 4, JSON.stringify(audit.items.map((e) => e.action)));
  // no value is the PIN (hashes may contain its digits by chance, so compare whole values)
  const values = JSON.stringify(audit.items.map((e) => [e.before, e.after]));
  assert.ok(!/"(pin":)?"?2580"/.test(values), values);
});

test('pre-order: reserved, collected at the counter; retries charge once', async () => {
  const sauce = goods['测试酱油'];
  const vt = await as('villager');
  const before = await stockOf(sauce.id);
  const spend0 = await lookupBalance(villager.household_id);
  const p = json(await s.api('POST', '/api/v1/preorders', { token: vt, body: { shop_id: shop.id, items: [{ goods_id: sauce.id, quantity: 3 }] } }), 201);
  assert.equal(p.status, 'reserved');
  assert.equal(p.total_points, 15);
  assert.ok(p.expires_at);
  assert.equal(await stockOf(sauce.id), before - 3);
  const l = json(await lookup(await phoneCode()), 200);
  assert.equal(l.reserved_points, 15);
  assert.equal(l.spendable, spend0, 'nothing charged at reservation');

  const mine = json(await s.api('GET', '/api/v1/preorders?mine=1', { token: vt }), 200);
  assert.ok(mine.items.some((x) => x.id === p.id));
  const staff = json(await s.api('GET', `/api/v1/preorders?shop_id=${shop.id}&status=reserved`, { token: await as('clerk') }), 200);
  assert.ok(staff.items.some((x) => x.id === p.id));
  const notStaff = await s.api('GET', `/api/v1/preorders?shop_id=${shop.id}`, { token: vt });
  assert.equal(notStaff.status, 403);

  // the villager cannot collect it themselves; another household's card is refused
  const self = await s.api('POST', `/api/v1/preorders/${p.id}/collect`, { token: vt, body: { code: await phoneCode(), idempotency_key: key() } });
  assert.equal(self.status, 403, self.text);
  const c = cards.get(others[0]);
  const wrong = await s.api('POST', `/api/v1/preorders/${p.id}/collect`, {
    token: await as('clerk'), body: { code: c.card.token, pin: c.pin, idempotency_key: key() },
  });
  assert.equal(wrong.status, 400, wrong.text);
  assert.match(wrong.json.error.fields.code, /不符/);

  const k = key();
  const code = await phoneCode();
  const got = json(await s.api('POST', `/api/v1/preorders/${p.id}/collect`, { token: await as('clerk'), body: { code, idempotency_key: k } }), 201);
  assert.equal(got.preorder_id, p.id);
  assert.equal(got.total_points, 15);
  assert.equal(got.spendable_after, spend0 - 15);
  assert.equal(await stockOf(sauce.id), before - 3, 'collecting does not move the stock again');
  const again = json(await s.api('POST', `/api/v1/preorders/${p.id}/collect`, { token: await as('clerk'), body: { code, idempotency_key: k } }), 200);
  assert.equal(again.id, got.id);
  assert.equal(await lookupBalance(villager.household_id), spend0 - 15);
  const done = json(await s.api('GET', `/api/v1/preorders/${p.id}`, { token: vt }), 200);
  assert.equal(done.status, 'collected');
  assert.equal(done.receipt_id, got.id);
  const twice = await s.api('POST', `/api/v1/preorders/${p.id}/collect`, { token: await as('clerk'), body: { code: await phoneCode(), idempotency_key: key() } });
  assert.equal(twice.status, 409);
  const cancelDone = await s.api('POST', `/api/v1/preorders/${p.id}/cancel`, { token: vt });
  assert.equal(cancelDone.status, 409);
});

test('pre-order: cancelled and lapsed, the stock comes back', async () => {
  const sauce = goods['测试酱油'];
  const vt = await as('villager');
  const before = await stockOf(sauce.id);
  const a = json(await s.api('POST', '/api/v1/preorders', { token: vt, body: { shop_id: shop.id, items: [{ goods_id: sauce.id, quantity: 2 }] } }), 201);
  assert.equal(await stockOf(sauce.id), before - 2);
  const cancelled = json(await s.api('POST', `/api/v1/preorders/${a.id}/cancel`, { token: vt }), 200);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(await stockOf(sauce.id), before);

  // more than the balance covers is refused at reservation
  const spendable = await lookupBalance(villager.household_id);
  const tooMuch = await s.api('POST', '/api/v1/preorders', {
    token: vt, body: { shop_id: shop.id, items: [{ goods_id: sauce.id, quantity: Math.floor(spendable / 5) + 1 }] },
  });
  assert.equal(tooMuch.status, 409, tooMuch.text);
  assert.match(tooMuch.json.error.message, /可兑换积分不足/);

  const b = json(await s.api('POST', '/api/v1/preorders', { token: vt, body: { shop_id: shop.id, items: [{ goods_id: sauce.id, quantity: 1 }] } }), 201);
  assert.equal(await stockOf(sauce.id), before - 1);
  await clock(shop.preorder_hours * 3600 + 1);
  const lapsed = json(await s.api('GET', `/api/v1/preorders/${b.id}`, { token: await as('villager') }), 200);
  assert.equal(lapsed.status, 'lapsed');
  assert.equal(await stockOf(sauce.id), before);
  const late = await s.api('POST', `/api/v1/preorders/${b.id}/collect`, { token: await as('clerk'), body: { code: await phoneCode(), idempotency_key: key() } });
  assert.equal(late.status, 409);
});

test('concurrency: 20 counters against a balance that covers 3 redemptions', async () => {
  const hh = others[1];
  await issueCard(hh, '1357');
  await givePoints([hh], 1);
  const spendable = await lookupBalance(hh);
  assert.ok(spendable >= 12, `balance ${spendable}`);
  const price = Math.floor(spendable / 3);   // 3 × price ≤ balance < 4 × price
  const g = await makeGoods('并发测试米', { price, stock: 100, unit: '袋' });
  const c = cards.get(hh);
  const clerk = await as('clerk');
  const results = await Promise.all(Array.from({ length: 20 }, () => redeem(c.card.token, [{ goods_id: g.id, quantity: 1 }], { pin: c.pin, token: clerk })));
  const ok = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status === 409);
  assert.equal(ok.length, 3, results.map((r) => `${r.status} ${r.text}`).join('\n'));
  assert.equal(refused.length, 17);
  for (const r of refused) assert.match(r.json.error.message, /可兑换积分不足/);
  assert.equal(await lookupBalance(hh), spendable - 3 * price);
  assert.ok(spendable - 3 * price >= 0);
  assert.equal(await stockOf(g.id), 97);
  assert.equal(new Set(ok.map((r) => r.json.number)).size, 3);
});

test('concurrency: 10 counters for the last 2 units of a good', async () => {
  const g = await makeGoods('限量茶油', { price: 1, stock: 2, unit: '桶' });
  const clerk = await as('clerk');
  const villagerCode = await phoneCode();
  const c = cards.get(others[0]);
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2
    ? redeem(villagerCode, [{ goods_id: g.id, quantity: 1 }], { token: clerk })
    : redeem(c.card.token, [{ goods_id: g.id, quantity: 1 }], { pin: c.pin, token: clerk }))));
  const ok = results.filter((r) => r.status === 201);
  assert.equal(ok.length, 2, results.map((r) => `${r.status} ${r.text}`).join('\n'));
  // the phone's one code pays at most once, whichever counter is first
  assert.ok(results.filter((r, i) => i % 2 && r.status === 201).length <= 1);
  for (const r of results.filter((x) => x.status !== 201)) {
    if (r.status === 400) {
      assert.match(r.json.error.fields.code, /已经用过/);
      continue;
    }
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error.message, /库存不足|只剩/);
  }
  assert.equal(await stockOf(g.id), 0);
});

test('concurrency: 5 retries of one confirmation make one receipt and one charge', async () => {
  const sauce = goods['测试酱油'];
  const before = await lookupBalance(villager.household_id);
  const stock = await stockOf(sauce.id);
  const k = key();
  const code = await phoneCode();
  const clerk = await as('clerk');
  const results = await Promise.all(Array.from({ length: 5 }, () => redeem(code, [{ goods_id: sauce.id, quantity: 1 }], { k, token: clerk })));
  for (const r of results) assert.ok([200, 201].includes(r.status), r.text);
  assert.equal(results.filter((r) => r.status === 201).length, 1);
  assert.equal(new Set(results.map((r) => r.json.id)).size, 1);
  assert.equal(await lookupBalance(villager.household_id), before - 5);
  assert.equal(await stockOf(sauce.id), stock - 1);
});

test('returns are refused after the shop\'s return period', async () => {
  const sauce = goods['测试酱油'];
  const r = json(await redeem(await phoneCode(), [{ goods_id: sauce.id, quantity: 1 }]), 201);
  await clock(shop.return_days * DAY + 1);
  const late = await s.api('POST', '/api/v1/counter/returns', {
    token: await as('clerk'), body: { receipt_id: r.id, items: [{ goods_id: sauce.id, quantity: 1 }], reason: '过期退货', idempotency_key: key() },
  });
  assert.equal(late.status, 409, late.text);
  assert.match(late.json.error.message, /退货期限/);
});

test('after sales and returns the live ranking and the ledger pages agree with the entries', async () => {
  const cadre = await as('cadre');
  const entries = [];
  for (;;) {
    const page = json(await s.api('GET', `/api/v1/villages/${village}/ledger?limit=200&offset=${entries.length}`, { token: cadre }), 200);
    entries.push(...page.items);
    if (entries.length >= page.total || !page.items.length) break;
  }
  const sources = new Set(entries.map((e) => e.source));
  assert.ok(sources.has('redemption') && sources.has('return'), [...sources].join(' '));
  const earn = new Set(['claim', 'award', 'deduction', 'activity', 'correction']);
  const now = await today();
  const m = Number(now.slice(5, 7));
  for (const period of [now.slice(0, 7), `${now.slice(0, 4)}-Q${Math.floor((m - 1) / 3) + 1}`, now.slice(0, 4)]) {
    const sums = new Map();
    for (const e of entries) {
      const em = Number(e.at.slice(5, 7));
      const keys = [e.at.slice(0, 7), `${e.at.slice(0, 4)}-Q${Math.floor((em - 1) / 3) + 1}`, e.at.slice(0, 4)];
      if (keys.includes(period) && earn.has(e.source))
        sums.set(e.household_id, (sums.get(e.household_id) || 0) + e.honour);
    }
    const live = json(await s.api('GET', `/api/v1/rankings?unit_id=${village}&period=${period}`, { token: cadre }), 200);
    for (const row of live.rows)
      assert.equal(row.points, sums.get(row.household_id) || 0, `${period}: household ${row.household_id}`);
  }
  // a household's page counts every entry of the household, with and without a filter
  const hh = villager.household_id;
  const mine = entries.filter((e) => e.household_id === hh);
  const page = json(await s.api('GET', `/api/v1/households/${hh}/ledger?limit=5`, { token: cadre }), 200);
  assert.equal(page.total, mine.length);
  assert.deepEqual(page.items.map((e) => e.id), mine.slice(0, 5).map((e) => e.id));
  const sales = json(await s.api('GET', `/api/v1/households/${hh}/ledger?source=redemption&limit=200`, { token: cadre }), 200);
  assert.equal(sales.total, mine.filter((e) => e.source === 'redemption').length);
});

test('cunzhi verify passes: ledger, audit chains, stock equals movements', async () => {
  const r = s.cli(['verify']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
});

test('a clerk trying one PIN over many cards is stopped, not only each card', async () => {
  await clock(15 * 60 + 1); // a fresh window for the clerk's and the cards' counts
  const clerk = await as('clerk');
  const hs = others.slice(1, 4);
  for (const [i, h] of hs.entries()) await issueCard(h, `86${i}${i}`);
  const sprays = [];
  for (const h of hs) {
    for (let i = 0; i < 4 && sprays.length < 10; i++) sprays.push(await lookup(cards.get(h).card.token, '1234'));
  }
  // no card reached its own limit of 5, yet the tenth wrong PIN stops the clerk
  assert.deepEqual(sprays.slice(0, 9).map((r) => r.status), Array(9).fill(400));
  assert.equal(sprays[9].status, 429, sprays[9].text);
  assert.match(sprays[9].json.error.message, /你输错户卡密码的次数过多/);
  const right = cards.get(hs[2]);
  const stopped = await s.api('POST', '/api/v1/counter/lookup', { token: clerk, body: { shop_id: shop.id, code: right.card.token, pin: right.pin } });
  assert.equal(stopped.status, 429, stopped.text);
  assert.ok(Number(stopped.headers.get('retry-after')) > 0);
  // the cards themselves are not locked: the cadre serves the household
  json(await s.api('POST', '/api/v1/counter/lookup', { token: await as('cadre'), body: { shop_id: shop.id, code: right.card.token, pin: right.pin } }), 200);
  await clock(15 * 60 + 1);
  json(await s.api('POST', '/api/v1/counter/lookup', { token: clerk, body: { shop_id: shop.id, code: right.card.token, pin: right.pin } }), 200);
});
