# s2dump: KVM arm64 stage-2 page tables from vmcores and live kernels.
#
#   make            what a user of this host needs: the core archive (build/libs2dump.a, linked
#                   into each front end), the CLI, the drgn module, the gdb script, the crash
#                   extension for this host's crash (when it has one)
#   make cross      the arm64 builds: the crash extension for Debian's arm64 crash, the arm64 CLI
#                   (downloads crash:arm64 once for its defs.h)
#   make fixtures   what the tests read besides the builds: fake vmlinuxes, the dump generator,
#                   the tests' helper programs (`make vmcores` generates the dumps from them)
#   make check      install what is missing, then every test (ASan+UBSan build, valgrind)
#   make check-fast the unit tests and the front ends on the synthetic dumps (minutes; no cross
#                   build, no crash under qemu-user, no real kernel; `make vmcores` unpacks
#                   makedumpfile:arm64 once for the dumps' kdump copies)
#   make demo       install what is missing, then every front end on the bundled (generated) sample vmcore
#   make demo-real  the same on a dump of Debian's real arm64 kernel with live KVM guests (QEMU, ~10 min once)
#   make bench      benchmarks, reported as ratios measured in one run
#   make install    PREFIX=/usr/local DESTDIR=: the front ends and the man page; no library or headers
#                   (libs2dump is not a public library: README, "The core is not a library")
#   make tested-with  the README's "tested with" table from what the last `make check` ran
#
# Each component adds to the variables below from its own module.mk, so that
# one concept lives in one place:
#   LIB_SRCS        core sources, linked into libs2dump
#   TEST_SRCS       C test programs (one .c each, linked with libs2dump), run by `make check`
#   VALGRIND_TESTS  names (basename without .c) of TEST_SRCS also run under valgrind
#   PREPARE_SCRIPTS scripts run by `make check` before every test (make inputs other tests read;
#                   print a READY line per input made, FAIL lines on failure)
#   CHECK_SCRIPTS   test scripts run by `make check` (print PASS/FAIL/SKIP lines)
#   FAST_CHECK_SCRIPTS  those of CHECK_SCRIPTS `make check-fast` runs too (no cross build, no
#                   crash or other release's tool, no real-kernel cache)
#   ALL_TARGETS     extra things `make` builds (for a user of this host)
#   CROSS_TARGETS   arm64 builds (`make cross`; `make check` builds them)
#   FIXTURE_TARGETS what only the tests need (`make fixtures`; `make check` builds them)
#   BENCH_TARGETS   things `make bench` runs (phony targets)
#   INSTALL_TARGETS extra install steps (phony targets)

PREFIX ?= /usr/local
# The newer Debian releases' tools, unpacked by scripts/tool-versions.sh (outside the clone: kept
# across `make clean`, downloaded once per machine).
S2_TOOLS_CACHE ?= /var/cache/s2dump-tools
DESTDIR ?=
CC ?= gcc
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS :=
endif

WARN_FLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
S2_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN_FLAGS) -fPIC -Iinclude -Isrc $(SAN_FLAGS)
S2_LDFLAGS := $(SAN_FLAGS)

LIB_SRCS := src/core/error.c src/core/parse.c
TEST_SRCS :=
VALGRIND_TESTS :=
PREPARE_SCRIPTS :=
CHECK_SCRIPTS :=
FAST_CHECK_SCRIPTS :=
ALL_TARGETS :=
CROSS_TARGETS :=
FIXTURE_TARGETS :=
BENCH_TARGETS :=
INSTALL_TARGETS :=

LIB_A := $(BUILD)/libs2dump.a

.PHONY: all cross fixtures check check-build check-fast check-fast-build demo demo-real bench install \
	deps clean vmcores
.SECONDEXPANSION:
all: lib

include $(sort $(wildcard src/*/module.mk)) \
	$(wildcard extensions/module.mk hostprog/module.mk libdrgn-contrib/module.mk gdb/module.mk) \
	$(sort $(wildcard tests/*/module.mk))

LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TEST_BINS := $(patsubst %.c,$(BUILD)/%,$(TEST_SRCS))

.PHONY: lib
lib: $(LIB_A)
all: $(ALL_TARGETS)
cross: $(CROSS_TARGETS)
fixtures: $(FIXTURE_TARGETS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# Test programs: one source each, linked with the static library.
$(BUILD)/tests/%: tests/%.c $(LIB_A) tests/unit/check.h
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) $(CFLAGS) -Itests -o $@ $< $(LIB_A) $(S2_LDFLAGS) $(TEST_LDLIBS_$(notdir $@)) -lm

-include $(LIB_OBJS:.o=.d)

# The README's test command. Installs what is missing, builds twice (ASan+UBSan
# for every test, plain for valgrind), runs everything, ends with "N passed, N failed, N skipped".
check: deps
	$(MAKE) SANITIZE=1 check-build
	$(MAKE) SANITIZE=0 check-build
	scripts/run-tests.sh

# The arm64 builds only in the plain build (the cross compiler has no sanitizer runtime here).
check-build: all fixtures $(TEST_BINS) $(if $(filter 0,$(SANITIZE)),cross)

# The quick loop: the unit tests and FAST_CHECK_SCRIPTS, same tally.
check-fast: deps
	$(MAKE) SANITIZE=1 check-fast-build
	$(MAKE) SANITIZE=0 check-fast-build
	scripts/run-tests.sh --fast

check-fast-build: all fixtures $(TEST_BINS)

deps:
	scripts/install-deps.sh

demo: deps
	$(MAKE) all cross
	$(MAKE) vmcores
	scripts/demo.sh

demo-real: deps
	$(MAKE) all cross fixtures
	scripts/demo-real.sh

bench: deps
	$(MAKE) SANITIZE=0 all
	@set -e; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory SANITIZE=0 $$t; done

install: all $(INSTALL_TARGETS)

# The README's "tested with" table, from the tools the last `make check` ran (scripts/tested-with.sh).
.PHONY: tested-with
tested-with:
	scripts/tested-with.sh readme

# Printed for scripts/run-tests.sh.
.PHONY: print-test-list
print-test-list:
	@echo "TEST_BINS='$(patsubst $(BUILD)/%,%,$(TEST_BINS))'"
	@echo "VALGRIND_TESTS='$(VALGRIND_TESTS)'"
	@echo "PREPARE_SCRIPTS='$(PREPARE_SCRIPTS)'"
	@echo "CHECK_SCRIPTS='$(CHECK_SCRIPTS)'"
	@echo "FAST_CHECK_SCRIPTS='$(FAST_CHECK_SCRIPTS)'"

clean:
	rm -rf build
