# Shared by the benchmark scripts (run.sh, events.sh, lists.sh, finance.sh), sourced once
# they set BIN and here, each defining its log(): bench_scratch makes the scratch
# directory; bench_serve writes the static baseline page (its size in static_bytes),
# starts the server on a free port (PORT, SERVER_PID; BENCH_PORT picks one) and waits
# for /healthz; http is a minimal client on bash's /dev/tcp; login, wrk_run (with
# drain), ratio and rate are the measuring tools every script uses.

# bench_scratch NAME: a scratch directory WORK (data in DATA) beside BIN or in
# BENCH_DIR; on exit the server is stopped and the directory removed (kept when the run
# failed or BENCH_KEEP=1).
bench_scratch() {
  WORK=$(mktemp -d "${BENCH_DIR:-$(dirname "$BIN")}/$1.XXXXXX")
  DATA=$WORK/data
  SERVER_PID=
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "bench: scratch files kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}

bench_serve() {
  mkdir -p "$DATA/ui"
  chmod 700 "$DATA"   # cunzhi refuses a data directory others can read
  {
    printf '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>村治 bench</title></head><body>\n'
    for i in $(seq 1 20); do
      printf '<p>第 %02d 行：村务公开、积分公示、清单制事项，静态文件基准页面。</p>\n' "$i"
    done
    printf '</body></html>\n'
  } >"$DATA/ui/index.html"
  static_bytes=$(wc -c <"$DATA/ui/index.html")

  # ---- the server ----
  port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  PORT=${BENCH_PORT:-}
  if [ -z "$PORT" ]; then
    for _ in $(seq 1 50); do
      p=$((20000 + RANDOM % 20000))
      if port_free "$p"; then PORT=$p; break; fi
    done
  fi
  [ -n "$PORT" ] || { log "no free port found; set BENCH_PORT"; exit 1; }

  "$BIN" serve --data "$DATA" --listen "127.0.0.1:$PORT" --ui "$DATA/ui" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!

  # A minimal HTTP client on bash's /dev/tcp (no curl needed): http METHOD PATH [BODY]
  # sets HTTP_STATUS and HTTP_BODY.
  TOKEN=
  http() {
    local method=$1 path=$2 body=${3-} req resp
    req="$method $path HTTP/1.1"$'\r\n'"Host: 127.0.0.1:$PORT"$'\r\n'"Connection: close"$'\r\n'
    [ -z "$TOKEN" ] || req+="Authorization: Bearer $TOKEN"$'\r\n'
    if [ -n "$body" ]; then
      req+="Content-Type: application/json"$'\r\n'"Content-Length: $(printf '%s' "$body" | LC_ALL=C wc -c)"$'\r\n'
    fi
    resp=$(
      exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
      printf '%s\r\n%s' "$req" "$body" >&3
      cat <&3
    ) || return 1
    HTTP_STATUS=$(printf '%s' "${resp%%$'\r'*}" | awk '{print $2}')
    HTTP_BODY=${resp#*$'\r\n\r\n'}
  }

  for _ in $(seq 1 100); do
    if http GET /healthz 2>/dev/null && [ "$HTTP_STATUS" = 200 ]; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; log "the server did not start"; exit 1; }
    sleep 0.1
  done
  [ "${HTTP_STATUS:-}" = 200 ] || { log "the server does not answer /healthz"; exit 1; }
}

# login PHONE: a session for a demo login (password Cunzhi2026!) into TOKEN.
login() {
  TOKEN=
  http POST /api/v1/session "{\"phone\":\"$1\",\"password\":\"Cunzhi2026!\"}"
  [ "$HTTP_STATUS" = 201 ] || { log "login $1 failed ($HTTP_STATUS): $HTTP_BODY"; exit 1; }
  TOKEN=$(printf '%s' "$HTTP_BODY" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$TOKEN" ] || { log "no token in $HTTP_BODY"; exit 1; }
}

# Latency as printed by wrk (us, ms, s, m) to milliseconds.
to_ms() {
  awk '{ v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
         f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1;
         printf "%.2f", v * f }'
}

# wrk_run NAME DURATION WRK-ARGS...: sets RPS, P99 and P50 (ms); fails on any non-2xx
# reply or socket error; a long timeout, so slow endpoints' latencies are measured, not
# dropped as timeouts.
RPS= P99= P50=
wrk_run() {
  local name=$1 d=$2 out bad
  shift 2
  out=$(wrk --latency --timeout 30s -d"${d}s" "$@")
  printf '%s\n' "$out" >"$WORK/wrk-$name.txt"
  RPS=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')
  P99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}' | to_ms)
  P50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}' | to_ms)
  bad=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ {print $NF}')
  if [ -n "$bad" ] && [ "$bad" != 0 ]; then
    printf '%s\n' "$out" >&2
    log "$name: $bad replies were not 2xx; the numbers would be meaningless"
    exit 1
  fi
  if grep -q '^ *Socket errors:' <<<"$out"; then
    printf '%s\n' "$out" >&2
    log "$name: socket errors; the numbers would be meaningless"
    exit 1
  fi
  [ -n "$RPS" ] || { printf '%s\n' "$out" >&2; log "$name: no result from wrk"; exit 1; }
  drain
}
# The server still answers the slow requests wrk left queued when it stopped, and their
# connections count against its 64 per client (more are refused: read errors) until
# then: wait until the server holds no connection of ours (ss, else 10 s).
drain() {
  local i
  if ! command -v ss >/dev/null 2>&1; then sleep 10; return; fi
  for i in $(seq 1 600); do
    [ "$(ss -Htn state established state close-wait "( sport = :$PORT )" | wc -l)" = 0 ] && return
    sleep 0.1
  done
  log "the server still holds connections after 60 s"
  exit 1
}

# json_int KEY: the first integer KEY of HTTP_BODY; expect STATUS WHAT: fails the run
# unless the last reply had STATUS.
json_int() { printf '%s' "$HTTP_BODY" | sed -n "s/^{\"$1\":\\([0-9-]*\\).*/\\1/p;t;s/.*\"$1\":\\([0-9-]*\\).*/\\1/p" | head -1; }
expect() { [ "$HTTP_STATUS" = "$1" ] || { log "$2: $HTTP_STATUS $HTTP_BODY"; exit 1; }; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3g", a / b; else print "n/a" }'; }
rate() { awk -v a="$1" 'BEGIN { printf (a < 100 ? "%.1f" : "%.0f"), a }'; }
