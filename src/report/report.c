// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pre-fault analysis (src/report/report.h): which part of each memslot the
 * canonical stage 2 maps, by level x kind x perm x AF, one walk per slot and
 * per gap. Nothing here prints: the groups are facts for the s2dump driver,
 * problems go to its visitor.
 */
#include <string.h>

#include "report/report.h"

/*
 * The walks' problems and reserved leaves (src/kvm/coverage.c counts the leaves). The slot and
 * gap walks tile [0, 2^ia_bits) in ascending order and the walker clips a problem to the walk's
 * range: a table that spans two walks comes twice in a row. Report it once, where it starts.
 */
static struct s2_error *coverage_note(void *arg, const struct s2_walk_entry *e)
{
	struct s2_report_coverage *c = arg;

	if (e->event != S2_WALK_PROBLEM) {
		/* valid but reserved (0b01 at the last level, a block where none is allowed): damage */
		c->v->reserved(c->v->arg, c->vm, e, c->in_slot);
		return NULL;
	}
	if (c->have_last_problem && c->last_problem_pa == s2_walk_problem_table(e) && c->last_problem_level == e->level)
		return NULL;
	c->have_last_problem = true;
	c->last_problem_pa = s2_walk_problem_table(e);
	c->last_problem_level = e->level;
	c->v->problem(c->v->arg, c->vm, e, c->in_slot);
	return NULL;
}

void s2_report_coverage_init(struct s2_report_coverage *c, struct s2_kernel *k, const struct s2_kvm_vm *vm,
			     const struct s2_report_coverage_visitor *v)
{
	memset(c, 0, sizeof(*c));
	c->k = k;
	c->vm = vm;
	c->v = v;
}

struct s2_error *s2_report_coverage_walk(struct s2_report_coverage *c, uint64_t root, uint64_t lo, uint64_t hi)
{
	return s2_kvm_coverage(c->k, &c->vm->mmu, root, lo, hi, coverage_note, c, &c->groups);
}
