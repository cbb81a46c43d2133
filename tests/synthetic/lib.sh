# Shared helpers for the scenario tests (tests/synthetic/check-*.sh), sourced with
#   . "$(dirname "$0")/lib.sh"
# They run a front end on every generated synthetic dump
# (build/vmcores/<layout>/<scenario>/{vmcore,vmlinux,expected/}, tests/vmcores/README.md)
# and compare with expected/, which the generator computes from its own model.
#
#   scn_init NAME         env (S2_TOP, S2_BUILD, S2_SAN_BUILD, VMC_ROOT), a temp dir ($scn_tmp),
#                         `make vmcores` unless VMC_ROOT is given; NAME prefixes every PASS/FAIL
#   scn_dirs              every scenario directory with a vmcore, sorted
#   scn_name DIR          "linux-6.12/demo"
#   scn_damage DIR        the damage kind (expected/error), or nothing
#   scn_field FILE KEY    value of KEY=... on the first line of FILE (or of a string with -s)
#   scn_lfield LINE KEY   value of KEY=... in one line
#   scn_pass / scn_fail   print "PASS <NAME> what" / "FAIL <NAME> what: why" and count
#   scn_cmp WHAT EXP GOT  byte comparison of two files; on a difference, the first differing lines
#   scn_sanitizer_report FILE   non-empty when FILE holds an ASan/UBSan/valgrind report
#   scn_hex N             0x%016x of a number (bash arithmetic: 64-bit two's complement)
#   scn_level_size GRANULE LEVEL   bytes mapped by one entry at LEVEL (granule in bytes)
#   scn_summary           "NAME: P passed, F failed" on stderr (never a PASS/FAIL line)

scn_passed=0
scn_failed=0

scn_init() {
	scn_prefix=$1
	S2_TOP=${S2_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
	S2_BUILD=${S2_BUILD:-$S2_TOP/build}
	S2_SAN_BUILD=${S2_SAN_BUILD:-$S2_TOP/build/san}
	export S2_TOP S2_BUILD S2_SAN_BUILD
	cd "$S2_TOP" || exit 1
	# ASan's leak checker needs ptrace, which some sandboxes refuse (scripts/run-tests.sh)
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	scn_tmp=$(mktemp -d)
	trap 'rm -rf "$scn_tmp"' EXIT
	if [ -z "${VMC_ROOT:-}" ]; then
		VMC_ROOT=$S2_TOP/build/vmcores
		make -s --no-print-directory vmcores >"$scn_tmp/make-vmcores.log" 2>&1 || {
			scn_fail "make-vmcores" "make vmcores failed: $(tail -n 3 "$scn_tmp/make-vmcores.log" | tr '\n' '|')"
			exit 0
		}
	fi
	export VMC_ROOT
}

scn_dirs() {
	local d
	for d in "$VMC_ROOT"/linux-*/*/; do
		d=${d%/}
		[ -f "$d/vmcore" ] && [ -f "$d/vmlinux" ] && [ -d "$d/expected" ] && echo "$d"
	done | sort
}

scn_name() { echo "${1#"$VMC_ROOT"/}"; }

scn_damage() { [ -f "$1/expected/error" ] && scn_field "$1/expected/error" damage; }

scn_lfield() { # line key
	local w
	for w in $1; do
		case $w in "$2"=*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}

scn_field() { # file key
	local line
	read -r line <"$1" || [ -n "$line" ] || return 1
	scn_lfield "$line" "$2"
}

scn_pass() { echo "PASS $scn_prefix $1"; scn_passed=$((scn_passed + 1)); }
scn_fail() { echo "FAIL $scn_prefix $1: $2"; scn_failed=$((scn_failed + 1)); }

scn_cmp() { # what expected got
	if cmp -s "$2" "$3"; then
		scn_pass "$1 ($(wc -l <"$2") lines identical)"
	else
		scn_fail "$1" "differs from $(basename "$2") ($(wc -l <"$2") lines expected, $(wc -l <"$3") came)"
		diff "$2" "$3" | head -n 8 | sed 's/^/  | /'
	fi
}

scn_sanitizer_report() {
	grep -E -m 3 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|Undefined)|Segmentation fault|core dumped|==[0-9]+== (Invalid|Conditional)' "$1"
}

scn_hex() { printf '0x%016x' "$(($1))"; }

scn_level_size() { # granule level
	local shift=12
	case $1 in 16384) shift=14 ;; 65536) shift=16 ;; esac
	echo $((1 << (shift + (3 - $2) * (shift - 3))))
}

scn_summary() { echo "$scn_prefix: $scn_passed passed, $scn_failed failed" >&2; }
