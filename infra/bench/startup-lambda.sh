#!/usr/bin/env bash
# The Lambda half of the start-up benchmark: the HTTP API handler (payload 2.0) run by AWS's own
# runtime interface client, in fresh JVMs, the way Lambda's java25 managed runtime runs it.
#
#   bin/gatehouse bench startup --lambda [--runs N] [--warm N] [--aot-only | --no-aot-only] [--java-opts "..."]
#
# Each run lays the packaged jar (app-lambda/target/gatehouse-lambda.jar, built when stale) out as
# Lambda does a .jar/.zip deployment: unpacked in the task root (the working directory), which
# the runtime client's CustomerClassLoader reads, with only the runtime client's jars on the JVM's
# class path. The JVM gets Lambda's on-demand options for a 1024 MB function (serial GC, C1 only,
# 85 % of the memory as heap) and the environment Lambda sets (AWS_LAMBDA_RUNTIME_API, _HANDLER,
# AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, ...), and nothing of the caller's.
# io.gatehouse.lambda.LambdaStartupBench (built with app-lambda's tests) serves the Lambda Runtime
# API on loopback, hands the runtime app-lambda's sample event for GET /v1/health (an HTTP API
# event on stage "prod") 1 + --warm times (default 100), and records:
#   - init: milliseconds from the fork to the runtime's first GET .../invocation/next, and the CPU
#     time (user + system) the JVM used until then (Lambda gives a 1024 MB function about 0.6 of a
#     vCPU, so on Lambda the CPU time bounds the init time from below);
#   - first: the first event handed out to its response posted, ms;
#   - warm: the median (and p90) of the same for the further invokes, ms;
#   - rss, cpu: the JVM's resident set (MiB) and CPU time (ms) after the last invoke.
# "aot" runs map a JDK AOT cache recorded by one training run of the same command (the same
# invokes); how such a cache could ship to Lambda, and what SnapStart does instead, is in
# docs/performance.md#lambda-cold-start.
#
# Results go to stdout and to results.md under .gatehouse/bench/startup-lambda-<timestamp>/.
# A benchmark, not a test: nothing here passes or fails on a figure.
set -euo pipefail

GH_NAME=bench
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

RUNS=5
WARM=100
MODES="plain aot"
JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:-}"
# LambdaFunctionProcess.MEMORY_MB: the memory AWS_LAMBDA_FUNCTION_MEMORY_SIZE announces.
MEMORY=1024
HANDLER=io.gatehouse.lambda.HttpApiHandler::handleRequest
EVENT=app-lambda/src/test/resources/events/http-api-health.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --warm) WARM="$2"; shift 2 ;;
    --aot-only) MODES="aot"; shift ;;
    --no-aot-only) MODES="plain"; shift ;;
    --java-opts) JAVA_OPTS="$2"; shift 2 ;;
    *) gh_die "unknown option '$1' (see the top of infra/bench/startup-lambda.sh)" ;;
  esac
done

gh_find_java
JAVA="$JAVA_HOME/bin/java"
JAR=app-lambda/target/gatehouse-lambda.jar
if [[ ! -f "$JAR" || -n "$(find pom.xml shared app-lambda -newer "$JAR" \( -name '*.java' -o -name '*.yml' -o -name '*.xml' \) -not -path '*/target/*' -print -quit)" ]]; then
  printf 'bench: building the Lambda jar\n'
  ./mvnw -B -q -DskipTests -Dfuzz.skip=true -pl app-lambda -am package
fi

WORK="$(gh_state_dir bench)/startup-lambda-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK"
RAW="$WORK/raw.tsv"
TASK="$WORK/task"
AOT="$WORK/gatehouse-lambda.aot"

# The runtime interface client and what it needs, as the project resolves them (app-lambda's test
# scope; on Lambda they are the managed runtime's own, in /var/runtime/lib), and the driver:
# io.gatehouse.lambda.LambdaStartupBench, built with app-lambda's tests.
./mvnw -B -q -o -pl app-lambda dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/test.classpath" >/dev/null
RIC_CP="$(tr ':' '\n' <"$WORK/test.classpath" \
  | grep -E '/(aws-lambda-java-runtime-interface-client|aws-lambda-java-core|aws-lambda-java-serialization|utils-lite)/|/software/amazon/awssdk/annotations/' \
  | paste -sd: -)"
[[ -n "$RIC_CP" ]] || gh_die "found no runtime interface client in app-lambda's test class path"
[[ -f app-lambda/target/test-classes/io/gatehouse/lambda/LambdaStartupBench.class ]] \
  || gh_die "app-lambda/target/test-classes has no LambdaStartupBench: build with -DskipTests, not -Dmaven.test.skip"

# Lambda unpacks a .jar deployment into the task root (/var/task). It is a copy of the jar (about
# 150 MB unpacked): removed at exit; the logs, figures and AOT cache stay.
trap 'rm -rf "$TASK"' EXIT
mkdir -p "$TASK"
(cd "$TASK" && unzip -q -o "$GH_ROOT/$JAR")

# Lambda's on-demand JVM options for the java25 runtime (C1 only unless SnapStart or provisioned
# concurrency; serial GC), with the heap the runtime interface client test uses.
lambda_opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 "-Xmx$((MEMORY * 85 / 100))m")

# one MODE RUN [EXTRA JVM OPTION...]: one cold start; appends a line to $RAW.
one() {
  local mode="$1" run="$2" line
  shift 2
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  line="$("$JAVA" -cp "app-lambda/target/test-classes:$RIC_CP" io.gatehouse.lambda.LambdaStartupBench \
    --event "$EVENT" --warm "$WARM" --task-root "$TASK" --log "$WORK/$mode-$run.log" --handler "$HANDLER" \
    -- "${lambda_opts[@]}" $JAVA_OPTS "$@")" \
    || { gh_tail_log "$WORK/$mode-$run.log"; gh_die "the $mode run $run failed"; }
  printf '%s\t%s\t%s\n' "$mode" "$run" "$line" | tee -a "$RAW"
}

printf 'mode\trun\tinit_ms\tinit_cpu_ms\tfirst_ms\twarm_median_ms\twarm_p90_ms\trss_mib\tcpu_ms\tstatus\n' | tee "$RAW"
if [[ " $MODES " == *" aot "* ]]; then
  printf 'bench: recording the AOT cache (one training run, %s invokes)\n' "$((WARM + 1))"
  one training 0 "-XX:AOTCacheOutput=$AOT" >/dev/null
  printf 'bench: cache %s MiB\n' "$(($(stat -c %s "$AOT") / 1048576))"
fi
for run in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    if [[ "$mode" == aot ]]; then
      one "$mode" "$run" "-XX:AOTCache=$AOT"
    else
      one "$mode" "$run"
    fi
  done
done

col() { awk -F'\t' -v m="$1" -v c="$2" 'NR > 1 && $1 == m { print $c }' "$RAW"; }

{
  printf '# Lambda start-up (HTTP API, payload 2.0), %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf '%s runs per mode, %s warm invokes each, %s, %s cores, load average before: %s\n\n' "$RUNS" "$WARM" \
    "$("$JAVA" -version 2>&1 | head -n 1)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| mode | init ms (median, range) | init CPU ms | first invoke ms | warm invoke ms (median, p90) | RSS MiB | CPU ms |\n|---|---|---|---|---|---|---|\n'
  for mode in $MODES; do
    printf '| %s | %s (%s) | %s | %s | %s (%s) | %s | %s |\n' "$([[ $mode == aot ]] && echo 'AOT cache' || echo 'no cache')" \
      "$(col "$mode" 3 | gh_median)" "$(col "$mode" 3 | gh_range)" "$(col "$mode" 4 | gh_median)" "$(col "$mode" 5 | gh_median)" \
      "$(col "$mode" 6 | gh_median)" "$(col "$mode" 7 | gh_median)" "$(col "$mode" 8 | gh_median)" "$(col "$mode" 9 | gh_median)"
  done
} | tee "$WORK/results.md"
printf '\nbench: raw figures and logs in %s\n' "$WORK"
