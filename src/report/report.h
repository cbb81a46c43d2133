/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reports over the KVM model and the walker (called from src/cmd/command.c):
 *   - the pre-fault report (s2dump -p): per memslot, the canonical stage 2's
 *     coverage by level, kind, permissions and AF (one walk per slot), the
 *     valid leaves outside every memslot, each vCPU's last fault decoded;
 *   - JSON (-j) of the default dump, -v, -t and -p, schema "s2dump/1"
 *     (docs/json.md), streamed;
 *   - pKVM VMs: their pkvm_mappings instead of the (garbage) pgd.
 */
#ifndef S2DUMP_REPORT_H
#define S2DUMP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvm/kvm.h"
#include "s2dump/nested.h"

#define S2_JSON_SCHEMA "s2dump/1"

struct s2_report_opts {
	bool json, prefault, verbose, translate;
	uint64_t ipa;
	const char *vm; /* kvm address or pid; NULL: every VM on vm_list */
};

/* s2dump with -p and/or -j. *status: S2_STATUS_OK or S2_STATUS_FINDINGS (unreadable tables). */
struct s2_error *s2_report_run(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
			       const struct s2_report_opts *opts, FILE *out, int *status);
/* nesteds2 list -j */
struct s2_error *s2_report_nested_list_json(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					    const char *vm, FILE *out);
/*
 * nesteds2 dump -j: the nested MMU and every valid leaf of its shadow table (s2dump -j's
 * entries). *status: S2_STATUS_FINDINGS for unreadable tables.
 */
struct s2_error *s2_report_nested_dump_json(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					    const struct s2_kvm_nested_target *target, FILE *out, int *status);
/*
 * The VM's header line in text ("kvm 0x...  pid N  vcpus N  memslots N"), with_mmu: and its MMU's
 * two lines (s2dump's default dump); the JSON form is the VM object's first members (docs/json.md).
 */
void s2_report_vm_text_header(FILE *out, const struct s2_kvm_vm *vm, bool with_mmu);
/*
 * nesteds2 guest -j: the nested MMU, the guest hypervisor's stage-2 configuration g (NULL for an
 * unused shadow MMU) and its walk's facts (leaves, unreadable tables). *status: S2_STATUS_FINDINGS
 * for unreadable guest tables.
 */
struct s2_error *s2_report_nested_guest_json(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					     const struct s2_kvm_nested_target *target, const struct s2_nested_guest *g,
					     struct s2_nested_l1mem *l1mem, FILE *out, int *status);
/*
 * nesteds2 check -j, streamed as src/cmd/nested.c finds things: begin (NULL: no memory), the
 * shadow walk's visitor, a vCPU on a shadow MMU made for another context (or not compared), a
 * note ("unused_mmu" with "mmu" and index, "vcpus_not_examined" with "kvm" and the error), end
 * with the counts (left out after an error), the error and the status; end frees c.
 */
struct s2_report_check;
struct s2_report_check_vcpu {
	uint64_t mmu, index;
	const char *name;            /* the shadow MMU's debugfs name */
	uint64_t vcpu_index;
	int vcpu_id;
	uint64_t vttbr, vtcr;
	int hcr_vm;
	const char *hcr_unknown;     /* not NULL: HCR_EL2 unknown, why (not compared) */
};
struct s2_report_check_summary {
	unsigned long shadow_mmus, leaves, violations, not_checkable, problems;
	unsigned long stale_vcpus, unknown_vcpus, hcr_unknown_vcpus;
};
struct s2_report_check *s2_report_check_begin(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					      FILE *out);
const struct s2_nested_check_visitor *s2_report_check_shadow(struct s2_report_check *c);
void s2_report_check_vcpu(struct s2_report_check *c, const struct s2_report_check_vcpu *vcpu);
void s2_report_check_note(struct s2_report_check *c, const char *type, const char *addr_key, uint64_t addr,
			  int index, const char *error);
void s2_report_check_end(struct s2_report_check *c, const struct s2_report_check_summary *summary,
			 const struct s2_error *err, int status);
/* Text for a pKVM VM (after the header): what it is and its pkvm_mappings. */
struct s2_error *s2_report_pkvm_text(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
				     const struct s2_kvm_vm *vm, FILE *out);
/* -t on a pKVM VM: the pkvm_mapping holding the IPA's gfn (PA, its size as a level), or "not mapped". */
struct s2_error *s2_report_pkvm_translate(struct s2_kernel *kernel, const struct s2_kvm_layout *layout,
					  const struct s2_kvm_vm *vm, uint64_t ipa, FILE *out);
/* The ptdump unit rule without padding: 4K 2044K 2M 1G (bytes >> 10, then /1024 while exact). */
void s2_report_format_size(char *buf, size_t len, uint64_t bytes);
#endif
