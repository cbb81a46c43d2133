# make bench: ratios measured in one run (never a timed test).
BENCH_TARGETS += bench-walk bench-drgn

build/bench/bench_walk: tests/bench/bench_walk.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) -O2 -o $@ $< $(LIB_A)

.PHONY: bench-walk
bench-walk: build/bench/bench_walk
	build/bench/bench_walk

# The CLI on the generated bench dump (16M 4K mappings) against reading the same table bytes and a
# plain drgn script walking the same tables (tests/bench/bench_drgn.py). The dump comes from
# `make vmcores-bench` (the generator's bench scenario).
build/bench/read_bytes: tests/bench/read_bytes.c
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) -O2 -o $@ $<

# (Literal paths: tests/vmcores/module.mk is read after this file.)
# Until the generator's own `make vmcores-bench` exists, the dump is made here from
# tests/bench/bench-16m.scn (outside build/vmcores/, so that the scenario tests do not walk it).
BENCH_DUMP := build/bench/vmcores/linux-6.12/bench-16m
$(BENCH_DUMP)/vmcore: tests/bench/bench-16m.scn build/vmcores/gen/s2gen-linux-6.12 build/vmcores/vmlinux/linux-6.12/vmlinux
	rm -rf $(BENCH_DUMP) && mkdir -p $(dir $(BENCH_DUMP))
	build/vmcores/gen/s2gen-linux-6.12 $< build/vmcores/vmlinux/linux-6.12/vmlinux $(BENCH_DUMP)
	cp build/vmcores/vmlinux/linux-6.12/vmlinux $(BENCH_DUMP)/vmlinux

.PHONY: bench-drgn
bench-drgn: build/bench/read_bytes $(DRGN_CORE_SO) $(DRGN_PY_FILES) $(CLI_BIN)
	@if ls build/vmcores/*/bench*/vmcore >/dev/null 2>&1; then \
		tests/bench/bench_drgn.py; \
	else \
		$(MAKE) --no-print-directory $(BENCH_DUMP)/vmcore && tests/bench/bench_drgn.py $(BENCH_DUMP); \
	fi
