#!/usr/bin/env bash
# The fake vmlinux of each layout against the recorded pahole of the real Debian kernel:
#   - every recorded struct, member by member (name, type, offset, size) and its size, as pahole
#     reads them from the fake vmlinux's DWARF (one PASS/FAIL per struct per layout);
#   - the committed kernel_structs.h is what pahole_layout.py makes from pahole.txt;
#   - the header gives the same layout under the host's x86_64 gcc (its _Static_asserts);
#   - the image conventions the generator relies on (README.md): _text = KIMAGE_VADDR,
#     _stext = _text + 64 KiB, one PT_LOAD from _text with p_paddr = the load PA,
#     swapper_pg_dir 64 KiB aligned with 64 KiB reserved, .init.text, a build-id note, kept
#     relocations; and drgn 0.0.22 reads the types (offsets of the members a stage-2 tool uses);
#   - when the real Debian -dbg vmlinux is at hand (the real-kernel kit's cache,
#     $S2L_REAL_KERNELS/<osrelease>/vmlinux), the recorded pahole.txt against it, struct by struct.
# Expected values come from pahole.txt and layout.conf (recorded facts), never from the vmlinux.
set -u
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the source tree
top=${S2_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$top" || exit 1
src=tests/vmcores/layouts
vdir=${S2L_VMLINUX_DIR:-build/vmcores/vmlinux}
real_kernels=${S2L_REAL_KERNELS:-/var/cache/s2dump-real/kernels}
cross=${S2L_CROSS:-aarch64-linux-gnu-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
conf() { sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$src/$1/layout.conf" | sed 's/[UuLl]*$//'; }
# pahole of every struct named in pahole.txt's "# structs:" line, from vmlinux $2 into file $3.
# pahole stops at the first unknown type: the structs recorded in pahole.txt go in one call, the
# ones the real kernel lacks one call each (they are expected to be unknown), unless $4 is
# "present-only" (looking up an unknown type in a real 400 MB vmlinux takes half a minute).
pahole_structs() {
	local present s
	present=$(grep -oE '^struct [A-Za-z0-9_]+ \{' "$1/pahole.txt" | awk '{print $2}' | paste -sd, -)
	pahole -C "$present" "$2" >"$3" 2>/dev/null
	[ "${4:-}" = present-only ] && return
	for s in $(sed -n 's/^# structs: //p' "$1/pahole.txt"); do
		case ",$present," in *",$s,"*) continue ;; esac
		echo >>"$3"
		pahole -C "$s" "$2" >>"$3" 2>/dev/null
	done
}
symval() { awk -v s="$2" '$3 == s { print "0x" $1; exit }' "$tmp/$1.nm"; }

for L in linux-6.1 linux-6.12 linux-7.2 linux-7.3; do
	d=$src/$L
	v=$vdir/$L/vmlinux

	# The committed header is the generator's output for the recorded pahole.
	if /usr/bin/python3 "$src/pahole_layout.py" header "$d" >"$tmp/$L.h" 2>"$tmp/$L.gen.err" &&
		cmp -s "$tmp/$L.h" "$d/kernel_structs.h"; then
		pass "layout $L kernel_structs.h is regenerated identically from pahole.txt"
	else
		fail "layout $L kernel_structs.h: differs from pahole_layout.py's output for pahole.txt (run make vmlinux-layouts-headers) $(head -c 300 "$tmp/$L.gen.err")"
	fi

	# Same layout under the host ABI: the header's _Static_asserts must hold with gcc x86_64.
	printf '#include "kernel_structs.h"\n#include <stdbool.h>\n#include <stdlib.h>\n#include <signal.h>\n' >"$tmp/host-$L.c"
	if gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$d" -fsyntax-only "$tmp/host-$L.c" 2>"$tmp/host-$L.err"; then
		pass "layout $L header: every offset and size assertion holds with the host gcc (x86_64, with glibc headers)"
	else
		fail "layout $L header does not compile on the host: $(grep -m1 -E 'error' "$tmp/host-$L.err")"
	fi

	# The recorded fact against the real kernel, when its vmlinux is in the real-kernel cache.
	realv=$real_kernels/$(sed -n 's/^S2L_OSRELEASE[[:space:]]*=[[:space:]]*//p' "$d/layout.conf")/vmlinux
	if [ -f "$realv" ]; then
		pahole_structs "$d" "$realv" "$tmp/$L.real" present-only
		/usr/bin/python3 "$src/pahole_layout.py" compare "$d/pahole.txt" "$tmp/$L.real" \
			"$L-vs-real-debian-vmlinux" | grep -v '(absent in both)$'
	fi

	if [ ! -f "$v" ]; then
		fail "layout $L: $v missing (make vmlinux-layouts)"
		continue
	fi

	# Struct by struct, as pahole reads the fake vmlinux.
	pahole_structs "$d" "$v" "$tmp/$L.actual"
	/usr/bin/python3 "$src/pahole_layout.py" compare "$d/pahole.txt" "$tmp/$L.actual" "$L"

	# Image conventions.
	kimage=$(conf "$L" S2L_KIMAGE_VADDR)
	loadpa=$(conf "$L" S2L_KIMAGE_LOAD_PA)
	stext_off=$(conf "$L" S2L_STEXT_OFFSET)
	"${cross}nm" "$v" >"$tmp/$L.nm"
	text=$(symval "$L" _text)
	stext=$(symval "$L" _stext)
	if [ "$((text))" = "$((kimage))" ] && [ "$((stext))" = "$((kimage + stext_off))" ]; then
		pass "layout $L _text = KIMAGE_VADDR $kimage, _stext = _text + $stext_off"
	else
		fail "layout $L: expected _text $kimage and _stext _text+$stext_off, got _text $text _stext $stext"
	fi
	"${cross}readelf" -lW "$v" >"$tmp/$L.ph"
	first_load=$(awk '$1 == "LOAD" { print $3, $4; exit }' "$tmp/$L.ph")
	nloads=$(awk '$1 == "LOAD"' "$tmp/$L.ph" | wc -l)
	if [ "$first_load" = "$(printf '0x%016x 0x%016x' "$kimage" "$loadpa")" ] && [ "$nloads" = 1 ]; then
		pass "layout $L one PT_LOAD: p_vaddr = _text, p_paddr = load PA $loadpa"
	else
		fail "layout $L: expected one PT_LOAD with p_vaddr $kimage p_paddr $loadpa, got $nloads, first: $first_load"
	fi
	swp=$(symval "$L" swapper_pg_dir)
	swsize=$("${cross}readelf" -sW "$v" | awk '$8 == "swapper_pg_dir" { print $3; exit }')
	if [ -n "$swp" ] && [ $((swp % 65536)) = 0 ] && [ "$swsize" = 65536 ]; then
		pass "layout $L swapper_pg_dir at $swp: 64 KiB aligned, 64 KiB reserved"
	else
		fail "layout $L swapper_pg_dir: expected 64 KiB aligned and 65536 bytes, got $swp size $swsize"
	fi
	"${cross}readelf" -SW "$v" >"$tmp/$L.sh"
	missing=""
	for sec in .head.text .text .init.text .notes .data..percpu .data..swapper .data .bss .rela.data; do
		grep -qE "\] $(printf '%s' "$sec" | sed 's/\./\\./g') " "$tmp/$L.sh" || missing="$missing $sec"
	done
	if [ -z "$missing" ] && "${cross}readelf" -nW "$v" | grep -q 'NT_GNU_BUILD_ID'; then
		pass "layout $L sections .init.text, .notes (build-id), .data..percpu, .data..swapper and .rela.data present"
	else
		fail "layout $L: missing sections:$missing (or no NT_GNU_BUILD_ID note)"
	fi
	missing=""
	for s in vm_list kvm_lock swapper_pg_dir init_uts_ns linux_banner _text _stext _etext _end \
		__per_cpu_start __per_cpu_end __per_cpu_offset runqueues init_task init_mm jiffies \
		jiffies_64 nr_threads high_memory mem_map max_mapnr __cpu_online_mask \
		__cpu_possible_mask __cpu_present_mask __cpu_active_mask init_pid_ns; do
		[ -n "$(symval "$L" "$s")" ] || missing="$missing $s"
	done
	rq=$(symval "$L" runqueues); pcs=$(symval "$L" __per_cpu_start); pce=$(symval "$L" __per_cpu_end)
	if [ -z "$missing" ] && [ -n "$rq" ] && [ $((rq >= pcs && rq < pce)) = 1 ]; then
		pass "layout $L symbols for drgn, libkdumpfile and crash full mode present; runqueues in the per-cpu area"
	else
		fail "layout $L: missing symbols:$missing (runqueues $rq, per-cpu $pcs..$pce)"
	fi

	# drgn reads the types from DWARF; offsets compared with pahole.txt's numbers.
	exp_off() { # struct member -> offset recorded in pahole.txt
		/usr/bin/python3 - "$d/pahole.txt" "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, 'tests/vmcores/layouts')
import pahole_layout as p
for path, _, off, size, _ in p.flatten(p.parse(sys.argv[1])[sys.argv[2]].members):
    if path == sys.argv[3]:
        print(off, size)
EOF
	}
	want="kvm.vm_list=$(exp_off kvm vm_list) kvm.arch=$(exp_off kvm arch) kvm.userspace_pid=$(exp_off kvm userspace_pid) kvm.stats_id=$(exp_off kvm stats_id) kvm_arch.mmu=$(exp_off kvm_arch mmu) kvm_s2_mmu.pgd_phys=$(exp_off kvm_s2_mmu pgd_phys) kvm_s2_mmu.pgt=$(exp_off kvm_s2_mmu pgt) kvm_pgtable.ia_bits=$(exp_off kvm_pgtable ia_bits) kvm_pgtable.start_level=$(exp_off kvm_pgtable start_level) kvm_pgtable.pgd=$(exp_off kvm_pgtable pgd)"
	got=$(/usr/bin/python3 - "$v" 2>&1 <<'EOF'
import sys, drgn
prog = drgn.Program(drgn.Platform(drgn.Architecture.AARCH64,
                                  drgn.PlatformFlags.IS_64_BIT | drgn.PlatformFlags.IS_LITTLE_ENDIAN))
prog.load_debug_info([sys.argv[1]])
out = []
for t, m in (('kvm', 'vm_list'), ('kvm', 'arch'), ('kvm', 'userspace_pid'), ('kvm', 'stats_id'),
             ('kvm_arch', 'mmu'), ('kvm_s2_mmu', 'pgd_phys'), ('kvm_s2_mmu', 'pgt'),
             ('kvm_pgtable', 'ia_bits'), ('kvm_pgtable', 'start_level'), ('kvm_pgtable', 'pgd')):
    ty = prog.type('struct ' + t)
    out.append('%s.%s=%d %d' % (t, m, drgn.offsetof(ty, m), drgn.sizeof(ty.member(m).type)))
print(' '.join(out))
EOF
)
	if [ "$got" = "$want" ]; then
		pass "layout $L drgn 0.0.22 reads the struct kvm / kvm_s2_mmu / kvm_pgtable members at pahole.txt's offsets"
	else
		fail "layout $L drgn: expected '$want', got '$got'"
	fi
done
