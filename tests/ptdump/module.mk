TEST_SRCS += tests/ptdump/test_ptdump.c
VALGRIND_TESTS += test_ptdump
