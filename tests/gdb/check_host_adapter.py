# SPDX-License-Identifier: GPL-2.0-or-later
# The generic host-program adapter (_s2dump_host) on its own, with a second host: one written on
# drgn's Program (types, symbols, physical reads), not gdb. Run with Debian's /usr/bin/python3:
#   python3 check_host_adapter.py ADAPTER_DIR VMCORE VMLINUX CLI_OUT_DIR NAME
# CLI_OUT_DIR holds the CLI's answers on the dump: all.out (s2dump), verbose.out (s2dump -v KVM),
# kvm (the address), nested.out (nesteds2 list), bogus.err (s2dump 0xffff000000001000's line).
#  - the drgn host prints exactly what the CLI prints (so the adapter is not gdb's alone);
#  - a command that fails raises _s2dump_host.Error with the CLI's message, kind and status;
#  - bad hosts give one clear error, never a crash: a missing required method (TypeError naming
#    it), an answer of the wrong shape or kind (one line naming what was expected), a read that
#    raises (a fault naming the physical address), an output file that raises (that exception);
#  - the helpers' entry points (vms, mmus, walk, translate, memslots, coverage) give what the
#    CLI's JSON says (S2_CLI set: the CLI binary), and name a wrong address as a lookup error;
#  - Session(convert_error=f) raises what f(Error) returns instead (a TypeError if that is no
#    exception);
#  - no leak: 2000 commands, errors included, do not grow the resident set (S2_ROUNDS: 1000
#    rounds of two; S2_NO_RSS=1 skips the measure, for valgrind).
import gc
import io
import os
import json
import struct
import subprocess
import sys

adapter_dir, vmcore, vmlinux, cli_dir, name = sys.argv[1:6]
sys.path.insert(0, adapter_dir)
import _s2dump_host  # noqa: E402
import drgn  # noqa: E402

passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}/{what}")
    else:
        failed += 1
        print(f"FAIL {name}/{what}: {detail}")


def vmcoreinfo_of(path):
    with open(path, "rb") as f:
        h = f.read(64)
        phoff, = struct.unpack_from("<Q", h, 32)
        phentsize, phnum = struct.unpack_from("<HH", h, 54)
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", f.read(56))
            if p_type != 4:
                continue
            f.seek(p_offset)
            notes, off = f.read(p_filesz), 0
            while off + 12 <= len(notes):
                namesz, descsz, _ = struct.unpack_from("<III", notes, off)
                desc = off + 12 + ((namesz + 3) & ~3)
                if notes[off + 12:off + 12 + namesz].rstrip(b"\0") == b"VMCOREINFO":
                    return notes[desc:desc + descsz].decode()
                off = desc + ((descsz + 3) & ~3)
    return ""


_KINDS = {"INT": "int", "BOOL": "int", "ENUM": "enum", "POINTER": "pointer", "STRUCT": "struct",
          "UNION": "union", "ARRAY": "array"}


class DrgnHost:
    """The adapter's host on a drgn.Program: the minimum the core needs, plus vmcoreinfo."""

    def __init__(self, prog, text):
        self.prog, self.text = prog, text

    def read_phys(self, pa, n):
        return self.prog.read(pa, n, True)

    def symbol_address(self, sym):
        return self.prog.symbol(sym).address

    def _aggregate(self, t):
        for spelled in ("struct " + t, "union " + t):
            try:
                return self.prog.type(spelled)
            except LookupError:
                pass
        raise LookupError(f"no type {t}")

    @staticmethod
    def _strip(t):
        while t.kind == drgn.TypeKind.TYPEDEF:
            t = t.type
        return t.unqualified()

    def member_info(self, t, path):
        outer = self._aggregate(t)
        offset = drgn.offsetof(outer, path)
        cur = outer
        for component in path.split("."):
            cur = self._strip(cur.member(component).type)
        kind = _KINDS.get(cur.kind.name, "other")
        target = _KINDS.get(self._strip(cur.type).kind.name, "other") if kind in ("pointer", "array") else "other"
        length = (cur.length or 0) if kind == "array" else 0
        signed = kind in ("int", "enum") and bool(getattr(cur, "is_signed", False))
        return offset, drgn.sizeof(cur), kind, target, length, signed

    def type_size(self, t):
        return drgn.sizeof(self._aggregate(t))

    def vmcoreinfo(self, key):
        for line in self.text.splitlines():
            if line.startswith(key + "="):
                return line[len(key) + 1:]
        raise LookupError(key)


prog = drgn.Program()
prog.set_core_dump(vmcore)
try:
    prog.load_debug_info([vmlinux])
except drgn.MissingDebugInfoError:
    pass
host = DrgnHost(prog, vmcoreinfo_of(vmcore))
session = _s2dump_host.Session(host, backend="drgn-host")
kvm = open(f"{cli_dir}/kvm").read().strip()


def run(argv, session=session):
    out = io.StringIO()
    status = session.run(argv, out)
    return status, out.getvalue()


for what, argv, ref in (("all-vms", ["s2dump"], "all.out"), ("verbose", ["s2dump", "-v", kvm], "verbose.out"),
                        ("nested-list", ["nesteds2", "list"], "nested.out")):
    want = open(f"{cli_dir}/{ref}").read()
    status, got = run(argv)
    check(f"drgn-host/{what}", status == 0 and got == want and want,
          f"status {status}, {len(got.splitlines())} lines, the CLI's {len(want.splitlines())}")

want = open(f"{cli_dir}/bogus.err").read().strip()
try:
    run(["s2dump", "0xffff000000001000"])
    check("drgn-host/error", False, "no exception")
except _s2dump_host.Error as e:
    check("drgn-host/error", f"s2dump: {e}" == want and e.status == 2 and e.kind in ("corrupt", "invalid-argument"),
          f"[{e}] kind {e.kind} status {e.status}, the CLI's [{want}]")
try:
    run(["s2dump", "-q"])
    check("drgn-host/usage", False, "no exception")
except _s2dump_host.Error as e:
    check("drgn-host/usage", e.status == 3 and "\n" not in str(e), f"[{e}] status {e.status}")


# The helpers' entry points (Session.vms, mmus, walk, translate, coverage, memslots) through this
# host, against the CLI's JSON on the same dump (S2_CLI: the CLI binary, an independent front end).
cli = os.environ.get("S2_CLI")


def cli_json(*args):
    r = subprocess.run([cli, "-c", vmcore, "-s", vmlinux, *args], capture_output=True, text=True)
    return json.loads(r.stdout)


def error_of(call):
    try:
        call()
    except _s2dump_host.Error as e:
        return e
    return None


def leaf_facts(leaf):
    """What the CLI's -v -j says of a leaf, from a Leaf."""
    return (leaf.ipa, leaf.size, leaf.level, leaf.kind, leaf.oa, leaf.desc, leaf.desc_pa, leaf.r, leaf.w,
            leaf.xn, leaf.af, leaf.sh, leaf.memattr, leaf.contiguous, leaf.dbm, leaf.sw)


def json_leaf_facts(e):
    n = lambda k: int(e[k], 16)  # noqa: E731
    return (n("ipa"), n("size"), e["level"], e["kind"], n("oa"), n("desc"), n("desc_pa"), e["perm"][0] == "r",
            e["perm"][1] == "w", e["xn"], bool(e["af"]), e["sh"], n("memattr"), e["contiguous"], e["dbm"], n("sw"))


def sum_groups(groups):
    """The CLI's -p groups (level, kind, perm, AF) summed by level and kind, as coverage() gives them."""
    sums = {}
    for g in groups:
        c, b = sums.get((g["level"], g["kind"]), (0, 0))
        sums[(g["level"], g["kind"])] = (c + g["count"], b + int(g["bytes"], 16))
    return [(lv, k, c, b) for (lv, k), (c, b) in sorted(sums.items(), key=lambda i: (i[0][0], i[0][1] == "page"))]


if cli:
    every = cli_json("s2dump", "-j")
    nested = {v["kvm"]: [m["addr"] for m in v["nested_mmus"]] for v in cli_json("nesteds2", "list", "-j")["vms"]}
    got, exc = session.vms()
    want = [v["kvm"] for v in every["vms"]]
    check("helpers/vms", [hex(a) for a in got] == want and want and exc is None, f"{got} {exc}, the CLI's {want}")
    for vm in every["vms"]:
        k = vm["kvm"]
        got, exc = session.mmus(int(k, 16))
        want = [vm["mmu"]["addr"]] + nested.get(k, [])
        check(f"helpers/{k}/mmus", [hex(a) for a in got] == want and exc is None, f"{got} {exc}, the CLI's {want}")
        if vm["pkvm"]["host_view_only"]:
            continue
        mmu = int(vm["mmu"]["addr"], 16)
        want = [json_leaf_facts(e) for e in cli_json("s2dump", "-v", "-j", k)["vms"][0]["entries"]
                if e["type"] == "leaf"]
        got = [leaf_facts(leaf) for leaf in session.walk(mmu)]
        check(f"helpers/{k}/walk", got == want and want, f"{len(got)} leaves, the CLI's {len(want)}")
        small = [leaf_facts(leaf) for leaf in session.walk(mmu, batch=3)]
        check(f"helpers/{k}/walk-batches", small == want, f"{len(small)} leaves in batches of 3, {len(want)} in one")
        if want:
            mid = want[len(want) // 2]
            part = [leaf_facts(leaf) for leaf in session.walk(mmu, mid[0], mid[0] + mid[1])]
            check(f"helpers/{k}/walk-range", part == [mid], f"{part}, the CLI's {mid}")
        # a few leaves (an access flag fault among them where the dump has one) and an IPA below them
        for ipa in dict.fromkeys([leaf[0] + leaf[1] // 2 for leaf in want[:3] + want[-2:]] +
                                   [want[0][0] - 1] * (want[0][0] > 0)):
            t = session.translate(mmu, ipa)
            w = cli_json("s2dump", "-t", hex(ipa), "-j", k)["vms"][0]["translation"]
            fault = w["fault"]
            same = (t.fault, t.fsc) == ((fault["type"], int(fault["fsc"], 16)) if fault else (None, 0)) \
                and t.level == (fault["level"] if fault else w["level"])
            if "desc" in w:  # (a translation fault's JSON names no descriptor)
                same = same and t.desc == int(w["desc"], 16) and t.desc_pa == int(w["desc_pa"], 16)
            if w.get("pa") is not None:
                same = same and t.oa == int(w["pa"], 16) and t.kind == w["kind"] \
                    and t.size == int(w["block_size"], 16)
            check(f"helpers/{k}/translate-{ipa:#x}", same, f"{t}, the CLI's {w}")
        prefault = cli_json("s2dump", "-p", "-j", k)["vms"][0]
        got, exc = session.memslots(int(k, 16))
        want = [(int(m["addr"], 16), m["id"], int(m["gpa"], 16), int(m["size"], 16), int(m["uaddr"], 16), m["flags"],
                 int(m["mapped"], 16), sum_groups(m["groups"])) for m in prefault["memslots"]]
        check(f"helpers/{k}/memslots", got == want and exc is None, f"{got} {exc}, the CLI's {want}")
        for slot in got:
            cov = session.coverage(mmu, slot[2], slot[2] + slot[3])
            check(f"helpers/{k}/coverage-{slot[2]:#x}", cov == slot[7], f"{cov}, the CLI's {slot[7]}")
    e = error_of(lambda: session.translate(0xffff000000000123, 0))
    check("helpers/not-an-mmu", e is not None and e.kind == "lookup" and "no VM's kvm_s2_mmu" in str(e), f"[{e}]")
    e = error_of(lambda: session.mmus(0xffff000000001000))
    check("helpers/not-a-kvm", e is not None and e.kind in ("corrupt", "invalid-argument", "fault") and
          "\n" not in str(e), f"[{e}]")


# convert_error: the host's own exception instead of Error, wherever the adapter raises one
class Converted(Exception):
    pass


conv = _s2dump_host.Session(host, convert_error=lambda e: Converted(e.kind, str(e), e.status))
try:
    conv.translate(0xffff000000000123, 0)
    check("convert-error/translate", False, "no exception")
except Converted as e:
    check("convert-error/translate", e.args[0] == "lookup" and "no VM's kvm_s2_mmu" in e.args[1], repr(e))
try:
    conv.run(["s2dump", "0xffff000000001000"], io.StringIO())
    check("convert-error/run", False, "no exception")
except Converted as e:
    check("convert-error/run", f"s2dump: {e.args[1]}" == open(f"{cli_dir}/bogus.err").read().strip()
          and e.args[2] == 2, repr(e))
bad = _s2dump_host.Session(host, convert_error=lambda e: "not an exception")
try:
    bad.translate(0xffff000000000123, 0)
    check("convert-error/not-an-exception", False, "no exception")
except TypeError as e:
    check("convert-error/not-an-exception", "convert_error" in str(e), str(e))
try:
    _s2dump_host.Session(host, convert_error=42)
    check("convert-error/not-callable", False, "accepted 42")
except TypeError as e:
    check("convert-error/not-callable", "convert_error" in str(e), str(e))


class NoRead:
    symbol_address = DrgnHost.symbol_address


try:
    _s2dump_host.Session(NoRead())
    check("bad-host/missing-method", False, "accepted a host without read_phys")
except TypeError as e:
    check("bad-host/missing-method", "read_phys" in str(e), str(e))


class WrongShape(DrgnHost):
    def member_info(self, t, path):
        return (1, 2)


def first_error(host):
    """The error a session on host gives, at its creation or at its first command; None if none."""
    try:
        run(["s2dump"], _s2dump_host.Session(host))
    except _s2dump_host.Error as e:
        return e
    return None


e = first_error(WrongShape(prog, host.text))
check("bad-host/wrong-shape", e is not None and "\n" not in str(e) and "(offset, size, kind, target_kind" in str(e),
      f"[{e}]")


class BadKind(DrgnHost):
    def member_info(self, t, path):
        r = super().member_info(t, path)
        return (r[0], r[1], "float", r[3], r[4], r[5])


e = first_error(BadKind(prog, host.text))
check("bad-host/unknown-kind", e is not None and "\n" not in str(e) and "(offset, size, kind, target_kind" in str(e),
      f"[{e}]")


class FailingRead(DrgnHost):
    armed = False

    def read_phys(self, pa, n):
        if self.armed:
            raise OSError("the host cannot read this")
        return super().read_phys(pa, n)


h = FailingRead(prog, host.text)
s = _s2dump_host.Session(h)
h.armed = True
try:
    run(["s2dump", "-v", kvm], s)
    check("bad-host/read-raises", False, "no exception")
except _s2dump_host.Error as e:
    # the core names what it was reading and where (the host's own reason is not kept)
    check("bad-host/read-raises", e.kind == "fault" and " PA 0x" in str(e) and "\n" not in str(e),
          f"[{e}] kind {e.kind}")


class BadFile:
    def write(self, text):
        raise RuntimeError("disk full")


try:
    session.run(["s2dump"], BadFile())
    check("bad-host/output-raises", False, "no exception")
except RuntimeError as e:
    check("bad-host/output-raises", str(e) == "disk full", str(e))
except _s2dump_host.Error as e:
    check("bad-host/output-raises", False, f"the output's exception became [{e}]")


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def once():
    run(["s2dump", "-x", kvm])
    try:
        run(["s2dump", "0xffff000000001000"])
    except _s2dump_host.Error:
        pass


rounds = int(os.environ.get("S2_ROUNDS", "1000"))
for _ in range(rounds // 5):
    once()
if os.environ.get("S2_NO_RSS") != "1":  # (under valgrind the resident set says nothing)
    gc.collect()
    before = rss_kib()
    for _ in range(rounds):
        once()
    gc.collect()
    after = rss_kib()
    check("no-leaks", after - before <= 512, f"resident set grew by {after - before} KiB over {2 * rounds} commands")
print(f"{passed} passed, {failed} failed")
