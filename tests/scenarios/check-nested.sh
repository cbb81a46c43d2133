#!/usr/bin/env bash
# Nested-virtualization scenario test: runs build/s2dump over every generated dump
# (build/vmcores/<L>/<scenario>/, made by `make vmcores`) whose VMs have shadow MMUs, and compares
# the tool's output field by field with the generator's own expectations:
#   expected/<pid>/nested-<i>.guest   <- nesteds2 guest <mmu of nested_mmus[i]>
#   expected/<pid>/nested-translate   <- s2dump -t L2IPA <mmu>   (two-stage translation)
#   expected/<pid>/check              <- nesteds2 check <pid>    (and its exit status)
# A scenario with `nested` lines whose dump or expected files are missing is a FAIL, never a pass.
# Prints "PASS check-nested ..." / "FAIL check-nested ...: why". Env: S2_TOP, S2_BUILD (or S2_TOOL), VMC_ROOT.
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
vmc=${VMC_ROOT:-$top/build/vmcores}
export CN_TOP=$top CN_TOOL=${S2_TOOL:-$build/s2dump} CN_VMC=$vmc
exec python3 - "$@" <<'PYEOF'
import os, re, subprocess, sys, glob

top, tool, vmc = os.environ["CN_TOP"], os.environ["CN_TOOL"], os.environ["CN_VMC"]
failed = 0
quiet = False

def report(ok, name, why=""):
    global failed
    if quiet:
        failed += 0 if ok else 1
        return
    if ok:
        print("PASS check-nested %s" % name)
    else:
        failed += 1
        print("FAIL check-nested %s: %s" % (name, why))

def run(d, *args):
    cmd = [tool, "-c", os.path.join(d, "vmcore"), "-s", os.path.join(d, "vmlinux")] + list(args)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return 124, "", "timeout"
    return p.returncode, p.stdout, p.stderr

def kv(line):
    """key=value record -> dict (ints for numbers), keeping field order."""
    rec = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            rec[k] = int(v, 0) if re.fullmatch(r"-?(0x[0-9a-fA-F]+|[0-9]+)", v) else v
        else:
            rec[tok] = True
    return rec

def compare(name, want, got):
    """Lists of dicts, field by field; one PASS or FAIL line."""
    for i in range(max(len(want), len(got))):
        if i >= len(got):
            return report(False, name, "line %d missing, expected %s" % (i + 1, fmt(want[i])))
        if i >= len(want):
            return report(False, name, "unexpected line %d: %s" % (i + 1, fmt(got[i])))
        w, g = want[i], got[i]
        for k in list(w) + [k for k in g if k not in w]:
            if w.get(k) != g.get(k):
                return report(False, name, "line %d field %s: expected %s, got %s (expected %s, got %s)" %
                              (i + 1, k, val(w.get(k)), val(g.get(k)), fmt(w), fmt(g)))
    report(True, name + " (%d records)" % len(want))

def val(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return hex(v) if v >= 10 else str(v)
    return "-" if v is None else str(v)

def fmt(r):
    return " ".join(k if v is True else "%s=%s" % (k, val(v)) for k, v in r.items())

GRAN = {"4K": 4096, "16K": 16384, "64K": 65536}
H = r"0x[0-9a-f]+"

def parse_guest(out):
    recs = []
    for line in out.splitlines():
        m = re.match(r"  granule (\S+)  ia_bits (\d+)  start_level (-?\d+)  concat (\d+)  oa_bits \d+  root L1 (%s)$" % H, line)
        if m:
            recs.append({"geometry": True, "granule": GRAN[m.group(1)], "ia_bits": int(m.group(2)),
                         "start_level": int(m.group(3)), "concat": int(m.group(4)), "root_l1": int(m.group(5), 16)})
            continue
        if line.startswith("  stage 2 disabled"):
            recs.append({"disabled": True})
            continue
        m = re.match(r"  (VTCR|base) refused: .*, level (-?\d+) \(FSC (%s)\)" % H, line)
        if m:
            # the geometry line printed before a refused base is not part of the fault record
            if m.group(1) == "base" and recs and "geometry" in recs[-1]:
                recs.pop()
            recs.append({"fault": True, "fsc": int(m.group(3), 16), "level": int(m.group(2))})
            continue
        m = re.match(r"(%s)-(%s) L(-?\d+) (block|page) -> L1 (%s)  (\S{3}) AF=([01])" % (H, H, H), line)
        if m:
            a, b = int(m.group(1), 16), int(m.group(2), 16)
            recs.append({"l2": a, "size": b - a, "level": int(m.group(3)), "l1": int(m.group(5), 16),
                         "perm": m.group(6), "af": int(m.group(7))})
            continue
        m = re.match(r"(%s)-(%s) L(-?\d+)  !! table at L1 (%s) (.*)$" % (H, H, H), line)
        if m:
            a, b = int(m.group(1), 16), int(m.group(2), 16)
            why = m.group(5)
            kind = "unmapped" if why.startswith("not mapped") else "missing" if why.startswith("not in dump") else why
            recs.append({"problem": True, "l2": a, "size": b - a, "level": int(m.group(3)),
                         "table_l1": int(m.group(4), 16), "kind": kind})
            continue
        m = re.match(r"(%s)-(%s) L(-?\d+) reserved" % (H, H), line)
        if m:
            recs.append({"reserved": True, "l2": int(m.group(1), 16)})
    return recs

def parse_translate(out, mi, l2):
    lines = out.splitlines()
    rec = {"mmu": mi, "l2": l2}
    if not lines:
        return rec
    m = re.match(r"L2 IPA (%s) -> L1 IPA (%s)" % (H, H), lines[0])
    if not m:
        m = re.match(r"L2 IPA (%s) -> .*, guest level (-?\d+) \(FSC" % H, lines[0])
        if m:
            rec.update({"fault": "guest", "level": int(m.group(2))})
        else:
            rec["unparsed"] = lines[0]
        return rec
    rec["l1"] = int(m.group(2), 16)
    if len(lines) < 2:
        rec["canonical"] = "missing line"
        return rec
    m = re.match(r"IPA (%s) -> PA (%s)" % (H, H), lines[1])
    if m:
        rec["pa"] = int(m.group(2), 16)
        return rec
    m = re.match(r"IPA (%s) -> .*, level (-?\d+) \(FSC" % H, lines[1])
    if m:
        rec.update({"fault": "canonical", "level": int(m.group(2))})
    else:
        rec["unparsed"] = lines[1]
    return rec

def parse_check(out):
    recs = []
    for line in out.splitlines():
        m = re.match(r"mmu %s \[(\d+)\] L2 (%s)-(%s) (\S+):" % (H, H, H), line)
        if m:
            a, b = int(m.group(2), 16), int(m.group(3), 16)
            recs.append({"mmu": int(m.group(1)), "l2": a, "size": b - a, "kind": m.group(4)})
            continue
        m = re.match(r"check: \d+ shadow MMUs, \d+ leaves, (\d+) violations", line)
        if m:
            recs.append({"violations": int(m.group(1))})
    return recs

def read_recs(path):
    with open(path) as f:
        return [kv(l) for l in f if l.strip()]

def mmu_addrs(pdir):
    addrs = {}
    path = os.path.join(pdir, "nested")
    if os.path.exists(path):
        for r in read_recs(path):
            addrs[r["index"]] = r["mmu"]
    return addrs

def check_pid(d, pid, label):
    pdir = os.path.join(d, "expected", str(pid))
    addrs = mmu_addrs(pdir)
    for path in sorted(glob.glob(os.path.join(pdir, "nested-*.guest"))):
        i = int(re.search(r"nested-(\d+)\.guest$", path).group(1))
        name = "%s/%s/%s" % (label, pid, os.path.basename(path))
        if i not in addrs:
            report(False, name, "no nested MMU %d in expected/%s/nested" % (i, pid))
            continue
        rc, out, err = run(d, "nesteds2", "guest", "0x%x" % addrs[i])
        want = read_recs(path)
        got = parse_guest(out)
        problems = any("problem" in r for r in want)
        if rc != (1 if problems else 0):
            report(False, name, "exit status %d, expected %d (%s)" % (rc, 1 if problems else 0, err.strip()))
            continue
        compare(name, want, got)
    path = os.path.join(pdir, "nested-translate")
    if os.path.exists(path):
        want = read_recs(path)
        got = []
        for w in want:
            rc, out, err = run(d, "s2dump", "-t", "0x%x" % w["l2"], "0x%x" % addrs.get(w["mmu"], 0))
            got.append(parse_translate(out, w["mmu"], w["l2"]) if rc == 0 else
                       {"mmu": w["mmu"], "l2": w["l2"], "status": rc, "error": err.strip()})
        compare("%s/%s/nested-translate" % (label, pid), want, got)
    path = os.path.join(pdir, "check")
    if os.path.exists(path):
        want = read_recs(path)
        rc, out, err = run(d, "nesteds2", "check", str(pid))
        nviol = want[-1].get("violations", -1) if want else -1
        name = "%s/%s/check" % (label, pid)
        if rc != (1 if nviol > 0 else 0):
            report(False, name, "exit status %d with %d expected violations (%s)" % (rc, nviol, err.strip()))
        else:
            compare(name, want, parse_check(out))

def scenario_pids(scn):
    """(layouts, pids of VMs with `nested` lines) of one scenario file."""
    layouts, pids, cur = [], [], None
    with open(scn) as f:
        for line in f:
            t = line.split("#", 1)[0].split()
            if not t:
                continue
            if t[0] == "layout":
                layouts += t[1:]
            elif t[0] == "vm":
                cur = int(t[1], 0)
            elif t[0] == "nested" and cur is not None and cur not in pids:
                pids.append(cur)
    return layouts or ["linux-6.12"], pids

def selftest():
    """The comparison must be able to fail: a changed field and a missing line are caught."""
    global failed, quiet
    want = [{"l2": 0x1000, "size": 0x1000, "level": 3, "l1": 0x2000, "perm": "r--", "af": 1}]
    saved = failed
    quiet = True
    compare("selftest-probe", want, [dict(want[0], l1=0x3000)])
    compare("selftest-probe", want, [])
    quiet = False
    caught = failed - saved
    failed = saved
    report(caught == 2, "comparator detects a changed field and a missing line",
           "%d of 2 differences caught" % caught)
    g = parse_guest("0x0000000000200000-0x0000000000400000 L2 block -> L1 0x0000000040000000  rw- AF=1\n"
                    "0x0000000000000000-0x0000008000000000 L1  !! table at L1 0x0000000080000000 not in dump (PA 0x1)\n")
    report(g == [{"l2": 0x200000, "size": 0x200000, "level": 2, "l1": 0x40000000, "perm": "rw-", "af": 1},
                 {"problem": True, "l2": 0, "size": 0x8000000000, "level": 1, "table_l1": 0x80000000,
                  "kind": "missing"}], "guest output parser", repr(g))

selftest()
if not os.access(tool, os.X_OK):
    report(False, "tool", "%s not built (make all)" % tool)
    sys.exit(1)
for scn in sorted(glob.glob(os.path.join(top, "tests/vmcores/scenarios/*.scn"))):
    sname = os.path.basename(scn)[:-4]
    layouts, pids = scenario_pids(scn)
    if not pids:
        continue
    for L in layouts:
        d = os.path.join(vmc, L, sname)
        label = "%s/%s" % (L, sname)
        if not os.path.exists(os.path.join(d, "vmcore")):
            report(False, label, "no dump at %s (make vmcores)" % d)
            continue
        for pid in pids:
            if not os.path.exists(os.path.join(d, "expected", str(pid), "check")):
                report(False, "%s/%s" % (label, pid), "expected/%d/check missing: the generator predates the "
                       "nested expectations (h-gen)" % pid)
                continue
            check_pid(d, pid, label)
sys.exit(1 if failed else 0)
PYEOF
