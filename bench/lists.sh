#!/usr/bin/env bash
# Cunzhi lists benchmark (issue 12): bash bench/lists.sh BIN
#
# In one run, on a fresh demo county (18 villages in 2 towns, each with its adopted
# lists) given BENCH_LIST_RECORDS (default 100,000) execution records over two years by
# bench/gen_lists.c (steps, due dates on the holiday calendar, late and stalled steps,
# outcomes as the server would have left them):
#   reads   wrk, 2 threads, 32 connections, BENCH_SECONDS (8) each: a static file of
#           the web UI (2 KB); the county's overdue board (GET /api/v1/list-board?unit=
#           COUNTY, logged in as the county admin 13900000001, the first page of 50 with
#           the total); a village's public list page (GET /api/v1/public/villages/V/lists,
#           no login: 青山村's adopted lists, every item with its steps) and its public
#           outcomes (GET …/lists/outcomes, the first page of 50); requests/s and p99,
#           headline: each as a ratio to the static file. Then each alone on one
#           connection (BENCH_SECONDS / 2): p50 / p99 without queueing.
#   writes  on one connection for BENCH_WRITE_SECONDS (8) each, as the cadre of 青山村
#           (13900000003): starting a record (POST /api/v1/executions, item 物资采购:
#           record, its frozen steps, audit entry, one transaction, synchronous=FULL),
#           then advancing the records it made (POST /api/v1/executions/ID/steps/N, in
#           order, all five steps are the cadre's); against raw SQLite single-row
#           INSERT transactions on the same disk (bench/sqlite_baseline.c) after the
#           server has stopped.
# The run fails on any non-2xx reply or socket error, if the writes did not change what
# wrk counted, or if `cunzhi verify` fails after generation or after the run.
#
# Environment: BENCH_SECONDS, BENCH_WRITE_SECONDS, BENCH_LIST_RECORDS, BENCH_LIST_DAYS
# (730), BENCH_PORT, BENCH_DIR, BENCH_KEEP=1, BENCH_LISTS_OUT (results file; default
# BIN's dir/bench-lists-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start lists "wrk cc pkg-config objects" "$@"
DUR=${BENCH_SECONDS:-8}
WDUR=${BENCH_WRITE_SECONDS:-8}
NRECORDS=${BENCH_LIST_RECORDS:-100000}
NDAYS=${BENCH_LIST_DAYS:-730}
THREADS=2
CONNS=32
OUT=${BENCH_LISTS_OUT:-$(dirname "$BIN")/bench-lists-results.md}

# ---- the programs: the SQLite baseline, the generator (util objects only) ----
bench_cc_baseline
# shellcheck disable=SC2086
if ! cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I"$here/../src" -I"$BUILD" \
    -o "$WORK/gen_lists" "$here/gen_lists.c" "$BUILD/src/util/num.o" "$BUILD/src/util/timeutil.o" \
    "$BUILD/src/util/workdays.o" "$BUILD/src/util/buf.o" $sqlite_flags -lm 2>"$WORK/cc.log"; then
  cat "$WORK/cc.log" >&2
  log "cannot compile bench/gen_lists.c against $BUILD (run make first)"
  exit 1
fi

# ---- a fresh demo county with two years of records, and a 2 KB static page ----
bench_demo county
log "generating $NRECORDS records over $NDAYS days"
"$WORK/gen_lists" "$DATA" "$NRECORDS" "$NDAYS" >"$WORK/gen.txt" 2>"$WORK/gen.log" || { cat "$WORK/gen.log" >&2; exit 1; }
gen() { awk -F= -v k="$1" '$1 == k {print $2}' "$WORK/gen.txt"; }
COUNTY=$(gen county) VILLAGE=$(gen village) GEN_SECONDS=$(gen seconds) GEN_TOTAL=$(gen records)
GEN_STEPS=$(gen steps) GEN_OPEN=$(gen open) GEN_CLOSED=$(gen closed) GEN_OVERDUE=$(gen overdue_now) GEN_LATE=$(gen late_steps)
log "generated in ${GEN_SECONDS} s: $GEN_TOTAL records ($GEN_OPEN open, $GEN_CLOSED closed), $GEN_STEPS steps, $GEN_OVERDUE overdue now"
bench_verify verify_out "after generation"
db_mb=$(du -m "$DATA/cunzhi.db" | cut -f1)

bench_serve

login 13900000001
COUNTY_TOKEN=$TOKEN
BOARD_PATH="/api/v1/list-board?unit=$COUNTY"
LISTS_PATH="/api/v1/public/villages/$VILLAGE/lists"
OUTCOMES_PATH="/api/v1/public/villages/$VILLAGE/lists/outcomes"
http GET "$BOARD_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "overdue board failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
board_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
board_total=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\),"limit".*/\1/p')
TOKEN=
http GET "$LISTS_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "public lists failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
lists_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
lists_items=$(printf '%s' "$HTTP_BODY" | grep -o '"time_limit_days":' | wc -l)
http GET "$OUTCOMES_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "public outcomes failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
outcomes_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
outcomes_total=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\),"limit".*/\1/p')
log "county $COUNTY: $board_total overdue now; village $VILLAGE: $lists_items items, $outcomes_total public outcomes; port $PORT"


base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $COUNTY_TOKEN")
log "warming up"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$BOARD_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "$base$LISTS_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "$base$OUTCOMES_PATH"
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "overdue board, ${DUR} s"
wrk_run board "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$BOARD_PATH"
board_rps=$RPS board_p99=$P99
log "public list page, ${DUR} s"
wrk_run lists "$DUR" -t"$THREADS" -c"$CONNS" "$base$LISTS_PATH"
lists_rps=$RPS lists_p99=$P99
log "public outcomes page, ${DUR} s"
wrk_run outcomes "$DUR" -t"$THREADS" -c"$CONNS" "$base$OUTCOMES_PATH"
outcomes_rps=$RPS outcomes_p99=$P99
D1=$(( DUR / 2 > 2 ? DUR / 2 : 2 ))
log "each alone, 1 connection, ${D1} s each"
wrk_run board1 "$D1" -t1 -c1 "${auth[@]}" "$base$BOARD_PATH"
board1_p50=$P50 board1_p99=$P99
wrk_run lists1 "$D1" -t1 -c1 "$base$LISTS_PATH"
lists1_p50=$P50 lists1_p99=$P99
wrk_run outcomes1 "$D1" -t1 -c1 "$base$OUTCOMES_PATH"
outcomes1_p50=$P50 outcomes1_p99=$P99

# ---- writes: the cadre starts records, then advances them ----
login 13900000003
CADRE_TOKEN=$TOKEN
http GET "/api/v1/lists?village=$VILLAGE&kind=power"
ITEM=$(printf '%s' "$HTTP_BODY" | sed 's/{"id":/\n{"id":/g' | grep '"name":"物资采购"' | grep -o '^{"id":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$ITEM" ] || { log "no item 物资采购 in village $VILLAGE"; exit 1; }
newest() {
  http GET "/api/v1/executions?village=$VILLAGE&limit=1"
  printf '%s' "$HTTP_BODY" | sed -n 's/^{"items":\[{"id":\([0-9]*\),.*/\1/p'
}
count_village() {
  http GET "/api/v1/executions?village=$VILLAGE&limit=1"
  printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\),"limit".*/\1/p'
}
before=$(count_village)
cat >"$WORK/start.lua" <<'LUA'
local headers, item
local n = 0
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  item = args[2]
end
function request()
  n = n + 1
  return wrk.format("POST", "/api/v1/executions", headers, string.format(
    '{"item_id":%s,"title":"基准测试：采购办公用品第 %d 批","note":"打印纸、墨盒和文件柜"}', item, n))
end
LUA
log "start POST /api/v1/executions, 1 connection, ${WDUR} s"
wrk_run start "$WDUR" -t1 -c1 -s "$WORK/start.lua" "$base/" -- "$CADRE_TOKEN" "$ITEM"
start_rps=$RPS start_p99=$P99
start_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-start.txt")
after=$(count_village)
made=$((after - before))
if [ "$made" -lt "$start_n" ] || [ "$made" -gt $((start_n + 1)) ]; then
  log "the village had $before records, now $after, for $start_n requests"
  exit 1
fi
last_id=$(newest)   # the newest started: the records are consecutive ids, one connection
first_id=$((last_id - made + 1))
cat >"$WORK/advance.lua" <<'LUA'
local headers, lo, hi
local id, step = 0, 1
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  lo, hi = tonumber(args[2]), tonumber(args[3])
  id = lo
end
function request()
  local r = wrk.format("POST", string.format("/api/v1/executions/%d/steps/%d", id, step), headers,
    '{"note":"已按规定办理"}')
  id = id + 1
  -- wrk builds the first request of a thread before it connects and may not send it:
  -- the later rounds leave the first record out, so that its step 1 is never assumed
  if id > hi then id = lo + 1; step = step + 1 end
  return r
end
LUA
log "advance POST /api/v1/executions/ID/steps/N over records $first_id..$last_id, 1 connection, ${WDUR} s"
wrk_run advance "$WDUR" -t1 -c1 -s "$WORK/advance.lua" "$base/" -- "$CADRE_TOKEN" "$first_id" "$last_id"
advance_rps=$RPS advance_p99=$P99
advance_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-advance.txt")

bench_stop
done_steps=$(sqlite3 "$DATA/cunzhi.db" "SELECT count(*) FROM list_execution_steps WHERE execution_id BETWEEN $first_id AND $last_id AND done_at IS NOT NULL" 2>/dev/null || echo "?")
if [ "$done_steps" != "?" ] && { [ "$done_steps" -lt "$advance_n" ] || [ "$done_steps" -gt $((advance_n + 1)) ]; }; then
  log "$done_steps steps done for $advance_n requests"
  exit 1
fi
bench_verify verify_after "after the run"

log "raw SQLite single-row transactions, ${WDUR} s"
baseline=$("$WORK/sqlite_baseline" "$DATA/baseline.db" "$WDUR")
sqlite_tps=$(printf '%s\n' "$baseline" | awk '{for (i = 2; i <= NF; i++) if ($i == "tx/s") print $(i-1)}')
sqlite_version=$(printf '%s\n' "$baseline" | awk '{sub(/:$/, "", $2); print $2}')

bench_machine
{
  echo "### Lists: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM," \
       "Linux $(uname -r), data on $fs; SQLite $sqlite_version; load average before the run: $LOAD0."
  echo "Demo county $COUNTY; bench/gen_lists.c (${GEN_SECONDS} s): $GEN_TOTAL records in all over $NDAYS days" \
       "($GEN_OPEN open, $GEN_CLOSED closed; $GEN_STEPS steps, $GEN_LATE done late); database ${db_mb} MB."
  echo "Overdue now in the county: $board_total (board page $board_bytes B). Village $VILLAGE: $lists_items items" \
       "($lists_bytes B), $outcomes_total public outcomes (first page $outcomes_bytes B)."
  echo "\`cunzhi verify\` after generation: $(printf '%s' "$verify_out" | tr '\n' ' ')"
  echo "and after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B), %dt/%dc | %s | %s | 1 |\n' "$static_bytes" "$THREADS" "$CONNS" "$(rate "$static_rps")" "$static_p99"
  printf '| overdue board GET /api/v1/list-board?unit=COUNTY (%s overdue), %dt/%dc | %s | %s | **%s** of static |\n' "$board_total" "$THREADS" "$CONNS" "$(rate "$board_rps")" "$board_p99" "$(ratio "$board_rps" "$static_rps")"
  printf '| public list page GET /api/v1/public/villages/V/lists (%s items), %dt/%dc | %s | %s | **%s** of static |\n' "$lists_items" "$THREADS" "$CONNS" "$(rate "$lists_rps")" "$lists_p99" "$(ratio "$lists_rps" "$static_rps")"
  printf '| public outcomes GET /api/v1/public/villages/V/lists/outcomes (%s), %dt/%dc | %s | %s | **%s** of static |\n' "$outcomes_total" "$THREADS" "$CONNS" "$(rate "$outcomes_rps")" "$outcomes_p99" "$(ratio "$outcomes_rps" "$static_rps")"
  printf '| durable start POST /api/v1/executions (%s created), 1 connection | %s | %s | **%s** of SQLite |\n' "$start_n" "$(rate "$start_rps")" "$start_p99" "$(ratio "$start_rps" "$sqlite_tps")"
  printf '| durable step POST /api/v1/executions/ID/steps/N (%s done), 1 connection | %s | %s | **%s** of SQLite |\n' "$advance_n" "$(rate "$advance_rps")" "$advance_p99" "$(ratio "$advance_rps" "$sqlite_tps")"
  printf '| raw SQLite single-row INSERT transaction (WAL, synchronous=FULL) | %s | | 1 |\n' "$(rate "$sqlite_tps")"
  echo
  echo "One request at a time (1 connection, ${D1} s each), p50 / p99 ms: overdue board $board1_p50 / $board1_p99;" \
       "public list page $lists1_p50 / $lists1_p99; public outcomes $outcomes1_p50 / $outcomes1_p99."
} | tee "$OUT"
log "results written to $OUT"
