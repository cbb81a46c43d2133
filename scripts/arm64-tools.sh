#!/usr/bin/env bash
# Unpacks Debian's arm64 crash and makedumpfile into a private root
# (build/tools/arm64) and writes wrappers that run them under qemu-aarch64-static:
#   build/tools/bin/crash-arm64         crash:arm64 (also gives defs.h for the extension)
#   build/tools/bin/makedumpfile-arm64  makedumpfile:arm64
# Never `apt-get install crash:arm64`: it pulls in binutils:arm64 and apt then
# removes gcc and the cross compiler. Their runtime libraries (Multi-Arch: same)
# are installed by scripts/install-deps.sh. Safe to run again.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${S2_TOOLS:-$top/build/tools}
root=$tools/arm64
mkdir -p "$tools/bin" "$tools/debs"

unpack() { # package:arch, file to expect in the root ($root)
	local pkg=$1 want=$2
	[ -e "$root/$want" ] && return 0
	(cd "$tools/debs" && rm -f "${pkg%%:*}"_*.deb && apt-get download "$pkg" >/dev/null 2>&1) || {
		echo "arm64-tools: apt-get download $pkg failed (run 'apt-get update' first?)" >&2
		exit 1
	}
	dpkg-deb -x "$tools"/debs/"${pkg%%:*}"_*.deb "$root"
}
# root/VERSION: the crash version unpacked there ("8.0.2"), which the extension built against its
# defs.h is for (extensions/module.mk). Asked of crash itself, so roots unpacked before have it too.
crash_version() { # root, command running its crash
	local root=$1
	shift
	[ -s "$root/VERSION" ] && return 0
	"$@" --version 2>/dev/null | awk '$1 == "crash" { print $2; exit }' >"$root/VERSION.tmp"
	[ -s "$root/VERSION.tmp" ] || { echo "arm64-tools: $* --version named no version" >&2; exit 1; }
	mv "$root/VERSION.tmp" "$root/VERSION"
}
unpack crash:arm64 usr/bin/crash
unpack makedumpfile:arm64 usr/bin/makedumpfile
# The host's (amd64) crash too, for its defs.h: `make crash-ext-host` builds the x86_64
# flavour of the extension (for a crash built with target=ARM64) against it.
root=$tools/amd64 unpack crash:amd64 usr/include/crash/defs.h

# The runtime libraries come from the system's multiarch directories, so -L
# points at / (the system's arm64 ld.so); the unpacked binaries run from $root.
cat >"$tools/bin/crash-arm64" <<WRAP
#!/bin/sh
# crash:arm64 from $root, under qemu-user. crash popens /usr/bin/strings, which is
# the host's (x86_64) binutils here, so full mode works without binfmt_misc.
exec qemu-aarch64-static -L / "$root/usr/bin/crash" "\$@"
WRAP
cat >"$tools/bin/makedumpfile-arm64" <<WRAP
#!/bin/sh
exec qemu-aarch64-static -L / "$root/usr/bin/makedumpfile" "\$@"
WRAP
chmod +x "$tools/bin/crash-arm64" "$tools/bin/makedumpfile-arm64"
crash_version "$tools/arm64" "$tools/bin/crash-arm64"
crash_version "$tools/amd64" "$tools/amd64/usr/bin/crash"
