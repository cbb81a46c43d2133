// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: geometry + walk + translate over arbitrary table memory.
 * Input: 8 bytes VTCR, 1 byte PARange selector, 1 byte flags, then the bytes
 * of a small physical memory (tables) at PA 0; reads outside it fail like a
 * page missing from a dump. Properties: no crash, no hang (walk depth and
 * table count bounded), output bounded (entries counted, capped).
 */
#include <stdint.h>
#include <string.h>

#include "s2dump/ptdump.h"
#include "s2dump/walk.h"

struct fuzz_mem {
	const uint8_t *bytes;
	size_t size;
};

static struct s2_error *fuzz_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	const struct fuzz_mem *m = ctx;

	if (pa >= m->size || len > m->size - pa)
		return s2_error_fault(pa, true, "PA 0x%llx outside the fuzz memory", (unsigned long long)pa);
	memcpy(buf, m->bytes + pa, len);
	return NULL;
}

struct counter {
	unsigned long entries;
	struct s2_ptdump pt;
};

static struct s2_error *count(void *arg, const struct s2_walk_entry *e)
{
	struct counter *c = arg;

	/* every IPA is reported at most once: a runaway walk would blow this bound */
	if (++c->entries > (1u << 22))
		return s2_error_create(S2_ERROR_OTHER, "too many entries");
	return s2_ptdump_visit(&c->pt, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int pa_sizes[] = { 32, 36, 40, 42, 44, 48, 52 };
	struct fuzz_mem mem;
	struct s2_mem m = { fuzz_read, &mem };
	struct s2_geometry geo;
	struct s2_fault fault;
	struct counter c = { 0 };
	struct s2_walker w = { count, &c, 0, 0 };
	struct s2_translation t;
	uint64_t vtcr, root;
	FILE *devnull;
	struct s2_error *err;

	if (size < 10)
		return 0;
	memcpy(&vtcr, data, 8);
	mem.bytes = data + 10;
	mem.size = size - 10;
	err = s2_geometry_from_vtcr(vtcr, pa_sizes[data[8] % 7], &geo, &fault);
	if (err || fault.type != S2_FAULT_NONE) {
		s2_error_destroy(err);
		return 0;
	}
	geo.big_endian = data[9] & 1;
	/* Keep the walk small: the input space is what a small table set can map. */
	root = (uint64_t)(data[9] >> 1) << 12;
	devnull = fopen("/dev/null", "w");
	s2_ptdump_begin(&c.pt, devnull, S2_PTDUMP_FORMAT_6_19, geo.ia_bits, false);
	/* half the inputs walk the way the CLI prints text: raw leaves merged under the text's mask */
	if (data[8] & 0x80) {
		w.flags = S2_WALK_RAW_LEAVES | S2_WALK_MERGE;
		w.merge_mask = c.pt.mask;
	}
	err = s2_walk(&geo, root, &m, 0, 1ULL << geo.ia_bits, &w);
	s2_error_destroy(err);
	s2_ptdump_end(&c.pt);
	fclose(devnull);
	err = s2_translate(&geo, root, &m, vtcr ^ ((uint64_t)data[9] << 20), &t);
	s2_error_destroy(err);
	return 0;
}
