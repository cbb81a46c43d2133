#!/usr/bin/env bash
# Dumps from the field (docs/field-dumps.md). The synthetic QEMU ELF vmcores whose RAM sits off
# p_offset (scenarios with expected/field, written by s2gen's `qemu-sve`; the facts there come
# from the layout the generator wrote, never from s2dump):
#  - `s2dump repair --check`: status 1 and a line naming note_end, declared_end, the shift and
#    its direction on a defective dump; status 0 on a clean one (demo) and on repair's output;
#    status 2 and one error naming both note ends when the shift does not verify;
#  - `s2dump repair IN OUT`: the input is unchanged (checksum); OUT's PT_NOTE is exactly the
#    chain as written (p_offset + p_filesz = where the notes really end, readelf's count of the
#    notes); `repair` refuses OUT = IN; an unverified shift writes no OUT;
#  - before: unmodified libkdumpfile misreads the defective file (stats_id not where it is);
#  - QEMU's kdump-zlib and kdump-raw-zlib files (expected/field-kdump, s2gen `qemu-kdump`):
#    --check status 1; libkdumpfile cannot read them before; `repair` leaves the input alone and
#    writes a KDUMP file with block_size = PAGESIZE and the kernel's utsname.release (VMCOREINFO's
#    OSRELEASE); the drgn contrib script, run by python3 (drgn cannot open these files), answers
#    exactly as the CLI; the stream cut in a record is one error in both and `repair` writes nothing;
#  - after: every repaired dump goes through the acceptance checks of the unmodified readers
#    and of the CLI, on a tree of repaired copies (<scenario>.repaired):
#    tests/vmcores/check-libkdumpfile.sh, check-drgn.sh, check-crash.sh (crash 8.0.2 under
#    qemu-user; S2_FIELD_CRASH=0 or S2_FAST=1 (`make check-fast`) skips it) and tests/synthetic/check-cli.sh.
set -u
. "$(dirname "$0")/lib.sh"
scn_init field

cli=$S2_BUILD/s2dump
[ -x "$cli" ] || { scn_fail build "$cli missing"; exit 0; }
rd=$S2_TOP/build/vmcores/gen/kdumpread
tree=$scn_tmp/repaired
n=0
hexstr() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

for dir in $(scn_dirs); do
	f=$dir/expected/field
	[ -f "$f" ] || continue
	name=$(scn_name "$dir")
	n=$((n + 1))
	damage=$(scn_damage "$dir")
	note_end=$(scn_field "$f" note_end) declared=$(scn_field "$f" declared_end)
	sum=$(sha256sum <"$dir/vmcore")
	"$cli" repair --check "$dir/vmcore" >"$scn_tmp/out" 2>"$scn_tmp/err"
	rc=$?
	if [ "$damage" = unverified ]; then
		line=$(cat "$scn_tmp/err")
		if [ $rc -eq 2 ] && [ "$(wc -l <"$scn_tmp/err")" -eq 1 ] && grep -q "$note_end" <<<"$line" &&
			grep -q "$declared" <<<"$line" && grep -q -w verify <<<"$line"; then
			scn_pass "$name repair --check: status 2, one error naming $note_end and $declared"
		else
			scn_fail "$name repair --check" "expected status 2 and one error naming $note_end, $declared, 'verify'; came $rc: $(tr '\n' '|' <"$scn_tmp/err")"
		fi
		"$cli" repair "$dir/vmcore" "$scn_tmp/unv" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 2 ] && [ ! -e "$scn_tmp/unv" ] && scn_pass "$name repair: status 2, no output written" ||
			scn_fail "$name repair" "expected status 2 and no OUT, came $rc, OUT $( [ -e "$scn_tmp/unv" ] && echo exists || echo absent)"
		continue
	fi
	line=$(cat "$scn_tmp/out")
	if [ $rc -eq 1 ] && grep -q "$note_end" <<<"$line" && grep -q "$declared" <<<"$line" &&
		grep -q "$(scn_field "$f" bytes) bytes $(scn_field "$f" direction)" <<<"$line"; then
		scn_pass "$name repair --check: status 1, names $note_end, $declared, $(scn_field "$f" bytes) $(scn_field "$f" direction)"
	else
		scn_fail "$name repair --check" "expected status 1 naming the facts of expected/field, came $rc: $line $(cat "$scn_tmp/err")"
	fi
	# before: libkdumpfile, unmodified, takes the data at p_offset
	if [ -x "$rd" ]; then
		v=$(head -n 1 "$dir/expected/vms")
		want=$(hexstr "kvm-$(scn_lfield "$v" pid)")
		got=$("$rd" "$dir/vmcore" kv "$(scn_lfield "$v" stats_id_va)" $((${#want} / 2)) 2>&1)
		[ "$got" != "$want" ] && scn_pass "$name before repair: libkdumpfile misreads stats_id (${got:0:40})" ||
			scn_fail "$name before repair" "libkdumpfile read stats_id right: is the defect in the file?"
	fi
	# the repair
	rep=$tree/${name%/*}/${name#*/}.repaired
	mkdir -p "$rep/expected"
	"$cli" repair "$dir/vmcore" "$rep/vmcore" >"$scn_tmp/out" 2>"$scn_tmp/err"
	rc=$?
	[ $rc -eq 0 ] && [ ! -s "$scn_tmp/err" ] && scn_pass "$name repair: status 0" ||
		scn_fail "$name repair" "status $rc: $(tr '\n' '|' <"$scn_tmp/err")"
	[ "$(sha256sum <"$dir/vmcore")" = "$sum" ] && scn_pass "$name repair: input unchanged" ||
		scn_fail "$name repair" "the input file changed"
	# OUT's PT_NOTE: p_offset + p_filesz - (the input's PT_NOTE p_offset) = the chain as written
	read -r noff nsz < <(readelf -W -l "$rep/vmcore" | awk '$1 == "NOTE" { print $2, $5 }')
	want_sz=$((note_end - $(scn_field "$f" note_offset)))
	if [ -n "${nsz:-}" ] && [ $((nsz)) -eq $want_sz ]; then
		scn_pass "$name repaired PT_NOTE p_filesz $nsz = notes as written"
	else
		scn_fail "$name repaired PT_NOTE" "p_filesz ${nsz:-none}, expected $(printf 0x%x $want_sz)"
	fi
	nnotes=$(readelf -W -n "$rep/vmcore" 2>/dev/null | grep -c -E '^ +(CORE|LINUX|VMCOREINFO) ')
	want_notes=$((3 * $(grep -c . <<<"$(readelf -W -n "$rep/vmcore" 2>/dev/null | grep -E '^ +CORE ')") + 1))
	[ "$nnotes" -ge 4 ] && [ "$nnotes" -eq "$want_notes" ] && scn_pass "$name repaired notes: readelf reads $nnotes whole notes" ||
		scn_fail "$name repaired notes" "readelf reads $nnotes notes, expected $want_notes (3 per vCPU + VMCOREINFO)"
	"$cli" repair --check "$rep/vmcore" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 0 ] && scn_pass "$name repair --check on the repaired file: status 0" ||
		scn_fail "$name repair --check on the repaired file" "status $rc"
	# the tree the acceptance checks read: the repaired dump, its vmlinux, expected/ without field
	cp "$dir/vmlinux" "$rep/vmlinux"
	find "$dir/expected" -mindepth 1 -maxdepth 1 ! -name field -exec cp -r {} "$rep/expected/" \;
done
# QEMU's kdump-zlib (flattened) and kdump-raw-zlib files (expected/field-kdump)
le32_at() { od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '; }
for dir in $(scn_dirs); do
	f=$dir/expected/field-kdump
	[ -f "$f" ] || continue
	name=$(scn_name "$dir")
	n=$((n + 1))
	release=$(grep -a -o -m 1 'OSRELEASE=[^[:space:]]*' "$dir/vmcore" | head -n 1)
	release=${release#OSRELEASE=}
	for fmt in kdump-zlib kdump-raw-zlib; do
		q=$dir/vmcore.qemu-$fmt
		sum=$(sha256sum <"$q")
		"$cli" repair --check "$q" >"$scn_tmp/out" 2>&1
		rc=$?
		[ $rc -eq 1 ] && grep -q 'repaired QEMU kdump' "$scn_tmp/out" && scn_pass "$name/$fmt repair --check: status 1" ||
			scn_fail "$name/$fmt repair --check" "expected status 1, came $rc: $(cat "$scn_tmp/out")"
		if [ -x "$rd" ]; then
			# before: unmodified libkdumpfile cannot read it (flattened: no format; raw: no translation
			# with an empty utsname)
			"$rd" "$q" kp 0x40000000 8 >/dev/null 2>"$scn_tmp/err" &&
				scn_fail "$name/$fmt before repair" "libkdumpfile read it: is the defect in the file?" ||
				scn_pass "$name/$fmt before repair: libkdumpfile fails ($(head -c 60 "$scn_tmp/err"))"
		fi
		rep=$tree/${name%/*}/${name#*/}.$fmt.repaired
		mkdir -p "$rep/expected"
		"$cli" repair "$q" "$rep/vmcore" >"$scn_tmp/out" 2>"$scn_tmp/err"
		rc=$?
		[ $rc -eq 0 ] && [ ! -s "$scn_tmp/err" ] && scn_pass "$name/$fmt repair: status 0" ||
			scn_fail "$name/$fmt repair" "status $rc: $(tr '\n' '|' <"$scn_tmp/err")"
		[ "$(sha256sum <"$q")" = "$sum" ] && scn_pass "$name/$fmt repair: input unchanged" ||
			scn_fail "$name/$fmt repair" "the input file changed"
		# the output: a plain kdump-compressed file, block_size = PAGESIZE, the kernel's utsname
		bs=$(le32_at "$rep/vmcore" 428)
		rel=$(dd if="$rep/vmcore" bs=1 skip=142 count=65 2>/dev/null | tr -d '\0')
		if [ "$(head -c 8 "$rep/vmcore")" = "KDUMP   " ] && [ "$bs" -eq $(($(scn_field "$f" page_size))) ] &&
			[ -n "$release" ] && [ "$rel" = "$release" ]; then
			scn_pass "$name/$fmt repaired: KDUMP header, block_size $bs = PAGESIZE, utsname.release $rel"
		else
			scn_fail "$name/$fmt repaired" "header $(head -c 8 "$rep/vmcore" | tr -c '[:print:]' .), block_size $bs (PAGESIZE $(($(scn_field "$f" page_size)))), release '$rel' (VMCOREINFO '$release')"
		fi
		"$cli" repair --check "$rep/vmcore" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 0 ] && scn_pass "$name/$fmt repair --check on the repaired file: status 0" ||
			scn_fail "$name/$fmt repair --check on the repaired file" "status $rc"
		cp "$dir/vmlinux" "$rep/vmlinux"
		find "$dir/expected" -mindepth 1 -maxdepth 1 ! -name 'field*' -exec cp -r {} "$rep/expected/" \;
		# the drgn front end, drgn's Program made by the contrib script (drgn cannot open these):
		# the CLI's stdout and stderr exactly
		for args in "" "nesteds2 list"; do
			# shellcheck disable=SC2086
			"$cli" -c "$q" -s "$dir/vmlinux" $args >"$scn_tmp/c.out" 2>"$scn_tmp/c.err"
			crc=$?
			# shellcheck disable=SC2086
			/usr/bin/python3 "$S2_TOP/libdrgn-contrib/s2dump.py" -c "$q" -s "$dir/vmlinux" $args >"$scn_tmp/d.out" 2>"$scn_tmp/d.err"
			drc=$?
			if [ $crc -eq $drc ] && cmp -s "$scn_tmp/c.out" "$scn_tmp/d.out" && cmp -s "$scn_tmp/c.err" "$scn_tmp/d.err"; then
				scn_pass "$name/$fmt drgn standalone '${args:-s2dump}': the CLI's output and notice, status $crc"
			else
				scn_fail "$name/$fmt drgn standalone '${args:-s2dump}'" "status $drc (CLI $crc): $(head -c 300 "$scn_tmp/d.err" | tr '\n' '|')"
			fi
		done
	done
	# the stream cut in a record: one error naming the truncation, no output, for both front ends
	cut=$dir/$(sed -n 's/.*cut_file=\([^ ]*\).*/\1/p' "$f")
	cut_size=$(sed -n 's/.*cut_size=\([^ ]*\).*/\1/p' "$f")
	for fe in cli drgn; do
		if [ $fe = cli ]; then
			"$cli" -c "$cut" -s "$dir/vmlinux" >"$scn_tmp/out" 2>"$scn_tmp/err"
		else
			/usr/bin/python3 "$S2_TOP/libdrgn-contrib/s2dump.py" -c "$cut" -s "$dir/vmlinux" >"$scn_tmp/out" 2>"$scn_tmp/err"
		fi
		rc=$?
		line=$(cat "$scn_tmp/err")
		if [ $rc -eq 2 ] && [ "$(wc -l <"$scn_tmp/err")" -eq 1 ] && [ ! -s "$scn_tmp/out" ] &&
			grep -q 'flattened stream truncated' <<<"$line" && grep -q "$cut_size" <<<"$line"; then
			scn_pass "$name/cut $fe: status 2, one error naming the truncated stream and its end $cut_size"
		else
			scn_fail "$name/cut $fe" "expected status 2 and one error naming the truncation at $cut_size, came $rc: $line"
		fi
	done
	"$cli" repair "$cut" "$scn_tmp/cut" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && [ ! -e "$scn_tmp/cut" ] && scn_pass "$name/cut repair: status 2, nothing written" ||
		scn_fail "$name/cut repair" "status $rc"
done
[ "$n" -gt 0 ] || scn_fail dumps "no scenario with expected/field or expected/field-kdump in $VMC_ROOT"

# a clean dump needs nothing; OUT = IN is refused
for dir in $(scn_dirs); do
	case $(scn_name "$dir") in */demo) ;; *) continue ;; esac
	"$cli" repair --check "$dir/vmcore" >"$scn_tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q 'no defect' "$scn_tmp/out" && scn_pass "$(scn_name "$dir") repair --check: status 0, no defect" ||
		scn_fail "$(scn_name "$dir") repair --check" "status $rc: $(cat "$scn_tmp/out")"
	"$cli" repair "$dir/vmcore" "$scn_tmp/x" >"$scn_tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ ! -e "$scn_tmp/x" ] && scn_pass "$(scn_name "$dir") repair: nothing to do, nothing written" ||
		scn_fail "$(scn_name "$dir") repair" "status $rc, OUT $( [ -e "$scn_tmp/x" ] && echo written || echo absent)"
	break
done
for dir in $(scn_dirs); do
	[ -f "$dir/expected/field" ] && [ -z "$(scn_damage "$dir")" ] || continue
	cp --reflink=auto "$dir/vmcore" "$scn_tmp/same"
	"$cli" repair "$scn_tmp/same" "$scn_tmp/same" >/dev/null 2>&1
	rc=$?
	cmp -s "$dir/vmcore" "$scn_tmp/same" && [ $rc -eq 3 ] && scn_pass "repair IN IN: refused (status 3), IN unchanged" ||
		scn_fail "repair IN IN" "status $rc, IN $(cmp -s "$dir/vmcore" "$scn_tmp/same" && echo unchanged || echo changed)"
	rm -f "$scn_tmp/same"
	break
done
for bad in "" "--check" "a b c" "--check a b"; do
	# shellcheck disable=SC2086
	"$cli" repair $bad >/dev/null 2>"$scn_tmp/err"
	rc=$?
	[ $rc -eq 3 ] && grep -q 'usage: s2dump repair' "$scn_tmp/err" && scn_pass "repair '$bad': usage, status 3" ||
		scn_fail "repair '$bad'" "expected status 3 and the usage, came $rc"
done

# after: the acceptance checks of each reader on the repaired copies
if [ -d "$tree" ]; then
	VMC_ROOT=$tree tests/vmcores/check-libkdumpfile.sh
	VMC_ROOT=$tree tests/vmcores/check-drgn.sh
	[ "${S2_FIELD_CRASH:-1}" = 0 ] || [ "${S2_FAST:-0}" = 1 ] || VMC_ROOT=$tree tests/vmcores/check-crash.sh
	VMC_ROOT=$tree tests/synthetic/check-cli.sh
fi
scn_summary
