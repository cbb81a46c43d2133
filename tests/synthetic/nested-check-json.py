#!/usr/bin/env python3
"""`nesteds2 check -j <pid>` against the generator's own verdicts (expected/<pid>/check, an
independent source): one "mmu=<index> l2=.. size=.. kind=.." line per violating (or
not-checkable) shadow leaf in order, then "violations=N". The JSON's violations and not_checkable
findings must be those (index, L2 range, kind), its
summary count N, and its exit status 1 exactly when it reports violations, unreadable shadow
tables or stale vCPUs (0 otherwise).
usage: nested-check-json.py JSON_FILE STATUS CHECK_FILE
Prints nothing and exits 0 when all agree, else one line per difference and exits 1."""
import sys

from nestedjson import fields, finish, load, mode_differs

path, status, golden = sys.argv[1], int(sys.argv[2]), sys.argv[3]
doc = load(path)
bad = mode_differs(doc, "check")
want, count = [], None
for line in open(golden):
    f = fields(line.split())
    if "violations" in f:
        count = int(f["violations"])
    elif "mmu" in f:
        want.append((int(f["mmu"]), int(f["l2"], 16), int(f["size"], 16), f["kind"]))
got = [(e["index"], int(e["l2"], 16), int(e["size"], 16), e["kind"] if e["type"] == "violation" else "not-checkable")
       for e in doc.get("findings", []) if e.get("type") in ("violation", "not_checkable")]
if got != want:
    bad.append(f"violations: golden {want[:3]}... ({len(want)}), JSON {got[:3]}... ({len(got)})")
s = doc.get("summary") or {}
if count is None or s.get("violations") != count:
    bad.append(f"summary violations {s.get('violations')}, golden {count}")
findings = s.get("violations", 0) + s.get("problems", 0) + s.get("stale_vcpus", 0)
want_status = 1 if findings else 0
if status != want_status or doc.get("status") != want_status or doc.get("error") is not None:
    bad.append(f"status {status}, JSON status {doc.get('status')} error {doc.get('error')!r}, expected {want_status}")
finish(bad)
