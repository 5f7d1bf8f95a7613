# shellcheck shell=bash
# Shared helpers for the Gatehouse scripts under bin/. Source it; do not execute it.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
#
# Environment:
#   GATEHOUSE_HOME   state/work directory (default: <repo>/.gatehouse)
#   JAVA_HOME        used when it points at a JDK 25 or newer

if [[ -n "${GH_COMMON_LOADED:-}" ]]; then
  return 0
fi
GH_COMMON_LOADED=1

# Name used as the prefix of messages; scripts set it to their service name.
GH_NAME="${GH_NAME:-gatehouse}"

gh_err() { printf '%s: %s\n' "$GH_NAME" "$*" >&2; }
gh_die() { printf '%s: error: %s\n' "$GH_NAME" "$*" >&2; exit 1; }

# Repository root: two levels above this file (bin/lib/common.sh).
gh_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
}

GH_ROOT="$(gh_root)"
GH_HOME="${GATEHOUSE_HOME:-$GH_ROOT/.gatehouse}"
export GATEHOUSE_HOME="$GH_HOME"

gh_state_dir() {
  local d="$GH_HOME/$1"
  mkdir -p "$d" || gh_die "cannot create state directory $d"
  printf '%s\n' "$d"
}

# Prints the major version of a java binary (8 for 1.8.0_x), or nothing if it does not run.
gh_java_major() {
  local out ver
  out="$("$1" -version 2>&1)" || return 1
  ver="$(sed -n 's/.*version "\([^"]*\)".*/\1/p' <<<"$out" | head -n 1)"
  [[ -n "$ver" ]] || return 1
  if [[ "$ver" == 1.* ]]; then
    ver="${ver#1.}"
  fi
  ver="${ver%%[.+-]*}"
  [[ "$ver" =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$ver"
}

# Sets and exports JAVA_HOME to a JDK 25 or newer: $JAVA_HOME if suitable, else the first
# working /usr/lib/jvm/*25*. Exits 1 otherwise.
gh_find_java() {
  local candidate major
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    major="$(gh_java_major "$JAVA_HOME/bin/java" || true)"
    if [[ -n "$major" && "$major" -ge 25 ]]; then
      export JAVA_HOME
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*25*; do
    [[ -x "$candidate/bin/java" ]] || continue
    major="$(gh_java_major "$candidate/bin/java" || true)"
    if [[ -n "$major" && "$major" -ge 25 ]]; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      return 0
    fi
  done
  gh_die "no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}, nothing usable in /usr/lib/jvm/*25*). Install Temurin or OpenJDK 25 and set JAVA_HOME to it."
}

# gh_port_open HOST PORT: true if a TCP connection succeeds within 2 seconds.
gh_port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# gh_tail_log FILE [LINES]: prints the end of a log file to stderr, if there is one.
gh_tail_log() {
  local file="$1" lines="${2:-40}"
  if [[ -n "$file" && -r "$file" ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '---\n' >&2
  fi
}

# gh_wait_port HOST PORT SECONDS NAME LOGFILE [PID]
# Waits until HOST:PORT accepts connections. On timeout (or if PID dies first) prints the
# last 40 lines of LOGFILE and fails.
gh_wait_port() {
  local host="$1" port="$2" seconds="$3" name="$4" log="${5:-}" pid="${6:-}"
  local deadline=$((SECONDS + seconds))
  while ! gh_port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      gh_err "$name exited before $host:$port accepted connections"
      gh_tail_log "$log"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      gh_err "$name did not listen on $host:$port within ${seconds}s"
      gh_tail_log "$log"
      return 1
    fi
    sleep 0.25
  done
}

# gh_http_status HOST PORT PATH: prints the HTTP status code of a GET (000 if no answer).
# Uses curl when present, else a plain HTTP/1.0 request over /dev/tcp.
gh_http_status() {
  local host="$1" port="$2" path="$3"
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$host:$port$path" || true
    return 0
  fi
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" "$3" "$1" "$2" >&3
    read -r _ code _ <&3 && printf "%s" "$code"
  ' _ "$host" "$port" "$path" 2>/dev/null || printf '000'
}

# gh_pid_alive PIDFILE PATTERN: prints the pid and succeeds if the process in PIDFILE runs
# and its command line contains PATTERN; removes a stale pid file.
gh_pid_alive() {
  local pidfile="$1" pattern="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

# gh_stop_pid PIDFILE PATTERN NAME [SECONDS]: stops the process group started by these
# scripts (TERM, then KILL after SECONDS). Prints one line.
gh_stop_pid() {
  local pidfile="$1" pattern="$2" name="$3" seconds="${4:-30}" pid deadline
  if ! pid="$(gh_pid_alive "$pidfile" "$pattern")"; then
    printf '%s: not running (no live pid file)\n' "$name"
    return 0
  fi
  # The process was started with setsid, so its pid is also its process group id.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      gh_err "$name (pid $pid) did not stop within ${seconds}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.25
  done
  rm -f "$pidfile"
  printf '%s: stopped (pid %s)\n' "$name" "$pid"
}

# gh_lock NAME: serialises concurrent runs of the same script (held until the script exits).
# The lock is file descriptor 9: close it (9>&-) for every long-running process started
# while it is held, or the lock outlives the script.
gh_lock() {
  local file="$GH_HOME/.$1.lock"
  mkdir -p "$GH_HOME"
  exec 9>"$file"
  if ! flock -w 600 9; then
    gh_die "another '$1' operation holds $file for more than 10 minutes"
  fi
}

# gh_hs256_jwt SECRET CLAIMS_JSON: prints a compact HS256 JWS of the claims (openssl), for benchmarks.
gh_hs256_jwt() {
  local head body sig
  head="$(printf '{"alg":"HS256","typ":"JWT"}' | gh_b64url)"
  body="$(printf '%s' "$2" | gh_b64url)"
  sig="$(printf '%s.%s' "$head" "$body" | openssl dgst -sha256 -hmac "$1" -binary | gh_b64url)"
  printf '%s.%s.%s\n' "$head" "$body" "$sig"
}
gh_b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# gh_median, gh_range: the median ("-" for none) and the "lowest–highest" of numbers on stdin, one a line.
gh_median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "-" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
gh_range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'; }

# gh_elapsed START_EPOCH_NS: prints seconds since START with one decimal.
gh_now_ns() { date +%s%N; }
gh_elapsed() {
  local ms=$((($(date +%s%N) - $1) / 1000000))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}

# gh_run_logged LOGFILE CMD...: runs CMD quietly; on failure prints the end of the log.
# The lock descriptor (9) is closed for CMD so that daemons it starts do not keep the lock.
gh_run_logged() {
  local log="$1"
  shift
  if ! "$@" >>"$log" 2>&1 9>&-; then
    gh_err "command failed: $*"
    gh_tail_log "$log"
    return 1
  fi
}

# gh_mvnw LOGFILE ARGS...: runs the repository's Maven wrapper with a JDK 25, quietly.
gh_mvnw() {
  local log="$1"
  shift
  [[ -x "$GH_ROOT/mvnw" ]] || gh_die "Maven wrapper $GH_ROOT/mvnw not found or not executable"
  gh_find_java
  (cd "$GH_ROOT" && gh_run_logged "$log" ./mvnw -B -q "$@")
}

# gh_as_root CMD...: runs CMD as root (directly, or through sudo when available).
gh_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    gh_die "need root privileges to run: $* (run as root or install sudo)"
  fi
}

# gh_apt_install PACKAGE...: installs Debian packages quietly (apt-get update first).
gh_apt_install() {
  local log
  command -v apt-get >/dev/null 2>&1 ||
    gh_die "apt-get not found; install $* yourself (this script supports Debian/Ubuntu)"
  log="$(gh_state_dir apt)/apt-$(date +%Y%m%d-%H%M%S).log"
  gh_run_logged "$log" gh_as_root apt-get update -qq ||
    gh_die "apt-get update failed (log: $log)"
  gh_run_logged "$log" gh_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq "$@" ||
    gh_die "apt-get install $* failed (log: $log)"
}
