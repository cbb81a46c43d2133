#!/usr/bin/env bash
# `make install`'s crash extension: the flavour that the crash of this host can load, or none.
#
#   scripts/install-crash-ext.sh DEST_DIR [CRASH]
#
# CRASH is the crash binary to install for (default: `crash` on PATH). Which build that crash
# loads is decided by scripts/crash-flavour.sh (the rule `make` follows too): the host flavour
# (`make crash-ext-host` against a defs.h of its version), an arm64 build of its version, or none
# with the reason, said here in one line.
# A CRASH= the user named that cannot be used is an error; an unsuitable crash found on PATH is not
# (the CLI and drgn module are still installed).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: install-crash-ext.sh DEST_DIR [CRASH]}
make=${MAKE:-make}
note() { printf 'install-crash-ext: %s\n' "$*"; }
# one line; an error when the user named the crash, a note otherwise
refuse() {
	if [ -n "${2:-}" ]; then
		printf 'install-crash-ext: error: %s\n' "$1" >&2
		exit 1
	fi
	note "$1"
	exit 0
}

decision=$("$top/scripts/crash-flavour.sh" ${2:+"$2"}) || refuse "scripts/crash-flavour.sh failed" "${2:-}"
eval "$decision"
case $flavour in
none)
	refuse "$why: no crash extension installed" "${2:-}"
	;;
host)
	"$make" -s -C "$top" --no-print-directory crash-ext-host CRASH_DEFS="$defs" CRASH_VERSION="$version" >&2 ||
		refuse "building the host flavour against $defs failed" "${2:-}"
	;;
arm64)
	"$make" -s -C "$top" --no-print-directory SANITIZE=0 "$target" >&2 || refuse "building $target failed" "${2:-}"
	;;
esac
install -d "$dest" && install -m 755 "$top/$target" "$dest/s2dump.so" || exit 1
note "crash $version ($machine, target ARM64) at $crash: installed $target as $dest/s2dump.so"
