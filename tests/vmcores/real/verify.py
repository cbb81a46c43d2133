#!/usr/bin/python3
"""Checks a real-kernel dump against the ground truth the KVM program recorded,
without s2dump: drgn (Debian's 0.0.22 or later) for types and symbols, and a
stage-2 walker of its own (ARM ARM, VMSAv8-64 stage 2, 4 KiB or 16 KiB granule:
the host's page size, VMCOREINFO's PAGESIZE; 64 KiB by the same rules, untried).

    verify.py RUN_DIR [--leaves OUT] [--vmcore FILE]

RUN_DIR holds vmcore, vmlinux and truth/ (run.sh's output). Prints one
"PASS name" / "FAIL name: ..." line per check; exit status 1 on any FAIL.
--leaves writes every valid leaf as "<debugfs> <ipa> <size> <pa> <level> <R><W><AF>"
for comparison with other tools (check.sh does that with s2dump).
--vmcore reads FILE instead of RUN_DIR/vmcore (check.sh: the repaired copy of a
dump QEMU wrote with RAM out of place, which drgn would misread).

Why the extra memory segments: QEMU's ELF dump has only physical PT_LOADs
(p_vaddr == p_paddr), so drgn 0.0.22 cannot read kernel virtual addresses.
We register the kernel image (va - kimage_voffset), the linear map
(from PHYS_OFFSET and VA_BITS of VMCOREINFO) and everything else through our own
walk of swapper_pg_dir with the TCR_EL1.T1SZ the kernel really ran with.
"""
import os
import struct
import sys

import drgn

MASK64 = (1 << 64) - 1


# VMSAv8-64 translation geometry (ARM ARM D8, "Translation table walk"): with a
# granule of 2^ps bytes a table holds 2^(ps - 3) eight-byte descriptors, so each
# level resolves ps - 3 input bits; level 3 resolves [ps + ps - 3 - 1 : ps].
def level_shift(ps, level):
    """the lowest input-address bit one entry at LEVEL resolves"""
    return ps + (ps - 3) * (3 - level)


def out_addr(desc, ps, ds):
    """The output (next-level table, block or page) address of a descriptor.
    4K and 16K granules: OA[47:ps] = desc[47:ps]; with DS=1 (FEAT_LPA2)
    OA[49:48] = desc[49:48] and OA[51:50] = desc[9:8] (there the shareability
    field). 64K: OA[47:16] = desc[47:16], OA[51:48] = desc[15:12] (FEAT_LPA;
    RES0 without it)."""
    if ps == 16:
        return (desc & 0x0000ffffffff0000) | ((desc >> 12 & 0xf) << 48)
    if ds:
        return (desc & 0x0003ffffffffffff & ~((1 << ps) - 1)) | ((desc >> 8 & 3) << 50)
    return desc & 0x0000ffffffffffff & ~((1 << ps) - 1)


def lowest_block_level(ps, ds):
    """Block descriptors exist at this level and below (above 3): 4K at levels
    1 and 2 (0 with DS=1), 16K at level 2 (1 with DS=1), 64K at level 2 (1
    with 52-bit output addresses)."""
    if ps == 12:
        return 0 if ds else 1
    if ps == 14:
        return 1 if ds else 2
    return 1


def vtcr_granule_shift(vtcr):
    """VTCR_EL2.TG0 (bits [15:14]): 0b00 4K, 0b01 64K, 0b10 16K."""
    return {0: 12, 1: 16, 2: 14}.get(vtcr >> 14 & 3, 12)


class Dump:
    def __init__(self, path):
        self.f = open(path, "rb")
        hdr = self.f.read(64)
        self.raw = None
        self.loads = []
        self.vmcoreinfo = {}
        if hdr[:8] == b"KDUMP   ":
            self._kdump(path)
            return
        if hdr[:4] != b"\x7fELF" or hdr[4] != 2 or hdr[5] != 1:
            raise ValueError("%s: not a little-endian ELF64 core" % path)
        e_phoff, = struct.unpack_from("<Q", hdr, 32)
        e_phentsize, e_phnum = struct.unpack_from("<HH", hdr, 54)
        self.loads = []
        self.vmcoreinfo = {}
        self.f.seek(e_phoff)
        phdrs = self.f.read(e_phentsize * e_phnum)
        for i in range(e_phnum):
            p_type, _flags, off, vaddr, paddr, filesz, memsz, _align = struct.unpack_from(
                "<IIQQQQQQ", phdrs, i * e_phentsize)
            if p_type == 1:
                self.loads.append((paddr, filesz, off))
            elif p_type == 4:
                self.f.seek(off)
                self._notes(self.f.read(filesz))
        self.loads.sort()
        if not self.vmcoreinfo:
            raise ValueError("%s: no VMCOREINFO note (was qemu_fw_cfg loaded and -device vmcoreinfo given?)" % path)

    def _kdump(self, path):
        """makedumpfile's compressed format: VMCOREINFO from the sub-header
        (disk_dump_header: block_size at 428, max_mapnr at 440; kdump_sub_header
        at block_size: offset_vmcoreinfo at 32, size_vmcoreinfo at 40), pages
        through drgn's own reader (libkdumpfile), excluded pages fault."""
        self.f.seek(0)
        hdr = self.f.read(464)
        block_size, = struct.unpack_from("<i", hdr, 428)
        max_mapnr, = struct.unpack_from("<I", hdr, 440)
        self.f.seek(block_size)
        sub = self.f.read(48)
        off, size = struct.unpack_from("<qQ", sub, 32)
        self.f.seek(off)
        for line in self.f.read(size).decode(errors="replace").splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                self.vmcoreinfo[k] = v
        if not self.vmcoreinfo:
            raise ValueError("%s: kdump file without VMCOREINFO" % path)
        self.raw = drgn.Program()
        self.raw.set_core_dump(path)
        lo = int(self.vmcoreinfo["NUMBER(PHYS_OFFSET)"], 0) & ((1 << 48) - 1)
        # block_size is the dumped kernel's page size; max_mapnr counts pages
        self.loads = [(lo, max_mapnr * block_size - lo, None)]

    def _notes(self, data):
        pos = 0
        while pos + 12 <= len(data):
            namesz, descsz, _type = struct.unpack_from("<III", data, pos)
            pos += 12
            name = data[pos:pos + namesz].rstrip(b"\0")
            pos += (namesz + 3) & ~3
            desc = data[pos:pos + descsz]
            pos += (descsz + 3) & ~3
            if name == b"VMCOREINFO":
                for line in desc.decode(errors="replace").splitlines():
                    if "=" in line:
                        k, v = line.split("=", 1)
                        self.vmcoreinfo[k] = v

    def read_phys(self, pa, n):
        if self.raw is not None:
            return self.raw.read(pa, n, True)
        out = bytearray()
        while n > 0:
            for base, size, off in self.loads:
                if base <= pa < base + size:
                    k = min(n, base + size - pa)
                    self.f.seek(off + pa - base)
                    out += self.f.read(k)
                    pa += k
                    n -= k
                    break
            else:
                raise drgn.FaultError("physical address not in dump", pa)
        return bytes(out)

    def ram(self):
        return self.loads[0][0], self.loads[-1][0] + self.loads[-1][1]


class Kernel:
    def __init__(self, run_dir, vmcore=None):
        vmcore = vmcore or os.path.join(run_dir, "vmcore")
        self.dump = Dump(vmcore)
        vi = self.dump.vmcoreinfo
        self.release = vi.get("OSRELEASE", "?")
        self.va_bits = int(vi["NUMBER(VA_BITS)"])
        self.kimage_voffset = int(vi["NUMBER(kimage_voffset)"], 16)
        self.phys_offset = int(vi["NUMBER(PHYS_OFFSET)"], 0) & MASK64
        t1sz = vi.get("NUMBER(TCR_EL1_T1SZ)")
        self.va_bits_actual = 64 - int(t1sz, 0) if t1sz else self.va_bits
        self.page_offset = (-(1 << self.va_bits)) & MASK64
        # the kernel's page size: its TTBR1 granule and KVM's stage-2 granule
        self.page = int(vi.get("PAGESIZE", "4096"))
        self.page_shift = self.page.bit_length() - 1
        if self.page not in (4096, 16384, 65536):
            raise ValueError("VMCOREINFO PAGESIZE=%s: not a 4K, 16K or 64K granule" % vi.get("PAGESIZE"))
        # DS=1 (FEAT_LPA2) in TCR_EL1 when a 4K/16K kernel runs with 52-bit VAs
        self.ds_s1 = self.va_bits_actual > 48 and self.page != 65536
        self.prog = drgn.Program()
        self.prog.set_core_dump(vmcore)
        ram_lo, ram_hi = self.dump.ram()
        # Everything not covered below: our own swapper_pg_dir walk (vmalloc, modules).
        lo = (-(1 << self.va_bits_actual)) & MASK64
        self.prog.add_memory_segment(lo, (1 << 64) - lo, self._read_walk, False)
        # Linear map and kernel image: direct arithmetic (added later: take precedence).
        self.prog.add_memory_segment(self.lm(ram_lo), ram_hi - ram_lo,
                                     lambda a, c, o, p: self.dump.read_phys(self.lm_pa(a), c), False)
        self.prog.add_memory_segment((ram_lo + self.kimage_voffset) & MASK64, ram_hi - ram_lo,
                                     lambda a, c, o, p: self.dump.read_phys((a - self.kimage_voffset) & MASK64, c),
                                     False)
        self.prog.load_debug_info([os.path.join(run_dir, "vmlinux")])
        self.swapper_pa = (self.prog.symbol("swapper_pg_dir").address - self.kimage_voffset) & MASK64

    def lm(self, pa):
        return ((pa - self.phys_offset) & MASK64) | self.page_offset

    def lm_pa(self, va):
        return ((va & ((1 << self.va_bits) - 1)) + self.phys_offset) & MASK64

    def _translate(self, va):
        # Stage 1, TTBR1, the kernel's granule, with the input size it really
        # runs with (a VA_BITS=52 kernel without LPA2 runs with 48 bits on 4K,
        # 47 on 16K: the top level is then folded away). Levels: as many as
        # needed to resolve bits - ps bits, ps - 3 per level (Linux's
        # ARM64_HW_PGTABLE_LEVELS is the same count).
        bits, ps = self.va_bits_actual, self.page_shift
        levels = (bits - 4) // (ps - 3)
        level = 4 - levels
        table = self.swapper_pa
        while True:
            shift = level_shift(ps, level)
            top = bits if level == 4 - levels else shift + ps - 3
            idx = (va >> shift) & ((1 << (top - shift)) - 1)
            desc, = struct.unpack("<Q", self.dump.read_phys(table + 8 * idx, 8))
            if not desc & 1:
                raise drgn.FaultError("not mapped in swapper_pg_dir", va)
            oa = out_addr(desc, ps, self.ds_s1)
            if level == 3 or not desc & 2:
                size = 1 << shift
                return (oa & ~(size - 1)) | (va & (size - 1))
            table = oa
            level += 1

    def _read_walk(self, address, count, offset, physical):
        out = bytearray()
        page = self.page
        while count > 0:
            k = min(count, page - (address & (page - 1)))
            out += self.dump.read_phys(self._translate(address), k)
            address += k
            count -= k
        return bytes(out)

    def va_to_pa(self, va):
        if va >= self.page_offset and va < (self.page_offset + (1 << (self.va_bits - 1))):
            return self.lm_pa(va)
        return self._translate(va)


def member(obj, *names):
    for n in names:
        try:
            return obj.member_(n)
        except (LookupError, AttributeError):
            continue
    return None


class Leaf:
    __slots__ = ("ipa", "size", "pa", "level", "r", "w", "af", "raw")

    def __init__(self, ipa, size, pa, level, desc):
        self.ipa, self.size, self.pa, self.level, self.raw = ipa, size, pa, level, desc
        self.r = bool(desc >> 6 & 1)
        self.w = bool(desc >> 7 & 1)
        self.af = bool(desc >> 10 & 1)


def walk_stage2(dump, root_pa, ia_bits, start_level, lpa2, read=None, ps=12):
    """Every valid leaf of a stage-2 table with a 2^ps-byte granule (VTCR_EL2.TG0;
    KVM's own tables use the host's page size), in IPA order. The start level
    may hold up to 16 concatenated tables: its entries are all the
    2^(ia_bits - start shift) the input size needs. lpa2: VTCR_EL2.DS=1.
    read(address, size) reads the tables (default: host physical memory)."""
    read = read or dump.read_phys
    leaves, problems = [], []
    per_table = 1 << (ps - 3)
    min_block = lowest_block_level(ps, lpa2)

    def rec(table_pa, level, base, nentries, depth):
        shift = level_shift(ps, level)
        try:
            data = read(table_pa, 8 * nentries)
        except drgn.FaultError:
            problems.append("level %d table at PA 0x%x (IPA 0x%x) not in the dump" % (level, table_pa, base))
            return
        for i, desc in enumerate(struct.unpack("<%dQ" % nentries, data)):
            if not desc & 1:
                continue
            ipa = base + (i << shift)
            if level < 3 and desc & 2:
                if depth > 4:
                    problems.append("table loop at IPA 0x%x" % ipa)
                    continue
                rec(out_addr(desc, ps, lpa2), level + 1, ipa, per_table, depth + 1)
            elif level == 3 and not desc & 2:
                problems.append("reserved level-3 descriptor 0x%x at IPA 0x%x" % (desc, ipa))
            elif level < min_block:
                problems.append("block at level %d, none with a %d KiB granule%s (IPA 0x%x)"
                                % (level, 1 << (ps - 10), " and DS=1" if lpa2 else "", ipa))
            else:
                oa = out_addr(desc, ps, lpa2) & ~((1 << shift) - 1)
                leaves.append(Leaf(ipa, 1 << shift, oa, level, desc))

    start_shift = level_shift(ps, start_level)
    if not 0 < ia_bits - start_shift <= ps - 3 + 4:
        problems.append("a %d-bit input at start level %d needs %s start tables of %d KiB (at most 16)"
                        % (ia_bits, start_level, "2^%d" % (ia_bits - start_shift - (ps - 3)), 1 << (ps - 10)))
        return leaves, problems
    rec(root_pa, start_level, 0, 1 << (ia_bits - start_shift), 0)
    return leaves, problems


def read_truth(path):
    vm, slots, pages = {}, [], {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "vm":
                vm = dict(zip(w[2::2], w[3::2]))
                vm["name"] = w[1]
            elif w[0] == "slot":
                d = dict(zip(w[2::2], w[3::2]))
                slots.append({"id": int(w[1]), "gpa": int(d["gpa"], 16), "size": int(d["size"], 16),
                              "uaddr": int(d["uaddr"], 16), "kind": d["kind"],
                              "readonly": d["readonly"] == "1", "logged": d["logged"] == "1"})
            elif w[0] == "nested":
                vm["nested"] = dict(zip(w[1::2], w[2::2]))
                vm["l2pages"] = {}
            elif w[0] == "l2page":
                vm["l2pages"][int(w[1], 16)] = (int(w[2], 16), w[3] == "rw", w[4], w[5] == "block")
            elif w[0] == "page":
                pa = None if w[3] == "-" else int(w[3], 16)
                kflags = 0 if w[4] == "-" else int(w[4], 16)
                pages[int(w[1], 16)] = (w[2], pa, kflags, slots[-1])
    return vm, slots, pages


class Report:
    def __init__(self, prefix):
        self.prefix, self.failed, self.count = prefix, 0, 0

    def check(self, name, ok, detail=""):
        self.count += 1
        if ok:
            print("PASS %s/%s" % (self.prefix, name))
        else:
            self.failed += 1
            print("FAIL %s/%s: %s" % (self.prefix, name, detail))


KPF_THP = 1 << 22
KPF_HUGE = 1 << 17


def check_vm(rep, name, kvm_info, truth, page):
    """page: the host's page size, the truth's page-line step and KVM's granule;
    its level-2 block (page / 8 entries of a page) is a PMD THP or hugetlb page."""
    vm, slots, pages = truth
    leaves, problems = kvm_info["leaves"], kvm_info["problems"]
    block = page * (page // 8)
    exp_start = int(vm["start_level"])
    rep.check(name + "/geometry",
              kvm_info["ia_bits"] == int(vm["ipa_bits"]) and kvm_info["start_level"] == exp_start,
              "expected ia_bits %s start_level %d (KVM's rule for a %s-bit IPA), dump has %d/%d"
              % (vm["ipa_bits"], exp_start, vm["ipa_bits"], kvm_info["ia_bits"], kvm_info["start_level"]))
    rep.check(name + "/tables-readable", not problems, "; ".join(problems[:3]))

    bad_pa, outside, bad_perm, no_af = [], [], [], 0
    covered = set()
    for lf in leaves:
        if not lf.af:
            no_af += 1
        for off in range(0, lf.size, page):
            gpa = lf.ipa + off
            t = pages.get(gpa)
            if t is None:
                outside.append("0x%x" % gpa)
                break
            access, pa, _kf, slot = t
            covered.add(gpa)
            if pa is None or pa != lf.pa + off:
                bad_pa.append("IPA 0x%x: leaf says PA 0x%x, pagemap says %s"
                              % (gpa, lf.pa + off, "absent" if pa is None else "0x%x" % pa))
            if slot["readonly"] and lf.w:
                bad_perm.append("IPA 0x%x writable in a read-only memslot" % gpa)
            if slot["logged"] and access == "r" and lf.w:
                bad_perm.append("IPA 0x%x writable in a dirty-logged slot though only read" % gpa)
            if access == "w" and not lf.w:
                bad_perm.append("IPA 0x%x written by the guest but not writable" % gpa)
            if not lf.r:
                bad_perm.append("IPA 0x%x valid but not readable" % gpa)
    rep.check(name + "/leaves-in-memslots", not outside, "leaves outside every memslot at " + ", ".join(outside[:5]))
    rep.check(name + "/leaf-pa-equals-pagemap", not bad_pa,
              "%d pages differ, first: %s" % (len(bad_pa), "; ".join(bad_pa[:3])))
    touched = [g for g, t in pages.items() if t[0] in "wrx"]
    missing = [g for g in touched if g not in covered]
    rep.check(name + "/touched-pages-mapped", not missing,
              "%d of %d touched pages unmapped, first 0x%x" % (len(missing), len(touched), min(missing) if missing else 0))
    rep.check(name + "/permissions", not bad_perm, "%d: %s" % (len(bad_perm), "; ".join(bad_perm[:3])))

    # Mapping sizes the kernel must choose (independent: memslot kind + host page flags).
    by_gpa = {lf.ipa: lf for lf in leaves}
    size_errors = []
    for s in slots:
        for base in range(s["gpa"], s["gpa"] + s["size"], page):
            t = pages[base]
            lf = None
            if base in by_gpa:
                lf = by_gpa[base]
            # "4k" in the truth: not huge, pages of the host's size
            if s["kind"] == "4k" or s["logged"]:
                if lf is not None and lf.size != page:
                    size_errors.append("0x%x: %s slot mapped with a %d KiB leaf" % (base, s["kind"], lf.size >> 10))
            elif base % block == 0 and t[0] == "w":
                host_huge = all(pages[base + o][2] & (KPF_THP | KPF_HUGE) and pages[base + o][1] == t[1] + o
                                for o in range(0, block, page)) and t[1] % block == 0
                if host_huge and (lf is None or lf.size != block):
                    size_errors.append("0x%x: host maps a %d MiB %s page, stage-2 has %s"
                                       % (base, block >> 20, s["kind"],
                                          "no leaf" if lf is None else "%d KiB" % (lf.size >> 10)))
    rep.check(name + "/mapping-sizes", not size_errors, "; ".join(size_errors[:3]))
    print("INFO %s/%s: %d leaves (%d blocks), %d with AF=0 (allowed on a live system)"
          % (rep.prefix, name, len(leaves), sum(1 for lf in leaves if lf.size > page), no_af))


def mmu_list(kvm):
    """The nested MMUs: 7.2 has struct kvm_s2_mmu **, 6.12 struct kvm_s2_mmu *."""
    arch = kvm.arch
    arr = member(arch, "nested_mmus")
    n = member(arch, "nested_mmus_size")
    if arr is None or n is None or not arr.value_():
        return []
    out = []
    for i in range(n.value_()):
        e = arr[i]
        out.append(e[0] if e.type_.kind == drgn.TypeKind.POINTER else e)
    return out


def check_nested(rep, name, k, kvm, truth, lpa2):
    vm, slots, pages = truth
    nv = vm["nested"]
    l2pages = vm["l2pages"]
    vttbr = int(nv["vttbr"], 16)
    page = k.page
    # the guest hypervisor's stage 2 has the granule its VTCR_EL2 says (the
    # truth's: the value the program gave it); the l2page lines step by it
    gps = vtcr_granule_shift(int(nv["vtcr"], 16))
    gpage = 1 << gps
    mmus = mmu_list(kvm)
    ours = [m for m in mmus if m.tlb_vttbr.value_() == vttbr]
    names = ["0x%016x-0x%016x-s2-%s" % (m.tlb_vttbr.value_(), m.tlb_vtcr.value_(),
                                          "enabled" if member(m, "nested_stage2_enabled") is None
                                          or m.nested_stage2_enabled.value_() else "disabled") for m in ours]
    rep.check(name + "/nested-mmu-found", len(ours) == 1,
              "%d nested MMUs, %d with tlb_vttbr 0x%x (the guest hypervisor's VTTBR_EL2)" % (len(mmus), len(ours), vttbr))
    print("INFO %s/%s: %d nested MMUs, ours: %s" % (rep.prefix, name, len(mmus), ", ".join(names) or "none"))
    # The guest hypervisor's own stage-2, read at L1 IPAs through the memslots (pagemap truth).
    def read_l1(ipa, n):
        out = b""
        while n > 0:
            t = pages.get(ipa & ~(page - 1))
            if t is None or t[1] is None:
                raise drgn.FaultError("L1 IPA not backed", ipa)
            k_ = min(n, page - (ipa & (page - 1)))
            out += k.dump.read_phys(t[1] + (ipa & (page - 1)), k_)
            ipa += k_
            n -= k_
        return out
    vleaves, vproblems = walk_stage2(k.dump, int(nv["root"], 16), int(nv["l2_ia_bits"]), int(nv["l2_start_level"]),
                                     False, read_l1, gps)
    got = {}
    for lf in vleaves:
        for off in range(0, lf.size, gpage):
            got[lf.ipa + off] = (lf.pa + off, lf.w, lf.size > gpage)
    want = {ipa: (l1, rw, blk) for ipa, (l1, rw, _a, blk) in l2pages.items()}
    if "d31" in rep.prefix.rsplit("/", 1)[-1]:  # makedumpfile -d 31 runs: *-d31, *-d31c, kdump-md31c
        # makedumpfile -d 31 drops user pages, the guest hypervisor's tables with them.
        rep.check(name + "/guest-stage2-filtered-out", bool(vproblems) and "not in the dump" in vproblems[0],
                  "expected the guest's stage-2 root to be missing from a -d 31 dump, got %s"
                  % ("; ".join(vproblems[:1]) or "%d leaves" % len(vleaves)))
    else:
        rep.check(name + "/guest-stage2-in-dump", not vproblems and got == want,
                  "%s; %d L2 pages decoded, %d recorded, %d differ"
                  % ("; ".join(vproblems[:2]) or "tables read", len(got), len(want),
                     sum(1 for x in set(got) | set(want) if got.get(x) != want.get(x))))
    if len(ours) != 1:
        return
    m = ours[0]
    pgt = m.pgt
    sleaves, sproblems = walk_stage2(k.dump, k.va_to_pa(pgt.pgd.value_()), pgt.ia_bits.value_(),
                                     pgt.start_level.value_(), lpa2, None, k.page_shift)
    rep.check(name + "/shadow-tables-readable", not sproblems, "; ".join(sproblems[:3]))
    bad, covered = [], set()
    step = min(page, gpage)
    for lf in sleaves:
        for off in range(0, lf.size, step):
            l2 = lf.ipa + off
            t = l2pages.get(l2 & ~(gpage - 1))
            if t is None:
                bad.append("shadow maps L2 IPA 0x%x, which the guest's stage-2 does not" % l2)
                continue
            covered.add(l2 & ~(gpage - 1))
            l1, rw, _acc, _blk = t
            l1 += l2 & (gpage - 1)
            host = pages.get(l1 & ~(page - 1))
            want = host[1] + (l1 & (page - 1)) if host and host[1] is not None else None
            if want != lf.pa + off:
                bad.append("L2 IPA 0x%x: shadow PA 0x%x, expected %s (L1 IPA 0x%x via pagemap)"
                           % (l2, lf.pa + off, "-" if want is None else "0x%x" % want, l1))
            if lf.w and not rw:
                bad.append("L2 IPA 0x%x writable in the shadow, read-only in the guest's stage-2" % l2)
    touched = [l2 for l2, t in l2pages.items() if t[2] in "wrx"]
    missing = [l2 for l2 in touched if l2 not in covered]
    rep.check(name + "/shadow-equals-composition", not bad, "%d: %s" % (len(bad), "; ".join(bad[:3])))
    rep.check(name + "/shadow-covers-touched", not missing,
              "%d of %d L2 pages the L2 guest touched are not in the shadow, first 0x%x"
              % (len(missing), len(touched), min(missing) if missing else 0))
    print("INFO %s/%s: shadow stage-2 ia_bits %d, %d leaves, guest stage-2 %d leaves"
          % (rep.prefix, name, pgt.ia_bits.value_(), len(sleaves), len(vleaves)))


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: verify.py RUN_DIR [--leaves OUT]")
    run_dir = sys.argv[1]
    leaves_out = sys.argv[sys.argv.index("--leaves") + 1] if "--leaves" in sys.argv else None
    vmcore = sys.argv[sys.argv.index("--vmcore") + 1] if "--vmcore" in sys.argv else None
    parts = os.path.abspath(run_dir).rstrip("/").split("/")
    rep = Report("real/%s/%s" % (parts[-2], parts[-1]))

    k = Kernel(run_dir, vmcore)
    prog = k.prog
    rep.check("vmcoreinfo-release", k.release == parts[-2],
              "VMCOREINFO says %s, run is for %s" % (k.release, parts[-2]))
    # check.sh and compare-real.sh step through the truth's pages by this
    print("INFO %s: page size %d (VMCOREINFO PAGESIZE), TTBR1 %d-bit VA%s"
          % (rep.prefix, k.page, k.va_bits_actual, ", DS=1" if k.ds_s1 else ""))
    truths = {}
    for fn in sorted(os.listdir(os.path.join(run_dir, "truth"))):
        if fn.startswith("vm") and fn.endswith(".txt"):
            t = read_truth(os.path.join(run_dir, "truth", fn))
            truths[t[0]["name"]] = t

    kvms = []
    head = prog["vm_list"]
    pos = head.next
    while pos.value_() != head.address_of_().value_():
        kvm = drgn.container_of(pos, "struct kvm", "vm_list")
        kvms.append(kvm)
        pos = pos.next
        if len(kvms) > 64:
            break
    rep.check("vm_list-count", len(kvms) == len(truths),
              "vm_list has %d VMs, the program created %d" % (len(kvms), len(truths)))

    out = open(leaves_out, "w") if leaves_out else None
    seen = set()
    for kvm in kvms:
        pid = kvm.userspace_pid.value_()
        mmu = kvm.arch.mmu
        pgt = mmu.pgt
        ia_bits = pgt.ia_bits.value_()
        start_level = pgt.start_level.value_()
        pgd_va = pgt.pgd.value_()
        vtcr = member(mmu, "vtcr")
        if vtcr is None:
            vtcr = member(kvm.arch, "vtcr")
        lpa2 = bool(vtcr.value_() >> 32 & 1) if vtcr is not None else False
        root_pa = k.va_to_pa(pgd_va)
        leaves, problems = walk_stage2(k.dump, root_pa, ia_bits, start_level, lpa2, None, k.page_shift)
        # Which VM is this: the one whose memslot GPAs are all mapped here.
        # (pid, IPA size) can be shared: pick the candidate most of whose mapped IPAs are its memslots'.
        name, best = None, -1
        for tname, (vm, slots, pages) in truths.items():
            if int(vm["pid"]) != pid or tname in seen or int(vm["ipa_bits"]) != ia_bits:
                continue
            score = sum(1 for lf in leaves if lf.ipa in pages)
            if score > best and (score > 0 or not leaves):
                name, best = tname, score
        if name is None:
            rep.check("kvm@0x%x-identified" % kvm.value_(), False,
                      "struct kvm pid %d ia_bits %d matches no VM of the program" % (pid, ia_bits))
            continue
        seen.add(name)
        vm = truths[name][0]
        print("INFO %s/%s: struct kvm at 0x%x, pid %d, root PA 0x%x, ia_bits %d, start level %d%s"
              % (rep.prefix, name, kvm.value_(), pid, root_pa, ia_bits, start_level,
                 ", LPA2" if lpa2 else ""))
        check_vm(rep, name, {"leaves": leaves, "problems": problems, "ia_bits": ia_bits,
                             "start_level": start_level}, truths[name], k.page)
        if "nested" in vm:
            check_nested(rep, name, k, kvm, truths[name], lpa2)
        if out:
            for lf in leaves:
                out.write("%s 0x%x 0x%x 0x%x %d %s%s%s\n" % (vm["debugfs"], lf.ipa, lf.size, lf.pa, lf.level,
                                                            "R" if lf.r else "-", "W" if lf.w else "-",
                                                            "A" if lf.af else "-"))
    if out:
        out.close()
    for tname in truths:
        if tname not in seen:
            rep.check(tname + "/found-in-dump", False, "no struct kvm in vm_list for this VM")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, LookupError, ValueError, drgn.FaultError, drgn.MissingDebugInfoError) as e:
        # one line naming what failed, never a traceback
        print("FAIL real/%s/verify: %s: %s" % ("/".join(os.path.abspath(sys.argv[1]).rstrip("/").split("/")[-2:])
                                               if len(sys.argv) > 1 else "?", type(e).__name__, e))
        sys.exit(1)
