# SPDX-License-Identifier: GPL-2.0-or-later
# `drgn -q -c VMCORE -s VMLINUX SCRIPT ARGS...` for drgn >= 0.0.29 on the synthetic dumps: their
# VMCOREINFO has no BUILD-ID, so drgn's module API ignores the given vmlinux ("did not match any
# loaded modules"); this launcher does what the CLI does and then loads the vmlinux into the
# kernel's main module with force=True. Everything else (the script, prog, exit status) is as
# with the drgn command.
import logging
import runpy
import sys

import drgn

args = sys.argv[1:]
core = vmlinux = None
while args and args[0].startswith("-"):
    opt = args.pop(0)
    if opt == "-q":
        continue
    if opt in ("-c", "-s") and args:
        if opt == "-c":
            core = args.pop(0)
        else:
            vmlinux = args.pop(0)
        continue
    sys.exit(f"drgn-force: unknown option {opt}")
if not core or not vmlinux or not args:
    sys.exit("usage: drgn-force.py [-q] -c VMCORE -s VMLINUX SCRIPT [ARGS...]")
prog = drgn.Program()
prog.set_core_dump(core)
# create the kernel's modules as drgn -s would; drgn logs that it cannot list kernel modules yet
log = logging.getLogger("drgn")
level = log.level
log.setLevel(logging.CRITICAL + 1)
try:
    for _ in prog.loaded_modules():
        pass
finally:
    log.setLevel(level)
main = prog.main_module()
if main.wants_debug_file():
    main.try_file(vmlinux, force=True)
sys.argv = args
runpy.run_path(args[0], init_globals={"prog": prog}, run_name="__main__")
