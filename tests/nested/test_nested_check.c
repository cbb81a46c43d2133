// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shadow check (s2_nested_check_leaf / s2_nested_check_shadow) over
 * hand-built canonical, guest and shadow tables: each violation kind seeded
 * once, the order in which kinds win, a clean table, a disabled guest stage
 * 2, a refused guest VTCR, a guest table not in the dump (not checkable),
 * and the cost of composing large shadow blocks.
 * Expected lines are written out by hand from the tables below.
 */
#include <inttypes.h>
#include <stdio.h>

#include "nested/nested_tables.h"
#include "render/render.h"
#include "s2dump/nested.h"
#include "unit/check.h"

#define A_RWX (T_R | T_W | T_AF | T_MEMATTR(0xf))
#define A_RW (T_R | T_W | T_AF | T_XN | T_MEMATTR(0xf))
#define A_R (T_R | T_AF | T_XN | T_MEMATTR(0xf))

#define MMU 0xffff000012345000ULL

struct world {
	struct ram ram;
	struct mapper canon, shadow;
	struct l1space l1;
	struct gmap gm;
	struct s2_mem host;
	struct s2_nested_l1mem l1mem;
	struct s2_nested_guest guest;
	struct s2_nested_checker checker;
};

static void world_init(struct world *w)
{
	ram_init(&w->ram);
	mapper_init(&w->canon, &w->ram, 12, 40, 1, 2, false, 48);
	mapper_init(&w->shadow, &w->ram, 12, 40, 1, 2, false, 48);
	l1_init(&w->l1, &w->ram, &w->canon, 0x80000000ULL, RAM_BASE + RAM_SIZE);
	gmap_init(&w->gm, &w->l1, 12, 40, 1, 2, false); /* guest tables from L1 0x80000000 */
	w->host = (struct s2_mem){ ram_read, &w->ram };
	s2_nested_l1mem_init(&w->l1mem, &w->canon.geo, w->canon.root, &w->host);
}

static void world_guest(struct world *w, bool enabled, uint64_t vtcr)
{
	struct s2_error *err = s2_nested_guest_setup(w->gm.root | (1ULL << 48), vtcr, enabled, 40, false, &w->guest);

	CHECK(!err, "guest setup%s", "");
	s2_error_destroy(err);
	w->checker = (struct s2_nested_checker){ .guest = &w->guest, .l1mem = &w->l1mem };
}

static char *check_text(struct world *w, struct s2_nested_check_stats *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct s2_error *err;
	struct s2_render rd;
	struct s2_nested_check_visitor v;

	memset(st, 0, sizeof(*st));
	/* what nesteds2 check prints per shadow table: the text renderer fed by the check */
	s2_render_text_init(&rd, f, NULL);
	v = s2_render_check_visitor(&rd);
	err = s2_nested_check_shadow_walk(MMU, 3, &w->shadow.geo, w->shadow.root, &w->host, &w->checker, st, &v);
	CHECK(!err, "check_shadow returns no error%s", "");
	s2_error_destroy(err);
	fclose(f);
	return text;
}

/* The shadow leaf for l2 as the walker decodes it (the checker's input). */
static struct s2_desc shadow_desc(struct world *w, uint64_t l2, int level)
{
	struct s2_desc d;

	s2_desc_decode(&w->shadow.geo, level, ram_get(&w->ram, mapper_entry(&w->shadow, l2, level)), &d);
	return d;
}

static void test_kinds(void)
{
	struct world w;
	struct s2_nested_check_stats st;
	struct s2_nested_verdict v;
	struct s2_desc d;
	char *text;
	struct s2_error *err;

	world_init(&w);
	/* Canonical stage 2 (L1 IPA -> PA). */
	mapper_map(&w.canon, 0x40000000ULL, 0x100000000ULL, 2, A_RWX);
	mapper_map(&w.canon, 0xc0000000ULL, 0x200000000ULL, 1, A_RWX);
	mapper_map(&w.canon, 0x40400000ULL, 0x100400000ULL, 2, A_R);
	mapper_map(&w.canon, 0x100000000ULL, 0x300000000ULL, 1, A_RWX);
	/* Guest stage 2 (L2 IPA -> L1 IPA). */
	gmap_map(&w.gm, 0x0, 0x40000000ULL, 2, A_RWX);
	gmap_map(&w.gm, 0x40000000ULL, 0xc0000000ULL, 1, A_RWX);
	gmap_map(&w.gm, 0x200000, 0x40400000ULL, 2, A_RWX);
	gmap_map(&w.gm, 0x600000, 0x40600000ULL, 2, A_R);       /* canonical has nothing at 0x40600000 */
	gmap_map(&w.gm, 0x800000, 0x40000000ULL, 2, A_R);
	gmap_map(&w.gm, 0x1000000, 0x40000000ULL, 2, A_RWX);
	gmap_map(&w.gm, 0x1200000, 0x40000000ULL, 2, A_R);
	gmap_map(&w.gm, 0x1600000, 0x40000000ULL, 3, A_R);
	gmap_map(&w.gm, 0x1601000, 0x40001000ULL, 3, A_RWX);
	for (uint64_t i = 0; i < 512; i++)
		gmap_map(&w.gm, 0x80000000ULL + i * 0x200000, 0x100000000ULL + i * 0x200000, 2, A_RWX);
	/* Shadow stage 2 (L2 IPA -> PA). */
	mapper_map(&w.shadow, 0x0, 0x100000000ULL, 2, A_RWX);              /* clean */
	mapper_map(&w.shadow, 0x40000000ULL, 0x200000000ULL, 1, A_RWX);    /* clean 1G */
	mapper_map(&w.shadow, 0x200000, 0x100400000ULL, 2, A_RW);          /* W: canonical is r-- */
	mapper_map(&w.shadow, 0x600000, 0x100600000ULL, 3, A_R);           /* canonical-unmapped */
	mapper_map(&w.shadow, 0x800000, 0x100000000ULL, 2, A_RW);          /* W: guest is r-- */
	mapper_map(&w.shadow, 0xa00000, 0x100000000ULL, 3, A_R);           /* guest-unmapped */
	mapper_map(&w.shadow, 0x1000000, 0x100200000ULL, 2, A_RWX);        /* stale */
	mapper_map(&w.shadow, 0x1200000, 0x100200000ULL, 2, A_RW);         /* stale and wider than guest */
	mapper_map(&w.shadow, 0x1600000, 0x100000000ULL, 2, A_RWX);        /* wider, then guest-unmapped */
	mapper_map(&w.shadow, 0x80000000ULL, 0x300000000ULL, 1, A_RWX);    /* 1G over 512 guest blocks */
	world_guest(&w, true, t_vtcr(24, 1, 12, 2));

	/* A 1G shadow block over a 1G guest block over a 1G canonical block: one step. */
	d = shadow_desc(&w, 0x40000000ULL, 1);
	w.checker.guest_translations = 0;
	err = s2_nested_check_leaf(&w.checker, 0x40000000ULL, 1ULL << 30, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_OK, "1G shadow block over 1G guest and canonical blocks is clean%s", "");
	CHECK_EQ_U64(v.steps, 1, "... in one composition step");
	CHECK_EQ_U64(w.checker.guest_translations, 1, "... one guest translation (not 262144)");
	/* The same over 512 guest 2M blocks: one step per guest block. */
	d = shadow_desc(&w, 0x80000000ULL, 1);
	w.checker.guest_translations = 0;
	w.l1mem.canon_translations = 0;
	err = s2_nested_check_leaf(&w.checker, 0x80000000ULL, 1ULL << 30, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_OK, "1G shadow block over 512 guest 2M blocks is clean%s", "");
	CHECK_EQ_U64(v.steps, 512, "... in 512 steps (the guest's leaf size)");
	/* Canonical: one 1G leaf, cached: one translation for the data plus the guest tables' pages. */
	CHECK(w.l1mem.canon_translations <= 8, "... few canonical translations (%lu)", w.l1mem.canon_translations);
	/* Kind order: stale-oa wins over wider-than-guest. */
	d = shadow_desc(&w, 0x1200000, 2);
	err = s2_nested_check_leaf(&w.checker, 0x1200000, 0x200000, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_STALE_OA, "stale OA outranks wider-than-guest%s", "");
	/* guest-unmapped found later in the leaf outranks wider-than-guest found first. */
	d = shadow_desc(&w, 0x1600000, 2);
	err = s2_nested_check_leaf(&w.checker, 0x1600000, 0x200000, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_GUEST_UNMAPPED && v.at == 0x1602000,
	      "guest-unmapped at 0x1602000 outranks wider-than-guest at 0x1600000%s", "");

	text = check_text(&w, &st);
	CHECK_EQ_STR(text,
		     "mmu 0xffff000012345000 [3] L2 0x0000000000200000-0x0000000000400000 wider-than-canonical: "
		     "shadow 0x0000000100400000 rw-, guest 0x0000000040400000 rwx, canonical 0x0000000100400000 r--\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000000600000-0x0000000000601000 canonical-unmapped: "
		     "shadow 0x0000000100600000 r--, guest 0x0000000040600000 r--, canonical unmapped\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000000800000-0x0000000000a00000 wider-than-guest: "
		     "shadow 0x0000000100000000 rw-, guest 0x0000000040000000 r--, canonical 0x0000000100000000 rwx\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000000a00000-0x0000000000a01000 guest-unmapped: "
		     "shadow 0x0000000100000000 r--, guest unmapped, canonical unmapped\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000001000000-0x0000000001200000 stale-oa: "
		     "shadow 0x0000000100200000 rwx, guest 0x0000000040000000 rwx, canonical 0x0000000100000000 rwx\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000001200000-0x0000000001400000 stale-oa: "
		     "shadow 0x0000000100200000 rw-, guest 0x0000000040000000 r--, canonical 0x0000000100000000 rwx\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000001600000-0x0000000001800000 guest-unmapped: "
		     "shadow 0x0000000100002000 rwx, guest unmapped, canonical unmapped  (at L2 0x0000000001602000)\n",
		     "seeded violations, one line each, ascending L2");
	CHECK_EQ_U64(st.leaves, 10, "10 shadow leaves checked");
	CHECK_EQ_U64(st.violations, 7, "7 violations");
	CHECK_EQ_U64(st.problems, 0, "no unreadable shadow table");
	free(text);

	/* The guest VTCR refused: every shadow leaf is guest-unmapped, one step even for 1G. */
	world_guest(&w, true, t_vtcr(20, 2, 12, 2)); /* 44-bit input with PARange 40 */
	d = shadow_desc(&w, 0x40000000ULL, 1);
	err = s2_nested_check_leaf(&w.checker, 0x40000000ULL, 1ULL << 30, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_GUEST_UNMAPPED && v.steps == 1, "refused guest VTCR: guest-unmapped, one step%s", "");
	text = check_text(&w, &st);
	CHECK_EQ_U64(st.violations, 10, "refused guest VTCR: all 10 leaves violate");
	free(text);
	ram_fini(&w.ram);
}

static void test_clean(void)
{
	struct world w;
	struct s2_nested_check_stats st;
	char *text;

	world_init(&w);
	mapper_map(&w.canon, 0x40000000ULL, 0x100000000ULL, 2, A_RWX);
	mapper_map(&w.canon, 0x40200000ULL, 0x100200000ULL, 2, A_R);
	gmap_map(&w.gm, 0x10000000ULL, 0x40000000ULL, 2, A_RWX);
	gmap_map(&w.gm, 0x10200000ULL, 0x40200000ULL, 2, A_RWX);
	gmap_map(&w.gm, 0x20000000ULL, 0x40000000ULL, 2, A_R);
	/* Shadow leaves at 4K and 2M, each no wider than both stages. */
	mapper_map(&w.shadow, 0x10000000ULL, 0x100000000ULL, 2, A_RWX);
	mapper_map(&w.shadow, 0x10201000ULL, 0x100201000ULL, 3, A_R);
	mapper_map(&w.shadow, 0x10202000ULL, 0x100202000ULL, 3, T_R | T_XN); /* AF clear: still a leaf */
	mapper_map(&w.shadow, 0x20003000ULL, 0x100003000ULL, 3, A_R);
	world_guest(&w, true, t_vtcr(24, 1, 12, 2));
	text = check_text(&w, &st);
	CHECK_EQ_STR(text, "", "clean shadow: no lines");
	CHECK_EQ_U64(st.leaves, 4, "clean: 4 leaves");
	CHECK_EQ_U64(st.violations, 0, "clean: 0 violations");
	free(text);
	ram_fini(&w.ram);
}

static void test_disabled(void)
{
	struct world w;
	struct s2_nested_check_stats st;
	char *text, want[1000];
	uint64_t l3_table;

	world_init(&w);
	mapper_map(&w.canon, 0x40000000ULL, 0x100000000ULL, 2, A_RWX);
	mapper_map(&w.shadow, 0x40000000ULL, 0x100000000ULL, 3, A_RWX);  /* identity guest: clean */
	mapper_map(&w.shadow, 0x40001000ULL, 0x100002000ULL, 3, A_RWX);  /* stale */
	mapper_map(&w.shadow, 0x50000000ULL, 0x100000000ULL, 3, A_R);    /* canonical-unmapped */
	mapper_map(&w.shadow, 0x60000000ULL, 0x100000000ULL, 3, A_R);    /* its L3 table goes missing */
	l3_table = mapper_entry(&w.shadow, 0x60000000ULL, 3) & ~0xfffULL;
	w.ram.hole_start = l3_table;
	w.ram.hole_end = l3_table + 0x1000;
	world_guest(&w, false, 0);
	text = check_text(&w, &st);
	snprintf(want, sizeof(want),
		 "mmu 0xffff000012345000 [3] L2 0x0000000040001000-0x0000000040002000 stale-oa: "
		 "shadow 0x0000000100002000 rwx, guest 0x0000000040001000 rwx, canonical 0x0000000100001000 rwx\n"
		 "mmu 0xffff000012345000 [3] L2 0x0000000050000000-0x0000000050001000 canonical-unmapped: "
		 "shadow 0x0000000100000000 r--, guest 0x0000000050000000 rwx, canonical unmapped\n"
		 "mmu 0xffff000012345000 [3] L2 0x0000000060000000-0x0000000060200000 L3  !! shadow table at PA 0x%"
		 PRIx64 " not in dump\n", l3_table);
	CHECK_EQ_STR(text, want, "disabled guest stage 2: identity composition; unreadable shadow table reported");
	CHECK_EQ_U64(st.leaves, 3, "disabled: 3 readable leaves");
	CHECK_EQ_U64(st.violations, 2, "disabled: 2 violations");
	CHECK_EQ_U64(st.problems, 1, "disabled: 1 unreadable shadow table");
	free(text);
	ram_fini(&w.ram);
}

/* lookup_s2_mmu()'s rule (arch/arm64/kvm/nested.c; docs/nested.md), worked by hand. */
static void test_mmu_matches(void)
{
	const uint64_t en_vttbr = 0x0005000040400000ULL, vtcr = 0x80053558ULL, dis_vttbr = 0x0006000000000000ULL;

	CHECK(s2_nested_mmu_matches(en_vttbr, vtcr, true, en_vttbr | 1, vtcr, 0x80000001ULL),
	      "enabled MMU: same VTTBR (CnP ignored), VTCR, HCR_EL2.VM set: matches%s", "");
	CHECK(!s2_nested_mmu_matches(en_vttbr, vtcr, true, en_vttbr, vtcr + 1, 1), "enabled MMU: other VTCR%s", "");
	CHECK(!s2_nested_mmu_matches(en_vttbr, vtcr, true, en_vttbr + 0x1000, vtcr, 1), "enabled MMU: other BADDR%s", "");
	CHECK(!s2_nested_mmu_matches(en_vttbr, vtcr, true, en_vttbr ^ (2ULL << 48), vtcr, 1), "enabled MMU: other VMID (7)%s", "");
	CHECK(!s2_nested_mmu_matches(en_vttbr, vtcr, true, en_vttbr, vtcr, 0), "enabled MMU, guest stage 2 now off%s", "");
	CHECK(s2_nested_mmu_matches(dis_vttbr, vtcr, false, dis_vttbr | 0x12345000ULL, 0, 0),
	      "disabled MMU: the VMID alone matches%s", "");
	CHECK(!s2_nested_mmu_matches(dis_vttbr, vtcr, false, 0x0007000000000000ULL, vtcr, 0), "disabled MMU: other VMID%s", "");
	CHECK(!s2_nested_mmu_matches(dis_vttbr, vtcr, false, dis_vttbr, vtcr, 1), "disabled MMU, guest stage 2 now on%s", "");
}

/* A 64K guest on a 16K host: 16K shadow pages inside 64K guest pages inside a 32M canonical block. */
static void test_64k_on_16k(void)
{
	struct world w;
	struct s2_nested_check_stats st;
	char *text;

	ram_init(&w.ram);
	mapper_init(&w.canon, &w.ram, 14, 40, 1, 1, false, 48);
	mapper_init(&w.shadow, &w.ram, 14, 40, 1, 1, false, 48);
	l1_init(&w.l1, &w.ram, &w.canon, 0x80000000ULL, RAM_BASE + RAM_SIZE);
	gmap_init(&w.gm, &w.l1, 16, 40, 2, 1, false);
	w.host = (struct s2_mem){ ram_read, &w.ram };
	s2_nested_l1mem_init(&w.l1mem, &w.canon.geo, w.canon.root, &w.host);
	mapper_map(&w.canon, 0x40000000ULL, 0x100000000ULL, 2, A_RW);     /* 32M block */
	gmap_map(&w.gm, 0x0, 0x40010000ULL, 3, A_RW);
	gmap_map(&w.gm, 0x10000, 0x40020000ULL, 3, A_R);
	for (uint64_t i = 0; i < 4; i++)
		mapper_map(&w.shadow, i * 0x4000, 0x100010000ULL + i * 0x4000, 3, A_RW);
	mapper_map(&w.shadow, 0x10000, 0x100020000ULL, 3, A_RW);          /* W: guest r-- */
	mapper_map(&w.shadow, 0x14000, 0x100028000ULL, 3, A_R);           /* should be 0x100024000 */
	world_guest(&w, true, t_vtcr(24, 1, 16, 2));
	text = check_text(&w, &st);
	CHECK_EQ_STR(text,
		     "mmu 0xffff000012345000 [3] L2 0x0000000000010000-0x0000000000014000 wider-than-guest: "
		     "shadow 0x0000000100020000 rw-, guest 0x0000000040020000 r--, canonical 0x0000000100020000 rw-\n"
		     "mmu 0xffff000012345000 [3] L2 0x0000000000014000-0x0000000000018000 stale-oa: "
		     "shadow 0x0000000100028000 r--, guest 0x0000000040024000 r--, canonical 0x0000000100024000 rw-\n",
		     "64K guest on a 16K host: 16K shadow pages checked inside 64K guest pages");
	CHECK_EQ_U64(st.leaves, 6, "64K on 16K: 6 shadow leaves");
	CHECK_EQ_U64(st.violations, 2, "64K on 16K: 2 violations");
	free(text);
	ram_fini(&w.ram);
}

/*
 * A guest table filtered out of the dump (makedumpfile -d 31 drops the guest
 * hypervisor's tables, user pages of the VMM): the leaves under it cannot be
 * checked. They are named apart and are not violations; a real violation in
 * a readable part of the same check is still one.
 */
static void test_guest_table_missing(void)
{
	struct world w;
	struct s2_nested_check_stats st;
	struct s2_nested_verdict v;
	struct s2_desc d;
	char *text, want[1000];
	uint64_t table_l1, table_pa;
	struct s2_error *err;

	world_init(&w);
	mapper_map(&w.canon, 0x40000000ULL, 0x100000000ULL, 2, A_RWX);
	/* two guest L3 tables: 0x10000000 (its table filtered) and 0x20000000 (readable) */
	table_l1 = gmap_map(&w.gm, 0x10000000ULL, 0x40000000ULL, 3, A_RWX) & ~0xfffULL;
	gmap_map(&w.gm, 0x20000000ULL, 0x40001000ULL, 3, A_RWX);
	table_pa = l1_pa(&w.l1, table_l1);
	mapper_map(&w.shadow, 0x10000000ULL, 0x100000000ULL, 3, A_RWX);   /* not checkable */
	mapper_map(&w.shadow, 0x10001000ULL, 0x100005000ULL, 3, A_RWX);   /* not checkable (guest unmapped if read) */
	mapper_map(&w.shadow, 0x20000000ULL, 0x100005000ULL, 3, A_R);     /* stale: canonical is 0x100001000 */
	world_guest(&w, true, t_vtcr(24, 1, 12, 2));
	w.ram.hole_start = table_pa;
	w.ram.hole_end = table_pa + 0x1000;

	d = shadow_desc(&w, 0x10000000ULL, 3);
	err = s2_nested_check_leaf(&w.checker, 0x10000000ULL, 0x1000, &d, &v);
	CHECK(!err && v.kind == S2_NESTED_NOT_CHECKABLE && v.nc_guest && v.nc_l1 == table_l1 && v.nc_pa == table_pa,
	      "guest table not in dump: not-checkable, naming its L1 IPA and PA%s", "");
	s2_error_destroy(err);
	text = check_text(&w, &st);
	snprintf(want, sizeof(want),
		 "mmu 0xffff000012345000 [3] L2 0x0000000010000000-0x0000000010001000 not-checkable: guest table at L1 "
		 "0x%016" PRIx64 " not in dump (PA 0x%" PRIx64 ")\n"
		 "mmu 0xffff000012345000 [3] L2 0x0000000010001000-0x0000000010002000 not-checkable: guest table at L1 "
		 "0x%016" PRIx64 " not in dump (PA 0x%" PRIx64 ")\n"
		 "mmu 0xffff000012345000 [3] L2 0x0000000020000000-0x0000000020001000 stale-oa: "
		 "shadow 0x0000000100005000 r--, guest 0x0000000040001000 rwx, canonical 0x0000000100001000 rwx\n",
		 table_l1, table_pa, table_l1, table_pa);
	CHECK_EQ_STR(text, want, "filtered guest table: two not-checkable lines, the real violation still reported");
	CHECK_EQ_U64(st.leaves, 3, "filtered: 3 leaves");
	CHECK_EQ_U64(st.violations, 1, "filtered: 1 violation (not the filtered ones)");
	CHECK_EQ_U64(st.not_checkable, 2, "filtered: 2 not checkable");
	free(text);
	ram_fini(&w.ram);
}

int main(void)
{
	test_mmu_matches();
	test_64k_on_16k();
	test_kinds();
	test_clean();
	test_disabled();
	test_guest_table_missing();
	return check_summary();
}
