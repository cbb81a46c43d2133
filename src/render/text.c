// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text renderer (src/render/render.h): every line s2dump and nesteds2
 * print besides the kernel's debugfs text (src/ptdump). The formats are
 * those docs/commands.md and docs/nested.md describe; the tests hold them
 * byte for byte.
 */
#include <inttypes.h>
#include <string.h>

#include "render/render.h"

/* Text has no document around it, no brackets around lists and items. */
static void begin(struct s2_render *r, const char *command, const char *mode) { }
static void end(struct s2_render *r, const struct s2_error *err, int status) { }
static void list_begin(struct s2_render *r, enum s2_render_list list) { }
static void list_end(struct s2_render *r) { }
static void vm_end(struct s2_render *r) { }
static void slot_begin(struct s2_render *r) { }
static void nested_vm_end(struct s2_render *r) { }

static void no_vms(struct s2_render *r)
{
	fprintf(r->out, "no VMs on vm_list\n");
}

static void rules(struct s2_render *r, const char *why)
{
	fprintf(r->out, "ptdump rules: %s\n", why);
}

static void finding(struct s2_render *r, const char *message)
{
	fprintf(r->out, "!! %s\n", message);
}

/* s2dump */

static void vm_begin(struct s2_render *r, bool first)
{
	if (!first)
		fputc('\n', r->out);
}

static void vm_header(struct s2_render *r, const struct s2_kvm_vm *vm, bool with_mmu)
{
	const struct s2_kvm_mmu *m = &vm->mmu;

	fprintf(r->out, "kvm 0x%016" PRIx64 "  pid %d  vcpus %u  memslots %u\n", vm->addr, vm->pid, vm->online_vcpus,
		vm->nr_memslots);
	if (!with_mmu)
		return;
	fprintf(r->out, "  mmu 0x%016" PRIx64 "  vmid %" PRIu64 "  vtcr 0x%016" PRIx64 "  vttbr 0x%016" PRIx64 "\n",
		m->addr, m->vmid & 0xffff, m->vtcr, s2_kvm_mmu_vttbr(m));
	fprintf(r->out, "  ipa_range %u  stage2_levels %d  pgd 0x%016" PRIx64 " (PA 0x%" PRIx64 ", %u table%s)\n",
		m->ia_bits, 4 - m->start_level, m->pgd, m->pgd_phys, m->geo.concat, m->geo.concat == 1 ? "" : "s");
}

static void vm_label(struct s2_render *r, const struct s2_kvm_vm *vm)
{
	fprintf(r->out, "kvm 0x%016" PRIx64 " pid %d: ", vm->addr, vm->pid);
}

/* -v: one line per valid leaf with its decoded attributes */
static void leaf(struct s2_render *r, const struct s2_walk_entry *e)
{
	const struct s2_desc *d = &e->desc;

	fprintf(r->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d %s -> 0x%016" PRIx64 "  desc 0x%016" PRIx64
		" @PA 0x%" PRIx64 "  %c%c %s%s AF=%d SH=%u MemAttr=0x%x%s%s SW=0x%x\n",
		e->ia, e->ia + e->size, e->level,
		d->kind == S2_DESC_BLOCK ? "block" : d->kind == S2_DESC_PAGE ? "page " : "RSVD ", d->oa, d->raw,
		e->desc_pa, (d->s2ap & 1) ? 'R' : '-', (d->s2ap & 2) ? 'W' : '-',
		d->xn == 0 ? "X" : d->xn == 1 ? "PXN" : d->xn == 2 ? "XN" : "UXN", "", d->af, d->sh, d->memattr,
		d->contiguous ? " CONT" : "", d->dbm ? " DBM" : "", d->sw);
}

static void leaf_problem(struct s2_render *r, const struct s2_walk_entry *e)
{
	fprintf(r->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d  !! table at PA 0x%" PRIx64 " %s\n", e->ia,
		e->ia + e->size, e->level, s2_walk_problem_table(e), s2_walk_problem_text(e->problem));
}

static void translation(struct s2_render *r, uint64_t ipa, const struct s2_translation *t)
{
	if (t->fault.type == S2_FAULT_NONE || t->fault.type == S2_FAULT_ACCESS_FLAG) {
		fprintf(r->out, "IPA 0x%016" PRIx64 " -> PA 0x%016" PRIx64 "  level %d %s  desc 0x%016" PRIx64
			" @PA 0x%" PRIx64 "  %c%c%s AF=%d%s\n", ipa, t->oa, t->level,
			t->desc.kind == S2_DESC_BLOCK ? "block" : "page", t->desc.raw, t->desc_pa,
			(t->desc.s2ap & 1) ? 'R' : '-', (t->desc.s2ap & 2) ? 'W' : '-', (t->desc.xn & 2) ? " XN" : "",
			t->desc.af, t->fault.type == S2_FAULT_ACCESS_FLAG ? " (access flag fault until accessed)" : "");
	} else {
		fprintf(r->out, "IPA 0x%016" PRIx64 " -> %s, level %d (FSC 0x%02x)%s%s\n", ipa,
			s2_fault_type_name(t->fault.type), t->level, t->fault.fsc, t->read_error[0] ? ": " : "",
			t->read_error);
	}
}

static void pkvm_begin(struct s2_render *r, const struct s2_kvm_vm *vm)
{
	/* one short line: the why is a few words (kvm.c), the full story is in docs/commands.md */
	fprintf(r->out, "  pKVM%s (%s): stage 2 in EL2-private memory, the host keeps only pkvm_mappings:\n",
		vm->pkvm_protected ? " protected VM" : "", vm->pkvm_why);
}

static void pkvm_mapping(struct s2_render *r, const struct s2_kvm_pkvm_mapping *m)
{
	fprintf(r->out, "  pkvm_mapping gfn 0x%" PRIx64 " pfn 0x%" PRIx64 " nr_pages %" PRIu64 "\n", m->gfn, m->pfn,
		m->nr_pages);
}

static void pkvm_end(struct s2_render *r, unsigned long n, uint64_t pages)
{
	fprintf(r->out, "  %lu pkvm_mapping%s, %" PRIu64 " pages\n", n, n == 1 ? "" : "s", pages);
}

static void pkvm_translation(struct s2_render *r, const struct s2_render_pkvm_translation *t)
{
	if (!t->found) {
		fprintf(r->out, "IPA 0x%016" PRIx64 " -> not mapped: no pkvm_mapping holds gfn 0x%" PRIx64 " (pKVM, %s)\n",
			t->ipa, t->gfn, t->vm->pkvm_why);
		return;
	}
	fprintf(r->out, "IPA 0x%016" PRIx64 " -> PA 0x%016" PRIx64 "  level %d %s  pkvm_mapping gfn 0x%" PRIx64 " pfn 0x%"
		PRIx64 " nr_pages %" PRIu64 " (pKVM: host view, no descriptor)\n", t->ipa, t->pa, t->level,
		t->level == 3 ? "page" : "block", t->m.gfn, t->m.pfn, t->m.nr_pages);
}

/* -p */

static void gap_end(struct s2_render *r, uint64_t mapped) { }

static void slot(struct s2_render *r, const struct s2_kvm_memslot *s)
{
	char flags[64], size[32];

	s2_render_slot_flags(s->flags, flags, sizeof(flags));
	s2_render_format_size(size, sizeof(size), s->size);
	fprintf(r->out, "memslot %d gpa 0x%016" PRIx64 "-0x%016" PRIx64 " size %s uaddr 0x%016" PRIx64
		" flags %s\n", s->id, s->gpa, s->gpa + s->size, size, s->userspace_addr, flags);
}

static void slot_pkvm(struct s2_render *r)
{
	fprintf(r->out, "  mapped: not visible to the host (pKVM)\n");
}

static void slot_coverage(struct s2_render *r, const struct s2_kvm_vm *vm, const struct s2_kvm_memslot *s,
			  const struct s2_kvm_coverage *c)
{
	struct s2_coverage_group g;
	char s1[32], s2[32];

	s2_render_format_size(s1, sizeof(s1), c->mapped);
	s2_render_format_size(s2, sizeof(s2), s->size);
	fprintf(r->out, "  mapped %s of %s (%u%%)\n", s1, s2,
		s->size ? (unsigned int)((unsigned __int128)c->mapped * 100 / s->size) : 0);
	for (unsigned int pos = 0; s2_render_coverage_next(c, &pos, &g);) {
		s2_render_format_size(s1, sizeof(s1), s2_level_size(&vm->mmu.geo, g.level));
		s2_render_format_size(s2, sizeof(s2), g.bytes);
		fprintf(r->out, "  L%d %s %s AF=%d  %" PRIu32 " x %s = %s\n", g.level, g.page ? "page" : "block",
			g.perm, g.af, g.count, s1, s2);
	}
}

static void outside(struct s2_render *r, uint64_t mapped)
{
	char s1[32];

	if (!mapped)
		return;
	s2_render_format_size(s1, sizeof(s1), mapped);
	fprintf(r->out, "outside memslots mapped %s\n", s1);
}

static void coverage_problem(struct s2_render *r, const struct s2_walk_entry *e, bool in_slot)
{
	fprintf(r->out, "%s!! 0x%016" PRIx64 "-0x%016" PRIx64 " L%d  table at PA 0x%" PRIx64 " %s\n",
		in_slot ? "  " : "", e->ia, e->ia + e->size, e->level, s2_walk_problem_table(e),
		s2_walk_problem_text(e->problem));
}

static void coverage_reserved(struct s2_render *r, const struct s2_walk_entry *e, bool in_slot)
{
	fprintf(r->out, "%s!! 0x%016" PRIx64 "-0x%016" PRIx64 " L%d  reserved descriptor 0x%016" PRIx64
		" at PA 0x%" PRIx64 "\n", in_slot ? "  " : "", e->ia, e->ia + e->size, e->level, e->desc.raw,
		e->desc_pa);
}

static void vcpu(struct s2_render *r, const struct s2_render_vcpu *f)
{
	const struct s2_kvm_vcpu *v = f->vcpu;
	const struct s2_esr_info *e = &f->esr;

	if (v->unreadable) {
		fprintf(r->out, "vcpu %" PRIu64 "  !! struct kvm_vcpu 0x%016" PRIx64 " unreadable: %s\n", v->index,
			v->addr, v->unreadable);
		return;
	}
	fprintf(r->out, "vcpu %" PRIu64 " id %d  esr_el2 0x%016" PRIx64 "  far_el2 0x%016" PRIx64 "  hpfar_el2 0x%016"
		PRIx64 "%s\n", v->index, v->vcpu_id, v->esr_el2, v->far_el2, v->hpfar_el2,
		(uint64_t)v->vcpu_idx != v->index ? "  (vcpu_idx disagrees with its vcpu_array index)" : "");
	if (!v->esr_el2) {
		fprintf(r->out, "  no fault recorded\n");
	} else if (e->is_abort) {
		fprintf(r->out, "  %s (EC 0x%02x)  %s", e->ec_name, e->ec, e->fsc_name);
		if (e->has_level)
			fprintf(r->out, ", level %d", e->level);
		fprintf(r->out, " (FSC 0x%02x)  WnR %d  fault IPA 0x%016" PRIx64 "%s\n", e->fsc, e->wnr, e->fault_ipa,
			e->s1ptw ? "  S1PTW" : "");
	} else {
		fprintf(r->out, "  %s (EC 0x%02x)  ISS 0x%07x\n", e->ec_name, e->ec, e->iss);
	}
}

/* nesteds2 list, dump */

static void nested_vm_begin(struct s2_render *r, const struct s2_kvm_vm *vm)
{
	fprintf(r->out, "kvm 0x%016" PRIx64 "  pid %d  nested_mmus %" PRIu64 "\n", vm->addr, vm->pid,
		vm->nested_mmus_size);
}

static void nested_mmu(struct s2_render *r, uint64_t i, const struct s2_kvm_mmu *m, const char *name)
{
	fprintf(r->out, "  [%2" PRIu64 "] 0x%016" PRIx64 "  %s  %-7s vmid %-5" PRIu64 " refcnt %d%s\n", i, m->addr,
		name, m->valid ? "valid" : "invalid", m->vmid & 0xffff, m->refcnt,
		m->pending_unmap ? "  pending_unmap" : "");
}

static void nested_dump_header(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name)
{
	fprintf(r->out, "nested mmu 0x%016" PRIx64 "  %s  %s  ipa_range %u  stage2_levels %d\n", t->mmu.addr,
		name, t->mmu.valid ? "valid" : "invalid", t->mmu.ia_bits, 4 - t->mmu.start_level);
}

/* nesteds2 guest */

static void guest_header(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name)
{
	fprintf(r->out, "nested mmu 0x%016" PRIx64 "  %s  guest vttbr 0x%016" PRIx64 "  vtcr 0x%016" PRIx64 "\n",
		t->mmu.addr, name, t->mmu.tlb_vttbr, t->mmu.tlb_vtcr);
}

static void guest_config(struct s2_render *r, const struct s2_nested_guest *g)
{
	if (!g) {
		/* kvm_s2_mmu_valid(): an unused shadow MMU keeps tlb_vttbr = VTTBR_CNP_BIT, nothing else */
		fputs("  unused shadow MMU (tlb_vttbr has CnP set): no guest stage 2 cached\n", r->out);
		return;
	}
	r->guest_geo = &g->geo;
	if (!g->enabled) {
		fputs("  stage 2 disabled: L2 IPA = L1 IPA\n", r->out);
		return;
	}
	if (g->refused.type != S2_FAULT_NONE) {
		fprintf(r->out, "  VTCR refused: %s, level %d (FSC 0x%02x)\n", s2_fault_type_name(g->refused.type),
			g->refused.level, g->refused.fsc);
		return;
	}
	fprintf(r->out, "  granule %s  ia_bits %u  start_level %d  concat %u  oa_bits %u  root L1 0x%016" PRIx64 "\n",
		s2_nested_granule_name(g->geo.granule_shift), g->geo.ia_bits, g->geo.start_level, g->geo.concat,
		g->geo.oa_bits, g->root);
	if (g->base_fault.type != S2_FAULT_NONE)
		fprintf(r->out, "  base refused: %s, level %d (FSC 0x%02x): root L1 0x%016" PRIx64
			" beyond oa_bits %u\n", s2_fault_type_name(g->base_fault.type), g->base_fault.level,
			g->base_fault.fsc, g->root, g->geo.oa_bits);
}

static void guest_problem(struct s2_render *r, const struct s2_nested_guest_problem *p)
{
	fprintf(r->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d  !! table at L1 0x%016" PRIx64 " ", p->l2,
		p->l2 + p->size, p->level, p->table);
	if (p->problem == S2_PROBLEM_READ && p->fail == S2_NESTED_READ_UNMAPPED)
		fprintf(r->out, "not mapped by the canonical stage 2%s\n", p->memslots ? " nor by any memslot" : "");
	else if (p->problem == S2_PROBLEM_READ && p->fail == S2_NESTED_READ_VMM_UNMAPPED)
		fprintf(r->out, "not mapped by the canonical stage 2 nor in the VMM (memslot %d user address 0x%"
			PRIx64 ")\n", p->slot, p->uaddr);
	else if (p->problem == S2_PROBLEM_READ)
		fprintf(r->out, "not in dump (PA 0x%" PRIx64 ")\n", p->pa);
	else
		fprintf(r->out, "%s\n", s2_walk_problem_text(p->problem));
}

static void guest_leaf(struct s2_render *r, const struct s2_walk_entry *e)
{
	const struct s2_desc *d = &e->desc;
	char perm[4];

	if (d->kind == S2_DESC_RESERVED) {
		fprintf(r->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d reserved desc 0x%016" PRIx64
			" @L1 0x%016" PRIx64 " (translation fault)\n", e->ia, e->ia + e->size, e->level, d->raw,
			e->desc_pa);
		return;
	}
	fprintf(r->out, "0x%016" PRIx64 "-0x%016" PRIx64 " L%d %s -> L1 0x%016" PRIx64 "  %s AF=%d", e->ia,
		e->ia + e->size, e->level, d->kind == S2_DESC_BLOCK ? "block" : "page", d->oa,
		s2_nested_perm_str(s2_nested_perm(d), perm), d->af);
	if (r->verbose)
		fprintf(r->out, "  desc 0x%016" PRIx64 " @L1 0x%016" PRIx64, d->raw, e->desc_pa);
	if (s2_nested_guest_beyond_oa(r->guest_geo, d))
		fprintf(r->out, "  (address size fault: beyond oa_bits %u)", r->guest_geo->oa_bits);
	fputc('\n', r->out);
}

/* nesteds2 check */

static void print_side(FILE *out, bool mapped, uint64_t a, unsigned int perm)
{
	char buf[4];

	if (mapped)
		fprintf(out, "0x%016" PRIx64 " %s", a, s2_nested_perm_str(perm, buf));
	else
		fputs("unmapped", out);
}

static void check_problem(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *e)
{
	fprintf(r->out, "mmu 0x%016" PRIx64 " [%d] L2 0x%016" PRIx64 "-0x%016" PRIx64 " L%d  !! shadow table "
		"at PA 0x%" PRIx64 " %s\n", mmu_addr, index, e->ia, e->ia + e->size, e->level,
		s2_walk_problem_table(e), s2_walk_problem_text(e->problem));
}

static void check_verdict(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *e,
			  const struct s2_nested_verdict *v)
{
	FILE *out = r->out;
	char perm[4];

	if (v->kind == S2_NESTED_NOT_CHECKABLE) {
		fprintf(out, "mmu 0x%016" PRIx64 " [%d] L2 0x%016" PRIx64 "-0x%016" PRIx64 " not-checkable: ",
			mmu_addr, index, e->ia, e->ia + e->size);
		if (v->nc_guest)
			fprintf(out, "guest table at L1 0x%016" PRIx64, v->nc_l1);
		else
			fprintf(out, "canonical side of L1 0x%016" PRIx64, v->nc_l1);
		if (!v->nc_what || !strcmp(v->nc_what, "page"))
			fprintf(out, " not in dump (PA 0x%" PRIx64 ")", v->nc_pa);
		else
			fprintf(out, ": %s at PA 0x%" PRIx64 " not in dump", v->nc_what, v->nc_pa);
		if (v->at != e->ia)
			fprintf(out, "  (at L2 0x%016" PRIx64 ")", v->at);
		fputc('\n', out);
		return;
	}
	fprintf(out, "mmu 0x%016" PRIx64 " [%d] L2 0x%016" PRIx64 "-0x%016" PRIx64 " %s: shadow 0x%016" PRIx64
		" %s, guest ", mmu_addr, index, e->ia, e->ia + e->size, s2_nested_kind_name(v->kind),
		v->shadow_oa, s2_nested_perm_str(v->shadow_perm, perm));
	print_side(out, v->guest_mapped, v->guest_l1, v->guest_perm);
	fputs(", canonical ", out);
	print_side(out, v->canon_mapped, v->canon_pa, v->canon_perm);
	if (v->at != e->ia)
		fprintf(out, "  (at L2 0x%016" PRIx64 ")", v->at);
	fputc('\n', out);
}

static void check_vcpu(struct s2_render *r, const struct s2_render_check_vcpu *v)
{
	fprintf(r->out, "mmu 0x%016" PRIx64 " [%" PRIu64 "] %s: vcpu %" PRIu64 " (id %d) runs on it with "
		"VTTBR_EL2 0x%016" PRIx64 " VTCR_EL2 0x%016" PRIx64, v->mmu, v->index, v->name, v->vcpu_index,
		v->vcpu_id, v->vttbr, v->vtcr);
	if (v->hcr_unknown)
		fprintf(r->out, " HCR_EL2 unknown (%s): not compared\n", v->hcr_unknown);
	else
		fprintf(r->out, " HCR_EL2.VM %d: not the context it was made for\n", v->hcr_vm);
}

static void check_unused_mmu(struct s2_render *r, uint64_t mmu, int index)
{
	fprintf(r->out, "mmu 0x%016" PRIx64 " [%d]: unused shadow MMU (tlb_vttbr has CnP set): nothing to check\n",
		mmu, index);
}

static void check_vcpus_not_examined(struct s2_render *r, uint64_t kvm, const char *error)
{
	fprintf(r->out, "kvm 0x%016" PRIx64 ": vCPUs not examined: %s\n", kvm, error);
}

static void check_summary(struct s2_render *r, const struct s2_render_check_summary *s)
{
	FILE *out = r->out;

	fprintf(out, "check: %lu shadow MMUs, %lu leaves, %lu violations\n", s->shadow_mmus, s->leaves, s->violations);
	if (s->not_checkable)
		fprintf(out, "check: %lu leaves not checkable (a table they need is not in the dump; not violations)\n",
			s->not_checkable);
	if (s->problems)
		fprintf(out, "check: %lu shadow table(s) unreadable\n", s->problems);
	if (s->stale_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n", s->stale_vcpus);
	if (s->unknown_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU without a VNCR page to compare\n", s->unknown_vcpus);
	if (s->hcr_unknown_vcpus)
		fprintf(out, "check: %lu vCPU(s) on a shadow MMU not compared: HCR_EL2 unknown\n", s->hcr_unknown_vcpus);
}

/* s2dump -t through a nested MMU */

static void nested_translation(struct s2_render *r, const struct s2_render_nested_translation *n)
{
	const struct s2_translation *t = &n->t;
	const struct s2_nested_l1mem *l1mem = n->l1mem;
	FILE *out = r->out;
	char perm[4];

	if (n->unused) {
		/* kvm_s2_mmu_valid(): no guest stage 2 cached, so no L1 IPA; the shadow line follows */
		fprintf(out, "L2 IPA 0x%016" PRIx64 " -> unused shadow MMU (tlb_vttbr has CnP set): no guest "
			"stage 2 cached\n", n->l2);
	} else if (!n->guest->enabled) {
		fprintf(out, "L2 IPA 0x%016" PRIx64 " -> L1 IPA 0x%016" PRIx64 "  guest stage 2 disabled "
			"(L2 IPA = L1 IPA)\n", n->l2, n->l2);
	} else if (s2_nested_translation_mapped(t)) {
		fprintf(out, "L2 IPA 0x%016" PRIx64 " -> L1 IPA 0x%016" PRIx64 "  guest level %d %s desc 0x%016" PRIx64
			" @L1 0x%" PRIx64 " %s AF=%d%s\n", n->l2, t->oa, t->level,
			t->desc.kind == S2_DESC_BLOCK ? "block" : "page", t->desc.raw, t->desc_pa,
			s2_nested_perm_str(s2_nested_perm(&t->desc), perm), t->desc.af,
			t->fault.type == S2_FAULT_ACCESS_FLAG ? " (access flag fault until accessed)" : "");
	} else {
		fprintf(out, "L2 IPA 0x%016" PRIx64 " -> %s, guest level %d (FSC 0x%02x)", n->l2,
			s2_fault_type_name(t->fault.type), t->level, t->fault.fsc);
		if (t->fault.type == S2_FAULT_SEA_WALK && l1mem->fail == S2_NESTED_READ_UNMAPPED)
			fprintf(out, ": table at L1 0x%" PRIx64 " not mapped by the canonical stage 2%s", t->desc_pa,
				l1mem->slot_fn ? " nor by any memslot" : "");
		else if (t->fault.type == S2_FAULT_SEA_WALK && l1mem->fail == S2_NESTED_READ_VMM_UNMAPPED)
			fprintf(out, ": table at L1 0x%" PRIx64 " not mapped by the canonical stage 2 nor in the VMM "
				"(memslot %d user address 0x%" PRIx64 ")", t->desc_pa, l1mem->slot_last.id,
				l1mem->slot_last.uaddr);
		else if (t->fault.type == S2_FAULT_SEA_WALK)
			fprintf(out, ": table at L1 0x%" PRIx64 " not in dump (PA 0x%" PRIx64 ")", t->desc_pa,
				l1mem->fail_pa);
		fputc('\n', out);
	}
}

static void nested_memslot(struct s2_render *r, const struct s2_render_nested_memslot *m)
{
	const struct s2_nested_slot *sl = m->slot;

	if (!sl) {
		fprintf(r->out, "memslot: none holds L1 IPA 0x%016" PRIx64 "\n", m->l1);
		return;
	}
	fprintf(r->out, "memslot %d: L1 IPA 0x%016" PRIx64 " -> user address 0x%016" PRIx64, sl->id, m->l1, sl->uaddr);
	if (sl->result == S2_NESTED_SLOT_OK)
		fprintf(r->out, " -> PA 0x%016" PRIx64 "  %s\n", sl->pa, sl->readonly ? "r-x (read-only memslot)" : "rwx");
	else if (sl->result == S2_NESTED_SLOT_VMM_UNMAPPED)
		fputs(": not mapped in the VMM\n", r->out);
	else
		fprintf(r->out, ": VMM page table at PA 0x%" PRIx64 " not in dump\n", sl->fail_pa);
}

static void shadow_begin(struct s2_render *r, bool has_table)
{
	fputs(has_table ? "shadow: " : "shadow: no shadow table\n", r->out);
}

static const struct s2_render_ops text_ops = { S2_RENDER_OPS(S2_RENDER_OP) };

void s2_render_text_init(struct s2_render *r, FILE *out, const struct s2_kernel_info *kernel)
{
	*r = (struct s2_render){ .ops = &text_ops, .out = out, .kernel = kernel };
}
