// The English texts keep up with the Chinese ones: every key of ui/src/locales/zh-CN
// (the villager app and the console) is in ui/src/locales/en-US too, with the same
// {placeholders}, and nothing is left there that zh-CN no longer has. A missing key
// still shows (in Chinese) at run time; this test names each one so it gets
// translated. No browser: the locale files are bundled with the UI's esbuild and read.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const vm = require('node:vm');

const UI = path.resolve(__dirname, '../../ui');
const esbuild = require(path.join(UI, 'node_modules/esbuild'));

// The default export of a locale file (TypeScript, importing its siblings).
function load(file) {
  const out = esbuild.buildSync({
    entryPoints: [path.join(UI, 'src/locales', file)],
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} };
  vm.runInNewContext(out.outputFiles[0].text, { module, exports: module.exports });
  return module.exports.default;
}

// "a.b.c" → text, for every text of a messages tree.
function flatten(tree, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v, key, out);
    else out.set(key, String(v));
  }
  return out;
}

const placeholders = (s) => [...s.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => m[1]).sort().join(',');

const APPS = ['villager', 'admin'];
const texts = {};
for (const app of APPS) {
  texts[app] = { zh: flatten(load(`zh-CN/${app}.ts`)), en: flatten(load(`en-US/${app}.ts`)) };
}

test('every zh-CN key has an English text', () => {
  const missing = [];
  for (const app of APPS) {
    const { zh, en } = texts[app];
    for (const [key, text] of zh) if (!en.has(key)) missing.push(`${app}: ${key}  (zh-CN: ${JSON.stringify(text)})`);
  }
  assert.ok(missing.length === 0,
    `${missing.length} key(s) in ui/src/locales/zh-CN with no English text in ui/src/locales/en-US:\n  ${missing.join('\n  ')}`);
});

test('en-US has no keys that zh-CN no longer has', () => {
  const stale = [];
  for (const app of APPS) {
    const { zh, en } = texts[app];
    for (const key of en.keys()) if (!zh.has(key)) stale.push(`${app}: ${key}`);
  }
  assert.ok(stale.length === 0, `${stale.length} key(s) in en-US that zh-CN does not have (renamed or removed?):\n  ${stale.join('\n  ')}`);
});

test('each English text has the same {placeholders} as the Chinese one, and no message syntax of its own', () => {
  const wrong = [];
  for (const app of APPS) {
    const { zh, en } = texts[app];
    for (const [key, text] of en) {
      if (!zh.has(key)) continue;
      if (placeholders(text) !== placeholders(zh.get(key))) {
        wrong.push(`${app}: ${key}: {${placeholders(text)}} vs zh-CN {${placeholders(zh.get(key))}}`);
      }
      // vue-i18n reads "@" as a linked message and "|" as plural forms
      if (/[@|]/.test(text) && !/[@|]/.test(zh.get(key))) wrong.push(`${app}: ${key}: "@" or "|" in ${JSON.stringify(text)}`);
      if (!text.trim()) wrong.push(`${app}: ${key}: empty`);
    }
  }
  assert.deepEqual(wrong, []);
});
