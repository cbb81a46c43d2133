/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel red-black trees (include/linux/rbtree.h) read from the dump, in key
 * order. Nothing here knows what the nodes hold: the caller gives the
 * rb_node member offsets (from DWARF) and where the u64 key lies.
 */
#ifndef S2DUMP_KERNEL_RBTREE_H
#define S2DUMP_KERNEL_RBTREE_H

#include <stdint.h>

#include "s2dump/kernel.h"

#define S2_RB_MAX_DEPTH 64    /* a red-black tree of S2_RB_MAX_NODES nodes is at most 30 deep */
#define S2_RB_MAX_NODES 32768

/* rb_node's members: struct rb_node *rb_left, *rb_right. */
struct s2_rb_layout {
	uint64_t left_offset, right_offset;
};

typedef struct s2_error *(*s2_rb_visit_fn)(void *arg, uint64_t node);

/*
 * visit every node under root (a struct rb_node *) in ascending key order.
 * key_rel: where the u64 key lies relative to the rb_node (container offset
 * of the key minus that of the node; two's complement). The stack holds the
 * path (bounded by S2_RB_MAX_DEPTH); a node already on the path is a cycle,
 * and keys must strictly ascend, checked before visit() sees the node, so no
 * node is visited twice and the walk ends whatever the dump holds. what names
 * the tree in errors ("kvm 0x... memslots gfn_tree").
 */
struct s2_error *s2_rb_for_each(struct s2_kernel *kernel, const struct s2_rb_layout *layout, uint64_t root,
				uint64_t key_rel, const char *what, s2_rb_visit_fn visit, void *arg);

#endif
