# The KVM model: struct kvm, its MMUs, memslots, vCPUs (src/kvm/kvm.h).
LIB_SRCS += src/kvm/kvm.c src/kvm/vm_arg.c src/kvm/el2.c src/kvm/coverage.c
LIB_SRCS += src/kvm/rules.c
