/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pre-fault analysis and the s2dump -p / -j driver, over the KVM model
 * and the walker (called from src/cmd/command.c); the output is the
 * renderer's (src/render):
 *   - the pre-fault report (s2dump -p): per memslot, the canonical stage 2's
 *     coverage by level, kind, permissions and AF (one walk per slot), the
 *     valid leaves outside every memslot, each vCPU's last fault decoded;
 *   - the default dump, -v and -t as JSON (-j);
 *   - pKVM VMs: their pkvm_mappings instead of the (garbage) pgd.
 */
#ifndef S2DUMP_REPORT_H
#define S2DUMP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/kvm.h"
#include "render/render.h"

struct s2_report_opts {
	bool prefault, verbose, translate;
	uint64_t ipa;
	const char *vm; /* kvm address or pid; NULL: every VM on vm_list */
};

/* s2dump with -p and/or -j. *status: S2_STATUS_OK or S2_STATUS_FINDINGS (unreadable tables). */
struct s2_error *s2_report_run(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
			       const struct s2_report_opts *opts, struct s2_render *render, int *status);
/* A pKVM VM's pkvm_mappings (what the host keeps instead of a stage 2). */
struct s2_error *s2_report_pkvm_mappings(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					 const struct s2_kvm_vm *vm, struct s2_render *render);
/* -t on a pKVM VM: the pkvm_mapping holding the IPA's gfn (PA, its size as a level), or none. */
struct s2_error *s2_report_pkvm_translate(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					  const struct s2_kvm_vm *vm, uint64_t ipa, struct s2_render *render);

/*
 * A walker visitor (s2_report_leaves_visit) handing every valid leaf and every unreadable
 * table to the renderer (-v, -j, nesteds2 dump), counting the problems and the leaves with a
 * reserved encoding for the command's status.
 */
struct s2_report_leaves {
	struct s2_render *rd;
	unsigned long problems;
	uint64_t first_problem_ia;
	unsigned long reserved;
	uint64_t first_reserved_ia, first_reserved_raw, first_reserved_pa;
	int first_reserved_level;
};
struct s2_error *s2_report_leaves_visit(void *arg, const struct s2_walk_entry *entry);

#endif
