#!/usr/bin/env bash
# Truncated dumps never crash the CLI (issue 16): each synthetic format (the ELF vmcore and the
# kdump-compressed vmcore.kdump of the `demo` scenario, linux-6.12) is cut at every header
# boundary the file's own headers give (ELF header, each program header, each note, each
# segment's start and end; kdump header, sub-header, VMCOREINFO, bitmaps, page descriptor table
# and page data: all refused, libkdumpfile 0.5.1 is not safe on a cut kdump file), one byte either side of each, and at a set of other lengths. Each cut runs under
# the ASan+UBSan build: no sanitizer report, no signal, status 0 or 2, stderr at most one error
# line plus one "warning: ... truncated: file ends at 0x<cut>" line; a cut before the end of the
# headers is an error naming "truncated: file ends at 0x<cut>"; a cut in the data says it once.
# valgrind (plain build) on a few cuts: no memory error, no definite leak.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
san=${S2_SAN_BUILD:-$top/build/san}
vmc=${VMC_ROOT:-$top/build/vmcores}
d=$vmc/linux-6.12/demo
[ -f "$d/vmcore" ] || make -C "$top" --no-print-directory vmcores >/dev/null 2>&1
cli=$san/s2dump
[ -x "$cli" ] || { echo "FAIL truncated/setup: $cli missing (make SANITIZE=1 all)"; exit 1; }
[ -f "$d/vmcore" ] && [ -f "$d/vmcore.kdump" ] || { echo "FAIL truncated/setup: $d/vmcore{,.kdump} missing"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# boundaries FILE: "LENGTH KIND" lines; KIND header = inside the headers (an error), data = after.
# Computed from the file's own header fields (ELF64 / makedumpfile's disk_dump_header layout).
boundaries() {
	python3 - "$1" <<'PY'
import struct, sys
f = open(sys.argv[1], 'rb'); b = f.read(1 << 20); size = f.seek(0, 2)
cuts = {}
def add(n, kind):
    for m in (n - 1, n, n + 1):
        if 0 < m < size and cuts.get(m) != 'header':
            cuts[m] = kind
if b[:4] == b'\x7fELF':
    add(64, 'header')
    phoff, = struct.unpack_from('<Q', b, 32); phnum, = struct.unpack_from('<H', b, 56)
    hdr_end = phoff + 56 * phnum
    for i in range(phnum):
        add(phoff + 56 * (i + 1), 'header')
        t, _, off, _, _, fs, _, _ = struct.unpack_from('<IIQQQQQQ', b, phoff + 56 * i)
        if t == 4:  # PT_NOTE: each note's header and end
            p = off
            while p + 12 <= off + fs:
                nn, nd, _ = struct.unpack_from('<III', b, p)
                add(p + 12, 'header'); p += 12 + (nn + 3 & ~3) + (nd + 3 & ~3); add(p, 'header')
            hdr_end = max(hdr_end, off + fs)
    for i in range(phnum):
        t, _, off, _, _, fs, _, _ = struct.unpack_from('<IIQQQQQQ', b, phoff + 56 * i)
        if t == 1:
            add(off, 'data'); add(off + fs // 2, 'data'); add(off + fs, 'data')
    first = 'header'
else:  # makedumpfile kdump-compressed
    add(464, 'header')
    ver, = struct.unpack_from('<i', b, 8)
    bs, sub, bmb = struct.unpack_from('<iiI', b, 428)
    add(bs, 'header'); add(bs * (1 + sub), 'header')
    vo, vs, no, ns = struct.unpack_from('<QQQQ', b, bs + 32)
    add(vo + vs, 'header'); add(no + ns, 'header')
    bm = bs * (1 + sub); add(bm + bmb * bs // 2, 'header'); add(bm + bmb * bs, 'header')
    desc = bm + bmb * bs
    n = sum(bin(x).count('1') for x in b[bm + bmb * bs // 2:desc])
    add(desc + 24, 'header'); add(desc + 24 * n, 'header'); add((desc + 24 * n + size) // 2, 'header')
    hdr_end = size  # a cut page is refused as well (libkdumpfile is not safe on it)
for m in (1, 2, 7, 8, 12, 100, 1000, 4096, 8192, 65536, size // 3, size - 4096, size - 1):
    if m not in cuts and 0 < m < size:
        cuts[m] = 'header' if m < hdr_end else 'data'
for m in sorted(cuts):
    print(m, cuts[m])
PY
}

pass=0 fail=0
for dump in "$d/vmcore" "$d/vmcore.kdump"; do
	fmt=elf
	[[ $dump == *.kdump ]] && fmt=kdump
	boundaries "$dump" >"$tmp/cuts" || { echo "FAIL truncated/$fmt: cannot compute the boundaries"; continue; }
	while read -r n kind; do
		head -c "$n" "$dump" >"$tmp/cut"
		timeout 120 "$cli" -c "$tmp/cut" -s "$d/vmlinux" >/dev/null 2>"$tmp/err"
		rc=$?
		hexn=$(printf '0x%x' "$n")
		warn=$(grep -c ': warning: .*truncated: file ends at ' "$tmp/err")
		errs=$(grep -v ': warning: ' "$tmp/err" | grep -c .)
		why=
		if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/err"; then
			why="sanitizer: $(grep -m1 -E 'AddressSanitizer|runtime error' "$tmp/err")"
		elif [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
			why="status $rc (a signal or an unexpected status)"
		elif [ "$errs" -gt 1 ] || [ "$warn" -gt 1 ]; then
			why="$errs error lines, $warn warnings"
		elif [ "$kind" = header ] && { [ $rc -ne 2 ] || ! grep -q "truncated: file ends at $hexn," "$tmp/err"; } &&
			! grep -q 'not a dump libkdumpfile can read' "$tmp/err"; then
			why="cut in the headers: expected an error naming 'truncated: file ends at $hexn'"
		elif [ "$kind" = data ] && ! grep -q "truncated: file ends at $hexn," "$tmp/err"; then
			why="cut in the data: expected 'truncated: file ends at $hexn' said once"
		fi
		if [ -z "$why" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL truncated/$fmt cut at $n ($kind): $why: $(head -c 300 "$tmp/err" | tr '\n' '|')"
		fi
	done <"$tmp/cuts"
	echo "PASS truncated/$fmt: $(grep -c . "$tmp/cuts") cuts ran under ASan+UBSan without a crash (this format's failures above)"
done
[ $fail -eq 0 ] && echo "PASS truncated/all-cuts: $pass cuts, none crashed or misreported"

# valgrind on a few cuts (the error paths of the open are where leaks hide)
if command -v valgrind >/dev/null && [ -x "$build/s2dump" ]; then
	for c in "vmcore 64" "vmcore 300" "vmcore 4096" "vmcore 20000000" "vmcore.kdump 64" "vmcore.kdump 100" "vmcore.kdump 100000" "vmcore.kdump 600000"; do
		set -- $c
		head -c "$2" "$d/$1" >"$tmp/cut"
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			"$build/s2dump" -c "$tmp/cut" -s "$d/vmlinux" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 99 ] && ! grep -q '^==[0-9]*==' "$tmp/err"; then
			echo "PASS truncated/valgrind $1 cut at $2: no memory error, no definite leak (status $rc)"
		else
			echo "FAIL truncated/valgrind $1 cut at $2: $(grep '^==' "$tmp/err" | head -n 4 | tr '\n' '|')"
		fi
	done
fi
