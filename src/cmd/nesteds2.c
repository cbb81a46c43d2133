// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nesteds2 driver (list, dump, guest, check) and the nested part of
 * s2dump -t, over the KVM model (src/kvm) and the nested analyses
 * (src/nested); the facts go to the renderer (src/render). The guest hypervisor's PA size is the VM's IPA size (the canonical
 * kvm->arch.mmu pgt->ia_bits) rounded down to a PARange value; its
 * SCTLR_EL2.EE is not kept in the MMU, so its tables are read little-endian.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/parse.h"
#include "cmd/cmd.h"
#include "s2dump/ptdump.h"

/*
 * The memslots of one VM, gathered on first use, for the memslot path to
 * guest memory (struct s2_nested_slot): userspace_addr + offset, translated
 * by the VMM's own page tables (kvm->mm->pgd, TTBR0), as kvm_read_guest()
 * does. Without kvm->mm in the layout (or a readable mm) the path is not
 * installed and guest memory is read through the canonical stage 2 only.
 */
struct slots {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_kvm_vm *vm;
	bool gathered;
	struct s2_kvm_memslot *v;
	size_t n, cap;
};

static struct s2_error *slots_add(void *arg, const struct s2_kvm_memslot *slot)
{
	struct slots *s = arg;
	struct s2_kvm_memslot *v = s2_grow(s->v, &s->cap, s->n, sizeof(*v), 8);

	if (!v)
		return &s2_error_nomem;
	s->v = v;
	s->v[s->n++] = *slot;
	return NULL;
}

static struct s2_error *slot_resolve(void *ctx, uint64_t l1, struct s2_nested_slot *out)
{
	struct slots *s = ctx;
	uint64_t page = 1ULL << s2_kernel_info(s->k)->page_shift, uva, pa;
	struct s2_error *err;

	if (!s->gathered) {
		s->gathered = true;
		err = s2_kvm_for_each_memslot(s->k, s->l, s->vm, slots_add, s);
		if (err)
			return s2_error_prefix(err, "kvm 0x%" PRIx64 " memslots: ", s->vm->addr);
	}
	out->result = S2_NESTED_SLOT_NONE;
	for (size_t i = 0; i < s->n; i++) {
		const struct s2_kvm_memslot *m = &s->v[i];

		if (l1 - m->gpa >= m->size)
			continue;
		out->id = m->id;
		out->readonly = m->flags & 2; /* KVM_MEM_READONLY */
		out->uaddr = uva = m->userspace_addr + (l1 - m->gpa);
		err = s2_kernel_user_va_to_pa(s->k, s->vm->mm_pgd, uva & ~(page - 1), &pa);
		if (err && err->code == S2_ERROR_FAULT) {
			/* a physical fault address: a VMM table not in the dump; else the address is unmapped */
			out->result = err->address_is_physical ? S2_NESTED_SLOT_MISSING : S2_NESTED_SLOT_VMM_UNMAPPED;
			out->fail_pa = err->address;
			s2_error_destroy(err);
			return NULL;
		}
		if (err)
			return s2_error_prefix(err, "L1 IPA 0x%" PRIx64 " memslot %d: ", l1, m->id);
		out->result = S2_NESTED_SLOT_OK;
		out->pa = pa + (uva & (page - 1));
		out->size = page;
		return NULL;
	}
	return NULL;
}

/* Canonical stage 2 and the guest configuration of one nested MMU. */
struct ctx {
	struct s2_mem host;
	uint64_t canon_root;
	struct s2_nested_guest guest;
	struct s2_nested_l1mem l1mem;
	struct slots slots;
};

static void ctx_fini(struct ctx *c)
{
	if (c)
		free(c->slots.v);
	free(c);
}

static struct s2_error *ctx_init(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_kvm_vm *vm,
				 const struct s2_kvm_mmu *m, struct ctx *c)
{
	struct s2_error *err;

	memset(c, 0, sizeof(*c));
	c->host = s2_kvm_host_mem(k);
	if (!vm->mmu.pgt || !vm->mmu.pgd)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "kvm 0x%" PRIx64 " has no canonical stage 2",
				       vm->addr);
	err = s2_kernel_va_to_pa(k, vm->mmu.pgd, &c->canon_root);
	if (err)
		return s2_error_prefix(err, "kvm 0x%" PRIx64 " canonical pgd: ", vm->addr);
	err = s2_nested_guest_setup(m->tlb_vttbr, m->tlb_vtcr, m->nested_stage2_enabled,
				    s2_nested_parange_bits(vm->mmu.ia_bits), false, &c->guest);
	if (err)
		return s2_error_prefix(err, "nested mmu 0x%" PRIx64 ": ", m->addr);
	s2_nested_l1mem_init(&c->l1mem, &vm->mmu.geo, c->canon_root, &c->host);
	if (vm->mm_pgd) {
		c->slots = (struct slots){ .k = k, .l = l, .vm = vm };
		s2_nested_l1mem_set_slots(&c->l1mem, slot_resolve, &c->slots);
	}
	return NULL;
}

/* The debugfs name of a shadow MMU under the dump kernel's rules. */
static void shadow_name(const struct s2_kvm_layout *l, char name[S2_NESTED_NAME_SIZE], uint64_t index,
			const struct s2_kvm_mmu *m)
{
	s2_ptdump_nested_name_rules(name, s2_kvm_layout_rules(l), index, m->tlb_vttbr, m->tlb_vtcr,
				    m->nested_stage2_enabled);
}

static struct s2_error *guest_cmd(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				 struct s2_render *rd, int *status)
{
	struct s2_kvm_nested_target *t = malloc(sizeof(*t));
	struct ctx *c = calloc(1, sizeof(*c));
	char name[S2_NESTED_NAME_SIZE];
	unsigned long problems = 0;
	uint64_t first = 0;
	struct s2_error *err;

	*status = S2_STATUS_OK;
	if (!t || !c) {
		free(t);
		free(c);
		return &s2_error_nomem;
	}
	err = s2_kvm_find_nested_mmu(k, l, arg, t);
	if (!err)
		err = ctx_init(k, l, &t->vm, &t->mmu, c);
	if (err)
		goto out;
	rd->ops->begin(rd, "nesteds2", "guest");
	shadow_name(l, name, t->index, &t->mmu);
	rd->ops->guest_header(rd, t, name);
	/* kvm_s2_mmu_valid(): an unused shadow MMU keeps tlb_vttbr = VTTBR_CNP_BIT, no guest stage 2 */
	rd->ops->guest_config(rd, t->mmu.valid ? &c->guest : NULL);
	if (t->mmu.valid) {
		const struct s2_nested_guest *g = &c->guest;
		bool walked = g->enabled && g->refused.type == S2_FAULT_NONE && g->base_fault.type == S2_FAULT_NONE;
		struct s2_nested_guest_visitor v = s2_render_guest_visitor(rd);

		if (walked)
			rd->ops->list_begin(rd, S2_RENDER_ENTRIES);
		err = s2_nested_guest_walk(g, &c->l1mem, &v, &problems, &first);
		if (!err && walked)
			rd->ops->list_end(rd);
	}
	if (!err && problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "nested mmu 0x%" PRIx64 ": %lu guest stage-2 table(s) unreadable or out of range, "
				      "first at L2 IPA 0x%" PRIx64, t->mmu.addr, problems, first);
	}
	s2_cmd_end(rd, err, *status);
out:
	free(t);
	ctx_fini(c);
	return err;
}

struct check_all {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	struct s2_render *rd;
	bool one_mmu;
	uint64_t mmu_addr;
	unsigned long shadow_mmus;
	struct s2_nested_check_stats stats;
	unsigned long stale_vcpus, unknown_vcpus; /* vCPUs on a mismatching MMU / without a VNCR page */
	const struct s2_kvm_vm *vm;               /* during the vCPU pass */
	unsigned long hcr_unknown_vcpus;          /* vCPUs whose HCR_EL2 could not be located */
	struct s2_kvm_el2_regs el2;
};

/*
 * A vCPU running on a shadow MMU (vcpu->arch.hw_mmu; KVM clears it when the
 * vCPU is put) must have the guest registers that MMU was made for, as
 * lookup_s2_mmu() matches them; they live in its VNCR page (FEAT_NV2).
 */
static struct s2_error *check_vcpu(void *arg, const struct s2_kvm_vcpu *vcpu)
{
	struct check_all *a = arg;
	const struct s2_kvm_vm *vm = a->vm;
	struct s2_kvm_vcpu_el2 el2;
	struct s2_error *err;

	if (!vcpu->hw_mmu || vcpu->hw_mmu == vm->mmu.addr)
		return NULL; /* not in a nested context */
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		char name[S2_NESTED_NAME_SIZE];

		err = s2_kvm_read_nested_mmu(a->k, a->l, vm, i, &m);
		if (err)
			return err;
		if (m.addr != vcpu->hw_mmu || !m.valid || (a->one_mmu && m.addr != a->mmu_addr))
			continue;
		err = s2_kvm_read_vcpu_el2(a->k, &a->el2, vcpu, &el2);
		if (err)
			return err;
		if (!el2.vncr) {
			a->unknown_vcpus++;
			return NULL;
		}
		shadow_name(a->l, name, i, &m);
		/* which lookup rule applies depends on HCR_EL2.VM: without it, not compared */
		if (!el2.hcr_unknown &&
		    s2_nested_mmu_matches(m.tlb_vttbr, m.tlb_vtcr, m.nested_stage2_enabled, el2.vttbr, el2.vtcr, el2.hcr))
			return NULL;
		if (el2.hcr_unknown)
			a->hcr_unknown_vcpus++;
		else
			a->stale_vcpus++;
		{
			struct s2_render_check_vcpu f = { m.addr, i, name, vcpu->index, vcpu->vcpu_id, el2.vttbr,
							  el2.vtcr, (int)(el2.hcr & 1), el2.hcr_unknown };

			a->rd->ops->check_vcpu(a->rd, &f);
			return NULL;
		}
	}
	return NULL;
}

static struct s2_error *check_mmu(struct check_all *a, const struct s2_kvm_vm *vm, uint64_t i,
				  const struct s2_kvm_mmu *m)
{
	struct ctx *c;
	struct s2_nested_checker checker;
	uint64_t root;
	struct s2_error *err;

	if (!m->valid) {
		/* skipped when walking a VM's nested_mmus[]; named, it says why there is nothing */
		if (a->one_mmu)
			a->rd->ops->check_unused_mmu(a->rd, m->addr, (int)i);
		return NULL;
	}
	a->shadow_mmus++;
	if (!m->pgt || !m->pgd)
		return NULL; /* no shadow table: no leaves */
	err = s2_kvm_mmu_root(a->k, m, &root);
	if (err)
		return err;
	c = calloc(1, sizeof(*c));
	if (!c)
		return &s2_error_nomem;
	err = ctx_init(a->k, a->l, vm, m, c);
	if (!err) {
		struct s2_nested_check_visitor v = s2_render_check_visitor(a->rd);

		checker = (struct s2_nested_checker){ .guest = &c->guest, .l1mem = &c->l1mem };
		err = s2_nested_check_shadow_walk(m->addr, (int)i, &m->geo, root, &c->host, &checker, &a->stats, &v);
	}
	ctx_fini(c);
	return err;
}

static struct s2_error *check_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct check_all *a = arg;

	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		struct s2_error *err = s2_kvm_read_nested_mmu(a->k, a->l, vm, i, &m);

		if (err)
			return err;
		if (a->one_mmu && m.addr != a->mmu_addr)
			continue;
		err = check_mmu(a, vm, i, &m);
		if (err)
			return err;
	}
	if (vm->nested_mmus_size) {
		struct s2_error *err;

		a->vm = vm;
		err = s2_kvm_for_each_vcpu(a->k, a->l, vm, check_vcpu, a);
		if (err) {
			/* The shadow check stands without it; say what could not be examined. */
			a->rd->ops->check_vcpus_not_examined(a->rd, vm->addr, err->message);
			s2_error_destroy(err);
		}
	}
	return NULL;
}

static struct s2_error *check_cmd(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				 struct s2_render *rd, int *status)
{
	struct check_all a = { .k = k, .l = l, .rd = rd };
	struct s2_error *err = NULL;

	*status = S2_STATUS_OK;
	rd->ops->begin(rd, "nesteds2", "check");
	rd->ops->list_begin(rd, S2_RENDER_FINDINGS);
	{
		/* on the heap: crash runs commands on a small stack */
		struct s2_kvm_nested_target *t = malloc(sizeof(*t));
		bool is_mmu = false;

		if (!t)
			return &s2_error_nomem;
		/* a nested MMU (by name or address), else the VM(s) the word names, else every VM */
		err = s2_kvm_find_nested_mmu_or_vm(k, l, arg, t, &is_mmu);
		if (!err && is_mmu) {
			a.one_mmu = true;
			a.mmu_addr = t->mmu.addr;
			err = check_vm(&a, &t->vm);
		} else if (!err) {
			err = s2_kvm_for_each_named_vm(k, l, arg, check_vm, &a, NULL);
		}
		free(t);
	}
	if (!err && (a.stats.violations || a.stats.problems || a.stale_vcpus))
		*status = S2_STATUS_FINDINGS;
	if (!err) {
		struct s2_render_check_summary sum = { a.shadow_mmus, a.stats.leaves, a.stats.violations,
						       a.stats.not_checkable, a.stats.problems, a.stale_vcpus,
						       a.unknown_vcpus, a.hcr_unknown_vcpus };

		rd->ops->check_summary(rd, &sum);
	}
	s2_cmd_end(rd, err, *status);
	return err;
}

static struct s2_error *translate_guest(struct s2_kernel *k, const struct s2_kvm_layout *l,
				       const struct s2_kvm_nested_target *t, uint64_t l2,
				       struct s2_render *rd, bool *mapped, uint64_t *l1, int *status)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct s2_render_nested_translation f = { .l2 = l2 };
	struct s2_error *err;

	*mapped = false;
	if (!c)
		return &s2_error_nomem;
	if (!t->mmu.valid) {
		/* kvm_s2_mmu_valid(): no guest stage 2 cached, so no L1 IPA; the shadow line follows */
		f.unused = true;
		rd->ops->nested_translation(rd, &f);
		free(c);
		return NULL;
	}
	err = ctx_init(k, l, &t->vm, &t->mmu, c);
	if (!err)
		err = s2_nested_guest_translate(&c->guest, &c->l1mem, l2, &f.t);
	if (!err) {
		f.guest = &c->guest;
		f.l1mem = &c->l1mem;
		rd->ops->nested_translation(rd, &f);
		/* a disabled guest stage 2 is the identity */
		*mapped = !c->guest.enabled || s2_nested_translation_mapped(&f.t);
		*l1 = f.t.oa;
		/* the guest walk stopped at a table that could not be read: the answer is incomplete */
		if (!*mapped && f.t.fault.type == S2_FAULT_SEA_WALK)
			*status = S2_STATUS_FINDINGS;
	}
	ctx_fini(c);
	return err;
}

static struct s2_error *translate_memslot(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_kvm_nested_target *t, uint64_t l1, struct s2_render *rd)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct s2_render_nested_memslot f = { .l1 = l1 };
	struct s2_translation ct;
	struct s2_error *err;

	if (!c)
		return &s2_error_nomem;
	err = ctx_init(k, l, &t->vm, &t->mmu, c);
	if (err || !c->l1mem.slot_fn)
		goto out;
	err = s2_nested_canon_translate(&c->l1mem, l1, &ct);
	if (err || !c->l1mem.canon_translations || c->l1mem.slot_last.result == S2_NESTED_SLOT_NONE) {
		/* mapped by the canonical stage 2 (nothing to add), or no memslot holds it */
		if (!err && !s2_nested_translation_mapped(&ct))
			rd->ops->nested_memslot(rd, &f);
		goto out;
	}
	f.slot = &c->l1mem.slot_last;
	rd->ops->nested_memslot(rd, &f);
out:
	ctx_fini(c);
	return err;
}

/*
 * s2dump -t IPA <nested mmu>: the guest stage (src/nested), the canonical
 * line for the L1 IPA, the memslot path, then what the shadow table holds for
 * the L2 IPA. *found false: arg is no nested MMU (the caller tries a VM).
 */
struct s2_error *s2_nesteds2_translate(struct s2_session *s, const char *arg, uint64_t ipa, struct s2_render *rd,
				       bool *found, int *status)
{
	/* on the heap: crash runs commands on a small stack */
	struct s2_kvm_nested_target *t = malloc(sizeof(*t));
	struct s2_error *err;
	uint64_t l1 = 0;
	bool mapped = false;

	*found = false;
	if (!t)
		return &s2_error_nomem;
	err = s2_kvm_find_nested_mmu_or_vm(s->kernel, s->layout, arg, t, found);
	if (!err && *found)
		err = translate_guest(s->kernel, s->layout, t, ipa, rd, &mapped, &l1, status);
	if (!err && *found && mapped)
		err = s2_cmd_translate_mmu(s, &t->vm.mmu, l1, rd);
	if (!err && *found && mapped)
		err = translate_memslot(s->kernel, s->layout, t, l1, rd);
	if (!err && *found) {
		bool has_table = t->mmu.pgt && t->mmu.pgd;

		rd->ops->shadow_begin(rd, has_table);
		if (has_table)
			err = s2_cmd_translate_mmu(s, &t->mmu, ipa, rd);
	}
	free(t);
	return err;
}

/* nesteds2 list, dump and the command */

struct nested_list {
	struct s2_session *s;
	struct s2_render *rd;
	unsigned int vms;
};

static struct s2_error *list_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct nested_list *nl = arg;
	struct s2_render *rd = nl->rd;

	nl->vms++;
	rd->ops->nested_vm_begin(rd, vm);
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		char name[S2_NESTED_NAME_SIZE];
		struct s2_error *err = s2_kvm_read_nested_mmu(nl->s->kernel, nl->s->layout, vm, i, &m);

		if (err)
			return err;
		shadow_name(nl->s->layout, name, i, &m);
		rd->ops->nested_mmu(rd, i, &m, name);
	}
	rd->ops->nested_vm_end(rd);
	return NULL;
}

/* nesteds2 dump -j: the shadow MMU and its valid leaves, as s2dump -j's entries */
static struct s2_error *nested_dump_json(struct s2_session *s, const struct s2_kvm_nested_target *t,
					 struct s2_render *rd, int *status)
{
	const struct s2_kvm_mmu *m = &t->mmu;
	struct s2_mem mem = s2_kvm_host_mem(s->kernel);
	struct s2_cmd_leaves lv = { .rd = rd };
	struct s2_walker w = { s2_cmd_leaves_visit, &lv, S2_WALK_SKIP_INVALID, 0 };
	char name[S2_NESTED_NAME_SIZE];
	uint64_t root;
	struct s2_error *err;

	rd->ops->begin(rd, "nesteds2", "dump");
	shadow_name(s->layout, name, t->index, m);
	rd->ops->nested_dump_header(rd, t, name);
	err = s2_kvm_mmu_root(s->kernel, m, &root);
	if (!err) {
		rd->ops->list_begin(rd, S2_RENDER_ENTRIES);
		err = s2_walk(&m->geo, root, &mem, 0, 1ULL << m->ia_bits, &w);
		if (!err)
			rd->ops->list_end(rd);
	}
	if (!err && lv.problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "kvm_s2_mmu 0x%" PRIx64 ": %lu table(s) unreadable, first at IPA 0x%"
				      PRIx64, m->addr, lv.problems, lv.first_problem_ia);
	}
	s2_cmd_end(rd, err, *status);
	return err;
}

struct s2_error *s2_cmd_nesteds2(struct s2_session *s, int argc, char *const argv[], FILE *out, int *status)
{
	struct s2_options o;
	struct s2_render rd;
	const char *sub = argc > 1 ? argv[1] : NULL;
	struct s2_error *err;

	if (!sub || sub[0] == '-') {
		err = s2_cmd_parse_options("nesteds2", argc, argv, "h", &o);
		if (err || !o.help) {
			*status = S2_STATUS_USAGE;
			s2_error_destroy(err);
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "a subcommand: list, dump, guest or check");
		}
		s2_cmd_print_help(out, "nesteds2");
		return NULL;
	}
	err = s2_cmd_parse_options("nesteds2", argc - 1, argv + 1,
			    !strcmp(sub, "dump") ? "vxjh" : !strcmp(sub, "guest") ? "vjh" : !strcmp(sub, "list") ? "jh" : "jh",
			    &o);
	if (err) {
		*status = S2_STATUS_USAGE;
		return err;
	}
	if (o.help) {
		s2_cmd_print_help(out, "nesteds2");
		return NULL;
	}
	s2_cmd_render_init(s, &rd, &o, out);
	if (!strcmp(sub, "guest") || !strcmp(sub, "check")) {
		/* above: the guest walk, the shadow check */
		if ((!strcmp(sub, "guest") && o.npositional != 1) || o.npositional > 1) {
			*status = S2_STATUS_USAGE;
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, !strcmp(sub, "guest") ?
					       "guest needs one MMU address or name" :
					       "check takes one VM or MMU at most");
		}
		err = s2_cmd_layout(s);
		if (err)
			return err;
		if (!strcmp(sub, "guest"))
			return guest_cmd(s->kernel, s->layout, o.positional[0], &rd, status);
		return check_cmd(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL, &rd, status);
	}
	if (strcmp(sub, "list") && strcmp(sub, "dump")) {
		*status = S2_STATUS_USAGE;
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "unknown subcommand %s (list, dump, guest or check)", sub);
	}
	err = s2_cmd_layout(s);
	if (err)
		return err;
	if (!strcmp(sub, "list")) {
		if (o.npositional > 1) {
			*status = S2_STATUS_USAGE;
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "list takes one VM at most");
		}
		{
			struct nested_list l = { s, &rd, 0 };

			rd.ops->begin(&rd, "nesteds2", "list");
			rd.ops->list_begin(&rd, S2_RENDER_VMS);
			/* a pid lists every VM its VMM runs */
			err = s2_kvm_for_each_named_vm(s->kernel, s->layout, o.npositional ? o.positional[0] : NULL,
						       list_vm, &l, NULL);
			if (!err && !l.vms)
				rd.ops->no_vms(&rd);
			s2_cmd_end(&rd, err, *status);
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
			err = nested_dump_json(s, t, &rd, status);
			free(t);
			return err;
		}
		if (!err && o.verbose)
			s2_cmd_print_rules(s, &rd);
		if (!err && !o.exact) {
			char name[S2_NESTED_NAME_SIZE];

			shadow_name(s->layout, name, t->index, &t->mmu);
			rd.ops->nested_dump_header(&rd, t, name);
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
			err = s2_cmd_dump_mmu(s, &t->mmu, &o, &rd, status);
		free(t);
		return err;
	}
}

