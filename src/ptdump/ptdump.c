// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's debugfs stage-2 text, rebuilt from walker entries. The rules
 * (and where they come from) are in docs/ptdump.md: note_page() of
 * arch/arm64/mm/ptdump.c driven by arch/arm64/kvm/ptdump.c, with the
 * attribute table of each kernel version.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2dump/ptdump.h"

#define PTE_VALID      (1ULL << 0)
#define PTE_TABLE_BIT  (1ULL << 1)
#define S2AP_R         (1ULL << 6)
#define S2AP_W         (1ULL << 7)
#define S2_AF          (1ULL << 10)
#define S2_XN          (1ULL << 54)            /* <= 6.18 */
#define S2_XN_FIELD    (3ULL << 53)            /* 6.19+: FEAT_XNX XN[1:0] */
#define PMD_TYPE_MASK  (3ULL)
#define PMD_TYPE_SECT  (1ULL)

/* One column: printed as " set" when (prot & mask) == val, else " clear" (nothing if NULL). */
struct prot_bit {
	uint64_t mask, val;
	const char *set, *clear;
};

/* 6.12 .. 6.17 (PTE_VALID tested alongside each attribute; "X" when XN is set). */
static const struct prot_bit bits_6_12[] = {
	{ PTE_VALID, PTE_VALID, " ", "F" },
	{ S2AP_R | PTE_VALID, S2AP_R | PTE_VALID, "R", " " },
	{ S2AP_W | PTE_VALID, S2AP_W | PTE_VALID, "W", " " },
	{ S2_XN | PTE_VALID, PTE_VALID, " ", "X" },
	{ S2_AF | PTE_VALID, S2_AF | PTE_VALID, "AF", "  " },
	{ PTE_TABLE_BIT | PTE_VALID, PTE_VALID, "BLK", "   " },
};

/* 6.18: "Don't test PTE_VALID alongside other attributes" (8673e5b22e1e). */
static const struct prot_bit bits_6_18[] = {
	{ PTE_VALID, PTE_VALID, " ", "F" },
	{ S2AP_R, S2AP_R, "R", " " },
	{ S2AP_W, S2AP_W, "W", " " },
	{ S2_XN, S2_XN, "NX", "x " },
	{ S2_AF, S2_AF, "AF", "  " },
	{ PMD_TYPE_MASK, PMD_TYPE_SECT, "BLK", "   " },
};

/* 6.19+: "Teach ptdump about FEAT_XNX permissions" (81e9fe5c6f25). */
static const struct prot_bit bits_6_19[] = {
	{ PTE_VALID, PTE_VALID, " ", "F" },
	{ S2AP_R, S2AP_R, "R", " " },
	{ S2AP_W, S2AP_W, "W", " " },
	{ S2_XN_FIELD, 0ULL << 53, "px ux ", NULL },
	{ S2_XN_FIELD, 1ULL << 53, "PXNux ", NULL },
	{ S2_XN_FIELD, 2ULL << 53, "PXNUXN", NULL },
	{ S2_XN_FIELD, 3ULL << 53, "px UXN", NULL },
	{ S2_AF, S2_AF, "AF", "  " },
	{ PMD_TYPE_MASK, PMD_TYPE_SECT, "BLK", "   " },
};

struct prot_table {
	const struct prot_bit *bits;
	size_t count;
	uint64_t mask; /* OR of every column's mask: pg_level[].mask */
};

static const struct prot_table *prot_table(enum s2_ptdump_format format)
{
	static struct prot_table tables[3];
	static const struct prot_bit *const sources[3] = { bits_6_12, bits_6_18, bits_6_19 };
	static const size_t counts[3] = {
		sizeof(bits_6_12) / sizeof(bits_6_12[0]),
		sizeof(bits_6_18) / sizeof(bits_6_18[0]),
		sizeof(bits_6_19) / sizeof(bits_6_19[0]),
	};
	struct prot_table *t = &tables[format];

	if (!t->bits) {
		uint64_t mask = 0;

		for (size_t i = 0; i < counts[format]; i++)
			mask |= sources[format][i].mask;
		t->count = counts[format];
		t->mask = mask;
		t->bits = sources[format];
	}
	return t;
}

struct s2_error *s2_ptdump_format_for_release(const char *osrelease, enum s2_ptdump_format *format,
					      bool *has_debugfs)
{
	unsigned int major, minor;
	int consumed = 0;

	if (!osrelease || sscanf(osrelease, "%u.%u%n", &major, &minor, &consumed) != 2 || consumed == 0)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT,
				       "kernel release \"%s\" is not MAJOR.MINOR...",
				       osrelease ? osrelease : "(null)");
	if (major > 6 || (major == 6 && minor >= 19))
		*format = S2_PTDUMP_FORMAT_6_19;
	else if (major == 6 && minor == 18)
		*format = S2_PTDUMP_FORMAT_6_18;
	else
		*format = S2_PTDUMP_FORMAT_6_12;
	if (has_debugfs)
		*has_debugfs = major > 6 || (major == 6 && minor >= 12);
	return NULL;
}

struct s2_error *s2_ptdump_rules_for_release(const char *osrelease, struct s2_ptdump_rules *rules)
{
	unsigned int major = 0, minor = 0;
	struct s2_error *err;
	bool newer;

	memset(rules, 0, sizeof(*rules));
	err = s2_ptdump_format_for_release(osrelease, &rules->format, &rules->has_debugfs);
	if (err)
		return err;
	sscanf(osrelease, "%u.%u", &major, &minor);
	/* 7.3: kvm_ptdump_guest_show() flushes; nested files named by slot index */
	rules->flush = rules->nested_by_index = major > 7 || (major == 7 && minor >= 3);
	newer = major > S2_PTDUMP_NEWEST_MAJOR || (major == S2_PTDUMP_NEWEST_MAJOR && minor > S2_PTDUMP_NEWEST_MINOR);
	if (newer)
		snprintf(rules->why, sizeof(rules->why), "%u.%u (from the release %s, newer than any known kernel: "
			 "the newest rules)", S2_PTDUMP_NEWEST_MAJOR, S2_PTDUMP_NEWEST_MINOR, osrelease);
	else
		snprintf(rules->why, sizeof(rules->why), "%u.%u (from the release %s)", major, minor, osrelease);
	return NULL;
}

void s2_ptdump_begin_rules(struct s2_ptdump *st, FILE *out, const struct s2_ptdump_rules *rules,
			   unsigned int ia_bits, bool exact)
{
	s2_ptdump_begin(st, out, rules->format, ia_bits, exact);
	st->flush = rules->flush;
}

void s2_ptdump_begin(struct s2_ptdump *st, FILE *out, enum s2_ptdump_format format,
		     unsigned int ia_bits, bool exact)
{
	*st = (struct s2_ptdump){
		.out = out,
		.format = format,
		.exact = exact,
		.end = ia_bits >= 64 ? ~0ULL : 1ULL << ia_bits,
		.level = -1,
		.mask = prot_table(format)->mask,
	};
}

/* "%9lu%c" of a byte count with note_page()'s unit rule. */
static void print_size(FILE *out, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	const char *unit = units;
	uint64_t delta = bytes >> 10;

	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	fprintf(out, "%9" PRIu64 "%c", delta, *unit);
}

static void print_range(struct s2_ptdump *st, uint64_t start, uint64_t end, int level)
{
	fprintf(st->out, "0x%016" PRIx64 "-0x%016" PRIx64 "   ", start, end);
	print_size(st->out, end - start);
	/* Level names are "%u" of the level index (kvm_ptdump_build_levels()). */
	fprintf(st->out, " %u", (unsigned int)level);
}

/* The run [start_address, addr) at st->level with st->prot. */
static void print_run(struct s2_ptdump *st, uint64_t addr)
{
	const struct prot_table *t = prot_table(st->format);

	print_range(st, st->start_address, addr, st->level);
	if (st->prot) {
		for (size_t i = 0; i < t->count; i++) {
			const char *s = (st->prot & t->bits[i].mask) == t->bits[i].val ? t->bits[i].set
										    : t->bits[i].clear;
			if (s)
				fprintf(st->out, " %s", s);
		}
	}
	fputc('\n', st->out);
	st->lines++;
}

static void header(struct s2_ptdump *st)
{
	fputs("---[ Guest IPA ]---\n", st->out);
	st->lines++;
}

struct s2_error *s2_ptdump_visit(void *arg, const struct s2_walk_entry *e)
{
	struct s2_ptdump *st = arg;
	uint64_t prot;

	if (e->event == S2_WALK_TABLE)
		return NULL;
	if (e->event == S2_WALK_PROBLEM) {
		if (st->exact)
			return s2_error_create(e->problem == S2_PROBLEM_READ ? S2_ERROR_FAULT : S2_ERROR_CORRUPT,
					       "IPA 0x%016" PRIx64 "-0x%016" PRIx64 ": level %d table at PA 0x%" PRIx64
					       " %s: the kernel's text cannot be reproduced",
					       e->ia, e->ia + e->size, e->level,
					       s2_walk_problem_table(e),
					       s2_walk_problem_text(e->problem));
		if (!st->started) {
			header(st);
			st->started = true;
		} else if (st->level != -2) {
			print_run(st, e->ia);
		}
		print_range(st, e->ia, e->ia + e->size, e->level);
		fprintf(st->out, "   !! table at PA 0x%" PRIx64 " %s\n",
			s2_walk_problem_table(e), s2_walk_problem_text(e->problem));
		st->lines++;
		st->level = -2; /* no run open: the next leaf starts one */
		st->start_address = e->ia + e->size;
		return NULL;
	}

	prot = e->level >= 0 ? e->desc.raw & st->mask : 0;
	st->last_end = e->ia + e->size;
	if (!st->started) {
		header(st);
		st->started = true;
	} else if (st->level == -2) {
		/* after a problem line */
	} else if (prot == st->prot && e->level == st->level && e->ia < st->end) {
		return NULL;
	} else {
		print_run(st, e->ia);
	}
	st->level = e->level;
	st->prot = prot;
	st->start_address = e->ia;
	return NULL;
}

void s2_ptdump_end(struct s2_ptdump *st)
{
	if (!st->started || st->level == -2)
		return;
	/*
	 * Up to 7.2 the kernel never calls note_page() past the last leaf: the last run is
	 * never printed. 7.3's note_page_flush() calls it at end_address = BIT(ia_bits)
	 * with level -1, which always breaks the run, and ends it there (the IPA marker
	 * moved to ULONG_MAX, so no marker line follows).
	 */
	if (st->exact && !st->flush)
		return;
	print_run(st, st->exact ? st->end : st->last_end);
}

void s2_ptdump_print_levels(FILE *out, int start_level)
{
	fprintf(out, "%1d\n", 4 - start_level); /* KVM_PGTABLE_MAX_LEVELS - start_level */
}

void s2_ptdump_print_ipa_range(FILE *out, unsigned int ia_bits)
{
	fprintf(out, "%2u\n", ia_bits);
}

void s2_ptdump_nested_name(char *buf, uint64_t tlb_vttbr, uint64_t tlb_vtcr, bool s2_enabled)
{
	snprintf(buf, S2_NESTED_NAME_SIZE, "0x%016" PRIx64 "-0x%016" PRIx64 "-s2-%sabled", tlb_vttbr,
		 tlb_vtcr, s2_enabled ? "en" : "dis");
}

void s2_ptdump_nested_index_name(char *buf, uint64_t index)
{
	char full[32];
	size_t n;

	/* "%d" of an int index into a buffer of S2FNAMESZ: longer names are cut there */
	snprintf(full, sizeof(full), "nested_mmu%d", (int)index);
	n = strlen(full);
	if (n > S2_NESTED_INDEX_NAME_SIZE - 1)
		n = S2_NESTED_INDEX_NAME_SIZE - 1;
	memcpy(buf, full, n);
	buf[n] = '\0';
}

void s2_ptdump_nested_name_rules(char *buf, const struct s2_ptdump_rules *rules, uint64_t index,
				 uint64_t tlb_vttbr, uint64_t tlb_vtcr, bool s2_enabled)
{
	if (rules->nested_by_index)
		s2_ptdump_nested_index_name(buf, index);
	else
		s2_ptdump_nested_name(buf, tlb_vttbr, tlb_vtcr, s2_enabled);
}

void s2_ptdump_print_nested_header(FILE *out, uint64_t tlb_vtcr, uint64_t tlb_vttbr, bool s2_enabled)
{
	fprintf(out, "VTCR: 0x%016" PRIx64 " VTTBR: 0x%016" PRIx64 " s2: %s\n", tlb_vtcr, tlb_vttbr,
		s2_enabled ? "enabled" : "disabled");
}
