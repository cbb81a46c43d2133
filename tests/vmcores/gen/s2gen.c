/*
 * s2gen: writes a synthetic AArch64 /proc/vmcore-style ELF dump from a scenario file, plus the
 * expected results computed from the scenario's own table model (never by running s2dump).
 *
 * Build: one binary per layout, with -DLAYOUT_NAME="linux-6.12" -DLAYOUT_VER=612 and
 * -I tests/vmcores/layouts/<L> so that kernel objects are filled by member name from D's header.
 *
 * Usage: s2gen SCENARIO VMLINUX OUTDIR
 */
/* D's header first: it is self-contained, and its own typedefs (bool, u64...) must not collide
 * with macros from the system headers below. */
#include "kernel_structs.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LAYOUT_VER
#error "LAYOUT_VER must be defined (601, 612, 702)"
#endif

/* Stores a guest-side pointer or u64 into a member of either type (D may declare pointers as C
 * pointers: both are 8 bytes on the LP64 host and target). */
#define SET64(member, value) do { \
		_Static_assert(sizeof(member) == 8, "64-bit member"); \
		uint64_t v_ = (value); memcpy(&(member), &v_, 8); } while (0)

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "s2gen: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- memory model ------------------------------------------------------------------------- */

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (32ULL << 20)
#define PAGE_OFFSET_48 0xffff000000000000ULL
#define VMALLOC_BASE 0xffff800100000000ULL /* above the 6.12/7.2 kernel image at 0xffff800080000000 */

static uint8_t *ram;
static uint64_t page_size = 4096, page_shift = 12;
static uint64_t alloc_next = RAM_BASE + (16ULL << 20); /* below: kimage + linear objects */
static uint64_t lin_next = RAM_BASE + (8ULL << 20);
static uint64_t vmalloc_next = VMALLOC_BASE;
static uint64_t kimage_voffset, kaslr_offset;
static uint64_t phys_offset_reported = RAM_BASE;

static uint8_t *pa_ptr(uint64_t pa, uint64_t len)
{
	if (pa < RAM_BASE || pa + len > RAM_BASE + RAM_SIZE)
		die("PA 0x%" PRIx64 "+%" PRIu64 " outside synthetic RAM", pa, len);
	return ram + (pa - RAM_BASE);
}
static void wr64(uint64_t pa, uint64_t v) { memcpy(pa_ptr(pa, 8), &v, 8); }
static uint64_t rd64(uint64_t pa) { uint64_t v; memcpy(&v, pa_ptr(pa, 8), 8); return v; }
static uint64_t lin_va(uint64_t pa) { return PAGE_OFFSET_48 + (pa - RAM_BASE); }

/* A zeroed, page-aligned run of pages from the data pool. */
static uint64_t alloc_pages(uint64_t n)
{
	uint64_t pa = (alloc_next + page_size - 1) & ~(page_size - 1);
	alloc_next = pa + n * page_size;
	if (alloc_next > RAM_BASE + RAM_SIZE)
		die("synthetic RAM exhausted");
	return pa;
}
/* A kzalloc'd object in the linear map (16-byte aligned). */
static uint64_t alloc_linear(uint64_t size)
{
	uint64_t pa = (lin_next + 63) & ~63ULL;
	lin_next = pa + size;
	if (lin_next > RAM_BASE + (16ULL << 20))
		die("linear object area exhausted");
	return pa;
}

/* ---- stage 1 (swapper_pg_dir), 4K/16K/64K granule, 48-bit VA ---------------------------- */

static uint64_t swapper_pa;
static unsigned s1_levels(void) { return page_shift == 12 ? 4 : page_shift == 14 ? 4 : 3; }
static unsigned lvl_shift(unsigned lvl_from_leaf) /* 0 = leaf level */
{ return page_shift + lvl_from_leaf * (page_shift - 3); }

/* Maps one S1 entry at depth 'stop' (0 = page, 1 = block at the level above). */
static void s1_map(uint64_t va, uint64_t pa, unsigned stop)
{
	unsigned levels = s1_levels();
	uint64_t table = swapper_pa;
	for (unsigned d = levels - 1;; d--) {
		unsigned sh = lvl_shift(d);
		uint64_t idx = (va >> sh) & ((d == levels - 1) ? ((1ULL << (48 - sh)) - 1)
								 : ((page_size / 8) - 1));
		uint64_t slot = table + idx * 8;
		if (d == stop) {
			uint64_t attr = (1ULL << 10) | (3ULL << 8) | (4ULL << 2);
			wr64(slot, pa | attr | (d == 0 ? 3 : 1));
			return;
		}
		uint64_t e = rd64(slot);
		if (!(e & 1)) {
			uint64_t t = alloc_pages(1);
			wr64(slot, t | 3);
			e = t | 3;
		}
		table = e & 0x0000fffffffff000ULL & ~(page_size - 1);
	}
}

/* ---- vmlinux symbols -------------------------------------------------------------------- */

static uint8_t *vml;
static size_t vml_size;
static uint64_t sym(const char *name, bool required)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)vml;
	Elf64_Shdr *sh = (Elf64_Shdr *)(vml + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		Elf64_Sym *s = (Elf64_Sym *)(vml + sh[i].sh_offset);
		const char *str = (const char *)vml + sh[sh[i].sh_link].sh_offset;
		for (size_t j = 0; j < sh[i].sh_size / sizeof(*s); j++)
			if (!strcmp(str + s[j].st_name, name))
				return s[j].st_value + kaslr_offset;
	}
	if (required)
		die("vmlinux has no symbol %s", name);
	return 0;
}
static uint64_t kimg_pa(uint64_t va) { return va - kimage_voffset; }

/* ---- scenario ----------------------------------------------------------------------------- */

struct map {
	uint64_t ipa, size, pa;
	unsigned level;     /* leaf level */
	uint64_t attrs;     /* descriptor bits except OA/type */
	bool valid;
	uint64_t raw;       /* for invalid annotations: the whole descriptor */
};
struct vm {
	int pid, vcpus;
	bool vmalloc;
	unsigned ia_bits;
	int start_level;
	uint64_t kvm_va, kvm_pa, pgd_pa, pgt_va, mmu_va;
	unsigned vmid;
	uint64_t vtcr;
	struct map maps[64];
	int nmaps;
	struct { uint64_t ipa; } xlate[16];
	int nxlate;
	/* nested (shadow) MMUs of this VM: index into nmmus[] */
	int nested[8];
	int nnested;
	/* for a shadow MMU: tlb_vttbr/tlb_vtcr/enabled/valid */
	uint64_t tlb_vttbr, tlb_vtcr;
	bool s2_enabled, nvalid;
	uint64_t nmmu_va;
};
static struct vm nmmus[16];
static int nnmmus;
static struct vm vms[8];
static int nvms;
#if LAYOUT_VER >= 700
static char osrelease[64] = "7.2.0-synthetic";
#elif LAYOUT_VER >= 612
static char osrelease[64] = "6.12.0-synthetic";
#else
static char osrelease[64] = "6.1.0-synthetic";
#endif
static bool va_bits_52; /* a VA_BITS=52 build running with 48-bit VA (shifted PHYS_OFFSET) */
static char damage[32], damage_arg[64];

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);
	if (*end == 'K' || *end == 'k') v <<= 10;
	else if (*end == 'M') v <<= 20;
	else if (*end == 'G') v <<= 30;
	else if (*end)
		die("bad number '%s'", s);
	return v;
}

static unsigned granule_shift(int level) { return (page_shift - 3) * (4 - level) + 3; }

static uint64_t perm_attrs(const char *p)
{
	/* MemAttr normal (0xf), SH inner; S2AP and AF and XN from letters r w x a */
	uint64_t a = (0xfULL << 2) | (3ULL << 8);
	bool x = false;
	for (; *p; p++) {
		if (*p == 'r') a |= 1ULL << 6;
		else if (*p == 'w') a |= 1ULL << 7;
		else if (*p == 'a') a |= 1ULL << 10;
		else if (*p == 'x') x = true;
		else if (*p != '-') die("bad permission letter '%c'", *p);
	}
	if (!x)
		a |= (LAYOUT_VER >= 619 ? 2ULL : 1ULL) << (LAYOUT_VER >= 619 ? 53 : 54);
	return a;
}

static void parse(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[512];
	int ln = 0;
	struct vm *cur = NULL;
	while (fgets(line, sizeof(line), f)) {
		ln++;
		char *h = strchr(line, '#');
		if (h) *h = 0;
		char *tok[12];
		int n = 0;
		for (char *t = strtok(line, " \t\n"); t && n < 12; t = strtok(NULL, " \t\n"))
			tok[n++] = t;
		if (!n)
			continue;
		if (!strcmp(tok[0], "osrelease") && n == 2) {
			snprintf(osrelease, sizeof(osrelease), "%s", tok[1]);
		} else if (!strcmp(tok[0], "pagesize") && n == 2) {
			page_size = num(tok[1]);
			page_shift = page_size == 4096 ? 12 : page_size == 16384 ? 14 : 16;
		} else if (!strcmp(tok[0], "layout")) {
			/* consumed by make-vmcores.sh: which generator builds this scenario */
		} else if (!strcmp(tok[0], "vabits") && n == 2) {
			va_bits_52 = num(tok[1]) == 52;
			if (!va_bits_52 && num(tok[1]) != 48)
				die("%s:%d: vabits must be 48 or 52", path, ln);
		} else if (!strcmp(tok[0], "kaslr") && n == 2) {
			kaslr_offset = num(tok[1]);
			if (kaslr_offset & 0x1fffff)
				die("%s:%d: kaslr offset must be 2M aligned (the kimage is block-mapped)", path, ln);
		} else if (!strcmp(tok[0], "vm") && n == 5) {
			/* vm PID VCPUS linear|vmalloc IA_BITS */
			cur = &vms[nvms++];
			cur->pid = (int)num(tok[1]);
			cur->vcpus = (int)num(tok[2]);
			cur->vmalloc = !strcmp(tok[3], "vmalloc");
			cur->ia_bits = (unsigned)num(tok[4]);
			cur->vmid = (unsigned)nvms;
		} else if (!strcmp(tok[0], "map") && n == 5 && cur) {
			/* map IPA SIZE LEVEL PERMS  (a leaf per granule at LEVEL) */
			struct map *m = &cur->maps[cur->nmaps++];
			m->ipa = num(tok[1]);
			m->size = num(tok[2]);
			m->level = (unsigned)num(tok[3]);
			m->attrs = perm_attrs(tok[4]);
			m->valid = true;
		} else if (!strcmp(tok[0], "invalid") && n == 4 && cur) {
			/* invalid IPA LEVEL RAW: one invalid leaf holding a KVM annotation */
			struct map *m = &cur->maps[cur->nmaps++];
			m->ipa = num(tok[1]);
			m->level = (unsigned)num(tok[2]);
			m->size = 1ULL << granule_shift((int)m->level);
			m->raw = num(tok[3]);
			m->valid = false;
		} else if (!strcmp(tok[0], "nested") && n == 4 && cur && cur->nnested < 8) {
			/* nested TLB_VTTBR TLB_VTCR enabled|disabled|invalid: a shadow MMU of the VM;
			 * following nmap lines fill its shadow stage-2 (ia_bits 48, the host PA size) */
			struct vm *nm = &nmmus[nnmmus];
			cur->nested[cur->nnested++] = nnmmus++;
			nm->pid = cur->pid;
			nm->ia_bits = 48;
			nm->nvalid = strcmp(tok[3], "invalid") != 0;
			nm->tlb_vttbr = nm->nvalid ? num(tok[1]) : 1; /* CnP bit: unused */
			nm->tlb_vtcr = num(tok[2]);
			nm->s2_enabled = !strcmp(tok[3], "enabled");
			nm->vmid = (unsigned)(nvms + nnmmus + 8);
		} else if (!strcmp(tok[0], "nmap") && n == 5 && cur && cur->nnested) {
			struct vm *nm = &nmmus[cur->nested[cur->nnested - 1]];
			struct map *m = &nm->maps[nm->nmaps++];
			m->ipa = num(tok[1]);
			m->size = num(tok[2]);
			m->level = (unsigned)num(tok[3]);
			m->attrs = perm_attrs(tok[4]);
			m->valid = true;
		} else if (!strcmp(tok[0], "translate") && n == 2 && cur) {
			cur->xlate[cur->nxlate++].ipa = num(tok[1]);
		} else if (!strcmp(tok[0], "damage") && n >= 2) {
			snprintf(damage, sizeof(damage), "%s", tok[1]);
			snprintf(damage_arg, sizeof(damage_arg), "%s", n > 2 ? tok[2] : "");
		} else {
			die("%s:%d: cannot parse '%s'", path, ln, tok[0]);
		}
	}
	fclose(f);
}

/* ---- stage 2 ------------------------------------------------------------------------------ */

static int s2_start_level(unsigned ia_bits)
{
	/* kvm_get_vtcr: levels = ARM64_HW_PGTABLE_LEVELS(ia_bits - 4), at least 2 */
	unsigned bits = ia_bits - 4, st = (unsigned)page_shift - 3;
	int levels = (int)((bits - 4) / st); /* ARM64_HW_PGTABLE_LEVELS truncates: concatenation */
	if (levels < 2) levels = 2;
	return 4 - levels;
}
static uint64_t pgd_pages(struct vm *v)
{
	unsigned top = granule_shift(v->start_level - 1);
	if (top >= v->ia_bits) return 1;
	return 1ULL << (v->ia_bits - top);
}
static uint64_t s2_index(uint64_t ipa, int level, int start, unsigned ia_bits)
{
	unsigned sh = granule_shift(level);
	if (level == start)
		return (ipa & ((1ULL << ia_bits) - 1)) >> sh;
	return (ipa >> sh) & (page_size / 8 - 1);
}

static void s2_install(struct vm *v, uint64_t ipa, unsigned level, uint64_t desc)
{
	uint64_t table = v->pgd_pa;
	for (int l = v->start_level;; l++) {
		uint64_t slot = table + s2_index(ipa, l, v->start_level, v->ia_bits) * 8;
		if (l == (int)level) {
			wr64(slot, desc);
			return;
		}
		uint64_t e = rd64(slot);
		if (!(e & 1)) {
			uint64_t t = alloc_pages(1);
			wr64(slot, t | 3);
			e = t | 3;
		}
		table = e & 0x0000ffffffffffffULL & ~(page_size - 1);
	}
}

static void build_s2(struct vm *v)
{
	v->start_level = s2_start_level(v->ia_bits);
	v->pgd_pa = alloc_pages(pgd_pages(v));
	for (int i = 0; i < v->nmaps; i++) {
		struct map *m = &v->maps[i];
		if (!m->valid) {
			s2_install(v, m->ipa, m->level, m->raw);
			continue;
		}
		uint64_t g = 1ULL << granule_shift((int)m->level);
		if (m->ipa % g || m->size % g)
			die("vm %d: map 0x%" PRIx64 " not aligned to its level %u", v->pid, m->ipa, m->level);
		/* Output pages: aligned to the leaf size; written with a text marker. */
		/* Leaves bigger than 2M point above the dumped RAM (4 GiB up): their memory is not
		 * in the dump, only their descriptors are, which keeps every vmcore small. */
		static uint64_t high_next = 0x100000000ULL;
		bool in_ram = g <= (2ULL << 20) && m->size <= (8ULL << 20);
		uint64_t *next = in_ram ? &alloc_next : &high_next;
		uint64_t pa = (*next + g - 1) & ~(g - 1);
		*next = pa + m->size;
		if (in_ram && alloc_next > RAM_BASE + RAM_SIZE)
			die("RAM exhausted by vm %d mappings", v->pid);
		m->pa = pa;
		for (uint64_t o = 0; o < m->size; o += g) {
			s2_install(v, m->ipa + o, m->level, (pa + o) | m->attrs | (m->level == 3 ? 3 : 1));
			if (in_ram)
				snprintf((char *)pa_ptr(pa + o, 32), 32, "VM%d-IPA-%" PRIx64, v->pid,
					 m->ipa + o);
		}
	}
	/* VTCR: T0SZ, SL0, IRGN/ORGN/SH, TG0, PS (48 bits) */
	uint64_t sl0 = (uint64_t)((page_shift == 12 ? 2 : 3) - v->start_level);
	uint64_t tg0 = page_shift == 12 ? 0 : page_shift == 16 ? 1 : 2;
	v->vtcr = (1ULL << 31) | (5ULL << 16) | (tg0 << 14) | (3ULL << 12) | (1ULL << 10) |
		  (1ULL << 8) | (sl0 << 6) | (64 - v->ia_bits);
}

/* ---- expected: the kernel's note_page coalescing, from the table model ----------------- */

struct ptdump {
	FILE *out;
	int level;
	uint64_t start, prot;
	uint64_t end_marker;
	uint64_t mask;
};
static const char *const units = "KMGTPE";

static void pd_line(struct ptdump *st, uint64_t addr)
{
	uint64_t delta = (addr - st->start) >> 10;
	const char *u = units;
	fprintf(st->out, "0x%016" PRIx64 "-0x%016" PRIx64 "   ", st->start, addr);
	while (!(delta & 1023) && u[1]) { delta >>= 10; u++; }
	fprintf(st->out, "%9" PRIu64 "%c %d", delta, *u, st->level);
	if (st->prot) {
		uint64_t p = st->prot;
		bool v = p & 1;
		fputs(v ? "  " : " F", st->out);
#if LAYOUT_VER >= 619
		fputs((p & (1ULL << 6)) ? " R" : "  ", st->out);
		fputs((p & (1ULL << 7)) ? " W" : "  ", st->out);
		static const char *const xn[4] = { " px ux ", " PXNux ", " PXNUXN", " px UXN" };
		fputs(xn[(p >> 53) & 3], st->out);
		fputs((p & (1ULL << 10)) ? " AF" : "   ", st->out);
		fputs(((p & 3) == 1) ? " BLK" : "    ", st->out);
#else
		/* 6.12-6.17: every test except the first includes PTE_VALID in its mask */
		fputs(((p & 0x41) == 0x41) ? " R" : "  ", st->out);
		fputs(((p & 0x81) == 0x81) ? " W" : "  ", st->out);
		fputs(((p & ((1ULL << 54) | 1)) == 1) ? "  " : " X", st->out);
		fputs(((p & 0x401) == 0x401) ? " AF" : "   ", st->out);
		fputs(((p & 3) == 1) ? " BLK" : "    ", st->out);
#endif
	}
	fputc('\n', st->out);
}
static void note_page(struct ptdump *st, uint64_t addr, int level, uint64_t val)
{
	uint64_t prot = val & st->mask;
	if (st->level == -2) {
		st->level = level; st->prot = prot; st->start = addr;
		fputs("---[ Guest IPA ]---\n", st->out);
	} else if (prot != st->prot || level != st->level || addr >= st->end_marker) {
		pd_line(st, addr);
		st->start = addr; st->prot = prot; st->level = level;
	}
}
static void pd_walk(struct ptdump *st, struct vm *v, uint64_t table, int level, uint64_t base,
		    uint64_t n)
{
	unsigned sh = granule_shift(level);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t addr = base + (i << sh);
		uint64_t e = rd64(table + i * 8);
		if (level < 3 && (e & 3) == 3)
			pd_walk(st, v, e & 0x0000ffffffffffffULL & ~(page_size - 1), level + 1, addr,
				page_size / 8);
		else
			note_page(st, addr, level, e);
	}
}
static void write_ptdump(struct vm *v, const char *path, bool complete)
{
	struct ptdump st = { .level = -2, .end_marker = 1ULL << v->ia_bits };
#if LAYOUT_VER >= 619
	st.mask = 1 | (1ULL << 6) | (1ULL << 7) | (3ULL << 53) | (1ULL << 10) | 3;
#else
	st.mask = 1 | (1ULL << 6) | (1ULL << 7) | (1ULL << 54) | (1ULL << 10) | 3;
#endif
	st.out = fopen(path, "w");
	if (!st.out)
		die("%s: %s", path, strerror(errno));
	uint64_t entries = (1ULL << v->ia_bits) >> granule_shift(v->start_level);
	pd_walk(&st, v, v->pgd_pa, v->start_level, 0, entries);
	if (complete)
		pd_line(&st, 1ULL << v->ia_bits);
	fclose(st.out);
}

/* Translation from the scenario's own mapping list (not the tables). */
static void write_translate(struct vm *v, FILE *f)
{
	for (int i = 0; i < v->nxlate; i++) {
		uint64_t ipa = v->xlate[i].ipa;
		int found = -1;
		for (int j = 0; j < v->nmaps; j++)
			if (v->maps[j].valid && ipa >= v->maps[j].ipa && ipa < v->maps[j].ipa + v->maps[j].size)
				found = j;
		if (found >= 0) {
			struct map *m = &v->maps[found];
			fprintf(f, "0x%016" PRIx64 " pa=0x%016" PRIx64 " level=%u size=0x%" PRIx64 "\n", ipa,
				m->pa + (ipa - m->ipa), m->level, (uint64_t)1 << granule_shift((int)m->level));
		} else {
			/* fault at the level where the walk finds an invalid entry: recompute from tables */
			uint64_t table = v->pgd_pa;
			int l;
			for (l = v->start_level;; l++) {
				uint64_t e = rd64(table + s2_index(ipa, l, v->start_level, v->ia_bits) * 8);
				if (!(e & 1) || l == 3 || (e & 3) == 1)
					break;
				table = e & 0x0000ffffffffffffULL & ~(page_size - 1);
			}
			fprintf(f, "0x%016" PRIx64 " fault level=%d\n", ipa, l);
		}
	}
}

/* ---- kernel objects ----------------------------------------------------------------------- */

static uint64_t vm_list_va;

/* Places an object of 'size' bytes: linear (kzalloc) or vmalloc (pages scattered in reverse). */
static uint64_t place(const void *obj, size_t size, bool vmalloc, uint64_t *pa_out)
{
	if (!vmalloc) {
		uint64_t pa = alloc_linear(size);
		memcpy(pa_ptr(pa, size), obj, size);
		*pa_out = pa;
		return lin_va(pa);
	}
	uint64_t npages = (size + page_size - 1) / page_size;
	uint64_t va = vmalloc_next;
	vmalloc_next += (npages + 1) * page_size; /* guard page */
	uint64_t pas = alloc_pages(npages + 1);
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t pa = pas + (npages - i) * page_size; /* reverse order, skipping page 0 */
		size_t chunk = size - i * page_size < page_size ? size - i * page_size : page_size;
		memcpy(pa_ptr(pa, chunk), (const uint8_t *)obj + i * page_size, chunk);
		s1_map(va + i * page_size, pa, 0);
		if (i == 0) *pa_out = pa;
	}
	return va;
}

static void build_objects(void)
{
	/* Two passes: VAs first (the list links need every kvm's address), then contents. */
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		build_s2(v);
		uint64_t pa;
		struct kvm_pgtable pgt;
		memset(&pgt, 0, sizeof(pgt));
		v->pgt_va = lin_va(alloc_linear(sizeof(pgt)));
		(void)pa;
	}
	/* shadow MMUs: tables, kvm_pgtable; the kvm_s2_mmu objects are written with their VM */
	for (int i = 0; i < nnmmus; i++) {
		build_s2(&nmmus[i]);
		nmmus[i].pgt_va = lin_va(alloc_linear(sizeof(struct kvm_pgtable)));
	}
	uint64_t kvm_size = sizeof(struct kvm);
	/* reserve VAs */
	uint64_t next_vm_va[8];
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		if (v->vmalloc) {
			uint64_t npages = (kvm_size + page_size - 1) / page_size;
			v->kvm_va = vmalloc_next;
			(void)npages;
		} else {
			v->kvm_pa = alloc_linear(kvm_size);
			v->kvm_va = lin_va(v->kvm_pa);
		}
		if (v->vmalloc) {
			/* placeholder, placed for real below (VA is deterministic) */
			uint64_t npages = (kvm_size + page_size - 1) / page_size;
			vmalloc_next += (npages + 1) * page_size;
		}
	}
	vmalloc_next = VMALLOC_BASE;
	for (int i = 0; i < nvms; i++)
		next_vm_va[i] = vms[i].kvm_va + offsetof(struct kvm, vm_list);

	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		struct kvm *k = calloc(1, kvm_size);
		struct kvm_pgtable pgt;
		memset(&pgt, 0, sizeof(pgt));
		SET64(k->vm_list.next, i + 1 < nvms ? next_vm_va[i + 1] : vm_list_va);
		SET64(k->vm_list.prev, i > 0 ? next_vm_va[i - 1] : vm_list_va);
		k->userspace_pid = v->pid;
		snprintf(k->stats_id, sizeof(k->stats_id), "kvm-%d", v->pid);
		k->online_vcpus.counter = v->vcpus;
		k->created_vcpus = v->vcpus;
		uint64_t mmu_va = v->kvm_va + offsetof(struct kvm, arch.mmu);
		v->mmu_va = mmu_va;
		SET64(k->arch.mmu.pgd_phys, v->pgd_pa);
		SET64(k->arch.mmu.pgt, v->pgt_va);
		k->arch.mmu.vmid.id.counter = v->vmid;
		SET64(k->arch.mmu.arch, v->kvm_va + offsetof(struct kvm, arch));
#if LAYOUT_VER >= 607
		k->arch.mmu.vtcr = v->vtcr;
#else
		k->arch.vtcr = v->vtcr;
#endif
#if LAYOUT_VER >= 612
		if (v->nnested) {
			/* 6.12: an array of struct kvm_s2_mmu; 7.2: an array of pointers to them */
			struct kvm_s2_mmu *arr = calloc((size_t)v->nnested, sizeof(*arr));
			uint64_t arr_pa = alloc_linear(sizeof(*arr) * (size_t)v->nnested);
#if LAYOUT_VER >= 700
			uint64_t ptrs_pa = alloc_linear(8 * (size_t)v->nnested);
			SET64(k->arch.nested_mmus, lin_va(ptrs_pa));
#else
			SET64(k->arch.nested_mmus, lin_va(arr_pa));
#endif
			k->arch.nested_mmus_size = (size_t)v->nnested;
			for (int j = 0; j < v->nnested; j++) {
				struct vm *nm = &nmmus[v->nested[j]];
				struct kvm_s2_mmu *mm = &arr[j];
				nm->nmmu_va = lin_va(arr_pa) + (uint64_t)j * sizeof(*arr);
#if LAYOUT_VER >= 700
				wr64(ptrs_pa + 8 * (uint64_t)j, nm->nmmu_va);
#endif
				SET64(mm->pgd_phys, nm->pgd_pa);
				SET64(mm->pgt, nm->pgt_va);
				mm->vmid.id.counter = nm->vmid;
				mm->vtcr = nm->vtcr;
				SET64(mm->arch, v->kvm_va + offsetof(struct kvm, arch));
				mm->tlb_vttbr = nm->tlb_vttbr;
				mm->tlb_vtcr = nm->tlb_vtcr;
				mm->nested_stage2_enabled = nm->s2_enabled;
				struct kvm_pgtable npgt;
				memset(&npgt, 0, sizeof(npgt));
				npgt.ia_bits = nm->ia_bits;
				npgt.start_level = nm->start_level;
				SET64(npgt.pgd, lin_va(nm->pgd_pa));
				SET64(npgt.mmu, nm->nmmu_va);
				memcpy(pa_ptr(nm->pgt_va - PAGE_OFFSET_48 + RAM_BASE, sizeof(npgt)), &npgt,
				       sizeof(npgt));
			}
			memcpy(pa_ptr(arr_pa, sizeof(*arr) * (size_t)v->nnested), arr,
			       sizeof(*arr) * (size_t)v->nnested);
			free(arr);
		}
#endif
		pgt.ia_bits = v->ia_bits;
		pgt.start_level = v->start_level;
		SET64(pgt.pgd, lin_va(v->pgd_pa));
		SET64(pgt.mmu, mmu_va);
		memcpy(pa_ptr(v->pgt_va - PAGE_OFFSET_48 + RAM_BASE, sizeof(pgt)), &pgt, sizeof(pgt));
		if (v->vmalloc) {
			uint64_t pa = 0;
			uint64_t va = place(k, kvm_size, true, &pa);
			if (va != v->kvm_va)
				die("internal: vmalloc VA mismatch");
			v->kvm_pa = pa;
		} else {
			memcpy(pa_ptr(v->kvm_pa, kvm_size), k, kvm_size);
		}
		free(k);
	}
	/* the vm_list head in the kimage */
	uint64_t head_pa = kimg_pa(vm_list_va);
	wr64(head_pa, nvms ? next_vm_va[0] : vm_list_va);
	wr64(head_pa + 8, nvms ? next_vm_va[nvms - 1] : vm_list_va);
}

/* ---- ELF vmcore --------------------------------------------------------------------------- */

struct seg { uint64_t vaddr, paddr, size; };

static void note(FILE *f, const char *name, uint32_t type, const void *desc, uint32_t dlen)
{
	uint32_t nlen = (uint32_t)strlen(name) + 1;
	uint32_t h[3] = { nlen, dlen, type };
	static const char zero[8];
	fwrite(h, 4, 3, f);
	fwrite(name, 1, nlen, f);
	fwrite(zero, 1, (4 - nlen % 4) % 4, f);
	fwrite(desc, 1, dlen, f);
	fwrite(zero, 1, (4 - dlen % 4) % 4, f);
}

static char *vmcoreinfo(void)
{
	static char buf[4096];
	int n = 0;
#define P(...) n += snprintf(buf + n, sizeof(buf) - (size_t)n, __VA_ARGS__)
	P("OSRELEASE=%s\n", osrelease);
	P("PAGESIZE=%" PRIu64 "\n", page_size);
	if (sym("init_uts_ns", false)) {
		P("SYMBOL(init_uts_ns)=%" PRIx64 "\n", sym("init_uts_ns", false));
		P("OFFSET(uts_namespace.name)=0\n");
	}
	P("SYMBOL(swapper_pg_dir)=%" PRIx64 "\n", sym("swapper_pg_dir", true));
	P("SYMBOL(_stext)=%" PRIx64 "\n", sym("_stext", true));
	P("NUMBER(VA_BITS)=%d\n", va_bits_52 ? 52 : 48);
	P("NUMBER(kimage_voffset)=0x%" PRIx64 "\n", kimage_voffset);
	P("NUMBER(PHYS_OFFSET)=0x%" PRIx64 "\n", phys_offset_reported);
	P("NUMBER(TCR_EL1_T1SZ)=0x10\n");
	P("KERNELOFFSET=%" PRIx64 "\n", kaslr_offset);
	P("NUMBER(KERNELPACMASK)=0x0\n");
	P("CRASHTIME=1700000000\n");
#undef P
	return buf;
}

static void write_core(const char *path, struct seg *segs, int nsegs)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	const char *vi = vmcoreinfo();
	uint32_t vlen = (uint32_t)strlen(vi);
	uint64_t note_size = 12 + 12 + ((vlen + 3) & ~3U);
	uint64_t phoff = sizeof(Elf64_Ehdr);
	uint64_t note_off = phoff + (uint64_t)(nsegs + 1) * sizeof(Elf64_Phdr);
	uint64_t data_off = (note_off + note_size + 0xfff) & ~0xfffULL;
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = phoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)(nsegs + 1);
	fwrite(&eh, sizeof(eh), 1, f);
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = note_off, .p_filesz = note_size };
	fwrite(&ph, sizeof(ph), 1, f);
	uint64_t off = data_off;
	for (int i = 0; i < nsegs; i++) {
		Elf64_Phdr p = { .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
				 .p_vaddr = segs[i].vaddr, .p_paddr = segs[i].paddr,
				 .p_filesz = segs[i].size, .p_memsz = segs[i].size };
		fwrite(&p, sizeof(p), 1, f);
		off += segs[i].size;
	}
	note(f, "VMCOREINFO", 0, vi, vlen);
	/* Segment data, sparse: all-zero 4K blocks become holes in the file (RAM is mostly empty). */
	static const uint8_t zero_page[4096];
	off = data_off;
	for (int i = 0; i < nsegs; i++) {
		const uint8_t *p = pa_ptr(segs[i].paddr, segs[i].size);
		for (uint64_t o = 0; o < segs[i].size; o += 4096) {
			uint64_t len = segs[i].size - o < 4096 ? segs[i].size - o : 4096;
			if (memcmp(p + o, zero_page, len)) {
				fseek(f, (long)(off + o), SEEK_SET);
				fwrite(p + o, 1, len, f);
			}
		}
		off += segs[i].size;
	}
	fflush(f);
	if (ftruncate(fileno(f), (off_t)off))
		die("%s: %s", path, strerror(errno));
	if (fclose(f))
		die("%s: write failed", path);
}

/* Re-reads the written file: every canonical leaf descriptor must be at its table PA. */
static void self_check(const char *path, struct seg *segs, int nsegs)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	Elf64_Ehdr eh;
	if (fread(&eh, sizeof(eh), 1, f) != 1)
		die("self-check: short read");
	Elf64_Phdr ph[16];
	fseek(f, (long)eh.e_phoff, SEEK_SET);
	if (fread(ph, sizeof(ph[0]), eh.e_phnum, f) != eh.e_phnum)
		die("self-check: short phdrs");
	(void)segs; (void)nsegs;
	int checked = 0;
	for (int i = 0; i < nvms + nnmmus; i++) {
		struct vm *v = i < nvms ? &vms[i] : &nmmus[i - nvms];
		for (int j = 0; j < v->nmaps; j++) {
			struct map *m = &v->maps[j];
			uint64_t table = v->pgd_pa, slot = 0;
			for (int l = v->start_level; l <= (int)m->level; l++) {
				slot = table + s2_index(m->ipa, l, v->start_level, v->ia_bits) * 8;
				table = rd64(slot) & 0x0000ffffffffffffULL & ~(page_size - 1);
			}
			uint64_t want = m->valid ? (m->pa | m->attrs | (m->level == 3 ? 3 : 1)) : m->raw;
			for (int p = 1; p < eh.e_phnum; p++) {
				if (ph[p].p_paddr > slot || slot + 8 > ph[p].p_paddr + ph[p].p_filesz ||
				    ph[p].p_vaddr != lin_va(ph[p].p_paddr))
					continue;
				uint64_t got;
				fseek(f, (long)(ph[p].p_offset + slot - ph[p].p_paddr), SEEK_SET);
				if (fread(&got, 8, 1, f) != 1 || got != want)
					die("self-check: vm %d IPA 0x%" PRIx64 ": descriptor at PA 0x%" PRIx64
					    " is 0x%" PRIx64 ", want 0x%" PRIx64, v->pid, m->ipa, slot, got, want);
				checked++;
			}
		}
	}
	fclose(f);
	fprintf(stderr, "s2gen: %s: self-check verified %d descriptors\n", path, checked);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		die("usage: s2gen SCENARIO VMLINUX OUTDIR");
	parse(argv[1]);
	FILE *vf = fopen(argv[2], "r");
	if (!vf)
		die("%s: %s", argv[2], strerror(errno));
	fseek(vf, 0, SEEK_END);
	vml_size = (size_t)ftell(vf);
	rewind(vf);
	vml = malloc(vml_size);
	if (fread(vml, 1, vml_size, vf) != vml_size)
		die("%s: short read", argv[2]);
	fclose(vf);
	ram = calloc(1, RAM_SIZE);
	/* memstart_addr of a 52-bit build on 48-bit hardware: __va(pa) = (pa - PHYS_OFFSET) | (~0 << 52) */
	if (va_bits_52)
		phys_offset_reported = RAM_BASE - (PAGE_OFFSET_48 - 0xfff0000000000000ULL);

	/* kimage: copy the vmlinux PT_LOADs at their load PAs */
	Elf64_Ehdr *eh = (Elf64_Ehdr *)vml;
	Elf64_Phdr *ph = (Elf64_Phdr *)(vml + eh->e_phoff);
	uint64_t kstart = UINT64_MAX, kend = 0;
	uint64_t text = sym("_text", true);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr == text - kaslr_offset)
			kimage_voffset = text - ph[i].p_paddr;
	}
	if (!kimage_voffset)
		kimage_voffset = text - (RAM_BASE + 0x200000);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uint64_t va = ph[i].p_vaddr + kaslr_offset; /* relocated kimage */
		uint64_t pa = va - kimage_voffset;
		memcpy(pa_ptr(pa, ph[i].p_filesz), vml + ph[i].p_offset, ph[i].p_filesz);
		if (va < kstart) kstart = va;
		if (va + ph[i].p_memsz > kend) kend = va + ph[i].p_memsz;
	}
	kend = (kend + 0x1fffff) & ~0x1fffffULL;
	kstart &= ~0x1fffffULL;
	swapper_pa = kimg_pa(sym("swapper_pg_dir", true));
	/* init_uts_ns.name (struct new_utsname, first member): libkdumpfile checks it */
	if (sym("init_uts_ns", false)) {
		static const char *const uts[6] = { "Linux", "synthetic", NULL, "#1 SMP", "aarch64", "(none)" };
		uint8_t *u = pa_ptr(kimg_pa(sym("init_uts_ns", false)), 6 * 65);
		memset(u, 0, 6 * 65);
		for (int i = 0; i < 6; i++)
			snprintf((char *)u + i * 65, 65, "%s", uts[i] ? uts[i] : osrelease);
	}
	vm_list_va = sym("vm_list", true);

	/* stage 1: the linear map as level-2 blocks (2M, 32M or 512M by granule) */
	unsigned block_depth = 1;
	uint64_t block = 1ULL << lvl_shift(block_depth);
	for (uint64_t pa = RAM_BASE; pa < RAM_BASE + RAM_SIZE; pa += block)
		s1_map(lin_va(pa), pa, block_depth);
	/* the kimage with pages: its 2M alignment is not a block size for 16K/64K granules */
	for (uint64_t va = kstart; va < kend; va += page_size)
		s1_map(va, va - kimage_voffset, 0);

	build_objects();

	/* damage */
	struct seg segs[4];
	int nsegs = 0;
	segs[nsegs++] = (struct seg){ kstart, kstart - kimage_voffset, kend - kstart };
	uint64_t hole = 0;
	char errfacts[256] = "";
	if (!strcmp(damage, "corrupt") && nvms) {
		/* a reserved level-3 descriptor type (0b01 at level 3) at the first map of VM 1 */
		struct vm *v = &vms[0];
		uint64_t table = v->pgd_pa, slot = 0;
		for (int l = v->start_level; l <= 3; l++) {
			slot = table + s2_index(v->maps[0].ipa, l, v->start_level, v->ia_bits) * 8;
			if (l < 3) table = rd64(slot) & 0x0000ffffffffffffULL & ~(page_size - 1);
		}
		wr64(slot, (rd64(slot) & ~3ULL) | 1);
		snprintf(errfacts, sizeof(errfacts), "vm=%d ipa=0x%" PRIx64 " level=3 descriptor_pa=0x%" PRIx64
			 " field=descriptor\n", v->pid, v->maps[0].ipa, slot);
	} else if (!strcmp(damage, "hole") && nvms) {
		/* drop the page holding the first level-below-root table of VM 1 from the dump */
		struct vm *v = &vms[0];
		uint64_t e = rd64(v->pgd_pa + s2_index(v->maps[0].ipa, v->start_level, v->start_level, v->ia_bits) * 8);
		hole = e & 0x0000ffffffffffffULL & ~(page_size - 1);
		snprintf(errfacts, sizeof(errfacts), "vm=%d ipa=0x%" PRIx64 " level=%d missing_pa=0x%" PRIx64
			 " field=table\n", v->pid, v->maps[0].ipa, v->start_level + 1, hole);
	} else if (!strcmp(damage, "bogus-kvm") && nvms) {
		/* the vm_list head's next points into unmapped vmalloc space */
		uint64_t bad = 0xffff8000deadb000ULL;
		wr64(kimg_pa(vm_list_va), bad);
		snprintf(errfacts, sizeof(errfacts), "kvm=0x%" PRIx64 " field=vm_list\n",
			 bad - offsetof(struct kvm, vm_list));
	}
	if (hole) {
		segs[nsegs++] = (struct seg){ lin_va(RAM_BASE), RAM_BASE, hole - RAM_BASE };
		segs[nsegs++] = (struct seg){ lin_va(hole + page_size), hole + page_size,
					      RAM_BASE + RAM_SIZE - hole - page_size };
	} else {
		segs[nsegs++] = (struct seg){ lin_va(RAM_BASE), RAM_BASE, RAM_SIZE };
	}

	char path[4096];
	mkdir(argv[3], 0755);
	snprintf(path, sizeof(path), "%s/expected", argv[3]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/vmcore", argv[3]);
	write_core(path, segs, nsegs);
	if (strcmp(damage, "corrupt") && !hole)
		self_check(path, segs, nsegs);
	if (!strcmp(damage, "truncate")) {
		/* cut the file where the linear segment reaches the kernel objects (RAM_BASE + 8M) */
		struct stat sb;
		if (stat(path, &sb))
			die("stat: %s", strerror(errno));
		uint64_t cut = (uint64_t)sb.st_size - RAM_SIZE + (8ULL << 20);
		if (truncate(path, (off_t)cut))
			die("truncate: %s", strerror(errno));
		snprintf(errfacts, sizeof(errfacts), "field=file truncated_size=%" PRIu64
			 " first_missing_pa=0x%" PRIx64 "\n", cut, (uint64_t)(RAM_BASE + (8ULL << 20)));
	}

	snprintf(path, sizeof(path), "%s/expected/vms", argv[3]);
	FILE *f = fopen(path, "w");
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		fprintf(f, "kvm=0x%016" PRIx64 " pid=%d vcpus=%d vmid=%u vtcr=0x%" PRIx64
			" vttbr=0x%016" PRIx64 " ipa_range=%u levels=%d start_level=%d pgd_va=0x%016" PRIx64
			" pgd_pa=0x%016" PRIx64 " area=%s mmu=0x%016" PRIx64 " pgt=0x%016" PRIx64
			" stats_id_va=0x%016" PRIx64 "\n", v->kvm_va, v->pid, v->vcpus, v->vmid, v->vtcr,
			((uint64_t)v->vmid << 48) | v->pgd_pa, v->ia_bits, 4 - v->start_level,
			v->start_level, lin_va(v->pgd_pa), v->pgd_pa, v->vmalloc ? "vmalloc" : "linear",
			v->mmu_va, v->pgt_va, v->kvm_va + offsetof(struct kvm, stats_id));
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/expected/symbols", argv[3]);
	f = fopen(path, "w");
	fprintf(f, "vm_list=0x%016" PRIx64 " vm_list.next=0x%016" PRIx64 " vm_list.prev=0x%016" PRIx64
		" kernel_offset=0x%" PRIx64 " kimage_voffset=0x%016" PRIx64 " swapper_pg_dir_pa=0x%" PRIx64
		" page_size=%" PRIu64 " va_bits=%d\n", vm_list_va, rd64(kimg_pa(vm_list_va)),
		rd64(kimg_pa(vm_list_va) + 8), kaslr_offset, kimage_voffset, swapper_pa, page_size,
		va_bits_52 ? 52 : 48);
	fclose(f);
	if (*errfacts) {
		snprintf(path, sizeof(path), "%s/expected/error", argv[3]);
		f = fopen(path, "w");
		fprintf(f, "damage=%s %s", damage, errfacts);
		fclose(f);
	}
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		snprintf(path, sizeof(path), "%s/expected/%d", argv[3], v->pid);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/expected/%d/stage2_page_tables", argv[3], v->pid);
		write_ptdump(v, path, false);
		snprintf(path, sizeof(path), "%s/expected/%d/stage2_page_tables.complete", argv[3], v->pid);
		write_ptdump(v, path, true);
		snprintf(path, sizeof(path), "%s/expected/%d/ipa_range", argv[3], v->pid);
		f = fopen(path, "w");
		fprintf(f, "%2u\n", v->ia_bits);
		fclose(f);
		snprintf(path, sizeof(path), "%s/expected/%d/stage2_levels", argv[3], v->pid);
		f = fopen(path, "w");
		fprintf(f, "%1d\n", 4 - v->start_level);
		fclose(f);
		if (v->nnested) {
			snprintf(path, sizeof(path), "%s/expected/%d/nested", argv[3], v->pid);
			f = fopen(path, "w");
			for (int j = 0; j < v->nnested; j++) {
				struct vm *nm = &nmmus[v->nested[j]];
				fprintf(f, "index=%d name=0x%016" PRIx64 "-0x%016" PRIx64 "-s2-%sabled valid=%d"
					" vmid=%u mmu=0x%016" PRIx64 " pgd_pa=0x%016" PRIx64 " ipa_range=%u levels=%d\n",
					j, nm->tlb_vttbr, nm->tlb_vtcr, nm->s2_enabled ? "en" : "dis", nm->nvalid,
					nm->vmid, nm->nmmu_va, nm->pgd_pa, nm->ia_bits, 4 - nm->start_level);
				char p2[4200];
				snprintf(p2, sizeof(p2), "%s/expected/%d/nested-%d.stage2_page_tables", argv[3],
					 v->pid, j);
				write_ptdump(nm, p2, false);
				snprintf(p2, sizeof(p2), "%s/expected/%d/nested-%d.stage2_page_tables.complete",
					 argv[3], v->pid, j);
				write_ptdump(nm, p2, true);
			}
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/expected/%d/translate", argv[3], v->pid);
		f = fopen(path, "w");
		write_translate(v, f);
		fclose(f);
	}
	return 0;
}
