#!/usr/bin/env bash
# Acceptance: Debian's unmodified drgn opens every generated vmcore, finds the scenario's VMs on
# vm_list (address and pid against expected/vms), and reads stage-2 roots and guest pages physically;
# memslots (gfn_tree), the vCPU, pKVM mappings by DWARF; an independent two-stage walk of the
# nested scenarios against nested-translate; the same on every kdump-compressed copy.
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top"
[ -n "${VMC_ROOT:-}" ] || make -s --no-print-directory vmcores >build/vmcores-make.log 2>&1 ||
	{ echo "FAIL drgn make-vmcores: make vmcores failed (build/vmcores-make.log)"; exit 0; }
found=0
root=${VMC_ROOT:-build/vmcores}
for dir in "$root"/linux-*/*/; do
	[ -f "$dir/vmcore" ] || continue
	# QEMU's shifted ELF (expected/field): unmodified readers misread it; tests/synthetic/check-field.sh
	# runs this script on the repaired copies
	grep -qs '^defect=elf-shift' "$dir/expected/field" && continue
	found=1
	/usr/bin/python3 tests/vmcores/gen/check_drgn.py "${dir%/}"
	# the kdump-compressed copy (drgn reads it through libkdumpfile)
	[ -f "$dir/vmcore.kdump" ] && /usr/bin/python3 tests/vmcores/gen/check_drgn.py "${dir%/}" vmcore.kdump
done
[ "$found" = 1 ] || echo "FAIL drgn: no scenario in build/vmcores"
