/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nesteds2 guest / check commands and the nested part of s2dump -t, over
 * the KVM model (src/kvm). Called from a few lines of src/cmd/command.c.
 */
#ifndef S2DUMP_NESTED_CMD_H
#define S2DUMP_NESTED_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kvm/kvm.h"
#include "s2dump/nested.h"

/* A nested MMU with the VM it belongs to. */
struct s2_nested_target {
	struct s2_kvm_vm vm;
	uint64_t index;
	struct s2_kvm_mmu mmu;
};

/* Is arg spelled like a debugfs name (0x<vttbr>-0x<vtcr>-s2-... up to 7.2, nested_mmu<N> from 7.3)? */
bool s2_nested_arg_is_name(const char *arg);
/* Find a nested MMU by its address or debugfs name (S2_ERROR_LOOKUP when none matches). */
struct s2_error *s2_nested_find(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				struct s2_nested_target *t);

struct s2_error *s2_nested_cmd_guest(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     bool verbose, FILE *out, int *status);
/* arg: NULL (every VM), a VMM pid, a struct kvm address, a nested MMU address or name. */
struct s2_error *s2_nested_cmd_check(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     FILE *out, int *status);
/* First line of s2dump -t on a nested MMU; mapped and l1 give the L1 IPA for the canonical line;
 * a guest table that could not be read makes *status S2_STATUS_FINDINGS (as nesteds2 guest). */
struct s2_error *s2_nested_cmd_translate(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_nested_target *t, uint64_t l2,
					 FILE *out, bool *mapped, uint64_t *l1, int *status);
/*
 * After the canonical line of s2dump -t on a nested MMU: when the canonical stage 2 does not map
 * the L1 IPA and the memslot path exists, the memslot line (docs/nested.md); else nothing.
 */
struct s2_error *s2_nested_cmd_translate_memslot(struct s2_kernel *k, const struct s2_kvm_layout *l,
						 const struct s2_nested_target *t, uint64_t l1, FILE *out);

#endif
