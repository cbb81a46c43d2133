/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arrays that grow as a dump is read (records of a flattened stream, an ELF's symbols, a VM's
 * memslots): room for one more item, the capacity doubling from a first size, so that appending
 * n items costs O(n) copies.
 */
#ifndef S2DUMP_CORE_GROW_H
#define S2DUMP_CORE_GROW_H

#include <stdint.h>
#include <stdlib.h>

/*
 * items (count of them used, *cap allocated, each item_size bytes) with room for one more: items
 * itself while count < *cap, else a block of twice *cap (first when *cap is 0), *cap updated.
 * NULL when that is more than memory or size_t holds; items and *cap are then unchanged.
 */
static inline void *s2_grow(void *items, size_t *cap, size_t count, size_t item_size, size_t first)
{
	size_t want;
	void *bigger;

	if (count < *cap)
		return items;
	want = *cap ? *cap * 2 : first;
	if (want < *cap || want > SIZE_MAX / item_size)
		return NULL;
	bigger = realloc(items, want * item_size);
	if (bigger)
		*cap = want;
	return bigger;
}

#endif
