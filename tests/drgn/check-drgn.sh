#!/usr/bin/env bash
# The drgn front end (Debian's drgn 0.0.22, /usr/bin/drgn; trixie's 0.0.31 and sid's 0.3.0 where
# their roots are) against the CLI, byte
# for byte, on the real-kernel dumps in the cache (QEMU ELF dumps that drgn
# cannot translate by itself, the kernel's own /proc/vmcore, filtered
# compressed kdumps), for every command form; and the error paths: the same
# one-line message and exit status 2 as the CLI, raised in drgn as exceptions.
# QEMU's files with defects (docs/field-dumps.md) are read through the repair, the notice line
# included; those drgn cannot open (kdump-zlib/-raw-zlib; with drgn >= 0.0.29 an ELF whose notes
# run past PT_NOTE) through the contrib script run by Python itself (python3 s2dump.py -c ...).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
cli=$build/s2dump
script=$top/libdrgn-contrib/s2dump.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$cli" ] || ! ls "$build"/python/s2dump_drgn/_s2dump_host*.so >/dev/null 2>&1; then
	echo "FAIL drgn/build: $cli or the drgn module is not built"
	exit 1
fi
runs=()
. "$top/tests/vmcores/real/runs.sh"
while read -r rel run _; do
	d=$cache/dumps/$rel/$run
	if [ -s "$d/vmcore" ]; then runs+=("$d"); else echo "FAIL drgn/$rel/$run: no dump at $d (make-dumps.sh makes it)"; fi
done < <(real_runs drgn)
if [ ${#runs[@]} -eq 0 ]; then
	echo "FAIL drgn/dumps: no real-kernel dumps in $cache (tests/vmcores/real/make-dumps.sh makes them)"
	exit 1
fi

# The drgns: Debian's 0.0.22 and, when the real-kernel kit's trixie root is there, its 0.0.31
# (run read-only through the root's own ld.so; the drgn module is built on Python's stable ABI).
drgn_names=("0.0.22")
drgn_cmds=("/usr/bin/python3 -m drgn")
r31=$cache/root
if [ -x "$r31/usr/bin/python3" ] && [ -d "$r31/usr/lib/python3/dist-packages/drgn" ]; then
	py31="env PYTHONHOME=$r31/usr $r31/lib64/ld-linux-x86-64.so.2 --library-path $r31/usr/lib/x86_64-linux-gnu:$r31/lib/x86_64-linux-gnu $r31/usr/bin/python3"
	if v=$($py31 -c 'import drgn; print(drgn.__version__)' 2>&1); then
		drgn_names+=("$v")
		drgn_cmds+=("$py31 -m drgn")
	else
		echo "FAIL drgn/trixie: the trixie root's drgn does not start: $v"
	fi
fi
# And sid's drgn 0.3.0 (Python 3.14; scripts/tool-versions.sh unpacks it into the tools cache,
# run through that root's ld.so; DRGN030=0 skips it) on a representative subset in `make check`:
# each kernel (6.12, 7.2, 7.3.4 4K and 16K), each dump writer (QEMU ELF, /proc/vmcore,
# makedumpfile -d 31 -c), LPA2, QEMU's shifted notes (the repair): about half the time of all 14
# runs; DRGN030_ALL=1 (`make check-drgn-030`) runs every one.
drgn030_subset="7.2.12+deb13-arm64/qemu-elf-lpa2 7.2.12+deb13-arm64/kdump-md31c 6.12.107+deb13-arm64/kdump-elf
	7.2.12+deb13-arm64/qemu-elf-sveshift-long 7.3.4+deb13-arm64/qemu-elf 7.3.4+deb13-arm64-16k/qemu-elf"
if [ "${DRGN030:-1}" = 1 ]; then
	if ! "$top/scripts/tool-versions.sh" sid >"$tmp/sid.log" 2>&1; then
		echo "FAIL drgn/sid: scripts/tool-versions.sh sid failed: $(tail -n 1 "$tmp/sid.log")"
	else
		pysid=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}/bin/python-sid
		if v=$($pysid -c 'import drgn; print(drgn.__version__)' 2>&1); then
			drgn_names+=("$v")
			drgn_cmds+=("$pysid -m drgn")
		else
			echo "FAIL drgn/sid: sid's drgn does not start: $v"
		fi
	fi
fi
drgn_cmd=${drgn_cmds[0]}
. "$top/scripts/tested-with.sh"

same() { # name, args...: CLI and drgn must agree on stdout, stderr and status
	local name=$1 d=$2
	shift 2
	"$cli" -c "$d/$core" -s "$d/vmlinux" "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"
	local rc_cli=$?
	case $drgn_cmd in
	*" -m drgn") $drgn_cmd -q -c "$d/$core" -s "$d/vmlinux" "$script" "$@" >"$tmp/drgn.out" 2>"$tmp/drgn.raw" ;;
	*) $drgn_cmd "$script" -c "$d/$core" -s "$d/vmlinux" "$@" >"$tmp/drgn.out" 2>"$tmp/drgn.raw" ;; # standalone
	esac
	local rc_drgn=$?
	# drgn's own warnings about kernel modules are not ours
	grep -v -e '^warning: could not get debugging information' -e '^kernel modules (' "$tmp/drgn.raw" >"$tmp/drgn.err"
	if [ $rc_cli -ne $rc_drgn ]; then
		echo "FAIL $name: exit status CLI $rc_cli, drgn $rc_drgn"; head -3 "$tmp/drgn.err"; return
	fi
	if ! cmp -s "$tmp/cli.out" "$tmp/drgn.out"; then
		echo "FAIL $name: drgn output differs from the CLI's"
		diff "$tmp/cli.out" "$tmp/drgn.out" | head -5
		return
	fi
	if ! cmp -s "$tmp/cli.err" "$tmp/drgn.err"; then
		echo "FAIL $name: error lines differ: CLI [$(cat "$tmp/cli.err")] drgn [$(cat "$tmp/drgn.err")]"
		return
	fi
	echo "PASS $name (status $rc_cli, $(wc -l <"$tmp/cli.out") lines identical)"
}

# one real dump with one drgn: every command form, CLI against drgn (the PASS/FAIL lines)
check_run() {
	# QEMU's kdump-zlib and kdump-raw-zlib files next to the ELF one, which drgn cannot open: the
	# contrib script run by Python makes the program from the repaired copy; the CLI's answer
	for k in "$d"/vmcore.kdump-zlib "$d"/vmcore.kdump-raw-zlib; do
		[ -s "$k" ] || continue
		saved=$drgn_cmd
		drgn_cmd=${drgn_cmd% -m drgn}
		core=${k##*/}
		same "drgn-${drgn_names[$i]}/$(basename "$(dirname "$d")")/$(basename "$d")/$core/standalone-all-vms" "$d" s2dump
		core=vmcore
		drgn_cmd=$saved
	done
	name=drgn-${drgn_names[$i]}/$(basename "$(dirname "$d")")/$(basename "$d")
	# QEMU's ELF whose notes run past PT_NOTE (docs/field-dumps.md): VMCOREINFO is cut off there
	# and drgn >= 0.0.29 opens the file as a user-space core, failing before any script runs. The
	# contrib script run by Python itself makes the program from the repaired copy instead.
	if [ "$(printf '%s\n' "${drgn_names[$i]}" 0.0.29 | sort -V | head -n 1)" = 0.0.29 ] &&
		grep -q 'bytes after each p_offset' <<<"$("$cli" repair --check "$d/vmcore" 2>/dev/null)"; then
		if ! $drgn_cmd -q -c "$d/vmcore" -s "$d/vmlinux" "$script" >/dev/null 2>"$tmp/f.err" && grep -q NT_AUXV "$tmp/f.err"; then
			echo "PASS $name/field-refused: drgn ${drgn_names[$i]} stops before the script (VMCOREINFO cut off)"
		else
			echo "FAIL $name/field-refused: drgn ${drgn_names[$i]} was expected to refuse the file: $(tail -n 1 "$tmp/f.err")"
		fi
		saved=$drgn_cmd
		drgn_cmd=${drgn_cmd% -m drgn}
		same "$name/standalone-all-vms" "$d" s2dump
		same "$name/standalone-nested-list" "$d" nesteds2 list
		drgn_cmd=$saved
		return
	fi
	same "$name/all-vms" "$d" s2dump
	same "$name/prefault" "$d" s2dump -p
	same "$name/nested-check" "$d" nesteds2 check
	kvm=$("$cli" -c "$d/vmcore" -s "$d/vmlinux" 2>/dev/null | awk '/^kvm 0x/ { print $2; exit }')
	if [ -z "$kvm" ]; then
		echo "FAIL $name: the CLI listed no VM"
		return
	fi
	same "$name/exact" "$d" s2dump -x "$kvm"
	same "$name/verbose" "$d" s2dump -v "$kvm"
	same "$name/translate" "$d" s2dump -t 0x40000000 "$kvm"
	same "$name/nested-list" "$d" nesteds2 list
	# errors: not a struct kvm, not a number, unknown option
	same "$name/bogus-kvm" "$d" s2dump 0xffff000000001000
	same "$name/bad-number" "$d" s2dump 0xzz
	same "$name/bad-option" "$d" s2dump -q
	if [ "$(tail -c +1 "$tmp/cli.err")" = "" ]; then
		echo "FAIL $name/error-line: the CLI printed no error for an unknown option"
	fi
}

core=vmcore
for i in "${!drgn_cmds[@]}"; do
drgn_cmd=${drgn_cmds[$i]}
# a developer's run of one drgn
[ -n "${DRGN_ONLY:-}" ] && [ "$DRGN_ONLY" != "${drgn_names[$i]}" ] && continue
t0=$SECONDS
for d in "${runs[@]}"; do
	key=$(basename "$(dirname "$d")")/$(basename "$d")
	if [ "${drgn_names[$i]}" = 0.3.0 ] && [ "${DRGN030_ALL:-0}" != 1 ] && [[ " $(echo $drgn030_subset) " != *" $key "* ]]; then
		continue
	fi
	check_run >"$tmp/result"
	cat "$tmp/result"
	if ! grep -q '^FAIL ' "$tmp/result"; then
		rel=$(basename "$(dirname "$d")")
		tested_with drgn "${drgn_names[$i]}" "real dumps: contrib script byte-identical to the CLI"
		tested_with Linux "${rel%%+*}" "real dump $(basename "$d")$(flavour "$rel"): drgn ${drgn_names[$i]}"
	fi
done
echo "check-drgn: drgn ${drgn_names[$i]} took $((SECONDS - t0)) s" >&2
done
drgn_cmd=${drgn_cmds[0]}
# In a drgn script the errors are exceptions of drgn's kinds.
d=${runs[0]}
cat >"$tmp/exc.py" <<PY
import sys
sys.path.insert(0, "$build/python")
import drgn, io
from s2dump_drgn import run
try:
    run(prog, ["s2dump", "0xffff000000001000"], io.StringIO())
    print("FAIL drgn/exception-kind: no exception for a bogus struct kvm")
except (drgn.FaultError, ValueError) as e:
    print("PASS drgn/exception-kind: %s: %s" % (type(e).__name__, e))
try:
    run(prog, ["s2dump", "-t"], io.StringIO())
    print("FAIL drgn/exception-usage: no exception for -t without IPA")
except ValueError as e:
    print("PASS drgn/exception-usage: ValueError: %s" % e)
PY
drgn -q -c "$d/vmcore" -s "$d/vmlinux" "$tmp/exc.py" 2>/dev/null
