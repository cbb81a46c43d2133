# Mock-target unit tests of src/kernel and src/kvm (tests/kvm/mock.h).
TEST_SRCS += tests/kvm/test_kernel.c tests/kvm/test_kvm.c tests/kvm/test_json.c tests/kvm/test_kvm_property.c
VALGRIND_TESTS += test_kernel test_kvm test_json test_kvm_property
