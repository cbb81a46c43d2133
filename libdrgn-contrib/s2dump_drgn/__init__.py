# SPDX-License-Identifier: GPL-2.0-or-later
"""
s2dump for drgn
---------------

KVM arm64 stage-2 page tables from drgn, on vmcores and live kernels. The
work is done by s2dump's C core through its generic host-program adapter
(``_s2dump_host``, shared with the gdb front end); this package is a host of
that adapter: it answers the core's target operations with a
:class:`drgn.Program` (``s2dump_drgn._host``) and keeps one session per
program, so struct layouts are resolved once.

>>> from s2dump_drgn import run
>>> run(prog, ["s2dump", "-x", "0xffff800080000000"])   # debugfs text of one VM
>>> run(prog, ["nesteds2", "list"])

Helpers in drgn's style (``s2dump_drgn.helpers``, re-exported here):
:func:`for_each_kvm`, :func:`kvm_s2_mmus`, :func:`s2_walk`,
:func:`s2_translate`, :func:`kvm_memslot_coverage`.

>>> from s2dump_drgn import for_each_kvm, kvm_s2_mmus, s2_walk, s2_translate
>>> for kvm in for_each_kvm(prog):
...     for mmu in kvm_s2_mmus(kvm):
...         print(hex(mmu.value_()), sum(leaf.size for leaf in s2_walk(mmu)))
"""

import os
import sys

import drgn

from ._host import Error, Leaf, Session, Translation, field_repair
from . import s2dump_vmcoreinfo
from .s2dump_vmcoreinfo import file_vmcoreinfo as _file_vmcoreinfo
from .helpers import (MemslotCoverage, for_each_kvm, kvm_memslot_coverage, kvm_s2_mmus, s2_translate,
                      s2_walk)

__all__ = ("Error", "Leaf", "MemslotCoverage", "Session", "Translation", "field_program",
           "for_each_kvm", "kvm_memslot_coverage", "kvm_s2_mmus", "main", "open_dump", "program", "run",
           "s2_translate", "s2_walk", "session", "vmcoreinfo_text")

_CACHE_KEY = "s2dump_drgn.session"
_VMCOREINFO_KEY = "s2dump_drgn.vmcoreinfo"  # set by field_program() on a repaired copy
_PROGRAM_KEY = "s2dump_drgn.program"  # the program s2dump reads (the repaired copy's, or prog)


def vmcoreinfo_text(prog):
    """
    vmcoreinfo_text(prog) -> Optional[str]

    The VMCOREINFO note of the program's kernel: from drgn where it exposes it,
    else the kernel's own copy in memory (vmcoreinfo_data), else from the dump
    file drgn has open (ELF note or kdump-compressed sub-header, found through
    /proc/self/fd). None when unknown.
    """
    if _VMCOREINFO_KEY in prog.cache:
        return prog.cache[_VMCOREINFO_KEY]
    try:
        obj = prog["VMCOREINFO"]
        return obj.string_().decode("ascii", "replace")
    except (KeyError, LookupError, drgn.FaultError, TypeError, ValueError, AttributeError):
        pass
    # The kernel's own copy (vmcoreinfo_data/vmcoreinfo_size): any dump format drgn can read.
    try:
        size = prog["vmcoreinfo_size"].value_()
        data = prog["vmcoreinfo_data"].value_()
        if data and 0 < size <= 65536:
            return prog.read(data, size).split(b"\0", 1)[0].decode("ascii", "replace")
    except (KeyError, LookupError, drgn.FaultError, TypeError, ValueError):
        pass
    for path in _open_files():
        text = _file_vmcoreinfo(path)
        if text:
            return text
    return None


def _field(prog, name="s2dump"):
    """The program s2dump reads for prog: prog, or its repaired copy (field_program), decided once."""
    target = prog.cache.get(_PROGRAM_KEY)
    if target is None:
        target = field_program(prog, name)
        prog.cache[_PROGRAM_KEY] = target
    return target


def program(prog):
    """
    program(prog) -> drgn.Program

    The program s2dump reads for *prog*: *prog* itself, or, for a dump QEMU
    wrote with shifted RAM, the program on its repaired copy
    (:func:`field_program`). The helpers' Objects belong to it.
    """
    return _field(prog)


def session(prog):
    """
    session(prog) -> Session

    The s2dump session of a program, created on first use and cached in
    ``prog.cache``. A dump QEMU wrote with shifted RAM is read through its
    repaired copy (:func:`program`).
    """
    s = prog.cache.get(_CACHE_KEY)
    if s is None:
        target = _field(prog)
        live = bool(prog.flags & drgn.ProgramFlags.IS_LIVE)
        s = Session(target, vmcoreinfo_text(target), live)
        prog.cache[_CACHE_KEY] = s
        if target is not prog:
            target.cache[_CACHE_KEY] = s
            target.cache[_PROGRAM_KEY] = target
    return s


def run(prog, argv, file=None):
    """
    run(prog, argv, file=sys.stdout) -> int

    Run one command line exactly as the CLI and crash take it
    (``["s2dump", "-v", "0xffff..."]``, ``["nesteds2", "list"]``), writing the
    output to *file* as it is produced. Returns the exit status (0, or 1 when
    the command found problems); raises :class:`drgn.FaultError`,
    :class:`LookupError`, :class:`ValueError` or :class:`Error`.
    """
    return session(prog).run(list(argv), sys.stdout if file is None else file)


def _header(path, n=20):
    """The first n bytes of a file, or b"" if it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


def _is_dump(path):
    """An AArch64 ELF core, or a kdump-compressed file (flattened or not)."""
    h = _header(path)
    return s2dump_vmcoreinfo.is_aarch64_core(h) or h[:8] == b"KDUMP   " or h[:12] == b"makedumpfile"


def _open_files():
    """The regular files this process has open (drgn keeps its dump and the vmlinux open)."""
    fd_dir = "/proc/self/fd"
    for fd in sorted(os.listdir(fd_dir), key=int):
        try:
            path = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if path.startswith("/") and os.path.isfile(path):
            yield path


def _drgn_args(short, long):
    """The values of one option on drgn's command line (/proc/self/cmdline)."""
    try:
        with open("/proc/self/cmdline", "rb") as f:
            words = [w.decode(errors="replace") for w in f.read().split(b"\0")]
    except OSError:
        return []
    values = []
    for i, w in enumerate(words):
        if w in (short, long) and i + 1 < len(words):
            values.append(words[i + 1])
        elif w.startswith(long + "="):
            values.append(w.split("=", 1)[1])
    return values


def _symbol_files():
    """drgn's -s/--symbols arguments, else the AArch64 executables it has open (the vmlinux)."""
    paths = [p for p in _drgn_args("-s", "--symbols") if os.path.isfile(p)]
    if not paths:
        # AArch64 ET_EXEC or ET_DYN
        paths = [p for p in _open_files() if s2dump_vmcoreinfo.elf_kind(_header(p)) in ((2, 183), (3, 183))]
    return paths


def field_program(prog, name="s2dump"):
    """
    field_program(prog, name="s2dump") -> drgn.Program

    *prog*, or, when the dump drgn opened is one QEMU wrote with its RAM off
    ``p_offset`` (SVE notes of different sizes; docs/field-dumps.md), a new
    program on a repaired copy (an unnamed temporary file) with the same
    vmlinux, after one line on stderr ("<name>: ...") saying what was repaired.
    A shift that does not verify raises :class:`ValueError` naming the defect:
    nothing is guessed.
    """
    if prog.flags & drgn.ProgramFlags.IS_LIVE:
        return prog
    cores = [p for p in _open_files() if _is_dump(p)]
    if len(cores) != 1:
        return prog
    # named as on drgn's command line, as the CLI names it
    path = cores[0]
    for given in _drgn_args("-c", "--core"):
        try:
            if os.path.samefile(given, path):
                path = given
        except OSError:
            pass
    repaired = field_repair(path)
    if repaired is None:
        return prog
    return _repaired_program(repaired, name, _symbol_files())


def _repaired_program(repaired, name, symbols):
    """A Program on field_repair()'s copy (fd, notice), with the vmlinux; the notice on stderr."""
    fd, notice = repaired
    try:
        new = drgn.Program()
        new.set_core_dump(f"/proc/self/fd/{fd}")
        # the original file stays open in drgn's first program, its VMCOREINFO cut or misplaced:
        # the repaired copy's own is the one to use (vmcoreinfo_text)
        text = _file_vmcoreinfo(f"/proc/self/fd/{fd}")
        if text:
            new.cache[_VMCOREINFO_KEY] = text
    finally:
        os.close(fd)
    try:
        new.load_debug_info(symbols)
    except drgn.MissingDebugInfoError:
        pass  # as drgn itself: what is missing shows when it is needed
    print(f"{name}: {notice}", file=sys.stderr)
    new.cache[_PROGRAM_KEY] = new
    return new


def open_dump(path, symbols, name="s2dump"):
    """
    open_dump(path, symbols, name="s2dump") -> drgn.Program

    A program on the dump at *path* with the vmlinux (and modules) in
    *symbols*, for the dumps drgn cannot open itself: QEMU's kdump-zlib
    (makedumpfile's flattened stream) and kdump-raw-* files (64 KiB blocks,
    an empty utsname) and its ELF files with shifted RAM are read through a
    repaired copy (one line on stderr says what was repaired). Any other dump
    is opened as it is. A repair that does not verify raises
    :class:`ValueError`.
    """
    repaired = field_repair(path)
    if repaired is not None:
        return _repaired_program(repaired, name, symbols)
    prog = drgn.Program()
    prog.set_core_dump(path)
    try:
        prog.load_debug_info(symbols)
    except drgn.MissingDebugInfoError:
        pass
    prog.cache[_PROGRAM_KEY] = prog
    return prog


COMMANDS = ("s2dump", "nesteds2")


def main(prog, args):
    """The contrib script: the first word picks the command (s2dump by default)."""
    if args and args[0] in COMMANDS:
        argv = list(args)
    else:
        argv = ["s2dump"] + list(args)
    try:
        _field(prog, argv[0])
        status = run(prog, argv)
    except (drgn.FaultError, LookupError, ValueError, Error) as e:
        sys.stdout.flush()
        # FaultError's str() appends the address, which the message already names
        message = e.message if isinstance(e, drgn.FaultError) else str(e)
        print(f"{argv[0]}: {message}", file=sys.stderr)
        return getattr(e, "s2dump_status", 2)
    sys.stdout.flush()
    return status
