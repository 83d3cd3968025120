// Checks docs/openapi.yaml: it is a valid OpenAPI 3 document, and its paths and
// methods are exactly the routes of the features' route tables (src/http/*/routes.c,
// joined by src/http/routes.c).
// Run: cd tests/openapi && node --test
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const SwaggerParser = require('@apidevtools/swagger-parser');

const root = path.resolve(__dirname, '..', '..');
const specPath = path.join(root, 'docs', 'openapi.yaml');
const httpDir = path.join(root, 'src', 'http');
const routesPaths = fs.readdirSync(httpDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(httpDir, d.name, 'routes.c')))
  .map((d) => path.join(httpDir, d.name, 'routes.c'))
  .sort();
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// The feature tables beside the main one.
function routeFiles() {
  const dir = path.dirname(routesPath);
  const features = fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'routes.c')))
    .map((d) => path.join(dir, d.name, 'routes.c'));
  return [routesPath, ...features];
}

// The C tables: {"METHOD", "/path/:id", handler, FLAGS},
function cRoutes() {
  const src = routesPaths.map((p) => fs.readFileSync(p, 'utf8')).join('\n').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([^}]*)\}/g;
  const out = [];
  for (let m; (m = re.exec(src));) {
    out.push({
      method: m[1].toLowerCase(),
      path: m[2].replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'),
      handler: m[3],
      flags: m[4],
    });
  }
  return out;
}

function specOps(doc) {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths || {}))
    for (const m of METHODS)
      if (item[m]) out.push({ method: m, path: p, op: item[m], item });
  return out;
}

const key = (r) => `${r.method.toUpperCase()} ${r.path}`;

test('docs/openapi.yaml is a valid OpenAPI 3.0 document', async () => {
  const doc = await SwaggerParser.validate(specPath);
  assert.match(doc.openapi, /^3\.0\.\d+$/);
});

test('the route table parses', () => {
  const routes = cRoutes();
  assert.ok(routes.length >= 10, `only ${routes.length} routes parsed from routes.c`);
  const seen = new Set();
  for (const r of routes) {
    assert.ok(!seen.has(key(r)), `duplicate route ${key(r)}`);
    seen.add(key(r));
  }
});

test('every route in routes.c is documented, and nothing else', async () => {
  const doc = await SwaggerParser.parse(specPath);
  const routes = new Set(cRoutes().map(key));
  const documented = new Set(specOps(doc).map(key));
  const undocumented = [...routes].filter((k) => !documented.has(k));
  const extra = [...documented].filter((k) => !routes.has(k));
  assert.deepEqual(undocumented, [], `routes missing from docs/openapi.yaml: ${undocumented.join(', ')}`);
  assert.deepEqual(extra, [], `documented but not in src/http/*/routes.c: ${extra.join(', ')}`);
});

test('security, bodies and path parameters agree with the route flags', async () => {
  const doc = await SwaggerParser.dereference(specPath);
  const ops = new Map(specOps(doc).map((o) => [key(o), o]));
  for (const r of cRoutes()) {
    const o = ops.get(key(r));
    if (!o) continue; // reported by the test above
    const k = key(r);
    const isPublic = /\bRF_PUBLIC\b/.test(r.flags);
    const security = o.op.security ?? doc.security ?? [];
    const open = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
    assert.equal(open, isPublic, `${k}: public in routes.c is ${isPublic}, in the YAML ${open}`);
    if (!isPublic) assert.ok(o.op.responses['401'], `${k}: no 401 response`);

    if (/\bRF_JSON\b/.test(r.flags)) {
      const json = o.op.requestBody?.content?.['application/json']?.schema;
      assert.ok(json, `${k}: takes JSON but documents no application/json body`);
      assert.equal(json.type, 'object', `${k}: the body is not an object`);
      assert.equal(json.additionalProperties, false, `${k}: the body allows unknown fields`);
      for (const s of ['400', '411', '413'])
        assert.ok(o.op.responses[s], `${k}: takes a body but documents no ${s}`);
    }
    if (/\bRF_UPLOAD\b/.test(r.flags)) {
      assert.ok(o.op.requestBody, `${k}: takes an upload but documents no body`);
      for (const s of ['400', '411', '413'])
        assert.ok(o.op.responses[s], `${k}: takes an upload but documents no ${s}`);
    }
    if (/\bRF_TEST\b/.test(r.flags))
      assert.ok(o.op['x-test-only'] === true, `${k}: test-only route not marked x-test-only`);

    const names = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const params = [...(o.item.parameters || []), ...(o.op.parameters || [])].filter((p) => p.in === 'path');
    for (const n of names)
      assert.ok(params.some((p) => p.name === n), `${k}: path parameter {${n}} not described`);
    if (names.length) assert.ok(o.op.responses['404'], `${k}: has an id but documents no 404`);
    assert.ok(o.op.tags?.length, `${k}: no tag`);
    assert.ok(o.op.summary || o.op.description, `${k}: no summary`);
  }
});

test('errors use the envelope {"error":{"code","message","fields"}} (Open311: its standard list)', async () => {
  const doc = await SwaggerParser.dereference(specPath);
  for (const o of specOps(doc)) {
    for (const [status, resp] of Object.entries(o.op.responses)) {
      if (!/^[45]/.test(status)) continue;
      const schema = resp.content?.['application/json']?.schema;
      assert.ok(schema, `${key(o)} ${status}: no JSON body`);
      if (o.path.startsWith('/open311/')) {
        // GeoReport v2: a list of {code, description}, in XML as well
        assert.equal(schema.type, 'array', `${key(o)} ${status}: not the Open311 error list`);
        for (const f of ['code', 'description'])
          assert.ok(schema.items?.required?.includes(f), `${key(o)} ${status}: ${f} not required`);
        assert.ok(resp.content['text/xml'], `${key(o)} ${status}: no XML error`);
        continue;
      }
      const err = schema.properties?.error;
      assert.ok(err, `${key(o)} ${status}: not the error envelope`);
      for (const f of ['code', 'message', 'fields'])
        assert.ok(err.required?.includes(f), `${key(o)} ${status}: error.${f} not required`);
    }
  }
});
