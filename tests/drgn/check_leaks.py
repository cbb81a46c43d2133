# SPDX-License-Identifier: GPL-2.0-or-later
# No reference or memory leak in the C entry points: every helper (and its error paths, and an
# iterator dropped half-way) 3000 times over must not grow the resident set.
#   drgn -q -c vmcore -s vmlinux tests/drgn/check_leaks.py BUILD NAME
import gc
import sys

sys.path.insert(0, sys.argv[1] + "/python")
from s2dump_drgn import for_each_kvm, kvm_memslot_coverage, kvm_s2_mmus, s2_translate, s2_walk  # noqa: E402

name = sys.argv[2]


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


kvm = next(iter(for_each_kvm(prog)))  # noqa: F821


def once():
    list(for_each_kvm(prog))  # noqa: F821
    list(kvm_s2_mmus(kvm))
    list(s2_walk(kvm))
    list(s2_walk(kvm, invalid=True))
    s2_translate(kvm, 0x40001234)
    s2_translate(kvm, 0x50000000)
    list(kvm_memslot_coverage(kvm))
    try:
        s2_translate(0x1234, 0, prog=prog)  # noqa: F821
    except LookupError:
        pass
    it = s2_walk(kvm)
    next(it, None)
    del it


for _ in range(300):
    once()
gc.collect()
before = rss_kib()
for _ in range(3000):
    once()
gc.collect()
after = rss_kib()
if after - before > 512:
    print(f"FAIL {name}/no-leaks: resident set grew by {after - before} KiB over 3000 rounds of every helper")
else:
    print(f"PASS {name}/no-leaks (resident set {before} -> {after} KiB over 3000 rounds of every helper)")
