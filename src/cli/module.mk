# The standalone CLI on libkdumpfile + libdw: build/s2dump and its nesteds2 alias.
CLI_SRCS := src/cli/main.c src/cli/kdump_target.c src/cli/dwarf_types.c src/cli/codecs.c
CLI_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRCS))
CLI_LIBS := $(shell pkg-config --libs libkdumpfile libaddrxlat libdw 2>/dev/null || echo -lkdumpfile -laddrxlat -ldw -lelf)
# page codecs of kdump-compressed dumps from the field (src/cli/codecs.c)
CLI_LIBS += -lz -llzo2 -lsnappy -lzstd
CLI_BIN := $(BUILD)/s2dump
ALL_TARGETS += $(CLI_BIN) $(BUILD)/nesteds2
INSTALL_TARGETS += install-cli

$(CLI_BIN): $(CLI_OBJS) $(LIB_A)
	$(CC) $(S2_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB_A) $(CLI_LIBS)

$(BUILD)/nesteds2: $(CLI_BIN)
	ln -sf s2dump $@

-include $(CLI_OBJS:.o=.d)

.PHONY: install-cli
install-cli: $(CLI_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(CLI_BIN) $(DESTDIR)$(PREFIX)/bin/s2dump
	ln -sf s2dump $(DESTDIR)$(PREFIX)/bin/nesteds2

# The CLI for arm64 hosts, cross-built here: the core objects of the crash
# extension's arm64 build (extensions/module.mk) + the CLI, linked against
# Debian's arm64 libkdumpfile, libdw and libelf (multiarch runtime packages,
# scripts/install-deps.sh). The real-kernel kit runs it inside the guest
# against /proc/kcore (tests/vmcores/real/run.sh --live).
CLI_ARM64 := build/arm64/s2dump
CLI_ARM64_INC := build/arm64/include
CLI_ARM64_LIBDIR := /usr/lib/aarch64-linux-gnu
CLI_ARM64_OBJS := $(patsubst %.c,build/arm64/obj/%.o,$(CLI_SRCS))
# Only the libraries' own headers (architecture-independent); libc's come from the cross compiler.
CLI_ARM64_HEADERS := libkdumpfile elfutils libelf.h gelf.h dwarf.h zlib.h zconf.h lzo snappy-c.h zstd.h

$(CLI_ARM64_INC)/.stamp:
	@mkdir -p $(dir $@)
	for h in $(CLI_ARM64_HEADERS); do ln -sfn /usr/include/$$h $(CLI_ARM64_INC)/$$h; done
	touch $@

build/arm64/obj/src/cli/%.o: src/cli/%.c $(CLI_ARM64_INC)/.stamp
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_CORE_FLAGS) -I$(CLI_ARM64_INC) -MMD -MP -c -o $@ $<

$(CLI_ARM64): $(CLI_ARM64_OBJS) $$(call crash_core_objs,arm64)
	$(CRASH_EXT_CC) -o $@ $^ -Wl,-rpath-link,$(CLI_ARM64_LIBDIR) \
		$(CLI_ARM64_LIBDIR)/libkdumpfile.so.10 $(CLI_ARM64_LIBDIR)/libaddrxlat.so.3 \
		$(CLI_ARM64_LIBDIR)/libdw.so.1 $(CLI_ARM64_LIBDIR)/libelf.so.1 $(CLI_ARM64_LIBDIR)/libz.so.1 \
		$(CLI_ARM64_LIBDIR)/liblzo2.so.2 $(CLI_ARM64_LIBDIR)/libsnappy.so.1 $(CLI_ARM64_LIBDIR)/libzstd.so.1

.PHONY: cli-arm64
cli-arm64: $(CLI_ARM64)

CROSS_TARGETS += $(CLI_ARM64)

# The CLI against the libkdumpfile of a newer Debian (headers and library unpacked by
# scripts/tool-versions.sh into the tools cache, S2_TOOLS_CACHE in extensions/module.mk):
#   make cli-kdf-sid          build/kdf/sid/s2dump         libkdumpfile 0.5.6 (libkdumpfile12)
#   make cli-kdf-trixie-kdf   build/kdf/trixie-kdf/s2dump  libkdumpfile 0.5.4 (libkdumpfile10)
# Compiled with the host's compiler against that root's headers; linked against its libraries.
# Those need a newer libc than the host's (GLIBC_2.38 symbols): --allow-shlib-undefined leaves them
# to the root's own libc, which build/kdf/<root>/run loads (that root's ld.so and libraries first),
# as on a machine of that release.
KDF_ROOTS := sid trixie-kdf
define cli_kdf_rules
build/kdf/$(1)/obj/%.o: %.c
	@test -e $(S2_TOOLS_CACHE)/roots/$(1)/.done || scripts/tool-versions.sh $(1)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(S2_CFLAGS) $$(CFLAGS) -I$(S2_TOOLS_CACHE)/roots/$(1)/usr/include -c -o $$@ $$<

build/kdf/$(1)/s2dump: $(patsubst %.c,build/kdf/$(1)/obj/%.o,$(CLI_SRCS)) $$(LIB_A)
	$$(CC) $$(S2_LDFLAGS) -o $$@ $$^ -L$(S2_TOOLS_CACHE)/roots/$(1)/usr/lib/x86_64-linux-gnu \
		-Wl,-rpath-link,$(S2_TOOLS_CACHE)/roots/$(1)/usr/lib/x86_64-linux-gnu -Wl,--allow-shlib-undefined -lkdumpfile -laddrxlat -ldw -lelf \
		-lz -llzo2 -lsnappy -lzstd
	printf '#!/bin/sh\n# build/kdf/$(1)/s2dump with the $(1) root'"'"'s ld.so and libraries first\nexec $(S2_TOOLS_CACHE)/bin/run-$(1) "$$(CURDIR)/build/kdf/$(1)/s2dump" "$$$$@"\n' >build/kdf/$(1)/run
	chmod +x build/kdf/$(1)/run

.PHONY: cli-kdf-$(1)
cli-kdf-$(1): build/kdf/$(1)/s2dump
endef
$(foreach r,$(KDF_ROOTS),$(eval $(call cli_kdf_rules,$(r))))
