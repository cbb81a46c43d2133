# The crash extension: the core compiled for crash's machine + extensions/s2dump.c.
#   build/extensions/arm64/s2dump.so   Debian's arm64 crash (under qemu-aarch64-static here):
#                                      aarch64-linux-gnu-gcc -DARM64 against its defs.h
#   make crash-ext-host CRASH_DEFS=/path/to/crash/defs.h
#                                      the host's crash built with target=ARM64 (x86_64 .so, -DARM64),
#                                      or native arm64 crash on an arm64 host
CRASH_DEFS_ARM64 ?= build/tools/arm64/usr/include/crash/defs.h
CRASH_EXT_CC ?= aarch64-linux-gnu-gcc
# defs.h's type codes follow crash's embedded gdb: 10.2 for crash 8.x (Debian 12), 16.2 for 9.x.
CRASH_GDB ?= GDB_10_2
CRASH_EXT_FLAGS := -std=gnu11 -D_GNU_SOURCE -DARM64 -D$(CRASH_GDB) -fPIC -O2 -g -Iinclude -Isrc
CRASH_EXT_CORE_FLAGS := $(CRASH_EXT_FLAGS) $(WARN_FLAGS)
# defs.h is crash's, not ours: its own warnings are not ours to fix.
CRASH_EXT_ADAPTER_FLAGS := $(CRASH_EXT_FLAGS) -w
CRASH_EXT_ARM64 := build/extensions/arm64/s2dump.so

ifeq ($(SANITIZE),0)
ALL_TARGETS += $(CRASH_EXT_ARM64)
INSTALL_TARGETS += install-crash-ext
endif

# Expanded when the rule runs, after every module.mk has added to LIB_SRCS.
crash_core_objs = $(patsubst %.c,build/extensions/$(1)/obj/%.o,$(LIB_SRCS))

build/extensions/arm64/obj/%.o: %.c $(wildcard include/s2dump/*.h)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_CORE_FLAGS) -c -o $@ $<

$(CRASH_EXT_ARM64): extensions/s2dump.c $(CRASH_DEFS_ARM64) $$(call crash_core_objs,arm64)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_ADAPTER_FLAGS) -include $(CRASH_DEFS_ARM64) -shared -o $@ \
		extensions/s2dump.c $(call crash_core_objs,arm64)

$(CRASH_DEFS_ARM64):
	scripts/arm64-tools.sh

# Host flavour: crash built with target=ARM64 on this host (or native arm64 crash).
# CRASH_DEFS defaults to the defs.h of Debian's amd64 crash (unpacked by
# scripts/arm64-tools.sh): the one a target=ARM64 build of that crash has.
CRASH_DEFS ?= build/tools/amd64/usr/include/crash/defs.h
.PHONY: crash-ext-host
crash-ext-host:
	@test -f "$(CRASH_DEFS)" || { echo "crash-ext-host: no $(CRASH_DEFS): set CRASH_DEFS=/path/to/crash/defs.h" >&2; exit 1; }
	@mkdir -p build/extensions/host
	$(CC) -std=gnu11 -D_GNU_SOURCE -DARM64 -D$(CRASH_GDB) -fPIC -O2 -g -Iinclude -Isrc -w -include $(CRASH_DEFS) \
		-shared -o build/extensions/host/s2dump.so extensions/s2dump.c $(LIB_SRCS)

# crash's extend looks in /usr/lib64/crash/extensions, /usr/lib/crash/extensions, then ./extensions.
CRASH_EXT_DIR ?= $(PREFIX)/lib/crash/extensions
.PHONY: install-crash-ext
install-crash-ext: $(CRASH_EXT_ARM64)
	install -d $(DESTDIR)$(CRASH_EXT_DIR)
	install -m 755 $(CRASH_EXT_ARM64) $(DESTDIR)$(CRASH_EXT_DIR)/s2dump.so
