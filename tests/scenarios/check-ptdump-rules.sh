#!/usr/bin/env bash
# Which debugfs rules the CLI takes, and the text they give, against goldens written by hand from
# the kernel's rules (arch/arm64/kvm/ptdump.c of 7.2 and 7.3, docs/ptdump.md), not from s2dump:
# tests/scenarios/golden/<layout>/<scenario>/
#   rules                the `s2dump -v <pid>` first line (what decided the rules)
#   stage2_page_tables   `s2dump -x <pid>`
#   names                the shadow MMU names `nesteds2 list <pid>` shows, in nested_mmus order
#   <name>               `nesteds2 dump -x <name>`: that file's text (empty: an invalid 7.3 MMU)
# Each shadow MMU is also dumped by the other form of its name (nested_mmu<i> on a 7.2 kernel,
# the 0x<vttbr>-0x<vtcr>-s2-... name on 7.3): `nesteds2` accepts both, and prints the same.
# The scenarios: ptdump-flush-backport (linux-7.2 + the ptdump-flush vmlinux: the code wins over
# the release) and ptdump-newer-release (linux-7.3, release 7.5.0: newest rules, and says so).
# crash and drgn print the same bytes: tests/crash/check-crash-scenarios.sh and
# tests/drgn/check-synthetic.sh compare them with the CLI on every scenario, these included.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
scn_init ptdump-rules
cli=$S2_BUILD/s2dump
golden=$here/golden

for g in "$golden"/*/*/; do
	g=${g%/}
	scn=$(basename "$g")
	L=$(basename "$(dirname "$g")")
	d=$VMC_ROOT/$L/$scn
	tag="$L/$scn"
	if [ ! -f "$d/vmcore" ]; then
		scn_fail "$tag" "no generated dump $d/vmcore (make vmcores)"
		continue
	fi
	pid=$(scn_field "$d/expected/vms" pid)
	run() { "$cli" -c "$d/vmcore" -s "$d/vmlinux" "$@" >"$scn_tmp/out" 2>"$scn_tmp/err"; }

	run -v "$pid"
	head -n 1 "$scn_tmp/out" >"$scn_tmp/rules"
	scn_cmp "$tag s2dump -v $pid: the rules line" "$g/rules" "$scn_tmp/rules"

	if run -x "$pid"; then
		scn_cmp "$tag s2dump -x $pid" "$g/stage2_page_tables" "$scn_tmp/out"
	else
		scn_fail "$tag s2dump -x $pid" "status $?: $(head -c 300 "$scn_tmp/err")"
	fi

	run nesteds2 list "$pid"
	awk 'NR > 1 { print $4 }' "$scn_tmp/out" >"$scn_tmp/names"
	scn_cmp "$tag nesteds2 list $pid: the names the dump's kernel gives" "$g/names" "$scn_tmp/names"

	i=0
	while read -r name; do
		# the other form of the same MMU's name: on 7.3 the 7.2 name from the golden's header line
		# ("VTCR: <vtcr> VTTBR: <vttbr> s2: <en|dis>abled" -> <vttbr>-<vtcr>-s2-<en|dis>abled)
		if [[ $name == nested_mmu* ]]; then
			alt=$(awk 'NR == 1 && $1 == "VTCR:" { sub(/abled$/, "", $6); printf "%s-%s-s2-%sabled", $4, $2, $6 }' \
				"$g/$name" 2>/dev/null)
		else
			alt=nested_mmu$i
		fi
		if [ -f "$g/$name" ]; then
			if run nesteds2 dump -x "$name"; then
				scn_cmp "$tag nesteds2 dump -x $name" "$g/$name" "$scn_tmp/out"
			else
				scn_fail "$tag nesteds2 dump -x $name" "status $?: $(head -c 300 "$scn_tmp/err")"
			fi
			if [ -n "$alt" ]; then
				if run nesteds2 dump -x "$alt"; then
					scn_cmp "$tag nesteds2 dump -x $alt (the other form of $name)" "$g/$name" "$scn_tmp/out"
				else
					scn_fail "$tag nesteds2 dump -x $alt" "status $?: $(head -c 300 "$scn_tmp/err")"
				fi
			fi
		fi
		i=$((i + 1))
	done <"$g/names"
done
scn_summary
