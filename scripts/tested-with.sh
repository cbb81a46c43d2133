#!/usr/bin/env bash
# The README's "tested with" table, from what the tests actually ran.
#
# Sourced by a test script: `tested_with TOOL VERSION WHAT` records, after a test passed with that
# tool, one line "TOOL<TAB>VERSION<TAB>WHAT" in $S2_BUILD/test-logs/tested-with.tsv (emptied by
# scripts/run-tests.sh at the start of every `make check`), or in $S2_TESTED_WITH when set
# (`make check-fast` sets /dev/null: a partial run does not make the table).
#
# Run:
#   scripts/tested-with.sh render [TSV]   the Markdown table (one row per tool and version, its
#                                         WHATs joined), on stdout
#   scripts/tested-with.sh readme [TSV]   replaces the table between the README's
#                                         <!-- tested-with:begin --> and <!-- tested-with:end -->
#                                         (`make tested-with` after `make check`)

tested_with() { # tool version what
	local f=${S2_TESTED_WITH:-${S2_BUILD:-${S2_TOP:-.}/build}/test-logs/tested-with.tsv}
	mkdir -p "$(dirname "$f")"
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$f"
}

flavour() { # a Debian kernel release (7.3.4+deb13-arm64-16k): " (arm64-16k)" for a flavour other than arm64
	local f=${1#*+deb*-}
	[ "$f" = "$1" ] || [ "$f" = arm64 ] || printf ' (%s)' "$f"
}

tested_with_render() { # tsv
	local tsv=$1
	echo "| tool | version | what passed with it |"
	echo "|---|---|---|"
	# tools in a fixed order, versions in version order; WHATs "PART: DETAIL" with the same PART
	# become one "PART: DETAIL, DETAIL" (e.g. "qemu-elf: crash 8.0.2, drgn 0.0.22")
	awk -F'\t' '
		BEGIN { split("Linux QEMU crash drgn gdb libkdumpfile", order, " "); for (i in order) rank[order[i]] = i }
		!seen[$0]++ {
			key = $1 "\t" $2
			if (!(key in nparts)) { keys[++n] = key; nparts[key] = 0 }
			part = $3; detail = ""
			if ((c = index($3, ": ")) > 0) { part = substr($3, 1, c - 1); detail = substr($3, c + 2) }
			pk = key "\t" part
			if (!(pk in details)) { parts[key, ++nparts[key]] = part; details[pk] = detail }
			else if (detail != "") details[pk] = details[pk] ", " detail
		}
		END {
			for (i = 1; i <= n; i++) {
				split(keys[i], kv, "\t")
				w = ""
				for (j = 1; j <= nparts[keys[i]]; j++) {
					part = parts[keys[i], j]; d = details[keys[i] "\t" part]
					w = w (w == "" ? "" : "; ") part (d == "" ? "" : ": " d)
				}
				printf "%d\t%s\t%s\t%s\n", (kv[1] in rank) ? rank[kv[1]] : 99, kv[1], kv[2], w
			}
		}' "$tsv" | sort -t "$(printf '\t')" -k1,1n -k3,3V | awk -F'\t' '{ printf "| %s | %s | %s |\n", $2, $3, $4 }'
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	top=$(cd "$(dirname "$0")/.." && pwd)
	cmd=${1:-render}
	tsv=${2:-$top/build/test-logs/tested-with.tsv}
	[ -s "$tsv" ] || { echo "tested-with: no records in $tsv (run make check first)" >&2; exit 1; }
	case $cmd in
	render) tested_with_render "$tsv" ;;
	readme)
		readme=$top/README.md
		grep -q '^<!-- tested-with:begin -->$' "$readme" && grep -q '^<!-- tested-with:end -->$' "$readme" ||
			{ echo "tested-with: README.md has no tested-with markers" >&2; exit 1; }
		tested_with_render "$tsv" >"$readme.table"
		awk -v table="$readme.table" '
			/^<!-- tested-with:begin -->$/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
			/^<!-- tested-with:end -->$/ { skip = 0 }
			!skip' "$readme" >"$readme.new"
		mv "$readme.new" "$readme"
		rm -f "$readme.table"
		;;
	*) echo "usage: $0 render|readme [TSV]" >&2; exit 2 ;;
	esac
fi
