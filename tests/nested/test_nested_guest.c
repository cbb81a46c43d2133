// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest hypervisor's stage 2 (include/s2dump/nested.h) over hand-built
 * tables: VTCR limits from PARange (not T0SZ), the level-0 address size
 * fault for a base beyond the output size, guest granules 4K/16K/64K on a
 * 4K host and 64K on a 16K host (guest tables spread over non-contiguous
 * host pages), concatenated guest start tables, guest tables the canonical
 * stage 2 does not map or whose host page is not in the dump, big-endian
 * guest tables, a disabled stage 2. Expected values are worked out by hand
 * in the comments from the ARM ARM's rules.
 */
#include <inttypes.h>
#include <stdio.h>

#include "nested/nested_tables.h"
#include "render/render.h"
#include "s2dump/nested.h"
#include "unit/check.h"

#define A_RWX (T_R | T_W | T_AF)
#define A_RW (T_R | T_W | T_AF | T_XN)
#define A_R (T_R | T_AF | T_XN)
#define A_RX (T_R | T_AF)

/* A test world: host RAM, canonical stage 2 (host granule), guest memory in L1 space. */
struct world {
	struct ram ram;
	struct mapper canon;
	struct l1space l1;
	struct s2_mem host;
	struct s2_nested_l1mem l1mem;
};

static void world_init(struct world *w, unsigned int host_granule)
{
	ram_init(&w->ram);
	/* Canonical: ia 40; 4K starts at level 1 with 2 tables, 16K at level 1 with one of 16 entries. */
	if (host_granule == 12)
		mapper_init(&w->canon, &w->ram, 12, 40, 1, 2, false, 48);
	else
		mapper_init(&w->canon, &w->ram, 14, 40, 1, 1, false, 48);
	l1_init(&w->l1, &w->ram, &w->canon, 0x80000000ULL, RAM_BASE + RAM_SIZE);
	w->host = (struct s2_mem){ ram_read, &w->ram };
	s2_nested_l1mem_init(&w->l1mem, &w->canon.geo, w->canon.root, &w->host);
}

static void world_fini(struct world *w)
{
	ram_fini(&w->ram);
}

static char *guest_text(struct world *w, const struct s2_nested_guest *g, bool verbose, unsigned long *problems)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint64_t first;
	struct s2_render rd;
	struct s2_nested_guest_visitor v;
	struct s2_error *err;

	/* what nesteds2 guest prints after its header: the text renderer fed by the guest walk */
	s2_render_text_init(&rd, f, NULL);
	rd.verbose = verbose;
	v = s2_render_guest_visitor(&rd);
	rd.ops->guest_config(&rd, g);
	err = s2_nested_guest_walk(g, &w->l1mem, &v, problems, &first);

	CHECK(!err, "guest print returns no error%s", "");
	s2_error_destroy(err);
	fclose(f);
	return text;
}

static struct s2_translation gtr(struct world *w, const struct s2_nested_guest *g, uint64_t l2)
{
	struct s2_translation t;
	struct s2_error *err = s2_nested_guest_translate(g, &w->l1mem, l2, &t);

	if (err) {
		CHECK(false, "translate 0x%" PRIx64 ": %s", l2, err->message);
		s2_error_destroy(err);
	}
	return t;
}

static void test_parange(void)
{
	static const unsigned int in[] = { 31, 32, 35, 36, 40, 41, 43, 47, 48, 51, 52 };
	static const unsigned int want[] = { 32, 32, 32, 36, 40, 40, 42, 44, 48, 48, 52 };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		CHECK_EQ_U64(s2_nested_parange_bits(in[i]), want[i], "parange of ia_bits %u", in[i]);
}

static void test_limits(void)
{
	struct s2_nested_guest g;
	struct s2_error *err;

	/* 4K, T0SZ 24 (40 bits), SL0 1 (level 1), PS 40, PARange 40: 10 start bits = 2 tables of 9. */
	err = s2_nested_guest_setup(0x80001001ULL | (7ULL << 48), t_vtcr(24, 1, 12, 2), true, 40, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "4K ia 40 level 1 accepted%s", "");
	CHECK_EQ_U64(g.geo.granule_shift, 12, "4K granule");
	CHECK_EQ_U64(g.geo.ia_bits, 40, "4K ia_bits 40");
	CHECK_EQ_U64((uint64_t)(int64_t)g.geo.start_level, 1, "4K start level 1");
	CHECK_EQ_U64(g.geo.concat, 2, "4K 2 concatenated tables");
	CHECK_EQ_U64(g.geo.oa_bits, 40, "oa_bits = PS 40");
	/* BADDR aligned to the 8K root: 0x80001001 & ~0x1fff; VMID bits [63:48] dropped. */
	CHECK_EQ_U64(g.root, 0x80000000ULL, "root aligned to the concatenated tables, VMID and CnP dropped");
	CHECK(g.base_fault.type == S2_FAULT_NONE, "root in range: no base fault%s", "");

	/* T0SZ 20 asks for 44 bits; PARange 40 refuses it (input size > PAMax): translation fault, level 0. */
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(20, 2, 12, 2), true, 40, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_TRANSLATION, "T0SZ 44 bits with PARange 40 refused%s", "");
	CHECK_EQ_U64(g.refused.fsc, 0x04, "refused: FSC 0x04 (translation, level 0)");
	CHECK_EQ_U64((uint64_t)(int64_t)g.refused.level, 0, "refused at level 0");
	/* The same VTCR with PARange 44: level 0, 44 - 39 = 5 start bits; PS 40 caps the OA. */
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(20, 2, 12, 2), true, 44, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "T0SZ 44 bits with PARange 44 accepted%s", "");
	CHECK_EQ_U64((uint64_t)(int64_t)g.geo.start_level, 0, "start level 0");
	CHECK_EQ_U64(g.geo.concat, 1, "one start table");

	/*
	 * 4K level 0 with a 40-bit input (T0SZ 24, SL0 2): the pre-7.0 kernel refused it because
	 * ia_size (T0SZ) <= 42; the ARM ARM asks PAMax >= 44. PARange 48: accepted, 1 start bit.
	 */
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(24, 2, 12, 5), true, 48, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "4K level 0, ia 40, PARange 48 accepted (limit follows PARange)%s", "");
	CHECK_EQ_U64((uint64_t)(int64_t)g.geo.start_level, 0, "4K ia 40 start level 0");
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(24, 2, 12, 5), true, 42, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_TRANSLATION, "4K level 0 with PARange 42 refused%s", "");
	/* 16K level 1 (SL0 2) with ia 40: the old ia_size <= 40 rule refused it; PARange 42 allows it. */
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(24, 2, 14, 2), true, 42, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "16K level 1, ia 40, PARange 42 accepted%s", "");
	CHECK_EQ_U64((uint64_t)(int64_t)g.geo.start_level, 1, "16K start level 1");
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(24, 2, 14, 2), true, 40, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_TRANSLATION, "16K level 1 with PARange 40 refused%s", "");
	/* 64K level 1 needs PAMax >= 44: ia 43 (T0SZ 21, SL0 2). */
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(21, 2, 16, 4), true, 44, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "64K level 1, ia 43, PARange 44 accepted%s", "");
	err = s2_nested_guest_setup(0x80000000ULL, t_vtcr(21, 2, 16, 4), true, 42, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_TRANSLATION, "64K level 1 with PARange 42 refused%s", "");

	/* Base beyond the 40-bit output size: address size fault at level 0 (R_BFHQH), FSC 0x00. */
	err = s2_nested_guest_setup((5ULL << 48) | 0x10000000000ULL, t_vtcr(24, 1, 12, 2), true, 40, false, &g);
	CHECK(!err && g.refused.type == S2_FAULT_NONE, "VTCR fine%s", "");
	CHECK_EQ_U64(g.root, 0x10000000000ULL, "root 1T");
	CHECK(g.base_fault.type == S2_FAULT_ADDRESS_SIZE, "base beyond OA: address size fault%s", "");
	CHECK_EQ_U64(g.base_fault.fsc, 0x00, "base fault FSC 0x00 (level 0)");
	{
		struct world w;
		struct s2_translation t;
		char *text;
		unsigned long problems;

		world_init(&w, 12);
		t = gtr(&w, &g, 0x1000);
		CHECK(t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 0, "translate with the bad base: ADDRSZ level 0%s", "");
		text = guest_text(&w, &g, false, &problems);
		CHECK_EQ_STR(text,
			     "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000010000000000\n"
			     "  base refused: address size fault, level 0 (FSC 0x00): root L1 0x0000010000000000 beyond oa_bits 40\n",
			     "guest text with the bad base");
		free(text);
		CHECK(w.ram.reads == 0, "nothing read for a bad base%s", "");
		world_fini(&w);
	}
	/* The refused VTCR in the text. */
	{
		struct world w;
		char *text;
		unsigned long problems;

		world_init(&w, 12);
		s2_nested_guest_setup(0x80000000ULL, t_vtcr(20, 2, 12, 2), true, 40, false, &g);
		text = guest_text(&w, &g, false, &problems);
		CHECK_EQ_STR(text, "  VTCR refused: translation fault, level 0 (FSC 0x04)\n", "guest text, refused VTCR");
		free(text);
		world_fini(&w);
	}
}

static void test_4k_concat(void)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text;
	uint64_t desc_l1;

	world_init(&w, 12);
	/* Guest 4K, ia 40, level 1, two concatenated tables: root at L1 0x80000000 (8K, two host pages). */
	gmap_init(&gm, &w.l1, 12, 40, 1, 2, false);
	CHECK_EQ_U64(gm.root, 0x80000000ULL, "guest root placed at L1 0x80000000");
	gmap_map(&gm, 0x0, 0x40000000ULL, 2, A_RWX);                 /* 2M block */
	desc_l1 = gmap_map(&gm, 0x8000003000ULL, 0x40203000ULL, 3, A_R); /* second root table */
	gmap_map(&gm, 0x100000000ULL, 0xc0000000ULL, 1, T_R | T_W | T_XN); /* 1G block, AF clear */
	gmap_map(&gm, 0x400000, 0x10000000000ULL, 2, A_R);          /* OA 1T: beyond the 40-bit PS */
	l1_put(&w.l1, gm.root + 5 * 8, 0x10000000000ULL | T_TABLE | T_VALID, false); /* table at 1T */
	s2_nested_guest_setup(gm.root | (3ULL << 48), t_vtcr(24, 1, 12, 2), true, 40, false, &g);

	t = gtr(&w, &g, 0x1234);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x40001234ULL && t.level == 2,
	      "4K: 0x1234 -> L1 0x40001234 via the level-2 block%s", "");
	t = gtr(&w, &g, 0x8000003abcULL);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x40203abcULL && t.level == 3,
	      "4K: 0x8000003abc (2nd concatenated table) -> L1 0x40203abc, level 3%s", "");
	CHECK_EQ_U64(t.desc_pa, desc_l1, "descriptor's L1 IPA");
	t = gtr(&w, &g, 0x100000005ULL);
	CHECK(t.fault.type == S2_FAULT_ACCESS_FLAG && t.oa == 0xc0000005ULL && t.level == 1,
	      "4K: AF clear: access flag fault level 1, OA still 0xc0000005%s", "");
	t = gtr(&w, &g, 0x200000);
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == 2 && t.fault.fsc == 0x06,
	      "4K: 0x200000 translation fault level 2 (FSC 0x06)%s", "");
	t = gtr(&w, &g, 0x200000000ULL);
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == 1, "4K: 0x200000000 translation fault level 1%s", "");
	t = gtr(&w, &g, 0x400000);
	CHECK(t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 2 && t.fault.fsc == 0x02,
	      "4K: leaf OA beyond 40 bits: address size fault level 2 (FSC 0x02)%s", "");
	t = gtr(&w, &g, 0x140000000ULL);
	CHECK(t.fault.type == S2_FAULT_ADDRESS_SIZE && t.level == 1 && t.fault.fsc == 0x01,
	      "4K: table address beyond 40 bits: address size fault level 1 (FSC 0x01)%s", "");
	t = gtr(&w, &g, 1ULL << 40);
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == 0, "4K: beyond 40 bits: translation fault level 0%s", "");

	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
		     "0x0000000000000000-0x0000000000200000 L2 block -> L1 0x0000000040000000  rwx AF=1\n"
		     "0x0000000000400000-0x0000000000600000 L2 block -> L1 0x0000010000000000  r-- AF=1"
		     "  (address size fault: beyond oa_bits 40)\n"
		     "0x0000000100000000-0x0000000140000000 L1 block -> L1 0x00000000c0000000  rw- AF=0\n"
		     "0x0000000140000000-0x0000000180000000 L2  !! table at L1 0x0000010000000000 beyond the OA size "
		     "(address size fault)\n"
		     "0x0000008000003000-0x0000008000004000 L3 page -> L1 0x0000000040203000  r-- AF=1\n",
		     "4K guest text");
	CHECK_EQ_U64(problems, 1, "4K: one problem (the table beyond the OA size)");
	free(text);
	text = guest_text(&w, &g, true, &problems);
	{
		char want[200];

		snprintf(want, sizeof(want), "0x0000008000003000-0x0000008000004000 L3 page -> L1 0x0000000040203000  r-- "
			 "AF=1  desc 0x%016" PRIx64 " @L1 0x%016" PRIx64 "\n",
			 (uint64_t)(0x40203000ULL | A_R | T_VALID | T_TABLE), desc_l1);
		CHECK(text && strstr(text, want), "4K -v line with desc and its L1 IPA%s", "");
	}
	free(text);
	world_fini(&w);
}

static void test_16k(void)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text;

	world_init(&w, 12);
	/* 16K, T0SZ 28 (36 bits), SL0 1: level 2, 36 - 25 = 11 start bits: one 16K table (4 host pages). */
	gmap_init(&gm, &w.l1, 14, 36, 2, 1, false);
	gmap_map(&gm, 0x4000, 0x40008000ULL, 3, A_R);
	gmap_map(&gm, 0x2000000, 0x42000000ULL, 2, A_RWX); /* 32M block */
	s2_nested_guest_setup(gm.root, t_vtcr(28, 1, 14, 2), true, 40, false, &g);
	CHECK(g.refused.type == S2_FAULT_NONE && g.geo.start_level == 2 && g.geo.concat == 1,
	      "16K ia 36: level 2, one table%s", "");
	t = gtr(&w, &g, 0x2001234);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x42001234ULL && t.level == 2 && t.block_size == 0x2000000,
	      "16K: 32M block%s", "");
	t = gtr(&w, &g, 0x7abc);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x4000babcULL && t.level == 3, "16K: page 0x4000 -> 0x40008000%s", "");
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 16K  ia_bits 36  start_level 2  concat 1  oa_bits 40  root L1 0x0000000080000000\n"
		     "0x0000000000004000-0x0000000000008000 L3 page -> L1 0x0000000040008000  r-- AF=1\n"
		     "0x0000000002000000-0x0000000004000000 L2 block -> L1 0x0000000042000000  rwx AF=1\n",
		     "16K guest text");
	free(text);
	world_fini(&w);
}

/* 64K guest over a 4K or 16K host: every 64K guest table spans 16 or 4 host pages, in descending PAs. */
static void test_64k(unsigned int host_granule)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text;
	uint64_t d1, d2;
	const char *name = host_granule == 12 ? "64K on 4K" : "64K on 16K";

	world_init(&w, host_granule);
	/* 64K, T0SZ 24 (40 bits), SL0 1: level 2, 40 - 29 = 11 start bits: 2048 entries. */
	gmap_init(&gm, &w.l1, 16, 40, 2, 1, false);
	d1 = gmap_map(&gm, 0x1230000, 0x50000, 3, A_RW);      /* L3 index 0x123: byte 0x918 of the L3 table */
	d2 = gmap_map(&gm, 0x1ffe0000, 0x70000, 3, A_RX);     /* L3 index 0x1ffe: byte 0xfff0, last host page */
	gmap_map(&gm, 0x20000000, 0x60000000ULL, 2, A_R);     /* 512M block */
	/* Both descriptors are in one 64K L3 table, but not at the same distance in host memory. */
	CHECK(l1_pa(&w.l1, d2) - l1_pa(&w.l1, d1) != d2 - d1, "%s: the L3 table is not contiguous in host memory", name);
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 16, 2), true, 40, false, &g);
	CHECK(g.refused.type == S2_FAULT_NONE && g.geo.granule_shift == 16 && g.geo.start_level == 2,
	      "%s: geometry 64K level 2", name);
	t = gtr(&w, &g, 0x1234567);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x54567 && t.level == 3, "%s: 0x1234567 -> 0x54567", name);
	t = gtr(&w, &g, 0x1ffe0010);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x70010 && t.level == 3, "%s: 0x1ffe0010 -> 0x70010", name);
	CHECK_EQ_U64(t.desc_pa, d2, "%s: descriptor L1 IPA in the last host page of the table", name);
	t = gtr(&w, &g, 0x2abcdef0);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x6abcdef0ULL && t.level == 2, "%s: 512M block", name);
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 64K  ia_bits 40  start_level 2  concat 1  oa_bits 40  root L1 0x0000000080000000\n"
		     "0x0000000001230000-0x0000000001240000 L3 page -> L1 0x0000000000050000  rw- AF=1\n"
		     "0x000000001ffe0000-0x000000001fff0000 L3 page -> L1 0x0000000000070000  r-x AF=1\n"
		     "0x0000000020000000-0x0000000040000000 L2 block -> L1 0x0000000060000000  r-- AF=1\n",
		     "%s guest text", name);
	free(text);
	world_fini(&w);
}

static void test_16k_concat16(void)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text;

	world_init(&w, 12);
	/* 16K, ia 40, SL0 1: level 2, 40 - 25 = 15 start bits = 11 + 4: 16 concatenated tables (256K). */
	gmap_init(&gm, &w.l1, 14, 40, 2, 16, false);
	CHECK_EQ_U64(gm.root, 0x80000000ULL, "16 tables at L1 0x80000000 (256K aligned)");
	gmap_map(&gm, 0xfffe000000ULL, 0x44000000ULL, 2, A_RX);   /* last entry of the 16th table */
	gmap_map(&gm, 0x0, 0x46000000ULL, 2, A_RX);               /* first entry of the first */
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 14, 2), true, 40, false, &g);
	CHECK(g.refused.type == S2_FAULT_NONE && g.geo.concat == 16, "16K ia 40 level 2: 16 tables%s", "");
	t = gtr(&w, &g, 0xffffffffffULL);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x45ffffffULL, "16 tables: last byte -> 0x45ffffff%s", "");
	CHECK_EQ_U64(t.desc_pa, 0x80000000ULL + 0x7fff * 8, "descriptor at root + 0x7fff * 8");
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 16K  ia_bits 40  start_level 2  concat 16  oa_bits 40  root L1 0x0000000080000000\n"
		     "0x0000000000000000-0x0000000002000000 L2 block -> L1 0x0000000046000000  r-x AF=1\n"
		     "0x000000fffe000000-0x0000010000000000 L2 block -> L1 0x0000000044000000  r-x AF=1\n",
		     "16 concatenated tables text");
	free(text);
	world_fini(&w);
}

static void test_unreadable(void)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text, want[600];
	uint64_t missing_table_pa;

	world_init(&w, 12);
	gmap_init(&gm, &w.l1, 12, 40, 1, 2, false);        /* root L1 0x80000000-0x80002000 */
	/* L2 table for L2 IPA 1G..2G at L1 0x80002000, backed but not mapped by the canonical stage 2. */
	gmap_map_ex(&gm, 0x40000000ULL, 0x10000000ULL, 3, A_R, false);  /* + its L3 table at 0x80003000 */
	CHECK_EQ_U64(w.l1.l1[2], 0x80002000ULL, "unmapped L2 table at L1 0x80002000");
	/* L2 table for 2G..3G at L1 0x80004000 (mapped), its L3 table at 0x80005000: host page dropped. */
	gmap_map(&gm, 0x80000000ULL, 0x10000000ULL, 3, A_R);
	gmap_map(&gm, 0x80200000ULL, 0x10200000ULL, 2, A_R);   /* a block next to it, still readable */
	missing_table_pa = l1_pa(&w.l1, 0x80005000ULL);
	w.ram.hole_start = missing_table_pa;
	w.ram.hole_end = missing_table_pa + 0x1000;
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 12, 2), true, 40, false, &g);

	t = gtr(&w, &g, 0x40000000ULL);
	CHECK(t.fault.type == S2_FAULT_SEA_WALK && t.level == 2 && t.fault.fsc == 0x16,
	      "table not mapped: external abort on walk, level 2 (FSC 0x16)%s", "");
	CHECK(w.l1mem.fail == S2_NESTED_READ_UNMAPPED, "... reported as not mapped by the canonical stage 2%s", "");
	CHECK_EQ_U64(t.desc_pa, 0x80002000ULL, "... the table's L1 IPA");
	t = gtr(&w, &g, 0x80000000ULL);
	CHECK(t.fault.type == S2_FAULT_SEA_WALK && t.level == 3 && t.fault.fsc == 0x17,
	      "table not in dump: external abort on walk, level 3 (FSC 0x17)%s", "");
	CHECK(w.l1mem.fail == S2_NESTED_READ_MISSING, "... reported as missing%s", "");
	CHECK_EQ_U64(w.l1mem.fail_pa, missing_table_pa, "... with the host PA");
	t = gtr(&w, &g, 0x80200010ULL);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x10200010ULL, "the neighbouring block still translates%s", "");

	text = guest_text(&w, &g, false, &problems);
	snprintf(want, sizeof(want),
		 "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
		 "0x0000000040000000-0x0000000080000000 L2  !! table at L1 0x0000000080002000 not mapped by the canonical stage 2\n"
		 "0x0000000080000000-0x0000000080200000 L3  !! table at L1 0x0000000080005000 not in dump (PA 0x%" PRIx64 ")\n"
		 "0x0000000080200000-0x0000000080400000 L2 block -> L1 0x0000000010200000  r-- AF=1\n",
		 missing_table_pa);
	CHECK_EQ_STR(text, want, "unreadable guest tables text; the walk goes on");
	CHECK_EQ_U64(problems, 2, "two unreadable tables counted");
	free(text);
	world_fini(&w);

	/* 64K guest table on a 4K host with one of its 16 host pages missing: the table is unreadable. */
	world_init(&w, 12);
	gmap_init(&gm, &w.l1, 16, 40, 2, 1, false);         /* root 0x80000000 (64K) */
	gmap_map(&gm, 0x10000, 0x50000, 3, A_R);             /* L3 table at L1 0x80010000 */
	missing_table_pa = l1_pa(&w.l1, 0x80010000ULL + 0x7000);
	w.ram.hole_start = missing_table_pa;
	w.ram.hole_end = missing_table_pa + 0x1000;
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 16, 2), true, 40, false, &g);
	text = guest_text(&w, &g, false, &problems);
	snprintf(want, sizeof(want),
		 "  granule 64K  ia_bits 40  start_level 2  concat 1  oa_bits 40  root L1 0x0000000080000000\n"
		 "0x0000000000000000-0x0000000020000000 L3  !! table at L1 0x0000000080010000 not in dump (PA 0x%" PRIx64 ")\n",
		 missing_table_pa);
	CHECK_EQ_STR(text, want, "64K table with its 8th host page missing");
	/* The descriptor itself sits in host page 0 of the table: the hardware reads it fine. */
	t = gtr(&w, &g, 0x10000);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x50000, "one descriptor read from a partly missing table%s", "");
	free(text);
	world_fini(&w);

	/* The root itself not mapped by the canonical stage 2. */
	world_init(&w, 12);
	s2_nested_guest_setup(0x90000000ULL, t_vtcr(24, 1, 12, 2), true, 40, false, &g);
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000090000000\n"
		     "0x0000000000000000-0x0000010000000000 L1  !! table at L1 0x0000000090000000 not mapped by the canonical stage 2\n",
		     "unmapped root: one problem for both concatenated tables");
	CHECK_EQ_U64(problems, 1, "unmapped root counted once");
	free(text);
	world_fini(&w);

	/* Only the second concatenated root table unmapped: the first is walked (empty). */
	world_init(&w, 12);
	l1_back(&w.l1, 0x90000000ULL, 0x1000, true);
	l1_back(&w.l1, 0x90001000ULL, 0x1000, false);
	s2_nested_guest_setup(0x90000000ULL, t_vtcr(24, 1, 12, 2), true, 40, false, &g);
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text,
		     "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000090000000\n"
		     "0x0000008000000000-0x0000010000000000 L1  !! table at L1 0x0000000090001000 not mapped by the canonical stage 2\n",
		     "second root table unmapped");
	free(text);
	world_fini(&w);
}

static void test_endian_disabled(void)
{
	struct world w;
	struct gmap gm;
	struct s2_nested_guest g;
	struct s2_translation t;
	unsigned long problems;
	char *text;

	world_init(&w, 12);
	gmap_init(&gm, &w.l1, 12, 40, 1, 2, true);           /* big-endian guest tables */
	gmap_map(&gm, 0x200000, 0x40400000ULL, 2, A_RW);
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 12, 2), true, 40, true, &g);
	t = gtr(&w, &g, 0x200008);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x40400008ULL, "big-endian guest tables (SCTLR_EL2.EE) read%s", "");
	s2_nested_guest_setup(gm.root, t_vtcr(24, 1, 12, 2), true, 40, false, &g);
	t = gtr(&w, &g, 0x200008);
	/* Read little-endian, the level-1 table descriptor has bit 0 clear (its low byte is the top byte). */
	CHECK(t.fault.type == S2_FAULT_TRANSLATION && t.level == 1, "the same tables read little-endian fault%s", "");

	w.ram.reads = 0;
	s2_nested_guest_setup(0x1234, 0, false, 40, false, &g);
	t = gtr(&w, &g, 0x12345678ULL);
	CHECK(t.fault.type == S2_FAULT_NONE && t.oa == 0x12345678ULL, "disabled stage 2: L2 IPA = L1 IPA%s", "");
	text = guest_text(&w, &g, false, &problems);
	CHECK_EQ_STR(text, "  stage 2 disabled: L2 IPA = L1 IPA\n", "disabled text");
	free(text);
	CHECK(w.ram.reads == 0, "disabled: no table read%s", "");
	world_fini(&w);
}

int main(void)
{
	test_parange();
	test_limits();
	test_4k_concat();
	test_16k();
	test_64k(12);
	test_64k(14);
	test_16k_concat16();
	test_unreadable();
	test_endian_disabled();
	return check_summary();
}
