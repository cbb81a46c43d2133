// SPDX-License-Identifier: GPL-2.0-or-later
/* What the text and the JSON renderer both format with (src/render/render.h). */
#include <inttypes.h>

#include "render/render.h"

void s2_render_format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	const char *u = units;
	uint64_t v = bytes >> 10;

	while (v && !(v & 1023) && u[1]) {
		v >>= 10;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%c", v, *u);
}

bool s2_render_coverage_next(const struct s2_kvm_coverage *c, unsigned int *pos, struct s2_coverage_group *g)
{
	static const char *const perms[8] = { "---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx" };

	for (; *pos < S2_KVM_COVERAGE_LEVELS * 2 * 8 * 2; (*pos)++) {
		unsigned int lv = *pos / 32, page = *pos / 16 % 2, p = *pos / 2 % 8, af = *pos % 2;

		if (!c->g[lv][page][p][af].count)
			continue;
		*g = (struct s2_coverage_group){ (int)lv + S2_LEVEL_MIN, page, perms[p], (int)af,
						 c->g[lv][page][p][af].count, c->g[lv][page][p][af].bytes };
		(*pos)++;
		return true;
	}
	return false;
}

void s2_render_slot_flags(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = { "LOG_DIRTY", "READONLY", "GUEST_MEMFD" };
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < 3; i++)
		if (flags & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i]);
	if (flags & ~7u)
		snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", flags & ~7u);
	if (!buf[0])
		snprintf(buf, len, "-");
}

void s2_render_perm(const struct s2_desc *d, char perm[4])
{
	perm[0] = (d->s2ap & 1) ? 'r' : '-';
	perm[1] = (d->s2ap & 2) ? 'w' : '-';
	perm[2] = d->xn == 0 ? 'x' : '-';
	perm[3] = 0;
}

const char *s2_render_kind(const struct s2_desc *d)
{
	return d->kind == S2_DESC_BLOCK ? "block" : d->kind == S2_DESC_PAGE ? "page" : "reserved";
}

/* The analyses' visitors (src/nested) feeding a renderer: their facts go straight to it. */
static void guest_leaf(void *arg, const struct s2_walk_entry *leaf)
{
	struct s2_render *r = arg;

	r->ops->guest_leaf(r, leaf);
}

static void guest_problem(void *arg, const struct s2_nested_guest_problem *problem)
{
	struct s2_render *r = arg;

	r->ops->guest_problem(r, problem);
}

struct s2_nested_guest_visitor s2_render_guest_visitor(struct s2_render *r)
{
	return (struct s2_nested_guest_visitor){ guest_leaf, guest_problem, r };
}

static void check_verdict(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *leaf,
			  const struct s2_nested_verdict *verdict)
{
	struct s2_render *r = arg;

	r->ops->check_verdict(r, mmu_addr, index, leaf, verdict);
}

static void check_problem(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *problem)
{
	struct s2_render *r = arg;

	r->ops->check_problem(r, mmu_addr, index, problem);
}

struct s2_nested_check_visitor s2_render_check_visitor(struct s2_render *r)
{
	return (struct s2_nested_check_visitor){ check_verdict, check_problem, r };
}
