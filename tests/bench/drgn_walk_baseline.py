# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark's baseline: what a drgn user would write without s2dump. Plain drgn Python finds
# the VM on vm_list, reads its struct kvm_pgtable, then walks the stage-2 tables itself: one
# prog.read() of each whole table (physical), struct.unpack of its descriptors, and a decode of
# every descriptor (valid, table/block/page, output address, S2AP, XN, AF, MemAttr, SH).
#
#   drgn -q -c vmcore -s vmlinux tests/bench/drgn_walk_baseline.py PID [MAX_LEAVES]
#
# Stops after MAX_LEAVES valid leaves (0: walk everything) and prints
#   leaves=N tables=N table_bytes=N seconds=S ns_per_leaf=X
# (seconds: the walk only, after the VM was found), so a run over part of a big table can be
# scaled per entry.
import struct
import sys
import time

from drgn.helpers.linux.list import list_for_each_entry

pid = int(sys.argv[1])
max_leaves = int(sys.argv[2]) if len(sys.argv) > 2 else 0

kvm = None
for k in list_for_each_entry("struct kvm", prog["vm_list"].address_of_(), "vm_list"):  # noqa: F821
    if k.userspace_pid.value_() == pid:
        kvm = k
        break
if kvm is None:
    sys.exit(f"no VM with pid {pid}")
pgt = kvm.arch.mmu.pgt
ia_bits = pgt.ia_bits.value_()
start_level = pgt.start_level.value_()
if start_level > 3:                      # u32 in old kernels, s8 in new ones
    start_level -= 1 << 32
page_shift = prog["PAGE_SHIFT"].value_()  # noqa: F821
granule = 1 << page_shift
entries = granule // 8
root_pa = kvm.arch.mmu.pgd_phys.value_()
oa_mask = ((1 << 48) - 1) & ~(granule - 1)


def level_shift(level):
    return (page_shift - 3) * (4 - level) + 3


class Stop(Exception):
    pass


stats = {"leaves": 0, "tables": 0, "bytes": 0, "mapped": 0}
unpack = struct.Struct("<%dQ" % entries).unpack


def walk(table_pa, level, base, nentries):
    data = prog.read(table_pa, nentries * 8, True)  # noqa: F821
    stats["tables"] += 1
    stats["bytes"] += len(data)
    shift = level_shift(level)
    descs = struct.unpack("<%dQ" % nentries, data) if nentries != entries else unpack(data)
    for i, d in enumerate(descs):
        if not d & 1:
            continue
        ipa = base + (i << shift)
        if level < 3 and d & 2:
            walk(d & oa_mask, level + 1, ipa, entries)
            continue
        kind = "page" if level == 3 else "block"
        oa = d & oa_mask & ~((1 << shift) - 1)
        attrs = (oa, (d >> 6) & 1, (d >> 7) & 1, (d >> 53) & 3, (d >> 10) & 1, (d >> 2) & 0xf, (d >> 8) & 3,
                 kind)
        stats["leaves"] += 1
        stats["mapped"] += 1 << shift
        if attrs[0] < 0 or (max_leaves and stats["leaves"] >= max_leaves):
            raise Stop


# The start level: all concatenated tables as one (ia_bits bits above the start level's shift).
root_entries = 1 << (ia_bits - level_shift(start_level))
t0 = time.monotonic()
try:
    walk(root_pa, start_level, 0, root_entries)
except Stop:
    pass
t = time.monotonic() - t0
print(f"leaves={stats['leaves']} tables={stats['tables']} table_bytes={stats['bytes']} mapped={stats['mapped']} "
      f"seconds={t:.3f} ns_per_leaf={t * 1e9 / max(stats['leaves'], 1):.1f}")
