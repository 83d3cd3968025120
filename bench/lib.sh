# Shared by the benchmark scripts (run.sh, events.sh, lists.sh, finance.sh, grid.sh,
# party.sh, dashboards.sh, sse.sh), sourced first: bench_start checks the arguments and
# the tools, defines log() and makes the scratch directory; bench_demo makes the demo;
# bench_cc_baseline and bench_cc_gen compile the SQLite baseline and a data generator;
# bench_serve writes the static baseline page (its size in static_bytes), starts the
# server on a free port (PORT, SERVER_PID; BENCH_PORT picks one) and waits for
# /healthz; http is a minimal client on bash's /dev/tcp; login, wrk_run (with drain),
# ratio and rate are the measuring tools every script uses; bench_stop stops the server
# and bench_verify runs `cunzhi verify`; bench_machine names the machine for the report.

# BENCH_SYNC_DELAY_MS=N makes the disk a slow one for the server and the SQLite
# baseline alike: each fdatasync and fsync they call returns N ms late (strace's fault
# injection, only those calls traced), as on a laptop's consumer disk or a busy shared
# one; SYNC_WRAP is the command prefix that does it (empty without the variable).
SYNC_WRAP=()
if [ -n "${BENCH_SYNC_DELAY_MS:-}" ]; then
  SYNC_WRAP=(strace -f --seccomp-bpf -e trace=fdatasync,fsync
    -e "inject=fdatasync,fsync:delay_exit=$((BENCH_SYNC_DELAY_MS * 1000))" -o /dev/null)
fi

# bench_start NAME "NEEDS" "$@": the script's one argument, the server binary, into BIN
# (its directory BUILD); fails listing what is missing of NEEDS (wrk cc pkg-config
# sqlite3 curl node, and objects: the build's object files beside BIN); log() prefixes
# "bench NAME:"; LOAD0 is the load average before the run; then bench_scratch.
bench_start() {
  local name=$1 needs=$2 n missing=()
  shift 2
  BENCH_NAME=$name
  if [ $# -lt 1 ]; then
    echo "usage: bash bench/$name.sh BIN" >&2
    exit 2
  fi
  BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  BUILD=$(dirname "$BIN")
  for n in $needs; do
    case $n in
      cc) command -v cc >/dev/null 2>&1 || missing+=("cc (apt-get install build-essential)") ;;
      objects) [ -f "$BUILD/migrations.o" ] || missing+=("$BUILD/migrations.o and the objects beside it (run make first)") ;;
      *) command -v "$n" >/dev/null 2>&1 || missing+=("$n (apt-get install $n)") ;;
    esac
  done
  [ -x "$BIN" ] || missing+=("$BIN (run make first)")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'bench: missing: %s\n' "${missing[@]}" >&2
    echo "bench: scripts/deps.sh installs the packages" >&2
    exit 1
  fi
  unset CUNZHI_DB CUNZHI_DATA
  LOAD0=$(cut -d" " -f1-3 /proc/loadavg)
  if [ "$name" = run ]; then
    log() { printf 'bench: %s\n' "$*" >&2; }
    bench_scratch bench
  else
    log() { printf 'bench %s: %s\n' "$BENCH_NAME" "$*" >&2; }
    bench_scratch "bench-$name"
  fi
}

# bench_scratch NAME: a scratch directory WORK (data in DATA) beside BIN or in
# BENCH_DIR; on exit the server is stopped and the directory removed (kept when the run
# failed or BENCH_KEEP=1). Processes the script adds to BENCH_PIDS are stopped too.
bench_scratch() {
  WORK=$(mktemp -d "${BENCH_DIR:-$(dirname "$BIN")}/$1.XXXXXX")
  DATA=$WORK/data
  SERVER_PID=
  BENCH_PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local rc=$? p
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
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

# bench_demo SCALE: a fresh demo (village or county) in DATA.
bench_demo() {
  log "creating the demo $1 in $DATA"
  "$BIN" demo --scale "$1" --data "$DATA" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
}

# bench_cc_baseline: bench/sqlite_baseline.c as $WORK/sqlite_baseline (sqlite_flags: how
# to link SQLite).
bench_cc_baseline() {
  sqlite_flags=$(pkg-config --cflags --libs sqlite3 2>/dev/null || echo -lsqlite3)
  # shellcheck disable=SC2086
  if ! cc -O2 -o "$WORK/sqlite_baseline" "$here/sqlite_baseline.c" $sqlite_flags 2>"$WORK/cc.log"; then
    cat "$WORK/cc.log" >&2
    log "cannot compile bench/sqlite_baseline.c (apt-get install libsqlite3-dev)"
    exit 1
  fi
}

# bench_cc_gen NAME: bench/NAME.c as $WORK/NAME, linked with the server's own util, db
# and domain objects in BUILD (as the Makefile links them).
bench_cc_gen() {
  local pkgs="libmicrohttpd libulfius jansson sqlite3 libpq libsodium libqrencode xlsxwriter libzip expat zlib libxml-2.0 libjpeg libpng libwebp"
  local extra=()
  [ ! -f "$BUILD/holidays.o" ] || extra+=("$BUILD/holidays.o")
  # shellcheck disable=SC2046,SC2086
  if ! cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I"$here/../src" -I"$BUILD" \
      $(pkg-config --cflags $pkgs) -o "$WORK/$1" "$here/$1.c" \
      $(cd "$here/.." && find src/util src/db src/domain -name '*.c' | sed "s|^|$BUILD/|; s|\.c\$|.o|") \
      "$BUILD/migrations.o" "${extra[@]}" \
      $(pkg-config --libs $pkgs) -lpthread -lm 2>"$WORK/cc.log"; then
    cat "$WORK/cc.log" >&2
    log "cannot compile bench/$1.c against $BUILD (run make first)"
    exit 1
  fi
}

# bench_stop: stops the server (its requests answered) before the checks of the data.
bench_stop() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_WAIT_PID" || true
  SERVER_PID=
}

# bench_verify VAR WHEN: `cunzhi verify` on DATA, its report into VAR; fails the run
# when it fails ("cunzhi verify failed WHEN").
bench_verify() {
  local out
  out=$("$BIN" verify --data "$DATA" 2>&1) || { printf '%s\n' "$out" >&2; log "cunzhi verify failed $2"; exit 1; }
  printf -v "$1" '%s' "$out"
}

# bench_machine: cpu, fs (of DATA) and commit for the report's first lines.
bench_machine() {
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
  fs=$(findmnt -n -o FSTYPE -T "$DATA" 2>/dev/null || stat -f -c %T "$DATA" 2>/dev/null || echo "?")
  commit=$(cd "$here/.." && git rev-parse --short HEAD 2>/dev/null || echo "?")
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

  "${SYNC_WRAP[@]}" "$BIN" serve --data "$DATA" --listen "127.0.0.1:$PORT" --ui "$DATA/ui" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$! SERVER_WAIT_PID=$!
  if [ ${#SYNC_WRAP[@]} -gt 0 ]; then   # the server is strace's child: its own pid for /proc
    for _ in $(seq 1 100); do
      SERVER_PID=$(pgrep -P "$SERVER_WAIT_PID" | head -1) && [ -n "$SERVER_PID" ] && break
      sleep 0.1
    done
    [ -n "$SERVER_PID" ] || { log "the server did not start under strace"; exit 1; }
  fi

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
