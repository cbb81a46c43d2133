# The shared walker: geometry, descriptor decode, walk, translate (include/s2dump/walk.h).
LIB_SRCS += src/walk/geometry.c src/walk/desc.c src/walk/walk.c src/walk/translate.c src/walk/esr.c
