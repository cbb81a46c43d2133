# SPDX-License-Identifier: GPL-2.0-or-later
"""
The drgn module as a host of s2dump's generic host-program adapter (_s2dump_host, built from
hostprog/s2dump_host.c): DrgnHost answers the adapter's target operations with a
drgn.Program (prog.read, prog.symbol, prog.type, drgn.offsetof, prog.constant), and Session
turns the adapter's errors into the drgn-style exceptions this package documents:

    kind "fault"                                    drgn.FaultError(message, address)
                                                    (address None for a summary of several)
    "lookup"                                        LookupError
    "invalid-argument", "corrupt", "layout",
    "unsupported" (a pKVM guest)                    ValueError
    "nomem"                                         MemoryError
    anything else (I/O)                             s2dump_drgn.Error
"""
import functools

import drgn

from . import _s2dump_host, s2dump_vmcoreinfo


class Error(Exception):
    """An s2dump error that is none of drgn's kinds (I/O)."""


Error.__module__ = "s2dump_drgn"
Leaf = _s2dump_host.Leaf
Translation = _s2dump_host.Translation
for _t in (Leaf, Translation):
    _t.__module__ = "s2dump_drgn"

_VALUE_KINDS = ("invalid-argument", "corrupt", "layout", "unsupported")


def convert(e):
    """The drgn-style exception for an _s2dump_host.Error."""
    message = str(e)
    if e.kind == "fault":
        return drgn.FaultError(message, e.address)
    if e.kind == "lookup":
        return LookupError(message)
    if e.kind in _VALUE_KINDS:
        return ValueError(message)
    if e.kind == "nomem":
        return MemoryError()
    return Error(message)


def _kind(t):
    """The adapter's kind name of a drgn type (already stripped of typedefs and qualifiers)."""
    k = t.kind
    if k in (drgn.TypeKind.INT, drgn.TypeKind.BOOL):
        return "int"
    return _KINDS.get(k, "other")


_KINDS = {drgn.TypeKind.ENUM: "enum", drgn.TypeKind.POINTER: "pointer", drgn.TypeKind.STRUCT: "struct",
          drgn.TypeKind.CLASS: "struct", drgn.TypeKind.UNION: "union", drgn.TypeKind.ARRAY: "array"}


def _underlying(t):
    """t without typedefs and qualifiers."""
    t = t.unqualified()
    while t.kind == drgn.TypeKind.TYPEDEF:
        t = t.type.unqualified()
    return t


def _sizeof(t):
    try:
        return drgn.sizeof(t)
    except (TypeError, ValueError):
        return 0  # incomplete, void, function: no size


class DrgnHost:
    """The adapter's target operations (hostprog/s2dump_host.c's header) on a drgn.Program."""

    def __init__(self, prog, vmcoreinfo=None):
        self.prog = prog
        self.text = vmcoreinfo
        # bound once: every page-table read of the walk comes here
        self.read_phys = functools.partial(prog.read, physical=True)
        self.read_kvaddr = prog.read

    def symbol_address(self, name):
        return self.prog.symbol(name).address

    def symbol_size(self, name):
        return self.prog.symbol(name).size

    def _aggregate(self, name):
        """prog.type("struct NAME"), else "union NAME"."""
        try:
            return self.prog.type("struct " + name)
        except LookupError:
            pass
        try:
            return self.prog.type("union " + name)
        except LookupError as e:
            raise LookupError(f"type struct {name} not found: {e}") from None

    def member_info(self, type_name, path):
        outer = self._aggregate(type_name)
        offset = drgn.offsetof(outer, path)
        t = outer
        for component in path.split("."):
            t = _underlying(t.member(component).type)
        kind = _kind(t)
        target_kind, length, signed = "other", 0, False
        if kind in ("pointer", "array"):
            target_kind = _kind(_underlying(t.type))
            if kind == "array" and t.length is not None:
                length = t.length
        elif kind in ("int", "enum"):
            try:
                signed = bool(t.is_signed)
            except (AttributeError, TypeError, ValueError):
                signed = False  # drgn has no signedness for this type
        return offset, _sizeof(t), kind, target_kind, length, signed

    def type_size(self, type_name):
        return _sizeof(self._aggregate(type_name))

    def enumerator_value(self, name):
        return self.prog.constant(name).value_()

    def function_param_count(self, name):
        # static inline stubs are objects too (absent ones)
        return len(self.prog.object(name).type_.parameters)

    def vmcoreinfo(self, key):
        if self.text is None:
            raise LookupError("no VMCOREINFO available to drgn")
        v = s2dump_vmcoreinfo.value(self.text, key)
        if v is None:
            raise LookupError(f"VMCOREINFO has no {key}")
        return v


class _Leaves:
    """The adapter's walk iterator with its errors converted (next() goes on after a table)."""

    __slots__ = ("_it",)

    def __init__(self, it):
        self._it = it

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._it)
        except _s2dump_host.Error as e:
            raise convert(e) from None


def _call(method, *args):
    """An adapter method's result, its Error converted."""
    try:
        return method(*args)
    except _s2dump_host.Error as e:
        raise convert(e) from None


def _partial(result):
    """(items, exception or None) of a listing, its Error converted."""
    items, exc = result
    return items, None if exc is None else convert(exc)


class Session:
    """
    Session(prog, vmcoreinfo=None, live=False)

    An s2dump session over a drgn.Program: kernel facts and struct layouts are resolved once.
    vmcoreinfo is the VMCOREINFO note text when drgn does not expose it.
    """

    def __init__(self, prog, vmcoreinfo=None, live=False):
        if vmcoreinfo is not None and not isinstance(vmcoreinfo, str):
            raise TypeError("vmcoreinfo must be str or None")
        try:
            self._s = _s2dump_host.Session(DrgnHost(prog, vmcoreinfo), "drgn", bool(live))
        except _s2dump_host.Error as e:
            raise convert(e) from None

    def run(self, argv, file):
        """
        run(argv, file) -> int

        Run one s2dump command line (argv[0] is 's2dump' or 'nesteds2'), writing its output to
        file as it is produced. Returns the exit status (0 ok, 1 findings); raises
        drgn.FaultError, LookupError, ValueError or s2dump_drgn.Error when the command stops on
        an error, with the exit status the CLI would use in s2dump_status.
        """
        try:
            return self._s.run(argv, file)
        except _s2dump_host.Error as e:
            exc = convert(e)
            exc.s2dump_status = e.status
        raise exc

    def vms(self):
        """vms() -> (list of struct kvm addresses on vm_list, exception or None)"""
        return _partial(_call(self._s.vms))

    def mmus(self, kvm):
        """mmus(kvm) -> (list of kvm_s2_mmu addresses, exception or None)"""
        return _partial(_call(self._s.mmus, kvm))

    def memslots(self, kvm):
        """memslots(kvm) -> ([(slot, id, gpa, size, uaddr, flags, mapped, coverage)], exception or None)"""
        return _partial(_call(self._s.memslots, kvm))

    def walk(self, mmu, start=0, end=None, invalid=False, batch=1024):
        """walk(mmu, start=0, end=None, invalid=False, batch=1024) -> iterator of Leaf"""
        return _Leaves(_call(self._s.walk, mmu, start, end, invalid, batch))

    def translate(self, mmu, ipa):
        """translate(mmu, ipa) -> Translation"""
        return _call(self._s.translate, mmu, ipa)

    def coverage(self, mmu, start, end):
        """coverage(mmu, start, end) -> list of (level, 'block'|'page', count, bytes)"""
        return _call(self._s.coverage, mmu, start, end)


def field_repair(path):
    """field_repair(path) -> None | (fd, notice): a repaired copy of a dump QEMU wrote with shifted RAM."""
    return _call(_s2dump_host.field_repair, path)
