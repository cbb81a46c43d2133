# Faithful kernel layouts and the fake AArch64 vmlinux (tests/vmcores/layouts/README.md).
#   make build/vmcores/vmlinux/<L>/vmlinux    one fake vmlinux (L = linux-6.1, linux-6.12, linux-7.2, linux-7.3)
#   make vmlinux-layouts                      all of them, and the variants below
#   make vmlinux-layouts-headers              regenerate <L>/kernel_structs.h from <L>/pahole.txt
S2L_LAYOUTS := linux-6.1 linux-6.12 linux-7.2 linux-7.3
S2L_LAYOUT_SRC := tests/vmcores/layouts
S2L_VMLINUX_DIR := build/vmcores/vmlinux
S2L_CROSS ?= aarch64-linux-gnu-
S2L_VMLINUX_CFLAGS := -std=gnu11 -g -O0 -ffreestanding -fno-pic -fno-pie -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-stack-protector -Wall -Wextra -Werror
# A value from <L>/layout.conf, without C integer suffixes (for the linker script).
s2l_conf = $(shell sed -n 's/^$(2)[[:space:]]*=[[:space:]]*\(.*\)$$/\1/p' $(S2L_LAYOUT_SRC)/$(1)/layout.conf | sed 's/[UuLl]*$$//')

# Variants: a layout's structs with other kernel code, built into <L>+<variant>/ (the rules s2dump
# reads from the code, src/kvm/rules.c; make-vmcores.sh picks one for a scenario's
# `vmlinux-variant` line).
#   ptdump-flush  CONFIG_PTDUMP_STAGE2_DEBUGFS on, kvm_ptdump_guest_show() calls note_page_flush()
#                 (7.3's flush; on linux-7.2: a 7.2.y with the flush backported)
S2L_VARIANT_CFLAGS_ptdump-flush := -DS2L_PTDUMP_STAGE2_DEBUGFS=1 -DS2L_PTDUMP_FLUSH=1
S2L_VMLINUXES := $(S2L_LAYOUTS) linux-7.2+ptdump-flush linux-7.3+ptdump-flush
s2l_layout_of = $(firstword $(subst +, ,$(1)))
s2l_variant_of = $(word 2,$(subst +, ,$(1)))

define s2l_vmlinux_rule
$(S2L_VMLINUX_DIR)/$(1)/vmlinux: $(S2L_LAYOUT_SRC)/vmlinux.c $(S2L_LAYOUT_SRC)/vmlinux.lds.S \
		$(S2L_LAYOUT_SRC)/$(call s2l_layout_of,$(1))/kernel_structs.h \
		$(S2L_LAYOUT_SRC)/$(call s2l_layout_of,$(1))/layout.conf $(S2L_LAYOUT_SRC)/module.mk
	@mkdir -p $$(dir $$@)
	$(S2L_CROSS)gcc $(S2L_VMLINUX_CFLAGS) $(S2L_VARIANT_CFLAGS_$(call s2l_variant_of,$(1))) \
		-I$(S2L_LAYOUT_SRC)/$(call s2l_layout_of,$(1)) -c -o $$(dir $$@)vmlinux.o $$<
	$(S2L_CROSS)cpp -P -undef -DKIMAGE_VADDR=$(call s2l_conf,$(call s2l_layout_of,$(1)),S2L_KIMAGE_VADDR) \
		-DLOAD_PA=$(call s2l_conf,$(call s2l_layout_of,$(1)),S2L_KIMAGE_LOAD_PA) \
		-DSTEXT_OFFSET=$(call s2l_conf,$(call s2l_layout_of,$(1)),S2L_STEXT_OFFSET) \
		-o $$(dir $$@)vmlinux.lds $(S2L_LAYOUT_SRC)/vmlinux.lds.S
	$(S2L_CROSS)ld -T $$(dir $$@)vmlinux.lds --build-id=sha1 -static --emit-relocs --no-warn-rwx-segments \
		-o $$@.tmp $$(dir $$@)vmlinux.o
	mv $$@.tmp $$@
endef
$(foreach V,$(S2L_VMLINUXES),$(eval $(call s2l_vmlinux_rule,$(V))))

.PHONY: vmlinux-layouts vmlinux-layouts-headers
vmlinux-layouts: $(foreach L,$(S2L_VMLINUXES),$(S2L_VMLINUX_DIR)/$(L)/vmlinux)
vmlinux-layouts-headers:
	set -e; for L in $(S2L_LAYOUTS); do \
		/usr/bin/python3 $(S2L_LAYOUT_SRC)/pahole_layout.py header $(S2L_LAYOUT_SRC)/$$L \
			>$(S2L_LAYOUT_SRC)/$$L/kernel_structs.h; done

FIXTURE_TARGETS += vmlinux-layouts
CHECK_SCRIPTS += $(S2L_LAYOUT_SRC)/check-layouts.sh
FAST_CHECK_SCRIPTS += $(S2L_LAYOUT_SRC)/check-layouts.sh
