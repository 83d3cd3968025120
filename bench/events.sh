#!/usr/bin/env bash
# Cunzhi events benchmark (issue 11): bash bench/events.sh BIN   (also run by bench/run.sh)
#
# In one run, on a fresh demo county (18 villages in 2 towns) given two years of 民情
# events by bench/gen_events.c (BENCH_EVENTS, default 200,000; states, outcomes,
# ratings, timelines, deadlines and 督办 as the server would have left them):
#   reads   wrk, 2 threads, 32 connections, BENCH_SECONDS (8) each, logged in as the
#           county admin (13900000001): a static file of the web UI (2 KB), the
#           county's overdue board (GET /api/v1/events?overdue=1&unit_id=COUNTY, the
#           first page of 20 with the total), the county's statistics for the last
#           whole year (GET /api/v1/event-stats?unit_id=COUNTY&from=Y-01-01&to=Y-12-31)
#           and the same grouped by month (&group_by=month); requests/s and p99,
#           headline: each read as a ratio to the static file. Then each of the three
#           alone on one connection (BENCH_SECONDS / 2): the latency of one request
#           without queueing (the statistics must stay under 100 ms).
#   intake  one POST /api/v1/events after another on one connection for
#           BENCH_WRITE_SECONDS (8), as the village cadre (13900000003, channel cadre,
#           category 环境卫生): each one transaction (event, timeline step, audit entry),
#           synchronous=FULL; against raw SQLite single-row INSERT transactions on the
#           same disk (bench/sqlite_baseline.c) after the server has stopped.
# The run fails on any non-2xx reply or socket error, if the intake did not create the
# events wrk counted, or if `cunzhi verify` fails after generation or after the run.
#
# Environment: BENCH_SECONDS, BENCH_WRITE_SECONDS, BENCH_EVENTS, BENCH_EVENT_DAYS (730),
# BENCH_PORT, BENCH_DIR, BENCH_KEEP=1, BENCH_EVENTS_OUT (results file; default BIN's
# dir/bench-events-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start events "wrk cc pkg-config objects" "$@"
DUR=${BENCH_SECONDS:-8}
WDUR=${BENCH_WRITE_SECONDS:-8}
NEVENTS=${BENCH_EVENTS:-200000}
NDAYS=${BENCH_EVENT_DAYS:-730}
THREADS=2
CONNS=32
OUT=${BENCH_EVENTS_OUT:-$(dirname "$BIN")/bench-events-results.md}

# ---- the programs: the SQLite baseline, the generator (linked as the Makefile links) ----
bench_cc_baseline
bench_cc_gen gen_events

# ---- a fresh demo county with two years of events, and a 2 KB static page ----
bench_demo county
log "generating $NEVENTS events over $NDAYS days"
"$WORK/gen_events" "$DATA" "$NEVENTS" "$NDAYS" >"$WORK/gen.txt" 2>"$WORK/gen.log" || { cat "$WORK/gen.log" >&2; exit 1; }
gen() { awk -F= -v k="$1" '$1 == k {print $2}' "$WORK/gen.txt"; }
COUNTY=$(gen county) GEN_SECONDS=$(gen seconds) GEN_TOTAL=$(gen events) GEN_STEPS=$(gen steps)
GEN_SUPS=$(gen supervisions) GEN_OVERDUE=$(gen overdue_now)
states=$(grep '^state_' "$WORK/gen.txt" | sed 's/^state_//; s/=/ /' | tr '\n' ',' | sed 's/,$//; s/,/, /g')
log "generated in ${GEN_SECONDS} s: $GEN_TOTAL events ($states), $GEN_STEPS steps, $GEN_SUPS 督办, $GEN_OVERDUE overdue now"
bench_verify verify_out "after generation"
db_mb=$(du -m "$DATA/cunzhi.db" | cut -f1)

bench_serve

# ---- the three reads, as the county admin ----
login 13900000001
COUNTY_TOKEN=$TOKEN
YEAR=$(( $(TZ=Asia/Shanghai date +%Y) - 1 ))
BOARD_PATH="/api/v1/events?overdue=1&unit_id=$COUNTY"
STATS_PATH="/api/v1/event-stats?unit_id=$COUNTY&from=$YEAR-01-01&to=$YEAR-12-31"
MONTH_PATH="$STATS_PATH&group_by=month"
http GET "$BOARD_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "overdue board failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
board_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
board_total=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\),"limit".*/\1/p')
board_limit=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"limit":\([0-9]*\).*/\1/p')
http GET "$STATS_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "statistics failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
stats_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
stats_total=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":{\([^}]*\)}.*/\1/p')
stats_received=$(printf '%s' "$stats_total" | sed -n 's/.*"received":\([0-9]*\).*/\1/p')
http GET "$MONTH_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "monthly statistics failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
month_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
month_groups=$(printf '%s' "$HTTP_BODY" | grep -o '"key":' | wc -l)
log "county $COUNTY: $board_total overdue now; $YEAR: $stats_received events received; port $PORT"


base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $COUNTY_TOKEN")
log "warming up"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$BOARD_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$STATS_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$MONTH_PATH"
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "overdue board, ${DUR} s"
wrk_run board "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$BOARD_PATH"
board_rps=$RPS board_p99=$P99
log "county statistics for $YEAR, ${DUR} s"
wrk_run stats "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$STATS_PATH"
stats_rps=$RPS stats_p99=$P99
log "county statistics for $YEAR by month, ${DUR} s"
wrk_run month "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$MONTH_PATH"
month_rps=$RPS month_p99=$P99
# one request at a time: the latency of a request itself, without queueing
D1=$(( DUR / 2 > 2 ? DUR / 2 : 2 ))
log "the three alone, 1 connection, ${D1} s each"
wrk_run board1 "$D1" -t1 -c1 "${auth[@]}" "$base$BOARD_PATH"
board1_p50=$P50 board1_p99=$P99
wrk_run stats1 "$D1" -t1 -c1 "${auth[@]}" "$base$STATS_PATH"
stats1_p50=$P50 stats1_p99=$P99
wrk_run month1 "$D1" -t1 -c1 "${auth[@]}" "$base$MONTH_PATH"
month1_p50=$P50 month1_p99=$P99

# ---- intake: the cadre reports in their village, one request after another ----
login 13900000003
CADRE_TOKEN=$TOKEN
http GET /api/v1/session
VILLAGE=$(printf '%s' "$HTTP_BODY" | grep -o '"unit_id":[0-9]*' | head -1 | cut -d: -f2)
http GET "/api/v1/event-categories?county_id=$COUNTY"
CATEGORY=$(printf '%s' "$HTTP_BODY" | sed 's/},{/}\n{/g' | grep '"name":"环境卫生"' | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$VILLAGE" ] && [ -n "$CATEGORY" ] || { log "no village ($VILLAGE) or category ($CATEGORY): $HTTP_BODY"; exit 1; }
count_village() {
  http GET "/api/v1/events?unit_id=$VILLAGE&limit=1"
  printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\),"limit".*/\1/p'
}
before=$(count_village)
cat >"$WORK/intake.lua" <<'LUA'
local headers, village, category
local n = 0
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  village, category = args[2], args[3]
end
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/events", headers, string.format(
    '{"village_id":%s,"category_id":%s,"description":"基准测试：垃圾收集点 %d 号三天没清运，气味很大",' ..
    '"address":"一组","reporter_name":"李秀英","reporter_phone":"13812345678"}', village, category, n))
end
LUA
log "intake POST /api/v1/events, 1 connection, ${WDUR} s"
wrk_run intake "$WDUR" -t1 -c1 -s "$WORK/intake.lua" "$base/" -- "$CADRE_TOKEN" "$VILLAGE" "$CATEGORY"
intake_rps=$RPS intake_p99=$P99
intake_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-intake.txt")
after=$(count_village)
made=$((after - before))
if [ "$made" -lt "$intake_n" ] || [ "$made" -gt $((intake_n + 1)) ]; then
  log "the village had $before events, now $after, for $intake_n requests"
  exit 1
fi

bench_stop
bench_verify verify_after "after the run"

log "raw SQLite single-row transactions, ${WDUR} s"
baseline=$("$WORK/sqlite_baseline" "$DATA/baseline.db" "$WDUR")
sqlite_tps=$(printf '%s\n' "$baseline" | awk '{for (i = 2; i <= NF; i++) if ($i == "tx/s") print $(i-1)}')
sqlite_version=$(printf '%s\n' "$baseline" | awk '{sub(/:$/, "", $2); print $2}')

bench_machine
{
  echo "### Events: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM," \
       "Linux $(uname -r), data on $fs; SQLite $sqlite_version; load average before the run: $LOAD0."
  echo "Demo county $COUNTY; bench/gen_events.c (${GEN_SECONDS} s): $GEN_TOTAL events in all over $NDAYS days" \
       "($states), $GEN_STEPS timeline steps, $GEN_SUPS 督办; database ${db_mb} MB."
  echo "Overdue now in the county: $board_total (board page of $board_limit, $board_bytes B). $YEAR: $stats_received events received" \
       "($stats_bytes B; by month $month_groups months, $month_bytes B)."
  echo "\`cunzhi verify\` after generation: $(printf '%s' "$verify_out" | tr '\n' ' ')"
  echo "and after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B), %dt/%dc | %s | %s | 1 |\n' "$static_bytes" "$THREADS" "$CONNS" "$(rate "$static_rps")" "$static_p99"
  printf '| overdue board GET /api/v1/events?overdue=1&unit_id=COUNTY (%s overdue), %dt/%dc | %s | %s | **%s** of static |\n' "$board_total" "$THREADS" "$CONNS" "$(rate "$board_rps")" "$board_p99" "$(ratio "$board_rps" "$static_rps")"
  printf '| county statistics GET /api/v1/event-stats?unit_id=COUNTY&from=%s-01-01&to=%s-12-31 (%s events), %dt/%dc | %s | %s | **%s** of static |\n' "$YEAR" "$YEAR" "$stats_received" "$THREADS" "$CONNS" "$(rate "$stats_rps")" "$stats_p99" "$(ratio "$stats_rps" "$static_rps")"
  printf '| county statistics by month (&group_by=month), %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$CONNS" "$(rate "$month_rps")" "$month_p99" "$(ratio "$month_rps" "$static_rps")"
  printf '| durable intake POST /api/v1/events (%s created), 1 connection | %s | %s | **%s** of SQLite |\n' "$intake_n" "$(rate "$intake_rps")" "$intake_p99" "$(ratio "$intake_rps" "$sqlite_tps")"
  printf '| raw SQLite single-row INSERT transaction (WAL, synchronous=FULL) | %s | | 1 |\n' "$(rate "$sqlite_tps")"
  echo
  echo "One request at a time (1 connection, ${D1} s each), p50 / p99 ms: overdue board $board1_p50 / $board1_p99;" \
       "county statistics $stats1_p50 / $stats1_p99; by month $month1_p50 / $month1_p99 (target: statistics under 100 ms)."
} | tee "$OUT"
log "results written to $OUT"
