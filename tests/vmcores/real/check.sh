#!/usr/bin/env bash
# Checks every real-kernel dump made by run.sh (or the run directories given):
#  1. verify.py (ELF or compressed kdump): the dump against the KVM program's
#     ground truth, with drgn and a stage-2 walker independent of s2dump
#     (GPA -> host PA per page from
#     /proc/self/pagemap, permissions, mapping sizes, geometry);
#  2. a negative control: the same check with one truth PA altered must FAIL;
#  3. if $S2_BUILD/s2dump exists: the VMM process's pid names all its VMs (-x PID
#     refused naming each struct kvm verify.py found, `s2dump PID` prints each);
#     s2dump's canonical stage-2 text per VM against the walker's leaves
#     (compare.c), leaf by leaf;
#  4. compare-real.sh per VM: s2dump -p's memslots and mapped totals against the
#     truth's slot lines and the walker's leaves; for the VM with a guest
#     hypervisor, nesteds2 guest against the truth's L2 -> L1 map, the shadow
#     (nesteds2 dump -v) against the composition the truth implies, nesteds2
#     check clean (on -d 31 dumps: 'not in dump' and status 1); then the same
#     with an altered truth copy, which must FAIL (negative control);
#  5. for run.sh --qemu-kdump: s2dump on QEMU's kdump-zlib and kdump-raw-zlib
#     files prints what it prints on the ELF of the same moment;
#  6. for live runs (run.sh --live): s2dump's output from inside the guest
#     (/proc/kcore) per VM against the same leaves; for run.sh --live-drgn, the
#     drgn front end's output in the guest byte for byte against the CLI's there.
# Prints PASS/FAIL lines; exit status 1 if any FAIL. In `make check` after
# make-dumps.sh (it needs the cache that prepare.sh/run.sh fill: several GB, minutes).
#
#   check.sh [RUN_DIR...]     (default: the dumps runs.sh lists)
# Env: S2_REAL_CACHE (default /var/cache/s2dump-real), S2_TOP, S2_BUILD (build),
#      S2_REAL_S2DUMP_CMD: how to run s2dump for one VM, with {s2dump} {vmcore}
#      {vmlinux} {kvm} (struct kvm address) {vm} (debugfs name pid-fd) replaced;
#      default '{s2dump} -c {vmcore} -s {vmlinux} s2dump {kvm}'.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=${S2_TOP:-$(cd "$here/../../.." && pwd)}
build=${S2_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
. "$top/scripts/tested-with.sh"
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
s2dump=$build/s2dump
cmd_template=${S2_REAL_S2DUMP_CMD:-'{s2dump} -c {vmcore} -s {vmlinux} s2dump {kvm}'}
py=/usr/bin/python3

runs=("$@")
missing=0
if [ ${#runs[@]} -eq 0 ]; then
	# the dumps of runs.sh (make-dumps.sh made them); a missing one is a failure
	. "$here/runs.sh"
	while read -r rel run _; do
		if [ -e "$cache/dumps/$rel/$run/vmcore" ]; then
			runs+=("$cache/dumps/$rel/$run")
		else
			echo "FAIL real/$rel/$run: no dump in $cache/dumps/$rel/$run (make-dumps.sh makes it)"
			missing=1
		fi
	done < <(real_runs)
fi
if [ ${#runs[@]} -eq 0 ]; then
	echo "SKIP real: no dumps under $cache/dumps (run tests/vmcores/real/prepare.sh, then run.sh)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=$missing
for run in "${runs[@]}"; do
	rel=$(basename "$(dirname "$run")")
	name=real/$rel/$(basename "$run")
	if [ ! -e "$run/truth/READY" ]; then
		echo "FAIL $name/truth: no ground truth in $run/truth (run.sh did not finish)"
		failed=1
		continue
	fi
	# A dump QEMU wrote with RAM out of place (run.sh --sveshift): the independent
	# checker reads `s2dump repair`'s copy (drgn would read garbage); s2dump reads
	# the file as written, as users have it. The truth then judges the repair too.
	core=()
	case $run in *sveshift*)
		if "$s2dump" repair "$run/vmcore" "$tmp/repaired" >"$tmp/repair.out" 2>&1; then
			echo "PASS $name/repair: $(head -n 1 "$tmp/repair.out" | cut -c1-200)"
			core=(--vmcore "$tmp/repaired")
		else
			echo "FAIL $name/repair: s2dump repair failed: $(head -n 1 "$tmp/repair.out")"
			failed=1
			continue
		fi ;;
	esac
	"$py" "$here/verify.py" "$run" --leaves "$tmp/leaves" "${core[@]}" >"$tmp/verify.out" 2>&1
	rc=$?
	cat "$tmp/verify.out"
	if [ $rc -ne 0 ]; then
		failed=1
		grep -q '^FAIL' "$tmp/verify.out" || echo "FAIL $name/verify: verify.py stopped (exit $rc)"
		# the dump could not be read at all: nothing to control or compare against
		grep -q '^FAIL .*/verify: ' "$tmp/verify.out" && continue
	fi

	# Negative control: corrupt one written page's PA in a copy of the truth.
	neg=$tmp/neg/$rel/$(basename "$run")
	mkdir -p "$neg"
	ln -sf "$(readlink -f "$run/vmcore")" "$neg/vmcore"
	ln -sf "$(readlink -f "$run/vmlinux")" "$neg/vmlinux"
	cp -r "$run/truth" "$neg/truth"
	victim=$(grep -l '^page 0x[0-9a-f]* w 0x' "$neg"/truth/vm*.txt | head -1)
	# the host's page size (VMCOREINFO, printed by verify.py): the truth's page
	# lines step by it, so a wrong answer is a page of that size away
	page=$(sed -n 's/^INFO .*: page size \([0-9]*\) (VMCOREINFO PAGESIZE).*/\1/p' "$tmp/verify.out" | head -1)
	page=${page:-4096}
	# the neighbouring page: a plausible wrong answer
	"$py" -c '
import sys
path, page = sys.argv[1], int(sys.argv[2])
lines = open(path).read().split("\n")
for i, line in enumerate(lines):
    w = line.split()
    if len(w) == 5 and w[0] == "page" and w[2] == "w" and w[3] != "-":
        w[3] = "0x%x" % (int(w[3], 16) + page)
        lines[i] = " ".join(w)
        break
open(path, "w").write("\n".join(lines))
' "$victim" "$page"
	"$py" "$here/verify.py" "$neg" "${core[@]}" >"$tmp/neg.out" 2>&1 # exits 1: expected
	if grep -q '^FAIL .*/leaf-pa-equals-pagemap: 1 pages differ' "$tmp/neg.out"; then
		echo "PASS $name/negative-control"
	else
		echo "FAIL $name/negative-control: verify.py did not notice a wrong PA in $(basename "$victim")"
		failed=1
	fi

	if [ ! -x "$s2dump" ]; then
		echo "INFO $name: $s2dump not built: compared with the independent walker only"
		continue
	fi
	# One VMM process runs every VM here (the truth's summary: "pid N"): a pid names them all.
	# `s2dump -x PID` is refused with status 2 naming each struct kvm verify.py found for that
	# pid (drgn, independently), and `s2dump PID` prints a header for each.
	vmm=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$run/truth/summary.txt")
	kvms=$(grep '^INFO .*: struct kvm at 0x' "$tmp/verify.out" | awk -v p="$vmm" '$8 == p "," { print $6 }' | tr -d , | sort)
	nvm=$(grep -c . <<<"$kvms")
	if [ -n "$vmm" ] && [ "$nvm" -gt 1 ]; then
		"$s2dump" -c "$run/vmcore" -s "$run/vmlinux" s2dump -x "$vmm" >"$tmp/xp.out" 2>"$tmp/xp.err"
		rc=$?
		got=$(grep -o '^  kvm 0x[0-9a-f]*$' "$tmp/xp.err" | awk '{ print $2 }' | sort)
		if [ $rc -eq 2 ] && [ ! -s "$tmp/xp.out" ] && [ "$got" = "$kvms" ] && grep -q "pid $vmm owns $nvm VMs" "$tmp/xp.err"; then
			echo "PASS $name/pid-x-refused: -x $vmm refused, naming its $nvm VMs"
		else
			echo "FAIL $name/pid-x-refused: -x $vmm: status $rc, want the $nvm struct kvm of verify.py, got: $(head -c 300 "$tmp/xp.err" | tr '\n' '|')"
			failed=1
		fi
		"$s2dump" -c "$run/vmcore" -s "$run/vmlinux" s2dump "$vmm" >"$tmp/xp.out" 2>"$tmp/xp.err"
		rc=$?
		got=$(awk -v p="$vmm" '$1 == "kvm" && $3 == "pid" && $4 == p { print $2 }' "$tmp/xp.out" | sort)
		if [ $rc -eq 0 ] && [ "$got" = "$kvms" ]; then
			echo "PASS $name/pid-all-vms: s2dump $vmm prints each of its $nvm VMs"
		else
			echo "FAIL $name/pid-all-vms: s2dump $vmm: status $rc, VMs [$(echo $got)], want [$(echo $kvms)]: $(head -c 200 "$tmp/xp.err")"
			failed=1
		fi
	else
		echo "FAIL $name/pid-vms: the truth's VMM pid '$vmm' has $nvm VMs in verify.py's output (want several)"
		failed=1
	fi
	grep '^INFO .*struct kvm at' "$tmp/verify.out" | while read -r _ label _ _ _ kvm _ _ _ _ _ _ ia _; do
		vmname=${label##*/}; vmname=${vmname%:}
		kvm=${kvm%,}; ia=${ia%,}
		vm=$(grep -h "^vm $vmname " "$run"/truth/vm*.txt | awk '{for(i=2;i<NF;i++) if($i=="debugfs") print $(i+1)}')
		cmd=${cmd_template//\{s2dump\}/$s2dump}
		cmd=${cmd//\{vmcore\}/$run/vmcore}
		cmd=${cmd//\{vmlinux\}/$run/vmlinux}
		cmd=${cmd//\{kvm\}/$kvm}
		cmd=${cmd//\{vm\}/$vm}
		if ! timeout 600 $cmd >"$tmp/s2dump.out" 2>"$tmp/s2dump.err"; then
			echo "FAIL $name/$vmname/s2dump-runs: '$cmd' failed: $(head -1 "$tmp/s2dump.err")"
			echo 1 >"$tmp/failed"
			continue
		fi
		"$build/tests/vmcores/real/compare" "$tmp/leaves" "$vm" "$ia" "$name/$vmname" <"$tmp/s2dump.out" || echo 1 >"$tmp/failed"
		# -x is the kernel's debugfs stage2_page_tables text: after its "---[ Guest IPA ]---"
		# line, the complete listing's runs
		# (checked above), of which Linux 7.3 prints all ("KVM: arm64: ptdump: flush the
		# last region") and older kernels all but the final one (their walk ends without
		# printing the run it holds). The rule here comes from the release, s2dump's from
		# the vmlinux: they must agree on Debian's kernels.
		if "$s2dump" -c "$run/vmcore" -s "$run/vmlinux" s2dump -x "$kvm" >"$tmp/x.out" 2>"$tmp/x.err"; then
			grep '^0x' "$tmp/s2dump.out" >"$tmp/runs.out"
			if printf '%s\n7.3\n' "${rel%%[-+]*}" | sort -V -C; then
				sed '$d' "$tmp/runs.out" >"$tmp/x.want"; xrule="all runs but the final one (before 7.3)"
			else
				cp "$tmp/runs.out" "$tmp/x.want"; xrule="every run, the final one too (7.3 and later)"
			fi
			grep '^0x' "$tmp/x.out" >"$tmp/x.runs"
			if cmp -s "$tmp/x.want" "$tmp/x.runs"; then
				echo "PASS $name/$vmname/s2dump-x-final-run: $xrule"
			else
				echo "FAIL $name/$vmname/s2dump-x-final-run: -x should print $xrule: $(diff "$tmp/x.want" "$tmp/x.runs" | grep '^[<>]' | head -2 | tr '\n' ' ')"
				echo 1 >"$tmp/failed"
			fi
		else
			echo "FAIL $name/$vmname/s2dump-x-runs: s2dump -x $kvm failed: $(head -1 "$tmp/x.err")"
			echo 1 >"$tmp/failed"
		fi
		# Memslots (s2dump -p) and, with a guest hypervisor, its stage 2, the shadow and
		# nesteds2 check against the truth (compare-real.sh).
		truthfile=$(grep -l "^vm $vmname " "$run"/truth/vm*.txt | head -1)
		case $(basename "$run") in *d31*) filtered=1 ;; *) filtered=0 ;; esac
		"$here/compare-real.sh" "$name/$vmname" "$truthfile" "$tmp/leaves" "$vm" "$kvm" "$filtered" \
			"$s2dump" "$run/vmcore" "$run/vmlinux" "$page" || echo 1 >"$tmp/failed"
		# Negative control: one slot's uaddr and one L2 page's L1 address moved by a
		# page of the host's size in a copy of the truth: the memslot and the nested
		# comparisons must FAIL.
		"$py" -c '
import sys
src, dst, page = sys.argv[1], sys.argv[2], int(sys.argv[3])
done, out = set(), []
for line in open(src):
    w = line.split()
    # slot: word 7 is the uaddr; l2page: word 2 the L1 address
    at = {"slot": 7, "l2page": 2}.get(w[0] if w else "")
    if at is not None and w[0] not in done:
        done.add(w[0])
        w[at] = "0x%x" % (int(w[at], 16) + page)
        line = " ".join(w) + "\n"
    out.append(line)
open(dst, "w").write("".join(out))
' "$truthfile" "$tmp/negtruth.txt" "$page"
		"$here/compare-real.sh" "$name/$vmname" "$tmp/negtruth.txt" "$tmp/leaves" "$vm" "$kvm" "$filtered" \
			"$s2dump" "$run/vmcore" "$run/vmlinux" "$page" >"$tmp/neg-real.out" 2>&1
		want_fail="memslots"
		grep -q '^nested ' "$truthfile" && want_fail="$want_fail nested-shadow-equals-composition"
		grep -q '^nested ' "$truthfile" && [ $filtered = 0 ] && want_fail="$want_fail nested-guest-equals-truth"
		missed=""
		for c in $want_fail; do
			grep -q "^FAIL $name/$vmname/$c: " "$tmp/neg-real.out" || missed="$missed $c"
		done
		if [ -z "$missed" ] && ! cmp -s "$truthfile" "$tmp/negtruth.txt"; then
			echo "PASS $name/$vmname/compare-real-negative-control ($want_fail)"
		else
			echo "FAIL $name/$vmname/compare-real-negative-control: an altered truth did not fail:${missed:- truth not altered}"
			echo 1 >"$tmp/failed"
		fi
		# Live mode (run.sh --live): what s2dump printed inside the guest from
		# /proc/kcore, seconds before this dump was taken, against the same
		# leaves (AF may have changed in between: compare reports that as INFO).
		[ -d "$run/truth/live" ] || continue
		for v in default verbose; do
			if [ "$(cat "$run/truth/live/$v.rc" 2>/dev/null)" != 0 ]; then
				echo "FAIL $name/$vmname/live-$v: s2dump in the guest failed: $(head -1 "$run/truth/live/$v.err" 2>/dev/null)"
				echo 1 >"$tmp/failed"
				continue
			fi
			awk -v k="$kvm" '/^kvm 0x/ { on = ($2 == k) } on' "$run/truth/live/$v.txt" >"$tmp/live.out"
			if [ ! -s "$tmp/live.out" ]; then
				echo "FAIL $name/$vmname/live-$v: struct kvm $kvm of the dump is not in the live output"
				echo 1 >"$tmp/failed"
				continue
			fi
			"$build/tests/vmcores/real/compare" "$tmp/leaves" "$vm" "$ia" "$name/$vmname/live-$v" <"$tmp/live.out" ||
				echo 1 >"$tmp/failed"
		done
	done
	# run.sh --live-drgn: the drgn front end in the guest, on the live kernel,
	# right after the CLI there: the same output byte for byte, the same status.
	# drgn: Debian 12's 0.0.22; drgn030: sid's 0.3.0 (Python 3.14).
	for pre in drgn drgn030; do
		[ -e "$run/truth/live/$pre-default.rc" ] || continue
		want="live True $(head -1 "$run/truth/machine.txt")"
		dver=$(sed -n 2p "$run/truth/live/$pre-program.txt" 2>/dev/null)
		lf=0
		if [ "$(head -n 1 "$run/truth/live/$pre-program.txt" 2>/dev/null)" = "$want" ]; then
			echo "PASS $name/live-$pre-program (drgn $dver in the guest: $want)"
		else
			echo "FAIL $name/live-$pre-program: drgn in the guest did not open the live kernel: want [$want], got [$(tail -1 "$run/truth/live/$pre-program.txt" 2>/dev/null)]"
			echo 1 >"$tmp/failed"; lf=1
		fi
		for v in default verbose nested; do
			d=$run/truth/live/$pre-$v
			if [ "$(cat "$d.rc" 2>/dev/null)" != "$(cat "$run/truth/live/$v.rc" 2>/dev/null)" ]; then
				echo "FAIL $name/live-$pre-$v: exit status CLI $(cat "$run/truth/live/$v.rc" 2>/dev/null), drgn $(cat "$d.rc" 2>/dev/null): $(grep -v '^warning:\|^kernel modules (' "$d.err" 2>/dev/null | tail -1)"
				echo 1 >"$tmp/failed"; lf=1
			elif [ ! -s "$d.txt" ]; then
				echo "FAIL $name/live-$pre-$v: drgn printed nothing"
				echo 1 >"$tmp/failed"; lf=1
			elif ! cmp -s "$d.txt" "$run/truth/live/$v.txt"; then
				echo "FAIL $name/live-$pre-$v: drgn's output differs from the CLI's: $(diff "$run/truth/live/$v.txt" "$d.txt" | grep -c '^[<>]') lines"
				diff "$run/truth/live/$v.txt" "$d.txt" | head -4
				echo 1 >"$tmp/failed"; lf=1
			else
				echo "PASS $name/live-$pre-$v (drgn $dver: status $(cat "$d.rc"), $(wc -l <"$d.txt") lines identical to the CLI's in the guest)"
			fi
		done
		[ $lf = 0 ] && [ -n "$dver" ] && tested_with drgn "$dver" "live in the arm64 guest: contrib script byte-identical to the CLI there"
	done
	# run.sh --qemu-kdump: QEMU's kdump-zlib (flattened) and kdump-raw-zlib files of the
	# same moment as the ELF: s2dump reads each to the same output as the ELF (stdout
	# and status), and says once on stderr what it read through.
	for k in "$run"/vmcore.kdump-*; do
		[ -e "$k" ] && [ -x "$s2dump" ] || continue
		kname=$name/$(basename "$k")
		for c in "s2dump" "s2dump -p" "nesteds2 list" "nesteds2 check"; do
			# shellcheck disable=SC2086
			timeout 600 "$s2dump" -c "$run/vmcore" -s "$run/vmlinux" $c >"$tmp/elf.out" 2>"$tmp/elf.err"
			rc_elf=$?
			# shellcheck disable=SC2086
			timeout 600 "$s2dump" -c "$k" -s "$run/vmlinux" $c >"$tmp/k.out" 2>"$tmp/k.err"
			rc_k=$?
			if [ $rc_k -eq $rc_elf ] && [ -s "$tmp/k.out" ] && cmp -s "$tmp/elf.out" "$tmp/k.out"; then
				echo "PASS $kname/${c// /-}: as the ELF (status $rc_k, $(wc -l <"$tmp/k.out") lines)"
			else
				echo "FAIL $kname/${c// /-}: status $rc_k (ELF $rc_elf), $(diff "$tmp/elf.out" "$tmp/k.out" | grep -c '^[<>]') lines differ: $(head -1 "$tmp/k.err")"
				echo 1 >"$tmp/failed"
			fi
		done
		if [ "$(grep -c . "$tmp/k.err")" -ge 1 ] && grep -qi 'qemu' "$tmp/k.err"; then
			echo "PASS $kname/notice: $(head -1 "$tmp/k.err" | cut -c1-160)"
		else
			echo "FAIL $kname/notice: no line on stderr saying what was read through: [$(head -1 "$tmp/k.err")]"
			echo 1 >"$tmp/failed"
		fi
	done
	[ -e "$tmp/failed" ] && failed=1
done
exit $failed
