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
#  - no leak: 2000 commands, errors included, do not grow the resident set (S2_ROUNDS: 1000
#    rounds of two; S2_NO_RSS=1 skips the measure, for valgrind).
import gc
import io
import os
import struct
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
