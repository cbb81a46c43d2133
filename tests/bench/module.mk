# make bench: ratios measured in one run (never a timed test).
BENCH_TARGETS += bench-walk bench-drgn

build/bench/bench_walk: tests/bench/bench_walk.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) -O2 -o $@ $< $(LIB_A)

.PHONY: bench-walk
bench-walk: build/bench/bench_walk
	build/bench/bench_walk

# The CLI on the generator's bench dump (16M 4K mappings, `make vmcores-bench`:
# build/vmcores-bench/<L>/big/) against reading the same table bytes and a plain drgn script walking
# the same tables (tests/bench/bench_drgn.py).
build/bench/read_bytes: tests/bench/read_bytes.c
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) -O2 -o $@ $<

.PHONY: bench-drgn
bench-drgn: build/bench/read_bytes $(DRGN_HOST_SO) $(DRGN_PY_FILES) $(CLI_BIN)
	@ls build/vmcores-bench/*/*/vmcore >/dev/null 2>&1 || $(MAKE) --no-print-directory vmcores-bench
	tests/bench/bench_drgn.py
