# SPDX-License-Identifier: GPL-2.0-or-later
"""
s2dump for drgn
---------------

KVM arm64 stage-2 page tables from drgn, on vmcores and live kernels. The
work is done by s2dump's C core (``s2dump_drgn._core``); this package only
connects it to a :class:`drgn.Program` and keeps one session per program, so
struct layouts are resolved once.

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
import struct
import sys

import drgn

from ._core import Error, Leaf, Session, Translation
from .helpers import (MemslotCoverage, for_each_kvm, kvm_memslot_coverage, kvm_s2_mmus, s2_translate,
                      s2_walk)

__all__ = ("Error", "Leaf", "MemslotCoverage", "Session", "Translation", "for_each_kvm",
           "kvm_memslot_coverage", "kvm_s2_mmus", "main", "run", "s2_translate", "s2_walk", "session",
           "vmcoreinfo_text")

_CACHE_KEY = "s2dump_drgn.session"


def _diskdump_vmcoreinfo(f, header):
    """VMCOREINFO of a kdump-compressed (makedumpfile) file: kdump_sub_header.offset_vmcoreinfo."""
    # disk_dump_header: signature[8], header_version, new_utsname (390 bytes), timeval, then
    # status, block_size at 424/428; the sub-header starts one block in.
    if len(header) < 432:
        return None
    block_size, = struct.unpack_from("<i", header, 428)
    if not 0 < block_size <= (1 << 20):
        return None
    f.seek(block_size)
    sub = f.read(48)
    if len(sub) < 48:
        return None
    offset, size = struct.unpack_from("<qQ", sub, 32)
    if offset <= 0 or not 0 < size <= (1 << 20):
        return None
    f.seek(offset)
    return f.read(size).split(b"\0", 1)[0].decode("ascii", "replace")


def _file_vmcoreinfo(path):
    """The VMCOREINFO of an AArch64 ELF core or a kdump-compressed file, or None."""
    try:
        with open(path, "rb") as f:
            ident = f.read(512)
            if ident[:8] == b"KDUMP   ":
                return _diskdump_vmcoreinfo(f, ident)
            if len(ident) < 64 or ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
                return None
            e_type, e_machine = struct.unpack_from("<HH", ident, 16)
            if e_type != 4 or e_machine != 183:  # ET_CORE, EM_AARCH64
                return None
            phoff, = struct.unpack_from("<Q", ident, 32)
            phentsize, phnum = struct.unpack_from("<HH", ident, 54)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                ph = f.read(56)
                p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", ph)
                if p_type != 4:  # PT_NOTE
                    continue
                f.seek(p_offset)
                notes = f.read(min(p_filesz, 1 << 20))
                off = 0
                while off + 12 <= len(notes):
                    namesz, descsz, _ = struct.unpack_from("<III", notes, off)
                    name = notes[off + 12:off + 12 + namesz].rstrip(b"\0")
                    desc_off = off + 12 + ((namesz + 3) & ~3)
                    if name == b"VMCOREINFO":
                        return notes[desc_off:desc_off + descsz].decode("ascii", "replace")
                    off = desc_off + ((descsz + 3) & ~3)
    except OSError:
        return None
    return None


def vmcoreinfo_text(prog):
    """
    vmcoreinfo_text(prog) -> Optional[str]

    The VMCOREINFO note of the program's kernel: from drgn where it exposes it,
    else the kernel's own copy in memory (vmcoreinfo_data), else from the dump
    file drgn has open (ELF note or kdump-compressed sub-header, found through
    /proc/self/fd). None when unknown.
    """
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
    fd_dir = "/proc/self/fd"
    for fd in sorted(os.listdir(fd_dir), key=int):
        try:
            path = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if path.startswith("/") and os.path.isfile(path):
            text = _file_vmcoreinfo(path)
            if text:
                return text
    return None


def session(prog):
    """
    session(prog) -> Session

    The s2dump session of a program, created on first use and cached in
    ``prog.cache``.
    """
    s = prog.cache.get(_CACHE_KEY)
    if s is None:
        live = bool(prog.flags & drgn.ProgramFlags.IS_LIVE)
        s = Session(prog, vmcoreinfo_text(prog), live)
        prog.cache[_CACHE_KEY] = s
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


COMMANDS = ("s2dump", "nesteds2")


def main(prog, args):
    """The contrib script: the first word picks the command (s2dump by default)."""
    if args and args[0] in COMMANDS:
        argv = list(args)
    else:
        argv = ["s2dump"] + list(args)
    try:
        status = run(prog, argv)
    except (drgn.FaultError, LookupError, ValueError, Error) as e:
        sys.stdout.flush()
        # FaultError's str() appends the address, which the message already names
        message = e.message if isinstance(e, drgn.FaultError) else str(e)
        print(f"{argv[0]}: {message}", file=sys.stderr)
        return getattr(e, "s2dump_status", 2)
    sys.stdout.flush()
    return status
