/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM model: struct kvm, its stage-2 MMUs, memslots and vCPUs, read
 * through the kernel layer with layouts resolved from DWARF once per
 * session. Fallbacks for members that moved across kernels say which
 * kernel range they serve (src/kvm/kvm.c).
 *
 * Iteration is by callback, like the walker: the model streams memslots,
 * vCPUs, pKVM mappings and VMs to a visitor and keeps no arrays of them;
 * a visitor returns NULL to go on, &s2_error_stop to end cleanly (the
 * iterator then returns it for the caller to recognise) or an error.
 * Every walk over kernel data is bounded and cycle-safe: a corrupt dump
 * gives an S2_ERROR_CORRUPT naming the object, never a hang.
 */
#ifndef S2DUMP_KVM_H
#define S2DUMP_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "s2dump/error.h"
#include "s2dump/kernel.h"
#include "s2dump/walk.h"
#include "s2dump/ptdump.h"

#ifdef __cplusplus
extern "C" {
#endif

struct s2_kvm_layout;

/* Resolve every offset the model needs; an unknown layout is an error naming the member. */
struct s2_error *s2_kvm_layout_resolve(struct s2_kernel *kernel, struct s2_kvm_layout **out);
void s2_kvm_layout_free(struct s2_kvm_layout *layout);
/*
 * The debugfs rules of the dump's kernel (src/kvm/rules.c): from the vmlinux
 * (DWARF, the code of kvm_ptdump_guest_show) where it tells, else the release.
 */
struct s2_error *s2_kvm_ptdump_rules(struct s2_kernel *kernel, struct s2_ptdump_rules *rules);
/* The rules decided when the layout was resolved. */
const struct s2_ptdump_rules *s2_kvm_layout_rules(const struct s2_kvm_layout *layout);

struct s2_kvm_mmu {
	uint64_t addr;            /* struct kvm_s2_mmu */
	uint64_t pgt;             /* struct kvm_pgtable * */
	uint64_t pgd;             /* pgt->pgd: linear-map VA of the start-level table(s) */
	uint64_t pgd_phys;        /* mmu->pgd_phys */
	uint64_t vmid;            /* mmu->vmid.id */
	uint64_t vtcr;            /* mmu->vtcr (>= 6.7) or kvm->arch.vtcr (<= 6.6) */
	unsigned int ia_bits;     /* pgt->ia_bits */
	int start_level;          /* pgt->start_level */
	bool has_nested_fields;   /* >= 6.11: the fields below are meaningful */
	uint64_t tlb_vttbr, tlb_vtcr;
	bool nested_stage2_enabled, pending_unmap;
	int refcnt;
	bool valid;               /* canonical MMU, or a nested one with tlb_vttbr.CnP clear */
	struct s2_geometry geo;   /* for the walker */
};

struct s2_kvm_vm {
	uint64_t addr;            /* struct kvm */
	uint64_t memslots;        /* kvm->memslots[0] (struct kvm_memslots *), 0 if not known */
	int pid;                  /* kvm->userspace_pid */
	uint64_t mm;              /* kvm->mm (the VMM's struct mm_struct), 0 if not known */
	uint64_t mm_pgd;          /* kvm->mm->pgd: the VMM's stage-1 root (kernel VA), 0 if not known */
	unsigned int online_vcpus;
	unsigned int nr_memslots;
	uint64_t nested_mmus;     /* kvm->arch.nested_mmus (array of structs, or of pointers from 7.2) */
	uint64_t nested_mmus_size;
	bool nested_is_ptr_array;
	struct s2_kvm_mmu mmu;    /* kvm->arch.mmu */
	/*
	 * pKVM (6.14+). In protected mode the host-side kvm_pgtable holds only
	 * the pkvm_mappings rb-tree (the union's other half, ia_bits/pgd, is
	 * garbage): the real stage 2 lives in EL2-private memory. mmu.geo and
	 * mmu.pgd are then not set and must not be walked.
	 */
	bool pkvm;                /* host-side table is pkvm_mappings (protected mode) */
	bool pkvm_protected;      /* kvm->arch.pkvm.is_protected (6.14+) / .enabled (6.12) */
	const char *pkvm_why;     /* how protected mode was detected */
};

/*
 * The PA of an MMU's start-level table(s), where the walker begins; an MMU
 * without a page table (pgt or pgd NULL: unused shadow MMU, VM being torn
 * down) is S2_ERROR_INVALID_ARGUMENT "kvm_s2_mmu 0x... has no page table".
 */
struct s2_error *s2_kvm_mmu_root(struct s2_kernel *kernel, const struct s2_kvm_mmu *mmu, uint64_t *root);
/* The same for a VM's canonical stage 2; a pKVM VM's is refused (S2_ERROR_UNSUPPORTED, its pgd is garbage). */
struct s2_error *s2_kvm_vm_root(struct s2_kernel *kernel, const struct s2_kvm_vm *vm, uint64_t *root);
/* VTTBR_EL2 as KVM programs it for the MMU (kvm_get_vttbr()): BADDR = pgd_phys, VMID in [63:48]. */
uint64_t s2_kvm_mmu_vttbr(const struct s2_kvm_mmu *mmu);

/*
 * The MMU at addr (a VM's arch.mmu or one of its arch.nested_mmus, of any VM
 * on vm_list) and the PA of its start-level table(s), or why not: not an MMU
 * (S2_ERROR_LOOKUP), no page table, a pKVM VM's canonical MMU (as
 * s2_kvm_vm_root), an unreadable nested_mmus entry.
 */
struct s2_error *s2_kvm_find_mmu(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, uint64_t addr,
				 struct s2_kvm_mmu *mmu, uint64_t *root);

/*
 * How much of [lo, hi) (hi clipped to the IPA space) an MMU's stage 2 maps
 * (src/kvm/coverage.c): the valid leaves whose first IPA lies in the range,
 * each with all its bytes (the rule of s2dump -p: ranges that tile the IPA
 * space count each leaf once), summed by level, kind (0 block, 1 page),
 * permissions (4 read, 2 write, 1 executable: S2AP and XN 0) and access flag.
 * note (may be NULL) gets the walk's problems (every one, as the walker
 * reports them clipped to the range) and the reserved-encoding leaves of the
 * range; its error stops the walk.
 */
#define S2_KVM_COVERAGE_LEVELS (S2_LEVEL_MAX - S2_LEVEL_MIN + 1)
struct s2_kvm_coverage {
	uint64_t mapped;          /* bytes of the leaves counted */
	struct {
		uint32_t count;
		uint64_t bytes;
	} g[S2_KVM_COVERAGE_LEVELS][2][8][2]; /* [level - S2_LEVEL_MIN][page][perm][af] */
};
typedef struct s2_error *(*s2_kvm_coverage_note_fn)(void *arg, const struct s2_walk_entry *e);
struct s2_error *s2_kvm_coverage(struct s2_kernel *kernel, const struct s2_kvm_mmu *mmu, uint64_t root,
				 uint64_t lo, uint64_t hi, s2_kvm_coverage_note_fn note, void *arg,
				 struct s2_kvm_coverage *coverage);

/* Call fn for every struct kvm on vm_list; stops at the first error fn returns. */
typedef struct s2_error *(*s2_kvm_vm_fn)(void *arg, const struct s2_kvm_vm *vm);
struct s2_error *s2_kvm_for_each_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
				    s2_kvm_vm_fn fn, void *arg);
/*
 * One VM by a command-line word: struct kvm address or VMM pid (decimal is a
 * pid, hex an address: src/core/parse.h). A pid whose VMM runs several VMs is
 * refused with the candidates' addresses, one per line: for commands that
 * need one VM.
 */
struct s2_error *s2_kvm_find_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, const char *arg,
				struct s2_kvm_vm *vm);
/*
 * fn for each VM the word names: the one at an address, or every VM of a pid (*by_pid says
 * which); arg NULL: every VM on vm_list.
 */
struct s2_error *s2_kvm_for_each_named_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					  const char *arg, s2_kvm_vm_fn fn, void *fn_arg, bool *by_pid);
/* Read and validate one struct kvm (its arch.mmu back-pointer and pgt must agree). */
struct s2_error *s2_kvm_read_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, uint64_t addr,
				struct s2_kvm_vm *vm);
/* The VM whose VMM has this pid (kvm->userspace_pid). */
struct s2_error *s2_kvm_find_pid(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, int pid,
				 struct s2_kvm_vm *vm);
/* Nested MMU idx of a VM (0 .. nested_mmus_size - 1). */
struct s2_error *s2_kvm_read_nested_mmu(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					const struct s2_kvm_vm *vm, uint64_t idx, struct s2_kvm_mmu *mmu);
/*
 * Memslots of address space 0 (kvm->memslots[0]->gfn_tree, in-order through
 * gfn_node[node_idx]: ascending GFN). Bounded (32768 slots, depth 64) and
 * cycle-safe: the in-order GFNs must strictly ascend, so a node reached twice
 * is reported as corruption instead of looping. Streaming: fn per slot.
 */
struct s2_kvm_memslot {
	uint64_t addr;            /* struct kvm_memory_slot */
	int id;                   /* short id */
	unsigned int as_id;
	uint64_t base_gfn, npages;
	uint64_t userspace_addr;
	uint32_t flags;           /* KVM_MEM_LOG_DIRTY_PAGES 1, READONLY 2, GUEST_MEMFD 4 */
	uint64_t dirty_bitmap;
	uint64_t gpa, size;       /* base_gfn << PAGE_SHIFT, npages << PAGE_SHIFT */
};
typedef struct s2_error *(*s2_kvm_memslot_fn)(void *arg, const struct s2_kvm_memslot *slot);
struct s2_error *s2_kvm_for_each_memslot(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					 const struct s2_kvm_vm *vm, s2_kvm_memslot_fn fn, void *arg);

/*
 * vCPUs of a VM in vcpu_array index order (xarray, 5.17+; kvm->vcpus[] before).
 * The xarray walk is bounded by the tree height (shift must drop by
 * XA_CHUNK_SHIFT per level, so a node pointing back up is corruption) and
 * skips internal entries (retry, zero, sibling).
 */
struct s2_kvm_vcpu {
	uint64_t addr;            /* struct kvm_vcpu */
	uint64_t index;           /* xarray index (== vcpu_idx in a sane kernel) */
	int vcpu_id, vcpu_idx;
	uint64_t esr_el2, far_el2, hpfar_el2; /* vcpu->arch.fault */
	uint64_t hw_mmu;          /* vcpu->arch.hw_mmu */
	/*
	 * Not NULL: the struct kvm_vcpu could not be read (a page makedumpfile
	 * dropped): only addr and index are set; the message says what failed.
	 * Borrowed for the call. The walk goes on with the next vCPU.
	 */
	const char *unreadable;
};
typedef struct s2_error *(*s2_kvm_vcpu_fn)(void *arg, const struct s2_kvm_vcpu *vcpu);
struct s2_error *s2_kvm_for_each_vcpu(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
				      const struct s2_kvm_vm *vm, s2_kvm_vcpu_fn fn, void *arg);

/* pKVM host-side mappings (struct pkvm_mapping in pgt->pkvm_mappings), in gfn order. */
struct s2_kvm_pkvm_mapping {
	uint64_t addr, gfn, pfn, nr_pages;
};
typedef struct s2_error *(*s2_kvm_pkvm_fn)(void *arg, const struct s2_kvm_pkvm_mapping *m);
struct s2_error *s2_kvm_for_each_pkvm_mapping(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					      const struct s2_kvm_vm *vm, s2_kvm_pkvm_fn fn, void *arg);

/* Memory access for the walker: physical reads of the host. */
struct s2_mem s2_kvm_host_mem(struct s2_kernel *kernel);

#ifdef __cplusplus
}
#endif

#endif
