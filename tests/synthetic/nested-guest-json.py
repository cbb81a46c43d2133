#!/usr/bin/env python3
"""`nesteds2 guest -j <mmu>` against the generator's own walk of the guest hypervisor's stage 2
(expected/<pid>/nested-<i>.guest, an independent source): "disabled", "fault fsc=.. level=..",
"geometry granule=.. ia_bits=.. start_level=.. concat=.. root_l1=..", one "l2=.. size=.. level=..
l1=.. perm=... af=.." per valid leaf and one "problem l2=.. size=.. level=.. table_l1=.. kind=.."
per unreadable table, in L2 order; the exit status is 1 exactly when there are problems.
usage: nested-guest-json.py JSON_FILE STATUS GUEST_FILE
Prints nothing and exits 0 when all agree, else one line per difference and exits 1."""
import sys

from nestedjson import fields, finish, load, mode_differs

path, status, golden = sys.argv[1], int(sys.argv[2]), sys.argv[3]
doc = load(path)
bad = mode_differs(doc, "guest")
g = (doc.get("nested_mmu") or {}).get("guest") or {}
want_entries, want_problems = [], 0
for line in open(golden):
    words = line.split()
    if not words:
        continue
    f = fields(words)
    if words[0] == "disabled":
        if g.get("enabled") is not False:
            bad.append(f"golden: disabled; JSON guest {g}")
    elif words[0] == "fault":
        fault = g.get("refused") or g.get("base_fault")
        if not fault or int(fault["fsc"], 16) != int(f["fsc"], 16) or fault["level"] != int(f["level"]):
            bad.append(f"golden: fault fsc={f['fsc']} level={f['level']}; JSON refused {g.get('refused')} "
                       f"base_fault {g.get('base_fault')}")
    elif words[0] == "geometry":
        got = (1 << {"4K": 12, "16K": 14, "64K": 16}.get(g.get("granule"), 0), g.get("ia_bits"),
               g.get("start_level"), g.get("concat"), int(g.get("root_l1", "0x0"), 16))
        exp = (int(f["granule"]), int(f["ia_bits"]), int(f["start_level"]), int(f["concat"]), int(f["root_l1"], 16))
        if got != exp:
            bad.append(f"geometry (granule, ia_bits, start_level, concat, root): golden {exp}, JSON {got}")
    elif words[0] == "problem":
        want_problems += 1
        want_entries.append(("problem", int(f["l2"], 16), int(f["size"], 16), int(f["level"]),
                             int(f["table_l1"], 16), f["kind"]))
    else:
        want_entries.append(("leaf", int(f["l2"], 16), int(f["size"], 16), int(f["level"]),
                             int(f["l1"], 16), f["perm"], int(f["af"])))
got_entries = []
for e in g.get("entries", []):
    if e.get("type") == "problem":
        got_entries.append(("problem", int(e["l2"], 16), int(e["size"], 16), e["level"], int(e["table_l1"], 16),
                            e["problem"]))
    else:
        got_entries.append(("leaf", int(e["l2"], 16), int(e["size"], 16), e["level"], int(e["l1"], 16),
                            e["perm"], e["af"]))
if got_entries != want_entries:
    diff = [(i, w, x) for i, (w, x) in enumerate(zip(want_entries + [None] * len(got_entries),
                                                     got_entries + [None] * len(want_entries)))
            if w != x]
    bad.append(f"{len(want_entries)} golden entries, {len(got_entries)} in JSON; first difference #{diff[0][0]}: "
               f"golden {diff[0][1]}, JSON {diff[0][2]}")
want_status = 1 if want_problems else 0
if status != want_status or doc.get("status") != want_status:
    bad.append(f"status {status}, JSON status {doc.get('status')}, expected {want_status} "
               f"({want_problems} problems); error {doc.get('error')!r}")
finish(bad)
