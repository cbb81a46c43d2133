# Dumps from the field (docs/field-dumps.md): QEMU's ELF vmcores whose RAM sits off p_offset
# (SVE notes of different sizes), detected from the file, verified, rewritten as a standard file.
LIB_SRCS += src/field/field.c src/field/kdump.c
