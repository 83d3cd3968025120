#!/usr/bin/env bash
# Cunzhi live-stream benchmark (issue 13): bash bench/sse.sh BIN
#
# On a fresh demo village: the household page (GET /api/v1/households/1 as the cadre,
# wrk 2 threads, 32 connections, BENCH_SECONDS (8)) without open streams, then with
# BENCH_STREAMS (5000) idle Server-Sent Events streams open (bench/sse_hold.js, as the
# villager), in the same run: requests/s and p99 of each, the ratio, and the server's
# resident memory before and after opening the streams (per open connection). Last, a
# broadcast must reach every open stream. Results in BENCH_SSE_OUT (default BIN's
# dir/bench-sse-results.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start sse "wrk curl node" "$@"
DUR=${BENCH_SECONDS:-8}
N=${BENCH_STREAMS:-5000}
OUT=${BENCH_SSE_OUT:-$(dirname "$BIN")/bench-sse-results.md}
ulimit -n 20000 2>/dev/null || true

bench_demo village
bench_serve
login 13900000003
cadre=$TOKEN
login 15620260101
villager=$TOKEN
TOKEN=
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
measure() {
  wrk -t2 -c32 -d"${DUR}s" --latency -H "Authorization: Bearer $cadre" "http://127.0.0.1:$PORT/api/v1/households/1" >"$WORK/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
  ! grep -q "Non-2xx\|Socket errors" "$WORK/wrk.txt" || { cat "$WORK/wrk.txt" >&2; exit 1; }
}
measure; rps0=$rps; p990=$p99
rss0=$(rss)
mkfifo "$WORK/in"
node "$here/sse_hold.js" "$PORT" "$villager" "$N" <"$WORK/in" >"$WORK/hold.txt" 2>&1 &
BENCH_PIDS+=($!)
exec 3>"$WORK/in"
for _ in $(seq 1 600); do grep -q '^open' "$WORK/hold.txt" && break; sleep 0.2; done
opened=$(awk '/^open/ {print $2}' "$WORK/hold.txt")
[ "$opened" = "$N" ] || { echo "only ${opened:-0} of $N streams opened" >&2; cat "$WORK/hold.txt" >&2; exit 1; }
sleep 1
rss1=$(rss)
measure; rps1=$rps; p991=$p99
curl -sf -H "Authorization: Bearer $cadre" -H 'content-type: application/json' \
  -d '{"unit_id":3,"body":"基准测试广播"}' "http://127.0.0.1:$PORT/api/v1/broadcasts" >/dev/null
got=0
for _ in $(seq 1 100); do
  echo count >&3; sleep 0.3
  got=$(awk '/^received/ {v=$2} END {print v+0}' "$WORK/hold.txt")
  [ "$got" = "$N" ] && break
done
[ "$got" = "$N" ] || { echo "the broadcast reached $got of $N streams" >&2; exit 1; }
ratio=$(awk -v a="$rps1" -v b="$rps0" 'BEGIN {printf "%.2f", a / b}')
per=$(awk -v a="$rss1" -v b="$rss0" -v n="$N" 'BEGIN {printf "%.1f", (a - b) / n}')
{
  echo "## SSE streams ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo
  echo "| measure | value |"
  echo "|---|---:|"
  echo "| household page without streams (req/s, p99) | $rps0, $p990 |"
  echo "| household page with $N idle streams open (req/s, p99) | $rps1, $p991 |"
  echo "| ratio with ÷ without | **$ratio** |"
  echo "| server RSS without / with streams (KiB) | $rss0 / $rss1 |"
  echo "| memory per open stream (KiB) | **$per** |"
  echo "| streams that received the broadcast | $got of $N |"
} | tee "$OUT"
