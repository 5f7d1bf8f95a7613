#!/usr/bin/env bash
# PostgreSQL for the Gatehouse tests: 127.0.0.1:5432, trust auth on loopback, database `test`.
#
#   bin/services/postgres.sh up       reuse a running server, or install/configure/start one
#   bin/services/postgres.sh status
#
# A server already listening on 127.0.0.1:5432 is reused as it is (only database `test` is
# created if missing). Otherwise the Debian cluster (<version>/main) is installed with apt-get
# if needed, configured (trust on 127.0.0.1/32 and ::1/128, listen on 127.0.0.1:5432) and
# started with pg_ctlcluster. It is a system service: these scripts never stop it.
#
# Environment (for experiments; the tests expect the defaults):
#   GATEHOUSE_POSTGRES_PORT     port (default 5432)
#   GATEHOUSE_POSTGRES_CLUSTER  Debian cluster name used when starting one (default main)
set -euo pipefail

GH_NAME=postgres
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PG_HOST=127.0.0.1
PG_PORT="${GATEHOUSE_POSTGRES_PORT:-5432}"
PG_CLUSTER="${GATEHOUSE_POSTGRES_CLUSTER:-main}"
PG_DB='test'
PG_USER=postgres
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || gh_die "GATEHOUSE_POSTGRES_PORT must be a port number, got '$PG_PORT'"
[[ "$PG_CLUSTER" =~ ^[A-Za-z0-9_-]+$ ]] || gh_die "GATEHOUSE_POSTGRES_CLUSTER must be a plain name, got '$PG_CLUSTER'"
HBA_MARKER='# gatehouse: trust on loopback (added by bin/services/postgres.sh)'

pg_psql() {
  PGCONNECT_TIMEOUT=5 psql -X -q -w -v ON_ERROR_STOP=1 \
    -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

# Creates database `test` if missing. Prints "created" when it did.
ensure_database() {
  local exists err
  if ! command -v psql >/dev/null 2>&1; then
    gh_apt_install postgresql-client
  fi
  if ! exists="$(pg_psql -tA -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 2>&1)"; then
    gh_die "cannot connect with 'psql -h $PG_HOST -p $PG_PORT -U $PG_USER' (the tests need trust auth for $PG_USER on loopback): $exists"
  fi
  if [[ "$exists" != "1" ]]; then
    if ! err="$(pg_psql -c "CREATE DATABASE $PG_DB" 2>&1)"; then
      # A concurrent run may have created it in between.
      [[ "$err" == *"already exists"* ]] || gh_die "CREATE DATABASE $PG_DB failed: $err"
    fi
    printf 'created\n'
  fi
}

# Prints "<version> <status> <logfile>" for the cluster named $PG_CLUSTER (newest version), if any.
find_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2 == c { print $1, $4, $7 }' | sort -V | tail -n 1
}

newest_installed_version() {
  local d v best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x "$d" ]] || continue
    v="${d#/usr/lib/postgresql/}"
    v="${v%%/*}"
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n 1)" == "$v" ]]; then
      best="$v"
    fi
  done
  printf '%s\n' "$best"
}

configure_cluster() {
  local ver="$1" conf_dir="/etc/postgresql/$1/$PG_CLUSTER" hba tmp
  hba="$conf_dir/pg_hba.conf"
  [[ -f "$hba" ]] || gh_die "$hba not found; is cluster $ver/$PG_CLUSTER set up?"
  if ! grep -qF "$HBA_MARKER" "$hba"; then
    # pg_hba.conf is read top-down and the first matching line wins: put trust lines first.
    # Rewrite the content in place so the file keeps its owner and mode.
    tmp="$(mktemp)"
    {
      printf '%s\n' "$HBA_MARKER"
      printf 'host    all             all             127.0.0.1/32            trust\n'
      printf 'host    all             all             ::1/128                 trust\n'
      printf '# gatehouse: end\n\n'
      cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba"
    rm -f "$tmp"
  fi
  mkdir -p "$conf_dir/conf.d"
  # postgresql.conf on Debian includes conf.d/*.conf (alphabetically, later files win).
  cat >"$conf_dir/conf.d/99-gatehouse.conf" <<EOF
# Written by bin/services/postgres.sh
listen_addresses = '$PG_HOST'
port = $PG_PORT
EOF
  if ! grep -qE "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf\.d'" "$conf_dir/postgresql.conf"; then
    printf "\n# Added by bin/services/postgres.sh\ninclude_dir = 'conf.d'\n" >>"$conf_dir/postgresql.conf"
  fi
}

cmd_up() {
  local created cluster ver status logfile action started state_log start_ns
  start_ns="$(gh_now_ns)"
  gh_lock postgres
  if gh_port_open "$PG_HOST" "$PG_PORT"; then
    created="$(ensure_database)"
    printf 'postgres: listening on %s:%s (already running%s)\n' "$PG_HOST" "$PG_PORT" \
      "${created:+; database $PG_DB created}"
    return 0
  fi

  if [[ -z "$(newest_installed_version)" ]] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    gh_apt_install postgresql
    command -v pg_ctlcluster >/dev/null 2>&1 || gh_die "pg_ctlcluster is still missing after installing postgresql"
  fi
  state_log="$(gh_state_dir postgres)/postgres.sh.log"

  cluster="$(find_cluster)"
  if [[ -z "$cluster" ]]; then
    ver="$(newest_installed_version)"
    [[ -n "$ver" ]] || gh_die "PostgreSQL server binaries not found under /usr/lib/postgresql after installing"
    gh_run_logged "$state_log" gh_as_root pg_createcluster "$ver" "$PG_CLUSTER" ||
      gh_die "pg_createcluster $ver $PG_CLUSTER failed (log: $state_log)"
    cluster="$(find_cluster)"
    [[ -n "$cluster" ]] || gh_die "cluster $ver/$PG_CLUSTER not found after pg_createcluster"
  fi
  read -r ver status logfile <<<"$cluster"

  configure_cluster "$ver"

  # The package may have started the cluster already (on another port or address): restart
  # it so the configuration above applies.
  action=start
  [[ "$status" == online* ]] && action=restart
  if ! gh_run_logged "$state_log" gh_as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" "$action"; then
    gh_tail_log "$logfile"
    gh_die "pg_ctlcluster $ver $PG_CLUSTER $action failed"
  fi
  gh_wait_port "$PG_HOST" "$PG_PORT" 60 "postgres $ver/$PG_CLUSTER" "$logfile" ||
    gh_die "PostgreSQL $ver/$PG_CLUSTER did not come up on $PG_HOST:$PG_PORT"
  started="$(gh_elapsed "$start_ns")"
  created="$(ensure_database)"
  printf 'postgres: listening on %s:%s (started %s/%s in %s%s)\n' "$PG_HOST" "$PG_PORT" "$ver" "$PG_CLUSTER" \
    "$started" "${created:+; database $PG_DB created}"
}

cmd_status() {
  if gh_port_open "$PG_HOST" "$PG_PORT"; then
    printf 'postgres: listening on %s:%s\n' "$PG_HOST" "$PG_PORT"
  else
    printf 'postgres: not listening on %s:%s\n' "$PG_HOST" "$PG_PORT"
    return 1
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  status) cmd_status ;;
  *)
    printf 'usage: %s up|status\n' "$0" >&2
    exit 2
    ;;
esac
