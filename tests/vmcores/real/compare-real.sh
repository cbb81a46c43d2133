#!/usr/bin/env bash
# Compares s2dump's memslot report and, for a VM with a guest hypervisor, its
# nested output with the KVM program's ground truth (truth/vmN.txt) and the
# leaves of verify.py's independent walker, leaf by leaf:
#  - s2dump -p <kvm>: every truth `slot` line (id, gpa, size, uaddr, readonly,
#    logged) is a memslot line with the same range, uaddr and flags, and no
#    other memslot is listed; each memslot's "mapped" total equals what the
#    independent walker's leaves cover inside it and is at least the pages the
#    guest touched there;
#  - nesteds2 guest <mmu>: its leaves, page by page, are the truth's L2 -> L1
#    map (`l2page` lines: L1 address, rw/ro, block/page), with no problem
#    line and status 0; on a makedumpfile -d 31 dump (FILTERED=1: user pages,
#    the guest's tables with them, are dropped) status 1 with a 'not in dump'
#    problem line instead;
#  - nesteds2 dump -v <mmu> (the shadow): every shadow page's PA is the
#    composition the truth implies (L2 -> L1 by `l2page`, L1 -> host PA by
#    `page`, i.e. /proc/self/pagemap), never writable where the guest's
#    stage 2 is read-only, and every L2 page the L2 guest touched is there;
#  - nesteds2 check <kvm>: 0 violations and status 0 (on filtered dumps
#    not-checkable lines only, still status 0: the filter is no KVM bug).
# Prints PASS/FAIL lines named NAME/...; exit status 1 if any FAIL.
# PAGE: the host's page size, the step of the truth's `page` lines (check.sh
# takes it from the dump's VMCOREINFO through verify.py; default 4096). The
# guest hypervisor's stage-2 granule, the step of its `l2page` lines, is the
# one its VTCR_EL2.TG0 in the truth's `nested` line says.
#
#   compare-real.sh NAME TRUTH_VM_FILE LEAVES DEBUGFS KVM FILTERED S2DUMP VMCORE VMLINUX [PAGE]
set -uo pipefail
if [ $# -ne 9 ] && [ $# -ne 10 ]; then
	echo "usage: compare-real.sh NAME TRUTH_VM_FILE LEAVES DEBUGFS KVM FILTERED S2DUMP VMCORE VMLINUX [PAGE]" >&2
	exit 2
fi
name=$1 truth=$2 leaves=$3 dbg=$4 kvm=$5 filtered=$6 s2dump=$7 vmcore=$8 vmlinux=$9 page=${10:-4096}
case $page in 4096 | 16384 | 65536) ;; *) echo "compare-real.sh: PAGE $page is not 4096, 16384 or 65536" >&2; exit 2 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

tool() { timeout 600 "$s2dump" -c "$vmcore" -s "$vmlinux" "$@"; }

# awk helpers (mawk: no strtonum; doubles are exact below 2^53, enough for these addresses)
lib='
function hex(s,   v, i, c) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c) return -1
		v = v * 16 + c - 1
	}
	return v
}
function hexs(v,   s, d) {
	if (v == 0) return "0x0"
	s = ""
	while (v > 0) { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 }
	return "0x" s
}
function size(s,   n, u) {
	n = s; sub(/[KMGTPE]$/, "", n); u = substr(s, length(s), 1)
	return n * (u == "K" ? 1024 : u == "M" ? 1048576 : u == "G" ? 1073741824 : u == "T" ? 1099511627776 : 1)
}
# array subscripts as exact decimal strings: mawk formats numbers above 2^31 with CONVFMT (%.6g)
function key(v) { return sprintf("%.0f", v) }
function pass(check, why) { print "PASS " name "/" check (why != "" ? " (" why ")" : "") }
function fail(check, why) { print "FAIL " name "/" check ": " why; failed = 1 }
'

# 1. s2dump -p: memslots and mapped totals.
tool s2dump -p "$kvm" >"$tmp/p.out" 2>"$tmp/p.err"
rc=$?
if [ $rc -gt 1 ]; then
	# what was printed before the error is still compared below
	echo "FAIL $name/s2dump-p-runs: exit $rc: $(head -1 "$tmp/p.err")"
	failed=1
fi
awk -v name="$name" -v dbg="$dbg" -v page="$page" "$lib"'
FNR == 1 { f++ }
f == 1 && $1 == "slot" {
	ns++; sid[ns] = $2; sgpa[ns] = hex($4); ssize[ns] = hex($6); suaddr[ns] = hex($8)
	sflags[ns] = ($14 == 1 ? "LOG_DIRTY" : "") ($12 == 1 ? ($14 == 1 ? "|" : "") "READONLY" : "")
	if (sflags[ns] == "") sflags[ns] = "-"
}
f == 1 && $1 == "page" && $3 ~ /^[rwx]$/ { nt++; touched[nt] = hex($2) }
f == 2 && $1 == dbg { nl++; lipa[nl] = hex($2); lsize[nl] = hex($3) }
f == 3 && $1 == "memslot" {
	cur = $2; nm++; split($4, r, "-")
	mgpa[cur] = hex(r[1]); mend[cur] = hex(r[2]); muaddr[cur] = hex($8); mflags[cur] = $10; seen[cur] = 1
}
f == 3 && $1 == "mapped" && cur != "" { mmapped[cur] = size($2); cur = "" }
END {
	bad = ""
	for (i = 1; i <= ns; i++) {
		id = sid[i]
		if (!(id in seen)) { bad = bad "; memslot " id " missing"; continue }
		if (mgpa[id] != sgpa[i] || mend[id] != sgpa[i] + ssize[i] || muaddr[id] != suaddr[i] || mflags[id] != sflags[i])
			bad = bad sprintf("; memslot %s: s2dump %s-%s uaddr %s flags %s, truth %s-%s uaddr %s flags %s", id,
				hexs(mgpa[id]), hexs(mend[id]), hexs(muaddr[id]), mflags[id],
				hexs(sgpa[i]), hexs(sgpa[i] + ssize[i]), hexs(suaddr[i]), sflags[i])
	}
	if (nm != ns) bad = bad "; s2dump lists " nm " memslots, truth has " ns
	if (ns == 0) bad = bad "; no slot lines in the truth"
	if (bad == "") pass("memslots", ns " memslots"); else fail("memslots", substr(bad, 3))
	bad = ""
	for (i = 1; i <= ns; i++) {
		id = sid[i]; lo = sgpa[i]; hi = lo + ssize[i]; want = 0; tb = 0
		for (j = 1; j <= nl; j++) {
			a = lipa[j] > lo ? lipa[j] : lo; b = lipa[j] + lsize[j] < hi ? lipa[j] + lsize[j] : hi
			if (b > a) want += b - a
		}
		for (j = 1; j <= nt; j++) if (touched[j] >= lo && touched[j] < hi) tb += page
		if (!(id in mmapped)) { bad = bad "; memslot " id ": no mapped line"; continue }
		if (mmapped[id] != want || mmapped[id] < tb)
			bad = bad sprintf("; memslot %s: s2dump mapped %d KiB, independent walker %d KiB, %d KiB touched", id,
				mmapped[id] / 1024, want / 1024, tb / 1024)
	}
	if (bad == "") pass("memslot-mapped", ns " memslots"); else fail("memslot-mapped", substr(bad, 3))
	exit failed
}' "$truth" "$leaves" "$tmp/p.out" || failed=1

grep -q '^nested ' "$truth" || exit $failed

# 2. The guest hypervisor's stage 2, its shadow and the check.
read -r vttbr vtcr < <(awk '$1 == "nested" { print $3, $5 }' "$truth")
mmu=$(printf '0x%016x-0x%016x-s2-enabled' "$vttbr" "$vtcr")
# the guest's stage-2 granule, VTCR_EL2.TG0 (bits [15:14]): 0 4K, 1 64K, 2 16K
case $(((vtcr >> 14) & 3)) in 1) gpage=65536 ;; 2) gpage=16384 ;; *) gpage=4096 ;; esac

# The shadow MMU's debugfs name and file (arch/arm64/kvm/ptdump.c), rule from the
# release: up to 7.2 "0x<vttbr>-0x<vtcr>-s2-enabled", a file per valid MMU holding
# the table; from 7.3 "nested_mmu<index into kvm->arch.nested_mmus>", whose file
# starts with "VTCR: 0x%016llx VTTBR: 0x%016llx s2: enabled". nesteds2 list must
# show the name this kernel uses, and dump -x must print that file; the old-form
# name (built from the truth above) is accepted on every kernel.
rel=$(basename "$(dirname "$(dirname "$vmcore")")")
tool nesteds2 list "$kvm" >"$tmp/l.out" 2>"$tmp/l.err"
if printf '%s\n7.3\n' "${rel%%[-+]*}" | sort -V -C; then
	want=$mmu
	if grep -q " $want " "$tmp/l.out"; then
		echo "PASS $name/nested-name: $want (before 7.3)"
	else
		echo "FAIL $name/nested-name: nesteds2 list does not show $want: $(grep 'valid' "$tmp/l.out" | head -2 | tr '\n' ' ')"
		failed=1
	fi
else
	# the valid entry whose dump -x header names the truth's VTTBR and VTCR
	hdr=$(printf 'VTCR: 0x%016x VTTBR: 0x%016x s2: enabled' "$vtcr" "$vttbr")
	found=
	for n in $(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^nested_mmu[0-9]+$/ && $(i + 1) == "valid") print $i }' "$tmp/l.out"); do
		if [ "$(tool nesteds2 dump -x "$n" 2>/dev/null | head -n 1)" = "$hdr" ]; then found=$n; break; fi
	done
	if [ -n "$found" ]; then
		echo "PASS $name/nested-name: $found, its file starts '$hdr' (7.3 and later)"
	else
		echo "FAIL $name/nested-name: no valid nested_mmu<N> in nesteds2 list whose dump -x starts '$hdr': $(grep 'valid' "$tmp/l.out" | head -2 | tr '\n' ' ')"
		failed=1
	fi
	# an invalid shadow MMU's file is empty on 7.3
	inv=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^nested_mmu[0-9]+$/ && $(i + 1) == "invalid") { print $i; exit } }' "$tmp/l.out")
	if [ -n "$inv" ]; then
		if tool nesteds2 dump -x "$inv" >"$tmp/inv.out" 2>"$tmp/inv.err" && [ ! -s "$tmp/inv.out" ]; then
			echo "PASS $name/nested-invalid-empty: dump -x $inv prints nothing"
		else
			echo "FAIL $name/nested-invalid-empty: dump -x $inv: $(head -c 100 "$tmp/inv.out")$(head -1 "$tmp/inv.err")"
			failed=1
		fi
	fi
fi

tool nesteds2 guest "$mmu" >"$tmp/g.out" 2>"$tmp/g.err"
rc=$?
if [ "$filtered" = 1 ]; then
	if [ $rc -eq 1 ] && grep -q '!! table at L1 0x[0-9a-f]* not in dump (PA 0x' "$tmp/g.out"; then
		echo "PASS $name/nested-guest-filtered: status 1, $(grep -c '!!' "$tmp/g.out") 'not in dump' problem line(s)"
	else
		echo "FAIL $name/nested-guest-filtered: expected status 1 and a 'not in dump' problem line, got exit $rc:" \
			"$(grep -m1 '!!\|^0x' "$tmp/g.out")$(head -1 "$tmp/g.err")"
		failed=1
	fi
else
	awk -v name="$name" -v rc="$rc" -v gpage="$gpage" "$lib"'
FNR == 1 { f++ }
f == 1 && $1 == "l2page" { nw++; want[key(hex($2))] = key(hex($3)) " " $4 " " ($6 == "block" ? "block" : "page") }
f == 2 && / !! / { prob++; if (first == "") first = $0 }
f == 2 && $4 == "->" && $5 == "L1" {
	split($1, r, "-"); lo = hex(r[1]); hi = hex(r[2]); l1 = hex($6)
	if (hi - lo > 1073741824) { big = big "; leaf " $1 " larger than 1G"; next }
	rw = substr($7, 2, 1) == "w" ? "rw" : "ro"
	for (o = 0; o < hi - lo; o += gpage) { ng++; got[key(lo + o)] = key(l1 + o) " " rw " " $3 }
}
END {
	bad = big
	for (k in want) if (!(k in got) || got[k] != want[k]) {
		nd++
		if (nd <= 3) {
			split(want[k], w, " "); split(got[k], g, " ")
			bad = bad sprintf("; L2 %s: truth L1 %s %s %s, s2dump %s", hexs(k), hexs(w[1]), w[2], w[3],
				(k in got) ? hexs(g[1]) " " g[2] " " g[3] : "unmapped")
		}
	}
	for (k in got) if (!(k in want)) { nd++; if (nd <= 3) bad = bad "; L2 " hexs(k) " mapped by s2dump, not in the truth" }
	if (rc != 0) bad = bad "; exit status " rc
	if (prob) bad = bad "; " prob " problem line(s): " first
	if (nw == 0) bad = bad "; no l2page lines in the truth"
	if (bad == "") pass("nested-guest-equals-truth", nw " L2 pages")
	else fail("nested-guest-equals-truth", nd + 0 " of " nw " L2 pages differ" bad)
	exit failed
}' "$truth" "$tmp/g.out" || failed=1
fi

tool nesteds2 dump -v "$mmu" >"$tmp/s.out" 2>"$tmp/s.err"
rc=$?
awk -v name="$name" -v rc="$rc" -v page="$page" -v gpage="$gpage" "$lib"'
FNR == 1 { f++ }
f == 1 && $1 == "page" { host[key(hex($2))] = ($4 == "-" ? -1 : hex($4)) }
f == 1 && $1 == "l2page" { nw++; k = key(hex($2)); l1[k] = key(hex($3)); rw[k] = $4; if ($5 ~ /^[rwx]$/) touched[k] = 1 }
f == 2 && $4 == "->" && $6 == "desc" {
	split($1, r, "-"); lo = hex(r[1]); hi = hex(r[2]); pa = hex($5); w = substr($10, 2, 1) == "W"
	nleaf++
	if (hi - lo > 1073741824) { bad = bad "; shadow leaf " $1 " larger than 1G"; next }
	# by the smaller of the host page (the step of the page lines) and the guest granule (of the l2page lines)
	step = page < gpage ? page : gpage
	for (o = 0; o < hi - lo; o += step) {
		a = lo + o; k = key(a - a % gpage); covered[k] = 1; ns++
		if (!(k in l1)) { nd++; if (nd <= 3) bad = bad "; shadow maps L2 " hexs(a) ", the guest stage 2 does not"; continue }
		b = l1[k] + a % gpage; hb = key(b - b % page)
		h = (hb in host) && host[hb] >= 0 ? host[hb] + b % page : -1
		if (h != pa + o || h < 0) { nd++; if (nd <= 3) bad = bad sprintf("; L2 %s: shadow PA %s, truth %s (L1 %s)", hexs(a),
			hexs(pa + o), h < 0 ? "none" : hexs(h), hexs(b)) }
		if (w && rw[k] != "rw") { nd++; if (nd <= 3) bad = bad "; L2 " hexs(a) " writable in the shadow, read-only in the guest" }
	}
}
END {
	for (k in touched) if (!(k in covered)) { nm++; if (nm <= 3) bad = bad "; touched L2 " hexs(k) " not in the shadow" }
	if (rc != 0) bad = bad "; exit status " rc
	if (nleaf == 0) bad = bad "; no shadow leaves"
	if (bad == "") pass("nested-shadow-equals-composition", nleaf " leaves, " ns " pages")
	else fail("nested-shadow-equals-composition", nd + nm " differences" bad)
	exit failed
}' "$truth" "$tmp/s.out" || failed=1

tool nesteds2 check "$kvm" >"$tmp/c.out" 2>"$tmp/c.err"
rc=$?
summary=$(grep -m1 '^check: [0-9]* shadow MMUs' "$tmp/c.out")
if [ "$filtered" = 1 ]; then
	# the guest hypervisor's tables are filtered: leaves are not-checkable, never violations (issue 16)
	if [ $rc -eq 0 ] && [[ $summary == *", 0 violations" ]] && grep -q ' not-checkable: ' "$tmp/c.out" &&
		[ "$(grep -v -e '^check: ' -e ' not-checkable: ' -c "$tmp/c.out")" = 0 ]; then
		echo "PASS $name/nested-check-filtered: status 0, not-checkable lines ($summary)"
	else
		echo "FAIL $name/nested-check-filtered: expected status 0, 0 violations and not-checkable lines, got exit $rc, ${summary:-no summary}: $(grep -v '^check: ' "$tmp/c.out" | head -1)$(head -1 "$tmp/c.err")"
		failed=1
	fi
elif [ $rc -eq 0 ] && [[ $summary == *", 0 violations" ]] && [ "$(grep -vc '^check: ' "$tmp/c.out")" = 0 ]; then
	echo "PASS $name/nested-check-clean ($summary)"
else
	echo "FAIL $name/nested-check-clean: exit $rc, ${summary:-no summary}: $(grep -v '^check: ' "$tmp/c.out" | head -1)$(head -1 "$tmp/c.err")"
	failed=1
fi
exit $failed
