// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel red-black trees in key order (src/kernel/rbtree.h). */
#include <inttypes.h>
#include <stdbool.h>

#include "kernel/rbtree.h"

struct s2_error *s2_rb_for_each(struct s2_kernel *k, const struct s2_rb_layout *rb, uint64_t root,
				uint64_t key_rel, const char *what, s2_rb_visit_fn visit, void *arg)
{
	uint64_t stack[S2_RB_MAX_DEPTH], cur = root, key, last_key = 0;
	unsigned int sp = 0, n = 0;
	bool have_last = false;
	struct s2_error *err;

	while (cur || sp) {
		while (cur) {
			for (unsigned int i = 0; i < sp; i++)
				if (stack[i] == cur)
					return s2_error_create(S2_ERROR_CORRUPT, "%s: rb_node 0x%" PRIx64 " is its own "
							       "ancestor (cycle)", what, cur);
			if (sp == S2_RB_MAX_DEPTH)
				return s2_error_create(S2_ERROR_CORRUPT, "%s: rb-tree deeper than %d at rb_node 0x%" PRIx64,
						       what, S2_RB_MAX_DEPTH, cur);
			stack[sp++] = cur;
			err = s2_kernel_read_u64(k, cur + rb->left_offset, &cur);
			if (err)
				return s2_error_prefix(err, "%s: rb_node 0x%" PRIx64 ".rb_left: ", what, stack[sp - 1]);
		}
		cur = stack[--sp];
		if (++n > S2_RB_MAX_NODES)
			return s2_error_create(S2_ERROR_CORRUPT, "%s: more than %d nodes", what, S2_RB_MAX_NODES);
		err = s2_kernel_read_u64(k, cur + key_rel, &key);
		if (err)
			return s2_error_prefix(err, "%s: rb_node 0x%" PRIx64 " key: ", what, cur);
		if (have_last && key <= last_key)
			return s2_error_create(S2_ERROR_CORRUPT, "%s: rb_node 0x%" PRIx64 " key 0x%" PRIx64 " after 0x%"
					       PRIx64 ": not in ascending order (node reached twice or tree corrupt)",
					       what, cur, key, last_key);
		last_key = key;
		have_last = true;
		err = visit(arg, cur);
		if (err)
			return err;
		err = s2_kernel_read_u64(k, cur + rb->right_offset, &cur);
		if (err)
			return s2_error_prefix(err, "%s: rb_node 0x%" PRIx64 ".rb_right: ", what, stack[sp]);
	}
	return NULL;
}
