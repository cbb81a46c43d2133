// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The debugfs text from hand-made walker entries. Expected lines are
 * derived by hand from the kernel's rules (docs/ptdump.md): note_page()
 * prints "0x%016lx-0x%016lx   " + "%9lu%c" + " %s" level, then " %s" of
 * set/clear per attribute column when the masked prot is non-zero; a line
 * is printed when the next leaf breaks the run; exact mode never prints the
 * final run. Attribute columns per version (docs/ptdump.md, "Per version": stage2_pte_bits[] of
 * arch/arm64/kvm/ptdump.c):
 *   6.12: [" "|"F"] ["R"|" "] ["W"|" "] [" "|"X" (XN set)] ["AF"|"  "] ["BLK"|"   "]
 *   6.18: same but XN column "NX"|"x ", PTE_VALID not part of the masks
 *   6.19: XN column one of "px ux " "PXNux " "PXNUXN" "px UXN" by XN[1:0]
 */
#include <stdlib.h>
#include <string.h>

#include "s2dump/ptdump.h"
#include "unit/check.h"
#include "walk/tables.h"

#define V   1ULL
#define PG  2ULL          /* level-3 page / table bit */
#define R   (1ULL << 6)
#define W   (1ULL << 7)
#define AF  (1ULL << 10)
#define XN  (1ULL << 54)
#define PXN (1ULL << 53)

struct text {
	char *buf;
	size_t len;
	FILE *f;
	struct s2_ptdump st;
};

static void text_begin(struct text *t, enum s2_ptdump_format format, unsigned int ia_bits, bool exact)
{
	t->f = open_memstream(&t->buf, &t->len);
	s2_ptdump_begin(&t->st, t->f, format, ia_bits, exact);
}

static struct s2_error *leaf(struct text *t, uint64_t ia, uint64_t size, int level, uint64_t raw)
{
	struct s2_walk_entry e = { .event = S2_WALK_LEAF, .ia = ia, .size = size, .level = level };

	e.desc.raw = raw;
	return s2_ptdump_visit(&t->st, &e);
}

/* Many equal entries: n leaves of size each from ia. */
static void leaves(struct text *t, uint64_t ia, uint64_t size, unsigned int n, int level, uint64_t raw)
{
	for (unsigned int i = 0; i < n; i++)
		s2_error_destroy(leaf(t, ia + i * size, size, level, raw));
}

static const char *text_end(struct text *t)
{
	s2_ptdump_end(&t->st);
	fclose(t->f);
	return t->buf;
}

static void test_formats(void)
{
	/* Lines worked by hand from those rules: 2M RW exec AF block at L2, 4K RW XN AF page at L3, empty 1G at L1. */
	static const struct { enum s2_ptdump_format f; const char *name, *want; } cases[] = {
		{ S2_PTDUMP_FORMAT_6_12, "6.12",
		  "---[ Guest IPA ]---\n"
		  "0x0000000000000000-0x0000000040000000           1G 1\n"
		  "0x0000000040000000-0x0000000040200000           2M 2   R W   AF BLK\n"
		  "0x0000000040200000-0x0000000040201000           4K 3   R W X AF    \n" },
		{ S2_PTDUMP_FORMAT_6_18, "6.18",
		  "---[ Guest IPA ]---\n"
		  "0x0000000000000000-0x0000000040000000           1G 1\n"
		  "0x0000000040000000-0x0000000040200000           2M 2   R W x  AF BLK\n"
		  "0x0000000040200000-0x0000000040201000           4K 3   R W NX AF    \n" },
		{ S2_PTDUMP_FORMAT_6_19, "6.19",
		  "---[ Guest IPA ]---\n"
		  "0x0000000000000000-0x0000000040000000           1G 1\n"
		  "0x0000000040000000-0x0000000040200000           2M 2   R W px ux  AF BLK\n"
		  "0x0000000040200000-0x0000000040201000           4K 3   R W PXNUXN AF    \n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct text t;

		text_begin(&t, cases[i].f, 40, true);
		leaf(&t, 0, 1ULL << 30, 1, 0);
		leaf(&t, 0x40000000, 0x200000, 2, 0x80000000 | (0xfULL << 2) | R | W | (3 << 8) | AF | V);
		leaf(&t, 0x40200000, 0x1000, 3, 0x81000000 | R | W | AF | XN | PG | V);
		/* the next leaf breaks the run; in exact mode its own run is never printed */
		leaf(&t, 0x40201000, 0x1000, 3, 0);
		CHECK_EQ_STR(text_end(&t), cases[i].want, "format %s: the hand-worked example lines, exact mode",
			     cases[i].name);
		free(t.buf);
	}
}

static void test_xnx_columns(void)
{
	/* 6.19: XN[1:0] 00 "px ux ", 01 "PXNux ", 10 "PXNUXN", 11 "px UXN"; 4K RW AF pages. */
	struct text t;

	text_begin(&t, S2_PTDUMP_FORMAT_6_19, 40, false);
	leaf(&t, 0x0000, 0x1000, 3, R | W | AF | PG | V);
	leaf(&t, 0x1000, 0x1000, 3, R | W | AF | PXN | PG | V);
	leaf(&t, 0x2000, 0x1000, 3, R | W | AF | XN | PG | V);
	leaf(&t, 0x3000, 0x1000, 3, R | W | AF | XN | PXN | PG | V);
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n"
		     "0x0000000000000000-0x0000000000001000           4K 3   R W px ux  AF    \n"
		     "0x0000000000001000-0x0000000000002000           4K 3   R W PXNux  AF    \n"
		     "0x0000000000002000-0x0000000000003000           4K 3   R W PXNUXN AF    \n"
		     "0x0000000000003000-0x0000000000004000           4K 3   R W px UXN AF    \n",
		     "6.19 FEAT_XNX columns, complete mode prints the final run");
	free(t.buf);
}

static void test_cover_letter(void)
{
	/*
	 * The first lines of the v10 cover letter's sample (6.12 format, ipa_range 44,
	 * 4 levels), with the spacing the e-mail collapsed restored by the rules:
	 * 8 empty 2M L2 slots, 32 empty 4K L3 slots, one RW exec AF page ("X" is
	 * printed for XN *set*, so an exec page prints a blank), 479 empty 4K slots
	 * (0x1df000 = 1916K), then 503 empty 2M slots (1006M), an empty 1G slot, then 9 RW exec AF
	 * 2M blocks (18M). The sample prints the 1G line with level "0", which no leaf at level 1
	 * produces with today's level names; we feed the level-1 leaf the walker would report.
	 */
	struct text t;

	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 44, true);
	leaves(&t, 0, 0x200000, 8, 2, 0);
	leaves(&t, 0x1000000, 0x1000, 32, 3, 0);
	leaf(&t, 0x1020000, 0x1000, 3, 0x41020000 | R | W | AF | XN | PG | V);
	leaves(&t, 0x1021000, 0x1000, 479, 3, 0);
	leaves(&t, 0x1200000, 0x200000, 503, 2, 0);
	leaf(&t, 0x40000000, 1ULL << 30, 1, 0);
	leaves(&t, 0x80000000, 0x200000, 9, 2, 0x90000000 | R | W | AF | V);
	leaf(&t, 0x81200000, 0x200000, 2, 0x92000000 | R | W | AF | XN | V);
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n"
		     "0x0000000000000000-0x0000000001000000          16M 2\n"
		     "0x0000000001000000-0x0000000001020000         128K 3\n"
		     "0x0000000001020000-0x0000000001021000           4K 3   R W X AF    \n"
		     "0x0000000001021000-0x0000000001200000        1916K 3\n"
		     "0x0000000001200000-0x0000000040000000        1006M 2\n"
		     "0x0000000040000000-0x0000000080000000           1G 1\n"
		     "0x0000000080000000-0x0000000081200000          18M 2   R W   AF BLK\n",
		     "cover-letter sample, 6.12 format, exact: scattered PAs merge, last run dropped");
	free(t.buf);
}

static void test_units_and_runs(void)
{
	struct text t;

	/* 2044K: 511 pages; 1T: 1024 L1 slots of 1G; merge ignores PA contiguity; level change breaks. */
	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 48, false);
	leaves(&t, 0x1000, 0x1000, 511, 3, 0);
	leaves(&t, 0x200000, 0x200000, 511, 2, 0);
	leaves(&t, 0x40000000, 1ULL << 30, 1023, 1, 0);
	leaves(&t, 0x10000000000ULL, 1ULL << 39, 1, 0, 0);
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n"
		     "0x0000000000001000-0x0000000000200000        2044K 3\n"
		     "0x0000000000200000-0x0000000040000000        1022M 2\n"
		     "0x0000000040000000-0x0000010000000000        1023G 1\n"
		     "0x0000010000000000-0x0000018000000000         512G 0\n",
		     "units: 2044K, 1022M, 1023G, 512G; a level change breaks the run");
	free(t.buf);

	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 48, false);
	leaves(&t, 0, 1ULL << 30, 1024, 1, 0);
	CHECK_EQ_STR(text_end(&t), "---[ Guest IPA ]---\n0x0000000000000000-0x0000010000000000           1T 1\n",
		     "units: 1024 x 1G is printed as 1T");
	free(t.buf);

	/* Exact mode with a single run prints only the header. */
	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, true);
	leaves(&t, 0, 1ULL << 30, 1024, 1, 0);
	CHECK_EQ_STR(text_end(&t), "---[ Guest IPA ]---\n", "exact mode: the final (only) run is never printed");
	free(t.buf);

	/* Nothing at all: no header. */
	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, false);
	CHECK_EQ_STR(text_end(&t), "", "no leaves: no text (the header comes with the first leaf)");
	free(t.buf);
}

static void test_invalid_annotations(void)
{
	/*
	 * A locked PTE (<= 7.0: bit 10, bit 0 clear). 6.12: every mask includes PTE_VALID, so only the
	 * clear strings print: " F" "  " "  " " X" "   " "    ". 6.19: masks without PTE_VALID: the AF
	 * column matches (bit 10) and XN[1:0] = 00 prints "px ux ": " F" "  " "  " " px ux " " AF" "    ".
	 */
	struct text t;

	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, false);
	leaf(&t, 0, 0x1000, 3, AF);
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n0x0000000000000000-0x0000000000001000           4K 3 F     X       \n",
		     "6.12: a locked invalid PTE prints F and X");
	free(t.buf);
	text_begin(&t, S2_PTDUMP_FORMAT_6_19, 40, false);
	leaf(&t, 0, 0x1000, 3, AF);
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n0x0000000000000000-0x0000000000001000           4K 3 F     px ux  AF    \n",
		     "6.19: a locked invalid PTE prints F, px ux and AF");
	free(t.buf);
	/* 7.1 annotations live in bits 63:60, outside every mask: the entry looks empty. */
	text_begin(&t, S2_PTDUMP_FORMAT_6_19, 40, false);
	leaf(&t, 0, 0x1000, 3, 1ULL << 60);
	CHECK_EQ_STR(text_end(&t), "---[ Guest IPA ]---\n0x0000000000000000-0x0000000000001000           4K 3\n",
		     "6.19: a 7.1 locked annotation (bit 60) prints no attributes");
	free(t.buf);
}

static void test_problems(void)
{
	struct text t;
	struct s2_walk_entry p = { .event = S2_WALK_PROBLEM, .ia = 0x200000, .size = 0x200000, .level = 3,
				   .desc_pa = 0x41234000, .problem = S2_PROBLEM_READ };
	struct s2_error *err;

	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, false);
	leaf(&t, 0, 0x200000, 2, 0);
	err = s2_ptdump_visit(&t.st, &p);
	leaf(&t, 0x400000, 0x200000, 2, 0);
	CHECK(err == NULL, "complete mode: a problem is not an error");
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n"
		     "0x0000000000000000-0x0000000000200000           2M 2\n"
		     "0x0000000000200000-0x0000000000400000           2M 3   !! table at PA 0x41234000 not in dump\n"
		     "0x0000000000400000-0x0000000000600000           2M 2\n",
		     "complete mode: an unreadable table is a line of its own, the runs around it kept");
	free(t.buf);

	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, true);
	leaf(&t, 0, 0x200000, 2, 0);
	err = s2_ptdump_visit(&t.st, &p);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "0x41234000") &&
	      strstr(err->message, "0x0000000000200000"),
	      "exact mode: an unreadable table is an error naming the IPA and table PA: %s",
	      err ? err->message : "none");
	s2_error_destroy(err);
	text_end(&t);
	free(t.buf);
}

static void test_small_outputs(void)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	char name[S2_NESTED_NAME_SIZE];
	enum s2_ptdump_format fmt;
	bool debugfs;
	struct s2_error *err;

	s2_ptdump_print_levels(f, 0);
	s2_ptdump_print_levels(f, 1);
	s2_ptdump_print_ipa_range(f, 44);
	s2_ptdump_print_ipa_range(f, 40);
	fclose(f);
	CHECK_EQ_STR(buf, "4\n3\n44\n40\n", "stage2_levels = 4 - start_level, ipa_range = %%2u of ia_bits");
	free(buf);

	s2_ptdump_nested_name(name, 0x0001000040002000ULL, 0x80023560ULL, true);
	CHECK_EQ_STR(name, "0x0001000040002000-0x0000000080023560-s2-enabled",
		     "nested name as the real 7.2 run printed it");
	s2_ptdump_nested_name(name, 1, 0, false);
	CHECK_EQ_STR(name, "0x0000000000000001-0x0000000000000000-s2-disabled", "nested name, disabled");
	CHECK(strlen(name) + 1 == 50, "nested name fills S2FNAMESZ (50 with the NUL)");

	err = s2_ptdump_format_for_release("6.12.107+deb13-arm64", &fmt, &debugfs);
	CHECK(!err && fmt == S2_PTDUMP_FORMAT_6_12 && debugfs, "6.12.107+deb13-arm64: 6.12 format, has debugfs");
	err = s2_ptdump_format_for_release("6.17.0", &fmt, &debugfs);
	CHECK(!err && fmt == S2_PTDUMP_FORMAT_6_12, "6.17: still the 6.12 columns");
	err = s2_ptdump_format_for_release("6.18.0-rc3", &fmt, &debugfs);
	CHECK(!err && fmt == S2_PTDUMP_FORMAT_6_18, "6.18.0-rc3: 6.18 format");
	err = s2_ptdump_format_for_release("7.2.12+deb13-arm64", &fmt, &debugfs);
	CHECK(!err && fmt == S2_PTDUMP_FORMAT_6_19, "7.2.12+deb13-arm64: 6.19+ format");
	err = s2_ptdump_format_for_release("6.1.0-50-arm64", &fmt, &debugfs);
	CHECK(!err && fmt == S2_PTDUMP_FORMAT_6_12 && !debugfs, "6.1: no debugfs file (6.12 columns used)");
	err = s2_ptdump_format_for_release("banana", &fmt, &debugfs);
	CHECK(err && err->code == S2_ERROR_INVALID_ARGUMENT, "an unparsable release is an argument error");
	s2_error_destroy(err);
}

/*
 * 7.3 (arch/arm64/kvm/ptdump.c, kvm_ptdump_guest_show()): the walk is followed by
 * note_page_flush(), i.e. note_page(end_address = BIT(ia_bits), level -1, 0), which
 * breaks any run: the final run is printed, ending at BIT(ia_bits). The IPA marker is
 * ULONG_MAX, so no marker line follows it. Lines by hand: 32-bit IPA, start level 1.
 */
static void test_rules_7_3(void)
{
	static const char *const head =
		"---[ Guest IPA ]---\n"
		"0x0000000000000000-0x0000000040000000           1G 1\n"
		"0x0000000040000000-0x0000000040200000           2M 2   R W px ux  AF BLK\n"
		"0x0000000040200000-0x0000000080000000        1022M 2\n";
	static const char *const last = "0x0000000080000000-0x0000000100000000           2G 1\n";
	char want[512];
	struct s2_ptdump_rules r;
	struct text t;
	char name[S2_NESTED_NAME_SIZE];
	char *buf;
	size_t len;
	FILE *f;
	struct s2_error *err;

	for (int flush = 0; flush <= 1; flush++) {
		memset(&r, 0, sizeof(r));
		r.format = S2_PTDUMP_FORMAT_6_19;
		r.flush = flush;
		t.f = open_memstream(&t.buf, &t.len);
		s2_ptdump_begin_rules(&t.st, t.f, &r, 32, true);
		leaf(&t, 0, 1ULL << 30, 1, 0);
		leaf(&t, 0x40000000, 0x200000, 2, 0x41000000 | R | W | (3 << 8) | AF | V);
		leaves(&t, 0x40200000, 0x200000, 511, 2, 0);
		leaf(&t, 0x80000000, 1ULL << 30, 1, 0);
		leaf(&t, 0xc0000000, 1ULL << 30, 1, 0);
		snprintf(want, sizeof(want), "%s%s", head, flush ? last : "");
		CHECK_EQ_STR(text_end(&t), want, flush ? "7.3 flush: the final run [2G, 4G) is printed, ending at BIT(ia_bits)" :
			     "7.2 rules: the final run is never printed");
		free(t.buf);
	}
	/* complete mode printed the final run before 7.3 already: the same text either way */
	memset(&r, 0, sizeof(r));
	r.format = S2_PTDUMP_FORMAT_6_19;
	text_begin(&t, r.format, 32, false);
	leaf(&t, 0, 1ULL << 30, 1, 0);
	leaf(&t, 0x40000000, 0x200000, 2, 0x41000000 | R | W | (3 << 8) | AF | V);
	leaves(&t, 0x40200000, 0x200000, 511, 2, 0);
	leaf(&t, 0x80000000, 1ULL << 30, 1, 0);
	leaf(&t, 0xc0000000, 1ULL << 30, 1, 0);
	snprintf(want, sizeof(want), "%s%s", head, last);
	CHECK_EQ_STR(text_end(&t), want, "complete mode: the final run, as before");
	free(t.buf);

	/* nested/nested_mmu%d into S2FNAMESZ = sizeof("nested_mmu0000") */
	s2_ptdump_nested_index_name(name, 0);
	CHECK_EQ_STR(name, "nested_mmu0", "7.3 name of slot 0");
	s2_ptdump_nested_index_name(name, 17);
	CHECK_EQ_STR(name, "nested_mmu17", "7.3 name of slot 17");
	s2_ptdump_nested_index_name(name, 1023);
	CHECK_EQ_STR(name, "nested_mmu1023", "7.3 name of slot 1023 (KVM_MAX_VCPUS * 2 - 1)");
	s2_ptdump_nested_index_name(name, 12345);
	CHECK_EQ_STR(name, "nested_mmu1234", "7.3 name cut at 14 characters like snprintf into S2FNAMESZ");
	r.nested_by_index = true;
	s2_ptdump_nested_name_rules(name, &r, 3, 0x0001000040002000ULL, 0x80023560ULL, true);
	CHECK_EQ_STR(name, "nested_mmu3", "the rules pick the index name on 7.3");
	r.nested_by_index = false;
	s2_ptdump_nested_name_rules(name, &r, 3, 0x0001000040002000ULL, 0x80023560ULL, true);
	CHECK_EQ_STR(name, "0x0001000040002000-0x0000000080023560-s2-enabled", "and the 7.1/7.2 name before");

	f = open_memstream(&buf, &len);
	s2_ptdump_print_nested_header(f, 0x80023560ULL, 0x0001000040002000ULL, true);
	s2_ptdump_print_nested_header(f, 0x80023558ULL, 0x0006000000000000ULL, false);
	fclose(f);
	CHECK_EQ_STR(buf, "VTCR: 0x0000000080023560 VTTBR: 0x0001000040002000 s2: enabled\n"
		     "VTCR: 0x0000000080023558 VTTBR: 0x0006000000000000 s2: disabled\n",
		     "7.3 shadow file header: VTCR first, then VTTBR, %%016llx each");
	free(buf);

	err = s2_ptdump_rules_for_release("7.3.4+deb13-arm64", &r);
	CHECK(!err && r.flush && r.nested_by_index && r.format == S2_PTDUMP_FORMAT_6_19 && r.has_debugfs &&
	      !strcmp(r.why, "7.3 (from the release 7.3.4+deb13-arm64)"), "7.3.4: 7.3 rules from the release (%s)", r.why);
	err = s2_ptdump_rules_for_release("7.2.12+deb13-arm64", &r);
	CHECK(!err && !r.flush && !r.nested_by_index, "7.2.12: no flush, old names");
	err = s2_ptdump_rules_for_release("7.3.0-rc1", &r);
	CHECK(!err && r.flush && r.nested_by_index, "7.3.0-rc1: 7.3 rules");
	err = s2_ptdump_rules_for_release("7.5.1", &r);
	CHECK(!err && r.flush && r.nested_by_index && strstr(r.why, "newer than any known"),
	      "7.5.1: newest rules, and says so (%s)", r.why);
	err = s2_ptdump_rules_for_release("8.0.0", &r);
	CHECK(!err && r.flush && r.nested_by_index && strstr(r.why, "newer than any known"), "8.0: newest rules");
	err = s2_ptdump_rules_for_release("banana", &r);
	CHECK(err && err->code == S2_ERROR_INVALID_ARGUMENT, "rules: an unparsable release is an argument error");
	s2_error_destroy(err);
}

/* End to end: hand-built tables -> s2_walk -> s2_ptdump_visit. */
static void test_walk_to_text(void)
{
	struct ram r;
	struct mapper m;
	struct s2_mem mem;
	struct text t;
	struct s2_walker w;
	struct s2_error *err;

	ram_init(&r);
	mem = (struct s2_mem){ ram_read, &r };
	mapper_init(&m, &r, 12, 40, 1, 2, false, 48);
	mapper_map(&m, 0x40000000, 0x80000000, 2, T_R | T_W | T_AF | T_SH_IS | T_MEMATTR(0xf));
	mapper_map(&m, 0x40200000, 0x90000000, 2, T_R | T_W | T_AF | T_SH_IS | T_MEMATTR(0xf));
	mapper_map(&m, 0x40400000, 0x81234000, 3, T_R | T_AF | T_XN | T_MEMATTR(0xf));
	text_begin(&t, S2_PTDUMP_FORMAT_6_12, 40, false);
	w = (struct s2_walker){ s2_ptdump_visit, &t.st, 0, 0 };
	err = s2_walk(&m.geo, m.root, &mem, 0, 1ULL << 40, &w);
	CHECK(!err, "walk into ptdump succeeds");
	s2_error_destroy(err);
	/*
	 * L1 slot 0 empty (1G), slot 1 -> L2: two RW blocks (4M, PAs not contiguous: merged), a table
	 * whose first page is RO XN, then 511 empty pages (2044K), then 509 empty L2 slots (1018M),
	 * then L1 slots 2..1023 empty: 1022G.
	 */
	CHECK_EQ_STR(text_end(&t),
		     "---[ Guest IPA ]---\n"
		     "0x0000000000000000-0x0000000040000000           1G 1\n"
		     "0x0000000040000000-0x0000000040400000           4M 2   R W   AF BLK\n"
		     "0x0000000040400000-0x0000000040401000           4K 3   R   X AF    \n"
		     "0x0000000040401000-0x0000000040600000        2044K 3\n"
		     "0x0000000040600000-0x0000000080000000        1018M 2\n"
		     "0x0000000080000000-0x0000010000000000        1022G 1\n",
		     "walk -> text over hand-built 4K tables, complete mode");
	free(t.buf);

	/* Merging leaves in the walker under the text's own mask must not change a byte. */
	{
		struct text merged, plain;
		struct s2_walker wm, wp;
		const char *a, *b;

		mapper_map(&m, 0x40401000, 0x81235000, 3, T_R | T_AF | T_XN | T_MEMATTR(0xf));
		mapper_map(&m, 0x40403000, 0x81237000, 3, T_R | T_W | T_AF | T_MEMATTR(0xf));
		ram_put(&r, mapper_entry(&m, 0x40405000, 3), 1ULL << 10); /* a locked invalid entry */
		text_begin(&merged, S2_PTDUMP_FORMAT_6_12, 40, false);
		text_begin(&plain, S2_PTDUMP_FORMAT_6_12, 40, false);
		wm = (struct s2_walker){ s2_ptdump_visit, &merged.st, S2_WALK_RAW_LEAVES | S2_WALK_MERGE,
					 merged.st.mask };
		wp = (struct s2_walker){ s2_ptdump_visit, &plain.st, 0, 0 };
		s2_error_destroy(s2_walk(&m.geo, m.root, &mem, 0, 1ULL << 40, &wm));
		s2_error_destroy(s2_walk(&m.geo, m.root, &mem, 0, 1ULL << 40, &wp));
		a = text_end(&merged);
		b = text_end(&plain);
		CHECK(strlen(b) > 300, "merge test has a non-trivial text (%zu bytes)", strlen(b));
		CHECK_EQ_STR(a, b, "walker-side merging gives the same text as leaf-by-leaf");
		free(merged.buf);
		free(plain.buf);
	}
	ram_fini(&r);
}

int main(void)
{
	test_formats();
	test_xnx_columns();
	test_cover_letter();
	test_units_and_runs();
	test_invalid_annotations();
	test_problems();
	test_small_outputs();
	test_rules_7_3();
	test_walk_to_text();
	return check_summary();
}
