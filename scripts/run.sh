#!/usr/bin/env bash
# `make run`: create or migrate the data directory, load the demo county on the first
# run, print where to open Cunzhi and how to log in, then serve until Ctrl-C.
set -euo pipefail
bin=$1 data=$2 port=$3

mkdir -p "$data"
chmod 700 "$data"   # it holds the key that decrypts the ID numbers
if [ ! -f "$data/demo-logins.txt" ]; then
  echo "Creating the demo county (about 10,000 households and half a year of history; takes about a minute)…"
  "$bin" demo --scale county --data "$data" | tee "$data/demo-logins.txt.tmp" >/dev/null
  mv "$data/demo-logins.txt.tmp" "$data/demo-logins.txt"
fi

cat <<EOT

  村治 Cunzhi is starting.

  Villager app (phone):   http://127.0.0.1:$port/
  Admin console (laptop): http://127.0.0.1:$port/admin/
  API:                    http://127.0.0.1:$port/api/v1/   (health: /healthz)
  Data directory:         $data

EOT
sed -n '/^logins/,$p' "$data/demo-logins.txt"
echo
echo "  Stop with Ctrl-C."
echo
exec "$bin" serve --data "$data" --listen "127.0.0.1:$port" --ui ui/dist
