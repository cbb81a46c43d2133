#!/usr/bin/env bash
# The real-kernel proof as `make check` runs it: make sure the cache has the
# Debian kernels, the QEMU root and at least the QEMU-ELF dumps of 7.2
# (48-bit and LPA2) and 6.12 (prepare.sh + run.sh; about ten minutes on an
# empty cache, seconds once cached), then check every dump in the cache
# against its live ground truth, s2dump's output included (check.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! "$here/prepare.sh" >"$log" 2>&1; then
	echo "FAIL real/prepare: tests/vmcores/real/prepare.sh failed:"
	tail -n 20 "$log" | sed 's/^/  | /'
	exit 1
fi
for spec in "7.2.12+deb13-arm64:qemu-elf:" "7.2.12+deb13-arm64:qemu-elf-lpa2:--lpa2" \
	    "6.12.107+deb13-arm64:qemu-elf:"; do
	IFS=: read -r rel run opt <<<"$spec"
	[ -e "$cache/dumps/$rel/$run/truth/READY" ] && continue
	if ! "$here/run.sh" $opt "$rel" >"$log" 2>&1; then
		echo "FAIL real/$rel/$run: run.sh $opt $rel failed:"
		tail -n 20 "$log" | sed 's/^/  | /'
		exit 1
	fi
done
exec "$here/check.sh"
