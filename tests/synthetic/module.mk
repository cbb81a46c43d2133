# The front ends over every generated synthetic dump (build/vmcores/<layout>/<scenario>/, `make
# vmcores`, tests/vmcores/README.md), against the generator's expected/ files.
CHECK_SCRIPTS += tests/synthetic/check-prefault.sh
CHECK_SCRIPTS += tests/synthetic/check-nested.sh
CHECK_SCRIPTS += tests/synthetic/check-cli.sh
CHECK_SCRIPTS += tests/synthetic/check-ptdump-rules.sh
CHECK_SCRIPTS += tests/synthetic/check-field.sh
# check-field.sh leaves crash under qemu-user out in check-fast (scripts/run-tests.sh --fast)
FAST_CHECK_SCRIPTS += tests/synthetic/check-prefault.sh tests/synthetic/check-nested.sh \
	tests/synthetic/check-cli.sh tests/synthetic/check-ptdump-rules.sh tests/synthetic/check-field.sh
# the parsers and comparators of check-prefault.sh and check-nested.sh (built by the generic
# test-program rule, run by those scripts, not tests of their own)
FIXTURE_TARGETS += $(BUILD)/tests/synthetic/prefault-check $(BUILD)/tests/synthetic/nested-check
