/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One command grammar for every front end. A session is opened once per
 * target (layouts resolved from DWARF once and cached); each command line
 * ("s2dump -v 0xffff...", "nesteds2 list") runs against it and writes to a
 * FILE*: crash's fp, stdout, or a memstream the drgn module returns.
 *
 * Front ends do no parsing of their own beyond what is theirs (-c/-s for the
 * CLI); argv is exactly what the user typed after the command name.
 */
#ifndef S2DUMP_COMMAND_H
#define S2DUMP_COMMAND_H

#include <stdio.h>

#include "s2dump/error.h"
#include "s2dump/target.h"

#ifdef __cplusplus
extern "C" {
#endif

struct s2_session;

/* Open a session: reads kernel facts (release, page size, VA layout) and checks the target. */
struct s2_error *s2_session_create(const struct s2_target *target, struct s2_session **out);
void s2_session_destroy(struct s2_session *session);
/*
 * The session's kernel and KVM layouts (resolved on first use, shared with its commands), for a
 * front end's helpers that call the KVM model (include/s2dump/kvm.h) directly.
 */
struct s2_kernel;
struct s2_kvm_layout;
struct s2_error *s2_session_model(struct s2_session *session, struct s2_kernel **kernel,
				  const struct s2_kvm_layout **layout);

/*
 * Run one command. argv[0] is the command name ("s2dump" or "nesteds2"),
 * argv[1..argc-1] its arguments; argv is not modified and no global state
 * (getopt's optind) is used, so crash can call it repeatedly. Output that
 * could be produced before an error is written to out (streamed). Returns
 * NULL, or the error that stopped the command (one line, for the front end to
 * print); *status receives one of the S2_STATUS_* values (s2dump/error.h).
 */
struct s2_error *s2_command_run(struct s2_session *session, int argc, char *const argv[],
				FILE *out, int *status);

/* Help, from one source for --help, the man page and crash's help. */
struct s2_command_help {
	const char *name;        /* "s2dump" */
	const char *summary;     /* one line */
	const char *synopsis;    /* arguments after the name */
	const char *const *description; /* lines, NULL-terminated; "" for an empty line */
	const char *const *examples;    /* lines, NULL-terminated */
};

/* NULL for an unknown name. */
const struct s2_command_help *s2_command_help(const char *name);
/* The NULL-terminated list of command names ("s2dump", "nesteds2", NULL). */
const char *const *s2_command_names(void);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_COMMAND_H */
