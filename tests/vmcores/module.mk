# The synthetic vmcore kit: fake vmlinux layouts (layouts/), the generator (gen/), and the proof on
# real kernels (real/); each registers its own tests. layouts/ first: gen/ names its vmlinuxes.
include tests/vmcores/layouts/module.mk
include tests/vmcores/gen/module.mk
include tests/vmcores/real/module.mk

# The unmodified readers (drgn, libkdumpfile, crash 8.0.2 under qemu-user) on every generated dump,
# once at least one layout exists (they need its fake vmlinux).
ifneq ($(VMC_HAVE),)
CHECK_SCRIPTS += tests/vmcores/check-drgn.sh tests/vmcores/check-libkdumpfile.sh \
	tests/vmcores/check-crash.sh
FAST_CHECK_SCRIPTS += tests/vmcores/check-drgn.sh tests/vmcores/check-libkdumpfile.sh
endif
