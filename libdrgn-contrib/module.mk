# The drgn front end: s2dump_drgn (C extension over the core + a thin Python
# package) and the contrib script libdrgn-contrib/s2dump.py. Built for
# Debian's drgn, i.e. /usr/bin/python3. Only in the plain build: a sanitized
# extension would need libasan preloaded into Python.
DRGN_PYTHON ?= /usr/bin/python3
DRGN_PY_INCLUDE := $(shell $(DRGN_PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
# The stable ABI (Py_LIMITED_API 3.11 in _core.c): one .abi3.so for Debian 12's Python 3.11 (drgn
# 0.0.22) and Debian 13's 3.13 (drgn 0.0.31).
DRGN_PY_SUFFIX := .abi3.so
DRGN_PKG_DIR := $(BUILD)/python/s2dump_drgn
DRGN_CORE_SO := $(DRGN_PKG_DIR)/_core$(DRGN_PY_SUFFIX)
DRGN_PY_FILES := $(DRGN_PKG_DIR)/__init__.py $(DRGN_PKG_DIR)/helpers.py

ifeq ($(SANITIZE),0)
ALL_TARGETS += $(DRGN_CORE_SO) $(DRGN_PY_FILES)
INSTALL_TARGETS += install-drgn
endif

$(BUILD)/obj/libdrgn-contrib/%.o: libdrgn-contrib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) $(CFLAGS) -I$(DRGN_PY_INCLUDE) -Ihostprog -Wno-missing-field-initializers \
		-MMD -MP -c -o $@ $<

# hostprog/pyrun.c: the command running it shares with the host-program adapter (hostprog/module.mk)
$(DRGN_CORE_SO): $(BUILD)/obj/libdrgn-contrib/s2dump_drgn/_core.o $(BUILD)/obj/hostprog/pyrun.o $(LIB_A)
	@mkdir -p $(dir $@)
	rm -f $(DRGN_PKG_DIR)/_core.cpython-*.so # an older build's version-specific module would win
	$(CC) -shared $(S2_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--whole-archive $(LIB_A) -Wl,--no-whole-archive

$(DRGN_PKG_DIR)/%.py: libdrgn-contrib/s2dump_drgn/%.py
	@mkdir -p $(dir $@)
	cp $< $@

# Where Debian's python3 finds packages under PREFIX: /usr/lib/python3/dist-packages
# for /usr, $(PREFIX)/lib/python3.X/dist-packages otherwise (/usr/local is on its path).
DRGN_PY_VERSION := $(shell $(DRGN_PYTHON) -c 'import sys; print("python%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PREFIX),/usr)
DRGN_SITE_DIR ?= /usr/lib/python3/dist-packages
else
DRGN_SITE_DIR ?= $(PREFIX)/lib/$(DRGN_PY_VERSION)/dist-packages
endif
.PHONY: install-drgn
install-drgn: $(DRGN_CORE_SO) $(DRGN_PY_FILES)
	install -d $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn $(DESTDIR)$(PREFIX)/share/s2dump
	install -m 644 $(DRGN_PY_FILES) $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/
	rm -f $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/_core.cpython-*.so # an older install's module would win
	install -m 755 $(DRGN_CORE_SO) $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/
	install -m 644 libdrgn-contrib/s2dump.py $(DESTDIR)$(PREFIX)/share/s2dump/s2dump.py

# The same extension for arm64 (drgn on an arm64 host; tests/drgn/check-arm64.sh
# under qemu-aarch64-static; inside the guest of tests/vmcores/real/run.sh --live):
# the core objects of the crash extension's arm64 build + _core.c against the
# arm64 Python 3.11 headers of scripts/arm64-python.sh's sysroot (downloaded
# .debs, extracted, never installed). Links nothing of Python: the interpreter
# provides the symbols at load time. Not in `all` (it downloads).
DRGN_ARM64_SYSROOT := build/arm64/sysroot
DRGN_ARM64_PKG_DIR := build/arm64/python/s2dump_drgn
DRGN_ARM64_CORE_SO := $(DRGN_ARM64_PKG_DIR)/_core$(DRGN_PY_SUFFIX)
DRGN_ARM64_PY_FILES := $(DRGN_ARM64_PKG_DIR)/__init__.py $(DRGN_ARM64_PKG_DIR)/helpers.py
# The contrib script outside the source tree, so that it does not put the host's
# build/python first on sys.path: the arm64 package comes from PYTHONPATH.
DRGN_ARM64_SCRIPT := build/arm64/share/s2dump.py

$(DRGN_ARM64_SYSROOT)/.stamp:
	scripts/arm64-python.sh build

build/arm64/obj/libdrgn-contrib/%.o: libdrgn-contrib/%.c $(DRGN_ARM64_SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_CORE_FLAGS) -Wno-missing-field-initializers -Ihostprog \
		-isystem $(DRGN_ARM64_SYSROOT)/usr/include/python3.11 \
		-isystem $(DRGN_ARM64_SYSROOT)/usr/include \
		-MMD -MP -c -o $@ $<

$(DRGN_ARM64_CORE_SO): build/arm64/obj/libdrgn-contrib/s2dump_drgn/_core.o build/arm64/obj/hostprog/pyrun.o $$(call crash_core_objs,arm64)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) -shared -o $@ $^

$(DRGN_ARM64_PKG_DIR)/%.py: libdrgn-contrib/s2dump_drgn/%.py
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: drgn-arm64
drgn-arm64: $(DRGN_ARM64_CORE_SO) $(DRGN_ARM64_PY_FILES) $(DRGN_ARM64_SCRIPT)

$(DRGN_ARM64_SCRIPT): libdrgn-contrib/s2dump.py
	@mkdir -p $(dir $@)
	cp $< $@

-include build/arm64/obj/libdrgn-contrib/s2dump_drgn/_core.d
