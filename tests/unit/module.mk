TEST_SRCS += tests/unit/test_error.c
VALGRIND_TESTS += test_error
TEST_SRCS += tests/unit/test_grow.c
VALGRIND_TESTS += test_grow
