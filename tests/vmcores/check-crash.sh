#!/usr/bin/env bash
# Acceptance: Debian's arm64 crash 8.0.2 (under qemu-user) opens the generated vmcores.
#  --minimal, every undamaged dump and its kdump-compressed copy: `sym vm_list`, `rd vm_list 2`,
#  `rd -p` of a guest page.
#  full mode (-s --no_kmem_cache --no_panic), non-KASLR 48-bit 4K and 64K dumps and their kdump copies:
#  `struct kvm.userspace_pid`, and
#  where the scenario has them a memslot's npages and a vCPU's arch.fault.esr_el2 by DWARF.
# One command file per dump and mode: crash under qemu is slow.
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
[ -n "${VMC_ROOT:-}" ] || make -s --no-print-directory vmcores >build/vmcores-make-crash.log 2>&1 ||
	{ echo "FAIL crash make-vmcores: make vmcores failed (build/vmcores-make-crash.log)"; exit 0; }
crash=${CRASH:-build/tools/bin/crash-arm64}
[ -x "$crash" ] || { echo "FAIL crash: $crash missing (scripts/arm64-tools.sh)"; exit 0; }
root=${VMC_ROOT:-build/vmcores}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
found=0
field() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1; }
for dir in "$root"/linux-*/*/; do
	dir=${dir%/}
	[ -f "$dir/vmcore" ] || continue
	[ -f "$dir/expected/error" ] && continue
	# QEMU's shifted ELF (expected/field): unmodified readers misread it; tests/synthetic/check-field.sh
	# runs this script on the repaired copies
	grep -qs '^defect=elf-shift' "$dir/expected/field" && continue
	found=1
	name=${dir#"$root"/}
	vm_list=$(field "$dir/expected/symbols" vm_list)
	next=$(field "$dir/expected/symbols" vm_list.next)
	prev=$(field "$dir/expected/symbols" vm_list.prev)
	# a guest page with its marker, from the first in-RAM translation of the first VM that has one
	# (multi-vm: pid 7001's translations are faults)
	# (leaves of more than 2M point above the dumped RAM, at 4 GiB and up: skip those)
	ipa=
	for pid in $(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$dir/expected/vms"); do
		read -r ipa pa _ size < <(grep ' pa=0x00000000' "$dir/expected/$pid/translate" 2>/dev/null | head -n 1)
		[ -n "$ipa" ] && break
	done
	if [ -z "$ipa" ]; then
		echo "FAIL crash minimal-rd-p $name: no VM of expected/vms has an in-RAM translation to read"
		continue
	fi
	kvm=$(grep " pid=$pid " "$dir/expected/vms" | head -n 1 | sed 's/^kvm=\([^ ]*\) .*/\1/')
	pa=$((${pa#pa=})); size=$((${size#size=}))
	base=$(printf '0x%x' $((pa & ~(size - 1))))
	marker=$(printf 'VM%s-IPA-%x' "$pid" $(( ipa & ~(size - 1) )))
	printf 'sym vm_list\nrd vm_list 2\nrd -p %s 2\nexit\n' "$base" >"$tmp/min"
	for core in vmcore vmcore.kdump; do
	[ -f "$dir/$core" ] || continue
	cname=$name; [ "$core" = vmcore ] || cname=$name/$core
	out=$(timeout 300 "$crash" --minimal "$dir/vmlinux" "$dir/$core" -i "$tmp/min" 2>&1)
	if [ "$(field "$dir/expected/symbols" page_size)" = 16384 ]; then
		# crash 8.0.2's arm64 support knows 4K and 64K pages only: assert its own refusal
		if grep -q "invalid/unsupported page size: 16384" <<<"$out"; then
			echo "PASS crash 16k-refused-by-crash-8.0.2 $cname"
		else
			echo "FAIL crash 16k-refused-by-crash-8.0.2 $cname: $(tail -n 2 <<<"$out" | tr '\n' '|')"
		fi
		continue 2
	fi
	if grep -q "^${vm_list#0x} (.) vm_list" <<<"$out"; then
		echo "PASS crash minimal-sym $cname"
	else
		echo "FAIL crash minimal-sym $cname: expected '${vm_list#0x} (D) vm_list' in: $(grep -A1 'sym vm_list' <<<"$out" | tail -n 1)"
	fi
	if grep -q "^${vm_list#0x}:  ${next#0x} ${prev#0x}" <<<"$out"; then
		echo "PASS crash minimal-rd $cname"
	else
		echo "FAIL crash minimal-rd $cname: expected ${next} ${prev} in: $(grep -A1 'rd vm_list' <<<"$out" | tail -n 1)"
	fi
	# rd -p prints the bytes as ASCII on the right: the marker's first 16 characters
	if grep -qF "${marker:0:16}" <<<"$(grep -A1 "rd -p" <<<"$out")"; then
		echo "PASS crash minimal-rd-p $cname"
	else
		echo "FAIL crash minimal-rd-p $cname: expected '${marker:0:16}' at PA $base in: $(grep -A1 'rd -p' <<<"$out" | tail -n 1)"
	fi
	done
	# full mode where crash 8.0.2 starts fully: no KASLR (it segfaults after "cannot determine
	# NR_FREE_PAGES enumerator"), 48-bit VA_BITS (with the shifted PHYS_OFFSET of a VA_BITS=52
	# build it reads the linear map wrong, as on Debian's real 7.2), 4K or 64K pages (it refuses 16K)
	if [ "$(field "$dir/expected/symbols" kernel_offset)" = 0x0 ] &&
	   [ "$(field "$dir/expected/symbols" va_bits)" = 48 ] &&
	   [ "$(field "$dir/expected/symbols" page_size)" != 16384 ]; then
		printf 'struct kvm.userspace_pid %s\nrd -p %s 2\n' "$kvm" "$base" >"$tmp/full"
		# memslot and vCPU objects (expected/<pid>/objects) by DWARF member names
		slot_va= slot_np= vcpu_va= vcpu_esr=
		if [ -f "$dir/expected/$pid/objects" ]; then
			read -r _ slot_id slot_va _ < <(grep '^memslot ' "$dir/expected/$pid/objects" | head -n 1) || true
			read -r _ _ vcpu_va _ < <(grep '^vcpu ' "$dir/expected/$pid/objects" | head -n 1) || true
			slot_va=${slot_va#va=}; vcpu_va=${vcpu_va#va=}
			if [ -n "$slot_va" ]; then
				sz=$(sed -n "s/^${slot_id} .* size=\([^ ]*\) .*/\1/p" "$dir/expected/$pid/memslots")
				slot_np=$((sz / $(field "$dir/expected/symbols" page_size)))  # pages of the host size
				printf 'struct kvm_memory_slot.npages %s\n' "$slot_va" >>"$tmp/full"
			fi
			if [ -n "$vcpu_va" ]; then
				vcpu_esr=$(sed -n '1s/.* esr=\([^ ]*\) .*/\1/p' "$dir/expected/$pid/vcpus")
				printf 'p/x ((struct kvm_vcpu *)%s)->arch.fault.esr_el2\n' "$vcpu_va" >>"$tmp/full"
			fi
		fi
		printf 'exit\n' >>"$tmp/full"
		for core in vmcore vmcore.kdump; do
		[ -f "$dir/$core" ] || continue
		cname=$name; [ "$core" = vmcore ] || cname=$name/$core
		out=$(timeout 600 "$crash" -s --no_kmem_cache --no_panic "$dir/vmlinux" "$dir/$core" -i "$tmp/full" 2>&1)
		if [ -n "$slot_va" ]; then
			if grep -q "npages = $slot_np," <<<"$out"; then
				echo "PASS crash full-memslot $cname"
			else
				echo "FAIL crash full-memslot $cname: expected 'npages = $slot_np,' for $slot_va"
			fi
		fi
		if [ -n "$vcpu_va" ]; then
			if grep -q "^\$[0-9]* = $vcpu_esr\$" <<<"$out"; then
				echo "PASS crash full-vcpu-esr $cname"
			else
				echo "FAIL crash full-vcpu-esr $cname: expected esr_el2 $vcpu_esr for vcpu $vcpu_va: $(grep '^\$' <<<"$out" | tr '\n' '|')"
			fi
		fi
		if grep -q "userspace_pid = $pid," <<<"$out"; then
			echo "PASS crash full-struct $cname"
		else
			echo "FAIL crash full-struct $cname: expected 'userspace_pid = $pid,' for kvm $kvm; got: $(grep -v '^$' <<<"$out" | tail -n 3 | tr '\n' '|')"
		fi
		if grep -qF "${marker:0:16}" <<<"$out"; then
			echo "PASS crash full-rd-p $cname"
		else
			echo "FAIL crash full-rd-p $cname: expected '${marker:0:16}' at PA $base"
		fi
		done
	fi
done
[ "$found" = 1 ] || echo "FAIL crash: no scenario in $root"
