// SPDX-License-Identifier: GPL-2.0-or-later
/* Growing arrays (src/core/grow.h): room for one more item, doubling from a first size. */
#include <stdint.h>
#include <stdlib.h>

#include "core/grow.h"
#include "unit/check.h"

int main(void)
{
	uint64_t *v = NULL, *p;
	size_t cap = 0, n;
	unsigned int moves = 0;
	bool kept = true;

	/* 1000 appends from a first size of 4: capacities 4, 8, ..., 1024 (hand-counted: 9 growths) */
	for (n = 0; n < 1000; n++) {
		size_t before = cap;

		p = s2_grow(v, &cap, n, sizeof(*v), 4);
		if (!p)
			break;
		if (cap != before)
			moves++;
		v = p;
		v[n] = n * 7;
	}
	CHECK_EQ_U64(n, 1000, "grow: 1000 appends succeed");
	CHECK_EQ_U64(cap, 1024, "grow: capacity doubles from 4 to 1024");
	CHECK_EQ_U64(moves, 9, "grow: 9 growths for 1000 items");
	for (n = 0; n < 1000; n++)
		kept = kept && v[n] == n * 7;
	CHECK(kept, "grow: items kept across growths");
	CHECK(s2_grow(v, &cap, 1000, sizeof(*v), 4) == v && cap == 1024, "grow: room left, same block");

	/* a size that does not fit size_t: NULL, the array and its capacity unchanged */
	size_t huge = SIZE_MAX / 2 + 1;
	CHECK(s2_grow(v, &huge, huge, 16, 4) == NULL && huge == SIZE_MAX / 2 + 1,
	      "grow: overflow of size_t refused, capacity unchanged");
	free(v);
	return check_summary();
}
