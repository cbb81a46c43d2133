#!/usr/bin/env bash
# The CLI (build/s2dump, and the ASan+UBSan build/san/s2dump) on every synthetic dump of
# `make vmcores`, against the generator's expected/ files (tests/vmcores/README.md):
#  - the default output: one header per VM of expected/vms (address, pid, vcpus, memslots when
#    expected/<pid>/memslots exists, mmu, vmid, vtcr, vttbr, ipa_range, stage2_levels, pgd, pgd PA),
#    in vm_list order, each followed by exactly stage2_page_tables.complete;
#  - `-x <kvm>` and `-x <pid>`: exactly stage2_page_tables; a pid with several VMs (multi-vm):
#    `-x <pid>` refused listing them, `-t IPA <pid>`, `<pid>`, `nesteds2 list <pid>` cover all,
#    `-t IPA` lines name their VM;
#  - `-t IPA <kvm>`: PA, level, block/page and leaf size, or the translation fault level, per
#    expected/<pid>/translate line;
#  - `nesteds2 list`: index, address, name, valid, vmid per expected/<pid>/nested line;
#    `nesteds2 dump -x <mmu>` (and by name when unique): nested-<i>.stage2_page_tables;
#    `nesteds2 dump <mmu>`: header (name, valid, ipa_range, levels) + the .complete text;
#  - damage scenarios (expected/error): non-zero status, exactly one error line on stderr naming
#    the facts of expected/error, no sanitizer report, and stdout holding what can be printed
#    before the damage (the expected lines up to it);
#  - every run: no sanitizer report; successful runs: nothing on stderr;
#  - valgrind (plain build) on every dump's default run and nesteds2 list: no errors, no leaks
#    (libkdumpfile 0.5.1's own use-after-free in kdump_free of kdump-compressed files suppressed:
#    tests/synthetic/libkdumpfile.supp).
# A kdump-compressed copy (vmcore.kdump) next to a vmcore is checked the same way, and so are
# QEMU's kdump-zlib and kdump-raw-zlib files (vmcore.qemu-kdump-*, read through the repair: the
# notice line is checked, docs/field-dumps.md).
# One PASS/FAIL line per assertion: scenario, what was expected, what came.
# Other builds of the CLI (tests/cli/check-libkdumpfile-versions.sh: against newer libkdumpfiles):
#   S2_CLI_BINS="name:command ..."   these instead of the plain and sanitizer builds, no valgrind
#   S2_CLI_SCENARIOS="linux-6.12/demo ..."   only these dumps
#   S2_FAST=1 (`make check-fast`)             the ASan+UBSan build alone, no valgrind pass
set -u
. "$(dirname "$0")/lib.sh"
scn_init cli

cli_bins=()
if [ -n "${S2_CLI_BINS:-}" ]; then
	read -r -a cli_bins <<<"$S2_CLI_BINS"
else
	if [ "${S2_FAST:-0}" != 1 ]; then
		[ -x "$S2_BUILD/s2dump" ] && cli_bins+=("plain:$S2_BUILD/s2dump") || scn_fail "build" "$S2_BUILD/s2dump missing"
	fi
	[ -x "$S2_SAN_BUILD/s2dump" ] && cli_bins+=("san:$S2_SAN_BUILD/s2dump") ||
		scn_fail "build" "$S2_SAN_BUILD/s2dump missing (make SANITIZE=1 all)"
fi
wanted() { # dir: in S2_CLI_SCENARIOS, when that is set
	[ -z "${S2_CLI_SCENARIOS:-}" ] || [[ " $S2_CLI_SCENARIOS " == *" $(scn_name "$1") "* ]]
}

out=$scn_tmp/out err=$scn_tmp/err
rc=0
# run ARGS...: the current binary on the current dump; stdout in $out, stderr in $err, status in $rc
run() {
	"$bin" -c "$dump" -s "$dir/vmlinux" "$@" >"$out" 2>"$err"
	rc=$?
	local rep
	rep=$(scn_sanitizer_report "$err")
	if [ -n "$rep" ]; then
		scn_fail "$tag $* no-sanitizer-report" "$(tr '\n' '|' <<<"$rep")"
		rc=999
	fi
	field_notice "$*"
}

# notice_checked OK WHAT LINE [EXPECTED]: the first stderr line LINE was the repair notice (OK=1:
# one PASS per dump) or not (a FAIL saying it should be EXPECTED); taken out of $err either way.
notice_checked() {
	if [ "$1" = 1 ]; then
		[ "${field_seen:-}" = "$tag" ] || scn_pass "$tag repair notice: $3"
		field_seen=$tag
	else
		scn_fail "$tag $2 repair notice" "expected a first stderr line $4, came: $3"
	fi
	sed -i 1d "$err"
}

# kdump_notice ARGS: QEMU's kdump files (expected/field-kdump): the first stderr line says the
# dump was repaired, naming the flattened stream's record count (kdump-zlib), block_size and
# PAGESIZE where they differ, and the utsname filled from init_uts_ns; taken out of $err.
kdump_notice() {
	local f=$dir/expected/field-kdump line bs ps ok=1
	[ "$rc" -ne 999 ] && [ -f "$f" ] || return 0
	line=$(head -n 1 "$err")
	bs=$(scn_field "$f" block_size) ps=$(scn_field "$f" page_size)
	[[ "$line" =~ ^(s2dump|nesteds2):\ .*"repaired QEMU kdump" ]] && grep -q 'empty utsname filled from init_uts_ns' <<<"$line" || ok=0
	case $dump in *-kdump-zlib) grep -q "flattened stream of $(scn_field "$f" records) records" <<<"$line" || ok=0 ;; esac
	if [ $((bs)) -ne $((ps)) ]; then
		has_hex "$line" "$bs" && has_hex "$line" "$ps" && grep -q 'split into PAGESIZE' <<<"$line" || ok=0
	else
		grep -q 'split' <<<"$line" && ok=0
	fi
	notice_checked $ok "$1" "$line" "naming what expected/field-kdump says was repaired"
}

# field_notice ARGS: a dump with QEMU's shifted RAM (expected/field, docs/field-dumps.md) is read
# through the repair, and the first stderr line says so: the notes' real and declared ends, the
# shift in bytes and its direction, the proof. That line is checked and taken out of $err.
field_notice() {
	local f=$dir/expected/field line
	case $dump in *.qemu-kdump-*) kdump_notice "$1"; return ;; esac
	[ "$rc" -ne 999 ] && [ -f "$f" ] && [ "$(scn_field "$f" defect)" = elf-shift ] || return 0
	[ "$(scn_damage "$dir")" = unverified ] && return 0
	line=$(head -n 1 "$err")
	if [[ "$line" =~ ^(s2dump|nesteds2):\ .*"repaired QEMU ELF notes" ]] && has_hex "$line" "$(scn_field "$f" note_end)" &&
		has_hex "$line" "$(scn_field "$f" declared_end)" && has_hex "$line" "$(scn_field "$f" bytes)" &&
		grep -q -w -- "$(scn_field "$f" direction)" <<<"$line" && grep -q 'init_uts_ns' <<<"$line"; then
		notice_checked 1 "$1" "$line"
	else
		notice_checked 0 "$1" "$line" "naming note_end, declared_end, bytes and direction of expected/field"
	fi
}

# ok WHAT: the last run succeeded quietly
ok() {
	if [ "$rc" -eq 0 ] && [ ! -s "$err" ]; then
		return 0
	fi
	scn_fail "$tag $1" "expected status 0 and no stderr, came status $rc: $(head -c 300 "$err" | tr '\n' '|')"
	return 1
}

# has_hex LINE VALUE: LINE names the number VALUE (any 0x... spelling)
has_hex() {
	local w v=$(($2))
	for w in $(grep -o -i -E '0x[0-9a-f]+' <<<"$1"); do
		[ $((w)) -eq "$v" ] && return 0
	done
	return 1
}

# one_error_line WHAT FACT...: non-zero status, one stderr line "s2dump: ..." naming each fact
# (hex:N, word:W, level:N)
one_error_line() {
	local what=$1 line missing=() f
	shift
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 999 ]; then
		scn_fail "$tag $what status" "expected a non-zero status and no sanitizer report, came $rc"
	else
		scn_pass "$tag $what status $rc"
	fi
	if [ "$(wc -l <"$err")" -ne 1 ]; then
		scn_fail "$tag $what one-error-line" "expected exactly one stderr line, came $(wc -l <"$err"): $(head -c 400 "$err" | tr '\n' '|')"
		return
	fi
	line=$(cat "$err")
	for f in "$@"; do
		case $f in
		hex:*) has_hex "$line" "${f#hex:}" || missing+=("$(printf '0x%x' $((${f#hex:})))") ;;
		word:*) grep -q -i -w -- "${f#word:}" <<<"$line" || missing+=("'${f#word:}'") ;;
		level:*) grep -q -i -E "level[- ]${f#level:}\\b" <<<"$line" || missing+=("level ${f#level:}") ;;
		page:*) # a PA inside the page that starts at the value
			local w found=0 p=$((${f#page:}))
			for w in $(grep -o -i -E '0x[0-9a-f]+' <<<"$line"); do
				[ $((w)) -ge "$p" ] && [ $((w)) -lt $((p + granule)) ] && found=1
			done
			[ $found = 1 ] || missing+=("a PA in the page at $(printf 0x%x "$p")") ;;
		esac
	done
	if [ ${#missing[@]} -eq 0 ] && [[ $line == s2dump:* || $line == nesteds2:* ]]; then
		scn_pass "$tag $what error line names $*"
	else
		scn_fail "$tag $what error line" "expected 's2dump: ...' naming ${missing[*]:-the facts}, came: $line"
	fi
}

# text_upto FILE CUTOFF: the text's header line and the lines ending at or below CUTOFF
text_upto() {
	local line first=1 end
	while IFS= read -r line; do
		if [ $first = 1 ]; then
			first=0
			echo "$line"
			continue
		fi
		end=${line%% *}
		end=${end#*-}
		[ $((end)) -le $(($2)) ] || break
		echo "$line"
	done <"$1"
}

# split_vms FILE: the default output cut per VM into $scn_tmp/vm.<i>.{hdr,text}, count in $nvm
split_vms() {
	rm -f "$scn_tmp"/vm.*
	nvm=$(awk -v d="$scn_tmp" '
		/^kvm 0x/ { n++; h = 0 }
		n == 0 { next }
		/^!! / { print > (d "/vm." n ".findings"); next }
		h < 3 { print > (d "/vm." n ".hdr"); h++; next }
		/^$/ { next }
		{ print > (d "/vm." n ".text") }
		END { print n + 0 }' "$1")
}

# vm_header LINE-OF-VMS: the three header lines the CLI must print for that VM
vm_header() {
	local v=$1 pid tables memslots
	pid=$(scn_lfield "$v" pid)
	memslots=N
	[ -f "$dir/expected/$pid/memslots" ] && memslots=$(grep -c . "$dir/expected/$pid/memslots")
	printf 'kvm %s  pid %d  vcpus %d  memslots %s\n' "$(scn_lfield "$v" kvm)" "$pid" "$(scn_lfield "$v" vcpus)" "$memslots"
	printf '  mmu %s  vmid %u  vtcr %s  vttbr %s\n' "$(scn_lfield "$v" mmu)" "$(scn_lfield "$v" vmid)" \
		"$(scn_hex "$(scn_lfield "$v" vtcr)")" "$(scn_hex "$(scn_lfield "$v" vttbr)")"
	tables=N
	printf '  ipa_range %u  stage2_levels %d  pgd %s (PA 0x%x, %s tables)\n' "$(scn_lfield "$v" ipa_range)" \
		"$(scn_lfield "$v" levels)" "$(scn_lfield "$v" pgd_va)" "$(($(scn_lfield "$v" pgd_pa)))" "$tables"
}

# The CLI's header with the counts the generator does not give normalised (memslots without
# expected/<pid>/memslots, the number of concatenated root tables).
norm_header() { # file pid
	if [ -f "$dir/expected/$2/memslots" ]; then cat "$1"; else sed -E 's/  memslots [0-9]+$/  memslots N/' "$1"; fi |
		sed -E 's/, [0-9]+ tables?\)$/, N tables)/'
}

# header_check LINE-OF-VMS PID FILE WHAT PASS_TEXT: the VM header the CLI printed (FILE, from
# split_vms) is the one expected/vms gives for that VM, counts normalised; one PASS or FAIL
header_check() {
	vm_header "$1" >"$scn_tmp/hdr.exp"
	norm_header "$3" "$2" >"$scn_tmp/hdr.got" 2>/dev/null
	if cmp -s "$scn_tmp/hdr.exp" "$scn_tmp/hdr.got"; then
		scn_pass "$tag $4 header $5"
	else
		scn_fail "$tag $4 header" "expected [$(tr '\n' '|' <"$scn_tmp/hdr.exp")] came [$(tr '\n' '|' <"$scn_tmp/hdr.got")]"
	fi
}

# is_pkvm PID: a pKVM VM (expected/<pid>/pkvm): the host has no stage-2 tables for it, only
# kvm_pgtable's pkvm_mappings; no stage2_page_tables files exist
is_pkvm() { [ -f "$dir/expected/$1/pkvm" ]; }

# refused_cleanly: the last run failed with one error line that says the VM is a pKVM one
refused_cleanly() {
	[ "$rc" -ne 0 ] && [ "$rc" -ne 999 ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -q -i -E 'pkvm|protected' "$err"
}

check_pkvm_dump() { # a dump with pKVM VMs: clean answers or clean refusals, -t from the mappings
	local v pid kvm line ipa pa level want got
	for args in "" "nesteds2 list"; do
		# shellcheck disable=SC2086
		run $args
		if [ "$rc" -eq 0 ] && [ ! -s "$err" ]; then
			scn_pass "$tag '${args:-s2dump}' on pKVM VMs: status 0"
		elif refused_cleanly; then
			scn_pass "$tag '${args:-s2dump}' on pKVM VMs: one error line naming pKVM: $(cat "$err")"
		else
			scn_fail "$tag '${args:-s2dump}' on pKVM VMs" "expected an answer or one error line naming pKVM, came status $rc: $(head -c 300 "$err" | tr '\n' '|')"
		fi
	done
	while read -r v; do
		pid=$(scn_lfield "$v" pid)
		kvm=$(scn_lfield "$v" kvm)
		is_pkvm "$pid" || continue
		# the explanation: one line of at most 120 characters (docs/commands.md), "protected VM" as
		# expected/<pid>/pkvm says, the mappings counted as there
		run "$kvm"
		local pv="" n
		[ "$(sed -n 's/^protected=//p' "$dir/expected/$pid/pkvm")" = 1 ] && pv=" protected VM"
		n=$(grep -c '^gfn=' "$dir/expected/$pid/pkvm")
		line=$(grep '^  pKVM' "$out")
		if [ "$rc" -eq 0 ] && [ "$(grep -c '^  pKVM' "$out")" -eq 1 ] && [ ${#line} -le 120 ] &&
			[[ $line =~ ^"  pKVM$pv ("[^\)]+"): stage 2 in EL2-private memory, the host keeps only pkvm_mappings:"$ ]] &&
			grep -qx "  $n pkvm_mapping$([ "$n" = 1 ] || echo s), [0-9]* pages" "$out"; then
			scn_pass "$tag s2dump $kvm (pKVM vm $pid): the explanation in one short line, $n mappings"
		else
			scn_fail "$tag s2dump $kvm (pKVM vm $pid) explanation" "status $rc: $(head -c 300 "$out" | tr '\n' '|')"
		fi
		while read -r line; do
			ipa=${line%% *}
			run -t "$ipa" "$kvm"
			got=$(cat "$out")
			if pa=$(scn_lfield "$line" pa); then
				want=$(printf 'IPA %s -> PA %s ' "$(scn_hex "$ipa")" "$(scn_hex "$pa")")
			else
				want=$(printf 'IPA %s -> translation fault' "$(scn_hex "$ipa")")
			fi
			if [ "$rc" -eq 0 ] && [[ $got == "$want"* ]]; then
				scn_pass "$tag -t $ipa (pKVM vm $pid, from pkvm_mappings): $want"
			elif refused_cleanly; then
				scn_pass "$tag -t $ipa (pKVM vm $pid): refused with one error line naming pKVM"
			else
				scn_fail "$tag -t $ipa (pKVM vm $pid)" "expected '$want...' or one error line naming pKVM, came status $rc: $(head -c 200 "$out" "$err" | tr '\n' '|')"
			fi
		done <"$dir/expected/$pid/translate"
	done <"$dir/expected/vms"
}

check_headers_and_text() { # the default output of every VM
	local i=0 v pid
	run
	ok "s2dump (all VMs)" || return
	split_vms "$out"
	if [ "$nvm" -eq "$(grep -c . "$dir/expected/vms")" ]; then
		scn_pass "$tag s2dump: $nvm VMs, as in expected/vms"
	else
		scn_fail "$tag s2dump VM count" "expected $(grep -c . "$dir/expected/vms") VMs, came $nvm"
	fi
	while read -r v; do
		i=$((i + 1))
		pid=$(scn_lfield "$v" pid)
		header_check "$v" "$pid" "$scn_tmp/vm.$i.hdr" "s2dump vm $pid" \
			"(kvm, pid, vcpus, mmu, vmid, vtcr, vttbr, ipa_range, levels, pgd, PA)"
		touch "$scn_tmp/vm.$i.text"
		scn_cmp "$tag s2dump vm $pid text = stage2_page_tables.complete" \
			"$dir/expected/$pid/stage2_page_tables.complete" "$scn_tmp/vm.$i.text"
		[ -f "$scn_tmp/vm.$i.findings" ] && scn_fail "$tag s2dump vm $pid findings" "$(cat "$scn_tmp/vm.$i.findings")"
	done <"$dir/expected/vms"
}

check_exact() { # vms line
	local v=$1 pid kvm
	pid=$(scn_lfield "$v" pid)
	kvm=$(scn_lfield "$v" kvm)
	run -x "$kvm"
	ok "-x $kvm" && scn_cmp "$tag s2dump -x $kvm (vm $pid) = stage2_page_tables" "$dir/expected/$pid/stage2_page_tables" "$out"
	# a pid names all its VMs: -x by pid only where it names one (check_multi_vm does the others)
	[ "$(grep -c " pid=$pid " "$dir/expected/vms")" -eq 1 ] || return 0
	run -x "$pid"
	ok "-x $pid" && scn_cmp "$tag s2dump -x $pid = stage2_page_tables" "$dir/expected/$pid/stage2_page_tables" "$out"
}

# check_multi_vm: for each pid that owns several VMs (expected/vms): `-x PID` refused (status 2,
# no stdout) with one line per candidate struct kvm address, in vm_list order; `-t IPA PID` one
# line per VM naming it ("kvm 0x... pid N: IPA ..."); `PID` and `nesteds2 list PID` a header per
# VM; `-t IPA` without a VM names every VM of vm_list.
check_multi_vm() {
	local pid kvms want got ipa
	for pid in $(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$dir/expected/vms" | sort | uniq -d); do
		kvms=$(grep " pid=$pid " "$dir/expected/vms" | sed 's/^kvm=\([^ ]*\) .*/\1/')
		run -x "$pid"
		want=$(printf 's2dump: pid %d owns %d VMs; name one by its struct kvm address:\n' "$pid" "$(wc -l <<<"$kvms")"
			printf '  kvm %s\n' $kvms)
		got=$(cat "$err")
		if [ "$rc" -eq 2 ] && [ ! -s "$out" ] && [ "$got" = "$want" ]; then
			scn_pass "$tag -x $pid refused: $(wc -l <<<"$kvms") candidates listed"
		else
			scn_fail "$tag -x $pid (several VMs)" "expected status 2 and [$want], came status $rc [$got]"
		fi
		ipa=$(head -n 1 "$dir/expected/$pid/translate" | cut -d' ' -f1)
		[ -n "$ipa" ] || continue
		run -t "$ipa" "$pid"
		got=$(sed 's/: IPA .*//' "$out")
		want=$(for k in $kvms; do printf 'kvm %s pid %d\n' "$k" "$pid"; done)
		if ok "-t $ipa $pid" && [ "$got" = "$want" ]; then
			scn_pass "$tag -t $ipa $pid: one line per VM of pid $pid, each naming it"
		else
			scn_fail "$tag -t $ipa $pid" "expected lines for [$(tr '\n' ' ' <<<"$want")], came [$(tr '\n' '|' <"$out")]"
		fi
		run "$pid"
		got=$(grep '^kvm ' "$out" | cut -d' ' -f2)
		if ok "$pid" && [ "$got" = "$kvms" ]; then
			scn_pass "$tag s2dump $pid: every VM of pid $pid"
		else
			scn_fail "$tag s2dump $pid" "expected headers for [$(tr '\n' ' ' <<<"$kvms")], came [$(tr '\n' ' ' <<<"$got")]"
		fi
		run nesteds2 list "$pid"
		got=$(grep '^kvm ' "$out" | cut -d' ' -f2)
		if ok "nesteds2 list $pid" && [ "$got" = "$kvms" ]; then
			scn_pass "$tag nesteds2 list $pid: every VM of pid $pid"
		else
			scn_fail "$tag nesteds2 list $pid" "expected [$(tr '\n' ' ' <<<"$kvms")], came [$(tr '\n' ' ' <<<"$got")]"
		fi
		run -t "$ipa"
		got=$(sed 's/^kvm \(0x[0-9a-f]*\) pid \([0-9]*\): IPA .*/kvm=\1 pid=\2/' "$out")
		want=$(sed 's/^\(kvm=[^ ]*\) \(pid=[0-9]*\) .*/\1 \2/' "$dir/expected/vms")
		if ok "-t $ipa" && [ "$got" = "$want" ]; then
			scn_pass "$tag -t $ipa (no VM): one line per VM, each naming its address and pid"
		else
			scn_fail "$tag -t $ipa (no VM)" "expected [$(tr '\n' '|' <<<"$want")], came [$(tr '\n' '|' <"$out")]"
		fi
	done
}

check_translate() { # vms line
	local v=$1 pid kvm line ipa pa level size kind want got granule
	pid=$(scn_lfield "$v" pid)
	kvm=$(scn_lfield "$v" kvm)
	granule=$(scn_field "$dir/expected/symbols" page_size)
	[ -f "$dir/expected/$pid/translate" ] || return 0
	while read -r line; do
		ipa=${line%% *}
		run -t "$ipa" "$kvm"
		ok "-t $ipa" || continue
		got=$(cat "$out")
		if pa=$(scn_lfield "$line" pa); then
			level=$(scn_lfield "$line" level)
			size=$(scn_lfield "$line" size)
			kind=block
			[ "$level" -eq 3 ] && kind=page
			want=$(printf 'IPA %s -> PA %s  level %d %s ' "$(scn_hex "$ipa")" "$(scn_hex "$pa")" "$level" "$kind")
			if [[ $got == "$want"* ]] && [ "$(grep -c . "$out")" -eq 1 ] &&
			   [ "$(scn_level_size "$granule" "$level")" -eq $((size)) ]; then
				scn_pass "$tag -t $ipa -> pa $pa level $level $kind (size $size)"
			else
				scn_fail "$tag -t $ipa" "expected '$want...' (leaf size $size), came '$got'"
			fi
		else
			level=$(scn_lfield "$line" level)
			want=$(printf 'IPA %s -> translation fault, level %d (FSC 0x%02x)' "$(scn_hex "$ipa")" "$level" $((4 + level)))
			if [ "$got" = "$want" ]; then
				scn_pass "$tag -t $ipa -> translation fault level $level"
			else
				scn_fail "$tag -t $ipa" "expected '$want', came '$got'"
			fi
		fi
	done <"$dir/expected/$pid/translate"
}

check_nested() {
	local v pid kvm n i line name mmu valid vmid want got state levels ipa_range
	run nesteds2 list
	ok "nesteds2 list" || return
	cp "$out" "$scn_tmp/list"
	while read -r v; do
		pid=$(scn_lfield "$v" pid)
		kvm=$(scn_lfield "$v" kvm)
		n=0
		[ -f "$dir/expected/$pid/nested" ] && n=$(grep -c . "$dir/expected/$pid/nested")
		want=$(printf 'kvm %s  pid %d  nested_mmus %d' "$kvm" "$pid" "$n")
		# this VM's block of the list: its kvm line and the lines up to the next kvm line
		awk -v k="kvm $kvm " 'index($0, k) == 1 { on = 1; print; next } /^kvm / { on = 0 } on' "$scn_tmp/list" >"$scn_tmp/block"
		got=$(head -n 1 "$scn_tmp/block")
		if [ "$got" = "$want" ]; then
			scn_pass "$tag nesteds2 list vm $pid: $n nested MMUs"
		else
			scn_fail "$tag nesteds2 list vm $pid" "expected '$want', came '$got'"
		fi
		[ "$n" -gt 0 ] || continue
		while read -r line; do
			i=$(scn_lfield "$line" index)
			name=$(scn_lfield "$line" name)
			mmu=$(scn_lfield "$line" mmu)
			valid=$(scn_lfield "$line" valid)
			vmid=$(scn_lfield "$line" vmid)
			state=invalid
			[ "$valid" = 1 ] && state=valid
			want=$(printf '  [%2d] %s  %s  %-7s vmid %-5u refcnt ' "$i" "$mmu" "$name" "$state" "$vmid")
			got=$(sed -n "$((i + 2))p" "$scn_tmp/block")
			if [[ $got == "$want"* ]]; then
				scn_pass "$tag nesteds2 list vm $pid [$i] $mmu $name $state vmid $vmid"
			else
				scn_fail "$tag nesteds2 list vm $pid [$i]" "expected '$want...', came '$got'"
			fi
			run nesteds2 dump -x "$mmu"
			ok "nesteds2 dump -x $mmu" && scn_cmp "$tag nesteds2 dump -x $mmu ([$i]) = nested-$i.stage2_page_tables" \
				"$dir/expected/$pid/nested-$i.stage2_page_tables" "$out"
			# unique across the dump's VMs (grep -c over several files would count per file)
			if [ "$(cat "$dir"/expected/*/nested | grep -c -F " name=$name ")" -eq 1 ]; then
				run nesteds2 dump -x "$name"
				ok "nesteds2 dump -x $name" && scn_cmp "$tag nesteds2 dump -x $name = nested-$i.stage2_page_tables" \
					"$dir/expected/$pid/nested-$i.stage2_page_tables" "$out"
			fi
			run nesteds2 dump "$mmu"
			ok "nesteds2 dump $mmu" || continue
			ipa_range=$(scn_lfield "$line" ipa_range)
			levels=$(scn_lfield "$line" levels)
			want=$(printf 'nested mmu %s  %s  %s  ipa_range %u  stage2_levels %d' "$mmu" "$name" "$state" "$ipa_range" "$levels")
			got=$(head -n 1 "$out")
			if [ "$got" = "$want" ]; then
				scn_pass "$tag nesteds2 dump $mmu header: $name $state ipa_range $ipa_range levels $levels"
			else
				scn_fail "$tag nesteds2 dump $mmu header" "expected '$want', came '$got'"
			fi
			tail -n +2 "$out" >"$scn_tmp/ntext"
			scn_cmp "$tag nesteds2 dump $mmu text = nested-$i.stage2_page_tables.complete" \
				"$dir/expected/$pid/nested-$i.stage2_page_tables.complete" "$scn_tmp/ntext"
		done <"$dir/expected/$pid/nested"
	done <"$dir/expected/vms"
}

# prefix_ok WHAT EXPECTED GOT N: the first N lines of GOT are the first N of EXPECTED
prefix_ok() {
	if [ "$(head -n "$4" "$3")" = "$(head -n "$4" "$2")" ] && [ "$(wc -l <"$3")" -ge "$4" ]; then
		scn_pass "$1 ($4 lines before the damage identical)"
	else
		scn_fail "$1" "expected the first $4 lines of $(basename "$2"), came: $(head -n "$4" "$3" | tr '\n' '|')"
	fi
}

check_damage() { # kind
	local kind=$1 e=$dir/expected/error v pid kvm ipa level pa cutoff granule n
	v=$(head -n 1 "$dir/expected/vms")
	granule=$(scn_field "$dir/expected/symbols" page_size)
	case $kind in
	corrupt | hole | cycle)
		pid=$(scn_field "$e" vm)
		ipa=$(scn_field "$e" ipa)
		level=$(scn_field "$e" level)
		v=$(grep " pid=$pid " "$dir/expected/vms")
		if [ "$kind" = corrupt ]; then
			pa=$(scn_field "$e" descriptor_pa)
			cutoff=$ipa
		else
			if [ "$kind" = hole ]; then pa=$(scn_field "$e" missing_pa); else pa=$(scn_field "$e" table_pa); fi
			# the entry that points at the missing (or cyclic) table covers the level above
			cutoff=$((ipa & ~($(scn_level_size "$granule" $((level - 1))) - 1)))
		fi
		facts=("hex:$ipa" "level:$level" "hex:$pa" "word:$(scn_field "$e" field)")
		run
		one_error_line "s2dump (damage $kind)" "${facts[@]}"
		split_vms "$out"
		header_check "$v" "$pid" "$scn_tmp/vm.1.hdr" "s2dump (damage $kind) vm $pid" "printed before the error"
		text_upto "$dir/expected/$pid/stage2_page_tables.complete" "$cutoff" >"$scn_tmp/before"
		touch "$scn_tmp/vm.1.text"
		prefix_ok "$tag s2dump (damage $kind) text up to IPA $(printf 0x%x "$cutoff")" "$scn_tmp/before" \
			"$scn_tmp/vm.1.text" "$(wc -l <"$scn_tmp/before")"
		run -x "$pid"
		one_error_line "s2dump -x $pid (damage $kind)" "${facts[@]}"
		# exact mode prints nothing the kernel would not: whatever came is a prefix of its text
		n=$(wc -l <"$out")
		if [ "$(head -n "$n" "$dir/expected/$pid/stage2_page_tables")" = "$(cat "$out")" ]; then
			scn_pass "$tag s2dump -x $pid (damage $kind) stdout: $n lines, a prefix of stage2_page_tables"
		else
			scn_fail "$tag s2dump -x $pid (damage $kind) stdout" "not a prefix of stage2_page_tables: $(diff "$dir/expected/$pid/stage2_page_tables" "$out" | head -n 4 | tr '\n' '|')"
		fi
		;;
	bogus-kvm)
		kvm=$(scn_field "$e" kvm)
		run
		one_error_line "s2dump (damage bogus-kvm)" "hex:$kvm" "word:$(scn_field "$e" field)"
		[ -s "$out" ] && scn_fail "$tag s2dump (damage bogus-kvm) stdout" "expected nothing (vm_list.next is bogus), came $(head -n 2 "$out" | tr '\n' '|')" ||
			scn_pass "$tag s2dump (damage bogus-kvm) stdout empty: no VM before the bogus entry"
		run nesteds2 list
		one_error_line "nesteds2 list (damage bogus-kvm)" "hex:$kvm" "word:$(scn_field "$e" field)"
		# the VM itself is intact: by address it is found without the list
		pid=$(scn_lfield "$v" pid)
		run -x "$(scn_lfield "$v" kvm)"
		ok "-x $(scn_lfield "$v" kvm) (damage bogus-kvm)" &&
			scn_cmp "$tag s2dump -x $(scn_lfield "$v" kvm) (damage bogus-kvm, by address) = stage2_page_tables" \
				"$dir/expected/$pid/stage2_page_tables" "$out"
		;;
	unverified)
		# a shift init_uts_ns does not prove: one error naming the defect (both note ends), nothing read
		run
		one_error_line "s2dump (damage unverified)" "hex:$(scn_field "$e" note_end)" \
			"hex:$(scn_field "$e" declared_end)" "word:PT_NOTE" "word:verify"
		[ -s "$out" ] && scn_fail "$tag s2dump (damage unverified) stdout" "expected nothing, came $(head -n 2 "$out" | tr '\n' '|')" ||
			scn_pass "$tag s2dump (damage unverified) stdout empty"
		;;
	truncate)
		run
		# said once, up front: the file is cut (so later "not in the dump" is not filtering);
		# a repaired copy (check-field.sh's <scenario>.repaired) ends where its own data does
		tend=$(printf '0x%x' "$(scn_field "$e" truncated_size)")
		case $dir in *.repaired) tend=$(printf '0x%x' "$(stat -c %s "$dump")") ;; esac
		if grep -q "^s2dump: warning: .* truncated: file ends at $tend," "$err"; then
			scn_pass "$tag s2dump (damage truncate) warns once: file ends at $tend"
		else
			scn_fail "$tag s2dump (damage truncate) warning" "expected 'warning: ... truncated: file ends at 0x...', came: $(head -c 300 "$err" | tr '\n' '|')"
		fi
		grep -v '^s2dump: warning: ' "$err" >"$err.rest"; mv "$err.rest" "$err"
		# field=file: the read that fails is of the file's first missing page (the core words
		# every backend's fault the same way, "not in the dump", so no backend's own detail)
		one_error_line "s2dump (damage truncate)" "page:$(scn_field "$e" first_missing_pa)" "word:dump"
		[ -s "$out" ] && scn_fail "$tag s2dump (damage truncate) stdout" "expected nothing (struct kvm is cut off), came $(head -n 2 "$out" | tr '\n' '|')" ||
			scn_pass "$tag s2dump (damage truncate) stdout empty"
		;;
	*)
		scn_fail "$tag damage $kind" "unknown damage kind (tests/vmcores/README.md)"
		;;
	esac
}

ndumps=0
for dir in $(scn_dirs); do
	wanted "$dir" || continue
	name=$(scn_name "$dir")
	dumps=("$dir/vmcore")
	[ -f "$dir/vmcore.kdump" ] && dumps+=("$dir/vmcore.kdump")
	# QEMU's kdump-zlib and kdump-raw-zlib of the same RAM (read through the repair)
	for q in "$dir"/vmcore.qemu-kdump-zlib "$dir"/vmcore.qemu-kdump-raw-zlib; do [ -f "$q" ] && dumps+=("$q"); done
	kind=$(scn_damage "$dir")
	for dump in "${dumps[@]}"; do
		ndumps=$((ndumps + 1))
		for b in "${cli_bins[@]}"; do
			bin=${b#*:}
			tag="${b%%:*} $name"
			case $dump in
			"$dir/vmcore") ;;
			*.qemu-kdump-*) tag="$tag/${dump##*.}" ;;
			*) tag="$tag/kdump" ;;
			esac
			if [ -n "$kind" ]; then
				check_damage "$kind"
				continue
			fi
			if grep -q . <(find "$dir/expected" -name pkvm); then
				check_pkvm_dump
				continue
			fi
			check_headers_and_text
			while read -r v; do
				check_exact "$v"
				check_translate "$v"
			done <"$dir/expected/vms"
			check_nested
			check_multi_vm
		done
	done
done
# valgrind (plain build): every dump's default run and nesteds2 list, damaged ones included
if [ -z "${S2_CLI_BINS:-}" ] && [ "${S2_FAST:-0}" != 1 ] && command -v valgrind >/dev/null && [ -x "$S2_BUILD/s2dump" ]; then
	for dir in $(scn_dirs); do
		name=$(scn_name "$dir")
		for args in "" "nesteds2 list"; do
			# (QEMU's kdump files too: the repair runs inside the CLI)
			for core in vmcore vmcore.qemu-kdump-zlib vmcore.qemu-kdump-raw-zlib; do
			[ -f "$dir/$core" ] || continue
			# shellcheck disable=SC2086
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
				--suppressions="$S2_TOP/tests/synthetic/libkdumpfile.supp" \
				"$S2_BUILD/s2dump" -c "$dir/$core" -s "$dir/vmlinux" $args >/dev/null 2>"$err"
			rc=$?
			if [ $rc -ne 99 ] && ! grep -q '^==[0-9]*==' "$err"; then
				scn_pass "valgrind $name/$core '${args:-s2dump}': no memory errors, no definite leaks (status $rc)"
			else
				scn_fail "valgrind $name/$core '${args:-s2dump}'" "$(grep '^==' "$err" | head -n 4 | tr '\n' '|')"
			fi
			done
		done
	done
fi
[ "$ndumps" -gt 0 ] || scn_fail "dumps" "no scenario in $VMC_ROOT"
# the host's libkdumpfile (Debian 12's), for the README's "tested with" table
if [ -z "${S2_CLI_BINS:-}" ] && [ "$scn_failed" = 0 ] && [ "$scn_passed" -gt 0 ]; then
	. "$S2_TOP/scripts/tested-with.sh"
	tested_with libkdumpfile "$(pkg-config --modversion libkdumpfile 2>/dev/null || echo host)" \
		"the CLI (plain, ASan+UBSan, valgrind); every synthetic dump + kdump copies"
fi
scn_summary
