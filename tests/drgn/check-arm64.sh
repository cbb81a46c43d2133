#!/usr/bin/env bash
# The drgn front end as an arm64 host runs it: Debian 12's arm64 Python 3.11 and
# python3-drgn 0.0.22 (scripts/arm64-python.sh: downloaded .debs, extracted
# into build/arm64/sysroot) with the arm64 s2dump_drgn (make drgn-arm64), all
# under qemu-aarch64-static, on every synthetic vmcore (make vmcores): the
# contrib script must print exactly what the host's CLI prints (stdout, exit
# status) for s2dump, s2dump -v, -j and -x per VM, nesteds2 list. The same
# interpreter runs inside the real arm64 guest (tests/vmcores/real/run.sh --live).
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
cli=$build/s2dump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"

if [ ! -x "$cli" ]; then
	echo "FAIL drgn-arm64/build: $cli is not built"
	exit 0
fi
if ! make -s --no-print-directory drgn-arm64 >"$tmp/make.log" 2>&1; then
	echo "FAIL drgn-arm64/make: make drgn-arm64 failed: $(tail -1 "$tmp/make.log")"
	exit 0
fi
if [ -z "${VMC_ROOT:-}" ] && ! make -s --no-print-directory vmcores >"$tmp/vmcores.log" 2>&1; then
	echo "FAIL drgn-arm64/make-vmcores: make vmcores failed: $(tail -1 "$tmp/vmcores.log")"
	exit 0
fi
root=${VMC_ROOT:-$build/vmcores}
R=$top/build/arm64/sysroot
drgn_arm64() {
	PYTHONHOME=$R/usr PYTHONPATH=$top/build/arm64/python:$R/usr/lib/python3/dist-packages \
		qemu-aarch64-static -L / /lib/ld-linux-aarch64.so.1 \
		--library-path "$R/lib/aarch64-linux-gnu:$R/usr/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu" \
		"$R/usr/bin/python3.11" -m drgn -q "$@"
}
v=$(drgn_arm64 --version 2>&1)
case $v in
*"drgn 0.0.22 "*) echo "PASS drgn-arm64/interpreter ($v)" ;;
*) echo "FAIL drgn-arm64/interpreter: $v"; exit 0 ;;
esac

same() { # name, dir, args...
	local name=$1 d=$2
	shift 2
	"$cli" -c "$d/vmcore" -s "$d/vmlinux" "$@" >"$tmp/cli.out" 2>"$tmp/cli.raw"
	# the CLI reader's own "warning: ... truncated: ..." (drgn reads the file itself) is not the command's
	local rc_cli=$?
	grep -v -E '^(s2dump|nesteds2): warning: .* truncated: ' "$tmp/cli.raw" >"$tmp/cli.err"
	drgn_arm64 -c "$d/vmcore" -s "$d/vmlinux" "$top/build/arm64/share/s2dump.py" "$@" >"$tmp/drgn.out" 2>"$tmp/drgn.raw"
	local rc_drgn=$?
	grep -v -e '^warning: could not get debugging information' -e '^kernel modules (' "$tmp/drgn.raw" >"$tmp/drgn.err"
	if [ $rc_cli -ne $rc_drgn ]; then
		echo "FAIL $name: exit status CLI $rc_cli, arm64 drgn $rc_drgn: $(tail -1 "$tmp/drgn.err")"
	elif ! cmp -s "$tmp/cli.out" "$tmp/drgn.out"; then
		echo "FAIL $name: arm64 drgn output differs from the CLI's"
		diff "$tmp/cli.out" "$tmp/drgn.out" | head -5
	elif ! cmp -s "$tmp/cli.err" "$tmp/drgn.err"; then
		echo "FAIL $name: error lines differ: CLI [$(head -1 "$tmp/cli.err")] arm64 drgn [$(head -1 "$tmp/drgn.err")]"
	else
		echo "PASS $name (status $rc_cli, $(wc -l <"$tmp/cli.out") lines identical)"
	fi
}

n=0
for d in "$root"/*/*/; do
	d=${d%/}
	[ -e "$d/vmcore" ] && [ -e "$d/vmlinux" ] || continue
	name=drgn-arm64/$(basename "$(dirname "$d")")/$(basename "$d")
	n=$((n + 1))
	same "$name/all-vms" "$d" s2dump
	same "$name/verbose" "$d" s2dump -v
	same "$name/nesteds2-list" "$d" nesteds2 list
	kvm=$("$cli" -c "$d/vmcore" -s "$d/vmlinux" 2>/dev/null | awk '/^kvm 0x/ { print $2; exit }')
	[ -n "$kvm" ] || continue
	same "$name/json" "$d" s2dump -j "$kvm"
	same "$name/debugfs" "$d" s2dump -x "$kvm"
done
[ $n -gt 0 ] || echo "FAIL drgn-arm64/dumps: no synthetic vmcores in $root"
