# SPDX-License-Identifier: GPL-2.0-or-later
# Run inside gdb (after s2dump-gdb.py is sourced): each line of the file named by $S2_GDB_CMDS is
# "NAME<TAB>COMMAND"; COMMAND runs as a gdb command, its output captured through gdb's logging
# (what it wrote before an error too) into $S2_GDB_OUT/NAME.out, the gdb error it raised (one
# message; empty when none) into NAME.err. One gdb per dump, the session going on after errors.
import os

import gdb

cmds, outdir = os.environ["S2_GDB_CMDS"], os.environ["S2_GDB_OUT"]
gdb.execute("set pagination off")
gdb.execute("set width 0")
gdb.execute("set logging overwrite on")
gdb.execute("set logging redirect on")
gdb.execute("set logging debugredirect on")
for line in open(cmds):
    name, command = line.rstrip("\n").split("\t", 1)
    base = os.path.join(outdir, name.replace("/", "_"))
    gdb.execute(f"set logging file {base}.out")
    gdb.execute("set logging enabled on")
    err = ""
    try:
        gdb.execute(command)
    except gdb.error as e:
        err = str(e)
    finally:
        gdb.execute("set logging enabled off")
    with open(base + ".err", "w") as f:
        f.write(err + "\n" if err else "")
