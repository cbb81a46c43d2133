// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Geometry from VTCR_EL2, from struct kvm_pgtable values and for stage 1.
 * Every expectation is worked out by hand from the ARM ARM's rules (comment
 * per case): start level from SL0 (4K: 2 - SL0; 16K/64K: 3 - SL0), the
 * start level resolves ia - ((3 - level) * stride + granule) bits, which
 * must be 1..stride+4 (at most 16 concatenated tables), the S2InvalidSL
 * limits follow the implemented PA size, and invalid configurations are a
 * translation fault at level 0 (the kernel's nested walker).
 */
#include "s2dump/walk.h"
#include "unit/check.h"

#define TG0_4K  (0ULL << 14)
#define TG0_64K (1ULL << 14)
#define TG0_16K (2ULL << 14)
#define TG0_RES (3ULL << 14)
#define SL0(x)  ((uint64_t)(x) << 6)
#define PS(x)   ((uint64_t)(x) << 16)
#define T0SZ(ia) ((uint64_t)(64 - (ia)))
#define HA      (1ULL << 21)
#define DS      (1ULL << 32)
#define SL2     (1ULL << 33)

struct vtcr_case {
	const char *name;
	uint64_t vtcr;
	unsigned int pa_bits;
	bool faults;
	unsigned int granule_shift, ia_bits, concat, oa_bits;
	int start_level;
	bool lpa2, ha;
};

static const struct vtcr_case vtcr_cases[] = {
	/* KVM's default 40-bit IPA, 4K: 2 levels below L1 resolve 30 bits, L1 resolves 40-30 = 10 bits
	 * = 2 tables of 512. PS=0b010 is 40 bits. */
	{ "4K ipa40 SL0=1 (L1) concat 2", T0SZ(40) | SL0(1) | TG0_4K | PS(2), 48, false, 12, 40, 2, 40, 1, false, false },
	/* 48-bit IPA from L0: L0 resolves 48-39 = 9 bits = 1 table. PS=0b101 = 48. */
	{ "4K ipa48 SL0=2 (L0)", T0SZ(48) | SL0(2) | TG0_4K | PS(5), 48, false, 12, 48, 1, 48, 0, false, false },
	/* 48-bit IPA from L1 would need 48-30 = 18 bits > 9+4: inconsistent. */
	{ "4K ipa48 from L1 has too many tables", T0SZ(48) | SL0(1) | TG0_4K | PS(5), 48, true, 0, 0, 0, 0, 0, false, false },
	/* L0 start needs PAMax >= 44 (S2InvalidSL: '0 10' when PAMax < 44). */
	{ "4K L0 start with PARange 40", T0SZ(40) | SL0(2) | TG0_4K | PS(2), 40, true, 0, 0, 0, 0, 0, false, false },
	/* SL0=0b11 (level 3) needs FEAT_TTST. */
	{ "4K SL0=3 without TTST", T0SZ(25) | SL0(3) | TG0_4K, 48, true, 0, 0, 0, 0, 0, false, false },
	/* 39-bit IPA from L1: 39-30 = 9 bits = one table. HA copied. */
	{ "4K ipa39 L1 with HA", T0SZ(39) | SL0(1) | TG0_4K | PS(5) | HA, 48, false, 12, 39, 1, 48, 1, false, true },
	/* 32-bit IPA from L2: 32 - 21 = 11 bits = 4 tables (kernel's ipa32 VM). */
	{ "4K ipa32 L2 concat 4", T0SZ(32) | SL0(0) | TG0_4K | PS(0), 48, false, 12, 32, 4, 32, 2, false, false },
	/* IPA larger than PAMax: input size limited by PARange, not T0SZ. */
	{ "4K ipa44 with PARange 40", T0SZ(44) | SL0(1) | TG0_4K | PS(2), 40, true, 0, 0, 0, 0, 0, false, false },
	/* T0SZ=40: 24-bit IPA is below the 25-bit minimum. */
	{ "4K ipa24 too small", T0SZ(24) | SL0(0) | TG0_4K, 48, true, 0, 0, 0, 0, 0, false, false },
	/* 52-bit with DS: SL2=1, SL0=0 is level -1; -1 resolves 52 - (4*9+12) = 4 bits: 16 entries. */
	{ "4K LPA2 ipa52 L-1", T0SZ(52) | SL0(0) | SL2 | DS | TG0_4K | PS(6), 52, false, 12, 52, 1, 52, -1, true, false },
	/* DS without PARange 52 is not in effect; PS=52 then means 48 bits for 4K. */
	{ "4K PS=52 without DS caps to 48", T0SZ(48) | SL0(2) | TG0_4K | PS(6), 52, false, 12, 48, 1, 48, 0, false, false },
	/* Output size is min(PS, PARange). */
	{ "4K PS=48 with PARange 44", T0SZ(40) | SL0(1) | TG0_4K | PS(5), 44, false, 12, 40, 2, 44, 1, false, false },
	/* 16K ipa36 from L2: 36 - (11+14) = 11 bits = one table of 2048. */
	{ "16K ipa36 L2", T0SZ(36) | SL0(1) | TG0_16K | PS(1), 48, false, 14, 36, 1, 36, 2, false, false },
	/* 16K ipa40 from L2: 40 - 25 = 15 bits = 16 tables, the maximum. */
	{ "16K ipa40 L2 concat 16", T0SZ(40) | SL0(1) | TG0_16K | PS(2), 48, false, 14, 40, 16, 40, 2, false, false },
	/* 16K ipa41 from L2 would be 32 tables. */
	{ "16K ipa41 L2 too many tables", T0SZ(41) | SL0(1) | TG0_16K | PS(2), 48, true, 0, 0, 0, 0, 0, false, false },
	/* 16K L1 (SL0=2) needs PAMax >= 42. */
	{ "16K L1 with PARange 40", T0SZ(40) | SL0(2) | TG0_16K | PS(2), 40, true, 0, 0, 0, 0, 0, false, false },
	/* 16K ipa47 from L1: 47 - (2*11+14) = 11 bits. */
	{ "16K ipa47 L1", T0SZ(47) | SL0(2) | TG0_16K | PS(5), 48, false, 14, 47, 1, 48, 1, false, false },
	/* 16K SL0=3 (level 0) only with DS. */
	{ "16K L0 without DS", T0SZ(48) | SL0(3) | TG0_16K | PS(5), 48, true, 0, 0, 0, 0, 0, false, false },
	/* 64K ipa42 from L2: 42 - (13+16) = 13 bits = one table of 8192. */
	{ "64K ipa42 L2", T0SZ(42) | SL0(1) | TG0_64K | PS(3), 48, false, 16, 42, 1, 42, 2, false, false },
	/* 64K ipa44 from L2: 44 - 29 = 15 bits = 4 tables. */
	{ "64K ipa44 L2 concat 4", T0SZ(44) | SL0(1) | TG0_64K | PS(4), 48, false, 16, 44, 4, 44, 2, false, false },
	/* 64K L1 needs PAMax >= 44. */
	{ "64K L1 with PARange 42", T0SZ(42) | SL0(2) | TG0_64K | PS(3), 42, true, 0, 0, 0, 0, 0, false, false },
	/* 64K 52-bit IPA with FEAT_LPA: L1 resolves 52 - (2*13+16) = 10 bits; PS=52 honoured. */
	{ "64K LPA ipa52 L1", T0SZ(52) | SL0(2) | TG0_64K | PS(6), 52, false, 16, 52, 1, 52, 1, false, false },
	/* 64K SL0=3 is reserved. */
	{ "64K SL0=3 reserved", T0SZ(48) | SL0(3) | TG0_64K | PS(5), 48, true, 0, 0, 0, 0, 0, false, false },
	/* Reserved TG0=0b11: the kernel's IMPDEF choice is 64K. */
	{ "reserved TG0 treated as 64K", T0SZ(42) | SL0(1) | TG0_RES | PS(3), 48, false, 16, 42, 1, 42, 2, false, false },
};

static void test_vtcr(void)
{
	for (size_t i = 0; i < sizeof(vtcr_cases) / sizeof(vtcr_cases[0]); i++) {
		const struct vtcr_case *c = &vtcr_cases[i];
		struct s2_geometry g;
		struct s2_fault f;
		struct s2_error *err = s2_geometry_from_vtcr(c->vtcr, c->pa_bits, &g, &f);

		if (!CHECK(err == NULL, "vtcr %s: no argument error", c->name)) {
			s2_error_destroy(err);
			continue;
		}
		if (c->faults) {
			CHECK(f.type == S2_FAULT_TRANSLATION && f.level == 0 && f.fsc == 0x04,
			      "vtcr %s: translation fault at level 0 (FSC 0x04), got type %d level %d fsc 0x%x",
			      c->name, f.type, f.level, f.fsc);
			continue;
		}
		if (!CHECK(f.type == S2_FAULT_NONE, "vtcr %s: accepted (fault type %d)", c->name, f.type))
			continue;
		CHECK(g.granule_shift == c->granule_shift && g.ia_bits == c->ia_bits &&
		      g.start_level == c->start_level && g.concat == c->concat && g.oa_bits == c->oa_bits &&
		      g.lpa2 == c->lpa2 && g.hw_access_flag == c->ha && g.regime == S2_REGIME_STAGE2,
		      "vtcr %s: granule %u ia %u start %d concat %u oa %u lpa2 %d ha %d "
		      "(got %u %u %d %u %u %d %d)",
		      c->name, c->granule_shift, c->ia_bits, c->start_level, c->concat, c->oa_bits, c->lpa2,
		      c->ha, g.granule_shift, g.ia_bits, g.start_level, g.concat, g.oa_bits, g.lpa2,
		      g.hw_access_flag);
	}
	{
		struct s2_geometry g;
		struct s2_fault f;
		struct s2_error *err = s2_geometry_from_vtcr(T0SZ(40) | SL0(1), 41, &g, &f);

		CHECK(err && err->code == S2_ERROR_INVALID_ARGUMENT,
		      "vtcr: a PA size that is no PARange value is an argument error");
		s2_error_destroy(err);
	}
}

static void test_pgtable(void)
{
	struct s2_geometry g;
	struct s2_error *err;

	/* kvm_pgd_pages(40, 1) with 4K: (2^40 - 1) >> 39 ... = 2 pages. */
	err = s2_geometry_from_pgtable(40, 1, 12, false, 48, &g);
	CHECK(!err && g.concat == 2 && g.ia_bits == 40 && g.start_level == 1 && g.oa_bits == 48 &&
	      s2_root_entries(&g) == 1024 && s2_root_bytes(&g) == 8192,
	      "pgtable 4K ipa40 L1: 2 concatenated tables, 1024 entries, 8K root");
	s2_error_destroy(err);
	/* 48-bit from L0: one table. */
	err = s2_geometry_from_pgtable(48, 0, 12, false, 48, &g);
	CHECK(!err && g.concat == 1 && s2_root_entries(&g) == 512, "pgtable 4K ipa48 L0: one table");
	s2_error_destroy(err);
	/* 36-bit from L1 with 4K: 36 - 30 = 6 bits: a 64-entry root, smaller than a page. */
	err = s2_geometry_from_pgtable(36, 1, 12, false, 48, &g);
	CHECK(!err && g.concat == 1 && s2_root_entries(&g) == 64 && s2_root_bytes(&g) == 512,
	      "pgtable 4K ipa36 L1: 64 entries, a 512-byte root");
	s2_error_destroy(err);
	/* 52-bit LPA2 4K from L0: 52 - 39 = 13 bits = 16 tables (the kernel never uses level -1). */
	err = s2_geometry_from_pgtable(52, 0, 12, true, 52, &g);
	CHECK(!err && g.concat == 16 && g.lpa2, "pgtable 4K LPA2 ipa52 L0: 16 concatenated tables");
	s2_error_destroy(err);
	err = s2_geometry_from_pgtable(48, 2, 12, false, 48, &g);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "start_level"),
	      "pgtable: ipa48 from L2 (2^18 tables) is corrupt, naming start_level: %s",
	      err ? err->message : "no error");
	s2_error_destroy(err);
	err = s2_geometry_from_pgtable(200, 1, 12, false, 48, &g);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "ia_bits"),
	      "pgtable: ia_bits 200 is corrupt, naming ia_bits");
	s2_error_destroy(err);
	err = s2_geometry_from_pgtable(40, 9, 12, false, 48, &g);
	CHECK(err && err->code == S2_ERROR_CORRUPT, "pgtable: start_level 9 is corrupt");
	s2_error_destroy(err);
	err = s2_geometry_from_pgtable(40, 1, 13, false, 48, &g);
	CHECK(err && err->code == S2_ERROR_CORRUPT, "pgtable: page shift 13 is corrupt");
	s2_error_destroy(err);
}

static void test_stage1(void)
{
	static const struct { unsigned int va, g; bool lpa2; int start; } cases[] = {
		/* levels = ceil((va - granule) / (granule - 3)) = ARM64_HW_PGTABLE_LEVELS; start = 4 - levels */
		{ 48, 12, false, 0 },  /* 36/9 = 4 levels */
		{ 39, 12, false, 1 },  /* 27/9 = 3 */
		{ 52, 12, true, -1 },  /* 40/9 -> 5 */
		{ 48, 14, false, 0 },  /* 34/11 -> 4 */
		{ 47, 14, false, 1 },  /* 33/11 = 3 */
		{ 52, 14, true, 0 },   /* 38/11 -> 4 */
		{ 42, 16, false, 2 },  /* 26/13 = 2 */
		{ 48, 16, false, 1 },  /* 32/13 -> 3 */
		{ 52, 16, false, 1 },  /* 36/13 -> 3 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct s2_geometry g;
		struct s2_error *err = s2_geometry_stage1(cases[i].va, cases[i].g, cases[i].lpa2, 52, &g);

		CHECK(!err && g.start_level == cases[i].start && g.ia_bits == cases[i].va &&
		      g.regime == S2_REGIME_STAGE1_TTBR1,
		      "stage1 VA_BITS %u %uK%s starts at level %d (got %d)", cases[i].va,
		      1u << (cases[i].g - 10), cases[i].lpa2 ? " LPA2" : "", cases[i].start,
		      err ? 99 : g.start_level);
		s2_error_destroy(err);
	}
}

static void test_level_sizes(void)
{
	struct s2_geometry g4 = { .granule_shift = 12 }, g16 = { .granule_shift = 14 }, g64 = { .granule_shift = 16 };

	CHECK(s2_level_size(&g4, 3) == 4096 && s2_level_size(&g4, 2) == (2ULL << 20) &&
	      s2_level_size(&g4, 1) == (1ULL << 30) && s2_level_size(&g4, 0) == (512ULL << 30) &&
	      s2_level_size(&g4, -1) == (256ULL << 40),
	      "4K level sizes 4K/2M/1G/512G/256T");
	CHECK(s2_level_size(&g16, 3) == 16384 && s2_level_size(&g16, 2) == (32ULL << 20) &&
	      s2_level_size(&g16, 1) == (64ULL << 30) && s2_level_size(&g16, 0) == (128ULL << 40),
	      "16K level sizes 16K/32M/64G/128T");
	CHECK(s2_level_size(&g64, 3) == 65536 && s2_level_size(&g64, 2) == (512ULL << 20) &&
	      s2_level_size(&g64, 1) == (4ULL << 40),
	      "64K level sizes 64K/512M/4T");
	CHECK(s2_table_entries(&g4) == 512 && s2_table_entries(&g16) == 2048 && s2_table_entries(&g64) == 8192,
	      "entries per table 512/2048/8192");
}

static void test_blocks_allowed(void)
{
	struct s2_geometry g = { .granule_shift = 12, .oa_bits = 48 };

	CHECK(!s2_block_allowed(&g, 0) && s2_block_allowed(&g, 1) && s2_block_allowed(&g, 2) &&
	      !s2_block_allowed(&g, 3), "4K: blocks at levels 1 and 2 only");
	g.lpa2 = true;
	CHECK(s2_block_allowed(&g, 0), "4K with LPA2: 512G blocks at level 0");
	g = (struct s2_geometry){ .granule_shift = 14, .oa_bits = 48 };
	CHECK(!s2_block_allowed(&g, 1) && s2_block_allowed(&g, 2), "16K: blocks at level 2 only");
	g.lpa2 = true;
	CHECK(s2_block_allowed(&g, 1), "16K with LPA2: 64G blocks at level 1");
	g = (struct s2_geometry){ .granule_shift = 16, .oa_bits = 48 };
	CHECK(!s2_block_allowed(&g, 1) && s2_block_allowed(&g, 2), "64K: blocks at level 2 only");
	g.oa_bits = 52;
	CHECK(s2_block_allowed(&g, 1), "64K with 52-bit OA: 4T blocks at level 1");
}

static void test_fault_codes(void)
{
	struct s2_fault f;

	s2_fault_set(&f, S2_FAULT_TRANSLATION, 3);
	CHECK(f.fsc == 0x07, "translation fault L3 FSC 0b000111");
	s2_fault_set(&f, S2_FAULT_TRANSLATION, -1);
	CHECK(f.fsc == 0x2b, "translation fault L-1 FSC 0b101011");
	s2_fault_set(&f, S2_FAULT_ADDRESS_SIZE, 0);
	CHECK(f.fsc == 0x00, "address size fault L0 FSC 0b000000");
	s2_fault_set(&f, S2_FAULT_ADDRESS_SIZE, -1);
	CHECK(f.fsc == 0x29, "address size fault L-1 FSC 0b101001");
	s2_fault_set(&f, S2_FAULT_ACCESS_FLAG, 2);
	CHECK(f.fsc == 0x0a, "access flag fault L2 FSC 0b001010");
	s2_fault_set(&f, S2_FAULT_PERMISSION, 1);
	CHECK(f.fsc == 0x0d, "permission fault L1 FSC 0b001101");
	s2_fault_set(&f, S2_FAULT_SEA_WALK, 2);
	CHECK(f.fsc == 0x16, "external abort on walk L2 FSC 0b010110");
	s2_fault_set(&f, S2_FAULT_SEA_WALK, -1);
	CHECK(f.fsc == 0x13, "external abort on walk L-1 FSC 0b010011");
}

int main(void)
{
	test_vtcr();
	test_pgtable();
	test_stage1();
	test_level_sizes();
	test_blocks_allowed();
	test_fault_codes();
	return check_summary();
}
