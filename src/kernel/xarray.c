// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel xarrays in index order (src/kernel/xarray.h). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kernel/xarray.h"

const struct s2_xa_layout s2_xa_default_layout = { 0, 1, 8, 40 };

static bool xa_is_internal(uint64_t e) { return (e & 3) == 2; }
static bool xa_is_node(uint64_t e) { return xa_is_internal(e) && e > 4096; }

struct xa_frame {
	uint64_t node, base, parent;
	unsigned int shift, slot, offset;
	uint64_t slots[S2_XA_CHUNK_SIZE];
};

static struct s2_error *read_node(struct s2_kernel *k, const struct s2_xa_layout *xl, const char *what,
				  uint64_t node, struct xa_frame *f)
{
	uint8_t shift, offset;
	struct s2_error *err = s2_kernel_read(k, node + xl->shift_offset, &shift, 1);

	if (!err)
		err = s2_kernel_read(k, node + xl->offset_offset, &offset, 1);
	if (!err)
		err = s2_kernel_read_u64(k, node + xl->parent_offset, &f->parent);
	if (!err)
		err = s2_kernel_read(k, node + xl->slots_offset, f->slots, sizeof(f->slots));
	if (err)
		return s2_error_prefix(err, "%s xa_node 0x%" PRIx64 ": ", what, node);
	f->node = node;
	f->shift = shift;
	f->offset = offset;
	f->slot = 0;
	return NULL;
}

struct s2_error *s2_xa_for_each(struct s2_kernel *k, const struct s2_xa_layout *xl, uint64_t head,
				const char *what, s2_xa_visit_fn visit, void *arg)
{
	struct xa_frame *stack;
	unsigned int depth = 0, nodes = 0;
	struct s2_error *err;

	if (!head)
		return NULL;
	if (!xa_is_node(head)) {
		/* a single entry at index 0 lives in xa_head itself */
		if (xa_is_internal(head) || (head & 1))
			return NULL;
		return visit(arg, 0, head);
	}
	/* one frame per level: memory bounded by the tree height */
	stack = calloc(S2_XA_MAX_DEPTH + 1, sizeof(*stack));
	if (!stack)
		return &s2_error_nomem;
	err = read_node(k, xl, what, head - 2, &stack[0]);
	if (!err && stack[0].parent)
		err = s2_error_create(S2_ERROR_CORRUPT, "%s root xa_node 0x%" PRIx64 " has parent 0x%" PRIx64, what,
				      stack[0].node, stack[0].parent);
	if (!err && (stack[0].shift % S2_XA_CHUNK_SHIFT || stack[0].shift > S2_XA_CHUNK_SHIFT * (S2_XA_MAX_DEPTH - 1)))
		err = s2_error_create(S2_ERROR_CORRUPT, "%s xa_node 0x%" PRIx64 ": shift %u is not a multiple of %d "
				      "below 64", what, stack[0].node, stack[0].shift, S2_XA_CHUNK_SHIFT);
	if (!err) {
		stack[0].base = 0;
		depth = 1;
	}
	while (!err && depth) {
		struct xa_frame *f = &stack[depth - 1];
		uint64_t e, index;

		if (f->slot == S2_XA_CHUNK_SIZE) {
			depth--;
			continue;
		}
		e = f->slots[f->slot];
		index = f->base + ((uint64_t)f->slot << f->shift);
		f->slot++;
		if (!e)
			continue;
		if (xa_is_node(e)) {
			struct xa_frame *c;

			if (f->shift == 0) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s xa_node 0x%" PRIx64 " (shift 0) has a node in "
						      "slot %u", what, f->node, f->slot - 1);
				break;
			}
			if (++nodes > S2_XA_MAX_NODES) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s: more than %d xa_nodes", what, S2_XA_MAX_NODES);
				break;
			}
			c = &stack[depth];
			err = read_node(k, xl, what, e - 2, c);
			if (err)
				break;
			/* shift drops by one chunk per level: a pointer back up (a cycle) cannot pass */
			if (c->shift != f->shift - S2_XA_CHUNK_SHIFT) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s xa_node 0x%" PRIx64 " has shift %u under a node "
						      "of shift %u (cycle or corrupt)", what, c->node, c->shift, f->shift);
				break;
			}
			/* each node names its one parent and slot: a node linked twice (shared) cannot pass */
			if (c->parent != f->node || c->offset != f->slot - 1) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s xa_node 0x%" PRIx64 " in slot %u of 0x%" PRIx64
						      " says parent 0x%" PRIx64 " offset %u", what, c->node, f->slot - 1,
						      f->node, c->parent, c->offset);
				break;
			}
			c->base = index;
			depth++;
			continue;
		}
		if (xa_is_internal(e) || (e & 1))
			continue; /* sibling, retry, zero or value entry: no pointer */
		err = visit(arg, index, e);
	}
	free(stack);
	return err;
}
