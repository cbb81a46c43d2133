// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nesteds2 guest / check commands and the nested part of s2dump -t: drivers
 * over the KVM model (src/kvm) and the nested analyses (src/nested). The guest hypervisor's PA size is the VM's IPA size (the canonical
 * kvm->arch.mmu pgt->ia_bits) rounded down to a PARange value; its
 * SCTLR_EL2.EE is not kept in the MMU, so its tables are read little-endian.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "cmd/nested.h"
#include "report/report.h"
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

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct s2_kvm_memslot *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return &s2_error_nomem;
		s->v = v;
		s->cap = cap;
	}
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

struct s2_error *s2_nested_cmd_guest(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     bool verbose, bool json, FILE *out, int *status)
{
	struct s2_kvm_nested_target *t = malloc(sizeof(*t));
	struct ctx *c = calloc(1, sizeof(*c));
	char name[S2_NESTED_NAME_SIZE];
	unsigned long problems = 0;
	uint64_t first = 0;
	struct s2_error *err;

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
	if (json) {
		err = s2_report_nested_guest_json(k, l, t, t->mmu.valid ? &c->guest : NULL, &c->l1mem, out, status);
		goto out;
	}
	s2_ptdump_nested_name_rules(name, s2_kvm_layout_rules(l), t->index, t->mmu.tlb_vttbr, t->mmu.tlb_vtcr,
				    t->mmu.nested_stage2_enabled);
	fprintf(out, "nested mmu 0x%016" PRIx64 "  %s  guest vttbr 0x%016" PRIx64 "  vtcr 0x%016" PRIx64 "\n",
		t->mmu.addr, name, t->mmu.tlb_vttbr, t->mmu.tlb_vtcr);
	if (!t->mmu.valid) {
		/* kvm_s2_mmu_valid(): an unused shadow MMU keeps tlb_vttbr = VTTBR_CNP_BIT, nothing else */
		fputs("  unused shadow MMU (tlb_vttbr has CnP set): no guest stage 2 cached\n", out);
		goto out;
	}
	err = s2_nested_guest_print(out, &c->guest, &c->l1mem, verbose, &problems, &first);
	if (!err && problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "nested mmu 0x%" PRIx64 ": %lu guest stage-2 table(s) unreadable or out of range, "
				      "first at L2 IPA 0x%" PRIx64, t->mmu.addr, problems, first);
	}
out:
	free(t);
	ctx_fini(c);
	return err;
}

struct check_all {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	FILE *out;
	bool one_mmu;
	uint64_t mmu_addr;
	unsigned long shadow_mmus;
	struct s2_nested_check_stats stats;
	unsigned long stale_vcpus, unknown_vcpus; /* vCPUs on a mismatching MMU / without a VNCR page */
	const struct s2_kvm_vm *vm;               /* during the vCPU pass */
	unsigned long hcr_unknown_vcpus;          /* vCPUs whose HCR_EL2 could not be located */
	struct s2_kvm_el2_regs el2;
	struct s2_report_check *json;             /* -j: the findings go there instead of text */
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
		s2_ptdump_nested_name_rules(name, s2_kvm_layout_rules(a->l), i, m.tlb_vttbr, m.tlb_vtcr,
					    m.nested_stage2_enabled);
		/* which lookup rule applies depends on HCR_EL2.VM: without it, not compared */
		if (!el2.hcr_unknown &&
		    s2_nested_mmu_matches(m.tlb_vttbr, m.tlb_vtcr, m.nested_stage2_enabled, el2.vttbr, el2.vtcr, el2.hcr))
			return NULL;
		if (el2.hcr_unknown)
			a->hcr_unknown_vcpus++;
		else
			a->stale_vcpus++;
		if (a->json) {
			struct s2_report_check_vcpu f = { m.addr, i, name, vcpu->index, vcpu->vcpu_id, el2.vttbr,
							  el2.vtcr, (int)(el2.hcr & 1), el2.hcr_unknown };

			s2_report_check_vcpu(a->json, &f);
			return NULL;
		}
		if (el2.hcr_unknown) {
			fprintf(a->out, "mmu 0x%016" PRIx64 " [%" PRIu64 "] %s: vcpu %" PRIu64 " (id %d) runs on it with "
				"VTTBR_EL2 0x%016" PRIx64 " VTCR_EL2 0x%016" PRIx64 " HCR_EL2 unknown (%s): not compared\n",
				m.addr, i, name, vcpu->index, vcpu->vcpu_id, el2.vttbr, el2.vtcr, el2.hcr_unknown);
			return NULL;
		}
		fprintf(a->out, "mmu 0x%016" PRIx64 " [%" PRIu64 "] %s: vcpu %" PRIu64 " (id %d) runs on it with "
			"VTTBR_EL2 0x%016" PRIx64 " VTCR_EL2 0x%016" PRIx64 " HCR_EL2.VM %d: not the context it was "
			"made for\n", m.addr, i, name, vcpu->index, vcpu->vcpu_id, el2.vttbr, el2.vtcr, (int)(el2.hcr & 1));
		return NULL;
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
		if (a->one_mmu && a->json)
			s2_report_check_note(a->json, "unused_mmu", "mmu", m->addr, (int)i, NULL);
		else if (a->one_mmu)
			fprintf(a->out, "mmu 0x%016" PRIx64 " [%d]: unused shadow MMU (tlb_vttbr has CnP set): "
				"nothing to check\n", m->addr, (int)i);
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
		checker = (struct s2_nested_checker){ .guest = &c->guest, .l1mem = &c->l1mem };
		if (a->json)
			err = s2_nested_check_shadow_walk(m->addr, (int)i, &m->geo, root, &c->host, &checker, &a->stats,
							  s2_report_check_shadow(a->json));
		else
			err = s2_nested_check_shadow(a->out, m->addr, (int)i, &m->geo, root, &c->host, &checker,
						     &a->stats);
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
			if (a->json)
				s2_report_check_note(a->json, "vcpus_not_examined", "kvm", vm->addr, -1, err->message);
			else
				fprintf(a->out, "kvm 0x%016" PRIx64 ": vCPUs not examined: %s\n", vm->addr, err->message);
			s2_error_destroy(err);
		}
	}
	return NULL;
}

struct s2_error *s2_nested_cmd_check(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				     bool json, FILE *out, int *status)
{
	struct check_all a = { .k = k, .l = l, .out = out };
	struct s2_error *err = NULL;

	if (json && !(a.json = s2_report_check_begin(k, l, out)))
		return &s2_error_nomem;

	if (!arg) {
		err = s2_kvm_for_each_vm(k, l, check_vm, &a);
	} else {
		struct s2_kvm_nested_target *t = malloc(sizeof(*t));
		uint64_t v = 0;
		bool is_pid = false;

		if (!t)
			return &s2_error_nomem;
		if (!s2_kvm_arg_is_nested_name(arg))
			err = s2_parse_vm(arg, &is_pid, &v);
		if (!err && is_pid) {
			/* every VM of that VMM */
			err = s2_kvm_for_each_named_vm(k, l, arg, check_vm, &a, NULL);
		} else if (!err) {
			/* A nested MMU (by name or address), else a struct kvm. */
			err = s2_kvm_find_nested_mmu(k, l, arg, t);
			if (!err) {
				a.one_mmu = true;
				a.mmu_addr = t->mmu.addr;
				err = check_vm(&a, &t->vm);
			} else if (err->code == S2_ERROR_LOOKUP && !s2_kvm_arg_is_nested_name(arg)) {
				s2_error_destroy(err);
				err = s2_kvm_read_vm(k, l, v, &t->vm);
				if (!err)
					err = check_vm(&a, &t->vm);
			}
		}
		free(t);
	}
	if (!err && (a.stats.violations || a.stats.problems || a.stale_vcpus))
		*status = S2_STATUS_FINDINGS;
	if (a.json) {
		struct s2_report_check_summary sum = { a.shadow_mmus, a.stats.leaves, a.stats.violations,
						       a.stats.not_checkable, a.stats.problems, a.stale_vcpus,
						       a.unknown_vcpus, a.hcr_unknown_vcpus };

		s2_report_check_end(a.json, &sum, err, err ? S2_STATUS_ERROR : *status);
		return err;
	}
	if (err)
		return err;
	fprintf(out, "check: %lu shadow MMUs, %lu leaves, %lu violations\n", a.shadow_mmus, a.stats.leaves,
		a.stats.violations);
	if (a.stats.not_checkable)
		fprintf(out, "check: %lu leaves not checkable (a table they need is not in the dump; not violations)\n",
			a.stats.not_checkable);
	if (a.stats.problems)
		fprintf(out, "check: %lu shadow table(s) unreadable\n", a.stats.problems);
	if (a.stale_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n", a.stale_vcpus);
	if (a.unknown_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU without a VNCR page to compare\n", a.unknown_vcpus);
	if (a.hcr_unknown_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU not compared: HCR_EL2 unknown\n", a.hcr_unknown_vcpus);
	return NULL;
}

struct s2_error *s2_nested_cmd_translate(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_kvm_nested_target *t, uint64_t l2,
					 FILE *out, bool *mapped, uint64_t *l1, int *status)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct s2_error *err;
	bool unreadable = false;

	*mapped = false;
	if (!c)
		return &s2_error_nomem;
	if (!t->mmu.valid) {
		/* kvm_s2_mmu_valid(): no guest stage 2 cached, so no L1 IPA; the shadow line follows */
		fprintf(out, "L2 IPA 0x%016" PRIx64 " -> unused shadow MMU (tlb_vttbr has CnP set): no guest "
			"stage 2 cached\n", l2);
		free(c);
		return NULL;
	}
	err = ctx_init(k, l, &t->vm, &t->mmu, c);
	if (!err)
		err = s2_nested_translate_print(out, &c->guest, &c->l1mem, l2, mapped, l1, &unreadable);
	if (!err && unreadable)
		*status = S2_STATUS_FINDINGS;
	ctx_fini(c);
	return err;
}

struct s2_error *s2_nested_cmd_translate_memslot(struct s2_kernel *k, const struct s2_kvm_layout *l,
						 const struct s2_kvm_nested_target *t, uint64_t l1, FILE *out)
{
	struct ctx *c = calloc(1, sizeof(*c));
	const struct s2_nested_slot *sl;
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
			fprintf(out, "memslot: none holds L1 IPA 0x%016" PRIx64 "\n", l1);
		goto out;
	}
	sl = &c->l1mem.slot_last;
	fprintf(out, "memslot %d: L1 IPA 0x%016" PRIx64 " -> user address 0x%016" PRIx64, sl->id, l1, sl->uaddr);
	if (sl->result == S2_NESTED_SLOT_OK)
		fprintf(out, " -> PA 0x%016" PRIx64 "  %s\n", sl->pa, sl->readonly ? "r-x (read-only memslot)" : "rwx");
	else if (sl->result == S2_NESTED_SLOT_VMM_UNMAPPED)
		fputs(": not mapped in the VMM\n", out);
	else
		fprintf(out, ": VMM page table at PA 0x%" PRIx64 " not in dump\n", sl->fail_pa);
out:
	ctx_fini(c);
	return err;
}
