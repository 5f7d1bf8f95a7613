#!/usr/bin/env bash
# Idle session WebSockets in one container: what each costs in heap, threads and descriptors.
#
#   bin/gatehouse bench sockets [--count N] [--in-flight N]
#
# The heap's class histograms before and with the sockets open are kept in the run's directory
# (histogram-before.txt, histogram-open.txt); GATEHOUSE_BENCH_HEAP_DUMP=1 also writes a heap dump
# with the sockets open to heap.hprof there.
#
# A container on PostgreSQL (a schema of its own; no Kafka or Redis, which idle sockets do not use)
# takes N WebSockets (default 19,000: the open-file limit here is 20,000 per process and cannot be
# raised) from one client process (infra/bench/SocketLoad.java), all following one session. Before
# and after, the gateway's heap is read after a full collection (jcmd GC.run, GC.heap_info), with
# its RSS, threads and open descriptors. It reports the difference per socket, so that the figure
# carries to a host that allows more descriptors. Each socket is admitted as it opens: the
# credential, the session's tenant and owner in the database, and a subscription to the session.
#
# Results go to stdout and to results.md in the run's directory ($GATEHOUSE_HOME/bench/sockets-*).
set -euo pipefail

GH_NAME=bench-sockets
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

COUNT=19000
IN_FLIGHT=200
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    --in-flight) IN_FLIGHT="$2"; shift 2 ;;
    *) gh_die "unknown option '$1'" ;;
  esac
done

PORT=19020
SECRET="gatehouse-bench-sockets-secret-not-for-production-0123456789"
JAVA_OPTS="${GATEHOUSE_BENCH_JAVA_OPTS:--Xms1g -Xmx1g}"

gh_find_java
for tool in openssl psql curl; do
  command -v "$tool" >/dev/null 2>&1 || gh_apt_install "$([[ $tool == psql ]] && echo postgresql-client || echo "$tool")"
done

BENCH_KIND=sockets
# shellcheck source-path=SCRIPTDIR source=session-bench.sh
source "$GH_ROOT/infra/bench/session-bench.sh"
TOKEN="$(bench_token)"

bench_gateway "$PORT" GATEWAY_SERVER_MAX_CONNECTIONS=$((COUNT + 200))

SESSION="$(curl -s -X POST "http://127.0.0.1:$PORT/v1/session/message" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"message":"the session the sockets follow"}' | sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p')"
[[ -n "$SESSION" ]] || gh_die "the gateway did not open a session (log: $WORK/gatehouse.log)"

# measure NAME: live heap after a full collection (KiB: the total of jcmd's class histogram, which
# collects first; G1's "used" counts whole regions and moves by megabytes from run to run), RSS
# (KiB), threads, open descriptors.
measure() {
  local heap
  "$JAVA_HOME/bin/jcmd" "$GATEHOUSE_PID" GC.class_histogram >"$WORK/histogram-$1.txt"
  heap="$(awk '$1 == "Total" { printf "%d", $3 / 1024 }' "$WORK/histogram-$1.txt")"
  [[ -n "$heap" ]] || gh_die "could not read the heap from jcmd GC.class_histogram"
  printf '%s %s %s %s\n' "$heap" "$(awk '/^VmRSS/ { print $2 }' "/proc/$GATEHOUSE_PID/status")" \
    "$(awk '/^Threads/ { print $2 }' "/proc/$GATEHOUSE_PID/status")" "$(find "/proc/$GATEHOUSE_PID/fd" -mindepth 1 | wc -l)"
}
# A few sockets first, so that every class and pool the sockets use exists before the baseline.
warm="$(mkfifo "$WORK/warm.in" && echo "$WORK/warm.in")"
"$JAVA_HOME/bin/java" -Xmx256m "$GH_ROOT/infra/bench/SocketLoad.java" "ws://127.0.0.1:$PORT/v1/session/$SESSION/stream" \
  "$TOKEN" 200 50 <"$warm" >"$WORK/warm.out" 2>&1 &
warm_pid=$!
exec 7>"$warm"
for _ in $(seq 1 120); do grep -q '^open' "$WORK/warm.out" 2>/dev/null && break; sleep 0.5; done
echo close >&7
exec 7>&-
wait "$warm_pid" || true
sleep 2

read -r heap0 rss0 threads0 fds0 < <(measure before)

fifo="$WORK/client.in"
mkfifo "$fifo"
"$JAVA_HOME/bin/java" -Xmx3g "$GH_ROOT/infra/bench/SocketLoad.java" "ws://127.0.0.1:$PORT/v1/session/$SESSION/stream" \
  "$TOKEN" "$COUNT" "$IN_FLIGHT" <"$fifo" >"$WORK/client.out" 2>&1 &
client_pid=$!
PIDS+=("$client_pid")
exec 8>"$fifo"
for _ in $(seq 1 1200); do grep -q '^open' "$WORK/client.out" 2>/dev/null && break; sleep 0.5; done
grep -q '^open' "$WORK/client.out" || gh_die "the client did not finish opening (output: $WORK/client.out)"
opened="$(awk '/^open/ { print $2 }' "$WORK/client.out")"
sleep 5
read -r heap1 rss1 threads1 fds1 < <(measure open)
if [[ -n "${GATEHOUSE_BENCH_HEAP_DUMP:-}" ]]; then
  "$JAVA_HOME/bin/jcmd" "$GATEHOUSE_PID" GC.heap_dump "$WORK/heap.hprof" >/dev/null
fi
gauge="$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^gatehouse_session_sockets_open / { printf "%d", $2 }')"
echo close >&8
exec 8>&-

per() { awk -v a="$1" -v b="$2" -v n="$opened" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "n/a" }'; }
{
  printf '# Idle session WebSockets, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'CPUs: %s; open-file limit %s; client: %s\n\n' "$(nproc)" "$(ulimit -n)" "$(head -1 "$WORK/client.out")"
  printf '| | before | with %s sockets | per socket |\n|---|---|---|---|\n' "$opened"
  printf '| heap after GC | %s KiB | %s KiB | %s KiB |\n' "$heap0" "$heap1" "$(per "$heap0" "$heap1")"
  printf '| RSS | %s KiB | %s KiB | %s KiB |\n' "$rss0" "$rss1" "$(per "$rss0" "$rss1")"
  printf '| threads | %s | %s | %s |\n' "$threads0" "$threads1" "$(per "$threads0" "$threads1")"
  printf '| descriptors | %s | %s | %s |\n' "$fds0" "$fds1" "$(per "$fds0" "$fds1")"
  printf '\ngatehouse_session_sockets_open: %s\n' "$gauge"
} | tee "$WORK/results.md"
printf '\nbench: results in %s/results.md\n' "$WORK"
