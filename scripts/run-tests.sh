#!/usr/bin/env bash
# Runs every test of `make check` and prints the closing "N passed, N failed".
#
# - first the PREPARE_SCRIPTS (they make inputs later tests read, e.g. the real-kernel dumps);
# - every C test program, from the ASan+UBSan build (build/san);
# - the VALGRIND_TESTS programs again under valgrind, from the plain build;
# - every CHECK_SCRIPTS script (they find the builds through S2_BUILD and S2_SAN_BUILD).
# Each prints "PASS name" / "FAIL name: why" lines; a program that dies or
# exits non-zero without a FAIL line counts as one failure of its own.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export S2_TOP=$top S2_BUILD=$top/build S2_SAN_BUILD=$top/build/san
eval "$(make --no-print-directory -s print-test-list)"
logdir=$top/build/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"
passed=0 failed=0
# ASan's leak checker needs ptrace, which some sandboxes refuse; the valgrind pass covers leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() { # name, log, command...
	local name=$1 log=$2 rc
	shift 2
	timeout "${limit:-1200}" "$@" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL) ' "$log"
	local p f
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited with status $rc (log: $log)"
		tail -n 20 "$log" | sed 's/^/  | /'
		f=1
	elif [ "$f" -gt 0 ]; then
		grep -v -E '^(PASS|FAIL) ' "$log" | head -n 40 | sed 's/^/  | /'
	fi
	passed=$((passed + p)); failed=$((failed + f))
}

for s in $PREPARE_SCRIPTS; do
	# an empty cache means downloads and QEMU boots: allow an hour
	limit=3600 run_one "$s" "$logdir/$(tr / _ <<<"$s").log" "$top/$s"
done
for t in $TEST_BINS; do
	run_one "$t" "$logdir/$(basename "$t").san.log" "$S2_SAN_BUILD/$t"
done
for t in $VALGRIND_TESTS; do
	bin=$(printf '%s\n' $TEST_BINS | grep "/$t\$" | head -n 1)
	log=$logdir/$t.valgrind.log
	timeout 1800 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		"$S2_BUILD/$bin" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS valgrind $t"; passed=$((passed + 1))
	else
		echo "FAIL valgrind $t: status $rc (log: $log)"; failed=$((failed + 1))
		grep -v -E '^(PASS|FAIL) ' "$log" | head -n 30 | sed 's/^/  | /'
	fi
done
for s in $CHECK_SCRIPTS; do
	run_one "$s" "$logdir/$(tr / _ <<<"$s").log" "$top/$s"
done
# what the tests ran with (they record it, scripts/tested-with.sh): `make tested-with` puts it in the README
if [ -s "$logdir/tested-with.tsv" ]; then
	scripts/tested-with.sh render "$logdir/tested-with.tsv" >"$top/build/tested-with.md"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
