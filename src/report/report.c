// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pre-fault analysis (src/report/report.h): which part of each memslot the
 * canonical stage 2 maps, by level x kind x perm x AF, one walk per slot and
 * per gap. Nothing here prints: the groups are facts for the s2dump driver,
 * problems go to its visitor.
 */
#include <string.h>

#include "report/report.h"

/* The pre-fault coverage: one walk per memslot and per gap between them */


static struct s2_error *coverage_visit(void *arg, const struct s2_walk_entry *e)
{
	struct s2_report_coverage *c = arg;
	unsigned int perm;

	if (e->event == S2_WALK_PROBLEM) {
		/*
		 * The slot and gap walks tile [0, 2^ia_bits) in ascending order and
		 * the walker clips a problem to the walk's range: a table that spans
		 * two walks comes twice in a row. Report it once, where it starts.
		 */
		if (c->have_last_problem && c->last_problem_pa == s2_walk_problem_table(e) && c->last_problem_level == e->level)
			return NULL;
		c->have_last_problem = true;
		c->last_problem_pa = s2_walk_problem_table(e);
		c->last_problem_level = e->level;
		c->v->problem(c->v->arg, c->vm, e, c->in_slot);
		return NULL;
	}
	if (e->event == S2_WALK_LEAF && e->desc.kind == S2_DESC_RESERVED && e->ia >= c->lo && e->ia < c->hi) {
		/* valid but reserved (0b01 at the last level, a block where none is allowed): damage */
		c->v->reserved(c->v->arg, c->vm, e, c->in_slot);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || (e->desc.kind != S2_DESC_BLOCK && e->desc.kind != S2_DESC_PAGE))
		return NULL;
	/*
	 * A leaf belongs, whole, to the slot (or gap) holding its first IPA: the
	 * rule of the generator's model and of the drgn helpers. The walker also
	 * reports leaves that start before the window (they overlap it): those
	 * were counted by the walk holding their start.
	 */
	if (e->ia < c->lo || e->ia >= c->hi)
		return NULL;
	c->groups.mapped += e->size;
	perm = ((e->desc.s2ap & 1) ? 4 : 0) | ((e->desc.s2ap & 2) ? 2 : 0) | (e->desc.xn == 0 ? 1 : 0);
	c->groups.g[e->level - S2_LEVEL_MIN][e->desc.kind == S2_DESC_PAGE][perm][e->desc.af].count++;
	c->groups.g[e->level - S2_LEVEL_MIN][e->desc.kind == S2_DESC_PAGE][perm][e->desc.af].bytes += e->size;
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
	struct s2_mem mem = s2_kvm_host_mem(c->k);
	struct s2_walker w = { coverage_visit, c, S2_WALK_SKIP_INVALID, 0 };
	uint64_t top = 1ULL << c->vm->mmu.ia_bits;

	memset(&c->groups, 0, sizeof(c->groups));
	if (hi > top)
		hi = top;
	c->lo = lo;
	c->hi = hi;
	if (lo >= hi)
		return NULL;
	return s2_walk(&c->vm->mmu.geo, root, &mem, lo, hi, &w);
}
