#!/usr/bin/env bash
# The gdb front end on every generated synthetic ELF vmcore (build/vmcores/<L>/<scenario>/ and the
# drgn tests' build/drgn-vmcores/, `make vmcores`): gdb-multiarch opens vmlinux + vmcore, sources
# build/share/s2dump/s2dump-gdb.py (laid out as installed) and runs every command form the drgn
# test runs (all VMs, -x / -v / pid / -p / -j per VM, -t per expected/<pid>/translate IPA, nesteds2
# list and check, nesteds2 dump (address, -x by debugfs name) and guest -v per nested MMU, -t per
# nested-translate line, and the error forms). Each must print exactly what the CLI prints on the
# same dump, and where the CLI stops on an error, gdb must raise one gdb error whose text is the
# CLI's stderr line, the output before it identical, and the session must go on (all commands of
# a dump run in one gdb). Dumps QEMU wrote with shifted RAM (expected/field) are read through
# `s2dump repair`'s copy where it is an ELF file (gdb reads files as they are; docs/gdb.md);
# kdump-compressed files gdb cannot open (vmcore.kdump) are not tested. Also: `help s2dump` in gdb
# prints the core's help (s2_command_help) and a command with no target is one gdb error.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cli=$build/s2dump
# S2_GDB, S2_GDB_SCRIPT, S2_GDB_TAG, S2_GDB_SUBSET: another gdb and script (check-gdb-arm64.sh:
# Debian's arm64 gdb under qemu-user with the arm64 adapter), the name its checks carry, and the
# dumps (L/scenario, space-separated) it runs on
script=${S2_GDB_SCRIPT:-$build/share/s2dump/s2dump-gdb.py}
gdb=${S2_GDB:-gdb-multiarch}
tag=${S2_GDB_TAG:-gdb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"

if [ ! -x "$cli" ] || [ ! -f "$script" ] || [ ! -f "$(dirname "$script")/_s2dump_host.abi3.so" ]; then
	echo "FAIL gdb-synthetic/build: $cli or $script and its adapter are not built"
	exit 0
fi
if ! command -v "$gdb" >/dev/null; then
	echo "FAIL gdb-synthetic/gdb: no $gdb (apt-get install gdb-multiarch)"
	exit 0
fi
if [ -z "${VMC_ROOT:-}" ] && ! make -s --no-print-directory vmcores >"$tmp/vmcores.log" 2>&1; then
	echo "FAIL gdb-synthetic/make-vmcores: make vmcores failed: $(tail -1 "$tmp/vmcores.log")"
	exit 0
fi
root=${VMC_ROOT:-$build/vmcores}
extra=$build/drgn-vmcores # made by tests/drgn/check-synthetic.sh; tested when there
gdbver=$("$gdb" --version | head -n 1 | sed 's/.* //')

fail() { # the line of a failed check; the run is not recorded as passed
	: >"$tmp/failed"
	echo "FAIL $*"
}

field() { # file key: the values of key= in a records file, one per line
	[ -f "$1" ] && tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"
}

add() { # name args...: a command for gdb, the CLI's answer recorded now
	local name=$1
	shift
	local n=${#names[@]}
	names+=("$name")
	"$cli" -c "$orig" -s "$d/vmlinux" "$@" >"$tmp/c/$n.out" 2>"$tmp/c/$n.raw"
	echo $? >"$tmp/c/$n.rc"
	# the CLI reader's own lines (a repair notice, a truncation warning) are not the command's
	grep -v -E '^(s2dump|nesteds2): (warning: .* truncated: |.*repaired QEMU ELF notes)' "$tmp/c/$n.raw" >"$tmp/c/$n.err"
	local cmd=$1
	[ "$cmd" = s2dump ] || [ "$cmd" = nesteds2 ] || cmd="s2dump $1"
	shift
	printf '%s\t%s\n' "$n" "$cmd $*" >>"$tmp/cmds"
}

compare() { # every command of the dump: gdb against the CLI
	local n name rc
	for ((n = 0; n < ${#names[@]}; n++)); do
		name=${names[n]}
		rc=$(cat "$tmp/c/$n.rc")
		if [ ! -f "$tmp/g/$n.err" ]; then
			fail "$name: gdb did not run the command (gdb stopped before it: $(tail -n 2 "$tmp/gdb.err" | tr '\n' '|'))"
			continue
		fi
		if ! cmp -s "$tmp/c/$n.out" "$tmp/g/$n.out"; then
			fail "$name: gdb output differs from the CLI's: $(diff "$tmp/c/$n.out" "$tmp/g/$n.out" | head -4 | tr '\n' '|')"
			continue
		fi
		if [ -s "$tmp/c/$n.err" ]; then
			# an error (status 2, 3), or findings (status 1) the CLI reports in one line too
			if [ "$(wc -l <"$tmp/c/$n.err")" -ne 1 ] || ! cmp -s "$tmp/c/$n.err" "$tmp/g/$n.err"; then
				fail "$name: CLI status $rc [$(tr '\n' '|' <"$tmp/c/$n.err")], gdb error [$(tr '\n' '|' <"$tmp/g/$n.err")]"
				continue
			fi
			echo "PASS $name (status $rc: the CLI's line as one gdb error, $(wc -l <"$tmp/c/$n.out") lines before it identical)"
		elif [ -s "$tmp/g/$n.err" ]; then
			fail "$name: CLI status $rc and no error, gdb raised [$(cat "$tmp/g/$n.err")]"
		else
			echo "PASS $name (status $rc, $(wc -l <"$tmp/c/$n.out") lines identical)"
		fi
	done
}

found=0 t0=$SECONDS
for d in "$root"/linux-*/*/ "$extra"/linux-*/*/; do
	d=${d%/}
	[ -f "$d/vmcore" ] || continue
	found=1
	key=$(basename "$(dirname "$d")")/$(basename "$d")
	[ -z "${S2_GDB_SUBSET:-}" ] || [[ " $S2_GDB_SUBSET " == *" $key "* ]] || continue
	name=$tag/$key
	exp=$d/expected
	orig=$d/vmcore core=$d/vmcore
	if [ -f "$exp/field" ]; then
		# the CLI reads the file as it came; gdb its repaired copy, where that is an ELF file
		rm -f "$tmp/repaired"
		if ! "$cli" repair "$d/vmcore" "$tmp/repaired" >/dev/null 2>&1 ||
			[ "$(head -c 4 "$tmp/repaired" | od -An -c | tr -d ' ')" != '177ELF' ]; then
			continue
		fi
		core=$tmp/repaired
	fi
	[ "$(head -c 4 "$core" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	names=()
	rm -rf "$tmp/c" "$tmp/g" "$tmp/cmds" && mkdir -p "$tmp/c" "$tmp/g"
	case $(basename "$d") in bench*)
		kvm=$(field "$exp/vms" kvm | head -1)
		add "$name/all-vms" s2dump
		add "$name/exact" s2dump -x "$kvm"
		;;
	*)
		add "$name/all-vms" s2dump
		add "$name/nested-list" nesteds2 list
		for kvm in $(field "$exp/vms" kvm); do
			pid=$(grep "kvm=$kvm " "$exp/vms" | tr ' ' '\n' | sed -n 's/^pid=//p')
			add "$name/$pid/exact" s2dump -x "$kvm"
			add "$name/$pid/verbose" s2dump -v "$kvm"
			add "$name/$pid/by-pid" s2dump "$pid"
			if [ -f "$exp/$pid/translate" ]; then
				while read -r ipa _; do
					add "$name/$pid/translate-$ipa" s2dump -t "$ipa" "$kvm"
				done <"$exp/$pid/translate"
			fi
			add "$name/$pid/nested-list" nesteds2 list "$pid"
			add "$name/$pid/prefault" s2dump -p "$pid"
			add "$name/$pid/json" s2dump -j "$kvm"
			add "$name/$pid/nested-check" nesteds2 check "$pid"
			if [ -f "$exp/$pid/nested-translate" ]; then
				while read -r line; do
					i=$(echo "$line" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					l2=$(echo "$line" | tr ' ' '\n' | sed -n 's/^l2=//p')
					mmu=$(grep "^index=$i " "$exp/$pid/nested" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					[ -n "$mmu" ] && add "$name/$pid/nested-$i-translate-$l2" s2dump -t "$l2" "$mmu"
				done <"$exp/$pid/nested-translate"
			fi
			if [ -f "$exp/$pid/nested" ]; then
				while read -r line; do
					i=$(echo "$line" | tr ' ' '\n' | sed -n 's/^index=//p')
					mmu=$(echo "$line" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					nm=$(echo "$line" | tr ' ' '\n' | sed -n 's/^name=//p')
					add "$name/$pid/nested-$i-dump" nesteds2 dump "$mmu"
					add "$name/$pid/nested-$i-exact" nesteds2 dump -x "$nm"
					add "$name/$pid/nested-$i-guest" nesteds2 guest -v "$mmu"
				done <"$exp/$pid/nested"
			fi
		done
		add "$name/err-bogus-kvm" s2dump 0xffff000000001000
		add "$name/err-no-pid" s2dump 4242
		add "$name/err-bad-number" s2dump 0xzz
		add "$name/err-bad-option" s2dump -q
		add "$name/err-no-mmu" nesteds2 dump 0xffff000000001000
		;;
	esac
	S2_GDB_CMDS=$tmp/cmds S2_GDB_OUT=$tmp/g timeout 600 "$gdb" -nx -batch -ex "file $d/vmlinux" \
		-ex "core-file $core" -ex "source $script" -ex "source $top/tests/gdb/run_commands.py" \
		>"$tmp/gdb.out" 2>"$tmp/gdb.err"
	compare
done
[ "$found" = 1 ] || fail "gdb-synthetic: no scenario in $root"
echo "gdb-synthetic: every dump took $((SECONDS - t0)) s" >&2
d=$root/linux-6.12/demo # the dump of the checks below

# help s2dump / help nesteds2: the core's help (s2_command_help), the page the CLI prints after
# its own usage block: its summary is gdb's first line, every other line is in gdb's help
"$gdb" -nx -batch -ex "source $script" -ex "help s2dump" -ex "echo @@@\n" -ex "help nesteds2" \
	>"$tmp/help.out" 2>"$tmp/help.err"
for cmd in s2dump nesteds2; do
	"$cli" "$cmd" -h 2>&1 | sed '1,/^$/d' >"$tmp/cli-help.out"
	if [ $cmd = s2dump ]; then sed '/^@@@$/,$d' "$tmp/help.out"; else sed '1,/^@@@$/d' "$tmp/help.out"; fi >"$tmp/gdb-help.out"
	summary=$(head -n 1 "$tmp/cli-help.out" | sed "s/^$cmd - //")
	missing=$(sed 1d "$tmp/cli-help.out" | sed 's/^ *//' | grep -v '^$' |
		while IFS= read -r l; do grep -qF -- "$l" "$tmp/gdb-help.out" || echo "$l"; done | head -n 3)
	if [ -s "$tmp/help.err" ] || [ -n "$missing" ] || [ "$(head -n 1 "$tmp/gdb-help.out")" != "$summary" ]; then
		fail "$tag/help-$cmd: first line [$(head -n 1 "$tmp/gdb-help.out")] want [$summary]; missing [$missing] $(head -c 200 "$tmp/help.err")"
	else
		echo "PASS $tag/help-$cmd (gdb's \`help $cmd\` is the core's help page the CLI prints: $(wc -l <"$tmp/cli-help.out") lines)"
	fi
done

# no target: one gdb error naming what to open, and gdb goes on to the next command
"$gdb" -nx -batch -ex "source $script" -ex "s2dump" -ex "echo alive\n" >"$tmp/none.out" 2>"$tmp/none.err"
if [ "$(wc -l <"$tmp/none.err")" = 1 ] && grep -q '^s2dump: no kernel to read' "$tmp/none.err" &&
	grep -qx alive "$tmp/none.out"; then
	echo "PASS $tag/no-target (one gdb error line, the session goes on)"
else
	fail "$tag/no-target: [$(tr '\n' '|' <"$tmp/none.err")] [$(tr '\n' '|' <"$tmp/none.out")]"
fi
# two failing commands on a dump: one gdb error each, and gdb goes on
[ -f "$d/vmcore" ] || fail "$tag/errors-go-on: no dump $d/vmcore"
"$gdb" -nx -batch -ex "file $d/vmlinux" -ex "core-file $d/vmcore" -ex "source $script" \
	-ex "s2dump -x 0xzz" -ex "s2dump 4242" -ex "echo alive\n" >"$tmp/two.out" 2>"$tmp/two.err"
if [ ! -f "$d/vmcore" ]; then
	:
elif [ "$(grep -c '^s2dump: ' "$tmp/two.err")" = 2 ] && grep -qx alive "$tmp/two.out"; then
	echo "PASS $tag/errors-go-on (two failing commands in a batch: two one-line gdb errors, the session goes on)"
else
	fail "$tag/errors-go-on: [$(tr '\n' '|' <"$tmp/two.err")]"
fi
# `make install`: the script and its adapter under $(PREFIX)/share/s2dump/, the script loading the
# adapter next to itself (not the build's), from a directory away from the source tree
dest=$tmp/dest
if [ -n "${S2_GDB_SCRIPT:-}" ]; then
	: # another build's script: the install is this host's
elif ! make -s -C "$top" --no-print-directory install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/install.log" 2>&1; then
	fail "$tag/install: make install failed: $(tail -n 1 "$tmp/install.log")"
else
	share=$dest/usr/local/share/s2dump
	(cd "$tmp" && "$gdb" -nx -batch -ex "file $d/vmlinux" -ex "core-file $d/vmcore" -ex "source $share/s2dump-gdb.py" \
		-ex "python print('adapter', _s2dump_host.__file__)" -ex "set logging file $tmp/inst.out" \
		-ex "set logging redirect on" -ex "set logging enabled on" -ex "s2dump -x 1001" \
		-ex "set logging enabled off" >"$tmp/inst.log" 2>&1)
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" -x 1001 >"$tmp/inst-cli.out" 2>/dev/null
	if [ ! -s "$tmp/inst-cli.out" ]; then
		fail "$tag/install: the CLI printed nothing for s2dump -x 1001 on $d"
	elif ! grep -qx "adapter $share/_s2dump_host.abi3.so" "$tmp/inst.log"; then
		fail "$tag/install: the installed script did not load the installed adapter: $(grep -m 1 -e adapter -e Error "$tmp/inst.log")"
	elif ! cmp -s "$tmp/inst-cli.out" "$tmp/inst.out"; then
		fail "$tag/install: the installed script's output differs from the CLI's: $(diff "$tmp/inst-cli.out" "$tmp/inst.out" | head -3 | tr '\n' '|')"
	else
		echo "PASS $tag/install (share/s2dump/s2dump-gdb.py with its adapter next to it, $(wc -l <"$tmp/inst.out") lines as the CLI)"
	fi
fi
echo "gdb-synthetic: gdb $gdbver" >&2
. "$top/scripts/tested-with.sh"
[ -f "$tmp/failed" ] || tested_with gdb "$gdbver${S2_GDB_TAG:+ (arm64)}" "synthetic dumps: ${S2_GDB_SUBSET:-every ELF vmcore}, byte-identical to the CLI"
