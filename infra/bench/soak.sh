#!/usr/bin/env bash
# A soak: mixed traffic on one container for a long time, and whether anything grows.
#
#   bin/gatehouse bench soak [--duration 10m] [--sample 30s] [--warm-up 3m] [--check heap,rss,threads,descriptors]
#
# A container on PostgreSQL (a schema of its own) takes, for the whole duration, the traffic of
# infra/bench/SoakLoad.java: proxied requests on a JWT route with the token rotated every 10 s,
# session messages, SSE stream churn, and every minute the route replaced through the admin API
# and the definition reloaded. Every --sample the gateway's live heap after a full collection
# (jcmd GC.class_histogram's total), RSS, threads and open descriptors are read. After --warm-up,
# the mean of the first three samples is compared with the mean of the last three: the target is
# no growth beyond 5%. It exits 1 when a figure grew beyond 5% or a request got an
# answer other than the expected one; --check names the figures held to the 5% (all by default; the
# suite's two-minute run leaves RSS out, whose one step in the first minutes a short run cannot
# separate from a trend). The gateway's heap is fixed and touched at start
# (-Xms = -Xmx, AlwaysPreTouch; GATEHOUSE_BENCH_JAVA_OPTS replaces them), so that RSS grows only
# with what the process allocates beyond it, not with G1 touching the heap's pages for the first
# time.
#
# Results go to stdout and to results.md (samples.tsv beside it) in the run's directory
# ($GATEHOUSE_HOME/bench/soak-*).
set -euo pipefail

GH_NAME=bench-soak
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

seconds() {
  case "$1" in
    *h) echo $((${1%h} * 3600)) ;;
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *[!0-9]* | "") gh_die "'$1' is not a duration such as 90s, 10m or 1h" ;;
    *) echo "$1" ;;
  esac
}

DURATION=600
SAMPLE=30
WARM_UP=180
CHECK=heap,rss,threads,descriptors
while [[ $# -gt 0 ]]; do
  case "$1" in
    --check) CHECK="$2"; shift 2 ;;
    --duration) DURATION="$(seconds "$2")"; shift 2 ;;
    --sample) SAMPLE="$(seconds "$2")"; shift 2 ;;
    --warm-up) WARM_UP="$(seconds "$2")"; shift 2 ;;
    *) gh_die "unknown option '$1' (known: --duration, --sample, --warm-up, --check)" ;;
  esac
done
((DURATION > WARM_UP + 6 * SAMPLE)) || gh_die "--duration must leave at least six samples after --warm-up"
for name in ${CHECK//,/ }; do
  case "$name" in
    heap | rss | threads | descriptors) ;;
    *) gh_die "--check: '$name' is not a figure (known: heap, rss, threads, descriptors)" ;;
  esac
done

PORT=19030
UPSTREAM_PORT=19031
SECRET="gatehouse-bench-soak-secret-not-for-production-0123456789"
ADMIN="gatehouse-bench-soak-admin-token"
JAVA_OPTS="${GATEHOUSE_BENCH_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"

gh_find_java
for tool in psql curl; do
  command -v "$tool" >/dev/null 2>&1 || gh_apt_install "$([[ $tool == psql ]] && echo postgresql-client || echo "$tool")"
done

BENCH_KIND=soak
# shellcheck source-path=SCRIPTDIR source=session-bench.sh
source "$GH_ROOT/infra/bench/session-bench.sh"

bench_gateway "$PORT" GATEWAY_ADMIN_TOKEN="$ADMIN" GATEWAY_JWT_TENANT_CLAIMS=tenant

# sample: seconds since start, live heap after a full collection (KiB), RSS (KiB), threads, descriptors.
sample() {
  local heap
  heap="$("$JAVA_HOME/bin/jcmd" "$GATEHOUSE_PID" GC.class_histogram | awk '$1 == "Total" { printf "%d", $3 / 1024 }')"
  [[ -n "$heap" ]] || gh_die "could not read the heap from jcmd GC.class_histogram"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$heap" "$(awk '/^VmRSS/ { print $2 }' "/proc/$GATEHOUSE_PID/status")" \
    "$(awk '/^Threads/ { print $2 }' "/proc/$GATEHOUSE_PID/status")" "$(find "/proc/$GATEHOUSE_PID/fd" -mindepth 1 | wc -l)"
}

"$JAVA_HOME/bin/java" -Xmx512m "$GH_ROOT/infra/bench/SoakLoad.java" "http://127.0.0.1:$PORT" "$ADMIN" "$SECRET" "$DURATION" \
  "$UPSTREAM_PORT" >"$WORK/load.out" 2>&1 &
load_pid=$!
PIDS+=("$load_pid")

printf 'seconds\theap_kib\trss_kib\tthreads\tfds\n' >"$WORK/samples.tsv"
start=$(date +%s)
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$load_pid" 2>/dev/null || break
  sample $(($(date +%s) - start)) | tee -a "$WORK/samples.tsv"
done
wait "$load_pid" || gh_die "the load failed (output: $WORK/load.out)"
outcomes="$(sed -n 's/^done //p' "$WORK/load.out")"
[[ -n "$outcomes" ]] || gh_die "the load did not finish (output: $WORK/load.out)"

# growth COLUMN: the mean of the last three samples against the mean of the first three after the
# warm-up, in percent.
growth() {
  awk -F'\t' -v col="$1" -v warm="$WARM_UP" 'NR > 1 && $1 >= warm { v[n++] = $col }
    END { if (n < 6) { print "n/a"; exit }
          a = (v[0] + v[1] + v[2]) / 3; b = (v[n-3] + v[n-2] + v[n-1]) / 3
          printf "%.1f", (b - a) * 100 / a }' "$WORK/samples.tsv"
}
first() { awk -F'\t' -v col="$1" -v warm="$WARM_UP" 'NR > 1 && $1 >= warm { print $col; exit }' "$WORK/samples.tsv"; }
last() { tail -1 "$WORK/samples.tsv" | cut -f"$1"; }

failed=0
report="$WORK/results.md"
{
  printf '# Soak, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf '%s s of mixed traffic; samples every %s s; warm-up %s s; CPUs %s; load average at the end %s\n\n' \
    "$DURATION" "$SAMPLE" "$WARM_UP" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| | after warm-up | at the end | growth (mean of the last 3 samples against the first 3) |\n|---|---|---|---|\n'
} >"$report"
for col in 2:heap:heap_after_GC_KiB 3:rss:RSS_KiB 4:threads:threads 5:descriptors:descriptors; do
  IFS=: read -r n name label <<<"$col"
  g="$(growth "$n")"
  checked=" (not checked)"
  if [[ ",$CHECK," == *",$name,"* ]]; then
    checked=""
    if awk -v g="$g" 'BEGIN { exit !(g == "n/a" || g > 5) }'; then
      failed=1
    fi
  fi
  printf '| %s | %s | %s | %s %%%s |\n' "$label" "$(first "$n")" "$(last "$n")" "$g" "$checked" >>"$report"
done
printf '\nrequests by outcome: %s\n' "$outcomes" >>"$report"
cat "$report"
if grep -q '_error_' <<<"$outcomes"; then
  echo "bench: requests answered otherwise than expected (see above)" >&2
  failed=1
fi
printf '\nbench: results in %s/results.md\n' "$WORK"
exit "$failed"
