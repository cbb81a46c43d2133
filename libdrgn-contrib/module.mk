# The drgn front end: s2dump_drgn, a Python package that is a host of the generic host-program
# adapter (hostprog/), and the contrib script libdrgn-contrib/s2dump.py. For Debian's drgn,
# i.e. /usr/bin/python3. Only in the plain build: a sanitized extension would need libasan
# preloaded into Python.
DRGN_PYTHON ?= /usr/bin/python3
DRGN_PKG_DIR := $(BUILD)/python/s2dump_drgn
# The package ships the generic host-program adapter (hostprog/module.mk; one .abi3.so for every
# Python >= 3.11) and the VMCOREINFO parser it shares with the gdb script (hostprog/).
DRGN_HOST_SO := $(DRGN_PKG_DIR)/_s2dump_host.abi3.so
DRGN_PY_FILES := $(DRGN_PKG_DIR)/__init__.py $(DRGN_PKG_DIR)/helpers.py $(DRGN_PKG_DIR)/_host.py \
	$(DRGN_PKG_DIR)/s2dump_vmcoreinfo.py

ifeq ($(SANITIZE),0)
ALL_TARGETS += $(DRGN_HOST_SO) $(DRGN_PY_FILES)
INSTALL_TARGETS += install-drgn
endif

# The package in a directory ($(1)) from the adapter built for that machine ($(2)): the same
# rules for the host's build and the arm64 one below.
define drgn_package_rules
$(1)/_s2dump_host.abi3.so: $(2)
	@mkdir -p $$(dir $$@)
	rm -f $(1)/_core*.so # an older build's module
	cp $$< $$@

$(1)/%.py: libdrgn-contrib/s2dump_drgn/%.py
	@mkdir -p $$(dir $$@)
	cp $$< $$@

$(1)/s2dump_vmcoreinfo.py: hostprog/s2dump_vmcoreinfo.py
	@mkdir -p $$(dir $$@)
	cp $$< $$@
endef
$(eval $(call drgn_package_rules,$(DRGN_PKG_DIR),$(HOSTPROG_SO)))

# Where Debian's python3 finds packages under PREFIX: /usr/lib/python3/dist-packages
# for /usr, $(PREFIX)/lib/python3.X/dist-packages otherwise (/usr/local is on its path).
DRGN_PY_VERSION := $(shell $(DRGN_PYTHON) -c 'import sys; print("python%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PREFIX),/usr)
DRGN_SITE_DIR ?= /usr/lib/python3/dist-packages
else
DRGN_SITE_DIR ?= $(PREFIX)/lib/$(DRGN_PY_VERSION)/dist-packages
endif
.PHONY: install-drgn
install-drgn: $(DRGN_HOST_SO) $(DRGN_PY_FILES)
	install -d $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn $(DESTDIR)$(PREFIX)/share/s2dump
	install -m 644 $(DRGN_PY_FILES) $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/
	rm -f $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/_core*.so # an older install's module
	install -m 755 $(DRGN_HOST_SO) $(DESTDIR)$(DRGN_SITE_DIR)/s2dump_drgn/
	install -m 644 libdrgn-contrib/s2dump.py $(DESTDIR)$(PREFIX)/share/s2dump/s2dump.py

# The same package for arm64 (drgn on an arm64 host; tests/drgn/check-arm64.sh under
# qemu-aarch64-static; inside the guest of tests/vmcores/real/run.sh --live): the adapter built
# for arm64 (hostprog/module.mk, against the arm64 Python 3.11 headers of scripts/arm64-python.sh's
# sysroot: downloaded .debs, extracted, never installed). Not in `all` (it downloads).
DRGN_ARM64_PKG_DIR := build/arm64/python/s2dump_drgn
DRGN_ARM64_HOST_SO := $(DRGN_ARM64_PKG_DIR)/_s2dump_host.abi3.so
DRGN_ARM64_PY_FILES := $(DRGN_ARM64_PKG_DIR)/__init__.py $(DRGN_ARM64_PKG_DIR)/helpers.py \
	$(DRGN_ARM64_PKG_DIR)/_host.py $(DRGN_ARM64_PKG_DIR)/s2dump_vmcoreinfo.py
# The contrib script outside the source tree, so that it does not put the host's
# build/python first on sys.path: the arm64 package comes from PYTHONPATH.
DRGN_ARM64_SCRIPT := build/arm64/share/s2dump.py

$(eval $(call drgn_package_rules,$(DRGN_ARM64_PKG_DIR),$(HOSTPROG_ARM64_SO)))

.PHONY: drgn-arm64
drgn-arm64: $(DRGN_ARM64_HOST_SO) $(DRGN_ARM64_PY_FILES) $(DRGN_ARM64_SCRIPT)

$(DRGN_ARM64_SCRIPT): libdrgn-contrib/s2dump.py
	@mkdir -p $(dir $@)
	cp $< $@
