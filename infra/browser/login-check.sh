#!/usr/bin/env bash
# The OIDC browser login in real headless Chromium against the container gateway: not part of the
# test suite (a browser is a long install for CI), run by hand before changing the login.
#
#   infra/browser/login-check.sh
#
# Needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver).
# Starts Keycloak when it is not up (and leaves it running), builds the container jar when it is
# stale (bin/gatehouse run), runs the gateway on GATEHOUSE_BROWSER_PORT (default 18480) with the
# Keycloak provider and an `auth: session` route /app/** -> the gateway's own /ping, starts
# chromedriver, runs login_check.py, and stops the gateway and chromedriver again.
# Prints PASS/FAIL per check and 'N passed, N failed'; exits non-zero when a check fails.
set -euo pipefail

GH_NAME=login-check
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"
cd "$GH_ROOT"

PORT="${GATEHOUSE_BROWSER_PORT:-18480}"
DRIVER_PORT="${GATEHOUSE_CHROMEDRIVER_PORT:-9515}"
ISSUER="http://127.0.0.1:${GATEHOUSE_KEYCLOAK_PORT:-8180}/realms/gatehouse"
command -v chromium >/dev/null && command -v chromedriver >/dev/null ||
  gh_die "needs chromium and chromedriver: apt-get install -y chromium chromium-driver"

curl -fsS -o /dev/null "$ISSUER/.well-known/openid-configuration" || bin/services/keycloak.sh up

WORK="$(mktemp -d)"
GATEWAY_PID=""
DRIVER_PID=""
cleanup() {
  [[ -n "$DRIVER_PID" ]] && kill "$DRIVER_PID" 2>/dev/null || true
  [[ -n "$GATEWAY_PID" ]] && kill "$GATEWAY_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/sso.yml" <<YAML
gateway:
  sso:
    providers:
      keycloak:
        issuer: $ISSUER
        client-id: gatehouse-sso
        client-secret: gatehouse-sso-secret
        roles-claim: realm_access.roles
YAML
cat >"$WORK/gatehouse.yml" <<'YAML'
upstreams:
  self:
    targets:
      - http://127.0.0.1:${micronaut.server.port:8080}
    health-check:
      enabled: false
    outlier-detection:
      consecutive-failures: 0
    circuit-breaker:
      enabled: false
routes:
  - id: app
    match:
      path: /app/**
    strip-prefix: true
    upstream: self
    auth: session
YAML

GATEWAY_SESSION_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" GATEWAY_JWT_TENANT_CLAIMS=tenant \
  MICRONAUT_SERVER_PORT="$PORT" GATEHOUSE_CONFIG="$WORK/gatehouse.yml" MICRONAUT_CONFIG_FILES="$WORK/sso.yml" \
  bin/gatehouse run >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
chromedriver --port="$DRIVER_PORT" >"$WORK/chromedriver.log" 2>&1 &
DRIVER_PID=$!

# The first run builds the jar (minutes); later ones start in about 20 s.
for _ in $(seq 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ping" 2>/dev/null && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -n 30 "$WORK/gateway.log" >&2; gh_die "the gateway stopped"; }
  sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/ping" || gh_die "the gateway did not answer on :$PORT"

python3 infra/browser/login_check.py --driver "http://127.0.0.1:$DRIVER_PORT" --gateway "$PORT" --issuer "$ISSUER" "$@"
