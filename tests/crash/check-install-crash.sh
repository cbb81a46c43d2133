#!/usr/bin/env bash
# `make install` installs the crash extension the named crash loads (scripts/install-crash-ext.sh):
#  1. CRASH=<a crash binary> (default: Debian 12's arm64 crash 8.0.2, unpacked in build/tools, run
#     under qemu-aarch64-static): `make install DESTDIR=<scratch>` puts an s2dump.so of that crash's
#     machine in <scratch>$PREFIX/lib/crash/extensions, and that installed file, loaded into that
#     crash (--minimal, `extend <installed>`), answers `s2dump -x` as the CLI does;
#  2. a crash built target=X86_64 (Debian 12's amd64 crash, which reads x86_64 dumps only) named
#     with CRASH=: make install fails with one line naming its target, nothing installed;
#  3. the crash found on PATH is a script, not a binary: one line, make install succeeds, no
#     extension installed; no crash on PATH at all: the same (when this host has none anywhere on
#     the minimal PATH the test uses).
# tests/crash/check-crash-host.sh runs part 1 with the host's target=ARM64 crash (CRASH_RUN=).
#   CRASH=binary CRASH_RUN="how to run it" CRASH_NAME=name INSTALL_NEGATIVE=0 (skip parts 2, 3)
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
crash=${CRASH:-$top/build/tools/arm64/usr/bin/crash}
run=${CRASH_RUN:-qemu-aarch64-static -L $top/build/tools/arm64 $crash}
name=${CRASH_NAME:-crash-install}
negative=${INSTALL_NEGATIVE:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cli=$build/s2dump
d=$build/vmcores/linux-6.12/demo
for f in "$crash" "$cli" "$d/vmcore"; do
	[ -e "$f" ] || { echo "FAIL $name/inputs: $f missing (make all; make vmcores)"; exit 0; }
done
prefix=/usr
extdir=$prefix/lib/crash/extensions

# --- 1. install for the named crash, load what was installed ----------------------------------
dest=$tmp/root
if ! make -s -C "$top" --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" CRASH="$crash" \
	>"$tmp/install.log" 2>&1; then
	echo "FAIL $name/install: make install CRASH=$crash failed: $(tail -n 2 "$tmp/install.log" | tr '\n' '|')"
	exit 0
fi
so=$dest$extdir/s2dump.so
case $(od -An -t u2 -j 18 -N 2 "$crash" | tr -d ' ') in
183) want='ARM aarch64' ;;
62) want='x86-64' ;;
*) want='?' ;;
esac
if [ -f "$so" ] && file -L "$so" | grep -q "ELF 64-bit LSB shared object, $want"; then
	echo "PASS $name/install: $(grep -o 'installed .*' "$tmp/install.log" | head -n 1) ($want, as the crash binary)"
else
	echo "FAIL $name/install: expected an $want shared object at $extdir/s2dump.so: $(file -L "$so" 2>&1) | $(grep install-crash-ext "$tmp/install.log")"
	exit 0
fi
kvm=$("$cli" -c "$d/vmcore" -s "$d/vmlinux" | awk '/^kvm 0x/ { print $2; exit }')
"$cli" -c "$d/vmcore" -s "$d/vmlinux" -x "$kvm" >"$tmp/cli.x"
printf 'extend %s\ns2dump -x %s > %s\nexit\n' "$so" "$kvm" "$tmp/crash.x" >"$tmp/cmds"
# shellcheck disable=SC2086
timeout 300 $run --minimal -s "$d/vmlinux" "$d/vmcore" -i "$tmp/cmds" >"$tmp/session.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q -F "$so: shared object loaded" "$tmp/session.log" && [ -s "$tmp/cli.x" ] &&
	cmp -s "$tmp/cli.x" "$tmp/crash.x"; then
	echo "PASS $name/load-installed: the installed s2dump.so loads, s2dump -x identical to the CLI ($(wc -l <"$tmp/cli.x") lines)"
else
	echo "FAIL $name/load-installed: crash status $rc: $(grep -i -e s2dump -e error "$tmp/session.log" | head -n 3 | tr '\n' '|')"
fi

[ "$negative" = 1 ] || exit 0
# --- 2. a crash for x86_64 dumps: refused by name -------------------------------------------
x86=$top/build/tools/amd64/usr/bin/crash
dest=$tmp/x86
if [ ! -x "$x86" ]; then
	echo "FAIL $name/x86-target: $x86 missing (scripts/arm64-tools.sh)"
elif make -s -C "$top" --no-print-directory install-crash-ext DESTDIR="$dest" PREFIX="$prefix" CRASH="$x86" \
	>"$tmp/x86.log" 2>&1; then
	echo "FAIL $name/x86-target: make install-crash-ext CRASH=<target=X86_64 crash> succeeded"
elif [ "$(grep -c "^install-crash-ext:" "$tmp/x86.log")" = 1 ] && grep -q 'built with target=X86_64: it cannot read arm64 dumps' "$tmp/x86.log" &&
	[ ! -e "$dest$extdir/s2dump.so" ]; then
	echo "PASS $name/x86-target: refused in one line ($(grep "^install-crash-ext:" "$tmp/x86.log" | sed 's/.*built with/built with/' | cut -c1-60)...), nothing installed"
else
	echo "FAIL $name/x86-target: $(tr '\n' '|' <"$tmp/x86.log")"
fi

# --- 3. no usable crash on PATH: a note, install goes on --------------------------------------
mkdir -p "$tmp/bin" "$tmp/none"
printf '#!/bin/sh\nexec true\n' >"$tmp/bin/crash"
chmod +x "$tmp/bin/crash"
make=$(command -v make)
for c in script none; do
	dest=$tmp/$c-root
	p=/usr/bin:/bin
	[ $c = script ] && p=$tmp/bin:$p
	if [ $c = none ] && PATH=$p command -v crash >/dev/null 2>&1; then
		echo "PASS $name/no-crash: skipped, this host has $(PATH=$p command -v crash) on PATH"
		continue
	fi
	env -u CRASH PATH="$p" "$make" -s -C "$top" --no-print-directory install-crash-ext DESTDIR="$dest" PREFIX="$prefix" \
		>"$tmp/$c.log" 2>&1
	rc=$?
	case $c in script) why='not an ELF binary' ;; none) why='no crash on PATH' ;; esac
	if [ $rc -eq 0 ] && [ "$(wc -l <"$tmp/$c.log")" = 1 ] && grep -q "^install-crash-ext: .*$why" "$tmp/$c.log" &&
		[ ! -e "$dest$extdir/s2dump.so" ]; then
		echo "PASS $name/no-crash-$c: one line ($why), status 0, nothing installed"
	else
		echo "FAIL $name/no-crash-$c: status $rc: $(tr '\n' '|' <"$tmp/$c.log")"
	fi
done
