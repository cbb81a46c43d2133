#!/usr/bin/env bash
# The gdb front end as an arm64 host runs it: Debian 12's arm64 gdb 13.1 (scripts/arm64-gdb.sh:
# downloaded .debs, extracted into build/arm64/gdb-sysroot; Python 3.11's library from
# scripts/arm64-python.sh's sysroot) with the arm64 adapter (make gdb-arm64), under
# qemu-aarch64-static, on a representative set of synthetic vmcores (4K, 16K and 64K host pages,
# KASLR with 52-bit VAs, nested MMUs, damage): check-gdb-synthetic.sh's checks (every command form
# byte-identical to the host's CLI, errors as one gdb error, help). Each gdb start costs about 3 s
# of emulation, so not every dump. The same gdb runs inside the real guest (run.sh --live-drgn-gdb).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"
if ! make -s --no-print-directory gdb-arm64 >"$tmp/make.log" 2>&1; then
	echo "FAIL gdb-arm64/make: make gdb-arm64 failed: $(tail -1 "$tmp/make.log")"
	exit 0
fi
R=$top/build/arm64/gdb-sysroot P=$top/build/arm64/sysroot
cat >"$tmp/gdb" <<SH
#!/bin/sh
PYTHONHOME=$P/usr exec qemu-aarch64-static -L / /lib/ld-linux-aarch64.so.1 \\
	--library-path $R/lib/aarch64-linux-gnu:$R/usr/lib/aarch64-linux-gnu:$P/lib/aarch64-linux-gnu:$P/usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu \\
	$R/usr/bin/gdb --data-directory=$R/usr/share/gdb "\$@"
SH
chmod +x "$tmp/gdb"
S2_GDB=$tmp/gdb S2_GDB_SCRIPT=$top/build/arm64/share/s2dump/s2dump-gdb.py S2_GDB_TAG=gdb-arm64 \
	S2_GDB_SUBSET="linux-6.12/demo linux-6.12/granule-16k linux-7.2/granule-64k linux-7.2/kaslr-va52 linux-7.3/nested linux-6.12/damage-hole" \
	"$top/tests/gdb/check-gdb-synthetic.sh"
