# Kernel facts (VMCOREINFO) and kernel-virtual reads (include/s2dump/kernel.h).
LIB_SRCS += src/kernel/kernel.c
LIB_SRCS += src/kernel/user.c src/kernel/rbtree.c src/kernel/xarray.c
