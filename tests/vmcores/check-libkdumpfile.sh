#!/usr/bin/env bash
# Acceptance: libkdumpfile (C API, ostype "linux") reads every generated vmcore: each VM's
# stats_id through its kernel VA (linear or vmalloc, so through swapper_pg_dir), each stage-2
# root's first bytes physically, and guest pages physically (marker "VM<pid>-IPA-<ipa>"), each
# memslot object and each vCPU's arch.fault by kernel VA; the same on the kdump-compressed copies
# (vmcore.kdump).
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
[ -n "${VMC_ROOT:-}" ] || make -s --no-print-directory vmcores build/vmcores/gen/kdumpread >build/vmcores-make-kdf.log 2>&1 ||
	{ echo "FAIL libkdumpfile make-vmcores: make failed (build/vmcores-make-kdf.log)"; exit 0; }
rd=${KDUMPREAD:-build/vmcores/gen/kdumpread}
hexstr() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
found=0
root=${VMC_ROOT:-build/vmcores}
for dir in "$root"/linux-*/*/; do
	dir=${dir%/}
	[ -f "$dir/vmcore" ] || continue
	# QEMU's shifted ELF (expected/field): unmodified readers misread it; tests/synthetic/check-field.sh
	# runs this script on the repaired copies
	grep -qs '^defect=elf-shift' "$dir/expected/field" && continue
	found=1
	name=${dir#"$root"/}
	damage=
	[ -f "$dir/expected/error" ] && damage=$(sed -n 's/^damage=\([^ ]*\).*/\1/p' "$dir/expected/error")
	if [ "$damage" = truncate ]; then
		# past the end of the file the kernel objects must not be readable as they were written
		# (libkdumpfile 0.5.1 may return an error or zeros)
		eval "$(tr ' ' '\n' <"$dir/expected/vms" | sed -n 's/^\(pid\|stats_id_va\)=\(.*\)/v_\1=\2/p')"
		want=$(hexstr "kvm-$v_pid")
		got=$("$rd" "$dir/vmcore" kv "$v_stats_id_va" $((${#want}/2)) 2>&1)
		if [ "$got" = "$want" ]; then
			echo "FAIL libkdumpfile truncated-read $name: stats_id at $v_stats_id_va read back past the end of the file"
		else
			echo "PASS libkdumpfile truncated-read $name"
		fi
		continue
	fi
	for core in vmcore vmcore.kdump; do
	[ -f "$dir/$core" ] || continue
	cname=$name; [ "$core" = vmcore ] || cname=$name/$core
	while read -r line; do
		eval "$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^\(kvm\|pid\|pgd_pa\|stats_id_va\|area\)=\(.*\)/v_\1=\2/p')"
		want=$(hexstr "kvm-$v_pid")
		got=$("$rd" "$dir/$core" kv "$v_stats_id_va" $((${#want}/2)) 2>&1)
		if [ "$got" = "$want" ]; then
			echo "PASS libkdumpfile kvaddr-$v_area-$v_pid $cname"
		else
			echo "FAIL libkdumpfile kvaddr-$v_area-$v_pid $cname: stats_id at $v_stats_id_va expected $want got $got"
		fi
		got=$("$rd" "$dir/$core" kp "$v_pgd_pa" 8 2>&1)
		if [ -f "$dir/expected/$v_pid/pkvm" ]; then
			: # pKVM: the host has no stage-2 tables (pgd_phys is garbage)
		elif [[ "$got" =~ ^[0-9a-f]{16}$ ]]; then
			echo "PASS libkdumpfile root-phys-$v_pid $cname"
		else
			echo "FAIL libkdumpfile root-phys-$v_pid $cname: PA $v_pgd_pa: $got"
		fi
		# each struct kvm_memory_slot by kernel VA (expected/<pid>/objects): its npages (SIZE /
		# page size from expected/memslots, 8 bytes little-endian) must be in it, 8-byte aligned
		if [ -f "$dir/expected/$v_pid/objects" ] && [ -z "$damage" ]; then
			while read -r kind a b _; do
				case "$kind" in memslot) ;; *) continue ;; esac
				va=${b#va=}
				sz=$(sed -n "s/^${a} .* size=\([^ ]*\) .*/\1/p" "$dir/expected/$v_pid/memslots")
				ps=$(tr ' ' '\n' <"$dir/expected/symbols" | sed -n 's/^page_size=//p')
				np=$(printf '%016x' $((sz / ps)) | sed 's/../& /g' | tr ' ' '\n' | grep . | tac | tr -d '\n')
				got=$("$rd" "$dir/$core" kv "$va" 256 2>&1)
				if [ -n "$sz" ] && grep -qE "^(.{16})*$np" <<<"$got"; then
					echo "PASS libkdumpfile memslot-$v_pid-${a#id=} $cname"
				else
					echo "FAIL libkdumpfile memslot-$v_pid-${a#id=} $cname: npages $np not in struct kvm_memory_slot at $va: $got"
				fi
			done <"$dir/expected/$v_pid/objects"
			# each vCPU's arch.fault {esr_el2, far_el2, hpfar_el2} by kernel VA, against expected/vcpus
			while read -r kind a _ c; do
				[ "$kind" = vcpu ] || continue
				fva=${c#fault_va=}
				line=$(grep "^${a} " "$dir/expected/$v_pid/vcpus")
				want=
				for k in esr far hpfar; do
					x=$(tr ' ' '\n' <<<"$line" | sed -n "s/^$k=//p")
					want=$want$(printf '%016x' $((x)) | sed 's/../& /g' | tr ' ' '\n' | grep . | tac | tr -d '\n')
				done
				got=$("$rd" "$dir/$core" kv "$fva" 24 2>&1)
				if [ "$got" = "$want" ]; then
					echo "PASS libkdumpfile vcpu-fault-$v_pid-${a#idx=} $cname"
				else
					echo "FAIL libkdumpfile vcpu-fault-$v_pid-${a#idx=} $cname: arch.fault at $fva expected $want got $got"
				fi
			done <"$dir/expected/$v_pid/objects"
		fi
		while read -r ipa pa lvl size; do
			case "$pa" in pa=*) ;; *) continue ;; esac
			pa=$((${pa#pa=})); size=$((${size#size=})); ipa=$((ipa))
			base_pa=$((pa & ~(size - 1))); base_ipa=$((ipa & ~(size - 1)))
			[ "$base_pa" -lt $((0x100000000)) ] || continue
			marker=$(printf 'VM%s-IPA-%x' "$v_pid" "$base_ipa")
			want=$(hexstr "$marker")
			got=$("$rd" "$dir/$core" kp "$(printf '0x%x' $base_pa)" ${#marker} 2>&1)
			if [ "$got" = "$want" ]; then
				echo "PASS libkdumpfile guest-page-$v_pid-$(printf %x $ipa) $cname"
			elif [ -n "$damage" ]; then
				:
			else
				echo "FAIL libkdumpfile guest-page-$v_pid-$(printf %x $ipa) $cname: expected $marker got $got"
			fi
		done <"$dir/expected/$v_pid/translate"
	done <"$dir/expected/vms"
	done
done
[ "$found" = 1 ] || echo "FAIL libkdumpfile: no scenario in build/vmcores"
