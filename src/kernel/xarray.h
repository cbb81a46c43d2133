/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel xarrays (include/linux/xarray.h) read from the dump, in index order.
 * Facts: an entry with bits [1:0] == 0b10 is internal; internal entries above
 * 4096 are nodes (address | 2), small ones are siblings (0..62 << 2 | 2),
 * 256/257 << 2 | 2 are retry and zero. Bit 0 set: a value entry, not a
 * pointer. xa_node { u8 shift; u8 offset; ...; struct xa_node *parent; ...;
 * void *slots[XA_CHUNK_SIZE]; }, XA_CHUNK_SHIFT 6 unless CONFIG_BASE_SMALL,
 * which no arm64 KVM host uses.
 */
#ifndef S2DUMP_KERNEL_XARRAY_H
#define S2DUMP_KERNEL_XARRAY_H

#include <stdint.h>

#include "s2dump/kernel.h"

#define S2_XA_CHUNK_SHIFT 6
#define S2_XA_CHUNK_SIZE (1u << S2_XA_CHUNK_SHIFT)
#define S2_XA_MAX_DEPTH 11 /* ceil(64 / 6) */
#define S2_XA_MAX_NODES 65536

/* Offsets of xa_node's members (DWARF; the defaults above without it). */
struct s2_xa_layout {
	uint64_t shift_offset, offset_offset, parent_offset, slots_offset;
};

/* The offsets without DWARF: shift at 0, offset at 1, parent at 8, slots at 40. */
extern const struct s2_xa_layout s2_xa_default_layout;

typedef struct s2_error *(*s2_xa_visit_fn)(void *arg, uint64_t index, uint64_t entry);

/*
 * visit every pointer entry of the xarray whose xa_head is head, in index
 * order (internal and value entries skipped; a pointer in an interior node,
 * a multi-index entry, at its first index). Bounded by the tree height: a
 * node's shift must drop by one chunk per level and each node must name its
 * parent and slot, so a cycle or a node linked twice is S2_ERROR_CORRUPT,
 * never a hang; one frame per level. what names the array in errors
 * ("kvm 0x... vcpu_array").
 */
struct s2_error *s2_xa_for_each(struct s2_kernel *kernel, const struct s2_xa_layout *layout, uint64_t head,
				const char *what, s2_xa_visit_fn visit, void *arg);

#endif
