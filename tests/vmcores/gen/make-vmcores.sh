#!/usr/bin/env bash
# Writes every scenario for every layout it names (`layout` lines; default linux-6.12) into
# build/vmcores/<layout>/<scenario>/{vmcore,vmlinux,expected/}, plus build/vmcores/README.md.
# A scenario with a `kdump` line also gets vmcore.kdump: makedumpfile:arm64 (under qemu-user,
# scripts/arm64-tools.sh) compresses the ELF vmcore (-c -d 0: zlib, nothing filtered).
# Arguments: the layouts whose generator is built.
# VMC_SCENARIOS (default tests/vmcores/scenarios) and VMC_OUT (default build/vmcores) select
# another scenario set and output tree (make vmcores-bench).
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
out=${VMC_OUT:-build/vmcores}
gen=build/vmcores/gen
mdf=${MAKEDUMPFILE:-build/tools/bin/makedumpfile-arm64}
mkdir -p "$out"
have=" $* "
readme=$out/README.md
{
	echo "# Generated synthetic vmcores"
	echo
	echo "Made by \`make vmcores\` from tests/vmcores/scenarios/*.scn (format: tests/vmcores/README.md)."
	echo
} >"$readme"
for scn in "${VMC_SCENARIOS:-tests/vmcores/scenarios}"/*.scn; do
	name=$(basename "$scn" .scn)
	layouts=$(awk '$1 == "layout" { for (i = 2; i <= NF; i++) print $i }' "$scn")
	[ -n "$layouts" ] || layouts=linux-6.12
	for L in $layouts; do
		case "$have" in *" $L "*) ;; *) echo "make-vmcores: skip $name for $L (no generator for $L yet)" >&2; continue ;; esac
		# `vmlinux-variant V`: the layout's fake vmlinux built with other kernel code (tests/vmcores/layouts/module.mk)
		variant=$(awk '$1 == "vmlinux-variant" { print $2 }' "$scn")
		vml=${VMC_VMLINUX_DIR:-$out/vmlinux}/$L${variant:++$variant}/vmlinux
		[ -f "$vml" ] || { echo "make-vmcores: $vml missing (built by tests/vmcores/layouts)" >&2; exit 1; }
		dir=$out/$L/$name
		rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
		"$gen/s2gen-$L" "$scn" "$vml" "$dir"
		cp "$vml" "$dir/vmlinux"
		if grep -q '^kdump' "$scn"; then
			[ -x "$mdf" ] || { echo "make-vmcores: $mdf missing (scripts/arm64-tools.sh)" >&2; exit 1; }
			"$mdf" -c -d 0 "$dir/vmcore" "$dir/vmcore.kdump" >"$dir/makedumpfile.log" 2>&1 ||
				{ cat "$dir/makedumpfile.log" >&2; echo "make-vmcores: makedumpfile failed for $dir" >&2; exit 1; }
			chmod 644 "$dir/vmcore.kdump"; rm -f "$dir/makedumpfile.log"
		fi
		{
			echo "## $L/$name"
			echo
			grep '^#' "$scn" | sed 's/^# \{0,1\}//'
			echo
		} >>"$readme"
	done
done
