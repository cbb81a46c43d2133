# Nested virtualization tests: C unit tests over hand-built tables (tests/nested/nested_tables.h)
# and the scenario test over the generated vmcores (tests/scenarios/nested.mk).
TEST_SRCS += tests/nested/test_nested_guest.c tests/nested/test_nested_check.c tests/nested/test_nested_cmd.c
VALGRIND_TESTS += test_nested_guest test_nested_check test_nested_cmd
-include tests/scenarios/nested.mk
