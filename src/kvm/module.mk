# The KVM model: struct kvm, its MMUs, memslots, vCPUs (src/kvm/kvm.h).
LIB_SRCS += src/kvm/kvm.c
LIB_SRCS += src/kvm/rules.c
