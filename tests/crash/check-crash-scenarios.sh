#!/usr/bin/env bash
# The crash extension in Debian's arm64 crash 8.0.2 (under qemu-aarch64-static) on every
# synthetic dump of `make vmcores` (tests/vmcores/README.md), in --minimal mode and, on the
# non-KASLR 4K dumps, in full mode (-s --no_kmem_cache --no_panic; tests/vmcores/check-crash.sh):
#  - one crash process per dump and mode, all commands from one file;
#  - s2dump, s2dump -x/-v/-t/-p/-j per VM, nesteds2 list [-j], check, dump [-x] and guest -v per
#    nested MMU:
#    each redirected to a file inside crash, which must equal the CLI's stdout byte for byte
#    (followed by the CLI's error line where the command fails: crash's error(INFO) lands in
#    the redirected file too);
#  - a bad address and every damage scenario: the same error line as the CLI, and crash alive
#    and answering the next command (echo, sym vm_list);
#  - help s2dump / help nesteds2 in crash's layout (NAME, SYNOPSIS, DESCRIPTION, EXAMPLES) and
#    the same page as `s2dump -h` / `nesteds2 -h`;
#  - extend -u + extend + a command, CYCLES (100) times (minimal mode, one dump per layout): the
#    guest's malloc heap (mallinfo2 from a tiny test extension, tests/crash/memstat.c) grows by
#    less than 256 bytes a cycle on average between cycle 20 and the end (a leaked session alone
#    is 2 KiB a cycle, 160 KiB over the window). Not zero: crash 8.0.2 and its gdb grow by
#    themselves across reloads, differently from run to run (measured on linux-7.3/contiguous,
#    cycles 20..160: flat in most runs, 0.8 to 8 KiB in others, never without reloads and the
#    same with its enumerator query to gdb stubbed out), and crash's
#    VmRSS grows by less than 6x the object's text a cycle (under qemu-user it is not flat: qemu
#    translates the reloaded object's code anew, about 4x its text; flat without reloads).
# Each vmcore.kdump (kdump-compressed copy) is run in --minimal mode too, against the CLI on it.
# The 16K dump is skipped: crash 8.0.2 refuses 16K pages (asserted by tests/vmcores/check-crash.sh).
#
# Another crash (tests/crash/check-crash-versions.sh runs trixie's 8.0.6 and sid's 9.0.2 so):
#   CRASH=wrapper CRASH_EXT=its s2dump.so CRASH_DEFS_H=its defs.h CRASH_NAME=crash-9.0.2
#   CRASH_16K=1            run the 16K dumps too (crash 9.x knows 16K pages)
#   CRASH_SCENARIOS="linux-6.12/demo ..."   only these dumps
#   CRASH_EXT_CC=gcc CRASH_SIZE=size CRASH_WHERE=natively   a crash of this host's machine
#                                           (tests/crash/check-crash-host.sh)
set -u
. "$(dirname "$0")/../synthetic/lib.sh"
scn_init "${CRASH_NAME:-crash}"
crash=${CRASH:-$S2_TOP/build/tools/bin/crash-arm64}
ext=${CRASH_EXT:-$S2_TOP/build/extensions/arm64/s2dump.so}
cli=$S2_BUILD/s2dump
cycles=${S2_CRASH_CYCLES:-100}
warm=20 # gdb and crash fill their caches during the first reloads (measured: steps of 1.7 KiB, then 160 B, then flat)
defs=${CRASH_DEFS_H:-$S2_TOP/build/tools/arm64/usr/include/crash/defs.h}
# heap growth allowed a cycle, on average between cycle $warm and the end (see the header):
# a leaked session is 2 KiB a cycle
heap_bound=${CRASH_HEAP_BOUND:-256}
gdb=GDB_10_2
grep -q GDB_16_3 "$defs" 2>/dev/null && gdb=GDB_16_3
for f in "$crash" "$ext" "$cli" "$defs"; do
	[ -e "$f" ] || { scn_fail "build" "$f missing (make all cross)"; exit 0; }
done
# qemu translates the code a reloaded object runs anew (measured: about 4x its text a cycle)
text=$(${CRASH_SIZE:-aarch64-linux-gnu-size} "$ext" 2>/dev/null | awk 'NR == 2 { print $1 }')
rss_bound=$(( ${text:-87381} * 6 / 1024 ))
memstat=$scn_tmp/memstat.so
${CRASH_EXT_CC:-aarch64-linux-gnu-gcc} -shared -fPIC -DARM64 -D$gdb -w -include "$defs" -o "$memstat" \
	"$S2_TOP/tests/crash/memstat.c" 2>"$scn_tmp/memstat.log" ||
	{ scn_fail "build memstat.so" "$(head -n 3 "$scn_tmp/memstat.log" | tr '\n' '|')"; memstat=; }

# cases: "file|command" lines; each is run by crash (redirected) and by the CLI
add() { echo "$1|$2" >>"$cases"; }

# the CLI's answer to one case: stdout, then its one error line if it failed
cli_run() { # args...
	"$cli" -c "$dump" -s "$dir/vmlinux" "$@" >"$scn_tmp/cli.out" 2>"$scn_tmp/cli.raw"
	# the CLI reader's own "warning: ... truncated: ..." is about the file, not the command's
	# output (crash reads the file itself and says so in its own words)
	grep -v -E '^(s2dump|nesteds2): warning: .* truncated: ' "$scn_tmp/cli.raw" >"$scn_tmp/cli.err"
	cat "$scn_tmp/cli.out" "$scn_tmp/cli.err"
}

declare -A leak_done=()
for dir in $(scn_dirs); do
	name=$(scn_name "$dir")
	layout=${name%%/*}
	page=$(scn_field "$dir/expected/symbols" page_size)
	if [ -n "${CRASH_SCENARIOS:-}" ] && [[ " $CRASH_SCENARIOS " != *" $name "* ]]; then
		continue
	fi
	[ "$page" = 16384 ] && [ "${CRASH_16K:-0}" != 1 ] && { echo "crash: $name skipped (crash 8.x refuses 16K pages)" >&2; continue; }
	kind=$(scn_damage "$dir")
	# QEMU's shifted ELF: crash misreads it unrepaired; tests/synthetic/check-field.sh runs the
	# unmodified readers, crash included, on `s2dump repair`'s output
	grep -qs '^defect=elf-shift' "$dir/expected/field" && { echo "crash: $name skipped (QEMU's shifted ELF)" >&2; continue; }
	modes=(minimal)
	[ "$(scn_field "$dir/expected/symbols" kernel_offset)" = 0x0 ] && [ "$page" = 4096 ] && modes+=(full)
	# the kdump-compressed copy (makedumpfile), where the generator made one: --minimal
	[ -f "$dir/vmcore.kdump" ] && modes+=(kdump)
	for mode in "${modes[@]}"; do
		dump=$dir/vmcore
		[ "$mode" = kdump ] && dump=$dir/vmcore.kdump
		o=$scn_tmp/$layout-$(basename "$dir")-$mode
		mkdir -p "$o"
		cases=$o/cases
		: >"$cases"
		tag="$mode $name"
		if [ -z "$kind" ]; then
			add all "s2dump"
			while read -r v; do
				pid=$(scn_lfield "$v" pid)
				kvm=$(scn_lfield "$v" kvm)
				id=$pid.$kvm # one process may run several VMs (multi-vm)
				add "x.$id" "s2dump -x $kvm"
				# by pid only where it names one VM (multi-vm: the CLI's check-cli.sh covers the refusal)
				[ "$(grep -c " pid=$pid " "$dir/expected/vms")" -eq 1 ] && add "xpid.$pid" "s2dump -x $pid"
				add "v.$id" "s2dump -v $kvm"
				add "p.$id" "s2dump -p $kvm"
				add "j.$id" "s2dump -j $kvm"
				n=0
				[ -f "$dir/expected/$pid/translate" ] && while read -r line; do
					n=$((n + 1))
					add "t.$id.$n" "s2dump -t ${line%% *} $kvm"
				done <"$dir/expected/$pid/translate"
				[ -f "$dir/expected/$pid/nested" ] && while read -r line; do
					i=$(scn_lfield "$line" index)
					add "ndx.$id.$i" "nesteds2 dump -x $(scn_lfield "$line" mmu)"
					add "nd.$id.$i" "nesteds2 dump $(scn_lfield "$line" mmu)"
					add "ng.$id.$i" "nesteds2 guest -v $(scn_lfield "$line" mmu)"
				done <"$dir/expected/$pid/nested"
			done <"$dir/expected/vms"
			add nlist "nesteds2 list"
			add nlistj "nesteds2 list -j"
			add ncheck "nesteds2 check"
			add bad "s2dump 0xffff000000001000"
		else
			pid=$(scn_lfield "$(head -n 1 "$dir/expected/vms")" pid)
			add "dmg-all" "s2dump"
			add "dmg-x" "s2dump -x $pid"
			add "dmg-nlist" "nesteds2 list"
		fi
		leak=0
		if [ "$mode" = minimal ] && [ -z "$kind" ] && [ -n "$memstat" ] && [ -z "${leak_done[$layout]:-}" ]; then
			leak=1
			leak_done[$layout]=1
		fi
		first_kvm=$(scn_lfield "$(head -n 1 "$dir/expected/vms")" kvm)
		{
			echo "extend $ext"
			n=0
			while IFS='|' read -r f c; do
				n=$((n + 1))
				echo "$c > $o/$f.crash"
				echo "echo alive-$n"
			done <"$cases"
			echo "sym vm_list"
			echo "help s2dump > $o/help-s2dump.crash"
			echo "s2dump -h > $o/h-s2dump.crash"
			echo "help nesteds2 > $o/help-nesteds2.crash"
			echo "nesteds2 -h > $o/h-nesteds2.crash"
			if [ $leak = 1 ]; then
				echo "extend $memstat"
				for i in $(seq 1 "$cycles"); do
					echo "extend -u $ext"
					echo "extend $ext"
					echo "s2dump -x $first_kvm > $o/reload.crash"
					if [ "$i" = "$warm" ] || [ "$i" = "$cycles" ]; then
						echo "memstat"
						echo "!grep -E 'VmRSS|VmData' /proc/\$PPID/status | tr -s '\\t\\n ' '  '; echo"
					fi
				done
			fi
			echo "echo end-of-commands"
			echo "exit"
		} >"$o/cmds"
		args=(--minimal -s)
		[ "$mode" = full ] && args=(-s --no_kmem_cache --no_panic)
		start=$(date +%s%N)
		timeout 600 "$crash" "${args[@]}" "$dir/vmlinux" "$dump" -i "$o/cmds" >"$o/session.log" 2>&1
		rc=$?
		ms=$((($(date +%s%N) - start) / 1000000))
		if [ $rc -eq 0 ] && grep -q '^end-of-commands$' "$o/session.log"; then
			scn_pass "$tag session: one crash process ran $(grep -c . "$o/cmds") commands and exited (${ms} ms)"
		else
			scn_fail "$tag session" "crash exited with status $rc before the end: $(tail -n 3 "$o/session.log" | tr '\n' '|')"
		fi
		n=0
		while IFS='|' read -r f c; do
			n=$((n + 1))
			read -r -a words <<<"$c"
			cli_run "${words[@]}" >"$o/$f.cli"
			if [ ! -e "$o/$f.crash" ]; then
				scn_fail "$tag '$c'" "crash wrote no output file"
			elif cmp -s "$o/$f.cli" "$o/$f.crash"; then
				if [ -s "$scn_tmp/cli.err" ]; then
					scn_pass "$tag '$c': same output and error line as the CLI ($(wc -l <"$o/$f.cli") lines)"
				else
					scn_pass "$tag '$c': identical to the CLI ($(wc -l <"$o/$f.cli") lines)"
				fi
			else
				scn_fail "$tag '$c'" "crash output differs from the CLI's"
				diff "$o/$f.cli" "$o/$f.crash" | head -n 6 | sed 's/^/  | /'
			fi
			if [ -s "$scn_tmp/cli.err" ]; then
				# crash must be alive after the failing command: the next one answered
				if grep -q "^alive-$n\$" "$o/session.log"; then
					scn_pass "$tag '$c' failed cleanly, crash answered the next command"
				else
					scn_fail "$tag '$c'" "no answer to the command after the failing one (alive-$n)"
				fi
			fi
		done <"$cases"
		if grep -q "^$(scn_field "$dir/expected/symbols" vm_list | sed 's/^0x//') (.) vm_list" "$o/session.log"; then
			scn_pass "$tag sym vm_list answered after every s2dump command"
		else
			scn_fail "$tag sym vm_list" "no answer to 'sym vm_list' at the end"
		fi
		for c in s2dump nesteds2; do
			h=$o/help-$c.crash
			if [ "$(sed -n '1p;$p' "$h" | tr -d '\n')" = "" ] && [ "$(grep -c . "$h")" -gt 5 ] &&
			   diff -q <(sed '1d;$d' "$h") "$o/h-$c.crash" >/dev/null; then
				scn_pass "$tag help $c = $c -h (crash's page framing, $(wc -l <"$h") lines)"
			else
				scn_fail "$tag help $c" "crash's help page is not '$c -h' framed by blank lines: $(diff <(sed '1d;$d' "$h") "$o/h-$c.crash" | head -n 3 | tr '\n' '|')"
			fi
			# crash's layout: NAME, SYNOPSIS, DESCRIPTION, EXAMPLES, in order, the first two indented
			if [ "$(grep -E '^(NAME|SYNOPSIS|DESCRIPTION|EXAMPLES)$' "$h" | tr '\n' ' ')" = "NAME SYNOPSIS DESCRIPTION EXAMPLES " ] &&
			   sed -n '/^NAME$/{n;p}' "$h" | grep -q -E "^  $c - [^ ]" &&
			   grep -A1 '^SYNOPSIS$' "$h" | tail -n 1 | grep -q "^  $c " &&
			   ! sed -n '/^DESCRIPTION$/,/^EXAMPLES$/p' "$h" | grep -v -E '^(DESCRIPTION|EXAMPLES)?$' | grep -q -v '^  '; then
				scn_pass "$tag help $c layout: NAME, SYNOPSIS, DESCRIPTION (indented), EXAMPLES"
			else
				scn_fail "$tag help $c layout" "sections: $(grep -E '^[A-Z]+$' "$h" | tr '\n' ' ')"
			fi
		done
		if [ $leak = 1 ]; then
			mapfile -t ms < <(grep '^memstat inuse' "$o/session.log")
			mapfile -t vm < <(grep -E '^VmRSS' "$o/session.log")
			if [ ${#ms[@]} -eq 2 ] && [ "$(grep -c 'shared object loaded' "$o/session.log")" -eq $((cycles + 2)) ]; then
				read -r _ _ in1 _ ar1 _ mm1 <<<"${ms[0]}"
				read -r _ _ in2 _ ar2 _ mm2 <<<"${ms[1]}"
				echo "crash: $name extend -u/extend x$cycles: malloc in use $in1 -> $in2, arena $ar1 -> $ar2, mmap $mm1 -> $mm2; ${vm[0]:-} -> ${vm[1]:-}" >&2
				# A leaked session is about 2 KiB per cycle (measured by disabling its destroy);
				# crash and gdb add up to some 60 bytes a cycle in some runs (see the header).
				if [ $(((in2 - in1) / (cycles - warm))) -lt "$heap_bound" ] && [ "$mm2" -le "$mm1" ]; then
					scn_pass "$tag extend -u/extend/s2dump cycles $warm..$cycles: heap growth $((in2 - in1)) bytes (< $heap_bound a cycle; in use $in1 -> $in2; ${vm[0]:-} -> ${vm[1]:-})"
				else
					scn_fail "$tag extend -u/extend x$cycles" "guest heap grew: in use $in1 -> $in2, mmap $mm1 -> $mm2 bytes"
				fi
			else
				scn_fail "$tag extend -u/extend x$cycles" "expected $((cycles + 2)) loads and 2 memstat lines, came $(grep -c 'shared object loaded' "$o/session.log") and ${#ms[@]}"
			fi
			# qemu-user's RSS: bounded, not flat (see the header); a leaked mapping of the dump or
			# of the session's buffers would show as megabytes a cycle
			r1=$(sed -n 's/^VmRSS: *\([0-9]*\) kB.*/\1/p' <<<"${vm[0]:-}")
			r2=$(sed -n 's/^VmRSS: *\([0-9]*\) kB.*/\1/p' <<<"${vm[1]:-}")
			if [ -n "$r1" ] && [ -n "$r2" ] && [ $(((r2 - r1) / (cycles - warm))) -lt "$rss_bound" ]; then
				scn_pass "$tag crash VmRSS ${CRASH_WHERE:-under qemu-user}: $(((r2 - r1) / (cycles - warm))) KiB per reload cycle (< $rss_bound: 6x the object's text, qemu's code cache)"
			else
				scn_fail "$tag crash VmRSS" "expected < $rss_bound KiB growth per reload cycle, came ${vm[0]:-?} -> ${vm[1]:-?}"
			fi
			if cmp -s "$o/reload.crash" "$o/x.$(scn_lfield "$(head -n 1 "$dir/expected/vms")" pid).$first_kvm.crash"; then
				scn_pass "$tag after $cycles reloads: s2dump -x output unchanged"
			else
				scn_fail "$tag reload" "s2dump -x after reloading differs"
			fi
		fi
	done
done
# the default crash (Debian 12's): recorded for the README's "tested with" table when all passed
if [ -z "${CRASH:-}" ] && [ "$scn_failed" = 0 ] && [ "$scn_passed" -gt 0 ]; then
	. "$S2_TOP/scripts/tested-with.sh"
	tested_with crash "$(cat "$S2_TOP/build/tools/arm64/VERSION")" \
		"arm64 under qemu-user; synthetic dumps: --minimal, full, kdump-compressed; 4K, 64K pages (8.x refuses 16K)"
fi
scn_summary
