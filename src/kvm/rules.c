// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which debugfs rules the dump's kernel follows (docs/ptdump.md, "Which
 * rules"). The release string is the fallback only: distributions backport,
 * and a 7.2.y carrying 7.3's flush prints the final run. What the vmlinux
 * says wins:
 *   nested names  the parameters of kvm_nested_s2_ptdump_create_debugfs in
 *                 DWARF: (mmu) up to 7.2, (mmu, idx) from 7.3; asked only
 *                 when the function has code (a symbol), i.e. with
 *                 CONFIG_PTDUMP_STAGE2_DEBUGFS on. With the option off
 *                 (Debian) only kvm_mmu.h's "static inline" stub is left, as
 *                 an abstract inline instance: libdw and drgn see it, crash's
 *                 gdb does not (no symbol for a function without code), and
 *                 the three front ends must decide alike. Without the option
 *                 there are no debugfs files to name either.
 *   final run     whether kvm_ptdump_guest_show() calls note_page_flush():
 *                 a BL/B to it in the function's code. note_page_flush()
 *                 itself, range aware, and ptdump_pg_state.end_address exist
 *                 in 7.2.12 already (arch/arm64/mm/ptdump.c), so their
 *                 presence tells nothing; only the caller changed.
 * Everything goes through the target ops, so the CLI, crash and drgn decide
 * the same.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm.h"

#define MAX_SCAN (64u * 1024) /* a show function is a few hundred bytes */

/* snprintf for the explanation lines: a cut line is still a line. */
static void say(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* 1: calls, 0: does not, -1: the vmlinux cannot tell (why says what is missing). */
static int probe_flush(struct s2_kernel *k, char *why, size_t len)
{
	const struct s2_target *t = s2_kernel_target(k);
	uint64_t show, size, flush;
	uint32_t *code;
	struct s2_error *err;
	int found = 0;

	if ((err = t->ops->symbol_address(t->ctx, "kvm_ptdump_guest_show", &show))) {
		s2_error_destroy(err);
		say(why, len, "no kvm_ptdump_guest_show (CONFIG_PTDUMP_STAGE2_DEBUGFS off)");
		return -1;
	}
	if (!t->ops->symbol_size || (err = t->ops->symbol_size(t->ctx, "kvm_ptdump_guest_show", &size))) {
		s2_error_destroy(err);
		say(why, len, "the size of kvm_ptdump_guest_show is unknown to %s", t->backend);
		return -1;
	}
	if ((err = t->ops->symbol_address(t->ctx, "note_page_flush", &flush))) {
		s2_error_destroy(err);
		say(why, len, "from the code: no note_page_flush for kvm_ptdump_guest_show to call");
		return 0;
	}
	size &= ~3ULL;
	if (!size || size > MAX_SCAN) {
		say(why, len, "kvm_ptdump_guest_show has an odd size (%" PRIu64 ")", size);
		return -1;
	}
	code = malloc(size);
	if (!code) {
		say(why, len, "out of memory");
		return -1;
	}
	if ((err = s2_kernel_read(k, show, code, size))) {
		say(why, len, "the code of kvm_ptdump_guest_show is not readable: %s", err->message);
		s2_error_destroy(err);
		free(code);
		return -1;
	}
	for (uint64_t i = 0; i < size / 4 && !found; i++) {
		uint32_t insn = code[i]; /* arm64 instructions are little-endian in memory */
		uint64_t pc = show + 4 * i;
		int64_t imm;

		/* BL (0b100101) or B (0b000101, a tail call) with a 26-bit word offset */
		if ((insn & 0x7c000000u) != 0x14000000u)
			continue;
		imm = (int64_t)(insn & 0x03ffffffu);
		if (imm & 0x02000000)
			imm -= 0x04000000;
		found = pc + (uint64_t)(imm * 4) == flush;
	}
	free(code);
	say(why, len, found ? "from the code: kvm_ptdump_guest_show calls note_page_flush" :
		 "from the code: kvm_ptdump_guest_show does not call note_page_flush");
	return found;
}

static int probe_names(struct s2_kernel *k, char *why, size_t len)
{
	const struct s2_target *t = s2_kernel_target(k);
	unsigned int n = 0;
	struct s2_error *err;
	uint64_t addr;

	if ((err = t->ops->symbol_address(t->ctx, "kvm_nested_s2_ptdump_create_debugfs", &addr))) {
		s2_error_destroy(err);
		say(why, len, "no kvm_nested_s2_ptdump_create_debugfs code (CONFIG_PTDUMP_STAGE2_DEBUGFS off)");
		return -1;
	}
	if (!t->ops->function_param_count) {
		say(why, len, "%s cannot list the parameters of kvm_nested_s2_ptdump_create_debugfs", t->backend);
		return -1;
	}
	if ((err = t->ops->function_param_count(t->ctx, "kvm_nested_s2_ptdump_create_debugfs", &n))) {
		s2_error_destroy(err);
		say(why, len, "no kvm_nested_s2_ptdump_create_debugfs in DWARF");
		return -1;
	}
	say(why, len, "from DWARF: kvm_nested_s2_ptdump_create_debugfs has %u parameter%s", n, n == 1 ? "" : "s");
	return n >= 2;
}

struct s2_error *s2_kvm_ptdump_rules(struct s2_kernel *k, struct s2_ptdump_rules *r)
{
	const char *rel = s2_kernel_info(k)->osrelease;
	char flush_why[200], names_why[200], names_part[300], flush_part[300];
	struct s2_error *err = s2_ptdump_rules_for_release(rel, r);
	unsigned int major = 0, minor = 0;
	bool newer;
	int flush, names;
	const char *label;

	if (err)
		return err;
	sscanf(rel, "%u.%u", &major, &minor);
	newer = major > S2_PTDUMP_NEWEST_MAJOR || (major == S2_PTDUMP_NEWEST_MAJOR && minor > S2_PTDUMP_NEWEST_MINOR);
	flush = probe_flush(k, flush_why, sizeof(flush_why));
	names = probe_names(k, names_why, sizeof(names_why));
	if (flush >= 0)
		r->flush = flush;
	if (names >= 0)
		r->nested_by_index = names;
	label = r->flush && r->nested_by_index ? "7.3" : !r->flush && !r->nested_by_index ? "up to 7.2" :
		r->flush ? "7.3 final run, older nested names" : "7.3 nested names, no final run";
	if (names >= 0)
		say(names_part, sizeof(names_part), "%s", names_why);
	else
		say(names_part, sizeof(names_part), "nested names from the release (%s)", names_why);
	if (flush >= 0)
		say(flush_part, sizeof(flush_part), "%s", flush_why);
	else
		say(flush_part, sizeof(flush_part), "final run from the release (%s)", flush_why);
	say(r->why, sizeof(r->why), "%s (%s; %s; release %s%s)", label, names_part, flush_part, rel,
		 newer ? ", newer than any known kernel: the newest rules where the vmlinux does not tell" : "");
	return NULL;
}
