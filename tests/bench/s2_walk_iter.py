# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: iterate the s2_walk helper (C walker, one Python Leaf per leaf) over one VM's first
# N leaves (0: all).  drgn -q -c vmcore -s vmlinux tests/bench/s2_walk_iter.py BUILD PID N
import itertools
import sys
import time

sys.path.insert(0, sys.argv[1] + "/python")
from s2dump_drgn import for_each_kvm, s2_walk  # noqa: E402

pid, n = int(sys.argv[2]), int(sys.argv[3])
kvm = next(k for k in for_each_kvm(prog) if k.userspace_pid.value_() == pid)  # noqa: F821
t0 = time.monotonic()
c = mapped = 0
for leaf in itertools.islice(s2_walk(kvm), n or None):
    c += 1
    mapped += leaf.size
print(f"leaves={c} mapped={mapped} seconds={time.monotonic() - t0:.3f}")
