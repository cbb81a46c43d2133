# The synthetic arm64 vmcore generator (tests/vmcores/README.md).
#   make vmcores   every scenario in tests/vmcores/scenarios/ -> build/vmcores/<layout>/<scenario>/
# One generator binary per layout: it includes that layout's kernel_structs.h
# (tests/vmcores/layouts/<L>/) and fills kernel objects by member name. Layouts whose header is
# not there yet are skipped.
VMC_DIR := build/vmcores
VMC_LAYOUT_DIR ?= tests/vmcores/layouts
VMC_VMLINUX_DIR ?= $(VMC_DIR)/vmlinux
VMC_LAYOUTS := linux-6.1 linux-6.12 linux-7.2 linux-7.3
VMC_VER_linux-6.1 := 601
VMC_VER_linux-6.12 := 612
VMC_VER_linux-7.2 := 702
VMC_VER_linux-7.3 := 703
VMC_HAVE := $(strip $(foreach L,$(VMC_LAYOUTS),$(if $(wildcard $(VMC_LAYOUT_DIR)/$(L)/kernel_structs.h),$(L))))
VMC_GENS := $(foreach L,$(VMC_HAVE),$(VMC_DIR)/gen/s2gen-$(L))
VMC_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN_FLAGS) -O2 -g

$(VMC_DIR)/gen/s2gen-%: tests/vmcores/gen/s2gen.c $(VMC_LAYOUT_DIR)/%/kernel_structs.h
	@mkdir -p $(dir $@)
	gcc $(VMC_CFLAGS) -DLAYOUT_VER=$(VMC_VER_$*) -I$(VMC_LAYOUT_DIR)/$* -o $@ $< -lz

# A tiny libkdumpfile reader for check-libkdumpfile.sh (python3-libkdumpfile is not installed).
$(VMC_DIR)/gen/kdumpread: tests/vmcores/gen/kdumpread.c
	@mkdir -p $(dir $@)
	gcc $(VMC_CFLAGS) $(shell pkg-config --cflags libkdumpfile) -o $@ $< \
		$(shell pkg-config --libs libkdumpfile)

FIXTURE_TARGETS += $(VMC_GENS) $(VMC_DIR)/gen/kdumpread

# makedumpfile:arm64 writes the kdump-compressed copies (scenarios with a `kdump` line)
VMC_MAKEDUMPFILE := build/tools/bin/makedumpfile-arm64
$(VMC_MAKEDUMPFILE):
	scripts/arm64-tools.sh

vmcores: $(VMC_GENS) $(foreach L,$(VMC_HAVE),$(VMC_VMLINUX_DIR)/$(L)/vmlinux) \
		$(foreach V,$(filter-out $(S2L_LAYOUTS),$(S2L_VMLINUXES)),$(VMC_VMLINUX_DIR)/$(V)/vmlinux) $(VMC_MAKEDUMPFILE)
	VMC_VMLINUX_DIR=$(VMC_VMLINUX_DIR) tests/vmcores/gen/make-vmcores.sh $(VMC_HAVE)

# The benchmark scenarios (tests/vmcores/scenarios/bench/: 16M 4K stage-2 pages) on demand only:
# build/vmcores-bench/<layout>/<scenario>/
vmcores-bench: $(VMC_GENS) $(foreach L,$(VMC_HAVE),$(VMC_VMLINUX_DIR)/$(L)/vmlinux)
	VMC_SCENARIOS=tests/vmcores/scenarios/bench VMC_OUT=build/vmcores-bench \
		VMC_VMLINUX_DIR=$(VMC_VMLINUX_DIR) tests/vmcores/gen/make-vmcores.sh $(VMC_HAVE)
.PHONY: vmcores vmcores-bench
