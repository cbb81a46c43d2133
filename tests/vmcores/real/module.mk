# Proof on Debian's real arm64 kernels with live KVM guests (docs/real-kernel.md).
# The dumps are made first (crash and drgn tests read them too), then checked.
PREPARE_SCRIPTS += tests/vmcores/real/make-dumps.sh
CHECK_SCRIPTS += tests/vmcores/real/check.sh
