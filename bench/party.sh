#!/usr/bin/env bash
# Cunzhi party building benchmark (issue 15): bash bench/party.sh BIN
#
# On a fresh demo county (`cunzhi demo --scale county`), bench/gen_party.sql gives every
# village a branch with two party groups, BENCH_PARTY_MEMBERS (15,000) members in all and
# two years of 三会一课 and 主题党日 (some not held). Then, wrk 2 threads, 32 connections,
# BENCH_SECONDS (8) each, as the county admin (the county's organisation role):
#   a static file of the web UI (2 KB);
#   the county's compliance board of this year (GET /api/v1/party/compliance?unit=COUNTY:
#     every branch's meetings against the required frequencies, 党小组会 per group);
#   the county's member statistics (GET /api/v1/party/stats?unit=COUNTY: kinds, gender,
#     education, age bands, mobile, due to become full);
# requests/s and p99, headline: each as a ratio to the static file. The run fails on any
# non-2xx reply, if the statistics do not count every member, or if `cunzhi verify`
# fails after the run.
# Environment: BENCH_SECONDS, BENCH_PARTY_MEMBERS, BENCH_PORT, BENCH_DIR, BENCH_KEEP=1,
# BENCH_PARTY_OUT (results file; default BIN's dir/bench-party-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start party "wrk sqlite3" "$@"
DUR=${BENCH_SECONDS:-8}
MEMBERS=${BENCH_PARTY_MEMBERS:-15000}
THREADS=2
CONNS=32
OUT=${BENCH_PARTY_OUT:-$(dirname "$BIN")/bench-party-results.md}

bench_demo county
log "generating $MEMBERS members and two years of meetings"
start=$(date +%s)
{
  echo "CREATE TEMP TABLE bench_params (n INTEGER); INSERT INTO bench_params VALUES ($MEMBERS);"
  cat "$here/gen_party.sql"
} | sqlite3 "$DATA/cunzhi.db" >"$WORK/gen.log" 2>&1 || { cat "$WORK/gen.log" >&2; exit 1; }
gen_seconds=$(( $(date +%s) - start ))
q() { sqlite3 "$DATA/cunzhi.db" "$1"; }
branches=$(q "SELECT count(*) FROM party_branches")
members=$(q "SELECT count(*) FROM party_members WHERE status = 'active'")
meetings=$(q "SELECT count(*) FROM party_meetings")
log "generated in ${gen_seconds} s: $branches branches, $members members, $meetings meetings"
bench_serve

login 13900000001
COUNTY=$(q "SELECT id FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1")
YEAR=$(TZ=Asia/Shanghai date +%Y)
BOARD_PATH="/api/v1/party/compliance?unit=$COUNTY&year=$YEAR"
STATS_PATH="/api/v1/party/stats?unit=$COUNTY"
http GET "$BOARD_PATH"
expect 200 "the compliance board"
board_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
http GET "$STATS_PATH"
expect 200 "the member statistics"
total=$(json_int total)
[ "$total" = "$members" ] || { log "the statistics count $total members, the database holds $members"; exit 1; }

base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $TOKEN")
log "warming up"
for p in "$BOARD_PATH" "$STATS_PATH"; do wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$p"; done
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "the county's compliance board, ${DUR} s"
wrk_run board "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$BOARD_PATH"
board_rps=$RPS board_p99=$P99
log "the county's member statistics, ${DUR} s"
wrk_run stats "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$STATS_PATH"
stats_rps=$RPS stats_p99=$P99

bench_stop
bench_verify verify_after "after the run"

bench_machine
{
  echo "### Party building: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r); load average before the run: $LOAD0."
  echo "Demo county $COUNTY: $branches branches, $members members, $meetings meetings over two years" \
       "(bench/gen_party.sql, ${gen_seconds} s); the board of $YEAR is $board_bytes B."
  echo "\`cunzhi verify\` after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement, ${THREADS}t/${CONNS}c | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B) | %s | %s | 1 |\n' "$static_bytes" "$(rate "$static_rps")" "$static_p99"
  printf '| compliance board GET /api/v1/party/compliance?unit=COUNTY | %s | %s | **%s** of static |\n' "$(rate "$board_rps")" "$board_p99" "$(ratio "$board_rps" "$static_rps")"
  printf '| member statistics GET /api/v1/party/stats?unit=COUNTY | %s | %s | **%s** of static |\n' "$(rate "$stats_rps")" "$stats_p99" "$(ratio "$stats_rps" "$static_rps")"
} | tee "$OUT"
log "results written to $OUT"
