#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""hostprog/s2dump_vmcoreinfo.py, the VMCOREINFO parser the gdb script and the drgn package share,
on files built here byte by byte from the formats' rules (not by the code under test):
  - an AArch64 ELF64 core: ELF header (e_type 4 ET_CORE at 16, e_machine 183 EM_AARCH64 at 18,
    e_phoff at 32, e_phentsize/e_phnum at 54/56), two PT_NOTE segments (the first without
    VMCOREINFO: a "CORE" note, the second with it after another note, names and descs padded to
    4 bytes) and a PT_LOAD: headers, the note's text, KEY=value lookups (whole keys only);
  - a makedumpfile kdump-compressed file: "KDUMP   ", block_size at 428, the sub-header one
    block in with offset_vmcoreinfo/size_vmcoreinfo at 32/40;
  - what is not such a file: another machine, an executable, a cut-off program header (one line
    naming the file each), an empty or unreadable file (None).
One PASS/FAIL line per assertion, then "N passed, N failed".
"""
import os
import struct
import sys
import tempfile

top = os.environ.get("S2_TOP") or os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(top, "hostprog"))
import s2dump_vmcoreinfo as v  # noqa: E402

passed = failed = 0
TEXT = "OSRELEASE=7.2.0-test\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffff800081b2a000\nNUMBER(VA_BITS)=48\n"


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS vmcoreinfo/{what}")
    else:
        failed += 1
        print(f"FAIL vmcoreinfo/{what}: {detail}")


def note(name, desc, ntype=0):
    pad = lambda b: b + b"\0" * (-len(b) % 4)  # noqa: E731
    n = name + b"\0"
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def elf_core(machine=183, e_type=4):
    """Header (64) + 3 program headers (56 each) + notes + a page of 'RAM'."""
    notes1 = note(b"CORE", b"\1" * 10, 1)
    notes2 = note(b"CORE", b"\2" * 7, 1) + note(b"VMCOREINFO", TEXT.encode())
    off1 = 64 + 3 * 56
    off2 = off1 + len(notes1)
    off3 = off2 + len(notes2)
    hdr = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    hdr += struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, 0, 64, 0, 0, 64, 56, 3, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 4, 0, off1, 0, 0, len(notes1), 0, 4)
    ph += struct.pack("<IIQQQQQQ", 4, 0, off2, 0, 0, len(notes2), 0, 4)
    ph += struct.pack("<IIQQQQQQ", 1, 7, off3, 0xffff000040000000, 0x40000000, 4096, 4096, 4096)
    return hdr + ph + notes1 + notes2 + b"\xaa" * 4096, (off1, off2, off3)


def kdump(block=4096):
    h = bytearray(b"KDUMP   " + b"\0" * (block - 8))
    struct.pack_into("<i", h, 428, block)
    sub = bytearray(block)
    struct.pack_into("<qQ", sub, 32, 2 * block, len(TEXT) + 1)
    return bytes(h) + bytes(sub) + TEXT.encode() + b"\0"


with tempfile.TemporaryDirectory() as tmp:
    def write(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    data, (off1, off2, off3) = elf_core()
    path = write("core", data)

    def pread(size, offset):
        return data[offset:offset + size]

    try:
        headers = v.elf_core_headers(pread, path)
    except ValueError as e:
        headers = f"ValueError: {e}"
    want = [(4, off1, 0, off2 - off1), (4, off2, 0, off3 - off2), (1, off3, 0x40000000, 4096)]
    check("elf/headers", headers == want, f"{headers}, expected {want}")
    check("elf/note", headers == want and v.elf_vmcoreinfo(pread, headers) == TEXT)
    check("elf/file", v.file_vmcoreinfo(path) == TEXT, repr(v.file_vmcoreinfo(path)))
    check("elf/is-core", v.is_aarch64_core(data[:20]) and v.elf_kind(data[:20]) == (4, 183))
    check("value/found", v.value(TEXT, "SYMBOL(swapper_pg_dir)") == "ffff800081b2a000")
    check("value/whole-key", v.value(TEXT, "PAGE") is None and v.value(TEXT, "VA_BITS") is None)
    check("kdump/file", v.file_vmcoreinfo(write("kdump", kdump())) == TEXT)
    check("kdump/bad-block-size", v.file_vmcoreinfo(write("kdump0", kdump()[:428] + b"\0" * 8000)) is None)
    for what, (blob, _), message in (
            ("x86-64", elf_core(machine=62), "is not an AArch64 ELF core"),
            ("executable", elf_core(e_type=2), "is not an AArch64 ELF core"),
            ("cut-off", (elf_core()[0][:64 + 2 * 56 + 20], None), "program header 2 is cut off")):
        p = write(what, blob)
        try:
            v.elf_core_headers(lambda size, offset: blob[offset:offset + size], p)
            check(f"refused/{what}", False, "accepted")
        except ValueError as e:
            check(f"refused/{what}", str(e).startswith(p) and message in str(e) and "\n" not in str(e), str(e))
        check(f"refused/{what}/file", v.file_vmcoreinfo(p) is None)
    try:
        v.elf_core_headers(lambda size, offset: b"#!/bin/sh\n"[offset:offset + size], "script")
        check("refused/not-elf", False, "accepted")
    except ValueError as e:
        check("refused/not-elf", str(e) == "script is not a 64-bit little-endian ELF file", str(e))
    check("none/empty", v.file_vmcoreinfo(write("empty", b"")) is None)
    check("none/missing", v.file_vmcoreinfo(os.path.join(tmp, "no-such-file")) is None)
    no_note = data[:off1] + b"\0" * (off3 - off1) + data[off3:]
    check("none/no-note", v.file_vmcoreinfo(write("no-note", no_note)) is None)
print(f"{passed} passed, {failed} failed")
