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
	$(CC) $(S2_CFLAGS) $(CFLAGS) -I$(DRGN_PY_INCLUDE) -Wno-missing-field-initializers \
		-MMD -MP -c -o $@ $<

$(DRGN_CORE_SO): $(BUILD)/obj/libdrgn-contrib/s2dump_drgn/_core.o $(LIB_A)
	@mkdir -p $(dir $@)
	rm -f $(DRGN_PKG_DIR)/_core.cpython-*.so # an older build's version-specific module would win
	$(CC) -shared $(S2_LDFLAGS) -o $@ $< -Wl,--whole-archive $(LIB_A) -Wl,--no-whole-archive

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
