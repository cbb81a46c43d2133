#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
make bench-drgn: the CLI on a generated dump of one VM with many 4K mappings (the bench scenario,
`make vmcores-bench`: 16M mappings, 128 MiB of level-3 tables), against, in the same run:
  - the floor: reading the same table bytes from the dump file (read_bytes: pread 4K at a time and
    load every word; and dd of the same range), warm page cache like every other run;
  - a straightforward drgn script walking the same tables (tests/bench/drgn_walk_baseline.py:
    prog.read of each table, struct.unpack, per-descriptor decode), on all leaves, or on the first
    BENCH_DRGN_LEAVES leaves scaled per leaf to the whole table;
  - for information: the drgn module's contrib script (same C core, memory through drgn) and the
    s2_walk helper (C walker, one Python Leaf per leaf) over the same leaves as the baseline.
Wall time and peak RSS (GNU time) of each run, best of BENCH_ROUNDS (default 3) for the short runs.
Prints the ratios; the goal (issue #4) is the CLI >= 50x faster than the drgn script and within 3x
of reading the bytes.

    tests/bench/bench_drgn.py [SCENARIO_DIR]
(default: the first build/vmcores-bench/*/*/, from the generator's `make vmcores-bench`:
tests/vmcores/scenarios/bench/big.scn)
"""
import glob
import os
import subprocess
import sys
import time

top = os.environ.get("S2_TOP") or os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
build = os.environ.get("S2_BUILD") or os.path.join(top, "build")
drgn = ["/usr/bin/python3", "-m", "drgn", "-q"]
rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
drgn_leaves = int(os.environ.get("BENCH_DRGN_LEAVES", "0"))


def fail(msg):
    print(f"bench-drgn: {msg}", file=sys.stderr)
    sys.exit(1)


def run(argv, stdout=subprocess.DEVNULL):
    """(seconds, peak RSS KiB, stdout text or None) of one command; RSS from /usr/bin/time (GNU time's
    %M: the command's own maximum resident set, file-backed pages it maps included)."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "S2TIME %M"] + argv, stdout=stdout, stderr=subprocess.PIPE)
    t = time.monotonic() - t0
    err = p.stderr.decode()
    if p.returncode != 0:
        fail(f"{' '.join(argv)} failed ({p.returncode}): {err.strip()[-300:]}")
    rss = [line.split()[1] for line in err.splitlines() if line.startswith("S2TIME ")]
    if not rss:
        fail(f"/usr/bin/time gave no figures for {' '.join(argv)}")
    return t, int(rss[-1]), p.stdout.decode() if stdout == subprocess.PIPE else None


def sampled_rss(argv):
    """Peak RssAnon and RssFile (KiB) of a command, sampled from /proc/PID/status every 0.5 ms:
    tells the memory the command allocates from the dump pages it maps (libkdumpfile mmaps the file)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    anon = fil = 0
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        anon = max(anon, int(line.split()[1]))
                    elif line.startswith("RssFile:"):
                        fil = max(fil, int(line.split()[1]))
        except (OSError, ValueError, IndexError):
            pass
        time.sleep(0.0005)
    return anon, fil


def best(argv):
    results = [run(argv) for _ in range(rounds)]
    return min(r[0] for r in results), max(r[1] for r in results)


def records(path):
    with open(path) as f:
        return [dict(w.split("=", 1) for w in line.split() if "=" in w) for line in f if line.strip()]


def main():
    if len(sys.argv) > 1:
        scen = sys.argv[1]
    else:
        found = sorted(glob.glob(os.path.join(build, "vmcores-bench", "*", "*", "vmcore")))
        if not found:
            fail("no bench scenario in build/vmcores-bench/*/*/ (make vmcores-bench)")
        scen = os.path.dirname(found[0])
    vmcore, vmlinux = os.path.join(scen, "vmcore"), os.path.join(scen, "vmlinux")
    vm = records(os.path.join(scen, "expected", "vms"))[0]
    pid, kvm = vm["pid"], vm["kvm"]
    # the mapped IPA range and leaf count from the generator's debugfs text
    lo = hi = None
    leaves = 0
    with open(os.path.join(scen, "expected", pid, "stage2_page_tables")) as f:
        for line in f:
            if not line.startswith("0x"):
                continue
            start, end = (int(x, 16) for x in line[:37].split("-"))
            words = line[37:].split()
            if len(words) > 2 and words[2] != "F":
                level = int(words[1])
                if level != 3:
                    fail(f"the bench scenario should map 4K pages only, line: {line.strip()}")
                lo = start if lo is None else lo
                hi = end
                leaves += (end - start) >> 12
    if not leaves:
        fail("the bench scenario maps nothing")
    for tool in ("s2dump", "bench/read_bytes"):
        if not os.access(os.path.join(build, tool), os.X_OK):
            fail(f"{build}/{tool} is not built")
    rng = run(drgn + ["-c", vmcore, "-s", vmlinux, os.path.join(top, "tests/bench/table_range.py"), build, vmcore,
                      pid, hex(lo), hex(hi)], stdout=subprocess.PIPE)[2]
    r = dict(w.split("=", 1) for w in rng.split())
    off, length = int(r["offset"], 16), int(r["length"], 16)
    min_bytes = int(r["l3_tables"]) * 4096
    sys.stdout.reconfigure(line_buffering=True)
    print(f"bench-drgn: {scen}: VM {pid}, {leaves} 4K leaves, level-3 tables in the dump at file offset "
          f"0x{off:x}, {length >> 20} MiB ({length} bytes; {int(r['l3_tables'])} tables = {min_bytes} bytes)")
    if length > min_bytes * 1.1:
        print(f"  note: the table range holds {length - min_bytes} bytes that are not level-3 tables; the floor "
              "reads them too")
    # warm the page cache: every run below reads a cached file
    run(["cat", vmcore])
    t_read, m_read = best([os.path.join(build, "bench/read_bytes"), vmcore, str(off), str(length)])
    t_dd, m_dd = best(["dd", f"if={vmcore}", "of=/dev/null", "bs=4096", f"skip={off}", f"count={length}",
                       "iflag=skip_bytes,count_bytes", "status=none"])
    t_cli, m_cli = best([os.path.join(build, "s2dump"), "-c", vmcore, "-s", vmlinux, "-x", kvm])
    # what is timed must be right: the CLI's text is the generator's, the contrib script's the CLI's
    cli_text = run([os.path.join(build, "s2dump"), "-c", vmcore, "-s", vmlinux, "-x", kvm], stdout=subprocess.PIPE)[2]
    with open(os.path.join(scen, "expected", pid, "stage2_page_tables")) as f:
        if cli_text != f.read():
            fail("the CLI's -x text differs from expected/%s/stage2_page_tables" % pid)
    anon_cli, file_cli = sampled_rss([os.path.join(build, "s2dump"), "-c", vmcore, "-s", vmlinux, "-x", kvm])
    t_open, m_open = best([os.path.join(build, "s2dump"), "-c", vmcore, "-s", vmlinux, "-t", "0", kvm])
    t_contrib, m_contrib, _ = run(drgn + ["-c", vmcore, "-s", vmlinux, os.path.join(top, "libdrgn-contrib/s2dump.py"),
                                          "-x", kvm])
    contrib_text = run(drgn + ["-c", vmcore, "-s", vmlinux, os.path.join(top, "libdrgn-contrib/s2dump.py"), "-x", kvm],
                       stdout=subprocess.PIPE)[2]
    if contrib_text != cli_text:
        fail("the contrib script's -x text differs from the CLI's")
    n = drgn_leaves if drgn_leaves and drgn_leaves < leaves else leaves
    base = run(drgn + ["-c", vmcore, "-s", vmlinux, os.path.join(top, "tests/bench/drgn_walk_baseline.py"), pid,
                       str(n)], stdout=subprocess.PIPE)
    b = dict(w.split("=", 1) for w in base[2].split())
    if int(b["leaves"]) != n or int(b["mapped"]) != n * 4096:
        fail(f"the drgn baseline walked {b['leaves']} leaves, expected {n}")
    ns_base = float(b["seconds"]) * 1e9 / n
    helper = run(drgn + ["-c", vmcore, "-s", vmlinux, os.path.join(top, "tests/bench/s2_walk_iter.py"), build, pid,
                         str(n)], stdout=subprocess.PIPE)
    h = dict(w.split("=", 1) for w in helper[2].split())
    if int(h["leaves"]) != n or int(h["mapped"]) != n * 4096:
        fail(f"s2_walk gave {h['leaves']} leaves mapping {h['mapped']} bytes, expected {n} 4K leaves")
    ns_helper = float(h["seconds"]) * 1e9 / int(h["leaves"])
    ns = lambda t: t * 1e9 / leaves  # noqa: E731
    t_base_all = ns_base * leaves / 1e9
    print(f"  {'what':<44} {'wall s':>9} {'ns/leaf':>8} {'peak RSS':>10}")
    print(f"  {'read the table bytes (read_bytes, 4K pread)':<44} {t_read:9.3f} {ns(t_read):8.2f} {m_read:>7} KiB")
    print(f"  {'read the table bytes (dd bs=4096)':<44} {t_dd:9.3f} {ns(t_dd):8.2f} {m_dd:>7} KiB")
    print(f"  {'CLI s2dump -x (open + walk + text)':<44} {t_cli:9.3f} {ns(t_cli):8.2f} {m_cli:>7} KiB")
    print(f"  {'CLI open only (s2dump -t 0)':<44} {t_open:9.3f} {'':>8} {m_open:>7} KiB")
    print(f"  {'drgn contrib script s2dump.py -x':<44} {t_contrib:9.3f} {ns(t_contrib):8.2f} {m_contrib:>7} KiB")
    print(f"  {'drgn baseline script, %d leaves' % n:<44} {float(b['seconds']):9.3f} {ns_base:8.1f} "
          f"{base[1]:>7} KiB  (walk only, without drgn's start"
          + (f"; scaled to all {leaves}: {t_base_all:.1f} s)" if n < leaves else ")"))
    print(f"  {'s2_walk helper, %s leaves' % h['leaves']:<44} {float(h['seconds']):9.3f} {ns_helper:8.1f} "
          f"{helper[1]:>7} KiB  (iteration only)")
    print(f"  ratios: CLI / read_bytes {t_cli / t_read:.2f}x (goal <= 3x), CLI / dd {t_cli / t_dd:.2f}x, "
          f"(CLI - open) / read_bytes {(t_cli - t_open) / t_read:.2f}x")
    print(f"          drgn baseline / CLI {t_base_all / t_cli:.0f}x faster (goal >= 50x"
          + (f"; baseline scaled per leaf from {n} leaves" if n < leaves else "; baseline walked all leaves")
          + f"), drgn baseline / contrib script {t_base_all / t_contrib:.0f}x, "
          f"baseline / s2_walk helper {ns_base / ns_helper:.1f}x per leaf")
    print(f"          peak RSS CLI {m_cli} KiB = {m_cli / max(m_read, 1):.1f}x read_bytes; sampled: RssAnon "
          f"{anon_cli} KiB, RssFile {file_cli} KiB (the dump pages libkdumpfile maps); "
          f"contrib script {m_contrib} KiB, baseline {base[1]} KiB")


main()
