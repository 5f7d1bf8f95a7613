#!/usr/bin/env bash
# SSE fan-out: the agents' replies from Kafka to many live session streams of one container, and what
# the gateway adds to the time Kafka alone takes to hand the same records to a consumer.
#
#   bin/gatehouse bench fanout [--subscribers N] [--sessions S] [--rate R] [--seconds T] [--warmup W]
#
# Defaults: 5,000 subscribers on 500 sessions (10 each), 1,000 replies/s for 30 s after a 10 s
# warm-up at half the rate (issue #16: 1,000 events/s to 5,000 subscribers, p99 delivery ≤ 50 ms).
# The warm-up is longer than the other benchmarks' few seconds at a low rate because smoke runs
# showed the gateway's take-up rate still climbing (about 100/s to 1,000/s) over the first 10-15 s
# of load; the measured replies start only once every warm-up delivery has arrived.
#
# One container on PostgreSQL (a schema of its own) and Kafka (outbound and inbound topics of this
# run's own). No Redis: the fan-out path never reads it, and the intake does without it. The way a
# reply travels in the gateway (io.gatehouse.conversation, docs/streams.md): its own consumer group
# on the outbound topic (ReplyFanOut, kafka-clients' defaults) takes a poll's records up, stores
# them in PostgreSQL (ConversationStore.storeReplies, one transaction for the poll, on the
# listener's thread), then SessionHub hands each stored event, on that same thread, to each SSE
# stream of its session (SessionStreams), which frames it and Netty writes it out. The shared store
# group (ReplyStore) stores the same records again, finding them stored.
#
# One client process (infra/bench/FanoutLoad.java, run as a single-file program with the Kafka
# broker's jars on its class path) opens S sessions with POST /v1/session/message, N streams
# (GET /v1/session/{id}/events, Accept: text/event-stream, bearer HS256 JWT) spread evenly over
# them, all on one NIO selector thread (no thread per connection; the open-file limit here is
# 20,000 per process). It then produces replies to random sessions, open loop: reply i is due at
# start + i/R and carries that due time in its metadata, so a producer that falls behind, and every
# delay after it, counts against the reply. Latency is the time a subscriber read the event minus
# its due time, on one host and one clock.
#
# The peer, in the same run: a plain Kafka consumer in that process, a group of its own on the same
# topic, kafka-clients' defaults as the gateway's consumer has them, timing the same records the
# same way. That is the floor a Kafka-fed fan-out cannot go below on this host: the broker's own
# produce → consume. What the gateway adds on top is everything after its consumer receives a
# record: the store in PostgreSQL, the hub, the SSE framing and write, the network to each stream
# of the session (10 per reply by default). The ratio gateway/peer at each quantile is that cost; the gateway's envelope also
# carries `created_at`, when its consumer took the reply up, which splits the latency in two
# (ms resolution).
#
# Between the warm-up and the measured replies the gateway's heap is collected once (jcmd GC.run):
# opening thousands of streams allocates state that the first young collection after it promotes
# (a pause of 100-150 ms here, once); the measured window carries the steady state's collections.
#
# Reported: replies produced, deliveries expected (each reply × the streams of its session) and
# received (a missing, repeated or misrouted one, a stream that failed or was closed, is a FAILURE
# line and the exit status is 1), latency p50/p90/p99/p99.9/max for both, and the CPU the gateway,
# Kafka, PostgreSQL (all its backends), the client and the whole machine used while measuring. All
# of them share this machine's CPUs; nothing is pinned. GATEHOUSE_BENCH_JAVA_OPTS replaces the
# gateway's JVM options, GATEHOUSE_BENCH_ENV="NAME=value ..." adds settings to it.
#
# Results go to stdout and to results.md in the run's directory ($GATEHOUSE_HOME/bench/fanout-*),
# beside the client's log, the gateway's and replies.csv: per reply its due time, when the gateway
# took it up, when the peer and the first and last of its streams had it, to see how a delay grew.
set -euo pipefail

GH_NAME=bench-fanout
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

SUBSCRIBERS=5000
SESSIONS=500
RATE=1000
SECONDS_MEASURED=30
WARMUP=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --subscribers) SUBSCRIBERS="$2"; shift 2 ;;
    --sessions) SESSIONS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --seconds) SECONDS_MEASURED="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    *) gh_die "unknown option '$1'" ;;
  esac
done
for n in "$SUBSCRIBERS" "$SESSIONS" "$RATE" "$SECONDS_MEASURED" "$WARMUP"; do
  [[ "$n" =~ ^[0-9]+$ ]] || gh_die "options take whole numbers, got '$n'"
done
((SESSIONS > 0 && SUBSCRIBERS >= SESSIONS && RATE > 0 && SECONDS_MEASURED > 0)) ||
  gh_die "need at least one session, a subscriber for each, a rate and a duration"
((SUBSCRIBERS <= 19000)) || gh_die "at most 19,000 subscribers: the open-file limit is 20,000 per process here"

PORT=19030
SECRET="gatehouse-bench-fanout-secret-not-for-production-0123456789"
JAVA_OPTS="${GATEHOUSE_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"

gh_find_java
for tool in openssl psql curl ss; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in
      psql) gh_apt_install postgresql-client ;;
      ss) gh_apt_install iproute2 ;;
      *) gh_apt_install "$tool" ;;
    esac
  fi
done

BENCH_KIND=fanout
BENCH_SERVICES="postgres kafka"
# shellcheck source-path=SCRIPTDIR source=session-bench.sh
source "$GH_ROOT/infra/bench/session-bench.sh"
KAFKA_CP="$(bin/services/kafka.sh classpath)"
OUTBOUND="bench.fanout.outbound.$STAMP"
TOKEN="$(bench_token)"

bench_gateway "$PORT" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" GATEWAY_CONVERSATIONS_OUTBOUND_TOPIC="$OUTBOUND" \
  GATEWAY_CONVERSATIONS_INBOUND_TOPIC="bench.fanout.inbound.$STAMP" GATEWAY_SERVER_MAX_CONNECTIONS=$((SUBSCRIBERS + 200))

# metric NAME LABEL: the value of the gateway's meter NAME whose labels include LABEL, as a whole number.
metric() {
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" -v l="$2" 'index($0, m "{") == 1 && index($0, l) { printf "%d", $NF }'
}
# The gateway's consumer starts at the end of the topic once it holds the partition: nothing may be
# produced before that.
for _ in $(seq 1 120); do
  [[ "$(metric gatehouse_stream_fan_out_partitions 'topic="outbound"')" -ge 1 ]] 2>/dev/null && break
  sleep 0.5
done
[[ "$(metric gatehouse_stream_fan_out_partitions 'topic="outbound"')" -ge 1 ]] 2>/dev/null ||
  gh_die "the gateway's fan-out consumer was not assigned $OUTBOUND within 60 s (log: $WORK/gatehouse.log)"

listen_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
cpu="gateway=$GATEHOUSE_PID,Kafka=$(listen_pid "${KAFKA##*:}"),PostgreSQL (all backends)=$(listen_pid "${PG_HOSTPORT#*:}")"

status=0
"$JAVA_HOME/bin/java" -Xms512m -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$KAFKA_CP" \
  "$GH_ROOT/infra/bench/FanoutLoad.java" --base "http://127.0.0.1:$PORT" --token "$TOKEN" --bootstrap "$KAFKA" \
  --topic "$OUTBOUND" --sessions "$SESSIONS" --subscribers "$SUBSCRIBERS" --rate "$RATE" --seconds "$SECONDS_MEASURED" \
  --warmup "$WARMUP" --cpu "$cpu" --settle "$JAVA_HOME/bin/jcmd $GATEHOUSE_PID GC.run" --dump "$WORK/replies.csv" >"$WORK/load.md" 2> >(tee "$WORK/load.log" >&2) || status=$?
[[ -s "$WORK/load.md" ]] || gh_die "the load client ended without results (log: $WORK/load.log, gateway: $WORK/gatehouse.log)"

{
  printf '# SSE fan-out, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'CPUs: %s; PostgreSQL %s; Kafka at %s; gateway JVM: %s\n\n' "$(nproc)" "$(psql_run -c 'SHOW server_version')" "$KAFKA" "$JAVA_OPTS"
  cat "$WORK/load.md"
  printf '\nGateway counters: replies stored %s, unknown session %s, unreadable %s, failed %s; streams closed as slow readers %s\n' \
    "$(metric gatehouse_stream_replies_total 'outcome="stored"')" "$(metric gatehouse_stream_replies_total 'outcome="unknown_session"')" \
    "$(metric gatehouse_stream_replies_total 'outcome="unreadable"')" "$(metric gatehouse_stream_replies_total 'outcome="failed"')" \
    "$(metric gatehouse_stream_disconnects_total 'reason="slow_reader"')"
} | tee "$WORK/results.md"
printf '\nbench: results in %s/results.md\n' "$WORK"
exit "$status"
