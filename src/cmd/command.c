// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command grammar shared by the CLI, crash, drgn and gdb: the session and
 * the dispatch of one command line to its driver (s2dump here, nesteds2 in
 * cmd/nested.c). The grammar itself is written down once, in help.c, whose
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
#include "kvm/kvm.h"
#include "cmd/nested.h"
#include "report/report.h"
#include "s2dump/command.h"
#include "s2dump/ptdump.h"

struct s2_session {
	const struct s2_target *target;
	struct s2_kernel *kernel;
	struct s2_kvm_layout *layout;  /* resolved at the first command that needs it (with the ptdump rules) */
};

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

static struct s2_error *layout(struct s2_session *s)
{
	if (s->layout)
		return NULL;
	return s2_kvm_layout_resolve(s->kernel, &s->layout);
}

struct s2_error *s2_session_model(struct s2_session *s, struct s2_kernel **kernel, const struct s2_kvm_layout **kvm_layout)
{
	struct s2_error *err = layout(s);

	if (err)
		return err;
	*kernel = s->kernel;
	*kvm_layout = s->layout;
	return NULL;
}

/* Options */

struct options {
	bool verbose, exact, json, prefault, help;
	bool translate;
	uint64_t ipa;
	const char *positional[4];
	int npositional;
};

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

static struct s2_error *parse_options(const char *cmd, int argc, char *const argv[], const char *flags,
				      struct options *o)
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
static void print_rules(struct s2_session *s, FILE *out)
{
	fprintf(out, "ptdump rules: %s\n", s2_kvm_layout_rules(s->layout)->why);
}

static struct s2_error *find_vm(struct s2_session *s, const char *arg, struct s2_kvm_vm *vm)
{
	return s2_kvm_find_vm(s->kernel, s->layout, arg, vm);
}

static void print_help(FILE *out, const char *name)
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

/* Reports */

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

static struct s2_error *reserved_error(uint64_t mmu, const struct reserved_state *r)
{
	return s2_error_create(S2_ERROR_CORRUPT, "kvm_s2_mmu 0x%" PRIx64 ": %lu reserved descriptor(s), first at "
			       "IPA 0x%" PRIx64 ": level %d descriptor 0x%016" PRIx64 " at PA 0x%" PRIx64
			       " (reserved encoding)", mmu, r->count, r->ia, r->level, r->raw, r->desc_pa);
}

struct verbose_state {
	FILE *out;
	unsigned long problems;
	uint64_t first_problem_ia;
	struct reserved_state reserved;
};

static struct s2_error *verbose_visit(void *arg, const struct s2_walk_entry *e)
{
	struct verbose_state *v = arg;
	const struct s2_desc *d = &e->desc;

	if (e->event == S2_WALK_PROBLEM) {
		if (!v->problems++)
			v->first_problem_ia = e->ia;
		fprintf(v->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d  !! table at PA 0x%" PRIx64 " %s\n", e->ia,
			e->ia + e->size, e->level, s2_walk_problem_table(e), s2_walk_problem_text(e->problem));
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || !(d->raw & 1))
		return NULL;
	note_reserved(&v->reserved, e);
	fprintf(v->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d %s -> 0x%016" PRIx64 "  desc 0x%016" PRIx64
		" @PA 0x%" PRIx64 "  %c%c %s%s AF=%d SH=%u MemAttr=0x%x%s%s SW=0x%x\n",
		e->ia, e->ia + e->size, e->level,
		d->kind == S2_DESC_BLOCK ? "block" : d->kind == S2_DESC_PAGE ? "page " : "RSVD ", d->oa, d->raw,
		e->desc_pa, (d->s2ap & 1) ? 'R' : '-', (d->s2ap & 2) ? 'W' : '-',
		d->xn == 0 ? "X" : d->xn == 1 ? "PXN" : d->xn == 2 ? "XN" : "UXN", "", d->af, d->sh, d->memattr,
		d->contiguous ? " CONT" : "", d->dbm ? " DBM" : "", d->sw);
	return NULL;
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

static struct s2_error *dump_mmu(struct s2_session *s, const struct s2_kvm_mmu *m, const struct options *o,
				 FILE *out, int *status)
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
		struct verbose_state v = { .out = out };
		struct s2_walker w = { verbose_visit, &v, 0, 0 };

		err = s2_walk(&m->geo, root, &mem, 0, 1ULL << m->ia_bits, &w);
		if (!err && v.problems) {
			*status = S2_STATUS_FINDINGS;
			err = s2_error_create(S2_ERROR_FAULT, "kvm_s2_mmu 0x%" PRIx64 ": %lu table(s) unreadable, first "
					      "at IPA 0x%" PRIx64, m->addr, v.problems, v.first_problem_ia);
		} else if (!err && v.reserved.count) {
			*status = S2_STATUS_FINDINGS;
			err = reserved_error(m->addr, &v.reserved);
		}
		return err;
	}
	{
		struct text_state t = { 0 };
		struct s2_walker w = { text_visit, &t, S2_WALK_RAW_LEAVES | S2_WALK_MERGE, 0 };

		s2_ptdump_begin_rules(&t.pt, out, s2_kvm_layout_rules(s->layout), m->ia_bits, o->exact);
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
			err = reserved_error(m->addr, &t.reserved);
		}
		return err;
	}
}

static struct s2_error *translate_one(struct s2_session *s, const struct s2_kvm_mmu *m, uint64_t ipa, FILE *out)
{
	struct s2_mem mem = s2_kvm_host_mem(s->kernel);
	struct s2_translation t;
	uint64_t root;
	struct s2_error *err = s2_kvm_mmu_root(s->kernel, m, &root);

	if (!err)
		err = s2_translate(&m->geo, root, &mem, ipa, &t);
	if (err)
		return err;
	if (t.fault.type == S2_FAULT_NONE || t.fault.type == S2_FAULT_ACCESS_FLAG) {
		fprintf(out, "IPA 0x%016" PRIx64 " -> PA 0x%016" PRIx64 "  level %d %s  desc 0x%016" PRIx64
			" @PA 0x%" PRIx64 "  %c%c%s AF=%d%s\n", ipa, t.oa, t.level,
			t.desc.kind == S2_DESC_BLOCK ? "block" : "page", t.desc.raw, t.desc_pa,
			(t.desc.s2ap & 1) ? 'R' : '-', (t.desc.s2ap & 2) ? 'W' : '-', (t.desc.xn & 2) ? " XN" : "",
			t.desc.af, t.fault.type == S2_FAULT_ACCESS_FLAG ? " (access flag fault until accessed)" : "");
	} else {
		fprintf(out, "IPA 0x%016" PRIx64 " -> %s, level %d (FSC 0x%02x)%s%s\n", ipa,
			s2_fault_type_name(t.fault.type), t.level, t.fault.fsc, t.read_error[0] ? ": " : "",
			t.read_error);
	}
	return NULL;
}

struct all_vms {
	struct s2_session *s;
	const struct options *o;
	FILE *out;
	int status;
	unsigned int n;
	bool label;                  /* -t over several VMs: each line names its VM */
	struct s2_error *first_finding;
};

static struct s2_error *s2dump_vm(struct s2_session *s, const struct s2_kvm_vm *vm, const struct options *o,
				  bool label, FILE *out, int *status)
{
	if (o->translate && label)
		fprintf(out, "kvm 0x%016" PRIx64 " pid %d: ", vm->addr, vm->pid);
	if (vm->pkvm) {
		/* pKVM: the host-side pgd is garbage (the union holds pkvm_mappings); never walk it */
		if (o->translate)
			return s2_report_pkvm_translate(s->kernel, s->layout, vm, o->ipa, out);
		if (o->exact)
			return s2_error_create(S2_ERROR_UNSUPPORTED, "kvm 0x%" PRIx64 ": pKVM (%s): the stage 2 is in "
					       "EL2-private memory, not in the host's kvm_pgtable", vm->addr, vm->pkvm_why);
		s2_report_vm_text_header(out, vm, false);
		return s2_report_pkvm_text(s->kernel, s->layout, vm, out);
	}
	if (o->translate)
		return translate_one(s, &vm->mmu, o->ipa, out);
	if (!o->exact)
		s2_report_vm_text_header(out, vm, true);
	return dump_mmu(s, &vm->mmu, o, out, status);
}

static struct s2_error *each_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct all_vms *a = arg;
	int status = S2_STATUS_OK;
	struct s2_error *err;

	if (a->n++ && !a->label)
		fputc('\n', a->out);
	err = s2dump_vm(a->s, vm, a->o, a->label, a->out, &status);
	if (err && status == S2_STATUS_FINDINGS) {
		/* keep going through the other VMs; report the first problem at the end */
		fprintf(a->out, "!! %s\n", err->message);
		if (!a->first_finding)
			a->first_finding = err;
		else
			s2_error_destroy(err);
		a->status = S2_STATUS_FINDINGS;
		return NULL;
	}
	return err;
}

/*
 * s2dump -t IPA <nested mmu>: the guest stage (src/nested), the canonical
 * line for the L1 IPA, then what the shadow table holds for the L2 IPA.
 * *found false: arg is no nested MMU (the caller tries a VM).
 */
static struct s2_error *nested_translate(struct s2_session *s, const char *arg, uint64_t ipa, FILE *out,
					 bool *found, int *status)
{
	struct s2_kvm_nested_target *t;
	struct s2_error *err;
	uint64_t v = 0, l1 = 0;
	bool mapped = false, is_pid = false;

	*found = false;
	if (!s2_kvm_arg_is_nested_name(arg)) {
		err = s2_parse_vm(arg, &is_pid, &v);
		if (err || is_pid) {
			s2_error_destroy(err);
			return NULL; /* a pid or not a number: not a nested MMU (the VM lookup says why) */
		}
	}
	t = malloc(sizeof(*t));
	if (!t)
		return &s2_error_nomem;
	err = s2_kvm_find_nested_mmu(s->kernel, s->layout, arg, t);
	if (err && err->code == S2_ERROR_LOOKUP && !s2_kvm_arg_is_nested_name(arg)) {
		s2_error_destroy(err);
		free(t);
		return NULL;
	}
	if (!err) {
		*found = true;
		err = s2_nested_cmd_translate(s->kernel, s->layout, t, ipa, out, &mapped, &l1, status);
	}
	if (!err && mapped)
		err = translate_one(s, &t->vm.mmu, l1, out);
	if (!err && mapped)
		err = s2_nested_cmd_translate_memslot(s->kernel, s->layout, t, l1, out);
	if (!err) {
		fputs("shadow: ", out);
		if (t->mmu.pgt && t->mmu.pgd)
			err = translate_one(s, &t->mmu, ipa, out);
		else
			fputs("no shadow table\n", out);
	}
	free(t);
	return err;
}

/*
 * Which s2dump options go together, in one place (the CLI, crash and drgn all
 * come here): -x is the kernel's file and takes nothing else; -p, -t and -v
 * are three different outputs; -j is a form of any of those but -x.
 */
static struct s2_error *s2dump_mix(const struct options *o)
{
	const char *bad = NULL;

	if (o->exact && (o->verbose || o->translate || o->json || o->prefault))
		bad = "-x (the kernel's debugfs text) takes no -v, -t, -j or -p";
	else if (o->prefault && o->translate)
		bad = "-p and -t exclude each other";
	else if (o->verbose && (o->prefault || o->translate))
		bad = o->prefault ? "-v and -p exclude each other" : "-v and -t exclude each other";
	else if (o->npositional > 1)
		bad = "one VM at most";
	else if (o->exact && !o->npositional)
		bad = "-x needs one VM (struct kvm address or pid)";
	return bad ? s2_error_create(S2_ERROR_INVALID_ARGUMENT, "%s", bad) : NULL;
}

/* -p and -j: src/report/ */
static struct s2_error *s2dump_report(struct s2_session *s, const struct options *o, FILE *out, int *status)
{
	struct s2_report_opts r = { .json = o->json, .prefault = o->prefault, .verbose = o->verbose,
				    .translate = o->translate, .ipa = o->ipa };
	struct s2_error *err;

	err = layout(s);
	if (err)
		return err;
	r.vm = o->npositional ? o->positional[0] : NULL;
	return s2_report_run(s->kernel, s->layout, &r, out, status);
}

static struct s2_error *cmd_s2dump(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status)
{
	struct options o;
	struct s2_error *err = parse_options("s2dump", argc, argv, "vxjpht:", &o);

	if (err) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.help) {
		print_help(out, "s2dump");
		return NULL;
	}
	if ((err = s2dump_mix(&o))) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.npositional && !s2_kvm_arg_is_nested_name(o.positional[0])) {
		bool is_pid;
		uint64_t v;

		if ((err = s2_parse_vm(o.positional[0], &is_pid, &v))) {
			*status = S2_STATUS_USAGE; /* the word is no VM whatever the dump holds */
			return err;
		}
	}
	if (o.json || o.prefault)
		return s2dump_report(s, &o, out, status);
	err = layout(s);
	if (err)
		return err;
	if (o.verbose && !o.translate)
		print_rules(s, out);
	if (o.npositional) {
		struct s2_kvm_vm vm;

		if (o.translate) {
			/* A nested MMU: L2 IPA -> L1 IPA -> PA (src/cmd/nested.c). */
			bool found = false;

			err = nested_translate(s, o.positional[0], o.ipa, out, &found, status);
			if (err || found)
				return err;
		}
		if (o.exact) {
			/* the debugfs file of one VM: a pid with several VMs is refused with the list */
			err = find_vm(s, o.positional[0], &vm);
			if (!err)
				err = s2dump_vm(s, &vm, &o, false, out, status);
			return err;
		}
	}
	{
		/* every VM, or every VM a pid names (a struct kvm address names one) */
		struct all_vms a = { .s = s, .o = &o, .out = out, .status = S2_STATUS_OK };
		bool is_pid = true;
		uint64_t v;

		if (o.npositional && (err = s2_parse_vm(o.positional[0], &is_pid, &v)))
			return err;
		a.label = o.translate && is_pid; /* -t lines name their VM unless an address named it */
		err = s2_kvm_for_each_named_vm(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL, each_vm,
					       &a, NULL);
		if (!err && !a.n)
			fprintf(out, "no VMs on vm_list\n");
		if (!err && a.first_finding) {
			*status = S2_STATUS_FINDINGS;
			return a.first_finding;
		}
		s2_error_destroy(a.first_finding);
		return err;
	}
}

/* nesteds2 */

/* The shadow MMU's debugfs name under the dump kernel's rules. */
static void nested_name(struct s2_session *s, char *buf, uint64_t index, const struct s2_kvm_mmu *m)
{
	s2_ptdump_nested_name_rules(buf, s2_kvm_layout_rules(s->layout), index, m->tlb_vttbr, m->tlb_vtcr,
				    m->nested_stage2_enabled);
}

struct nested_list {
	struct s2_session *s;
	FILE *out;
	unsigned int vms;
};

static struct s2_error *list_vm(struct s2_session *s, const struct s2_kvm_vm *vm, FILE *out)
{
	fprintf(out, "kvm 0x%016" PRIx64 "  pid %d  nested_mmus %" PRIu64 "\n", vm->addr, vm->pid,
		vm->nested_mmus_size);
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		char name[S2_NESTED_NAME_SIZE];
		struct s2_error *err = s2_kvm_read_nested_mmu(s->kernel, s->layout, vm, i, &m);

		if (err)
			return err;
		nested_name(s, name, i, &m);
		fprintf(out, "  [%2" PRIu64 "] 0x%016" PRIx64 "  %s  %-7s vmid %-5" PRIu64 " refcnt %d%s\n", i, m.addr,
			name, m.valid ? "valid" : "invalid", m.vmid & 0xffff, m.refcnt,
			m.pending_unmap ? "  pending_unmap" : "");
	}
	return NULL;
}

static struct s2_error *list_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct nested_list *l = arg;

	l->vms++;
	return list_vm(l->s, vm, l->out);
}

static struct s2_error *cmd_nesteds2(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status)
{
	struct options o;
	const char *sub = argc > 1 ? argv[1] : NULL;
	struct s2_error *err;

	if (!sub || sub[0] == '-') {
		err = parse_options("nesteds2", argc, argv, "h", &o);
		if (err || !o.help) {
			*status = S2_STATUS_USAGE;
			s2_error_destroy(err);
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "a subcommand: list, dump, guest or check");
		}
		print_help(out, "nesteds2");
		return NULL;
	}
	err = parse_options("nesteds2", argc - 1, argv + 1,
			    !strcmp(sub, "dump") ? "vxjh" : !strcmp(sub, "guest") ? "vjh" : !strcmp(sub, "list") ? "jh" : "jh",
			    &o);
	if (err) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.help) {
		print_help(out, "nesteds2");
		return NULL;
	}
	if (!strcmp(sub, "guest") || !strcmp(sub, "check")) {
		/* src/cmd/nested.c */
		if ((!strcmp(sub, "guest") && o.npositional != 1) || o.npositional > 1) {
			*status = S2_STATUS_USAGE;
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, !strcmp(sub, "guest") ?
					       "guest needs one MMU address or name" :
					       "check takes one VM or MMU at most");
		}
		err = layout(s);
		if (err)
			return err;
		if (!strcmp(sub, "guest"))
			return s2_nested_cmd_guest(s->kernel, s->layout, o.positional[0], o.verbose, o.json, out, status);
		return s2_nested_cmd_check(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL, o.json, out,
					   status);
	}
	if (strcmp(sub, "list") && strcmp(sub, "dump")) {
		*status = S2_STATUS_USAGE;
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "unknown subcommand %s (list, dump, guest or check)", sub);
	}
	err = layout(s);
	if (err)
		return err;
	if (!strcmp(sub, "list")) {
		if (o.npositional > 1) {
			*status = S2_STATUS_USAGE;
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "list takes one VM at most");
		}
		if (o.json)
			return s2_report_nested_list_json(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL, out);
		{
			struct nested_list l = { s, out, 0 };

			/* a pid lists every VM its VMM runs */
			err = s2_kvm_for_each_named_vm(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL,
						       list_each, &l, NULL);
			if (!err && !l.vms)
				fprintf(out, "no VMs on vm_list\n");
			return err;
		}
	}
	/* dump */
	if (o.npositional != 1) {
		*status = S2_STATUS_USAGE;
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "dump needs one MMU address or name");
	}
	if (o.json && o.exact) {
		*status = S2_STATUS_USAGE;
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "-x (the kernel's debugfs text) takes no -j");
	}
	{
		/* on the heap: crash runs commands on a small stack */
		struct s2_kvm_nested_target *t = malloc(sizeof(*t));
		const struct s2_ptdump_rules *r = s2_kvm_layout_rules(s->layout);

		if (!t)
			return &s2_error_nomem;
		err = s2_kvm_find_nested_mmu(s->kernel, s->layout, o.positional[0], t);
		if (!err && o.json) {
			err = s2_report_nested_dump_json(s->kernel, s->layout, t, out, status);
			free(t);
			return err;
		}
		if (!err && o.verbose)
			print_rules(s, out);
		if (!err && !o.exact) {
			char name[S2_NESTED_NAME_SIZE];

			nested_name(s, name, t->index, &t->mmu);
			fprintf(out, "nested mmu 0x%016" PRIx64 "  %s  %s  ipa_range %u  stage2_levels %d\n", t->mmu.addr,
				name, t->mmu.valid ? "valid" : "invalid", t->mmu.ia_bits, 4 - t->mmu.start_level);
		}
		/*
		 * 7.3 (kvm_ptdump_guest_show()): nothing without a page table, an invalid shadow
		 * MMU's file is empty, a valid one's starts with its VTCR/VTTBR line.
		 */
		if (!err && r->nested_by_index && !o.verbose && t->mmu.pgt) {
			if (t->mmu.valid)
				s2_ptdump_print_nested_header(out, t->mmu.tlb_vtcr, t->mmu.tlb_vttbr,
							      t->mmu.nested_stage2_enabled);
			else if (o.exact) {
				free(t);
				return NULL;
			}
		}
		if (!err)
			err = dump_mmu(s, &t->mmu, &o, out, status);
		free(t);
		return err;
	}
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
		err = cmd_s2dump(s, argc, argv, out, &st);
	else if (!strcmp(name, "nesteds2"))
		err = cmd_nesteds2(s, argc, argv, out, &st);
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
