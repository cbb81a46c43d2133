#!/usr/bin/env python3
"""Seed inputs for tests/fuzz/fuzz_open.c: one valid VM (4K, 40-bit IPA, start level 1, two
concatenated root pages, a 2M block and a 4K page) with one nested MMU, in the input format
documented at the top of fuzz_open.c. Usage: seed_open.py CORPUS_DIR"""
import os
import struct
import sys

LINEAR = 0xffff000000000000
KIMAGE = 0xffff800080000000
RAM = 0x40000000
NMEMBERS = 28
HDR = 64


def seed(variant):
    ram = bytearray(0xc000)
    put = lambda off, val, n=8: struct.pack_into('<Q' if n == 8 else '<I' if n == 4 else '<B', ram, off, val)
    kvm = LINEAR + 0x2000
    head = KIMAGE + 0x0
    put(0x0, kvm + 0x10)                 # vm_list.next
    put(0x8, kvm + 0x10)                 # vm_list.prev
    put(0x2000 + 0x10, head)             # kvm->vm_list
    put(0x2000 + 0x18, head)
    put(0x2000 + 0x20, 1234, 4)          # userspace_pid
    put(0x2000 + 0x24, 2, 4)             # online_vcpus
    mmu = 0x2000 + 0x100                 # kvm->arch.mmu
    put(mmu + 0x00, 1)                   # vmid
    put(mmu + 0x08, RAM + 0x4000)        # pgd_phys
    put(mmu + 0x10, LINEAR + 0x3000)     # pgt
    put(mmu + 0x18, 0x80053558)          # vtcr: 40-bit, SL0=1, 4K
    put(mmu + 0x20, kvm + 0x100)         # arch (back pointer)
    put(0x2000 + 0x198, 1)               # nested_mmus_size
    if variant == 'ptr':
        put(0x2000 + 0x190, LINEAR + 0xa000)
        put(0xa000, LINEAR + 0x8000)
    else:
        put(0x2000 + 0x190, LINEAR + 0x8000)
    put(0x3000 + 0x0, 40, 4)             # kvm_pgtable: ia_bits
    put(0x3000 + 0x4, 1, 4)              #   start_level
    put(0x3000 + 0x8, LINEAR + 0x4000)   #   pgd
    put(0x3000 + 0x10, kvm + 0x100)      #   mmu
    put(0x4000 + 8 * 1, RAM + 0x6000 | 3)            # L1[1] (IPA 1G) -> L2 table
    put(0x6000 + 8 * 0, 0x0040000040200000 | 0x7fd)  # 2M block
    put(0x6000 + 8 * 1, RAM + 0x7000 | 3)            # -> L3 table
    put(0x7000, 0x0040000040008000 | 0x7ff)          # 4K page
    put(0x7008, 0x400)                               # locked invalid PTE
    nm = 0x8000                                      # the nested MMU
    put(nm + 0x00, 10)
    put(nm + 0x08, RAM + 0x9000)
    put(nm + 0x10, LINEAR + 0x3100)
    put(nm + 0x18, 0x80023558)
    put(nm + 0x20, kvm + 0x100)
    put(nm + 0x28, 0x0005000040800000)
    put(nm + 0x30, 0x80023558)
    put(nm + 0x38, 1, 1)
    put(0x3100 + 0x0, 48, 4)
    put(0x3100 + 0x4, 0, 4)
    put(0x3100 + 0x8, LINEAR + 0x9000)
    put(0x9000, RAM + 0xb000 | 3)                    # L0[0] -> L1
    put(0xb000 + 8 * 2, 0x0040000080000000 | 0x7fd)  # 1G block at L1
    hdr = bytearray(HDR)
    hdr[0] = 0                         # 4K, VA_BITS 48, read_kvaddr, no KASLR
    hdr[1] = 1                         # 6.12
    hdr[2] = (2 if variant == 'ptr' else 1) | 0x10
    struct.pack_into('<I', hdr, 8, 0)          # vm_list at RAM offset 0
    struct.pack_into('<I', hdr, 12, 0x1000)    # swapper_pg_dir
    struct.pack_into('<I', hdr, 32, 0x40)      # sizeof(struct kvm_s2_mmu)
    struct.pack_into('<H', hdr, 36, 1234)      # pid for -t
    return bytes(hdr) + bytes(NMEMBERS * 4) + bytes(ram)


os.makedirs(sys.argv[1], exist_ok=True)
for v in ('struct', 'ptr'):
    with open(os.path.join(sys.argv[1], 'seed-' + v), 'wb') as f:
        f.write(seed(v))
