/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A mock struct s2_target: an in-memory "kernel" for unit tests of
 * src/kernel and src/kvm without a dump. Physical memory is one buffer
 * (RAM at MOCK_RAM_PA), symbols and VMCOREINFO are small tables, and member
 * offsets come from the C structs below through offsetof(): the layout is
 * whatever these structs say, so every expected value in the tests is
 * derived by hand from the addresses the test itself placed.
 *
 * The struct shapes follow the real kernels' member names (6.12/7.2), not
 * their offsets.
 */
#ifndef S2DUMP_TESTS_KVM_MOCK_H
#define S2DUMP_TESTS_KVM_MOCK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2dump/error.h"
#include "s2dump/target.h"

#define MOCK_RAM_PA 0x40000000ULL
#define MOCK_RAM_SIZE 0x200000ULL           /* 2 MiB */
#define MOCK_LINEAR 0xffff000000000000ULL   /* __va(MOCK_RAM_PA) with VA_BITS 48, PHYS_OFFSET = RAM base */
#define MOCK_KIMAGE_VA 0xffff800080000000ULL
#define MOCK_KIMAGE_PA 0x40100000ULL
#define MOCK_KIMAGE_VOFFSET (MOCK_KIMAGE_VA - MOCK_KIMAGE_PA)

/* The mock kernel's structs (names as in the kernel). */
struct m_list { uint64_t next, prev; };
struct m_rb_node { uint64_t parent_color, rb_right, rb_left; };
struct m_pgt {
	union {
		struct { uint64_t rb_node, rb_leftmost; } pkvm_mappings;
		struct { uint32_t ia_bits; int8_t start_level; uint8_t pad[3]; uint64_t pgd; uint64_t mm_ops; };
	};
	uint64_t mmu;
};
struct m_s2_mmu {
	struct { uint64_t id; } vmid;
	uint64_t pgd_phys, pgt, vtcr, arch, tlb_vttbr, tlb_vtcr;
	uint8_t nested_stage2_enabled, pending_unmap, pad[2];
	int32_t refcnt;
};
struct m_kvm_arch {
	struct m_s2_mmu mmu;
	uint64_t nested_mmus, nested_mmus_size;
	struct { uint16_t handle; uint8_t is_protected; } pkvm;
};
struct m_memslots { uint64_t generation; struct { uint64_t rb_node; } gfn_tree; int32_t node_idx; };
struct m_memslot {
	struct m_rb_node gfn_node[2];
	uint64_t base_gfn, npages, dirty_bitmap, userspace_addr;
	uint32_t flags;
	int16_t id;
	uint16_t as_id;
};
struct m_kvm {
	uint64_t memslots[1];
	struct { uint32_t xa_lock, xa_flags; uint64_t xa_head; } vcpu_array;
	int32_t online_vcpus, pad0;
	struct m_list vm_list;
	int32_t userspace_pid, pad1;
	struct m_kvm_arch arch;
};
struct m_vcpu {
	uint64_t kvm;
	int32_t vcpu_id, vcpu_idx;
	struct {
		uint64_t hw_mmu;
		struct { uint64_t esr_el2, far_el2, hpfar_el2, disr_el1; } fault;
	} arch;
};
struct m_pkvm_mapping { struct m_rb_node node; uint64_t gfn, pfn, nr_pages, subtree_last; };
/* struct xa_node as the kernel has it (not described to the model: it uses its built-in offsets) */
struct m_xa_node {
	uint8_t shift, offset, count, nr_values, pad[4];
	uint64_t parent, array, private_list[2];
	uint64_t slots[64];
};
_Static_assert(offsetof(struct m_xa_node, slots) == 40, "xa_node.slots at 40 as in the kernel");

#define MOCK_MAX_MEMBERS 96

struct mock_member {
	const char *type, *path;
	struct s2_member_info info;
};

struct mock {
	uint8_t *ram;
	struct mock_member members[MOCK_MAX_MEMBERS];
	int nmembers;
	struct { const char *name; uint64_t addr, size; } syms[16];
	int nsyms;
	struct { const char *name; unsigned int params; } funcs[4]; /* functions "in DWARF" */
	int nfuncs;
	struct { const char *key; char val[64]; } vmcoreinfo[12];
	int nvmcoreinfo;
	struct { const char *name; int64_t value; } enums[8]; /* enumerators "in DWARF" */
	int nenums;
	uint64_t hole_pa;          /* a page that is "not in the dump" (0: none) */
	struct s2_target target;
};

static inline struct s2_error *mock_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct mock *m = ctx;

	if (pa < MOCK_RAM_PA || pa + len > MOCK_RAM_PA + MOCK_RAM_SIZE || pa + len < pa)
		return s2_error_fault(pa, true, "mock: PA 0x%" PRIx64 " not in RAM", pa);
	if (m->hole_pa && pa < m->hole_pa + 0x1000 && pa + len > m->hole_pa)
		return s2_error_fault(pa, true, "mock: PA 0x%" PRIx64 " in the hole", pa);
	memcpy(buf, m->ram + (pa - MOCK_RAM_PA), len);
	return NULL;
}

static inline struct s2_error *mock_symbol(void *ctx, const char *name, uint64_t *addr)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nsyms; i++)
		if (!strcmp(m->syms[i].name, name)) {
			*addr = m->syms[i].addr;
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no symbol %s", name);
}

static inline struct s2_error *mock_member_info(void *ctx, const char *type, const char *path,
						struct s2_member_info *out)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nmembers; i++)
		if (!strcmp(m->members[i].type, type) && !strcmp(m->members[i].path, path)) {
			*out = m->members[i].info;
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no member %s.%s", type, path);
}

static inline struct s2_error *mock_type_size(void *ctx, const char *type, uint64_t *size)
{
	if (!strcmp(type, "kvm_s2_mmu"))
		*size = sizeof(struct m_s2_mmu);
	else if (!strcmp(type, "rb_node"))
		*size = sizeof(struct m_rb_node);
	else
		return s2_error_create(S2_ERROR_LOOKUP, "mock: no type %s", type);
	return NULL;
}

static inline struct s2_error *mock_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nvmcoreinfo; i++)
		if (!strcmp(m->vmcoreinfo[i].key, key)) {
			snprintf(buf, len, "%s", m->vmcoreinfo[i].val);
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no VMCOREINFO %s", key);
}

static inline struct s2_error *mock_enumerator(void *ctx, const char *name, int64_t *value)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nenums; i++)
		if (!strcmp(m->enums[i].name, name)) {
			*value = m->enums[i].value;
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no enumerator %s", name);
}

static inline void mock_enum_set(struct mock *m, const char *name, int64_t value)
{
	int i;

	for (i = 0; i < m->nenums; i++)
		if (!strcmp(m->enums[i].name, name))
			break;
	if (i == m->nenums)
		m->nenums++;
	m->enums[i].name = name;
	m->enums[i].value = value;
}

static inline struct s2_error *mock_symbol_size(void *ctx, const char *name, uint64_t *size)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nsyms; i++)
		if (!strcmp(m->syms[i].name, name) && m->syms[i].size) {
			*size = m->syms[i].size;
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no size of %s", name);
}

static inline struct s2_error *mock_param_count(void *ctx, const char *name, unsigned int *count)
{
	struct mock *m = ctx;

	for (int i = 0; i < m->nfuncs; i++)
		if (!strcmp(m->funcs[i].name, name)) {
			*count = m->funcs[i].params;
			return NULL;
		}
	return s2_error_create(S2_ERROR_LOOKUP, "mock: no function %s", name);
}

static const struct s2_target_ops mock_ops = {
	.read_phys = mock_read_phys,
	.symbol_address = mock_symbol,
	.enumerator_value = mock_enumerator,
	.function_param_count = mock_param_count,
	.symbol_size = mock_symbol_size,
	.member_info = mock_member_info,
	.type_size = mock_type_size,
	.vmcoreinfo = mock_vmcoreinfo,
};

static inline void mock_set_vmcoreinfo(struct mock *m, const char *key, const char *fmt, uint64_t v)
{
	int i;

	for (i = 0; i < m->nvmcoreinfo; i++)
		if (!strcmp(m->vmcoreinfo[i].key, key))
			break;
	if (i == m->nvmcoreinfo)
		m->nvmcoreinfo++;
	m->vmcoreinfo[i].key = key;
	snprintf(m->vmcoreinfo[i].val, sizeof(m->vmcoreinfo[i].val), fmt, v);
}

static inline void mock_set_vmcoreinfo_str(struct mock *m, const char *key, const char *val)
{
	int i;

	for (i = 0; i < m->nvmcoreinfo; i++)
		if (!strcmp(m->vmcoreinfo[i].key, key))
			break;
	if (i == m->nvmcoreinfo)
		m->nvmcoreinfo++;
	m->vmcoreinfo[i].key = key;
	snprintf(m->vmcoreinfo[i].val, sizeof(m->vmcoreinfo[i].val), "%s", val);
}

static inline void mock_symbol_add(struct mock *m, const char *name, uint64_t addr)
{
	m->syms[m->nsyms].name = name;
	m->syms[m->nsyms].addr = addr;
	m->syms[m->nsyms].size = 0;
	m->nsyms++;
}

/* a function symbol with its st_size */
static inline void mock_function_add(struct mock *m, const char *name, uint64_t addr, uint64_t size)
{
	mock_symbol_add(m, name, addr);
	m->syms[m->nsyms - 1].size = size;
}


static inline void mock_member_set(struct mock *m, const char *type, const char *path, uint64_t offset,
				   uint64_t size, enum s2_type_kind kind, bool is_signed)
{
	int i;

	for (i = 0; i < m->nmembers; i++)
		if (!strcmp(m->members[i].type, type) && !strcmp(m->members[i].path, path))
			break;
	if (i == m->nmembers) {
		if (m->nmembers == MOCK_MAX_MEMBERS)
			abort();
		m->nmembers++;
	}
	m->members[i] = (struct mock_member){ type, path, { .offset = offset, .size = size, .kind = kind,
							     .is_signed = is_signed } };
}

static inline void mock_member_remove(struct mock *m, const char *type, const char *path)
{
	for (int i = 0; i < m->nmembers; i++)
		if (!strcmp(m->members[i].type, type) && !strcmp(m->members[i].path, path)) {
			m->members[i] = m->members[--m->nmembers];
			return;
		}
}

#define MSIZE(T, f) sizeof(((T *)0)->f)
#define MEM(m, tname, T, f, kind, sgn) mock_member_set(m, tname, #f, offsetof(T, f), MSIZE(T, f), kind, sgn)

static inline void mock_layout(struct mock *m)
{
	const enum s2_type_kind I = S2_TYPE_INT, P = S2_TYPE_POINTER, S = S2_TYPE_STRUCT;

	MEM(m, "kvm", struct m_kvm, vm_list, S, false);
	MEM(m, "kvm", struct m_kvm, arch, S, false);
	MEM(m, "kvm", struct m_kvm, arch.mmu, S, false);
	MEM(m, "kvm", struct m_kvm, userspace_pid, I, true);
	MEM(m, "kvm", struct m_kvm, online_vcpus, S, false);
	MEM(m, "kvm", struct m_kvm, memslots, S2_TYPE_ARRAY, false);
	MEM(m, "kvm", struct m_kvm, arch.nested_mmus, P, false);
	MEM(m, "kvm", struct m_kvm, arch.nested_mmus_size, I, false);
	MEM(m, "kvm", struct m_kvm, arch.pkvm.is_protected, I, false);
	MEM(m, "kvm", struct m_kvm, vcpu_array.xa_head, P, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, pgt, P, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, pgd_phys, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, vmid, S, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, vtcr, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, arch, P, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, tlb_vttbr, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, tlb_vtcr, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, nested_stage2_enabled, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, pending_unmap, I, false);
	MEM(m, "kvm_s2_mmu", struct m_s2_mmu, refcnt, S, false);
	MEM(m, "kvm_pgtable", struct m_pgt, ia_bits, I, false);
	MEM(m, "kvm_pgtable", struct m_pgt, start_level, I, true);
	MEM(m, "kvm_pgtable", struct m_pgt, pgd, P, false);
	MEM(m, "kvm_pgtable", struct m_pgt, mm_ops, P, false);
	MEM(m, "kvm_pgtable", struct m_pgt, mmu, P, false);
	MEM(m, "kvm_pgtable", struct m_pgt, pkvm_mappings, S, false);
	MEM(m, "kvm_memslots", struct m_memslots, gfn_tree, S, false);
	MEM(m, "kvm_memslots", struct m_memslots, node_idx, I, true);
	MEM(m, "kvm_memory_slot", struct m_memslot, gfn_node, S2_TYPE_ARRAY, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, base_gfn, I, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, npages, I, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, dirty_bitmap, P, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, userspace_addr, I, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, flags, I, false);
	MEM(m, "kvm_memory_slot", struct m_memslot, id, I, true);
	MEM(m, "kvm_memory_slot", struct m_memslot, as_id, I, false);
	MEM(m, "rb_node", struct m_rb_node, rb_left, P, false);
	MEM(m, "rb_node", struct m_rb_node, rb_right, P, false);
	MEM(m, "kvm_vcpu", struct m_vcpu, kvm, P, false);
	MEM(m, "kvm_vcpu", struct m_vcpu, vcpu_id, I, true);
	MEM(m, "kvm_vcpu", struct m_vcpu, vcpu_idx, I, true);
	MEM(m, "kvm_vcpu", struct m_vcpu, arch.fault.esr_el2, I, false);
	MEM(m, "kvm_vcpu", struct m_vcpu, arch.fault.far_el2, I, false);
	MEM(m, "kvm_vcpu", struct m_vcpu, arch.fault.hpfar_el2, I, false);
	MEM(m, "kvm_vcpu", struct m_vcpu, arch.hw_mmu, P, false);
	MEM(m, "pkvm_mapping", struct m_pkvm_mapping, node, S, false);
	MEM(m, "pkvm_mapping", struct m_pkvm_mapping, gfn, I, false);
	MEM(m, "pkvm_mapping", struct m_pkvm_mapping, pfn, I, false);
	MEM(m, "pkvm_mapping", struct m_pkvm_mapping, nr_pages, I, false);
}

/* Memory helpers */
static inline void *mock_pa(struct mock *m, uint64_t pa)
{
	if (pa < MOCK_RAM_PA || pa >= MOCK_RAM_PA + MOCK_RAM_SIZE)
		abort();
	return m->ram + (pa - MOCK_RAM_PA);
}

static inline void mock_put64(struct mock *m, uint64_t pa, uint64_t v)
{
	memcpy(mock_pa(m, pa), &v, 8);
}

static inline uint64_t mock_lin(uint64_t pa)
{
	return MOCK_LINEAR + (pa - MOCK_RAM_PA);
}

/*
 * Stage 1 (swapper_pg_dir, 4K, 48-bit VA, 4 levels) mapping the kimage's
 * first 16 pages and two vmalloc pages; all tables inside the kimage:
 *   L0 0x40100000 (= swapper_pg_dir, kimage page 0)  [0x100] -> L1 0x40102000
 *   L1 [0] -> L2 0x40103000 [0] -> L3 0x40104000: vmalloc 0xffff800000010000 -> PA 0x40050000,
 *                                                 0xffff800000011000 -> PA 0x40040000 (reverse order)
 *   L1 [2] -> L2 0x40105000 [0] -> L3 0x40106000: kimage VA + i*4K -> 0x40100000 + i*4K, i < 16
 */
#define MOCK_VMALLOC_VA 0xffff800000010000ULL

static inline void mock_stage1(struct mock *m)
{
	mock_put64(m, 0x40100000 + 0x100 * 8, 0x40102000 | 3);
	mock_put64(m, 0x40102000 + 0 * 8, 0x40103000 | 3);
	mock_put64(m, 0x40103000 + 0 * 8, 0x40104000 | 3);
	mock_put64(m, 0x40104000 + 0x10 * 8, 0x40050000 | 0x403);
	mock_put64(m, 0x40104000 + 0x11 * 8, 0x40040000 | 0x403);
	mock_put64(m, 0x40102000 + 2 * 8, 0x40105000 | 3);
	mock_put64(m, 0x40105000 + 0 * 8, 0x40106000 | 3);
	for (uint64_t i = 0; i < 16; i++)
		mock_put64(m, 0x40106000 + i * 8, (MOCK_KIMAGE_PA + i * 0x1000) | 0x403);
}

static inline void mock_init(struct mock *m)
{
	memset(m, 0, sizeof(*m));
	m->ram = calloc(1, MOCK_RAM_SIZE);
	if (!m->ram)
		abort();
	m->target = (struct s2_target){ .ops = &mock_ops, .ctx = m, .backend = "mock" };
	mock_set_vmcoreinfo_str(m, "OSRELEASE", "6.12.0-mock");
	mock_set_vmcoreinfo(m, "PAGESIZE", "%" PRIu64, 4096);
	mock_set_vmcoreinfo(m, "NUMBER(VA_BITS)", "%" PRIu64, 48);
	mock_set_vmcoreinfo(m, "NUMBER(TCR_EL1_T1SZ)", "0x%" PRIx64, 16);
	mock_set_vmcoreinfo(m, "NUMBER(PHYS_OFFSET)", "0x%" PRIx64, MOCK_RAM_PA);
	mock_set_vmcoreinfo(m, "NUMBER(kimage_voffset)", "0x%" PRIx64, MOCK_KIMAGE_VOFFSET);
	mock_set_vmcoreinfo(m, "KERNELOFFSET", "%" PRIx64, 0);
	mock_set_vmcoreinfo(m, "SYMBOL(swapper_pg_dir)", "%" PRIx64, MOCK_KIMAGE_VA);
	mock_layout(m);
	mock_stage1(m);
}

static inline void mock_fini(struct mock *m)
{
	free(m->ram);
	m->ram = NULL;
}

#endif
