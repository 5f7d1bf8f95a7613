#!/usr/bin/env bash
# The start-up benchmark: how long the container gateway takes, in fresh JVMs, from the `java`
# command to its first 200 on /v1/health, with and without the JDK AOT cache.
#
#   bin/gatehouse bench startup [--container | --lambda] [--runs N] [--warm N] [--aot-only | --no-aot-only] [--java-opts "..."]
#
# Without --container or --lambda it measures both: the container part below, then the Lambda part
# (infra/bench/startup-lambda.sh: the HTTP API handler under AWS's runtime interface client, init,
# first and warm invoke). --container or --lambda measures one; --warm N is the Lambda part's.
#
# Each run starts the packaged jar (app-container/target/gatehouse-container.jar, built when stale)
# the way `bin/gatehouse run` does, in the embedded default with the shipped route file, on a free
# port, polls GET /v1/health every 20 ms and records:
#   - ready: milliseconds from the fork to the first 200;
#   - rss: the JVM's resident set (VmRSS) at that moment, MiB;
#   - cpu: the JVM's user + system CPU time at that moment, ms (moves less than the wall time when
#     other processes compete for this machine's two cores);
#   - "Startup completed in": what Micronaut itself logs (context start to server bound).
# Runs with and without the cache alternate, so that drift hits both; the medians are reported.
# The cache is recorded first by one training run (bin/lib/aot.sh), like `bin/gatehouse run` does.
#
# Results go to stdout and to results.md under .gatehouse/bench/startup-<timestamp>/.
# A benchmark, not a test: nothing here passes or fails on a figure.
set -euo pipefail

GH_NAME=bench
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/aot.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/aot.sh"
cd "$GH_ROOT"

RUNS=5
MODES="plain aot"
JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-}"
TARGETS="container lambda"
# What the Lambda part gets: every option but the target.
LAMBDA_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --container) TARGETS="container"; shift ;;
    --lambda) TARGETS="lambda"; shift ;;
    --runs) RUNS="$2"; LAMBDA_ARGS+=("$1" "$2"); shift 2 ;;
    --warm) LAMBDA_ARGS+=("$1" "$2"); shift 2 ;;
    --aot-only) MODES="aot"; LAMBDA_ARGS+=("$1"); shift ;;
    --no-aot-only) MODES="plain"; LAMBDA_ARGS+=("$1"); shift ;;
    --java-opts) JAVA_OPTS="$2"; LAMBDA_ARGS+=("$1" "$2"); shift 2 ;;
    *) gh_die "unknown option '$1' (see the top of infra/bench/startup.sh)" ;;
  esac
done
if [[ "$TARGETS" == lambda ]]; then
  exec infra/bench/startup-lambda.sh "${LAMBDA_ARGS[@]}"
fi

gh_find_java
JAVA="$JAVA_HOME/bin/java"
JAR=app-container/target/gatehouse-container.jar
if [[ ! -f "$JAR" || -n "$(find pom.xml shared app-container -newer "$JAR" \( -name '*.java' -o -name '*.yml' -o -name '*.xml' \) -not -path '*/target/*' -print -quit)" ]]; then
  printf 'bench: building the container jar\n'
  ./mvnw -B -q -DskipTests -pl app-container -am package
fi

WORK="$(gh_state_dir bench)/startup-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK"
AOT="$WORK/gatehouse-container.aot"
RAW="$WORK/raw.tsv"
PID=""
cleanup() {
  if [[ -n "$PID" ]]; then
    kill -KILL "$PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

gateway_env=(env -i PATH="$PATH" HOME="${HOME:-/tmp}" GATEHOUSE_CONFIG="$GH_ROOT/config/gatehouse.yml")

if [[ " $MODES " == *" aot "* ]]; then
  printf 'bench: recording the AOT cache (one training run)\n'
  start_ns="$(gh_now_ns)"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  gh_aot_train "$AOT" "$(gh_free_port)" "$JAVA" $JAVA_OPTS -jar "$JAR"
  printf 'bench: training run %s, cache %s MiB\n' "$(gh_elapsed "$start_ns")" "$(($(stat -c %s "$AOT") / 1048576))"
fi

clk_tck="$(getconf CLK_TCK)"
# one MODE RUN: starts the gateway, waits for its first 200, appends a line to $RAW.
one() {
  local mode="$1" run="$2" port log start now ready cpu rss completed opts=()
  port="$(gh_free_port)"
  log="$WORK/$mode-$run.log"
  [[ "$mode" == aot ]] && opts=("-XX:AOTCache=$AOT")
  start="$(gh_now_ns)"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${gateway_env[@]}" MICRONAUT_SERVER_PORT="$port" \
    "$JAVA" $JAVA_OPTS "${opts[@]}" -jar "$JAR" >"$log" 2>&1 &
  PID=$!
  while :; do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v1/health" || true)" == 200 ]]; then
      break
    fi
    kill -0 "$PID" 2>/dev/null || { gh_tail_log "$log"; gh_die "the gateway exited before it answered"; }
    (( ($(gh_now_ns) - start) / 1000000000 < 120 )) || gh_die "no 200 on /v1/health within 120 s"
    sleep 0.02
  done
  now="$(gh_now_ns)"
  ready=$(((now - start) / 1000000))
  rss="$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")"
  cpu="$(awk -v t="$clk_tck" '{ printf "%.0f", ($14 + $15) * 1000 / t }' "/proc/$PID/stat")"
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
  completed="$(sed -n 's/.*Startup completed in \([0-9]*\)ms.*/\1/p' "$log" | head -n 1)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$run" "$ready" "$rss" "$cpu" "${completed:-?}" | tee -a "$RAW"
}

printf 'mode\trun\tready_ms\trss_mib\tcpu_ms\tstartup_completed_ms\n' | tee "$RAW"
for run in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    one "$mode" "$run"
  done
done

col() { awk -F'\t' -v m="$1" -v c="$2" 'NR > 1 && $1 == m { print $c }' "$RAW"; }

{
  printf '# Start-up, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf '%s runs per mode, %s, %s cores, load average before: %s\n\n' "$RUNS" \
    "$("$JAVA" -version 2>&1 | head -n 1)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| mode | ready ms (median, range) | RSS MiB | CPU ms | "Startup completed in" ms |\n|---|---|---|---|---|\n'
  for mode in $MODES; do
    printf '| %s | %s (%s) | %s | %s | %s |\n' "$([[ $mode == aot ]] && echo 'AOT cache' || echo 'no cache')" \
      "$(col "$mode" 3 | gh_median)" "$(col "$mode" 3 | gh_range)" "$(col "$mode" 4 | gh_median)" \
      "$(col "$mode" 5 | gh_median)" "$(col "$mode" 6 | gh_median)"
  done
} | tee "$WORK/results.md"
printf '\nbench: raw figures and logs in %s\n' "$WORK"
if [[ " $TARGETS " == *" lambda "* ]]; then
  printf '\n'
  infra/bench/startup-lambda.sh "${LAMBDA_ARGS[@]}"
fi
