#!/usr/bin/python3
"""Writes a directory as a gzip'ed newc cpio archive (an initramfs) to stdout.
Used by prepare.sh so the host needs no cpio package. Owners are 0:0."""
import gzip
import os
import stat
import sys


def entries(top):
    yield "."
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            yield os.path.relpath(os.path.join(dirpath, name), top)


def header(ino, st, namesize, filesize):
    fields = (ino, st.st_mode, 0, 0, 1 if not stat.S_ISDIR(st.st_mode) else 2,
              int(st.st_mtime), filesize, 0, 0, 0, 0, namesize, 0)
    return b"070701" + b"".join(b"%08x" % v for v in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    top = sys.argv[1]
    out = gzip.GzipFile(fileobj=sys.stdout.buffer, mode="wb", compresslevel=1, mtime=0)
    ino = 1
    for rel in entries(top):
        path = os.path.join(top, rel)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(path).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = b""
        name = rel.encode() + b"\0"
        hdr = header(ino, st, len(name), len(data))
        out.write(hdr + name + pad(len(hdr) + len(name)) + data + pad(len(data)))
        ino += 1
    trailer = b"TRAILER!!!\0"
    hdr = b"070701" + b"".join(b"%08x" % v for v in (0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, len(trailer), 0))
    out.write(hdr + trailer + pad(len(hdr) + len(trailer)))
    out.close()


if __name__ == "__main__":
    main()
