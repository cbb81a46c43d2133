# SPDX-License-Identifier: GPL-2.0-or-later
"""
The VMCOREINFO note of a dump file, and the ELF header checks it needs, for the Python hosts of
the host-program adapter (the gdb script, the drgn package): one parser, installed beside each of
them (s2dump-gdb.py's directory, the s2dump_drgn package).

Formats: the ELF64 core file (ELF specification: program headers of 56 bytes, PT_LOAD 1,
PT_NOTE 4; notes are namesz, descsz, type, then name and desc each padded to 4 bytes; the
kernel's note is named "VMCOREINFO", its desc the KEY=value lines) and makedumpfile's
kdump-compressed file (struct disk_dump_header, then kdump_sub_header one block in, whose
offset_vmcoreinfo and size_vmcoreinfo are at bytes 32 and 40).
"""
import struct

PT_LOAD, PT_NOTE = 1, 4
_ET_CORE, _EM_AARCH64 = 4, 183
_NOTES_MAX = 1 << 20


def elf_kind(header):
    """(e_type, e_machine) of the ELF64 little-endian file whose first bytes are header, or None."""
    if len(header) < 20 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        return None
    return struct.unpack_from("<HH", header, 16)


def is_aarch64_core(header):
    """Whether header starts an AArch64 ELF64 core file (ET_CORE, EM_AARCH64)."""
    return elf_kind(header) == (_ET_CORE, _EM_AARCH64)


def elf_core_headers(pread, path):
    """
    The program headers of an AArch64 ELF64 little-endian core file as (p_type, p_offset,
    p_paddr, p_filesz), read with pread(size, offset) -> bytes. ValueError naming what the file
    is not.
    """
    ident = pread(64, 0)
    if len(ident) < 64 or elf_kind(ident) is None:
        raise ValueError(f"{path} is not a 64-bit little-endian ELF file")
    if not is_aarch64_core(ident):
        raise ValueError(f"{path} is not an AArch64 ELF core")
    phoff, = struct.unpack_from("<Q", ident, 32)
    phentsize, phnum = struct.unpack_from("<HH", ident, 54)
    headers = []
    for i in range(phnum):
        ph = pread(56, phoff + i * phentsize)
        if len(ph) < 56:
            raise ValueError(f"{path}: program header {i} is cut off")
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", ph)
        headers.append((p_type, p_offset, p_paddr, p_filesz))
    return headers


def note_vmcoreinfo(notes):
    """The VMCOREINFO text in the bytes of one PT_NOTE segment, or None."""
    off = 0
    while off + 12 <= len(notes):
        namesz, descsz, _ = struct.unpack_from("<III", notes, off)
        name = notes[off + 12:off + 12 + namesz].rstrip(b"\0")
        desc = off + 12 + ((namesz + 3) & ~3)
        if name == b"VMCOREINFO":
            return notes[desc:desc + descsz].split(b"\0", 1)[0].decode("ascii", "replace")
        off = desc + ((descsz + 3) & ~3)
    return None


def elf_vmcoreinfo(pread, headers):
    """The VMCOREINFO of the first PT_NOTE segment that has it (headers: elf_core_headers()), or None."""
    for p_type, p_offset, _, p_filesz in headers:
        if p_type == PT_NOTE:
            text = note_vmcoreinfo(pread(min(p_filesz, _NOTES_MAX), p_offset))
            if text is not None:
                return text
    return None


def _diskdump_vmcoreinfo(pread, header):
    # disk_dump_header: signature[8], header_version, new_utsname (390 bytes), timeval, then
    # status, block_size at 424/428
    if len(header) < 432:
        return None
    block_size, = struct.unpack_from("<i", header, 428)
    if not 0 < block_size <= (1 << 20):
        return None
    sub = pread(48, block_size)
    if len(sub) < 48:
        return None
    offset, size = struct.unpack_from("<qQ", sub, 32)
    if offset <= 0 or not 0 < size <= _NOTES_MAX:
        return None
    return pread(size, offset).split(b"\0", 1)[0].decode("ascii", "replace")


def file_vmcoreinfo(path):
    """The VMCOREINFO of an AArch64 ELF core or a kdump-compressed file, or None."""
    try:
        with open(path, "rb") as f:
            def pread(size, offset):
                f.seek(offset)
                return f.read(size)
            header = pread(512, 0)
            if header[:8] == b"KDUMP   ":
                return _diskdump_vmcoreinfo(pread, header)
            return elf_vmcoreinfo(pread, elf_core_headers(pread, path))
    except (OSError, ValueError, struct.error):
        return None


def value(text, key):
    """The value of KEY=value in VMCOREINFO text (the key matched whole), or None."""
    for line in text.splitlines():
        if line.startswith(key + "="):
            return line[len(key) + 1:]
    return None
