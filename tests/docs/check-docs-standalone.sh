#!/usr/bin/env bash
# The documents stand alone in the repository: no document (README, docs/, the man page, every
# README.md and SOURCE.md under tests/) points at notes outside it or at a path of the machine it
# was written on, or names how the work was split. Caches are named by their variables
# (S2_REAL_CACHE, S2_TOOLS_CACHE) with their documented defaults under /var/cache, which are allowed.
# The sources' comments (src, include, extensions, libdrgn-contrib, scripts, tests) are held to the
# same but for paths (/tmp/ is a real path in code, e.g. inside the real-kernel guest).
# One PASS/FAIL line per document and one for all sources, then "N passed, N failed".
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
# outside the repository: ../shared, notes files (*-facts.md), the recorded vmcoreinfo-run files;
# a machine's paths: /work/, /home/, /root/, /tmp/ in prose; the split of the work: "engineer X",
# "X's header|vmlinux|part" for a single capital letter
bad='\.\./shared|[a-z]+-facts\.md|vmcoreinfo-run-|/work/|/home/|/root/|engineer [A-Z]\b|\b[A-Z]'"'"'s (header|vmlinux|part|code)\b'
passed=0 failed=0
while IFS= read -r f; do
	if hits=$(grep -nE "$bad" "$f"); then
		echo "FAIL docs-standalone/$f: $(head -n 3 <<<"$hits" | cut -c1-160 | tr '\n' '|')"
		failed=$((failed + 1))
	else
		echo "PASS docs-standalone/$f: nothing outside the repository"
		passed=$((passed + 1))
	fi
done < <(find README.md docs tests -name build -prune -o \( -name '*.md' -o -name '*.1' \) -type f -print | sort)
# the sources: one line for all (this script names the patterns, so it is left out)
notes='\.\./shared|[a-z]+-facts(\.md)?\b|vmcoreinfo-run-|engineer [A-Z]\b|\b[A-Z]'"'"'s (header|vmlinux|part|code)\b'
hits=$(find src include extensions libdrgn-contrib scripts tests Makefile -name build -prune -o -type f \
	\( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name '*.mk' -o -name Makefile -o -name '*.S' \) \
	! -path tests/docs/check-docs-standalone.sh -print0 | sort -z | xargs -0 grep -nE "$notes")
if [ -n "$hits" ]; then
	echo "FAIL docs-standalone/sources: $(head -n 3 <<<"$hits" | cut -c1-160 | tr '\n' '|')"
	failed=$((failed + 1))
else
	echo "PASS docs-standalone/sources: no comment points outside the repository"
	passed=$((passed + 1))
fi
[ "$passed" -gt 0 ] || { echo "FAIL docs-standalone: no document found under $top"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
