#!/usr/bin/env bash
# `make demo-real`: the main job on a real-kernel sample vmcore, made from
# Debian's own arm64 kernel (trixie-backports 7.2) booted under QEMU TCG with
# live KVM guests and dumped with QEMU's dump-guest-memory
# (tests/vmcores/real/; about ten minutes the first time, cached outside the
# clone in ${S2_REAL_CACHE:-/var/cache/s2dump-real} afterwards). Then every
# front end's main job on it: every VM's stage 2 with the CLI, one VM's exact
# debugfs text, the nested MMUs, and the same through drgn.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
rel=7.2.12+deb13-arm64
dump=$cache/dumps/$rel/qemu-elf
if [ ! -e "$dump/truth/READY" ]; then
	echo "== making the sample: Debian $rel under QEMU with live KVM guests (first time: ~10 min)"
	tests/vmcores/real/prepare.sh
	tests/vmcores/real/run.sh "$rel"
fi
run() { echo; echo "== $*"; "$@"; }
run build/s2dump -c "$dump/vmcore" -s "$dump/vmlinux"
kvm=$(build/s2dump -c "$dump/vmcore" -s "$dump/vmlinux" | awk '/^kvm 0x/ { print $2; exit }')
run build/s2dump -c "$dump/vmcore" -s "$dump/vmlinux" -x "$kvm"
run build/s2dump -c "$dump/vmcore" -s "$dump/vmlinux" -t 0x40000000 "$kvm"
run build/nesteds2 -c "$dump/vmcore" -s "$dump/vmlinux" list
run drgn -q -c "$dump/vmcore" -s "$dump/vmlinux" libdrgn-contrib/s2dump.py nesteds2 list
echo
echo "== the same with crash: build/tools/bin/crash-arm64 --minimal $dump/vmlinux $dump/vmcore"
echo "   crash> extend $top/build/extensions/arm64/s2dump.so"
echo "   crash> s2dump -x $kvm"
