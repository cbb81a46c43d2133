#!/usr/bin/env bash
# Builds this host's crash for arm64 vmcores (crash's `make target=ARM64`: an x86_64 crash
# that reads arm64 dumps natively, no qemu-user) from Debian's crash source package, once per
# machine, into the tools cache:
#
#   $cache/src/crash_<debver>.dsc ...     the source package (private deb-src list, apt-get source)
#   $cache/host/crash-<version>/crash     the binary (crash --version says <version>)
#   $cache/host/crash-<version>/defs.h    the defs.h it was built with (what the extension includes)
#   $cache/host/crash-<version>/VERSION   <version>, as the unpacked roots have
#   $cache/bin/crash-host-<version>       a link to the binary
#   $cache/logs/crash-host-<version>.log  the build's output
#
# The sid source (9.0.2+~16.3) bundles gdb 16.3's tarball, so the build needs no network after
# the download. Its build dependencies (bison, flex, texinfo, libgmp-dev, libmpfr-dev, ...) come
# from the host's apt (scripts/install-deps.sh does not list them: only `make check-crash-host`
# needs them). Building gdb dominates: measured 37 minutes on a shared 2-core machine under a load of
# 7 to 9; the result is 170 MB (crash with debug info). Prints the binary's path.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
# the Debian source version (sid's, gdb 16.3 bundled)
srcver=${S2_CRASH_HOST_SRC:-9.0.2+~16.3-1}
say() { printf 'crash-host: %s\n' "$*" >&2; }
die() { printf 'crash-host: error: %s\n' "$*" >&2; exit 1; }

ver=${srcver%%+*}; ver=${ver%-*}
out=$cache/host/crash-$ver
if [ -e "$out/.done" ]; then
	echo "$out/crash"
	exit 0
fi

# the build dependencies the host lacks (Debian 12 names)
deps=(bison flex texinfo libgmp-dev libmpfr-dev libncurses-dev zlib1g-dev liblzo2-dev
	libsnappy-dev libzstd-dev libexpat1-dev dpkg-dev)
missing=()
for p in "${deps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing build dependencies and not root: ${missing[*]}"
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# The source package through the tools cache's private apt (scripts/tool-versions.sh), with a
# deb-src line of its own: the host's /etc/apt is never touched.
"$top/scripts/tool-versions.sh" >&2
aptdir=$cache/apt
. "$top/scripts/private-apt.sh"
private_aptdir=$aptdir # tool-versions.sh's configuration, as it wrote it
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=${S2_TOOLS_MIRROR:-http://deb.debian.org/debian}
srclist=$aptdir/etc/sources.list.d/sid-src.list
if [ ! -e "$srclist" ] || [ -z "$(find "$aptdir/state/lists" -name '*_sid_*Sources*' 2>/dev/null)" ]; then
	echo "deb-src [signed-by=$keyring] $mirror sid main" >"$srclist"
	say "apt-get update (private sid deb-src)"
	mkdir -p "$cache/logs"
	papt apt-get update -q >"$cache/logs/apt-update-src.log" 2>&1 ||
		die "private apt-get update failed, see $cache/logs/apt-update-src.log"
fi
mkdir -p "$cache/src" "$cache/host" "$cache/bin" "$cache/logs"
if ! ls "$cache/src"/crash_"${srcver#*:}".dsc >/dev/null 2>&1; then
	say "downloading crash source $srcver"
	(cd "$cache/src" && papt apt-get source -q --download-only "crash=$srcver" >"$cache/logs/crash-src.log" 2>&1) ||
		die "apt-get source crash=$srcver failed, see $cache/logs/crash-src.log"
fi

log=$cache/logs/crash-host-$ver.log
work=$cache/host/build-$ver
rm -rf "$work"; mkdir -p "$work"
say "building crash $ver target=ARM64 (log: $log)"
start=$(date +%s)
{
	dpkg-source --no-check -x "$cache/src/crash_${srcver#*:}.dsc" "$work/src"
	cd "$work/src"
	# dpkg-source applies Debian's patches (3.0 quilt: no gdb download) and unpacks gdb's
	# component tarball as gdb/, which crash's gdb_unzip renames. lzo, snappy and zstd: the
	# compressed kdump formats, as Debian's own build enables them (debian/rules).
	nice -n 10 make -j2 target=ARM64 lzo snappy zstd
} >"$log" 2>&1 || die "build failed after $(( $(date +%s) - start )) s, see $log"
[ -x "$work/src/crash" ] || die "no crash binary after the build, see $log"
rm -rf "$out"; mkdir -p "$out"
cp "$work/src/crash" "$out/crash"
cp "$work/src/defs.h" "$out/defs.h"
echo "$ver" >"$out/VERSION"
echo "$(( $(date +%s) - start ))" >"$out/build-seconds"
ln -sf "$out/crash" "$cache/bin/crash-host-$ver"
rm -rf "$work"
touch "$out/.done"
say "built in $(cat "$out/build-seconds") s: $out/crash"
echo "$out/crash"
