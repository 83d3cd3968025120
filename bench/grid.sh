#!/usr/bin/env bash
# Cunzhi grid work benchmark (issue 14): bash bench/grid.sh BIN
#
# On a fresh demo village (青山村, its town and county), the county admin makes
# BENCH_GRID_TOKENS (200) grid workers over the API, each with a grid_worker grant on one
# of 青山村's grids, and each logs in once: their session tokens go to a file the wrk
# script reads, so every request is one worker's batch. The village gets 200 more
# households with a location and tags (500 in all). Then, wrk 2 threads:
#   a static file of the web UI (2 KB), 32 connections;
#   positions: 32 connections, each request one worker's batch of BENCH_GRID_BATCH (4)
#     positions 30 s apart (a phone reporting every 30 s and sending every 2 minutes),
#     the workers in turn; every position is a new row (its time is new for the worker),
#     written durably (SQLite WAL, synchronous=FULL, one transaction per batch). Headline:
#     positions written per second against the 4,000 workers × 1 position / 30 s = 133/s
#     a county of 4,000 workers sends, and the batches per second against the raw SQLite
#     baseline of one-row durable transactions on the same disk (bench/sqlite_baseline.c);
#   the town's live positions (GET /api/v1/positions?unit_id=TOWN, the last position of
#     every worker: BENCH_GRID_TOKENS + the demo's), 32 connections, as the town official;
#   the village household map (GET /api/v1/villages/V/tagged-households: 500 households
#     with their tags), 32 connections, as the cadre;
# requests/s and p99, the reads as ratios to the static file. The run fails on any non-2xx
# reply, if fewer positions were stored than sent, or if `cunzhi verify` fails after.
# Environment: BENCH_SECONDS (8), BENCH_GRID_TOKENS, BENCH_GRID_BATCH, BENCH_PORT,
# BENCH_DIR, BENCH_KEEP=1, BENCH_GRID_OUT (results; default BIN's dir/bench-grid-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start grid "wrk cc sqlite3" "$@"
DUR=${BENCH_SECONDS:-8}
NTOK=${BENCH_GRID_TOKENS:-200}
BATCH=${BENCH_GRID_BATCH:-4}
THREADS=2
CONNS=32
OUT=${BENCH_GRID_OUT:-$(dirname "$BIN")/bench-grid-results.md}

bench_cc_baseline

bench_demo village
bench_serve

# ---- the village, its town and grids ----
login 13900000003
CADRE=$TOKEN
http GET /api/v1/session
VILLAGE=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"role":"cadre","role_label":"[^"]*","unit_id":\([0-9]*\).*/\1/p')
http GET "/api/v1/units/$VILLAGE"
expect 200 "青山村"
TOWN=$(json_int parent_id)
# the grids and a point among the first grid's houses, read from the database (the
# demo's, before the run)
mapfile -t GRIDS < <(sqlite3 "$DATA/cunzhi.db" "SELECT id FROM org_units WHERE parent_id = $VILLAGE AND kind = 'grid' ORDER BY code")
[ "${#GRIDS[@]}" -gt 0 ] || { log "no grids in 青山村"; exit 1; }
read -r LAT LNG < <(sqlite3 -separator ' ' "$DATA/cunzhi.db" \
  "SELECT printf('%.6f', avg(lat_e6) / 1e6), printf('%.6f', avg(lng_e6) / 1e6) FROM households WHERE grid_id = ${GRIDS[0]} AND lat_e6 IS NOT NULL")
[ -n "${LAT:-}" ] || { log "no located household in the first grid"; exit 1; }

# ---- the workers: users with a grid_worker grant, logged in once ----
login 13900000001
ADMIN=$TOKEN
start=$(date +%s)
: >"$WORK/tokens.txt"
for i in $(seq 1 "$NTOK"); do
  phone=$(printf '1995555%04d' "$i")
  TOKEN=$ADMIN
  http POST /api/v1/users "{\"phone\":\"$phone\",\"name\":\"基准网格员$i\",\"password\":\"Bench-Grid-2026\"}"
  expect 201 "user $phone"
  id=$(json_int id)
  grid=${GRIDS[$((i % ${#GRIDS[@]}))]}
  http POST "/api/v1/users/$id/grants" "{\"role\":\"grid_worker\",\"unit_id\":$grid}"
  expect 200 "grant $phone"
  TOKEN=
  http POST /api/v1/session "{\"phone\":\"$phone\",\"password\":\"Bench-Grid-2026\"}"
  expect 201 "login $phone"
  printf '%s\n' "$HTTP_BODY" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p' >>"$WORK/tokens.txt"
done
[ "$(wc -l <"$WORK/tokens.txt")" = "$NTOK" ] || { log "not every worker has a token"; exit 1; }
log "$NTOK workers in $(( $(date +%s) - start )) s"

# ---- 200 more households with a location and tags (500 in all) ----
TOKEN=$CADRE
http GET /api/v1/tags
mapfile -t TAGS < <(printf '%s' "$HTTP_BODY" | grep -o '"id":[0-9]*,"county_id"' | sed 's/"id":\([0-9]*\).*/\1/')
for i in $(seq 1 200); do
  lat=$(awk -v a="$LAT" -v i="$i" 'BEGIN { printf "%.6f", a + (i % 20) * 0.0001 }')
  lng=$(awk -v a="$LNG" -v i="$i" 'BEGIN { printf "%.6f", a + int(i / 20) * 0.0001 }')
  http POST /api/v1/households "{\"village_id\":$VILLAGE,\"number\":\"GB$i\",\"address\":\"基准路 $i 号\",\"lat\":$lat,\"lng\":$lng,\"grid_id\":${GRIDS[0]}}"
  expect 201 "household GB$i"
  id=$(json_int id)
  http PUT "/api/v1/households/$id/tags" "{\"tag_ids\":[${TAGS[$((i % ${#TAGS[@]}))]},${TAGS[$(((i + 5) % ${#TAGS[@]}))]}]}"
  expect 200 "tags of GB$i"
done
MAP_PATH="/api/v1/villages/$VILLAGE/tagged-households"
http GET "$MAP_PATH"
expect 200 "the map"
households=$(printf '%s' "$HTTP_BODY" | grep -o '"number":' | wc -l)
map_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
login 13900000002
TOWN_TOKEN=$TOKEN
POS_PATH="/api/v1/positions?unit_id=$TOWN"

# ---- the positions script: worker after worker, each batch new times ----
cat >"$WORK/positions.lua" <<'LUA'
local tokens, batch, lat, lng, t0 = {}, 4, 0, 0, 0
local n = 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  batch = tonumber(args[2]); lat = tonumber(args[3]); lng = tonumber(args[4]); t0 = tonumber(args[5])
  tid = tonumber(tid) or 1   -- set by setup() in this thread's state
end
function request()
  n = n + 1
  -- thread tid takes the workers tid, tid + 2, …; each round goes 2 minutes further back
  local w = ((n - 1) * 2 + tid - 1) % #tokens + 1
  local round = math.floor(((n - 1) * 2 + tid - 1) / #tokens)
  local pts = {}
  for k = 0, batch - 1 do
    local at = t0 - (round * batch + k) * 30
    pts[#pts + 1] = string.format('{"at":%d,"lat":%.6f,"lng":%.6f,"accuracy":10}', at, lat + (k % 5) * 0.00005, lng + (w % 7) * 0.00005)
  end
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. tokens[w],
    ["Content-Type"] = "application/json",
  }, '{"points":[' .. table.concat(pts, ",") .. ']}')
end
LUA
count_positions() { sqlite3 "$DATA/cunzhi.db" "SELECT count(*) FROM positions" 2>/dev/null || echo 0; }

base="http://127.0.0.1:$PORT"
log "warming up"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" -H "Authorization: Bearer $CADRE" "$base$MAP_PATH"
log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
before=$(count_positions)
T0=$(( $(date +%s) - 3600 ))
log "positions, $BATCH a batch from $NTOK workers, ${DUR} s"
wrk_run positions "$DUR" -t"$THREADS" -c"$CONNS" -s "$WORK/positions.lua" "$base/api/v1/positions" -- \
  "$WORK/tokens.txt" "$BATCH" "$LAT" "$LNG" "$T0"
pos_rps=$RPS pos_p99=$P99
sent=$(awk '/requests in/ {print $1}' "$WORK/wrk-positions.txt")
stored=$(( $(count_positions) - before ))
wall=$(awk '/requests in/ { v = $4; sub(/s,?$/, "", v); print v }' "$WORK/wrk-positions.txt")
[ "$stored" -ge $((sent * BATCH)) ] || { log "stored $stored positions of $((sent * BATCH)) sent"; exit 1; }
per_s=$(awk -v a="$stored" -v b="$wall" 'BEGIN { printf "%.0f", a / b }')
log "the town's live positions, ${DUR} s"
wrk_run live "$DUR" -t"$THREADS" -c"$CONNS" -H "Authorization: Bearer $TOWN_TOKEN" "$base$POS_PATH"
live_rps=$RPS live_p99=$P99
http GET "$POS_PATH"
workers_seen=$(printf '%s' "$HTTP_BODY" | grep -o '"user_id":' | wc -l)
log "the village household map, ${DUR} s"
wrk_run map "$DUR" -t"$THREADS" -c"$CONNS" -H "Authorization: Bearer $CADRE" "$base$MAP_PATH"
map_rps=$RPS map_p99=$P99

bench_stop
bench_verify verify_after "after the run"
log "raw SQLite durable transactions, ${DUR} s"
baseline=$("$WORK/sqlite_baseline" "$DATA/baseline.db" "$DUR")
base_rate=$(printf '%s' "$baseline" | awk '{print $(NF-1)}')

bench_machine
{
  echo "### Grid work: $(date -u '+%Y-%m-%d %H:%M UTC') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r); load average before the run: $LOAD0."
  echo "$NTOK grid workers made and logged in over the API (their tokens in a file the wrk script reads, one worker per request in turn);" \
       "$households households on the village map ($map_bytes B); the town's live positions list $workers_seen workers."
  echo "\`cunzhi verify\` after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement, ${THREADS}t/${CONNS}c | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B) | %s | %s | 1 |\n' "$static_bytes" "$(rate "$static_rps")" "$static_p99"
  printf '| position batches POST /api/v1/positions (%s each) | %s | %s | **%s** of raw SQLite durable tx/s (%s) |\n' \
    "$BATCH" "$(rate "$pos_rps")" "$pos_p99" "$(ratio "$pos_rps" "$base_rate")" "$(rate "$base_rate")"
  printf '| positions stored durably | %s/s | | **%s** × a county of 4,000 workers (133/s) |\n' "$per_s" "$(ratio "$per_s" 133.3)"
  printf '| town live positions GET /api/v1/positions?unit_id= | %s | %s | **%s** of static |\n' "$(rate "$live_rps")" "$live_p99" "$(ratio "$live_rps" "$static_rps")"
  printf '| village household map GET /api/v1/villages/V/tagged-households | %s | %s | **%s** of static |\n' "$(rate "$map_rps")" "$map_p99" "$(ratio "$map_rps" "$static_rps")"
  echo
  echo "Raw SQLite: $baseline"
} | tee "$OUT"
log "results written to $OUT"
