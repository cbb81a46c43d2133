// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON renderer (src/render/render.h): every -j document, schema
 * "s2dump/1" (docs/json.md), written as the facts come through the streaming
 * writer (json_writer.c), so no document is held in memory. A document is one
 * object: schema, command, mode, kernel, the command's members, status, error.
 */
#include <inttypes.h>

#include "render/render.h"

static const char *const list_keys[] = {
	[S2_RENDER_VMS] = "vms",
	[S2_RENDER_ENTRIES] = "entries",
	[S2_RENDER_MEMSLOTS] = "memslots",
	[S2_RENDER_GAP_PROBLEMS] = "gap_problems",
	[S2_RENDER_SLOT_PROBLEMS] = "problems",
	[S2_RENDER_OUTSIDE_PROBLEMS] = "outside_problems",
	[S2_RENDER_VCPUS] = "vcpus",
	[S2_RENDER_FINDINGS] = "findings",
};

static void begin(struct s2_render *r, const char *command, const char *mode)
{
	const struct s2_kernel_info *ki = r->kernel;

	s2_json_init(&r->j, r->out);
	s2_json_object(&r->j, NULL);
	s2_json_str(&r->j, "schema", S2_JSON_SCHEMA);
	s2_json_str(&r->j, "command", command);
	s2_json_str(&r->j, "mode", mode);
	s2_json_object_compact(&r->j, "kernel");
	s2_json_str(&r->j, "release", ki->osrelease);
	s2_json_u64(&r->j, "page_size", 1ULL << ki->page_shift);
	s2_json_u64(&r->j, "va_bits", ki->va_bits);
	s2_json_u64(&r->j, "va_bits_actual", ki->va_bits_actual);
	s2_json_end(&r->j);
}

/* Close every container still open (after an error: the document stays well-formed), then the status. */
static void close_to_top(struct s2_render *r)
{
	while (r->j.depth > 1)
		s2_json_end(&r->j);
}

static void end(struct s2_render *r, const struct s2_error *err, int status)
{
	close_to_top(r);
	s2_json_u64(&r->j, "status", (uint64_t)status);
	if (err)
		s2_json_str(&r->j, "error", err->message);
	else
		s2_json_null(&r->j, "error");
	s2_json_finish(&r->j);
}

static void list_begin(struct s2_render *r, enum s2_render_list list)
{
	s2_json_array(&r->j, list_keys[list]);
}

static void list_end(struct s2_render *r)
{
	s2_json_end(&r->j);
}

/* Text only: JSON says "no VMs" by an empty list and has no rules line, no -t label. */
static void no_vms(struct s2_render *r) { }
static void rules(struct s2_render *r, const char *why) { }
static void vm_label(struct s2_render *r, const struct s2_kvm_vm *vm) { }

/* Shared shapes: a one-line object of a list, opened with its type and where it lies. */
static struct s2_json *entry(struct s2_render *r, const char *type, const char *ia_key, uint64_t ia, uint64_t size,
			     int level)
{
	s2_json_object_compact(&r->j, NULL);
	s2_json_str(&r->j, "type", type);
	s2_json_hex(&r->j, ia_key, ia);
	s2_json_hex(&r->j, "size", size);
	s2_json_i64(&r->j, "level", level);
	return &r->j;
}

/* An unreadable table met by a walk: where, which table, why (s2_walk_problem_name). */
static void problem_members(struct s2_json *j, const char *table_key, const struct s2_walk_entry *e)
{
	s2_json_hex(j, table_key, s2_walk_problem_table(e));
	s2_json_str(j, "problem", s2_walk_problem_name(e->problem));
	s2_json_end(j);
}

static void fault_members(struct s2_json *j, const struct s2_fault *f)
{
	s2_json_str(j, "type", s2_fault_type_name(f->type));
	s2_json_i64(j, "level", f->level);
	s2_json_hex(j, "fsc", f->fsc);
}

static void fault_or_null(struct s2_json *j, const char *key, const struct s2_fault *f)
{
	if (f->type == S2_FAULT_NONE) {
		s2_json_null(j, key);
		return;
	}
	s2_json_object_compact(j, key);
	fault_members(j, f);
	s2_json_end(j);
}

/* a JSON document carries its findings in its lists and its status */
static void finding(struct s2_render *r, const char *message) { }

/* s2dump */

static void vm_begin(struct s2_render *r, bool first)
{
	s2_json_object(&r->j, NULL);
}

static void vm_end(struct s2_render *r)
{
	s2_json_end(&r->j);
}

static void vm_header(struct s2_render *r, const struct s2_kvm_vm *vm, bool with_mmu)
{
	const struct s2_kvm_mmu *m = &vm->mmu;

	s2_json_hex(&r->j, "kvm", vm->addr);
	s2_json_i64(&r->j, "pid", vm->pid);
	s2_json_u64(&r->j, "vcpus", vm->online_vcpus);
	s2_json_u64(&r->j, "memslots", vm->nr_memslots);
	s2_json_object_compact(&r->j, "mmu");
	s2_json_hex(&r->j, "addr", m->addr);
	s2_json_u64(&r->j, "vmid", m->vmid & 0xffff);
	s2_json_hex(&r->j, "vtcr", m->vtcr);
	s2_json_hex(&r->j, "vttbr", s2_kvm_mmu_vttbr(m));
	s2_json_hex(&r->j, "pgt", m->pgt);
	if (vm->pkvm) {
		s2_json_null(&r->j, "ipa_range");
		s2_json_null(&r->j, "stage2_levels");
		s2_json_null(&r->j, "pgd");
	} else {
		s2_json_u64(&r->j, "ipa_range", m->ia_bits);
		s2_json_i64(&r->j, "stage2_levels", 4 - m->start_level);
		s2_json_hex(&r->j, "pgd", m->pgd);
	}
	s2_json_hex(&r->j, "pgd_pa", m->pgd_phys);
	s2_json_u64(&r->j, "concat", vm->pkvm ? 0 : m->geo.concat);
	s2_json_end(&r->j);
	s2_json_object_compact(&r->j, "pkvm");
	s2_json_bool(&r->j, "host_view_only", vm->pkvm);
	s2_json_bool(&r->j, "protected", vm->pkvm_protected);
	s2_json_str(&r->j, "detected_by", vm->pkvm ? vm->pkvm_why : NULL);
	s2_json_end(&r->j);
}

static void leaf(struct s2_render *r, const struct s2_walk_entry *e)
{
	const struct s2_desc *d = &e->desc;
	struct s2_json *j = entry(r, "leaf", "ipa", e->ia, e->size, e->level);
	char perm[4];

	s2_render_perm(d, perm);
	s2_json_str(j, "kind", s2_render_kind(d));
	s2_json_hex(j, "oa", d->oa);
	s2_json_hex(j, "desc", d->raw);
	s2_json_hex(j, "desc_pa", e->desc_pa);
	s2_json_str(j, "perm", perm);
	s2_json_u64(j, "xn", d->xn);
	s2_json_u64(j, "af", d->af);
	s2_json_u64(j, "sh", d->sh);
	s2_json_hex(j, "memattr", d->memattr);
	s2_json_bool(j, "contiguous", d->contiguous);
	s2_json_bool(j, "dbm", d->dbm);
	s2_json_hex(j, "sw", d->sw);
	s2_json_end(j);
}

static void leaf_problem(struct s2_render *r, const struct s2_walk_entry *e)
{
	problem_members(entry(r, "problem", "ipa", e->ia, e->size, e->level), "table_pa", e);
}

static void coverage_problem(struct s2_render *r, const struct s2_walk_entry *e, bool in_slot)
{
	leaf_problem(r, e);
}

static void coverage_reserved(struct s2_render *r, const struct s2_walk_entry *e, bool in_slot)
{
	struct s2_json *j = entry(r, "problem", "ipa", e->ia, e->size, e->level);

	s2_json_hex(j, "desc", e->desc.raw);
	s2_json_hex(j, "desc_pa", e->desc_pa);
	s2_json_str(j, "problem", "reserved");
	s2_json_end(j);
}

static void translation(struct s2_render *r, uint64_t ipa, const struct s2_translation *t)
{
	struct s2_json *j = &r->j;
	char perm[4];

	s2_json_object_compact(j, "translation");
	s2_json_hex(j, "ipa", ipa);
	if (t->fault.type == S2_FAULT_NONE || t->fault.type == S2_FAULT_ACCESS_FLAG) {
		s2_render_perm(&t->desc, perm);
		s2_json_hex(j, "pa", t->oa);
		s2_json_i64(j, "level", t->level);
		s2_json_str(j, "kind", t->desc.kind == S2_DESC_BLOCK ? "block" : "page");
		s2_json_hex(j, "block_size", t->block_size);
		s2_json_hex(j, "desc", t->desc.raw);
		s2_json_hex(j, "desc_pa", t->desc_pa);
		s2_json_str(j, "perm", perm);
		s2_json_u64(j, "af", t->desc.af);
	} else {
		s2_json_null(j, "pa");
		s2_json_i64(j, "level", t->level);
	}
	if (t->fault.type == S2_FAULT_NONE) {
		s2_json_null(j, "fault");
	} else {
		s2_json_object_compact(j, "fault");
		fault_members(j, &t->fault);
		if (t->read_error[0])
			s2_json_str(j, "read_error", t->read_error);
		s2_json_end(j);
	}
	s2_json_end(j);
}

static void pkvm_begin(struct s2_render *r, const struct s2_kvm_vm *vm)
{
	s2_json_array(&r->j, "pkvm_mappings");
}

static void pkvm_mapping(struct s2_render *r, const struct s2_kvm_pkvm_mapping *m)
{
	s2_json_object_compact(&r->j, NULL);
	s2_json_hex(&r->j, "gfn", m->gfn);
	s2_json_hex(&r->j, "pfn", m->pfn);
	s2_json_u64(&r->j, "nr_pages", m->nr_pages);
	s2_json_end(&r->j);
}

static void pkvm_end(struct s2_render *r, unsigned long n, uint64_t pages)
{
	s2_json_end(&r->j);
}

static void pkvm_translation(struct s2_render *r, const struct s2_render_pkvm_translation *t)
{
	s2_json_object_compact(&r->j, "translation");
	s2_json_hex(&r->j, "ipa", t->ipa);
	if (t->found) {
		s2_json_hex(&r->j, "pa", t->pa);
		s2_json_i64(&r->j, "level", t->level);
		s2_json_str(&r->j, "kind", t->level == 3 ? "page" : "block");
		s2_json_hex(&r->j, "block_size", t->bytes);
		s2_json_hex(&r->j, "pkvm_mapping", t->m.addr);
	} else {
		s2_json_null(&r->j, "pa");
	}
	s2_json_null(&r->j, "fault");
	s2_json_end(&r->j);
}

/* -p */

static void slot_begin(struct s2_render *r)
{
	s2_json_object(&r->j, NULL);
}


static void gap_end(struct s2_render *r, uint64_t mapped)
{
	s2_json_end(&r->j);
	s2_json_hex(&r->j, "gap_outside_mapped", mapped);
}

static void slot(struct s2_render *r, const struct s2_kvm_memslot *s)
{
	char flags[64];

	s2_render_slot_flags(s->flags, flags, sizeof(flags));
	s2_json_i64(&r->j, "id", s->id);
	s2_json_u64(&r->j, "as_id", s->as_id);
	s2_json_hex(&r->j, "addr", s->addr);
	s2_json_hex(&r->j, "gpa", s->gpa);
	s2_json_hex(&r->j, "size", s->size);
	s2_json_hex(&r->j, "base_gfn", s->base_gfn);
	s2_json_u64(&r->j, "npages", s->npages);
	s2_json_hex(&r->j, "uaddr", s->userspace_addr);
	s2_json_u64(&r->j, "flags", s->flags);
	s2_json_str(&r->j, "flag_names", flags);
	s2_json_hex(&r->j, "dirty_bitmap", s->dirty_bitmap);
}

static void slot_pkvm(struct s2_render *r)
{
	s2_json_null(&r->j, "mapped");
	s2_json_end(&r->j);
}

static void slot_coverage(struct s2_render *r, const struct s2_kvm_vm *vm, const struct s2_kvm_memslot *s,
			  const struct s2_kvm_coverage *c)
{
	struct s2_coverage_group g;

	s2_json_hex(&r->j, "mapped", c->mapped);
	s2_json_array(&r->j, "groups");
	for (unsigned int pos = 0; s2_render_coverage_next(c, &pos, &g);) {
		s2_json_object_compact(&r->j, NULL);
		s2_json_i64(&r->j, "level", g.level);
		s2_json_str(&r->j, "kind", g.page ? "page" : "block");
		s2_json_str(&r->j, "perm", g.perm);
		s2_json_u64(&r->j, "af", (uint64_t)g.af);
		s2_json_u64(&r->j, "count", g.count);
		s2_json_hex(&r->j, "leaf_size", s2_level_size(&vm->mmu.geo, g.level));
		s2_json_hex(&r->j, "bytes", g.bytes);
		s2_json_end(&r->j);
	}
	s2_json_end(&r->j);
	s2_json_end(&r->j);
}

static void outside(struct s2_render *r, uint64_t mapped)
{
	s2_json_hex(&r->j, "outside_mapped", mapped);
}

/* Which stage 2 the vCPU last ran on: what pre-faulting the canonical table does not populate. */
static void vcpu(struct s2_render *r, const struct s2_render_vcpu *f)
{
	static const char *const hw_mmu_is[] = { "none", "canonical", "nested", "unknown" };
	const struct s2_kvm_vcpu *v = f->vcpu;
	const struct s2_esr_info *e = &f->esr;
	struct s2_json *j = &r->j;

	s2_json_object_compact(j, NULL);
	s2_json_u64(j, "index", v->index);
	if (v->unreadable) {
		s2_json_hex(j, "addr", v->addr);
		s2_json_str(j, "error", v->unreadable);
		s2_json_end(j);
		return;
	}
	s2_json_i64(j, "id", v->vcpu_id);
	s2_json_i64(j, "vcpu_idx", v->vcpu_idx);
	s2_json_hex(j, "addr", v->addr);
	s2_json_hex(j, "hw_mmu", v->hw_mmu);
	s2_json_str(j, "hw_mmu_is", hw_mmu_is[f->hw_mmu_is]);
	if (f->hw_mmu_is == S2_RENDER_HW_MMU_NESTED)
		s2_json_u64(j, "hw_mmu_nested_index", f->hw_mmu_nested_index);
	s2_json_hex(j, "esr_el2", v->esr_el2);
	s2_json_hex(j, "far_el2", v->far_el2);
	s2_json_hex(j, "hpfar_el2", v->hpfar_el2);
	if (!v->esr_el2) {
		s2_json_null(j, "fault");
	} else {
		s2_json_object_compact(j, "fault");
		s2_json_hex(j, "ec", e->ec);
		s2_json_str(j, "ec_name", e->ec_name);
		s2_json_bool(j, "abort", e->is_abort);
		if (e->is_abort) {
			s2_json_hex(j, "fsc", e->fsc);
			s2_json_str(j, "fsc_name", e->fsc_name);
			if (e->has_level)
				s2_json_i64(j, "level", e->level);
			else
				s2_json_null(j, "level");
			s2_json_u64(j, "wnr", e->wnr);
			s2_json_u64(j, "s1ptw", e->s1ptw);
			s2_json_hex(j, "fault_ipa", e->fault_ipa);
		} else {
			s2_json_hex(j, "iss", e->iss);
		}
		s2_json_end(j);
	}
	s2_json_end(j);
}

/* nesteds2 list */

static void nested_vm_begin(struct s2_render *r, const struct s2_kvm_vm *vm)
{
	s2_json_object(&r->j, NULL);
	s2_json_hex(&r->j, "kvm", vm->addr);
	s2_json_i64(&r->j, "pid", vm->pid);
	s2_json_u64(&r->j, "nested_mmus_size", vm->nested_mmus_size);
	s2_json_array(&r->j, "nested_mmus");
}

static void nested_mmu(struct s2_render *r, uint64_t i, const struct s2_kvm_mmu *m, const char *name)
{
	s2_json_object_compact(&r->j, NULL);
	s2_json_u64(&r->j, "index", i);
	s2_json_hex(&r->j, "addr", m->addr);
	s2_json_hex(&r->j, "tlb_vttbr", m->tlb_vttbr);
	s2_json_hex(&r->j, "tlb_vtcr", m->tlb_vtcr);
	s2_json_bool(&r->j, "nested_stage2_enabled", m->nested_stage2_enabled);
	s2_json_bool(&r->j, "valid", m->valid);
	s2_json_u64(&r->j, "vmid", m->vmid & 0xffff);
	s2_json_i64(&r->j, "refcnt", m->refcnt);
	s2_json_bool(&r->j, "pending_unmap", m->pending_unmap);
	s2_json_hex(&r->j, "pgt", m->pgt);
	s2_json_hex(&r->j, "pgd_pa", m->pgd_phys);
	s2_json_end(&r->j);
}

static void nested_vm_end(struct s2_render *r)
{
	s2_json_end(&r->j);
	s2_json_end(&r->j);
}

/* nesteds2 dump and guest: the "nested_mmu" object, left open for what follows */

static void nested_mmu_object(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name)
{
	const struct s2_kvm_mmu *m = &t->mmu;

	s2_json_object(&r->j, "nested_mmu");
	s2_json_hex(&r->j, "kvm", t->vm.addr);
	s2_json_i64(&r->j, "pid", t->vm.pid);
	s2_json_u64(&r->j, "index", t->index);
	s2_json_hex(&r->j, "addr", m->addr);
	s2_json_str(&r->j, "name", name);
	s2_json_bool(&r->j, "valid", m->valid);
	s2_json_hex(&r->j, "tlb_vttbr", m->tlb_vttbr);
	s2_json_hex(&r->j, "tlb_vtcr", m->tlb_vtcr);
	s2_json_bool(&r->j, "nested_stage2_enabled", m->nested_stage2_enabled);
}

static void guest_header(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name)
{
	nested_mmu_object(r, t, name);
}

static void nested_dump_header(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name)
{
	const struct s2_kvm_mmu *m = &t->mmu;

	nested_mmu_object(r, t, name);
	s2_json_u64(&r->j, "vmid", m->vmid & 0xffff);
	s2_json_hex(&r->j, "pgt", m->pgt);
	s2_json_hex(&r->j, "pgd_pa", m->pgd_phys);
	if (m->pgt && m->pgd) {
		s2_json_u64(&r->j, "ipa_range", m->ia_bits);
		s2_json_i64(&r->j, "stage2_levels", 4 - m->start_level);
	} else {
		s2_json_null(&r->j, "ipa_range");
		s2_json_null(&r->j, "stage2_levels");
	}
}

static void guest_config(struct s2_render *r, const struct s2_nested_guest *g)
{
	if (!g) {
		/* an unused shadow MMU: no guest stage 2 cached */
		s2_json_null(&r->j, "guest");
		return;
	}
	r->guest_geo = &g->geo;
	s2_json_object(&r->j, "guest");
	s2_json_bool(&r->j, "enabled", g->enabled);
	if (!g->enabled)
		return;
	fault_or_null(&r->j, "refused", &g->refused);
	if (g->refused.type != S2_FAULT_NONE)
		return;
	s2_json_str(&r->j, "granule", s2_nested_granule_name(g->geo.granule_shift));
	s2_json_u64(&r->j, "ia_bits", g->geo.ia_bits);
	s2_json_i64(&r->j, "start_level", g->geo.start_level);
	s2_json_u64(&r->j, "concat", g->geo.concat);
	s2_json_u64(&r->j, "oa_bits", g->geo.oa_bits);
	s2_json_hex(&r->j, "root_l1", g->root);
	fault_or_null(&r->j, "base_fault", &g->base_fault);
}

static void guest_leaf(struct s2_render *r, const struct s2_walk_entry *e)
{
	const struct s2_desc *d = &e->desc;
	struct s2_json *j = entry(r, "leaf", "l2", e->ia, e->size, e->level);
	char perm[4];

	s2_json_str(j, "kind", s2_render_kind(d));
	s2_json_hex(j, "l1", d->oa);
	s2_json_str(j, "perm", s2_nested_perm_str(s2_nested_perm(d), perm));
	s2_json_u64(j, "af", d->af);
	s2_json_hex(j, "desc", d->raw);
	s2_json_hex(j, "desc_l1", e->desc_pa);
	s2_json_bool(j, "beyond_oa", s2_nested_guest_beyond_oa(r->guest_geo, d));
	s2_json_end(j);
}

static void guest_problem(struct s2_render *r, const struct s2_nested_guest_problem *p)
{
	struct s2_json *j = entry(r, "problem", "l2", p->l2, p->size, p->level);

	s2_json_hex(j, "table_l1", p->table);
	if (p->problem != S2_PROBLEM_READ) {
		s2_json_str(j, "problem", s2_walk_problem_name(p->problem));
	} else if (p->fail == S2_NESTED_READ_UNMAPPED) {
		s2_json_str(j, "problem", "unmapped");
		s2_json_bool(j, "memslots_tried", p->memslots);
	} else if (p->fail == S2_NESTED_READ_VMM_UNMAPPED) {
		s2_json_str(j, "problem", "vmm_unmapped");
		s2_json_i64(j, "memslot", p->slot);
		s2_json_hex(j, "uaddr", p->uaddr);
	} else {
		s2_json_str(j, "problem", "missing");
		s2_json_hex(j, "pa", p->pa);
	}
	s2_json_end(j);
}

/* nesteds2 check: the findings as they come, then the counts */

/* A finding of the check: its type and the shadow MMU it is on. */
static struct s2_json *check_finding(struct s2_render *r, const char *type, const char *addr_key, uint64_t addr)
{
	s2_json_object_compact(&r->j, NULL);
	s2_json_str(&r->j, "type", type);
	s2_json_hex(&r->j, addr_key, addr);
	return &r->j;
}

static void check_side(struct s2_json *j, const char *key, bool mapped, const char *addr_key, uint64_t addr,
		       unsigned int perm)
{
	char buf[4];

	if (!mapped) {
		s2_json_null(j, key);
		return;
	}
	s2_json_object_compact(j, key);
	s2_json_hex(j, addr_key, addr);
	s2_json_str(j, "perm", s2_nested_perm_str(perm, buf));
	s2_json_end(j);
}

static void check_verdict(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *e,
			  const struct s2_nested_verdict *v)
{
	struct s2_json *j = check_finding(r, v->kind == S2_NESTED_NOT_CHECKABLE ? "not_checkable" : "violation", "mmu",
				    mmu_addr);

	s2_json_i64(j, "index", index);
	s2_json_hex(j, "l2", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_hex(j, "at", v->at);
	if (v->kind == S2_NESTED_NOT_CHECKABLE) {
		s2_json_str(j, "table", v->nc_guest ? "guest" : "canonical");
		s2_json_hex(j, "l1", v->nc_l1);
		s2_json_hex(j, "pa", v->nc_pa);
		s2_json_str(j, "what", v->nc_what ? v->nc_what : "page");
	} else {
		s2_json_str(j, "kind", s2_nested_kind_name(v->kind));
		check_side(j, "shadow", true, "pa", v->shadow_oa, v->shadow_perm);
		check_side(j, "guest", v->guest_mapped, "l1", v->guest_l1, v->guest_perm);
		check_side(j, "canonical", v->canon_mapped, "pa", v->canon_pa, v->canon_perm);
	}
	s2_json_end(j);
}

static void check_problem(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *e)
{
	struct s2_json *j = check_finding(r, "problem", "mmu", mmu_addr);

	s2_json_i64(j, "index", index);
	s2_json_hex(j, "l2", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_i64(j, "level", e->level);
	problem_members(j, "table_pa", e);
}

static void check_vcpu(struct s2_render *r, const struct s2_render_check_vcpu *v)
{
	struct s2_json *j = check_finding(r, "vcpu", "mmu", v->mmu);

	s2_json_u64(j, "index", v->index);
	s2_json_str(j, "name", v->name);
	s2_json_u64(j, "vcpu", v->vcpu_index);
	s2_json_i64(j, "id", v->vcpu_id);
	s2_json_hex(j, "vttbr_el2", v->vttbr);
	s2_json_hex(j, "vtcr_el2", v->vtcr);
	if (v->hcr_unknown) {
		s2_json_null(j, "hcr_vm");
		s2_json_str(j, "verdict", "not_compared");
		s2_json_str(j, "why", v->hcr_unknown);
	} else {
		s2_json_i64(j, "hcr_vm", v->hcr_vm);
		s2_json_str(j, "verdict", "stale");
	}
	s2_json_end(j);
}

static void check_unused_mmu(struct s2_render *r, uint64_t mmu, int index)
{
	struct s2_json *j = check_finding(r, "unused_mmu", "mmu", mmu);

	s2_json_i64(j, "index", index);
	s2_json_end(j);
}

static void check_vcpus_not_examined(struct s2_render *r, uint64_t kvm, const char *error)
{
	struct s2_json *j = check_finding(r, "vcpus_not_examined", "kvm", kvm);

	s2_json_str(j, "error", error);
	s2_json_end(j);
}

static void check_summary(struct s2_render *r, const struct s2_render_check_summary *s)
{
	struct s2_json *j = &r->j;

	close_to_top(r);
	s2_json_object_compact(j, "summary");
	s2_json_u64(j, "shadow_mmus", s->shadow_mmus);
	s2_json_u64(j, "leaves", s->leaves);
	s2_json_u64(j, "violations", s->violations);
	s2_json_u64(j, "not_checkable", s->not_checkable);
	s2_json_u64(j, "problems", s->problems);
	s2_json_u64(j, "stale_vcpus", s->stale_vcpus);
	s2_json_u64(j, "unknown_vcpus", s->unknown_vcpus);
	s2_json_u64(j, "hcr_unknown_vcpus", s->hcr_unknown_vcpus);
	s2_json_end(j);
}

/* s2dump -t through a nested MMU has no JSON form (-j takes a VM): nothing to write */
static void nested_translation(struct s2_render *r, const struct s2_render_nested_translation *t) { }
static void nested_memslot(struct s2_render *r, const struct s2_render_nested_memslot *m) { }
static void shadow_begin(struct s2_render *r, bool has_table) { }

static const struct s2_render_ops json_ops = { S2_RENDER_OPS(S2_RENDER_OP) };

void s2_render_json_init(struct s2_render *r, FILE *out, const struct s2_kernel_info *kernel)
{
	*r = (struct s2_render){ .ops = &json_ops, .out = out, .kernel = kernel };
}
