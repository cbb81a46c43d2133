# The pre-fault analysis: memslot coverage of the canonical stage 2 (src/report/report.h).
LIB_SRCS += src/report/report.c
# The man page (s2dump and nesteds2).
INSTALL_TARGETS += install-man

.PHONY: install-man
install-man:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/s2dump.1 $(DESTDIR)$(PREFIX)/share/man/man1/s2dump.1
	echo '.so man1/s2dump.1' > $(DESTDIR)$(PREFIX)/share/man/man1/nesteds2.1
