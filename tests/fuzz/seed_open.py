#!/usr/bin/env python3
"""Seed inputs for tests/fuzz/fuzz_open.c: one valid VM (4K, 36-bit IPA, start level 1, a 2M
block, a 4K page, a locked invalid PTE and a reserved descriptor) with one nested MMU, in 24 KiB
of memory so that mutations often reach the header and the member overrides, in the input format
documented at the top of fuzz_open.c. Usage: seed_open.py CORPUS_DIR"""
import os
import struct
import sys
import zlib

LINEAR = 0xffff000000000000
KIMAGE = 0xffff800080000000
RAM = 0x40000000
NMEMBERS = 52
HDR = 64


def seed(variant):
    ram = bytearray(0x6000)
    put = lambda off, val, n=8: struct.pack_into('<Q' if n == 8 else '<I' if n == 4 else '<B', ram, off, val)
    # page 0: vm_list head (0x0), kvm_pgtable (0x100), the nested one (0x180), struct kvm (0x200),
    # the nested MMU (0x800), the nested pointer array (0x900); swapper_pg_dir's page is zero
    # (0xf00: the core then reads the kernel image through kimage_voffset)
    # pages 1..5: stage-2 root (36-bit IPA, start level 1, one page), L2, L3, nested L0, nested L1
    kvm = LINEAR + 0x200
    head = KIMAGE + 0x0
    put(0x0, kvm + 0x10)                 # vm_list.next
    put(0x8, kvm + 0x10)                 # vm_list.prev
    put(0x200 + 0x10, head)              # kvm->vm_list
    put(0x200 + 0x18, head)
    put(0x200 + 0x20, 1234, 4)           # userspace_pid
    put(0x200 + 0x24, 2, 4)              # online_vcpus
    mmu = 0x200 + 0x100                  # kvm->arch.mmu
    put(mmu + 0x00, 1)                   # vmid
    put(mmu + 0x08, RAM + 0x1000)        # pgd_phys
    put(mmu + 0x10, LINEAR + 0x100)      # pgt
    put(mmu + 0x18, 0x8005355c)          # vtcr: T0SZ 28 (36-bit), SL0=1, 4K
    put(mmu + 0x20, kvm + 0x100)         # arch (back pointer)
    put(0x200 + 0x198, 1)                # nested_mmus_size
    if variant == 'ptr':
        put(0x200 + 0x190, LINEAR + 0x900)
        put(0x900, LINEAR + 0x800)
    else:
        put(0x200 + 0x190, LINEAR + 0x800)
    put(0x100 + 0x0, 36, 4)              # kvm_pgtable: ia_bits
    put(0x100 + 0x4, 1, 4)               #   start_level
    put(0x100 + 0x8, LINEAR + 0x1000)    #   pgd
    put(0x100 + 0x10, kvm + 0x100)       #   mmu
    put(0x1000 + 8 * 1, RAM + 0x2000 | 3)            # L1[1] (IPA 1G) -> L2 table
    put(0x2000 + 8 * 0, 0x0040000040200000 | 0x7fd)  # 2M block
    put(0x2000 + 8 * 1, RAM + 0x3000 | 3)            # -> L3 table
    put(0x3000, 0x0040000040008000 | 0x7ff)          # 4K page
    put(0x3008, 0x400)                               # locked invalid PTE
    put(0x3010, 0x0040000040009000 | 0x7fd)          # reserved at level 3
    nm = 0x800                                       # the nested MMU
    put(nm + 0x00, 10)
    put(nm + 0x08, RAM + 0x4000)
    put(nm + 0x10, LINEAR + 0x180)
    put(nm + 0x18, 0x80023558)
    put(nm + 0x20, kvm + 0x100)
    put(nm + 0x28, 0x0005000040800000)
    put(nm + 0x30, 0x80023558)
    put(nm + 0x38, 1, 1)
    put(0x180 + 0x0, 48, 4)
    put(0x180 + 0x4, 0, 4)
    put(0x180 + 0x8, LINEAR + 0x4000)
    put(0x4000, RAM + 0x5000 | 3)                    # L0[0] -> L1
    put(0x5000 + 8 * 2, 0x0040000080000000 | 0x7fd)  # 1G block at L1
    # one memslot: kvm->memslots[0] (0xa00) -> gfn_tree root = the slot's gfn_node[0] (0xb00)
    put(0x200 + 0x28, LINEAR + 0xa00)
    put(0xa00 + 0x0, 0, 4)                           # node_idx
    put(0xa00 + 0x8, LINEAR + 0xb00)                 # gfn_tree.rb_node
    put(0xb00 + 0x30, 0x40000)                       # base_gfn
    put(0xb00 + 0x38, 0x400)                         # npages (4 MiB)
    put(0xb00 + 0x48, 0x0000ffff80000000)            # userspace_addr
    # one vCPU: vcpu_array.xa_head is the entry itself (index 0 only), a data abort recorded
    put(0x200 + 0x40, LINEAR + 0xc00)
    put(0xc00 + 0x00, kvm)
    put(0xc00 + 0x20, 0x92000047)                    # EC 0x24, WnR, translation fault level 3
    put(0xc00 + 0x28, 0x40201234)
    put(0xc00 + 0x30, 0x40201000 >> 8)
    put(0xc00 + 0x38, kvm + 0x100)                   # hw_mmu
    hdr = bytearray(HDR)
    hdr[0] = 0                         # 4K, VA_BITS 48, read_kvaddr, no KASLR
    hdr[1] = 1                         # 6.12
    hdr[2] = (2 if variant == 'ptr' else 1) | 0x10
    struct.pack_into('<I', hdr, 8, 0)          # vm_list at RAM offset 0
    struct.pack_into('<I', hdr, 12, 0xf00)     # swapper_pg_dir
    struct.pack_into('<I', hdr, 32, 0x40)      # sizeof(struct kvm_s2_mmu)
    struct.pack_into('<H', hdr, 36, 1234)      # pid for -t
    return bytes(hdr) + bytes(NMEMBERS * 4) + bytes(ram)


def size0():
    """Regression: kvm.userspace_pid overridden to a 0-byte signed member (rd() read buf[-1])."""
    d = bytearray(seed('struct'))
    struct.pack_into('<I', d, 4, 1 << 1)
    struct.pack_into('<HBB', d, HDR + 4 * 1, 0x20, 0, 1)
    return bytes(d)


# Dumps from the field (docs/field-dumps.md): small QEMU-style files whose init_uts_ns (a kimage
# symbol, PA = VA - kimage_voffset) holds "Linux" and the release, so that the repair verifies.
UTS_VA = 0xffff800080000010
UTS_PA = 0x10010
RELEASE = b'6.12.0-fuzz'


def note(name, ntype, desc):
    n = name + b'\0'
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack('<III', len(n), len(desc), ntype) + pad(n) + pad(desc)


def vmcoreinfo(page=4096):
    return (b'OSRELEASE=%s\nPAGESIZE=%d\nSYMBOL(init_uts_ns)=%x\nOFFSET(uts_namespace.name)=0\n'
            b'NUMBER(kimage_voffset)=0x%x\n' % (RELEASE, page, UTS_VA, UTS_VA - UTS_PA))


def utsname():
    u = bytearray(6 * 65)
    for i, f in enumerate((b'Linux', b'fuzz', RELEASE, b'#1 SMP', b'aarch64', b'(none)')):
        u[i * 65:i * 65 + len(f)] = f
    return bytes(u)


def sve_size(vl_bits):
    vq = vl_bits // 128
    return 16 + ((512 * vq + 32 * vq + 2 * vq + 15) & ~15) + 16


def qemu_elf(vls):
    """QEMU's ELF with per-vCPU SVE notes sized like vCPU 0's in the headers: RAM shifted."""
    ram = bytearray(0x1000)
    ram[0x10:0x10 + 390] = utsname()
    cpu = lambda vl: (note(b'CORE', 1, bytes(392)) + note(b'LINUX', 0x405, bytes(sve_size(vl))) +
                      note(b'LINUX', 0x406, bytes(16)))
    real = b''.join(cpu(vl) for vl in vls) + note(b'VMCOREINFO', 0, vmcoreinfo())
    declared = len(b''.join(cpu(vls[0]) for _ in vls) + note(b'VMCOREINFO', 0, vmcoreinfo()))
    note_off = 64 + 2 * 56
    eh = bytearray(64)
    eh[:6] = b'\x7fELF\x02\x01'
    eh[6] = 1
    struct.pack_into('<HHIQQQIHHHHHH', eh, 16, 4, 183, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)
    ph = struct.pack('<IIQQQQQQ', 4, 0, note_off, 0, 0, declared, 0, 0)
    ph += struct.pack('<IIQQQQQQ', 1, 7, note_off + declared, UTS_VA - 0x10, UTS_PA - 0x10, len(ram), len(ram), 0)
    return bytes(eh) + ph + real + bytes(ram)


def qemu_kdump(flat, cut=False):
    """QEMU's kdump layout with 16 KiB blocks over 4 KiB pages (64 KiB would not fit max_len), an
    empty utsname; raw, or as makedumpfile's flattened stream (cut: without its end)."""
    blk = 0x4000
    first, mapnr = UTS_PA // blk, UTS_PA // blk + 1
    writes = []
    notes = note(b'VMCOREINFO', 0, vmcoreinfo())
    h = bytearray(464)
    h[:8] = b'KDUMP   '
    struct.pack_into('<I', h, 8, 6)
    h[12 + 4 * 65:12 + 4 * 65 + 7] = b'aarch64'
    struct.pack_into('<IiiIII', h, 424, 1, blk, 1, 2, mapnr, 0)
    writes.append((0, bytes(h)))
    sh = bytearray(104)
    struct.pack_into('<Qi', sh, 0, 0, 1)
    struct.pack_into('<QQQQ', sh, 32, blk + 104 + 24, len(vmcoreinfo()), blk + 104, len(notes))
    struct.pack_into('<Q', sh, 96, mapnr)
    writes += [(blk, bytes(sh)), (blk + 104, notes)]
    bm = bytearray(blk)
    bm[first // 8] |= 1 << (first % 8)
    writes += [(2 * blk, bytes(bm)), (3 * blk, bytes(bm))]
    page = bytearray(blk)
    off = UTS_PA % blk
    page[off:off + 390] = utsname()
    data = zlib.compress(bytes(page), 1)
    desc_off = 4 * blk
    writes.append((desc_off, struct.pack('<QIIQ', desc_off + 24, len(data), 1, 0)))
    writes.append((desc_off + 24, data))
    if not flat:
        out = bytearray(desc_off + 24 + len(data))
        for o, b in writes:
            out[o:o + len(b)] = b
        return bytes(out)
    mdf = bytearray(4096)
    mdf[:12] = b'makedumpfile'
    struct.pack_into('>QQ', mdf, 16, 1, 1)
    out = bytes(mdf) + b''.join(struct.pack('>QQ', o, len(b)) + b for o, b in writes)
    return out[:len(out) - len(data) // 2] if cut else out + struct.pack('>qq', -1, -1)


os.makedirs(sys.argv[1], exist_ok=True)
for name, data in (('struct', seed('struct')), ('ptr', seed('ptr')), ('size0', size0()),
                   ('elf-notes-long', qemu_elf((128, 512))), ('elf-notes-short', qemu_elf((512, 128))),
                   ('kdump-raw', qemu_kdump(False)), ('kdump-flat', qemu_kdump(True)),
                   ('kdump-flat-cut', qemu_kdump(True, True))):
    with open(os.path.join(sys.argv[1], 'seed-' + name), 'wb') as f:
        f.write(data)
