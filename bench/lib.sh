# Shared by the benchmark scripts (run.sh, events.sh), sourced after they set BIN, DATA,
# WORK and log(): bench_serve writes the static baseline page (its size in
# static_bytes), starts the server on a free port (PORT, SERVER_PID; BENCH_PORT picks
# one) and waits for /healthz; http is a minimal client on bash's /dev/tcp.

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
