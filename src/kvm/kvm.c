// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The KVM model over the kernel layer. Offsets come from DWARF (the target's
 * member_info), once per session; kernels moved things around:
 *   - vtcr: kvm->arch.vtcr up to 6.6, kvm_s2_mmu.vtcr from 6.7
 *   - kvm_pgtable.start_level: u32 up to ~6.8, s8 after (LPA2 series)
 *   - kvm_pgtable ia_bits/start_level/pgd inside an anonymous union with
 *     pkvm_mappings from 6.14 (member lookup searches anonymous members)
 *   - nested MMU fields (tlb_vttbr ...) and kvm_arch.nested_mmus from 6.11;
 *     nested_mmus an array of structs up to 7.1, of pointers from 7.2
 *   - the MMU's back pointer: kvm_s2_mmu.arch (6.1+) or .kvm (5.10)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/rbtree.h"
#include "kernel/xarray.h"
#include "kvm/kvm.h"


struct off {
	bool present;
	uint64_t offset, size;
	struct s2_member_info info;
};

struct s2_kvm_layout {
	struct off kvm_vm_list, kvm_arch, kvm_arch_mmu, kvm_pid, kvm_online_vcpus, kvm_memslots,
		kvm_arch_vtcr, arch_nested_mmus, arch_nested_size, kvm_mm, mm_pgd;
	struct off mmu_pgt, mmu_pgd_phys, mmu_vmid, mmu_vtcr, mmu_arch, mmu_tlb_vttbr, mmu_tlb_vtcr,
		mmu_nested_enabled, mmu_pending_unmap, mmu_refcnt;
	struct off pgt_ia_bits, pgt_start_level, pgt_pgd, pgt_mmu;
	struct off slots_gfn_tree, slots_node_idx, slot_gfn_node, rb_left, rb_right;
	struct off slot_base_gfn, slot_npages, slot_dirty_bitmap, slot_uaddr, slot_flags, slot_id, slot_as_id;
	struct off kvm_vcpu_array, kvm_vcpus, vcpu_kvm, vcpu_id, vcpu_idx, vcpu_esr, vcpu_far, vcpu_hpfar,
		vcpu_hw_mmu;
	struct off xa_node_shift, xa_node_offset, xa_node_parent, xa_node_slots;
	struct off pgt_pkvm_mappings, pgt_mm_ops, pgt_pte_ops, arch_pkvm_protected, pm_node, pm_gfn, pm_pfn,
		pm_nr_pages;
	uint64_t mmu_size, rb_node_size;
	bool back_pointer_is_arch;
	/* protected mode (kvm_arm_mode == KVM_MODE_PROTECTED), read once at resolve time */
	bool protected_mode;
	struct s2_ptdump_rules rules; /* src/kvm/rules.c */
	/* first non-upstream finding for memslots / vCPUs (reported when those are walked) */
	char memslot_layout_error[S2_ERROR_MESSAGE_MAX], vcpu_layout_error[S2_ERROR_MESSAGE_MAX];
};

static struct s2_error *resolve(struct s2_kernel *k, const char *type, const char *path, bool required,
				struct off *o)
{
	const struct s2_target *t = s2_kernel_target(k);
	struct s2_error *err = t->ops->member_info(t->ctx, type, path, &o->info);

	if (err) {
		if (required) {
			/* whatever the backend's code (lookup), a missing member is a layout we do not know */
			struct s2_error *lerr = s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): %s",
								s2_kernel_info(k)->osrelease, err->message);

			s2_error_destroy(err);
			return lerr;
		}
		s2_error_destroy(err);
		o->present = false;
		return NULL;
	}
	o->present = true;
	o->offset = o->info.offset;
	o->size = o->info.size;
	return NULL;
}

/*
 * Layouts that are not upstream. The three recorded upstream layouts (Debian
 * 6.1, 6.12, 7.2; tests/vmcores/layouts) agree on the members below; Android
 * GKI kernels (pKVM backports) differ: kvm_pgtable with pte_ops, mm_ops
 * elsewhere, a different kvm_s2_mmu.vmid. Reading such a dump with the
 * upstream model would misread silently: say which member and stop.
 */
static struct s2_error *not_upstream(struct s2_kernel *k, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct s2_error *not_upstream(struct s2_kernel *k, const char *member, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): %s %s; not an upstream kernel "
			       "(Android GKI?)", s2_kernel_info(k)->osrelease, member, what);
}

static bool size_in(const struct off *o, uint64_t a, uint64_t b)
{
	return !o->present || o->size == a || o->size == b;
}

static void note_layout(char *buf, struct s2_kernel *k, const char *member, const struct off *o,
			const char *upstream)
{
	if (buf[0])
		return;
	snprintf(buf, S2_ERROR_MESSAGE_MAX, "unsupported layout (kernel %s): %s is %" PRIu64 " bytes, upstream "
		 "6.1/6.12/7.2 have %s; not an upstream kernel (Android GKI?)", s2_kernel_info(k)->osrelease,
		 member, o->size, upstream);
}

/* A member whose byte size must be one of two (the same twice when only one is upstream). */
struct size_rule {
	const struct off *member;
	const char *name;
	uint64_t size, other_size;
	const char *upstream;
};

/* Notes the first member of rules whose size is off: one message names one member. */
static void note_first_size_off(char *buf, struct s2_kernel *k, const struct size_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!size_in(rules[i].member, rules[i].size, rules[i].other_size)) {
			note_layout(buf, k, rules[i].name, rules[i].member, rules[i].upstream);
			return;
		}
	}
}

static struct s2_error *check_upstream(struct s2_kernel *k, struct s2_kvm_layout *l)
{
	if (l->pgt_pte_ops.present)
		return not_upstream(k, "kvm_pgtable.pte_ops", "exists (offset %" PRIu64 ")", l->pgt_pte_ops.offset);
	/*
	 * Upstream kvm_pgtable has no mm_ops before 5.13 (5.10: ia_bits, start_level, pgd, mmu; mm_ops
	 * came with the pKVM host stage-2 series of spring 2021); the Android 5.10 GKI backports it
	 * (with KVM_INVALID_PTE_OWNER_MASK in desc[63:56]).
	 */
	if (l->pgt_mm_ops.present && (s2_kernel_info(k)->release_major < 5 ||
				      (s2_kernel_info(k)->release_major == 5 && s2_kernel_info(k)->release_minor < 13)))
		return not_upstream(k, "kvm_pgtable.mm_ops", "exists on %u.%u; upstream has it from 5.13 (pKVM backport)",
				    s2_kernel_info(k)->release_major, s2_kernel_info(k)->release_minor);
	/* 6.1 .. 7.2: mm_ops directly follows pgd (inside the 6.14+ anonymous struct too). */
	if (l->pgt_mm_ops.present && l->pgt_mm_ops.offset != l->pgt_pgd.offset + 8)
		return not_upstream(k, "kvm_pgtable.mm_ops", "is at offset %" PRIu64 ", upstream has it right after "
				    "pgd (offset %" PRIu64 ")", l->pgt_mm_ops.offset, l->pgt_pgd.offset + 8);
	/* struct kvm_vmid { atomic64_t id; } from 5.16; { u64 vmid_gen; u32 vmid; } in 5.10 (16 bytes). */
	if (l->mmu_vmid.info.kind != S2_TYPE_STRUCT || (l->mmu_vmid.size != 8 && l->mmu_vmid.size != 16))
		return not_upstream(k, "kvm_s2_mmu.vmid", "is %s of %" PRIu64 " bytes, upstream has struct kvm_vmid "
				    "(8 bytes; 16 in 5.10)", l->mmu_vmid.info.kind == S2_TYPE_STRUCT ? "a struct" :
				    l->mmu_vmid.info.kind == S2_TYPE_INT ? "an integer" : "another type",
				    l->mmu_vmid.size);
	if (l->mmu_pgd_phys.size != 8)
		return not_upstream(k, "kvm_s2_mmu.pgd_phys", "is %" PRIu64 " bytes, upstream phys_addr_t is 8",
				    l->mmu_pgd_phys.size);
	if (l->arch_pkvm_protected.present && l->arch_pkvm_protected.size != 1)
		return not_upstream(k, "kvm_protected_vm.is_protected", "is %" PRIu64 " bytes, upstream bool is 1",
				    l->arch_pkvm_protected.size);
	if (l->pm_gfn.present && (l->pm_gfn.size != 8 || l->pm_pfn.size != 8 || l->pm_nr_pages.size != 8))
		return not_upstream(k, "pkvm_mapping.gfn/pfn/nr_pages", "are not u64");
	/* memslots and vCPUs: found when they are walked, so the stage-2 dump still works */
	const struct size_rule memslot[] = {
		{ &l->slot_id, "kvm_memory_slot.id", 2, 2, "short (2 bytes)" },
		{ &l->slot_flags, "kvm_memory_slot.flags", 4, 4, "u32 (4 bytes)" },
		{ &l->slot_as_id, "kvm_memory_slot.as_id", 2, 2, "u16 (2 bytes)" },
		{ &l->slot_base_gfn, "kvm_memory_slot.base_gfn", 8, 8, "gfn_t (8 bytes)" },
		{ &l->slots_node_idx, "kvm_memslots.node_idx", 4, 4, "int (4 bytes)" },
	};
	const struct size_rule vcpu[] = {
		{ &l->vcpu_esr, "kvm_vcpu_fault_info.esr_el2", 8, 4, "u64 (8 bytes; u32 in 5.10)" },
		{ &l->vcpu_far, "kvm_vcpu_fault_info.far_el2", 8, 8, "u64 (8 bytes)" },
		{ &l->vcpu_hpfar, "kvm_vcpu_fault_info.hpfar_el2", 8, 8, "u64 (8 bytes)" },
		{ &l->vcpu_id, "kvm_vcpu.vcpu_id", 4, 4, "int (4 bytes)" },
	};

	note_first_size_off(l->memslot_layout_error, k, memslot, sizeof(memslot) / sizeof(memslot[0]));
	if (l->xa_node_slots.present && l->xa_node_slots.info.kind == S2_TYPE_ARRAY &&
	    l->xa_node_slots.info.array_length != S2_XA_CHUNK_SIZE)
		snprintf(l->vcpu_layout_error, S2_ERROR_MESSAGE_MAX, "unsupported layout (kernel %s): xa_node.slots has "
			 "%" PRIu64 " entries, not %u (CONFIG_BASE_SMALL?)", s2_kernel_info(k)->osrelease,
			 l->xa_node_slots.info.array_length, S2_XA_CHUNK_SIZE);
	else
		note_first_size_off(l->vcpu_layout_error, k, vcpu, sizeof(vcpu) / sizeof(vcpu[0]));
	return NULL;
}

/*
 * is_protected_kvm_enabled(): kvm_arm_mode == KVM_MODE_PROTECTED (5.12+). The
 * enumerator comes from DWARF when the target knows it (upstream value 1).
 */
static void protected_mode(struct s2_kernel *k, struct s2_kvm_layout *l)
{
	const struct s2_target *t = s2_kernel_target(k);
	int64_t want = 1;
	uint64_t addr;
	uint32_t mode;
	struct s2_error *err = t->ops->symbol_address(t->ctx, "kvm_arm_mode", &addr);

	if (err) {
		s2_error_destroy(err);
		return;
	}
	if (t->ops->enumerator_value) {
		err = t->ops->enumerator_value(t->ctx, "KVM_MODE_PROTECTED", &want);
		if (err) {
			s2_error_destroy(err);
			want = 1;
		}
	}
	err = s2_kernel_read_u32(k, addr, &mode);
	if (err) {
		s2_error_destroy(err);
		return;
	}
	l->protected_mode = mode == (uint32_t)want;
}

struct s2_error *s2_kvm_layout_resolve(struct s2_kernel *k, struct s2_kvm_layout **out)
{
	struct s2_kvm_layout *l = calloc(1, sizeof(*l));
	const struct s2_target *t = s2_kernel_target(k);
	struct s2_error *err = NULL;
	struct off back_kvm;

	if (!l)
		return &s2_error_nomem;
#define R(field, type, path) do { if (!err) err = resolve(k, type, path, true, &l->field); } while (0)
#define O(field, type, path) do { if (!err) err = resolve(k, type, path, false, &l->field); } while (0)
	R(kvm_vm_list, "kvm", "vm_list");
	R(kvm_arch, "kvm", "arch");
	R(kvm_arch_mmu, "kvm", "arch.mmu");
	O(kvm_pid, "kvm", "userspace_pid");
	O(kvm_mm, "kvm", "mm");                          /* the VMM's mm: guest memory as KVM reads it */
	O(mm_pgd, "mm_struct", "pgd");
	O(kvm_online_vcpus, "kvm", "online_vcpus");
	O(kvm_memslots, "kvm", "memslots");
	O(kvm_arch_vtcr, "kvm", "arch.vtcr");            /* <= 6.6 */
	O(arch_nested_mmus, "kvm", "arch.nested_mmus");  /* >= 6.11 */
	O(arch_nested_size, "kvm", "arch.nested_mmus_size");
	R(mmu_pgt, "kvm_s2_mmu", "pgt");
	R(mmu_pgd_phys, "kvm_s2_mmu", "pgd_phys");
	R(mmu_vmid, "kvm_s2_mmu", "vmid");
	O(mmu_vtcr, "kvm_s2_mmu", "vtcr");               /* >= 6.7 */
	O(mmu_arch, "kvm_s2_mmu", "arch");               /* >= 6.1 */
	O(mmu_tlb_vttbr, "kvm_s2_mmu", "tlb_vttbr");     /* >= 6.11 */
	O(mmu_tlb_vtcr, "kvm_s2_mmu", "tlb_vtcr");
	O(mmu_nested_enabled, "kvm_s2_mmu", "nested_stage2_enabled");
	O(mmu_pending_unmap, "kvm_s2_mmu", "pending_unmap");
	O(mmu_refcnt, "kvm_s2_mmu", "refcnt");
	R(pgt_ia_bits, "kvm_pgtable", "ia_bits");
	R(pgt_start_level, "kvm_pgtable", "start_level");
	R(pgt_pgd, "kvm_pgtable", "pgd");
	O(pgt_mmu, "kvm_pgtable", "mmu");
	O(slots_gfn_tree, "kvm_memslots", "gfn_tree");   /* scalable memslots, >= 5.17 */
	O(slots_node_idx, "kvm_memslots", "node_idx");
	O(slot_gfn_node, "kvm_memory_slot", "gfn_node");
	O(rb_left, "rb_node", "rb_left");
	O(rb_right, "rb_node", "rb_right");
	O(slot_base_gfn, "kvm_memory_slot", "base_gfn");
	O(slot_npages, "kvm_memory_slot", "npages");
	O(slot_dirty_bitmap, "kvm_memory_slot", "dirty_bitmap");
	O(slot_uaddr, "kvm_memory_slot", "userspace_addr");
	O(slot_flags, "kvm_memory_slot", "flags");
	O(slot_id, "kvm_memory_slot", "id");
	O(slot_as_id, "kvm_memory_slot", "as_id");
	O(kvm_vcpu_array, "kvm", "vcpu_array.xa_head"); /* xarray, >= 5.17 */
	O(kvm_vcpus, "kvm", "vcpus");                   /* array of pointers, <= 5.16 */
	O(vcpu_kvm, "kvm_vcpu", "kvm");
	O(vcpu_id, "kvm_vcpu", "vcpu_id");
	O(vcpu_idx, "kvm_vcpu", "vcpu_idx");
	O(vcpu_esr, "kvm_vcpu", "arch.fault.esr_el2");  /* u32 in 5.10, u64 from 5.11/6.1 */
	O(vcpu_far, "kvm_vcpu", "arch.fault.far_el2");
	O(vcpu_hpfar, "kvm_vcpu", "arch.fault.hpfar_el2");
	O(vcpu_hw_mmu, "kvm_vcpu", "arch.hw_mmu");
	O(xa_node_shift, "xa_node", "shift");
	O(xa_node_offset, "xa_node", "offset");
	O(xa_node_parent, "xa_node", "parent");
	O(xa_node_slots, "xa_node", "slots");
	O(pgt_pkvm_mappings, "kvm_pgtable", "pkvm_mappings"); /* >= 6.14 (union with ia_bits..) */
	O(pgt_mm_ops, "kvm_pgtable", "mm_ops");
	O(pgt_pte_ops, "kvm_pgtable", "pte_ops");             /* Android GKI only */
	O(arch_pkvm_protected, "kvm", "arch.pkvm.is_protected"); /* >= 6.14 */
	if (!err && !l->arch_pkvm_protected.present)
		err = resolve(k, "kvm", "arch.pkvm.enabled", false, &l->arch_pkvm_protected); /* 6.8 .. 6.13 */
	O(pm_node, "pkvm_mapping", "node");
	O(pm_gfn, "pkvm_mapping", "gfn");
	O(pm_pfn, "pkvm_mapping", "pfn");
	O(pm_nr_pages, "pkvm_mapping", "nr_pages");
#undef R
#undef O
	if (err)
		goto fail;
	if (!l->mmu_arch.present) {
		err = resolve(k, "kvm_s2_mmu", "kvm", true, &back_kvm); /* 5.10 */
		if (err)
			goto fail;
		l->mmu_arch = back_kvm;
	} else {
		l->back_pointer_is_arch = true;
	}
	if (!l->mmu_vtcr.present && !l->kvm_arch_vtcr.present) {
		err = s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): no vtcr in kvm_s2_mmu "
				      "(>= 6.7) nor in kvm_arch (<= 6.6)", s2_kernel_info(k)->osrelease);
		goto fail;
	}
	/* ia_bits must be a u32, start_level a u32 or s8: anything else is not an upstream layout. */
	/* (pgd is kvm_pteref_t, a typedef'd pointer: some backends only know its size) */
	if (l->pgt_ia_bits.size != 4 || (l->pgt_start_level.size != 4 && l->pgt_start_level.size != 1) ||
	    l->pgt_pgd.size != 8) {
		err = s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): struct kvm_pgtable has "
				      "ia_bits of %" PRIu64 " bytes, start_level of %" PRIu64 " bytes",
				      s2_kernel_info(k)->osrelease, l->pgt_ia_bits.size, l->pgt_start_level.size);
		goto fail;
	}
	err = check_upstream(k, l);
	if (err)
		goto fail;
	protected_mode(k, l);
	err = s2_kvm_ptdump_rules(k, &l->rules);
	if (err)
		goto fail;
	err = t->ops->type_size(t->ctx, "kvm_s2_mmu", &l->mmu_size);
	if (err)
		goto fail;
	if (l->rb_left.present)
		err = t->ops->type_size(t->ctx, "rb_node", &l->rb_node_size);
	if (err)
		goto fail;
	*out = l;
	return NULL;
fail:
	free(l);
	return err;
}

void s2_kvm_layout_free(struct s2_kvm_layout *l)
{
	free(l);
}

const struct s2_ptdump_rules *s2_kvm_layout_rules(const struct s2_kvm_layout *l)
{
	return &l->rules;
}

static struct s2_error *rd(struct s2_kernel *k, uint64_t va, const struct off *o, uint64_t *val)
{
	unsigned char buf[8] = { 0 };
	size_t n = o->size > 8 ? 8 : (size_t)o->size;
	struct s2_error *err;

	*val = 0;
	if (!o->present)
		return NULL;
	err = s2_kernel_read(k, va + o->offset, buf, n);
	if (err)
		return err;
	memcpy(val, buf, n); /* little-endian host kernel */
	if (o->info.is_signed && n > 0 && n < 8 && (buf[n - 1] & 0x80))
		*val |= ~0ULL << (n * 8);
	return NULL;
}

static struct s2_error *host_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return s2_kernel_read_phys(ctx, pa, buf, len);
}

struct s2_mem s2_kvm_host_mem(struct s2_kernel *k)
{
	return (struct s2_mem){ host_read, k };
}

struct s2_error *s2_kvm_mmu_root(struct s2_kernel *k, const struct s2_kvm_mmu *m, uint64_t *root)
{
	struct s2_error *err;

	if (!m->pgt || !m->pgd)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "kvm_s2_mmu 0x%" PRIx64 " has no page table", m->addr);
	err = s2_kernel_va_to_pa(k, m->pgd, root);
	return err ? s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 " pgd: ", m->addr) : NULL;
}

struct s2_error *s2_kvm_vm_root(struct s2_kernel *k, const struct s2_kvm_vm *vm, uint64_t *root)
{
	if (vm->pkvm)
		return s2_error_create(S2_ERROR_UNSUPPORTED, "kvm 0x%" PRIx64 " runs in pKVM protected mode (%s): its "
				       "stage 2 lives in EL2-private memory; the host keeps only pgt->pkvm_mappings",
				       vm->addr, vm->pkvm_why);
	return s2_kvm_mmu_root(k, &vm->mmu, root);
}

uint64_t s2_kvm_mmu_vttbr(const struct s2_kvm_mmu *m)
{
	return m->pgd_phys | ((m->vmid & 0xffff) << 48);
}

static struct s2_error *read_mmu(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t addr,
				 uint64_t kvm_vtcr, bool canonical, struct s2_kvm_mmu *m, bool pkvm, bool *pkvm_guess)
{
	const struct s2_kernel_info *ki = s2_kernel_info(k);
	uint64_t v;
	struct s2_error *err;

	memset(m, 0, sizeof(*m));
	m->addr = addr;
	if ((err = rd(k, addr, &l->mmu_pgt, &m->pgt)) || (err = rd(k, addr, &l->mmu_pgd_phys, &m->pgd_phys)) ||
	    (err = rd(k, addr, &l->mmu_vmid, &m->vmid)))
		return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 ": ", addr);
	m->vtcr = kvm_vtcr;
	if (l->mmu_vtcr.present && (err = rd(k, addr, &l->mmu_vtcr, &m->vtcr)))
		return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 ": ", addr);
	m->has_nested_fields = l->mmu_tlb_vttbr.present;
	if (m->has_nested_fields) {
		if ((err = rd(k, addr, &l->mmu_tlb_vttbr, &m->tlb_vttbr)) ||
		    (err = rd(k, addr, &l->mmu_tlb_vtcr, &m->tlb_vtcr)))
			return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 ": ", addr);
		if ((err = rd(k, addr, &l->mmu_nested_enabled, &v)))
			return err;
		m->nested_stage2_enabled = v & 0xff;
		if ((err = rd(k, addr, &l->mmu_pending_unmap, &v)))
			return err;
		m->pending_unmap = v & 0xff;
		if ((err = rd(k, addr, &l->mmu_refcnt, &v)))
			return err;
		m->refcnt = (int)(uint32_t)v;
	}
	/* kvm_s2_mmu_valid(): an unused nested MMU holds tlb_vttbr = VTTBR_CNP_BIT. */
	m->valid = canonical || !(m->tlb_vttbr & 1);
	if (!m->pgt || pkvm)
		return NULL; /* an unused nested MMU may have no table yet; pKVM: ia_bits/pgd are garbage */
	if ((err = rd(k, m->pgt, &l->pgt_ia_bits, &v)))
		return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 " pgt 0x%" PRIx64 ": ", addr, m->pgt);
	m->ia_bits = (unsigned int)v;
	if ((err = rd(k, m->pgt, &l->pgt_start_level, &v)))
		return err;
	/* s8 since the LPA2 series (level -1 exists), u32 before: a 1-byte level is signed. */
	m->start_level = l->pgt_start_level.size == 1 ? (int)(int8_t)v : (int)(int64_t)v;
	if ((err = rd(k, m->pgt, &l->pgt_pgd, &m->pgd)))
		return err;
	/* The host's descriptors are LPA2 when the kernel runs with 52-bit VA on 4K/16K (VTCR.DS). */
	err = s2_geometry_from_pgtable(m->ia_bits, m->start_level, ki->page_shift,
				       ki->lpa2 || ((m->vtcr >> 32) & 1), ki->pa_bits, &m->geo);
	if (err && pkvm_guess && l->pgt_pkvm_mappings.present) {
		/*
		 * 6.14+ with kvm_arm_mode unknown to us: ia_bits/start_level that are
		 * no geometry at all are the low bytes of the pkvm_mappings rb-root.
		 */
		s2_error_destroy(err);
		*pkvm_guess = true;
		m->pgd = 0;
		m->ia_bits = 0;
		m->start_level = 0;
		return NULL;
	}
	if (err)
		return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 " pgt 0x%" PRIx64 ": ", addr, m->pgt);
	return NULL;
}

static unsigned int count_memslots(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_kvm_vm *vm);

struct s2_error *s2_kvm_read_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t addr,
				struct s2_kvm_vm *vm)
{
	uint64_t arch = addr + l->kvm_arch.offset, mmu = addr + l->kvm_arch_mmu.offset, back, v, kvm_vtcr = 0;
	struct s2_error *err;

	memset(vm, 0, sizeof(*vm));
	vm->addr = addr;
	/* Validate before trusting: the MMU points back at kvm->arch (or kvm on 5.10). */
	err = s2_kernel_read_u64(k, mmu + l->mmu_arch.offset, &back);
	if (err)
		return s2_error_prefix(err, "0x%" PRIx64 " is not a readable struct kvm: ", addr);
	if (back != (l->back_pointer_is_arch ? arch : addr))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT,
				       "0x%" PRIx64 " is not a struct kvm: arch.mmu.%s is 0x%" PRIx64
				       ", expected 0x%" PRIx64, addr, l->back_pointer_is_arch ? "arch" : "kvm", back,
				       l->back_pointer_is_arch ? arch : addr);
	if ((err = rd(k, addr, &l->kvm_pid, &v)))
		return err;
	vm->pid = (int)(int32_t)v;
	/* Optional: an unreadable mm only loses the memslot path to guest memory (src/cmd/nesteds2.c). */
	if (l->kvm_mm.present && l->mm_pgd.present) {
		err = rd(k, addr, &l->kvm_mm, &vm->mm);
		if (!err && vm->mm)
			err = rd(k, vm->mm, &l->mm_pgd, &vm->mm_pgd);
		if (err) {
			s2_error_destroy(err);
			vm->mm_pgd = 0;
		}
	}
	if ((err = rd(k, addr, &l->kvm_online_vcpus, &v)))
		return err;
	vm->online_vcpus = (unsigned int)v;
	if (l->kvm_arch_vtcr.present && (err = rd(k, addr, &l->kvm_arch_vtcr, &kvm_vtcr)))
		return err;
	if ((err = rd(k, addr, &l->arch_pkvm_protected, &v)))
		return err;
	vm->pkvm_protected = v & 0xff;
	if (l->pgt_pkvm_mappings.present && l->protected_mode) {
		vm->pkvm = true;
		vm->pkvm_why = "kvm_arm_mode is KVM_MODE_PROTECTED";
	} else if (l->pgt_pkvm_mappings.present && vm->pkvm_protected) {
		vm->pkvm = true;
		vm->pkvm_why = "arch.pkvm.is_protected";
	}
	{
		bool guess = false;

		err = read_mmu(k, l, mmu, kvm_vtcr, true, &vm->mmu, vm->pkvm, &guess);
		if (err)
			return s2_error_prefix(err, "kvm 0x%" PRIx64 ": ", addr);
		if (guess) {
			vm->pkvm = true;
			/* ia_bits/start_level alias the pkvm_mappings rb-root (docs/commands.md) */
			vm->pkvm_why = "pgt geometry aliases pkvm_mappings";
		}
	}
	if ((err = rd(k, addr, &l->kvm_memslots, &vm->memslots)))
		return err;
	if (l->pgt_mmu.present && vm->mmu.pgt) {
		err = s2_kernel_read_u64(k, vm->mmu.pgt + l->pgt_mmu.offset, &v);
		if (!err && v != mmu)
			return s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 ": arch.mmu.pgt->mmu is 0x%" PRIx64
					       ", expected 0x%" PRIx64, addr, v, mmu);
		s2_error_destroy(err);
	}
	if (l->arch_nested_mmus.present) {
		if ((err = rd(k, addr, &l->arch_nested_mmus, &vm->nested_mmus)) ||
		    (err = rd(k, addr, &l->arch_nested_size, &vm->nested_mmus_size)))
			return err;
		vm->nested_is_ptr_array = l->arch_nested_mmus.info.target_kind == S2_TYPE_POINTER;
		if (vm->nested_mmus_size > 4096)
			return s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 ": arch.nested_mmus_size %" PRIu64
					       " is implausible", addr, vm->nested_mmus_size);
	}
	vm->nr_memslots = count_memslots(k, l, vm);
	return NULL;
}

struct s2_error *s2_kvm_read_nested_mmu(struct s2_kernel *k, const struct s2_kvm_layout *l,
					const struct s2_kvm_vm *vm, uint64_t idx, struct s2_kvm_mmu *mmu)
{
	uint64_t addr;
	struct s2_error *err;

	if (idx >= vm->nested_mmus_size)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "kvm 0x%" PRIx64 " has %" PRIu64 " nested MMUs, "
				       "no index %" PRIu64, vm->addr, vm->nested_mmus_size, idx);
	if (vm->nested_is_ptr_array) {
		err = s2_kernel_read_u64(k, vm->nested_mmus + idx * 8, &addr);
		if (err)
			return s2_error_prefix(err, "kvm 0x%" PRIx64 " nested_mmus[%" PRIu64 "]: ", vm->addr, idx);
	} else {
		addr = vm->nested_mmus + idx * l->mmu_size;
	}
	return read_mmu(k, l, addr, vm->mmu.vtcr, false, mmu, false, NULL);
}

struct s2_error *s2_kvm_for_each_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, s2_kvm_vm_fn fn,
				    void *arg)
{
	const struct s2_target *t = s2_kernel_target(k);
	uint64_t head, node, prev;
	unsigned int n = 0;
	struct s2_error *err = t->ops->symbol_address(t->ctx, "vm_list", &head);

	if (err)
		return s2_error_prefix(err, "KVM not in this kernel (no vm_list): ");
	err = s2_kernel_read_u64(k, head, &node);
	if (err)
		return s2_error_prefix(err, "vm_list: ");
	prev = head;
	while (node != head) {
		struct s2_kvm_vm vm;
		uint64_t back;

		if (++n > 65536)
			return s2_error_create(S2_ERROR_CORRUPT, "vm_list does not come back to its head after 65536 "
					       "entries (cycle)");
		/* list integrity: node->prev must be where we came from */
		err = s2_kernel_read_u64(k, node + 8, &back);
		if (err)
			return s2_error_prefix(err, "vm_list entry 0x%" PRIx64 " (struct kvm 0x%" PRIx64 "): ", node,
					       node - l->kvm_vm_list.offset);
		if (back != prev)
			return s2_error_create(S2_ERROR_CORRUPT, "vm_list entry 0x%" PRIx64 " has prev 0x%" PRIx64
					       ", expected 0x%" PRIx64, node, back, prev);
		err = s2_kvm_read_vm(k, l, node - l->kvm_vm_list.offset, &vm);
		if (!err)
			err = fn(arg, &vm);
		if (err)
			return err;
		prev = node;
		err = s2_kernel_read_u64(k, node, &node);
		if (err)
			return s2_error_prefix(err, "vm_list entry 0x%" PRIx64 ": ", prev);
	}
	return NULL;
}

struct find_pid {
	int pid;
	bool found;
	struct s2_kvm_vm *vm;
};

static struct s2_error *match_pid(void *arg, const struct s2_kvm_vm *vm)
{
	struct find_pid *f = arg;

	if (vm->pid != f->pid)
		return NULL;
	*f->vm = *vm;
	f->found = true;
	return &s2_error_stop;
}

struct s2_error *s2_kvm_find_pid(struct s2_kernel *k, const struct s2_kvm_layout *l, int pid,
				 struct s2_kvm_vm *vm)
{
	struct find_pid f = { pid, false, vm };
	struct s2_error *err = s2_kvm_for_each_vm(k, l, match_pid, &f);

	if (err == &s2_error_stop)
		err = NULL;
	if (!err && !f.found)
		err = s2_error_create(S2_ERROR_LOOKUP, "no VM with VMM pid %d on vm_list", pid);
	return err;
}

/* A kernel rb-tree in key order (src/kernel/rbtree.h), with rb_node's members from DWARF. */
static struct s2_error *rb_inorder(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t root,
				   uint64_t key_rel, const char *what, s2_rb_visit_fn visit, void *arg)
{
	struct s2_rb_layout rb = { l->rb_left.offset, l->rb_right.offset };

	if (!l->rb_left.present || !l->rb_right.present)
		return s2_error_create(S2_ERROR_LAYOUT, "%s: struct rb_node has no rb_left/rb_right", what);
	return s2_rb_for_each(k, &rb, root, key_rel, what, visit, arg);
}

struct memslot_walk {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_kvm_vm *vm;
	uint64_t node_off;
	s2_kvm_memslot_fn fn;
	void *arg;
	bool stopped_by_fn;
};

static struct s2_error *memslot_visit(void *arg, uint64_t node)
{
	struct memslot_walk *w = arg;
	const struct s2_kvm_layout *l = w->l;
	unsigned int page_shift = s2_kernel_info(w->k)->page_shift;
	struct s2_kvm_memslot m = { .addr = node - w->node_off };
	uint64_t v;
	struct s2_error *err;

	if ((err = rd(w->k, m.addr, &l->slot_base_gfn, &m.base_gfn)) || (err = rd(w->k, m.addr, &l->slot_npages, &m.npages)) ||
	    (err = rd(w->k, m.addr, &l->slot_dirty_bitmap, &m.dirty_bitmap)) ||
	    (err = rd(w->k, m.addr, &l->slot_uaddr, &m.userspace_addr)))
		return s2_error_prefix(err, "kvm 0x%" PRIx64 " memslot 0x%" PRIx64 ": ", w->vm->addr, m.addr);
	if ((err = rd(w->k, m.addr, &l->slot_flags, &v)))
		return err;
	m.flags = (uint32_t)v;
	if ((err = rd(w->k, m.addr, &l->slot_id, &v)))
		return err;
	m.id = (int)(int16_t)v;
	if ((err = rd(w->k, m.addr, &l->slot_as_id, &v)))
		return err;
	m.as_id = (unsigned int)(uint16_t)v;
	if (m.as_id != 0)
		return s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 " memslot 0x%" PRIx64 " (id %d) has as_id %u "
				       "in address space 0", w->vm->addr, m.addr, m.id, m.as_id);
	if (m.base_gfn >> (64 - page_shift) || m.npages >> (64 - page_shift) ||
	    ((m.base_gfn + m.npages) << page_shift) < (m.base_gfn << page_shift))
		return s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 " memslot 0x%" PRIx64 " (id %d): base_gfn 0x%"
				       PRIx64 " npages 0x%" PRIx64 " overflow the address space", w->vm->addr,
				       m.addr, m.id, m.base_gfn, m.npages);
	m.gpa = m.base_gfn << page_shift;
	m.size = m.npages << page_shift;
	err = w->fn(w->arg, &m);
	if (err)
		w->stopped_by_fn = true;
	return err;
}

struct s2_error *s2_kvm_for_each_memslot(struct s2_kernel *k, const struct s2_kvm_layout *l,
					 const struct s2_kvm_vm *vm, s2_kvm_memslot_fn fn, void *arg)
{
	struct memslot_walk w = { k, l, vm, 0, fn, arg, false };
	uint64_t root, node_idx;
	char what[64];
	struct s2_error *err;

	if (l->memslot_layout_error[0])
		return s2_error_create(S2_ERROR_LAYOUT, "%s", l->memslot_layout_error);
	if (!l->kvm_memslots.present || !l->slots_gfn_tree.present || !l->slot_gfn_node.present ||
	    !l->slots_node_idx.present || !l->slot_base_gfn.present)
		return s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): no kvm_memslots.gfn_tree / "
				       "kvm_memory_slot.gfn_node (scalable memslots, 5.17+)",
				       s2_kernel_info(k)->osrelease);
	if (!vm->memslots)
		return NULL; /* no memslots installed yet */
	err = s2_kernel_read_u64(k, vm->memslots + l->slots_gfn_tree.offset, &root);
	if (!err)
		err = rd(k, vm->memslots, &l->slots_node_idx, &node_idx);
	if (err)
		return s2_error_prefix(err, "kvm 0x%" PRIx64 " memslots 0x%" PRIx64 ": ", vm->addr, vm->memslots);
	if (node_idx > 1)
		return s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 " memslots 0x%" PRIx64 ": node_idx %" PRIu64
				       " is not 0 or 1", vm->addr, vm->memslots, node_idx);
	w.node_off = l->slot_gfn_node.offset + node_idx * (l->rb_node_size ? l->rb_node_size : 24);
	snprintf(what, sizeof(what), "kvm 0x%" PRIx64 " memslots gfn_tree", vm->addr);
	return rb_inorder(k, l, root, l->slot_base_gfn.offset - w.node_off, what, memslot_visit, &w);
}

static struct s2_error *count_one(void *arg, const struct s2_kvm_memslot *slot)
{
	(*(unsigned int *)arg)++;
	return NULL;
}

static unsigned int count_memslots(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_kvm_vm *vm)
{
	unsigned int n = 0;

	/* The header's count: what a walk sees before any error (the -p report names the error). */
	s2_error_destroy(s2_kvm_for_each_memslot(k, l, vm, count_one, &n));
	return n;
}

/* pKVM mappings */

struct pkvm_walk {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	s2_kvm_pkvm_fn fn;
	void *arg;
};

static struct s2_error *pkvm_visit(void *arg, uint64_t node)
{
	struct pkvm_walk *w = arg;
	struct s2_kvm_pkvm_mapping m = { .addr = node - w->l->pm_node.offset };
	struct s2_error *err;

	if ((err = rd(w->k, m.addr, &w->l->pm_gfn, &m.gfn)) || (err = rd(w->k, m.addr, &w->l->pm_pfn, &m.pfn)) ||
	    (err = rd(w->k, m.addr, &w->l->pm_nr_pages, &m.nr_pages)))
		return s2_error_prefix(err, "pkvm_mapping 0x%" PRIx64 ": ", m.addr);
	/*
	 * 7.3: "u64 nr_pages:48; u64 nc:1;" share one word (Debian 7.3.4's DWARF), and the word is
	 * read whole. No mapping has 2^48 pages (2^60 bytes), so the mask is right on every kernel.
	 */
	m.nr_pages &= (1ULL << 48) - 1;
	return w->fn(w->arg, &m);
}

struct s2_error *s2_kvm_for_each_pkvm_mapping(struct s2_kernel *k, const struct s2_kvm_layout *l,
					      const struct s2_kvm_vm *vm, s2_kvm_pkvm_fn fn, void *arg)
{
	struct pkvm_walk w = { k, l, fn, arg };
	uint64_t root;
	char what[64];
	struct s2_error *err;

	if (!l->pgt_pkvm_mappings.present || !l->pm_gfn.present || !l->pm_node.present)
		return s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): no kvm_pgtable.pkvm_mappings "
				       "/ struct pkvm_mapping (6.14+)", s2_kernel_info(k)->osrelease);
	if (!vm->mmu.pgt)
		return NULL;
	/* rb_root_cached.rb_root.rb_node is its first word */
	err = s2_kernel_read_u64(k, vm->mmu.pgt + l->pgt_pkvm_mappings.offset, &root);
	if (err)
		return s2_error_prefix(err, "kvm 0x%" PRIx64 " pgt 0x%" PRIx64 " pkvm_mappings: ", vm->addr, vm->mmu.pgt);
	snprintf(what, sizeof(what), "kvm 0x%" PRIx64 " pkvm_mappings", vm->addr);
	return rb_inorder(k, l, root, l->pm_gfn.offset - l->pm_node.offset, what, pkvm_visit, &w);
}

/* vCPUs */

struct vcpu_walk {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_kvm_vm *vm;
	s2_kvm_vcpu_fn fn;
	void *arg;
};

static struct s2_error *read_vcpu(struct vcpu_walk *w, uint64_t index, uint64_t addr, struct s2_kvm_vcpu *out);

static struct s2_error *visit_vcpu(struct vcpu_walk *w, uint64_t index, uint64_t addr)
{
	struct s2_kvm_vcpu c = { .addr = addr, .index = index };
	struct s2_error *err = read_vcpu(w, index, addr, &c);

	if (err)
		err = s2_error_prefix(err, "kvm 0x%" PRIx64 " vcpu_array[%" PRIu64 "] 0x%" PRIx64 ": ", w->vm->addr,
				      index, addr);
	/* A vCPU whose memory is not in the dump is reported and skipped: the others may be there. */
	if (err && err->code == S2_ERROR_FAULT) {
		struct s2_kvm_vcpu bad = { .addr = addr, .index = index, .unreadable = err->message };
		struct s2_error *ret = w->fn(w->arg, &bad);

		s2_error_destroy(err);
		return ret;
	}
	return err ? err : w->fn(w->arg, &c);
}

static struct s2_error *read_vcpu(struct vcpu_walk *w, uint64_t index, uint64_t addr, struct s2_kvm_vcpu *out)
{
	const struct s2_kvm_layout *l = w->l;
	struct s2_kvm_vcpu c = *out;
	uint64_t v;
	struct s2_error *err;

	if (l->vcpu_kvm.present) {
		if ((err = rd(w->k, addr, &l->vcpu_kvm, &v)))
			return err;
		if (v != w->vm->addr)
			return s2_error_create(S2_ERROR_CORRUPT, "not a vCPU of this VM: vcpu->kvm is 0x%" PRIx64, v);
	}
	if ((err = rd(w->k, addr, &l->vcpu_id, &v)))
		return err;
	c.vcpu_id = (int)(int32_t)v;
	if ((err = rd(w->k, addr, &l->vcpu_idx, &v)))
		return err;
	c.vcpu_idx = l->vcpu_idx.present ? (int)(int32_t)v : (int)index;
	if ((err = rd(w->k, addr, &l->vcpu_esr, &c.esr_el2)) || (err = rd(w->k, addr, &l->vcpu_far, &c.far_el2)) ||
	    (err = rd(w->k, addr, &l->vcpu_hpfar, &c.hpfar_el2)) || (err = rd(w->k, addr, &l->vcpu_hw_mmu, &c.hw_mmu)))
		return err;
	*out = c;
	return NULL;
}

static struct s2_error *xa_visit_vcpu(void *arg, uint64_t index, uint64_t entry)
{
	return visit_vcpu(arg, index, entry);
}

struct s2_error *s2_kvm_for_each_vcpu(struct s2_kernel *k, const struct s2_kvm_layout *l,
				      const struct s2_kvm_vm *vm, s2_kvm_vcpu_fn fn, void *arg)
{
	struct vcpu_walk w = { k, l, vm, fn, arg };
	struct s2_xa_layout xl = s2_xa_default_layout;
	char what[64];
	uint64_t head;
	struct s2_error *err;

	if (l->vcpu_layout_error[0])
		return s2_error_create(S2_ERROR_LAYOUT, "%s", l->vcpu_layout_error);
	if (!l->kvm_vcpu_array.present) {
		/* <= 5.16: struct kvm_vcpu *vcpus[KVM_MAX_VCPUS] */
		if (!l->kvm_vcpus.present || l->kvm_vcpus.info.kind != S2_TYPE_ARRAY)
			return s2_error_create(S2_ERROR_LAYOUT, "unsupported layout (kernel %s): struct kvm has neither "
					       "vcpu_array (5.17+) nor vcpus[] (<= 5.16)", s2_kernel_info(k)->osrelease);
		for (uint64_t i = 0; i < l->kvm_vcpus.info.array_length && i < vm->online_vcpus; i++) {
			uint64_t p;

			err = s2_kernel_read_u64(k, vm->addr + l->kvm_vcpus.offset + 8 * i, &p);
			if (!err && p)
				err = visit_vcpu(&w, i, p);
			if (err)
				return err;
		}
		return NULL;
	}
	if (l->xa_node_shift.present)
		xl.shift_offset = l->xa_node_shift.offset;
	if (l->xa_node_offset.present)
		xl.offset_offset = l->xa_node_offset.offset;
	if (l->xa_node_parent.present)
		xl.parent_offset = l->xa_node_parent.offset;
	if (l->xa_node_slots.present)
		xl.slots_offset = l->xa_node_slots.offset;
	err = s2_kernel_read_u64(k, vm->addr + l->kvm_vcpu_array.offset, &head);
	if (err)
		return s2_error_prefix(err, "kvm 0x%" PRIx64 " vcpu_array: ", vm->addr);
	snprintf(what, sizeof(what), "kvm 0x%" PRIx64 " vcpu_array", vm->addr);
	return s2_xa_for_each(k, &xl, head, what, xa_visit_vcpu, &w);
}
