#!/usr/bin/env bash
# The crash extension in Debian's arm64 crash 8.0.2 (under qemu-aarch64-static),
# `crash --minimal` as users must run it on these kernels, on the real-kernel
# dumps: every command's output (redirected to a file inside crash) must equal
# the CLI's byte for byte; a bad address leaves crash alive and answering the
# next command; extend -u / extend cycles work. One crash start per dump
# (startup is slow under qemu).
# Another crash (tests/crash/check-crash-versions.sh): CRASH=wrapper CRASH_EXT=its s2dump.so
# CRASH_NAME=crash-9.0.2 CRASH_REAL_DUMPS="dir..." (dump directories instead of runs.sh's subset)
# CRASH_TIMEOUT=seconds for one crash session (default 600).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cache=${S2_REAL_CACHE:-/var/cache/s2dump-real}
cli=$build/s2dump
ext=${CRASH_EXT:-$top/build/extensions/arm64/s2dump.so}
crash=${CRASH:-$top/build/tools/bin/crash-arm64}
label=${CRASH_NAME:-crash}
crash_version=${CRASH_VERSION:-$(cat "$top/build/tools/arm64/VERSION" 2>/dev/null)}
. "$top/scripts/tested-with.sh"
qemu_version=$(sed -n '/^Package: qemu-system-arm$/,/^$/s/^Version: //p' "$cache/root/var/lib/dpkg/status" 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$cli" "$ext" "$crash"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "FAIL $label/build: $f missing"; exit 1; }
done
runs=()
# the representative subset of the real dumps that tests/vmcores/real/runs.sh marks "crash": each
# kernel, each dump writer (QEMU ELF, the kernel's /proc/vmcore, makedumpfile -d 31 -c), LPA2
. "$top/tests/vmcores/real/runs.sh"
while read -r rel run _; do
	d=$cache/dumps/$rel/$run
	if [ -s "$d/vmcore" ]; then runs+=("$d"); else echo "FAIL $label/$rel/$run: no dump at $d (make-dumps.sh makes it)"; fi
done < <(if [ -n "${CRASH_REAL_DUMPS:-}" ]; then
		for d in $CRASH_REAL_DUMPS; do echo "$(basename "$(dirname "$d")") $(basename "$d")"; done
	else
		real_runs crash
	fi)
[ ${#runs[@]} -gt 0 ] || { echo "FAIL $label/dumps: no real-kernel dumps in $cache"; exit 1; }

for d in "${runs[@]}"; do
	{
	name=$label/$(basename "$(dirname "$d")")/$(basename "$d")
	out=$tmp/$(basename "$(dirname "$d")")-$(basename "$d")
	mkdir -p "$out"
	kvm=$("$cli" -c "$d/vmcore" -s "$d/vmlinux" | awk '/^kvm 0x/ { print $2; exit }')
	[ -n "$kvm" ] || { echo "FAIL $name: the CLI found no VM"; continue; }
	# name|arguments: each is run by the CLI and inside crash
	cases=("all|s2dump" "exact|s2dump -x $kvm" "verbose|s2dump -v $kvm" "translate|s2dump -t 0x40000000 $kvm"
	       "nested|nesteds2 list" "prefault|s2dump -p $kvm" "json|s2dump -j $kvm" "ncheck|nesteds2 check")
	{
		echo "extend $ext"
		for c in "${cases[@]}"; do echo "${c#*|} > $out/${c%%|*}.crash"; done
		echo "s2dump 0xffff000000001000"
		echo "sym vm_list"
		echo "extend -u $ext"
		echo "extend $ext"
		echo "s2dump -x $kvm > $out/reload.crash"
		echo "exit"
	} >"$tmp/cmds"
	timeout "${CRASH_TIMEOUT:-600}" "$crash" --minimal -s "$d/vmlinux" "$d/vmcore" -i "$tmp/cmds" >"$out/session.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && echo "PASS $name/session: crash ran every command and exited normally" ||
		{ echo "FAIL $name/session: crash exited with status $rc"; tail -5 "$out/session.log"; }
	for c in "${cases[@]}"; do
		cname=${c%%|*}
		# shellcheck disable=SC2086
		# crash's error(INFO) lands in the redirected file too: the CLI's error line follows its stdout
		"$cli" -c "$d/vmcore" -s "$d/vmlinux" ${c#*|} >"$out/$cname.cli" 2>"$out/$cname.err"
		cat "$out/$cname.err" >>"$out/$cname.cli"
		if [ -s "$out/$cname.crash" ] && cmp -s "$out/$cname.cli" "$out/$cname.crash"; then
			echo "PASS $name/$cname: identical to the CLI ($(wc -l <"$out/$cname.cli") lines)"
		else
			echo "FAIL $name/$cname: crash output differs from the CLI's"
			diff "$out/$cname.cli" "$out/$cname.crash" | head -5
		fi
	done
	if grep -q "s2dump: 0xffff000000001000 is not a" "$out/session.log" &&
	   grep -q "(D) vm_list" "$out/session.log"; then
		echo "PASS $name/bad-address: one error line, crash answers the next command"
	else
		echo "FAIL $name/bad-address: no error line or no answer to 'sym vm_list' after it"
	fi
	if [ "$(grep -c 'shared object loaded' "$out/session.log")" -eq 2 ] &&
	   grep -q 'shared object unloaded' "$out/session.log" && cmp -s "$out/exact.crash" "$out/reload.crash"; then
		echo "PASS $name/reload: extend -u then extend, same output after reloading"
	else
		echo "FAIL $name/reload: unload/reload cycle"
	fi
	} >"$tmp/result"
	cat "$tmp/result"
	if ! grep -q '^FAIL ' "$tmp/result"; then
		rel=$(basename "$(dirname "$d")")
		[ -z "${CRASH:-}" ] && tested_with crash "$crash_version" "arm64 under qemu-user; real dumps: --minimal"
		tested_with Linux "${rel%%+*}" "real dump $(basename "$d")$(flavour "$rel"): crash $crash_version"
		if [ -n "$qemu_version" ]; then
			qv=${qemu_version#*:}
			tested_with QEMU "${qv%%+*}" "made the real dumps (TCG, virt, FEAT_NV2)"
		fi
	fi
done
