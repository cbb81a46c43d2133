/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renderers: every output form in one place. The drivers (src/cmd) gather
 * facts from the KVM model and the analyses and hand each fact to a renderer;
 * a renderer turns facts into one form and writes it to the front end's FILE*:
 *   text.c  the header lines, -v leaves, -t lines, -p, nesteds2 list / dump
 *           header / guest / check / the nested -t lines (the kernel's debugfs
 *           text itself is src/ptdump's, which the drivers call);
 *   json.c  every -j form, schema "s2dump/1" (docs/json.md), streamed.
 * One struct of callbacks per form, one callback per kind of fact: a new
 * field of -v output or a new JSON member is a change to one renderer.
 * Renderers read nothing: every fact comes in as an argument.
 */
#ifndef S2DUMP_RENDER_H
#define S2DUMP_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvm/kvm.h"
#include "render/json_writer.h"
#include "report/report.h"
#include "s2dump/nested.h"

#define S2_JSON_SCHEMA "s2dump/1"

/* One non-empty group, in level, kind, permission, AF order (s2_render_coverage_next). */
struct s2_coverage_group {
	int level;
	bool page;
	const char *perm;                /* "rwx" */
	int af;
	uint32_t count;
	uint64_t bytes;
};
/* The next non-empty group of c from *pos (0 to start); false after the last. */
bool s2_render_coverage_next(const struct s2_kvm_coverage *c, unsigned int *pos, struct s2_coverage_group *g);

/* Which stage 2 a vCPU last ran on (vcpu->arch.hw_mmu). */
enum s2_render_hw_mmu { S2_RENDER_HW_MMU_NONE, S2_RENDER_HW_MMU_CANONICAL, S2_RENDER_HW_MMU_NESTED,
			S2_RENDER_HW_MMU_UNKNOWN };
struct s2_render_vcpu {
	const struct s2_kvm_vcpu *vcpu;
	struct s2_esr_info esr;          /* vcpu->arch.fault decoded (readable vCPUs) */
	enum s2_render_hw_mmu hw_mmu_is;
	uint64_t hw_mmu_nested_index;    /* S2_RENDER_HW_MMU_NESTED */
};

/* -t on a pKVM VM: the pkvm_mapping holding the IPA's gfn, if any. */
struct s2_render_pkvm_translation {
	const struct s2_kvm_vm *vm;
	uint64_t ipa, gfn;
	bool found;
	struct s2_kvm_pkvm_mapping m;
	uint64_t pa, bytes;              /* found: the PA and the mapping's size */
	int level;                       /* found: the level whose entries map bytes */
};

/* nesteds2 check: a vCPU on a shadow MMU made for another context (or not compared). */
struct s2_render_check_vcpu {
	uint64_t mmu, index;
	const char *name;                /* the shadow MMU's debugfs name */
	uint64_t vcpu_index;
	int vcpu_id;
	uint64_t vttbr, vtcr;
	int hcr_vm;
	const char *hcr_unknown;         /* not NULL: HCR_EL2 unknown, why (not compared) */
};
struct s2_render_check_summary {
	unsigned long shadow_mmus, leaves, violations, not_checkable, problems;
	unsigned long stale_vcpus, unknown_vcpus, hcr_unknown_vcpus;
};

/* s2dump -t through a nested MMU: the guest stage's answer for one L2 IPA. */
struct s2_render_nested_translation {
	uint64_t l2;
	bool unused;                     /* an unused shadow MMU: no guest stage 2 cached */
	const struct s2_nested_guest *guest;
	const struct s2_nested_l1mem *l1mem; /* why a guest table could not be read */
	struct s2_translation t;
};

/* Where a memslot's L1 IPA leads (s2dump -t through a nested MMU, after the canonical line). */
struct s2_render_nested_memslot {
	uint64_t l1;
	const struct s2_nested_slot *slot; /* NULL: no memslot holds l1 */
};

/* The lists of a document; JSON names them (docs/json.md), text has no brackets. */
enum s2_render_list {
	S2_RENDER_VMS, S2_RENDER_ENTRIES, S2_RENDER_MEMSLOTS, S2_RENDER_GAP_PROBLEMS, S2_RENDER_SLOT_PROBLEMS,
	S2_RENDER_OUTSIDE_PROBLEMS, S2_RENDER_VCPUS, S2_RENDER_FINDINGS,
};

struct s2_render;

struct s2_render_ops {
	/* The document: command and mode name it; end closes it with the status and the error. */
	void (*begin)(struct s2_render *r, const char *command, const char *mode);
	void (*end)(struct s2_render *r, const struct s2_error *err, int status);
	void (*list_begin)(struct s2_render *r, enum s2_render_list list);
	void (*list_end)(struct s2_render *r);
	void (*no_vms)(struct s2_render *r);
	/* -v: which debugfs rules the text follows, and what said so */
	void (*rules)(struct s2_render *r, const char *why);
	/* a finding that did not stop the command (one VM's unreadable table); the status says it */
	void (*finding)(struct s2_render *r, const char *message);

	/* s2dump: one VM (first: no separator before it), its header (with_mmu: the MMU's lines) */
	void (*vm_begin)(struct s2_render *r, bool first);
	void (*vm_end)(struct s2_render *r);
	void (*vm_header)(struct s2_render *r, const struct s2_kvm_vm *vm, bool with_mmu);
	void (*vm_label)(struct s2_render *r, const struct s2_kvm_vm *vm);
	/* a valid leaf (-v, -j), an unreadable table met on that walk */
	void (*leaf)(struct s2_render *r, const struct s2_walk_entry *leaf);
	void (*leaf_problem)(struct s2_render *r, const struct s2_walk_entry *problem);
	void (*translation)(struct s2_render *r, uint64_t ipa, const struct s2_translation *t);
	/* pKVM: what the host keeps instead of a stage 2 */
	void (*pkvm_begin)(struct s2_render *r, const struct s2_kvm_vm *vm);
	void (*pkvm_mapping)(struct s2_render *r, const struct s2_kvm_pkvm_mapping *m);
	void (*pkvm_end)(struct s2_render *r, unsigned long mappings, uint64_t pages);
	void (*pkvm_translation)(struct s2_render *r, const struct s2_render_pkvm_translation *t);

	/*
	 * -p, per memslot: slot_begin; the gap before it (list GAP_PROBLEMS, gap_end closes it);
	 * slot; then slot_pkvm, or list SLOT_PROBLEMS and slot_coverage (either ends the slot).
	 * After the memslots: list OUTSIDE_PROBLEMS, outside (all mapped outside every memslot).
	 */
	void (*slot_begin)(struct s2_render *r);
	void (*gap_end)(struct s2_render *r, uint64_t mapped);
	void (*slot)(struct s2_render *r, const struct s2_kvm_memslot *slot);
	void (*slot_pkvm)(struct s2_render *r);
	void (*slot_coverage)(struct s2_render *r, const struct s2_kvm_vm *vm, const struct s2_kvm_memslot *slot,
			      const struct s2_kvm_coverage *c);
	void (*outside)(struct s2_render *r, uint64_t mapped);
	/* in_slot: inside a memslot (else in a gap or outside every memslot) */
	void (*coverage_problem)(struct s2_render *r, const struct s2_walk_entry *problem, bool in_slot);
	void (*coverage_reserved)(struct s2_render *r, const struct s2_walk_entry *leaf, bool in_slot);
	void (*vcpu)(struct s2_render *r, const struct s2_render_vcpu *vcpu);

	/* nesteds2 list: a VM, each of its nested MMUs (name: its debugfs name), the VM's end */
	void (*nested_vm_begin)(struct s2_render *r, const struct s2_kvm_vm *vm);
	void (*nested_mmu)(struct s2_render *r, uint64_t index, const struct s2_kvm_mmu *m, const char *name);
	void (*nested_vm_end)(struct s2_render *r);
	/* nesteds2 dump: the shadow MMU */
	void (*nested_dump_header)(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name);

	/* nesteds2 guest: the shadow MMU, the guest configuration (NULL: unused MMU), its walk */
	void (*guest_header)(struct s2_render *r, const struct s2_kvm_nested_target *t, const char *name);
	void (*guest_config)(struct s2_render *r, const struct s2_nested_guest *g);
	void (*guest_leaf)(struct s2_render *r, const struct s2_walk_entry *leaf);
	void (*guest_problem)(struct s2_render *r, const struct s2_nested_guest_problem *problem);

	/* nesteds2 check */
	void (*check_verdict)(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *leaf,
			      const struct s2_nested_verdict *verdict);
	void (*check_problem)(struct s2_render *r, uint64_t mmu_addr, int index, const struct s2_walk_entry *problem);
	void (*check_vcpu)(struct s2_render *r, const struct s2_render_check_vcpu *vcpu);
	void (*check_unused_mmu)(struct s2_render *r, uint64_t mmu, int index);
	void (*check_vcpus_not_examined)(struct s2_render *r, uint64_t kvm, const char *error);
	void (*check_summary)(struct s2_render *r, const struct s2_render_check_summary *summary);

	/* s2dump -t through a nested MMU: the guest stage, the memslot path, the shadow's answer */
	void (*nested_translation)(struct s2_render *r, const struct s2_render_nested_translation *t);
	void (*nested_memslot)(struct s2_render *r, const struct s2_render_nested_memslot *m);
	void (*shadow_begin)(struct s2_render *r, bool has_table);
};

/*
 * Every callback by name. A renderer names its functions after the callbacks and fills its
 * table with S2_RENDER_OPS(S2_RENDER_OP): a callback it lacks does not compile.
 */
#define S2_RENDER_OPS(X) \
	X(begin) X(end) X(list_begin) X(list_end) X(no_vms) X(rules) X(finding) X(vm_begin) X(vm_end) \
	X(vm_header) X(vm_label) X(leaf) X(leaf_problem) X(translation) X(pkvm_begin) X(pkvm_mapping) \
	X(pkvm_end) X(pkvm_translation) X(slot_begin) X(gap_end) X(slot) X(slot_pkvm) X(slot_coverage) \
	X(outside) X(coverage_problem) X(coverage_reserved) X(vcpu) X(nested_vm_begin) X(nested_mmu) \
	X(nested_vm_end) X(nested_dump_header) X(guest_header) X(guest_config) X(guest_leaf) \
	X(guest_problem) X(check_verdict) X(check_problem) X(check_vcpu) X(check_unused_mmu) \
	X(check_vcpus_not_examined) X(check_summary) X(nested_translation) X(nested_memslot) \
	X(shadow_begin)
#define S2_RENDER_OP(name) .name = name,

struct s2_render {
	const struct s2_render_ops *ops;
	FILE *out;
	const struct s2_kernel_info *kernel;
	bool verbose;                    /* text: nesteds2 guest -v adds each leaf's descriptor */
	const struct s2_geometry *guest_geo; /* nesteds2 guest: the guest's geometry (oa_bits) */
	struct s2_json j;                /* json.c */
};

/* A renderer writing to out; kernel: the dump's kernel (JSON's "kernel" member). */
void s2_render_text_init(struct s2_render *r, FILE *out, const struct s2_kernel_info *kernel);
void s2_render_json_init(struct s2_render *r, FILE *out, const struct s2_kernel_info *kernel);

/* The nested analyses' visitors, handing their facts to r (render.c). */
struct s2_nested_guest_visitor s2_render_guest_visitor(struct s2_render *r);
struct s2_nested_check_visitor s2_render_check_visitor(struct s2_render *r);

/* Helpers both renderers format with (render.c). */
/* The ptdump unit rule without padding: 4K 2044K 2M 1G (bytes >> 10, then /1024 while exact). */
void s2_render_format_size(char *buf, size_t len, uint64_t bytes);
/* A memslot's flags: LOG_DIRTY|READONLY|GUEST_MEMFD, unknown bits in hex, "-" for none. */
void s2_render_slot_flags(uint32_t flags, char *buf, size_t len);
/* "rwx" of a stage-2 descriptor (S2AP, XN == 0), buf of 4 bytes. */
void s2_render_perm(const struct s2_desc *d, char perm[4]);
/* "block", "page" or "reserved" */
const char *s2_render_kind(const struct s2_desc *d);

#endif
