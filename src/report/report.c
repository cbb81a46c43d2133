// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pre-fault report and JSON (src/report/report.h). Everything streams:
 * memslots, leaves and vCPUs are printed as the model and the walker yield
 * them; the per-slot coverage is a fixed table (level x kind x perm x AF).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "report/json.h"
#include "report/report.h"

void s2_report_format_size(char *buf, size_t len, uint64_t bytes)
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

/* Report state shared by the per-VM functions. */
struct report {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	const struct s2_report_opts *o;
	FILE *out;
	struct s2_json j;
	bool json;
	unsigned int vms;
	unsigned long problems;     /* unreadable tables, all VMs */
	uint64_t first_problem_ia, first_problem_vm;
	unsigned long reserved;     /* valid descriptors with a reserved encoding (-p) */
	uint64_t first_reserved_ia, first_reserved_vm, first_reserved_raw, first_reserved_pa;
	int first_reserved_level;
	const struct s2_kvm_vm *cur_vm; /* the VM whose vCPUs are being listed */
	unsigned long bad_vcpus;    /* struct kvm_vcpu not in the dump (-p) */
	char first_bad_vcpu[S2_ERROR_MESSAGE_MAX];
};

static void note_problem(struct report *r, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e,
			 const char *indent)
{
	if (!r->problems++) {
		r->first_problem_ia = e->ia;
		r->first_problem_vm = vm->addr;
	}
	if (r->json) {
		s2_json_object_compact(&r->j, NULL);
		s2_json_str(&r->j, "type", "problem");
		s2_json_hex(&r->j, "ipa", e->ia);
		s2_json_hex(&r->j, "size", e->size);
		s2_json_i64(&r->j, "level", e->level);
		s2_json_hex(&r->j, "table_pa", s2_walk_problem_table(e));
		s2_json_str(&r->j, "problem", s2_walk_problem_name(e->problem));
		s2_json_end(&r->j);
	} else {
		fprintf(r->out, "%s!! 0x%016" PRIx64 "-0x%016" PRIx64 " L%d  table at PA 0x%" PRIx64 " %s\n", indent,
			e->ia, e->ia + e->size, e->level, s2_walk_problem_table(e), s2_walk_problem_text(e->problem));
	}
}

static void note_reserved(struct report *r, const struct s2_kvm_vm *vm, const struct s2_walk_entry *e,
			  const char *indent)
{
	if (!r->reserved++) {
		r->first_reserved_ia = e->ia;
		r->first_reserved_vm = vm->addr;
		r->first_reserved_level = e->level;
		r->first_reserved_raw = e->desc.raw;
		r->first_reserved_pa = e->desc_pa;
	}
	if (r->json) {
		s2_json_object_compact(&r->j, NULL);
		s2_json_str(&r->j, "type", "problem");
		s2_json_hex(&r->j, "ipa", e->ia);
		s2_json_hex(&r->j, "size", e->size);
		s2_json_i64(&r->j, "level", e->level);
		s2_json_hex(&r->j, "desc", e->desc.raw);
		s2_json_hex(&r->j, "desc_pa", e->desc_pa);
		s2_json_str(&r->j, "problem", "reserved");
		s2_json_end(&r->j);
	} else {
		fprintf(r->out, "%s!! 0x%016" PRIx64 "-0x%016" PRIx64 " L%d  reserved descriptor 0x%016" PRIx64
			" at PA 0x%" PRIx64 "\n", indent, e->ia, e->ia + e->size, e->level, e->desc.raw, e->desc_pa);
	}
}

static void perm_string(const struct s2_desc *d, char perm[4])
{
	perm[0] = (d->s2ap & 1) ? 'r' : '-';
	perm[1] = (d->s2ap & 2) ? 'w' : '-';
	perm[2] = d->xn == 0 ? 'x' : '-';
	perm[3] = 0;
}

void s2_report_vm_text_header(FILE *out, const struct s2_kvm_vm *vm, bool with_mmu)
{
	const struct s2_kvm_mmu *m = &vm->mmu;

	fprintf(out, "kvm 0x%016" PRIx64 "  pid %d  vcpus %u  memslots %u\n", vm->addr, vm->pid, vm->online_vcpus,
		vm->nr_memslots);
	if (!with_mmu)
		return;
	fprintf(out, "  mmu 0x%016" PRIx64 "  vmid %" PRIu64 "  vtcr 0x%016" PRIx64 "  vttbr 0x%016" PRIx64 "\n",
		m->addr, m->vmid & 0xffff, m->vtcr, s2_kvm_mmu_vttbr(m));
	fprintf(out, "  ipa_range %u  stage2_levels %d  pgd 0x%016" PRIx64 " (PA 0x%" PRIx64 ", %u table%s)\n",
		m->ia_bits, 4 - m->start_level, m->pgd, m->pgd_phys, m->geo.concat, m->geo.concat == 1 ? "" : "s");
}

static void vm_header_json(struct report *r, const struct s2_kvm_vm *vm)
{
	const struct s2_kvm_mmu *m = &vm->mmu;

	s2_json_hex(&r->j, "kvm", vm->addr);
	s2_json_i64(&r->j, "pid", vm->pid);
	s2_json_u64(&r->j, "vcpus", vm->online_vcpus);
	s2_json_u64(&r->j, "memslots", vm->nr_memslots);
	s2_json_object_compact(&r->j, "mmu");
	s2_json_hex(&r->j, "addr", m->addr);
	s2_json_u64(&r->j, "vmid", m->vmid & 0xffff);
	s2_json_hex(&r->j, "vtcr", m->vtcr);
	s2_json_hex(&r->j, "vttbr", s2_kvm_mmu_vttbr(m));
	s2_json_hex(&r->j, "pgt", m->pgt);
	if (vm->pkvm) {
		s2_json_null(&r->j, "ipa_range");
		s2_json_null(&r->j, "stage2_levels");
		s2_json_null(&r->j, "pgd");
	} else {
		s2_json_u64(&r->j, "ipa_range", m->ia_bits);
		s2_json_i64(&r->j, "stage2_levels", 4 - m->start_level);
		s2_json_hex(&r->j, "pgd", m->pgd);
	}
	s2_json_hex(&r->j, "pgd_pa", m->pgd_phys);
	s2_json_u64(&r->j, "concat", vm->pkvm ? 0 : m->geo.concat);
	s2_json_end(&r->j);
	s2_json_object_compact(&r->j, "pkvm");
	s2_json_bool(&r->j, "host_view_only", vm->pkvm);
	s2_json_bool(&r->j, "protected", vm->pkvm_protected);
	s2_json_str(&r->j, "detected_by", vm->pkvm ? vm->pkvm_why : NULL);
	s2_json_end(&r->j);
}

/* pKVM */

struct pkvm_list {
	struct report *r;
	unsigned long n;
	uint64_t pages;
};

static struct s2_error *pkvm_one(void *arg, const struct s2_kvm_pkvm_mapping *m)
{
	struct pkvm_list *p = arg;

	p->n++;
	p->pages += m->nr_pages;
	if (p->r->json) {
		s2_json_object_compact(&p->r->j, NULL);
		s2_json_hex(&p->r->j, "gfn", m->gfn);
		s2_json_hex(&p->r->j, "pfn", m->pfn);
		s2_json_u64(&p->r->j, "nr_pages", m->nr_pages);
		s2_json_end(&p->r->j);
	} else {
		fprintf(p->r->out, "  pkvm_mapping gfn 0x%" PRIx64 " pfn 0x%" PRIx64 " nr_pages %" PRIu64 "\n", m->gfn,
			m->pfn, m->nr_pages);
	}
	return NULL;
}

static struct s2_error *pkvm_mappings(struct report *r, const struct s2_kvm_vm *vm)
{
	struct pkvm_list p = { r, 0, 0 };
	struct s2_error *err;

	if (!r->json)
		/* one short line: the why is a few words (kvm.c), the full story is in docs/commands.md */
		fprintf(r->out, "  pKVM%s (%s): stage 2 in EL2-private memory, the host keeps only pkvm_mappings:\n",
			vm->pkvm_protected ? " protected VM" : "", vm->pkvm_why);
	else
		s2_json_array(&r->j, "pkvm_mappings");
	err = s2_kvm_for_each_pkvm_mapping(r->k, r->l, vm, pkvm_one, &p);
	if (r->json)
		s2_json_end(&r->j);
	else if (!err)
		fprintf(r->out, "  %lu pkvm_mapping%s, %" PRIu64 " pages\n", p.n, p.n == 1 ? "" : "s", p.pages);
	return err;
}

struct s2_error *s2_report_pkvm_text(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_kvm_vm *vm,
				     FILE *out)
{
	struct s2_report_opts o = { 0 };
	struct report r = { .k = k, .l = l, .o = &o, .out = out };

	return pkvm_mappings(&r, vm);
}

/*
 * -t on a pKVM VM: the host cannot see the stage 2, but pkvm_mappings says
 * which pfn backs each gfn it mapped, and in what size (a mapping is one
 * block or page the host asked the hypervisor for).
 */
struct pkvm_find {
	uint64_t gfn;
	bool found;
	struct s2_kvm_pkvm_mapping m;
};

static struct s2_error *pkvm_find_one(void *arg, const struct s2_kvm_pkvm_mapping *m)
{
	struct pkvm_find *f = arg;

	if (f->gfn >= m->gfn && f->gfn - m->gfn < m->nr_pages) {
		f->found = true;
		f->m = *m;
		return &s2_error_stop;
	}
	return NULL;
}

/* The level whose entries map exactly bytes (4 - ...), or 3 when no level does. */
static int pkvm_level(unsigned int page_shift, uint64_t bytes)
{
	for (int level = 0; level <= 3; level++)
		if (bytes == 1ULL << ((page_shift - 3) * (4 - level) + 3))
			return level;
	return 3;
}

static struct s2_error *pkvm_translate(struct report *r, const struct s2_kvm_vm *vm, uint64_t ipa)
{
	unsigned int ps = s2_kernel_info(r->k)->page_shift;
	struct pkvm_find f = { .gfn = ipa >> ps };
	struct s2_error *err = s2_kvm_for_each_pkvm_mapping(r->k, r->l, vm, pkvm_find_one, &f);
	uint64_t pa = 0, bytes = 0;
	int level = 3;

	if (err == &s2_error_stop)
		err = NULL;
	if (err)
		return err;
	if (f.found) {
		pa = ((f.m.pfn + (f.gfn - f.m.gfn)) << ps) | (ipa & ((1ULL << ps) - 1));
		bytes = f.m.nr_pages << ps;
		level = pkvm_level(ps, bytes);
	}
	if (r->json) {
		s2_json_object_compact(&r->j, "translation");
		s2_json_hex(&r->j, "ipa", ipa);
		if (f.found) {
			s2_json_hex(&r->j, "pa", pa);
			s2_json_i64(&r->j, "level", level);
			s2_json_str(&r->j, "kind", level == 3 ? "page" : "block");
			s2_json_hex(&r->j, "block_size", bytes);
			s2_json_hex(&r->j, "pkvm_mapping", f.m.addr);
		} else {
			s2_json_null(&r->j, "pa");
		}
		s2_json_null(&r->j, "fault");
		s2_json_end(&r->j);
		return NULL;
	}
	if (!f.found) {
		fprintf(r->out, "IPA 0x%016" PRIx64 " -> not mapped: no pkvm_mapping holds gfn 0x%" PRIx64 " (pKVM, %s)\n",
			ipa, f.gfn, vm->pkvm_why);
		return NULL;
	}
	fprintf(r->out, "IPA 0x%016" PRIx64 " -> PA 0x%016" PRIx64 "  level %d %s  pkvm_mapping gfn 0x%" PRIx64 " pfn 0x%"
		PRIx64 " nr_pages %" PRIu64 " (pKVM: host view, no descriptor)\n", ipa, pa, level,
		level == 3 ? "page" : "block", f.m.gfn, f.m.pfn, f.m.nr_pages);
	return NULL;
}

struct s2_error *s2_report_pkvm_translate(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_kvm_vm *vm,
					  uint64_t ipa, FILE *out)
{
	struct s2_report_opts o = { 0 };
	struct report r = { .k = k, .l = l, .o = &o, .out = out };

	return pkvm_translate(&r, vm, ipa);
}

/* Pre-fault report */

#define NLEVELS (S2_LEVEL_MAX - S2_LEVEL_MIN + 1)

struct coverage {
	struct report *r;
	const struct s2_kvm_vm *vm;
	struct s2_kvm_coverage sum;
	const char *indent;
	bool have_last_problem;   /* across the walks of one VM */
	uint64_t last_problem_pa;
	int last_problem_level;
};

/* The walk's problems and reserved leaves of one coverage walk (s2_kvm_coverage). */
static struct s2_error *coverage_note(void *arg, const struct s2_walk_entry *e)
{
	struct coverage *c = arg;

	if (e->event == S2_WALK_PROBLEM) {
		/*
		 * The slot and gap walks tile [0, 2^ia_bits) in ascending order and
		 * the walker clips a problem to the walk's range: a table that spans
		 * two walks comes twice in a row. Report it once, where it starts.
		 */
		if (c->have_last_problem && c->last_problem_pa == s2_walk_problem_table(e) && c->last_problem_level == e->level)
			return NULL;
		c->have_last_problem = true;
		c->last_problem_pa = s2_walk_problem_table(e);
		c->last_problem_level = e->level;
		note_problem(c->r, c->vm, e, c->indent);
		return NULL;
	}
	/* valid but reserved (0b01 at the last level, a block where none is allowed): damage */
	note_reserved(c->r, c->vm, e, c->indent);
	return NULL;
}

static struct s2_error *coverage_walk(struct report *r, const struct s2_kvm_vm *vm, uint64_t root,
				      struct coverage *c, uint64_t lo, uint64_t hi)
{
	c->r = r;
	c->vm = vm;
	return s2_kvm_coverage(r->k, &vm->mmu, root, lo, hi, coverage_note, c, &c->sum);
}

static void flags_string(uint32_t flags, char *buf, size_t len)
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

struct prefault_vm {
	struct report *r;
	const struct s2_kvm_vm *vm;
	uint64_t root;
	uint64_t prev_end;     /* end of the previous slot: the gap before this one is outside */
	uint64_t outside;
	struct coverage c;
};

static void print_groups(struct report *r, const struct s2_kvm_vm *vm, const struct coverage *c)
{
	static const char *const perms[8] = { "---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx" };

	for (int lv = 0; lv < NLEVELS; lv++)
		for (int kind = 0; kind < 2; kind++)
			for (int p = 0; p < 8; p++)
				for (int af = 0; af < 2; af++) {
					uint32_t n = c->sum.g[lv][kind][p][af].count;
					uint64_t bytes = c->sum.g[lv][kind][p][af].bytes;
					int level = lv + S2_LEVEL_MIN;
					char s1[32], s2[32];

					if (!n)
						continue;
					if (r->json) {
						s2_json_object_compact(&r->j, NULL);
						s2_json_i64(&r->j, "level", level);
						s2_json_str(&r->j, "kind", kind ? "page" : "block");
						s2_json_str(&r->j, "perm", perms[p]);
						s2_json_u64(&r->j, "af", (uint64_t)af);
						s2_json_u64(&r->j, "count", n);
						s2_json_hex(&r->j, "leaf_size", s2_level_size(&vm->mmu.geo, level));
						s2_json_hex(&r->j, "bytes", bytes);
						s2_json_end(&r->j);
						continue;
					}
					s2_report_format_size(s1, sizeof(s1), s2_level_size(&vm->mmu.geo, level));
					s2_report_format_size(s2, sizeof(s2), bytes);
					fprintf(r->out, "  L%d %s %s AF=%d  %" PRIu32 " x %s = %s\n", level,
						kind ? "page" : "block", perms[p], af, n, s1, s2);
				}
}

static struct s2_error *prefault_slot(void *arg, const struct s2_kvm_memslot *s)
{
	struct prefault_vm *p = arg;
	struct report *r = p->r;
	char flags[64], s1[32], s2[32];
	struct s2_error *err;

	if (r->json)
		s2_json_object(&r->j, NULL);
	if (!p->vm->pkvm) {
		/* the gap before this slot: valid leaves there are outside every memslot */
		p->c.indent = "";
		if (r->json)
			s2_json_array(&r->j, "gap_problems");
		err = coverage_walk(r, p->vm, p->root, &p->c, p->prev_end, s->gpa);
		if (err)
			return err;
		if (r->json) {
			s2_json_end(&r->j);
			s2_json_hex(&r->j, "gap_outside_mapped", p->c.sum.mapped);
		}
		p->outside += p->c.sum.mapped;
		if (s->gpa + s->size > p->prev_end)
			p->prev_end = s->gpa + s->size;
	}
	flags_string(s->flags, flags, sizeof(flags));
	if (r->json) {
		s2_json_i64(&r->j, "id", s->id);
		s2_json_u64(&r->j, "as_id", s->as_id);
		s2_json_hex(&r->j, "addr", s->addr);
		s2_json_hex(&r->j, "gpa", s->gpa);
		s2_json_hex(&r->j, "size", s->size);
		s2_json_hex(&r->j, "base_gfn", s->base_gfn);
		s2_json_u64(&r->j, "npages", s->npages);
		s2_json_hex(&r->j, "uaddr", s->userspace_addr);
		s2_json_u64(&r->j, "flags", s->flags);
		s2_json_str(&r->j, "flag_names", flags);
		s2_json_hex(&r->j, "dirty_bitmap", s->dirty_bitmap);
	} else {
		s2_report_format_size(s1, sizeof(s1), s->size);
		fprintf(r->out, "memslot %d gpa 0x%016" PRIx64 "-0x%016" PRIx64 " size %s uaddr 0x%016" PRIx64
			" flags %s\n", s->id, s->gpa, s->gpa + s->size, s1, s->userspace_addr, flags);
	}
	if (p->vm->pkvm) {
		if (r->json) {
			s2_json_null(&r->j, "mapped");
			s2_json_end(&r->j);
		} else {
			fprintf(r->out, "  mapped: not visible to the host (pKVM)\n");
		}
		return NULL;
	}
	p->c.indent = "  ";
	if (r->json)
		s2_json_array(&r->j, "problems");
	err = coverage_walk(r, p->vm, p->root, &p->c, s->gpa, s->gpa + s->size);
	if (err)
		return err;
	if (r->json)
		s2_json_end(&r->j);
	if (r->json) {
		s2_json_hex(&r->j, "mapped", p->c.sum.mapped);
		s2_json_array(&r->j, "groups");
		print_groups(r, p->vm, &p->c);
		s2_json_end(&r->j);
		s2_json_end(&r->j);
		return NULL;
	}
	s2_report_format_size(s1, sizeof(s1), p->c.sum.mapped);
	s2_report_format_size(s2, sizeof(s2), s->size);
	fprintf(r->out, "  mapped %s of %s (%u%%)\n", s1, s2,
		s->size ? (unsigned int)((unsigned __int128)p->c.sum.mapped * 100 / s->size) : 0);
	print_groups(r, p->vm, &p->c);
	return NULL;
}

/*
 * Which stage 2 the vCPU last ran on (vcpu->arch.hw_mmu): the canonical one, a nested MMU
 * (nested virtualization: what pre-faulting the canonical table does not populate), none.
 */
static void hw_mmu_json(struct report *r, const struct s2_kvm_vm *vm, uint64_t hw_mmu)
{
	if (!hw_mmu) {
		s2_json_str(&r->j, "hw_mmu_is", "none");
		return;
	}
	if (hw_mmu == vm->mmu.addr) {
		s2_json_str(&r->j, "hw_mmu_is", "canonical");
		return;
	}
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		struct s2_error *err = s2_kvm_read_nested_mmu(r->k, r->l, vm, i, &m);

		if (err) {
			s2_error_destroy(err);
			break;
		}
		if (m.addr == hw_mmu) {
			s2_json_str(&r->j, "hw_mmu_is", "nested");
			s2_json_u64(&r->j, "hw_mmu_nested_index", i);
			return;
		}
	}
	s2_json_str(&r->j, "hw_mmu_is", "unknown");
}

static struct s2_error *vcpu_one(void *arg, const struct s2_kvm_vcpu *v)
{
	struct report *r = arg;
	struct s2_esr_info e;

	if (v->unreadable) {
		if (!r->bad_vcpus++)
			snprintf(r->first_bad_vcpu, sizeof(r->first_bad_vcpu), "%s", v->unreadable);
		if (r->json) {
			s2_json_object_compact(&r->j, NULL);
			s2_json_u64(&r->j, "index", v->index);
			s2_json_hex(&r->j, "addr", v->addr);
			s2_json_str(&r->j, "error", v->unreadable);
			s2_json_end(&r->j);
		} else {
			fprintf(r->out, "vcpu %" PRIu64 "  !! struct kvm_vcpu 0x%016" PRIx64 " unreadable: %s\n", v->index,
				v->addr, v->unreadable);
		}
		return NULL;
	}
	s2_esr_decode(v->esr_el2, v->far_el2, v->hpfar_el2, &e);
	if (r->json) {
		s2_json_object_compact(&r->j, NULL);
		s2_json_u64(&r->j, "index", v->index);
		s2_json_i64(&r->j, "id", v->vcpu_id);
		s2_json_i64(&r->j, "vcpu_idx", v->vcpu_idx);
		s2_json_hex(&r->j, "addr", v->addr);
		s2_json_hex(&r->j, "hw_mmu", v->hw_mmu);
		if (r->cur_vm)
			hw_mmu_json(r, r->cur_vm, v->hw_mmu);
		s2_json_hex(&r->j, "esr_el2", v->esr_el2);
		s2_json_hex(&r->j, "far_el2", v->far_el2);
		s2_json_hex(&r->j, "hpfar_el2", v->hpfar_el2);
		if (!v->esr_el2) {
			s2_json_null(&r->j, "fault");
		} else {
			s2_json_object_compact(&r->j, "fault");
			s2_json_hex(&r->j, "ec", e.ec);
			s2_json_str(&r->j, "ec_name", e.ec_name);
			s2_json_bool(&r->j, "abort", e.is_abort);
			if (e.is_abort) {
				s2_json_hex(&r->j, "fsc", e.fsc);
				s2_json_str(&r->j, "fsc_name", e.fsc_name);
				if (e.has_level)
					s2_json_i64(&r->j, "level", e.level);
				else
					s2_json_null(&r->j, "level");
				s2_json_u64(&r->j, "wnr", e.wnr);
				s2_json_u64(&r->j, "s1ptw", e.s1ptw);
				s2_json_hex(&r->j, "fault_ipa", e.fault_ipa);
			} else {
				s2_json_hex(&r->j, "iss", e.iss);
			}
			s2_json_end(&r->j);
		}
		s2_json_end(&r->j);
		return NULL;
	}
	fprintf(r->out, "vcpu %" PRIu64 " id %d  esr_el2 0x%016" PRIx64 "  far_el2 0x%016" PRIx64 "  hpfar_el2 0x%016"
		PRIx64 "%s\n", v->index, v->vcpu_id, v->esr_el2, v->far_el2, v->hpfar_el2,
		(uint64_t)v->vcpu_idx != v->index ? "  (vcpu_idx disagrees with its vcpu_array index)" : "");
	if (!v->esr_el2) {
		fprintf(r->out, "  no fault recorded\n");
	} else if (e.is_abort) {
		fprintf(r->out, "  %s (EC 0x%02x)  %s", e.ec_name, e.ec, e.fsc_name);
		if (e.has_level)
			fprintf(r->out, ", level %d", e.level);
		fprintf(r->out, " (FSC 0x%02x)  WnR %d  fault IPA 0x%016" PRIx64 "%s\n", e.fsc, e.wnr, e.fault_ipa,
			e.s1ptw ? "  S1PTW" : "");
	} else {
		fprintf(r->out, "  %s (EC 0x%02x)  ISS 0x%07x\n", e.ec_name, e.ec, e.iss);
	}
	return NULL;
}

static struct s2_error *prefault_vm(struct report *r, const struct s2_kvm_vm *vm)
{
	struct prefault_vm *p = calloc(1, sizeof(*p)); /* the coverage table is 5 KiB: keep it off crash's stack */
	struct s2_error *err = NULL;
	char s1[32];

	if (!p)
		return &s2_error_nomem;
	p->r = r;
	p->vm = vm;
	if (!r->json)
		s2_report_vm_text_header(r->out, vm, false);
	else
		vm_header_json(r, vm);
	if (!vm->pkvm)
		err = s2_kvm_mmu_root(r->k, &vm->mmu, &p->root);
	if (!err) {
		if (r->json)
			s2_json_array(&r->j, "memslots");
		err = s2_kvm_for_each_memslot(r->k, r->l, vm, prefault_slot, p);
		if (r->json && !err) {
			s2_json_end(&r->j);
		}
	}
	if (!err && !vm->pkvm) {
		p->c.indent = "";
		if (r->json)
			s2_json_array(&r->j, "outside_problems");
		err = coverage_walk(r, vm, p->root, &p->c, p->prev_end, 1ULL << vm->mmu.ia_bits);
		if (r->json && !err)
			s2_json_end(&r->j);
		p->outside += p->c.sum.mapped;
		if (!err && r->json) {
			s2_json_hex(&r->j, "outside_mapped", p->outside);
		} else if (!err && p->outside) {
			s2_report_format_size(s1, sizeof(s1), p->outside);
			fprintf(r->out, "outside memslots mapped %s\n", s1);
		}
	}
	if (!err && vm->pkvm)
		err = pkvm_mappings(r, vm);
	if (!err) {
		if (r->json)
			s2_json_array(&r->j, "vcpus");
		r->cur_vm = vm;
		err = s2_kvm_for_each_vcpu(r->k, r->l, vm, vcpu_one, r);
		r->cur_vm = NULL;
		if (r->json && !err)
			s2_json_end(&r->j);
	}
	free(p);
	return err;
}

/* JSON of the stage 2 itself: valid leaves (default and -v) and -t */

struct leaves {
	struct report *r;
	const struct s2_kvm_vm *vm;
};

static struct s2_error *leaf_json(void *arg, const struct s2_walk_entry *e)
{
	struct leaves *lv = arg;
	struct s2_json *j = &lv->r->j;
	const struct s2_desc *d = &e->desc;
	char perm[4];

	if (e->event == S2_WALK_PROBLEM) {
		note_problem(lv->r, lv->vm, e, "");
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || !(d->raw & 1))
		return NULL;
	perm_string(d, perm);
	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", "leaf");
	s2_json_hex(j, "ipa", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_i64(j, "level", e->level);
	s2_json_str(j, "kind", d->kind == S2_DESC_BLOCK ? "block" : d->kind == S2_DESC_PAGE ? "page" : "reserved");
	s2_json_hex(j, "oa", d->oa);
	s2_json_hex(j, "desc", d->raw);
	s2_json_hex(j, "desc_pa", e->desc_pa);
	s2_json_str(j, "perm", perm);
	s2_json_u64(j, "xn", d->xn);
	s2_json_u64(j, "af", d->af);
	s2_json_u64(j, "sh", d->sh);
	s2_json_hex(j, "memattr", d->memattr);
	s2_json_bool(j, "contiguous", d->contiguous);
	s2_json_bool(j, "dbm", d->dbm);
	s2_json_hex(j, "sw", d->sw);
	s2_json_end(j);
	return NULL;
}

static struct s2_error *translate_json(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_mem mem = s2_kvm_host_mem(r->k);
	struct s2_translation t;
	uint64_t root;
	char perm[4];
	struct s2_error *err = s2_kvm_mmu_root(r->k, &vm->mmu, &root);

	if (!err)
		err = s2_translate(&vm->mmu.geo, root, &mem, r->o->ipa, &t);
	if (err)
		return err;
	s2_json_object_compact(&r->j, "translation");
	s2_json_hex(&r->j, "ipa", r->o->ipa);
	if (t.fault.type == S2_FAULT_NONE || t.fault.type == S2_FAULT_ACCESS_FLAG) {
		perm_string(&t.desc, perm);
		s2_json_hex(&r->j, "pa", t.oa);
		s2_json_i64(&r->j, "level", t.level);
		s2_json_str(&r->j, "kind", t.desc.kind == S2_DESC_BLOCK ? "block" : "page");
		s2_json_hex(&r->j, "block_size", t.block_size);
		s2_json_hex(&r->j, "desc", t.desc.raw);
		s2_json_hex(&r->j, "desc_pa", t.desc_pa);
		s2_json_str(&r->j, "perm", perm);
		s2_json_u64(&r->j, "af", t.desc.af);
	} else {
		s2_json_null(&r->j, "pa");
		s2_json_i64(&r->j, "level", t.level);
	}
	if (t.fault.type == S2_FAULT_NONE) {
		s2_json_null(&r->j, "fault");
	} else {
		s2_json_object_compact(&r->j, "fault");
		s2_json_str(&r->j, "type", s2_fault_type_name(t.fault.type));
		s2_json_i64(&r->j, "level", t.fault.level);
		s2_json_hex(&r->j, "fsc", t.fault.fsc);
		if (t.read_error[0])
			s2_json_str(&r->j, "read_error", t.read_error);
		s2_json_end(&r->j);
	}
	s2_json_end(&r->j);
	return NULL;
}

static struct s2_error *dump_vm_json(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_mem mem = s2_kvm_host_mem(r->k);
	struct leaves lv = { r, vm };
	struct s2_walker w = { leaf_json, &lv, S2_WALK_SKIP_INVALID, 0 };
	uint64_t root;
	struct s2_error *err;

	vm_header_json(r, vm);
	if (vm->pkvm && r->o->translate)
		return pkvm_translate(r, vm, r->o->ipa);
	if (vm->pkvm)
		return pkvm_mappings(r, vm);
	if (r->o->translate)
		return translate_json(r, vm);
	err = s2_kvm_mmu_root(r->k, &vm->mmu, &root);
	if (err)
		return err;
	s2_json_array(&r->j, "entries");
	err = s2_walk(&vm->mmu.geo, root, &mem, 0, 1ULL << vm->mmu.ia_bits, &w);
	if (!err)
		s2_json_end(&r->j);
	return err;
}

static struct s2_error *one_vm(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_error *err;

	if (r->json) {
		s2_json_object(&r->j, NULL);
		err = r->o->prefault ? prefault_vm(r, vm) : dump_vm_json(r, vm);
		if (!err)
			s2_json_end(&r->j);
		return err;
	}
	if (r->vms)
		fputc('\n', r->out);
	return prefault_vm(r, vm);
}

static struct s2_error *each_vm(void *arg, const struct s2_kvm_vm *vm)
{
	struct report *r = arg;
	struct s2_error *err = one_vm(r, vm);

	r->vms++;
	return err;
}

static void json_begin(struct report *r, const char *command, const char *mode)
{
	const struct s2_kernel_info *ki = s2_kernel_info(r->k);

	s2_json_init(&r->j, r->out);
	s2_json_object(&r->j, NULL);
	s2_json_str(&r->j, "schema", S2_JSON_SCHEMA);
	s2_json_str(&r->j, "command", command);
	s2_json_str(&r->j, "mode", mode);
	s2_json_object_compact(&r->j, "kernel");
	s2_json_str(&r->j, "release", ki->osrelease);
	s2_json_u64(&r->j, "page_size", 1ULL << ki->page_shift);
	s2_json_u64(&r->j, "va_bits", ki->va_bits);
	s2_json_u64(&r->j, "va_bits_actual", ki->va_bits_actual);
	s2_json_end(&r->j);
}

/* Close the document; on error, the open containers first, then "error" at the top. */
static void json_end(struct report *r, const struct s2_error *err, int status)
{
	while (r->j.depth > 1)
		s2_json_end(&r->j);
	s2_json_u64(&r->j, "status", (uint64_t)status);
	if (err)
		s2_json_str(&r->j, "error", err->message);
	else
		s2_json_null(&r->j, "error");
	s2_json_finish(&r->j);
}

struct s2_error *s2_report_run(struct s2_kernel *k, const struct s2_kvm_layout *l, const struct s2_report_opts *o,
			       FILE *out, int *status)
{
	struct report r = { .k = k, .l = l, .o = o, .out = out, .json = o->json };
	struct s2_error *err;

	*status = S2_STATUS_OK;
	if (r.json) {
		json_begin(&r, "s2dump", o->prefault ? "prefault" : o->translate ? "translate" :
			   o->verbose ? "leaves" : "dump");
		s2_json_array(&r.j, "vms");
	}
	/* a pid covers every VM its VMM runs (and names none: no VM is an error) */
	err = s2_kvm_for_each_named_vm(k, l, o->vm, each_vm, &r, NULL);
	if (!err && !r.vms && !r.json)
		fprintf(out, "no VMs on vm_list\n");
	if (!err && r.problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "kvm 0x%" PRIx64 ": %lu stage-2 table(s) unreadable, first at IPA 0x%"
				      PRIx64, r.first_problem_vm, r.problems, r.first_problem_ia);
	} else if (!err && r.reserved) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_CORRUPT, "kvm 0x%" PRIx64 ": %lu reserved descriptor(s), first at IPA 0x%" PRIx64
				      ": level %d descriptor 0x%016" PRIx64 " at PA 0x%" PRIx64 " (reserved encoding)",
				      r.first_reserved_vm, r.reserved, r.first_reserved_ia, r.first_reserved_level,
				      r.first_reserved_raw, r.first_reserved_pa);
	} else if (!err && r.bad_vcpus) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "%lu vCPU(s) unreadable, first: %s", r.bad_vcpus, r.first_bad_vcpu);
	}
	if (r.json)
		json_end(&r, err, err ? (*status == S2_STATUS_FINDINGS ? S2_STATUS_FINDINGS : S2_STATUS_ERROR) : 0);
	return err;
}

/* nesteds2 list -j */

struct nested_json {
	struct report *r;
};

static struct s2_error *nested_vm_json(struct report *r, const struct s2_kvm_vm *vm)
{
	struct s2_error *err = NULL;

	s2_json_object(&r->j, NULL);
	s2_json_hex(&r->j, "kvm", vm->addr);
	s2_json_i64(&r->j, "pid", vm->pid);
	s2_json_u64(&r->j, "nested_mmus_size", vm->nested_mmus_size);
	s2_json_array(&r->j, "nested_mmus");
	for (uint64_t i = 0; i < vm->nested_mmus_size && !err; i++) {
		struct s2_kvm_mmu m;

		err = s2_kvm_read_nested_mmu(r->k, r->l, vm, i, &m);
		if (err)
			break;
		s2_json_object_compact(&r->j, NULL);
		s2_json_u64(&r->j, "index", i);
		s2_json_hex(&r->j, "addr", m.addr);
		s2_json_hex(&r->j, "tlb_vttbr", m.tlb_vttbr);
		s2_json_hex(&r->j, "tlb_vtcr", m.tlb_vtcr);
		s2_json_bool(&r->j, "nested_stage2_enabled", m.nested_stage2_enabled);
		s2_json_bool(&r->j, "valid", m.valid);
		s2_json_u64(&r->j, "vmid", m.vmid & 0xffff);
		s2_json_i64(&r->j, "refcnt", m.refcnt);
		s2_json_bool(&r->j, "pending_unmap", m.pending_unmap);
		s2_json_hex(&r->j, "pgt", m.pgt);
		s2_json_hex(&r->j, "pgd_pa", m.pgd_phys);
		s2_json_end(&r->j);
	}
	if (!err) {
		s2_json_end(&r->j);
		s2_json_end(&r->j);
	}
	return err;
}

static struct s2_error *nested_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct report *r = arg;

	r->vms++;
	return nested_vm_json(r, vm);
}

struct s2_error *s2_report_nested_list_json(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *vm_arg,
					    FILE *out)
{
	struct s2_report_opts o = { .json = true };
	struct report r = { .k = k, .l = l, .o = &o, .out = out, .json = true };
	struct s2_error *err;

	json_begin(&r, "nesteds2", "list");
	s2_json_array(&r.j, "vms");
	err = s2_kvm_for_each_named_vm(k, l, vm_arg, nested_each, &r, NULL);
	json_end(&r, err, err ? S2_STATUS_ERROR : 0);
	return err;
}

static void nested_mmu_json(struct report *r, const struct s2_kvm_nested_target *t);

/* nesteds2 dump -j: the shadow MMU and its valid leaves, as s2dump -j's entries */

struct s2_error *s2_report_nested_dump_json(struct s2_kernel *k, const struct s2_kvm_layout *l,
					    const struct s2_kvm_nested_target *t, FILE *out, int *status)
{
	struct s2_report_opts o = { .json = true };
	struct report r = { .k = k, .l = l, .o = &o, .out = out, .json = true };
	const struct s2_kvm_mmu *m = &t->mmu;
	struct s2_mem mem = s2_kvm_host_mem(k);
	struct leaves lv = { &r, &t->vm };
	struct s2_walker w = { leaf_json, &lv, S2_WALK_SKIP_INVALID, 0 };
	uint64_t root;
	struct s2_error *err;

	*status = S2_STATUS_OK;
	json_begin(&r, "nesteds2", "dump");
	s2_json_object(&r.j, "nested_mmu");
	nested_mmu_json(&r, t);
	s2_json_u64(&r.j, "vmid", m->vmid & 0xffff);
	s2_json_hex(&r.j, "pgt", m->pgt);
	s2_json_hex(&r.j, "pgd_pa", m->pgd_phys);
	if (m->pgt && m->pgd) {
		s2_json_u64(&r.j, "ipa_range", m->ia_bits);
		s2_json_i64(&r.j, "stage2_levels", 4 - m->start_level);
	} else {
		s2_json_null(&r.j, "ipa_range");
		s2_json_null(&r.j, "stage2_levels");
	}
	err = s2_kvm_mmu_root(k, m, &root);
	if (!err) {
		s2_json_array(&r.j, "entries");
		err = s2_walk(&m->geo, root, &mem, 0, 1ULL << m->ia_bits, &w);
		if (!err)
			s2_json_end(&r.j);
	}
	if (!err && r.problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "kvm_s2_mmu 0x%" PRIx64 ": %lu table(s) unreadable, first at IPA 0x%"
				      PRIx64, m->addr, r.problems, r.first_problem_ia);
	}
	json_end(&r, err, err ? (*status == S2_STATUS_FINDINGS ? S2_STATUS_FINDINGS : S2_STATUS_ERROR) : 0);
	return err;
}

/* nesteds2 guest -j: the guest hypervisor's stage 2 from the guest walk's facts */

static void nested_mmu_json(struct report *r, const struct s2_kvm_nested_target *t)
{
	const struct s2_kvm_mmu *m = &t->mmu;
	char name[S2_NESTED_NAME_SIZE];

	s2_ptdump_nested_name_rules(name, s2_kvm_layout_rules(r->l), t->index, m->tlb_vttbr, m->tlb_vtcr,
				    m->nested_stage2_enabled);
	s2_json_hex(&r->j, "kvm", t->vm.addr);
	s2_json_i64(&r->j, "pid", t->vm.pid);
	s2_json_u64(&r->j, "index", t->index);
	s2_json_hex(&r->j, "addr", m->addr);
	s2_json_str(&r->j, "name", name);
	s2_json_bool(&r->j, "valid", m->valid);
	s2_json_hex(&r->j, "tlb_vttbr", m->tlb_vttbr);
	s2_json_hex(&r->j, "tlb_vtcr", m->tlb_vtcr);
	s2_json_bool(&r->j, "nested_stage2_enabled", m->nested_stage2_enabled);
}

static void fault_json(struct report *r, const char *key, const struct s2_fault *f)
{
	if (f->type == S2_FAULT_NONE) {
		s2_json_null(&r->j, key);
		return;
	}
	s2_json_object_compact(&r->j, key);
	s2_json_str(&r->j, "type", s2_fault_type_name(f->type));
	s2_json_i64(&r->j, "level", f->level);
	s2_json_hex(&r->j, "fsc", f->fsc);
	s2_json_end(&r->j);
}

struct guest_json {
	struct report *r;
	const struct s2_geometry *geo;
};

static void guest_leaf_json(void *arg, const struct s2_walk_entry *e)
{
	struct guest_json *g = arg;
	struct s2_json *j = &g->r->j;
	const struct s2_desc *d = &e->desc;
	char perm[4];

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", "leaf");
	s2_json_hex(j, "l2", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_i64(j, "level", e->level);
	s2_json_str(j, "kind", d->kind == S2_DESC_BLOCK ? "block" : d->kind == S2_DESC_PAGE ? "page" : "reserved");
	s2_json_hex(j, "l1", d->oa);
	s2_json_str(j, "perm", s2_nested_perm_str(s2_nested_perm(d), perm));
	s2_json_u64(j, "af", d->af);
	s2_json_hex(j, "desc", d->raw);
	s2_json_hex(j, "desc_l1", e->desc_pa);
	s2_json_bool(j, "beyond_oa", s2_nested_guest_beyond_oa(g->geo, d));
	s2_json_end(j);
}

static void guest_problem_json(void *arg, const struct s2_nested_guest_problem *p)
{
	struct s2_json *j = &((struct guest_json *)arg)->r->j;

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", "problem");
	s2_json_hex(j, "l2", p->l2);
	s2_json_hex(j, "size", p->size);
	s2_json_i64(j, "level", p->level);
	s2_json_hex(j, "table_l1", p->table);
	if (p->problem != S2_PROBLEM_READ) {
		s2_json_str(j, "problem", s2_walk_problem_name(p->problem));
	} else if (p->fail == S2_NESTED_READ_UNMAPPED) {
		s2_json_str(j, "problem", "unmapped");
		s2_json_bool(j, "memslots_tried", p->memslots);
	} else if (p->fail == S2_NESTED_READ_VMM_UNMAPPED) {
		s2_json_str(j, "problem", "vmm_unmapped");
		s2_json_i64(j, "memslot", p->slot);
		s2_json_hex(j, "uaddr", p->uaddr);
	} else {
		s2_json_str(j, "problem", "missing");
		s2_json_hex(j, "pa", p->pa);
	}
	s2_json_end(j);
}

struct s2_error *s2_report_nested_guest_json(struct s2_kernel *k, const struct s2_kvm_layout *l,
					     const struct s2_kvm_nested_target *t, const struct s2_nested_guest *g,
					     struct s2_nested_l1mem *l1mem, FILE *out, int *status)
{
	struct s2_report_opts o = { .json = true };
	struct report r = { .k = k, .l = l, .o = &o, .out = out, .json = true };
	struct guest_json gj = { &r, g ? &g->geo : NULL };
	struct s2_nested_guest_visitor v = { guest_leaf_json, guest_problem_json, &gj };
	unsigned long problems = 0;
	uint64_t first = 0;
	struct s2_error *err = NULL;

	*status = S2_STATUS_OK;
	json_begin(&r, "nesteds2", "guest");
	s2_json_object(&r.j, "nested_mmu");
	nested_mmu_json(&r, t);
	if (!g) {
		/* an unused shadow MMU: no guest stage 2 cached */
		s2_json_null(&r.j, "guest");
	} else {
		s2_json_object(&r.j, "guest");
		s2_json_bool(&r.j, "enabled", g->enabled);
		if (g->enabled) {
			fault_json(&r, "refused", &g->refused);
			if (g->refused.type == S2_FAULT_NONE) {
				s2_json_str(&r.j, "granule", s2_nested_granule_name(g->geo.granule_shift));
				s2_json_u64(&r.j, "ia_bits", g->geo.ia_bits);
				s2_json_i64(&r.j, "start_level", g->geo.start_level);
				s2_json_u64(&r.j, "concat", g->geo.concat);
				s2_json_u64(&r.j, "oa_bits", g->geo.oa_bits);
				s2_json_hex(&r.j, "root_l1", g->root);
				fault_json(&r, "base_fault", &g->base_fault);
				if (g->base_fault.type == S2_FAULT_NONE) {
					s2_json_array(&r.j, "entries");
					err = s2_nested_guest_walk(g, l1mem, &v, &problems, &first);
					if (!err)
						s2_json_end(&r.j);
				}
			}
		}
	}
	if (!err && problems) {
		*status = S2_STATUS_FINDINGS;
		err = s2_error_create(S2_ERROR_FAULT, "nested mmu 0x%" PRIx64 ": %lu guest stage-2 table(s) unreadable or "
				      "out of range, first at L2 IPA 0x%" PRIx64, t->mmu.addr, problems, first);
	}
	json_end(&r, err, err ? (*status == S2_STATUS_FINDINGS ? S2_STATUS_FINDINGS : S2_STATUS_ERROR) : 0);
	return err;
}

/* nesteds2 check -j: the check's findings as they come, then the counts */

struct s2_report_check {
	struct report r;
	struct s2_report_opts o;
	struct s2_nested_check_visitor shadow;
};

static void check_side_json(struct s2_json *j, const char *key, bool mapped, const char *addr_key, uint64_t addr,
			    unsigned int perm)
{
	char buf[4];

	if (!mapped) {
		s2_json_null(j, key);
		return;
	}
	s2_json_object_compact(j, key);
	s2_json_hex(j, addr_key, addr);
	s2_json_str(j, "perm", s2_nested_perm_str(perm, buf));
	s2_json_end(j);
}

static void check_verdict_json(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *e,
			       const struct s2_nested_verdict *v)
{
	struct s2_json *j = &((struct s2_report_check *)arg)->r.j;
	char perm[4];

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", v->kind == S2_NESTED_NOT_CHECKABLE ? "not_checkable" : "violation");
	s2_json_hex(j, "mmu", mmu_addr);
	s2_json_i64(j, "index", index);
	s2_json_hex(j, "l2", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_hex(j, "at", v->at);
	if (v->kind == S2_NESTED_NOT_CHECKABLE) {
		s2_json_str(j, "table", v->nc_guest ? "guest" : "canonical");
		s2_json_hex(j, "l1", v->nc_l1);
		s2_json_hex(j, "pa", v->nc_pa);
		s2_json_str(j, "what", v->nc_what ? v->nc_what : "page");
	} else {
		s2_json_str(j, "kind", s2_nested_kind_name(v->kind));
		s2_json_object_compact(j, "shadow");
		s2_json_hex(j, "pa", v->shadow_oa);
		s2_json_str(j, "perm", s2_nested_perm_str(v->shadow_perm, perm));
		s2_json_end(j);
		check_side_json(j, "guest", v->guest_mapped, "l1", v->guest_l1, v->guest_perm);
		check_side_json(j, "canonical", v->canon_mapped, "pa", v->canon_pa, v->canon_perm);
	}
	s2_json_end(j);
}

static void check_problem_json(void *arg, uint64_t mmu_addr, int index, const struct s2_walk_entry *e)
{
	struct s2_json *j = &((struct s2_report_check *)arg)->r.j;

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", "problem");
	s2_json_hex(j, "mmu", mmu_addr);
	s2_json_i64(j, "index", index);
	s2_json_hex(j, "l2", e->ia);
	s2_json_hex(j, "size", e->size);
	s2_json_i64(j, "level", e->level);
	s2_json_hex(j, "table_pa", s2_walk_problem_table(e));
	s2_json_str(j, "problem", s2_walk_problem_name(e->problem));
	s2_json_end(j);
}

struct s2_report_check *s2_report_check_begin(struct s2_kernel *k, const struct s2_kvm_layout *l, FILE *out)
{
	struct s2_report_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o.json = true;
	c->r = (struct report){ .k = k, .l = l, .o = &c->o, .out = out, .json = true };
	c->shadow = (struct s2_nested_check_visitor){ check_verdict_json, check_problem_json, c };
	json_begin(&c->r, "nesteds2", "check");
	s2_json_array(&c->r.j, "findings");
	return c;
}

const struct s2_nested_check_visitor *s2_report_check_shadow(struct s2_report_check *c)
{
	return &c->shadow;
}

void s2_report_check_vcpu(struct s2_report_check *c, const struct s2_report_check_vcpu *v)
{
	struct s2_json *j = &c->r.j;

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", "vcpu");
	s2_json_hex(j, "mmu", v->mmu);
	s2_json_u64(j, "index", v->index);
	s2_json_str(j, "name", v->name);
	s2_json_u64(j, "vcpu", v->vcpu_index);
	s2_json_i64(j, "id", v->vcpu_id);
	s2_json_hex(j, "vttbr_el2", v->vttbr);
	s2_json_hex(j, "vtcr_el2", v->vtcr);
	if (v->hcr_unknown) {
		s2_json_null(j, "hcr_vm");
		s2_json_str(j, "verdict", "not_compared");
		s2_json_str(j, "why", v->hcr_unknown);
	} else {
		s2_json_i64(j, "hcr_vm", v->hcr_vm);
		s2_json_str(j, "verdict", "stale");
	}
	s2_json_end(j);
}

void s2_report_check_note(struct s2_report_check *c, const char *type, const char *addr_key, uint64_t addr,
			  int index, const char *error)
{
	struct s2_json *j = &c->r.j;

	s2_json_object_compact(j, NULL);
	s2_json_str(j, "type", type);
	s2_json_hex(j, addr_key, addr);
	if (index >= 0)
		s2_json_i64(j, "index", index);
	if (error)
		s2_json_str(j, "error", error);
	s2_json_end(j);
}

void s2_report_check_end(struct s2_report_check *c, const struct s2_report_check_summary *s,
			 const struct s2_error *err, int status)
{
	struct s2_json *j = &c->r.j;

	while (j->depth > 1)
		s2_json_end(j);
	if (!err) {
		s2_json_object_compact(j, "summary");
		s2_json_u64(j, "shadow_mmus", s->shadow_mmus);
		s2_json_u64(j, "leaves", s->leaves);
		s2_json_u64(j, "violations", s->violations);
		s2_json_u64(j, "not_checkable", s->not_checkable);
		s2_json_u64(j, "problems", s->problems);
		s2_json_u64(j, "stale_vcpus", s->stale_vcpus);
		s2_json_u64(j, "unknown_vcpus", s->unknown_vcpus);
		s2_json_u64(j, "hcr_unknown_vcpus", s->hcr_unknown_vcpus);
		s2_json_end(j);
	}
	json_end(&c->r, err, status);
	free(c);
}
