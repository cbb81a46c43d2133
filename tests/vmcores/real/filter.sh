#!/usr/bin/env bash
# Filters a dump the way customers' kdump does: makedumpfile -d 31 (drops zero,
# cache, user and free pages: guest memory goes, stage-2 tables and struct kvm
# stay), once as ELF (-E) and once in the compressed kdump format (-c, zlib)
# customers send.
#
#   filter.sh RUN_DIR        writes RUN_DIR-d31/ and RUN_DIR-d31c/
#                            {vmcore, vmlinux, truth/, makedumpfile.log}
#
# Uses Debian's arm64 makedumpfile 1.7.2 under qemu-user (build/tools/bin/
# makedumpfile-arm64, from scripts/arm64-tools.sh), on the host: the same
# program a capture kernel would run, on the same /proc/vmcore content.
# makedumpfile refuses Debian's kernels as they are ("PAGE SIZE 0x1000 and
# VA Bits 52 not supported": 4K pages with a VA_BITS=52 build); it works when
# given, with -i, a copy of the dump's VMCOREINFO that says NUMBER(VA_BITS)=48
# (what the kernel really runs with, TCR_EL1_T1SZ=16) and has KERNELOFFSET
# subtracted from every SYMBOL() (-i files are taken as vmlinux-generated and
# get KERNELOFFSET added). The written dump keeps the original VMCOREINFO.
# Not for LPA2 runs (the kernel really runs with 52-bit VAs there).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1 # verify.py is imported: no __pycache__ in the clone
here=$(cd "$(dirname "$0")" && pwd)
top=${S2_TOP:-$(cd "$here/../../.." && pwd)}
md=$top/build/tools/bin/makedumpfile-arm64
run=${1:?usage: filter.sh RUN_DIR}
run=${run%/}
out=$run-d31
[ -x "$md" ] || { echo "filter.sh: $md missing: run scripts/arm64-tools.sh" >&2; exit 2; }
[ -e "$run/vmcore" ] && [ -e "$run/truth/READY" ] || { echo "filter.sh: $run: no vmcore or truth" >&2; exit 2; }
for d in "$out" "$out"c; do
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$run/truth" "$d/truth"
	ln -s "$(readlink -f "$run/vmlinux")" "$d/vmlinux"
done
PYTHONPATH=$here /usr/bin/python3 -c '
import sys
from verify import Dump
vi = Dump(sys.argv[1]).vmcoreinfo
if vi.get("NUMBER(TCR_EL1_T1SZ)", "16") not in ("16", "0x10"):
    sys.exit("filter.sh: the kernel ran with TCR_EL1_T1SZ=%s, not 48-bit VAs" % vi["NUMBER(TCR_EL1_T1SZ)"])
off = int(vi.get("KERNELOFFSET", "0"), 16)
with open(sys.argv[2], "w") as f:
    for k, v in vi.items():
        if k == "NUMBER(VA_BITS)":
            v = "48"
        elif k.startswith("SYMBOL("):
            v = "%x" % ((int(v, 16) - off) & ((1 << 64) - 1))
        f.write("%s=%s\n" % (k, v))
' "$run/vmcore" "$out/vmcoreinfo.48"
for d in "$out" "$out"c; do
	t0=$(date +%s)
	format=-E
	[ "$d" = "$out" ] || format=-c
	if ! "$md" -f -i "$out/vmcoreinfo.48" -d 31 $format "$run/vmcore" "$d/vmcore" >"$d/makedumpfile.log" 2>&1; then
		echo "filter.sh: makedumpfile $format failed: $(grep -v Copying "$d/makedumpfile.log" | tail -2 | tr '\n' ' ')" >&2
		exit 1
	fi
	echo "filter.sh: $d: $(stat -c %s "$d/vmcore") bytes (from $(stat -c %s "$run/vmcore")) in $(($(date +%s) - t0)) s"
done
