/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pre-fault analysis over the KVM model and the walker (s2dump -p; the
 * driver is src/cmd/s2dump.c, the output src/render): for one VM, walk by
 * walk in ascending IPA order (each memslot, the gap before it, what lies
 * above the last one), the canonical stage 2's valid leaves grouped by level,
 * kind, permissions and AF. A leaf belongs, whole, to the walk holding its
 * first IPA. Unreadable tables and reserved descriptors go to a visitor.
 */
#ifndef S2DUMP_REPORT_H
#define S2DUMP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm/kvm.h"

/* in_slot: the walk is of a memslot (else a gap, or above the last memslot). */
struct s2_report_coverage_visitor {
	/* an unreadable table, once even when it spans two walks */
	void (*problem)(void *arg, const struct s2_kvm_vm *vm, const struct s2_walk_entry *problem, bool in_slot);
	/* a valid descriptor with a reserved encoding (damage: KVM never writes one) */
	void (*reserved)(void *arg, const struct s2_kvm_vm *vm, const struct s2_walk_entry *leaf, bool in_slot);
	void *arg;
};

struct s2_report_coverage {
	struct s2_kernel *k;
	const struct s2_kvm_vm *vm;
	const struct s2_report_coverage_visitor *v;
	bool in_slot;                /* set by the caller before each walk */
	struct s2_kvm_coverage groups; /* the last walk's (src/kvm/coverage.c) */
	bool have_last_problem;      /* across the walks of one VM */
	uint64_t last_problem_pa;
	int last_problem_level;
};

void s2_report_coverage_init(struct s2_report_coverage *c, struct s2_kernel *kernel, const struct s2_kvm_vm *vm,
			     const struct s2_report_coverage_visitor *visitor);
/* Walk [lo, hi) (clipped to the IPA size) of the stage 2 at root; c->groups holds the result. */
struct s2_error *s2_report_coverage_walk(struct s2_report_coverage *c, uint64_t root, uint64_t lo, uint64_t hi);

#endif
