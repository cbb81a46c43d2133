# The standalone CLI on libkdumpfile + libdw: build/s2dump and its nesteds2 alias.
CLI_SRCS := src/cli/main.c src/cli/kdump_target.c src/cli/dwarf_types.c
CLI_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRCS))
CLI_LIBS := $(shell pkg-config --libs libkdumpfile libaddrxlat libdw 2>/dev/null || echo -lkdumpfile -laddrxlat -ldw -lelf)
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
