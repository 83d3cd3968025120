#!/usr/bin/env bash
# Cunzhi village finance benchmark (issue 13): bash bench/finance.sh BIN
#
# On a fresh demo village (青山村 and its county), a new village 石桥村 gets an accountant
# and a cadre over the API and a year of accounts through the real endpoints: for each
# of the last twelve months BENCH_FIN_PER_MONTH (100) entries (income and expense over
# six categories, entered by the accountant, approved by the cadre), and each month but
# the current one published as its 财务公开 statement, in order. Then, wrk 2 threads,
# 32 connections, BENCH_SECONDS (8) each, as the cadre:
#   a static file of the web UI (2 KB);
#   the current month's statement computed live from its entries (GET /api/v1/finance/
#     month?village_id=V&month=YYYY-MM: opening balance, every category, closing);
#   a published statement (GET /api/v1/finance/statements/ID, stored lines);
#   the year's statements (GET /api/v1/finance/statements?village_id=V&year=YYYY);
#   the year's statements as XLSX (GET /api/v1/finance/statements-export.xlsx?…);
# requests/s and p99, headline: each as a ratio to the static file. The run fails on any
# non-2xx reply, if a published statement does not add up to the 分 of its entries, or
# if `cunzhi verify` fails after the run.
# Environment: BENCH_SECONDS, BENCH_FIN_PER_MONTH, BENCH_PORT, BENCH_DIR, BENCH_KEEP=1,
# BENCH_FINANCE_OUT (results file; default BIN's dir/bench-finance-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start finance "wrk" "$@"
DUR=${BENCH_SECONDS:-8}
PER_MONTH=${BENCH_FIN_PER_MONTH:-100}
THREADS=2
CONNS=32
OUT=${BENCH_FINANCE_OUT:-$(dirname "$BIN")/bench-finance-results.md}

bench_demo village
bench_serve

# ---- a new village with its accountant and cadre ----
login 13900000003
http GET /api/v1/session
QINGSHAN=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"role":"cadre","role_label":"[^"]*","unit_id":\([0-9]*\).*/\1/p')
http GET "/api/v1/units/$QINGSHAN"
expect 200 "青山村"
TOWN=$(json_int parent_id)
login 13900000001
http POST /api/v1/units "{\"parent_id\":$TOWN,\"kind\":\"village\",\"code\":\"BENCH-FIN\",\"name\":\"石桥村\"}"
expect 201 "new village"
VILLAGE=$(json_int id)
ADMIN=$TOKEN
staff() {
  TOKEN=$ADMIN
  http POST /api/v1/users "{\"phone\":\"$1\",\"name\":\"$2\",\"password\":\"Bench-Fin-2026\"}"
  expect 201 "user $1"
  local id
  id=$(json_int id)
  http POST "/api/v1/users/$id/grants" "{\"role\":\"$3\",\"unit_id\":$VILLAGE}"
  expect 200 "grant $3"
  TOKEN=
  http POST /api/v1/session "{\"phone\":\"$1\",\"password\":\"Bench-Fin-2026\"}"
  expect 201 "login $1"
  TOKEN=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
}
staff 19955551001 吴会计 accountant
ACC=$TOKEN
staff 19955551002 周主任 cadre
CADRE=$TOKEN

# ---- a year of accounts ----
today=$(TZ=Asia/Shanghai date +%F)
this_month=${today:0:7}
month_at() { TZ=Asia/Shanghai date -d "${this_month}-01 $1 month" +%Y-%m; }
categories=("income 502 鱼塘承包费 王建国" "income 504 村级组织运转经费补助 青川县财政局"
            "income 501 茶园鲜叶销售 青川县茶叶合作社" "expense 55001 干部报酬 村两委干部"
            "expense 55002 办公用品 青川县文具店" "expense 551 村道修补 石桥村施工队")
start=$(date +%s)
entries=0 income=0 expense=0
for k in $(seq 11 -1 0); do
  m=$(month_at "-$k")
  last_day=28
  [ "$k" = 0 ] && last_day=$((10#${today:8:2}))
  for i in $(seq 1 "$PER_MONTH"); do
    read -r kind cat summary counterpart <<<"${categories[$((i % 6))]}"
    day=$(( (i % last_day) + 1 ))
    amount=$(( (i * 7919 + k * 104729) % 500000 + 1000 ))
    TOKEN=$ACC
    http POST /api/v1/finance/entries "{\"village_id\":$VILLAGE,\"kind\":\"$kind\",\"category\":\"$cat\",\"amount\":$amount,\"occurred_on\":\"$m-$(printf %02d "$day")\",\"counterpart\":\"$counterpart\",\"summary\":\"$summary（第 $i 笔）\"}"
    expect 201 "entry $m #$i"
    id=$(json_int id)
    TOKEN=$CADRE
    http POST "/api/v1/finance/entries/$id/approve" '{}'
    expect 200 "approve $id"
    entries=$((entries + 1))
    if [ "$kind" = income ]; then income=$((income + amount)); else expense=$((expense + amount)); fi
  done
  if [ "$k" != 0 ]; then
    http POST /api/v1/finance/statements "{\"village_id\":$VILLAGE,\"month\":\"$m\"}"
    expect 201 "publish $m"
    STATEMENT=$(json_int id)
  fi
done
gen_seconds=$(( $(date +%s) - start ))
log "$entries entries in ${gen_seconds} s, 11 statements published"

# the year adds up: the current month's closing balance is every entry's sum
TOKEN=$CADRE
MONTH_PATH="/api/v1/finance/month?village_id=$VILLAGE&month=$this_month"
http GET "$MONTH_PATH"
expect 200 "the live month"
closing=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"closing":\([0-9-]*\).*/\1/p' | head -1)
month_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
[ "$closing" = $((income - expense)) ] || { log "closing balance $closing, entries sum to $((income - expense))"; exit 1; }
YEAR=${this_month:0:4}
STMT_PATH="/api/v1/finance/statements/$STATEMENT"
YEAR_PATH="/api/v1/finance/statements?village_id=$VILLAGE&year=$YEAR"
XLSX_PATH="/api/v1/finance/statements-export.xlsx?village_id=$VILLAGE&year=$YEAR"
for p in "$STMT_PATH" "$YEAR_PATH" "$XLSX_PATH"; do http GET "$p"; expect 200 "$p"; done

base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $CADRE")
log "warming up"
for p in "$MONTH_PATH" "$STMT_PATH" "$YEAR_PATH" "$XLSX_PATH"; do wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$p"; done
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "live month statement, ${DUR} s"
wrk_run month "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$MONTH_PATH"
month_rps=$RPS month_p99=$P99
log "published statement, ${DUR} s"
wrk_run stmt "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$STMT_PATH"
stmt_rps=$RPS stmt_p99=$P99
log "the year's statements, ${DUR} s"
wrk_run year "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$YEAR_PATH"
year_rps=$RPS year_p99=$P99
log "the year's statements as XLSX, ${DUR} s"
wrk_run xlsx "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$XLSX_PATH"
xlsx_rps=$RPS xlsx_p99=$P99

bench_stop
bench_verify verify_after "after the run"

bench_machine
{
  echo "### Finance: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r); load average before the run: $LOAD0."
  echo "Village $VILLAGE: $entries entries over twelve months through the API (entered and approved, ${gen_seconds} s)," \
       "eleven months published; the live month ($month_bytes B) closes at $closing 分 = the sum of every entry."
  echo "\`cunzhi verify\` after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement, ${THREADS}t/${CONNS}c | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B) | %s | %s | 1 |\n' "$static_bytes" "$(rate "$static_rps")" "$static_p99"
  printf '| live month statement GET /api/v1/finance/month | %s | %s | **%s** of static |\n' "$(rate "$month_rps")" "$month_p99" "$(ratio "$month_rps" "$static_rps")"
  printf '| published statement GET /api/v1/finance/statements/ID | %s | %s | **%s** of static |\n' "$(rate "$stmt_rps")" "$stmt_p99" "$(ratio "$stmt_rps" "$static_rps")"
  printf '| the year GET /api/v1/finance/statements?year= | %s | %s | **%s** of static |\n' "$(rate "$year_rps")" "$year_p99" "$(ratio "$year_rps" "$static_rps")"
  printf '| the year as XLSX GET /api/v1/finance/statements-export.xlsx | %s | %s | **%s** of static |\n' "$(rate "$xlsx_rps")" "$xlsx_p99" "$(ratio "$xlsx_rps" "$static_rps")"
} | tee "$OUT"
log "results written to $OUT"
