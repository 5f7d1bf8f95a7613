#!/usr/bin/env bash
# The durable intake benchmark: POST /v1/session/message against a container with PostgreSQL, Redis
# and Kafka, end to end (accepted, committed, published to Kafka and acknowledged).
#
#   bin/gatehouse bench intake [--duration S] [--conns "16 64"] [--rounds N] [--quick]
#
# For each connection count, wrk posts messages (each opens a session: a session row, the event and
# its outbox row in one transaction, the Redis state, the relay's publish) for --duration seconds.
# Reported per round:
#   accept rate      202s per second while wrk ran, and wrk's p50/p99 accept latency
#   end-to-end rate  messages published and acknowledged by Kafka, divided by the time from the
#                    first acceptance to the last acknowledgement (read from the outbox rows)
#   publish p99      acceptance to Kafka acknowledgement (gatehouse_outbox_publish_latency_seconds)
# The peer, in the same run: pgbench inserting the same three rows (session, event, outbox) in one
# statement per transaction against the same PostgreSQL, with the same connection counts: the
# database's own ceiling for what the intake writes, one transaction per message (at most 48
# clients: PostgreSQL's default max_connections of 100 also serves the gateway's pool). The ratio is
# Gatehouse's end-to-end rate over it.
# GATEHOUSE_BENCH_PG_PARAMS appends JDBC URL parameters (e.g. "&reWriteBatchedInserts=true");
# GATEHOUSE_BENCH_ENV="NAME=value ..." adds settings to the gateway (e.g.
# GATEWAY_CONVERSATIONS_GROUP_COMMIT=false). PostgreSQL, Redis, Kafka, the gateway and wrk share
# this machine's CPUs; wrk and the gateway are pinned to different CPUs, the services float.
#
# Results go to stdout and to results.md in the run's directory ($GATEHOUSE_HOME/bench/intake-*).
set -euo pipefail

GH_NAME=bench-intake
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

DURATION=20
CONNS="16 64"
ROUNDS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --quick) DURATION=8; ROUNDS=1; CONNS="32"; shift ;;
    *) gh_die "unknown option '$1'" ;;
  esac
done

PORT=19010
PEER_MAX_CONNS=48
SECRET="gatehouse-bench-intake-secret-not-for-production-0123456789"
JAVA_OPTS="${GATEHOUSE_BENCH_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}"

gh_find_java
for tool in wrk taskset openssl psql pgbench curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in
      taskset) gh_apt_install util-linux ;;
      psql | pgbench) gh_apt_install postgresql-client ;;
      *) gh_apt_install "$tool" ;;
    esac
  fi
done

BENCH_KIND=intake
BENCH_SERVICES="postgres redis kafka"
# shellcheck source-path=SCRIPTDIR source=session-bench.sh
source "$GH_ROOT/infra/bench/session-bench.sh"
TOPIC="bench.intake.$STAMP"
TOKEN="$(bench_token)"

bench_gateway "$PORT" DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE=32 REDIS_URI="$REDIS" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" \
  GATEWAY_CONVERSATIONS_INBOUND_TOPIC="$TOPIC" GATEWAY_CONVERSATIONS_REDIS_PREFIX="bench:$STAMP:session:" -- taskset -c 1

cat >"$WORK/message.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"persona_id":"bench","message":"A benchmark message of about the size a chat client sends: summarise the incidents of yesterday and list the next steps.","metadata":{"channel":"bench"}}'
wrk.headers["Content-Type"] = "application/json"
LUA
post_one() {
  curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/v1/session/message" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"message":"warm-up"}'
}
status="$(post_one)"
[[ "$status" == 202 ]] || gh_die "the gateway answered $status to a message (log: $WORK/gatehouse.log)"

# Warm-up: the JIT, the pools, the producer. Shorter warm-ups left the first measured round at a
# third of the later ones: C2 competes for the CPUs with PostgreSQL and Kafka.
taskset -c 0 wrk -t1 -c64 -d30s -s "$WORK/message.lua" -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/v1/session/message" >"$WORK/warmup.txt"

unsent() { psql_run -c "SELECT COUNT(*) FROM $SCHEMA.session_outbox WHERE sent_at IS NULL"; }
wait_drained() {
  local i
  for i in $(seq 1 600); do
    [[ "$(unsent)" == 0 ]] && return 0
    sleep 0.1
  done
  gh_die "the outbox did not drain within 60 s ($(unsent) rows left; log: $WORK/gatehouse.log)"
}
wait_drained

cat >"$WORK/pgbench.sql" <<SQL
WITH s AS (INSERT INTO $SCHEMA.conversation_sessions (id, tenant, owner, persona_id, created_at, last_activity)
           VALUES ('s_' || md5(random()::text || clock_timestamp()::text), 'bench', 'jwt:bench-user', 'bench', 0, 0) RETURNING id),
     e AS (INSERT INTO $SCHEMA.session_events (event_id, session_id, tenant, direction, kind, role, persona_id, message, body, principal, request_id, created_at)
           SELECT 'e_' || md5(random()::text || clock_timestamp()::text), id, 'bench', 'inbound', 'message', 'user', 'bench',
                  'A benchmark message of about the size a chat client sends.', '{"event_id":"e","message":"m","metadata":{}}', 'jwt:bench-user', 'r', 0 FROM s
           RETURNING event_id, session_id)
INSERT INTO $SCHEMA.session_outbox (event_id, session_id, topic, payload, headers, created_at, sent_at)
SELECT event_id, session_id, 'pgbench', '{"event_id":"e","message":"m"}', '{}', 0, 0 FROM e;
SQL

results="$WORK/results.md"
{
  printf '# Durable intake benchmark, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'CPUs: %s; %s s per round; PostgreSQL %s\n\n' "$(nproc)" "$DURATION" "$(psql_run -c 'SHOW server_version')"
  printf '| conns | round | accepted/s | p50 accept | p99 accept | non-2xx | end-to-end/s | publish p99 | pgbench tx/s | end-to-end / pgbench |\n'
  printf '|---|---|---|---|---|---|---|---|---|---|\n'
} >"$results"

for conns in $CONNS; do
  for round in $(seq 1 "$ROUNDS"); do
    psql_run -c "DELETE FROM $SCHEMA.session_outbox WHERE topic = 'pgbench'" >/dev/null
    # PostgreSQL's max_connections (100 by default) bounds pgbench's clients, beside the gateway's pool.
    peer_conns=$((conns < PEER_MAX_CONNS ? conns : PEER_MAX_CONNS))
    peer="$(PGOPTIONS="-c search_path=$SCHEMA" taskset -c 0 pgbench -n -h "${PG_HOSTPORT%:*}" -p "${PG_HOSTPORT#*:}" -U postgres \
      -c "$peer_conns" -j 1 -T "$DURATION" -f "$WORK/pgbench.sql" "$PG_DB" 2>"$WORK/pgbench-$conns-$round.err" |
      awk '/^tps = / { printf "%.0f", $3 }')" || gh_die "pgbench failed (log: $WORK/pgbench-$conns-$round.err)"
    since="$(psql_run -c "SELECT COALESCE(MAX(seq), 0) FROM $SCHEMA.session_outbox")"
    taskset -c 0 wrk -t1 -c"$conns" -d"${DURATION}s" --latency -s "$WORK/message.lua" -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/v1/session/message" >"$WORK/wrk-$conns-$round.txt"
    wait_drained
    read -r rows e2e < <(psql_run -F ' ' -c "SELECT COUNT(*), ROUND(COUNT(*) * 1000.0 / GREATEST(1, MAX(sent_at) - MIN(created_at)))
      FROM $SCHEMA.session_outbox WHERE seq > $since AND topic <> 'pgbench'")
    wrk_out="$WORK/wrk-$conns-$round.txt"
    rate="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$wrk_out")"
    p50="$(awk '$1 == "50%" { print $2 }' "$wrk_out")"
    p99="$(awk '$1 == "99%" { print $2 }' "$wrk_out")"
    non2xx="$(awk '/Non-2xx/ { print $5 }' "$wrk_out")"
    publish99="$(curl -s "http://127.0.0.1:$PORT/metrics" |
      awk '/^gatehouse_outbox_publish_latency_seconds\{.*quantile="0.99"/ { printf "%.1f ms", $2 * 1000 }')"
    ratio="$(awk -v a="$e2e" -v b="$peer" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    printf '| %s | %s | %s | %s | %s | %s | %s (%s msgs) | %s | %s | %s |\n' "$conns" "$round" "$rate" "$p50" "$p99" \
      "${non2xx:-0}" "$e2e" "$rows" "${publish99:-n/a}" "$peer" "$ratio" | tee -a "$results"
  done
done
printf '\nbench: results in %s\n' "$results"
