#!/usr/bin/env bash
# `make install DESTDIR=...` puts the drgn module where Debian's /usr/bin/python3 finds it (for
# PREFIX=/usr/local and PREFIX=/usr), and the installed package and contrib script work from there,
# away from the source tree: same output as the CLI on a generated dump. It installs no library.
set -uo pipefail
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$(ls -d "${VMC_ROOT:-$build/vmcores}"/linux-6.12/demo 2>/dev/null | head -1)
for prefix in /usr/local /usr; do
	dest=$tmp/dest$prefix
	# an older install's version-specific module must not shadow the new one
	mkdir -p "$dest$prefix/lib/python3.11/dist-packages/s2dump_drgn" "$dest/usr/lib/python3/dist-packages/s2dump_drgn"
	touch "$dest$prefix/lib/python3.11/dist-packages/s2dump_drgn/_core.cpython-311-x86_64-linux-gnu.so" \
		"$dest/usr/lib/python3/dist-packages/s2dump_drgn/_core.cpython-311-x86_64-linux-gnu.so"
	if ! make -s -C "$top" --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/install.log" 2>&1; then
		echo "FAIL drgn-install$prefix: make install failed: $(tail -1 "$tmp/install.log")"
		continue
	fi
	# libs2dump is not a public library (README): nothing of it is installed, no archive,
	# no shared object, no headers (the negative control: main installed all three before)
	lib=$(cd "$dest" && find . \( -name 'libs2dump*' -o -path '*/include/s2dump*' \) | head -3 | tr '\n' ' ')
	if [ -n "$lib" ]; then
		echo "FAIL drgn-install$prefix/no-library: make install installed $lib"
	else
		echo "PASS drgn-install$prefix/no-library (no libs2dump, no include/s2dump)"
	fi
	pkg=$(cd "$dest" && find . -path '*/dist-packages/s2dump_drgn/__init__.py' | head -1)
	if [ -z "$pkg" ]; then
		echo "FAIL drgn-install$prefix: no s2dump_drgn package under $dest"
		continue
	fi
	site=${pkg#.}
	site=${site%/s2dump_drgn/__init__.py}
	if ! /usr/bin/python3 -c "import sys; sys.exit(0 if '$site' in sys.path else 1)"; then
		echo "FAIL drgn-install$prefix: installed into $site, which is not on /usr/bin/python3's sys.path"
		continue
	fi
	for f in __init__.py helpers.py; do
		[ -f "$dest$site/s2dump_drgn/$f" ] || echo "FAIL drgn-install$prefix: $f not installed"
	done
	echo "PASS drgn-install$prefix/site ($site is on /usr/bin/python3's path)"
	if [ -z "$d" ]; then
		echo "FAIL drgn-install$prefix/run: no generated demo dump (make vmcores)"
		continue
	fi
	# run the installed script from elsewhere, the installed package first on the path
	(cd "$tmp" && PYTHONPATH="$dest$site" /usr/bin/python3 -m drgn -q -c "$d/vmcore" -s "$d/vmlinux" \
		"$dest$prefix/share/s2dump/s2dump.py" -x 1001 >"$tmp/drgn.out" 2>"$tmp/drgn.err")
	rc=$?
	(cd "$tmp" && PYTHONPATH="$dest$site" /usr/bin/python3 -c \
		'import s2dump_drgn, sys; print(s2dump_drgn.__file__)' >"$tmp/where" 2>&1)
	"$build/s2dump" -c "$d/vmcore" -s "$d/vmlinux" -x 1001 >"$tmp/cli.out" 2>&1
	if [ $rc -ne 0 ] || ! cmp -s "$tmp/cli.out" "$tmp/drgn.out"; then
		echo "FAIL drgn-install$prefix/run: installed contrib script status $rc, output differs from the CLI: $(head -2 "$tmp/drgn.err")"
	elif ! grep -q "^$dest$site/s2dump_drgn/__init__.py" "$tmp/where"; then
		echo "FAIL drgn-install$prefix/run: imported $(cat "$tmp/where"), not the installed package"
	else
		echo "PASS drgn-install$prefix/run (installed package and script, $(wc -l <"$tmp/cli.out") lines as the CLI)"
	fi
done
