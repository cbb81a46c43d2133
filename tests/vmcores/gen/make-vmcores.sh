#!/usr/bin/env bash
# Writes every scenario for every layout it names (`layout` lines; default linux-6.12) into
# build/vmcores/<layout>/<scenario>/{vmcore,vmlinux,expected/}, plus build/vmcores/README.md.
# Arguments: the layouts whose generator is built.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
out=build/vmcores
have=" $* "
readme=$out/README.md
{
	echo "# Generated synthetic vmcores"
	echo
	echo "Made by \`make vmcores\` from tests/vmcores/scenarios/*.scn (format: tests/vmcores/README.md)."
	echo
} >"$readme"
for scn in tests/vmcores/scenarios/*.scn; do
	name=$(basename "$scn" .scn)
	layouts=$(awk '$1 == "layout" { for (i = 2; i <= NF; i++) print $i }' "$scn")
	[ -n "$layouts" ] || layouts=linux-6.12
	for L in $layouts; do
		case "$have" in *" $L "*) ;; *) echo "make-vmcores: skip $name for $L (no generator for $L yet)" >&2; continue ;; esac
		vml=${VMC_VMLINUX_DIR:-$out/vmlinux}/$L/vmlinux
		[ -f "$vml" ] || { echo "make-vmcores: $vml missing (built by tests/vmcores/layouts)" >&2; exit 1; }
		dir=$out/$L/$name
		rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
		"$out/gen/s2gen-$L" "$scn" "$vml" "$dir"
		cp "$vml" "$dir/vmlinux"
		{
			echo "## $L/$name"
			echo
			grep '^#' "$scn" | sed 's/^# \{0,1\}//'
			echo
		} >>"$readme"
	done
done
