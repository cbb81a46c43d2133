# SPDX-License-Identifier: GPL-2.0-or-later
"""
s2dump and nesteds2 for drgn: KVM arm64 stage-2 page tables.

    drgn -c vmcore -s vmlinux libdrgn-contrib/s2dump.py [s2dump|nesteds2] ARGS...
    drgn libdrgn-contrib/s2dump.py ARGS...            (live kernel, arm64 host)

The arguments are exactly those of the CLI and of the crash commands
(see `s2dump --help`). Works from the source tree right after `make`.
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_built = os.path.join(_here, os.pardir, "build", "python")
if os.path.isdir(os.path.join(_built, "s2dump_drgn")):
    sys.path.insert(0, os.path.normpath(_built))

from s2dump_drgn import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(prog, sys.argv[1:]))  # noqa: F821 (prog is drgn's global)
