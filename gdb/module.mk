# The gdb front end: gdb/s2dump-gdb.py (gdb's `source`) on the host-program adapter
# (hostprog/). The build lays them out as they are installed, under share/s2dump/, where the
# script finds the adapter next to itself: build/share/s2dump/s2dump-gdb.py works right after `make`.
GDB_SHARE_DIR := $(BUILD)/share/s2dump
GDB_SCRIPT := $(GDB_SHARE_DIR)/s2dump-gdb.py
GDB_HOST_SO := $(GDB_SHARE_DIR)/_s2dump_host.abi3.so
# the VMCOREINFO parser the gdb script shares with the drgn package (hostprog/)
GDB_VMCOREINFO_PY := $(GDB_SHARE_DIR)/s2dump_vmcoreinfo.py

ifeq ($(SANITIZE),0)
ALL_TARGETS += $(GDB_SCRIPT) $(GDB_HOST_SO) $(GDB_VMCOREINFO_PY)
INSTALL_TARGETS += install-gdb
endif

$(GDB_SCRIPT): gdb/s2dump-gdb.py
	@mkdir -p $(dir $@)
	cp $< $@

$(GDB_HOST_SO): $(HOSTPROG_SO)
	@mkdir -p $(dir $@)
	cp $< $@

$(GDB_VMCOREINFO_PY): hostprog/s2dump_vmcoreinfo.py
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: install-gdb
install-gdb: $(GDB_SCRIPT) $(GDB_HOST_SO) $(GDB_VMCOREINFO_PY)
	install -d $(DESTDIR)$(PREFIX)/share/s2dump
	install -m 644 $(GDB_SCRIPT) $(GDB_VMCOREINFO_PY) $(DESTDIR)$(PREFIX)/share/s2dump/
	install -m 755 $(GDB_HOST_SO) $(DESTDIR)$(PREFIX)/share/s2dump/

# For an arm64 host, laid out as installed: build/arm64/share/s2dump/ (the adapter built for
# arm64, hostprog/module.mk), with Debian 12's arm64 gdb unpacked into build/arm64/gdb-sysroot
# (scripts/arm64-gdb.sh) to run it under qemu-aarch64-static here and inside the real guest
# (tests/vmcores/real/run.sh --live-drgn-gdb). Not in `all` (it downloads).
GDB_ARM64_SHARE_DIR := build/arm64/share/s2dump
GDB_ARM64_SYSROOT := build/arm64/gdb-sysroot

$(GDB_ARM64_SYSROOT)/.stamp:
	scripts/arm64-gdb.sh build

$(GDB_ARM64_SHARE_DIR)/s2dump-gdb.py: gdb/s2dump-gdb.py
	@mkdir -p $(dir $@)
	cp $< $@

$(GDB_ARM64_SHARE_DIR)/_s2dump_host.abi3.so: $(HOSTPROG_ARM64_SO)
	@mkdir -p $(dir $@)
	cp $< $@

$(GDB_ARM64_SHARE_DIR)/s2dump_vmcoreinfo.py: hostprog/s2dump_vmcoreinfo.py
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: gdb-arm64
gdb-arm64: $(GDB_ARM64_SHARE_DIR)/s2dump-gdb.py $(GDB_ARM64_SHARE_DIR)/_s2dump_host.abi3.so $(GDB_ARM64_SHARE_DIR)/s2dump_vmcoreinfo.py $(GDB_ARM64_SYSROOT)/.stamp
