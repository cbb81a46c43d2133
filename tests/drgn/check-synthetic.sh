#!/usr/bin/env bash
# The drgn front end on every generated synthetic vmcore (build/vmcores/<L>/<scenario>/, `make vmcores`):
#  1. the contrib script (drgn -c vmcore -s vmlinux libdrgn-contrib/s2dump.py ARGS) prints exactly
#     what the CLI prints, stdout, error line and exit status, for every command form the CLI tests
#     use: all VMs, -x / -v / pid / -p / -j per VM, -t per expected/<pid>/translate IPA, nesteds2
#     list and check, nesteds2 dump (address, -x by debugfs name) and guest -v per
#     expected/<pid>/nested MMU, -t per expected/<pid>/nested-translate line;
#  2. where the CLI stops on an error, the same command through s2dump_drgn.run() in a drgn script
#     raises drgn.FaultError / LookupError / ValueError whose message is the CLI's error line;
#  3. the helpers (for_each_kvm, kvm_s2_mmus, s2_walk, s2_translate, kvm_memslot_coverage) agree
#     with the generator's expected/ files (tests/drgn/check_helpers.py).
# Every dump is also tested in its kdump-compressed copy (vmcore.kdump) where the generator makes one.
# Run with Debian's drgn 0.0.22 (/usr/bin/python3). Also with drgn 0.0.31 from the trixie root of
# the real-kernel kit (read only) when it exists and the module loads there (DRGN31=0 skips it).
# And with sid's drgn 0.3.0 (Python 3.14; scripts/tool-versions.sh unpacks it into
# /var/cache/s2dump-tools/roots/sid, run through that root's ld.so) on a representative subset
# of the dumps ($sid_subset: 6.12 4K and its kdump copy (drgn reads it through sid's libkdumpfile),
# 7.2 KASLR with 52-bit VAs (drgn finds the KASLR offset itself); each drgn start takes about
# 0.5 s of CPU there, the whole set of dumps about 13 minutes on the shared 2-core machine, too
# long for `make check`; DRGN030=0 skips it; DRGN030_ALL=1 runs it on every dump: `make check-drgn-030`).
# DRGN_ONLY=<version> runs that drgn alone. Each drgn that passed everything is recorded
# for the README's "tested with" table (scripts/tested-with.sh).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cli=$build/s2dump
script=$top/libdrgn-contrib/s2dump.py
helpers=$top/tests/drgn/check_helpers.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"

if [ ! -x "$cli" ] || ! ls "$build"/python/s2dump_drgn/_s2dump_host*.so >/dev/null 2>&1; then
	echo "FAIL drgn-synthetic/build: $cli or the drgn module is not built"
	exit 0
fi
if [ -z "${VMC_ROOT:-}" ] && ! make -s --no-print-directory vmcores >"$tmp/vmcores.log" 2>&1; then
	echo "FAIL drgn-synthetic/make-vmcores: make vmcores failed: $(tail -1 "$tmp/vmcores.log")"
	exit 0
fi
root=${VMC_ROOT:-$build/vmcores}
# The drgn tests' own scenarios (tests/drgn/scenarios/*.scn: memslot coverage, pKVM), made by the
# same generator into build/drgn-vmcores/<L>/<scenario>/.
extra=$build/drgn-vmcores
for scn in "$top"/tests/drgn/scenarios/*.scn; do
	nm=$(basename "$scn" .scn)
	for L in $(awk '$1 == "layout" { for (i = 2; i <= NF; i++) print $i }' "$scn"); do
		gen=$build/vmcores/gen/s2gen-$L vml=$build/vmcores/vmlinux/$L/vmlinux o=$extra/$L/$nm
		if [ ! -x "$gen" ] || [ ! -f "$vml" ]; then
			echo "FAIL drgn-synthetic/$L/$nm: no generator or vmlinux for $L (make vmcores)"
			continue
		fi
		rm -rf "$o" && mkdir -p "$(dirname "$o")"
		if ! "$gen" "$scn" "$vml" "$o" >"$tmp/gen.log" 2>&1 || ! cp "$vml" "$o/vmlinux"; then
			echo "FAIL drgn-synthetic/$L/$nm: the generator failed: $(tail -1 "$tmp/gen.log")"
		fi
	done
done

# The drgns to test: name and command. 0.0.31 is the trixie root's, run through its own ld.so
# (read only), with tests/drgn/drgn-force.py standing in for the drgn command: the synthetic
# VMCOREINFO has no BUILD-ID, so drgn >= 0.0.29 would ignore `-s vmlinux` as not matching.
drgns=("0.0.22" "/usr/bin/python3 -m drgn")
r31=/var/cache/s2dump-real/root
if [ "${DRGN31:-1}" = 1 ] && [ -x "$r31/usr/bin/python3" ] && [ -d "$r31/usr/lib/python3/dist-packages/drgn" ]; then
	py31="env PYTHONHOME=$r31/usr $r31/lib64/ld-linux-x86-64.so.2 --library-path $r31/usr/lib/x86_64-linux-gnu:$r31/lib/x86_64-linux-gnu $r31/usr/bin/python3"
	if $py31 -c "import sys; sys.path.insert(0, '$build/python'); import drgn, s2dump_drgn; print(drgn.__version__)" \
		>"$tmp/py31.out" 2>&1; then
		drgns+=("$(cat "$tmp/py31.out")" "$py31 $top/tests/drgn/drgn-force.py")
	else
		echo "FAIL drgn-synthetic/drgn-trixie: s2dump_drgn does not load in the trixie root's Python: $(tail -1 "$tmp/py31.out")"
	fi
fi

declare -A subset=()
sid_subset="linux-6.12/demo linux-6.12/demo/kdump linux-7.2/kaslr-va52"
if [ "${DRGN030:-1}" = 1 ]; then
	if ! "$top/scripts/tool-versions.sh" sid >"$tmp/sid.log" 2>&1; then
		echo "FAIL drgn-synthetic/drgn-sid: scripts/tool-versions.sh sid failed: $(tail -n 1 "$tmp/sid.log")"
	else
		pysid=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}/bin/python-sid
		if $pysid -c "import sys; sys.path.insert(0, '$build/python'); import drgn, s2dump_drgn; print(drgn.__version__)" \
			>"$tmp/pysid.out" 2>&1; then
			v=$(cat "$tmp/pysid.out")
			drgns+=("$v" "$pysid $top/tests/drgn/drgn-force.py")
			[ "${DRGN030_ALL:-0}" = 1 ] || subset[$v]=$sid_subset
		else
			echo "FAIL drgn-synthetic/drgn-sid: s2dump_drgn does not load in sid's Python: $(tail -1 "$tmp/pysid.out")"
		fi
	fi
fi
. "$top/scripts/tested-with.sh"

filter() { # drgn's own warnings are not ours
	grep -v -e '^warning: could not get debugging information' -e '^kernel modules (' -e '^warning: .*\.ko' "$1"
}

same() { # name dir args...: CLI and the contrib script agree on stdout, stderr and status
	local name=$1 d=$2
	shift 2
	"$cli" -c "$d/$core" -s "$d/vmlinux" "$@" >"$tmp/cli.out" 2>"$tmp/cli.raw"
	local rc_cli=$?
	# the CLI reader's own "warning: ... truncated: ..." (drgn reads the file itself) is not the command's
	grep -v -E '^(s2dump|nesteds2): warning: .* truncated: ' "$tmp/cli.raw" >"$tmp/cli.err"
	$drgn -q -c "$d/$core" -s "$d/vmlinux" "$script" "$@" >"$tmp/drgn.out" 2>"$tmp/drgn.raw"
	local rc_drgn=$?
	filter "$tmp/drgn.raw" >"$tmp/drgn.err"
	if [ $rc_cli -ne $rc_drgn ]; then
		echo "FAIL $name: exit status CLI $rc_cli, drgn $rc_drgn [$(head -c 300 "$tmp/drgn.err")]"
		return
	fi
	if ! cmp -s "$tmp/cli.out" "$tmp/drgn.out"; then
		echo "FAIL $name: drgn output differs from the CLI's: $(diff "$tmp/cli.out" "$tmp/drgn.out" | head -4 | tr '\n' '|')"
		return
	fi
	if ! cmp -s "$tmp/cli.err" "$tmp/drgn.err"; then
		echo "FAIL $name: error lines differ: CLI [$(cat "$tmp/cli.err")] drgn [$(cat "$tmp/drgn.err")]"
		return
	fi
	echo "PASS $name (status $rc_cli, $(wc -l <"$tmp/cli.out") lines identical)"
	if [ $rc_cli -ne 0 ] && [ -s "$tmp/cli.err" ]; then
		# (a dump read through its repair: the error follows the line saying so)
		echo "$name	$rc_cli	$(grep -v -m 1 'repaired QEMU ELF notes' "$tmp/cli.err")	$*" >>"$tmp/errors.tsv"
	fi
}

exceptions() { # dir: the failing commands raise drgn's kinds of exceptions with the CLI's message
	local d=$1
	[ -s "$tmp/errors.tsv" ] || return
	cat >"$tmp/exc.py" <<'PY'
import io, shlex, sys
sys.path.insert(0, sys.argv[1])
import drgn
from s2dump_drgn import run
for line in open(sys.argv[2]):
    name, status, err, args = line.rstrip("\n").split("\t")
    argv = shlex.split(args)
    if not argv or argv[0] not in ("s2dump", "nesteds2"):
        argv = ["s2dump"] + argv
    want = err.split(": ", 1)[1] if ": " in err else err
    try:
        st = run(prog, argv, io.StringIO())
        print(f"FAIL {name}/exception: run() returned {st}, the CLI failed with [{err}]")
        continue
    except (drgn.FaultError, LookupError, ValueError) as e:
        got = e.message if isinstance(e, drgn.FaultError) else str(e)
        kind = type(e).__name__
    except Exception as e:
        print(f"FAIL {name}/exception: {type(e).__name__} is not a drgn-style exception: {e}")
        continue
    if got == want:
        print(f"PASS {name}/exception ({kind}: same message as the CLI)")
    else:
        print(f"FAIL {name}/exception: {kind} [{got}], CLI [{want}]")
PY
	$drgn -q -c "$d/$core" -s "$d/vmlinux" "$tmp/exc.py" "$build/python" "$tmp/errors.tsv" 2>/dev/null
	rm -f "$tmp/errors.tsv"
}

field() { # file key: the values of key= in a records file, one per line
	[ -f "$1" ] && tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"
}

found=0
for ((k = 0; k < ${#drgns[@]}; k += 2)); do
	ver=${drgns[k]}
	drgn=${drgns[k + 1]}
	[ -n "${DRGN_ONLY:-}" ] && [ "$DRGN_ONLY" != "$ver" ] && continue # a developer's run of one drgn
	t0=$SECONDS
	{
	# every dump, and the kdump-compressed copy (vmcore.kdump, makedumpfile -c) where there is one
	for dc in $(for x in "$root"/linux-*/*/ "$extra"/linux-*/*/; do
			x=${x%/}
			[ -f "$x/vmcore" ] && echo "$x:vmcore"
			[ -f "$x/vmcore.kdump" ] && echo "$x:vmcore.kdump"
		done); do
		d=${dc%:*} core=${dc##*:}
		found=1
		key=$(basename "$(dirname "$d")")/$(basename "$d")
		[ "$core" = vmcore ] || key=$key/kdump
		if [ -n "${subset[$ver]:-}" ] && [[ " ${subset[$ver]} " != *" $key "* ]]; then
			continue
		fi
		name=drgn-$ver/$(basename "$(dirname "$d")")/$(basename "$d")
		[ "$core" = vmcore ] || name=$name/kdump
		exp=$d/expected
		case $(basename "$d") in bench*)
			# a benchmark dump (16M leaves): the text forms only (make bench-drgn checks it too)
			kvm=$(field "$exp/vms" kvm | head -1)
			same "$name/all-vms" "$d" s2dump
			same "$name/exact" "$d" s2dump -x "$kvm"
			continue
		esac
		# QEMU's shifted ELF (expected/field, docs/field-dumps.md): the front end reads it through
		# the repair. When the notes run past PT_NOTE, VMCOREINFO is cut off there and drgn >= 0.0.29
		# opens the file as a user-space core, failing before any script runs: `s2dump repair` first
		# (tests/synthetic/check-field.sh reads the repaired copies with drgn)
		if [ -f "$exp/field" ] && [ "$(field "$exp/field" direction)" = after ] &&
			[ "$(printf '%s\n' "$ver" 0.0.29 | sort -V | head -n 1)" = 0.0.29 ]; then
			if ! $drgn -q -c "$d/$core" -s "$d/vmlinux" "$top/libdrgn-contrib/s2dump.py" >/dev/null 2>"$tmp/f.err" &&
				grep -q NT_AUXV "$tmp/f.err"; then
				echo "PASS $name/field-refused: drgn $ver stops before the script (VMCOREINFO cut off: a user core without NT_AUXV)"
			else
				echo "FAIL $name/field-refused: drgn $ver was expected to refuse the file (is it still cut off?): $(tail -n 1 "$tmp/f.err")"
			fi
			continue
		fi
		same "$name/all-vms" "$d" s2dump
		same "$name/nested-list" "$d" nesteds2 list
		if [ "$(field "$exp/error" damage)" = unverified ]; then
			# a shift that does not verify: the same one error from both, as a ValueError
			same "$name/err-unverified" "$d" s2dump -x 1
			exceptions "$d"
			continue
		fi
		for kvm in $(field "$exp/vms" kvm); do
			pid=$(grep "kvm=$kvm " "$exp/vms" | tr ' ' '\n' | sed -n 's/^pid=//p')
			same "$name/$pid/exact" "$d" s2dump -x "$kvm"
			same "$name/$pid/verbose" "$d" s2dump -v "$kvm"
			same "$name/$pid/by-pid" "$d" s2dump "$pid"
			if [ -f "$exp/$pid/translate" ]; then
				while read -r ipa _; do
					same "$name/$pid/translate-$ipa" "$d" s2dump -t "$ipa" "$kvm"
				done <"$exp/$pid/translate"
			fi
			same "$name/$pid/nested-list" "$d" nesteds2 list "$pid"
			# the model's and the nested work's forms (whatever the CLI answers, drgn must answer too)
			same "$name/$pid/prefault" "$d" s2dump -p "$pid"
			same "$name/$pid/json" "$d" s2dump -j "$kvm"
			same "$name/$pid/nested-check" "$d" nesteds2 check "$pid"
			if [ -f "$exp/$pid/nested-translate" ]; then
				while read -r line; do
					i=$(echo "$line" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					l2=$(echo "$line" | tr ' ' '\n' | sed -n 's/^l2=//p')
					mmu=$(grep "^index=$i " "$exp/$pid/nested" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					[ -n "$mmu" ] && same "$name/$pid/nested-$i-translate-$l2" "$d" s2dump -t "$l2" "$mmu"
				done <"$exp/$pid/nested-translate"
			fi
			if [ -f "$exp/$pid/nested" ]; then
				while read -r line; do
					i=$(echo "$line" | tr ' ' '\n' | sed -n 's/^index=//p')
					mmu=$(echo "$line" | tr ' ' '\n' | sed -n 's/^mmu=//p')
					nm=$(echo "$line" | tr ' ' '\n' | sed -n 's/^name=//p')
					same "$name/$pid/nested-$i-dump" "$d" nesteds2 dump "$mmu"
					same "$name/$pid/nested-$i-exact" "$d" nesteds2 dump -x "$nm"
					same "$name/$pid/nested-$i-guest" "$d" nesteds2 guest -v "$mmu"
				done <"$exp/$pid/nested"
			fi
		done
		# errors on every dump: not a struct kvm, a pid no VM has, bad number, unknown option
		same "$name/err-bogus-kvm" "$d" s2dump 0xffff000000001000
		same "$name/err-no-pid" "$d" s2dump 4242
		same "$name/err-bad-number" "$d" s2dump 0xzz
		same "$name/err-bad-option" "$d" s2dump -q
		same "$name/err-no-mmu" "$d" nesteds2 dump 0xffff000000001000
		exceptions "$d"
		$drgn -q -c "$d/$core" -s "$d/vmlinux" "$helpers" "$d" "$name" "$build" 2>"$tmp/helpers.err" ||
			echo "FAIL $name/helpers: check_helpers.py exited with $?: $(filter "$tmp/helpers.err" | tail -2 | tr '\n' '|')"
	done
	d=$root/linux-6.12/demo
	if [ -f "$d/vmcore" ]; then
		$drgn -q -c "$d/vmcore" -s "$d/vmlinux" "$top/tests/drgn/check_leaks.py" "$build" "drgn-$ver/linux-6.12/demo" ||
			echo "FAIL drgn-$ver/linux-6.12/demo/no-leaks: check_leaks.py exited with $?"
	fi
	} >"$tmp/drgn-$ver.log"
	cat "$tmp/drgn-$ver.log"
	echo "drgn-synthetic: drgn $ver took $((SECONDS - t0)) s" >&2
	if ! grep -q '^FAIL ' "$tmp/drgn-$ver.log" && grep -q '^PASS ' "$tmp/drgn-$ver.log"; then
		what="synthetic dumps: contrib script and module"
		[ -n "${subset[$ver]:-}" ] && what="$what, ${subset[$ver]}" || what="$what, all + kdump copies"
		tested_with drgn "$ver" "$what: byte-identical to the CLI; helpers"
	fi
done
[ "$found" = 1 ] || echo "FAIL drgn-synthetic: no scenario in $root"
