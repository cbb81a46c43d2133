#!/usr/bin/env bash
# The gdb front end on QEMU's gdbstub of a real arm64 host with live KVM guests (nested
# included): tests/vmcores/real/run.sh --gdb booted Debian's 7.3.4 kernel (KASLR on) with the
# gdbstub, stopped the machine with the guests running, dumped it while stopped, and ran
# each command form in gdb-multiarch attached to the stub (s2dump-gdb.py: kernel-virtual
# reads through gdb, physical reads in QEMU's physical-memory mode, the KASLR offset found
# from the running kernel) into <run>/gdb/. Here, for each command:
#  - gdb printed exactly what the CLI prints on the dump of the same stop, and raised the
#    CLI's error line as one gdb error where the CLI fails (a bogus struct kvm);
#  - gdb-multiarch on the dump file itself (vmlinux + vmcore) prints the same;
#  - then gdb relocated the symbols by the offset found (symbol-file -o), stopped the machine at
#    a hardware breakpoint (schedule) and ran the same forms there: the same as the CLI on the
#    dump run.sh took at that stop (vmcore-bp), the session finding the offset 0 by itself;
#  - the forms cover every VM (-x, -v) and every valid nested MMU (dump -x, dump -v, guest -v);
#  - the KASLR offset gdb's session found is the dump's VMCOREINFO KERNELOFFSET.
# The CLI's output on that dump is proven against the live truth by
# tests/vmcores/real/check.sh (the run is in runs.sh), so gdb's is too.
# And run.sh --live-drgn-gdb (the 7.3.4 live run): `gdb vmlinux /proc/kcore` inside the guest with
# Debian's arm64 gdb 13.1 ran s2dump, s2dump -v and nesteds2 list in one session right after the
# arm64 CLI there (live): byte-identical to the CLI's, and the KASLR offset it found from
# /proc/kcore's VMCOREINFO is the later QEMU dump's KERNELOFFSET.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
cli=$build/s2dump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/tests/vmcores/real/runs.sh"
. "$top/scripts/tested-with.sh"

# check-gdb-real.sh [RUN_DIR...]: those runs (default: runs.sh's gdb runs)
runs() {
	if [ $# -gt 0 ]; then
		for r in "$@"; do echo "$(basename "$(dirname "$r")") $(basename "$r") $r"; done
	else
		real_runs gdb | while read -r rel run _; do echo "$rel $run $cache/dumps/$rel/$run"; done
	fi
}
found=0
while read -r rel run d; do
	name=gdb-real/$rel/$run
	found=1
	if [ -d "$d/truth/live" ]; then
		# run.sh --live-drgn-gdb: `gdb vmlinux /proc/kcore` in the guest (Debian's arm64 gdb)
		# right after the arm64 CLI there on the same live kernel: the same output byte for byte
		fails=0
		if ! grep -q '^gdb-live True 0x' "$d/truth/live/gdb.log" 2>/dev/null; then
			echo "FAIL $name/live-gdb-program: gdb in the guest did not open the live kernel: $(tail -n 3 "$d/truth/live/gdb.log" 2>/dev/null | tr '\n' '|')"
			continue
		fi
		want=$(grep -a -o -m 1 'KERNELOFFSET=[0-9a-f]*' "$d/vmcore" | head -n 1 | cut -d= -f2)
		got=$(sed -n 's/^gdb-live True 0x//p' "$d/truth/live/gdb.log")
		if [ -n "$want" ] && [ "$((16#$want))" = "$((16#$got))" ]; then
			echo "PASS $name/live-gdb-program (gdb on /proc/kcore, live, KASLR offset 0x$got from kcore's VMCOREINFO as the dump's)"
		else
			echo "FAIL $name/live-gdb-program: gdb's offset 0x$got, the dump's KERNELOFFSET ${want:-none}"
			fails=1
		fi
		for v in default verbose nested; do
			cli_rc=$(cat "$d/truth/live/$v.rc" 2>/dev/null)
			if [ ! -f "$d/truth/live/gdb-$v.out" ]; then
				echo "FAIL $name/live-gdb-$v: gdb in the guest did not run it: $(tail -n 2 "$d/truth/live/gdb.log" | tr '\n' '|')"
			elif [ "$cli_rc" != 0 ] || [ -s "$d/truth/live/gdb-$v.err" ]; then
				echo "FAIL $name/live-gdb-$v: CLI status ${cli_rc:-none} [$(head -n 1 "$d/truth/live/$v.err")], gdb error [$(cat "$d/truth/live/gdb-$v.err")]"
			elif ! cmp -s "$d/truth/live/$v.txt" "$d/truth/live/gdb-$v.out"; then
				echo "FAIL $name/live-gdb-$v: gdb on /proc/kcore differs from the CLI live: $(diff "$d/truth/live/$v.txt" "$d/truth/live/gdb-$v.out" | head -4 | tr '\n' '|')"
			else
				echo "PASS $name/live-gdb-$v (gdb on /proc/kcore in the guest: $(wc -l <"$d/truth/live/$v.txt") lines as the CLI live)"
				continue
			fi
			fails=1
		done
		echo "gdb-real: $name: $(cat "$d/truth/live/gdb-seconds.txt" 2>/dev/null) in the guest" >&2
		if [ $fails = 0 ]; then
			tested_with gdb "13.1 (arm64)" "real: gdb vmlinux /proc/kcore in the guest, byte-identical to the CLI live"
			tested_with Linux "${rel%%+*}" "real dump $run$(flavour "$rel"): gdb 13.1 (arm64)"
		fi
		continue
	fi
	if [ ! -s "$d/vmcore" ] || [ ! -s "$d/gdb/cmds" ]; then
		echo "FAIL $name: no dump or no gdb run in $d (tests/vmcores/real/make-dumps.sh makes it)"
		continue
	fi
	fails=0
	# the same commands in gdb on the dump file itself (gdb-multiarch vmlinux vmcore)
	mkdir -p "$tmp/file"
	S2_GDB_CMDS=$d/gdb/cmds S2_GDB_OUT=$tmp/file timeout 600 gdb-multiarch -nx -batch -ex "file $d/vmlinux" \
		-ex "core-file $d/vmcore" -ex "source $build/share/s2dump/s2dump-gdb.py" \
		-ex "source $top/tests/gdb/run_commands.py" >"$tmp/file.log" 2>&1
	while IFS=$'\t' read -r n cmd; do
		# shellcheck disable=SC2086
		"$cli" -c "$d/vmcore" -s "$d/vmlinux" $cmd >"$tmp/cli.out" 2>"$tmp/cli.err"
		rc=$?
		if [ ! -f "$d/gdb/$n.err" ]; then
			echo "FAIL $name/$cmd: gdb did not run it: $(tail -n 2 "$d/gdb/gdb.log" | tr '\n' '|')"
		elif ! cmp -s "$tmp/cli.out" "$d/gdb/$n.out"; then
			echo "FAIL $name/$cmd: gdb on the gdbstub differs from the CLI on the dump: $(diff "$tmp/cli.out" "$d/gdb/$n.out" | head -4 | tr '\n' '|')"
		elif ! cmp -s "$tmp/cli.err" "$d/gdb/$n.err"; then
			echo "FAIL $name/$cmd: CLI status $rc [$(tr '\n' '|' <"$tmp/cli.err")], gdb error [$(tr '\n' '|' <"$d/gdb/$n.err")]"
		elif ! cmp -s "$tmp/cli.out" "$tmp/file/$n.out" || ! cmp -s "$tmp/cli.err" "$tmp/file/$n.err"; then
			echo "FAIL $name/$cmd: gdb on the dump file differs from the CLI: $(diff "$tmp/cli.out" "$tmp/file/$n.out" | head -3 | tr '\n' '|') [$(cat "$tmp/file/$n.err" 2>/dev/null)]"
		elif [ -s "$tmp/cli.err" ]; then
			echo "PASS $name/$cmd (status $rc: the CLI's line as one gdb error, on the stub and on the dump file)"
			continue
		else
			echo "PASS $name/$cmd (status $rc, $(wc -l <"$tmp/cli.out") lines identical on the stub and on the dump file)"
			continue
		fi
		fails=1
	done <"$d/gdb/cmds"
	# at the breakpoint (symbols relocated with symbol-file -o, hbreak schedule, continue): the
	# same forms against the CLI on the dump taken at that stop
	if [ ! -s "$d/vmcore-bp" ] || ! grep -q '^s2dump-gdb: at the breakpoint, offset 0x0$' "$d/gdb/gdb.log"; then
		echo "FAIL $name/breakpoint: no stop at the breakpoint, or no dump of it: $(grep -m 2 -e 'hit Breakpoint' -e 'at the breakpoint' "$d/gdb/gdb.log" | tr '\n' '|')"
		fails=1
	else
		bad=0
		while IFS=$'\t' read -r n cmd; do
			# shellcheck disable=SC2086
			"$cli" -c "$d/vmcore-bp" -s "$d/vmlinux" $cmd >"$tmp/cli.out" 2>"$tmp/cli.err"
			if ! cmp -s "$tmp/cli.out" "$d/gdb/bp/$n.out" || ! cmp -s "$tmp/cli.err" "$d/gdb/bp/$n.err"; then
				echo "FAIL $name/breakpoint/$cmd: gdb at the breakpoint differs from the CLI on its dump: $(diff "$tmp/cli.out" "$d/gdb/bp/$n.out" 2>&1 | head -3 | tr '\n' '|') [$(cat "$d/gdb/bp/$n.err" 2>/dev/null)]"
				bad=1
			fi
		done <"$d/gdb/cmds"
		if [ $bad = 0 ]; then
			echo "PASS $name/breakpoint (stopped in $(grep -m 1 'hit Breakpoint' "$d/gdb/gdb.log" | sed 's/.*, //'), symbols relocated by symbol-file -o: the $(wc -l <"$d/gdb/cmds") forms as the CLI on the dump of that stop)"
		else
			fails=1
		fi
	fi
	# every VM and every valid nested MMU was asked about
	vms=$(grep -c '^kvm 0x.* vcpus ' "$d/gdb/vms.txt")
	nested=$(awk '$1 == "[" && $5 == "valid"' "$d/gdb/nested.txt" | wc -l)
	asked_vms=$(grep -c $'\ts2dump -x ' "$d/gdb/cmds")
	asked_nested=$(grep -c $'\tnesteds2 guest -v ' "$d/gdb/cmds")
	if [ "$vms" -ge 2 ] && [ "$nested" -ge 1 ] && [ "$asked_vms" = "$vms" ] && [ "$asked_nested" = "$nested" ]; then
		echo "PASS $name/coverage ($vms VMs, $nested valid nested MMUs, each asked in gdb)"
	else
		echo "FAIL $name/coverage: $vms VMs ($asked_vms asked), $nested valid nested MMUs ($asked_nested asked)"
		fails=1
	fi
	want=$(grep -a -o -m 1 'KERNELOFFSET=[0-9a-f]*' "$d/vmcore" | head -n 1 | cut -d= -f2)
	got=$(sed -n 's/^s2dump-gdb: KASLR offset 0x//p' "$d/gdb/gdb.log")
	if [ -n "$want" ] && [ "$want" != 0 ] && [ "$((16#$want))" = "$((16#${got:-x0}))" ] 2>/dev/null; then
		echo "PASS $name/kaslr (gdb found the running kernel's offset 0x$got, the dump's KERNELOFFSET)"
	else
		echo "FAIL $name/kaslr: gdb's offset [${got:-none}], the dump's KERNELOFFSET [${want:-none}]"
		fails=1
	fi
	secs=$(sed -n 's/^gdb_seconds //p' "$d/run.txt")
	echo "gdb-real: $name: gdb ran $(wc -l <"$d/gdb/cmds") commands on the gdbstub in ${secs:-?} s" >&2
	if [ $fails = 0 ]; then
		v=$(gdb-multiarch --version | head -n 1 | sed 's/.* //')
		tested_with gdb "$v" "real: QEMU gdbstub of the stopped machine, byte-identical to the CLI on its dump"
		tested_with Linux "${rel%%+*}" "real dump $run$(flavour "$rel"): gdb $v"
	fi
done < <(runs "$@")
[ $found = 1 ] || echo "FAIL gdb-real: runs.sh lists no gdb run"
