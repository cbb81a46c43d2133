#!/usr/bin/env bash
# Which crash extension this host's crash loads: the one rule `make` (crash-ext-this-host) and
# `make install` (scripts/install-crash-ext.sh) both follow.
#
#   scripts/crash-flavour.sh [CRASH]
#
# CRASH is the crash binary (default: `crash` on PATH). What it is comes from the binary itself:
# its ELF machine (e_machine) says which compiler the extension needs, and `crash --buildinfo`
# (run under qemu-<machine>-static -L <its root> when the machine is not this host's; every crash
# has the option) says build_target (the dumps it reads: ARM64 is needed) and build_version (the
# extension refuses to load into any other version, extensions/s2dump.c). Then:
#   crash of this host's machine, target ARM64, with a defs.h of its version
#                       host: `make crash-ext-host` with this host's compiler against that defs.h:
#                       CRASH_DEFS=, else the one scripts/crash-host.sh kept beside its build,
#                       else CRASH_HOST_DEFS (Debian's crash package installs
#                       /usr/include/crash/defs.h) unless dpkg says it is of another version,
#                       else build/tools/amd64's (Debian 12's amd64 crash) when the version is its
#   aarch64 crash (under qemu-user here, or native without a defs.h), target ARM64
#                       arm64: the cross build of that version, build/extensions/arm64 (the version
#                       of build/tools/arm64) or build/extensions/crash-<version> (CRASH_VERSIONS)
#   anything else, or no crash
#                       none, and why in words
# It prints shell assignments for eval, always flavour= and why= (empty unless none), and when
# a crash was found crash= machine= (aarch64, x86_64) version=, then target= (the make target of
# the build, relative to the top) and, for host, defs=. Status 0 whatever it finds; 2 on a usage error.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -le 1 ] || { echo "usage: crash-flavour.sh [CRASH]" >&2; exit 2; }
crash=${1:-}
cache=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
host_defs=${CRASH_HOST_DEFS:-/usr/include/crash/defs.h}
machine= version= target= defs=

say() {
	local v
	for v in flavour why crash machine version target defs; do
		printf '%s=%q\n' "$v" "${!v:-}"
	done
	exit 0
}
none() {
	flavour=none why=$1
	say
}

if [ -z "$crash" ]; then
	crash=$(command -v crash 2>/dev/null) || { crash=; none "no crash on PATH (CRASH=/path/to/crash names one)"; }
fi
[ -f "$crash" ] && [ -x "$crash" ] || none "$crash: not an executable file"
crash=$(readlink -f "$crash")

# e_machine: 2 bytes at offset 18 of an ELF header (little-endian on both machines we build for)
[ "$(head -c 4 "$crash" | od -An -c | tr -d ' \n')" = '177ELF' ] ||
	none "$crash: not an ELF binary (a wrapper script?): name the crash binary itself with CRASH="
emach=$(od -An -t u2 -j 18 -N 2 "$crash" | tr -d ' ')
case $emach in
183) machine=aarch64 ;;
62) machine=x86_64 ;;
*) none "$crash: ELF machine $emach, neither aarch64 nor x86_64" ;;
esac

run=("$crash")
if [ "$machine" != "$(uname -m)" ]; then
	qemu=$(command -v "qemu-$machine-static" 2>/dev/null) ||
		none "$crash is an $machine binary and qemu-$machine-static is missing: cannot ask it its version"
	root=/
	case $crash in */usr/bin/crash) root=${crash%/usr/bin/crash} ;; esac
	run=("$qemu" -L "$root" "$crash")
fi
info=$("${run[@]}" --buildinfo 2>&1) || none "$crash --buildinfo failed: $(head -n 1 <<<"$info")"
build_target=$(sed -n 's/^ *build_target: *//p' <<<"$info")
version=$(sed -n 's/^ *build_version: *//p' <<<"$info")
[ -n "$build_target" ] && [ -n "$version" ] || none "$crash --buildinfo names no build_target/build_version"
[ "$build_target" = ARM64 ] ||
	none "$crash is crash $version built with target=$build_target: it cannot read arm64 dumps (build it with make target=ARM64)"

# A defs.h of this version for this host's compiler.
if [ "$machine" = "$(uname -m)" ]; then
	if [ -n "${CRASH_DEFS:-}" ]; then
		defs=$CRASH_DEFS
	elif [ -f "$cache/host/crash-$version/defs.h" ]; then
		defs=$cache/host/crash-$version/defs.h
	elif [ -f "$host_defs" ]; then
		# a packaged defs.h is of its package's version; one dpkg does not know, of the crash installed with it
		pkg=$(dpkg-query -S "$host_defs" 2>/dev/null | sed -n '1s/:.*//p')
		pkg_version=
		[ -z "$pkg" ] || pkg_version=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$//')
		[ -n "$pkg" ] && [ "$pkg_version" != "$version" ] || defs=$host_defs
	fi
	if [ -z "$defs" ] && [ "$machine" = x86_64 ] &&
		[ "$version" = "$(cat "$top/build/tools/amd64/VERSION" 2>/dev/null)" ]; then
		defs=$top/build/tools/amd64/usr/include/crash/defs.h
	fi
	if [ -n "$defs" ]; then
		[ -f "$defs" ] || none "CRASH_DEFS=$defs: no such file"
		flavour=host target=build/extensions/host/s2dump.so why=
		say
	fi
fi

case $machine in
aarch64)
	arm64_version=$(cat "$top/build/tools/arm64/VERSION" 2>/dev/null)
	if [ -n "$arm64_version" ] && [ "$version" = "$arm64_version" ]; then
		target=build/extensions/arm64/s2dump.so
	else
		for v in ${CRASH_VERSIONS:-}; do
			[ "$v" = "$version" ] && target=build/extensions/crash-$version/s2dump.so
		done
	fi
	[ -n "$target" ] ||
		none "$crash is arm64 crash $version; s2dump builds for arm64 crash ${arm64_version:-(make cross)} ${CRASH_VERSIONS:-}"
	flavour=arm64 why=
	defs=
	say
	;;
x86_64)
	[ "$(uname -m)" = x86_64 ] || none "$crash is an x86_64 crash on a $(uname -m) host"
	none "$crash is x86_64 crash $version (target ARM64), and no defs.h of crash $version is known: set CRASH_DEFS=/path/to/its/defs.h"
	;;
esac
