# shellcheck shell=bash
# The container gateway's JDK AOT cache (JEP 483/514/515, JDK 25): classes loaded and linked, and
# method profiles, recorded by one training run of the gateway and mapped by every later start.
# Source it after common.sh; do not execute it.
#
#   gh_aot_train OUT PORT CMD...   runs CMD (a gateway start command line) once as a training run
#                                  with -XX:AOTCacheOutput=OUT, on PORT, in the embedded default
#                                  with the shipped route file; sends it the requests below, stops
#                                  it with SIGTERM and leaves the cache in OUT. Fails (and leaves
#                                  no OUT) when the gateway does not answer within 180 s or the
#                                  JVM writes no cache.
#
# CMD runs in an environment of its own (env -i): PATH, HOME, MICRONAUT_SERVER_PORT, GATEHOUSE_CONFIG
# and JDK_JAVA_OPTIONS, so that no database, Redis or Kafka of the caller's environment is touched.
# CMD may start with `env NAME=VALUE ...` to add more. The option reaches the JVM through
# JDK_JAVA_OPTIONS, which every `java` launcher reads, so CMD can be the plain command line, or an
# image's own entrypoint run in its root file system (GH_AOT_CONFIG then names the route file as
# the gateway sees it, default config/gatehouse.yml of this checkout; GH_AOT_JVM_OUT names the
# cache's path as the JVM sees it, default OUT). A cache is only
# used by the same JDK build with the same class path (paths, sizes and modification times of the
# jars); the JVM checks that on every start and runs without the cache, with a warning, when they
# differ. See docs/performance.md#start-up.

# The requests of a training run: the health report, the gateway's own endpoints, a proxied request
# (the shipped route file's demo route to the gateway itself), an error envelope. Each path twice,
# so that what the first request initialises lazily is also recorded in use.
GH_AOT_TRAINING_PATHS=(/v1/health /v1/health/ready /v1/health/live /ping /v1/services /openapi.json /demo/ping /no-such-route /metrics)

gh_aot_train() {
  local out="$1" port="$2"
  shift 2
  local log="${out}.training.log" pid deadline path round
  rm -f "$out" "$out.config"
  mkdir -p "$(dirname "$out")"
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" MICRONAUT_SERVER_PORT="$port" \
    GATEHOUSE_CONFIG="${GH_AOT_CONFIG:-$GH_ROOT/config/gatehouse.yml}" \
    JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=${GH_AOT_JVM_OUT:-$out}" "$@" >"$log" 2>&1 9>&- &
  pid=$!
  deadline=$((SECONDS + 180))
  until [[ "$(gh_http_status 127.0.0.1 "$port" /v1/health)" == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      gh_err "the AOT training run exited before it answered on port $port"
      gh_tail_log "$log"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      gh_err "the AOT training run did not answer on port $port within 180 s"
      kill -KILL "$pid" 2>/dev/null || true
      gh_tail_log "$log"
      return 1
    fi
    sleep 0.2
  done
  for round in 1 2; do
    for path in "${GH_AOT_TRAINING_PATHS[@]}"; do
      gh_http_status 127.0.0.1 "$port" "$path" >/dev/null
    done
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ ! -s "$out" ]]; then
    gh_err "the AOT training run wrote no cache at $out"
    gh_tail_log "$log"
    return 1
  fi
}

# gh_free_port: prints a TCP port on 127.0.0.1 that nothing listens on (from 20000-29999).
gh_free_port() {
  local port tries=0
  while ((tries++ < 200)); do
    port=$((20000 + RANDOM % 10000))
    if ! gh_port_open 127.0.0.1 "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  gh_die "found no free port in 20000-29999"
}
