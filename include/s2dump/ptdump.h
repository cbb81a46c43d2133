/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's debugfs stage-2 text (/sys/kernel/debug/kvm/<pid>-<fd>/
 * stage2_page_tables, nested/<name>, stage2_levels, ipa_range), reproduced
 * from walker entries. The rules and their sources are in docs/ptdump.md.
 *
 * Two modes:
 *   exact    byte-identical to what that kernel's file holds, quirks included:
 *            up to 7.2 the final run is never printed; 7.3 prints it
 *            (note_page_flush(), struct s2_ptdump_rules.flush).
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

/*
 * The debugfs rules of one kernel (docs/ptdump.md): the attribute columns,
 * and the two 7.3 changes, which distributions may backport separately.
 * Decided from the vmlinux where it can tell (src/kvm/rules.c), from the
 * release otherwise.
 */
struct s2_ptdump_rules {
	enum s2_ptdump_format format;
	bool has_debugfs;
	/*
	 * 7.3 "flush the last region": kvm_ptdump_guest_show() calls
	 * note_page_flush(), so the final run is printed; stage2_page_tables,
	 * ipa_range and stage2_levels print nothing for an MMU without a page table.
	 */
	bool flush;
	/*
	 * 7.3 shadow MMU files: nested/nested_mmu<index> (one per nested_mmus slot),
	 * a valid MMU's file starts with "VTCR: ... VTTBR: ... s2: ..." and an
	 * invalid one's is empty. Before: 0x<vttbr>-0x<vtcr>-s2-{en,dis}abled.
	 */
	bool nested_by_index;
	char why[640]; /* one line for -v: which rules and what said so */
};

/*
 * Rules from the release alone: format and has_debugfs as
 * s2_ptdump_format_for_release(), flush and nested_by_index from 7.3. A
 * release newer than any known (S2_PTDUMP_NEWEST_*) gets the newest rules and
 * says so in why.
 */
#define S2_PTDUMP_NEWEST_MAJOR 7
#define S2_PTDUMP_NEWEST_MINOR 3
struct s2_error *s2_ptdump_rules_for_release(const char *osrelease, struct s2_ptdump_rules *rules);

struct s2_ptdump {
	/* private state of note_page(); initialise with s2_ptdump_begin() */
	FILE *out;
	enum s2_ptdump_format format;
	bool exact;
	bool flush;             /* exact mode prints the final run (7.3 note_page_flush()) */
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

/* Start a dump of a table with 2^ia_bits input addresses, pre-7.3 rules (no flush). */
void s2_ptdump_begin(struct s2_ptdump *st, FILE *out, enum s2_ptdump_format format,
		     unsigned int ia_bits, bool exact);
/* The same with a kernel's rules (format and flush). */
void s2_ptdump_begin_rules(struct s2_ptdump *st, FILE *out, const struct s2_ptdump_rules *rules,
			   unsigned int ia_bits, bool exact);
/*
 * The visitor: pass it to s2_walk() with arg = st and flags 0 or
 * S2_WALK_RAW_LEAVES (it reads only raw bits), never S2_WALK_SKIP_INVALID
 * (invalid entries are leaves too). S2_WALK_TABLE entries are ignored.
 */
struct s2_error *s2_ptdump_visit(void *st, const struct s2_walk_entry *entry);
/* End of walk: prints the final run in complete mode, and in exact mode with flush. */
void s2_ptdump_end(struct s2_ptdump *st);

/* stage2_levels: "%1d\n" of 4 - start_level. */
void s2_ptdump_print_levels(FILE *out, int start_level);
/* ipa_range: "%2u\n" of ia_bits. */
void s2_ptdump_print_ipa_range(FILE *out, unsigned int ia_bits);

/*
 * The debugfs file name of a nested (shadow) MMU up to 7.2:
 * "0x%016llx-0x%016llx-s2-{en,dis}abled" of tlb_vttbr, tlb_vtcr. buf must
 * hold S2_NESTED_NAME_SIZE bytes.
 */
#define S2_NESTED_NAME_SIZE sizeof("0x0123456789abcdef-0x0123456789abcdef-s2-disabled")
void s2_ptdump_nested_name(char *buf, uint64_t tlb_vttbr, uint64_t tlb_vtcr,
			   bool s2_enabled);
/*
 * 7.3: "nested_mmu%d" of the index into kvm->arch.nested_mmus, cut like the
 * kernel's S2FNAMESZ buffer (sizeof("nested_mmu0000"): four digits at most).
 */
#define S2_NESTED_INDEX_NAME_SIZE sizeof("nested_mmu0000")
void s2_ptdump_nested_index_name(char *buf, uint64_t index);
/* The name the rules give: one of the two above (buf of S2_NESTED_NAME_SIZE). */
void s2_ptdump_nested_name_rules(char *buf, const struct s2_ptdump_rules *rules, uint64_t index,
				 uint64_t tlb_vttbr, uint64_t tlb_vtcr, bool s2_enabled);
/* 7.3: the first line of a valid shadow MMU's file. */
void s2_ptdump_print_nested_header(FILE *out, uint64_t tlb_vtcr, uint64_t tlb_vttbr, bool s2_enabled);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_PTDUMP_H */
