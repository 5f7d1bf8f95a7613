#!/usr/bin/env bash
# Runs an unpacked image (infra/image/unpack.sh) the way a container runtime would, without one:
# in a mount namespace of its own, chrooted into the root file system, /proc mounted and /dev and
# /sys bound, as the image's user, with the image's environment and entrypoint. The network is the host's, so its port is reachable on 127.0.0.1. Needs root.
#
#   infra/image/run.sh DIR [ARGS...]
#
# ARGS are appended to the entrypoint. Variables named in GH_IMAGE_PASS (space-separated, e.g.
# "MICRONAUT_SERVER_PORT JDK_JAVA_OPTIONS") are taken from this environment over the image's.
set -euo pipefail

dir="${1:?usage: infra/image/run.sh DIR [ARGS...]}"
shift
[[ $EUID -eq 0 ]] || { echo "image: infra/image/run.sh needs root (chroot, mount)" >&2; exit 1; }
root="$dir/rootfs"
mapfile -t spec < <(python3 - "$dir/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
print(c.get("User") or "0:0")
print(c.get("WorkingDir") or "/")
print(len(c.get("Env") or []))
for e in c.get("Env") or []:
    print(e)
for a in (c.get("Entrypoint") or []) + (c.get("Cmd") or []):
    print(a)
PY
)
user="${spec[0]}" nenv="${spec[2]}"
envs=("${spec[@]:3:$nenv}")
entry=("${spec[@]:$((3 + nenv))}")
for name in ${GH_IMAGE_PASS:-}; do
  [[ -n "${!name+x}" ]] && envs+=("$name=${!name}")
done
# The environment is the image's alone (env -i), which chroot hands to the entrypoint. chroot starts
# it in /, not in the image's working directory: nothing in Gatehouse reads relative paths.
# The tools are named by absolute path: the image's PATH is in force from here on. No fork: the
# entrypoint keeps this script's process id, so a signal sent to it reaches the JVM.
mount="$(command -v mount)" chroot="$(command -v chroot)"
exec env -i "${envs[@]}" "$(command -v unshare)" --mount -- /bin/sh -c '
  mount="$1"; chroot="$2"; root="$3"; user="$4"; shift 4
  "$mount" -t proc proc "$root/proc" && "$mount" --rbind /dev "$root/dev" && "$mount" --rbind /sys "$root/sys" || exit 1
  exec "$chroot" --userspec="$user" "$root" "$@"
' _ "$mount" "$chroot" "$root" "$user" "${entry[@]}" "$@"
