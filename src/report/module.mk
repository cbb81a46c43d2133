# Reports over the KVM model and the walker: the pre-fault report (-p) and JSON (-j), src/report/report.h.
LIB_SRCS += src/report/json.c src/report/report.c
