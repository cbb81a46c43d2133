# libFuzzer targets (clang). `make fuzz-walk FUZZ_SECONDS=600` runs the walker's;
# the corpus stays in build/fuzz/ (generated, never committed).
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
# UBSan stops the run (an artifact) instead of printing and going on: a report is a finding
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Isrc
FUZZ_WALK_SRCS := tests/fuzz/fuzz_walk.c src/core/error.c src/walk/geometry.c src/walk/desc.c \
	src/walk/walk.c src/walk/translate.c src/ptdump/ptdump.c

build/fuzz/fuzz_walk: $(FUZZ_WALK_SRCS) $(wildcard include/s2dump/*.h src/walk/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_WALK_SRCS)

.PHONY: fuzz-walk
fuzz-walk: build/fuzz/fuzz_walk
	@mkdir -p build/fuzz/corpus-walk
	build/fuzz/fuzz_walk -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 build/fuzz/corpus-walk

# Dump opening and the KVM layout: a mock target fed entirely by the input (fuzz_open.c),
# through s2_session_create + s2_command_run. Seeds: tests/fuzz/seed_open.py (one valid VM).
FUZZ_OPEN_SRCS := tests/fuzz/fuzz_open.c $(filter-out src/cli/%,$(LIB_SRCS))

build/fuzz/fuzz_open: $$(FUZZ_OPEN_SRCS) $(wildcard include/s2dump/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_OPEN_SRCS) -lz

.PHONY: fuzz-open
fuzz-open: build/fuzz/fuzz_open
	@mkdir -p build/fuzz/corpus-open
	python3 tests/fuzz/seed_open.py build/fuzz/corpus-open
	build/fuzz/fuzz_open -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=131072 -print_final_stats=1 -artifact_prefix=build/fuzz/open- build/fuzz/corpus-open
