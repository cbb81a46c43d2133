/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared AArch64 translation-table walker: stage 2 (KVM's canonical and
 * shadow tables, a guest hypervisor's own VTTBR/VTCR tables) and stage 1 (the
 * host kernel's swapper_pg_dir), one engine for all of them.
 *
 * No kernel knowledge and no I/O of its own: tables are read through a
 * struct s2_mem callback, one whole table per call. Vocabulary follows the
 * ARM ARM: granule, level (-1..3), input address (IA: IPA or VA), output
 * address (OA), start level, concatenated start tables.
 */
#ifndef S2DUMP_WALK_H
#define S2DUMP_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2dump/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define S2_LEVEL_MIN (-1)
#define S2_LEVEL_MAX 3
#define S2_MAX_CONCAT 16

/* Which descriptor format / attribute encoding a regime uses. */
enum s2_regime {
	S2_REGIME_STAGE2 = 0,
	/* Stage 1, upper VA range (TTBR1_EL1): address bits >= ia_bits are ignored. */
	S2_REGIME_STAGE1_TTBR1,
	/*
	 * Stage 1, lower VA range (TTBR0_EL1: a process's user addresses, e.g. a
	 * VMM's view of guest memory): an address >= 2^ia_bits faults at level 0.
	 */
	S2_REGIME_STAGE1_TTBR0,
};

/*
 * Geometry of one translation regime; built once (from VTCR_EL2, from
 * struct kvm_pgtable values, or for stage 1 from VA_BITS), then handed to
 * every walk and translation.
 */
struct s2_geometry {
	enum s2_regime regime;
	unsigned int granule_shift; /* 12 (4K), 14 (16K), 16 (64K) */
	unsigned int ia_bits;       /* input address size: 64 - T0SZ */
	int start_level;            /* -1..3 */
	unsigned int concat;        /* concatenated start-level tables, 1..16 */
	unsigned int oa_bits;       /* output address size: min(PS, PARange) */
	bool lpa2;                  /* FEAT_LPA2 format (DS=1): OA[51:50] in desc[9:8], 4K/16K */
	bool hw_access_flag;        /* VTCR.HA: AF=0 does not fault, hardware sets it */
	bool big_endian;            /* descriptors big-endian (SCTLR_EL2.EE for a guest walk) */
};

/* Fault types the MMU would raise, reported with the level where it happened. */
enum s2_fault_type {
	S2_FAULT_NONE = 0,
	S2_FAULT_TRANSLATION,   /* FSC 0b0001LL (level -1: 0b101011) */
	S2_FAULT_ACCESS_FLAG,   /* FSC 0b0010LL */
	S2_FAULT_PERMISSION,    /* FSC 0b0011LL */
	S2_FAULT_ADDRESS_SIZE,  /* FSC 0b0000LL (level -1: 0b101001) */
	S2_FAULT_SEA_WALK,      /* synchronous external abort on a table walk: FSC 0b0101LL (-1: 0b010011);
	                           post-mortem this means the table was not readable from the dump */
};

struct s2_fault {
	enum s2_fault_type type;
	int level;
	uint32_t fsc; /* ESR_ELx.{I,D}FSC as the hardware reports it */
};

/* Fill fault->fsc from type and level, per the ARM ARM FSC encodings. */
void s2_fault_set(struct s2_fault *fault, enum s2_fault_type type, int level);
/* "translation fault, level 2" and the like. */
const char *s2_fault_type_name(enum s2_fault_type type);

/*
 * Geometry from VTCR_EL2 (T0SZ, SL0, SL2, TG0, PS, DS, HA) and the implemented
 * PA size (AArch64.PAMax(): 32, 36, 40, 42, 44, 48 or 52). Follows the ARM ARM
 * (AArch64.S2InvalidSL, S2InconsistentSL, S2 TxSZ limits): the limits follow
 * PARange, not T0SZ. Reserved TG0 encodings are treated as the IMPDEF choice
 * the kernel's nested walker makes (64K).
 *
 * Returns NULL on success. When the hardware would refuse the configuration,
 * returns NULL with *fault set (fault->type != S2_FAULT_NONE) and *geo
 * unspecified; an error only for arguments no hardware could have
 * (pa_bits not a PARange value).
 */
struct s2_error *s2_geometry_from_vtcr(uint64_t vtcr, unsigned int pa_bits,
				       struct s2_geometry *geo, struct s2_fault *fault);

/*
 * Geometry from the values KVM keeps in struct kvm_pgtable: ia_bits and
 * start_level, with the host's granule and whether the host uses LPA2
 * descriptors. oa_bits is the host PA size (what the tables may point at).
 * The number of concatenated start tables follows from ia_bits/start_level
 * (kvm_pgd_pages()). Values no kernel could have give S2_ERROR_CORRUPT naming
 * the bad field.
 */
struct s2_error *s2_geometry_from_pgtable(unsigned int ia_bits, int start_level,
					  unsigned int granule_shift, bool lpa2,
					  unsigned int oa_bits, struct s2_geometry *geo);

/*
 * Stage 1, TTBR1 (kernel) side: VA_BITS (actual, from TCR_EL1.T1SZ),
 * page size, LPA2. The start level follows from va_bits and the granule.
 * Linux gives TTBR0 (user) the same size and granule: set geo->regime to
 * S2_REGIME_STAGE1_TTBR0 for a process's tables.
 */
struct s2_error *s2_geometry_stage1(unsigned int va_bits, unsigned int granule_shift,
				    bool lpa2, unsigned int oa_bits,
				    struct s2_geometry *geo);

/* Bytes of input address covered by one entry at level (granule size at level 3). */
uint64_t s2_level_size(const struct s2_geometry *geo, int level);
/* Entries in one full (non-root) table: 2^(granule_shift - 3). */
unsigned int s2_table_entries(const struct s2_geometry *geo);
/* Entries in the whole start level, all concatenated tables together. */
uint64_t s2_root_entries(const struct s2_geometry *geo);
/* Bytes of the start-level table(s) (may be less than a granule for small ia_bits). */
uint64_t s2_root_bytes(const struct s2_geometry *geo);
/* May a block descriptor appear at this level for this geometry? */
bool s2_block_allowed(const struct s2_geometry *geo, int level);

/* Descriptor decode. */
enum s2_desc_kind {
	S2_DESC_INVALID = 0, /* bit 0 clear (may still carry KVM annotations) */
	S2_DESC_TABLE,
	S2_DESC_BLOCK,
	S2_DESC_PAGE,
	S2_DESC_RESERVED,    /* valid but architecturally reserved (block where none allowed,
	                        level-3 0b01): translation fault if used */
};

struct s2_desc {
	uint64_t raw;
	enum s2_desc_kind kind;
	uint64_t oa;         /* table base or leaf output address (block/page aligned) */
	/* Leaf attributes, stage-2 encoding (meaningful for BLOCK/PAGE/RESERVED). */
	uint8_t memattr;     /* desc[5:2] */
	uint8_t s2ap;        /* desc[7:6]: bit 0 = read, bit 1 = write */
	uint8_t sh;          /* desc[9:8]; 0 under LPA2 (those bits are OA[51:50]) */
	bool af;             /* desc[10] */
	bool dbm;            /* desc[51] */
	bool contiguous;     /* desc[52] */
	uint8_t xn;          /* desc[54:53] (FEAT_XNX XN[1:0]); without XNX only bit 54 counts */
	uint8_t sw;          /* desc[58:55], software bits (KVM: 56:55 = guest mapping level in shadow tables) */
};

void s2_desc_decode(const struct s2_geometry *geo, int level, uint64_t raw,
		    struct s2_desc *out);

/* Name of a stage-2 MemAttr[3:0] value, without or with FEAT_S2FWB ("Normal-WB", "Device-nGnRE"). */
const char *s2_memattr_name(uint8_t memattr, bool fwb);

/*
 * KVM's encodings of invalid stage-2 entries (bit 0 clear, not zero).
 * The ABI changed in 7.1: before it, pKVM owner ids in desc[9:2] and a locked
 * (break-before-make in progress) marker in desc[10]; from 7.1, a type in
 * desc[63:60] (1 = locked, 2 = host donation, 3 = guest poisoned) with an
 * annotation payload in desc[59:1].
 */
enum s2_kvm_pte_abi {
	S2_KVM_PTE_ABI_6_1,  /* 6.1 .. 7.0 */
	S2_KVM_PTE_ABI_7_1,  /* 7.1 and later */
};

struct s2_kvm_invalid {
	bool annotated;      /* non-zero invalid descriptor */
	bool locked;
	unsigned int owner;  /* pre-7.1 owner id */
	unsigned int type;   /* 7.1+ type field */
	uint64_t payload;    /* 7.1+ annotation */
};

void s2_desc_kvm_invalid(uint64_t raw, enum s2_kvm_pte_abi abi, struct s2_kvm_invalid *out);

/* Physical memory as the walker sees it (output address space of the tables). */
struct s2_mem {
	/* Read len bytes at pa. Return NULL, or an error (S2_ERROR_FAULT with the address). */
	struct s2_error *(*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	void *ctx;
};

/* Walk events. */
enum s2_walk_event {
	/*
	 * A non-table entry: valid block or page, a reserved encoding, or an
	 * invalid entry, at whatever level the walk stops (like the kernel's
	 * KVM_PGTABLE_WALK_LEAF: an empty level-1 slot is one leaf of 1G with 4K).
	 */
	S2_WALK_LEAF,
	/* A valid table descriptor, before descending (only with S2_WALK_VISIT_TABLES). */
	S2_WALK_TABLE,
	/* A table that cannot be walked; covers the input range it would have mapped. */
	S2_WALK_PROBLEM,
};

enum s2_walk_problem {
	S2_PROBLEM_NONE = 0,
	S2_PROBLEM_READ,      /* the table could not be read (read_error says why) */
	S2_PROBLEM_CYCLE,     /* the table is already on the current walk path */
	S2_PROBLEM_OA_RANGE,  /* the table address lies beyond oa_bits (address size fault) */
	S2_PROBLEM_SHARED,    /* the table was already walked from another entry: KVM never shares
	                         tables, and a corrupt dump sharing them would make the walk explode */
};

struct s2_walk_entry {
	enum s2_walk_event event;
	uint64_t ia;          /* first input address covered */
	uint64_t size;        /* bytes of input address covered */
	int level;
	uint64_t desc_pa;     /* PA of the descriptor; for S2_PROBLEM_READ, PA of the table */
	struct s2_desc desc;  /* the descriptor (the table descriptor for problems) */
	enum s2_walk_problem problem;
	const struct s2_error *read_error; /* S2_PROBLEM_READ only; borrowed for the call */
};

/*
 * A problem in words, one wording for every output: "not in dump", "already on
 * the walk path (cycle)", "already walked from another entry (shared table)",
 * "beyond the OA size (address size fault)".
 */
const char *s2_walk_problem_text(enum s2_walk_problem problem);
/* Its JSON name (docs/json.md): "read", "cycle", "shared", "oa_range". */
const char *s2_walk_problem_name(enum s2_walk_problem problem);
/* The PA of the table a problem entry is about: the table that was read, else the table descriptor's OA. */
uint64_t s2_walk_problem_table(const struct s2_walk_entry *entry);
/*
 * A problem entry as an error (S2_ERROR_FAULT at the table's PA for a read,
 * S2_ERROR_CORRUPT otherwise): "level L table at PA 0x... for IPA 0x...-0x...: <text>",
 * for callers that stop at the first problem; they prefix what was walked.
 */
struct s2_error *s2_walk_problem_error(const struct s2_walk_entry *entry);

/*
 * A visitor returns NULL to continue, &s2_error_stop to end the walk cleanly
 * (s2_walk then returns NULL), or any other error to abort the walk with it.
 */
typedef struct s2_error *(*s2_visit_fn)(void *arg, const struct s2_walk_entry *entry);

#define S2_WALK_VISIT_TABLES (1u << 0) /* also report valid table descriptors */
#define S2_WALK_SKIP_INVALID (1u << 1) /* do not report invalid (bit 0 clear) leaves */
/*
 * Leaves carry only desc.raw (and desc.kind); the other decoded fields are
 * left unset. For visitors that look at raw bits only (the debugfs text):
 * decoding 16M descriptors nobody reads is most of a large walk's time.
 */
#define S2_WALK_RAW_LEAVES   (1u << 2)
/*
 * With S2_WALK_RAW_LEAVES: consecutive leaves of one table whose raw bits
 * agree under walker->merge_mask are reported as one entry (ia of the first,
 * size of them all, desc of the first). For visitors that coalesce on masked
 * bits anyway (the debugfs text: pass s2_ptdump's mask); the inner loop then
 * only loads and compares.
 */
#define S2_WALK_MERGE        (1u << 3)

struct s2_walker {
	s2_visit_fn visit;
	void *arg;
	unsigned int flags;
	uint64_t merge_mask; /* S2_WALK_MERGE only */
};

/*
 * Walk [start, end) of the input address space in ascending order, from the
 * start-level table(s) at root_pa. end is exclusive and clipped to
 * 2^ia_bits. Entries partially inside the range are reported whole (the
 * kernel does the same). Reads one whole table per mem->read call, keeps one
 * table buffer per level (memory bounded by depth), and reports unreadable
 * tables, cycles and out-of-range table addresses as S2_WALK_PROBLEM entries
 * and goes on with the next entry.
 */
struct s2_error *s2_walk(const struct s2_geometry *geo, uint64_t root_pa,
			 const struct s2_mem *mem, uint64_t start, uint64_t end,
			 const struct s2_walker *walker);

struct s2_translation {
	struct s2_fault fault;  /* type S2_FAULT_NONE when translated */
	uint64_t oa;            /* output address of ia (also set for ACCESS_FLAG faults) */
	int level;              /* level of the leaf, or where the fault was raised */
	uint64_t block_size;    /* input bytes the leaf maps (not widened by the contiguous hint) */
	uint64_t desc_pa;       /* PA of the final descriptor (of the unreadable table for SEA_WALK) */
	struct s2_desc desc;
	char read_error[160];   /* SEA_WALK: why the table could not be read */
};

/*
 * Translate one input address the way the MMU would: output address and
 * attributes, or the fault (type, level, FSC). An unreadable table is an
 * S2_FAULT_SEA_WALK at that level. Returns an error only for bad arguments
 * or an error returned by mem->read that is not S2_ERROR_FAULT.
 */
struct s2_error *s2_translate(const struct s2_geometry *geo, uint64_t root_pa,
			      const struct s2_mem *mem, uint64_t ia,
			      struct s2_translation *out);

/*
 * ESR_EL2 / FAR_EL2 / HPFAR_EL2 of a guest exit, decoded (ARM ARM D24.2.40).
 * fault_ipa is kvm_vcpu_get_fault_ipa() plus the page offset from FAR:
 * ((hpfar & ~0xf & ~HPFAR_EL2_NS) << 8) | (far & 0xfff).
 */
struct s2_esr_info {
	unsigned int ec;          /* ESR[31:26] */
	const char *ec_name;      /* "data abort from a lower EL" */
	bool is_abort;            /* instruction or data abort (EC 0x20, 0x21, 0x24, 0x25) */
	bool is_data;
	unsigned int fsc;         /* ISS[5:0] (aborts) */
	const char *fsc_name;     /* "translation fault" */
	bool has_level;
	int level;
	bool wnr, s1ptw;          /* ISS[6], ISS[7] */
	uint64_t fault_ipa;
	uint32_t iss;             /* ISS[24:0] */
};
void s2_esr_decode(uint64_t esr, uint64_t far, uint64_t hpfar, struct s2_esr_info *out);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_WALK_H */
