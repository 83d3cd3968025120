#!/usr/bin/env bash
# Two app servers on one PostgreSQL (issue 17): bash bench/multiserver.sh BIN
#
# Starts a private PostgreSQL (scripts/with-postgres.sh), copies the village demo into a
# database of it and runs bench/multiserver.js: the read and write mix against one
# server, then against two on the same database, in the same run, and their ratio.
# BENCH_CLIENTS (8) and BENCH_PHASE_SECONDS (45) set the load; BENCH_BASE_BIN, another
# build, adds the household page's rate with PostgreSQL statements run unnamed (that
# build) against kept per connection (BIN). Results in BENCH_MULTI_OUT (default BIN's
# dir/bench-multiserver-results.md); recorded in bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
bench_start multiserver "node" "$@"
log "load average before: $LOAD0"
CUNZHI_BIN=$BIN bash "$here/../scripts/with-postgres.sh" node "$here/multiserver.js" "$BIN"
