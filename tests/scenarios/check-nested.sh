#!/usr/bin/env bash
# Nested-virtualization scenario test: runs build/s2dump over every generated dump
# (build/vmcores/<L>/<scenario>/, made by `make vmcores`) whose VMs have shadow MMUs, and compares
# the tool's output field by field with the generator's own expectations:
#   expected/<pid>/nested-<i>.guest   <- nesteds2 guest <mmu of nested_mmus[i]>
#   expected/<pid>/nested-translate   <- s2dump -t L2IPA <mmu>   (two-stage translation)
#   expected/<pid>/check              <- nesteds2 check <pid>    (and its exit status)
# A scenario with `nested` lines whose dump or expected files are missing is a FAIL, never a pass.
# The parsing and comparing is tests/scenarios/nested-check.c (built by `make all`).
# Prints "PASS check-nested ..." / "FAIL check-nested ...: why". Env: S2_TOP, S2_BUILD (or S2_TOOL), VMC_ROOT.
set -u
top=${S2_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${S2_BUILD:-$top/build}
vmc=${VMC_ROOT:-$top/build/vmcores}
export CN_TOP=$top CN_TOOL=${S2_TOOL:-$build/s2dump} CN_VMC=$vmc
helper=$build/tests/scenarios/nested-check
if [ ! -x "$helper" ]; then
	echo "FAIL check-nested helper: $helper not built (make all)"
	exit 1
fi
exec "$helper"
