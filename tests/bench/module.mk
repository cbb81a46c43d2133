# make bench: ratios measured in one run (never a timed test).
BENCH_TARGETS += bench-walk

build/bench/bench_walk: tests/bench/bench_walk.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) -O2 -o $@ $< $(LIB_A)

.PHONY: bench-walk
bench-walk: build/bench/bench_walk
	build/bench/bench_walk
