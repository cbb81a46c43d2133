#!/usr/bin/env bash
# The real-kernel dumps `make check` needs (runs.sh lists them), made before
# any test that reads them (scripts/run-tests.sh runs PREPARE_SCRIPTS first):
# the cache gets the Debian kernels, the QEMU root (prepare.sh) and the dumps
# (run.sh): QEMU dump-guest-memory ELF (48-bit VA on a VA_BITS=52 build, and
# LPA2), the customers' path (kexec -p, panic, the capture kernel's /proc/vmcore
# or makedumpfile -d 31 -c), and live runs: s2dump (build/arm64/s2dump) and the
# drgn contrib script (Debian's arm64 Python + drgn 0.0.22, make drgn-arm64) run
# inside the guest on /proc/kcore, then a QEMU dump; and the gdb front end on
# QEMU's gdbstub of the stopped machine (run.sh --gdb). Live and gdb runs are
# made anew every time, they test this build.
# Every ELF dump is checked where it is made and again when found cached
# (elf-check.py): a dump QEMU wrote with memory out of place is never kept.
# About ten minutes on an empty cache, a minute once cached. Prints one READY (made or
# found cached: not a test) or FAIL line per dump; check.sh (a CHECK_SCRIPT) checks them.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

. "$here/runs.sh"
# shellcheck disable=SC2046
if ! "$here/prepare.sh" $(real_releases) >"$log" 2>&1; then
	echo "FAIL real/prepare: tests/vmcores/real/prepare.sh failed:"
	tail -n 20 "$log" | sed 's/^/  | /'
	exit 1
fi
echo "READY real/prepare: kernels and the QEMU root in $cache"
failed=0
while read -r rel run opt <&3; do
	[ "$opt" != - ] || opt=
	case $opt in --live*)
		# the arm64 drgn module and its Python (downloads arm64 debs once: make drgn-arm64)
		if ! make -C "${S2_TOP:-$here/../../..}" --no-print-directory drgn-arm64 >"$log" 2>&1; then
			echo "FAIL real/$rel/$run: make drgn-arm64 failed:"
			tail -n 10 "$log" | sed 's/^/  | /'
			failed=1
			continue
		fi
		# and Debian's arm64 gdb with the arm64 adapter (downloads arm64 debs once: make gdb-arm64)
		if [ "$opt" = --live-drgn-gdb ] &&
			! make -C "${S2_TOP:-$here/../../..}" --no-print-directory gdb-arm64 >"$log" 2>&1; then
			echo "FAIL real/$rel/$run: make gdb-arm64 failed:"
			tail -n 10 "$log" | sed 's/^/  | /'
			failed=1
			continue
		fi
		# and sid's arm64 Python 3.14 + drgn 0.3.0 beside it (downloaded once into the tools cache)
		if [ "${opt#--live-drgn}" != "$opt" ] &&
			! "${S2_TOP:-$here/../../..}/scripts/tool-versions.sh" sid-arm64 >"$log" 2>&1; then
			echo "FAIL real/$rel/$run: scripts/tool-versions.sh sid-arm64 failed:"
			tail -n 10 "$log" | sed 's/^/  | /'
			failed=1
			continue
		fi ;;
	esac
	d=$cache/dumps/$rel/$run
	if [ "${opt#--live}" = "$opt" ] && [ "$opt" != --gdb ] && [ -e "$d/truth/READY" ] && [ -s "$d/vmcore" ]; then
		# a cached ELF dump is checked again (elf-check.py): one its writer got
		# wrong, or one cached before run.sh checked, is made anew, not kept
		case $run in
		*md31c*) echo "READY real/$rel/$run: dump cached"; continue ;;
		*sveshift*) # made wrong on purpose: it must still be rejected
			if ! /usr/bin/python3 "$here/elf-check.py" "$d/vmcore" "$rel" >"$log" 2>&1; then
				echo "READY real/$rel/$run: dump cached (shifted as intended: $(cut -d: -f2- "$log" | cut -c1-80))"
				continue
			fi ;;
		esac
		if [ "${run#*sveshift}" = "$run" ] && /usr/bin/python3 "$here/elf-check.py" "$d/vmcore" "$rel" >"$log" 2>&1; then
			echo "READY real/$rel/$run: dump cached"
			continue
		fi
		echo "real/$rel/$run: the cached dump is rejected, making it anew: $(cat "$log")" >&2
	fi
	if S2_ARM64_CLI=${S2_TOP:-$here/../../..}/build/arm64/s2dump "$here/run.sh" $opt "$rel" >"$log" 2>&1; then
		echo "READY real/$rel/$run: $(tail -n 1 "$log")"
	else
		echo "FAIL real/$rel/$run: run.sh $opt $rel failed:"
		tail -n 20 "$log" | sed 's/^/  | /'
		failed=1
	fi
done 3< <(real_runs)
exit $failed
