#!/usr/bin/env bash
# Runs every test of `make check` (with --fast: of `make check-fast`) and prints the closing
# "N passed, N failed, N skipped".
#
# - first the PREPARE_SCRIPTS (they make inputs later tests read, e.g. the real-kernel dumps;
#   not with --fast);
# - every C test program, from the ASan+UBSan build (build/san);
# - the VALGRIND_TESTS programs again under valgrind, from the plain build;
# - every CHECK_SCRIPTS script (with --fast: FAST_CHECK_SCRIPTS; they find the builds through
#   S2_BUILD and S2_SAN_BUILD).
# Tests print "PASS name" / "FAIL name: why" / "SKIP name: why" lines, one per assertion; a
# program that dies or exits non-zero without a FAIL line counts as one failure of its own.
# Preparing an input is not an assertion: PREPARE_SCRIPTS print "READY name" per input made
# (counted apart, never as passed) and "FAIL name: why" when one cannot be made.
set -u
fast=0
case ${1:-} in
--fast) fast=1 ;;
'') ;;
*) echo "usage: $0 [--fast]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export S2_TOP=$top S2_BUILD=$top/build S2_SAN_BUILD=$top/build/san
eval "$(make --no-print-directory -s print-test-list)"
if [ "$fast" = 1 ]; then
	PREPARE_SCRIPTS= CHECK_SCRIPTS=$FAST_CHECK_SCRIPTS
	# S2_FAST=1: the scripts leave out what repeats the same checks on another build or tool (the
	# plain CLI beside the ASan+UBSan one, valgrind over the CLI, crash under qemu-user on the
	# repaired field dumps); the C tests keep their valgrind pass
	export S2_FAST=1
	# the README's "tested with" table comes from full runs only (scripts/tested-with.sh)
	export S2_TESTED_WITH=/dev/null
fi
logdir=$top/build/test-logs
[ "$fast" = 0 ] || logdir=$top/build/test-logs-fast # the last full run's logs stay
rm -rf "$logdir"; mkdir -p "$logdir"
passed=0 failed=0 skipped=0 ready=0
# ASan's leak checker needs ptrace, which some sandboxes refuse; the valgrind pass covers leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() { # name, log, command...
	local name=$1 log=$2 rc
	shift 2
	timeout "${limit:-1200}" "$@" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP|READY) ' "$log"
	local p f s r
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	r=$(grep -c '^READY ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited with status $rc (log: $log)"
		tail -n 20 "$log" | sed 's/^/  | /'
		f=1
	elif [ "$f" -gt 0 ]; then
		grep -v -E '^(PASS|FAIL|SKIP|READY) ' "$log" | head -n 40 | sed 's/^/  | /'
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); ready=$((ready + r))
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
		grep -v -E '^(PASS|FAIL|SKIP|READY) ' "$log" | head -n 30 | sed 's/^/  | /'
	fi
done
for s in $CHECK_SCRIPTS; do
	run_one "$s" "$logdir/$(tr / _ <<<"$s").log" "$top/$s"
done
# what the tests ran with (they record it, scripts/tested-with.sh): `make tested-with` puts it in the README
if [ -s "$logdir/tested-with.tsv" ]; then
	scripts/tested-with.sh render "$logdir/tested-with.tsv" >"$top/build/tested-with.md"
fi
[ "$ready" -eq 0 ] || echo "$ready inputs ready (PREPARE_SCRIPTS; not counted as tests)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
