#!/usr/bin/env bash
# The x86_64 flavour of the crash extension (`make crash-ext-host`, for a crash
# built on this host with target=ARM64): built against the defs.h of Debian's
# amd64 crash 8.0.2 with -DARM64, it must be an x86-64 shared object that
# registers its commands, and every symbol it needs must be one crash exports
# (crash is linked -rdynamic) or libc's. Loading it needs a target=ARM64 crash,
# which is built from crash's sources and so not made here.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
tools=$top/build/tools
so=$top/build/extensions/host/s2dump.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! make -C "$top" --no-print-directory crash-ext-host >"$tmp/build.log" 2>&1; then
	echo "FAIL crash-host/build: make crash-ext-host failed: $(tail -n 2 "$tmp/build.log" | tr '\n' ' ')"
	exit 1
fi
if file -L "$so" | grep -q 'ELF 64-bit LSB shared object, x86-64'; then
	echo "PASS crash-host/build: $(basename "$so") is an x86-64 shared object"
else
	echo "FAIL crash-host/build: $(file -L "$so")"
fi
if nm -D --defined-only "$so" | grep -q ' register_extension$'; then
	echo "FAIL crash-host/symbols: the extension defines register_extension itself"
elif nm -D --undefined-only "$so" | grep -q ' register_extension$'; then
	echo "PASS crash-host/registers: the extension calls crash's register_extension"
else
	echo "FAIL crash-host/registers: no reference to register_extension"
fi
# crash's own amd64 binary (same version as the defs.h) and libc provide everything else.
crash_bin=$tools/amd64/usr/bin/crash
[ -x "$crash_bin" ] || { echo "FAIL crash-host/crash: $crash_bin missing (scripts/arm64-tools.sh)"; exit 1; }
nm -D --defined-only "$crash_bin" | awk '{ sub(/@.*/, "", $3); print $3 }' >"$tmp/def"
nm -D --defined-only /lib/x86_64-linux-gnu/libc.so.6 | awk '{ sub(/@.*/, "", $3); print $3 }' >>"$tmp/def"
sort -u -o "$tmp/def" "$tmp/def"
nm -D --undefined-only "$so" | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u >"$tmp/und"
missing=$(comm -23 "$tmp/und" "$tmp/def" | tr '\n' ' ')
if [ -z "$missing" ]; then
	echo "PASS crash-host/symbols: all $(wc -l <"$tmp/und") undefined symbols are crash's or libc's"
else
	echo "FAIL crash-host/symbols: not provided by crash 8.0.2 or libc: $missing"
fi
