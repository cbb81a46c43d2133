// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The s2dump driver: every VM, or the ones a word names; the default header +
 * debugfs text, -x, -v, -t (through a nested MMU: nesteds2.c), and -p / -j:
 * the pre-fault coverage (src/report), pKVM's mappings, each vCPU's last
 * fault. Facts go to the renderer (src/render); the debugfs text is
 * src/ptdump's (command.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "report/report.h"

/* -p and -j: the state across the VMs of one command (what its status and error say at the end). */
struct report {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_options *o;
	struct s2_render *rd;
	unsigned int vms;
	unsigned long problems;     /* unreadable tables, all VMs */
	uint64_t first_problem_ia, first_problem_vm;
	unsigned long reserved;     /* valid descriptors with a reserved encoding (-p) */
	uint64_t first_reserved_ia, first_reserved_vm, first_reserved_raw, first_reserved_pa;
	int first_reserved_level;
	unsigned long bad_vcpus;    /* struct kvm_vcpu not in the dump (-p) */
	char first_bad_vcpu[S2_ERROR_MESSAGE_MAX];
	struct s2_report_coverage_visitor problem_visitor; /* note_problem, note_reserved */
};

static void note_problem(void *arg, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e, bool in_slot)
{
	struct report *r = arg;

	if (!r->problems++) {
		r->first_problem_ia = e->ia;
		r->first_problem_vm = vm->addr;
	}
	r->rd->ops->coverage_problem(r->rd, e, in_slot);
}

static void note_reserved(void *arg, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e, bool in_slot)
{
	struct report *r = arg;

	if (!r->reserved++) {
		r->first_reserved_ia = e->ia;
		r->first_reserved_vm = vm->addr;
		r->first_reserved_level = e->level;
		r->first_reserved_raw = e->desc.raw;
		r->first_reserved_pa = e->desc_pa;
	}
	r->rd->ops->coverage_reserved(r->rd, e, in_slot);
}

/* pKVM */

struct pkvm_list {
	struct s2_render *rd;
	unsigned long n;
	uint64_t pages;
};

static struct s2_error *pkvm_one(void *arg, const struct s2_kvm_pkvm_mapping *m)
{
	struct pkvm_list *p = arg;

	p->n++;
	p->pages += m->nr_pages;
	p->rd->ops->pkvm_mapping(p->rd, m);
	return NULL;
}

static struct s2_error *pkvm_mappings(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_kvm_vm *vm, struct s2_render *rd)
{
	struct pkvm_list p = { rd, 0, 0 };
	struct s2_error *err;

	rd->ops->pkvm_begin(rd, vm);
	err = s2_kvm_for_each_pkvm_mapping(k, l, vm, pkvm_one, &p);
	if (!err)
		rd->ops->pkvm_end(rd, p.n, p.pages);
	return err;
}

/*
 * -t on a pKVM VM: the host cannot see the stage 2, but pkvm_mappings says
 * which pfn backs each gfn it mapped, and in what size (a mapping is one
 * block or page the host asked the hypervisor for).
 */
static struct s2_error *pkvm_find_one(void *arg, const struct s2_kvm_pkvm_mapping *m)
{
	struct s2_render_pkvm_translation *f = arg;

	if (f->gfn >= m->gfn && f->gfn - m->gfn < m->nr_pages) {
		f->found = true;
		f->m = *m;
		return &s2_error_stop;
	}
	return NULL;
}

/* The level whose entries map exactly bytes (4 - ...), or 3 when no level does. */
static int pkvm_level(unsigned int page_shift, uint64_t bytes)
{
	for (int level = 0; level <= 3; level++)
		if (bytes == 1ULL << ((page_shift - 3) * (4 - level) + 3))
			return level;
	return 3;
}

static struct s2_error *pkvm_translate(struct s2_kernel *k, const struct s2_kvm_layout *l,
					  const struct s2_kvm_vm *vm, uint64_t ipa, struct s2_render *rd)
{
	unsigned int ps = s2_kernel_info(k)->page_shift;
	struct s2_render_pkvm_translation f = { .vm = vm, .ipa = ipa, .gfn = ipa >> ps, .level = 3 };
	struct s2_error *err = s2_kvm_for_each_pkvm_mapping(k, l, vm, pkvm_find_one, &f);

	if (err == &s2_error_stop)
		err = NULL;
	if (err)
		return err;
	if (f.found) {
		f.pa = ((f.m.pfn + (f.gfn - f.m.gfn)) << ps) | (ipa & ((1ULL << ps) - 1));
		f.bytes = f.m.nr_pages << ps;
		f.level = pkvm_level(ps, f.bytes);
	}
	rd->ops->pkvm_translation(rd, &f);
	return NULL;
}

/* -p */

struct prefault_vm {
	struct report *r;
	const struct s2_kvm_vm *vm;
	uint64_t root;
	uint64_t prev_end;     /* end of the previous slot: the gap before this one is outside */
	uint64_t outside;
	struct s2_report_coverage c;
};

static struct s2_error *prefault_slot(void *arg, const struct s2_kvm_memslot *s)
{
	struct prefault_vm *p = arg;
	struct report *r = p->r;
	struct s2_render *rd = r->rd;
	struct s2_error *err;

	rd->ops->slot_begin(rd);
	if (!p->vm->pkvm) {
		/* the gap before this slot: valid leaves there are outside every memslot */
		p->c.in_slot = false;
		rd->ops->list_begin(rd, S2_RENDER_GAP_PROBLEMS);
		err = s2_report_coverage_walk(&p->c, p->root, p->prev_end, s->gpa);
		if (err)
			return err;
		rd->ops->gap_end(rd, p->c.groups.mapped);
		p->outside += p->c.groups.mapped;
		if (s->gpa + s->size > p->prev_end)
			p->prev_end = s->gpa + s->size;
	}
	rd->ops->slot(rd, s);
	if (p->vm->pkvm) {
		rd->ops->slot_pkvm(rd);
		return NULL;
	}
	p->c.in_slot = true;
	rd->ops->list_begin(rd, S2_RENDER_SLOT_PROBLEMS);
	err = s2_report_coverage_walk(&p->c, p->root, s->gpa, s->gpa + s->size);
	if (err)
		return err;
	rd->ops->list_end(rd);
	rd->ops->slot_coverage(rd, p->vm, s, &p->c.groups);
	return NULL;
}

/*
 * Which stage 2 the vCPU last ran on (vcpu->arch.hw_mmu): the canonical one, a nested MMU
 * (nested virtualization: what pre-faulting the canonical table does not populate), none.
 */
static void hw_mmu_is(struct report *r, const struct s2_kvm_vm *vm, struct s2_render_vcpu *f)
{
	uint64_t hw_mmu = f->vcpu->hw_mmu;

	f->hw_mmu_is = S2_RENDER_HW_MMU_NONE;
	if (!hw_mmu)
		return;
	f->hw_mmu_is = S2_RENDER_HW_MMU_CANONICAL;
	if (hw_mmu == vm->mmu.addr)
		return;
	f->hw_mmu_is = S2_RENDER_HW_MMU_UNKNOWN;
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		struct s2_error *err = s2_kvm_read_nested_mmu(r->k, r->l, vm, i, &m);

		if (err) {
			s2_error_destroy(err);
			break;
		}
		if (m.addr == hw_mmu) {
			f->hw_mmu_is = S2_RENDER_HW_MMU_NESTED;
			f->hw_mmu_nested_index = i;
			return;
		}
	}
}

struct vcpus {
	struct report *r;
	const struct s2_kvm_vm *vm;
};

static struct s2_error *vcpu_one(void *arg, const struct s2_kvm_vcpu *v)
{
	struct vcpus *vs = arg;
	struct report *r = vs->r;
	struct s2_render_vcpu f = { .vcpu = v };

	if (v->unreadable) {
		if (!r->bad_vcpus++)
			snprintf(r->first_bad_vcpu, sizeof(r->first_bad_vcpu), "%s", v->unreadable);
	} else {
		s2_esr_decode(v->esr_el2, v->far_el2, v->hpfar_el2, &f.esr);
		hw_mmu_is(r, vs->vm, &f);
	}
	r->rd->ops->vcpu(r->rd, &f);
	return NULL;
}

static struct s2_error *prefault_vm(struct report *r, const struct s2_kvm_vm *vm)
{
	struct prefault_vm *p = calloc(1, sizeof(*p)); /* the coverage table is 5 KiB: keep it off crash's stack */
	struct s2_render *rd = r->rd;
	struct s2_error *err = NULL;

	if (!p)
		return &s2_error_nomem;
	p->r = r;
	p->vm = vm;
	s2_report_coverage_init(&p->c, r->k, vm, &r->problem_visitor);
	rd->ops->vm_header(rd, vm, false);
	if (!vm->pkvm)
		err = s2_kvm_mmu_root(r->k, &vm->mmu, &p->root);
	if (!err) {
		rd->ops->list_begin(rd, S2_RENDER_MEMSLOTS);
		err = s2_kvm_for_each_memslot(r->k, r->l, vm, prefault_slot, p);
		if (!err)
			rd->ops->list_end(rd);
	}
	if (!err && !vm->pkvm) {
		p->c.in_slot = false;
		rd->ops->list_begin(rd, S2_RENDER_OUTSIDE_PROBLEMS);
		err = s2_report_coverage_walk(&p->c, p->root, p->prev_end, 1ULL << vm->mmu.ia_bits);
		p->outside += p->c.groups.mapped;
		if (!err) {
			rd->ops->list_end(rd);
			rd->ops->outside(rd, p->outside);
		}
	}
	if (!err && vm->pkvm)
		err = pkvm_mappings(r->k, r->l, vm, rd);
	if (!err) {
		struct vcpus vs = { r, vm };

		rd->ops->list_begin(rd, S2_RENDER_VCPUS);
		err = s2_kvm_for_each_vcpu(r->k, r->l, vm, vcpu_one, &vs);
		if (!err)
			rd->ops->list_end(rd);
	}
	free(p);
	return err;
}

/* -j of the stage 2 itself: valid leaves (default and -v) and -t */

static struct s2_error *dump_vm(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_mem mem = s2_kvm_host_mem(r->k);
	struct s2_cmd_leaves lv = { .rd = r->rd };
	struct s2_walker w = { s2_cmd_leaves_visit, &lv, S2_WALK_SKIP_INVALID, 0 };
	struct s2_translation t;
	uint64_t root;
	struct s2_error *err;

	r->rd->ops->vm_header(r->rd, vm, true);
	if (vm->pkvm && r->o->translate)
		return pkvm_translate(r->k, r->l, vm, r->o->ipa, r->rd);
	if (vm->pkvm)
		return pkvm_mappings(r->k, r->l, vm, r->rd);
	err = s2_kvm_mmu_root(r->k, &vm->mmu, &root);
	if (err)
		return err;
	if (r->o->translate) {
		err = s2_translate(&vm->mmu.geo, root, &mem, r->o->ipa, &t);
		if (!err)
			r->rd->ops->translation(r->rd, r->o->ipa, &t);
		return err;
	}
	r->rd->ops->list_begin(r->rd, S2_RENDER_ENTRIES);
	err = s2_walk(&vm->mmu.geo, root, &mem, 0, 1ULL << vm->mmu.ia_bits, &w);
	if (!err)
		r->rd->ops->list_end(r->rd);
	if (lv.problems && !r->problems++) {
		r->first_problem_ia = lv.first_problem_ia;
		r->first_problem_vm = vm->addr;
	}
	if (lv.problems)
		r->problems += lv.problems - 1;
	return err;
}

static struct s2_error *report_each_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct report *r = arg;
	struct s2_error *err;

	r->rd->ops->vm_begin(r->rd, r->vms == 0);
	err = r->o->prefault ? prefault_vm(r, vm) : dump_vm(r, vm);
	if (!err)
		r->rd->ops->vm_end(r->rd);
	r->vms++;
	return err;
}

/* -p and -j: every VM the word names (a pid covers every VM its VMM runs), or every VM */
static struct s2_error *report_run(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_options *o,
				   struct s2_render *rd, int *status)
{
	struct report r = { .k = k, .l = l, .o = o, .rd = rd };
	struct s2_error *err;

	r.problem_visitor = (struct s2_report_coverage_visitor){ note_problem, note_reserved, &r };
	*status = S2_STATUS_OK;
	rd->ops->begin(rd, "s2dump", o->prefault ? "prefault" : o->translate ? "translate" :
		       o->verbose ? "leaves" : "dump");
	rd->ops->list_begin(rd, S2_RENDER_VMS);
	/* a pid covers every VM its VMM runs (and names none: no VM is an error) */
	err = s2_kvm_for_each_named_vm(k, l, o->npositional ? o->positional[0] : NULL, report_each_vm, &r, NULL);
	if (!err && !r.vms)
		rd->ops->no_vms(rd);
	if (!err && r.problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "kvm 0x%" PRIx64 ": %lu stage-2 table(s) unreadable, first at IPA 0x%"
				      PRIx64, r.first_problem_vm, r.problems, r.first_problem_ia);
	} else if (!err && r.reserved) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 ": %lu reserved descriptor(s), first at IPA 0x%" PRIx64
				      ": level %d descriptor 0x%016" PRIx64 " at PA 0x%" PRIx64 " (reserved encoding)",
				      r.first_reserved_vm, r.reserved, r.first_reserved_ia, r.first_reserved_level,
				      r.first_reserved_raw, r.first_reserved_pa);
	} else if (!err && r.bad_vcpus) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "%lu vCPU(s) unreadable, first: %s", r.bad_vcpus, r.first_bad_vcpu);
	}
	s2_cmd_end(rd, err, *status);
	return err;
}

/* The text forms, VM by VM */

struct all_vms {
	struct s2_session *s;
	const struct s2_options *o;
	struct s2_render *rd;
	int status;
	unsigned int n;
	bool by_pid;                 /* the word was a pid (s2_kvm_for_each_named_vm) */
	struct s2_error *first_finding;
};

static struct s2_error *s2dump_vm(struct s2_session *s, const struct s2_kvm_vm *vm, const struct s2_options *o,
				  bool label, struct s2_render *rd, int *status)
{
	if (o->translate && label)
		rd->ops->vm_label(rd, vm);
	if (vm->pkvm) {
		/* pKVM: the host-side pgd is garbage (the union holds pkvm_mappings); never walk it */
		if (o->translate)
			return pkvm_translate(s->kernel, s->layout, vm, o->ipa, rd);
		if (o->exact)
			return s2_error_create(S2_ERROR_UNSUPPORTED, "kvm 0x%" PRIx64 ": pKVM (%s): the stage 2 is in "
					       "EL2-private memory, not in the host's kvm_pgtable", vm->addr, vm->pkvm_why);
		rd->ops->vm_header(rd, vm, false);
		return pkvm_mappings(s->kernel, s->layout, vm, rd);
	}
	if (o->translate)
		return s2_cmd_translate_mmu(s, &vm->mmu, o->ipa, rd);
	if (!o->exact)
		rd->ops->vm_header(rd, vm, true);
	return s2_cmd_dump_mmu(s, &vm->mmu, o, rd, status);
}

static struct s2_error *each_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct all_vms *a = arg;
	int status = S2_STATUS_OK;
	/* -t lines name their VM unless an address named it */
	bool label = a->o->translate && (!a->o->npositional || a->by_pid);
	struct s2_error *err;

	a->rd->ops->vm_begin(a->rd, a->n++ == 0 || label);
	err = s2dump_vm(a->s, vm, a->o, label, a->rd, &status);
	if (err && status == S2_STATUS_FINDINGS) {
		/* keep going through the other VMs; report the first problem at the end */
		a->rd->ops->finding(a->rd, err->message);
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
 * Which s2dump options go together, in one place (the CLI, crash and drgn all
 * come here): -x is the kernel's file and takes nothing else; -p, -t and -v
 * are three different outputs; -j is a form of any of those but -x.
 */
static struct s2_error *s2dump_mix(const struct s2_options *o)
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

/* -p and -j */
static struct s2_error *s2dump_report(struct s2_session *s, const struct s2_options *o, struct s2_render *rd,
				      int *status)
{
	struct s2_error *err = s2_cmd_layout(s);

	return err ? err : report_run(s->kernel, s->layout, o, rd, status);
}

struct s2_error *s2_cmd_s2dump(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status)
{
	struct s2_options o;
	struct s2_render rd;
	struct s2_error *err = s2_cmd_parse_options("s2dump", argc, argv, "vxjpht:", &o);

	if (err) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.help) {
		s2_cmd_print_help(out, "s2dump");
		return NULL;
	}
	if ((err = s2dump_mix(&o))) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.npositional && (err = s2_kvm_arg_check(o.positional[0]))) {
		*status = S2_STATUS_USAGE; /* the word is no VM whatever the dump holds */
		return err;
	}
	s2_cmd_render_init(s, &rd, &o, out);
	if (o.json || o.prefault)
		return s2dump_report(s, &o, &rd, status);
	err = s2_cmd_layout(s);
	if (err)
		return err;
	if (o.verbose && !o.translate)
		s2_cmd_print_rules(s, &rd);
	if (o.npositional) {
		struct s2_kvm_vm vm;

		if (o.translate) {
			/* A nested MMU: L2 IPA -> L1 IPA -> PA (nesteds2.c). */
			bool found = false;

			err = s2_nesteds2_translate(s, o.positional[0], o.ipa, &rd, &found, status);
			if (err || found)
				return err;
		}
		if (o.exact) {
			/* the debugfs file of one VM: a pid with several VMs is refused with the list */
			err = s2_kvm_find_vm(s->kernel, s->layout, o.positional[0], &vm);
			if (!err)
				err = s2dump_vm(s, &vm, &o, false, &rd, status);
			return err;
		}
	}
	{
		/* every VM, or every VM a pid names (a struct kvm address names one) */
		struct all_vms a = { .s = s, .o = &o, .rd = &rd, .status = S2_STATUS_OK };

		err = s2_kvm_for_each_named_vm(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL, each_vm,
					       &a, &a.by_pid);
		if (!err && !a.n)
			rd.ops->no_vms(&rd);
		if (!err && a.first_finding) {
			*status = S2_STATUS_FINDINGS;
			return a.first_finding;
		}
		s2_error_destroy(a.first_finding);
		return err;
	}
}

