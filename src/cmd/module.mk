# Sessions and the command grammar shared by every front end (include/s2dump/command.h).
LIB_SRCS += src/cmd/command.c src/cmd/nested.c src/cmd/help.c
