#!/usr/bin/env bash
# `make demo`: the main job on the bundled sample vmcore. The sample is
# generated at build time by the synthetic vmcore kit (tests/vmcores/,
# scenario tests/vmcores/scenarios/demo.scn): a 6.12-layout arm64 host with
# two VMs, one struct kvm in the linear map and one vmalloc'd, 4K pages,
# 2M/1G blocks, read-only and AF-clear pages and a KVM "locked" invalid PTE.
# Every front end does its main job on it: the CLI (all VMs; one VM's exact
# debugfs text; one IPA), crash (Debian's arm64 crash under qemu-user,
# --minimal), drgn (Debian's) and gdb (gdb-multiarch); then the pre-fault report and the nested
# analysis on two more generated samples. `make demo-real` does the same on a dump of
# Debian's real arm64 kernel with live KVM guests (about ten minutes the
# first time).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
L=${S2_DEMO_LAYOUT:-linux-6.12}
dir=build/vmcores/$L/demo
[ -f "$dir/vmcore" ] || make --no-print-directory vmcores >/dev/null
core=$dir/vmcore vml=$dir/vmlinux
run() { echo; echo "== $*"; "$@"; }
run build/s2dump -c "$core" -s "$vml"
kvm=$(build/s2dump -c "$core" -s "$vml" | awk '/^kvm 0x/ { print $2; exit }')
pid=$(build/s2dump -c "$core" -s "$vml" | awk '/^kvm 0x/ { print $4; exit }')
run build/s2dump -c "$core" -s "$vml" -x "$kvm"
run build/s2dump -c "$core" -s "$vml" -t 0x40001234 "$pid"
run build/nesteds2 -c "$core" -s "$vml" list

echo
echo "== crash --minimal $vml $core; extend s2dump.so; s2dump -x $kvm"
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
printf 'extend %s\ns2dump -x %s\nquit\n' "$top/build/extensions/arm64/s2dump.so" "$kvm" >"$cmds"
build/tools/bin/crash-arm64 -s --minimal "$vml" "$core" -i "$cmds" </dev/null 2>&1 |
	sed -n '/^---\[ Guest IPA \]---$/,$p'

run drgn -q -c "$core" -s "$vml" libdrgn-contrib/s2dump.py s2dump -t 0x40001234 "$pid"

echo
echo "== gdb-multiarch $vml $core; source s2dump-gdb.py; s2dump -t 0x40001234 $pid"
gdb-multiarch -q -nx -batch -ex "file $vml" -ex "core-file $core" \
	-ex "source $top/build/share/s2dump/s2dump-gdb.py" -ex "s2dump -t 0x40001234 $pid" 2>&1

# Two more samples of the kit: memslots with a vCPU fault, and a nested VM (guest hypervisor
# stage 2 in guest memory, shadow MMUs).
m=build/vmcores/$L/memslots
run build/s2dump -c "$m/vmcore" -s "$m/vmlinux" -p 1101
n=build/vmcores/$L/nested-gs2-4k
run build/nesteds2 -c "$n/vmcore" -s "$n/vmlinux" list
mmu=$(build/nesteds2 -c "$n/vmcore" -s "$n/vmlinux" list | awk '/ valid / { print $3; exit }')
run build/nesteds2 -c "$n/vmcore" -s "$n/vmlinux" guest "$mmu"
run build/nesteds2 -c "$n/vmcore" -s "$n/vmlinux" check
