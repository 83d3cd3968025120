#!/usr/bin/env bash
# County scale on one machine (issue 17): bash bench/county.sh build/cunzhi
#
# For each size of COUNTY_SIZES (households:records, smallest first, the full county
# last), on a copy of one fresh demo county (`cunzhi demo --scale county`, 18 villages
# in 2 towns, 10,000 households), bench/gen_county.c grows the county to the households
# and writes the records over three years (claims, 公示, ledger, audit, as the domain
# layer leaves them); `cunzhi dash-daily rebuild` and `cunzhi heads` store the derived
# figures; then, timed: `cunzhi verify` of the whole database (with its default workers,
# then --jobs 1 and --jobs 2, each report equal to the first); and against the server,
# wrk (2 threads, 32 connections, COUNTY_SECONDS each; the cadre 13900000003 of 青山村,
# the town official 13900000002 of its town 河口镇):
#   static    GET /index.html (2 KB), the ceiling the reads are divided by
#   household GET /api/v1/households/ID, the largest household of 青山村
#   ledger    GET /api/v1/households/ID/ledger?limit=50, its busiest household
#   village   GET /api/v1/rankings?unit_id=青山村&period=YEAR
#   town      the rankings of every village of 河口镇 in turn (as a town official read
#             them before the town had a ranking of its own), and before any other
#             request, each village's first ranking (computed, not yet kept in the
#             reply cache) one after another: "cold"
#   town one  GET /api/v1/rankings?unit_id=河口镇&period=YEAR, the town's ranking as one
#             request (every household of its villages), its first request "cold"
# then the server's VmHWM and VmRSS (/proc), and `cunzhi backup` timed while one
# connection PATCHes a household in a loop (the write rate during the backup is
# reported, and the copy checked with PRAGMA quick_check on the sizes below 1 GB).
# Last (COUNTY_IMPORT, default 500000; 0 skips it), on the full size: a roster of that
# many residents (bench/gen_roster.py) imported into 青山村 by its cadre
# (POST /api/v1/imports/households), timed, as one XLSX file (split into files of at
# most TABLE_MAX_ROWS - 1 data rows, one after another, only above the reader's limit
# per file, src/util/table.h), with the server's VmHWM afterwards.
#
# Everything runs under nice. Environment: COUNTY_SIZES (default
# "10000:670000 40000:2670000 150000:10000000"), COUNTY_SECONDS (8), COUNTY_IMPORT,
# BENCH_DIR (scratch directory, default beside BIN), BENCH_KEEP=1, COUNTY_OUT (results,
# default BIN's dir/bench-county-results.md), COUNTY_DATA (a data directory this script
# generated and kept before, e.g. BENCH_KEEP=1's c150000: measured again as it is, in
# place, without generating or verifying; its row's generate and verify columns read
# "kept"), COUNTY_VILLAGE (with COUNTY_DATA: the village whose pages and ranking are read,
# and its town's, instead of 青山村 and 河口镇, all as the county admin 13900000001 — for
# a kept county whose 青山村 took the roster import), COUNTY_BACKUP=0 (skips the
# backup). Not part of `make check` or `make bench`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start county "wrk cc pkg-config objects sqlite3 curl python3" "$@"
SIZES=${COUNTY_SIZES:-"10000:670000 40000:2670000 150000:10000000"}
DUR=${COUNTY_SECONDS:-8}
IMPORT=${COUNTY_IMPORT:-500000}
OUT=${COUNTY_OUT:-$(dirname "$BIN")/bench-county-results.md}
THREADS=2
CONNS=32
renice -n 10 $$ >/dev/null 2>&1 || true

KEPT=${COUNTY_DATA:-}
if [ -n "$KEPT" ]; then
  [ -f "$KEPT/cunzhi.db" ] || { log "COUNTY_DATA=$KEPT: no cunzhi.db there"; exit 1; }
  KEPT=$(cd "$KEPT" && pwd)
  SIZES=kept
else
  bench_cc_gen gen_county
  DEMO=$WORK/demo
  DATA=$DEMO bench_demo county
fi
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

rows=()
for size in $SIZES; do
  if [ -n "$KEPT" ]; then
    DATA=$KEPT HH=kept
    # the counts the generator would have printed, read from the data
    sqlite3 -readonly "$DATA/cunzhi.db" "SELECT 'households=' || (SELECT count(*) FROM households);
      SELECT 'residents=' || (SELECT count(*) FROM residents); SELECT 'ledger_entries=' || (SELECT count(*) FROM ledger);
      SELECT 'audit_entries=' || (SELECT count(*) FROM audit_log)" >"$WORK/gen-$HH.txt"
    gv() { awk -F= -v k="$1" '$1 == k {print $2}' "$WORK/gen-$HH.txt"; }
    db_bytes=$(stat -c %s "$DATA/cunzhi.db")
    gen_s=kept verify_s=kept verify_j1_s=- verify_j2_s=-
    log "kept data $DATA: $(gv households) households, $(gv residents) residents, $(gv ledger_entries) ledger entries, $(gv audit_entries) audit entries, $((db_bytes / 1048576)) MB"
  else
    HH=${size%%:*} ENTRIES=${size##*:}
    DATA=$WORK/c$HH
    rm -rf "$DATA"
    cp -a "$DEMO" "$DATA"
    log "size $HH households, $ENTRIES records: generating"
    t=$(now)
    "$WORK/gen_county" "$DATA" --households "$HH" --entries "$ENTRIES" >"$WORK/gen-$HH.txt" 2>"$WORK/gen-$HH.log" ||
      { cat "$WORK/gen-$HH.log" >&2; exit 1; }
    gen_s=$(since "$t")
    gv() { awk -F= -v k="$1" '$1 == k {print $2}' "$WORK/gen-$HH.txt"; }
    "$BIN" dash-daily rebuild --data "$DATA" >"$WORK/dash-$HH.log" 2>&1 || { cat "$WORK/dash-$HH.log" >&2; exit 1; }
    "$BIN" heads --data "$DATA" >/dev/null 2>"$WORK/heads-$HH.log" || { cat "$WORK/heads-$HH.log" >&2; exit 1; }
    db_bytes=$(stat -c %s "$DATA/cunzhi.db")
    log "generated in $gen_s s: $(gv households) households, $(gv residents) residents, $(gv ledger_entries) ledger entries, $(gv audit_entries) audit entries, $((db_bytes / 1048576)) MB"
    t=$(now)
    bench_verify verify_out "after generation ($HH)"
    verify_s=$(since "$t")
    log "verify in $verify_s s: $(printf '%s' "$verify_out" | tr '\n' ';')"
    # the same with one worker and with two (the default above: one per online CPU); the
    # report must not depend on them
    for j in 1 2; do
      t=$(now)
      out=$("$BIN" verify --data "$DATA" --jobs "$j" 2>&1) || { printf '%s\n' "$out" >&2; log "verify --jobs $j failed"; exit 1; }
      printf -v "verify_j${j}_s" '%s' "$(since "$t")"
      [ "$out" = "$verify_out" ] || { log "verify --jobs $j reported otherwise: $out"; exit 1; }
    done
    log "verify --jobs 1 in $verify_j1_s s, --jobs 2 in $verify_j2_s s"
  fi

  # the measured objects, read before the server starts
  q() { sqlite3 -readonly "$DATA/cunzhi.db" "$1"; }
  READER=13900000003 TOWN_READER=13900000002
  VILLAGE=$(q "SELECT g.unit_id FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.unit_id
               WHERE u.phone = '13900000003' AND g.role = 'cadre' AND o.kind = 'village' ORDER BY g.unit_id LIMIT 1")
  if [ -n "$KEPT" ] && [ -n "${COUNTY_VILLAGE:-}" ]; then
    VILLAGE=$COUNTY_VILLAGE READER=13900000001 TOWN_READER=13900000001
  fi
  TOWN=$(q "SELECT parent_id FROM org_units WHERE id = $VILLAGE")
  TOWN_VILLAGES=$(q "SELECT id FROM org_units WHERE parent_id = $TOWN AND kind = 'village' ORDER BY id" | tr '\n' ' ')
  read -r BUSY BUSY_N < <(q "SELECT household_id, count(*) FROM ledger WHERE village_id = $VILLAGE GROUP BY household_id
                            ORDER BY count(*) DESC LIMIT 1" | tr '|' ' ')
  HOUSEHOLD=$(q "SELECT household_id FROM residents r JOIN households h ON h.id = r.household_id WHERE h.village_id = $VILLAGE
                 GROUP BY household_id ORDER BY count(*) DESC, household_id LIMIT 1")
  village_entries=$(q "SELECT count(*) FROM ledger WHERE village_id = $VILLAGE")
  village_hh=$(q "SELECT count(*) FROM households WHERE village_id = $VILLAGE")

  bench_serve
  base="http://127.0.0.1:$PORT"
  YEAR=$(TZ=Asia/Shanghai date +%Y)
  # the first start after the bulk load: the scheduler's first pass can hold the write
  # lock longer than a login waits for it (10 s): retry, and report how long it took
  t=$(now)
  for _ in $(seq 1 30); do
    TOKEN=
    http POST /api/v1/session '{"phone":"'"$TOWN_READER"'","password":"Cunzhi2026!"}'
    [ "$HTTP_STATUS" != 201 ] || break
    log "login while the server starts: $HTTP_STATUS, again"
    sleep 2
  done
  first_login_s=$(since "$t")
  login "$TOWN_READER"
  TOWN_TOKEN=$TOKEN
  TOWN_RANK_PATH="/api/v1/rankings?unit_id=$TOWN&period=$YEAR"
  # cold: the town's ranking as one request, before anything is kept
  ms=$(curl -s -o "$WORK/town-ranking.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOWN_TOKEN" \
    "$base$TOWN_RANK_PATH")
  [ "${ms%% *}" = 200 ] || { log "ranking of town $TOWN: ${ms%% *}"; exit 1; }
  town_one_cold_ms=$(awk -v b="${ms#* }" 'BEGIN { printf "%.0f", b * 1000 }')
  town_one_bytes=$(LC_ALL=C wc -c <"$WORK/town-ranking.json")
  log "town $TOWN: its ranking as one request, first asked in $town_one_cold_ms ms ($town_one_bytes bytes)"
  # cold: each village's first ranking, one after another, before anything is kept
  t=$(now)
  cold_max=0
  for v in $TOWN_VILLAGES; do
    ms=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOWN_TOKEN" \
      "$base/api/v1/rankings?unit_id=$v&period=$YEAR")
    [ "${ms%% *}" = 200 ] || { log "ranking of village $v: ${ms%% *}"; exit 1; }
    cold_max=$(awk -v a="$cold_max" -v b="${ms#* }" 'BEGIN { b *= 1000; print (b > a ? b : a) }')
  done
  town_cold_ms=$(ms_since "$t")
  ntown=$(wc -w <<<"$TOWN_VILLAGES")
  log "town $TOWN: $ntown villages' rankings first asked in $town_cold_ms ms (slowest $(printf '%.0f' "$cold_max") ms)"
  login "$READER"
  auth=(-H "Authorization: Bearer $TOKEN")
  HH_PATH=/api/v1/households/$HOUSEHOLD
  LEDGER_PATH="/api/v1/households/$BUSY/ledger?limit=50"
  RANK_PATH="/api/v1/rankings?unit_id=$VILLAGE&period=$YEAR"
  for p in "$HH_PATH" "$LEDGER_PATH" "$RANK_PATH"; do
    http GET "$p"
    expect 200 "GET $p"
  done
  rank_bytes=$(printf '%s' "$HTTP_BODY" | LC_ALL=C wc -c)
  cat >"$WORK/town.lua" <<'LUA'
local token, paths, i = nil, {}, 0
function init(args)
  token = args[1]
  for k = 2, #args do paths[#paths + 1] = args[k] end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Authorization"] = "Bearer " .. token})
end
LUA
  town_paths=()
  for v in $TOWN_VILLAGES; do town_paths+=("/api/v1/rankings?unit_id=$v&period=$YEAR"); done

  wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$HH_PATH"
  wrk_run warm 1 -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LEDGER_PATH"
  log "static file, $DUR s"
  wrk_run static "$DUR" -t"$THREADS" -c"$CONNS" "$base/index.html"
  static_rps=$RPS static_p99=$P99
  log "household page, $DUR s"
  wrk_run household "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$HH_PATH"
  hh_rps=$RPS hh_p99=$P99
  log "ledger page, $DUR s"
  wrk_run ledger "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$LEDGER_PATH"
  ledger_rps=$RPS ledger_p99=$P99
  log "village ranking, $DUR s"
  wrk_run ranking "$DUR" -t"$THREADS" -c"$CONNS" "${auth[@]}" "$base$RANK_PATH"
  rank_rps=$RPS rank_p99=$P99
  log "town: the rankings of its $ntown villages in turn, $DUR s"
  wrk_run town "$DUR" -t"$THREADS" -c"$CONNS" -s "$WORK/town.lua" "$base" -- "$TOWN_TOKEN" "${town_paths[@]}"
  town_rps=$RPS town_p99=$P99
  log "town: its ranking as one request, $DUR s"
  wrk_run townone "$DUR" -t"$THREADS" -c"$CONNS" -H "Authorization: Bearer $TOWN_TOKEN" "$base$TOWN_RANK_PATH"
  townone_rps=$RPS townone_p99=$P99
  # the same reads from one connection: the p99 of the request itself, without the
  # queue of 32 connections on 2 CPUs
  wrk_run household1 "$DUR" -t1 -c1 "${auth[@]}" "$base$HH_PATH"
  hh1_p99=$P99
  wrk_run ledger1 "$DUR" -t1 -c1 "${auth[@]}" "$base$LEDGER_PATH"
  ledger1_p99=$P99
  wrk_run ranking1 "$DUR" -t1 -c1 "${auth[@]}" "$base$RANK_PATH"
  rank1_p99=$P99
  wrk_run town1 "$DUR" -t1 -c1 -s "$WORK/town.lua" "$base" -- "$TOWN_TOKEN" "${town_paths[@]}"
  town1_p99=$P99
  wrk_run townone1 "$DUR" -t1 -c1 -H "Authorization: Bearer $TOWN_TOKEN" "$base$TOWN_RANK_PATH"
  townone1_p99=$P99
  log "p99 from one connection: household $hh1_p99 ms, ledger page $ledger1_p99 ms, village ranking $rank1_p99 ms, town rankings $town1_p99 ms, town ranking $townone1_p99 ms"
  hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
  rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
  log "server memory: VmHWM $((hwm_kb / 1024)) MB, VmRSS $((rss_kb / 1024)) MB"

  backup_s="not run" writes_during=-
  if [ "${COUNTY_BACKUP:-1}" != 0 ]; then
    # the backup while one connection writes
    cat >"$WORK/patch.lua" <<'LUA'
local token
local n = 0
function init(args) token = args[1] end
function request()
  n = n + 1
  return wrk.format("PATCH", nil, {["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json"}, string.format('{"address":"青山村备份路 %d 号"}', n % 2 + 1))
end
LUA
    wrk --latency --timeout 30s -d600s -t1 -c1 -s "$WORK/patch.lua" "$base$HH_PATH" -- "$TOKEN" >"$WORK/wrk-backup-writes-$HH.txt" 2>&1 &
    WRK_PID=$!
    BENCH_PIDS+=("$WRK_PID")
    sleep 1
    rm -f "$WORK/backup.db" "$WORK/backup.db.heads"
    t=$(now)
    "$BIN" backup "$WORK/backup.db" --data "$DATA" >"$WORK/backup-$HH.log" 2>&1 || { cat "$WORK/backup-$HH.log" >&2; exit 1; }
    backup_s=$(since "$t")
    kill -INT "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
    drain
    writes_during=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-backup-writes-$HH.txt")
    bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$WORK/wrk-backup-writes-$HH.txt")
    [ -z "$bad" ] || [ "$bad" = 0 ] || { cat "$WORK/wrk-backup-writes-$HH.txt" >&2; log "writes during the backup failed"; exit 1; }
    backup_check="not checked (over 1 GB)"
    if [ "$db_bytes" -lt 1073741824 ]; then
      backup_check=$(sqlite3 "$WORK/backup.db" "PRAGMA quick_check")
      [ "$backup_check" = ok ] || { log "backup copy: $backup_check"; exit 1; }
    fi
    log "backup in $backup_s s while PATCHes ran at ${writes_during:-?}/s; copy: $backup_check"
    rm -f "$WORK/backup.db" "$WORK/backup.db.heads"
  fi

  rows+=("| $(gv households) | $(gv residents) | $(gv ledger_entries) | $(gv audit_entries) | $((db_bytes / 1048576)) | $gen_s | $verify_s ($verify_j1_s / $verify_j2_s) | $(rate "$static_rps") / $static_p99 | $(rate "$hh_rps") ($(ratio "$hh_rps" "$static_rps")) / $hh_p99 / $hh1_p99 | $(rate "$ledger_rps") ($(ratio "$ledger_rps" "$static_rps")) / $ledger_p99 / $ledger1_p99 | $(rate "$rank_rps") ($(ratio "$rank_rps" "$static_rps")) / $rank_p99 / $rank1_p99 | $(rate "$town_rps") ($(ratio "$town_rps" "$static_rps")) / $town_p99 / $town1_p99 | $town_cold_ms ($(printf '%.0f' "$cold_max")) | $(rate "$townone_rps") ($(ratio "$townone_rps" "$static_rps")) / $townone_p99 / $townone1_p99 | $town_one_cold_ms | $((hwm_kb / 1024)) / $((rss_kb / 1024)) | $backup_s (${writes_during:-?}/s) |")
  detail="village $VILLAGE: $village_hh households, $village_entries ledger entries, ranking $rank_bytes bytes; busiest household $BUSY: $BUSY_N entries; town $TOWN: $ntown villages, its ranking $town_one_bytes bytes; first login after the start took $first_login_s s"
  rows+=("<!-- $detail -->")
  log "$detail"
  log "row: ${rows[-2]}"
  bench_stop
  LAST_DATA=$DATA
  # keep only the last (largest) size's data, for the import
  [ "$size" = "${SIZES##* }" ] || [ -n "$KEPT" ] || rm -rf "$DATA"
done

import_row="not run"
if [ "$IMPORT" -gt 0 ]; then
  # a file holds at most TABLE_MAX_ROWS rows, the header included (src/util/table.h),
  # and the import route takes at most REQ_IMPORT_MAX bytes (src/http/req.h)
  maxrows=$(($(awk '/define TABLE_MAX_ROWS/ {print $3}' "$here/../src/util/table.h") - 1))
  upload_max=$(awk '/define REQ_IMPORT_MAX/ {gsub(/[()]/, ""); print $3 * 2 ^ $5}' "$here/../src/http/req.h")
  DATA=$LAST_DATA
  mapfile -t files < <(python3 "$here/gen_roster.py" "$WORK/roster" "$IMPORT" "$maxrows")
  bench_serve
  base="http://127.0.0.1:$PORT"
  login 13900000003
  log "importing $IMPORT residents into village $VILLAGE in ${#files[@]} XLSX file(s) of at most $maxrows rows"
  t=$(now)
  parts=()
  for f in "${files[@]}"; do
    bytes=$(stat -c %s "$f")
    [ "$bytes" -le "$upload_max" ] || { log "$f: $bytes bytes, over the upload limit $upload_max"; exit 1; }
    t1=$(now)
    code=$(curl -s -o "$WORK/import.json" -w '%{http_code}' --max-time 3600 -H "Authorization: Bearer $TOKEN" \
      -H "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" \
      --data-binary "@$f" "$base/api/v1/imports/households?village_id=$VILLAGE")
    s1=$(since "$t1")
    log "$(basename "$f") ($bytes bytes): $code in $s1 s: $(head -c 300 "$WORK/import.json")"
    [ "$code" = 200 ] || { log "the import failed"; exit 1; }
    created=$(sed -n 's/.*"residents_created":\([0-9]*\).*/\1/p' "$WORK/import.json")
    parts+=("$created residents ($((bytes / 1024)) KB) in $s1 s")
  done
  import_s=$(since "$t")
  hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
  import_row="$IMPORT residents in ${#files[@]} file(s) (one file holds at most $maxrows rows), $import_s s in all: $(IFS=';'; echo "${parts[*]}"); server VmHWM afterwards $((hwm_kb / 1024)) MB"
  log "import: $import_row"
  bench_stop
  t=$(now)
  bench_verify verify_out "after the import"
  log "verify after the import in $(since "$t") s"
fi

bench_machine
{
  printf '### %s — county scale (issue 17), commit %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$commit"
  printf 'Machine: %s, %s CPUs, load average %s before the run, %s at the end; data on %s.\n\n' \
    "$cpu" "$(nproc)" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" "$fs"
  printf '| households | residents | ledger entries | audit entries | DB MB | generate s | verify s, default jobs (%s CPUs) (--jobs 1 / --jobs 2) | static /s / p99 ms | household /s (ratio) / p99 ms 32c / 1c | ledger page /s (ratio) / p99 ms 32c / 1c | village ranking /s (ratio) / p99 ms 32c / 1c | town rankings /s (ratio) / p99 ms 32c / 1c | town cold ms (slowest) | town ranking, one request /s (ratio) / p99 ms 32c / 1c | town ranking cold ms | server MB VmHWM / VmRSS | backup s (PATCH/s meanwhile) |\n' "$(nproc)"
  printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  printf '%s\n' "${rows[@]}"
  printf '\nRoster import: %s\n' "$import_row"
} | tee "$OUT"
