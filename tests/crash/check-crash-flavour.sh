#!/usr/bin/env bash
# Which crash extension this host's crash loads is one rule (scripts/crash-flavour.sh), and `make`
# follows it. Fake crash binaries, real ELF programs of each machine that answer --buildinfo as
# crash does ("    build_target: ARM64" / "   build_version: 8.0.2", crash's help.c), cover each
# branch; the expected decisions are the rule as docs/crash.md states it:
#   no crash on PATH, a script, an ELF of another machine, --buildinfo failing      -> none
#   x86_64 crash built target=X86_64 (reads x86_64 dumps only)                      -> none
#   x86_64 target=ARM64: defs.h from CRASH_DEFS, the crash-host.sh cache, CRASH_HOST_DEFS
#   (unless dpkg says it is another version), build/tools/amd64 when the version is its -> host;
#   none of those                                                                   -> none
#   aarch64 (run under qemu-aarch64-static) target=ARM64 of build/tools/arm64's version or of
#   CRASH_VERSIONS -> arm64 with that build; another version, or target=X86_64      -> none
# and `make crash-ext-this-host` builds the host flavour against the decided defs.h (make -n: the
# compile line), says one line for an arm64 crash or none.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
rule=$top/scripts/crash-flavour.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "PASS crash-flavour/$1: $2"; pass=$((pass + 1)); }
bad() { echo "FAIL crash-flavour/$1: $2"; fail=$((fail + 1)); }

cat >"$tmp/fake.c" <<'EOF'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--buildinfo") && BUILDINFO_OK) {
		printf("   build_command: crash\n      build_data: fake\n    build_target: %s\n"
		       "   build_version: %s\n", TARGET, VERSION);
		return 0;
	}
	fprintf(stderr, "crash: invalid option\n");
	return 1;
}
EOF
# fake CC NAME TARGET VERSION [OK]: $tmp/NAME/usr/bin/crash
fake() {
	mkdir -p "$tmp/$2/usr/bin"
	$1 -static -O0 -DTARGET="\"$3\"" -DVERSION="\"$4\"" -DBUILDINFO_OK="${5:-1}" -o "$tmp/$2/usr/bin/crash" \
		"$tmp/fake.c" 2>"$tmp/$2.cc.log" || { bad "$2" "building the fake failed: $(head -n 1 "$tmp/$2.cc.log")"; return 1; }
}
# decide NAME WANT [VAR=value ... --] [CRASH]: run the rule with an empty tools cache, no
# /usr/include/crash/defs.h and no CRASH_DEFS unless given; WANT is a list of var=value that must hold
decide() {
	local name=$1 want=$2 out got=1 kv pat
	shift 2
	local envs=(S2_TOOLS_CACHE="$tmp/cache" CRASH_HOST_DEFS="$tmp/no-such-defs.h" CRASH_DEFS= CRASH_VERSIONS="8.0.6 9.0.2")
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	out=$(env "${envs[@]}" "$rule" "$@" 2>&1)
	local flavour= why= crash= machine= version= target= defs=
	eval "$out" 2>/dev/null || { bad "$name" "output is not shell assignments: $out"; return; }
	for kv in $want; do
		case $kv in
		why~*) # % stands for a space in WANT
			pat=${kv#why~}
			[[ $why == *"${pat//%/ }"* ]] || got=0 ;;
		*) [ "$(eval "printf %s \"\$${kv%%=*}\"")" = "${kv#*=}" ] || got=0 ;;
		esac
	done
	if [ $got = 1 ]; then
		ok "$name" "$flavour${target:+ $target}${defs:+ (defs.h ${defs#"$tmp"/})}${why:+: $why}"
	else
		bad "$name" "expected $want, got: $(tr '\n' ' ' <<<"$out")"
	fi
}
mkdir -p "$tmp/cache" "$tmp/empty-path"

# --- none: no crash, a script, another machine, --buildinfo failing ---------------------------
if PATH=$tmp/empty-path:/usr/bin:/bin command -v crash >/dev/null 2>&1; then
	echo "SKIP crash-flavour/no-crash: this host has $(PATH=/usr/bin:/bin command -v crash) on PATH"
else
	decide no-crash "flavour=none why~no%crash%on%PATH" PATH="$tmp/empty-path:/usr/bin:/bin"
fi
mkdir -p "$tmp/script"
printf '#!/bin/sh\nexec true\n' >"$tmp/script/crash"
chmod +x "$tmp/script/crash"
decide script "flavour=none why~not%an%ELF%binary" PATH="$tmp/script:/usr/bin:/bin"
fake gcc x86-arm64 ARM64 9.9.9 && {
	cp "$tmp/x86-arm64/usr/bin/crash" "$tmp/riscv"
	printf '\xf3\x00' | dd of="$tmp/riscv" bs=1 seek=18 conv=notrunc status=none # EM_RISCV
	decide other-machine "flavour=none why~ELF%machine%243" -- "$tmp/riscv"
}
fake gcc x86-noinfo ARM64 9.9.9 0 && decide buildinfo-fails "flavour=none why~--buildinfo%failed" -- "$tmp/x86-noinfo/usr/bin/crash"

# --- x86_64 ---------------------------------------------------------------------------------
fake gcc x86-native X86_64 8.0.2 &&
	decide x86-target-x86 "flavour=none why~built%with%target=X86_64:%it%cannot%read%arm64%dumps" -- "$tmp/x86-native/usr/bin/crash"
x86=$tmp/x86-arm64/usr/bin/crash
printf '/* fake defs.h */\n#define GDB_16_3\n' >"$tmp/defs.h"
decide x86-defs-given "flavour=host machine=x86_64 version=9.9.9 target=build/extensions/host/s2dump.so defs=$tmp/defs.h" \
	CRASH_DEFS="$tmp/defs.h" -- "$x86"
mkdir -p "$tmp/cache/host/crash-9.9.9" && cp "$tmp/defs.h" "$tmp/cache/host/crash-9.9.9/defs.h"
decide x86-defs-cache "flavour=host defs=$tmp/cache/host/crash-9.9.9/defs.h" -- "$x86"
rm -rf "$tmp/cache/host"
decide x86-defs-installed "flavour=host defs=$tmp/defs.h" CRASH_HOST_DEFS="$tmp/defs.h" -- "$x86"
# a defs.h dpkg knows is of its package's version: /usr/include/stdio.h stands in, libc6-dev's
libc=$(dpkg-query -W -f '${Version}' libc6-dev 2>/dev/null | sed 's/^[0-9]*://; s/-[^-]*$//')
if [ -n "$libc" ] && fake gcc x86-libcver ARM64 "$libc"; then
	decide x86-defs-dpkg-same "flavour=host defs=/usr/include/stdio.h" CRASH_HOST_DEFS=/usr/include/stdio.h -- \
		"$tmp/x86-libcver/usr/bin/crash"
	decide x86-defs-dpkg-other "flavour=none why~no%defs.h%of%crash%9.9.9%is%known" \
		CRASH_HOST_DEFS=/usr/include/stdio.h -- "$x86"
else
	echo "SKIP crash-flavour/x86-defs-dpkg: no libc6-dev version from dpkg"
fi
decide x86-defs-unknown "flavour=none why~no%defs.h%of%crash%9.9.9%is%known" -- "$x86"
amd64=$(cat "$top/build/tools/amd64/VERSION" 2>/dev/null)
if [ -n "$amd64" ] && fake gcc x86-amd64ver ARM64 "$amd64"; then
	decide x86-defs-tools "flavour=host defs=$top/build/tools/amd64/usr/include/crash/defs.h" -- "$tmp/x86-amd64ver/usr/bin/crash"
else
	echo "SKIP crash-flavour/x86-defs-tools: no build/tools/amd64/VERSION (scripts/arm64-tools.sh)"
fi

# --- aarch64, under qemu-user ---------------------------------------------------------------
arm64=$(cat "$top/build/tools/arm64/VERSION" 2>/dev/null)
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64-static >/dev/null; then
	echo "SKIP crash-flavour/aarch64: no aarch64-linux-gnu-gcc or qemu-aarch64-static"
elif [ "$(uname -m)" != x86_64 ]; then
	echo "SKIP crash-flavour/aarch64: the aarch64 branch is a cross build only on x86_64 hosts"
else
	if [ -n "$arm64" ] && fake aarch64-linux-gnu-gcc a64-tools ARM64 "$arm64"; then
		decide aarch64-tools-version "flavour=arm64 machine=aarch64 version=$arm64 target=build/extensions/arm64/s2dump.so defs=" \
			-- "$tmp/a64-tools/usr/bin/crash"
	else
		echo "SKIP crash-flavour/aarch64-tools-version: no build/tools/arm64/VERSION (make cross)"
	fi
	fake aarch64-linux-gnu-gcc a64-902 ARM64 9.0.2 &&
		decide aarch64-crash-versions "flavour=arm64 version=9.0.2 target=build/extensions/crash-9.0.2/s2dump.so" \
			-- "$tmp/a64-902/usr/bin/crash"
	fake aarch64-linux-gnu-gcc a64-777 ARM64 7.7.7 &&
		decide aarch64-unknown-version "flavour=none why~is%arm64%crash%7.7.7;%s2dump%builds%for%arm64%crash" \
			-- "$tmp/a64-777/usr/bin/crash"
	fake aarch64-linux-gnu-gcc a64-x86 X86_64 8.0.2 &&
		decide aarch64-target-x86 "flavour=none why~built%with%target=X86_64" -- "$tmp/a64-x86/usr/bin/crash"
	# --- make follows the rule: an arm64 crash is left to make cross / make install ---------
	out=$(make -s -C "$top" --no-print-directory crash-ext-this-host CRASH="$tmp/a64-902/usr/bin/crash" 2>&1)
	if [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == *"is arm64 crash 9.0.2"*"build/extensions/crash-9.0.2/s2dump.so"* ]]; then
		ok make-arm64 "one line: $out"
	else
		bad make-arm64 "expected one line naming arm64 crash 9.0.2 and its build: $out"
	fi
fi

# --- make follows the rule: host flavour against the decided defs.h, or one line ------------
out=$(S2_TOOLS_CACHE="$tmp/cache" make -n -C "$top" --no-print-directory crash-ext-this-host CRASH="$x86" \
	CRASH_DEFS="$tmp/defs.h" CRASH_HOST_DEFS="$tmp/no-such-defs.h" 2>&1)
if grep -q -F -- "-DS2_CRASH_VERSION=\\\"9.9.9\\\" -include $tmp/defs.h -shared -o build/extensions/host/s2dump.so" <<<"$out"; then
	ok make-host "make -n compiles build/extensions/host/s2dump.so against the given defs.h for crash 9.9.9"
else
	bad make-host "expected the crash-ext-host compile with -include $tmp/defs.h and version 9.9.9: $(tr '\n' '|' <<<"$out" | cut -c1-400)"
fi
out=$(make -s -C "$top" --no-print-directory crash-ext-this-host CRASH="$tmp/x86-native/usr/bin/crash" 2>&1)
if [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == *"built with target=X86_64"*"no crash extension built"* ]]; then
	ok make-none "one line: ${out:0:100}..."
else
	bad make-none "expected one line (target=X86_64, no crash extension built): $out"
fi
echo "$pass passed, $fail failed"
