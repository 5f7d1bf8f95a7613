# Sourced by the session benchmarks (intake.sh, sockets.sh): the test run's PostgreSQL, a schema of
# the benchmark's own that is dropped on exit with every process in PIDS, and psql_run to query it.
# Needs GH_NAME and common.sh, and BENCH_KIND (the schema's and the run directory's prefix).
# Sets PG_URL, SCHEMA, WORK and PIDS; installs the EXIT trap.
# shellcheck shell=bash

PG_URL="${GATEHOUSE_TEST_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
PG_HOSTPORT="${PG_URL#jdbc:postgresql://}"
PG_HOSTPORT="${PG_HOSTPORT%%/*}"
PG_DB="${PG_URL##*/}"
PG_DB="${PG_DB%%\?*}"
psql_run() { psql -X -q -t -A -h "${PG_HOSTPORT%:*}" -p "${PG_HOSTPORT#*:}" -U postgres -d "$PG_DB" "$@"; }

STAMP="$(date +%Y%m%d-%H%M%S)"
WORK="$(gh_state_dir bench)/$BENCH_KIND-$STAMP"
mkdir -p "$WORK"
SCHEMA="bench_${BENCH_KIND}_$(date +%s)"
PIDS=()
bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  psql_run -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
}
trap bench_cleanup EXIT
psql_run -c "CREATE SCHEMA $SCHEMA" >/dev/null
