#!/usr/bin/env bash
# Runs a command against a private PostgreSQL 15 instance: a fresh cluster in a
# temporary directory, listening only on its own Unix socket, stopped and removed
# afterwards. The command sees CUNZHI_PG, a libpq connection string for a fresh
# database, and CUNZHI_PG_ADMIN for creating more databases.
#   scripts/with-postgres.sh node --test tests/api/
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL is not installed (run scripts/deps.sh)" >&2
  exit 1
fi

tmp=$(mktemp -d /tmp/cunzhi-pg.XXXXXX)
chmod 755 "$tmp"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user
  chown postgres "$tmp"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$tmp/data" -U cunzhi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$tmp' -c fsync=on -c max_connections=200" start >/dev/null

export CUNZHI_PG_ADMIN="host=$tmp user=cunzhi dbname=postgres"
"$bindir/psql" -q "$CUNZHI_PG_ADMIN" -c "CREATE DATABASE cunzhi" >/dev/null
export CUNZHI_PG="host=$tmp user=cunzhi dbname=cunzhi"
echo "with-postgres: PostgreSQL running at $tmp" >&2
"$@"
