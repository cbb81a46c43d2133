#!/usr/bin/env bash
# The CLI built for arm64 hosts (make cli-arm64, run here under qemu-user)
# must print exactly what the x86_64 build prints, errors and exit status
# included, on every synthetic dump (an arm64 host reads its own kind of
# dump: nothing in the core may depend on the host's architecture).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
vmc=${VMC_ROOT:-$top/build/vmcores}
cli=$build/s2dump
arm=$top/build/arm64/s2dump
for f in "$cli" "$arm"; do
	[ -x "$f" ] || { echo "FAIL arm64-cli/build: $f missing"; exit 1; }
done
[ -d "$vmc/linux-6.12" ] || make -C "$top" --no-print-directory vmcores >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for d in "$vmc"/*/*/; do
	d=${d%/}
	[ -f "$d/vmcore" ] || continue
	name=arm64-cli/$(basename "$(dirname "$d")")/$(basename "$d")
	for args in "s2dump" "s2dump -v" "nesteds2 list"; do
		"$cli" -c "$d/vmcore" -s "$d/vmlinux" $args >"$tmp/x86" 2>&1
		echo "status $?" >>"$tmp/x86"
		qemu-aarch64-static -L / "$arm" -c "$d/vmcore" -s "$d/vmlinux" $args >"$tmp/arm" 2>&1
		echo "status $?" >>"$tmp/arm"
		if cmp -s "$tmp/x86" "$tmp/arm"; then
			echo "PASS $name/$args: same output as the x86_64 build ($(wc -l <"$tmp/x86") lines)"
		else
			echo "FAIL $name/$args: the arm64 build differs:"
			diff "$tmp/x86" "$tmp/arm" | head -5 | sed 's/^/  | /'
		fi
		n=$((n + 1))
	done
done
[ $n -gt 0 ] || echo "FAIL arm64-cli/dumps: no synthetic dumps under $vmc (make vmcores)"
