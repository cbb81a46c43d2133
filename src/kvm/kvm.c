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
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm.h"

struct off {
	bool present;
	uint64_t offset, size;
	struct s2_member_info info;
};

struct s2_kvm_layout {
	struct off kvm_vm_list, kvm_arch, kvm_arch_mmu, kvm_pid, kvm_online_vcpus, kvm_memslots,
		kvm_arch_vtcr, arch_nested_mmus, arch_nested_size;
	struct off mmu_pgt, mmu_pgd_phys, mmu_vmid, mmu_vtcr, mmu_arch, mmu_tlb_vttbr, mmu_tlb_vtcr,
		mmu_nested_enabled, mmu_pending_unmap, mmu_refcnt;
	struct off pgt_ia_bits, pgt_start_level, pgt_pgd, pgt_mmu;
	struct off slots_gfn_tree, slots_node_idx, slot_gfn_node, rb_left, rb_right;
	uint64_t mmu_size, rb_node_size;
	bool back_pointer_is_arch;
};

static struct s2_error *resolve(struct s2_kernel *k, const char *type, const char *path, bool required,
				struct off *o)
{
	const struct s2_target *t = s2_kernel_target(k);
	struct s2_error *err = t->ops->member_info(t->ctx, type, path, &o->info);

	if (err) {
		if (required)
			return s2_error_prefix(err, "unsupported layout (kernel %s): ",
					       s2_kernel_info(k)->osrelease);
		s2_error_destroy(err);
		o->present = false;
		return NULL;
	}
	o->present = true;
	o->offset = o->info.offset;
	o->size = o->info.size;
	return NULL;
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
	if (o->info.is_signed && n < 8 && (buf[n - 1] & 0x80))
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

static struct s2_error *read_mmu(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t addr,
				 uint64_t kvm_vtcr, bool canonical, struct s2_kvm_mmu *m)
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
	if (!m->pgt)
		return NULL; /* an unused nested MMU may have no table yet */
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
	if (err)
		return s2_error_prefix(err, "kvm_s2_mmu 0x%" PRIx64 " pgt 0x%" PRIx64 ": ", addr, m->pgt);
	return NULL;
}

/* A read whose failure only ends a count: the error is dropped, never leaked. */
static bool read_ok(struct s2_error *err)
{
	bool ok = !err;

	s2_error_destroy(err);
	return ok;
}

/* Count memslots in kvm->memslots[0]->gfn_tree (bounded, cycle-safe by the bound). */
static unsigned int count_memslots(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t kvm)
{
	uint64_t slots, root, node_idx, stack[64];
	unsigned int n = 0, sp = 0, visited = 0;

	if (!l->kvm_memslots.present || !l->slots_gfn_tree.present || !l->rb_left.present)
		return 0;
	if (!read_ok(s2_kernel_read_u64(k, kvm + l->kvm_memslots.offset, &slots)) || !slots)
		return 0;
	if (!read_ok(s2_kernel_read_u64(k, slots + l->slots_gfn_tree.offset, &root)))
		return 0;
	if (!read_ok(rd(k, slots, &l->slots_node_idx, &node_idx)))
		return 0;
	(void)node_idx;
	if (root)
		stack[sp++] = root;
	while (sp && visited < 32768) {
		uint64_t node = stack[--sp], left, right;

		visited++;
		n++;
		if (!read_ok(s2_kernel_read_u64(k, node + l->rb_left.offset, &left)) ||
		    !read_ok(s2_kernel_read_u64(k, node + l->rb_right.offset, &right)))
			break;
		if (left && sp < 64)
			stack[sp++] = left;
		if (right && sp < 64)
			stack[sp++] = right;
	}
	return n;
}

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
	if ((err = rd(k, addr, &l->kvm_online_vcpus, &v)))
		return err;
	vm->online_vcpus = (unsigned int)v;
	if (l->kvm_arch_vtcr.present && (err = rd(k, addr, &l->kvm_arch_vtcr, &kvm_vtcr)))
		return err;
	err = read_mmu(k, l, mmu, kvm_vtcr, true, &vm->mmu);
	if (err)
		return s2_error_prefix(err, "kvm 0x%" PRIx64 ": ", addr);
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
	vm->nr_memslots = count_memslots(k, l, addr);
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
	return read_mmu(k, l, addr, vm->mmu.vtcr, false, mmu);
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
