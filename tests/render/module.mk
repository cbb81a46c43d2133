# The renderers on hand-built facts (src/render/render.h).
TEST_SRCS += tests/render/test_render.c
VALGRIND_TESTS += test_render
