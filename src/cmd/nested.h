/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nesteds2 guest / check commands and the nested part of s2dump -t
 * (src/cmd/nested.c), over the KVM model (src/kvm) and the nested analyses
 * (src/nested). Called from src/cmd/command.c.
 */
#ifndef S2DUMP_CMD_NESTED_H
#define S2DUMP_CMD_NESTED_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/kvm.h"
#include "render/render.h"
#include "s2dump/nested.h"

/* The debugfs name of shadow MMU [index] under the dump kernel's rules (ptdump). */
void s2_nested_cmd_name(const struct s2_kvm_layout *l, char name[S2_NESTED_NAME_SIZE], uint64_t index,
			const struct s2_kvm_mmu *m);
/* nesteds2 guest: the facts go to rd (text or JSON, -v in rd->verbose). */
struct s2_error *s2_nested_cmd_guest(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     struct s2_render *rd, int *status);
/* arg: NULL (every VM), a VMM pid, a struct kvm address, a nested MMU address or name. */
struct s2_error *s2_nested_cmd_check(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     struct s2_render *rd, int *status);
/* First line of s2dump -t on a nested MMU; mapped and l1 give the L1 IPA for the canonical line;
 * a guest table that could not be read makes *status S2_STATUS_FINDINGS (as nesteds2 guest). */
struct s2_error *s2_nested_cmd_translate(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_kvm_nested_target *t, uint64_t l2,
					 struct s2_render *rd, bool *mapped, uint64_t *l1, int *status);
/*
 * After the canonical line of s2dump -t on a nested MMU: when the canonical stage 2 does not map
 * the L1 IPA and the memslot path exists, the memslot line (docs/nested.md); else nothing.
 */
struct s2_error *s2_nested_cmd_translate_memslot(struct s2_kernel *k, const struct s2_kvm_layout *l,
						 const struct s2_kvm_nested_target *t, uint64_t l1,
						 struct s2_render *rd);

#endif
