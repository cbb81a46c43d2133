# Nested virtualization unit tests over hand-built tables (tests/nested/nested_tables.h); the
# scenario test over the generated vmcores is tests/synthetic/check-nested.sh.
TEST_SRCS += tests/nested/test_nested_guest.c tests/nested/test_nested_check.c tests/nested/test_nested_cmd.c
VALGRIND_TESTS += test_nested_guest test_nested_check test_nested_cmd
