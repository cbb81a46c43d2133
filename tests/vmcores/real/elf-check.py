#!/usr/bin/python3
"""Is this ELF vmcore what its program headers say it is?

    elf-check.py VMCORE [RELEASE]

Exit 0 and "ok: ..." when it is; exit 1 and one line saying what is wrong
otherwise (exit 2: not an ELF vmcore at all). The real-kernel pipeline runs it
on every ELF dump it makes (run.sh) and on every cached one (make-dumps.sh), so
that a dump its writer got wrong is re-made, never kept to turn every later
`make check` red.

Why: QEMU's dump-guest-memory (10.0) sizes every vCPU's SVE note like the
first vCPU's but writes each at its own live vector length, then writes RAM
right after the notes it actually wrote. When the vCPUs' vector lengths differ,
every byte of RAM sits before (shorter notes) or after (longer notes; the
declared PT_NOTE then cuts VMCOREINFO off) where PT_LOAD.p_offset says
(docs/real-kernel.md). Readers that trust the headers read garbage.

The checks, each independent of s2dump:
 1. program headers and every segment lie inside the file;
 2. each PT_NOTE holds a chain of whole notes that ends exactly where the
    segment does (zero padding after the last note is allowed);
 3. VMCOREINFO is there, with OSRELEASE (equal to RELEASE when given);
 4. memory reads through the headers are right: init_uts_ns (VMCOREINFO's
    SYMBOL(init_uts_ns), a kernel-image address: PA = VA - kimage_voffset)
    holds OSRELEASE, NUL-terminated, in its first 512 bytes (struct
    uts_namespace starts with struct new_utsname: sysname[65], nodename[65],
    release[65]).
"""
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4


class Bad(Exception):
    pass


def read_at(f, size, off, length, what):
    if off < 0 or off + length > size:
        raise Bad("%s at file offset 0x%x+0x%x lies past the end of the file (0x%x bytes)"
                  % (what, off, length, size))
    f.seek(off)
    return f.read(length)


def notes(seg, base):
    """The notes of one PT_NOTE segment: [(name, type, desc)]; Bad if the chain
    does not end where the segment does."""
    out, pos = [], 0
    while pos + 12 <= len(seg):
        namesz, descsz, ntype = struct.unpack_from("<III", seg, pos)
        if namesz == 0 and descsz == 0 and ntype == 0 and not seg[pos:].strip(b"\0"):
            return out  # zero padding up to the segment's end
        end = pos + 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
        if end > len(seg):
            raise Bad("note %d at file offset 0x%x (namesz %d, descsz %d) runs 0x%x bytes past the "
                      "PT_NOTE segment's end at 0x%x" % (len(out), base + pos, namesz, descsz,
                                                         end - len(seg), base + len(seg)))
        name = seg[pos + 12:pos + 12 + namesz].rstrip(b"\0")
        doff = pos + 12 + ((namesz + 3) & ~3)
        out.append((name, ntype, seg[doff:doff + descsz]))
        pos = end
    if pos != len(seg):
        raise Bad("the note chain ends at file offset 0x%x, %d bytes before the PT_NOTE segment's "
                  "end at 0x%x" % (base + pos, len(seg) - pos, base + len(seg)))
    return out


def check(path, release=None):
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        eh = read_at(f, size, 0, 64, "the ELF header")
        if eh[:4] != b"\x7fELF" or eh[4] != 2 or eh[5] != 1:
            raise ValueError("not a little-endian ELF64 file")
        phoff, = struct.unpack_from("<Q", eh, 32)
        phentsize, phnum = struct.unpack_from("<HH", eh, 54)
        if phentsize != 56 or phnum == 0:
            raise Bad("program headers: phentsize %d, phnum %d" % (phentsize, phnum))
        phs = read_at(f, size, phoff, phnum * 56, "the program headers")
        loads, info = [], {}
        for i in range(phnum):
            ptype, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", phs, i * 56)
            if ptype == PT_LOAD:
                if off + filesz > size:
                    raise Bad("PT_LOAD %d (PA 0x%x) needs file offset 0x%x, the file ends at 0x%x"
                              % (i, paddr, off + filesz, size))
                loads.append((paddr, filesz, off))
            elif ptype == PT_NOTE:
                for name, ntype, desc in notes(read_at(f, size, off, filesz, "PT_NOTE %d" % i), off):
                    if name == b"VMCOREINFO":
                        for line in desc.decode("ascii", "replace").splitlines():
                            k, _, v = line.partition("=")
                            info[k] = v
        if not info:
            raise Bad("no VMCOREINFO note")
        osrel = info.get("OSRELEASE")
        if not osrel:
            raise Bad("VMCOREINFO has no OSRELEASE (cut off?)")
        if release and osrel != release:
            raise Bad("VMCOREINFO says OSRELEASE=%s, the dump was made of %s" % (osrel, release))
        try:
            uts = int(info["SYMBOL(init_uts_ns)"], 16)
            voff = int(info["NUMBER(kimage_voffset)"], 16)
        except (KeyError, ValueError):
            raise Bad("VMCOREINFO lacks SYMBOL(init_uts_ns) or NUMBER(kimage_voffset): cannot verify memory")
        pa = (uts - voff) & (2**64 - 1)
        for paddr, filesz, off in loads:
            if paddr <= pa and pa + 512 <= paddr + filesz:
                mem = read_at(f, size, off + pa - paddr, 512, "init_uts_ns")
                break
        else:
            raise Bad("init_uts_ns (PA 0x%x) is in no PT_LOAD" % pa)
        if osrel.encode() + b"\0" not in mem:
            raise Bad("init_uts_ns (PA 0x%x, file offset 0x%x) does not hold the release %s: RAM is not "
                      "where the program headers say" % (pa, off + pa - paddr, osrel))
        return "ok: %s, %d PT_LOAD, init_uts_ns holds %s" % (path, len(loads), osrel)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: elf-check.py VMCORE [RELEASE]")
    try:
        print(check(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None))
    except ValueError as e:
        print("%s: %s" % (sys.argv[1], e))
        sys.exit(2)
    except Bad as e:
        print("%s: %s" % (sys.argv[1], e))
        sys.exit(1)


if __name__ == "__main__":
    main()
