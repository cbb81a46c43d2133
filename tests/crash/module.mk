CHECK_SCRIPTS += tests/crash/check-crash.sh
CHECK_SCRIPTS += tests/crash/check-crash-scenarios.sh
CHECK_SCRIPTS += tests/crash/check-host-build.sh
CHECK_SCRIPTS += tests/crash/check-crash-versions.sh
CHECK_SCRIPTS += tests/crash/check-install-crash.sh

# crash 9.0.2 on a real dump: 5 to 15 minutes (crash's start and the extension's first command
# under qemu-user), too long for `make check` (tests/crash/check-crash-versions.sh)
.PHONY: check-crash-real
check-crash-real:
	$(MAKE) SANITIZE=0 all
	S2_TOP=$(CURDIR) S2_BUILD=$(CURDIR)/build S2_CRASH_REAL=only tests/crash/check-crash-versions.sh
