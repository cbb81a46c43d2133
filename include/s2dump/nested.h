/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nested virtualization analysis (NV): the guest hypervisor's own stage 2
 * (the tables its VTTBR_EL2/VTCR_EL2 describe, cached by KVM in a shadow
 * MMU's tlb_vttbr/tlb_vtcr), read at guest (L1) IPAs through the canonical
 * stage 2 (or, where it does not map, an optional memslot path, as KVM's
 * kvm_read_guest()), and the check that every shadow leaf is the composition
 * canonical(guest(L2 IPA)) with permissions no wider than either stage.
 *
 * No kernel knowledge: geometries, roots and struct s2_mem callbacks in, the
 * shared walker (s2dump/walk.h) does every table walk; no printing: the
 * facts go to a visitor (src/render formats them). src/cmd/nesteds2.c
 * connects this to the KVM model for the command grammar.
 *
 * Address spaces: L2 IPA (the nested guest's), L1 IPA (the guest
 * hypervisor's "PA", i.e. the VM's IPA), host PA.
 */
#ifndef S2DUMP_NESTED_H
#define S2DUMP_NESTED_H

#include <stdbool.h>
#include <stdint.h>

#include "s2dump/error.h"
#include "s2dump/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest PARange value (32, 36, 40, 42, 44, 48, 52) not above ia_bits; 32 below that. */
unsigned int s2_nested_parange_bits(unsigned int ia_bits);

#define S2_NESTED_CACHE 8

/* Why a read of guest (L1 IPA) memory failed. */
enum s2_nested_read_fail {
	S2_NESTED_READ_OK = 0,
	S2_NESTED_READ_UNMAPPED, /* the canonical stage 2 has no valid leaf for the L1 IPA (nor any memslot) */
	S2_NESTED_READ_MISSING,  /* mapped (or its canonical table is), but the host page is not in the dump */
	S2_NESTED_READ_VMM_UNMAPPED, /* in a memslot, but its user address is not mapped in the VMM */
};

/*
 * The memslot path to guest memory, as KVM's kvm_read_guest() takes it:
 * the memslot holding the L1 IPA, userspace_addr + offset in the VMM, the
 * VMM's own page tables. KVM reads a guest hypervisor's stage-2 tables this
 * way, so the canonical stage 2 need not map them (nor the pages a shadow
 * leaf maps: KVM resolves those through the memslot too).
 */
enum s2_nested_slot_result {
	S2_NESTED_SLOT_OK = 0,       /* pa/size set */
	S2_NESTED_SLOT_NONE,         /* no memslot holds the L1 IPA */
	S2_NESTED_SLOT_VMM_UNMAPPED, /* the memslot's user address is not mapped in the VMM */
	S2_NESTED_SLOT_MISSING,      /* a VMM page table is not in the dump (fail_pa) */
};
struct s2_nested_slot {
	enum s2_nested_slot_result result;
	uint64_t pa;                 /* OK: host PA of the L1 IPA */
	uint64_t size;               /* OK: the VMM page holding it (a power of two) */
	bool readonly;               /* KVM_MEM_READONLY */
	int id;                      /* the memslot (not NONE) */
	uint64_t uaddr;              /* userspace_addr + offset (not NONE) */
	uint64_t fail_pa;            /* MISSING */
};
typedef struct s2_error *(*s2_nested_slot_fn)(void *ctx, uint64_t l1, struct s2_nested_slot *out);

/*
 * Guest memory: L1 IPA -> host PA through the canonical stage 2, one
 * canonical leaf (at least one host granule) at a time, so a guest table
 * spanning several non-contiguous host pages is read correctly. Keeps a
 * small cache of canonical leaves. The last failure is recorded for the caller (the walker's
 * problem report, a translation's external abort).
 */
struct s2_nested_l1mem {
	const struct s2_geometry *canon_geo;
	uint64_t canon_root;             /* host PA of the canonical start-level table(s) */
	const struct s2_mem *host;       /* host physical memory */
	/* last failure */
	enum s2_nested_read_fail fail;
	uint64_t fail_l1;                /* the L1 IPA that could not be read */
	uint64_t fail_pa;                /* MISSING: the host PA not in the dump */
	const char *fail_what;           /* MISSING: what lies at fail_pa: "page", "canonical stage-2 table",
					    "VMM page table" */
	/* the last few canonical leaves (guest table pages and the data leaf alternate) */
	struct {
		bool used;
		uint64_t ia, size;
		struct s2_translation t;
	} cache[S2_NESTED_CACHE];
	unsigned int cache_next;
	unsigned long canon_translations; /* canonical translations done (cache misses) */
	/* optional memslot path (s2_nested_l1mem_set_slots), tried when the canonical stage 2 does not map */
	s2_nested_slot_fn slot_fn;
	void *slot_ctx;
	struct s2_nested_slot slot_last;  /* the last memslot lookup (result NONE if none was made) */
	unsigned long slot_translations;  /* L1 pages resolved through a memslot */
};

void s2_nested_l1mem_init(struct s2_nested_l1mem *m, const struct s2_geometry *canon_geo,
			  uint64_t canon_root, const struct s2_mem *host);
/* Install the memslot path: fn is asked for L1 IPAs the canonical stage 2 does not map. */
void s2_nested_l1mem_set_slots(struct s2_nested_l1mem *m, s2_nested_slot_fn fn, void *ctx);
/* The struct s2_mem reading L1 IPAs through m (m must outlive it). */
struct s2_mem s2_nested_l1mem_mem(struct s2_nested_l1mem *m);

/*
 * Canonical translation of one L1 IPA through the cache: *t as s2_translate
 * gives it. Mapped means fault NONE or ACCESS_FLAG (a leaf with AF clear
 * still maps its output address). With a memslot path, an L1 IPA the
 * canonical stage 2 does not map (or whose canonical table is not in the
 * dump) is resolved through it: *t is then a level-3 page of the VMM page's
 * size, r-x for a read-only memslot and rwx otherwise, AF set (what KVM
 * would map on a fault); m->slot_last says how the lookup went.
 */
struct s2_error *s2_nested_canon_translate(struct s2_nested_l1mem *m, uint64_t l1,
					   struct s2_translation *t);
bool s2_nested_translation_mapped(const struct s2_translation *t);

/* The guest hypervisor's stage-2 configuration, as the hardware would take it. */
struct s2_nested_guest {
	uint64_t vttbr, vtcr;
	bool enabled;               /* nested_stage2_enabled (HCR_EL2.VM); false: L2 IPA == L1 IPA */
	unsigned int pa_bits;       /* guest PARange: the limits follow it, not T0SZ */
	struct s2_fault refused;    /* VTCR refused (translation fault, level 0) */
	struct s2_geometry geo;     /* when enabled and not refused */
	uint64_t root;              /* L1 IPA of the start-level table(s): VTTBR.BADDR, aligned */
	struct s2_fault base_fault; /* root beyond the output size: address size fault, level 0 (R_BFHQH) */
};

/*
 * Set up from VTTBR_EL2 / VTCR_EL2 / HCR_EL2.VM and the guest's PARange.
 * big_endian: SCTLR_EL2.EE of the guest hypervisor (not kept in the MMU;
 * callers without it pass false). Errors only for impossible arguments.
 */
struct s2_error *s2_nested_guest_setup(uint64_t vttbr, uint64_t vtcr, bool enabled,
				       unsigned int pa_bits, bool big_endian,
				       struct s2_nested_guest *g);
/* Does every access fault before any table is read (refused VTCR or base address)? */
bool s2_nested_guest_faults_all(const struct s2_nested_guest *g, struct s2_fault *fault);

/*
 * L2 IPA -> L1 IPA through the guest stage 2 (tables read through l1mem).
 * Disabled stage 2: identity, out->level = S2_LEVEL_MIN - 1 and
 * block_size 0 (covers everything). A failed table read is an external
 * abort on the walk at that level; l1mem->fail says why.
 */
struct s2_error *s2_nested_guest_translate(const struct s2_nested_guest *g, struct s2_nested_l1mem *l1mem,
					   uint64_t l2, struct s2_translation *out);

/* Permissions: R, W, X (executable: XN[54:53] == 0). */
#define S2_NESTED_PERM_R 1u
#define S2_NESTED_PERM_W 2u
#define S2_NESTED_PERM_X 4u
unsigned int s2_nested_perm(const struct s2_desc *d);
/* "rwx", "r--" ...: buf of at least 4 bytes. */
const char *s2_nested_perm_str(unsigned int perm, char buf[4]);

/*
 * The guest walk's facts (nesteds2 guest, text or JSON): every valid guest leaf (the walk
 * entry: L2 IPA range, level, descriptor, its L1 IPA as desc_pa), every unreadable guest
 * table, in L2 IPA order. Concatenated start tables unreadable the same way are one problem.
 */
struct s2_nested_guest_problem {
	uint64_t l2, size;           /* the L2 IPA range the table would have mapped */
	int level;
	uint64_t table;              /* L1 IPA of the table */
	enum s2_walk_problem problem;
	enum s2_nested_read_fail fail; /* S2_PROBLEM_READ: why */
	uint64_t pa;                 /* READ_MISSING: the host PA not in the dump */
	int slot;                    /* READ_VMM_UNMAPPED: the memslot */
	uint64_t uaddr;              /* READ_VMM_UNMAPPED: its user address */
	bool memslots;               /* READ_UNMAPPED: the memslot path was tried too */
};
struct s2_nested_guest_visitor {
	void (*leaf)(void *arg, const struct s2_walk_entry *leaf);
	void (*problem)(void *arg, const struct s2_nested_guest_problem *problem);
	void *arg;
};
/* Nothing is walked when the stage 2 is disabled, VTCR refused or the base faults (g says which). */
struct s2_error *s2_nested_guest_walk(const struct s2_nested_guest *g, struct s2_nested_l1mem *l1mem,
				      const struct s2_nested_guest_visitor *visitor, unsigned long *problems,
				      uint64_t *first_problem);
/* A guest leaf whose output address lies beyond the guest's oa_bits (address size fault). */
bool s2_nested_guest_beyond_oa(const struct s2_geometry *geo, const struct s2_desc *desc);
/* "4K", "16K", "64K". */
const char *s2_nested_granule_name(unsigned int granule_shift);

/* Shadow check, in the order a leaf's first applicable kind wins. */
enum s2_nested_kind {
	S2_NESTED_OK = 0,
	S2_NESTED_STALE_OA,          /* shadow OA != canonical(guest(l2)) */
	S2_NESTED_GUEST_UNMAPPED,    /* the guest stage 2 has no valid leaf for l2 */
	S2_NESTED_CANON_UNMAPPED,    /* the canonical stage 2 has no valid leaf for guest(l2) */
	S2_NESTED_WIDER_THAN_GUEST,  /* shadow grants r/w/x the guest leaf does not */
	S2_NESTED_WIDER_THAN_CANON,  /* shadow grants r/w/x the canonical leaf does not */
	/*
	 * Not a violation: a guest table, a canonical table or a VMM page table the
	 * composition needs is not in the dump (makedumpfile -d 31 drops the guest
	 * hypervisor's tables: they are user pages of the VMM). Any violation found
	 * elsewhere in the leaf wins over it.
	 */
	S2_NESTED_NOT_CHECKABLE,
};
/* "stale-oa", "guest-unmapped", ... */
const char *s2_nested_kind_name(enum s2_nested_kind kind);

struct s2_nested_verdict {
	enum s2_nested_kind kind;
	uint64_t at;                 /* the L2 IPA where that kind was first seen */
	uint64_t shadow_oa;          /* shadow output address for `at` */
	unsigned int shadow_perm;
	bool guest_mapped;
	uint64_t guest_l1;           /* guest(at) */
	unsigned int guest_perm;
	bool canon_mapped;
	uint64_t canon_pa;           /* canonical(guest(at)) */
	unsigned int canon_perm;
	unsigned long steps;         /* composition steps taken for the leaf */
	/* NOT_CHECKABLE: which table could not be read */
	bool nc_guest;               /* a guest table (else the canonical side of guest_l1) */
	uint64_t nc_l1;              /* the L1 IPA read (guest table) or translated (canonical side) */
	uint64_t nc_pa;              /* the host PA not in the dump */
	const char *nc_what;         /* what lies at nc_pa (struct s2_nested_l1mem fail_what) */
};

struct s2_nested_checker {
	const struct s2_nested_guest *guest;
	struct s2_nested_l1mem *l1mem;   /* also gives the canonical stage 2 */
	unsigned long guest_translations;
};

/*
 * Check one valid shadow leaf [l2, l2 + size) with descriptor shadow: steps
 * through it by the smaller of the guest and canonical leaf (or fault) sizes
 * left at each point, so a 1G shadow block over 1G guest and canonical
 * blocks costs one guest and one canonical translation.
 */
struct s2_error *s2_nested_check_leaf(struct s2_nested_checker *c, uint64_t l2, uint64_t size,
				      const struct s2_desc *shadow, struct s2_nested_verdict *v);

struct s2_nested_check_stats {
	unsigned long leaves, violations, problems, not_checkable;
};

/*
 * The check's facts: every leaf that is no OK (a violation, or not checkable) with its verdict,
 * every unreadable shadow table (a walk problem entry), for a renderer (src/render).
 */
struct s2_nested_check_visitor {
	void (*verdict)(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *leaf,
			const struct s2_nested_verdict *verdict);
	void (*problem)(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *problem);
	void *arg;
};
struct s2_error *s2_nested_check_shadow_walk(uint64_t mmu_addr, int index, const struct s2_geometry *shadow_geo,
					     uint64_t shadow_root, const struct s2_mem *host,
					     struct s2_nested_checker *c, struct s2_nested_check_stats *stats,
					     const struct s2_nested_check_visitor *visitor);

/*
 * Would KVM's lookup_s2_mmu() pick a shadow MMU (tlb_vttbr, tlb_vtcr,
 * nested_stage2_enabled) for a vCPU whose guest hypervisor has these
 * VTTBR_EL2 / VTCR_EL2 / HCR_EL2? Stage 2 enabled (HCR_EL2.VM): the MMU must be
 * enabled too and match VTTBR (CnP ignored) and VTCR exactly; disabled: the
 * MMU must be disabled and match the VMID (VTTBR[63:48]) only.
 */
bool s2_nested_mmu_matches(uint64_t tlb_vttbr, uint64_t tlb_vtcr, bool s2_enabled, uint64_t vttbr,
			   uint64_t vtcr, uint64_t hcr);

/* VNCR page offsets (FEAT_NV2) of the guest hypervisor's registers KVM keeps there. */
#define S2_VNCR_VTTBR_EL2 0x020
#define S2_VNCR_VTCR_EL2 0x040
#define S2_VNCR_HCR_EL2 0x078

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_NESTED_H */
