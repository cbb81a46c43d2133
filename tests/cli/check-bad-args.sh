#!/usr/bin/env bash
# Bad command lines on a good dump: each gives exactly one error line on stderr
# naming the offending word, a non-zero status, nothing on stdout, and no leak
# or memory error under valgrind (the error paths are where leaks hide).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
vmc=${VMC_ROOT:-$top/build/vmcores}
cli=$build/s2dump
d=$vmc/linux-7.2/nested
[ -f "$d/vmcore" ] || make -C "$top" --no-print-directory vmcores >/dev/null 2>&1
[ -x "$cli" ] && [ -f "$d/vmcore" ] || { echo "FAIL bad-args/setup: $cli or $d/vmcore missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# word the error must name | arguments
cases=(
	'foo|s2dump -t 0x40000000 foo'
	'0xzz|s2dump 0xzz'
	'-q|s2dump -q'
	'-t|s2dump -t'
	'12zz|s2dump -t 12zz'
	'frob|nesteds2 frob'
	'bar|nesteds2 dump bar'
	'baz|nesteds2 guest baz'
	'0xq|nesteds2 check 0xq'
	'nope|nesteds2 list nope'
	# the number grammar (core/parse.h): no negatives, decimal words are pids, hex addresses
	'-5|s2dump -t -5'
	'99999999|s2dump 99999999'
	'-3|s2dump -- -3'
	'12345678901234567|s2dump -t 12345678901234567'
	# option mixes: refused, never dropped (issue 16)
	'-x|s2dump -x -v 9001'
	'-x|s2dump -x -t 0x40000000 9001'
	'-x|s2dump -x -j 9001'
	'-v and -p|s2dump -v -p'
	'-v and -t|s2dump -v -t 0x1000'
	'-p and -t|s2dump -p -t 0x1000'
	'--frob|s2dump --frob'
)
for c in "${cases[@]}"; do
	want=${c%%|*} args=${c#*|}
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
		"$cli" -c "$d/vmcore" -s "$d/vmlinux" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	grep -v '^==[0-9]*==' "$tmp/err" >"$tmp/msg"
	if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
		echo "FAIL bad-args/$args: valgrind: $(grep '^==[0-9]*==' "$tmp/err" | head -3 | tr '\n' ' ')"
	elif [ $rc -eq 0 ] || [ -s "$tmp/out" ] || [ "$(wc -l <"$tmp/msg")" -ne 1 ] || ! grep -qF -- "$want" "$tmp/msg"; then
		echo "FAIL bad-args/$args: status $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(tr '\n' '|' <"$tmp/msg")"
	else
		echo "PASS bad-args/$args: status $rc: $(cat "$tmp/msg")"
	fi
done
# -c / -s without a file: a usage error (status 3), never the live kernel; no doubled prefix anywhere
for opt in -c -s; do
	"$cli" $opt >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 3 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$opt needs a file" "$tmp/err"; then
		echo "PASS bad-args/$opt without a file: status 3: $(cat "$tmp/err")"
	else
		echo "FAIL bad-args/$opt without a file: status $rc: $(tr '\n' '|' <"$tmp/err")"
	fi
done
"$cli" -c "$d/vmcore" -s "$d/vmlinux" -q >/dev/null 2>"$tmp/err"
if grep -q '^s2dump: s2dump:' "$tmp/err" || ! grep -q '^s2dump: unknown option -q' "$tmp/err"; then
	echo "FAIL bad-args/prefix: $(cat "$tmp/err")"
else
	echo "PASS bad-args/prefix once: $(cat "$tmp/err")"
fi
# --json is -j
"$cli" -c "$d/vmcore" -s "$d/vmlinux" --json 9001 >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q '"schema"' "$tmp/out"; then
	echo "PASS bad-args/--json is -j"
else
	echo "FAIL bad-args/--json: $(head -c 200 "$tmp/err")"
fi
# a vmlinux of another build: one line naming both build-ids, the dump's release and its debug package
other=$vmc/linux-6.12/demo/vmlinux
if [ -f "$other" ]; then
	rel=$(strings -n 4 "$d/vmcore" | sed -n 's/^OSRELEASE=//p' | head -n 1)
	"$cli" -c "$d/vmcore" -s "$other" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q "does not match .*release $rel: its vmlinux is in linux-image-$rel-dbg" "$tmp/err"; then
		echo "PASS bad-args/wrong vmlinux: status $rc: $(cat "$tmp/err")"
	else
		echo "FAIL bad-args/wrong vmlinux: status $rc: $(tr '\n' '|' <"$tmp/err")"
	fi
fi
# an MMU address where a VM is expected (it is printed in the header and by nesteds2 list): one line
# saying whose MMU it is and what to type instead (addresses from the generator's expected files)
kvm=$(head -n 1 "$d/expected/vms" | tr ' ' '\n' | sed -n 's/^kvm=//p')
mmu=$(head -n 1 "$d/expected/vms" | tr ' ' '\n' | sed -n 's/^mmu=//p')
shadow=$(head -n 1 "$d/expected/9001/nested" | tr ' ' '\n' | sed -n 's/^mmu=//p')
for c in "canonical|s2dump -x $mmu|is the stage-2 MMU (struct kvm_s2_mmu) of kvm $kvm, not a struct kvm: name the VM (s2dump \[-x\] $kvm)" \
	 "shadow|s2dump -x $shadow|is shadow MMU \[0\] of kvm $kvm, not a struct kvm: use nesteds2 dump \[-x\] $shadow" \
	 "shadow-default|s2dump $shadow|is shadow MMU \[0\] of kvm $kvm"; do
	IFS='|' read -r what args want <<<"$c"
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err"; then
		echo "PASS bad-args/$what MMU as a VM: $(cat "$tmp/err")"
	else
		echo "FAIL bad-args/$what MMU as a VM: status $rc: $(tr '\n' '|' <"$tmp/err")"
	fi
done
