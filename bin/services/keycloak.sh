#!/usr/bin/env bash
# Keycloak (a real OpenID Connect provider) for the Gatehouse tests, in dev mode on
# http://127.0.0.1:${GATEHOUSE_KEYCLOAK_PORT:-8180}, with the realms of infra/services/keycloak/realms.
#
#   bin/services/keycloak.sh up      fetch + unzip once, import realms, start, wait for discovery
#   bin/services/keycloak.sh down    stop the server started by these scripts
#   bin/services/keycloak.sh status
#   bin/services/keycloak.sh check   discovery, JWKS, client_credentials and password grants (curl)
#
# Environment:
#   GATEHOUSE_KEYCLOAK_PORT     HTTP port (default 8180)
#   GATEHOUSE_KEYCLOAK_VERSION  distribution version (default 26.5.6)
#   GATEHOUSE_KEYCLOAK_TIMEOUT  seconds to wait for start-up (default 300: the first start builds, and a busy 2-core machine has taken over 120)
#   GATEHOUSE_HOME              state directory (default <repo>/.gatehouse)
#
# Realm files are imported at start. When they change, the dev database
# ($GATEHOUSE_HOME/keycloak/keycloak-<version>/data/h2) is deleted so the new files apply.
# Admin console: http://127.0.0.1:8180/admin (admin / admin).
set -euo pipefail

GH_NAME=keycloak
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

KC_HOST=127.0.0.1
KC_PORT="${GATEHOUSE_KEYCLOAK_PORT:-8180}"
KC_VERSION="${GATEHOUSE_KEYCLOAK_VERSION:-26.5.6}"
KC_TIMEOUT="${GATEHOUSE_KEYCLOAK_TIMEOUT:-300}"
KC_REALM=gatehouse
[[ "$KC_PORT" =~ ^[0-9]+$ ]] || gh_die "GATEHOUSE_KEYCLOAK_PORT must be a port number, got '$KC_PORT'"
[[ "$KC_TIMEOUT" =~ ^[0-9]+$ ]] || gh_die "GATEHOUSE_KEYCLOAK_TIMEOUT must be a number of seconds"

POM="$GH_ROOT/infra/services/keycloak/pom.xml"
REALMS_SRC="$GH_ROOT/infra/services/keycloak/realms"
DIR="$GH_HOME/keycloak"
KC_HOME="$DIR/keycloak-$KC_VERSION"
LOG="$DIR/keycloak.log"
PIDFILE="$DIR/keycloak.pid"
# Matches both kc.sh and the java it runs (or execs, after a one-off re-build).
PID_PATTERN="$KC_HOME/"
DISCOVERY_PATH="/realms/$KC_REALM/.well-known/openid-configuration"

# Fetches and unpacks the distribution once.
ensure_dist() {
  local zip partial
  if [[ -x "$KC_HOME/bin/kc.sh" && -f "$KC_HOME/.complete" ]]; then
    return 0
  fi
  [[ -f "$POM" ]] || gh_die "$POM not found"
  mkdir -p "$DIR/dist"
  zip="$DIR/dist/keycloak-quarkus-dist-$KC_VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    gh_mvnw "$DIR/fetch.log" -f "$POM" dependency:copy \
      "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
      -DoutputDirectory="$DIR/dist" ||
      gh_die "could not fetch org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven Central (log: $DIR/fetch.log)"
    [[ -s "$zip" ]] || gh_die "$zip missing after fetching (log: $DIR/fetch.log)"
  fi
  partial="$DIR/unpack.partial"
  rm -rf "$partial" "$KC_HOME"
  mkdir -p "$partial"
  if command -v unzip >/dev/null 2>&1; then
    gh_run_logged "$DIR/fetch.log" unzip -q "$zip" -d "$partial" || gh_die "unzipping $zip failed"
  else
    # No unzip on this machine: the JDK's jar tool extracts zips too (without file modes).
    gh_find_java
    (cd "$partial" && gh_run_logged "$DIR/fetch.log" "$JAVA_HOME/bin/jar" xf "$zip") ||
      gh_die "extracting $zip with jar failed"
    chmod +x "$partial/keycloak-$KC_VERSION/bin/"*.sh
  fi
  [[ -x "$partial/keycloak-$KC_VERSION/bin/kc.sh" ]] ||
    gh_die "unexpected layout in $zip (no keycloak-$KC_VERSION/bin/kc.sh)"
  mv "$partial/keycloak-$KC_VERSION" "$KC_HOME"
  rm -rf "$partial" "$zip"
  touch "$KC_HOME/.complete"
}

# Copies the realm files into data/import; resets the dev database when they changed
# (an existing realm is never re-imported).
sync_realms() {
  local files=() stamp old=""
  shopt -s nullglob
  files=("$REALMS_SRC"/*.json)
  shopt -u nullglob
  ((${#files[@]} > 0)) || gh_die "no realm files in $REALMS_SRC"
  stamp="$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)"
  [[ -f "$DIR/realms.sha256" ]] && old="$(cat "$DIR/realms.sha256")"
  if [[ "$stamp" != "$old" ]]; then
    rm -rf "$KC_HOME/data/h2" "$KC_HOME/data/import"
  fi
  mkdir -p "$KC_HOME/data/import"
  cp -f "${files[@]}" "$KC_HOME/data/import/"
  printf '%s\n' "$stamp" >"$DIR/realms.sha256"
}

discovery_ok() {
  [[ "$(gh_http_status "$KC_HOST" "$KC_PORT" "$DISCOVERY_PATH")" == 200 ]]
}

cmd_up() {
  local pid start_ns deadline
  gh_lock keycloak
  mkdir -p "$DIR"
  if gh_port_open "$KC_HOST" "$KC_PORT"; then
    pid="$(gh_pid_alive "$PIDFILE" "$PID_PATTERN" || true)"
    if [[ -z "$pid" ]] && ! discovery_ok; then
      gh_die "$KC_HOST:$KC_PORT is taken by something that does not serve realm '$KC_REALM' (set GATEHOUSE_KEYCLOAK_PORT)"
    fi
    if [[ -n "$pid" ]]; then
      # Ours, maybe still starting: wait for discovery as below.
      start_ns="$(gh_now_ns)"
      deadline=$((SECONDS + KC_TIMEOUT))
      until discovery_ok; do
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
          gh_tail_log "$LOG"
          gh_die "keycloak (pid $pid) listens but does not serve $DISCOVERY_PATH"
        fi
        sleep 0.5
      done
      printf 'keycloak: listening on http://%s:%s (already running, pid %s)\n' "$KC_HOST" "$KC_PORT" "$pid"
    else
      printf 'keycloak: listening on http://%s:%s (already running, not started by these scripts)\n' \
        "$KC_HOST" "$KC_PORT"
    fi
    return 0
  fi
  if pid="$(gh_pid_alive "$PIDFILE" "$PID_PATTERN")"; then
    gh_die "keycloak pid $pid runs but does not listen on $KC_HOST:$KC_PORT; stop it with: $0 down"
  fi

  gh_find_java
  ensure_dist
  sync_realms

  start_ns="$(gh_now_ns)"
  printf '\n=== %s starting Keycloak %s (port %s) ===\n' "$(date -Is)" "$KC_VERSION" "$KC_PORT" >>"$LOG"
  rm -f "$PIDFILE"
  # setsid: own session and process group (see gh_stop_pid). kc.sh runs java as its child and
  # forwards TERM to it. --hostname pins the issuer to http://127.0.0.1:<port>.
  # shellcheck disable=SC2016 # expanded by the inner bash
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
    env JAVA_HOME="$JAVA_HOME" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$KC_HOME/bin/kc.sh" start-dev \
    "--http-port=$KC_PORT" "--http-host=$KC_HOST" "--hostname=http://$KC_HOST:$KC_PORT" \
    --import-realm >>"$LOG" 2>&1 </dev/null 9>&- &

  deadline=$((SECONDS + 5))
  until [[ -s "$PIDFILE" ]]; do
    ((SECONDS < deadline)) || { gh_tail_log "$LOG"; gh_die "the Keycloak process did not start"; }
    sleep 0.1
  done
  pid="$(cat "$PIDFILE")"
  deadline=$((SECONDS + KC_TIMEOUT))
  until discovery_ok; do
    if ! kill -0 "$pid" 2>/dev/null; then
      gh_tail_log "$LOG"
      gh_die "Keycloak exited during start-up; see $LOG"
    fi
    if ((SECONDS >= deadline)); then
      gh_tail_log "$LOG"
      gh_die "Keycloak did not serve http://$KC_HOST:$KC_PORT$DISCOVERY_PATH within ${KC_TIMEOUT}s (still running as pid $pid; stop it with: $0 down)"
    fi
    sleep 0.5
  done
  printf 'keycloak: listening on http://%s:%s (started in %s, pid %s, realm %s)\n' "$KC_HOST" "$KC_PORT" \
    "$(gh_elapsed "$start_ns")" "$pid" "$KC_REALM"
}

cmd_down() {
  gh_lock keycloak
  gh_stop_pid "$PIDFILE" "$PID_PATTERN" keycloak 30
}

cmd_status() {
  if discovery_ok; then
    printf 'keycloak: serving realm %s on http://%s:%s\n' "$KC_REALM" "$KC_HOST" "$KC_PORT"
  elif gh_port_open "$KC_HOST" "$KC_PORT"; then
    printf 'keycloak: %s:%s is open but realm %s is not served (starting?)\n' "$KC_HOST" "$KC_PORT" "$KC_REALM"
    return 1
  else
    printf 'keycloak: not listening on %s:%s\n' "$KC_HOST" "$KC_PORT"
    return 1
  fi
}

# Checks the realm as the tests use it: discovery, JWKS, client_credentials, password grant.
cmd_check() {
  local base="http://$KC_HOST:$KC_PORT/realms/$KC_REALM" out issuer start_ns
  command -v curl >/dev/null 2>&1 || gh_die "curl is needed for check (apt-get install curl)"
  start_ns="$(gh_now_ns)"
  out="$(curl -fsS --max-time 10 "$base/.well-known/openid-configuration")" ||
    gh_die "discovery failed at $base/.well-known/openid-configuration"
  issuer="$(sed -n 's/.*"issuer":"\([^"]*\)".*/\1/p' <<<"$out")"
  [[ "$issuer" == "$base" ]] || gh_die "issuer is '$issuer', expected '$base'"
  out="$(curl -fsS --max-time 10 "$base/protocol/openid-connect/certs")" || gh_die "JWKS request failed"
  [[ "$out" == *'"RS256"'* ]] || gh_die "JWKS has no RS256 key: $out"
  out="$(curl -sS --max-time 10 -u gatehouse-gateway:gatehouse-secret \
    -d grant_type=client_credentials "$base/protocol/openid-connect/token")" ||
    gh_die "client_credentials request failed"
  [[ "$out" == *'"access_token"'* ]] || gh_die "client_credentials grant refused: $out"
  out="$(curl -sS --max-time 10 -u gatehouse-gateway:gatehouse-secret \
    -d grant_type=password -d username=alice -d password=alice-password -d scope=openid \
    "$base/protocol/openid-connect/token")" || gh_die "password grant request failed"
  [[ "$out" == *'"access_token"'* && "$out" == *'"id_token"'* && "$out" == *'"refresh_token"'* ]] ||
    gh_die "password grant for alice refused: $out"
  printf 'keycloak: check passed on %s (discovery, JWKS RS256, client_credentials, password grant in %s)\n' \
    "$base" "$(gh_elapsed "$start_ns")"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  check) cmd_check ;;
  *)
    printf 'usage: %s up|down|status|check\n' "$0" >&2
    exit 2
    ;;
esac
