#!/usr/bin/env bash
# The crash extension in this host's own crash for arm64 dumps: sid's crash 9.0.2 source built
# `make target=ARM64` on x86_64 (scripts/crash-host.sh: once per machine into the tools cache; the
# first run builds it, about 30 minutes on 2 cores), the extension's host flavour built against that
# build's defs.h (make crash-ext-host), everything native: no qemu-user.
#  1. tests/crash/check-crash-scenarios.sh on every synthetic dump of `make vmcores` (4K, 16K, 64K;
#     --minimal, full mode on the non-KASLR 4K dumps, kdump-compressed copies, reload cycles);
#  2. tests/crash/check-crash.sh --minimal on the real Linux 7.3.4 dumps (4K and 16K pages, QEMU
#     ELF) that `make check-crash-real` reads with arm64 crash 9.0.2 under qemu-user; and full mode
#     on the 4K one (told the RAM base: --machdep phys_offset=, --no_modules);
#  3. tests/crash/check-install-crash.sh with CRASH=<this crash>: make install picks the host
#     flavour for it, and the installed file loads and answers as the CLI.
# `make check-crash-host` (not in `make check`: the first build alone exceeds its budget, and make
# check must not depend on whether a cache holds the build).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
export S2_TOP=$top S2_BUILD=$build
tc=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
rc=${S2_REAL_CACHE:-/var/cache/s2dump-real}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
. "$top/scripts/tested-with.sh"

if ! crash=$(S2_TOOLS_CACHE=$tc scripts/crash-host.sh 2>"$tmp/crash-host.log"); then
	echo "FAIL crash-host/build-crash: scripts/crash-host.sh failed: $(tail -n 2 "$tmp/crash-host.log" | tr '\n' '|')"
	exit 1
fi
hdir=$(dirname "$crash")
ver=$(cat "$hdir/VERSION")
name=crash-host-$ver
info=$("$crash" --buildinfo 2>&1)
if grep -q '^ *build_target: ARM64$' <<<"$info" && grep -q "^ *build_version: $ver\$" <<<"$info" &&
	file -L "$crash" | grep -q 'ELF 64-bit LSB .*x86-64'; then
	echo "PASS $name/binary: an x86-64 crash $ver built target=ARM64 (built in $(cat "$hdir/build-seconds" 2>/dev/null || echo '?') s, cached)"
else
	echo "FAIL $name/binary: $(file -L "$crash" | cut -d, -f1-2) | $(tr '\n' ' ' <<<"$info")"
	exit 1
fi
if ! make -s --no-print-directory crash-ext-host CRASH_DEFS="$hdir/defs.h" CRASH_VERSION="$ver" >"$tmp/ext.log" 2>&1; then
	echo "FAIL $name/extension: make crash-ext-host failed: $(tail -n 2 "$tmp/ext.log" | tr '\n' '|')"
	exit 1
fi
# keep this build: check-host-build.sh rebuilds build/extensions/host for crash 8.0.2's defs.h
ext=$tmp/s2dump.so
cp build/extensions/host/s2dump.so "$ext"
vmc=$build/vmcores
[ -f "$vmc/linux-6.12/demo/vmcore" ] || make -s --no-print-directory vmcores >"$tmp/vmcores.log" 2>&1

# --- 1. every synthetic dump ------------------------------------------------------------------
t0=$(date +%s)
CRASH=$crash CRASH_EXT=$ext CRASH_DEFS_H=$hdir/defs.h CRASH_NAME=$name CRASH_16K=1 \
	CRASH_EXT_CC=${CC:-gcc} CRASH_SIZE=size CRASH_WHERE=natively VMC_ROOT=$vmc \
	tests/crash/check-crash-scenarios.sh >"$tmp/scn.log" 2>"$tmp/scn.err"
cat "$tmp/scn.log"
p=$(grep -c '^PASS ' "$tmp/scn.log"); f=$(grep -c '^FAIL ' "$tmp/scn.log")
echo "crash-host: synthetic dumps: $((  $(date +%s) - t0 )) s" >&2
if [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
	tested_with crash "$ver" "x86_64 built target=ARM64 (native); synthetic dumps: --minimal, full, kdump-compressed; 4K, 16K, 64K pages"
fi

# --- 2. the real 7.3.4 dumps -------------------------------------------------------------------
t0=$(date +%s)
for r in "$rc/dumps/7.3.4+deb13-arm64/qemu-elf" "$rc/dumps/7.3.4+deb13-arm64-16k/qemu-elf"; do
	if [ ! -s "$r/vmcore" ]; then
		echo "FAIL $name/real: no dump at $r (tests/vmcores/real/make-dumps.sh makes it)"
		continue
	fi
	CRASH=$crash CRASH_EXT=$ext CRASH_NAME=$name CRASH_VERSION=$ver CRASH_REAL_DUMPS=$r CRASH_TIMEOUT=1200 \
		tests/crash/check-crash.sh >"$tmp/real.log" 2>&1
	cat "$tmp/real.log"
	if ! grep -q '^FAIL ' "$tmp/real.log" && grep -q '^PASS ' "$tmp/real.log"; then
		case $r in
		*-16k/*) tested_with crash "$ver" "real dump: Linux 7.3.4 16K pages QEMU ELF, --minimal (x86_64 target=ARM64)" ;;
		*) tested_with crash "$ver" "real dump: Linux 7.3.4 QEMU ELF, --minimal (x86_64 target=ARM64)" ;;
		esac
	fi
done
# full mode on the real 4K dump: crash 9.0.2 starts there only when told the RAM base
# (--machdep phys_offset=, here the first PT_LOAD's physical address: QEMU's one RAM segment) and
# not to look for modules; without them it stops on seek errors (IRQ stacks, memory sections)
r=$rc/dumps/7.3.4+deb13-arm64/qemu-elf
if [ -s "$r/vmcore" ]; then
	phys=$(readelf -lW "$r/vmcore" | awk '$1 == "LOAD" { print $4; exit }')
	kvm=$("$build/s2dump" -c "$r/vmcore" -s "$r/vmlinux" | awk '/^kvm 0x/ { print $2; exit }')
	"$build/s2dump" -c "$r/vmcore" -s "$r/vmlinux" -x "$kvm" >"$tmp/full.cli"
	printf 'extend %s\ns2dump -x %s > %s\nexit\n' "$ext" "$kvm" "$tmp/full.crash" >"$tmp/full.cmds"
	timeout 1200 "$crash" --machdep phys_offset="$phys" --no_modules -s "$r/vmlinux" "$r/vmcore" \
		-i "$tmp/full.cmds" >"$tmp/full.log" 2>&1
	st=$?
	if [ $st -eq 0 ] && [ -s "$tmp/full.cli" ] && cmp -s "$tmp/full.cli" "$tmp/full.crash"; then
		echo "PASS $name/7.3.4+deb13-arm64/qemu-elf/full-mode: --machdep phys_offset=$phys --no_modules, s2dump -x identical to the CLI ($(wc -l <"$tmp/full.cli") lines)"
		tested_with crash "$ver" "real dump: Linux 7.3.4 QEMU ELF, full mode (phys_offset given; x86_64 target=ARM64)"
	else
		echo "FAIL $name/7.3.4+deb13-arm64/qemu-elf/full-mode: crash status $st: $(grep -i -e error -e s2dump "$tmp/full.log" | head -n 3 | tr '\n' '|')"
	fi
fi
echo "crash-host: real dumps: $((  $(date +%s) - t0 )) s" >&2

# --- 3. make install for this crash -------------------------------------------------------------
CRASH=$crash CRASH_RUN=$crash CRASH_NAME=$name-install INSTALL_NEGATIVE=0 tests/crash/check-install-crash.sh
