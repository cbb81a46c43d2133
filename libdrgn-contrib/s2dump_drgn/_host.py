# SPDX-License-Identifier: GPL-2.0-or-later
"""
The drgn module as a host of s2dump's generic host-program adapter (_s2dump_host, built from
hostprog/s2dump_host.c): DrgnHost answers the adapter's target operations with a
drgn.Program (prog.read, prog.symbol, prog.type, drgn.offsetof, prog.constant), and Session
is the adapter's Session on it, whose errors convert() turns into the drgn-style exceptions
this package documents:

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
    """The drgn-style exception for an _s2dump_host.Error, with the CLI's exit status in s2dump_status."""
    message = str(e)
    if e.kind == "fault":
        exc = drgn.FaultError(message, e.address)
    elif e.kind == "lookup":
        exc = LookupError(message)
    elif e.kind in _VALUE_KINDS:
        exc = ValueError(message)
    elif e.kind == "nomem":
        return MemoryError()
    else:
        exc = Error(message)
    exc.s2dump_status = e.status
    return exc


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


class Session(_s2dump_host.Session):
    """
    Session(prog, vmcoreinfo=None, live=False)

    An s2dump session over a drgn.Program: kernel facts and struct layouts are resolved once.
    vmcoreinfo is the VMCOREINFO note text when drgn does not expose it.

    run(argv, file) -> int runs one s2dump command line (argv[0] is 's2dump' or 'nesteds2'),
    writing its output to file as it is produced, and returns the exit status (0 ok, 1
    findings); the helpers' entry points are the adapter's (vms, mmus, walk, translate,
    coverage, memslots). Errors are drgn.FaultError, LookupError, ValueError or
    s2dump_drgn.Error, with the exit status the CLI would use in s2dump_status.
    """

    __slots__ = ()

    def __init__(self, prog, vmcoreinfo=None, live=False):
        if vmcoreinfo is not None and not isinstance(vmcoreinfo, str):
            raise TypeError("vmcoreinfo must be str or None")
        super().__init__(DrgnHost(prog, vmcoreinfo), "drgn", bool(live), convert)


def field_repair(path):
    """field_repair(path) -> None | (fd, notice): a repaired copy of a dump QEMU wrote with shifted RAM."""
    try:
        return _s2dump_host.field_repair(path)
    except _s2dump_host.Error as e:
        raise convert(e) from None
