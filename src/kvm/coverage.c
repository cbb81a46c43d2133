// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How much of an IPA range (a memslot, the gap between two) a stage 2 maps
 * (include/s2dump/kvm.h): the one rule of s2dump -p and the host adapter's
 * coverage helpers. A leaf belongs, whole, to the range holding its first
 * IPA: the walker also reports leaves that start before the range (they
 * overlap it), and those belong to the range before, so that ranges tiling
 * the IPA space count every leaf once.
 */
#include "kvm/kvm.h"

#include <string.h>

struct coverage_walk {
	struct s2_kvm_coverage *c;
	uint64_t lo, hi;
	s2_kvm_coverage_note_fn note;
	void *arg;
};

static struct s2_error *coverage_visit(void *arg, const struct s2_walk_entry *e)
{
	struct coverage_walk *w = arg;
	struct s2_kvm_coverage *c = w->c;
	unsigned int perm, page;

	if (e->event == S2_WALK_PROBLEM)
		return w->note ? w->note(w->arg, e) : NULL;
	if (e->event != S2_WALK_LEAF || e->ia < w->lo || e->ia >= w->hi)
		return NULL;
	if (e->desc.kind == S2_DESC_RESERVED)
		return w->note ? w->note(w->arg, e) : NULL;
	if (e->desc.kind != S2_DESC_BLOCK && e->desc.kind != S2_DESC_PAGE)
		return NULL;
	c->mapped += e->size;
	page = e->desc.kind == S2_DESC_PAGE;
	perm = ((e->desc.s2ap & 1) ? 4 : 0) | ((e->desc.s2ap & 2) ? 2 : 0) | (e->desc.xn == 0 ? 1 : 0);
	c->g[e->level - S2_LEVEL_MIN][page][perm][e->desc.af].count++;
	c->g[e->level - S2_LEVEL_MIN][page][perm][e->desc.af].bytes += e->size;
	return NULL;
}

struct s2_error *s2_kvm_coverage(struct s2_kernel *k, const struct s2_kvm_mmu *mmu, uint64_t root, uint64_t lo,
				 uint64_t hi, s2_kvm_coverage_note_fn note, void *arg, struct s2_kvm_coverage *c)
{
	struct coverage_walk cw = { c, lo, hi, note, arg };
	struct s2_walker w = { coverage_visit, &cw, S2_WALK_SKIP_INVALID, 0 };
	struct s2_mem mem = s2_kvm_host_mem(k);
	uint64_t top = 1ULL << mmu->ia_bits;

	memset(c, 0, sizeof(*c));
	if (cw.hi > top)
		cw.hi = top;
	if (cw.lo >= cw.hi)
		return NULL;
	return s2_walk(&mmu->geo, root, &mem, cw.lo, cw.hi, &w);
}
