#!/usr/bin/env bash
# s2dump -p (text and -j) on every synthetic dump against the generator's expected files
# (formats in tests/vmcores/README.md: expected/<pid>/{memslots,prefault,vcpus,pkvm}).
#
# For every dump in $VMC_ROOT/<layout>/<scenario>/ (default build/vmcores; `make vmcores` first
# unless VMC_ROOT is given) and every VM of expected/vms: run `s2dump -p <pid>` and
# `s2dump -p -j <pid>` (plain build, and the ASan+UBSan build when present; on the ELF vmcore
# and on vmcore.kdump, the makedumpfile copy, where there is one), turn each output
# back into the expected files' key=value lines (the parser below knows only the documented
# output formats, docs/commands.md and docs/json.md) and compare byte for byte.
# A VM without memslots and vcpus, or without one of prefault / pkvm, is a FAIL: the
# generator writes them for every VM, so a missing file is a broken kit, not a pass.
# Damage scenarios: bogus-kvm and truncate must fail with exit status 2 and one error line;
# cycle and hole must end with status 1 naming the table ('!!'; their expected/prefault models
# the tables as written, so it is not compared); corrupt must end with status 1 naming the
# reserved descriptor, and match everything else.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
S2_BUILD=${S2_BUILD:-$top/build}
S2_SAN_BUILD=${S2_SAN_BUILD:-$top/build/san}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS prefault $1"; passed=$((passed + 1)); }
fail() { echo "FAIL prefault $1: $2"; failed=$((failed + 1)); }

if [ -z "${VMC_ROOT:-}" ]; then
	VMC_ROOT=$top/build/vmcores
	if ! make -s --no-print-directory vmcores >"$tmp/make.log" 2>&1; then
		fail make-vmcores "make vmcores failed: $(tail -n 3 "$tmp/make.log" | tr '\n' '|')"
		exit 1
	fi
fi
bins=()
# S2_FAST=1 (`make check-fast`): the ASan+UBSan build alone
[ "${S2_FAST:-0}" = 1 ] || { [ -x "$S2_BUILD/s2dump" ] && bins+=("$S2_BUILD/s2dump"); }
[ -x "$S2_SAN_BUILD/s2dump" ] && bins+=("$S2_SAN_BUILD/s2dump")
if [ ${#bins[@]} -eq 0 ]; then
	fail build "no s2dump in $S2_BUILD or $S2_SAN_BUILD (make all)"
	exit 1
fi

# The parsers and JSON checks: tests/synthetic/prefault-check.c (built by `make fixtures`):
#   convert text|json OUTPUT DIR   output (text or JSON) -> the expected files' lines, one file per kind in DIR
#   translate LINE JSON            `s2dump -j -t IPA` against one expected/<pid>/translate line
#   leaves PREFAULT JSON           `s2dump -j` leaves against expected/<pid>/prefault (sum of valid
#                                  leaves = mapped in slots + outside; ascending, disjoint)
#   wellformed JSON STATUS         one s2dump/1 document, "status" = exit status, "error" set iff not 0
helper=$S2_BUILD/tests/synthetic/prefault-check
if [ ! -x "$helper" ]; then
	fail helper "$helper not built (make fixtures)"
	exit 1
fi

cmp_file() { # what expected got
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "differs: $(diff "$2" "$3" | head -n 6 | tr '\n' '|')"
	fi
}

ndumps=0
for d in "$VMC_ROOT"/linux-*/*/; do
	d=${d%/}
	[ -f "$d/vmcore" ] && [ -f "$d/vmlinux" ] && [ -f "$d/expected/vms" ] || continue
	ndumps=$((ndumps + 1))
	name=${d#"$VMC_ROOT"/}
	damage=$(sed -n '1s/^damage=\([a-z-]*\).*/\1/p' "$d/expected/error" 2>/dev/null)
	# every JSON mode, every VM at once, damage included: one well-formed s2dump/1 document whose
	# "status" is the exit status (and "error" set exactly when it is not 0)
	# (not a dump that cannot be opened at all: a shift that does not verify, docs/field-dumps.md,
	# is one error line before any command runs, like a missing file)
	for mode in "-j" "-j -v" "-j -p" "-j -t 0x40000000" "nesteds2 list -j"; do
		[ "$damage" = unverified ] && break
		# shellcheck disable=SC2086
		timeout 120 "${bins[0]}" -c "$d/vmcore" -s "$d/vmlinux" $mode >"$tmp/all.json" 2>/dev/null
		rc=$?
		if msg=$("$helper" wellformed "$tmp/all.json" $rc 2>&1); then
			pass "$name json $mode: well-formed, status $rc"
		else
			fail "$name json $mode" "$(echo "$msg" | tail -n 1)"
		fi
	done
	for vmw in $(sed -n 's/^kvm=\([^ ]*\) pid=\([0-9]*\) .*/\2:\1/p' "$d/expected/vms"); do
		pid=${vmw%%:*}
		# the VM by pid, or by address where its VMM runs several (a pid then covers them all)
		arg=$pid
		[ "$(grep -c " pid=$pid " "$d/expected/vms")" -eq 1 ] || arg=${vmw#*:}
		e=$d/expected/$pid
		# the kdump-compressed copy (makedumpfile) where the generator made one
		runs=()
		for b in "${bins[@]}"; do
			runs+=("$b:$d/vmcore")
			[ -f "$d/vmcore.kdump" ] && runs+=("$b:$d/vmcore.kdump")
		done
		for run in "${runs[@]}"; do
			b=${run%%:*}
			dump=${run#*:}
			tag="$name pid $pid ($([ "$b" = "$S2_SAN_BUILD/s2dump" ] && echo asan || echo plain))"
			[ "$dump" = "$d/vmcore" ] || tag="$tag kdump"
			for fmt in text json; do
				o=$tmp/out.$fmt
				opt=-p
				[ $fmt = json ] && opt="-p -j"
				# shellcheck disable=SC2086
				timeout 120 "$b" -c "$dump" -s "$d/vmlinux" $opt "$arg" >"$o" 2>"$tmp/err"
				rc=$?
				# QEMU's shifted ELF (expected/field) is read through the repair, which says so on
				# a first line of its own (checked by check-cli.sh and check-field.sh)
				[ -f "$d/expected/field" ] && sed -i '1{/repaired QEMU ELF notes/d}' "$tmp/err"
				if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/err"; then
					fail "$tag $fmt" "sanitizer report: $(head -n 3 "$tmp/err" | tr '\n' '|')"
					continue
				fi
				case "$damage" in
				bogus-kvm|truncate|unverified)
					# a truncated file is announced first ("warning: ... truncated: file ends at"),
					# then the read that needed the missing part fails: one error line
					if [ $rc -eq 2 ] && [ "$(grep -vc ': warning: ' "$tmp/err")" -eq 1 ] &&
						{ [ "$damage" != truncate ] || grep -q ': warning: .* truncated: file ends at 0x' "$tmp/err"; }; then
						pass "$tag $fmt: damage $damage fails with one error line"
					else
						fail "$tag $fmt" "damage $damage: status $rc, stderr $(head -c 300 "$tmp/err" | tr '\n' '|')"
					fi
					continue ;;
				esac
				if [ "$damage" = corrupt ]; then
					# a reserved descriptor is a finding: '!!' line naming its PA, status 1, the rest as expected
					dpa=$(printf '0x%x' "$(tr ' ' '\n' <"$d/expected/error" | sed -n 's/^descriptor_pa=//p')")
					if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
					   { grep -q "!! .* reserved descriptor 0x[0-9a-f]* at PA $dpa\$" "$o" ||
					     grep -q "\"desc_pa\": \"$dpa\", \"problem\": \"reserved\"" "$o"; }; then
						pass "$tag $fmt: damage corrupt: reserved descriptor at $dpa reported, status 1"
					else
						fail "$tag $fmt" "damage corrupt: status $rc, reserved descriptor at $dpa not reported"
					fi
				elif [ $rc -ne 0 ] && ! { [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
					{ [ "$damage" = cycle ] || [ "$damage" = hole ]; }; }; then
					fail "$tag $fmt" "status $rc: $(head -c 300 "$tmp/err" | tr '\n' '|')"
					continue
				fi
				rm -rf "$tmp/got"; mkdir -p "$tmp/got"
				if ! "$helper" convert $fmt "$o" "$tmp/got" 2>"$tmp/conv.err"; then
					fail "$tag $fmt" "output not in the documented format: $(tail -n 1 "$tmp/conv.err")"
					continue
				fi
				for f in memslots vcpus; do
					if [ -f "$e/$f" ]; then
						cmp_file "$tag $fmt $f" "$e/$f" "$tmp/got/$f"
					else
						fail "$tag $fmt $f" "expected/$pid/$f missing (the generator writes it for every VM)"
					fi
				done
				if [ "$damage" = cycle ] || [ "$damage" = hole ]; then
					# expected/prefault models the tables as written; a consumer must refuse the
					# damaged table instead: status 1, and the table named in the output
					tpa=$(tr ' ' '\n' <"$d/expected/error" | sed -n 's/^\(table_pa\|missing_pa\)=//p')
					tpa=$(printf '0x%x' "$tpa")
					if [ $rc -eq 1 ] && { grep -q "!! .* table at PA $tpa " "$o" || grep -q "\"table_pa\": \"$tpa\"" "$o"; }; then
						pass "$tag $fmt: damage $damage: table $tpa reported, status 1"
					else
						fail "$tag $fmt" "damage $damage: status $rc, table $tpa not reported"
					fi
				elif [ -f "$e/pkvm" ]; then
					cmp_file "$tag $fmt pkvm" "$e/pkvm" "$tmp/got/pkvm"
					[ -s "$tmp/got/prefault" ] && fail "$tag $fmt prefault" "pKVM VM: coverage printed from a garbage pgd"
				elif [ -f "$e/prefault" ]; then
					cmp_file "$tag $fmt prefault" "$e/prefault" "$tmp/got/prefault"
					[ -s "$tmp/got/pkvm" ] && fail "$tag $fmt pkvm" "reported as pKVM, expected/ says it is not"
				else
					fail "$tag $fmt prefault" "expected/$pid has neither prefault nor pkvm"
				fi
			done
			case "$damage" in bogus-kvm|truncate|cycle|hole|corrupt|unverified) continue ;; esac
			# JSON of -t and of the default dump (leaves)
			if [ -f "$e/translate" ]; then
				while read -r line; do
					ipa=${line%% *}
					timeout 120 "$b" -c "$dump" -s "$d/vmlinux" -j -t "$ipa" "$arg" >"$tmp/t.json" 2>"$tmp/err"
					if msg=$("$helper" translate "$line" "$tmp/t.json" 2>&1); then
						pass "$tag json -t $ipa"
					else
						fail "$tag json -t $ipa" "$msg $(head -c 200 "$tmp/err")"
					fi
				done <"$e/translate"
			fi
			if [ -f "$e/prefault" ]; then
				timeout 120 "$b" -c "$dump" -s "$d/vmlinux" -j "$arg" >"$tmp/l.json" 2>"$tmp/err"
				if msg=$("$helper" leaves "$e/prefault" "$tmp/l.json" 2>&1); then
					pass "$tag json leaves cover what expected/prefault maps"
				else
					fail "$tag json leaves" "$msg $(head -c 200 "$tmp/err")"
				fi
			fi
		done
	done
done
[ $ndumps -gt 0 ] || fail dumps "no dumps under $VMC_ROOT"
echo "check-prefault: $passed passed, $failed failed" >&2
exit 0
