#!/usr/bin/env bash
# The crash extension in the crashes users run today, each built against that crash's own defs.h
# (extensions/module.mk): Debian 12's 8.0.2 (build/tools, scripts/arm64-tools.sh), trixie's 8.0.6
# and sid's 9.0.2 (gdb 16; scripts/tool-versions.sh unpacks both into /var/cache/s2dump-tools,
# downloaded once per machine), all arm64 binaries under qemu-aarch64-static.
#  1. refusal: in each crash, every extension built for another version prints exactly
#     "s2dump.so: built for crash <its>, this is crash <running>: not loaded", registers nothing
#     (`s2dump` is then not a command) and crash answers the next command; its own one loads and
#     `s2dump` answers as the CLI does;
#  2. tests/crash/check-crash-scenarios.sh on a representative set of synthetic dumps (4K and 64K,
#     KASLR with 52-bit VAs, nested, damage; --minimal, full, kdump-compressed, reload cycles) on
#     8.0.6 and 9.0.2, plus the 16K dumps on 9.0.2 (crash 8.x refuses 16K pages);
#  3. only with S2_CRASH_REAL=1 (`make check-crash-real`, not in `make check`: 5 to 15 minutes):
#     tests/crash/check-crash.sh with 9.0.2 --minimal on two real dumps (Linux 7.3.4, QEMU ELF;
#     the same kernel's -arm64-16k flavour, 16K pages).
#     Under qemu-user crash 9.0.2 needs about 4 minutes to start on that vmlinux and about 7 for the
#     extension's first command (its layout lookups through gdb 16), once per extension load.
# S2_CRASH_REAL=only runs part 3 alone.
# Each crash that passed is recorded for the README's "tested with" table (scripts/tested-with.sh).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
export S2_TOP=$top S2_BUILD=$build
tc=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
real=${S2_REAL_CACHE:-/var/cache/s2dump-real}/dumps/7.3.4+deb13-arm64/qemu-elf
# and the 16K-page host's (crash 8.x refuses 16K pages; 9.0.2 is the crash that reads it)
real16k=${S2_REAL_CACHE:-/var/cache/s2dump-real}/dumps/7.3.4+deb13-arm64-16k/qemu-elf
cli=$build/s2dump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
. "$top/scripts/tested-with.sh"

if ! scripts/tool-versions.sh >"$tmp/prepare.log" 2>&1; then
	echo "FAIL crash-versions/prepare: scripts/tool-versions.sh failed: $(tail -n 2 "$tmp/prepare.log" | tr '\n' '|')"
	exit 1
fi
if ! make -s --no-print-directory S2_TOOLS_CACHE="$tc" crash-ext-versions "$build/extensions/arm64/s2dump.so" \
	>"$tmp/build.log" 2>&1; then
	echo "FAIL crash-versions/build: make crash-ext-versions failed: $(tail -n 2 "$tmp/build.log" | tr '\n' '|')"
	exit 1
fi
vmc=$build/vmcores
[ -f "$vmc/linux-6.12/demo/vmcore" ] || make -s --no-print-directory vmcores >"$tmp/vmcores.log" 2>&1

# version|crash wrapper|extension built for it|its defs.h
crashes=(
	"$(cat "$top/build/tools/arm64/VERSION")|$top/build/tools/bin/crash-arm64|$top/build/extensions/arm64/s2dump.so|$top/build/tools/arm64/usr/include/crash/defs.h"
)
for v in 8.0.6 9.0.2; do
	crashes+=("$(cat "$tc/roots/crash-$v/VERSION")|$tc/bin/crash-$v|$top/build/extensions/crash-$v/s2dump.so|$tc/roots/crash-$v/usr/include/crash/defs.h")
done

real_part=${S2_CRASH_REAL:-0}

# --- 1. each extension in each crash --------------------------------------------------------
if [ "$real_part" != only ]; then
d=$vmc/linux-6.12/demo
kvm=$("$cli" -c "$d/vmcore" -s "$d/vmlinux" | awk '/^kvm 0x/ { print $2; exit }')
"$cli" -c "$d/vmcore" -s "$d/vmlinux" -x "$kvm" >"$tmp/cli.x"
for c in "${crashes[@]}"; do
	IFS='|' read -r ver crash ext _ <<<"$c"
	o=$tmp/$ver
	mkdir -p "$o"
	{
		n=0
		for w in "${crashes[@]}"; do
			IFS='|' read -r wver _ wext _ <<<"$w"
			[ "$wver" = "$ver" ] && continue
			n=$((n + 1))
			echo "extend $wext"
			echo "s2dump -x $kvm"
			echo "echo alive-$wver"
		done
		echo "extend $ext"
		echo "s2dump -x $kvm > $o/own.crash"
		echo "exit"
	} >"$o/cmds"
	timeout 300 "$crash" --minimal -s "$d/vmlinux" "$d/vmcore" -i "$o/cmds" >"$o/session.log" 2>&1
	rc=$?
	for w in "${crashes[@]}"; do
		IFS='|' read -r wver _ wext _ <<<"$w"
		[ "$wver" = "$ver" ] && continue
		line="s2dump.so: built for crash $wver, this is crash $ver: not loaded"
		# the refusal, crash's own note that nothing registered, and no s2dump output anywhere
		if [ "$(grep -c -x -F "$line" "$o/session.log")" = 1 ] &&
		   grep -q -F "$wext: no commands registered: shared object unloaded" "$o/session.log" &&
		   grep -q -x "alive-$wver" "$o/session.log" && ! grep -q '^kvm 0x' "$o/session.log"; then
			echo "PASS crash-$ver/refuses-$wver: \"$line\", nothing registered, crash answers on"
		else
			echo "FAIL crash-$ver/refuses-$wver: expected the line \"$line\" and crash alive: $(grep -i 's2dump' "$o/session.log" | head -n 3 | tr '\n' '|')"
		fi
	done
	if [ $rc -eq 0 ] && grep -q -F "$ext: shared object loaded" "$o/session.log" && cmp -s "$tmp/cli.x" "$o/own.crash"; then
		echo "PASS crash-$ver/loads-own: its own build loads, s2dump -x identical to the CLI ($(wc -l <"$tmp/cli.x") lines)"
	else
		echo "FAIL crash-$ver/loads-own: status $rc, $(grep -F "$ext" "$o/session.log" | head -n 2 | tr '\n' '|')"
	fi
done

fi

# --- 2. the synthetic scenario check on 8.0.6 and 9.0.2 -------------------------------------
# one dump per kind the extension treats differently; measured: about 40 s per crash
scenarios="linux-6.12/demo linux-7.2/kaslr-va52 linux-7.2/granule-64k linux-7.2/nested linux-6.12/damage-cycle"
for c in "${crashes[@]:1}"; do
	[ "$real_part" = only ] && break
	IFS='|' read -r ver crash ext defs <<<"$c"
	extra= k16=0
	case $ver in 8.*) ;; *) extra=" linux-6.12/granule-16k linux-6.12/nested-gs2-16k"; k16=1 ;; esac
	CRASH=$crash CRASH_EXT=$ext CRASH_DEFS_H=$defs CRASH_NAME=crash-$ver CRASH_16K=$k16 \
		CRASH_SCENARIOS="$scenarios$extra" VMC_ROOT=$vmc "$top/tests/crash/check-crash-scenarios.sh" \
		>"$tmp/scn-$ver.log" 2>"$tmp/scn-$ver.err"
	cat "$tmp/scn-$ver.log"
	p=$(grep -c '^PASS ' "$tmp/scn-$ver.log"); f=$(grep -c '^FAIL ' "$tmp/scn-$ver.log")
	if [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		modes="--minimal, full, kdump-compressed"
		[ $k16 = 1 ] && modes="$modes; 4K, 16K, 64K pages" || modes="$modes; 4K, 64K pages (8.x refuses 16K)"
		tested_with crash "$ver" "arm64 under qemu-user; synthetic dumps: $modes"
	fi
done

# --- 3. 9.0.2 --minimal on one real dump ----------------------------------------------------
if [ "$real_part" = 0 ]; then
	:
else
	IFS='|' read -r ver crash ext _ <<<"${crashes[2]}"
	for r in "$real" "$real16k"; do
		if [ ! -s "$r/vmcore" ]; then
			echo "FAIL crash-versions/real: no dump at $r (tests/vmcores/real/make-dumps.sh makes it)"
			continue
		fi
		CRASH=$crash CRASH_EXT=$ext CRASH_NAME=crash-$ver CRASH_VERSION=$ver CRASH_REAL_DUMPS=$r CRASH_TIMEOUT=2400 \
			"$top/tests/crash/check-crash.sh" >"$tmp/real.log" 2>&1
		cat "$tmp/real.log"
		if ! grep -q '^FAIL ' "$tmp/real.log" && grep -q '^PASS ' "$tmp/real.log"; then
			case $r in
			*-16k/*) tested_with crash "$ver" "real dump: Linux 7.3.4 16K pages QEMU ELF, --minimal" ;;
			*) tested_with crash "$ver" "real dump: Linux 7.3.4 QEMU ELF, --minimal" ;;
			esac
		fi
	done
fi
