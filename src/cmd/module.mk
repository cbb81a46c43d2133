# Sessions, the command grammar shared by every front end (include/s2dump/command.h), one driver per command.
LIB_SRCS += src/cmd/command.c src/cmd/s2dump.c src/cmd/nesteds2.c src/cmd/help.c
