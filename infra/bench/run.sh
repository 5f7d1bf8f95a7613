#!/usr/bin/env bash
# The proxy benchmark: Gatehouse beside nginx, proxying the same local upstream.
#
#   bin/gatehouse bench proxy [--duration S] [--rounds N] [--conns "64 256"] [--rate R] [--quick] [--latency-only]
#
# Layout on a 2-core machine: the proxy under test (nginx or Gatehouse, one at a time) is pinned to
# CPU 1; wrk and the upstream (nginx returning a 98-byte body) share CPU 0. For each connection
# count, rounds alternate nginx and Gatehouse (interleaved, so drift hits both), and the medians
# are compared. Then a fixed, unsaturated rate (hey, default 2000 req/s) measures the latency each
# proxy adds over calling the upstream directly. Results go to stdout and to a results.md file.
set -euo pipefail

GH_NAME=bench
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

what="${1:-proxy}"
[[ "$what" == "proxy" ]] || gh_die "unknown benchmark '$what' (known: proxy)"
shift || true

DURATION=15
ROUNDS=3
CONNS="64 256"
RATE=2000
WARMUP=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --quick) DURATION=5; ROUNDS=1; WARMUP=5; shift ;;
    --latency-only) CONNS=""; shift ;;
    *) gh_die "unknown option '$1'" ;;
  esac
done

UPSTREAM_PORT=19001
NGINX_PORT=19002
GATEHOUSE_PORT=19003
BODY_PATH=/bench/item

gh_find_java
for tool in wrk hey nginx taskset; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    case "$tool" in
      nginx) gh_apt_install nginx-light ;;
      taskset) gh_apt_install util-linux ;;
      *) gh_apt_install "$tool" ;;
    esac
  fi
done
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"

JAR=app-container/target/gatehouse-container.jar
if [[ ! -f "$JAR" || -n "$(find shared/src app-container/src -newer "$JAR" -name '*.java' -print -quit)" ]]; then
  printf 'bench: building the container jar\n'
  ./mvnw -B -q -DskipTests -Dmaven.test.skip=true -pl app-container -am package
fi

WORK="$(gh_state_dir bench)/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  [[ -f "$WORK/upstream.pid" ]] && kill "$(cat "$WORK/upstream.pid")" 2>/dev/null || true
  [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

for port in $UPSTREAM_PORT $NGINX_PORT $GATEHOUSE_PORT; do
  if gh_port_open 127.0.0.1 "$port"; then
    gh_die "port $port is in use; stop whatever listens there"
  fi
done

# The upstream: nginx answering a 98-byte body, one worker, on CPU 0 beside wrk.
body="$(printf '%098d' 0 | tr 0 x)"
cat >"$WORK/upstream.conf" <<CONF
worker_processes 1;
pid $WORK/upstream.pid;
error_log $WORK/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT reuseport backlog=4096;
    location / { default_type text/plain; return 200 '$body'; }
  }
}
CONF
taskset -c 0 "$NGINX_BIN" -c "$WORK/upstream.conf" -p "$WORK" -e "$WORK/upstream-error.log"

# The peer: nginx proxying with keep-alive to the upstream, one worker, on CPU 1.
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream bench { server 127.0.0.1:$UPSTREAM_PORT; keepalive 512; }
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport backlog=4096;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Request-ID \$request_id;
    }
  }
}
CONF
taskset -c 1 "$NGINX_BIN" -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx-error.log"

# Gatehouse: the container jar with the bench route, on CPU 1.
BENCH_UPSTREAM_PORT=$UPSTREAM_PORT MICRONAUT_SERVER_PORT=$GATEHOUSE_PORT GATEHOUSE_HOST=127.0.0.1 \
  GATEHOUSE_CONFIG="$GH_ROOT/infra/bench/gatehouse-bench.yml" GATEHOUSE_LOG_LEVEL=WARN \
  taskset -c 1 "$JAVA_HOME/bin/java" ${GATEHOUSE_BENCH_JAVA_OPTS:--Xms512m -Xmx512m} -jar "$JAR" >"$WORK/gatehouse.log" 2>&1 &
GATEHOUSE_PID=$!
PIDS+=("$GATEHOUSE_PID")

gh_wait_port 127.0.0.1 $UPSTREAM_PORT 20 upstream "$WORK/upstream-error.log"
gh_wait_port 127.0.0.1 $NGINX_PORT 20 nginx "$WORK/nginx-error.log"
gh_wait_port 127.0.0.1 $GATEHOUSE_PORT 60 gatehouse "$WORK/gatehouse.log"

check() {
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$BODY_PATH")"
  [[ "$status" == 200 ]] || gh_die "$2 answered $status on $BODY_PATH (see $WORK)"
}
check $UPSTREAM_PORT upstream
check $NGINX_PORT nginx
check $GATEHOUSE_PORT gatehouse

# wrk output -> "req_per_s p50_ms p99_ms"
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
                     if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 } return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = $NF } /Socket errors:/ { errs = $0 }
    END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}
# hey output -> "req_per_s p50_ms p99_ms"
parse_hey() {
  awk '/Requests\/sec:/ { rps = $2 } /  50% in/ { p50 = $3 * 1000 } /  99% in/ { p99 = $3 * 1000 }
       END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }'
}
rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }

printf 'bench: warming up (%ss each)\n' "$WARMUP"
taskset -c 0 wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:$NGINX_PORT$BODY_PATH" >/dev/null
taskset -c 0 wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:$GATEHOUSE_PORT$BODY_PATH" >/dev/null

RAW="$WORK/raw.txt"
: >"$RAW"
for c in $CONNS; do
  for r in $(seq 1 "$ROUNDS"); do
    for target in nginx gatehouse; do
      port=$NGINX_PORT
      [[ "$target" == gatehouse ]] && port=$GATEHOUSE_PORT
      out="$(taskset -c 0 wrk -t1 -c"$c" -d"${DURATION}s" --latency "http://127.0.0.1:$port$BODY_PATH")"
      printf '%s\n' "$out" >"$WORK/wrk-$target-c$c-r$r.txt"
      read -r rps p50 p99 bad <<<"$(parse_wrk <<<"$out")"
      [[ "$bad" == 0 ]] || gh_err "$target c=$c round $r: $bad non-2xx responses"
      printf '%s %s %s %s %s %s\n' "$target" "$c" "$r" "$rps" "$p50" "$p99" >>"$RAW"
      printf 'bench: %-9s c=%-3s round %s: %8s req/s  p50 %7s ms  p99 %7s ms\n' "$target" "$c" "$r" "$rps" "$p50" "$p99"
    done
  done
done

# Fixed, unsaturated rate: latency added over the upstream itself.
workers=20
per_worker=$((RATE / workers))
RATE_RAW="$WORK/rate.txt"
: >"$RATE_RAW"
for target in direct nginx gatehouse; do
  case "$target" in
    direct) port=$UPSTREAM_PORT ;;
    nginx) port=$NGINX_PORT ;;
    gatehouse) port=$GATEHOUSE_PORT ;;
  esac
  out="$(taskset -c 0 hey -z "${DURATION}s" -c $workers -q $per_worker "http://127.0.0.1:$port$BODY_PATH")"
  printf '%s\n' "$out" >"$WORK/hey-$target.txt"
  read -r rps p50 p99 <<<"$(parse_hey <<<"$out")"
  printf '%s %s %s %s\n' "$target" "$rps" "$p50" "$p99" >>"$RATE_RAW"
  printf 'bench: fixed rate %-9s %6s req/s  p50 %7s ms  p99 %7s ms\n' "$target" "$rps" "$p50" "$p99"
done

GH_RSS="$(rss_mib "$GATEHOUSE_PID")"
NGINX_RSS="$(rss_mib "$(cat "$WORK/nginx.pid")")"
NGINX_RSS_WORKER="$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -n1 | xargs -r -I{} awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' /proc/{}/status)"

{
  printf '# Proxy benchmark, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'Command: `bin/gatehouse bench proxy --duration %s --rounds %s --conns "%s" --rate %s`  \n' "$DURATION" "$ROUNDS" "$CONNS" "$RATE"
  printf 'Gatehouse JVM options: %s\n\n' "${GATEHOUSE_BENCH_JAVA_OPTS:--Xms512m -Xmx512m}"
  printf 'Machine: %s cores (%s); proxy under test on CPU 1, wrk and the upstream on CPU 0; 98-byte body, keep-alive.\n\n' \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  if [[ -n "$CONNS" ]]; then
  printf '| connections | nginx req/s | Gatehouse req/s | ratio | nginx p50 / p99 ms | Gatehouse p50 / p99 ms |\n'
  printf '|---|---|---|---|---|---|\n'
  fi
  for c in $CONNS; do
    n_rps="$(awk -v c="$c" '$1 == "nginx" && $2 == c { print $4 }' "$RAW" | median)"
    g_rps="$(awk -v c="$c" '$1 == "gatehouse" && $2 == c { print $4 }' "$RAW" | median)"
    n_p50="$(awk -v c="$c" '$1 == "nginx" && $2 == c { print $5 }' "$RAW" | median)"
    n_p99="$(awk -v c="$c" '$1 == "nginx" && $2 == c { print $6 }' "$RAW" | median)"
    g_p50="$(awk -v c="$c" '$1 == "gatehouse" && $2 == c { print $5 }' "$RAW" | median)"
    g_p99="$(awk -v c="$c" '$1 == "gatehouse" && $2 == c { print $6 }' "$RAW" | median)"
    ratio="$(awk -v g="$g_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }')"
    printf '| %s | %s | %s | **%s×** | %s / %s | %s / %s |\n' "$c" "$n_rps" "$g_rps" "$ratio" "$n_p50" "$n_p99" "$g_p50" "$g_p99"
  done
  printf '\nFixed rate %s req/s (hey, %s workers):\n\n' "$RATE" "$workers"
  printf '| path | achieved req/s | p50 ms | p99 ms | p99 added over direct |\n|---|---|---|---|---|\n'
  d99="$(awk '$1 == "direct" { print $4 }' "$RATE_RAW")"
  while read -r target rps p50 p99; do
    added="$(awk -v a="$p99" -v d="$d99" 'BEGIN { printf "%.3f", a - d }')"
    printf '| %s | %s | %s | %s | %s |\n' "$target" "$rps" "$p50" "$p99" "$([[ $target == direct ]] && echo - || echo "$added ms")"
  done <"$RATE_RAW"
  printf '\nRSS after the run: Gatehouse %s MiB; nginx master %s MiB + worker %s MiB.\n' "$GH_RSS" "$NGINX_RSS" "${NGINX_RSS_WORKER:-?}"
} | tee "$WORK/results.md"
printf '\nbench: raw outputs in %s\n' "$WORK"
