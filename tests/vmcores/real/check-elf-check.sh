#!/usr/bin/env bash
# elf-check.py (the real-kernel pipeline's guard against dumps their writer got
# wrong) accepts a good ELF vmcore and rejects each way QEMU's SVE-note defect
# moves memory, on a generated vmcore (build/vmcores, demo scenario):
#   ram-early   RAM written 0x660 bytes before PT_LOAD.p_offset (a later vCPU's
#               SVE note was shorter than the first's), the file that much short;
#               ram-early-padded: the same, padded back to the declared size
#   ram-late    RAM written 0x6f0 bytes after it, the PT_NOTE segment cut inside
#               the last note (a later vCPU's SVE note was longer)
#   ram-late-notes-whole  RAM 0x6f0 bytes late with an intact note chain
#   release     a dump of another release than the one asked for
#   truncated   the file cut inside the first PT_LOAD
# The mutated copies are made here byte by byte from the good one (Python).
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$top"
py=/usr/bin/python3
chk=tests/vmcores/real/elf-check.py
[ -n "${VMC_ROOT:-}" ] || make -s --no-print-directory vmcores >build/vmcores-make-elfcheck.log 2>&1 ||
	{ echo "FAIL elf-check make-vmcores: make failed (build/vmcores-make-elfcheck.log)"; exit 0; }
dir=${VMC_ROOT:-build/vmcores}/linux-6.12/demo
good=$dir/vmcore
rel=$(strings -n 4 "$good" | sed -n 's/^OSRELEASE=//p' | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # name, want-status, pattern, file [release]
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$py" "$chk" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then
		echo "PASS elf-check $name"
	else
		echo "FAIL elf-check $name: status $rc (want $want), output: $out"
	fi
}

expect good 0 "init_uts_ns holds $rel" "$good" "$rel"

"$py" - "$good" "$tmp" <<'PY'
import struct, sys
src, tmp = sys.argv[1], sys.argv[2]
data = bytearray(open(src, "rb").read())
phoff, = struct.unpack_from("<Q", data, 32)
phnum, = struct.unpack_from("<H", data, 56)
note = next(i for i in range(phnum) if struct.unpack_from("<I", data, phoff + i * 56)[0] == 4)
noff, nsz = struct.unpack_from("<Q", data, phoff + note * 56 + 8)[0], struct.unpack_from("<Q", data, phoff + note * 56 + 32)[0]
end = noff + nsz
# RAM 0x660 bytes early: the bytes after the note segment move up
# (the file 0x660 bytes short, as QEMU writes it; padded back to its size)
open(tmp + "/ram-early", "wb").write(data[:end] + data[end + 0x660:])
open(tmp + "/ram-early-padded", "wb").write(data[:end] + data[end + 0x660:] + bytes(0x660))
# RAM 0x6f0 bytes late, notes whole: 0x6f0 bytes of filler after the notes
open(tmp + "/ram-late-notes-whole", "wb").write(data[:end] + b"\x5a" * 0x6f0 + data[end:])
# RAM late and PT_NOTE cut inside its last note, as when the notes ran long
cut = bytearray(data[:end] + b"\x5a" * 0x6f0 + data[end:])
struct.pack_into("<Q", cut, phoff + note * 56 + 32, nsz - 0x40)
struct.pack_into("<Q", cut, phoff + note * 56 + 40, nsz - 0x40)
open(tmp + "/ram-late", "wb").write(cut)
# cut inside the first PT_LOAD
load = next(i for i in range(phnum) if struct.unpack_from("<I", data, phoff + i * 56)[0] == 1)
loff = struct.unpack_from("<Q", data, phoff + load * 56 + 8)[0]
open(tmp + "/truncated", "wb").write(data[:loff + 0x1000])
PY

expect ram-early 1 "needs file offset 0x[0-9a-f]*, the file ends at" "$tmp/ram-early" "$rel"
expect ram-early-padded 1 "does not hold the release" "$tmp/ram-early-padded" "$rel"
expect ram-late-notes-whole 1 "does not hold the release" "$tmp/ram-late-notes-whole" "$rel"
expect ram-late 1 "runs 0x[0-9a-f]* bytes past the PT_NOTE segment" "$tmp/ram-late" "$rel"
expect release 1 "the dump was made of 9.9.9-other" "$good" 9.9.9-other
expect truncated 1 "past the end of the file\|the file ends at" "$tmp/truncated" "$rel"
expect not-elf 2 "not a little-endian ELF64" "$chk"
exit 0
