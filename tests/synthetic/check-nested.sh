#!/usr/bin/env bash
# Nested-virtualization scenario test: runs build/s2dump over every generated dump
# (build/vmcores/<L>/<scenario>/, made by `make vmcores`) whose VMs have shadow MMUs, and compares
# the tool's output field by field with the generator's own expectations:
#   expected/<pid>/nested-<i>.guest   <- nesteds2 guest <mmu of nested_mmus[i]>
#   expected/<pid>/nested-translate   <- s2dump -t L2IPA <mmu>   (two-stage translation)
#   expected/<pid>/check              <- nesteds2 check <pid>    (and its exit status)
#   expected/<pid>/nested + nested-<i>.stage2_page_tables.complete <- nesteds2 dump -j <mmu>
#   expected/<pid>/nested-<i>.guest   <- nesteds2 guest -j <mmu>  (tests/synthetic/nested-guest-json.py)
#   expected/<pid>/check              <- nesteds2 check -j <pid>  (tests/synthetic/nested-check-json.py)
# A scenario with `nested` lines whose dump or expected files are missing is a FAIL, never a pass.
# The parsing and comparing is tests/synthetic/nested-check.c (built by `make fixtures`).
# Prints "PASS check-nested ..." / "FAIL check-nested ...: why". Env: S2_TOP, S2_BUILD (or S2_TOOL), VMC_ROOT.
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
vmc=${VMC_ROOT:-$top/build/vmcores}
export CN_TOP=$top CN_TOOL=${S2_TOOL:-$build/s2dump} CN_VMC=$vmc
CN_TMP=$(mktemp)
trap 'rm -f "$CN_TMP" "$CN_TMP.json" "$CN_TMP.err"' EXIT
helper=$build/tests/synthetic/nested-check
if [ ! -x "$helper" ]; then
	echo "FAIL check-nested helper: $helper not built (make fixtures)"
	exit 1
fi
"$helper"
rc=$?

# word KEY LINE: the value of KEY=... in a line of the generator's expected files
word() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# json_check NAME CHECKER [CHECKER_ARG...] -- CLI_ARG...: the CLI's JSON and exit status
# against the generator's files by tests/synthetic/CHECKER (nested-*-json.py): one PASS or FAIL
json_check() {
	local name=$1 checker=$2 cargs=() st why
	shift 2
	while [ "$1" != -- ]; do
		cargs+=("$1")
		shift
	done
	shift
	"$CN_TOOL" "$@" >"$CN_TMP.json" 2>"$CN_TMP.err"
	st=$?
	if why=$(python3 "$top/tests/synthetic/$checker" "$CN_TMP.json" "$st" "${cargs[@]}" 2>&1); then
		echo "PASS check-nested $name"
	else
		echo "FAIL check-nested $name: $(printf '%s' "$why" | head -n 3 | tr '\n' '|') $(head -c 200 "$CN_TMP.err")"
		rc=1
	fi
}
# An unused shadow MMU (the generator's valid=0 entries) named to -t and to check says so
# (docs/nested.md), status 0: no guest stage 2 is cached, there is nothing to translate or check.
for exp in "$vmc"/linux-*/*/expected/*/nested; do
	[ -f "$exp" ] || continue
	d=${exp%/expected/*}
	while read -r line; do
		case " $line " in *" valid=0 "*) ;; *) continue ;; esac
		mmu=$(word mmu "$line")
		idx=$(word index "$line")
		name=${d#"$vmc"/}/$mmu
		out=$("$CN_TOOL" -c "$d/vmcore" -s "$d/vmlinux" s2dump -t 0x1000 "$mmu" 2>&1)
		st=$?
		if [ $st -eq 0 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "L2 IPA 0x0000000000001000 -> unused shadow MMU (tlb_vttbr has CnP set): no guest stage 2 cached" ] &&
			printf '%s\n' "$out" | grep -q '^shadow: '; then
			echo "PASS check-nested $name/unused-translate"
		else
			echo "FAIL check-nested $name/unused-translate: status $st: $(printf '%s' "$out" | head -n 2 | tr '\n' '|')"
			rc=1
		fi
		out=$("$CN_TOOL" -c "$d/vmcore" -s "$d/vmlinux" nesteds2 check "$mmu" 2>&1)
		st=$?
		if [ $st -eq 0 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "mmu $mmu [$idx]: unused shadow MMU (tlb_vttbr has CnP set): nothing to check" ]; then
			echo "PASS check-nested $name/unused-check"
		else
			echo "FAIL check-nested $name/unused-check: status $st: $(printf '%s' "$out" | head -n 2 | tr '\n' '|')"
			rc=1
		fi
	done <"$exp"
done
# nesteds2 dump -j of every nested MMU: its facts and leaves against the generator's tables
# (tests/synthetic/nested-dump-json.py: expected/<pid>/nested and nested-<i>.stage2_page_tables.complete);
# nesteds2 guest -j against the generator's walk of the guest stage 2 (nested-guest-json.py).
for exp in "$vmc"/linux-*/*/expected/*/nested; do
	[ -f "$exp" ] || continue
	d=${exp%/expected/*}
	while read -r line; do
		mmu=$(word mmu "$line")
		idx=$(word index "$line")
		name=${d#"$vmc"/}/$mmu
		json_check "$name/dump-json" nested-dump-json.py "$line" "${exp%/nested}/nested-$idx.stage2_page_tables.complete" \
			-- -c "$d/vmcore" -s "$d/vmlinux" nesteds2 dump -j "$mmu"
		guest=${exp%/nested}/nested-$idx.guest
		[ -f "$guest" ] || continue # the generator walks the guest stage 2 of valid MMUs only
		json_check "$name/guest-json" nested-guest-json.py "$guest" -- -c "$d/vmcore" -s "$d/vmlinux" nesteds2 guest -j "$mmu"
	done <"$exp"
done
# nesteds2 check -j of every VM with nested MMUs against the generator's verdicts (nested-check-json.py)
for chk in "$vmc"/linux-*/*/expected/*/check; do
	[ -f "$chk" ] || continue
	d=${chk%/expected/*}
	pid=$(basename "$(dirname "$chk")")
	name=${d#"$vmc"/}/$pid
	json_check "$name/check-json" nested-check-json.py "$chk" -- -c "$d/vmcore" -s "$d/vmlinux" nesteds2 check -j "$pid"
done
rm -f "$CN_TMP.json" "$CN_TMP.err"
exit $rc
