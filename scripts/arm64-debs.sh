#!/usr/bin/env bash
# Debian's arm64 packages unpacked, never installed: apt-get download of PKG:arm64 into DEBS,
# dpkg-deb -x of each into ROOT, ROOT/.stamp when done (nothing is done when it exists). Used by
# scripts/arm64-python.sh (Python + drgn) and scripts/arm64-gdb.sh (gdb).
#
#   scripts/arm64-debs.sh DEBS ROOT PKG...
set -euo pipefail
debs=$1 root=$2
shift 2
[ -e "$root/.stamp" ] && exit 0
mkdir -p "$debs"
(cd "$debs" && apt-get download "${@/%/:arm64}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
for p in "$@"; do
	ls "$debs/${p}"_*_arm64.deb >/dev/null || { echo "arm64-debs.sh: $p:arm64 not downloaded" >&2; exit 2; }
done
rm -rf "$root"
mkdir -p "$root"
for d in "$debs"/*_arm64.deb; do dpkg-deb -x "$d" "$root"; done
touch "$root/.stamp"
