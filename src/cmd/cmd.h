/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside src/cmd: the session, the parsed options and what the drivers share
 * (command.c), the two drivers (s2dump.c, nesteds2.c). A driver gathers the
 * facts of its command from the KVM model and the analyses (src/nested,
 * src/report) and hands them to a renderer (src/render); it prints nothing
 * itself but the kernel's debugfs text (src/ptdump).
 */
#ifndef S2DUMP_CMD_H
#define S2DUMP_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kvm/kvm.h"
#include "render/render.h"
#include "s2dump/command.h"

struct s2_session {
	const struct s2_target *target;
	struct s2_kernel *kernel;
	struct s2_kvm_layout *layout;  /* resolved at the first command that needs it (with the ptdump rules) */
};

/* The layout, resolved once per session. */
struct s2_error *s2_cmd_layout(struct s2_session *s);

struct s2_options {
	bool verbose, exact, json, prefault, help;
	bool translate;
	uint64_t ipa;
	const char *positional[4];
	int npositional;
};

/* flags: the option letters the command takes ("vxjpht:"; ':' after one that takes a value). */
struct s2_error *s2_cmd_parse_options(const char *cmd, int argc, char *const argv[], const char *flags,
				      struct s2_options *o);
void s2_cmd_print_help(FILE *out, const char *name);
/* The renderer of the output form the options ask for (-j: JSON, else text). */
void s2_cmd_render_init(struct s2_session *s, struct s2_render *rd, const struct s2_options *o, FILE *out);
/* End the renderer's document with the command's status so far and the error that stopped it. */
void s2_cmd_end(struct s2_render *rd, const struct s2_error *err, int status);
/* -v: which debugfs rules the text follows, and what said so. */
void s2_cmd_print_rules(struct s2_session *s, struct s2_render *rd);

/*
 * A walker visitor (s2_cmd_leaves_visit) handing every valid leaf and every unreadable table to
 * the renderer (-v, -j, nesteds2 dump), counting the problems and the leaves with a reserved
 * encoding for the command's status.
 */
struct s2_cmd_leaves {
	struct s2_render *rd;
	unsigned long problems;
	uint64_t first_problem_ia;
	unsigned long reserved;
	uint64_t first_reserved_ia, first_reserved_raw, first_reserved_pa;
	int first_reserved_level;
};
struct s2_error *s2_cmd_leaves_visit(void *arg, const struct s2_walk_entry *entry);
/* One MMU's stage 2: the debugfs text (src/ptdump; -x: exactly the kernel's file) or -v's leaves. */
struct s2_error *s2_cmd_dump_mmu(struct s2_session *s, const struct s2_kvm_mmu *m, const struct s2_options *o,
				 struct s2_render *rd, int *status);
/* One IPA through one MMU's stage 2. */
struct s2_error *s2_cmd_translate_mmu(struct s2_session *s, const struct s2_kvm_mmu *m, uint64_t ipa,
				      struct s2_render *rd);

/* The drivers: argv as s2_command_run takes it. */
struct s2_error *s2_cmd_s2dump(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status);
struct s2_error *s2_cmd_nesteds2(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status);
/*
 * s2dump -t IPA <nested mmu> (nesteds2.c): the guest stage, the canonical line for the L1 IPA,
 * the memslot path, then what the shadow table holds. *found false: arg is no nested MMU (the
 * caller tries a VM).
 */
struct s2_error *s2_nesteds2_translate(struct s2_session *s, const char *arg, uint64_t ipa, struct s2_render *rd,
				       bool *found, int *status);

#endif
