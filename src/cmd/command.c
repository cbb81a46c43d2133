// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command grammar shared by the CLI, crash, drgn and gdb: the session,
 * the options, the dispatch of one command line to its driver (s2dump.c,
 * nesteds2.c), and what both drivers output of one MMU (the debugfs text, the
 * -v leaves, one IPA's translation). The grammar itself is written down once, in help.c, whose
 * text --help, crash's and gdb's help print; tests/docs/check-command-docs.py
 * holds the man page, docs/commands.md and the README to it.
 * Options are parsed here without getopt (no global state: crash calls us
 * repeatedly); output is streamed to the FILE* the front end gives.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "cmd/cmd.h"
#include "s2dump/ptdump.h"


struct s2_error *s2_session_create(const struct s2_target *target, struct s2_session **out)
{
	struct s2_session *s = calloc(1, sizeof(*s));
	struct s2_error *err;

	if (!s)
		return &s2_error_nomem;
	s->target = target;
	err = s2_kernel_open(target, &s->kernel);
	if (!err) {
		/* an unparsable release is refused here, before any command */
		enum s2_ptdump_format format;

		err = s2_ptdump_format_for_release(s2_kernel_info(s->kernel)->osrelease, &format, NULL);
	}
	if (err) {
		s2_session_destroy(s);
		return err;
	}
	*out = s;
	return NULL;
}

void s2_session_destroy(struct s2_session *s)
{
	if (!s)
		return;
	s2_kvm_layout_free(s->layout);
	s2_kernel_close(s->kernel);
	free(s);
}

struct s2_error *s2_cmd_layout(struct s2_session *s)
{
	if (s->layout)
		return NULL;
	return s2_kvm_layout_resolve(s->kernel, &s->layout);
}

struct s2_error *s2_session_model(struct s2_session *s, struct s2_kernel **kernel, const struct s2_kvm_layout **kvm_layout)
{
	struct s2_error *err = s2_cmd_layout(s);

	if (err)
		return err;
	*kernel = s->kernel;
	*kvm_layout = s->layout;
	return NULL;
}

/* Options */


/* "-v -x -j -p -t IPA" for the flags a command takes (its usage line says the rest). */
#define OPTION_LIST_MAX 64
static const char *option_list(const char *flags, char buf[OPTION_LIST_MAX])
{
	size_t n = 0;

	for (const char *c = flags; *c && n + 8 < OPTION_LIST_MAX; c++) {
		if (*c == ':' || *c == 'h')
			continue;
		n += (size_t)snprintf(buf + n, OPTION_LIST_MAX - n, "%s-%c%s", n ? " " : "", *c, *c == 't' ? " IPA" : "");
	}
	return n ? buf : "none";
}

struct s2_error *s2_cmd_parse_options(const char *cmd, int argc, char *const argv[], const char *flags,
				      struct s2_options *o)
{
	bool options_done = false;
	char opts[OPTION_LIST_MAX];

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || !a[1]) {
			if (o->npositional >= 4)
				return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "too many arguments");
			(void)cmd;
			o->positional[o->npositional++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(a, "--help")) {
			o->help = true;
			continue;
		}
		if (!strcmp(a, "--json") && strchr(flags, 'j')) {
			o->json = true; /* the long spelling people try first */
			continue;
		}
		if (a[1] == '-')
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "unknown option %s (options: %s)", a,
					       option_list(flags, opts));
		for (const char *c = a + 1; *c; c++) {
			if (!strchr(flags, *c) || *c == ':')
				return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "unknown option -%c (options: %s)", *c,
						       option_list(flags, opts));
			switch (*c) {
			case 'v': o->verbose = true; break;
			case 'x': o->exact = true; break;
			case 'j': o->json = true; break;
			case 'p': o->prefault = true; break;
			case 'h': o->help = true; break;
			case 't': {
				const char *val = c[1] ? c + 1 : (i + 1 < argc ? argv[++i] : NULL);
				struct s2_error *err;

				if (!val)
					return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "-t needs an IPA (hex)");
				err = s2_parse_addr(val, &o->ipa, "IPA");
				if (err)
					return err;
				o->translate = true;
				goto next_word; /* -t took the rest of this word or the next one */
			}
			}
		}
next_word:;
	}
	return NULL;
}

/* -v: which debugfs rules the text follows, and what said so (src/kvm/rules.c). */
void s2_cmd_print_rules(struct s2_session *s, struct s2_render *rd)
{
	rd->ops->rules(rd, s2_kvm_layout_rules(s->layout)->why);
}

/* The renderer of the output form the options ask for. */
void s2_cmd_render_init(struct s2_session *s, struct s2_render *rd, const struct s2_options *o, FILE *out)
{
	if (o->json)
		s2_render_json_init(rd, out, s2_kernel_info(s->kernel));
	else
		s2_render_text_init(rd, out, s2_kernel_info(s->kernel));
	rd->verbose = o->verbose;
}

void s2_cmd_end(struct s2_render *rd, const struct s2_error *err, int status)
{
	/* an error that is no finding (a finding's error carries S2_STATUS_FINDINGS) ends with status 2 */
	rd->ops->end(rd, err, err && status != S2_STATUS_FINDINGS ? S2_STATUS_ERROR : status);
}

void s2_cmd_print_help(FILE *out, const char *name)
{
	const struct s2_command_help *h = s2_command_help(name);

	fprintf(out, "NAME\n  %s - %s\n\nSYNOPSIS\n  %s %s\n\nDESCRIPTION\n", h->name, h->summary, h->name,
		h->synopsis);
	for (const char *const *l = h->description; *l; l++)
		fprintf(out, "%s%s\n", **l ? "  " : "", *l);
	fputs("\nEXAMPLES\n", out);
	for (const char *const *l = h->examples; *l; l++)
		fprintf(out, "%s\n", *l);
}

/* The stage 2 of one MMU, for both commands: the debugfs text or the -v leaves, one IPA */

struct s2_error *s2_cmd_leaves_visit(void *arg, const struct s2_walk_entry *e)
{
	struct s2_cmd_leaves *lv = arg;

	if (e->event == S2_WALK_PROBLEM) {
		if (!lv->problems++)
			lv->first_problem_ia = e->ia;
		lv->rd->ops->leaf_problem(lv->rd, e);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || !(e->desc.raw & 1))
		return NULL;
	if (e->desc.kind == S2_DESC_RESERVED && !lv->reserved++) {
		lv->first_reserved_ia = e->ia;
		lv->first_reserved_raw = e->desc.raw;
		lv->first_reserved_pa = e->desc_pa;
		lv->first_reserved_level = e->level;
	}
	lv->rd->ops->leaf(lv->rd, e);
	return NULL;
}

/*
 * A valid descriptor with a reserved encoding (0b01 at the last level, a block where the
 * granule allows none): the MMU faults on it and KVM never writes one, so the dump is
 * damaged there. The kernel's text prints it like any leaf; s2dump prints that text and
 * reports the first one as a finding (exit status 1).
 */
struct reserved_state {
	unsigned long count;
	uint64_t ia, raw, desc_pa;
	int level;
};

static void note_reserved(struct reserved_state *r, const struct s2_walk_entry *e)
{
	if (e->event == S2_WALK_LEAF && e->desc.kind == S2_DESC_RESERVED && !r->count++) {
		r->ia = e->ia;
		r->raw = e->desc.raw;
		r->desc_pa = e->desc_pa;
		r->level = e->level;
	}
}

static struct s2_error *reserved_error(uint64_t mmu, unsigned long count, uint64_t ia, int level, uint64_t raw,
				       uint64_t desc_pa)
{
	return s2_error_create(S2_ERROR_CORRUPT, "kvm_s2_mmu 0x%" PRIx64 ": %lu reserved descriptor(s), first at "
			       "IPA 0x%" PRIx64 ": level %d descriptor 0x%016" PRIx64 " at PA 0x%" PRIx64
			       " (reserved encoding)", mmu, count, ia, level, raw, desc_pa);
}

/* Count problems while printing the debugfs text. */
struct text_state {
	struct s2_ptdump pt;
	unsigned long problems;
	uint64_t first_problem_ia;
	uint64_t first_problem_pa;
	int first_problem_level;
	enum s2_walk_problem first_problem;
	struct reserved_state reserved;
};

static struct s2_error *text_visit(void *arg, const struct s2_walk_entry *e)
{
	struct text_state *t = arg;

	if (e->event == S2_WALK_PROBLEM && !t->problems++) {
		t->first_problem_ia = e->ia;
		t->first_problem_pa = s2_walk_problem_table(e);
		t->first_problem_level = e->level;
		t->first_problem = e->problem;
	}
	note_reserved(&t->reserved, e);
	return s2_ptdump_visit(&t->pt, e);
}

struct s2_error *s2_cmd_dump_mmu(struct s2_session *s, const struct s2_kvm_mmu *m, const struct s2_options *o,
				 struct s2_render *rd, int *status)
{
	struct s2_mem mem = s2_kvm_host_mem(s->kernel);
	uint64_t root;
	struct s2_error *err;

	/* 7.3: stage2_page_tables of an MMU without a page table holds nothing */
	if ((!m->pgt || !m->pgd) && o->exact && s2_kvm_layout_rules(s->layout)->flush && !o->verbose)
		return NULL;
	err = s2_kvm_mmu_root(s->kernel, m, &root);
	if (err)
		return err;
	if (o->verbose) {
		struct s2_cmd_leaves v = { .rd = rd };
		struct s2_walker w = { s2_cmd_leaves_visit, &v, 0, 0 };

		err = s2_walk(&m->geo, root, &mem, 0, 1ULL << m->ia_bits, &w);
		if (!err && v.problems) {
			*status = S2_STATUS_FINDINGS;
			err = s2_error_create(S2_ERROR_FAULT, "kvm_s2_mmu 0x%" PRIx64 ": %lu table(s) unreadable, first "
					      "at IPA 0x%" PRIx64, m->addr, v.problems, v.first_problem_ia);
		} else if (!err && v.reserved) {
			*status = S2_STATUS_FINDINGS;
			err = reserved_error(m->addr, v.reserved, v.first_reserved_ia, v.first_reserved_level,
					     v.first_reserved_raw, v.first_reserved_pa);
		}
		return err;
	}
	{
		struct text_state t = { 0 };
		struct s2_walker w = { text_visit, &t, S2_WALK_RAW_LEAVES | S2_WALK_MERGE, 0 };

		/* the kernel's debugfs text: src/ptdump, its rules per kernel */
		s2_ptdump_begin_rules(&t.pt, rd->out, s2_kvm_layout_rules(s->layout), m->ia_bits, o->exact);
		w.merge_mask = t.pt.mask; /* the text merges runs on these bits anyway */
		err = s2_walk(&m->geo, root, &mem, 0, 1ULL << m->ia_bits, &w);
		if (!err)
			s2_ptdump_end(&t.pt);
		if (!err && t.problems) {
			*status = S2_STATUS_FINDINGS;
			err = s2_error_create(S2_ERROR_FAULT, "kvm_s2_mmu 0x%" PRIx64 ": %lu stage-2 table(s) cannot be walked, "
					      "first at IPA 0x%" PRIx64 " (level %d table PA 0x%" PRIx64 " %s)", m->addr,
					      t.problems, t.first_problem_ia, t.first_problem_level,
					      t.first_problem_pa, s2_walk_problem_text(t.first_problem));
		} else if (!err && t.reserved.count) {
			*status = S2_STATUS_FINDINGS;
			err = reserved_error(m->addr, t.reserved.count, t.reserved.ia, t.reserved.level, t.reserved.raw,
					     t.reserved.desc_pa);
		}
		return err;
	}
}

struct s2_error *s2_cmd_translate_mmu(struct s2_session *s, const struct s2_kvm_mmu *m, uint64_t ipa,
				      struct s2_render *rd)
{
	struct s2_mem mem = s2_kvm_host_mem(s->kernel);
	struct s2_translation t;
	uint64_t root;
	struct s2_error *err = s2_kvm_mmu_root(s->kernel, m, &root);

	if (!err)
		err = s2_translate(&m->geo, root, &mem, ipa, &t);
	if (!err)
		rd->ops->translation(rd, ipa, &t);
	return err;
}


struct s2_error *s2_command_run(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status)
{
	const char *name;
	struct s2_error *err;
	int st = S2_STATUS_OK;

	if (argc < 1 || !argv || !argv[0]) {
		*status = S2_STATUS_USAGE;
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "no command");
	}
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(name, "s2dump"))
		err = s2_cmd_s2dump(s, argc, argv, out, &st);
	else if (!strcmp(name, "nesteds2"))
		err = s2_cmd_nesteds2(s, argc, argv, out, &st);
	else {
		st = S2_STATUS_USAGE;
		err = s2_error_create(S2_ERROR_INVALID_ARGUMENT, "unknown command %s", name);
	}
	fflush(out);
	if (err && st == S2_STATUS_OK)
		st = S2_STATUS_ERROR;
	*status = st;
	return err;
}

