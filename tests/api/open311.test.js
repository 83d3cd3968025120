// Open311 GeoReport v2 over events: discovery, services, service definitions, requests
// (GET with the standard filters, POST with an API key), one request, tokens, in JSON
// and in XML, and the standard error list for every failure; the county admin's API
// keys (issued to named clients, revoked); jurisdiction_id. The XML is read with a
// small parser below (elements and text only, which is all GeoReport v2 uses).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { startServer, pngPixel, psqlBin } = require('./lib');

let s;
const T = {};
const U = {};
const K = {};       // category ids by name
let county;         // the demo county's unit (with its code, the jurisdiction_id)
let key;            // a valid API key

const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};

// ---- a small XML reader: {name, children, text} ----

function decodeEntities(t) {
  return t.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function parseXml(text) {
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/.exec(text);
  assert.ok(decl, `no UTF-8 XML declaration: ${text.slice(0, 80)}`);
  let pos = decl[0].length;
  const root = { name: '#doc', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z_][\w.-]*)\s*(\/?)>|([^<]+)/g;
  re.lastIndex = pos;
  for (let m; (m = re.exec(text));) {
    assert.equal(m.index, pos, `unexpected markup at ${pos}: ${text.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    const top = stack[stack.length - 1];
    if (m[4] !== undefined) {
      if (m[4].trim()) top.text += decodeEntities(m[4]);
    } else if (m[1]) {
      assert.equal(top.name, m[2], `</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el = { name: m[2], children: [], text: '' };
      top.children.push(el);
      if (!m[3]) stack.push(el);
    }
  }
  assert.equal(pos, text.length, 'trailing garbage');
  assert.equal(stack.length, 1, 'unclosed elements');
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0];
}

const child = (el, name) => el.children.find((c) => c.name === name);
const kids = (el, name) => el.children.filter((c) => c.name === name);
const textOf = (el, name) => {
  const c = child(el, name);
  assert.ok(c, `<${el.name}> has no <${name}>`);
  return c.text;
};

// An element whose children are all leaves, as {name: text}.
function flat(el) {
  const o = {};
  for (const c of el.children) o[c.name] = c.children.length ? c : c.text;
  return o;
}

// ---- helpers ----

// A statement straight to the database (a second county: no API makes one).
function sql(stmt) {
  if (s.db) execFileSync(psqlBin(), ['-q', '-v', 'ON_ERROR_STOP=1', s.db, '-c', stmt]);
  else execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(s.data, 'cunzhi.db'), stmt]);
}

async function o311(method, p, { form, headers = {}, raw } = {}) {
  const h = { ...headers };
  let body;
  if (form !== undefined) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = h['content-type'] || 'application/x-www-form-urlencoded';
  } else if (raw !== undefined) {
    body = raw;
  }
  const r = await s.api(method, `/open311/v2/${p}`, { raw: body, headers: h });
  const type = r.headers.get('content-type') || '';
  if (/\.xml(\?|$)/.test(p)) {
    assert.match(type, /^text\/xml; charset=utf-8/, `${p}: ${type}`);
    r.xml = parseXml(r.text);
  } else {
    assert.match(type, /^application\/json; charset=utf-8/, `${p}: ${type}`);
    r.json = JSON.parse(r.text);
  }
  return r;
}

// Both formats of a GET: [json reply, xml reply], each with the status expected.
async function both(p, status = 200) {
  const [base, query] = p.split('?');
  const q = query ? `?${query}` : '';
  const j = await o311('GET', `${base}.json${q}`);
  const x = await o311('GET', `${base}.xml${q}`);
  assert.equal(j.status, status, j.text);
  assert.equal(x.status, status, x.text);
  return [j, x];
}

// The standard error list: [{code, description}] / <errors><error>…
function assertError(r, status, pattern) {
  assert.equal(r.status, status, r.text);
  if (r.xml) {
    assert.equal(r.xml.name, 'errors');
    const errs = kids(r.xml, 'error');
    assert.ok(errs.length >= 1);
    for (const e of errs) assert.equal(textOf(e, 'code'), String(status));
    if (pattern) assert.ok(errs.some((e) => pattern.test(textOf(e, 'description'))), r.text);
  } else {
    assert.ok(Array.isArray(r.json) && r.json.length >= 1, r.text);
    for (const e of r.json) {
      assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
      assert.equal(e.code, status);
    }
    if (pattern) assert.ok(r.json.some((e) => pattern.test(e.description)), r.text);
  }
}

const REQUEST_FIELDS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
  'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address',
  'address_id', 'zipcode', 'lat', 'long', 'media_url'];
const W3C = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;

function checkRequestJson(q) {
  assert.deepEqual(Object.keys(q), REQUEST_FIELDS);
  assert.match(q.service_request_id, /^\d+$/);
  assert.ok(q.status === 'open' || q.status === 'closed');
  assert.match(q.requested_datetime, W3C);
  assert.match(q.updated_datetime, W3C);
  if (q.expected_datetime !== null) assert.match(q.expected_datetime, W3C);
}

function checkRequestXml(el) {
  assert.equal(el.name, 'request');
  assert.deepEqual(el.children.map((c) => c.name), REQUEST_FIELDS);
}

function post(form, fmt = 'json') {
  return o311('POST', `requests.${fmt}`, { form });
}

const filing = (extra = {}) => ({
  api_key: key,
  service_code: String(K['道路交通']),
  'attribute[village]': String(U.A),
  description: '村口的桥栏杆断了，晚上很危险',
  lat: '30.123456',
  long: '104.654321',
  address_string: '青山村村口石桥',
  last_name: '王',
  first_name: '小明',
  phone: '13812345678',
  ...extra,
});

before(async () => {
  s = await startServer();
  T.county = await s.as('county_admin');
  T.cadre = await s.as('cadre');
  T.villager = await s.as('villager');
  T.operator = await s.as('operator');
  const me = must(await s.api('GET', '/api/v1/session', { token: T.cadre }), 200);
  U.A = me.grants.find((g) => g.role === 'cadre').unit_id;
  U.town = must(await s.api('GET', `/api/v1/units/${U.A}`, { token: T.cadre }), 200).parent_id;
  U.county = must(await s.api('GET', `/api/v1/units/${U.town}`, { token: T.county }), 200).parent_id;
  county = must(await s.api('GET', `/api/v1/units/${U.county}`, { token: T.county }), 200);
  for (const k of must(await s.api('GET', '/api/v1/event-categories', { token: T.county }), 200).items) K[k.name] = k.id;
  const k = must(await s.api('POST', '/api/v1/open311-keys', { token: T.county, body: { name: 'FixMyStreet 试点' } }), 201);
  key = k.key;
});

after(async () => {
  if (s) await s.close();
});

// ---- discovery and services ----

test('discovery lists the v2 endpoint with both formats', async () => {
  const [j, x] = await both('discovery');
  assert.equal(j.json.endpoints.length, 1);
  const ep = j.json.endpoints[0];
  assert.equal(ep.specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(ep.url, `${s.url}/open311/v2`);
  assert.deepEqual(ep.formats.sort(), ['application/json', 'text/xml']);
  assert.match(j.json.changeset, W3C);
  assert.equal(x.xml.name, 'discovery');
  const eps = kids(child(x.xml, 'endpoints'), 'endpoint');
  assert.equal(eps.length, 1);
  assert.equal(textOf(eps[0], 'url'), `${s.url}/open311/v2`);
  assert.deepEqual(kids(child(eps[0], 'formats'), 'format').map((f) => f.text).sort(), ['application/json', 'text/xml']);
  // a format other than .json and .xml is not there
  const r = await s.api('GET', '/open311/v2/services.csv');
  assert.notEqual(r.status, 200);
});

test('services are the county\'s active categories, in JSON and XML', async () => {
  const [j, x] = await both('services');
  const names = Object.keys(K);
  assert.equal(j.json.length, names.length);
  for (const svc of j.json) {
    assert.deepEqual(Object.keys(svc), ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
    assert.equal(svc.service_code, String(K[svc.service_name]));
    assert.equal(svc.metadata, true);
    assert.equal(svc.type, 'realtime');
  }
  assert.equal(x.xml.name, 'services');
  const xs = kids(x.xml, 'service').map(flat);
  assert.equal(xs.length, j.json.length);
  assert.deepEqual(xs.map((v) => v.service_code), j.json.map((v) => v.service_code));
  assert.equal(xs[0].metadata, 'true');
  // a category switched off is no longer a service
  const off = must(await s.api('POST', '/api/v1/event-categories', { token: T.county, body: { name: 'O311停用', accept_hours: 24, finish_days: 5 } }), 201);
  must(await s.api('PATCH', `/api/v1/event-categories/${off.id}`, { token: T.county, body: { active: false } }), 200);
  const [j2] = await both('services');
  assert.ok(!j2.json.some((v) => v.service_code === String(off.id)));
  assertError(await o311('GET', `services/${off.id}.json`), 404, /service_code/);
});

test('a service definition has the village attribute with the county\'s villages', async () => {
  const code = K['道路交通'];
  const [j, x] = await both(`services/${code}`);
  assert.equal(j.json.service_code, String(code));
  assert.equal(j.json.attributes.length, 1);
  const a = j.json.attributes[0];
  assert.equal(a.code, 'village');
  assert.equal(a.datatype, 'singlevaluelist');
  assert.equal(a.required, true);
  assert.equal(a.variable, true);
  assert.equal(a.order, 1);
  assert.ok(a.values.some((v) => v.key === String(U.A) && /青山村/.test(v.name)), JSON.stringify(a.values));
  assert.equal(x.xml.name, 'service_definition');
  assert.equal(textOf(x.xml, 'service_code'), String(code));
  const xa = kids(child(x.xml, 'attributes'), 'attribute');
  assert.equal(xa.length, 1);
  assert.equal(textOf(xa[0], 'code'), 'village');
  assert.equal(textOf(xa[0], 'required'), 'true');
  const vals = kids(child(xa[0], 'values'), 'value').map(flat);
  assert.ok(vals.some((v) => v.key === String(U.A)));
  for (const bad of ['999999', 'abc', '0']) {
    const [ej, ex] = await both(`services/${bad}`, 404);
    assertError(ej, 404, /service_code/);
    assertError(ex, 404, /service_code/);
  }
});

// ---- POST and the keys ----

test('POST without a key, with an unknown key or a malformed one: 403 in the standard error format', async () => {
  const noKey = filing();
  delete noKey.api_key;
  assertError(await post(noKey), 403, /api_key/);
  assertError(await post(noKey, 'xml'), 403, /api_key/);
  assertError(await post(filing({ api_key: 'o311_' + '0'.repeat(35) })), 403, /api_key/);
  assertError(await post(filing({ api_key: 'x'.repeat(500) }), 'xml'), 403, /api_key/);
  // bad fields do not tell a client without a key anything
  assertError(await post({ api_key: 'nope', service_code: 'x' }), 403);
});

test('POST with a valid key files an event on the open311 channel, with a token', async () => {
  for (const fmt of ['json', 'xml']) {
    const r = await post(filing({ description: `桥栏杆断了（${fmt}）` }), fmt);
    assert.equal(r.status, 201, r.text);
    let id, token;
    if (fmt === 'json') {
      assert.equal(r.json.length, 1);
      ({ service_request_id: id, token } = r.json[0]);
      assert.ok('service_notice' in r.json[0] && 'account_id' in r.json[0]);
    } else {
      assert.equal(r.xml.name, 'service_requests');
      const one = flat(kids(r.xml, 'request')[0]);
      id = one.service_request_id;
      token = one.token;
    }
    assert.match(id, /^\d+$/);
    assert.match(token, /^[0-9a-f]{24}$/);
    // staff see it as an event of the channel open311, with its reporter
    const ev = must(await s.api('GET', `/api/v1/events/${id}`, { token: T.county }), 200);
    assert.equal(ev.channel, 'open311');
    assert.equal(ev.state, 'pending');
    assert.equal(ev.village_id, U.A);
    assert.equal(ev.reporter.name, '王*');           // masked to the county admin
    const full = must(await s.api('GET', `/api/v1/events/${id}`, { token: T.operator }), 200);
    assert.equal(full.reporter.name, '王小明');     // stored in full (sealed), as the hotline sees it
    assert.equal(full.reporter.phone, '13812345678');
    assert.equal(ev.location.lat, 30.123456);
    assert.equal(ev.location.lng, 104.654321);
    assert.equal(ev.address, '青山村村口石桥');
    // the token leads to the request, in both formats
    const [tj, tx] = await both(`tokens/${token}`);
    assert.deepEqual(tj.json, [{ service_request_id: id, token }]);
    assert.deepEqual(flat(kids(tx.xml, 'request')[0]), { service_request_id: id, token });
    // and the request reads back, without the reporter
    const [qj, qx] = await both(`requests/${id}`);
    assert.equal(qj.json.length, 1);
    const q = qj.json[0];
    checkRequestJson(q);
    assert.equal(q.status, 'open');
    assert.equal(q.status_notes, '待受理');
    assert.equal(q.service_code, String(K['道路交通']));
    assert.equal(q.service_name, '道路交通');
    assert.equal(q.lat, 30.123456);
    assert.equal(q.long, 104.654321);
    assert.equal(q.address, '青山村村口石桥');
    assert.equal(q.media_url, '');
    assert.ok(!qj.text.includes('小明') && !qj.text.includes('13812345678'));
    checkRequestXml(kids(qx.xml, 'request')[0]);
    assert.equal(flat(kids(qx.xml, 'request')[0]).lat, '30.123456');
    // the timeline and the audit record the filing
    assert.ok(ev.timeline.some((st) => st.action === 'create'));
  }
  const keys = must(await s.api('GET', '/api/v1/open311-keys', { token: T.county }), 200);
  const mine = keys.items.find((k) => k.name === 'FixMyStreet 试点');
  assert.ok(mine.requests >= 2);
  assert.ok(!JSON.stringify(keys).includes(key), 'the key itself is never shown again');
});

test('POST runs the intake\'s checks: every field error as one entry, in Chinese', async () => {
  let r = await post(filing({ service_code: 'abc', 'attribute[village]': '', lat: '95', long: 'east' }));
  assertError(r, 400);
  const d = r.json.map((e) => e.description).join('\n');
  assert.match(d, /service_code/);
  assert.match(d, /attribute\[village\]: 请选择/);
  assert.match(d, /lat: 纬度/);
  assert.match(d, /long: 经度/);
  r = await post(filing({ description: '' }), 'xml');
  assertError(r, 400, /description: 问题描述不能为空/);
  r = await post(filing({ description: '长'.repeat(1001) }));
  assertError(r, 400, /问题描述最多 1000 个字/);
  r = await post(filing({ phone: '12ab' }));
  assertError(r, 400, /phone: 联系电话/);
  r = await post(filing({ last_name: '欧阳'.repeat(20) }));
  assertError(r, 400, /first_name: 反映人姓名最多/);
  // a category that needs a photo cannot be filed without one (media_url is not fetched)
  r = await post(filing({ service_code: String(K['生态环境']), media_url: 'http://example.com/a.jpg' }));
  assertError(r, 400, /media_url: 该类别需要上传照片/);
  // a service of the county, but a village elsewhere or no village at all
  r = await post(filing({ 'attribute[village]': '999999' }));
  assertError(r, 400, /attribute\[village\]: 本辖区没有这个村/);
  r = await post(filing({ 'attribute[village]': String(U.town) }));
  assertError(r, 400, /attribute\[village\]/);
  r = await post(filing({ service_code: '999999' }));
  assertError(r, 400, /service_code/);
});

test('a photo link is not fetched, and the reply says so without pointing to a page that cannot take photos', async () => {
  const r = await post(filing({ description: '路灯不亮了（附照片链接）', media_url: 'http://example.com/lamp.jpg' }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json[0].service_notice, '已登记，等待受理；本系统不下载照片链接，登记的事件不含照片');
  const ev = must(await s.api('GET', `/api/v1/events/${r.json[0].service_request_id}`, { token: T.county }), 200);
  assert.deepEqual(ev.photos, []);
  const plain = await post(filing({ description: '路灯不亮了' }));
  assert.equal(plain.json[0].service_notice, '已登记，等待受理');
});

test('POST takes only a well-formed urlencoded body', async () => {
  let r = await o311('POST', 'requests.json', { raw: JSON.stringify(filing()), headers: { 'content-type': 'application/json' } });
  assertError(r, 415, /x-www-form-urlencoded/);
  r = await o311('POST', 'requests.xml', { raw: `api_key=${key}&description=%zz`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 400, /description: 百分号编码无效/);
  r = await o311('POST', 'requests.json', { raw: `api_key=${key}&description=%ff%fe`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 400, /UTF-8/);
  r = await o311('POST', 'requests.json', { raw: `api_key=${key}&description=a&description=b`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 400, /description: 字段重复/);
  r = await o311('POST', 'requests.json', { raw: `api_key=${key}&bad<name>=1`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 400, /字段名无效/);
  r = await o311('POST', 'requests.json', { raw: `api_key=${key}&description=${'a'.repeat(70 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 413);
  const many = Array.from({ length: 70 }, (_, i) => `f${i}=1`).join('&');
  r = await o311('POST', 'requests.json', { raw: `api_key=${key}&${many}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertError(r, 400, /字段过多/);
  // '+' is a space and escapes decode; text the XML must escape comes back escaped
  r = await o311('POST', 'requests.json', {
    raw: `api_key=${key}&service_code=${K['道路交通']}&attribute%5Bvillage%5D=${U.A}&description=a+%3Cb%3E+%26+%E6%A1%A5`,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json[0].service_request_id;
  const x = await o311('GET', `requests/${id}.xml`);
  assert.ok(x.text.includes('<description>a &lt;b&gt; &amp; 桥</description>'), x.text);
  assert.equal(flat(kids(x.xml, 'request')[0]).description, 'a <b> & 桥');
});

test('API keys: only the county admin issues and revokes them; a revoked key is refused', async () => {
  let r = await s.api('POST', '/api/v1/open311-keys', { token: T.cadre, body: { name: '村里的客户端' } });
  assert.equal(r.status, 403, r.text);
  r = await s.api('GET', '/api/v1/open311-keys', { token: T.cadre });
  assert.equal(r.status, 403, r.text);
  r = await s.api('POST', '/api/v1/open311-keys', { token: T.county, body: { name: '' } });
  assert.equal(r.status, 400, r.text);
  r = await s.api('POST', '/api/v1/open311-keys', { body: { name: 'x' } });
  assert.equal(r.status, 401, r.text);
  const k = must(await s.api('POST', '/api/v1/open311-keys', { token: T.county, body: { name: '临时客户端' } }), 201);
  assert.match(k.key, /^o311_[0-9a-f]{35}$/);
  assert.equal(k.prefix, k.key.slice(0, 9));
  assert.equal(k.active, true);
  assert.equal((await post(filing({ api_key: k.key }))).status, 201);
  r = await s.api('DELETE', `/api/v1/open311-keys/${k.id}`, { token: T.cadre });
  assert.equal(r.status, 404, r.text);
  const revoked = must(await s.api('DELETE', `/api/v1/open311-keys/${k.id}`, { token: T.county }), 200);
  assert.equal(revoked.active, false);
  assert.match(revoked.revoked_at, W3C);
  r = await s.api('DELETE', `/api/v1/open311-keys/${k.id}`, { token: T.county });
  assert.equal(r.status, 409, r.text);
  assertError(await post(filing({ api_key: k.key })), 403, /吊销/);
  assertError(await post(filing({ api_key: k.key }), 'xml'), 403, /吊销/);
  // the old key still works
  assert.equal((await post(filing())).status, 201);
  const audit = must(await s.api('GET', `/api/v1/audit?unit_id=${U.county}&object_type=open311_key`, { token: T.county }), 200);
  assert.ok(audit.items.some((e) => e.action === 'create'));
  assert.ok(audit.items.some((e) => e.action === 'revoke'));
});

// ---- GET requests ----

test('GET requests: every request in both formats, filters by id, service, status and dates', async () => {
  const [j, x] = await both('requests');
  assert.ok(j.json.length > 5, `${j.json.length} requests`);
  j.json.forEach(checkRequestJson);
  const xr = kids(x.xml, 'request');
  assert.equal(x.xml.name, 'service_requests');
  assert.equal(xr.length, j.json.length);
  xr.forEach(checkRequestXml);
  // newest first, and never more than 90 days back by default
  const times = j.json.map((q) => Date.parse(q.requested_datetime));
  assert.deepEqual([...times].sort((a, b) => b - a), times);
  // status maps our states: the demo has events open and closed
  const [open] = await both('requests?status=open');
  const [closed] = await both('requests?status=closed');
  assert.ok(open.json.length > 0 && closed.json.length > 0);
  assert.ok(open.json.every((q) => q.status === 'open'));
  assert.ok(closed.json.every((q) => q.status === 'closed'));
  assert.equal(open.json.length + closed.json.length, j.json.length);
  for (const q of closed.json) assert.match(q.status_notes, /^(不予受理|已办结|已回访)/);
  // the events list agrees on open and closed for the same events
  for (const q of closed.json.slice(0, 5)) {
    const ev = must(await s.api('GET', `/api/v1/events/${q.service_request_id}`, { token: T.county }), 200);
    assert.ok(['rejected', 'finished', 'visited'].includes(ev.state), ev.state);
    assert.equal(q.updated_datetime, ev.updated_at);
    if (ev.department_name) assert.equal(q.agency_responsible, ev.department_name);
  }
  // by id (a list; the other filters are then ignored)
  const ids = j.json.slice(0, 3).map((q) => q.service_request_id);
  const [byId, byIdX] = await both(`requests?service_request_id=${ids.join(',')}&status=closed&service_code=1`);
  assert.deepEqual(byId.json.map((q) => q.service_request_id).sort(), [...ids].sort());
  assert.equal(kids(byIdX.xml, 'request').length, 3);
  // by service
  const code = j.json[0].service_code;
  const [bySvc] = await both(`requests?service_code=${code}`);
  assert.ok(bySvc.json.length > 0 && bySvc.json.every((q) => q.service_code === code));
  // by dates (W3C, with a zone)
  const mid = times[Math.floor(times.length / 2)];
  const iso = new Date(mid).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const [after] = await both(`requests?start_date=${encodeURIComponent(iso)}`);
  const [beforeMid] = await both(`requests?end_date=${encodeURIComponent(iso)}`);
  assert.ok(after.json.every((q) => Date.parse(q.requested_datetime) >= mid));
  assert.ok(beforeMid.json.every((q) => Date.parse(q.requested_datetime) <= mid));
  assert.ok(after.json.length > 0 && beforeMid.json.length > 0);
  const far = await both('requests?start_date=2000-01-01T00:00:00%2B08:00');
  assert.ok(far[0].json.length >= j.json.length);
  // malformed filters: one error per field
  for (const fmt of ['json', 'xml']) {
    const r = await o311('GET', `requests.${fmt}?status=pending&start_date=2026-01-01&service_code=x&service_request_id=1,,2`);
    assertError(r, 400);
    const d = fmt === 'json' ? r.json.map((e) => e.description) : kids(r.xml, 'error').map((e) => textOf(e, 'description'));
    for (const f of ['status', 'start_date', 'service_code', 'service_request_id']) assert.ok(d.some((t) => t.startsWith(`${f}: `)), `${f}: ${d}`);
  }
  assertError(await o311('GET', 'requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'), 400, /end_date/);
  assertError(await o311('GET', `requests.json?service_request_id=${Array.from({ length: 60 }, (_, i) => i + 1).join(',')}`), 400, /最多/);
});

test('a path under /open311/ that names no endpoint: the standard 404 in its format', async () => {
  assertError(await o311('GET', 'nothing.json'), 404);
  assertError(await o311('GET', 'nothing.xml'), 404);
  assertError(await o311('GET', 'requests/1/whatever'), 404);
});

test('one request: unknown and malformed ids are 404; anonymous reports are not published', async () => {
  for (const bad of ['99999999', 'abc', '0']) {
    const [j, x] = await both(`requests/${bad}`, 404);
    assertError(j, 404);
    assertError(x, 404);
  }
  assertError(await o311('GET', 'tokens/zzzz.json'), 404);
  assertError(await o311('GET', `tokens/${'0'.repeat(24)}.xml`), 404);
  const anon = must(await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.A, category_id: K['道路交通'], description: '不想让村里知道是我反映的', anonymous: true } }), 201);
  const [aj] = await both(`requests/${anon.id}`, 404);
  assertError(aj, 404);
  const [all] = await both(`requests?service_request_id=${anon.id}`);
  assert.equal(all.json.length, 0);
});

test('a closed request: status, status notes with the outcome, and media_url serving the photo', async () => {
  const up = must(await s.api('POST', '/api/v1/files', { token: T.villager, raw: pngPixel(10, 200, 30), headers: { 'content-type': 'image/png' } }), 201);
  const ev = must(await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: U.A, category_id: K['生态环境'], description: '河水发黑发臭', photos: [up.hash] } }), 201);
  const [j] = await both(`requests/${ev.id}`);
  const q = j.json[0];
  assert.equal(q.media_url, `${s.url}/open311/v2/requests/${ev.id}/media/1`);
  const img = await fetch(q.media_url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await img.arrayBuffer()).equals(pngPixel(10, 200, 30)));
  assert.equal((await fetch(`${s.url}/open311/v2/requests/${ev.id}/media/2`)).status, 404);
  // rejected with a reason: closed, and the reason is the status note
  must(await s.api('POST', `/api/v1/events/${ev.id}/actions/reject`, { token: T.cadre, body: { note: '已由环保部门处理' } }), 200);
  const [after, afterX] = await both(`requests/${ev.id}`);
  assert.equal(after.json[0].status, 'closed');
  assert.equal(after.json[0].status_notes, '不予受理：已由环保部门处理');
  assert.equal(flat(kids(afterX.xml, 'request')[0]).status, 'closed');
});

// ---- jurisdictions (last: it adds a second county) ----

test('jurisdiction_id: the county code is accepted, unknown ones are 404, and required once there are two', async () => {
  const [j] = await both(`services?jurisdiction_id=${encodeURIComponent(county.code)}`);
  assert.ok(j.json.length > 0);
  await both(`requests?jurisdiction_id=${encodeURIComponent(county.code)}`);
  for (const p of ['services', 'requests', `services/${K['道路交通']}`, 'discovery']) {
    if (p === 'discovery') continue;
    const [ej, ex] = await both(`${p}?jurisdiction_id=NO-SUCH-COUNTY`, 404);
    assertError(ej, 404, /jurisdiction_id/);
    assertError(ex, 404, /jurisdiction_id/);
  }
  // a town's code is not a jurisdiction
  const town = must(await s.api('GET', `/api/v1/units/${U.town}`, { token: T.county }), 200);
  await both(`services?jurisdiction_id=${encodeURIComponent(town.code)}`, 404);
  // POST names it in the form
  const r = await post(filing({ jurisdiction_id: county.code }));
  assert.equal(r.status, 201, r.text);
  assertError(await post(filing({ jurisdiction_id: 'NO-SUCH-COUNTY' })), 404, /jurisdiction_id/);
  // a second county: now the jurisdiction must be named, and a key of one county does
  // not file in the other
  sql("INSERT INTO org_units (parent_id, kind, code, name, path, created_at) VALUES (NULL, 'county', 'O311-C2', '第二县', '/999999/', 0)");
  const [mj, mx] = await both('services', 400);
  assertError(mj, 400, /jurisdiction_id/);
  assertError(mx, 400, /jurisdiction_id/);
  await both(`services?jurisdiction_id=${encodeURIComponent(county.code)}`);
  assertError(await post(filing({ jurisdiction_id: 'O311-C2' })), 403, /api_key/);
});
