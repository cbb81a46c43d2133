// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Property: on random valid tables, every valid leaf the walk reports
 * translates (at random offsets inside it) to the same output address and
 * level through s2_translate, and every random IPA that s2_translate
 * reports a translation fault for is covered by no valid leaf of the walk.
 * Seeded PRNG; the seed is printed so a failure can be replayed
 * (S2_PROPERTY_SEED=n).
 */
#include <inttypes.h>
#include <stdio.h>

#include "s2dump/walk.h"
#include "unit/check.h"
#include "walk/tables.h"

static uint64_t rng_state;
static unsigned long leaves_checked; /* guards against a vacuous pass */

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

#define MAX_LEAVES 4096

struct leaves {
	unsigned int n;
	struct { uint64_t ia, size, oa; int level; } e[MAX_LEAVES];
};

static struct s2_error *collect(void *arg, const struct s2_walk_entry *e)
{
	struct leaves *l = arg;

	if (e->event == S2_WALK_LEAF && (e->desc.kind == S2_DESC_PAGE || e->desc.kind == S2_DESC_BLOCK) &&
	    l->n < MAX_LEAVES) {
		l->e[l->n].ia = e->ia;
		l->e[l->n].size = e->size;
		l->e[l->n].oa = e->desc.oa;
		l->e[l->n].level = e->level;
		l->n++;
	}
	return NULL;
}

static bool covered(const struct leaves *l, uint64_t ia)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (ia >= l->e[i].ia && ia - l->e[i].ia < l->e[i].size)
			return true;
	return false;
}

struct cfg {
	unsigned int g, ia, concat, oa;
	int start;
	bool lpa2;
};

static const struct cfg cfgs[] = {
	{ 12, 40, 2, 48, 1, false }, { 12, 48, 1, 48, 0, false }, { 12, 32, 4, 40, 2, false },
	{ 14, 40, 16, 48, 2, false }, { 14, 47, 1, 48, 1, false }, { 16, 44, 4, 48, 2, false },
	{ 16, 48, 1, 48, 1, false }, { 12, 52, 16, 52, 0, true },
};

static unsigned int run(uint64_t seed, const struct cfg *c)
{
	static struct leaves l;
	struct ram r;
	struct mapper m;
	struct s2_mem mem = { ram_read, &r };
	struct s2_walker w = { collect, &l, S2_WALK_SKIP_INVALID, 0 };
	unsigned int failures = 0, maps = 40 + (unsigned int)(rng() % 60);
	struct s2_error *err;

	rng_state = seed;
	ram_init(&r);
	mapper_init(&m, &r, c->g, c->ia, c->start, c->concat, c->lpa2, c->oa);
	for (unsigned int i = 0; i < maps && r.next_free < RAM_BASE + RAM_SIZE - (4ULL << 20); i++) {
		int level = (rng() & 1) ? 3 : 2;
		uint64_t size = 1ULL << t_shift(c->g, level);
		/* keep a few top bits so IPAs spread over all concatenated tables */
		uint64_t ia = (rng() & ((1ULL << c->ia) - 1)) & ~(size - 1);
		uint64_t oa = (rng() & ((1ULL << c->oa) - 1)) & ~(size - 1);
		int at;
		uint64_t desc = mapper_probe(&m, ia, &at);

		/* Valid tables only: no page under an existing block, no block over an existing table. */
		if ((desc & 1) && at < level)
			continue; /* a block above */
		if (level == 2 && at > 2)
			continue; /* a level-3 table exists here */
		mapper_map(&m, ia, oa, level, T_R | ((rng() & 1) ? T_W : 0) | T_AF | T_MEMATTR(0xf));
	}
	memset(&l, 0, sizeof(l));
	err = s2_walk(&m.geo, m.root, &mem, 0, 1ULL << c->ia, &w);
	if (err) {
		printf("  seed %" PRIu64 ": walk error %s\n", seed, err->message);
		s2_error_destroy(err);
		failures++;
	}
	leaves_checked += l.n;
	for (unsigned int i = 0; i < l.n; i++) {
		uint64_t off = rng() & (l.e[i].size - 1);
		struct s2_translation t;

		err = s2_translate(&m.geo, m.root, &mem, l.e[i].ia + off, &t);
		if (err || t.fault.type != S2_FAULT_NONE || t.oa != l.e[i].oa + off || t.level != l.e[i].level) {
			printf("  seed %" PRIu64 ": leaf IPA 0x%" PRIx64 "+0x%" PRIx64 " walk OA 0x%" PRIx64
			       " L%d, translate OA 0x%" PRIx64 " L%d fault %d\n", seed, l.e[i].ia, off, l.e[i].oa,
			       l.e[i].level, t.oa, t.level, t.fault.type);
			failures++;
		}
		s2_error_destroy(err);
	}
	for (unsigned int i = 0; i < 2000; i++) {
		uint64_t ia = rng() & ((1ULL << c->ia) - 1);
		struct s2_translation t;

		err = s2_translate(&m.geo, m.root, &mem, ia, &t);
		if (!err && t.fault.type == S2_FAULT_TRANSLATION && covered(&l, ia)) {
			printf("  seed %" PRIu64 ": IPA 0x%" PRIx64 " faults but the walk maps it\n", seed, ia);
			failures++;
		} else if (!err && t.fault.type == S2_FAULT_NONE && !covered(&l, ia)) {
			printf("  seed %" PRIu64 ": IPA 0x%" PRIx64 " translates but no walk leaf maps it\n", seed, ia);
			failures++;
		}
		s2_error_destroy(err);
	}
	ram_fini(&r);
	return failures;
}

int main(void)
{
	const char *env = getenv("S2_PROPERTY_SEED");
	uint64_t base = env ? strtoull(env, NULL, 0) : 0x5eed2026ULL;

	printf("property seed base %" PRIu64 "\n", base);
	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		unsigned int failures = 0;

		leaves_checked = 0;
		for (uint64_t s = 0; s < 8; s++)
			failures += run(base + s * 7919 + c, &cfgs[c]);
		CHECK(leaves_checked >= 8 * 20, "property: %lu valid leaves checked for config %zu (at least 160)",
		      leaves_checked, c);
		CHECK(failures == 0, "property: walk leaves == translate results, %uK ipa%u L%d x%u%s, 8 seeds "
		      "(%u mismatches)", 1u << (cfgs[c].g - 10), cfgs[c].ia, cfgs[c].start, cfgs[c].concat,
		      cfgs[c].lpa2 ? " LPA2" : "", failures);
	}
	return check_summary();
}
