/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM model is public: include/s2dump/kvm.h. This header adds what only
 * the core's analyses use.
 */
#ifndef S2DUMP_SRC_KVM_H
#define S2DUMP_SRC_KVM_H

#include "s2dump/kvm.h"

/*
 * Where KVM keeps one of a vCPU's guest-hypervisor EL2 registers (nested
 * virtualization, ___ctxt_sys_reg()): a slot of the VNCR page or of
 * vcpu->arch.ctxt.sys_regs[], from enum vcpu_sysreg in DWARF (src/kvm/el2.c).
 */
enum s2_kvm_sysreg_where { S2_KVM_SYSREG_UNKNOWN, S2_KVM_SYSREG_VNCR, S2_KVM_SYSREG_SYS_REGS };

struct s2_kvm_sysreg_loc {
	enum s2_kvm_sysreg_where where;
	uint64_t offset;       /* into the VNCR page, or into struct kvm_vcpu */
	char why[768];         /* S2_KVM_SYSREG_UNKNOWN: what is missing (an error message fits) */
};

/* The places of VTTBR_EL2, VTCR_EL2 and HCR_EL2, located at the first read (DWARF lookups). */
struct s2_kvm_el2_regs {
	bool located, has_vncr;
	uint64_t vncr_offset;  /* kvm_vcpu.arch.ctxt.vncr_array */
	struct s2_kvm_sysreg_loc vttbr, vtcr, hcr;
};

/* A vCPU's guest-hypervisor registers KVM's lookup_s2_mmu() matches a shadow MMU with. */
struct s2_kvm_vcpu_el2 {
	uint64_t vncr;         /* the vCPU's VNCR page; 0: none (the registers below are not read) */
	uint64_t vttbr, vtcr, hcr;
	const char *hcr_unknown; /* not NULL: HCR_EL2 could not be located, why (borrowed from regs) */
};

/* regs zeroed by the caller before the first call. */
struct s2_error *s2_kvm_read_vcpu_el2(struct s2_kernel *kernel, struct s2_kvm_el2_regs *regs,
				      const struct s2_kvm_vcpu *vcpu, struct s2_kvm_vcpu_el2 *out);

/* A nested MMU with the VM it belongs to. */
struct s2_kvm_nested_target {
	struct s2_kvm_vm vm;
	uint64_t index;
	struct s2_kvm_mmu mmu;
};

/* Is arg spelled like a debugfs name (0x<vttbr>-0x<vtcr>-s2-... up to 7.2, nested_mmu<N> from 7.3)? */
bool s2_kvm_arg_is_nested_name(const char *arg);
/* Is arg a VM, a VMM pid or a nested MMU name by the grammar alone (the error says why not)? */
struct s2_error *s2_kvm_arg_check(const char *arg);
/*
 * The nested MMU arg names (its address or debugfs name; *is_mmu true, t set), or else nothing
 * (*is_mmu false: no word, a pid, or an address of no nested MMU: s2_kvm_for_each_named_vm says
 * which VMs it names).
 */
struct s2_error *s2_kvm_find_nested_mmu_or_vm(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					      const char *arg, struct s2_kvm_nested_target *t, bool *is_mmu);
/* Find a nested MMU by its address or debugfs name (S2_ERROR_LOOKUP when none matches). */
struct s2_error *s2_kvm_find_nested_mmu(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					const char *arg, struct s2_kvm_nested_target *t);

#endif
