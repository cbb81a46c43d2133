#!/usr/bin/env python3
"""`nesteds2 dump -j <mmu>` against the generator's own tables (an independent source):
the MMU's facts against expected/<pid>/nested (index, name, valid, vmid, mmu, pgd_pa,
ipa_range, levels), every JSON leaf against expected/<pid>/nested-<i>.stage2_page_tables.complete
(the leaf lies inside one mapped line of the same level whose R, W and AF flags are the leaf's),
and the bytes the leaves map against the mapped lines' total.
usage: nested-dump-json.py JSON_FILE STATUS 'NESTED_LINE' COMPLETE_FILE
Prints nothing and exits 0 when all agree, else one line per difference and exits 1."""
import re
import sys

from nestedjson import finish, load, mode_differs

path, status, line, complete = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
exp = dict(kv.split("=", 1) for kv in line.split())
doc = load(path)
bad = []
if status != 0 or doc.get("status") != 0 or doc.get("error") is not None:
    bad.append(f"status {status}, JSON status {doc.get('status')} error {doc.get('error')!r}")
bad += mode_differs(doc, "dump")
m = doc.get("nested_mmu", {})
for key, want, got in (("index", int(exp["index"]), m.get("index")), ("name", exp["name"], m.get("name")),
                       ("valid", exp["valid"] == "1", m.get("valid")), ("vmid", int(exp["vmid"]), m.get("vmid")),
                       ("addr", int(exp["mmu"], 16), int(m.get("addr", "0x0"), 16)),
                       ("pgd_pa", int(exp["pgd_pa"], 16), int(m.get("pgd_pa", "0x0"), 16)),
                       ("ipa_range", int(exp["ipa_range"]), m.get("ipa_range")),
                       ("stage2_levels", int(exp["levels"]), m.get("stage2_levels"))):
    if want != got:
        bad.append(f"{key}: expected {want!r}, JSON has {got!r}")
lines = []
for text in open(complete):
    r = re.match(r"^0x([0-9a-f]+)-0x([0-9a-f]+)\s+\S+\s+(-?\d)(.*)$", text.rstrip("\n"))
    if r:
        flags = set(r.group(4).split())
        lines.append((int(r.group(1), 16), int(r.group(2), 16), int(r.group(3)), flags))
mapped = sum(hi - lo for lo, hi, _, flags in lines if flags)
covered = 0
for e in m.get("entries", []):
    if e.get("type") != "leaf":
        bad.append(f"entry {e}: not a leaf")
        continue
    lo = int(e["ipa"], 16)
    hi = lo + int(e["size"], 16)
    covered += hi - lo
    holder = [l for l in lines if l[0] <= lo and hi <= l[1]]
    if not holder:
        bad.append(f"leaf 0x{lo:x}-0x{hi:x}: in no line of the generator's table")
        continue
    _, _, level, flags = holder[0]
    want = ("R" in flags, "W" in flags, "AF" in flags)
    got = (e["perm"][0] == "r", e["perm"][1] == "w", e["af"] == 1)
    if level != e["level"] or want != got:
        bad.append(f"leaf 0x{lo:x}-0x{hi:x}: level {e['level']} (r, w, af) {got}; the generator's line: "
                   f"level {level} {sorted(flags)}")
if covered != mapped:
    bad.append(f"leaves map 0x{covered:x} bytes, the generator's table 0x{mapped:x}")
finish(bad)
