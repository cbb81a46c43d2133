# SPDX-License-Identifier: GPL-2.0-or-later
# The drgn-style helpers of s2dump_drgn against one generated scenario's expected/ files (written
# by the generator from its own table model, never by s2dump):
#   drgn -q -c DIR/vmcore -s DIR/vmlinux tests/drgn/check_helpers.py DIR NAME [BUILD]
# Prints PASS/FAIL lines named NAME/<what>.
import os
import sys

scenario, name = sys.argv[1], sys.argv[2]
build = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..", "build")
sys.path.insert(0, os.path.join(build, "python"))

import drgn  # noqa: E402
from s2dump_drgn import (for_each_kvm, kvm_memslot_coverage, kvm_s2_mmus, s2_translate,  # noqa: E402
                         s2_walk, session)

exp = os.path.join(scenario, "expected")
results = {"pass": 0, "fail": 0}


def report(ok, what, why=""):
    if ok:
        print(f"PASS {name}/{what}")
        results["pass"] += 1
    else:
        print(f"FAIL {name}/{what}: {why}")
        results["fail"] += 1


def records(path):
    """key=value records, one per line (words without '=' get the value True)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            rec = {}
            for word in line.split():
                k, eq, v = word.partition("=")
                rec[k] = v if eq else True
            if rec:
                out.append(rec)
    return out


def num(s):
    return int(s, 0)


def read_error():
    recs = records(os.path.join(exp, "error"))
    return recs[0] if recs else {}


damage = read_error()
kind = damage.get("damage")
vms = records(os.path.join(exp, "vms"))

# for_each_kvm: addresses and pids in vm_list order; the damaged lists raise the way the CLI fails.
got, exc = [], None
try:
    for kvm in for_each_kvm(prog):  # noqa: F821 (drgn's global)
        if str(kvm.type_) != "struct kvm *":
            raise TypeError(f"for_each_kvm yielded {kvm.type_}")
        got.append((kvm.value_(), kvm.userspace_pid.value_()))
except (drgn.FaultError, LookupError, ValueError) as e:
    exc = e
want = [(num(v["kvm"]), int(v["pid"])) for v in vms]
if kind in ("bogus-kvm", "truncate"):
    # bogus-kvm: vm_list.next is an unmapped vmalloc address; truncate: the struct kvm is gone
    ok = isinstance(exc, drgn.FaultError)
    if kind == "bogus-kvm":
        bogus = num(damage["kvm"])
        # the fault is inside (or at the list entry of) the bogus struct kvm
        ok = ok and bogus <= exc.address < bogus + 0x4000
    report(ok, "for_each_kvm-raises", f"expected drgn.FaultError for damage {kind}, got "
           f"{type(exc).__name__ if exc else 'no exception'}: {exc} after {len(got)} VMs")
else:
    report(exc is None and got == want, "for_each_kvm",
           f"expected {[(hex(a), p) for a, p in want]}, got {[(hex(a), p) for a, p in got]}"
           f"{' then ' + type(exc).__name__ + ': ' + str(exc) if exc else ''}")


def ptdump_runs(path):
    """(start, end, level, attrs) of each line of a stage2_page_tables text."""
    runs = []
    with open(path) as f:
        for line in f:
            if not line.startswith("0x"):
                continue
            rng, rest = line[:37], line[37:].split()
            start, end = (int(x, 16) for x in rng.split("-"))
            # rest: size, level, then the attribute words (none for unmapped runs)
            runs.append((start, end, int(rest[1]), rest[2:]))
    return runs


def check_walk(what, mmu, text_path, hole=None):
    """The walk's valid leaves against the debugfs text the generator wrote (complete file)."""
    runs = ptdump_runs(text_path)
    leaves, exc = [], None
    try:
        leaves = list(s2_walk(mmu))
    except drgn.FaultError as e:
        exc = e
    if hole is not None:
        # the fault names the missing table, its level and PA; the iterator then goes on after it
        lvl = int(damage["level"])
        report(exc is not None and exc.address == hole and f"level {lvl} table at PA 0x{hole:x}" in exc.message,
               f"{what}/s2_walk-hole", f"expected drgn.FaultError naming the level {lvl} table at PA 0x{hole:x}, "
               f"got {exc!r}")
        it = s2_walk(mmu)
        before, after, faults = [], [], 0
        while True:
            try:
                leaf = next(it)
            except StopIteration:
                break
            except drgn.FaultError:
                faults += 1
                if faults > 1:
                    break
                continue
            (after if faults else before).append(leaf)
        ipa = num(damage["ipa"])
        report(faults == 1 and all(leaf.ipa < ipa for leaf in before) and all(leaf.ipa > ipa for leaf in after),
               f"{what}/s2_walk-hole-resume", f"{faults} faults, {len(before)} leaves before and {len(after)} "
               f"after the hole at IPA 0x{ipa:x}")
        return
    if exc is not None:
        report(False, f"{what}/s2_walk", f"unexpected {exc!r}")
        return
    problems = []
    i = 0
    mapped = 0
    annotated = None
    for start, end, level, attrs in runs:
        if attrs and attrs[0] == "F":
            # an invalid entry KVM annotated (non-zero): no mapping, but s2_walk(invalid=True) sees it
            if annotated is None:
                annotated = [leaf for leaf in s2_walk(mmu, invalid=True) if leaf.kind == "invalid" and leaf.desc]
            if not any(leaf.ipa == start and leaf.ipa + leaf.size == end and leaf.level == level
                       for leaf in annotated):
                problems.append(f"run 0x{start:x}-0x{end:x} L{level} is an annotated invalid entry in the text, "
                                f"s2_walk(invalid=True) has none there")
            attrs = []
        inside = []
        while i < len(leaves) and leaves[i].ipa < end:
            inside.append(leaves[i])
            i += 1
        if not attrs:
            if inside:
                problems.append(f"run 0x{start:x}-0x{end:x} is unmapped in the text, walk has "
                                f"{len(inside)} leaves from 0x{inside[0].ipa:x}")
            continue
        pos = start
        for leaf in inside:
            if leaf.ipa != pos or leaf.level != level:
                problems.append(f"run 0x{start:x}-0x{end:x} L{level}: leaf at 0x{leaf.ipa:x} L{leaf.level}, "
                                f"expected one at 0x{pos:x}")
                break
            if leaf.r != ("R" in attrs) or leaf.w != ("W" in attrs) or leaf.af != ("AF" in attrs) or \
                    (not leaf.desc & 2) != ("BLK" in attrs):
                problems.append(f"leaf 0x{leaf.ipa:x}: r={leaf.r} w={leaf.w} af={leaf.af} "
                                f"desc=0x{leaf.desc:x}, text says {' '.join(attrs)}")
                break
            pos += leaf.size
            mapped += leaf.size
        else:
            if pos != end:
                problems.append(f"run 0x{start:x}-0x{end:x} L{level}: leaves cover only to 0x{pos:x}")
    if i < len(leaves):
        problems.append(f"{len(leaves) - i} leaves beyond the text, first at 0x{leaves[i].ipa:x}")
    report(not problems, f"{what}/s2_walk", "; ".join(problems[:3]))
    if not problems and leaves:
        # resumption: the walk in batches of 1 and 3 leaves, and in IPA windows, gives the same leaves
        s = session(prog)  # noqa: F821
        mmu_addr = mmu.value_()
        b1 = list(s.walk(mmu_addr, 0, None, False, 1))
        b3 = list(s.walk(mmu_addr, 0, None, False, 3))
        mid = leaves[len(leaves) // 2]
        win = list(s2_walk(mmu, 0, mid.ipa)) + list(s2_walk(mmu, mid.ipa))
        report(b1 == leaves and b3 == leaves and win == leaves, f"{what}/s2_walk-resume",
               f"batch 1: {len(b1)}, batch 3: {len(b3)}, windows: {len(win)} leaves, full walk {len(leaves)}")


if kind not in ("bogus-kvm", "truncate"):
    by_pid = {int(v["pid"]): v for v in vms}
    kvms = {kvm.userspace_pid.value_(): kvm for kvm in for_each_kvm(prog)}  # noqa: F821
    for pid, v in by_pid.items():
        kvm = kvms[pid]
        d = os.path.join(exp, str(pid))
        nested = records(os.path.join(d, "nested"))
        mmus = list(kvm_s2_mmus(kvm))
        want_mmus = [num(v["mmu"])] + [num(n["mmu"]) for n in nested]
        report([m.value_() for m in mmus] == want_mmus and all(str(m.type_) == "struct kvm_s2_mmu *"
                                                                 for m in mmus),
               f"{pid}/kvm_s2_mmus", f"expected {[hex(a) for a in want_mmus]}, got {mmus}")
        canon = mmus[0]
        if os.path.exists(os.path.join(d, "pkvm")):
            # pKVM: the host has no stage-2 table to walk; every stage-2 helper says so
            refused = []
            for what, call in (("s2_walk", lambda: list(s2_walk(kvm))),
                               ("s2_translate", lambda: s2_translate(kvm, 0x40000000)),
                               ("kvm_memslot_coverage", lambda: list(kvm_memslot_coverage(kvm)))):
                try:
                    call()
                    refused.append(f"{what} returned")
                except ValueError as e:
                    if "pKVM" not in str(e):
                        refused.append(f"{what}: {e}")
            report(not refused, f"{pid}/pkvm-refused", "; ".join(refused))
            continue
        # Objects or addresses: the same MMU through every accepted form
        forms = [kvm, kvm[0], canon, canon[0]]
        t0 = [s2_translate(f, 0x40000000) for f in forms] + [s2_translate(canon.value_(), 0x40000000, prog=prog)]  # noqa: F821,E501
        report(all(t == t0[0] for t in t0), f"{pid}/objects-or-addresses",
               f"translations differ between the forms: {t0}")
        # s2_translate vs expected/<pid>/translate
        tr = os.path.join(d, "translate")
        # (a cycle's VM: the generator's translate lines are those of the undamaged tables)
        if os.path.exists(tr) and not (kind == "cycle" and int(damage["vm"]) == pid):
            bad = []
            n = 0
            with open(tr) as f:
                for line in f:
                    words = line.split()
                    ipa = num(words[0])
                    rec = dict(w.partition("=")[::2] for w in words[1:])
                    t = s2_translate(kvm, ipa)
                    n += 1
                    if "fault" in words:
                        if t.fault != "translation fault" or t.level != int(rec["level"]) or t.oa is not None:
                            bad.append(f"0x{ipa:x}: expected a translation fault at level {rec['level']}, got {t}")
                    elif t.fault is not None and t.fault != "access flag fault" or t.oa != num(rec["pa"]) or \
                            t.level != int(rec["level"]) or t.size != num(rec["size"]):
                        bad.append(f"0x{ipa:x}: expected pa {rec['pa']} level {rec['level']} size {rec['size']}, "
                                   f"got {t}")
            if n:
                report(not bad, f"{pid}/s2_translate", "; ".join(bad[:3]) + f" ({n} IPAs)")
        hole = None
        if kind == "hole" and int(damage["vm"]) == pid:
            hole = num(damage["missing_pa"])
            t = s2_translate(kvm, num(damage["ipa"]))
            report(t.fault == "external abort on table walk" and t.level == int(damage["level"]) and
                   t.desc_pa == hole and t.oa is None and t.read_error, f"{pid}/s2_translate-hole",
                   f"expected an external abort at level {damage['level']} on the table at PA 0x{hole:x}, got {t}")
        if kind == "corrupt" and int(damage["vm"]) == pid:
            ipa, dpa = num(damage["ipa"]), num(damage["descriptor_pa"])
            t = s2_translate(kvm, ipa)
            report(t.fault == "translation fault" and t.level == int(damage["level"]) and t.desc_pa == dpa,
                   f"{pid}/s2_translate-corrupt", f"expected a translation fault at level {damage['level']} "
                   f"on the descriptor at PA 0x{dpa:x}, got {t}")
            rsv = [leaf for leaf in s2_walk(kvm) if leaf.kind == "reserved"]
            report(len(rsv) == 1 and rsv[0].ipa == ipa and rsv[0].desc_pa == dpa and rsv[0].level == 3,
                   f"{pid}/s2_walk-corrupt", f"expected one reserved leaf at 0x{ipa:x} (desc PA 0x{dpa:x}), "
                   f"got {rsv}")
        if kind == "cycle" and int(damage["vm"]) == pid:
            # the walk meets a table already on its path: ValueError naming it, then goes on after it
            tpa, lvl = num(damage["table_pa"]), int(damage["level"])
            errs, n = [], 0
            it = s2_walk(kvm)
            while len(errs) < 5:
                try:
                    next(it)
                    n += 1
                except StopIteration:
                    break
                except ValueError as e:
                    errs.append(str(e))
            report(len(errs) == 1 and f"level {lvl} table at PA 0x{tpa:x}" in errs[0] and "cycle" in errs[0],
                   f"{pid}/s2_walk-cycle", f"expected one ValueError naming the level {lvl} table at PA 0x{tpa:x} "
                   f"(cycle), got {errs} and {n} leaves")
            continue
        check_walk(str(pid), canon, os.path.join(d, "stage2_page_tables.complete"), hole)
        for n in nested:
            i = int(n["index"])
            p = os.path.join(d, f"nested-{i}.stage2_page_tables.complete")
            if os.path.exists(p):
                check_walk(f"{pid}/nested-{i}", mmus[1 + i], p)
        # memslot coverage vs expected/<pid>/memslots and prefault (when the generator writes them)
        slots_exp = records(os.path.join(d, "memslots"))
        try:
            cov = list(kvm_memslot_coverage(kvm))
        except Exception as e:  # a failure to read memslots is a test failure, not a crash
            report(False, f"{pid}/kvm_memslot_coverage", f"{type(e).__name__}: {e}")
            continue
        if not slots_exp:
            report(not cov, f"{pid}/kvm_memslot_coverage-none",
                   f"the scenario has no memslots, got {[(c.id, hex(c.gpa)) for c in cov]}")
            continue
        got_slots = [(c.id, c.gpa, c.size, c.uaddr, c.flags) for c in cov]
        want_slots = [(int(s["id"]), num(s["gpa"]), num(s["size"]), num(s["uaddr"]), num(s["flags"]))
                      for s in slots_exp]
        report(got_slots == want_slots, f"{pid}/kvm_memslot_coverage-slots",
               f"expected {want_slots}, got {got_slots}")
        pre = records(os.path.join(d, "prefault"))
        if pre:
            want_cov = {}
            for r in pre:
                if "slot" not in r:
                    continue
                sid = int(r["slot"])
                ent = want_cov.setdefault(sid, [0, {}])
                if "mapped" in r:
                    ent[0] = num(r["mapped"])
                else:
                    key = (int(r["level"]), r["kind"])
                    c, b = ent[1].get(key, (0, 0))
                    ent[1][key] = (c + int(r["count"]), b + num(r["bytes"]))
            got_cov = {c.id: [c.mapped, {(lv, k): (n, b) for lv, k, n, b in c.leaves}] for c in cov}
            report(got_cov == want_cov, f"{pid}/kvm_memslot_coverage-mapped",
                   f"expected {want_cov}, got {got_cov}")

# Wrong inputs raise drgn's kinds of exceptions.
try:
    s2_translate(0xffff000000000123, 0, prog=prog)  # noqa: F821
    report(False, "lookup-error", "no exception for an address that is no MMU")
except LookupError as e:
    report("no VM's kvm_s2_mmu" in str(e) or kind in ("bogus-kvm", "truncate"), "lookup-error", str(e))
except drgn.FaultError as e:
    report(kind in ("bogus-kvm", "truncate"), "lookup-error", f"FaultError {e}")
try:
    s2_walk(prog["vm_list"])  # noqa: F821
    report(False, "type-error", "no exception for a struct list_head")
except TypeError as e:
    # one line naming the type, not its whole definition
    report("\n" not in str(e) and "struct list_head" in str(e), "type-error", repr(str(e)))
# Address arguments: refused outside [0, 2**64) rather than wrapped (1 << 70 would read as 0,
# -1 as 0xffffffffffffffff), and messages with their numbers filled in.
if kind not in ("bogus-kvm", "truncate") and vms and not os.path.exists(os.path.join(exp, vms[0]["pid"], "pkvm")):
    mmu0 = num(vms[0]["mmu"])
    for what, call, want in (
            ("ipa-too-big", lambda: s2_translate(mmu0, 1 << 70, prog=prog), hex(1 << 70)),  # noqa: F821
            ("ipa-negative", lambda: s2_translate(mmu0, -1, prog=prog), "-0x1"),  # noqa: F821
            ("walk-end-too-big", lambda: list(s2_walk(mmu0, 0, 1 << 64, prog=prog)), "0x10000000000000000"),  # noqa: F821
            ("walk-start-above-end", lambda: list(s2_walk(mmu0, 0x50000000, 0x40000000, prog=prog)),  # noqa: F821
             "start 0x50000000 is above end 0x40000000")):
        try:
            call()
            report(False, f"args/{what}", "no exception")
        except ValueError as e:
            report(want in str(e) and "%" not in str(e), f"args/{what}", f"{e}")
print(f"{name}: {results['pass']} passed, {results['fail']} failed", file=sys.stderr)
