# The generic "target from a host program" adapter (hostprog/s2dump_host.c): the core as a
# CPython extension whose target operations call a Python host object. The gdb front end
# (gdb/) and the drgn module (libdrgn-contrib/: its package ships a copy) are its hosts;
# hostprog/s2dump_vmcoreinfo.py is the VMCOREINFO parser both install beside it. The stable ABI (Py_LIMITED_API 3.11): one .abi3.so for gdb's Python 3.11
# on Debian 12 and newer Pythons. Only in the plain build: a sanitized extension would need
# libasan preloaded into the host program.
HOSTPROG_PYTHON ?= /usr/bin/python3
HOSTPROG_PY_INCLUDE := $(shell $(HOSTPROG_PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])' 2>/dev/null)
HOSTPROG_SO := $(BUILD)/python/_s2dump_host.abi3.so

ifeq ($(SANITIZE),0)
ALL_TARGETS += $(HOSTPROG_SO)
endif

$(BUILD)/obj/hostprog/%.o: hostprog/%.c
	@mkdir -p $(dir $@)
	$(CC) $(S2_CFLAGS) $(CFLAGS) -I$(HOSTPROG_PY_INCLUDE) -MMD -MP -c -o $@ $<

$(HOSTPROG_SO): $(BUILD)/obj/hostprog/s2dump_host.o $(BUILD)/obj/hostprog/pyrun.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) -shared $(S2_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--whole-archive $(LIB_A) -Wl,--no-whole-archive

-include $(BUILD)/obj/hostprog/s2dump_host.d $(BUILD)/obj/hostprog/pyrun.d

# The same adapter for arm64 (gdb and drgn on an arm64 host; inside the guest of
# tests/vmcores/real/run.sh --live, --live-drgn-gdb): the core objects of the crash extension's
# arm64 build + s2dump_host.c against the arm64 Python 3.11 headers of scripts/arm64-python.sh's
# sysroot (downloaded .debs, extracted, never installed). Links nothing of Python: the program
# embedding it provides the symbols at load time. Not in `all` (it downloads).
HOSTPROG_ARM64_SO := build/arm64/python/_s2dump_host.abi3.so
DRGN_ARM64_SYSROOT := build/arm64/sysroot

$(DRGN_ARM64_SYSROOT)/.stamp:
	scripts/arm64-python.sh build

build/arm64/obj/hostprog/%.o: hostprog/%.c $(DRGN_ARM64_SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) $(CRASH_EXT_CORE_FLAGS) \
		-isystem $(DRGN_ARM64_SYSROOT)/usr/include/python3.11 \
		-isystem $(DRGN_ARM64_SYSROOT)/usr/include \
		-MMD -MP -c -o $@ $<

$(HOSTPROG_ARM64_SO): build/arm64/obj/hostprog/s2dump_host.o build/arm64/obj/hostprog/pyrun.o $$(call crash_core_objs,arm64)
	@mkdir -p $(dir $@)
	$(CRASH_EXT_CC) -shared -o $@ $^

-include build/arm64/obj/hostprog/s2dump_host.d build/arm64/obj/hostprog/pyrun.d
