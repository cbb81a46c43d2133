/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the walker's files: level arithmetic and descriptor loads. */
#ifndef S2DUMP_WALK_INTERNAL_H
#define S2DUMP_WALK_INTERNAL_H

#include <string.h>

#include "s2dump/walk.h"

/*
 * Lowest input-address bit resolved at a level: (granule_shift - 3) bits per
 * level above 3, like the kernel's ARM64_HW_PGTABLE_LEVEL_SHIFT().
 */
static inline unsigned int s2_level_shift(unsigned int granule_shift, int level)
{
	return (granule_shift - 3) * (unsigned int)(4 - level) + 3;
}

static inline uint64_t s2_load_desc(const struct s2_geometry *geo, const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return geo->big_endian ? __builtin_bswap64(v) : v;
}

static inline uint64_t s2_mask_bits(unsigned int hi, unsigned int lo)
{
	return ((hi >= 63) ? ~0ULL : ((1ULL << (hi + 1)) - 1)) & ~((1ULL << lo) - 1);
}

/* Output address of a table/page/block descriptor, per granule and format. */
static inline uint64_t s2_desc_oa(const struct s2_geometry *geo, uint64_t raw, unsigned int low_bit)
{
	uint64_t oa;

	if (geo->lpa2) {
		/* FEAT_LPA2: OA[49:low] in place, OA[51:50] in desc[9:8]. */
		oa = raw & s2_mask_bits(49, low_bit);
		oa |= ((raw >> 8) & 3) << 50;
	} else {
		oa = raw & s2_mask_bits(47, low_bit);
		/* 64K with FEAT_LPA: OA[51:48] in desc[15:12]. */
		if (geo->granule_shift == 16 && geo->oa_bits == 52)
			oa |= ((raw >> 12) & 0xf) << 48;
	}
	return oa;
}

/* Blocks per level (kept in sync with s2_block_allowed(), which calls this). */
static inline bool s2_block_allowed_inline(const struct s2_geometry *geo, int level)
{
	switch (geo->granule_shift) {
	case 12: /* 4K: 1G and 2M blocks; 512G at level 0 only with 52-bit (DS) descriptors */
		return level == 1 || level == 2 || (level == 0 && geo->lpa2);
	case 14: /* 16K: 32M blocks; 64G at level 1 only with DS */
		return level == 2 || (level == 1 && geo->lpa2);
	case 16: /* 64K: 512M blocks; 4T at level 1 only with 52-bit OA (FEAT_LPA) */
		return level == 2 || (level == 1 && geo->oa_bits == 52);
	}
	return false;
}

/* The decode itself, inline: the walk calls it for every descriptor. */
static inline void s2_desc_decode_inline(const struct s2_geometry *geo, int level, uint64_t raw,
					 struct s2_desc *out)
{
	enum s2_desc_kind kind;
	unsigned int low_bit = geo->granule_shift;

	if (!(raw & 1))
		kind = S2_DESC_INVALID;
	else if (level == S2_LEVEL_MAX)
		kind = (raw & 2) ? S2_DESC_PAGE : S2_DESC_RESERVED;
	else if (raw & 2)
		kind = S2_DESC_TABLE;
	else
		kind = s2_block_allowed_inline(geo, level) ? S2_DESC_BLOCK : S2_DESC_RESERVED;
	if (kind == S2_DESC_BLOCK || (kind == S2_DESC_RESERVED && level < S2_LEVEL_MAX))
		low_bit = s2_level_shift(geo->granule_shift, level);
	if (low_bit > 49)
		low_bit = 49;

	out->raw = raw;
	out->kind = kind;
	out->oa = s2_desc_oa(geo, raw, low_bit);
	out->memattr = (raw >> 2) & 0xf;
	out->s2ap = (raw >> 6) & 3;
	out->sh = geo->lpa2 ? 0 : (raw >> 8) & 3;
	out->af = (raw >> 10) & 1;
	out->dbm = (raw >> 51) & 1;
	out->contiguous = (raw >> 52) & 1;
	out->xn = (raw >> 53) & 3;
	out->sw = (raw >> 55) & 0xf;
}

#endif
