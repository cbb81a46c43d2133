# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark setup (not timed): where in the vmcore file the level-3 tables of one VM's mapped IPA
# range lie, so that the byte-reading floor reads the same bytes the walk reads.
#   drgn -q -c vmcore -s vmlinux tests/bench/table_range.py BUILD VMCORE PID IPA_LO IPA_HI
# Prints "offset=0x.. length=0x.. first_table_pa=0x.. last_table_pa=0x.. l3_tables=N": the file
# range from the table translating IPA_LO to the one translating IPA_HI - 1 (the generator's pool
# hands out tables in IPA order; l3_tables is how many such tables the range must at least hold).
import struct
import sys

build, vmcore, pid, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4], 0), int(sys.argv[5], 0)
sys.path.insert(0, build + "/python")
from s2dump_drgn import for_each_kvm, s2_translate  # noqa: E402

kvm = next(k for k in for_each_kvm(prog) if k.userspace_pid.value_() == pid)  # noqa: F821
first, last = s2_translate(kvm, lo), s2_translate(kvm, hi - 1)
if first.fault or last.fault or first.level != 3 or last.level != 3:
    sys.exit(f"table_range: IPA 0x{lo:x}..0x{hi:x} is not mapped by pages: {first} {last}")
granule = first.size
first_pa, last_pa = first.desc_pa & ~(granule - 1), last.desc_pa & ~(granule - 1)
with open(vmcore, "rb") as f:
    ehdr = f.read(64)
    phoff, = struct.unpack_from("<Q", ehdr, 32)
    phentsize, phnum = struct.unpack_from("<HH", ehdr, 54)
    offset = None
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack("<IIQQQQ", f.read(40))
        if p_type == 1 and p_paddr <= first_pa and last_pa + granule <= p_paddr + p_filesz:
            offset = p_offset + first_pa - p_paddr
            break
if offset is None:
    sys.exit(f"table_range: PA 0x{first_pa:x}..0x{last_pa + granule:x} is not in one PT_LOAD")
span = granule * (granule // 8)  # IPA bytes one level-3 table maps
print(f"offset=0x{offset:x} length=0x{last_pa + granule - first_pa:x} first_table_pa=0x{first_pa:x} "
      f"last_table_pa=0x{last_pa:x} l3_tables={(hi - lo + span - 1) // span}")
