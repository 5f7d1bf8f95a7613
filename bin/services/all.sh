#!/usr/bin/env bash
# Brings up the services the Gatehouse tests use, and tells the tests where they are.
#
#   bin/services/all.sh up       start (or reuse) the selected services
#   bin/services/all.sh down     stop what these scripts started (PostgreSQL is left running)
#   bin/services/all.sh status   one line per service; fails if a selected one is down
#   bin/services/all.sh env      prints `export K=V` lines for the tests:
#                                  eval "$(bin/services/all.sh env)"
#
# GATEHOUSE_SERVICES selects services (default "postgres redis kafka"); add keycloak for a
# real OpenID Connect provider: GATEHOUSE_SERVICES="postgres redis kafka keycloak".
# Ports: GATEHOUSE_POSTGRES_PORT, GATEHOUSE_REDIS_PORT, GATEHOUSE_KAFKA_PORT, GATEHOUSE_KEYCLOAK_PORT.
set -euo pipefail

GH_NAME=services
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ALL_SERVICES=(postgres redis kafka keycloak)
read -r -a SELECTED <<<"${GATEHOUSE_SERVICES:-postgres redis kafka}"

is_selected() {
  local s
  for s in "${SELECTED[@]}"; do
    [[ "$s" == "$1" ]] && return 0
  done
  return 1
}

for s in "${SELECTED[@]}"; do
  case "$s" in
    postgres | redis | kafka | keycloak) ;;
    *) gh_die "unknown service '$s' in GATEHOUSE_SERVICES (known: ${ALL_SERVICES[*]})" ;;
  esac
done

cmd_up() {
  local s failed=()
  # Fixed order: cheap services first, Keycloak (slowest) last.
  for s in "${ALL_SERVICES[@]}"; do
    is_selected "$s" || continue
    "$HERE/$s.sh" up || failed+=("$s")
  done
  if ((${#failed[@]} > 0)); then
    gh_die "failed to start: ${failed[*]}"
  fi
}

cmd_down() {
  "$HERE/keycloak.sh" down
  "$HERE/kafka.sh" down
  "$HERE/redis.sh" down
  printf 'postgres: left running (system service)\n'
}

cmd_status() {
  local s down=()
  for s in "${ALL_SERVICES[@]}"; do
    if ! "$HERE/$s.sh" status; then
      is_selected "$s" && down+=("$s")
    fi
  done
  ((${#down[@]} == 0)) || return 1
}

cmd_env() {
  printf 'export GATEHOUSE_TEST_POSTGRES_URL=%s\n' "jdbc:postgresql://127.0.0.1:${GATEHOUSE_POSTGRES_PORT:-5432}/test"
  printf 'export GATEHOUSE_TEST_REDIS_URI=%s\n' "redis://127.0.0.1:${GATEHOUSE_REDIS_PORT:-6379}"
  printf 'export GATEHOUSE_TEST_KAFKA_BOOTSTRAP=%s\n' "127.0.0.1:${GATEHOUSE_KAFKA_PORT:-9092}"
  if "$HERE/keycloak.sh" status >/dev/null 2>&1; then
    printf 'export GATEHOUSE_TEST_OIDC_ISSUER=%s\n' \
      "http://127.0.0.1:${GATEHOUSE_KEYCLOAK_PORT:-8180}/realms/gatehouse"
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    printf 'usage: %s up|down|status|env\n' "$0" >&2
    exit 2
    ;;
esac
