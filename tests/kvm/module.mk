# Mock-target unit tests of src/kernel and src/kvm (tests/kvm/mock.h), and the -p scenario test.
TEST_SRCS += tests/kvm/test_kernel.c tests/kvm/test_kvm.c tests/kvm/test_json.c tests/kvm/test_kvm_property.c
VALGRIND_TESTS += test_kernel test_kvm test_json test_kvm_property
CHECK_SCRIPTS += tests/scenarios/check-prefault.sh
# its parsers and JSON checks (run by the script, not a test of their own)
ALL_TARGETS += $(BUILD)/tests/scenarios/prefault-check
