# What the session benchmarks (intake.sh, sockets.sh, fanout.sh) share: the test services, a
# PostgreSQL schema of the benchmark's own that is dropped on exit with every process in PIDS,
# psql_run to query it, the container jar, and bench_gateway to start it on that schema.
# Source it from the repository root, with GH_NAME and common.sh loaded, and set first:
#   BENCH_KIND      the schema's and the run directory's prefix
#   BENCH_SERVICES  the services to start (bin/services/all.sh), default "postgres"
# Sets PG_URL, PG_HOSTPORT, PG_DB, KAFKA, REDIS, STAMP, WORK, SCHEMA, PIDS and JAR; installs the EXIT
# trap. GATEHOUSE_BENCH_JAR measures another build of the container jar.
# shellcheck shell=bash

BENCH_SERVICES="${BENCH_SERVICES:-postgres}"
GATEHOUSE_SERVICES="$BENCH_SERVICES" "$GH_ROOT/bin/services/all.sh" up
eval "$(GATEHOUSE_SERVICES="$BENCH_SERVICES" "$GH_ROOT/bin/services/all.sh" env)"
PG_URL="${GATEHOUSE_TEST_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
# shellcheck disable=SC2034 # KAFKA and REDIS are for the scripts that source this file
KAFKA="${GATEHOUSE_TEST_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
# shellcheck disable=SC2034
REDIS="${GATEHOUSE_TEST_REDIS_URI:-redis://127.0.0.1:6379}"
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

JAR="${GATEHOUSE_BENCH_JAR:-app-container/target/gatehouse-container.jar}"
if [[ -z "${GATEHOUSE_BENCH_JAR:-}" ]] && [[ ! -f "$JAR" || -n "$(find shared/src app-container/src -newer "$JAR" -name '*.java' -print -quit)" ]]; then
  printf 'bench: building the container jar\n'
  ./mvnw -B -q -DskipTests -pl app-container -am package
fi

# bench_gateway PORT [NAME=value ...] [-- COMMAND PREFIX ...]: starts the container jar on PORT with
# $JAVA_OPTS, signing key $SECRET and this run's schema, without the access log or the audit of
# admitted requests, plus GATEHOUSE_BENCH_ENV and the settings given (which win); a prefix such as
# `taskset -c 1` runs the JVM under it. Logs to $WORK/gatehouse.log, sets GATEHOUSE_PID (added to
# PIDS) and waits until the port accepts connections.
bench_gateway() {
  local port="$1" settings=() prefix=()
  shift
  while [[ $# -gt 0 && "$1" != -- ]]; do
    settings+=("$1")
    shift
  done
  if [[ $# -gt 0 ]]; then
    shift
    prefix=("$@")
  fi
  gh_port_open 127.0.0.1 "$port" && gh_die "port $port is in use; stop whatever listens there"
  # shellcheck disable=SC2086 # JAVA_OPTS and GATEHOUSE_BENCH_ENV are lists
  env GATEWAY_ACCESS_LOG_ENABLED=false GATEWAY_AUDIT_RECORD_ALLOWED=false ${GATEHOUSE_BENCH_ENV:-} GATEWAY_JWT_SECRET="$SECRET" \
    DATASOURCES_DEFAULT_URL="$PG_URL?currentSchema=$SCHEMA${GATEHOUSE_BENCH_PG_PARAMS:-}" DATASOURCES_DEFAULT_USERNAME=postgres \
    DATASOURCES_DEFAULT_PASSWORD= MICRONAUT_SERVER_PORT="$port" GATEHOUSE_HOST=127.0.0.1 GATEHOUSE_LOG_LEVEL=WARN "${settings[@]}" \
    "${prefix[@]}" "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$JAR" >"$WORK/gatehouse.log" 2>&1 &
  GATEHOUSE_PID=$!
  PIDS+=("$GATEHOUSE_PID")
  gh_wait_port 127.0.0.1 "$port" 60 gatehouse "$WORK/gatehouse.log" "$GATEHOUSE_PID"
}

# bench_token: a bearer JWT signed with $SECRET for bench-user of tenant bench, valid for a day.
bench_token() {
  gh_hs256_jwt "$SECRET" "$(printf '{"sub":"bench-user","tenant":"bench","exp":%s}' "$(($(date +%s) + 86400))")"
}
