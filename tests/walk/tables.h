/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-built translation tables for the walker tests: a fake physical RAM
 * and a mapper that writes descriptors from the ARM ARM's bit layout
 * (VMSAv8-64 descriptor formats), independently of the walker's decoder.
 */
#ifndef S2DUMP_TESTS_WALK_TABLES_H
#define S2DUMP_TESTS_WALK_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "s2dump/walk.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)

struct ram {
	unsigned char *bytes;
	uint64_t next_free;  /* bump allocator for tables, from RAM_BASE */
	uint64_t hole_start, hole_end; /* reads here fail, like a page filtered out of a dump */
	bool big_endian;
	unsigned long reads;
};

static inline struct s2_error *ram_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct ram *r = ctx;

	r->reads++;
	if (pa < RAM_BASE || pa + len > RAM_BASE + RAM_SIZE || pa + len < pa)
		return s2_error_fault(pa, true, "PA 0x%llx not in dump", (unsigned long long)pa);
	if (pa < r->hole_end && pa + len > r->hole_start)
		return s2_error_fault(pa, true, "PA 0x%llx filtered out", (unsigned long long)pa);
	memcpy(buf, r->bytes + (pa - RAM_BASE), len);
	return NULL;
}

static inline void ram_init(struct ram *r)
{
	memset(r, 0, sizeof(*r));
	r->bytes = calloc(1, RAM_SIZE);
	r->next_free = RAM_BASE;
}

static inline void ram_fini(struct ram *r)
{
	free(r->bytes);
}

static inline uint64_t ram_alloc(struct ram *r, uint64_t bytes, uint64_t align)
{
	uint64_t pa = (r->next_free + align - 1) & ~(align - 1);

	r->next_free = pa + bytes;
	return pa;
}

static inline void ram_put(struct ram *r, uint64_t pa, uint64_t val)
{
	if (r->big_endian)
		val = __builtin_bswap64(val);
	memcpy(r->bytes + (pa - RAM_BASE), &val, 8);
}

static inline uint64_t ram_get(struct ram *r, uint64_t pa)
{
	uint64_t val;

	memcpy(&val, r->bytes + (pa - RAM_BASE), 8);
	return r->big_endian ? __builtin_bswap64(val) : val;
}

/* Bits of the input address resolved below a level: 3 + (4 - level) * (granule_shift - 3). */
static inline unsigned int t_shift(unsigned int granule_shift, int level)
{
	return 3 + (unsigned int)(4 - level) * (granule_shift - 3);
}

/*
 * Encode an output address into a descriptor. Without 52-bit formats OA[47:n]
 * sits in place; FEAT_LPA2 (DS=1) puts OA[51:50] in bits [9:8]; 64K with
 * FEAT_LPA puts OA[51:48] in bits [15:12].
 */
static inline uint64_t t_oa_bits(unsigned int granule_shift, bool lpa2, bool lpa64, uint64_t oa)
{
	if (lpa2)
		return (oa & 0x0003fffffffff000ULL) | (((oa >> 50) & 3) << 8);
	if (granule_shift == 16 && lpa64)
		return (oa & 0x0000ffffffff0000ULL) | (((oa >> 48) & 0xf) << 12);
	return oa & 0x0000fffffffff000ULL;
}

/* Stage-2 leaf attribute bits. */
#define T_VALID   (1ULL << 0)
#define T_TABLE   (1ULL << 1)  /* table (levels < 3) or page (level 3) */
#define T_R       (1ULL << 6)
#define T_W       (1ULL << 7)
#define T_SH_IS   (3ULL << 8)
#define T_AF      (1ULL << 10)
#define T_DBM     (1ULL << 51)
#define T_CONT    (1ULL << 52)
#define T_XN      (2ULL << 53) /* XN[1:0] = 0b10: no execution at any EL */
#define T_PXN     (1ULL << 53) /* XN[1:0] = 0b01 */
#define T_MEMATTR(x) ((uint64_t)(x) << 2)
#define T_SW(x)   ((uint64_t)(x) << 55)

struct mapper {
	struct ram *ram;
	struct s2_geometry geo; /* what the test believes (filled by hand, not by the code under test) */
	bool lpa64;
	uint64_t root;
};

/* Make the start-level table(s): concat tables, each a full granule, aligned to their total size. */
static inline void mapper_init(struct mapper *m, struct ram *r, unsigned int granule_shift, unsigned int ia_bits,
			       int start_level, unsigned int concat, bool lpa2, unsigned int oa_bits)
{
	uint64_t root_bytes = (uint64_t)concat << granule_shift;

	memset(m, 0, sizeof(*m));
	m->ram = r;
	m->geo.regime = S2_REGIME_STAGE2;
	m->geo.granule_shift = granule_shift;
	m->geo.ia_bits = ia_bits;
	m->geo.start_level = start_level;
	m->geo.concat = concat;
	m->geo.oa_bits = oa_bits;
	m->geo.lpa2 = lpa2;
	m->lpa64 = granule_shift == 16 && oa_bits == 52;
	m->root = ram_alloc(r, root_bytes, root_bytes);
}

/* Index of ia at a level; the start level spans all concatenated tables. */
static inline uint64_t mapper_index(const struct mapper *m, uint64_t ia, int level)
{
	unsigned int bits = m->geo.granule_shift - 3;

	if (level == m->geo.start_level)
		bits = m->geo.ia_bits - t_shift(m->geo.granule_shift, level);
	return (ia >> t_shift(m->geo.granule_shift, level)) & ((1ULL << bits) - 1);
}

/* Write a leaf (block or page) for ia at level; allocates tables on the way. Returns the leaf's PA. */
static inline uint64_t mapper_map(struct mapper *m, uint64_t ia, uint64_t oa, int level, uint64_t attrs)
{
	uint64_t table = m->root, entry;
	int l;

	for (l = m->geo.start_level; l < level; l++) {
		uint64_t desc;

		entry = table + mapper_index(m, ia, l) * 8;
		desc = ram_get(m->ram, entry);
		if (!(desc & T_VALID)) {
			uint64_t next = ram_alloc(m->ram, 1ULL << m->geo.granule_shift,
						  1ULL << m->geo.granule_shift);

			desc = t_oa_bits(m->geo.granule_shift, m->geo.lpa2, m->lpa64, next) | T_TABLE | T_VALID;
			ram_put(m->ram, entry, desc);
		}
		/* decode our own table address back (same layout as written above) */
		if (m->geo.lpa2)
			table = (desc & 0x0003fffffffff000ULL) | (((desc >> 8) & 3) << 50);
		else if (m->lpa64)
			table = (desc & 0x0000ffffffff0000ULL) | (((desc >> 12) & 0xf) << 48);
		else
			table = desc & 0x0000fffffffff000ULL;
	}
	entry = table + mapper_index(m, ia, level) * 8;
	ram_put(m->ram, entry, t_oa_bits(m->geo.granule_shift, m->geo.lpa2, m->lpa64, oa) | attrs | T_VALID |
				       (level == 3 ? T_TABLE : 0));
	return entry;
}

/* The PA of the entry for ia at level (the table must exist). */
static inline uint64_t mapper_entry(const struct mapper *m, uint64_t ia, int level)
{
	uint64_t table = m->root;

	for (int l = m->geo.start_level; l < level; l++) {
		uint64_t desc = ram_get(m->ram, table + mapper_index(m, ia, l) * 8);

		if (m->geo.lpa2)
			table = (desc & 0x0003fffffffff000ULL) | (((desc >> 8) & 3) << 50);
		else if (m->lpa64)
			table = (desc & 0x0000ffffffff0000ULL) | (((desc >> 12) & 0xf) << 48);
		else
			table = desc & 0x0000fffffffff000ULL;
	}
	return table + mapper_index(m, ia, level) * 8;
}

/*
 * Follow our own tables for ia: the first entry that is not a valid table
 * descriptor (or the level-3 entry). Returns its raw value, *level its level.
 */
static inline uint64_t mapper_probe(const struct mapper *m, uint64_t ia, int *level)
{
	uint64_t table = m->root, desc = 0;

	for (int l = m->geo.start_level; l <= 3; l++) {
		desc = ram_get(m->ram, table + mapper_index(m, ia, l) * 8);
		*level = l;
		if (l == 3 || (desc & 3) != 3)
			return desc;
		if (m->geo.lpa2)
			table = (desc & 0x0003fffffffff000ULL) | (((desc >> 8) & 3) << 50);
		else if (m->lpa64)
			table = (desc & 0x0000ffffffff0000ULL) | (((desc >> 12) & 0xf) << 48);
		else
			table = desc & 0x0000fffffffff000ULL;
	}
	return desc;
}

#endif
