#!/usr/bin/python3
"""Compares s2dump's stage-2 text for one VM with the leaves of the independent
walker (verify.py --leaves), line by line of s2dump's output.

    compare.py LEAVES_FILE DEBUGFS_NAME IA_BITS < s2dump-output

s2dump's output is read as the kernel's debugfs stage2_page_tables text
(docs/ptdump.md): "0x<start>-0x<end> <size> <level> <attributes>", one line
per run of equal level and attributes; "F" in the attributes (or no "R") marks
an invalid run. If a line also carries an output address ("pa=0x..",
"oa=0x..", "-> 0x.."), it is compared too. s2dump -v lines (valid leaves only,
with their output address) are read as well; the IPA space is then not tiled. The union of valid runs must equal
the union of the walker's leaves, with the same level, R, W and AF
(an AF difference is reported, but only as INFO: a live system may age pages
between two observations; here both come from the same dump, so it should not
happen). Prints PASS/FAIL lines named real/.../<vm>/s2dump-*.
"""
import re
import sys

LINE = re.compile(r"^\s*0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\s+(\S+)\s+(\d+)\s*(.*)$")
# s2dump -v: one line per valid leaf, "0x<start>-0x<end> L<level> block|page -> 0x<OA> ... RW|R- ... AF=<0|1>"
VERBOSE = re.compile(r"^0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+) L(\d+) (?:block|page |page|RSVD )\s*-> 0x([0-9a-fA-F]+)\s.*"
                     r"\s([R-])([W-]) \S+ AF=(\d)")
PA = re.compile(r"(?:pa=|oa=|->\s*)0x([0-9a-fA-F]+)")


def main():
    leaves_file, vm, ia_bits, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    leaves = []
    for line in open(leaves_file):
        w = line.split()
        if w[0] == vm:
            leaves.append((int(w[1], 16), int(w[2], 16), int(w[3], 16), int(w[4]), w[5]))
    runs = []
    verbose = False
    for line in sys.stdin:
        v = VERBOSE.match(line)
        if v:
            # only valid leaves are listed: no tiling of the IPA space to check
            verbose = True
            runs.append((int(v.group(1), 16), int(v.group(2), 16), int(v.group(3)), v.group(5) == "R",
                         v.group(6) == "W", v.group(7) == "1", int(v.group(4), 16)))
            continue
        m = LINE.match(line)
        if not m:
            continue
        start, end, level, attrs = int(m.group(1), 16), int(m.group(2), 16), int(m.group(4)), m.group(5)
        toks = attrs.split()
        valid = "R" in toks and "F" not in toks
        pa = PA.search(attrs)
        runs.append((start, end, level, valid, "W" in toks, "AF" in toks, int(pa.group(1), 16) if pa else None))
    failed = 0

    def check(name, ok, detail=""):
        nonlocal failed
        if ok:
            print("PASS %s/%s" % (prefix, name))
        else:
            failed += 1
            print("FAIL %s/%s: %s" % (prefix, name, detail))

    check("s2dump-parsed", bool(runs),
          "no '0x<start>-0x<end> <size> <level> <attrs>' lines in s2dump's output for %s" % vm)
    if not runs:
        return 1
    # Runs must tile [0, 2^ia_bits) in order (complete mode prints the final run).
    gaps = []
    pos = 0
    for r in runs:
        if r[0] != pos:
            gaps.append("0x%x..0x%x" % (pos, r[0]))
        pos = r[1]
    if not verbose:
        check("s2dump-covers-ipa-space", not gaps and pos == 1 << ia_bits,
              "gaps %s, ends at 0x%x (expected 0x%x)" % (", ".join(gaps[:3]), pos, 1 << ia_bits))
    # Every leaf falls in one valid run with its level and permissions.
    errors, af_diff = [], 0
    i = 0
    valid_bytes = sum(r[1] - r[0] for r in runs if r[3])
    leaf_bytes = sum(lf[1] for lf in leaves)
    for ipa, size, pa, level, perm in leaves:
        while i < len(runs) and runs[i][1] <= ipa:
            i += 1
        if i == len(runs) or not (runs[i][0] <= ipa and ipa + size <= runs[i][1]):
            errors.append("leaf 0x%x+0x%x not inside one run" % (ipa, size))
            continue
        r = runs[i]
        if not r[3] or r[2] != level or r[4] != (perm[1] == "W"):
            errors.append("leaf 0x%x (level %d %s) in run 0x%x-0x%x level %d %s%s"
                          % (ipa, level, perm, r[0], r[1], r[2], "valid" if r[3] else "invalid",
                             " W" if r[4] else ""))
        if r[5] != (perm[2] == "A"):
            af_diff += 1
        if r[6] is not None and r[6] + (ipa - r[0]) != pa:
            errors.append("leaf 0x%x: s2dump PA 0x%x, walker PA 0x%x" % (ipa, r[6] + ipa - r[0], pa))
    check("s2dump-leaves", not errors, "%d: %s" % (len(errors), "; ".join(errors[:3])))
    check("s2dump-no-extra-valid", valid_bytes == leaf_bytes,
          "valid runs cover 0x%x bytes, the walker's leaves 0x%x" % (valid_bytes, leaf_bytes))
    if af_diff:
        print("INFO %s/s2dump-af: %d leaves differ in AF" % (prefix, af_diff))
    if not any(r[6] is not None for r in runs):
        print("INFO %s/s2dump-pa: output has no output addresses; PAs checked by verify.py only" % prefix)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
