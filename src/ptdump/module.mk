# The kernel's debugfs stage-2 text (include/s2dump/ptdump.h, docs/ptdump.md).
LIB_SRCS += src/ptdump/ptdump.c
