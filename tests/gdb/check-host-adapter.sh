#!/usr/bin/env bash
# The generic host-program adapter (hostprog/, _s2dump_host) with a host that is not gdb's:
# tests/gdb/check_host_adapter.py's host on drgn's Program (Debian's /usr/bin/python3) must print
# what the CLI prints on synthetic dumps (all VMs, -v, nesteds2 list; an error's message, kind and
# status), the helpers' entry points (vms, mmus, walk, translate, memslots, coverage) must give
# what the CLI's JSON says, bad hosts must give one clear error each, 2000 commands must not grow the resident set;
# and the same script under valgrind (a few rounds) must show no memory error in the adapter or
# the core.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cli=$build/s2dump
root=${VMC_ROOT:-$build/vmcores}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$build/python/_s2dump_host.abi3.so" ] || [ ! -x "$cli" ]; then
	echo "FAIL host-adapter/build: $build/python/_s2dump_host.abi3.so or $cli is not built"
	exit 0
fi
n=0
for key in linux-6.12/demo linux-7.2/nested linux-7.2/kaslr-va52 linux-7.3/nested linux-6.12/granule-16k \
	linux-6.12/memslots linux-6.1/memslots; do
	d=$root/$key
	if [ ! -f "$d/vmcore" ]; then
		echo "FAIL host-adapter/$key: no dump (make vmcores)"
		continue
	fi
	o=$tmp/$n && mkdir -p "$o" && n=$((n + 1))
	sed -n 's/.*kvm=\([^ ]*\).*/\1/p' "$d/expected/vms" | head -n 1 >"$o/kvm"
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" >"$o/all.out" 2>/dev/null
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" -v "$(cat "$o/kvm")" >"$o/verbose.out" 2>/dev/null
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" nesteds2 list >"$o/nested.out" 2>/dev/null
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" 0xffff000000001000 2>"$o/bogus.err" >/dev/null
	S2_CLI=$cli /usr/bin/python3 "$top/tests/gdb/check_host_adapter.py" "$build/python" "$d/vmcore" "$d/vmlinux" "$o" \
		"host-adapter/$key" >"$o/py.out" 2>&1
	grep -v ' passed, ' "$o/py.out"
	grep -q ' passed, ' "$o/py.out" ||
		echo "FAIL host-adapter/$key/script: check_host_adapter.py stopped: $(tail -n 1 "$o/py.out")"
	if [ "$key" = linux-7.2/nested ]; then
		S2_CLI=$cli S2_ROUNDS=20 S2_NO_RSS=1 PYTHONMALLOC=malloc valgrind -q --error-exitcode=99 --errors-for-leak-kinds=none \
			/usr/bin/python3 "$top/tests/gdb/check_host_adapter.py" "$build/python" "$d/vmcore" "$d/vmlinux" "$o" \
			"host-adapter/$key/valgrind" >"$tmp/vg.out" 2>&1
		rc=$?
		if [ $rc = 0 ] && ! grep -q '^FAIL' "$tmp/vg.out"; then
			echo "PASS host-adapter/$key/valgrind (no memory error, $(grep -c '^PASS' "$tmp/vg.out") checks)"
		else
			echo "FAIL host-adapter/$key/valgrind: status $rc: $(grep -m 3 -e '==[0-9]*==' -e '^FAIL' "$tmp/vg.out" | tr '\n' '|')"
		fi
	fi
done
