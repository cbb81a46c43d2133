TEST_SRCS += tests/walk/test_walk_geometry.c tests/walk/test_walk_tables.c tests/walk/test_walk_property.c
VALGRIND_TESTS += test_walk_geometry test_walk_tables test_walk_property
