#!/usr/bin/env bash
# Redis for the Gatehouse tests on 127.0.0.1:${GATEHOUSE_REDIS_PORT:-6379}.
#
#   bin/services/redis.sh up       reuse a running server, or install (apt) and start one
#   bin/services/redis.sh down     stop the server only if these scripts started it
#   bin/services/redis.sh status
#
# The server started here keeps nothing on disk (no RDB snapshots, no AOF); its log and pid
# file live in $GATEHOUSE_HOME/redis-<port>/.
set -euo pipefail

GH_NAME=redis
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

REDIS_HOST=127.0.0.1
REDIS_PORT="${GATEHOUSE_REDIS_PORT:-6379}"
[[ "$REDIS_PORT" =~ ^[0-9]+$ ]] || gh_die "GATEHOUSE_REDIS_PORT must be a port number, got '$REDIS_PORT'"

# One state directory per port, so a second server for experiments never clobbers the first.
state_dir() {
  if [[ "$REDIS_PORT" == 6379 ]]; then gh_state_dir redis; else gh_state_dir "redis-$REDIS_PORT"; fi
}

cmd_up() {
  local dir log pidfile start_ns pid
  gh_lock "redis-$REDIS_PORT"
  if gh_port_open "$REDIS_HOST" "$REDIS_PORT"; then
    printf 'redis: listening on %s:%s (already running)\n' "$REDIS_HOST" "$REDIS_PORT"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    gh_apt_install redis-server
    command -v redis-server >/dev/null 2>&1 || gh_die "redis-server is still not on PATH after installing it"
    # On Debian the package starts its own service on 6379 where an init system allows it.
    if gh_port_open "$REDIS_HOST" "$REDIS_PORT"; then
      printf 'redis: listening on %s:%s (started by the redis-server package)\n' "$REDIS_HOST" "$REDIS_PORT"
      return 0
    fi
  fi
  dir="$(state_dir)"
  log="$dir/redis.log"
  pidfile="$dir/redis.pid"
  start_ns="$(gh_now_ns)"
  # "-::1": bind IPv6 loopback too, but do not fail where IPv6 is unavailable.
  if ! redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$dir" --logfile "$log" --pidfile "$pidfile" \
    >>"$dir/redis-server.out" 2>&1 9>&-; then
    gh_tail_log "$dir/redis-server.out"
    gh_tail_log "$log"
    gh_die "redis-server failed to start"
  fi
  # --daemonize returns before the pid file is written; wait for the port, then the pid file.
  gh_wait_port "$REDIS_HOST" "$REDIS_PORT" 30 "redis-server" "$log" || gh_die "redis did not come up"
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  printf 'redis: listening on %s:%s (started in %s, pid %s)\n' "$REDIS_HOST" "$REDIS_PORT" \
    "$(gh_elapsed "$start_ns")" "${pid:-?}"
}

cmd_down() {
  local dir pidfile
  dir="$(state_dir)"
  pidfile="$dir/redis.pid"
  if gh_pid_alive "$pidfile" redis-server >/dev/null; then
    gh_stop_pid "$pidfile" redis-server redis 15
  elif gh_port_open "$REDIS_HOST" "$REDIS_PORT"; then
    printf 'redis: left running on %s:%s (not started by these scripts)\n' "$REDIS_HOST" "$REDIS_PORT"
  else
    printf 'redis: not running\n'
  fi
}

cmd_status() {
  if gh_port_open "$REDIS_HOST" "$REDIS_PORT"; then
    printf 'redis: listening on %s:%s\n' "$REDIS_HOST" "$REDIS_PORT"
  else
    printf 'redis: not listening on %s:%s\n' "$REDIS_HOST" "$REDIS_PORT"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    printf 'usage: %s up|down|status\n' "$0" >&2
    exit 2
    ;;
esac
