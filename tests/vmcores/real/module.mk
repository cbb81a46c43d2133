# Proof on Debian's real arm64 kernels with live KVM guests (docs/real-kernel.md).
# The dumps are made first (crash and drgn tests read them too), then checked.
PREPARE_SCRIPTS += tests/vmcores/real/make-dumps.sh
CHECK_SCRIPTS += tests/vmcores/real/check.sh
# the pipeline's guard against dumps their writer got wrong (elf-check.py), on mutated synthetic dumps
CHECK_SCRIPTS += tests/vmcores/real/check-elf-check.sh
FAST_CHECK_SCRIPTS += tests/vmcores/real/check-elf-check.sh
# check.sh's comparison of s2dump's text with the walker's leaves (run by check.sh, not a test of its own)
FIXTURE_TARGETS += $(BUILD)/tests/vmcores/real/compare
# the initramfs writer of prepare.sh and run.sh (a gzip'ed newc cpio; zlib)
FIXTURE_TARGETS += $(BUILD)/tests/vmcores/real/mkcpio
TEST_LDLIBS_mkcpio := -lz
