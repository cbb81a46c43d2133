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

# This host's crash for arm64 dumps (x86_64, built target=ARM64 from sid's crash 9.0.2 source by
# scripts/crash-host.sh, cached in $(S2_TOOLS_CACHE)/host): the first run builds it (its embedded
# gdb: about 30 minutes on 2 cores), so not in `make check` (tests/crash/check-crash-host.sh).
.PHONY: check-crash-host
check-crash-host:
	$(MAKE) SANITIZE=0 all
	S2_TOP=$(CURDIR) S2_BUILD=$(CURDIR)/build S2_TOOLS_CACHE=$(S2_TOOLS_CACHE) tests/crash/check-crash-host.sh

# which crash extension this host's crash loads (scripts/crash-flavour.sh), with fake crash
# binaries of each branch; 2 s, runs no crash
CHECK_SCRIPTS += tests/crash/check-crash-flavour.sh
FAST_CHECK_SCRIPTS += tests/crash/check-crash-flavour.sh
