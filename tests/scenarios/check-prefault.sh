#!/usr/bin/env bash
# s2dump -p (text and -j) on every synthetic dump against the generator's expected files
# (tests/vmcores/README.md, /work/spec: expected/<pid>/{memslots,prefault,vcpus,pkvm}).
#
# For every dump in $VMC_ROOT/<layout>/<scenario>/ (default build/vmcores; `make vmcores` first
# unless VMC_ROOT is given) and every VM of expected/vms: run `s2dump -p <pid>` and
# `s2dump -p -j <pid>` (plain build, and the ASan+UBSan build when present; on the ELF vmcore
# and on vmcore.kdump, the makedumpfile copy, where there is one), turn each output
# back into the expected files' key=value lines (the parser below knows only the documented
# output formats, docs/commands.md and docs/json.md) and compare byte for byte.
# A VM without memslots and vcpus, or without one of prefault / pkvm, is a FAIL: the
# generator writes them for every VM, so a missing file is a broken kit, not a pass.
# Damage scenarios: bogus-kvm and truncate must fail with exit status 2 and one error line;
# cycle and hole must end with status 1 naming the table ('!!'; their expected/prefault models
# the tables as written, so it is not compared); corrupt must end with status 1 naming the
# reserved descriptor, and match everything else.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
S2_BUILD=${S2_BUILD:-$top/build}
S2_SAN_BUILD=${S2_SAN_BUILD:-$top/build/san}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS prefault $1"; passed=$((passed + 1)); }
fail() { echo "FAIL prefault $1: $2"; failed=$((failed + 1)); }

if [ -z "${VMC_ROOT:-}" ]; then
	VMC_ROOT=$top/build/vmcores
	if ! make -s --no-print-directory vmcores >"$tmp/make.log" 2>&1; then
		fail make-vmcores "make vmcores failed: $(tail -n 3 "$tmp/make.log" | tr '\n' '|')"
		exit 1
	fi
fi
bins=()
[ -x "$S2_BUILD/s2dump" ] && bins+=("$S2_BUILD/s2dump")
[ -x "$S2_SAN_BUILD/s2dump" ] && bins+=("$S2_SAN_BUILD/s2dump")
if [ ${#bins[@]} -eq 0 ]; then
	fail build "no s2dump in $S2_BUILD or $S2_SAN_BUILD (make all)"
	exit 1
fi

# Output (text or JSON) -> the expected files' lines, one file per kind in DIR.
cat >"$tmp/convert.py" <<'PY'
import json, re, sys

units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40, 'P': 1 << 50, 'E': 1 << 60}
flag_bits = {'LOG_DIRTY': 1, 'READONLY': 2, 'GUEST_MEMFD': 4}

def size(s):
    m = re.fullmatch(r'(\d+)([KMGTPE])', s)
    if not m:
        raise ValueError('bad size %r' % s)
    return int(m.group(1)) * units[m.group(2)]

def flags(s):
    if s == '-':
        return 0
    v = 0
    for w in s.split('|'):
        v |= int(w, 0) if w.startswith('0x') else flag_bits[w]
    return v

def text(lines):
    out = {'memslots': [], 'prefault': [], 'vcpus': [], 'pkvm': []}
    slot = None
    pkvm = None
    vcpu = None
    for l in lines:
        l = l.rstrip('\n')
        m = re.fullmatch(r'memslot (-?\d+) gpa (0x[0-9a-f]{16})-(0x[0-9a-f]{16}) size (\S+) uaddr (0x[0-9a-f]{16}) flags (\S+)', l)
        if m:
            slot = int(m.group(1))
            a, b = int(m.group(2), 16), int(m.group(3), 16)
            if b - a != size(m.group(4)):
                raise ValueError('memslot %d: range and size disagree' % slot)
            out['memslots'].append('id=%d gpa=0x%016x size=0x%x uaddr=%s flags=0x%x' %
                                   (slot, a, b - a, m.group(5), flags(m.group(6))))
            continue
        m = re.fullmatch(r'  mapped (\S+) of (\S+) \((\d+)%\)', l)
        if m:
            mp, sz = size(m.group(1)), size(m.group(2))
            if int(m.group(3)) != mp * 100 // sz:
                raise ValueError('slot %d: percentage %s is not floor(mapped/size)' % (slot, m.group(3)))
            out['prefault'].append('slot=%d mapped=0x%x size=0x%x' % (slot, mp, sz))
            continue
        m = re.fullmatch(r'  L(-?\d) (block|page) ([r-][w-][x-]) AF=([01])  (\d+) x (\S+) = (\S+)', l)
        if m:
            out['prefault'].append('slot=%d level=%s kind=%s perm=%s af=%s count=%s bytes=0x%x' %
                                   (slot, m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), size(m.group(7))))
            continue
        m = re.fullmatch(r'outside memslots mapped (\S+)', l)
        if m:
            out['prefault'].append('outside mapped=0x%x' % size(m.group(1)))
            continue
        m = re.fullmatch(r'vcpu (\d+) id (-?\d+)  esr_el2 0x([0-9a-f]{16})  far_el2 0x([0-9a-f]{16})  hpfar_el2 0x([0-9a-f]{16}).*', l)
        if m:
            vcpu = 'idx=%s id=%s esr=0x%x far=0x%x hpfar=0x%x' % (m.group(1), m.group(2), int(m.group(3), 16),
                                                                 int(m.group(4), 16), int(m.group(5), 16))
            out['vcpus'].append(vcpu)
            continue
        m = re.fullmatch(r'  .* \(EC 0x([0-9a-f]{2})\)  .* \(FSC 0x([0-9a-f]{2})\)  WnR ([01])  fault IPA 0x([0-9a-f]{16})(  S1PTW)?', l)
        if m:
            out['vcpus'][-1] += ' ec=0x%x fsc=0x%x wnr=%s fault_ipa=0x%x' % (int(m.group(1), 16), int(m.group(2), 16),
                                                                             m.group(3), int(m.group(4), 16))
            continue
        m = re.fullmatch(r'  pKVM( protected VM)?: .*', l)
        if m:
            out['pkvm'].append('protected=%d' % (1 if m.group(1) else 0))
            continue
        m = re.fullmatch(r'  pkvm_mapping gfn (0x[0-9a-f]+) pfn (0x[0-9a-f]+) nr_pages (\d+)', l)
        if m:
            out['pkvm'].append('gfn=%s pfn=%s nr_pages=%s' % m.groups())
            continue
    return out

def from_json(doc):
    out = {'memslots': [], 'prefault': [], 'vcpus': [], 'pkvm': []}
    if doc.get('schema') != 's2dump/1' or doc.get('mode') != 'prefault':
        raise ValueError('schema/mode: %r %r' % (doc.get('schema'), doc.get('mode')))
    h = lambda s: int(s, 16)
    for vm in doc['vms']:
        for s in vm['memslots']:
            out['memslots'].append('id=%d gpa=0x%016x size=0x%x uaddr=0x%016x flags=0x%x' %
                                   (s['id'], h(s['gpa']), h(s['size']), h(s['uaddr']), s['flags']))
            if s['mapped'] is None:
                continue
            out['prefault'].append('slot=%d mapped=0x%x size=0x%x' % (s['id'], h(s['mapped']), h(s['size'])))
            for g in s['groups']:
                out['prefault'].append('slot=%d level=%d kind=%s perm=%s af=%d count=%d bytes=0x%x' %
                                       (s['id'], g['level'], g['kind'], g['perm'], g['af'], g['count'], h(g['bytes'])))
        if 'outside_mapped' in vm and h(vm['outside_mapped']):
            out['prefault'].append('outside mapped=0x%x' % h(vm['outside_mapped']))
        if vm['pkvm']['host_view_only']:
            out['pkvm'].append('protected=%d' % int(vm['pkvm']['protected']))
            for p in vm['pkvm_mappings']:
                out['pkvm'].append('gfn=%s pfn=%s nr_pages=%d' % (p['gfn'], p['pfn'], p['nr_pages']))
        for c in vm['vcpus']:
            l = 'idx=%d id=%d esr=0x%x far=0x%x hpfar=0x%x' % (c['index'], c['id'], h(c['esr_el2']), h(c['far_el2']),
                                                               h(c['hpfar_el2']))
            f = c['fault']
            if f and f['abort']:
                l += ' ec=0x%x fsc=0x%x wnr=%d fault_ipa=0x%x' % (h(f['ec']), h(f['fsc']), f['wnr'], h(f['fault_ipa']))
            out['vcpus'].append(l)
    return out

mode, src, dst = sys.argv[1:4]
with open(src) as f:
    out = from_json(json.load(f)) if mode == 'json' else text(f)
for k, v in out.items():
    with open('%s/%s' % (dst, k), 'w') as f:
        f.write(''.join(x + '\n' for x in v))
PY

# `s2dump -j -t IPA` per expected/<pid>/translate line, and `s2dump -j` leaves against
# expected/<pid>/prefault (sum of valid leaves = mapped in slots + outside; ascending, disjoint).
cat >"$tmp/jcheck.py" <<'PY'
import json, sys

def load(path):
    with open(path) as f:
        d = json.load(f)
    if d.get('schema') != 's2dump/1' or d.get('error') is not None:
        raise SystemExit('schema %r error %r' % (d.get('schema'), d.get('error')))
    return d

kind = sys.argv[1]
if kind == 'translate':
    want, path = sys.argv[2], sys.argv[3]
    t = load(path)['vms'][0]['translation']
    w = dict(x.split('=', 1) for x in want.split()[1:] if '=' in x)
    if int(t['ipa'], 16) != int(want.split()[0], 16):
        raise SystemExit('ipa %s' % t['ipa'])
    if 'pa' in w:
        got = (t['pa'] and int(t['pa'], 16), t['level'], t.get('block_size') and int(t['block_size'], 16))
        exp = (int(w['pa'], 16), int(w['level']), int(w['size'], 16))
    else:
        f = t['fault'] or {}
        got = (t['pa'], f.get('type'), f.get('level'))
        exp = (None, 'translation fault', int(w['level']))
    if got != exp:
        raise SystemExit('got %r, expected %r' % (got, exp))
elif kind == 'leaves':
    prefault, path = sys.argv[2], sys.argv[3]
    want = 0
    for line in open(prefault):
        if line.startswith('outside mapped='):
            want += int(line.split('=', 1)[1], 16)
        elif ' mapped=' in line:
            want += int(line.split(' mapped=', 1)[1].split()[0], 16)
    total, end = 0, 0
    for e in load(path)['vms'][0]['entries']:
        if e['type'] != 'leaf' or e['kind'] == 'reserved':
            continue
        ia, sz = int(e['ipa'], 16), int(e['size'], 16)
        if ia < end:
            raise SystemExit('leaf at %s overlaps or is out of order' % e['ipa'])
        end = ia + sz
        total += sz
    if total != want:
        raise SystemExit('valid leaves cover 0x%x, expected/prefault says 0x%x' % (total, want))
PY

cmp_file() { # what expected got
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "differs: $(diff "$2" "$3" | head -n 6 | tr '\n' '|')"
	fi
}

ndumps=0
for d in "$VMC_ROOT"/linux-*/*/; do
	d=${d%/}
	[ -f "$d/vmcore" ] && [ -f "$d/vmlinux" ] && [ -f "$d/expected/vms" ] || continue
	ndumps=$((ndumps + 1))
	name=${d#"$VMC_ROOT"/}
	damage=$(sed -n '1s/^damage=\([a-z-]*\).*/\1/p' "$d/expected/error" 2>/dev/null)
	# every JSON mode, every VM at once, damage included: one well-formed s2dump/1 document whose
	# "status" is the exit status (and "error" set exactly when it is not 0)
	for mode in "-j" "-j -v" "-j -p" "-j -t 0x40000000" "nesteds2 list -j"; do
		# shellcheck disable=SC2086
		timeout 120 "${bins[0]}" -c "$d/vmcore" -s "$d/vmlinux" $mode >"$tmp/all.json" 2>/dev/null
		rc=$?
		if msg=$(python3 - "$tmp/all.json" $rc 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
assert d['schema'] == 's2dump/1', d.get('schema')
assert d['status'] == rc, 'status %r, exit %d' % (d['status'], rc)
assert (d['error'] is None) == (rc == 0), 'error %r with exit %d' % (d['error'], rc)
PY
		); then
			pass "$name json $mode: well-formed, status $rc"
		else
			fail "$name json $mode" "$(echo "$msg" | tail -n 1)"
		fi
	done
	for pid in $(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$d/expected/vms"); do
		e=$d/expected/$pid
		# the kdump-compressed copy (makedumpfile) where the generator made one
		runs=()
		for b in "${bins[@]}"; do
			runs+=("$b:$d/vmcore")
			[ -f "$d/vmcore.kdump" ] && runs+=("$b:$d/vmcore.kdump")
		done
		for run in "${runs[@]}"; do
			b=${run%%:*}
			dump=${run#*:}
			tag="$name pid $pid ($([ "$b" = "$S2_SAN_BUILD/s2dump" ] && echo asan || echo plain))"
			[ "$dump" = "$d/vmcore" ] || tag="$tag kdump"
			for fmt in text json; do
				o=$tmp/out.$fmt
				opt=-p
				[ $fmt = json ] && opt="-p -j"
				# shellcheck disable=SC2086
				timeout 120 "$b" -c "$dump" -s "$d/vmlinux" $opt "$pid" >"$o" 2>"$tmp/err"
				rc=$?
				if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp/err"; then
					fail "$tag $fmt" "sanitizer report: $(head -n 3 "$tmp/err" | tr '\n' '|')"
					continue
				fi
				case "$damage" in
				bogus-kvm|truncate)
					if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
						pass "$tag $fmt: damage $damage fails with one error line"
					else
						fail "$tag $fmt" "damage $damage: status $rc, stderr $(head -c 300 "$tmp/err" | tr '\n' '|')"
					fi
					continue ;;
				esac
				if [ "$damage" = corrupt ]; then
					# a reserved descriptor is a finding: '!!' line naming its PA, status 1, the rest as expected
					dpa=$(printf '0x%x' "$(tr ' ' '\n' <"$d/expected/error" | sed -n 's/^descriptor_pa=//p')")
					if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
					   { grep -q "!! .* reserved descriptor 0x[0-9a-f]* at PA $dpa\$" "$o" ||
					     grep -q "\"desc_pa\": \"$dpa\", \"problem\": \"reserved\"" "$o"; }; then
						pass "$tag $fmt: damage corrupt: reserved descriptor at $dpa reported, status 1"
					else
						fail "$tag $fmt" "damage corrupt: status $rc, reserved descriptor at $dpa not reported"
					fi
				elif [ $rc -ne 0 ] && ! { [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
					{ [ "$damage" = cycle ] || [ "$damage" = hole ]; }; }; then
					fail "$tag $fmt" "status $rc: $(head -c 300 "$tmp/err" | tr '\n' '|')"
					continue
				fi
				rm -rf "$tmp/got"; mkdir -p "$tmp/got"
				if ! python3 "$tmp/convert.py" $fmt "$o" "$tmp/got" 2>"$tmp/conv.err"; then
					fail "$tag $fmt" "output not in the documented format: $(tail -n 1 "$tmp/conv.err")"
					continue
				fi
				for f in memslots vcpus; do
					if [ -f "$e/$f" ]; then
						cmp_file "$tag $fmt $f" "$e/$f" "$tmp/got/$f"
					else
						fail "$tag $fmt $f" "expected/$pid/$f missing (the generator writes it for every VM)"
					fi
				done
				if [ "$damage" = cycle ] || [ "$damage" = hole ]; then
					# expected/prefault models the tables as written; a consumer must refuse the
					# damaged table instead: status 1, and the table named in the output
					tpa=$(tr ' ' '\n' <"$d/expected/error" | sed -n 's/^\(table_pa\|missing_pa\)=//p')
					tpa=$(printf '0x%x' "$tpa")
					if [ $rc -eq 1 ] && { grep -q "!! .* table at PA $tpa " "$o" || grep -q "\"table_pa\": \"$tpa\"" "$o"; }; then
						pass "$tag $fmt: damage $damage: table $tpa reported, status 1"
					else
						fail "$tag $fmt" "damage $damage: status $rc, table $tpa not reported"
					fi
				elif [ -f "$e/pkvm" ]; then
					cmp_file "$tag $fmt pkvm" "$e/pkvm" "$tmp/got/pkvm"
					[ -s "$tmp/got/prefault" ] && fail "$tag $fmt prefault" "pKVM VM: coverage printed from a garbage pgd"
				elif [ -f "$e/prefault" ]; then
					cmp_file "$tag $fmt prefault" "$e/prefault" "$tmp/got/prefault"
					[ -s "$tmp/got/pkvm" ] && fail "$tag $fmt pkvm" "reported as pKVM, expected/ says it is not"
				else
					fail "$tag $fmt prefault" "expected/$pid has neither prefault nor pkvm"
				fi
			done
			case "$damage" in bogus-kvm|truncate|cycle|hole|corrupt) continue ;; esac
			# JSON of -t and of the default dump (leaves)
			if [ -f "$e/translate" ]; then
				while read -r line; do
					ipa=${line%% *}
					timeout 120 "$b" -c "$dump" -s "$d/vmlinux" -j -t "$ipa" "$pid" >"$tmp/t.json" 2>"$tmp/err"
					if msg=$(python3 "$tmp/jcheck.py" translate "$line" "$tmp/t.json" 2>&1); then
						pass "$tag json -t $ipa"
					else
						fail "$tag json -t $ipa" "$msg $(head -c 200 "$tmp/err")"
					fi
				done <"$e/translate"
			fi
			if [ -f "$e/prefault" ]; then
				timeout 120 "$b" -c "$dump" -s "$d/vmlinux" -j "$pid" >"$tmp/l.json" 2>"$tmp/err"
				if msg=$(python3 "$tmp/jcheck.py" leaves "$e/prefault" "$tmp/l.json" 2>&1); then
					pass "$tag json leaves cover what expected/prefault maps"
				else
					fail "$tag json leaves" "$msg $(head -c 200 "$tmp/err")"
				fi
			fi
		done
	done
done
[ $ndumps -gt 0 ] || fail dumps "no dumps under $VMC_ROOT"
echo "check-prefault: $passed passed, $failed failed" >&2
exit 0
