/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM model: struct kvm, its stage-2 MMUs, memslots and vCPUs, read
 * through the kernel layer with layouts resolved from DWARF once per
 * session. Fallbacks for members that moved across kernels say which
 * kernel range they serve.
 */
#ifndef S2DUMP_KVM_H
#define S2DUMP_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "s2dump/error.h"
#include "s2dump/kernel.h"
#include "s2dump/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

struct s2_kvm_layout;

/* Resolve every offset the model needs; an unknown layout is an error naming the member. */
struct s2_error *s2_kvm_layout_resolve(struct s2_kernel *kernel, struct s2_kvm_layout **out);
void s2_kvm_layout_free(struct s2_kvm_layout *layout);

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
	int pid;                  /* kvm->userspace_pid */
	unsigned int online_vcpus;
	unsigned int nr_memslots;
	uint64_t nested_mmus;     /* kvm->arch.nested_mmus (array of structs, or of pointers from 7.2) */
	uint64_t nested_mmus_size;
	bool nested_is_ptr_array;
	struct s2_kvm_mmu mmu;    /* kvm->arch.mmu */
};

/* Call fn for every struct kvm on vm_list; stops at the first error fn returns. */
typedef struct s2_error *(*s2_kvm_vm_fn)(void *arg, const struct s2_kvm_vm *vm);
struct s2_error *s2_kvm_for_each_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
				    s2_kvm_vm_fn fn, void *arg);
/* Read and validate one struct kvm (its arch.mmu back-pointer and pgt must agree). */
struct s2_error *s2_kvm_read_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, uint64_t addr,
				struct s2_kvm_vm *vm);
/* The VM whose VMM has this pid (kvm->userspace_pid). */
struct s2_error *s2_kvm_find_pid(struct s2_kernel *kernel, const struct s2_kvm_layout *layout, int pid,
				 struct s2_kvm_vm *vm);
/* Nested MMU idx of a VM (0 .. nested_mmus_size - 1). */
struct s2_error *s2_kvm_read_nested_mmu(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					const struct s2_kvm_vm *vm, uint64_t idx, struct s2_kvm_mmu *mmu);
/* Memory access for the walker: physical reads of the host. */
struct s2_mem s2_kvm_host_mem(struct s2_kernel *kernel);

#ifdef __cplusplus
}
#endif

#endif
