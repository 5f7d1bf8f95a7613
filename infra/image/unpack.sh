#!/usr/bin/env bash
# Unpacks an OCI image tarball (Jib's buildTar, OCI format) into a root file system, the way a
# container runtime would: every layer of the manifest in order, owners and modes kept.
#
#   infra/image/unpack.sh IMAGE_TAR DIR
#
# DIR/rootfs  the assembled file system (with empty proc/, dev/ and sys/ to mount on)
# DIR/config.json, DIR/manifest.json
#                    the image's configuration and manifest
# Layers with whiteout files are refused (Jib writes none). Run as root to keep owners.
set -euo pipefail

GH_NAME=image
# shellcheck source-path=SCRIPTDIR source=../../bin/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/lib/common.sh"

tarball="${1:?usage: infra/image/unpack.sh IMAGE_TAR DIR}"
dir="${2:?usage: infra/image/unpack.sh IMAGE_TAR DIR}"
[[ -f "$tarball" ]] || gh_die "no image tarball at $tarball"
rm -rf "$dir"
mkdir -p "$dir/oci" "$dir/rootfs"
tar -xf "$tarball" -C "$dir/oci"
blob() { printf '%s/oci/blobs/%s\n' "$dir" "${1/://}"; }
manifest="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$dir/oci/index.json")"
cp "$(blob "$manifest")" "$dir/manifest.json"
config="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' "$dir/manifest.json")"
cp "$(blob "$config")" "$dir/config.json"
python3 -c 'import json,sys; [print(l["digest"]) for l in json.load(open(sys.argv[1]))["layers"]]' "$dir/manifest.json" |
  while read -r layer; do
    if tar -tzf "$(blob "$layer")" --warning=no-unknown-keyword | grep -q '\(^\|/\)\.wh\.'; then
      gh_die "layer $layer has whiteout files, which this script does not apply"
    fi
    tar -xzf "$(blob "$layer")" -C "$dir/rootfs" --warning=no-unknown-keyword --same-owner --numeric-owner -p
  done
mkdir -p "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/sys"
rm -rf "$dir/oci"
