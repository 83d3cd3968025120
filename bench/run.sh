#!/usr/bin/env bash
# Cunzhi benchmark (make bench): bash bench/run.sh build/cunzhi
#
# In one run, on a fresh demo county (about 10,000 households) whose first village
# (青山村, ~500 households) gets a year of points from bench/gen_points.c (about 50,000
# records awarded through the domain layer, through 公示, credited to the hash-chained
# ledger; then pending claims for the approval run and a printed card with a PIN for
# every household of the village for the redemption run), checked by `cunzhi verify`:
#   reads   wrk, 2 threads, 32 connections, BENCH_SECONDS (8) each, logged in as the
#           village cadre: a static file of the web UI (2 KB), a household page
#           (GET /api/v1/households/ID), a list page of 50 households
#           (GET /api/v1/households?unit_id=VILLAGE&limit=50), the village ranking for
#           the current year (GET /api/v1/rankings?unit_id=VILLAGE&period=YYYY; once more
#           with Accept-Encoding: gzip, as phones ask for it) and the
#           busiest household's ledger page (GET /api/v1/households/ID/ledger?limit=50);
#           requests/s and p99, headline: each read as a ratio to the static file.
#   writes  one request after another on one connection for BENCH_WRITE_SECONDS (8):
#           PATCH /api/v1/households/ID alternating the address, and approvals
#           POST /api/v1/claims/ID/review {"decision":"approve"} over the pending claims;
#           against raw SQLite single-row INSERT transactions (WAL, synchronous=FULL)
#           on the same disk (bench/sqlite_baseline.c), measured right before and right
#           after each write run, the ratio against their mean; beside it the pages the
#           server wrote to the disk and the CPU time it spent per write (/proc); and
#           each write's ceiling, the ratio a write costing nothing beyond one HTTP
#           round trip (the static file on one connection, before and after the writes)
#           and one raw commit would reach, and the ms a write spends beyond those two.
#           Each write once more from BENCH_WRITE_CONNS (8) connections at once (2 wrk
#           threads; the redemptions for half as long, the cards' points being finite),
#           where the server's group commit shares commits, against the same
#           baselines, with the server's count of transactions and commits.
#   counter one request after another on one connection for BENCH_WRITE_SECONDS, as the
#           shop clerk (13900000004): POST /api/v1/counter/redeem of one unit of the
#           shop's cheapest good without a per-household limit (after a stock-in of
#           enough units over the API), for the village's households in turn by their
#           card's QR text and PIN (only while the household's spendable balance covers
#           it), a fresh idempotency key each; against the same SQLite baseline. The
#           run checks that the stock went down by the number of receipts, and
#           `cunzhi verify` (ledger balances, stock = its movements) after it.
#   events  then bench/events.sh (issue 11; BENCH_EVENTS_RUN=0 skips it): its own county
#           with two years of events, the overdue board, the county statistics and the
#           intake; results in BENCH_EVENTS_OUT (BIN's dir/bench-events-results.md).
#   lists   then bench/lists.sh (issue 12; BENCH_LISTS_RUN=0 skips it): its own county
#           with 100,000 execution records, the overdue board, a village's public pages,
#           starting and advancing records; results in BENCH_LISTS_OUT.
#   sse     then bench/sse.sh (issue 13; BENCH_SSE_RUN=0 skips it): 5,000 idle live
#           streams against the household page, memory per stream; BENCH_SSE_OUT.
#   finance then bench/finance.sh (issue 13; BENCH_FINANCE_RUN=0 skips it): a village
#           with a year of accounts, its statements against the static file;
#           BENCH_FINANCE_OUT.
#   grid    then bench/grid.sh (issue 14; BENCH_GRID_RUN=0 skips it): grid workers'
#           position batches against raw SQLite, the town's live positions and the
#           village household map against the static file; BENCH_GRID_OUT.
#   party   then bench/party.sh (issue 15; BENCH_PARTY_RUN=0 skips it): a county with
#           15,000 party members and two years of meetings, the compliance board and the
#           member statistics against the static file; BENCH_PARTY_OUT.
#
# Needs wrk (Debian package wrk), cc, pkg-config and the headers the project builds
# with; links bench/gen_points.c against the project's objects beside BIN (the
# Makefile's build directory); installs nothing.
# Environment: BENCH_SECONDS, BENCH_WRITE_SECONDS, BENCH_WRITE_CONNS, BENCH_ENTRIES (50000 records),
# BENCH_PENDING (60000 pending claims: enough for BENCH_WRITE_SECONDS of approvals;
# the redemptions are bounded by the cards' spendable points, about 27,000 of a 10-point
# good with the default records; either run fails with a 4xx when it runs out),
# BENCH_SYNC_DELAY_MS (a slow disk: bench/lib.sh), BENCH_PORT, BENCH_DIR (where the scratch data directory goes; default beside BIN,
# i.e. on the build disk), BENCH_KEEP=1 keeps it, BENCH_OUT (results file; default
# BIN's dir/bench-results.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start run "wrk cc pkg-config objects${BENCH_SYNC_DELAY_MS:+ strace}" "$@"
DUR=${BENCH_SECONDS:-8}
WDUR=${BENCH_WRITE_SECONDS:-8}
ENTRIES=${BENCH_ENTRIES:-50000}
PENDING=${BENCH_PENDING:-60000}
THREADS=2
CONNS=32
WCONNS=${BENCH_WRITE_CONNS:-8}
OUT=${BENCH_OUT:-$(dirname "$BIN")/bench-results.md}

# ---- the SQLite baseline program ----
bench_cc_baseline

# The disk's mood moves the raw SQLite baseline from a few hundred to thousands of
# commits/s between runs, so each durable write is measured between two baselines taken
# right before and right after it (three for the three writes' four edges) and divided
# by their mean. base_run N: the Nth baseline's transactions/s in BASE_N.
base_run() {
  local out
  out=$("${SYNC_WRAP[@]}" "$WORK/sqlite_baseline" "$DATA/baseline-$1.db" "$WDUR")
  rm -f "$DATA/baseline-$1.db" "$DATA/baseline-$1.db-wal" "$DATA/baseline-$1.db-shm"
  printf -v "BASE_$1" '%s' "$(printf '%s\n' "$out" | awk '{for (i = 2; i <= NF; i++) if ($i == "tx/s") print $(i-1)}')"
  sqlite_version=$(printf '%s\n' "$out" | awk '{sub(/:$/, "", $2); print $2}')
  log "raw SQLite baseline $1: $(eval echo \$BASE_$1) tx/s"
}
# proc_snap: the server's bytes written to the disk and CPU ticks so far, in SNAP_W SNAP_T.
proc_snap() {
  SNAP_W=$(awk '$1 == "write_bytes:" {print $2}' "/proc/$SERVER_PID/io" 2>/dev/null || echo 0)
  SNAP_T=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
}
# per_write NAME N W0 T0: pages (4 KiB) written and CPU ms per write since the snapshot,
# in NAME_pages and NAME_cpu.
per_write() {
  local n=$2
  proc_snap
  printf -v "$1_pages" '%s' "$(awk -v w="$((SNAP_W - $3))" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? w / 4096 / n : 0) }')"
  printf -v "$1_cpu" '%s' "$(awk -v t="$((SNAP_T - $4))" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (n > 0 ? t * 1000 / hz / n : 0) }')"
}

# ---- the data generator, linked against the project's objects (as the Makefile does) ----
bench_cc_gen gen_points

# ---- a fresh demo county and a 2 KB static page ----
bench_demo county
log "generating a year of points in the first village ($ENTRIES records, $PENDING pending claims)"
"$WORK/gen_points" "$DATA" "$ENTRIES" "$PENDING" "$WORK/cards.txt" >"$WORK/gen.txt" 2>"$WORK/gen.log" || {
  cat "$WORK/gen.log" >&2
  exit 1
}
gen() { awk -F= -v k="$1" '$1 == k {print $2}' "$WORK/gen.txt"; }
GEN_VILLAGE=$(gen village) GEN_CREDITED=$(gen credited) GEN_OPEN=$(gen open) GEN_SECONDS=$(gen seconds)
CARDS=$(gen cards) CARD_POINTS=$(gen card_points) CARD_PIN=$(gen card_pin)
BUSY=$(gen busy_household) BUSY_ENTRIES=$(gen busy_entries)
PENDING_FIRST=$(gen pending_first) PENDING_LAST=$(gen pending_last)
log "generated in ${GEN_SECONDS} s: $GEN_CREDITED entries credited, $GEN_OPEN in 公示, household $BUSY has $BUSY_ENTRIES"
log "$CARDS household cards, $CARD_POINTS spendable points between them"
bench_verify verify_out "after generation"
log "verify: $(printf '%s' "$verify_out" | tr '\n' ';')"

bench_serve

# ---- log in as the village cadre, find the village and a large household ----
login 13900000003
http GET /api/v1/session
VILLAGE=$(printf '%s' "$HTTP_BODY" | grep -o '"unit_id":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$VILLAGE" ] || { log "no village in $HTTP_BODY"; exit 1; }
LIST_PATH="/api/v1/households?unit_id=$VILLAGE&limit=50"
http GET "$LIST_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "list failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
village_households=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
read -r MEMBERS HOUSEHOLD < <(printf '%s' "$HTTP_BODY" | sed 's/},{/}\n{/g' |
  sed -n 's/.*"id":\([0-9]*\),"village_id".*"residents":\([0-9]*\).*/\2 \1/p' | sort -rn | head -1)
[ -n "${HOUSEHOLD:-}" ] || { log "no household found in village $VILLAGE"; exit 1; }
HH_PATH="/api/v1/households/$HOUSEHOLD"
http GET "$HH_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "household page failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
hh_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
http GET "$LIST_PATH"
list_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
LIST_IDS=$(printf '%s' "$HTTP_BODY" | grep -o '"id":[0-9]*,"village_id"' | grep -o '[0-9]*' | tr '\n' ' ')
log "village $VILLAGE ($village_households households), household $HOUSEHOLD ($MEMBERS members), port $PORT"
[ "$VILLAGE" = "$GEN_VILLAGE" ] || { log "the cadre's village $VILLAGE is not the generated one ($GEN_VILLAGE)"; exit 1; }
YEAR=$(TZ=Asia/Shanghai date +%Y)
RANK_PATH="/api/v1/rankings?unit_id=$VILLAGE&period=$YEAR"
http GET "$RANK_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "ranking failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
rank_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
rank_households=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"households":\([0-9]*\).*/\1/p')
LEDGER_PATH="/api/v1/households/$BUSY/ledger?limit=50"
http GET "$LEDGER_PATH"
[ "$HTTP_STATUS" = 200 ] || { log "ledger page failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
ledger_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
ledger_total=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
[ "$ledger_total" = "$BUSY_ENTRIES" ] || { log "ledger total $ledger_total, generated $BUSY_ENTRIES"; exit 1; }

# ---- wrk ----

base="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $TOKEN")
log "warming up"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LIST_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$HH_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$RANK_PATH"
wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LEDGER_PATH"

log "static file, ${DUR} s"
wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
static_rps=$RPS static_p99=$P99
log "household page, ${DUR} s"
wrk_run household "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$HH_PATH"
hh_rps=$RPS hh_p99=$P99
log "list page, ${DUR} s"
wrk_run list "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LIST_PATH"
list_rps=$RPS list_p99=$P99
log "village ranking, ${DUR} s"
wrk_run ranking "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$RANK_PATH"
rank_rps=$RPS rank_p99=$P99
# the same ranking as a phone asks for it (gzip): what crosses the wire then
log "village ranking with Accept-Encoding: gzip, ${DUR} s"
wrk_run ranking_gz "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" -H "Accept-Encoding: gzip" "$base$RANK_PATH"
rank_gz_rps=$RPS rank_gz_p99=$P99
log "ledger page, ${DUR} s"
wrk_run ledger "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LEDGER_PATH"
ledger_rps=$RPS ledger_p99=$P99

# The durable write: one connection, one PATCH after another, alternating addresses
# so every request changes the row (and appends to the audit chain).
# (several connections: wrk's threads take turns over the households of the list page,
# so that no two writes in flight are for one household and each changes its row)
cat >"$WORK/patch.lua" <<'LUA'
local token
local n = 0
local ids = {}
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("me", nthreads)
end
function init(args)
  token = args[1]
  local total = tonumber(args[2])
  for i = 3, #args do
    if (i - 3) % total == me - 1 then ids[#ids + 1] = args[i] end
  end
end
function request()
  local id = ids[n % #ids + 1]
  local body = string.format('{"address":"青山村基准路 %d 号"}', math.floor(n / #ids) % 2 + 1)
  n = n + 1
  return wrk.format("PATCH", "/api/v1/households/" .. id, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
LUA
# One request after another on one connection can go no faster than the HTTP round trip
# of the static file plus the commit itself: the static file on one connection, right
# before the writes and right after them, gives each write its ceiling (below).
log "static file, 1 connection, ${DUR} s"
wrk_run static1a "$DUR" -t1 -c1 "$base/index.html"
static1a_rps=$RPS
base_run 1
log "household PATCH, 1 connection, ${WDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
wrk_run write "$WDUR" -t1 -c1 -s "$WORK/patch.lua" "$base/" -- "$TOKEN" 1 "$HOUSEHOLD"
write_rps=$RPS write_p99=$P99
write_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-write.txt")
per_write write "$write_n" "$w0" "$t0"
log "household PATCH, $WCONNS connections, ${WDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
# shellcheck disable=SC2086 # the ids are words
wrk_run writec "$WDUR" -t"$THREADS" -c"$WCONNS" -s "$WORK/patch.lua" "$base/" -- "$TOKEN" "$THREADS" $LIST_IDS
writec_rps=$RPS writec_p99=$P99
writec_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-writec.txt")
per_write writec "$writec_n" "$w0" "$t0"
base_run 2
http GET "$HH_PATH"
grep -q '青山村基准路' <<<"$HTTP_BODY" || { log "the PATCH did not change the household"; exit 1; }

# The durable approval: one connection, one review after another over the pending claims
# (consecutive ids from the generator), each approved with a reason.
cat >"$WORK/approve.lua" <<'LUA'
local token, id, last, step
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("me", nthreads)
end
function init(args)
  token = args[1]
  -- thread k of N approves ids first + k - 1, first + k - 1 + N, ...
  step = tonumber(args[4])
  id = tonumber(args[2]) - 1 + me - 1 - step
  last = tonumber(args[3])
end
function request()
  id = id + step
  if id > last then
    -- out of pending claims: this 404 fails the run (raise BENCH_PENDING)
    return wrk.format("POST", "/api/v1/claims/0/review", {["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json"}, "{}")
  end
  return wrk.format("POST", "/api/v1/claims/" .. id .. "/review", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, '{"decision":"approve","reason":"ok"}')
end
LUA
log "claim approvals, 1 connection, ${WDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
wrk_run approve "$WDUR" -t1 -c1 -s "$WORK/approve.lua" "$base/" -- "$TOKEN" "$PENDING_FIRST" "$PENDING_LAST" 1
approve_rps=$RPS approve_p99=$P99
approve_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-approve.txt")
per_write approve "$approve_n" "$w0" "$t0"
log "claim approvals, $WCONNS connections, ${WDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
wrk_run approvec "$WDUR" -t"$THREADS" -c"$WCONNS" -s "$WORK/approve.lua" "$base/" -- "$TOKEN" \
  "$((PENDING_FIRST + approve_n + 2))" "$PENDING_LAST" "$THREADS"
approvec_rps=$RPS approvec_p99=$P99
approvec_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-approvec.txt")
per_write approvec "$approvec_n" "$w0" "$t0"
base_run 3
# (wrk builds one request before it starts, so the first id may be skipped: check the next)
http GET "/api/v1/claims/$((PENDING_FIRST + 1))"
grep -q '"status":"approved"' <<<"$HTTP_BODY" || { log "the approvals did not take effect: $HTTP_BODY"; exit 1; }

# The durable redemption at the counter, as the shop clerk: the village's shop, its
# cheapest active good without a per-household limit, enough stock for every card's
# points, then one redemption after another on one connection.
CADRE_TOKEN=$TOKEN
TOKEN=
http POST /api/v1/session '{"phone":"13900000004","password":"Cunzhi2026!"}'
[ "$HTTP_STATUS" = 201 ] || { log "clerk login failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
TOKEN=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
CLERK_TOKEN=$TOKEN
http GET /api/v1/shops
SHOP=$(printf '%s' "$HTTP_BODY" | grep -o '{"id":[0-9]*,"unit_id":[0-9]*' |
  awk -F'[:,]' -v v="$VILLAGE" '$4 == v {print $2; exit}' || true)
[ -n "$SHOP" ] || { log "no shop of village $VILLAGE for the clerk: $HTTP_BODY"; exit 1; }
http GET "/api/v1/shops/$SHOP/goods"
read -r PRICE GOODS < <(printf '%s' "$HTTP_BODY" | sed 's/},{/}\n{/g' |
  sed -n 's/.*{"id":\([0-9]*\),"shop_id".*"price_points":\([0-9]*\),.*"limit_count":0,.*"active":true.*/\2 \1/p' |
  sort -n -k1,1 -k2,2 | head -1) || true
[ -n "${GOODS:-}" ] || { log "no good without a limit in shop $SHOP: $HTTP_BODY"; exit 1; }
STOCK_IN=$((CARD_POINTS / PRICE + 1))
[ "$STOCK_IN" -le 100000 ] || STOCK_IN=100000
http POST "/api/v1/goods/$GOODS/stock-in" \
  "{\"supplier\":\"基准测试供货商\",\"quantity\":$STOCK_IN,\"unit_cost\":250,\"funding\":\"集体经济\"}"
[ "$HTTP_STATUS" = 201 ] || { log "stock-in failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
goods_name=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"goods":{"id":[0-9]*,"shop_id":[0-9]*,"shop_name":"[^"]*","name":"\([^"]*\)".*/\1/p')
stock_before=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"stock":\([0-9]*\).*/\1/p')
[ -n "$stock_before" ] || { log "no stock in $HTTP_BODY"; exit 1; }
cat >"$WORK/redeem.lua" <<'LUA'
local headers, shop, goods, price, pin, run
local cards = {}
local i, n = 0, 0
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("me", nthreads)
end
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json"}
  shop, goods, price, pin, run = args[2], args[3], tonumber(args[4]), args[5], args[7] .. "-" .. me
  -- "household_id spendable card_token" lines from the generator, in PARTS parts (a
  -- line's part: its number modulo PARTS): thread k of a run whose first part is FIRST,
  -- EACH parts a thread, takes parts FIRST + (k - 1) * EACH to FIRST + k * EACH - 1 and
  -- keeps their balances, so no card is spent by two
  local total, first, each, line_no = tonumber(args[8]), tonumber(args[9]), tonumber(args[10]), 0
  for line in io.lines(args[6]) do
    line_no = line_no + 1
    local spendable, code = line:match("^%d+ (%d+) (%S+)$")
    if code and tonumber(spendable) >= price and (line_no - 1) % total >= first + (me - 1) * each and (line_no - 1) % total < first + me * each then
      cards[#cards + 1] = {code = code, left = tonumber(spendable)}
    end
  end
end
function request()
  for _ = 1, #cards do
    i = i % #cards + 1
    local c = cards[i]
    if c.left >= price then
      c.left = c.left - price
      n = n + 1
      return wrk.format("POST", "/api/v1/counter/redeem", headers, string.format(
        '{"shop_id":%s,"code":"%s","pin":"%s","items":[{"goods_id":%s,"quantity":1}],' ..
        '"idempotency_key":"bench-%s-%d"}', shop, c.code, pin, goods, run, n))
    end
  end
  -- every card is spent: this 400 fails the run (generate more records)
  return wrk.format("POST", "/api/v1/counter/redeem", headers, "{}")
end
LUA
log "counter redemptions, 1 connection, ${WDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
wrk_run redeem "$WDUR" -t1 -c1 -s "$WORK/redeem.lua" "$base/" -- \
  "$CLERK_TOKEN" "$SHOP" "$GOODS" "$PRICE" "$CARD_PIN" "$WORK/cards.txt" "$(date +%s)" 5 0 2
redeem_rps=$RPS redeem_p99=$P99
redeem_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-redeem.txt")
per_write redeem "$redeem_n" "$w0" "$t0"
# the cards' points in five parts: two for the run above (8 s at up to 1,300/s), one
# for each wrk thread of this one, which runs half as long (a thread's part lasts 5,000
# redemptions, and wrk's threads do not go at one pace)
RDUR=$(((WDUR + 1) / 2))
log "counter redemptions, $WCONNS connections, ${RDUR} s"
proc_snap; w0=$SNAP_W t0=$SNAP_T
wrk_run redeemc "$RDUR" -t"$THREADS" -c"$WCONNS" -s "$WORK/redeem.lua" "$base/" -- \
  "$CLERK_TOKEN" "$SHOP" "$GOODS" "$PRICE" "$CARD_PIN" "$WORK/cards.txt" "$(date +%s)c" 5 2 1
redeemc_rps=$RPS redeemc_p99=$P99
redeemc_n=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$WORK/wrk-redeemc.txt")
per_write redeemc "$redeemc_n" "$w0" "$t0"
base_run 4
log "static file, 1 connection, ${DUR} s"
wrk_run static1b "$DUR" -t1 -c1 "$base/index.html"
static1b_rps=$RPS
# every 2xx must have been a sale (not a replay): the stock went down by one a receipt
# (plus at most the requests in flight when wrk stopped: one, then one a connection)
http GET "/api/v1/goods/$GOODS"
stock_after=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"stock":\([0-9]*\).*/\1/p')
redeem_sold=$((stock_before - ${stock_after:-$stock_before}))
if [ "$redeem_sold" -lt $((redeem_n + redeemc_n)) ] || [ "$redeem_sold" -gt $((redeem_n + redeemc_n + 1 + WCONNS)) ]; then
  log "stock went from $stock_before to $stock_after for $((redeem_n + redeemc_n)) redemptions"
  exit 1
fi
TOKEN=$CADRE_TOKEN

# The server stops before the last verification.
bench_stop

bench_verify verify_after "after the run"
# the group commit's count at the server's stop: transactions and the commits they took
group_line=$(grep '"group commit"' "$WORK/server.log" | tail -1)
group_tx=$(printf '%s' "$group_line" | sed -n 's/.*"transactions":"\([0-9]*\)".*/\1/p')
group_commits=$(printf '%s' "$group_line" | sed -n 's/.*"commits":"\([0-9]*\)".*/\1/p')

# each write against the mean of the baselines right before and right after it
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
base_write=$(mean "$BASE_1" "$BASE_2")
base_approve=$(mean "$BASE_2" "$BASE_3")
base_redeem=$(mean "$BASE_3" "$BASE_4")
static1_rps=$(mean "$static1a_rps" "$static1b_rps")
# ceiling BASE: the ratio a write with no application cost at all would reach, one
# static-file round trip plus one raw commit; app RPS BASE: the ms a write spends beyond
# those two, which is what the code controls
ceiling() { awk -v s="$static1_rps" -v b="$1" 'BEGIN { printf "%.3g", (1 / b) / (1 / s + 1 / b) }'; }
app_ms() { awk -v r="$1" -v s="$static1_rps" -v b="$2" 'BEGIN { printf "%.2f", 1000 / r - 1000 / s - 1000 / b }'; }

# three significant digits, so that small ratios stay readable (0.138, 0.0416, 0.000412)
# requests/s: whole numbers, one decimal below 100
r_hh=$(ratio "$hh_rps" "$static_rps")
r_list=$(ratio "$list_rps" "$static_rps")
r_write=$(ratio "$write_rps" "$base_write")
r_rank=$(ratio "$rank_rps" "$static_rps")
r_rank_gz=$(ratio "$rank_gz_rps" "$static_rps")
r_ledger=$(ratio "$ledger_rps" "$static_rps")
r_approve=$(ratio "$approve_rps" "$base_approve")
r_redeem=$(ratio "$redeem_rps" "$base_redeem")
r_writec=$(ratio "$writec_rps" "$base_write")
r_approvec=$(ratio "$approvec_rps" "$base_approve")
r_redeemc=$(ratio "$redeemc_rps" "$base_redeem")

bench_machine
{
  echo "### $(date '+%Y-%m-%d %H:%M %Z') — commit $commit"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM," \
       "Linux $(uname -r), data on $fs; SQLite $sqlite_version; server defaults (8 worker threads)."
  echo "Demo county; village $VILLAGE has $village_households households; household $HOUSEHOLD has $MEMBERS members."
  echo "Generated in village $VILLAGE (bench/gen_points.c, ${GEN_SECONDS} s): $ENTRIES records over the last 365 days," \
       "$GEN_CREDITED credited to the ledger, $GEN_OPEN still in 公示; $((PENDING_LAST - PENDING_FIRST + 1)) pending claims;" \
       "$CARDS household cards ($CARD_POINTS spendable points)."
  echo "Busiest household $BUSY: $BUSY_ENTRIES ledger entries. \`cunzhi verify\` after generation: $(printf '%s' "$verify_out" | tr '\n' ' ')"
  echo "and after the run: $(printf '%s' "$verify_after" | tr '\n' ' ')"
  echo
  echo "| measurement | requests/s | p99 ms | ratio |"
  echo "|---|---:|---:|---:|"
  printf '| static file /index.html (%s B), %dt/%dc | %s | %s | 1 |\n' "$static_bytes" "$THREADS" "$CONNS" "$(rate "$static_rps")" "$static_p99"
  printf '| household page GET /api/v1/households/ID (%s B), %dt/%dc | %s | %s | **%s** of static |\n' "$hh_bytes" "$THREADS" "$CONNS" "$(rate "$hh_rps")" "$hh_p99" "$r_hh"
  printf '| list page GET /api/v1/households?unit_id&limit=50 (%s B), %dt/%dc | %s | %s | **%s** of static |\n' "$list_bytes" "$THREADS" "$CONNS" "$(rate "$list_rps")" "$list_p99" "$r_list"
  printf '| village ranking GET /api/v1/rankings?unit_id&period=%s (%s households, %s B), %dt/%dc | %s | %s | **%s** of static |\n' "$YEAR" "$rank_households" "$rank_bytes" "$THREADS" "$CONNS" "$(rate "$rank_rps")" "$rank_p99" "$r_rank"
  printf '| the same ranking with Accept-Encoding: gzip, %dt/%dc | %s | %s | **%s** of static |\n' "$THREADS" "$CONNS" "$(rate "$rank_gz_rps")" "$rank_gz_p99" "$r_rank_gz"
  printf '| ledger page GET /api/v1/households/ID/ledger?limit=50 (%s entries, %s B), %dt/%dc | %s | %s | **%s** of static |\n' "$ledger_total" "$ledger_bytes" "$THREADS" "$CONNS" "$(rate "$ledger_rps")" "$ledger_p99" "$r_ledger"
  echo
  echo "Durable writes, one connection each, against raw SQLite single-row INSERT transactions (WAL, synchronous=FULL)"
  echo "on the same disk measured right before and right after each write run (baselines: $(rate "$BASE_1"), $(rate "$BASE_2"),"
  echo "$(rate "$BASE_3"), $(rate "$BASE_4") tx/s); pages are 4 KiB written to the disk by the server per write (its"
  echo "/proc io write_bytes: WAL frames and checkpoints), CPU is the server's user + system time per write."
  [ -z "${BENCH_SYNC_DELAY_MS:-}" ] || echo "**A slow disk:** every fdatasync and fsync of the server and of the baseline returned ${BENCH_SYNC_DELAY_MS} ms late (BENCH_SYNC_DELAY_MS, strace)."
  echo "The ceiling is the ratio a write costing nothing beyond an HTTP round trip and a commit would reach: the static"
  echo "file on one connection ($(rate "$static1a_rps") and $(rate "$static1b_rps") requests/s before and after the writes) plus the"
  echo "baseline's commit; app ms is what a write takes beyond those two:"
  echo
  echo "| durable write | writes/s | p99 ms | baseline tx/s (mean) | ratio | ceiling | app ms/write | pages/write | CPU ms/write |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '| PATCH /api/v1/households/ID (%s) | %s | %s | %s | **%s** | %s | %s | %s | %s |\n' "$write_n" "$(rate "$write_rps")" "$write_p99" "$(rate "$base_write")" "$r_write" "$(ceiling "$base_write")" "$(app_ms "$write_rps" "$base_write")" "$write_pages" "$write_cpu"
  printf '| approval POST /api/v1/claims/ID/review (%s approved) | %s | %s | %s | **%s** | %s | %s | %s | %s |\n' "$approve_n" "$(rate "$approve_rps")" "$approve_p99" "$(rate "$base_approve")" "$r_approve" "$(ceiling "$base_approve")" "$(app_ms "$approve_rps" "$base_approve")" "$approve_pages" "$approve_cpu"
  printf '| redemption POST /api/v1/counter/redeem, card + PIN, 1 × %s (%s points; %s receipts, stock %s → %s) | %s | %s | %s | **%s** | %s | %s | %s | %s |\n' "$goods_name" "$PRICE" "$redeem_n" "$stock_before" "$stock_after" "$(rate "$redeem_rps")" "$redeem_p99" "$(rate "$base_redeem")" "$r_redeem" "$(ceiling "$base_redeem")" "$(app_ms "$redeem_rps" "$base_redeem")" "$redeem_pages" "$redeem_cpu"
  echo
  echo "The same writes from $WCONNS connections at once ($THREADS wrk threads; PATCHes over the list page's households,"
  echo "approvals over the next pending claims, redemptions over other cards for ${RDUR} s), against the same baselines: the server's"
  echo "group commit lets the transactions that arrive together share one commit. Over the whole run the server committed"
  echo "${group_tx:-?} write transactions in ${group_commits:-?} commits."
  echo
  echo "| durable write, $WCONNS connections | writes/s | p99 ms | baseline tx/s (mean) | ratio | pages/write | CPU ms/write |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '| PATCH /api/v1/households/ID (%s) | %s | %s | %s | **%s** | %s | %s |\n' "$writec_n" "$(rate "$writec_rps")" "$writec_p99" "$(rate "$base_write")" "$r_writec" "$writec_pages" "$writec_cpu"
  printf '| approval POST /api/v1/claims/ID/review (%s approved) | %s | %s | %s | **%s** | %s | %s |\n' "$approvec_n" "$(rate "$approvec_rps")" "$approvec_p99" "$(rate "$base_approve")" "$r_approvec" "$approvec_pages" "$approvec_cpu"
  printf '| redemption POST /api/v1/counter/redeem (%s receipts) | %s | %s | %s | **%s** | %s | %s |\n' "$redeemc_n" "$(rate "$redeemc_rps")" "$redeemc_p99" "$(rate "$base_redeem")" "$r_redeemc" "$redeemc_pages" "$redeemc_cpu"
} | tee "$OUT"
log "results written to $OUT"

# The events benchmark (issue 11): its own county, generator and server run.
if [ "${BENCH_EVENTS_RUN:-1}" = 1 ]; then
  log "events (bench/events.sh; BENCH_EVENTS_RUN=0 skips it)"
  BENCH_EVENTS_OUT=${BENCH_EVENTS_OUT:-$(dirname "$BIN")/bench-events-results.md} bash "$here/events.sh" "$BIN"
fi

# The lists benchmark (issue 12): its own county, generator and server run.
if [ "${BENCH_LISTS_RUN:-1}" = 1 ]; then
  log "lists (bench/lists.sh; BENCH_LISTS_RUN=0 skips it)"
  BENCH_LISTS_OUT=${BENCH_LISTS_OUT:-$(dirname "$BIN")/bench-lists-results.md} bash "$here/lists.sh" "$BIN"
fi
if [ "${BENCH_SSE_RUN:-1}" = 1 ]; then
  log "live streams (bench/sse.sh; BENCH_SSE_RUN=0 skips it)"
  BENCH_SSE_OUT=${BENCH_SSE_OUT:-$(dirname "$BIN")/bench-sse-results.md} bash "$here/sse.sh" "$BIN"
fi
if [ "${BENCH_FINANCE_RUN:-1}" = 1 ]; then
  log "village finance (bench/finance.sh; BENCH_FINANCE_RUN=0 skips it)"
  BENCH_FINANCE_OUT=${BENCH_FINANCE_OUT:-$(dirname "$BIN")/bench-finance-results.md} bash "$here/finance.sh" "$BIN"
fi
if [ "${BENCH_GRID_RUN:-1}" = 1 ]; then
  log "grid work (bench/grid.sh; BENCH_GRID_RUN=0 skips it)"
  BENCH_GRID_OUT=${BENCH_GRID_OUT:-$(dirname "$BIN")/bench-grid-results.md} bash "$here/grid.sh" "$BIN"
fi
if [ "${BENCH_PARTY_RUN:-1}" = 1 ]; then
  log "party building (bench/party.sh; BENCH_PARTY_RUN=0 skips it)"
  BENCH_PARTY_OUT=${BENCH_PARTY_OUT:-$(dirname "$BIN")/bench-party-results.md} bash "$here/party.sh" "$BIN"
fi
