/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI's target: libkdumpfile for memory, libdw for types and symbols. */
#ifndef S2DUMP_CLI_KDUMP_TARGET_H
#define S2DUMP_CLI_KDUMP_TARGET_H

#include "s2dump/target.h"

/*
 * Open a dump (NULL: the live kernel through /proc/kcore) with its vmlinux
 * (NULL: found by the dump's BUILD-ID / release in the standard debug
 * directories). A vmlinux whose build-id differs from the dump's is refused.
 */
struct s2_error *s2_kdump_target_open(const char *dump, const char *vmlinux, struct s2_target **out);
void s2_kdump_target_close(struct s2_target *target);
/*
 * A dump whose headers are whole but whose data the file does not all hold
 * (cut short): "truncated: file ends at 0x..., <what> needs 0x..." to say
 * once; NULL otherwise. Reads past the end fail as faults, never zeros.
 */
const char *s2_kdump_target_warning(const struct s2_target *target);
/* What was repaired to read the dump (one line, docs/field-dumps.md), or NULL. */
const char *s2_kdump_target_notice(const struct s2_target *target);

#endif
