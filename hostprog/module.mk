# The generic "target from a host program" adapter (hostprog/s2dump_host.c): the core as a
# CPython extension whose target operations call a Python host object. The gdb front end
# (gdb/) runs on it. The stable ABI (Py_LIMITED_API 3.11): one .abi3.so for gdb's Python 3.11
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

$(HOSTPROG_SO): $(BUILD)/obj/hostprog/s2dump_host.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) -shared $(S2_LDFLAGS) -o $@ $< -Wl,--whole-archive $(LIB_A) -Wl,--no-whole-archive

-include $(BUILD)/obj/hostprog/s2dump_host.d
