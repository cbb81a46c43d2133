# The crash extension: the core compiled for crash's machine + extensions/s2dump.c.
#   build/extensions/arm64/s2dump.so   Debian's arm64 crash (under qemu-aarch64-static here):
#                                      aarch64-linux-gnu-gcc -DARM64 against its defs.h
#   make crash-ext-host CRASH_DEFS=/path/to/crash/defs.h
#                                      the host's crash built with target=ARM64 (x86_64 .so, -DARM64),
#                                      or native arm64 crash on an arm64 host
CRASH_DEFS_ARM64 ?= build/tools/arm64/usr/include/crash/defs.h
CRASH_EXT_CC ?= aarch64-linux-gnu-gcc
# defs.h's type codes follow crash's embedded gdb: 10.2 for crash 8.x, 16.3 for 9.x. Taken from
# the defs.h itself (the newest gdb it names), so each crash's defs.h picks its own.
crash_gdb_of = $$(grep -q GDB_16_3 $(1) && echo GDB_16_3 || echo GDB_10_2)
# The crash version the extension is built for (checked against the running crash's
# build_version when it loads): the VERSION file beside the unpacked crash (usr/include/crash/defs.h
# -> VERSION at the root), written by scripts/arm64-tools.sh and scripts/tool-versions.sh.
# A defs.h from elsewhere (a crash source tree: CRASH_DEFS=) has no VERSION: say CRASH_VERSION=.
crash_version_of = $$(cat $(dir $(1))../../../VERSION 2>/dev/null || echo '$(CRASH_VERSION)')
CRASH_EXT_FLAGS := -std=gnu11 -D_GNU_SOURCE -DARM64 -fPIC -O2 -g -Iinclude -Isrc
CRASH_EXT_CORE_FLAGS := $(CRASH_EXT_FLAGS) $(WARN_FLAGS)
# defs.h is crash's, not ours: its own warnings are not ours to fix.
CRASH_EXT_ADAPTER_FLAGS := $(CRASH_EXT_FLAGS) -w
# adapter flags for one defs.h: its gdb, its crash version, force-included
crash_adapter_flags = $(CRASH_EXT_ADAPTER_FLAGS) -D$(call crash_gdb_of,$(1)) \
	-DS2_CRASH_VERSION=\"$(call crash_version_of,$(1))\" -include $(1)
CRASH_EXT_ARM64 := build/extensions/arm64/s2dump.so

# The newer crashes (trixie's 8.0.6, sid's 9.0.2), unpacked by scripts/tool-versions.sh into
# the tools cache: build/extensions/crash-<version>/s2dump.so, built against that crash's defs.h
# (`make crash-ext-versions`; tests/crash/check-crash-versions.sh builds and loads them).
CRASH_VERSIONS ?= 8.0.6 9.0.2
CRASH_EXT_VERSIONS := $(patsubst %,build/extensions/crash-%/s2dump.so,$(CRASH_VERSIONS))
.PHONY: crash-ext-versions
crash-ext-versions: $(CRASH_EXT_VERSIONS)

CROSS_TARGETS += $(CRASH_EXT_ARM64)
ifeq ($(SANITIZE),0)
ALL_TARGETS += crash-ext-this-host
INSTALL_TARGETS += install-crash-ext
endif

# Expanded when the rule runs, after every module.mk has added to LIB_SRCS.
crash_core_objs = $(patsubst %.c,build/extensions/$(1)/obj/%.o,$(LIB_SRCS))

build/extensions/arm64/obj/%.o: %.c $(wildcard include/s2dump/*.h)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_CORE_FLAGS) -c -o $@ $<

CRASH_VERSION_ARM64 := $(dir $(CRASH_DEFS_ARM64))../../../VERSION
$(CRASH_EXT_ARM64): extensions/s2dump.c $(CRASH_DEFS_ARM64) $(CRASH_VERSION_ARM64) $$(call crash_core_objs,arm64)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(call crash_adapter_flags,$(CRASH_DEFS_ARM64)) -shared -o $@ \
		extensions/s2dump.c $(call crash_core_objs,arm64)

# The core objects are the same for every arm64 crash (they never see defs.h); only the adapter differs.
build/extensions/crash-%/s2dump.so: extensions/s2dump.c $$(call crash_core_objs,arm64)
	@test -e $(S2_TOOLS_CACHE)/roots/crash-$*/.done || scripts/tool-versions.sh crash-$*
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(call crash_adapter_flags,$(S2_TOOLS_CACHE)/roots/crash-$*/usr/include/crash/defs.h) \
		-shared -o $@ extensions/s2dump.c $(call crash_core_objs,arm64)

$(CRASH_DEFS_ARM64) $(CRASH_VERSION_ARM64):
	scripts/arm64-tools.sh

# Host flavour: crash built with target=ARM64 on this host (or native arm64 crash).
# CRASH_DEFS defaults to the defs.h of Debian's amd64 crash (unpacked by
# scripts/arm64-tools.sh): the one a target=ARM64 build of that crash has.
CRASH_DEFS ?= build/tools/amd64/usr/include/crash/defs.h
.PHONY: crash-ext-host
crash-ext-host:
	@test -f "$(CRASH_DEFS)" || { echo "crash-ext-host: no $(CRASH_DEFS): set CRASH_DEFS=/path/to/crash/defs.h" >&2; exit 1; }
	@test -n "$(or $(CRASH_VERSION),$(call crash_version_of,$(CRASH_DEFS)))" || { echo "crash-ext-host: which crash is $(CRASH_DEFS) from? set CRASH_VERSION= (crash --version)" >&2; exit 1; }
	@mkdir -p build/extensions/host
	$(CC) -std=gnu11 -D_GNU_SOURCE -DARM64 -D$(call crash_gdb_of,$(CRASH_DEFS)) -fPIC -O2 -g -Iinclude -Isrc -w \
		-DS2_CRASH_VERSION=\"$(or $(CRASH_VERSION),$(call crash_version_of,$(CRASH_DEFS)))\" -include $(CRASH_DEFS) -shared -o build/extensions/host/s2dump.so extensions/s2dump.c $(LIB_SRCS)

# Which build this host's crash loads is one rule, scripts/crash-flavour.sh (the crash on PATH,
# or CRASH=/path/to/crash: its ELF machine and `crash --buildinfo`), followed by `make` and by
# `make install`. The defs.h of the host flavour: CRASH_DEFS= when given on the command line or in
# the environment, else the one scripts/crash-host.sh kept, else CRASH_HOST_DEFS (Debian's crash
# package installs /usr/include/crash/defs.h) when it is of that crash's version.
CRASH_HOST_DEFS ?= /usr/include/crash/defs.h
CRASH ?=
crash_flavour_env = CRASH_VERSIONS="$(CRASH_VERSIONS)" CRASH_DEFS="$(if $(filter file,$(origin CRASH_DEFS)),,$(CRASH_DEFS))" \
	CRASH_HOST_DEFS="$(CRASH_HOST_DEFS)" S2_TOOLS_CACHE="$(S2_TOOLS_CACHE)"

# `make` builds the host flavour when that is what this host's crash loads (a native arm64 crash,
# or an x86_64 crash built with target=ARM64), compiled by crash-ext-host with this host's
# compiler. The arm64 build for an arm64 crash under qemu-user is a cross build with a download
# (`make cross`; `make install` builds it); that, or no crash: one line says so.
.PHONY: crash-ext-this-host
crash-ext-this-host:
	@decision=$$($(crash_flavour_env) scripts/crash-flavour.sh $(CRASH)) && eval "$$decision" && case $$flavour in \
	host) $(MAKE) --no-print-directory crash-ext-host CRASH_DEFS="$$defs" CRASH_VERSION="$$version" ;; \
	arm64) echo "this host's crash is arm64 crash $$version ($$crash): its extension is $$target (make cross; make install builds it)" ;; \
	*) echo "$$why: no crash extension built (make crash-ext-host CRASH_DEFS=..., make cross)" ;; \
	esac

# crash's extend looks in /usr/lib64/crash/extensions, /usr/lib/crash/extensions, then ./extensions.
# make install puts there the build that scripts/crash-flavour.sh names, building it first
# (scripts/install-crash-ext.sh), and installs nothing, saying why in one line, when no crash here
# reads arm64 dumps.
CRASH_EXT_DIR ?= $(PREFIX)/lib/crash/extensions
.PHONY: install-crash-ext
install-crash-ext:
	$(crash_flavour_env) MAKE="$(MAKE)" scripts/install-crash-ext.sh "$(DESTDIR)$(CRASH_EXT_DIR)" "$(CRASH)"
