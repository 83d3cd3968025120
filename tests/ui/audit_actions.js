// Every object type and action the server writes to the audit log, read from the C
// sources under src/ (the domain and the demo; the HTTP layer only passes requests on):
// each call of audit_record and, through the parameters they pass on, of the
// helpers that wrap it (pt_audit, audit_entry, …). An argument is a string literal (or
// a choice between literals), a parameter of the enclosing function (its callers'
// arguments at that position count), a local variable (the literals assigned to
// it count), or a published document's descriptor (the types it is initialized
// with). What cannot be resolved is reported, so a new kind of call is noticed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const SRC = path.resolve(__dirname, '../../src');

function walk(dir, out = []) {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.c')) out.push(p);
  }
  return out;
}

// Comments out, string contents kept.
function stripComments(s) {
  return s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (m) => (m[0] === '"' ? m : ' '));
}

// The function definitions of a file: name, parameter names, body text.
function functions(text) {
  const out = [];
  const re = /^([a-z_][\w \t*]*?)\b(\w+)\(([^;{}]*?)\)\s*\{/gm;
  let m;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('\n}', start);
    if (end < 0) continue;
    const params = m[3].split(',').map((p) => (p.match(/(\w+)\s*(?:\[[^\]]*\])?\s*$/) || [])[1] || '');
    out.push({ name: m[2], isStatic: /\bstatic\b/.test(m[1]), params, body: text.slice(start, end) });
    re.lastIndex = end;
  }
  return out;
}

// The argument lists of every call of fn in text.
function calls(text, fn) {
  const out = [];
  const re = new RegExp('\\b' + fn + '\\s*\\(', 'g');
  let m;
  while ((m = re.exec(text))) {
    if (/\w\s*$/.test(text.slice(Math.max(0, m.index - 40), m.index)) &&
        /(?:int|result|void|char)\s*\*?\s*$/.test(text.slice(Math.max(0, m.index - 40), m.index))) continue; // a declaration
    let depth = 0;
    let i = m.index + m[0].length - 1;
    const args = [];
    let cur = '';
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        const s = text.slice(i).match(/^"(?:[^"\\\n]|\\.)*"/)[0];
        cur += s;
        i += s.length - 1;
        continue;
      }
      if (ch === '(') { depth++; if (depth === 1) continue; }
      if (ch === ')') { depth--; if (depth === 0) { args.push(cur.trim()); break; } }
      if (ch === ',' && depth === 1) { args.push(cur.trim()); cur = ''; continue; }
      cur += ch;
    }
    out.push(args);
  }
  return out;
}

const literals = (expr) => [...expr.matchAll(/"([a-z][a-z0-9_]*)"/g)].map((x) => x[1]);

function collect() {
  const files = walk(SRC).map((f) => {
    const text = stripComments(fs.readFileSync(f, 'utf8'));
    return { file: path.relative(path.resolve(SRC, '..'), f), text, fns: functions(text) };
  });
  // a static function is called only in its own file: "file:name"
  const key = (file, f) => (f.isStatic ? `${file}:${f.name}` : f.name);
  const fnName = (k) => k.slice(k.lastIndexOf(':') + 1);
  const fileOf = (k) => (k.includes(':') ? k.slice(0, k.lastIndexOf(':')) : null);
  // fn → { type: index | literal list, action: index }
  const targets = new Map([['audit_record', { type: 2, action: 4, fixed: null }]]);
  const types = new Set();
  const actions = new Set();
  const pairs = new Set();
  const unresolved = [];
  const done = new Set();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [fn, t] of [...targets]) {
      if (done.has(fn)) continue;
      done.add(fn);
      changed = true;
      for (const { file, text, fns } of files) {
        if (fileOf(fn) && fileOf(fn) !== file) continue;
        for (const f of fns) {
          if (key(file, f) === fn) continue;
          for (const args of calls(f.body, fnName(fn))) {
            const resolve = (idx) => {
              const expr = args[idx];
              if (expr === undefined) return { lits: [] };
              const lits = literals(expr);
              if (lits.length) return { lits };
              const id = expr.match(/^(\w+)$/);
              if (id && f.params.includes(id[1])) return { param: f.params.indexOf(id[1]) };
              // a member named action checked against the table of action names of the
              // file, or of its feature's folder
              if (/^\w+->action$/.test(expr)) {
                const re = /\baction_names\[\]\s*=\s*\{([^}]*)\}/;
                const table = text.match(re) || files.filter((o) => path.dirname(o.file) === path.dirname(file))
                  .map((o) => o.text.match(re)).find(Boolean);
                if (table) return { lits: literals(table[1]) };
              }
              // a document descriptor's type (domain/kernel/published.h): the types its
              // descriptors are initialized with
              if (/^\w+->audit_type$/.test(expr)) {
                const lits1 = files.flatMap((o) => [...o.text.matchAll(/\.audit_type\s*=\s*"([a-z][a-z0-9_]*)"/g)].map((x) => x[1]));
                if (lits1.length) return { lits: lits1 };
              }
              if (id) {
                const assigned = [...f.body.matchAll(new RegExp('\\b' + id[1] + '\\s*=\\s*([^;]+);', 'g'))].flatMap((x) => literals(x[1]));
                if (assigned.length) return { lits: assigned };
              }
              unresolved.push(`${file}: ${f.name} → ${fn}(… ${expr} …)`);
              return { lits: [] };
            };
            const ty = t.fixed ? { lits: t.fixed } : resolve(t.type);
            const ac = resolve(t.action);
            if (ty.param !== undefined || ac.param !== undefined) {
              // an action parameter the function checks against literals: those are its actions
              if (ac.param !== undefined && ty.lits) {
                const name = f.params[ac.param];
                for (const [, a] of f.body.matchAll(new RegExp('strcmp\\(' + name + ',\\s*"([a-z][a-z0-9_]*)"\\)', 'g'))) {
                  actions.add(a);
                  for (const ty1 of ty.lits) pairs.add(`${ty1}.${a}`);
                  for (const ty1 of ty.lits) types.add(ty1);
                }
              }
              // f passes the type or the action on: its own callers name them
              const next = { type: ty.param, action: ac.param, fixed: ty.lits && ty.param === undefined ? ty.lits : null };
              if (ac.param === undefined) { for (const a of ac.lits) actions.add(a); next.action = -1; }
              if (!targets.has(key(file, f))) targets.set(key(file, f), next);
              if (ac.param === undefined && ty.param !== undefined) {
                // the action is fixed here, the type comes from the callers
                targets.set(key(file, f), { type: ty.param, action: -1, fixed: null, actions: ac.lits });
              }
              continue;
            }
            for (const ty1 of ty.lits) { types.add(ty1); for (const a of ac.lits) pairs.add(`${ty1}.${a}`); }
            for (const a of ac.lits) actions.add(a);
          }
        }
      }
    }
    for (const [fn, t] of targets) {
      if (t.action === -1 && done.has(fn) && t.actions) {
        // wrappers with a fixed action and a type from callers: add their types
        for (const { file, fns } of files) for (const f of fns) {
          if (fileOf(fn) && fileOf(fn) !== file) continue;
          for (const args of calls(f.body, fnName(fn))) for (const ty of literals(args[t.type] || '')) {
          types.add(ty);
          for (const a of t.actions) pairs.add(`${ty}.${a}`);
          }
        }
      }
    }
  }
  return { types: [...types].sort(), actions: [...actions].sort(), pairs: [...pairs].sort(), unresolved, wrappers: [...targets.keys()] };
}

module.exports = { collect, calls, stripComments };

if (require.main === module) console.log(JSON.stringify(collect(), null, 1));
