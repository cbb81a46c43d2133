/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's debugfs stage-2 text (/sys/kernel/debug/kvm/<pid>-<fd>/
 * stage2_page_tables, nested/<name>, stage2_levels, ipa_range), reproduced
 * from walker entries. The rules and their sources are in docs/ptdump.md.
 *
 * Two modes:
 *   exact    byte-identical to what that kernel's file holds, quirks included:
 *            the final run is never printed.
 *   complete (default) the same text with nothing dropped: the final run is
 *            printed, and tables the dump cannot provide are shown as lines
 *            of their own instead of silently missing.
 */
#ifndef S2DUMP_PTDUMP_H
#define S2DUMP_PTDUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "s2dump/error.h"
#include "s2dump/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Attribute-column variants of stage2_pte_bits[] across kernel versions. */
enum s2_ptdump_format {
	S2_PTDUMP_FORMAT_6_12, /* 6.12 .. 6.17: " "/F, R, W, X (printed when XN is set), AF, BLK */
	S2_PTDUMP_FORMAT_6_18, /* 6.18: NX / "x " */
	S2_PTDUMP_FORMAT_6_19, /* 6.19 and later: FEAT_XNX columns "px ux " ... */
};

/*
 * Format for a kernel release string ("6.12.107+deb13-arm64"). Kernels older
 * than 6.12 have no debugfs stage-2 file; they get the 6.12 format and
 * *has_debugfs = false (may be NULL). Unparsable releases are an
 * S2_ERROR_INVALID_ARGUMENT.
 */
struct s2_error *s2_ptdump_format_for_release(const char *osrelease,
					      enum s2_ptdump_format *format,
					      bool *has_debugfs);

struct s2_ptdump {
	/* private state of note_page(); initialise with s2_ptdump_begin() */
	FILE *out;
	enum s2_ptdump_format format;
	bool exact;
	uint64_t end;           /* BIT(ia_bits): the closing marker */
	bool started;
	int level;
	uint64_t prot;
	uint64_t mask;          /* OR of the attribute columns' masks (pg_level[].mask) */
	uint64_t start_address;
	uint64_t last_end;      /* end of the last leaf seen: closes the final run in complete mode */
	bool problem;           /* the current run is an unreadable range (complete mode) */
	enum s2_walk_problem problem_kind;
	uint64_t problem_pa;
	unsigned long lines;    /* lines printed, header included */
};

/* Start a dump of a table with 2^ia_bits input addresses. */
void s2_ptdump_begin(struct s2_ptdump *st, FILE *out, enum s2_ptdump_format format,
		     unsigned int ia_bits, bool exact);
/*
 * The visitor: pass it to s2_walk() with arg = st and flags 0 or
 * S2_WALK_RAW_LEAVES (it reads only raw bits), never S2_WALK_SKIP_INVALID
 * (invalid entries are leaves too). S2_WALK_TABLE entries are ignored.
 */
struct s2_error *s2_ptdump_visit(void *st, const struct s2_walk_entry *entry);
/* End of walk: in complete mode prints the final run; in exact mode nothing. */
void s2_ptdump_end(struct s2_ptdump *st);

/* stage2_levels: "%1d\n" of 4 - start_level. */
void s2_ptdump_print_levels(FILE *out, int start_level);
/* ipa_range: "%2u\n" of ia_bits. */
void s2_ptdump_print_ipa_range(FILE *out, unsigned int ia_bits);

/*
 * The debugfs file name of a nested (shadow) MMU:
 * "0x%016llx-0x%016llx-s2-{en,dis}abled" of tlb_vttbr, tlb_vtcr. buf must
 * hold S2_NESTED_NAME_SIZE bytes.
 */
#define S2_NESTED_NAME_SIZE sizeof("0x0123456789abcdef-0x0123456789abcdef-s2-disabled")
void s2_ptdump_nested_name(char *buf, uint64_t tlb_vttbr, uint64_t tlb_vtcr,
			   bool s2_enabled);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_PTDUMP_H */
