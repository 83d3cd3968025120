#!/usr/bin/env node
// The villager app's first load, from the build itself: index.html, the entry script
// and every script it imports, the stylesheets, the fonts they reference, and the
// chunk of the first page shown (the login page for a new visitor, the home page when
// logged in), as the build manifest (ui/dist/.vite/manifest.json) lists them. Sizes
// are gzip -9 of each file; requests are the number of files. API replies are not
// counted. Usage: node tests/ui/bundle-size.js [--markdown] [--max KB]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const DIST = process.env.CUNZHI_UI || path.resolve(__dirname, '../../ui/dist');

function gz(file) {
  return zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length;
}

// Files a page load needs: html, then the entry's static import closure with its CSS,
// then the route chunk's closure, then fonts and images referenced from the CSS.
function firstLoad(route) {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8'));
  const files = new Set(['index.html']);
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = manifest[key];
    if (!c) throw new Error(`not in the build manifest: ${key}`);
    files.add(c.file);
    for (const css of c.css || []) files.add(css);
    for (const imp of c.imports || []) walk(imp);
  };
  walk('index.html');
  walk(route);
  for (const f of [...files].filter((x) => x.endsWith('.css'))) {
    const css = fs.readFileSync(path.join(DIST, f), 'utf8');
    for (const m of css.matchAll(/url\(\s*["']?\/?(assets\/[^"')]+)["']?\s*\)/g)) files.add(m[1]);
  }
  const list = [...files].map((f) => ({ file: f, bytes: fs.statSync(path.join(DIST, f)).size, gzip: gz(f) }));
  return { route, files: list, requests: list.length, bytes: list.reduce((a, x) => a + x.bytes, 0), gzip: list.reduce((a, x) => a + x.gzip, 0) };
}

function measure() {
  return {
    login: firstLoad('src/villager/account/LoginView.vue'),
    home: firstLoad('src/villager/home/HomeView.vue'),
  };
}

const kb = (n) => (n / 1024).toFixed(1);

function markdown(r) {
  const row = (name, x) => `| ${name} | ${x.requests} | ${kb(x.bytes)} KB | ${kb(x.gzip)} KB |`;
  return [
    '| first page | requests | bytes | gzipped |',
    '|---|---:|---:|---:|',
    row('login (new visitor)', r.login),
    row('home (logged in)', r.home),
  ].join('\n');
}

if (require.main === module) {
  const r = measure();
  const args = process.argv.slice(2);
  if (args.includes('--markdown')) {
    console.log(markdown(r));
  } else {
    for (const k of ['login', 'home']) {
      console.log(`${k}: ${r[k].requests} requests, ${kb(r[k].bytes)} KB, ${kb(r[k].gzip)} KB gzipped`);
      for (const f of r[k].files) console.log(`  ${kb(f.gzip).padStart(7)} KB  ${f.file}`);
    }
  }
  const i = args.indexOf('--max');
  if (i >= 0) {
    const max = Number(args[i + 1]) * 1024;
    if (r.login.gzip > max || r.home.gzip > max) {
      console.error(`over the budget of ${args[i + 1]} KB gzipped`);
      process.exit(1);
    }
  }
}

module.exports = { measure, markdown };
