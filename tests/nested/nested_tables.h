/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-built guest (L1) memory and guest-hypervisor stage-2 tables for the
 * nested tests. The guest's "physical" space is L1 IPA; every host granule
 * of it is given its own host page, allocated in descending PA order so
 * that a guest table larger than a host granule is never contiguous in host
 * memory, and mapped by a canonical stage 2 built with tests/walk/tables.h.
 * The test keeps its own L1 -> PA list for writing, independent of the
 * code under test.
 */
#ifndef S2DUMP_TESTS_NESTED_TABLES_H
#define S2DUMP_TESTS_NESTED_TABLES_H

#include "walk/tables.h"

#define L1_MAX_PAGES 1024

struct l1space {
	struct ram *ram;
	struct mapper *canon;       /* the canonical stage 2 (host granule = canon->geo.granule_shift) */
	uint64_t next_l1;           /* bump allocator in L1 IPA */
	uint64_t host_top;          /* host pages are taken downwards from here */
	unsigned int n;
	uint64_t l1[L1_MAX_PAGES], pa[L1_MAX_PAGES];
	bool unmapped[L1_MAX_PAGES]; /* left out of the canonical stage 2 */
};

static inline void l1_init(struct l1space *s, struct ram *r, struct mapper *canon, uint64_t l1_base,
			   uint64_t host_top)
{
	memset(s, 0, sizeof(*s));
	s->ram = r;
	s->canon = canon;
	s->next_l1 = l1_base;
	s->host_top = host_top;
}

/* Back [l1, l1 + bytes) with host pages (descending PAs), canonical-mapped rw with AF. */
static inline void l1_back(struct l1space *s, uint64_t l1, uint64_t bytes, bool map)
{
	uint64_t g = 1ULL << s->canon->geo.granule_shift;

	for (uint64_t a = l1; a < l1 + bytes; a += g) {
		s->host_top -= g;
		s->l1[s->n] = a;
		s->pa[s->n] = s->host_top;
		s->unmapped[s->n] = !map;
		s->n++;
		if (map)
			mapper_map(s->canon, a, s->host_top, 3, T_R | T_W | T_AF | T_MEMATTR(0xf) | T_SH_IS);
	}
}

/* Allocate bytes of guest memory aligned to align, backed and mapped. */
static inline uint64_t l1_alloc(struct l1space *s, uint64_t bytes, uint64_t align, bool map)
{
	uint64_t l1 = (s->next_l1 + align - 1) & ~(align - 1);

	s->next_l1 = l1 + bytes;
	l1_back(s, l1, bytes, map);
	return l1;
}

/* The test's own L1 -> host PA (0 if not backed). */
static inline uint64_t l1_pa(const struct l1space *s, uint64_t l1)
{
	uint64_t g = 1ULL << s->canon->geo.granule_shift;

	for (unsigned int i = 0; i < s->n; i++)
		if (l1 - s->l1[i] < g)
			return s->pa[i] + (l1 - s->l1[i]);
	return 0;
}

static inline void l1_put(struct l1space *s, uint64_t l1, uint64_t val, bool be)
{
	uint64_t pa = l1_pa(s, l1);

	if (be)
		val = __builtin_bswap64(val);
	memcpy(s->ram->bytes + (pa - RAM_BASE), &val, 8);
}

static inline uint64_t l1_get(struct l1space *s, uint64_t l1, bool be)
{
	uint64_t pa = l1_pa(s, l1), val;

	memcpy(&val, s->ram->bytes + (pa - RAM_BASE), 8);
	return be ? __builtin_bswap64(val) : val;
}

/* The guest hypervisor's stage 2, written in L1 space; 48-bit OA, no LPA2. */
struct gmap {
	struct l1space *s;
	unsigned int granule_shift, ia_bits;
	int start_level;
	unsigned int concat;
	bool be;
	uint64_t root;
	unsigned long tables; /* tables allocated below the root */
};

static inline void gmap_init(struct gmap *g, struct l1space *s, unsigned int granule_shift, unsigned int ia_bits,
			     int start_level, unsigned int concat, bool be)
{
	uint64_t bytes = (uint64_t)concat << granule_shift;

	memset(g, 0, sizeof(*g));
	g->s = s;
	g->granule_shift = granule_shift;
	g->ia_bits = ia_bits;
	g->start_level = start_level;
	g->concat = concat;
	g->be = be;
	g->root = l1_alloc(s, bytes, bytes, true);
}

static inline uint64_t gmap_index(const struct gmap *g, uint64_t ia, int level)
{
	unsigned int bits = g->granule_shift - 3;

	if (level == g->start_level)
		bits = g->ia_bits - t_shift(g->granule_shift, level);
	return (ia >> t_shift(g->granule_shift, level)) & ((1ULL << bits) - 1);
}

/*
 * Write a leaf for l2 at level (attrs: T_R, T_W, T_AF, T_XN ...); allocates
 * tables on the way (mapped unless map_tables is false for the new ones).
 * Returns the L1 IPA of the leaf descriptor.
 */
static inline uint64_t gmap_map_ex(struct gmap *g, uint64_t l2, uint64_t l1, int level, uint64_t attrs,
				   bool map_tables)
{
	uint64_t table = g->root, entry;
	uint64_t gran = 1ULL << g->granule_shift;

	for (int l = g->start_level; l < level; l++) {
		uint64_t desc;

		entry = table + gmap_index(g, l2, l) * 8;
		desc = l1_get(g->s, entry, g->be);
		if (!(desc & T_VALID)) {
			uint64_t next = l1_alloc(g->s, gran, gran, map_tables);

			g->tables++;
			desc = (next & 0x0000fffffffff000ULL) | T_TABLE | T_VALID;
			l1_put(g->s, entry, desc, g->be);
		}
		table = desc & 0x0000ffffffffffffULL & ~(gran - 1);
	}
	entry = table + gmap_index(g, l2, level) * 8;
	l1_put(g->s, entry, (l1 & 0x0000fffffffff000ULL) | attrs | T_VALID | (level == 3 ? T_TABLE : 0), g->be);
	return entry;
}

static inline uint64_t gmap_map(struct gmap *g, uint64_t l2, uint64_t l1, int level, uint64_t attrs)
{
	return gmap_map_ex(g, l2, l1, level, attrs, true);
}

/* VTCR_EL2 from fields (ARM ARM layout): T0SZ[5:0], SL0[7:6], TG0[15:14], PS[18:16], RES1 bit 31. */
static inline uint64_t t_vtcr(unsigned int t0sz, unsigned int sl0, unsigned int granule_shift, unsigned int ps)
{
	unsigned int tg0 = granule_shift == 12 ? 0 : granule_shift == 14 ? 2 : 1;

	return (uint64_t)t0sz | ((uint64_t)sl0 << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
	       ((uint64_t)tg0 << 14) | ((uint64_t)ps << 16) | (1ULL << 31);
}

#endif
