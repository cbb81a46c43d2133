// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The walk: every entry of [start, end) in ascending input-address order,
 * like the kernel's kvm_pgtable_walk() with KVM_PGTABLE_WALK_LEAF (and
 * optionally table entries before descending). One mem->read per table,
 * one buffer per level, so memory is bounded by depth, not table size.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "walk/walk_internal.h"

struct walk_state {
	const struct s2_geometry *geo;
	const struct s2_mem *mem;
	const struct s2_walker *walker;
	uint64_t start, end;          /* clipped range */
	uint64_t root_pa, root_bytes; /* all concatenated start tables */
	unsigned char *buf[S2_LEVEL_MAX - S2_LEVEL_MIN + 1];
	uint64_t path[S2_LEVEL_MAX - S2_LEVEL_MIN + 1]; /* table PA at each level on the current path */
	size_t table_bytes;
	/*
	 * Tables walked so far, direct-mapped by PA: fixed memory, and since a real
	 * stage 2 never reaches a table twice, a hit is always a real repeat.
	 */
	uint64_t seen[4096];
};

static bool seen_before(struct walk_state *ws, uint64_t pa)
{
	uint64_t *slot = &ws->seen[((pa >> 12) * 0x9e3779b97f4a7c15ULL) >> 52];

	if (*slot == pa + 1)
		return true;
	*slot = pa + 1;
	return false;
}

static struct s2_error *visit(struct walk_state *ws, const struct s2_walk_entry *e)
{
	return ws->walker->visit(ws->walker->arg, e);
}

static struct s2_error *report_problem(struct walk_state *ws, int level, uint64_t ia, uint64_t size,
				       uint64_t desc_pa, uint64_t raw, enum s2_walk_problem problem,
				       const struct s2_error *why)
{
	struct s2_walk_entry e = {
		.event = S2_WALK_PROBLEM,
		.ia = ia,
		.size = size,
		.level = level,
		.desc_pa = desc_pa,
		.problem = problem,
		.read_error = why,
	};

	s2_desc_decode(ws->geo, level > S2_LEVEL_MIN ? level - 1 : level, raw, &e.desc);
	return visit(ws, &e);
}

static bool on_path(const struct walk_state *ws, int level, uint64_t pa)
{
	if (pa >= ws->root_pa && pa < ws->root_pa + ws->root_bytes)
		return true;
	for (int l = ws->geo->start_level + 1; l <= level; l++)
		if (ws->path[l - S2_LEVEL_MIN] == pa)
			return true;
	return false;
}

/*
 * Walk one table of `entries` descriptors at table_pa, mapping input
 * addresses from ia_base. The caller has checked the table may be read.
 */
static struct s2_error *walk_table(struct walk_state *ws, int level, uint64_t table_pa,
				   uint64_t entries, uint64_t ia_base, uint64_t parent_raw)
{
	const struct s2_geometry *geo = ws->geo;
	unsigned int shift = s2_level_shift(geo->granule_shift, level);
	uint64_t size = 1ULL << shift, first, last, i;
	unsigned char *buf = ws->buf[level - S2_LEVEL_MIN];
	size_t bytes = (size_t)entries * 8;
	struct s2_walk_entry leaf;
	bool raw_only = ws->walker->flags & S2_WALK_RAW_LEAVES;
	bool merge = raw_only && (ws->walker->flags & S2_WALK_MERGE);
	struct s2_error *err;

	/* Only the entries overlapping [start, end). */
	first = ws->start > ia_base ? (ws->start - ia_base) >> shift : 0;
	last = (ws->end - 1 - ia_base) >> shift;
	if (ws->end - 1 < ia_base)
		return NULL;
	if (last >= entries)
		last = entries - 1;

	err = ws->mem->read(ws->mem->ctx, table_pa, buf, bytes);
	if (err) {
		struct s2_error *verr;

		if (err->code != S2_ERROR_FAULT)
			return err;
		verr = report_problem(ws, level, ia_base + (first << shift),
				      (last - first + 1) << shift, table_pa, parent_raw,
				      S2_PROBLEM_READ, err);
		s2_error_destroy(err);
		return verr;
	}
	ws->path[level - S2_LEVEL_MIN] = table_pa;

	/* Fields common to every leaf of this table are set once. */
	leaf.event = S2_WALK_LEAF;
	leaf.size = size;
	leaf.level = level;
	leaf.problem = S2_PROBLEM_NONE;
	leaf.read_error = NULL;
	for (i = first; i <= last; i++) {
		uint64_t raw = s2_load_desc(geo, buf + i * 8);
		uint64_t ia = ia_base + (i << shift);

		if ((raw & 3) == 3 && level < S2_LEVEL_MAX) {
			struct s2_walk_entry e;
			uint64_t next;

			s2_desc_decode_inline(geo, level, raw, &e.desc);
			next = e.desc.oa;
			if (geo->oa_bits < 64 && (next >> geo->oa_bits)) {
				err = report_problem(ws, level + 1, ia, size, table_pa + i * 8, raw,
						     S2_PROBLEM_OA_RANGE, NULL);
			} else if (on_path(ws, level, next)) {
				err = report_problem(ws, level + 1, ia, size, table_pa + i * 8, raw,
						     S2_PROBLEM_CYCLE, NULL);
			} else if (seen_before(ws, next)) {
				err = report_problem(ws, level + 1, ia, size, table_pa + i * 8, raw,
						     S2_PROBLEM_SHARED, NULL);
			} else {
				if (ws->walker->flags & S2_WALK_VISIT_TABLES) {
					e.event = S2_WALK_TABLE;
					e.ia = ia;
					e.size = size;
					e.level = level;
					e.desc_pa = table_pa + i * 8;
					e.problem = S2_PROBLEM_NONE;
					e.read_error = NULL;
					err = visit(ws, &e);
					if (err)
						return err;
				}
				err = walk_table(ws, level + 1, next, s2_table_entries(geo), ia, raw);
				/* The child overwrote deeper buffers only; ours is intact. */
			}
			if (err)
				return err;
			continue;
		}
		if (!(raw & 1) && (ws->walker->flags & S2_WALK_SKIP_INVALID))
			continue;
		leaf.ia = ia;
		leaf.desc_pa = table_pa + i * 8;
		leaf.size = size;
		if (merge) {
			/* Extend the run over following leaves equal under the mask (never tables). */
			uint64_t key = raw & ws->walker->merge_mask, j = i + 1;

			while (j <= last) {
				uint64_t next_raw = s2_load_desc(geo, buf + j * 8);

				if ((next_raw & ws->walker->merge_mask) != key ||
				    ((next_raw & 3) == 3 && level < S2_LEVEL_MAX))
					break;
				j++;
			}
			leaf.size = (j - i) << shift;
			i = j - 1;
		}
		if (raw_only) {
			leaf.desc.raw = raw;
			leaf.desc.kind = !(raw & 1) ? S2_DESC_INVALID :
					 level == S2_LEVEL_MAX ? ((raw & 2) ? S2_DESC_PAGE : S2_DESC_RESERVED) :
					 s2_block_allowed_inline(geo, level) ? S2_DESC_BLOCK : S2_DESC_RESERVED;
		} else {
			s2_desc_decode_inline(geo, level, raw, &leaf.desc);
		}
		err = visit(ws, &leaf);
		if (err)
			return err;
	}
	ws->path[level - S2_LEVEL_MIN] = 0;
	return NULL;
}

struct s2_error *s2_walk(const struct s2_geometry *geo, uint64_t root_pa,
			 const struct s2_mem *mem, uint64_t start, uint64_t end,
			 const struct s2_walker *walker)
{
	struct walk_state ws = {
		.geo = geo,
		.mem = mem,
		.walker = walker,
		.start = start,
		.end = end,
		.root_pa = root_pa,
	};
	uint64_t ia_limit, root_entries, per_table, t;
	struct s2_error *err = NULL;
	int level;

	if (!geo || !mem || !mem->read || !walker || !walker->visit)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "s2_walk: missing geometry, memory or visitor");
	if (geo->start_level < S2_LEVEL_MIN || geo->start_level > S2_LEVEL_MAX ||
	    (geo->granule_shift != 12 && geo->granule_shift != 14 && geo->granule_shift != 16) ||
	    geo->ia_bits > 52 || geo->ia_bits <= s2_level_shift(geo->granule_shift, geo->start_level))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "s2_walk: inconsistent geometry");
	ia_limit = 1ULL << geo->ia_bits;
	if (geo->regime == S2_REGIME_STAGE1_TTBR1) {
		/* TTBR1: the top bits are all ones and are not translated. */
		ws.start &= ia_limit - 1;
		ws.end = (end & (ia_limit - 1)) ? (end & (ia_limit - 1)) : ia_limit;
	}
	if (ws.end > ia_limit || ws.end == 0)
		ws.end = ia_limit;
	if (ws.start >= ws.end)
		return NULL;

	root_entries = s2_root_entries(geo);
	ws.root_bytes = root_entries * 8;
	ws.table_bytes = (size_t)1 << geo->granule_shift;
	for (level = geo->start_level; level <= S2_LEVEL_MAX; level++) {
		ws.buf[level - S2_LEVEL_MIN] = malloc(ws.table_bytes);
		if (!ws.buf[level - S2_LEVEL_MIN]) {
			err = &s2_error_nomem;
			goto out;
		}
	}

	/* The root is the start level: concatenated tables are walked one table (one read) at a time. */
	if (geo->oa_bits < 64 && (root_pa >> geo->oa_bits)) {
		err = report_problem(&ws, geo->start_level, 0, ia_limit, root_pa, 0,
				     S2_PROBLEM_OA_RANGE, NULL);
		goto out;
	}
	per_table = root_entries < s2_table_entries(geo) ? root_entries : s2_table_entries(geo);
	for (t = 0; t * per_table < root_entries; t++) {
		uint64_t ia_base = (t * per_table) << s2_level_shift(geo->granule_shift, geo->start_level);

		if (ia_base >= ws.end)
			break;
		if (ia_base + (per_table << s2_level_shift(geo->granule_shift, geo->start_level)) <= ws.start)
			continue;
		err = walk_table(&ws, geo->start_level, root_pa + t * per_table * 8, per_table, ia_base, 0);
		if (err)
			break;
	}
out:
	for (level = S2_LEVEL_MIN; level <= S2_LEVEL_MAX; level++)
		free(ws.buf[level - S2_LEVEL_MIN]);
	if (err == &s2_error_stop)
		err = NULL;
	return err;
}

const char *s2_walk_problem_text(enum s2_walk_problem problem)
{
	switch (problem) {
	case S2_PROBLEM_READ: return "not in dump";
	case S2_PROBLEM_CYCLE: return "already on the walk path (cycle)";
	case S2_PROBLEM_SHARED: return "already walked from another entry (shared table)";
	case S2_PROBLEM_OA_RANGE: return "beyond the OA size (address size fault)";
	case S2_PROBLEM_NONE: break;
	}
	return "no problem";
}

const char *s2_walk_problem_name(enum s2_walk_problem problem)
{
	switch (problem) {
	case S2_PROBLEM_READ: return "read";
	case S2_PROBLEM_CYCLE: return "cycle";
	case S2_PROBLEM_SHARED: return "shared";
	case S2_PROBLEM_OA_RANGE: return "oa_range";
	case S2_PROBLEM_NONE: break;
	}
	return "none";
}

uint64_t s2_walk_problem_table(const struct s2_walk_entry *e)
{
	return e->problem == S2_PROBLEM_READ ? e->desc_pa : e->desc.oa;
}

struct s2_error *s2_walk_problem_error(const struct s2_walk_entry *e)
{
	uint64_t table = s2_walk_problem_table(e);

	if (e->problem == S2_PROBLEM_READ)
		return s2_error_fault(table, true, "level %d table at PA 0x%" PRIx64 " for IPA 0x%" PRIx64 "-0x%" PRIx64
				      ": %s", e->level, table, e->ia, e->ia + e->size,
				      e->read_error ? e->read_error->message : s2_walk_problem_text(e->problem));
	return s2_error_create(S2_ERROR_CORRUPT, "level %d table at PA 0x%" PRIx64 " for IPA 0x%" PRIx64 "-0x%" PRIx64
			       ": %s", e->level, table, e->ia, e->ia + e->size, s2_walk_problem_text(e->problem));
}
