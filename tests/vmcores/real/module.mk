# Proof on Debian's real arm64 kernels with live KVM guests (docs/real-kernel.md).
CHECK_SCRIPTS += tests/vmcores/real/make-check.sh
