#!/usr/bin/env bash
# The base of the container image, made here from what is on this machine, since no registry with
# base images is reachable: a JDK 25 runtime cut to the modules Gatehouse uses (jlink), the C
# libraries it links against, a passwd and group naming the unprivileged user, and /tmp.
#
#   infra/image/rootfs.sh OUT_DIR [AOT_DIR]
#
# AOT_DIR, when given, is created if missing: the image's second extra directory, empty unless
# bin/gatehouse image has put a recorded AOT cache (app/gatehouse.aot) there.
#
# OUT_DIR receives:
#   opt/java/                       jlink --strip-debug --no-man-pages --no-header-files of $JAVA_HOME
#   lib64/ld-linux-x86-64.so.2, lib/x86_64-linux-gnu/*.so*
#                                   the loader and every library ldd names for the runtime's
#                                   binaries and shared objects (glibc from this machine's Debian)
#   etc/passwd, etc/group           root and gatehouse (65532), the user the image runs as
#   etc/gatehouse/gatehouse.yml     the shipped route file (config/gatehouse.yml), the default
#   tmp/                            for Netty's native transport, which unpacks its library there
# Jib (app-container's image profile) adds OUT_DIR as one layer under the application's layers.
# A rebuild with the same JDK and C library gives the same files; a rebuild skips jlink when
# OUT_DIR/opt/java was made from the same JDK (OUT_DIR.jdk records which).
set -euo pipefail

GH_NAME=image
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"

out="${1:?usage: infra/image/rootfs.sh OUT_DIR [AOT_DIR]}"
if [[ -n "${2:-}" ]]; then
  mkdir -p "$2"
fi
gh_find_java
[[ "$(uname -m)" == x86_64 ]] || gh_die "the image's base is made from this machine's C library: x86_64 only (this is $(uname -m))"

# jdeps --print-module-deps over the container jar, plus jdk.zipfs (a service provider jdeps does not see).
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs

jdk_id="$("$JAVA_HOME/bin/java" -version 2>&1 | head -n 2 | tr '\n' ' ') $MODULES"
mkdir -p "$out"
if [[ ! -x "$out/opt/java/bin/java" || "$(cat "$out.jdk" 2>/dev/null)" != "$jdk_id" ]]; then
  rm -rf "$out/opt/java"
  mkdir -p "$out/opt"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$out/opt/java"
  printf '%s\n' "$jdk_id" >"$out.jdk"
fi

# The C libraries: whatever ldd resolves for the runtime's executables and shared objects, but for
# AWT's X11 and sound back ends (java.desktop is there for java.beans; the JVM runs headless).
rm -rf "$out/lib" "$out/lib64"
mkdir -p "$out/lib/x86_64-linux-gnu" "$out/lib64"
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  -not -name libawt_xawt.so -not -name libjawt.so -not -name libjsound.so -not -name libsplashscreen.so -print0 |
  xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/lib64\// { print $1 }' |
  grep -v "^$out" | grep -v '/opt/java/' | sort -u | while read -r lib; do
    real="$(readlink -f "$lib")"
    case "$lib" in
      /lib64/*) cp "$real" "$out/lib64/$(basename "$lib")" ;;
      *) cp "$real" "$out/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
    esac
  done
[[ -f "$out/lib64/ld-linux-x86-64.so.2" ]] || gh_die "ldd named no loader for the runtime"

mkdir -p "$out/etc/gatehouse" "$out/tmp"
cat >"$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
gatehouse:x:65532:65532:Gatehouse:/tmp:/sbin/nologin
PASSWD
cat >"$out/etc/group" <<'GROUP'
root:x:0:
gatehouse:x:65532:
GROUP
cp "$GH_ROOT/config/gatehouse.yml" "$out/etc/gatehouse/gatehouse.yml"
printf 'image: base in %s (%s MiB)\n' "$out" "$(du -sm "$out" | cut -f1)"
