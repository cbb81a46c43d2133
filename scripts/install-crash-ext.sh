#!/usr/bin/env bash
# `make install`'s crash extension: the flavour that the crash of this host can load, or none.
#
#   scripts/install-crash-ext.sh DEST_DIR [CRASH]
#
# CRASH is the crash binary to install for (default: `crash` on PATH). What it is comes from the
# binary itself: its ELF machine (e_machine) says which compiler the extension needs, and
# `crash --buildinfo` (run under qemu-<machine>-static when the machine is not this host's) says
# build_target (the dumps it reads: ARM64 is needed) and build_version (the extension refuses to
# load into any other version, extensions/s2dump.c). Then:
#   aarch64 crash, target ARM64      the arm64 build for that version: build/extensions/arm64 (the
#                                    version of build/tools) or build/extensions/crash-<version>
#   x86_64 crash, target ARM64       the host flavour (make crash-ext-host) against a defs.h of that
#                                    version: CRASH_DEFS=, else the one scripts/crash-host.sh kept
#                                    beside its build, else build/tools/amd64's when the version is its
#   anything else, or no crash       nothing installed, one line saying why
# A CRASH= the user named that cannot be used is an error; an unsuitable crash found on PATH is not
# (the library, CLI and drgn module are still installed).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: install-crash-ext.sh DEST_DIR [CRASH]}
crash=${2:-}
make=${MAKE:-make}
cache=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
named=1
note() { printf 'install-crash-ext: %s\n' "$*"; }
# one line; an error when the user named the crash, a note otherwise
refuse() {
	if [ $named = 1 ]; then
		printf 'install-crash-ext: error: %s\n' "$*" >&2
		exit 1
	fi
	note "$*"
	exit 0
}

if [ -z "$crash" ]; then
	named=0
	crash=$(command -v crash 2>/dev/null) ||
		refuse "no crash on PATH: no crash extension installed (CRASH=/path/to/crash names one)"
fi
[ -f "$crash" ] && [ -x "$crash" ] || refuse "CRASH=$crash: not an executable file: no crash extension installed"
crash=$(readlink -f "$crash")

# e_machine: 2 bytes at offset 18 of an ELF header (little-endian on both machines we build for)
if [ "$(head -c 4 "$crash" | od -An -c | tr -d ' \n')" != '177ELF' ]; then
	refuse "$crash: not an ELF binary (a wrapper script?): name the crash binary itself with CRASH=; no crash extension installed"
fi
emach=$(od -An -t u2 -j 18 -N 2 "$crash" | tr -d ' ')
case $emach in
183) machine=aarch64 ;;
62) machine=x86_64 ;;
*) refuse "$crash: ELF machine $emach, neither aarch64 nor x86_64: no crash extension installed" ;;
esac

run=("$crash")
if [ "$machine" != "$(uname -m)" ]; then
	qemu=$(command -v "qemu-$machine-static" 2>/dev/null) ||
		refuse "$crash is an $machine binary and qemu-$machine-static is missing: cannot ask it its version; no crash extension installed"
	root=/
	case $crash in */usr/bin/crash) root=${crash%/usr/bin/crash} ;; esac
	run=("$qemu" -L "$root" "$crash")
fi
info=$("${run[@]}" --buildinfo 2>&1) ||
	refuse "$crash --buildinfo failed: $(head -n 1 <<<"$info"); no crash extension installed"
target=$(sed -n 's/^ *build_target: *//p' <<<"$info")
version=$(sed -n 's/^ *build_version: *//p' <<<"$info")
[ -n "$target" ] && [ -n "$version" ] ||
	refuse "$crash --buildinfo names no build_target/build_version: no crash extension installed"
[ "$target" = ARM64 ] ||
	refuse "$crash is crash $version built with target=$target: it cannot read arm64 dumps (build it with make target=ARM64); no crash extension installed"

case $machine in
aarch64)
	so=
	if [ "$version" = "$(cat "$top/build/tools/arm64/VERSION" 2>/dev/null)" ]; then
		so=build/extensions/arm64/s2dump.so
	else
		for v in ${CRASH_VERSIONS:-}; do
			[ "$v" = "$version" ] && so=build/extensions/crash-$version/s2dump.so
		done
	fi
	[ -n "$so" ] || refuse "$crash is arm64 crash $version; s2dump builds for arm64 crash $(cat "$top/build/tools/arm64/VERSION" 2>/dev/null) ${CRASH_VERSIONS:-}: no crash extension installed"
	"$make" -s -C "$top" --no-print-directory SANITIZE=0 "$so" >&2 || refuse "building $so failed"
	;;
x86_64)
	[ "$(uname -m)" = x86_64 ] || refuse "$crash is an x86_64 crash on a $(uname -m) host: no crash extension installed"
	defs=${CRASH_DEFS:-}
	if [ -z "$defs" ]; then
		if [ -f "$cache/host/crash-$version/defs.h" ]; then
			defs=$cache/host/crash-$version/defs.h
		elif [ "$version" = "$(cat "$top/build/tools/amd64/VERSION" 2>/dev/null)" ]; then
			defs=$top/build/tools/amd64/usr/include/crash/defs.h
		fi
	fi
	[ -n "$defs" ] && [ -f "$defs" ] ||
		refuse "$crash is x86_64 crash $version (target ARM64), and no defs.h of crash $version is known: set CRASH_DEFS=/path/to/its/defs.h; no crash extension installed"
	so=build/extensions/host/s2dump.so
	"$make" -s -C "$top" --no-print-directory crash-ext-host CRASH_DEFS="$defs" CRASH_VERSION="$version" >&2 ||
		refuse "building the host flavour against $defs failed"
	;;
esac
install -d "$dest" && install -m 755 "$top/$so" "$dest/s2dump.so" || exit 1
note "crash $version ($machine, target ARM64) at $crash: installed $so as $dest/s2dump.so"
