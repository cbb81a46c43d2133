// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pre-fault analysis and the s2dump -p / -j driver (src/report/report.h).
 * Everything streams: memslots, leaves and vCPUs go to the renderer
 * (src/render) as the model and the walker yield them; the per-slot coverage
 * is a fixed table (level x kind x perm x AF). Nothing here prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "report/report.h"

/* Driver state shared by the per-VM functions. */
struct report {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_report_opts *o;
	struct s2_render *rd;
	unsigned int vms;
	unsigned long problems;     /* unreadable tables, all VMs */
	uint64_t first_problem_ia, first_problem_vm;
	unsigned long reserved;     /* valid descriptors with a reserved encoding (-p) */
	uint64_t first_reserved_ia, first_reserved_vm, first_reserved_raw, first_reserved_pa;
	int first_reserved_level;
	unsigned long bad_vcpus;    /* struct kvm_vcpu not in the dump (-p) */
	char first_bad_vcpu[S2_ERROR_MESSAGE_MAX];
};

static void note_problem(struct report *r, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e, bool in_slot)
{
	if (!r->problems++) {
		r->first_problem_ia = e->ia;
		r->first_problem_vm = vm->addr;
	}
	r->rd->ops->coverage_problem(r->rd, e, in_slot);
}

static void note_reserved(struct report *r, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e, bool in_slot)
{
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

struct s2_error *s2_report_pkvm_mappings(struct s2_kernel *k, const struct s2_kvm_layout *l,
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

struct s2_error *s2_report_pkvm_translate(struct s2_kernel *k, const struct s2_kvm_layout *l,
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

/* The pre-fault coverage: one walk per memslot and per gap between them */

struct coverage {
	struct report *r;
	const struct s2_kvm_vm *vm;
	uint64_t lo, hi;      /* clip window */
	struct s2_coverage_groups groups;
	bool in_slot;         /* walking a memslot (else a gap or what is above the last one) */
	bool have_last_problem;   /* across the walks of one VM */
	uint64_t last_problem_pa;
	int last_problem_level;
};

static struct s2_error *coverage_visit(void *arg, const struct s2_walk_entry *e)
{
	struct coverage *c = arg;
	unsigned int perm;

	if (e->event == S2_WALK_PROBLEM) {
		/*
		 * The slot and gap walks tile [0, 2^ia_bits) in ascending order and
		 * the walker clips a problem to the walk's range: a table that spans
		 * two walks comes twice in a row. Report it once, where it starts.
		 */
		if (c->have_last_problem && c->last_problem_pa == s2_walk_problem_table(e) && c->last_problem_level == e->level)
			return NULL;
		c->have_last_problem = true;
		c->last_problem_pa = s2_walk_problem_table(e);
		c->last_problem_level = e->level;
		note_problem(c->r, c->vm, e, c->in_slot);
		return NULL;
	}
	if (e->event == S2_WALK_LEAF && e->desc.kind == S2_DESC_RESERVED && e->ia >= c->lo && e->ia < c->hi) {
		/* valid but reserved (0b01 at the last level, a block where none is allowed): damage */
		note_reserved(c->r, c->vm, e, c->in_slot);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || (e->desc.kind != S2_DESC_BLOCK && e->desc.kind != S2_DESC_PAGE))
		return NULL;
	/*
	 * A leaf belongs, whole, to the slot (or gap) holding its first IPA: the
	 * rule of the generator's model and of the drgn helpers. The walker also
	 * reports leaves that start before the window (they overlap it): those
	 * were counted by the walk holding their start.
	 */
	if (e->ia < c->lo || e->ia >= c->hi)
		return NULL;
	c->groups.mapped += e->size;
	perm = ((e->desc.s2ap & 1) ? 4 : 0) | ((e->desc.s2ap & 2) ? 2 : 0) | (e->desc.xn == 0 ? 1 : 0);
	c->groups.g[e->level - S2_LEVEL_MIN][e->desc.kind == S2_DESC_PAGE][perm][e->desc.af].count++;
	c->groups.g[e->level - S2_LEVEL_MIN][e->desc.kind == S2_DESC_PAGE][perm][e->desc.af].bytes += e->size;
	return NULL;
}

static struct s2_error *coverage_walk(struct report *r, const struct s2_kvm_vm *vm, uint64_t root,
				      struct coverage *c, uint64_t lo, uint64_t hi)
{
	struct s2_mem mem = s2_kvm_host_mem(r->k);
	struct s2_walker w = { coverage_visit, c, S2_WALK_SKIP_INVALID, 0 };
	uint64_t top = 1ULL << vm->mmu.ia_bits;

	memset(&c->groups, 0, sizeof(c->groups));
	c->r = r;
	c->vm = vm;
	if (hi > top)
		hi = top;
	c->lo = lo;
	c->hi = hi;
	if (lo >= hi)
		return NULL;
	return s2_walk(&vm->mmu.geo, root, &mem, lo, hi, &w);
}

struct prefault_vm {
	struct report *r;
	const struct s2_kvm_vm *vm;
	uint64_t root;
	uint64_t prev_end;     /* end of the previous slot: the gap before this one is outside */
	uint64_t outside;
	struct coverage c;
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
		err = coverage_walk(r, p->vm, p->root, &p->c, p->prev_end, s->gpa);
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
	err = coverage_walk(r, p->vm, p->root, &p->c, s->gpa, s->gpa + s->size);
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
		err = coverage_walk(r, vm, p->root, &p->c, p->prev_end, 1ULL << vm->mmu.ia_bits);
		p->outside += p->c.groups.mapped;
		if (!err) {
			rd->ops->list_end(rd);
			rd->ops->outside(rd, p->outside);
		}
	}
	if (!err && vm->pkvm)
		err = s2_report_pkvm_mappings(r->k, r->l, vm, rd);
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

struct s2_error *s2_report_leaves_visit(void *arg, const struct s2_walk_entry *e)
{
	struct s2_report_leaves *lv = arg;

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

static struct s2_error *dump_vm(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_mem mem = s2_kvm_host_mem(r->k);
	struct s2_report_leaves lv = { .rd = r->rd };
	struct s2_walker w = { s2_report_leaves_visit, &lv, S2_WALK_SKIP_INVALID, 0 };
	struct s2_translation t;
	uint64_t root;
	struct s2_error *err;

	r->rd->ops->vm_header(r->rd, vm, true);
	if (vm->pkvm && r->o->translate)
		return s2_report_pkvm_translate(r->k, r->l, vm, r->o->ipa, r->rd);
	if (vm->pkvm)
		return s2_report_pkvm_mappings(r->k, r->l, vm, r->rd);
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

static struct s2_error *each_vm(void *arg, const struct s2_kvm_vm *vm)
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

struct s2_error *s2_report_run(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_report_opts *o,
			       struct s2_render *rd, int *status)
{
	struct report r = { .k = k, .l = l, .o = o, .rd = rd };
	struct s2_error *err;

	*status = S2_STATUS_OK;
	rd->ops->begin(rd, "s2dump", o->prefault ? "prefault" : o->translate ? "translate" :
		       o->verbose ? "leaves" : "dump");
	rd->ops->list_begin(rd, S2_RENDER_VMS);
	/* a pid covers every VM its VMM runs (and names none: no VM is an error) */
	err = s2_kvm_for_each_named_vm(k, l, o->vm, each_vm, &r, NULL);
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
	rd->ops->end(rd, err, err ? (*status == S2_STATUS_FINDINGS ? S2_STATUS_FINDINGS : S2_STATUS_ERROR) : 0);
	return err;
}
