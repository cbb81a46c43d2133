/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target: the only thing a front end implements. crash (extensions/),
 * drgn (libdrgn-contrib/) and the CLI (src/cli/, libkdumpfile + libdw) each
 * provide one; everything above it (kernel address translation, the KVM
 * model, the walks and the reports) is shared.
 *
 * Types are named by their tag without "struct " ("kvm", "kvm_s2_mmu").
 * Member paths are dotted ("arch.mmu.pgt"); anonymous structs and unions are
 * searched transparently, as C does ("pgd" in 6.14+'s struct kvm_pgtable).
 */
#ifndef S2DUMP_TARGET_H
#define S2DUMP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2dump/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum s2_type_kind {
	S2_TYPE_OTHER = 0,
	S2_TYPE_INT,      /* integer, char, bool */
	S2_TYPE_ENUM,
	S2_TYPE_POINTER,
	S2_TYPE_STRUCT,
	S2_TYPE_UNION,
	S2_TYPE_ARRAY,
};

struct s2_member_info {
	uint64_t offset;               /* from the start of the outer type, along the whole path */
	uint64_t size;                 /* byte size of the member's type */
	enum s2_type_kind kind;        /* after stripping typedefs and qualifiers */
	/*
	 * POINTER: kind of the pointed-to type (S2_TYPE_POINTER for "struct x **").
	 * ARRAY: kind of the element type.
	 */
	enum s2_type_kind target_kind;
	uint64_t array_length;         /* ARRAY only */
	bool is_signed;                /* INT / ENUM */
};

struct s2_target_ops {
	/* Physical memory. Required. */
	struct s2_error *(*read_phys)(void *ctx, uint64_t pa, void *buf, size_t len);
	/*
	 * Kernel-virtual memory through the backend's own translation. Optional
	 * (NULL): the core translates itself (linear map, kimage, swapper_pg_dir).
	 * The core also falls back to its own translation where the backend
	 * fails or is found to translate wrongly.
	 */
	struct s2_error *(*read_kvaddr)(void *ctx, uint64_t va, void *buf, size_t len);
	/* Run-time address of a kernel symbol (KASLR offset applied). Required. */
	struct s2_error *(*symbol_address)(void *ctx, const char *name, uint64_t *addr);
	/* Member of a struct or union type, dotted path. Required. */
	struct s2_error *(*member_info)(void *ctx, const char *type, const char *path,
					struct s2_member_info *out);
	/* sizeof the struct or union type. Required. */
	struct s2_error *(*type_size)(void *ctx, const char *type, uint64_t *size);
	/* Value of an enumerator constant (DWARF DW_TAG_enumerator). Optional. */
	struct s2_error *(*enumerator_value)(void *ctx, const char *name, int64_t *value);
	/*
	 * Number of parameters of a function as DWARF declares it, inline-only
	 * (abstract) instances included: "static inline" stubs of a disabled
	 * config option are there too. Optional. S2_ERROR_LOOKUP if unknown.
	 */
	struct s2_error *(*function_param_count)(void *ctx, const char *name, unsigned int *count);
	/* Size in bytes of a (function) symbol, from the symbol table. Optional. */
	struct s2_error *(*symbol_size)(void *ctx, const char *name, uint64_t *size);
	/*
	 * VMCOREINFO value for a key as it appears in the note, e.g. "OSRELEASE",
	 * "PAGESIZE", "NUMBER(VA_BITS)", "SYMBOL(swapper_pg_dir)", "KERNELOFFSET".
	 * S2_ERROR_LOOKUP if absent. Optional (NULL: no VMCOREINFO available).
	 */
	struct s2_error *(*vmcoreinfo)(void *ctx, const char *key, char *buf, size_t len);
};

struct s2_target {
	const struct s2_target_ops *ops;
	void *ctx;
	const char *backend; /* "crash", "drgn", "libkdumpfile": for messages */
	bool live;           /* a running kernel (/proc/kcore), not a dump */
};

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_TARGET_H */
