// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One input address through the tables, the way the MMU resolves it
 * (ARM ARM AArch64.S2Walk / AArch64.S1Walk, and the kernel's
 * walk_nested_s2_pgd() which follows them): output address and the final
 * descriptor, or the fault type and level the hardware would report.
 */
#include <inttypes.h>
#include <stdio.h>

#include "walk/walk_internal.h"

static void fault(struct s2_translation *out, enum s2_fault_type type, int level)
{
	s2_fault_set(&out->fault, type, level);
	out->level = level;
}

static bool beyond_oa(const struct s2_geometry *geo, uint64_t pa)
{
	return geo->oa_bits < 64 && (pa >> geo->oa_bits) != 0;
}

struct s2_error *s2_translate(const struct s2_geometry *geo, uint64_t root_pa,
			      const struct s2_mem *mem, uint64_t ia, struct s2_translation *out)
{
	uint64_t table_pa = root_pa, ia_limit;
	int level;

	if (!geo || !mem || !mem->read || !out)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "s2_translate: missing argument");
	*out = (struct s2_translation){ 0 };
	ia_limit = 1ULL << geo->ia_bits;
	if (geo->regime == S2_REGIME_STAGE1_TTBR1)
		ia &= ia_limit - 1;
	else if (ia >= ia_limit) {
		/* Input address beyond the configured size: translation fault at level 0. */
		fault(out, S2_FAULT_TRANSLATION, 0);
		return NULL;
	}
	/* A base address beyond the output size is an address size fault at level 0 (R_BFHQH). */
	if (beyond_oa(geo, root_pa)) {
		fault(out, S2_FAULT_ADDRESS_SIZE, 0);
		out->desc_pa = root_pa;
		return NULL;
	}

	for (level = geo->start_level; level <= S2_LEVEL_MAX; level++) {
		unsigned int shift = s2_level_shift(geo->granule_shift, level);
		uint64_t index, raw, desc_pa;
		unsigned char bytes[8];
		struct s2_error *err;

		/* At the start level the index spans all concatenated tables. */
		if (level == geo->start_level)
			index = (ia >> shift) & (s2_root_entries(geo) - 1);
		else
			index = (ia >> shift) & (s2_table_entries(geo) - 1);
		desc_pa = table_pa + index * 8;
		out->desc_pa = desc_pa;
		err = mem->read(mem->ctx, desc_pa, bytes, sizeof(bytes));
		if (err) {
			if (err->code != S2_ERROR_FAULT)
				return err;
			snprintf(out->read_error, sizeof(out->read_error), "%.159s", err->message);
			s2_error_destroy(err);
			out->desc_pa = table_pa;
			fault(out, S2_FAULT_SEA_WALK, level);
			return NULL;
		}
		raw = s2_load_desc(geo, bytes);
		s2_desc_decode(geo, level, raw, &out->desc);
		switch (out->desc.kind) {
		case S2_DESC_INVALID:
		case S2_DESC_RESERVED:
			fault(out, S2_FAULT_TRANSLATION, level);
			return NULL;
		case S2_DESC_TABLE:
			if (beyond_oa(geo, out->desc.oa)) {
				fault(out, S2_FAULT_ADDRESS_SIZE, level);
				return NULL;
			}
			table_pa = out->desc.oa;
			continue;
		case S2_DESC_BLOCK:
		case S2_DESC_PAGE:
			out->level = level;
			out->block_size = 1ULL << shift;
			out->oa = out->desc.oa | (ia & (out->block_size - 1));
			if (beyond_oa(geo, out->desc.oa)) {
				fault(out, S2_FAULT_ADDRESS_SIZE, level);
				return NULL;
			}
			if (!out->desc.af && !geo->hw_access_flag)
				fault(out, S2_FAULT_ACCESS_FLAG, level);
			return NULL;
		}
	}
	/* Not reached: level 3 never yields a table. */
	fault(out, S2_FAULT_TRANSLATION, S2_LEVEL_MAX);
	return NULL;
}
