# Nested virtualization: guest hypervisor stage 2, two-stage translation, shadow check; facts only (include/s2dump/nested.h).
LIB_SRCS += src/nested/nested.c
