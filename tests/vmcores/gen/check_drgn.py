"""drgn acceptance for one generated scenario directory (called by tests/vmcores/check-drgn.sh)."""
import os
import sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry

d = sys.argv[1]
core = sys.argv[2] if len(sys.argv) > 2 else "vmcore"  # vmcore.kdump: the makedumpfile copy
name = "/".join(d.split("/")[-2:]) + ("" if core == "vmcore" else f"/{core}")


def result(ok, check, why=""):
    print(f"PASS drgn {check} {name}" if ok else f"FAIL drgn {check} {name}: {why}")


def parse_vms(path):
    vms = []
    for line in open(path):
        vms.append(dict(kv.split("=", 1) for kv in line.split()))
    return vms


vms = parse_vms(os.path.join(d, "expected/vms"))
ps = int(open(os.path.join(d, "expected/symbols")).read().split("page_size=")[1].split()[0])
damage = None
if os.path.exists(os.path.join(d, "expected/error")):
    damage = open(os.path.join(d, "expected/error")).read().split()[0].split("=")[1]

prog = drgn.Program()
try:
    prog.set_core_dump(os.path.join(d, core))
    prog.load_debug_info([os.path.join(d, "vmlinux")])
except Exception as e:  # a truncated file may fail right here, which is the expected outcome
    result(damage == "truncate", "open", f"{type(e).__name__}: {e}")
    sys.exit(0)
if damage == "truncate":
    # the file ends before the kernel objects: following vm_list must fail, not read zeros
    try:
        pids = [int(k.userspace_pid) for k in
                list_for_each_entry("struct kvm", prog["vm_list"].address_of_(), "vm_list")]
        result(False, "truncated-read", f"struct kvm read from a truncated file: pids {pids}")
    except Exception as e:
        result(True, "truncated-read", str(e))
    sys.exit(0)
result(True, "open")

got = []
try:
    for kvm in list_for_each_entry("struct kvm", prog["vm_list"].address_of_(), "vm_list"):
        got.append((kvm.value_(), int(kvm.userspace_pid)))
except drgn.FaultError as e:
    if damage == "bogus-kvm":
        err = dict(kv.split("=", 1) for kv in open(os.path.join(d, "expected/error")).read().split())
        bad = int(err["kvm"], 16)
        size = drgn.sizeof(prog.type("struct kvm"))
        result(bad <= e.address < bad + size, "bogus-kvm-fault",
               f"fault at {hex(e.address)}, expected inside struct kvm at {hex(bad)}")
        sys.exit(0)
    result(False, "vm_list", f"FaultError {e}")
    sys.exit(0)
if damage == "bogus-kvm":
    result(False, "bogus-kvm-fault", "iterating vm_list did not fault")
    sys.exit(0)
want = [(int(v["kvm"], 16), int(v["pid"])) for v in vms]
result(got == want, "vm_list", f"expected {[(hex(a), p) for a, p in want]} got {[(hex(a), p) for a, p in got]}")

def shadow_names_by_index():
    """Whether the kernel names shadow MMU files nested/nested_mmu<index> (7.3) rather than
    0x<vttbr>-0x<vtcr>-s2-{en,dis}abled: read here on its own, from the kernel's facts (docs/ptdump.md):
    kvm_nested_s2_ptdump_create_debugfs(mmu, idx) when the function has code, else the release."""
    try:
        prog.symbol("kvm_nested_s2_ptdump_create_debugfs")
        return len(prog.function("kvm_nested_s2_ptdump_create_debugfs").type_.parameters) >= 2
    except (LookupError, ValueError):
        pass
    release = prog["init_uts_ns"].name.release.string_().decode()
    major, minor = (int(x) for x in release.split(".")[:2])
    return (major, minor) >= (7, 3)


by_index = shadow_names_by_index()
for v, kvm_addr in zip(vms, [a for a, _ in got]):
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    pgd_phys = int(kvm.arch.mmu.pgd_phys)
    ok = pgd_phys == int(v["pgd_pa"], 16)
    result(ok, f"pgd_phys-{v['pid']}", f"expected {v['pgd_pa']} got {hex(pgd_phys)}")
    npath = os.path.join(d, "expected", v["pid"], "nested")
    if os.path.exists(npath):
        want_n = [dict(kv.split("=", 1) for kv in line.split()) for line in open(npath)]
        arr = kvm.arch.nested_mmus
        got_n = []
        for j in range(int(kvm.arch.nested_mmus_size)):
            mmu = arr[j] if arr.type_.type.kind == drgn.TypeKind.POINTER else arr[j].address_of_()
            en = "en" if bool(mmu.nested_stage2_enabled) else "dis"
            fname = (f"nested_mmu{j}" if by_index else
                     f"0x{int(mmu.tlb_vttbr):016x}-0x{int(mmu.tlb_vtcr):016x}-s2-{en}abled")
            got_n.append(f"{fname} pgd_pa=0x{int(mmu.pgd_phys):016x}")
        exp_n = [f"{w['name']} pgd_pa={w['pgd_pa']}" for w in want_n]
        result(got_n == exp_n, f"nested-{v['pid']}", f"expected {exp_n} got {got_n}")
    if not os.path.exists(os.path.join(d, "expected", v["pid"], "pkvm")):  # pKVM: no host tables
        root = prog.read(pgd_phys, 4096, True)
        entries = [int.from_bytes(root[i:i + 8], "little") for i in range(0, 4096, 8)]
        result(any(e & 1 for e in entries), f"root-phys-{v['pid']}", "no valid entry in the root table page")
    # every expected translation into dumped RAM carries its marker "VM<pid>-IPA-<ipa>"
    tpath = os.path.join(d, "expected", v["pid"], "translate")
    for line in open(tpath):
        f = line.split()
        if len(f) < 2 or not f[1].startswith("pa="):
            continue
        ipa, pa, size = int(f[0], 16), int(f[1][3:], 16), int(f[3][5:], 16)
        base_ipa, base_pa = ipa & ~(size - 1), pa & ~(size - 1)
        if base_pa >= 0x100000000:  # above the dumped RAM by design
            continue
        marker = f"VM{v['pid']}-IPA-{base_ipa:x}".encode()
        try:
            data = prog.read(base_pa, len(marker), True)
        except drgn.FaultError as e:
            if damage:
                continue
            result(False, f"guest-page-{v['pid']}-{ipa:x}", str(e))
            continue
        result(data == marker, f"guest-page-{v['pid']}-{ipa:x}", f"expected {marker} got {data}")

# ---- memslots, vCPUs, pKVM mappings (read by DWARF member names through drgn's own helpers) ----
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry, validate_rbtree  # noqa: E402


def kv_lines(path):
    if not os.path.exists(path):
        return None
    return [dict(kv.split("=", 1) for kv in line.split()) for line in open(path) if line.strip()]


for v, kvm_addr in zip(vms, [a for a, _ in got]):
    if damage:
        break
    pid = v["pid"]
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    want = kv_lines(os.path.join(d, "expected", pid, "memslots"))
    if want is not None:
        try:
            slots = kvm.memslots[0]
            idx = int(slots.node_idx)
            got_s = []
            for s in rbtree_inorder_for_each_entry("struct kvm_memory_slot", slots.gfn_tree.address_of_(),
                                                   f"gfn_node[{idx}]"):
                got_s.append({"id": str(int(s.id)), "gpa": "",
                              "size": "", "uaddr": f"0x{int(s.userspace_addr):016x}",
                              "flags": f"0x{int(s.flags):x}", "_gfn": int(s.base_gfn), "_np": int(s.npages)})
            ps = int(open(os.path.join(d, "expected/symbols")).read().split("page_size=")[1].split()[0])
            for g in got_s:
                g["gpa"] = f"0x{g.pop('_gfn') * ps:016x}"
                g["size"] = f"0x{g.pop('_np') * ps:x}"
            exp = [" ".join(f"{k}={w[k]}" for k in ("id", "gpa", "size", "uaddr", "flags")) for w in want]
            gotl = [" ".join(f"{k}={g[k]}" for k in ("id", "gpa", "size", "uaddr", "flags")) for g in got_s]
            result(gotl == exp, f"memslots-{pid}", f"expected {exp} got {gotl}")
            if len(want) > 0:
                try:
                    validate_rbtree("struct kvm_memory_slot", slots.gfn_tree.address_of_(), f"gfn_node[{idx}]",
                                    lambda a, b: (int(a.base_gfn) > int(b.base_gfn)) -
                                    (int(a.base_gfn) < int(b.base_gfn)), False)
                    result(True, f"memslots-rbtree-valid-{pid}")
                except Exception as e:
                    result(False, f"memslots-rbtree-valid-{pid}", str(e))
        except drgn.FaultError as e:
            result(False, f"memslots-{pid}", f"FaultError {e}")
    want = kv_lines(os.path.join(d, "expected", pid, "vcpus"))
    if want:
        try:
            from drgn.helpers.linux.xarray import xa_for_each
            gotv, expv = [], []
            for index, entry in xa_for_each(kvm.vcpu_array.address_of_()):
                vc = drgn.cast("struct kvm_vcpu *", entry)
                gotv.append(f"[{index}] idx={int(vc.vcpu_idx)} id={int(vc.vcpu_id)} "
                            f"esr=0x{int(vc.arch.fault.esr_el2):x} far=0x{int(vc.arch.fault.far_el2):x} "
                            f"hpfar=0x{int(vc.arch.fault.hpfar_el2):x} kvm=0x{int(vc.kvm.value_()):x} "
                            f"hw_mmu=0x{int(vc.arch.hw_mmu.value_()):x}")
            for w in want:
                expv.append(f"[{w['idx']}] idx={w['idx']} id={w['id']} esr={w['esr']} far={w['far']} "
                            f"hpfar={w['hpfar']} kvm=0x{kvm_addr:x} hw_mmu=0x{int(v['mmu'], 16):x}")
            result(gotv == expv, f"vcpus-{pid}", f"expected {expv} got {gotv}")
        except drgn.FaultError as e:
            result(False, f"vcpus-{pid}", f"FaultError {e}")
    want = kv_lines(os.path.join(d, "expected", pid, "pkvm"))
    if want:
        try:
            pgt = kvm.arch.mmu.pgt
            gotp = [f"protected={int(kvm.arch.pkvm.is_protected)}"]
            for m in rbtree_inorder_for_each_entry("struct pkvm_mapping",
                                                   pgt.pkvm_mappings.rb_root.address_of_(), "node"):
                gotp.append(f"gfn=0x{int(m.gfn):x} pfn=0x{int(m.pfn):x} nr_pages={int(m.nr_pages)}")
            exp = [" ".join(f"{k}={x}" for k, x in w.items()) for w in want]
            result(gotp == exp, f"pkvm-{pid}", f"expected {exp} got {gotp}")
        except drgn.FaultError as e:
            result(False, f"pkvm-{pid}", f"FaultError {e}")


# ---- nested: an independent two-stage walk over the dump (drgn physical reads) must agree with
# expected/<pid>/nested-translate: canonical stage 2 from pgd_phys/vtcr, the guest's from the
# shadow MMU's tlb_vttbr/tlb_vtcr, its descriptors read at L1 IPAs through the canonical walk ----
def rd64(pa):
    return int.from_bytes(prog.read(pa, 8, True), "little")


def s2_walk(read, base, vtcr, ia_addr):
    """Returns (oa, level) or (None, level). VTCR decides granule, T0SZ and SL0."""
    tg0 = (vtcr >> 14) & 3
    pgshift = {0: 12, 2: 14}.get(tg0, 16)
    stride = pgshift - 3
    ia = 64 - (vtcr & 0x3f)
    sl0 = (vtcr >> 6) & 3
    level = (2 - sl0) if pgshift == 12 else (3 - sl0)
    table = base & ((1 << 48) - 1) & ~((1 << pgshift) - 1)
    if ia_addr >> ia:
        return None, level
    while True:
        bottom = (3 - level) * stride + pgshift
        top = ia - 1 if level == ((2 - sl0) if pgshift == 12 else (3 - sl0)) else bottom + stride - 1
        index = (ia_addr & ((1 << (top + 1)) - 1)) >> bottom
        desc = read(table + index * 8)
        if desc is None or not desc & 1 or (level == 3 and desc & 3 != 3):
            return None, level
        if level == 3 or desc & 3 == 1:
            return (desc & ((1 << 48) - 1) & ~((1 << bottom) - 1)) | (ia_addr & ((1 << bottom) - 1)), level
        table = desc & ((1 << 48) - 1) & ~((1 << pgshift) - 1)
        level += 1


for v, kvm_addr in zip(vms, [a for a, _ in got]):
    pid = v["pid"]
    path = os.path.join(d, "expected", pid, "nested-translate")
    if damage or not os.path.exists(path):
        continue
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    vtcr, pgd = int(v["vtcr"], 16), int(v["pgd_pa"], 16)
    arr = kvm.arch.nested_mmus
    for line in open(path):
        w = dict(kv.split("=", 1) for kv in line.split())
        i, l2 = int(w["mmu"]), int(w["l2"], 16)
        mmu = arr[i] if arr.type_.type.kind == drgn.TypeKind.POINTER else arr[i].address_of_()

        def read_l1(l1):
            pa, _ = s2_walk(rd64, pgd, vtcr, l1)
            try:
                return None if pa is None else rd64(pa)
            except drgn.FaultError:
                return None
        if bool(mmu.nested_stage2_enabled):
            l1, glevel = s2_walk(read_l1, int(mmu.tlb_vttbr), int(mmu.tlb_vtcr), l2)
        else:
            l1, glevel = l2, None
        if l1 is None:
            g = f"mmu={i} l2=0x{l2:016x} fault=guest level={glevel}"
        else:
            pa, clevel = s2_walk(rd64, pgd, vtcr, l1)
            g = (f"mmu={i} l2=0x{l2:016x} l1=0x{l1:016x} " +
                 (f"pa=0x{pa:016x}" if pa is not None else f"fault=canonical level={clevel}"))
        if "fault" in w and w["fault"] == "guest" and (int(mmu.tlb_vtcr) & 0x3f) < 64 - int(v["ipa_range"]):
            continue  # a VTCR the hardware refuses: this little walker does not model the limits
        result(g == line.strip(), f"nested-walk-{pid}-{i}-{l2:x}", f"expected '{line.strip()}' got '{g}'")


# ---- prefault: every valid canonical leaf, enumerated from the dump's tables (drgn physical reads)
# and grouped per memslot as read by drgn from gfn_tree, must give expected/<pid>/prefault ----
def s2_leaves(root, vtcr):
    tg0 = (vtcr >> 14) & 3
    pgshift = {0: 12, 2: 14}.get(tg0, 16)
    stride = pgshift - 3
    ia = 64 - (vtcr & 0x3f)
    sl0 = (vtcr >> 6) & 3
    start = (2 - sl0) if pgshift == 12 else (3 - sl0)
    mask = ((1 << 48) - 1) & ~((1 << pgshift) - 1)

    def walk(table, level, base, n):
        shift = (3 - level) * stride + pgshift
        data = prog.read(table, n * 8, True)
        for i in range(n):
            e = int.from_bytes(data[i * 8:i * 8 + 8], "little")
            if not e & 1:
                continue
            if level < 3 and e & 3 == 3:
                yield from walk(e & mask, level + 1, base + (i << shift), 1 << stride)
            elif level < 3 or e & 3 == 3:
                yield base + (i << shift), level, 1 << shift, e
    yield from walk(root, start, 0, (1 << ia) >> ((3 - start) * stride + pgshift))


def perm3(e):
    return ("r" if e >> 6 & 1 else "-") + ("w" if e >> 7 & 1 else "-") + ("x" if not e >> 53 & 3 else "-")


for v, kvm_addr in zip(vms, [a for a, _ in got]):
    pid = v["pid"]
    path = os.path.join(d, "expected", pid, "prefault")
    if damage or not os.path.exists(path):
        continue
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    ps = int(open(os.path.join(d, "expected/symbols")).read().split("page_size=")[1].split()[0])
    slots = kvm.memslots[0]
    sl = [(int(s.base_gfn) * ps, int(s.npages) * ps, int(s.id)) for s in rbtree_inorder_for_each_entry(
        "struct kvm_memory_slot", slots.gfn_tree.address_of_(), f"gfn_node[{int(slots.node_idx)}]")]
    groups, mapped, outside = {}, {sid: 0 for _, _, sid in sl}, 0
    for ipa, level, size, e in s2_leaves(int(v["pgd_pa"], 16), int(v["vtcr"], 16)):
        sid = next((sid for gpa, sz, sid in sl if gpa <= ipa < gpa + sz), None)
        if sid is None:
            outside += size
            continue
        mapped[sid] += size
        k = (sid, level, perm3(e), e >> 10 & 1)
        c, b = groups.get(k, (0, 0))
        groups[k] = (c + 1, b + size)
    lines = []
    for gpa, sz, sid in sl:
        lines.append(f"slot={sid} mapped=0x{mapped[sid]:x} size=0x{sz:x}")
        for (s, level, perm, af), (c, b) in sorted(groups.items(), key=lambda kv: kv[0][1:]):
            if s == sid:
                lines.append(f"slot={sid} level={level} kind={'page' if level == 3 else 'block'} perm={perm} "
                             f"af={af} count={c} bytes=0x{b:x}")
    if outside:
        lines.append(f"outside mapped=0x{outside:x}")
    exp = [line.strip() for line in open(path) if line.strip()]
    result(lines == exp, f"prefault-{pid}", f"expected {exp} got {lines}")


# ---- check: every valid shadow MMU's leaves enumerated from the dump and judged against the
# two-stage walk (guest tables read at L1 IPAs), in the SPEC's kind order ----
def s2_walk_desc(read, base, vtcr, ia_addr):
    """(oa, level, desc) or (None, level, None): s2_walk plus the leaf descriptor."""
    tg0 = (vtcr >> 14) & 3
    pgshift = {0: 12, 2: 14}.get(tg0, 16)
    stride = pgshift - 3
    ia = 64 - (vtcr & 0x3f)
    sl0 = (vtcr >> 6) & 3
    start = (2 - sl0) if pgshift == 12 else (3 - sl0)
    level, table = start, base & ((1 << 48) - 1) & ~((1 << pgshift) - 1)
    if ia_addr >> ia:
        return None, level, None
    while True:
        bottom = (3 - level) * stride + pgshift
        top = ia - 1 if level == start else bottom + stride - 1
        desc = read(table + ((ia_addr & ((1 << (top + 1)) - 1)) >> bottom) * 8)
        if desc is None or not desc & 1 or (level == 3 and desc & 3 != 3):
            return None, level, None
        if level == 3 or desc & 3 == 1:
            oa = (desc & ((1 << 48) - 1) & ~((1 << bottom) - 1)) | (ia_addr & ((1 << bottom) - 1))
            return oa, level, desc
        table = desc & ((1 << 48) - 1) & ~((1 << pgshift) - 1)
        level += 1


for v, kvm_addr in zip(vms, [a for a, _ in got]):
    pid = v["pid"]
    path = os.path.join(d, "expected", pid, "check")
    if damage or not os.path.exists(path):
        continue
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    vtcr, pgd, vm_ia = int(v["vtcr"], 16), int(v["pgd_pa"], 16), int(v["ipa_range"])
    arr = kvm.arch.nested_mmus

    class NotInDump(Exception):
        pass

    def read_l1(l1):
        """A guest descriptor at L1 IPA l1; None when the canonical stage 2 does not map it,
        NotInDump when it does but the page is not in the dump (filtered)."""
        pa, _ = s2_walk(rd64, pgd, vtcr, l1)
        if pa is None:
            return None
        try:
            return rd64(pa)
        except drgn.FaultError:
            raise NotInDump()
    lines, n = [], 0
    for i in range(int(kvm.arch.nested_mmus_size)):
        mmu = arr[i] if arr.type_.type.kind == drgn.TypeKind.POINTER else arr[i].address_of_()
        if int(mmu.tlb_vttbr) & 1:
            continue
        for l2, level, size, e in s2_leaves(int(mmu.pgd_phys), int(mmu.vtcr)):
            if bool(mmu.nested_stage2_enabled):
                gvtcr = int(mmu.tlb_vtcr)
                if 64 - (gvtcr & 0x3f) > vm_ia:  # refused VTCR (guest IA above the VM's PA size)
                    l1, gdesc = None, None
                else:
                    try:
                        l1, _, gdesc = s2_walk_desc(read_l1, int(mmu.tlb_vttbr), gvtcr, l2)
                    except NotInDump:  # a filtered guest table: not checkable, not a violation
                        lines.append(f"mmu={i} l2=0x{l2:016x} size=0x{size:x} kind=not-checkable")
                        continue
                gperm = perm3(gdesc) if gdesc is not None else None
            else:
                l1, gperm = l2, "rwx"
            kind = None
            if l1 is None:
                kind = "guest-unmapped"
            else:
                pa, _, cdesc = s2_walk_desc(rd64, pgd, vtcr, l1)
                sperm = perm3(e)
                wider = lambda p, q: any(c != "-" and q[j] == "-" for j, c in enumerate(p))  # noqa: E731
                if pa is None:
                    kind = "canonical-unmapped"
                elif e & ((1 << 48) - 1) & ~(size - 1) != pa:
                    kind = "stale-oa"
                elif wider(sperm, gperm):
                    kind = "wider-than-guest"
                elif wider(sperm, perm3(cdesc)):
                    kind = "wider-than-canonical"
            if kind:
                n += 1
                lines.append(f"mmu={i} l2=0x{l2:016x} size=0x{size:x} kind={kind}")
    lines.append(f"violations={n}")
    exp = [line.strip() for line in open(path) if line.strip()]
    result(lines == exp, f"nested-check-{pid}", f"expected {exp} got {lines}")


# ---- memslots' hva_tree (interval tree by userspace_addr) and id_hash (hash_32(id, 7)) in the
# active set; hlist_head is an opaque stand-in in the fake vmlinux, so its first pointer is read raw
for v, kvm_addr in zip(vms, [a for a, _ in got]):
    pid = v["pid"]
    want = kv_lines(os.path.join(d, "expected", pid, "memslots"))
    if damage or not want:
        continue
    kvm = drgn.Object(prog, "struct kvm *", kvm_addr)
    ss = kvm.memslots[0]
    j = int(ss.node_idx)
    exp = sorted((int(w["uaddr"], 16), int(w["uaddr"], 16) + int(w["size"], 16) - 1, int(w["id"])) for w in want)
    gh = [(int(n.hva_node[j].start), int(n.hva_node[j].last), int(n.id)) for n in rbtree_inorder_for_each_entry(
        "struct kvm_memory_slot", ss.hva_tree.rb_root.address_of_(), f"hva_node[{j}].rb")]
    result(gh == exp, f"memslots-hva-{pid}", f"expected {exp} got {gh}")
    ok, why = True, ""
    for w in want:
        sid = int(w["id"])
        pos = int(ss.id_hash[((sid * 0x61C88647) & 0xffffffff) >> 25].__opaque[0])
        found = False
        while pos and not found:
            n = drgn.container_of(drgn.Object(prog, "struct hlist_node *", pos), "struct kvm_memory_slot",
                                  f"id_node[{j}]")
            found = int(n.id) == sid and int(n.base_gfn) * ps == int(w["gpa"], 16)
            pos = int(n.id_node[j].next.value_())
        if not found:
            ok, why = False, f"slot {sid} not found in its id_hash bucket"
    result(ok, f"memslots-id-hash-{pid}", why)
