// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walk and translate over hand-built tables: every granule x start level x
 * concatenation x 52-bit format, block and page leaves, every attribute,
 * every fault, problems (unreadable table, cycle, address out of range).
 * Tables are written by tests/walk/tables.h from the architecture's bit
 * layout; expected addresses and levels are worked out in the comments.
 */
#include <inttypes.h>

#include "s2dump/walk.h"
#include "unit/check.h"
#include "walk/tables.h"

#define MAX_SEEN 64

struct seen {
	unsigned int n;
	struct s2_walk_entry e[MAX_SEEN];
	uint64_t covered;       /* sum of sizes of every LEAF/PROBLEM */
	uint64_t next_ia;       /* entries must come in ascending, gap-free order */
	bool ordered;
	unsigned int stop_after; /* return &s2_error_stop after this many entries (0: never) */
	unsigned int total;
};

static struct s2_error *collect(void *arg, const struct s2_walk_entry *e)
{
	struct seen *s = arg;

	if (e->event != S2_WALK_TABLE) {
		if (e->ia != s->next_ia)
			s->ordered = false;
		s->next_ia = e->ia + e->size;
		s->covered += e->size;
	}
	if (s->n < MAX_SEEN && (e->event != S2_WALK_LEAF || (e->desc.raw & 1)))
		s->e[s->n++] = *e;
	s->total++;
	if (s->stop_after && s->total >= s->stop_after)
		return &s2_error_stop;
	return NULL;
}

static struct s2_error *walk_all(const struct mapper *m, struct ram *r, unsigned int flags, struct seen *s)
{
	struct s2_mem mem = { ram_read, r };
	struct s2_walker w = { collect, s, flags, 0 };

	memset(s, 0, sizeof(*s));
	s->ordered = true;
	return s2_walk(&m->geo, m->root, &mem, 0, 1ULL << m->geo.ia_bits, &w);
}

static struct s2_translation translate(const struct mapper *m, struct ram *r, uint64_t ia)
{
	struct s2_mem mem = { ram_read, r };
	struct s2_translation t;
	struct s2_error *err = s2_translate(&m->geo, m->root, &mem, ia, &t);

	CHECK(err == NULL, "translate 0x%" PRIx64 " returns no error", ia);
	s2_error_destroy(err);
	return t;
}

struct config {
	const char *name;
	unsigned int granule_shift, ia_bits, concat, oa_bits;
	int start_level;
	bool lpa2;
};

/* concat = 2^(ia - shift(start) - (granule - 3)) when above one table, worked out per line. */
static const struct config configs[] = {
	{ "4K ipa40 L1 x2", 12, 40, 2, 48, 1, false },      /* 40-30 = 10 bits: 2 x 512 */
	{ "4K ipa48 L0", 12, 48, 1, 48, 0, false },         /* 48-39 = 9 */
	{ "4K ipa39 L1", 12, 39, 1, 48, 1, false },         /* 39-30 = 9 */
	{ "4K ipa32 L2 x4", 12, 32, 4, 48, 2, false },      /* 32-21 = 11: 4 x 512 */
	{ "4K ipa36 L1 (64 entries)", 12, 36, 1, 48, 1, false }, /* 36-30 = 6: 64 entries */
	{ "4K LPA2 ipa52 L0 x16", 12, 52, 16, 52, 0, true }, /* 52-39 = 13: 16 x 512 */
	{ "4K LPA2 ipa52 L-1", 12, 52, 1, 52, -1, true },   /* 52-48 = 4: 16 entries */
	{ "16K ipa36 L2", 14, 36, 1, 48, 2, false },        /* 36-25 = 11 */
	{ "16K ipa40 L2 x16", 14, 40, 16, 48, 2, false },   /* 40-25 = 15: 16 x 2048 */
	{ "16K ipa47 L1", 14, 47, 1, 48, 1, false },        /* 47-36 = 11 */
	{ "16K LPA2 ipa52 L0", 14, 52, 1, 52, 0, true },    /* 52-47 = 5: 32 entries */
	{ "64K ipa42 L2", 16, 42, 1, 48, 2, false },        /* 42-29 = 13 */
	{ "64K ipa44 L2 x4", 16, 44, 4, 48, 2, false },     /* 44-29 = 15: 4 x 8192 */
	{ "64K ipa48 L1", 16, 48, 1, 48, 1, false },        /* 48-42 = 6: 64 entries */
	{ "64K LPA ipa52 L1", 16, 52, 1, 52, 1, false },    /* 52-42 = 10: 1024 entries */
};

static void test_config(const struct config *c)
{
	struct ram r;
	struct mapper m;
	struct seen s;
	struct s2_translation t;
	unsigned int g = c->granule_shift;
	uint64_t block_size = 1ULL << t_shift(g, 2), page = 1ULL << g;
	/* The page sits in the top half of the input space: the last concatenated table. */
	uint64_t ipa_page = (1ULL << (c->ia_bits - 1)) + (1ULL << (c->ia_bits - 2)) + 3 * page;
	uint64_t ipa_block = 5 * block_size;
	/* Output addresses near the top of the OA space exercise the 52-bit encodings. */
	uint64_t oa_page = (1ULL << (c->oa_bits - 1)) | (0x2aULL << g);
	uint64_t oa_block = (1ULL << (c->oa_bits - 2)) | (7 * block_size);
	struct s2_error *err;

	ram_init(&r);
	mapper_init(&m, &r, g, c->ia_bits, c->start_level, c->concat, c->lpa2, c->oa_bits);
	mapper_map(&m, ipa_page, oa_page, 3, T_R | T_W | T_AF | T_MEMATTR(0xf));
	mapper_map(&m, ipa_block, oa_block, 2, T_R | T_AF | T_XN | T_MEMATTR(0xf));

	err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
	CHECK(!err, "%s: walk succeeds", c->name);
	s2_error_destroy(err);
	CHECK(s.n == 2 && s.e[0].ia == ipa_block && s.e[0].size == block_size && s.e[0].level == 2 &&
	      s.e[0].desc.kind == S2_DESC_BLOCK && s.e[0].desc.oa == oa_block &&
	      s.e[1].ia == ipa_page && s.e[1].size == page && s.e[1].level == 3 &&
	      s.e[1].desc.kind == S2_DESC_PAGE && s.e[1].desc.oa == oa_page,
	      "%s: walk finds the block (IPA 0x%" PRIx64 " -> 0x%" PRIx64 ") then the page "
	      "(IPA 0x%" PRIx64 " -> 0x%" PRIx64 ")", c->name, ipa_block, oa_block, ipa_page, oa_page);

	err = walk_all(&m, &r, 0, &s);
	s2_error_destroy(err);
	CHECK(s.ordered && s.covered == (1ULL << c->ia_bits) && s.next_ia == (1ULL << c->ia_bits),
	      "%s: leaves incl. invalid ones cover [0, 2^%u) once, in order", c->name, c->ia_bits);

	/*
	 * A block at every other level that allows one (ARM ARM: 4K L1/L2, L0 with DS; 16K L2, L1 with
	 * DS; 64K L2, L1 with 52-bit OA), in the third quarter of the input space, 2 blocks up.
	 */
	for (int level = c->start_level; level < 2; level++) {
		bool allowed = (g == 12 && (level == 1 || (level == 0 && c->lpa2))) ||
			       (g == 14 && level == 1 && c->lpa2) || (g == 16 && level == 1 && c->oa_bits == 52);
		uint64_t bsize = 1ULL << t_shift(g, level), ia = (1ULL << (c->ia_bits - 1)) + 2 * bsize;
		uint64_t oa = 5 * bsize;
		unsigned int found = 0;

		if (!allowed || level < 0 || ia + bsize > (1ULL << (c->ia_bits - 1)) + (1ULL << (c->ia_bits - 2)))
			continue;
		mapper_map(&m, ia, oa, level, T_R | T_W | T_AF);
		err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
		s2_error_destroy(err);
		for (unsigned int i = 0; i < s.n; i++)
			found += s.e[i].ia == ia && s.e[i].size == bsize && s.e[i].level == level &&
				 s.e[i].desc.kind == S2_DESC_BLOCK && s.e[i].desc.oa == oa;
		CHECK(found == 1, "%s: level-%d block (%" PRIu64 "M) at IPA 0x%" PRIx64 " found by the walk", c->name,
		      level, bsize >> 20, ia);
		t = translate(&m, &r, ia + bsize - 8);
		CHECK(t.fault.type == S2_FAULT_NONE && t.level == level && t.oa == oa + bsize - 8,
		      "%s: level-%d block translates its last byte", c->name, level);
	}

	t = translate(&m, &r, ipa_page + 0x123);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == oa_page + 0x123 && t.level == 3 && t.block_size == page,
	      "%s: page translates to 0x%" PRIx64 " at level 3", c->name, oa_page + 0x123);
	t = translate(&m, &r, ipa_block + 0x4567);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == oa_block + 0x4567 && t.level == 2 &&
	      t.desc.xn == 2 && t.desc.s2ap == 1,
	      "%s: block translates to 0x%" PRIx64 " at level 2, read-only, XN", c->name, oa_block + 0x4567);
	/* IPA 0x...1000 below the block's table: the start-level entry of the top quarter... is empty
	 * for the second quarter of the space: a translation fault at the start level. */
	t = translate(&m, &r, 1ULL << (c->ia_bits - 2));
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == c->start_level,
	      "%s: an unmapped start-level slot faults at level %d (got %d)", c->name, c->start_level, t.level);
	ram_fini(&r);
}

/* Attribute decode, one page with every field set, 4K ipa40 (L1, two root tables). */
static void test_attributes(void)
{
	struct ram r;
	struct mapper m;
	struct s2_translation t;
	struct s2_desc d;
	uint64_t raw;

	ram_init(&r);
	mapper_init(&m, &r, 12, 40, 1, 2, false, 48);
	mapper_map(&m, 0x80000000, 0x123456000, 3,
		   T_MEMATTR(0x5) | T_R | T_W | T_SH_IS | T_AF | T_DBM | T_CONT | (3ULL << 53) | T_SW(0x9));
	t = translate(&m, &r, 0x80000fff);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x123456fff, "attributes: page translates");
	CHECK(t.desc.memattr == 0x5 && t.desc.s2ap == 3 && t.desc.sh == 3 && t.desc.af && t.desc.dbm &&
	      t.desc.contiguous && t.desc.xn == 3 && t.desc.sw == 0x9 && t.desc.kind == S2_DESC_PAGE,
	      "attributes: MemAttr 5, S2AP RW, SH IS, AF, DBM, contiguous, XN 0b11, SW 0b1001 decoded");
	CHECK(t.desc_pa == mapper_entry(&m, 0x80000000, 3), "attributes: descriptor PA reported");
	ram_fini(&r);

	/* LPA2: bits [9:8] are OA[51:50], not SH. */
	m.geo = (struct s2_geometry){ .granule_shift = 12, .ia_bits = 52, .start_level = 0, .concat = 16,
				      .oa_bits = 52, .lpa2 = true };
	raw = 0x0003fffffffff000ULL | (2ULL << 8) | T_AF | T_VALID | T_TABLE;
	s2_desc_decode(&m.geo, 3, raw, &d);
	CHECK(d.oa == 0x000bfffffffff000ULL && d.sh == 0, "LPA2 page: OA[51:50] from bits [9:8], no SH");
	/* 64K with 52-bit OA: bits [15:12] are OA[51:48]. */
	m.geo = (struct s2_geometry){ .granule_shift = 16, .ia_bits = 52, .start_level = 1, .concat = 1,
				      .oa_bits = 52 };
	raw = 0x0000ffffffff0000ULL | (0xaULL << 12) | T_AF | T_VALID | T_TABLE;
	s2_desc_decode(&m.geo, 3, raw, &d);
	CHECK(d.oa == 0x000affffffff0000ULL, "64K LPA page: OA[51:48] from bits [15:12]");
	/* A 4K level-1 block keeps only OA[47:30]. */
	m.geo = (struct s2_geometry){ .granule_shift = 12, .ia_bits = 40, .start_level = 1, .concat = 2,
				      .oa_bits = 48 };
	s2_desc_decode(&m.geo, 1, 0x00000000c0201401ULL | (1ULL << 10), &d);
	CHECK(d.kind == S2_DESC_BLOCK && d.oa == 0xc0000000, "4K level-1 block: OA[47:30] only");
	s2_desc_decode(&m.geo, 0, 0x8000000001ULL, &d);
	CHECK(d.kind == S2_DESC_RESERVED, "4K level-0 block without LPA2 is reserved");
	s2_desc_decode(&m.geo, 3, 0x1000 | 1, &d);
	CHECK(d.kind == S2_DESC_RESERVED, "level-3 descriptor 0b01 is reserved");
	s2_desc_decode(&m.geo, 2, 0x1000 | 3, &d);
	CHECK(d.kind == S2_DESC_TABLE && d.oa == 0x1000, "level-2 0b11 is a table");
	s2_desc_decode(&m.geo, 2, 0xc0, &d);
	CHECK(d.kind == S2_DESC_INVALID, "bit 0 clear is invalid");
}

static void test_memattr_names(void)
{
	/* Without FWB MemAttr is outer:inner (0xf Normal WB, 0x5 Normal NC) or 00xx Device;
	 * with FEAT_S2FWB 0b110 is Normal WB, 0b111 "as stage 1" (docs/walker.md, MemAttr). */
	CHECK_EQ_STR(s2_memattr_name(0xf, false), "Normal-WB", "MemAttr 0xf without FWB");
	CHECK_EQ_STR(s2_memattr_name(0x5, false), "Normal-NC", "MemAttr 0x5 without FWB");
	CHECK_EQ_STR(s2_memattr_name(0x1, false), "Device-nGnRE", "MemAttr 0x1 without FWB");
	CHECK_EQ_STR(s2_memattr_name(0x6, true), "Normal-WB", "MemAttr 0x6 with FWB");
	CHECK_EQ_STR(s2_memattr_name(0x7, true), "Normal-as-S1", "MemAttr 0x7 with FWB");
	CHECK_EQ_STR(s2_memattr_name(0x1, true), "Device-nGnRE", "MemAttr 0x1 with FWB");
}

/* The kernel's TTBR1 tables: VA_BITS 48, 4K, a vmalloc page and a linear-map 2M block. */
static void test_stage1(void)
{
	struct ram r;
	struct mapper m;
	struct s2_geometry g;
	struct s2_translation t;
	struct s2_mem mem;
	struct s2_error *err = s2_geometry_stage1(48, 12, false, 48, &g);

	ram_init(&r);
	mem = (struct s2_mem){ ram_read, &r };
	mapper_init(&m, &r, 12, 48, 0, 1, false, 48);
	/* TTBR1 translates VA[47:0]: 0xffff800080001000 -> index bits of 0x800080001000 */
	mapper_map(&m, 0x800080001000ULL, 0x4abcd000, 3, T_AF);
	mapper_map(&m, 0x000000200000ULL, 0x40200000, 2, T_AF);
	err = s2_translate(&g, m.root, &mem, 0xffff800080001234ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_NONE && t.oa == 0x4abcd234 && t.level == 3,
	      "stage 1 TTBR1: vmalloc VA 0xffff800080001234 -> 0x4abcd234 at level 3");
	err = s2_translate(&g, m.root, &mem, 0xffff000000212345ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_NONE && t.oa == 0x40212345 && t.level == 2,
	      "stage 1 TTBR1: linear VA 0xffff000000212345 -> 0x40212345 through a 2M block");
	err = s2_translate(&g, m.root, &mem, 0xffff800090000000ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_TRANSLATION, "stage 1 TTBR1: an unmapped VA faults");
	/* The same tables as a process's TTBR0 tables: user VA 0x800080001234 (a VMM's mmap). */
	g.regime = S2_REGIME_STAGE1_TTBR0;
	err = s2_translate(&g, m.root, &mem, 0x800080001234ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_NONE && t.oa == 0x4abcd234 && t.level == 3,
	      "stage 1 TTBR0: user VA 0x800080001234 -> 0x4abcd234 at level 3");
	/* TTBR0 does not ignore the top bits: a kernel VA is beyond 2^48, a level-0 translation fault. */
	err = s2_translate(&g, m.root, &mem, 0xffff800080001234ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_TRANSLATION && t.level == 0,
	      "stage 1 TTBR0: VA 0xffff800080001234 is beyond VA_BITS: translation fault at level 0 (got type %d level %d)",
	      t.fault.type, t.level);
	ram_fini(&r);

	/* VA_BITS 52 with LPA2 and 4K: 5 levels from -1; an output address above 2^50. */
	err = s2_geometry_stage1(52, 12, true, 52, &g);
	CHECK(!err && g.start_level == -1 && g.lpa2, "stage 1 52-bit LPA2 geometry starts at level -1");
	ram_init(&r);
	mem = (struct s2_mem){ ram_read, &r };
	mapper_init(&m, &r, 12, 52, -1, 1, true, 52);
	/* 0xfff0000012345000: the bottom of the 52-bit linear map; VA[51:0] = 0x12345000 */
	mapper_map(&m, 0x0000000012345000ULL, 0x000c000040001000ULL, 3, T_AF);
	err = s2_translate(&g, m.root, &mem, 0xfff0000012345678ULL, &t);
	CHECK(!err && t.fault.type == S2_FAULT_NONE && t.oa == 0x000c000040001678ULL && t.level == 3,
	      "stage 1 52-bit LPA2: VA 0xfff0000012345678 -> 0x000c000040001678 through 5 levels");
	ram_fini(&r);
}

static void test_kvm_invalid(void)
{
	struct s2_kvm_invalid inv;

	/* <= 7.0: owner id in [9:2], locked in bit 10. */
	s2_desc_kvm_invalid((1ULL << 2) | (1ULL << 10), S2_KVM_PTE_ABI_6_1, &inv);
	CHECK(inv.annotated && inv.owner == 1 && inv.locked, "6.1 ABI: owner 1 + locked decoded");
	/* 7.1+: type in [63:60], payload [59:1]. */
	s2_desc_kvm_invalid((2ULL << 60) | (0x55ULL << 1), S2_KVM_PTE_ABI_7_1, &inv);
	CHECK(inv.annotated && inv.type == 2 && inv.payload == 0x55 && !inv.locked,
	      "7.1 ABI: type 2 (donation), payload 0x55");
	s2_desc_kvm_invalid(1ULL << 60, S2_KVM_PTE_ABI_7_1, &inv);
	CHECK(inv.locked, "7.1 ABI: type 1 is locked");
	s2_desc_kvm_invalid(0, S2_KVM_PTE_ABI_7_1, &inv);
	CHECK(!inv.annotated, "zero is not annotated");
	s2_desc_kvm_invalid(0x403, S2_KVM_PTE_ABI_6_1, &inv);
	CHECK(!inv.annotated, "a valid descriptor is not an annotation");
}

static void test_faults_and_problems(void)
{
	struct ram r;
	struct mapper m;
	struct s2_translation t;
	struct seen s;
	struct s2_error *err;
	uint64_t l2_entry, hole_table;

	ram_init(&r);
	mapper_init(&m, &r, 12, 40, 1, 2, false, 40);
	/* AF clear: a normal aged page, access flag fault unless the hardware manages AF. */
	mapper_map(&m, 0x40000000, 0x50000000, 3, T_R | T_W);
	t = translate(&m, &r, 0x40000010);
	CHECK(t.fault.type == S2_FAULT_ACCESS_FLAG && t.level == 3 && t.fault.fsc == 0x0b &&
	      t.oa == 0x50000010, "AF clear: access flag fault L3 (FSC 0x0b) with the OA still reported");
	m.geo.hw_access_flag = true;
	t = translate(&m, &r, 0x40000010);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x50000010, "AF clear with VTCR.HA: translates");
	m.geo.hw_access_flag = false;
	err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
	s2_error_destroy(err);
	CHECK(s.n == 1 && s.e[0].event == S2_WALK_LEAF && s.e[0].desc.kind == S2_DESC_PAGE && !s.e[0].desc.af,
	      "AF clear: the walk reports a valid page, not an invalid entry");

	/* Level-3 0b01: reserved, translation fault at level 3 (FSC 0x07). */
	ram_put(&r, mapper_entry(&m, 0x40001000, 3), 0x50001000 | T_AF | T_VALID);
	t = translate(&m, &r, 0x40001000);
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == 3 && t.fault.fsc == 0x07,
	      "level-3 0b01: translation fault L3");

	/* Leaf OA beyond the 40-bit output size: address size fault at level 3 (FSC 0x03). */
	mapper_map(&m, 0x40002000, 1ULL << 44, 3, T_R | T_AF);
	t = translate(&m, &r, 0x40002000);
	CHECK(t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 3 && t.fault.fsc == 0x03,
	      "leaf OA 2^44 with a 40-bit OA size: address size fault L3");

	/* A level-2 table descriptor beyond the OA size: address size fault L2, walk problem. */
	l2_entry = mapper_entry(&m, 0x40600000, 2);
	ram_put(&r, l2_entry, (1ULL << 42) | T_TABLE | T_VALID);
	t = translate(&m, &r, 0x40600000);
	CHECK(t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 2, "table beyond OA size: address size fault L2");

	/* A level-3 table in a hole of the dump: external abort on the walk at level 3, walk problem. */
	mapper_map(&m, 0x40800000, 0x60000000, 3, T_R | T_AF);
	hole_table = mapper_entry(&m, 0x40800000, 3) & ~0xfffULL;
	r.hole_start = hole_table;
	r.hole_end = hole_table + 4096;
	t = translate(&m, &r, 0x40800000);
	CHECK(t.fault.type == S2_FAULT_SEA_WALK && t.level == 3 && t.fault.fsc == 0x17 && t.read_error[0],
	      "unreadable level-3 table: external abort on walk L3 with the read error kept");

	/* A shared table: a second level-2 entry pointing at the level-3 table of 0x40000000. */
	ram_put(&r, mapper_entry(&m, 0x40c00000, 2), (mapper_entry(&m, 0x40000000, 3) & ~0xfffULL) | T_TABLE | T_VALID);

	/* A cycle: a level-2 entry pointing back at the root tables. */
	ram_put(&r, mapper_entry(&m, 0x40a00000, 2), m.root | T_TABLE | T_VALID);

	err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
	CHECK(!err, "walk over damaged tables ends without an error");
	s2_error_destroy(err);
	{
		bool oa_problem = false, read_problem = false, cycle = false, shared = false, after = false;

		for (unsigned int i = 0; i < s.n; i++) {
			const struct s2_walk_entry *e = &s.e[i];

			if (e->event == S2_WALK_PROBLEM && e->problem == S2_PROBLEM_OA_RANGE &&
			    e->ia == 0x40600000 && e->size == 0x200000)
				oa_problem = true;
			if (e->event == S2_WALK_PROBLEM && e->problem == S2_PROBLEM_READ && e->ia == 0x40800000 &&
			    e->size == 0x200000 && e->level == 3 && e->desc_pa == hole_table && e->read_error)
				read_problem = true;
			if (e->event == S2_WALK_PROBLEM && e->problem == S2_PROBLEM_CYCLE && e->ia == 0x40a00000)
				cycle = true;
			if (e->event == S2_WALK_PROBLEM && e->problem == S2_PROBLEM_SHARED && e->ia == 0x40c00000)
				shared = true;
			if (e->event == S2_WALK_LEAF && e->ia >= 0x40a00000)
				after = true;
		}
		CHECK(oa_problem, "walk: table beyond OA reported as a problem for IPA 0x40600000+2M");
		CHECK(read_problem, "walk: unreadable table reported for IPA 0x40800000+2M at level 3 with its PA");
		CHECK(cycle, "walk: the cycle reported at IPA 0x40a00000");
		CHECK(shared, "walk: a table reached from a second entry reported at IPA 0x40c00000");
		mapper_map(&m, 0x80000000, 0x70000000, 2, T_R | T_AF);
		err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
		s2_error_destroy(err);
		for (unsigned int i = 0; i < s.n; i++)
			if (s.e[i].event == S2_WALK_LEAF && s.e[i].ia == 0x80000000)
				after = true;
		CHECK(after, "walk: goes on after the problems (block at 0x80000000 found)");
	}

	/* Root beyond the OA size: address size fault at level 0. */
	{
		struct s2_mem mem = { ram_read, &r };

		err = s2_translate(&m.geo, 1ULL << 41, &mem, 0, &t);
		CHECK(!err && t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 0 && t.fault.fsc == 0,
		      "root beyond OA size: address size fault L0");
		s2_error_destroy(err);
		err = s2_translate(&m.geo, m.root, &mem, 1ULL << 40, &t);
		CHECK(!err && t.fault.type == S2_FAULT_TRANSLATION && t.level == 0,
		      "IPA beyond the input size: translation fault L0");
		s2_error_destroy(err);
	}
	ram_fini(&r);
}

static void test_walker_protocol(void)
{
	struct ram r;
	struct mapper m;
	struct seen s;
	struct s2_error *err;
	struct s2_mem mem;
	struct s2_walker w = { collect, &s, S2_WALK_SKIP_INVALID, 0 };
	unsigned long reads;

	ram_init(&r);
	mem = (struct s2_mem){ ram_read, &r };
	mapper_init(&m, &r, 12, 40, 1, 2, false, 48);
	mapper_map(&m, 0x40000000, 0x50000000, 3, T_R | T_AF);
	mapper_map(&m, 0x40001000, 0x50001000, 3, T_R | T_AF);
	mapper_map(&m, 0x8000000000ULL + 0x200000, 0x60000000, 2, T_R | T_AF); /* second root table */

	/* One read per table: 2 root tables + the L2 and L3 of 0x40000000 + the L2 of the block. */
	r.reads = 0;
	err = walk_all(&m, &r, S2_WALK_SKIP_INVALID, &s);
	reads = r.reads;
	CHECK(!err && s.n == 3 && reads == 5, "one read per table: 5 tables, 5 reads (got %lu), 3 leaves", reads);
	s2_error_destroy(err);

	/* Stop after the first leaf: a clean end. */
	memset(&s, 0, sizeof(s));
	s.ordered = true;
	s.stop_after = 1;
	err = s2_walk(&m.geo, m.root, &mem, 0, 1ULL << 40, &w);
	CHECK(!err && s.total == 1, "visitor stop ends the walk cleanly after one entry");
	s2_error_destroy(err);

	/* A sub-range: only [0x40001000, 0x40002000). */
	memset(&s, 0, sizeof(s));
	s.ordered = true;
	err = s2_walk(&m.geo, m.root, &mem, 0x40001000, 0x40002000, &w);
	CHECK(!err && s.n == 1 && s.e[0].ia == 0x40001000, "a range walk reports only the overlapping entry");
	s2_error_destroy(err);

	/* Tables visited before their children. */
	err = walk_all(&m, &r, S2_WALK_SKIP_INVALID | S2_WALK_VISIT_TABLES, &s);
	CHECK(!err && s.n == 6 && s.e[0].event == S2_WALK_TABLE && s.e[0].level == 1 &&
	      s.e[1].event == S2_WALK_TABLE && s.e[1].level == 2 && s.e[2].event == S2_WALK_LEAF,
	      "tables before their leaves: L1 table, L2 table, 2 pages, L1 table, block = 6 entries");
	s2_error_destroy(err);

	/* Big-endian descriptors (SCTLR_EL2.EE = 1). */
	{
		struct ram rb;
		struct mapper mb;
		struct s2_translation t;

		ram_init(&rb);
		rb.big_endian = true;
		mapper_init(&mb, &rb, 12, 40, 1, 2, false, 48);
		mb.geo.big_endian = true;
		mapper_map(&mb, 0x40000000, 0x50000000, 3, T_R | T_AF);
		t = translate(&mb, &rb, 0x40000abc);
		CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x50000abc, "big-endian tables translate");
		ram_fini(&rb);
	}
	ram_fini(&r);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		test_config(&configs[i]);
	test_attributes();
	test_kvm_invalid();
	test_memattr_names();
	test_stage1();
	test_faults_and_problems();
	test_walker_protocol();
	return check_summary();
}
