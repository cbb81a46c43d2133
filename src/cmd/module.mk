# Sessions, the command grammar shared by every front end (include/s2dump/command.h), one driver per command.
LIB_SRCS += src/cmd/command.c src/cmd/nested.c src/cmd/help.c
