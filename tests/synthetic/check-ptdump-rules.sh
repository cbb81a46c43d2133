#!/usr/bin/env bash
# Which debugfs rules the CLI takes, and the text they give, against goldens written by hand from
# the kernel's rules (arch/arm64/kvm/ptdump.c of 7.2 and 7.3, docs/ptdump.md), not from s2dump:
# tests/synthetic/golden/<layout>/<scenario>/
#   rules                the `s2dump -v <pid>` first line (what decided the rules)
#   stage2_page_tables   `s2dump -x <pid>`
#   names                the shadow MMU names `nesteds2 list <pid>` shows, in nested_mmus order
#   <name>               `nesteds2 dump -x <name>`: that file's text (empty: an invalid 7.3 MMU)
# Each shadow MMU is also dumped by the other form of its name (nested_mmu<i> on a 7.2 kernel,
# the 0x<vttbr>-0x<vtcr>-s2-... name on 7.3): `nesteds2` accepts both, and prints the same.
# The scenarios: ptdump-flush-backport (linux-7.2 + the ptdump-flush vmlinux: the code wins over
# the release), ptdump-vendor-release (linux-7.3 + ptdump-flush, release 7.2.60: DWARF and code
# win over the release for both rules) and ptdump-newer-release (linux-7.3 as Debian builds it,
# release 7.5.0: nothing in the vmlinux tells, the newest rules, and -v says so; two nested VMs).
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

	run nesteds2 list
	cp "$scn_tmp/out" "$scn_tmp/all"
	run nesteds2 list "$pid"
	awk 'NR > 1 { print $4 }' "$scn_tmp/out" >"$scn_tmp/names"
	scn_cmp "$tag nesteds2 list $pid: the names the dump's kernel gives" "$g/names" "$scn_tmp/names"
	cp "$scn_tmp/out" "$scn_tmp/list"

	i=0
	while read -r name; do
		orig=$name
		# the other form of the same MMU's name: on 7.3 the 7.2 name from the golden's header line
		# ("VTCR: <vtcr> VTTBR: <vttbr> s2: <en|dis>abled" -> <vttbr>-<vtcr>-s2-<en|dis>abled)
		if [[ $name == nested_mmu* ]]; then
			alt=$(awk 'NR == 1 && $1 == "VTCR:" { sub(/abled$/, "", $6); printf "%s-%s-s2-%sabled", $4, $2, $6 }' \
				"$g/$name" 2>/dev/null)
		else
			alt=nested_mmu$i
		fi
		# a name on two VMs (7.3's names are per VM) is refused with both VMs named; the MMU
		# is then dumped by its address
		if [ "$(awk -v n="$name" '$1 ~ /^\[/ && $4 == n' "$scn_tmp/all" | wc -l)" -gt 1 ]; then
			run nesteds2 dump -x "$name"
			st=$?
			pids=$(awk '$1 == "kvm" { print $4 }' "$scn_tmp/all" | sort -u | tr '\n' ' ')
			if [ $st -ne 0 ] && grep -q "^nesteds2: nested MMU name $name is on more than one VM" "$scn_tmp/err" &&
			   [ "$(grep -c . "$scn_tmp/err")" -eq 1 ] && [ ! -s "$scn_tmp/out" ]; then
				scn_pass "$tag nesteds2 dump -x $name: on more than one VM, refused ($(cat "$scn_tmp/err"))"
			else
				scn_fail "$tag nesteds2 dump -x $name" "a name on two VMs (pids $pids) was not refused: status $st, $(head -c 300 "$scn_tmp/err")"
			fi
			name=$(awk -v i=$((i + 2)) 'NR == i { print $3 }' "$scn_tmp/list")
			cp "$g/$(awk -v i=$((i + 1)) 'NR == i' "$g/names")" "$scn_tmp/golden" 2>/dev/null
		else
			cp "$g/$name" "$scn_tmp/golden" 2>/dev/null
		fi
		if [ -f "$scn_tmp/golden" ]; then
			cp "$scn_tmp/golden" "$scn_tmp/g"
			rm -f "$scn_tmp/golden"
			if run nesteds2 dump -x "$name"; then
				scn_cmp "$tag nesteds2 dump -x $name" "$scn_tmp/g" "$scn_tmp/out"
			else
				scn_fail "$tag nesteds2 dump -x $name" "status $?: $(head -c 300 "$scn_tmp/err")"
			fi
			if [ -n "$alt" ]; then
				if run nesteds2 dump -x "$alt"; then
					scn_cmp "$tag nesteds2 dump -x $alt (the other form of $orig)" "$scn_tmp/g" "$scn_tmp/out"
				else
					scn_fail "$tag nesteds2 dump -x $alt" "status $?: $(head -c 300 "$scn_tmp/err")"
				fi
			fi
		fi
		i=$((i + 1))
	done <"$g/names"
done
scn_summary
