#!/usr/bin/env bash
# Cunzhi dashboards benchmark (issue 16): bash bench/dashboards.sh BIN
#
# In one run, on a fresh demo county (`cunzhi demo --scale county`) given two years of
# 民情 events by bench/gen_events.c (BENCH_EVENTS, default 200,000), beside the demo's
# own points, shops, lists, disclosures, patrols and party meetings:
#   wrk, 2 threads, BENCH_SECONDS (8) each: a static file of the web UI (32 connections)
#   (2 KB); the county's dashboard GET /api/v1/dashboards/COUNTY (this month, every
#   section, with its towns), a town's GET /api/v1/dashboards/TOWN (with its villages)
#   and the 大屏's data GET /api/v1/display/TOKEN (the county's dashboard, twelve months
#   and the map) with a token the county admin issued (BENCH_API_CONNS, 4 connections);
#   requests/s and p99, each as a
#   ratio to the static file; the county's monthly series GET …/COUNTY/series and the
#   town's weekly series GET …/TOWN/series?by=week (the points figures from the daily
#   aggregates). Then each alone on one connection (BENCH_SECONDS / 2): the latency of
#   one request without queueing (goal: under 100 ms).
# Before the server starts, `cunzhi dash-daily` stores the daily aggregates of the
# ledger and of the events (timed), as the scheduler would on its first run.
#
# Environment: BENCH_SECONDS, BENCH_EVENTS, BENCH_EVENT_DAYS (730), BENCH_API_CONNS (4),
# BENCH_PORT, BENCH_DIR, BENCH_KEEP=1, BENCH_DASH_OUT (results file; default BIN's
# dir/bench-dashboards-results.md), BENCH_DASH_DATA (a data directory to measure in
# place instead of a fresh demo county, e.g. the 150,000-household county bench/county.sh
# keeps with BENCH_KEEP=1: the events are generated into it, BENCH_EVENTS=0 adds none).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start dashboards "wrk cc pkg-config objects" "$@"
DUR=${BENCH_SECONDS:-8}
NEVENTS=${BENCH_EVENTS:-200000}
NDAYS=${BENCH_EVENT_DAYS:-730}
THREADS=2
CONNS=32
# the dashboards take seconds a request at county scale: fewer connections, so the
# requests wrk leaves queued when it stops drain within lib.sh's minute
ACONNS=${BENCH_API_CONNS:-4}
OUT=${BENCH_DASH_OUT:-$(dirname "$BIN")/bench-dashboards-results.md}

# ---- the generators, linked as the Makefile links ----
bench_cc_gen gen_events

# ---- a fresh demo county with two years of events and a year of points ----
if [ -n "${BENCH_DASH_DATA:-}" ]; then
  [ -f "$BENCH_DASH_DATA/cunzhi.db" ] || { log "BENCH_DASH_DATA=$BENCH_DASH_DATA: no cunzhi.db there"; exit 1; }
  DATA=$(cd "$BENCH_DASH_DATA" && pwd)
  log "measuring $DATA in place"
else
  bench_demo county
fi
if [ "$NEVENTS" -gt 0 ]; then
  log "generating $NEVENTS events over $NDAYS days"
  "$WORK/gen_events" "$DATA" "$NEVENTS" "$NDAYS" >"$WORK/gen.txt" 2>"$WORK/gen.log" || { cat "$WORK/gen.log" >&2; exit 1; }
  COUNTY=$(awk -F= '$1 == "county" {print $2}' "$WORK/gen.txt")
else
  COUNTY=$(sqlite3 -readonly "$DATA/cunzhi.db" "SELECT id FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1")
fi
events_n=$(sqlite3 -readonly "$DATA/cunzhi.db" 'SELECT count(*) FROM events' 2>/dev/null || echo "?")
db_mb=$(du -m "$DATA/cunzhi.db" | cut -f1)
ledger_n=$(sqlite3 "$DATA/cunzhi.db" 'SELECT count(*) FROM ledger' 2>/dev/null || echo "?")
households_n=$(sqlite3 "$DATA/cunzhi.db" 'SELECT count(*) FROM households' 2>/dev/null || echo "?")
log "storing the daily aggregates"
t0=$(date +%s.%N)
"$BIN" dash-daily --data "$DATA" >"$WORK/daily.txt"
daily_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
daily_days=$(sed -n 's/.*: \([0-9]*\) days stored.*/\1/p' "$WORK/daily.txt")

bench_serve

login 13900000001
COUNTY_TOKEN=$TOKEN
http GET "/api/v1/dashboards/$COUNTY"
expect 200 "county dashboard"
county_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
TOWN=$(printf '%s' "$HTTP_BODY" | sed 's/.*"children":\[{"id":\([0-9]*\).*/\1/')
[ -n "$TOWN" ] || { log "no town in the county's dashboard"; exit 1; }
http GET "/api/v1/dashboards/$TOWN"
expect 200 "town dashboard"
town_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
http POST /api/v1/display-tokens "{\"unit_id\":$COUNTY,\"name\":\"基准大屏\"}"
expect 201 "display token"
DTOKEN=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
http GET "/api/v1/display/$DTOKEN"
expect 200 "display data"
display_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
log "county $COUNTY, town $TOWN; port $PORT"

base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $COUNTY_TOKEN")
log "warming up"
wrk_run warm 1 -t"$THREADS" -c"$ACONNS" "${auth[@]}" "$base/api/v1/dashboards/$COUNTY"
# one request of each alone, timed from the client: a number even where a request takes
# longer than wrk's runs
one() {
  local t0 t1
  t0=$(date +%s%N)
  http GET "$1"
  t1=$(date +%s%N)
  expect 200 "$1"
  echo $(( (t1 - t0) / 1000000 ))
}
TOKEN=$COUNTY_TOKEN
one_county=$(one "/api/v1/dashboards/$COUNTY") one_town=$(one "/api/v1/dashboards/$TOWN")
one_display=$(one "/api/v1/display/$DTOKEN") one_cseries=$(one "/api/v1/dashboards/$COUNTY/series")
one_tweeks=$(one "/api/v1/dashboards/$TOWN/series?by=week") one_cweeks=$(one "/api/v1/dashboards/$COUNTY/series?by=week")
log "one request each, ms: county $one_county, town $one_town, 大屏 $one_display, series $one_cseries / $one_tweeks / $one_cweeks"
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "county dashboard, ${DUR} s"
wrk_run county "$DUR" -t"$THREADS" -c"$ACONNS" "${auth[@]}" "$base/api/v1/dashboards/$COUNTY"
county_rps=$RPS county_p99=$P99
log "town dashboard, ${DUR} s"
wrk_run town "$DUR" -t"$THREADS" -c"$ACONNS" "${auth[@]}" "$base/api/v1/dashboards/$TOWN"
town_rps=$RPS town_p99=$P99
log "大屏 data, ${DUR} s"
wrk_run display "$DUR" -t"$THREADS" -c"$ACONNS" "$base/api/v1/display/$DTOKEN"
display_rps=$RPS display_p99=$P99
log "county monthly series, ${DUR} s"
wrk_run cseries "$DUR" -t"$THREADS" -c"$ACONNS" "${auth[@]}" "$base/api/v1/dashboards/$COUNTY/series"
cseries_rps=$RPS cseries_p99=$P99
log "town weekly series, ${DUR} s"
wrk_run tweeks "$DUR" -t"$THREADS" -c"$ACONNS" "${auth[@]}" "$base/api/v1/dashboards/$TOWN/series?by=week"
tweeks_rps=$RPS tweeks_p99=$P99
D1=$(( DUR / 2 > 2 ? DUR / 2 : 2 ))
log "each alone, 1 connection, ${D1} s each"
wrk_run county1 "$D1" -t1 -c1 "${auth[@]}" "$base/api/v1/dashboards/$COUNTY"
county1_p50=$P50 county1_p99=$P99
wrk_run town1 "$D1" -t1 -c1 "${auth[@]}" "$base/api/v1/dashboards/$TOWN"
town1_p50=$P50 town1_p99=$P99
wrk_run display1 "$D1" -t1 -c1 "$base/api/v1/display/$DTOKEN"
display1_p50=$P50 display1_p99=$P99
wrk_run cseries1 "$D1" -t1 -c1 "${auth[@]}" "$base/api/v1/dashboards/$COUNTY/series"
cseries1_p50=$P50 cseries1_p99=$P99
wrk_run tweeks1 "$D1" -t1 -c1 "${auth[@]}" "$base/api/v1/dashboards/$TOWN/series?by=week"
tweeks1_p50=$P50 tweeks1_p99=$P99
wrk_run cweeks1 "$D1" -t1 -c1 "${auth[@]}" "$base/api/v1/dashboards/$COUNTY/series?by=week"
cweeks1_p50=$P50 cweeks1_p99=$P99

bench_stop

bench_machine
{
  echo "### Dashboards: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs; load average before the run: $LOAD0."
  echo "$([ -n "${BENCH_DASH_DATA:-}" ] && echo "Kept" || echo "Demo") county $COUNTY ($households_n households, $ledger_n ledger entries, $events_n events, $NEVENTS of them generated over $NDAYS days by this run); database ${db_mb} MB."
  echo "Daily aggregates stored before the run: $daily_days days in $daily_s s (cunzhi dash-daily)."
  echo "Replies: county dashboard $county_bytes B, town $town_bytes B, 大屏 data $display_bytes B."
  echo
  echo "| measurement | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B), %dt/%dc | %s | %s | 1 |\n' "$static_bytes" "$THREADS" "$CONNS" "$(rate "$static_rps")" "$static_p99"
  printf '| county dashboard GET /api/v1/dashboards/COUNTY, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$ACONNS" "$(rate "$county_rps")" "$county_p99" "$(ratio "$county_rps" "$static_rps")"
  printf '| town dashboard GET /api/v1/dashboards/TOWN, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$ACONNS" "$(rate "$town_rps")" "$town_p99" "$(ratio "$town_rps" "$static_rps")"
  printf '| 大屏 data GET /api/v1/display/TOKEN, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$ACONNS" "$(rate "$display_rps")" "$display_p99" "$(ratio "$display_rps" "$static_rps")"
  printf '| county monthly series GET …/COUNTY/series, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$ACONNS" "$(rate "$cseries_rps")" "$cseries_p99" "$(ratio "$cseries_rps" "$static_rps")"
  printf '| town weekly series GET …/TOWN/series?by=week, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$ACONNS" "$(rate "$tweeks_rps")" "$tweeks_p99" "$(ratio "$tweeks_rps" "$static_rps")"
  echo
  echo "One request at a time (1 connection, ${D1} s each), p50 / p99 ms: county $county1_p50 / $county1_p99;" \
       "town $town1_p50 / $town1_p99; 大屏 $display1_p50 / $display1_p99; county monthly series $cseries1_p50 / $cseries1_p99;" \
       "town weekly series $tweeks1_p50 / $tweeks1_p99; county weekly series $cweeks1_p50 / $cweeks1_p99 (goal: under 100 ms)."
  echo
  echo "A single request of each, timed by the client before the runs, ms: county dashboard $one_county, town dashboard $one_town," \
       "大屏 $one_display, county monthly series $one_cseries, town weekly series $one_tweeks, county weekly series $one_cweeks."
} | tee "$OUT"
log "results written to $OUT"
