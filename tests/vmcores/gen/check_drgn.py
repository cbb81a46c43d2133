"""drgn acceptance for one generated scenario directory (called by tests/vmcores/check-drgn.sh)."""
import os
import sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry

d = sys.argv[1]
name = "/".join(d.split("/")[-2:])


def result(ok, check, why=""):
    print(f"PASS drgn {check} {name}" if ok else f"FAIL drgn {check} {name}: {why}")


def parse_vms(path):
    vms = []
    for line in open(path):
        vms.append(dict(kv.split("=", 1) for kv in line.split()))
    return vms


vms = parse_vms(os.path.join(d, "expected/vms"))
damage = None
if os.path.exists(os.path.join(d, "expected/error")):
    damage = open(os.path.join(d, "expected/error")).read().split()[0].split("=")[1]

prog = drgn.Program()
try:
    prog.set_core_dump(os.path.join(d, "vmcore"))
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
            got_n.append(f"0x{int(mmu.tlb_vttbr):016x}-0x{int(mmu.tlb_vtcr):016x}-s2-{en}abled "
                         f"pgd_pa=0x{int(mmu.pgd_phys):016x}")
        exp_n = [f"{w['name']} pgd_pa={w['pgd_pa']}" for w in want_n]
        result(got_n == exp_n, f"nested-{v['pid']}", f"expected {exp_n} got {got_n}")
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
