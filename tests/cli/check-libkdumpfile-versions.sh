#!/usr/bin/env bash
# The CLI built against the libkdumpfile of each newer Debian release: trixie's 0.5.4
# (libkdumpfile10) and sid's 0.5.6 (libkdumpfile12, after 0.5.5's attribute API change), headers
# and libraries unpacked by scripts/tool-versions.sh (make cli-kdf-<root>, src/cli/module.mk):
#  - it builds (-Werror) against that release's headers;
#  - at run time the dynamic loader takes libkdumpfile from that release (ld.so --list);
#  - tests/synthetic/check-cli.sh (output against the generator's expected/ files) on a
#    representative set of synthetic dumps, each with its kdump-compressed copy: 4K/16K/64K pages,
#    KASLR with 52-bit VAs, nested, pKVM, memslots, two kinds of damage.
# Debian 12's 0.5.1 is the host's: every other CLI test runs against it.
# Each libkdumpfile that passed is recorded for the README's "tested with" table.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
export S2_TOP=$top S2_BUILD=$build
tc=${S2_TOOLS_CACHE:-/var/cache/s2dump-tools}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1
. "$top/scripts/tested-with.sh"
scenarios="linux-6.12/demo linux-6.12/granule-16k linux-7.2/granule-64k linux-7.2/kaslr-va52 linux-7.2/nested
	linux-7.2/pkvm linux-6.12/memslots linux-6.12/damage-truncate linux-6.12/damage-cycle"

for r in trixie-kdf sid; do
	if ! scripts/tool-versions.sh "$r" >"$tmp/prepare.log" 2>&1; then
		echo "FAIL libkdumpfile-$r/prepare: scripts/tool-versions.sh $r failed: $(tail -n 1 "$tmp/prepare.log")"
		continue
	fi
	root=$tc/roots/$r
	# the library's own version, from its header (the root's VERSION names the tool it was made for)
	ver=$(sed -n 's/^#define KDUMPFILE_VERSION_STRING "\(.*\)"/\1/p' "$root/usr/include/libkdumpfile/kdumpfile.h")
	name=libkdumpfile-$ver
	if make -s --no-print-directory SANITIZE=0 S2_TOOLS_CACHE="$tc" "cli-kdf-$r" >"$tmp/build.log" 2>&1; then
		echo "PASS $name/build: the CLI builds with -Werror against $ver's headers"
	else
		echo "FAIL $name/build: make cli-kdf-$r: $(grep -m 2 -E 'error|Error' "$tmp/build.log" | tr '\n' '|')"
		continue
	fi
	lib=$("$root/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" \
		--list "$build/kdf/$r/s2dump" 2>&1 | awk '/libkdumpfile/ { print $3 }')
	if [ -n "$lib" ] && [ "$(readlink -f "$lib")" != "${lib#"$root"}" ] && [[ $lib == "$root"/* ]]; then
		echo "PASS $name/loads: libkdumpfile from $r ($(basename "$(readlink -f "$lib")"))"
	else
		echo "FAIL $name/loads: the loader takes libkdumpfile from ${lib:-nowhere}, not $root"
		continue
	fi
	S2_CLI_BINS="$name:$build/kdf/$r/run" S2_CLI_SCENARIOS="$(echo $scenarios)" \
		"$top/tests/synthetic/check-cli.sh" >"$tmp/cli.log" 2>"$tmp/cli.err"
	cat "$tmp/cli.log"
	if ! grep -q '^FAIL ' "$tmp/cli.log" && grep -q '^PASS ' "$tmp/cli.log"; then
		tested_with libkdumpfile "$ver" "the CLI built against it; $(wc -w <<<"$scenarios") representative synthetic dumps + kdump copies"
	fi
done
