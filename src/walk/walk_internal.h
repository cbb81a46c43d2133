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

#endif
