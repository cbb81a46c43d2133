// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Geometry of a translation regime: granule, input size, start level,
 * concatenated start tables, output size. Vocabulary and checks follow the
 * ARM ARM (AArch64.S2InvalidSL, AArch64.S2InconsistentSL, the stage-2 TxSZ
 * limits); the level arithmetic is that of the kernel's kvm_granule_shift().
 */
#include "walk/walk_internal.h"

uint64_t s2_level_size(const struct s2_geometry *geo, int level)
{
	return 1ULL << s2_level_shift(geo->granule_shift, level);
}

unsigned int s2_table_entries(const struct s2_geometry *geo)
{
	return 1u << (geo->granule_shift - 3);
}

uint64_t s2_root_entries(const struct s2_geometry *geo)
{
	return 1ULL << (geo->ia_bits - s2_level_shift(geo->granule_shift, geo->start_level));
}

uint64_t s2_root_bytes(const struct s2_geometry *geo)
{
	return s2_root_entries(geo) * 8;
}

bool s2_block_allowed(const struct s2_geometry *geo, int level)
{
	return s2_block_allowed_inline(geo, level);
}

static bool valid_granule(unsigned int granule_shift)
{
	return granule_shift == 12 || granule_shift == 14 || granule_shift == 16;
}

static bool valid_pa_bits(unsigned int pa_bits)
{
	switch (pa_bits) {
	case 32: case 36: case 40: case 42: case 44: case 48: case 52:
		return true;
	}
	return false;
}

/* Number of concatenated start tables, or 0 if the start level can't cover ia_bits. */
static unsigned int concat_for(unsigned int granule_shift, unsigned int ia_bits, int start_level)
{
	unsigned int shift = s2_level_shift(granule_shift, start_level);
	unsigned int table_bits = granule_shift - 3;

	if (ia_bits <= shift)
		return 0;
	if (ia_bits - shift <= table_bits)
		return 1;
	if (ia_bits - shift > table_bits + 4) /* more than 16 tables */
		return 0;
	return 1u << (ia_bits - shift - table_bits);
}

struct s2_error *s2_geometry_from_pgtable(unsigned int ia_bits, int start_level,
					  unsigned int granule_shift, bool lpa2,
					  unsigned int oa_bits, struct s2_geometry *geo)
{
	unsigned int concat;

	if (!valid_granule(granule_shift))
		return s2_error_create(S2_ERROR_CORRUPT, "page shift %u is not 12, 14 or 16", granule_shift);
	if (!valid_pa_bits(oa_bits))
		return s2_error_create(S2_ERROR_CORRUPT, "PA size %u bits is not a PARange value", oa_bits);
	if (ia_bits < 25 || ia_bits > 52)
		return s2_error_create(S2_ERROR_CORRUPT, "kvm_pgtable.ia_bits %u outside 25..52", ia_bits);
	if (start_level < S2_LEVEL_MIN || start_level > S2_LEVEL_MAX)
		return s2_error_create(S2_ERROR_CORRUPT, "kvm_pgtable.start_level %d outside -1..3",
				       start_level);
	concat = concat_for(granule_shift, ia_bits, start_level);
	if (!concat)
		return s2_error_create(S2_ERROR_CORRUPT,
				       "kvm_pgtable.start_level %d cannot map ia_bits %u with %uK pages "
				       "in 1..16 concatenated tables",
				       start_level, ia_bits, 1u << (granule_shift - 10));
	*geo = (struct s2_geometry){
		.regime = S2_REGIME_STAGE2,
		.granule_shift = granule_shift,
		.ia_bits = ia_bits,
		.start_level = start_level,
		.concat = concat,
		.oa_bits = oa_bits,
		.lpa2 = lpa2 && granule_shift != 16,
	};
	return NULL;
}

struct s2_error *s2_geometry_stage1(unsigned int va_bits, unsigned int granule_shift, bool lpa2,
				    unsigned int oa_bits, struct s2_geometry *geo)
{
	unsigned int stride = granule_shift - 3, levels;

	if (!valid_granule(granule_shift))
		return s2_error_create(S2_ERROR_CORRUPT, "page shift %u is not 12, 14 or 16", granule_shift);
	if (!valid_pa_bits(oa_bits))
		return s2_error_create(S2_ERROR_CORRUPT, "PA size %u bits is not a PARange value", oa_bits);
	if (va_bits < 25 || va_bits > 52 || (va_bits > 48 && !lpa2 && granule_shift != 16))
		return s2_error_create(S2_ERROR_CORRUPT, "VA_BITS %u not possible with %uK pages%s",
				       va_bits, 1u << (granule_shift - 10), lpa2 ? " and LPA2" : "");
	/* Levels needed to resolve va_bits - granule_shift bits, stride bits each (ARM64_HW_PGTABLE_LEVELS). */
	levels = (va_bits - granule_shift + stride - 1) / stride;
	*geo = (struct s2_geometry){
		.regime = S2_REGIME_STAGE1_TTBR1,
		.granule_shift = granule_shift,
		.ia_bits = va_bits,
		.start_level = 4 - (int)levels,
		.concat = 1,
		.oa_bits = oa_bits,
		.lpa2 = lpa2 && granule_shift != 16,
		.hw_access_flag = true, /* kernel mappings have AF set; never an access-flag fault here */
	};
	return NULL;
}

/* VTCR_EL2 fields (ARM ARM, VTCR_EL2 register description). */
#define VTCR_T0SZ(v) ((unsigned int)((v) & 0x3f))
#define VTCR_SL0(v)  ((unsigned int)(((v) >> 6) & 3))
#define VTCR_TG0(v)  ((unsigned int)(((v) >> 14) & 3))
#define VTCR_PS(v)   ((unsigned int)(((v) >> 16) & 7))
#define VTCR_HA(v)   (((v) >> 21) & 1)
#define VTCR_DS(v)   (((v) >> 32) & 1)
#define VTCR_SL2(v)  (((v) >> 33) & 1)

static unsigned int ps_bits(unsigned int ps)
{
	static const unsigned int bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

	return bits[ps & 7];
}

struct s2_error *s2_geometry_from_vtcr(uint64_t vtcr, unsigned int pa_bits,
				       struct s2_geometry *geo, struct s2_fault *fault)
{
	unsigned int granule_shift, stride, ia_bits, sl0 = VTCR_SL0(vtcr), oa_bits;
	bool ds = VTCR_DS(vtcr), sl2 = VTCR_SL2(vtcr);
	int level;
	unsigned int start_size;

	s2_fault_set(fault, S2_FAULT_NONE, 0);
	if (!valid_pa_bits(pa_bits))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT,
				       "PA size %u bits is not a PARange value", pa_bits);
	switch (VTCR_TG0(vtcr)) {
	case 0: granule_shift = 12; break;
	case 2: granule_shift = 14; break;
	default: granule_shift = 16; break; /* 0b01, and the reserved 0b11 as the kernel's IMPDEF choice */
	}
	/* DS (52-bit descriptors) exists for 4K and 16K only, with a 52-bit PARange. */
	if (granule_shift == 16 || pa_bits < 52)
		ds = false;
	stride = granule_shift - 3;
	ia_bits = 64 - VTCR_T0SZ(vtcr);

	/* Start level from SL0 (and SL2 for 4K): 4K starts at 2 - SL0, 16K/64K at 3 - SL0. */
	if (granule_shift == 12)
		level = (sl2 && ds) ? (sl0 == 0 ? -1 : -2) : 2 - (int)sl0;
	else
		level = 3 - (int)sl0;

	/* AArch64.S2InvalidSL: start levels the implementation's PA size does not support. */
	switch (granule_shift) {
	case 12:
		if (level < -1 || (level == -1 && pa_bits < 52) || level == 3 /* needs FEAT_TTST */ ||
		    (level == 0 && pa_bits < 44))
			goto invalid;
		break;
	case 14:
		if ((level == 0 && (!ds || pa_bits < 52)) || (level == 1 && pa_bits < 42))
			goto invalid;
		break;
	case 16:
		if (level == 0 || (level == 1 && pa_bits < 44))
			goto invalid;
		break;
	}
	/* Input size limits: at most PAMax (not T0SZ: the seed review), 48 bits without 52-bit support. */
	if (ia_bits < 25 || ia_bits > pa_bits ||
	    (ia_bits > 48 && !(ds || (granule_shift == 16 && pa_bits == 52))))
		goto invalid;
	/* AArch64.S2InconsistentSL: the start level must resolve 1..stride+4 bits (<= 16 tables). */
	if (ia_bits <= (unsigned int)((3 - level) * (int)stride) + granule_shift)
		goto invalid;
	start_size = ia_bits - ((3 - level) * stride + granule_shift);
	if (start_size < 1 || start_size > stride + 4)
		goto invalid;

	oa_bits = ps_bits(VTCR_PS(vtcr));
	/* PS = 52 bits only with 64K + FEAT_LPA or with DS; otherwise it means 48. */
	if (oa_bits == 52 && !(ds || granule_shift == 16))
		oa_bits = 48;
	if (oa_bits > pa_bits)
		oa_bits = pa_bits;

	*geo = (struct s2_geometry){
		.regime = S2_REGIME_STAGE2,
		.granule_shift = granule_shift,
		.ia_bits = ia_bits,
		.start_level = level,
		.concat = concat_for(granule_shift, ia_bits, level),
		.oa_bits = oa_bits,
		.lpa2 = ds,
		.hw_access_flag = VTCR_HA(vtcr),
	};
	return NULL;

invalid:
	/* The kernel's nested walker (after the 2026 review) reports this at level 0. */
	s2_fault_set(fault, S2_FAULT_TRANSLATION, 0);
	return NULL;
}

void s2_fault_set(struct s2_fault *fault, enum s2_fault_type type, int level)
{
	/* ESR_ELx.xFSC: base | level for levels 0..3; level -1 has encodings of its own. */
	static const uint32_t base[] = {
		[S2_FAULT_NONE] = 0,
		[S2_FAULT_TRANSLATION] = 0x04,
		[S2_FAULT_ACCESS_FLAG] = 0x08,
		[S2_FAULT_PERMISSION] = 0x0c,
		[S2_FAULT_ADDRESS_SIZE] = 0x00,
		[S2_FAULT_SEA_WALK] = 0x14,
	};

	fault->type = type;
	fault->level = level;
	if (type == S2_FAULT_NONE)
		fault->fsc = 0;
	else if (level >= 0)
		fault->fsc = base[type] | (uint32_t)(level & 3);
	else if (type == S2_FAULT_TRANSLATION)
		fault->fsc = 0x2b;
	else if (type == S2_FAULT_ADDRESS_SIZE)
		fault->fsc = 0x29;
	else if (type == S2_FAULT_SEA_WALK)
		fault->fsc = 0x13;
	else
		fault->fsc = base[type]; /* no level -1 encoding exists for this type */
}

const char *s2_fault_type_name(enum s2_fault_type type)
{
	switch (type) {
	case S2_FAULT_NONE: return "no fault";
	case S2_FAULT_TRANSLATION: return "translation fault";
	case S2_FAULT_ACCESS_FLAG: return "access flag fault";
	case S2_FAULT_PERMISSION: return "permission fault";
	case S2_FAULT_ADDRESS_SIZE: return "address size fault";
	case S2_FAULT_SEA_WALK: return "external abort on table walk";
	}
	return "fault";
}
