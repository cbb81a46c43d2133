# SPDX-License-Identifier: GPL-2.0-or-later
"""
s2dump and nesteds2 for drgn: KVM arm64 stage-2 page tables.

    drgn -c vmcore -s vmlinux libdrgn-contrib/s2dump.py [s2dump|nesteds2] ARGS...
    drgn libdrgn-contrib/s2dump.py ARGS...            (live kernel, arm64 host)
    python3 libdrgn-contrib/s2dump.py -c DUMP -s VMLINUX [s2dump|nesteds2] ARGS...

The arguments are exactly those of the CLI and of the crash commands
(see `s2dump --help`). Works from the source tree right after `make`.
The third form opens the dump itself (s2dump_drgn.open_dump): for QEMU's
kdump-zlib and kdump-raw-* files, which drgn cannot open (docs/field-dumps.md).
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_built = os.path.join(_here, os.pardir, "build", "python")
if os.path.isdir(os.path.join(_built, "s2dump_drgn")):
    sys.path.insert(0, os.path.normpath(_built))

from s2dump_drgn import main, open_dump  # noqa: E402


def _standalone(argv):
    """python3 s2dump.py -c DUMP -s VMLINUX ARGS...: drgn's Program made here."""
    core, symbols, rest = None, [], []
    i = 0
    while i < len(argv):
        if argv[i] in ("-c", "-s") and i + 1 < len(argv):
            if argv[i] == "-c":
                core = argv[i + 1]
            else:
                symbols.append(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if not core:
        print("usage: python3 s2dump.py -c DUMP -s VMLINUX [s2dump|nesteds2] ARGS...", file=sys.stderr)
        return 3
    cmd = rest[0] if rest and rest[0] in ("s2dump", "nesteds2") else "s2dump"
    try:
        prog = open_dump(core, symbols, cmd)
    except (OSError, ValueError, Exception) as e:  # drgn raises plain Exception for unreadable files
        print(f"{cmd}: {e}", file=sys.stderr)
        return 2
    return main(prog, rest)


if __name__ == "__main__":
    if "prog" in globals():
        sys.exit(main(prog, sys.argv[1:]))  # noqa: F821 (prog is drgn's global)
    sys.exit(_standalone(sys.argv[1:]))
