// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Nested virtualization: the guest hypervisor's stage 2 read at L1 IPAs
 * through the canonical stage 2, two-stage translation, and the shadow
 * check (include/s2dump/nested.h). Every table walk is the shared walker's;
 * the hardware rules (limits from PARange, level-0 address size fault for a
 * base beyond the output size, external abort on an unreadable table) are
 * those of the ARM ARM as the kernel's walk_nested_s2_pgd() (7.0+) applies
 * them.
 */
#include <inttypes.h>
#include <string.h>

#include "s2dump/nested.h"

unsigned int s2_nested_parange_bits(unsigned int ia_bits)
{
	static const unsigned int pa[] = { 52, 48, 44, 42, 40, 36, 32 };

	for (size_t i = 0; i < sizeof(pa) / sizeof(pa[0]); i++)
		if (ia_bits >= pa[i])
			return pa[i];
	return 32;
}

/* Guest memory through the canonical stage 2 */

void s2_nested_l1mem_init(struct s2_nested_l1mem *m, const struct s2_geometry *canon_geo, uint64_t canon_root,
			  const struct s2_mem *host)
{
	memset(m, 0, sizeof(*m));
	m->canon_geo = canon_geo;
	m->canon_root = canon_root;
	m->host = host;
}

void s2_nested_l1mem_set_slots(struct s2_nested_l1mem *m, s2_nested_slot_fn fn, void *ctx)
{
	m->slot_fn = fn;
	m->slot_ctx = ctx;
}

bool s2_nested_translation_mapped(const struct s2_translation *t)
{
	return t->fault.type == S2_FAULT_NONE || t->fault.type == S2_FAULT_ACCESS_FLAG;
}

struct s2_error *s2_nested_canon_translate(struct s2_nested_l1mem *m, uint64_t l1, struct s2_translation *t)
{
	struct s2_error *err;

	for (unsigned int i = 0; i < S2_NESTED_CACHE; i++) {
		if (m->cache[i].used && l1 - m->cache[i].ia < m->cache[i].size) {
			*t = m->cache[i].t;
			t->oa = t->desc.oa + (l1 - m->cache[i].ia);
			return NULL;
		}
	}
	m->canon_translations++;
	m->slot_last.result = S2_NESTED_SLOT_NONE;
	err = s2_translate(m->canon_geo, m->canon_root, m->host, l1, t);
	if (err)
		return err;
	if (!s2_nested_translation_mapped(t) && m->slot_fn) {
		struct s2_nested_slot *sl = &m->slot_last;

		memset(sl, 0, sizeof(*sl));
		err = m->slot_fn(m->slot_ctx, l1, sl);
		if (err)
			return err;
		if (sl->result == S2_NESTED_SLOT_OK) {
			if (!sl->size || (sl->size & (sl->size - 1)))
				return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "L1 IPA 0x%" PRIx64 ": memslot %d "
						       "page size 0x%" PRIx64 " is not a power of two", l1, sl->id,
						       sl->size);
			m->slot_translations++;
			memset(t, 0, sizeof(*t));
			t->oa = sl->pa;
			t->level = S2_LEVEL_MAX;
			t->block_size = sl->size;
			t->desc.kind = S2_DESC_PAGE;
			t->desc.oa = sl->pa & ~(sl->size - 1);
			t->desc.s2ap = sl->readonly ? 1 : 3;
			t->desc.af = true;
		}
	}
	if (s2_nested_translation_mapped(t) && t->block_size) {
		unsigned int i = m->cache_next++ % S2_NESTED_CACHE;

		m->cache[i].used = true;
		m->cache[i].t = *t;
		m->cache[i].size = t->block_size;
		m->cache[i].ia = l1 & ~(t->block_size - 1);
	}
	return NULL;
}

static struct s2_error *l1_read(void *ctx, uint64_t l1, void *buf, size_t len)
{
	struct s2_nested_l1mem *m = ctx;
	unsigned char *p = buf;

	m->fail = S2_NESTED_READ_OK;
	while (len) {
		struct s2_translation t;
		uint64_t chunk;
		struct s2_error *err = s2_nested_canon_translate(m, l1, &t);

		if (err)
			return err;
		if (!s2_nested_translation_mapped(&t) && m->slot_fn && m->slot_last.result == S2_NESTED_SLOT_MISSING) {
			m->fail = S2_NESTED_READ_MISSING;
			m->fail_l1 = l1;
			m->fail_pa = m->slot_last.fail_pa;
			m->fail_what = "VMM page table";
			return s2_error_fault(l1, false, "L1 IPA 0x%" PRIx64 ": memslot %d user address 0x%" PRIx64
					      ": VMM page table at PA 0x%" PRIx64 " not in dump", l1, m->slot_last.id,
					      m->slot_last.uaddr, m->fail_pa);
		}
		if (!s2_nested_translation_mapped(&t) && m->slot_fn &&
		    m->slot_last.result == S2_NESTED_SLOT_VMM_UNMAPPED) {
			m->fail = S2_NESTED_READ_VMM_UNMAPPED;
			m->fail_l1 = l1;
			return s2_error_fault(l1, false, "L1 IPA 0x%" PRIx64 " not mapped by the canonical stage 2 nor "
					      "in the VMM (memslot %d user address 0x%" PRIx64 ")", l1,
					      m->slot_last.id, m->slot_last.uaddr);
		}
		if (t.fault.type == S2_FAULT_SEA_WALK) {
			/* The canonical table that would translate l1 is not in the dump. */
			m->fail = S2_NESTED_READ_MISSING;
			m->fail_l1 = l1;
			m->fail_pa = t.desc_pa;
			m->fail_what = "canonical stage-2 table";
			return s2_error_fault(l1, false, "L1 IPA 0x%" PRIx64 ": canonical stage-2 table at PA 0x%"
					      PRIx64 " not in dump", l1, t.desc_pa);
		}
		if (!s2_nested_translation_mapped(&t)) {
			m->fail = S2_NESTED_READ_UNMAPPED;
			m->fail_l1 = l1;
			return s2_error_fault(l1, false, "L1 IPA 0x%" PRIx64 " not mapped by the canonical stage 2%s", l1,
					      m->slot_fn ? " nor by any memslot" : "");
		}
		/* As far as this canonical leaf goes (at least one host granule). */
		chunk = t.block_size - (l1 & (t.block_size - 1));
		if (chunk > len)
			chunk = len;
		err = m->host->read(m->host->ctx, t.oa, p, (size_t)chunk);
		if (err) {
			if (err->code != S2_ERROR_FAULT)
				return err;
			m->fail = S2_NESTED_READ_MISSING;
			m->fail_l1 = l1;
			m->fail_pa = err->has_address ? err->address : t.oa;
			m->fail_what = "page";
			s2_error_destroy(err);
			return s2_error_fault(l1, false, "L1 IPA 0x%" PRIx64 ": PA 0x%" PRIx64 " not in dump", l1,
					      m->fail_pa);
		}
		l1 += chunk;
		p += chunk;
		len -= (size_t)chunk;
	}
	return NULL;
}

struct s2_mem s2_nested_l1mem_mem(struct s2_nested_l1mem *m)
{
	return (struct s2_mem){ l1_read, m };
}

/* The guest hypervisor's configuration */

struct s2_error *s2_nested_guest_setup(uint64_t vttbr, uint64_t vtcr, bool enabled, unsigned int pa_bits,
				       bool big_endian, struct s2_nested_guest *g)
{
	struct s2_error *err;
	uint64_t root_bytes;
	unsigned int x = 0;

	memset(g, 0, sizeof(*g));
	g->vttbr = vttbr;
	g->vtcr = vtcr;
	g->enabled = enabled;
	g->pa_bits = pa_bits;
	if (!enabled)
		return NULL;
	err = s2_geometry_from_vtcr(vtcr, pa_bits, &g->geo, &g->refused);
	if (err || g->refused.type != S2_FAULT_NONE)
		return err;
	g->geo.big_endian = big_endian;
	/* BADDR is aligned to the start-level table(s): bits below log2(their size) are ignored. */
	root_bytes = s2_root_bytes(&g->geo);
	while ((1ULL << x) < root_bytes)
		x++;
	g->root = vttbr & (((1ULL << 48) - 1) & ~((1ULL << x) - 1));
	/* 52-bit output (64K with FEAT_LPA, or DS): BADDR[51:48] sits in VTTBR[5:2]. */
	if (g->geo.oa_bits == 52)
		g->root |= ((vttbr >> 2) & 0xf) << 48;
	if (g->geo.oa_bits < 64 && (g->root >> g->geo.oa_bits))
		s2_fault_set(&g->base_fault, S2_FAULT_ADDRESS_SIZE, 0); /* R_BFHQH: level 0 */
	return NULL;
}

bool s2_nested_guest_faults_all(const struct s2_nested_guest *g, struct s2_fault *fault)
{
	if (!g->enabled)
		return false;
	if (g->refused.type != S2_FAULT_NONE) {
		*fault = g->refused;
		return true;
	}
	if (g->base_fault.type != S2_FAULT_NONE) {
		*fault = g->base_fault;
		return true;
	}
	return false;
}

struct s2_error *s2_nested_guest_translate(const struct s2_nested_guest *g, struct s2_nested_l1mem *l1mem,
					   uint64_t l2, struct s2_translation *out)
{
	struct s2_mem mem = s2_nested_l1mem_mem(l1mem);
	struct s2_fault f;

	memset(out, 0, sizeof(*out));
	if (!g->enabled) {
		out->oa = l2;
		out->level = S2_LEVEL_MIN - 1;
		out->desc.kind = S2_DESC_BLOCK;
		out->desc.s2ap = 3;
		out->desc.af = true;
		return NULL;
	}
	if (s2_nested_guest_faults_all(g, &f)) {
		out->fault = f;
		out->level = f.level;
		out->desc_pa = g->root;
		return NULL;
	}
	l1mem->fail = S2_NESTED_READ_OK;
	return s2_translate(&g->geo, g->root, &mem, l2, out);
}

unsigned int s2_nested_perm(const struct s2_desc *d)
{
	return ((d->s2ap & 1) ? S2_NESTED_PERM_R : 0) | ((d->s2ap & 2) ? S2_NESTED_PERM_W : 0) |
	       (d->xn == 0 ? S2_NESTED_PERM_X : 0);
}

const char *s2_nested_perm_str(unsigned int perm, char buf[4])
{
	buf[0] = (perm & S2_NESTED_PERM_R) ? 'r' : '-';
	buf[1] = (perm & S2_NESTED_PERM_W) ? 'w' : '-';
	buf[2] = (perm & S2_NESTED_PERM_X) ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

/* nesteds2 guest: the walk's facts, then the text of them */

struct guest_walk {
	const struct s2_geometry *geo;
	struct s2_nested_l1mem *l1mem;
	const struct s2_nested_guest_visitor *v;
	unsigned long problems;
	uint64_t first_problem;
	/*
	 * An unreadable table, held back while the following concatenated start
	 * tables are unreadable the same way: the start level is one table to the
	 * hardware, so it is reported as one.
	 */
	bool pending;
	uint64_t table_end;
	struct s2_nested_guest_problem pend;
};

static void flush_problem(struct guest_walk *gw)
{
	if (!gw->pending)
		return;
	gw->pending = false;
	if (!gw->problems++)
		gw->first_problem = gw->pend.l2;
	gw->v->problem(gw->v->arg, &gw->pend);
}

static void note_problem(struct guest_walk *gw, const struct s2_walk_entry *e)
{
	struct s2_nested_guest_problem *p = &gw->pend;
	uint64_t table = s2_walk_problem_table(e);
	enum s2_nested_read_fail fail = e->problem == S2_PROBLEM_READ ? gw->l1mem->fail : S2_NESTED_READ_OK;

	if (gw->pending && e->problem == S2_PROBLEM_READ && p->problem == S2_PROBLEM_READ &&
	    e->level == gw->geo->start_level && p->level == e->level && p->fail == fail &&
	    p->l2 + p->size == e->ia && gw->table_end == table) {
		p->size += e->size;
		gw->table_end = table + e->size / s2_level_size(gw->geo, e->level) * 8;
		return;
	}
	flush_problem(gw);
	gw->pending = true;
	gw->table_end = table + e->size / s2_level_size(gw->geo, e->level) * 8;
	*p = (struct s2_nested_guest_problem){
		.l2 = e->ia, .size = e->size, .level = e->level, .table = table, .problem = e->problem,
		.fail = fail, .pa = gw->l1mem->fail_pa, .slot = gw->l1mem->slot_last.id,
		.uaddr = gw->l1mem->slot_last.uaddr, .memslots = gw->l1mem->slot_fn != NULL,
	};
}

static struct s2_error *guest_visit(void *arg, const struct s2_walk_entry *e)
{
	struct guest_walk *gw = arg;

	if (e->event == S2_WALK_PROBLEM) {
		note_problem(gw, e);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || !(e->desc.raw & 1))
		return NULL;
	flush_problem(gw);
	gw->v->leaf(gw->v->arg, e);
	return NULL;
}

struct s2_error *s2_nested_guest_walk(const struct s2_nested_guest *g, struct s2_nested_l1mem *l1mem,
				      const struct s2_nested_guest_visitor *v, unsigned long *problems,
				      uint64_t *first_problem)
{
	struct guest_walk gw = { .geo = &g->geo, .l1mem = l1mem, .v = v };
	struct s2_walker w = { guest_visit, &gw, S2_WALK_SKIP_INVALID, 0 };
	struct s2_mem mem = s2_nested_l1mem_mem(l1mem);
	struct s2_error *err = NULL;

	*problems = 0;
	*first_problem = 0;
	if (!g->enabled || g->refused.type != S2_FAULT_NONE || g->base_fault.type != S2_FAULT_NONE)
		return NULL;
	err = s2_walk(&g->geo, g->root, &mem, 0, 1ULL << g->geo.ia_bits, &w);
	if (!err)
		flush_problem(&gw);
	*problems = gw.problems;
	*first_problem = gw.first_problem;
	return err;
}

bool s2_nested_guest_beyond_oa(const struct s2_geometry *geo, const struct s2_desc *d)
{
	return geo->oa_bits < 64 && (d->oa >> geo->oa_bits);
}

const char *s2_nested_granule_name(unsigned int granule_shift)
{
	return granule_shift == 12 ? "4K" : granule_shift == 14 ? "16K" : "64K";
}

/* The shadow check */

const char *s2_nested_kind_name(enum s2_nested_kind kind)
{
	switch (kind) {
	case S2_NESTED_OK: return "ok";
	case S2_NESTED_STALE_OA: return "stale-oa";
	case S2_NESTED_GUEST_UNMAPPED: return "guest-unmapped";
	case S2_NESTED_CANON_UNMAPPED: return "canonical-unmapped";
	case S2_NESTED_WIDER_THAN_GUEST: return "wider-than-guest";
	case S2_NESTED_WIDER_THAN_CANON: return "wider-than-canonical";
	case S2_NESTED_NOT_CHECKABLE: return "not-checkable";
	}
	return "?";
}

/* Bytes from a to the end of the aligned size-byte region holding it; size 0 means "all". */
static uint64_t remain_in(uint64_t a, uint64_t size)
{
	if (!size || (size & (size - 1)))
		return UINT64_MAX;
	return size - (a & (size - 1));
}

/* Size of the region a fault at this level stands for (the entry that faulted, or everything). */
static uint64_t fault_span(const struct s2_geometry *geo, const struct s2_translation *t)
{
	if (t->level < geo->start_level || t->level < S2_LEVEL_MIN || t->level > S2_LEVEL_MAX)
		return 0;
	if (t->level == S2_LEVEL_MIN && geo->granule_shift != 12)
		return 0;
	return s2_level_size(geo, t->level);
}

struct s2_error *s2_nested_check_leaf(struct s2_nested_checker *c, uint64_t l2, uint64_t size,
				      const struct s2_desc *shadow, struct s2_nested_verdict *v)
{
	const struct s2_nested_guest *g = c->guest;
	unsigned int sperm = s2_nested_perm(shadow);
	uint64_t p = l2, end = l2 + size;
	struct s2_fault all;
	bool faults_all = s2_nested_guest_faults_all(g, &all);

	memset(v, 0, sizeof(*v));
	if (end < l2)
		end = UINT64_MAX;
	while (p < end) {
		struct s2_nested_verdict cur = { .at = p, .shadow_oa = shadow->oa + (p - l2), .shadow_perm = sperm };
		struct s2_translation gt, ct;
		uint64_t step;
		struct s2_error *err;

		v->steps++;
		c->guest_translations++;
		err = s2_nested_guest_translate(g, c->l1mem, p, &gt);
		if (err)
			return err;
		if (gt.fault.type == S2_FAULT_SEA_WALK && c->l1mem->fail == S2_NESTED_READ_MISSING) {
			/* the guest table is somewhere the dump does not hold: nothing to compare with */
			cur.kind = S2_NESTED_NOT_CHECKABLE;
			cur.nc_guest = true;
			/* the walk read one descriptor: name its table (guest granule) and host page */
			cur.nc_l1 = c->l1mem->fail_l1 & ~((1ULL << g->geo.granule_shift) - 1);
			cur.nc_pa = c->l1mem->fail_pa;
			cur.nc_what = c->l1mem->fail_what;
			if (cur.nc_what && !strcmp(cur.nc_what, "page"))
				cur.nc_pa &= ~((1ULL << c->l1mem->canon_geo->granule_shift) - 1);
			step = remain_in(p, fault_span(&g->geo, &gt));
		} else if (!s2_nested_translation_mapped(&gt)) {
			cur.kind = S2_NESTED_GUEST_UNMAPPED;
			step = faults_all ? UINT64_MAX : remain_in(p, fault_span(&g->geo, &gt));
		} else {
			cur.guest_mapped = true;
			cur.guest_l1 = gt.oa;
			cur.guest_perm = g->enabled ? s2_nested_perm(&gt.desc) :
						      S2_NESTED_PERM_R | S2_NESTED_PERM_W | S2_NESTED_PERM_X;
			step = g->enabled ? remain_in(p, gt.block_size) : UINT64_MAX;
			err = s2_nested_canon_translate(c->l1mem, gt.oa, &ct);
			if (err)
				return err;
			if (!s2_nested_translation_mapped(&ct)) {
				uint64_t r = remain_in(gt.oa, fault_span(c->l1mem->canon_geo, &ct));
				const struct s2_nested_slot *sl = &c->l1mem->slot_last;

				cur.kind = S2_NESTED_CANON_UNMAPPED;
				if (ct.fault.type == S2_FAULT_SEA_WALK || sl->result == S2_NESTED_SLOT_MISSING) {
					/* a canonical table or the VMM's page table is not in the dump */
					cur.kind = S2_NESTED_NOT_CHECKABLE;
					cur.nc_l1 = gt.oa;
					cur.nc_pa = ct.fault.type == S2_FAULT_SEA_WALK ? ct.desc_pa : sl->fail_pa;
					cur.nc_what = ct.fault.type == S2_FAULT_SEA_WALK ? "canonical stage-2 table" :
											  "VMM page table";
				}
				if (r < step)
					step = r;
			} else {
				uint64_t r = remain_in(gt.oa, ct.block_size);

				cur.canon_mapped = true;
				cur.canon_pa = ct.oa;
				cur.canon_perm = s2_nested_perm(&ct.desc);
				if (r < step)
					step = r;
				if (ct.oa != cur.shadow_oa)
					cur.kind = S2_NESTED_STALE_OA;
				else if (sperm & ~cur.guest_perm)
					cur.kind = S2_NESTED_WIDER_THAN_GUEST;
				else if (sperm & ~cur.canon_perm)
					cur.kind = S2_NESTED_WIDER_THAN_CANON;
			}
		}
		if (cur.kind != S2_NESTED_OK && (v->kind == S2_NESTED_OK || cur.kind < v->kind)) {
			unsigned long steps = v->steps;

			*v = cur;
			v->steps = steps;
		}
		if (v->kind == S2_NESTED_STALE_OA)
			break; /* nothing outranks it */
		if (step > end - p)
			break;
		p += step;
	}
	return NULL;
}

struct check_walk {
	uint64_t mmu_addr;
	int index;
	struct s2_nested_checker *c;
	struct s2_nested_check_stats *stats;
	const struct s2_nested_check_visitor *v;
};

static struct s2_error *check_visit(void *arg, const struct s2_walk_entry *e)
{
	struct check_walk *cw = arg;
	struct s2_nested_verdict v;
	struct s2_error *err;

	if (e->event == S2_WALK_PROBLEM) {
		cw->stats->problems++;
		cw->v->problem(cw->v->arg, cw->mmu_addr, cw->index, e);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || (e->desc.kind != S2_DESC_BLOCK && e->desc.kind != S2_DESC_PAGE))
		return NULL;
	cw->stats->leaves++;
	err = s2_nested_check_leaf(cw->c, e->ia, e->size, &e->desc, &v);
	if (err || v.kind == S2_NESTED_OK)
		return err;
	if (v.kind == S2_NESTED_NOT_CHECKABLE)
		cw->stats->not_checkable++;
	else
		cw->stats->violations++;
	cw->v->verdict(cw->v->arg, cw->mmu_addr, cw->index, e, &v);
	return NULL;
}

struct s2_error *s2_nested_check_shadow_walk(uint64_t mmu_addr, int index, const struct s2_geometry *shadow_geo,
					     uint64_t shadow_root, const struct s2_mem *host,
					     struct s2_nested_checker *c, struct s2_nested_check_stats *stats,
					     const struct s2_nested_check_visitor *visitor)
{
	struct check_walk cw = { mmu_addr, index, c, stats, visitor };
	struct s2_walker w = { check_visit, &cw, S2_WALK_SKIP_INVALID, 0 };

	return s2_walk(shadow_geo, shadow_root, host, 0, 1ULL << shadow_geo->ia_bits, &w);
}

bool s2_nested_mmu_matches(uint64_t tlb_vttbr, uint64_t tlb_vtcr, bool s2_enabled, uint64_t vttbr, uint64_t vtcr,
			   uint64_t hcr)
{
	bool vm = hcr & 1; /* HCR_EL2.VM */

	vttbr &= ~1ULL;    /* VTTBR_CNP_BIT does not take part */
	if (vm)
		return s2_enabled && vttbr == tlb_vttbr && vtcr == tlb_vtcr;
	return !s2_enabled && (vttbr >> 48) == (tlb_vttbr >> 48);
}
