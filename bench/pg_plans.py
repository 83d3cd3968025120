#!/usr/bin/env python3
"""Generic against custom plans of the server's prepared statements on PostgreSQL.

Reads a PostgreSQL server log written with log_min_duration_statement = 0 (every
"execute cz_N: SQL" line and its "parameters:" detail, as the server ran them), keeps
the statements whose text has a LIKE (the unit-scoped reads: path LIKE '/1/2/%'), and
for each distinct statement and parameter set runs, in one psql session per mode,
  SET plan_cache_mode = force_custom_plan | force_generic_plan;
  PREPARE q AS <the statement>;  EXPLAIN (ANALYZE, BUFFERS) EXECUTE q(<the parameters>)
(untyped, as the server prepares them: parameter types inferred, values sent as text;
in a transaction rolled back afterwards),
twice, keeping the second run (warm cache), each run cut at TIMEOUT seconds (default 20:
"> 20 s" in the table). Prints a Markdown table: for each statement (its first
characters, parameters, the durations the server logged for it in order, which show a
switch to the generic plan after the fifth run), planning + execution time of each mode,
their ratio and whether the plans' shapes differ; --plans DIR keeps every plan.

  bench/pg_plans.py LOG CONNINFO [FIRST_LINE] [--plans DIR] [--timeout SECONDS]
"""
import os
import re
import subprocess
import sys

PSQL = os.environ.get('PSQL') or next((p for p in sorted(
    f'/usr/lib/postgresql/{v}/bin/psql' for v in os.listdir('/usr/lib/postgresql')) if os.path.exists(p)), 'psql')
EXEC = re.compile(r'LOG:  duration: ([0-9.]+) ms  execute (?:cz_\d+|<unnamed>): (.*)$')
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def statements(path, first):
    out = {}
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    for i in range(max(first - 1, 0), len(lines)):
        m = EXEC.search(lines[i])
        if not m or ' LIKE ' not in m.group(2).upper():
            continue
        sql = m.group(2)
        params = []
        if i + 1 < len(lines) and 'DETAIL:  parameters: ' in lines[i + 1]:
            params = [v for _, v in sorted(PARAM.findall(lines[i + 1]), key=lambda p: int(p[0]))]
        # one parameter set per statement and unit prefix (the first one seen)
        key = (sql, tuple(v for v in params if '%' in v))
        e = out.setdefault(key, {'n': 0, 'ms': [], 'params': params})
        e['n'] += 1
        e['ms'].append(float(m.group(1)))
    return out


def explain(conninfo, mode, sql, params, timeout):
    args = '(' + ', '.join(params) + ')' if params else ''
    # in a transaction rolled back: the writes among them (INSERT … SELECT) change nothing
    script = (f"BEGIN;\nSET LOCAL statement_timeout = '{timeout}s';\nSET LOCAL plan_cache_mode = {mode};\n"
              f"PREPARE q AS {sql};\n" + f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE q{args};\n" * 2 + "ROLLBACK;\n")
    r = subprocess.run([PSQL, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', conninfo], input=script,
                       capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr.strip()
    text = r.stdout.strip().split('\n')
    # the second run's lines: after the first "Execution Time"
    return text[next(i for i, l in enumerate(text) if l.startswith('Execution Time')) + 1:], None


def shape(plan):
    s = []
    for l in plan:
        if l.startswith(('Planning', 'Execution')) or 'Buffers:' in l:
            continue
        s.append(re.sub(r'\s*\(.*?\)\s*(\(actual.*\))?$', '', re.sub(r'\(cost=[^)]*\)', '', l)).rstrip())
    return [x for x in s if x.strip() and not x.strip().startswith(('Filter', 'Rows Removed', 'Index Cond',
                                                                    'Recheck', 'Heap Blocks', 'Hash Cond',
                                                                    'Sort Key', 'Sort Method', 'Join Filter',
                                                                    'Group Key', 'Output', 'Buckets', 'Memory',
                                                                    'Worker', 'Workers', 'Cache', 'Hits',
                                                                    'Presorted', 'Full-sort', 'One-Time',
                                                                    'SubPlan', 'InitPlan', 'Merge Cond'))]


def ms(plan, what):
    for l in plan:
        if l.startswith(what):
            return float(l.split(':')[1].split()[0])
    return float('nan')


def main():
    a = [x for x in sys.argv[1:] if not x.startswith('--')]
    plans = sys.argv[sys.argv.index('--plans') + 1] if '--plans' in sys.argv else None
    timeout = int(sys.argv[sys.argv.index('--timeout') + 1]) if '--timeout' in sys.argv else 20
    if plans:
        a.remove(plans)
        os.makedirs(plans, exist_ok=True)
    if '--timeout' in sys.argv:
        a.remove(str(timeout))
    log, conninfo = a[0], a[1]
    first = int(a[2]) if len(a) > 2 else 1
    st = statements(log, first)
    print('| # | statement (start) | parameters | server ms (runs) | custom plan+exec ms | generic plan+exec ms | '
          'generic ÷ custom | plan differs |')
    print('|---|---|---|---|---:|---:|---:|---|')
    for n, ((sql, _), e) in enumerate(st.items(), 1):
        params = e['params']
        res = {}
        for mode in ('force_custom_plan', 'force_generic_plan'):
            plan, err = explain(conninfo, mode, sql, list(params), timeout)
            if err and 'statement timeout' in err:
                plan = ['Planning Time: 0 ms', f'Execution Time: {timeout * 1000} ms (timeout)']
            elif err:
                res[mode] = None
                print(f'<!-- {n}: {mode}: {err[:300]} -->')
                continue
            res[mode] = plan
            if plans:
                with open(os.path.join(plans, f'{n:03d}-{mode}.txt'), 'w') as f:
                    f.write(sql + '\n' + ', '.join(params) + '\n\n' + '\n'.join(plan) + '\n')
        c, g = res.get('force_custom_plan'), res.get('force_generic_plan')
        if not c or not g:
            continue
        late = lambda plan: '>' if plan[-1].endswith('(timeout)') else ''
        ct = ms(c, 'Planning Time') + ms(c, 'Execution Time')
        gt = ms(g, 'Planning Time') + ms(g, 'Execution Time')
        p = ', '.join(v if len(v) < 24 else v[:21] + "…'" for v in params)
        runs = ' '.join(f'{x:.1f}' for x in e['ms'][:8]) + (' …' if len(e['ms']) > 8 else '')
        print(f"| {n} | `{sql[:70]}` | {p} | {runs} | {ms(c, 'Planning Time'):.2f}+{ms(c, 'Execution Time'):.2f} | "
              f"{late(g)}{ms(g, 'Planning Time'):.2f}+{ms(g, 'Execution Time'):.2f} | {late(g)}{gt / ct if ct else float('nan'):.2f} | "
              f"{'yes' if shape(c) != shape(g) else 'no'} |", flush=True)


if __name__ == '__main__':
    main()
