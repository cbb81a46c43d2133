/*
 * s2gen: writes a synthetic AArch64 /proc/vmcore-style ELF dump from a scenario file, plus the
 * expected results computed from the scenario's own table model (never by running s2dump).
 *
 * Build: one binary per layout, with -DLAYOUT_NAME="linux-6.12" -DLAYOUT_VER=612 and
 * -I tests/vmcores/layouts/<L> so that kernel objects are filled by member name from the layout's
 * kernel_structs.h.
 *
 * Usage: s2gen SCENARIO VMLINUX OUTDIR
 *
 * Objects: vm_list, struct kvm (memslots with gfn_tree rb-trees, one vCPU in vcpu_array, nested
 * MMUs, pKVM mappings), the canonical and shadow stage-2 tables, and the guest hypervisor's own
 * stage 2 placed in guest memory (L1 IPA space, reached through the canonical stage 2).
 */
/* The layout's header first: it is self-contained, and its own typedefs (bool, u64...) must not collide
 * with macros from the system headers below. */
#include "kernel_structs.h"

#include <elf.h>
#include <fcntl.h>
#include <zlib.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
#define RAM_SIZE ram_size
static uint64_t ram_size = 32ULL << 20; /* `ram SIZE` */
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
		die("synthetic RAM exhausted (`ram SIZE` makes it larger)");
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

/* The vmlinux's GNU build-id as lower-case hex (VMCOREINFO's BUILD-ID, as the kernel writes it). */
static const char *build_id(void)
{
	static char hex[2 * 64 + 1];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)vml;
	Elf64_Shdr *sh = (Elf64_Shdr *)(vml + eh->e_shoff);

	for (int i = 0; i < eh->e_shnum; i++) {
		size_t off = sh[i].sh_offset, end = off + sh[i].sh_size;

		if (sh[i].sh_type != SHT_NOTE)
			continue;
		while (off + sizeof(Elf64_Nhdr) <= end) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(vml + off);
			size_t name = off + sizeof(*nh), desc = name + ((nh->n_namesz + 3) & ~3u);

			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(vml + name, "GNU", 4) &&
			    nh->n_descsz <= 64 && desc + nh->n_descsz <= end) {
				for (unsigned j = 0; j < nh->n_descsz; j++)
					sprintf(hex + 2 * j, "%02x", vml[desc + j]);
				return hex;
			}
			off = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	die("vmlinux has no GNU build-id note");
}

/* ---- scenario ----------------------------------------------------------------------------- */

enum map_kind { MAP_FRESH, MAP_COMPOSE, MAP_STALE };
struct map {
	uint64_t ipa, size, pa;
	unsigned level;     /* leaf level */
	uint64_t attrs;     /* descriptor bits except OA/type */
	bool valid;
	uint64_t raw;       /* for invalid annotations: the whole descriptor */
	bool cont;          /* cmap: contiguous bit (52) on aligned runs */
	enum map_kind kind; /* nmap: OA from the composition (default), or stale/fresh pages */
	bool auto_perm;     /* nmap PERMS `auto`: guest ∩ canonical permissions, AF set */
	uint64_t first_desc; /* the first leaf's descriptor as written (self-check) */
};
struct mslot {
	int id;
	uint64_t gpa, size, uaddr, va, bitmap_va;
	uint32_t flags;
};
struct vcpu {
	int idx, id;
	uint64_t esr, far, hpfar, va;
};
struct gmap { uint64_t l2, size, l1, attrs; unsigned level; bool cont; };
struct gpin { uint64_t l2, l1; int level; };
struct vm {
	int pid, vcpus;
	bool vmalloc;
	unsigned ia_bits;
	int start_level;
	uint64_t kvm_va, kvm_pa, pgd_pa, pgt_va, mmu_va;
	unsigned vmid;
	uint64_t vtcr;
	struct map maps[128];
	int nmaps;
	struct { uint64_t ipa; } xlate[32];
	int nxlate;
	/* nested (shadow) MMUs of this VM: index into nmmus[] */
	int nested[8];
	int nnested;
	struct { int mmu; uint64_t l2; } nxlate_[32];
	int nnxlate;
	uint64_t gpool, gpool_size, gpool_next; /* gs2pool: L1 IPAs for guest tables */
	struct mslot slots[16];
	int nslots;
	struct vcpu vcpu[8];
	int nvcpu;
	uint64_t xa_node_va; /* vcpu_array's node (more than one vCPU) */
	bool pkvm, pkvm_protected;
	/* for a shadow MMU: tlb_vttbr/tlb_vtcr/enabled/valid */
	uint64_t tlb_vttbr, tlb_vtcr;
	bool s2_enabled, nvalid;
	uint64_t nmmu_va;
	int parent; /* shadow MMU: index of its VM in vms[] */
	/* shadow MMU: the guest hypervisor's stage 2 (gs2), in L1 IPA space */
	bool gs2, g_refused;
	unsigned g_shift, g_ia, g_ps, g_concat;
	int g_start;
	uint64_t g_root;
	bool g_root_fixed;
	struct gmap gm[64];
	int ngm;
	struct gpin pins[8];
	int npins;
};
static struct vm nmmus[16];
/* pKVM mappings per VM (gfn order after build_pkvm) */
struct pkmap { uint64_t gfn, pfn, nr; };
#if LAYOUT_VER >= 700
static struct pkmap pkm[8][1024];
static int npkm[8];
#endif
static int nnmmus;
static struct vm vms[8];
static int nvms;
#if LAYOUT_VER >= 703
static char osrelease[64] = "7.3.0-synthetic";
#elif LAYOUT_VER >= 700
static char osrelease[64] = "7.2.0-synthetic";
#elif LAYOUT_VER >= 612
static char osrelease[64] = "6.12.0-synthetic";
#else
static char osrelease[64] = "6.1.0-synthetic";
#endif
static bool va_bits_52; /* a VA_BITS=52 build running with 48-bit VA (shifted PHYS_OFFSET) */
static bool variant_flush; /* vmlinux-variant ptdump-flush: the kernel's show function flushes */
static char damage[32], damage_arg[64];
/*
 * qemu-sve VL...: the file is written as QEMU's dump-guest-memory writes an ELF vmcore: per vCPU
 * a CORE/NT_PRSTATUS, a LINUX/NT_ARM_SVE of that vCPU's vector length (bits) and a
 * LINUX/NT_ARM_PAC_MASK note, then VMCOREINFO; PT_NOTE and every p_offset computed as if each
 * SVE note were as long as vCPU 0's, the RAM written right after the notes really written.
 */
static unsigned qemu_vl[8];
static int nqemu_vl;
static int64_t qemu_shift; /* where the data really is minus p_offset */
static uint64_t qemu_note_off, qemu_declared_end, qemu_real_end;
/*
 * qemu-kdump: also vmcore.qemu-kdump-zlib (QEMU's --format kdump-zlib: makedumpfile's flattened
 * stream) and vmcore.qemu-kdump-raw-zlib (kdump-raw-zlib) of the same RAM, laid out as QEMU's
 * dump.c writes them for aarch64: block_size 64 KiB (QEMU's target page size) whatever the
 * kernel's PAGESIZE, an empty utsname but for the machine, both bitmaps alike, zero blocks sharing
 * one zero block, other blocks zlib-compressed (level 1) when that is smaller.
 */
static bool qemu_kdump;

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

static const uint64_t XN_BITS = 3ULL << 53; /* XN[1:0]; 6.1/6.12 KVM sets bit 54 (0b10) too */

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
/* r/w/x of a descriptor as bits 4/2/1, and its 3-character form */
static unsigned desc_perm(uint64_t d)
{
	return ((d >> 6) & 1 ? 4u : 0) | ((d >> 7) & 1 ? 2u : 0) | (!(d & XN_BITS) ? 1u : 0);
}
static const char *perm_str(unsigned p)
{
	static char b[4][4];
	static int n;
	char *s = b[n++ & 3];
	s[0] = p & 4 ? 'r' : '-'; s[1] = p & 2 ? 'w' : '-'; s[2] = p & 1 ? 'x' : '-'; s[3] = 0;
	return s;
}
static unsigned shift_of(uint64_t size)
{
	if (size == 4096) return 12;
	if (size == 16384) return 14;
	if (size == 65536) return 16;
	die("granule must be 4K, 16K or 64K");
}
/* The input-address bits resolved below one entry of LEVEL, for a granule of 1 << gsh bytes. */
static unsigned gran_shift(unsigned gsh, int level) { return (gsh - 3) * (unsigned)(4 - level) + 3; }
/* kvm_get_vtcr(): levels = ARM64_HW_PGTABLE_LEVELS(ia_bits - 4), at least 2 */
static int start_level_for(unsigned gsh, unsigned ia_bits)
{
	int levels = (int)((ia_bits - 4 - 4) / (gsh - 3)); /* truncates: concatenation */
	if (levels < 2) levels = 2;
	return 4 - levels;
}
static uint64_t vtcr_for(unsigned gsh, unsigned ia_bits, int start, unsigned ps_enc)
{
	uint64_t sl0 = (uint64_t)((gsh == 12 ? 2 : 3) - start);
	uint64_t tg0 = gsh == 12 ? 0 : gsh == 16 ? 1 : 2;
	return (1ULL << 31) | ((uint64_t)ps_enc << 16) | (tg0 << 14) | (3ULL << 12) | (1ULL << 10) |
	       (1ULL << 8) | (sl0 << 6) | (64 - ia_bits);
}
static unsigned ps_encode(unsigned bits)
{
	static const unsigned t[] = { 32, 36, 40, 42, 44, 48, 52 };
	for (unsigned i = 0; i < 7; i++)
		if (t[i] == bits) return i;
	die("PS must be 32, 36, 40, 42, 44, 48 or 52 bits");
}
/* Contiguous-run length (entries) for a granule and level: 4K 16; 16K 128 (L3) / 32 (L2); 64K 32. */
static uint64_t cont_entries(unsigned gsh, unsigned level)
{
	if (gsh == 12) return 16;
	if (gsh == 14) return level == 2 ? 32 : 128;
	return 32;
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
		char *tok[16];
		int n = 0;
		for (char *t = strtok(line, " \t\n"); t && n < 16; t = strtok(NULL, " \t\n"))
			tok[n++] = t;
		if (!n)
			continue;
		struct vm *nm = cur && cur->nnested ? &nmmus[cur->nested[cur->nnested - 1]] : NULL;
		if (cur && cur->nmaps >= 128)
			die("%s:%d: too many map lines in one VM", path, ln);
		if (!strcmp(tok[0], "osrelease") && n == 2) {
			snprintf(osrelease, sizeof(osrelease), "%s", tok[1]);
		} else if (!strcmp(tok[0], "pagesize") && n == 2) {
			page_size = num(tok[1]);
			page_shift = shift_of(page_size);
		} else if (!strcmp(tok[0], "ram") && n == 2) {
			ram_size = num(tok[1]);
			if (ram_size < (32ULL << 20) || ram_size % (32ULL << 20))
				die("%s:%d: ram must be a multiple of 32M, at least 32M", path, ln);
		} else if (!strcmp(tok[0], "vmlinux-variant") && n == 2) {
			/* make-vmcores.sh ships <layout>+<variant>/vmlinux; the kernel code it models */
			if (strcmp(tok[1], "ptdump-flush"))
				die("%s:%d: unknown vmlinux variant %s", path, ln, tok[1]);
			variant_flush = true;
		} else if (!strcmp(tok[0], "layout") || (!strcmp(tok[0], "kdump") && n == 1)) {
			/* consumed by make-vmcores.sh: which generator builds this scenario, and whether
			 * makedumpfile writes a kdump-compressed copy */
		} else if (!strcmp(tok[0], "vabits") && n == 2) {
			va_bits_52 = num(tok[1]) == 52;
			if (!va_bits_52 && num(tok[1]) != 48)
				die("%s:%d: vabits must be 48 or 52", path, ln);
		} else if (!strcmp(tok[0], "kaslr") && n == 2) {
			kaslr_offset = num(tok[1]);
			if (kaslr_offset & 0x1fffff)
				die("%s:%d: kaslr offset must be 2M aligned (the kimage is block-mapped)", path, ln);
		} else if (!strcmp(tok[0], "vm") && n == 5 && nvms < 8) {
			/* vm PID VCPUS linear|vmalloc IA_BITS */
			cur = &vms[nvms++];
			cur->pid = (int)num(tok[1]);
			cur->vcpus = (int)num(tok[2]);
			cur->vmalloc = !strcmp(tok[3], "vmalloc");
			cur->ia_bits = (unsigned)num(tok[4]);
			cur->vmid = (unsigned)nvms;
		} else if ((!strcmp(tok[0], "map") || !strcmp(tok[0], "cmap")) && n == 5 && cur) {
			/* map IPA SIZE LEVEL PERMS  (a leaf per granule at LEVEL); cmap: contiguous runs */
			struct map *m = &cur->maps[cur->nmaps++];
			m->ipa = num(tok[1]);
			m->size = num(tok[2]);
			m->level = (unsigned)num(tok[3]);
			m->attrs = perm_attrs(tok[4]);
			m->valid = true;
			m->cont = tok[0][0] == 'c';
		} else if (!strcmp(tok[0], "invalid") && n == 4 && cur) {
			/* invalid IPA LEVEL RAW: one invalid leaf holding a KVM annotation */
			struct map *m = &cur->maps[cur->nmaps++];
			m->ipa = num(tok[1]);
			m->level = (unsigned)num(tok[2]);
			m->size = 1ULL << granule_shift((int)m->level);
			m->raw = num(tok[3]);
			m->valid = false;
		} else if (!strcmp(tok[0], "memslot") && n >= 5 && cur && cur->nslots < 16) {
			/* memslot ID GPA SIZE UADDR [dirty] [readonly] [guest_memfd] */
			struct mslot *s = &cur->slots[cur->nslots++];
			s->id = (int)num(tok[1]);
			s->gpa = num(tok[2]);
			s->size = num(tok[3]);
			s->uaddr = num(tok[4]);
			for (int i = 5; i < n; i++) {
				if (!strcmp(tok[i], "dirty")) s->flags |= 1;
				else if (!strcmp(tok[i], "readonly")) s->flags |= 2;
				else if (!strcmp(tok[i], "guest_memfd")) s->flags |= 4;
				else die("%s:%d: memslot flag must be dirty, readonly or guest_memfd", path, ln);
			}
			if (s->gpa % page_size || s->size % page_size || !s->size)
				die("%s:%d: memslot GPA and SIZE must be page aligned", path, ln);
		} else if (!strcmp(tok[0], "vcpu") && n >= 2 && cur && cur->nvcpu < 8) {
			/* vcpu IDX [id ID] [fault dabt|iabt IPA translation|access|permission LEVEL [write]] */
			struct vcpu *c = &cur->vcpu[cur->nvcpu++];
			c->idx = (int)num(tok[1]);
			c->id = c->idx;
			int i = 2;
			if (i + 1 < n && !strcmp(tok[i], "id")) { c->id = (int)num(tok[i + 1]); i += 2; }
			if (i < n && !strcmp(tok[i], "fault")) {
				if (n < i + 5)
					die("%s:%d: vcpu fault needs dabt|iabt IPA KIND LEVEL", path, ln);
				bool dabt = !strcmp(tok[i + 1], "dabt");
				if (!dabt && strcmp(tok[i + 1], "iabt"))
					die("%s:%d: fault type must be dabt or iabt", path, ln);
				uint64_t ipa = num(tok[i + 2]);
				unsigned base = !strcmp(tok[i + 3], "translation") ? 0x04 :
						!strcmp(tok[i + 3], "access") ? 0x08 :
						!strcmp(tok[i + 3], "permission") ? 0x0c : 0xff;
				unsigned lvl = (unsigned)num(tok[i + 4]);
				if (base == 0xff || lvl > 3 || (base != 0x04 && lvl == 0))
					die("%s:%d: fault kind translation (level 0-3), access or permission (1-3)", path, ln);
				bool wr = i + 5 < n && !strcmp(tok[i + 5], "write");
				if (wr && !dabt)
					die("%s:%d: `write` is for data aborts only", path, ln);
				uint64_t ec = dabt ? 0x24 : 0x20;
				c->esr = (ec << 26) | (1ULL << 25) | (wr ? 1ULL << 6 : 0) | base | lvl;
				c->far = 0xffff800012340000ULL | (ipa & 0xfff);
				c->hpfar = (ipa >> 8) & 0x0000fffffffffff0ULL;
				i += wr ? 6 : 5;
			}
			if (i != n)
				die("%s:%d: cannot parse vcpu line", path, ln);
		} else if (!strcmp(tok[0], "pkvm") && n <= 2 && cur) {
			/* pkvm [unprotected]: 7.2 host-side pkvm_mappings instead of stage-2 tables */
			if (LAYOUT_VER < 700)
				die("%s:%d: pkvm is for the linux-7.2 layout only", path, ln);
			cur->pkvm = true;
			cur->pkvm_protected = !(n == 2 && !strcmp(tok[1], "unprotected"));
		} else if (!strcmp(tok[0], "nested") && n == 4 && cur && cur->nnested < 8 && nnmmus < 16) {
			/* nested TLB_VTTBR TLB_VTCR enabled|disabled|invalid: a shadow MMU of the VM;
			 * following nmap lines fill its shadow stage-2 (ia_bits 48, the host PA size) */
			nm = &nmmus[nnmmus];
			cur->nested[cur->nnested++] = nnmmus++;
			nm->pid = cur->pid;
			nm->parent = (int)(cur - vms);
			nm->ia_bits = 48;
			nm->nvalid = strcmp(tok[3], "invalid") != 0;
			nm->tlb_vttbr = nm->nvalid ? num(tok[1]) : 1; /* CnP bit: unused */
			nm->tlb_vtcr = num(tok[2]);
			nm->s2_enabled = !strcmp(tok[3], "enabled");
			nm->vmid = (unsigned)(nvms + nnmmus + 8);
		} else if (!strcmp(tok[0], "nmap") && n >= 5 && n <= 6 && nm) {
			/* nmap L2IPA SIZE LEVEL PERMS|auto [stale] */
			struct map *m = &nm->maps[nm->nmaps++];
			m->ipa = num(tok[1]);
			m->size = num(tok[2]);
			m->level = (unsigned)num(tok[3]);
			m->auto_perm = !strcmp(tok[4], "auto");
			m->attrs = perm_attrs(m->auto_perm ? "ra" : tok[4]);
			m->valid = true;
			m->kind = MAP_COMPOSE;
			if (n == 6) {
				if (strcmp(tok[5], "stale"))
					die("%s:%d: nmap option must be `stale`", path, ln);
				m->kind = MAP_STALE;
			}
		} else if (!strcmp(tok[0], "gs2pool") && n == 3 && cur) {
			cur->gpool = cur->gpool_next = num(tok[1]);
			cur->gpool_size = num(tok[2]);
		} else if (!strcmp(tok[0], "gs2") && n >= 3 && nm && nm->s2_enabled) {
			/* gs2 GRANULE IA_BITS [PS] [root=L1IPA] */
			nm->gs2 = true;
			nm->g_shift = shift_of(num(tok[1]));
			nm->g_ia = (unsigned)num(tok[2]);
			nm->g_ps = 48;
			for (int i = 3; i < n; i++) {
				if (!strncmp(tok[i], "root=", 5)) {
					nm->g_root = num(tok[i] + 5);
					nm->g_root_fixed = true;
				} else {
					nm->g_ps = (unsigned)num(tok[i]);
				}
			}
			if (nm->g_ia < 25 || nm->g_ia > 48)
				die("%s:%d: gs2 IA_BITS must be 25..48", path, ln);
		} else if ((!strcmp(tok[0], "gmap") || !strcmp(tok[0], "gcmap")) && n == 6 && nm && nm->gs2 &&
			   nm->ngm < 64) {
			/* gmap L2IPA SIZE LEVEL PERMS L1IPA: guest leaves (guest granule); gcmap: with the
			 * contiguous bit on whole aligned runs (nested.c honours it) */
			struct gmap *g = &nm->gm[nm->ngm++];
			g->cont = tok[0][1] == 'c';
			g->l2 = num(tok[1]);
			g->size = num(tok[2]);
			g->level = (unsigned)num(tok[3]);
			g->attrs = perm_attrs(tok[4]);
			g->l1 = num(tok[5]);
		} else if (!strcmp(tok[0], "gtable") && n == 4 && nm && nm->gs2 && nm->npins < 8) {
			/* gtable L2IPA LEVEL L1IPA: the level-LEVEL guest table covering L2IPA is at L1IPA */
			struct gpin *p = &nm->pins[nm->npins++];
			p->l2 = num(tok[1]);
			p->level = (int)num(tok[2]);
			p->l1 = num(tok[3]);
		} else if (!strcmp(tok[0], "ntranslate") && n == 3 && cur && cur->nnxlate < 32) {
			cur->nxlate_[cur->nnxlate].mmu = (int)num(tok[1]);
			cur->nxlate_[cur->nnxlate++].l2 = num(tok[2]);
		} else if (!strcmp(tok[0], "translate") && n == 2 && cur && cur->nxlate < 32) {
			cur->xlate[cur->nxlate++].ipa = num(tok[1]);
		} else if (!strcmp(tok[0], "qemu-kdump") && n == 1) {
			qemu_kdump = true;
		} else if (!strcmp(tok[0], "qemu-sve") && n >= 2 && n <= 9) {
			for (int i = 1; i < n; i++) {
				qemu_vl[i - 1] = (unsigned)num(tok[i]);
				if (qemu_vl[i - 1] < 128 || qemu_vl[i - 1] > 2048 || qemu_vl[i - 1] % 128)
					die("%s:%d: an SVE vector length is 128..2048 bits, a multiple of 128", path, ln);
			}
			nqemu_vl = n - 1;
		} else if (!strcmp(tok[0], "damage") && n >= 2) {
			snprintf(damage, sizeof(damage), "%s", tok[1]);
			snprintf(damage_arg, sizeof(damage_arg), "%s", n > 2 ? tok[2] : "");
		} else {
			die("%s:%d: cannot parse '%s'", path, ln, tok[0]);
		}
	}
	fclose(f);
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		if (v->nvcpu && v->nvcpu != v->vcpus)
			die("vm %d: %d vcpu lines for %d vCPUs", v->pid, v->nvcpu, v->vcpus);
		/* vcpu_array is an xarray: one entry at index 0 lives in xa_head itself; more need
		 * struct xa_node (recorded for 6.12 and 7.2 only) */
#ifndef S2L_DEFINES_struct_xa_node
		if (v->nvcpu > 1 || (v->nvcpu == 1 && v->vcpu[0].idx != 0))
			die("vm %d: this layout has no recorded xa_node: one vCPU (index 0) only", v->pid);
#endif
		for (int j = 0; j < v->nvcpu; j++) {
			if (v->vcpu[j].idx < 0 || v->vcpu[j].idx >= 64)
				die("vm %d: vcpu index must be 0..63 (one xa_node)", v->pid);
			for (int k = 0; k < j; k++)
				if (v->vcpu[k].idx == v->vcpu[j].idx)
					die("vm %d: vcpu %d twice", v->pid, v->vcpu[j].idx);
		}
		/* vcpus file and objects in vcpu_array index order */
		for (int j = 1; j < v->nvcpu; j++)
			for (int k = j; k > 0 && v->vcpu[k - 1].idx > v->vcpu[k].idx; k--) {
				struct vcpu t = v->vcpu[k];
				v->vcpu[k] = v->vcpu[k - 1];
				v->vcpu[k - 1] = t;
			}
	}
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
		} else if ((e & 3) != 3) {
			die("vm %d: a level-%u leaf at IPA 0x%" PRIx64 " lies inside a level-%d block", v->pid, level,
			    ipa, l);
		}
		table = e & 0x0000ffffffffffffULL & ~(page_size - 1);
	}
}

#define OA_MASK(sh) (0x0000ffffffffffffULL & ~((1ULL << (sh)) - 1))

/* Canonical (or shadow) lookup in the table model: 1 and the leaf's descriptor and level, or 0
 * and the level whose entry is invalid (the walk stops there). */
static int s2_lookup(struct vm *v, uint64_t ipa, uint64_t *desc, int *level)
{
	if (ipa >> v->ia_bits) { *level = v->start_level; return 0; }
	uint64_t table = v->pgd_pa;
	for (int l = v->start_level;; l++) {
		uint64_t e = rd64(table + s2_index(ipa, l, v->start_level, v->ia_bits) * 8);
		*level = l;
		if (!(e & 1) || (l == 3 && (e & 3) != 3))
			return 0;
		if (l == 3 || (e & 3) == 1) { *desc = e; return 1; }
		table = e & OA_MASK(page_shift);
	}
}
/* The output address of an IPA through a valid leaf */
static uint64_t leaf_oa(uint64_t desc, int level, uint64_t ipa, unsigned gsh)
{
	unsigned sh = gran_shift(gsh, level);
	return (desc & OA_MASK(sh)) | (ipa & ((1ULL << sh) - 1));
}
static bool pa_in_dump(uint64_t pa) { return pa >= RAM_BASE && pa < RAM_BASE + RAM_SIZE; }

/* Output pages of a leaf run: aligned to the leaf size. Leaves bigger than 2M (and runs bigger
 * than 8M) point above the dumped RAM (4 GiB up): their memory is not in the dump, only their
 * descriptors are, which keeps every vmcore small. */
static uint64_t alloc_out(uint64_t g, uint64_t size, bool *in_ram_out)
{
	static uint64_t high_next = 0x100000000ULL;
	bool in_ram = g <= (2ULL << 20) && size <= (8ULL << 20);
	uint64_t *next = in_ram ? &alloc_next : &high_next;
	uint64_t pa = (*next + g - 1) & ~(g - 1);
	*next = pa + size;
	if (in_ram && alloc_next > RAM_BASE + RAM_SIZE)
		die("RAM exhausted by mappings (`ram SIZE` makes it larger)");
	if (in_ram_out) *in_ram_out = in_ram;
	return pa;
}

/* ---- the guest hypervisor's stage 2 (in L1 IPA space) ------------------------------------ */

struct gtab {
	struct vm *nm;
	int level;
	uint64_t l2base, l1, bytes; /* L2 IPA range start, L1 IPA of the table, size (concat root) */
	uint64_t *ent;
};
static struct gtab gtabs[512];
static int ngtabs;

enum gread { G_OK, G_UNMAPPED, G_MISSING };
/* Can the table at L1 IPA [l1, l1+bytes) be read through the canonical stage 2 of VM p? */
static enum gread gtab_readable(struct vm *p, uint64_t l1, uint64_t bytes)
{
	for (uint64_t o = 0; o < bytes; o += page_size) {
		uint64_t d;
		int lvl;
		if (!s2_lookup(p, l1 + o, &d, &lvl))
			return G_UNMAPPED;
		uint64_t pa = leaf_oa(d, lvl, l1 + o, (unsigned)page_shift);
		if (!pa_in_dump(pa) || !pa_in_dump(pa + page_size - 1))
			return G_MISSING;
	}
	return G_OK;
}
static uint64_t gpool_alloc(struct vm *p, uint64_t bytes, uint64_t align)
{
	uint64_t a = (p->gpool_next + align - 1) & ~(align - 1);
	if (!p->gpool_size || a + bytes > p->gpool + p->gpool_size)
		die("vm %d: guest table pool exhausted (gs2pool L1IPA SIZE)", p->pid);
	p->gpool_next = a + bytes;
	return a;
}
static struct gtab *gtab_new(struct vm *nm, int level, uint64_t l2base, uint64_t bytes)
{
	if (ngtabs >= 512)
		die("too many guest tables");
	struct gtab *t = &gtabs[ngtabs++];
	t->nm = nm;
	t->level = level;
	t->l2base = l2base;
	t->bytes = bytes;
	t->ent = calloc(1, bytes);
	uint64_t gps = 1ULL << nm->g_shift;
	bool pinned = false;
	for (int i = 0; i < nm->npins; i++) {
		struct gpin *pn = &nm->pins[i];
		if (pn->level == level && level != nm->g_start &&
		    (pn->l2 >> gran_shift(nm->g_shift, level - 1)) == (l2base >> gran_shift(nm->g_shift, level - 1))) {
			t->l1 = pn->l1;
			pinned = true;
		}
	}
	if (level == nm->g_start && nm->g_root_fixed) {
		t->l1 = nm->g_root;
		pinned = true;
	}
	if (!pinned)
		t->l1 = gpool_alloc(&vms[nm->parent], bytes, level == nm->g_start ? bytes : gps);
	if (t->l1 % (level == nm->g_start ? bytes : gps))
		die("vm %d: guest table at L1 0x%" PRIx64 " not aligned", nm->pid, t->l1);
	return t;
}
static struct gtab *gtab_find(struct vm *nm, uint64_t l1)
{
	for (int i = 0; i < ngtabs; i++)
		if (gtabs[i].nm == nm && gtabs[i].l1 == l1)
			return &gtabs[i];
	return NULL;
}
static uint64_t g_index(struct vm *nm, uint64_t l2, int level)
{
	unsigned sh = gran_shift(nm->g_shift, level);
	if (level == nm->g_start)
		return (l2 & ((1ULL << nm->g_ia) - 1)) >> sh;
	return (l2 >> sh) & ((1ULL << (nm->g_shift - 3)) - 1);
}
static struct gtab *g_root(struct vm *nm)
{
	for (int i = 0; i < ngtabs; i++)
		if (gtabs[i].nm == nm && gtabs[i].level == nm->g_start)
			return &gtabs[i];
	return NULL;
}

/* Builds the guest's tables (model only; copied into guest memory by gs2_place) and computes
 * tlb_vtcr / tlb_vttbr the way the guest hypervisor would program VTCR_EL2 / VTTBR_EL2. */
static void build_gs2(struct vm *nm)
{
	struct vm *p = &vms[nm->parent];
	unsigned gsh = nm->g_shift, stride = gsh - 3;
	nm->g_start = start_level_for(gsh, nm->g_ia);
	unsigned top = gran_shift(gsh, nm->g_start - 1);
	nm->g_concat = top >= nm->g_ia ? 1 : 1u << (nm->g_ia - top);
	/* check_base_s2_limits() with pa_max = the VM's IPA size (kvm_get_pa_bits) */
	int lvl = nm->g_start;
	int start_size = (int)nm->g_ia - ((3 - lvl) * (int)stride + (int)gsh);
	nm->g_refused = (gsh == 12 && (lvl < 0 || (lvl == 0 && p->ia_bits <= 42))) ||
			(gsh != 12 && (lvl == 0 || (lvl == 1 && p->ia_bits <= (gsh == 16 ? 42 : 40)))) ||
			nm->g_ia > p->ia_bits || start_size < 1 || start_size > (int)stride + 4;
	uint64_t gps = 1ULL << gsh;
	struct gtab *root = NULL;
	if (!nm->g_refused) {
		root = gtab_new(nm, nm->g_start, 0, gps * nm->g_concat);
		nm->g_root = root->l1;
	} else if (!nm->g_root_fixed) {
		nm->g_root = gpool_alloc(p, gps, gps);
	}
	nm->tlb_vtcr = vtcr_for(gsh, nm->g_ia, nm->g_start, ps_encode(nm->g_ps));
	nm->tlb_vttbr = (nm->tlb_vttbr & 0xffff000000000000ULL) | nm->g_root;
	if (!root)
		return;
	for (int i = 0; i < nm->ngm; i++) {
		struct gmap *g = &nm->gm[i];
		unsigned sh = gran_shift(gsh, (int)g->level);
		uint64_t gs = 1ULL << sh;
		bool blk_ok = g->level == 3 || (g->level == 2) || (g->level == 1 && gsh == 12);
		if (!blk_ok || (int)g->level < nm->g_start)
			die("vm %d: gmap at level %u is not a valid leaf level for a %uK guest granule", nm->pid,
			    g->level, (unsigned)(gps >> 10));
		if (g->l2 % gs || g->size % gs || g->l1 % gs)
			die("vm %d: gmap 0x%" PRIx64 " not aligned to its level %u", nm->pid, g->l2, g->level);
		if ((g->l1 + g->size - 1) >> nm->g_ps)
			die("vm %d: gmap output above the guest's PS", nm->pid);
		uint64_t run = gs * cont_entries(gsh, g->level);
		if (g->cont && (g->l2 % run || g->size % run || g->l1 % run))
			die("vm %d: gcmap 0x%" PRIx64 " not aligned to a contiguous run (0x%" PRIx64 ")", nm->pid,
			    g->l2, run);
		for (uint64_t o = 0; o < g->size; o += gs) {
			uint64_t l2 = g->l2 + o;
			struct gtab *t = root;
			for (int l = nm->g_start;; l++) {
				uint64_t *e = &t->ent[g_index(nm, l2, l)];
				if (l == (int)g->level) {
					*e = (g->l1 + o) | g->attrs | (g->cont ? 1ULL << 52 : 0) | (l == 3 ? 3 : 1);
					break;
				}
				if ((*e & 3) == 1)
					die("vm %d: gmap 0x%" PRIx64 " lies inside a guest level-%d block", nm->pid, l2, l);
				if (!(*e & 1)) {
					unsigned csh = gran_shift(gsh, l);
					struct gtab *c = gtab_new(nm, l + 1, l2 & ~((1ULL << csh) - 1), gps);
					*e = c->l1 | 3;
				}
				t = gtab_find(nm, *e & OA_MASK(gsh));
			}
		}
	}
}
/* Copies each readable guest table into the guest memory that holds it (through the canonical
 * stage 2). Unreadable ones (unmapped or not in the dump) exist only in the model. */
static void gs2_place(void)
{
	for (int i = 0; i < ngtabs; i++) {
		struct gtab *t = &gtabs[i];
		struct vm *p = &vms[t->nm->parent];
		if (gtab_readable(p, t->l1, t->bytes) != G_OK)
			continue;
		for (uint64_t o = 0; o < t->bytes; o += 8) {
			uint64_t d;
			int lvl;
			s2_lookup(p, t->l1 + o, &d, &lvl);
			wr64(leaf_oa(d, lvl, t->l1 + o, (unsigned)page_shift), t->ent[o / 8]);
		}
	}
}

/* Guest translation of an L2 IPA. G_OK: *l1, *desc, *level (disabled S2: identity, level -1);
 * otherwise *level = the level where the guest walk fails (unreadable table or invalid entry). */
struct gres { int ok; uint64_t l1, desc; int level; unsigned perm; bool af; bool missing; /* a table not in the dump */ };
static struct gres guest_translate(struct vm *nm, uint64_t l2)
{
	struct gres r = { 0 };
	if (!nm->s2_enabled) {
		r.ok = 1; r.l1 = l2; r.level = -1; r.perm = 7; r.af = true;
		return r;
	}
	if (!nm->gs2 || nm->g_refused) {
		r.level = 0; /* refused VTCR: FAULT at level 0; no guest S2 in memory: nothing to walk */
		return r;
	}
	struct vm *p = &vms[nm->parent];
	if (l2 >> nm->g_ia) { r.level = nm->g_start; return r; }
	struct gtab *t = g_root(nm);
	for (int l = nm->g_start;; l++) {
		r.level = l;
		enum gread rd = gtab_readable(p, t->l1, t->bytes);
		if (rd != G_OK) {
			r.missing = rd == G_MISSING;
			return r;
		}
		uint64_t e = t->ent[g_index(nm, l2, l)];
		if (!(e & 1) || (l == 3 && (e & 3) != 3))
			return r;
		if (l == 3 || (e & 3) == 1) {
			r.ok = 1;
			r.desc = e;
			r.l1 = leaf_oa(e, l, l2, nm->g_shift);
			r.perm = desc_perm(e);
			r.af = (e >> 10) & 1;
			return r;
		}
		t = gtab_find(nm, e & OA_MASK(nm->g_shift));
	}
}

static void build_s2(struct vm *v)
{
	v->start_level = s2_start_level(v->ia_bits);
	v->pgd_pa = alloc_pages(pgd_pages(v));
	struct vm *parent = v >= nmmus && v < nmmus + 16 ? &vms[v->parent] : NULL; /* shadow MMU */
	for (int i = 0; i < v->nmaps; i++) {
		struct map *m = &v->maps[i];
		if (!m->valid) {
			s2_install(v, m->ipa, m->level, m->raw);
			m->first_desc = m->raw;
			continue;
		}
		uint64_t g = 1ULL << granule_shift((int)m->level);
		if (m->ipa % g || m->size % g)
			die("vm %d: map 0x%" PRIx64 " not aligned to its level %u", v->pid, m->ipa, m->level);
		uint64_t run = m->cont ? g * cont_entries((unsigned)page_shift, m->level) : g;
		if (m->cont && (m->ipa % run || m->size % run))
			die("vm %d: cmap 0x%" PRIx64 " not aligned to a contiguous run (0x%" PRIx64 ")", v->pid,
			    m->ipa, run);
		bool compose = parent && m->kind == MAP_COMPOSE && (!v->s2_enabled || v->gs2);
		bool in_ram = false;
		/* fresh output pages (also the fallback of a composition that does not resolve) */
		if (!compose)
			m->pa = alloc_out(g, m->size, &in_ram);
		for (uint64_t o = 0; o < m->size; o += g) {
			uint64_t oa = m->pa + o, attrs = m->attrs;
			bool marker = in_ram;
			if (compose) {
				struct gres gr = guest_translate(v, m->ipa + o);
				uint64_t cd;
				int cl;
				if (gr.ok && s2_lookup(parent, gr.l1, &cd, &cl)) {
					oa = leaf_oa(cd, cl, gr.l1, (unsigned)page_shift);
					if (oa % g)
						die("vm %d: shadow leaf 0x%" PRIx64 " composes to unaligned PA 0x%" PRIx64,
						    v->pid, m->ipa + o, oa);
					if (m->auto_perm) {
						unsigned pm = gr.perm & desc_perm(cd);
						attrs = perm_attrs(pm & 1 ? "xa" : "a") | (pm & 4 ? 1ULL << 6 : 0) |
							(pm & 2 ? 1ULL << 7 : 0);
					}
					marker = false; /* the canonical marker of the L1 IPA is there */
				} else {
					oa = alloc_out(g, g, &marker);
				}
				if (gr.ok && gr.level >= 0)
					attrs |= (uint64_t)(gr.level & 3) << 55; /* KVM_NV_GUEST_MAP_SZ */
				if (o == 0)
					m->pa = oa;
			}
			uint64_t d = oa | attrs | (m->cont ? 1ULL << 52 : 0) | (m->level == 3 ? 3 : 1);
			s2_install(v, m->ipa + o, m->level, d);
			if (o == 0)
				m->first_desc = d;
			if (marker)
				snprintf((char *)pa_ptr(oa, 32), 32, "VM%d-IPA-%" PRIx64, v->pid, m->ipa + o);
		}
	}
	v->vtcr = vtcr_for((unsigned)page_shift, v->ia_bits, v->start_level, 5);
}

/* Calls cb for every valid leaf of a table model, in ascending IPA order. */
typedef void (*leaf_cb)(void *ctx, uint64_t ipa, int level, uint64_t desc);
static void walk_leaves(struct vm *v, uint64_t table, int level, uint64_t base, uint64_t n,
			leaf_cb cb, void *ctx)
{
	unsigned sh = granule_shift(level);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = rd64(table + i * 8);
		if (!(e & 1))
			continue;
		uint64_t addr = base + (i << sh);
		if (level < 3 && (e & 3) == 3)
			walk_leaves(v, e & OA_MASK(page_shift), level + 1, addr, page_size / 8, cb, ctx);
		else if (level < 3 || (e & 3) == 3)
			cb(ctx, addr, level, e);
	}
}
static void for_each_leaf(struct vm *v, leaf_cb cb, void *ctx)
{
	walk_leaves(v, v->pgd_pa, v->start_level, 0, (1ULL << v->ia_bits) >> granule_shift(v->start_level),
		    cb, ctx);
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
/*
 * The debugfs behaviour of the kernel this dump pretends to come from (arch/arm64/kvm/ptdump.c
 * of 7.2 and 7.3, read for this kit):
 *  - 7.3's kvm_ptdump_guest_show() ends with note_page_flush(): note_page(BIT(ia_bits), -1, 0)
 *    prints the final run (before, it never was). A 7.2 with that commit backported does the same
 *    (vmlinux-variant ptdump-flush).
 *  - 7.3's shadow MMU files are nested/nested_mmu<index>, created per nested_mmus slot; a valid
 *    MMU's file starts with "VTCR: 0x%016llx VTTBR: 0x%016llx s2: enabled|disabled", an invalid
 *    one's is empty. That came with the layout (kvm_nested_s2_ptdump_create_debugfs(mmu, idx)).
 */
static bool kernel_flushes(void)
{
	unsigned major = 0, minor = 0;

	sscanf(osrelease, "%u.%u", &major, &minor);
	return variant_flush || major > 7 || (major == 7 && minor >= 3);
}
static bool kernel_nested_by_index(void)
{
	return LAYOUT_VER >= 703;
}
static void nested_header(FILE *f, const struct vm *nm)
{
	fprintf(f, "VTCR: 0x%016" PRIx64 " VTTBR: 0x%016" PRIx64 " s2: %s\n", nm->tlb_vtcr, nm->tlb_vttbr,
		nm->s2_enabled ? "enabled" : "disabled");
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
	if (v >= nmmus && v < nmmus + 16 && kernel_nested_by_index()) { /* a shadow MMU */
		if (!v->nvalid && !complete) {
			fclose(st.out); /* 7.3: an invalid shadow MMU's file is empty */
			return;
		}
		if (v->nvalid)
			nested_header(st.out, v);
	}
	uint64_t entries = (1ULL << v->ia_bits) >> granule_shift(v->start_level);
	pd_walk(&st, v, v->pgd_pa, v->start_level, 0, entries);
	if (complete || kernel_flushes())
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

/* ---- expected: memslots, prefault, vcpus, pkvm, nested guest/translate/check ------------- */

static FILE *xopen(const char *dir, int pid, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/expected/%d/%s", dir, pid, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}
static void xclose(FILE *f)
{
	if (ferror(f) | fclose(f))
		die("writing an expected file failed");
}

static void write_memslots(struct vm *v, FILE *f)
{
	for (int i = 0; i < v->nslots; i++) {
		struct mslot *s = &v->slots[i];
		fprintf(f, "id=%d gpa=0x%016" PRIx64 " size=0x%" PRIx64 " uaddr=0x%016" PRIx64 " flags=0x%x\n",
			s->id, s->gpa, s->size, s->uaddr, s->flags);
	}
}

/* prefault: valid canonical leaves per memslot (a leaf belongs to the slot holding its first IPA) */
struct pgroup { int level; unsigned perm; int af; uint64_t count, bytes; };
struct pfctx {
	struct vm *v;
	struct pgroup g[17][64];
	int ng[17];
	uint64_t mapped[17]; /* [16]: outside every memslot */
};
static void pf_leaf(void *ctx, uint64_t ipa, int level, uint64_t desc)
{
	struct pfctx *c = ctx;
	int s = 16;
	for (int i = 0; i < c->v->nslots; i++)
		if (ipa >= c->v->slots[i].gpa && ipa < c->v->slots[i].gpa + c->v->slots[i].size)
			s = i;
	uint64_t sz = 1ULL << granule_shift(level);
	c->mapped[s] += sz;
	unsigned perm = desc_perm(desc);
	int af = (int)((desc >> 10) & 1);
	for (int i = 0; i < c->ng[s]; i++) {
		struct pgroup *g = &c->g[s][i];
		if (g->level == level && g->perm == perm && g->af == af) {
			g->count++;
			g->bytes += sz;
			return;
		}
	}
	if (c->ng[s] >= 64)
		die("too many leaf groups");
	c->g[s][c->ng[s]++] = (struct pgroup){ level, perm, af, 1, sz };
}
static int cmp_group(const void *a, const void *b)
{
	const struct pgroup *x = a, *y = b;
	if (x->level != y->level) return x->level - y->level;
	int p = strcmp(perm_str(x->perm), perm_str(y->perm));
	if (p) return p;
	return x->af - y->af;
}
static void write_prefault(struct vm *v, FILE *f)
{
	struct pfctx *c = calloc(1, sizeof(*c));
	c->v = v;
	for_each_leaf(v, pf_leaf, c);
	for (int i = 0; i < v->nslots; i++) {
		fprintf(f, "slot=%d mapped=0x%" PRIx64 " size=0x%" PRIx64 "\n", v->slots[i].id, c->mapped[i],
			v->slots[i].size);
		qsort(c->g[i], (size_t)c->ng[i], sizeof(c->g[i][0]), cmp_group);
		for (int j = 0; j < c->ng[i]; j++) {
			struct pgroup *g = &c->g[i][j];
			fprintf(f, "slot=%d level=%d kind=%s perm=%s af=%d count=%" PRIu64 " bytes=0x%" PRIx64 "\n",
				v->slots[i].id, g->level, g->level == 3 ? "page" : "block", perm_str(g->perm), g->af,
				g->count, g->bytes);
		}
	}
	if (c->mapped[16])
		fprintf(f, "outside mapped=0x%" PRIx64 "\n", c->mapped[16]);
	free(c);
}

static void write_vcpus(struct vm *v, FILE *f)
{
	for (int i = 0; i < v->nvcpu; i++) {
		struct vcpu *c = &v->vcpu[i];
		fprintf(f, "idx=%d id=%d esr=0x%" PRIx64 " far=0x%" PRIx64 " hpfar=0x%" PRIx64, c->idx, c->id,
			c->esr, c->far, c->hpfar);
		if (c->esr)
			fprintf(f, " ec=0x%" PRIx64 " fsc=0x%" PRIx64 " wnr=%d fault_ipa=0x%" PRIx64, c->esr >> 26,
				c->esr & 0x3f, (int)((c->esr >> 6) & 1),
				(uint64_t)(((c->hpfar & ~0xfULL & ~(1ULL << 63)) << 8) | (c->far & 0xfff)));
		fputc('\n', f);
	}
}

/* objects (the acceptance tests' aid, not a tool contract): kernel VAs of the new objects */
static void write_objects(struct vm *v, FILE *f)
{
	fprintf(f, "memslots va=0x%016" PRIx64 " active=%d\n", v->kvm_va + offsetof(struct kvm, __memslots) +
		(uint64_t)(v->nslots % 2) * sizeof(struct kvm_memslots), v->nslots % 2);
	for (int i = 0; i < v->nslots; i++)
		fprintf(f, "memslot id=%d va=0x%016" PRIx64 " dirty_bitmap=0x%016" PRIx64 "\n", v->slots[i].id,
			v->slots[i].va, v->slots[i].bitmap_va);
	for (int i = 0; i < v->nvcpu; i++)
		fprintf(f, "vcpu idx=%d va=0x%016" PRIx64 " fault_va=0x%016" PRIx64 "\n", v->vcpu[i].idx,
			v->vcpu[i].va, v->vcpu[i].va + offsetof(struct kvm_vcpu, arch.fault));
	if (v->xa_node_va)
		fprintf(f, "xa_node va=0x%016" PRIx64 "\n", v->xa_node_va);
}

#if LAYOUT_VER >= 700
static void write_pkvm(struct vm *v, FILE *f)
{
	int vi = (int)(v - vms);
	fprintf(f, "protected=%d\n", v->pkvm_protected);
	for (int i = 0; i < npkm[vi]; i++)
		fprintf(f, "gfn=0x%" PRIx64 " pfn=0x%" PRIx64 " nr_pages=%" PRIu64 "\n", pkm[vi][i].gfn,
			pkm[vi][i].pfn, pkm[vi][i].nr);
}
#endif

/* nested-<i>.guest: the guest hypervisor's stage 2 as its walk sees it, ascending L2 IPA */
static void guest_walk(FILE *f, struct vm *nm, struct gtab *t, int level, uint64_t base)
{
	struct vm *p = &vms[nm->parent];
	unsigned sh = gran_shift(nm->g_shift, level);
	uint64_t n = t->bytes / 8;
	enum gread rd = gtab_readable(p, t->l1, t->bytes);
	if (rd != G_OK) {
		fprintf(f, "problem l2=0x%016" PRIx64 " size=0x%" PRIx64 " level=%d table_l1=0x%016" PRIx64
			" kind=%s\n", base, (uint64_t)(n << sh), level, t->l1, rd == G_UNMAPPED ? "unmapped" : "missing");
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = t->ent[i], l2 = base + (i << sh);
		if (!(e & 1))
			continue;
		if (level < 3 && (e & 3) == 3)
			guest_walk(f, nm, gtab_find(nm, e & OA_MASK(nm->g_shift)), level + 1, l2);
		else if (level < 3 || (e & 3) == 3)
			fprintf(f, "l2=0x%016" PRIx64 " size=0x%" PRIx64 " level=%d l1=0x%016" PRIx64 " perm=%s af=%d\n",
				l2, (uint64_t)1 << sh, level, (uint64_t)(e & OA_MASK(sh)), perm_str(desc_perm(e)), (int)((e >> 10) & 1));
	}
}
static void write_guest(struct vm *nm, FILE *f)
{
	if (!nm->s2_enabled) {
		fprintf(f, "disabled\n");
		return;
	}
	if (nm->g_refused) {
		fprintf(f, "fault fsc=0x%x level=%d\n", 0x04, 0); /* check_base_s2_limits: FAULT, level 0 */
		return;
	}
	fprintf(f, "geometry granule=%u ia_bits=%u start_level=%d concat=%u root_l1=0x%016" PRIx64 "\n",
		1u << nm->g_shift, nm->g_ia, nm->g_start, nm->g_concat, nm->g_root);
	guest_walk(f, nm, g_root(nm), nm->g_start, 0);
}
static void write_ntranslate(struct vm *v, FILE *f)
{
	for (int i = 0; i < v->nnxlate; i++) {
		int mi = v->nxlate_[i].mmu;
		uint64_t l2 = v->nxlate_[i].l2;
		if (mi < 0 || mi >= v->nnested)
			die("vm %d: ntranslate %d: no such nested MMU", v->pid, mi);
		struct vm *nm = &nmmus[v->nested[mi]];
		struct gres gr = guest_translate(nm, l2);
		if (!gr.ok) {
			fprintf(f, "mmu=%d l2=0x%016" PRIx64 " fault=guest level=%d\n", mi, l2, gr.level);
			continue;
		}
		uint64_t d;
		int l;
		if (s2_lookup(v, gr.l1, &d, &l))
			fprintf(f, "mmu=%d l2=0x%016" PRIx64 " l1=0x%016" PRIx64 " pa=0x%016" PRIx64 "\n", mi, l2,
				gr.l1, leaf_oa(d, l, gr.l1, (unsigned)page_shift));
		else
			fprintf(f, "mmu=%d l2=0x%016" PRIx64 " l1=0x%016" PRIx64 " fault=canonical level=%d\n", mi,
				l2, gr.l1, l);
	}
}
/* check: shadow leaves that violate canonical(guest(l2)), judged at the leaf's first L2 IPA */
struct ckctx { struct vm *v, *nm; int mi; int violations; FILE *f; };
static void ck_leaf(void *ctx, uint64_t l2, int level, uint64_t desc)
{
	struct ckctx *c = ctx;
	const char *kind = NULL;
	unsigned sp = desc_perm(desc);
	struct gres gr = guest_translate(c->nm, l2);
	uint64_t cd;
	int cl;
	if (!gr.ok && gr.missing) {
		/* the guest table is mapped but not dumped: not checkable, and not a violation */
		fprintf(c->f, "mmu=%d l2=0x%016" PRIx64 " size=0x%" PRIx64 " kind=not-checkable\n", c->mi, l2,
			(uint64_t)1 << granule_shift(level));
		return;
	}
	if (!gr.ok)
		kind = "guest-unmapped";
	else if (!s2_lookup(c->v, gr.l1, &cd, &cl))
		kind = "canonical-unmapped";
	else if ((desc & OA_MASK(granule_shift(level))) != leaf_oa(cd, cl, gr.l1, (unsigned)page_shift))
		kind = "stale-oa";
	else if (sp & ~gr.perm)
		kind = "wider-than-guest";
	else if (sp & ~desc_perm(cd))
		kind = "wider-than-canonical";
	if (!kind)
		return;
	c->violations++;
	fprintf(c->f, "mmu=%d l2=0x%016" PRIx64 " size=0x%" PRIx64 " kind=%s\n", c->mi, l2,
		(uint64_t)1 << granule_shift(level), kind);
}
static void write_check(struct vm *v, FILE *f)
{
	struct ckctx c = { .v = v, .f = f };
	for (int j = 0; j < v->nnested; j++) {
		struct vm *nm = &nmmus[v->nested[j]];
		if (!nm->nvalid)
			continue;
		c.nm = nm;
		c.mi = j;
		for_each_leaf(nm, ck_leaf, &c);
	}
	fprintf(f, "violations=%d\n", c.violations);
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

/* A balanced rb-tree over n nodes (VAs of their struct rb_node, in key order) stored in guest
 * memory: nodes on the deepest level of a non-perfect tree are red, the rest black (a valid
 * red-black colouring). Returns the root node's VA. node_pa[i] is the node's PA. */
static uint64_t rb_build(const uint64_t *node_va, const uint64_t *node_pa, int lo, int hi, uint64_t parent,
			 int depth, int red_depth)
{
	if (lo > hi)
		return 0;
	int mid = (lo + hi) / 2;
	uint64_t pa = node_pa[mid];
	wr64(pa + offsetof(struct rb_node, __rb_parent_color), parent | (depth == red_depth ? 0 : 1));
	wr64(pa + offsetof(struct rb_node, rb_left), rb_build(node_va, node_pa, lo, mid - 1, node_va[mid],
							    depth + 1, red_depth));
	wr64(pa + offsetof(struct rb_node, rb_right), rb_build(node_va, node_pa, mid + 1, hi, node_va[mid],
							     depth + 1, red_depth));
	return node_va[mid];
}
static uint64_t rb_tree(const uint64_t *node_va, const uint64_t *node_pa, int n)
{
	int h = 0;
	while ((1 << h) - 1 < n) h++; /* height of the balanced tree */
	int red = ((1 << h) - 1 == n) ? -1 : h - 1;
	return rb_build(node_va, node_pa, 0, n - 1, 0, 0, red);
}
static int cmp_slot(const void *a, const void *b)
{
	const struct mslot *x = a, *y = b;
	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/* hva_tree: an interval tree (interval_tree_node: start, last, __subtree_last) in uaddr order */
static uint64_t hva_subtree(const uint64_t *pa, const struct mslot *const *sl, int lo, int hi)
{
	if (lo > hi) return 0;
	int mid = (lo + hi) / 2;
	uint64_t last = sl[mid]->uaddr + sl[mid]->size - 1, l = hva_subtree(pa, sl, lo, mid - 1),
		 r = hva_subtree(pa, sl, mid + 1, hi);
	if (l > last) last = l;
	if (r > last) last = r;
	wr64(pa[mid] + offsetof(struct interval_tree_node, __subtree_last), last);
	return last;
}

/* kvm->__memslots[0][0..1] and kvm->memslots[0]: every slot is in both sets (through
 * gfn_node/hva_node/id_node[node_idx]), as after the kernel's install-into-inactive-then-swap;
 * each creation swaps the active set once, so memslots[0] = &__memslots[0][nslots % 2].
 * gfn_tree: rb-tree by base_gfn; hva_tree: interval tree by userspace_addr; id_hash[128]:
 * hash_32(id, 7) buckets, slots inserted at the head in ascending GPA order. */
static void build_memslots(struct vm *v, struct kvm *k)
{
	qsort(v->slots, (size_t)v->nslots, sizeof(v->slots[0]), cmp_slot);
	for (int i = 1; i < v->nslots; i++)
		if (v->slots[i].gpa < v->slots[i - 1].gpa + v->slots[i - 1].size)
			die("vm %d: memslots %d and %d overlap", v->pid, v->slots[i - 1].id, v->slots[i].id);
	uint64_t pas[16], nodes[2][16], npas[2][16];
	unsigned long pages = 0;
	int dirty = 0;
	for (int i = 0; i < v->nslots; i++) {
		struct mslot *s = &v->slots[i];
		pas[i] = alloc_linear(sizeof(struct kvm_memory_slot));
		s->va = lin_va(pas[i]);
		struct kvm_memory_slot ms;
		memset(&ms, 0, sizeof(ms));
		ms.base_gfn = s->gpa >> page_shift;
		ms.npages = s->size >> page_shift;
		ms.userspace_addr = s->uaddr;
		ms.flags = s->flags;
		ms.id = (short)s->id;
		ms.as_id = 0;
		if (s->flags & 1) {
			/* kvm_alloc_dirty_bitmap(): two bitmaps of npages bits */
			uint64_t bytes = 2 * (((ms.npages + 63) / 64) * 8);
			s->bitmap_va = lin_va(alloc_linear(bytes));
			SET64(ms.dirty_bitmap, s->bitmap_va);
			dirty++;
		}
		memcpy(pa_ptr(pas[i], sizeof(ms)), &ms, sizeof(ms));
		pages += ms.npages;
		for (int j = 0; j < 2; j++) {
			nodes[j][i] = s->va + offsetof(struct kvm_memory_slot, gfn_node) + (uint64_t)j * sizeof(struct rb_node);
			npas[j][i] = pas[i] + offsetof(struct kvm_memory_slot, gfn_node) + (uint64_t)j * sizeof(struct rb_node);
		}
	}
	/* hva order */
	const struct mslot *hs[16];
	int hidx[16];
	for (int i = 0; i < v->nslots; i++) { hs[i] = &v->slots[i]; hidx[i] = i; }
	for (int i = 1; i < v->nslots; i++)
		for (int j = i; j > 0 && hs[j - 1]->uaddr > hs[j]->uaddr; j--) {
			const struct mslot *t = hs[j]; hs[j] = hs[j - 1]; hs[j - 1] = t;
			int ti = hidx[j]; hidx[j] = hidx[j - 1]; hidx[j - 1] = ti;
		}
	for (int j = 0; j < 2; j++) {
		struct kvm_memslots *ss = &k->__memslots[0][j];
		uint64_t set_va = v->kvm_va + offsetof(struct kvm, __memslots) + (uint64_t)j * sizeof(struct kvm_memslots);
		ss->node_idx = j;
		ss->generation = (u64)v->nslots * 2;
		SET64(ss->gfn_tree.rb_node, rb_tree(nodes[j], npas[j], v->nslots));
		uint64_t hv[16], hp[16];
		for (int i = 0; i < v->nslots; i++) {
			uint64_t off = offsetof(struct kvm_memory_slot, hva_node) + (uint64_t)j * sizeof(struct interval_tree_node);
			hv[i] = hs[i]->va + off;
			hp[i] = pas[hidx[i]] + off;
			wr64(hp[i] + offsetof(struct interval_tree_node, start), hs[i]->uaddr);
			wr64(hp[i] + offsetof(struct interval_tree_node, last), hs[i]->uaddr + hs[i]->size - 1);
		}
		SET64(ss->hva_tree.rb_root.rb_node, rb_tree(hv, hp, v->nslots));
		SET64(ss->hva_tree.rb_leftmost, v->nslots ? hv[0] : 0);
		hva_subtree(hp, hs, 0, v->nslots - 1);
		for (int i = 0; i < v->nslots; i++) {
			unsigned b = ((uint32_t)v->slots[i].id * 0x61C88647u) >> (32 - 7); /* hash_32(id, 7) */
			uint64_t off = offsetof(struct kvm_memory_slot, id_node) + (uint64_t)j * sizeof(struct hlist_node);
			uint64_t node_va = v->slots[i].va + off, node_pa = pas[i] + off;
			uint64_t head_va = set_va + offsetof(struct kvm_memslots, id_hash) + 8 * (uint64_t)b;
			uint64_t first;
			memcpy(&first, &ss->id_hash[b], 8);
			wr64(node_pa + offsetof(struct hlist_node, next), first);
			wr64(node_pa + offsetof(struct hlist_node, pprev), head_va);
			if (first) /* the old first node's pprev = &new->next */
				wr64(first - PAGE_OFFSET_48 + RAM_BASE + offsetof(struct hlist_node, pprev),
				     node_va + offsetof(struct hlist_node, next)); /* slots are linear */
			memcpy(&ss->id_hash[b], &node_va, 8);
		}
	}
	int active = v->nslots % 2;
	SET64(k->memslots[0], v->kvm_va + offsetof(struct kvm, __memslots) +
	      (uint64_t)active * sizeof(struct kvm_memslots));
	k->nr_memslot_pages = pages;
#if LAYOUT_VER >= 612
	k->nr_memslots_dirty_logging.counter = dirty;
#else
	(void)dirty;
#endif
}

/* One struct kvm_vcpu per `vcpu` line (kmem_cache_zalloc: linear). vcpu_array (xa_init: flags
 * 0): a lone entry at index 0 sits in xa_head itself; otherwise xa_head = xa_mk_node(node) (node
 * | 2), one struct xa_node with shift 0 (indices 0..63), slots[idx] = the vCPU. */
static void build_vcpus(struct vm *v, struct kvm *k)
{
#ifdef S2L_DEFINES_struct_xa_node
	struct xa_node node;
	memset(&node, 0, sizeof(node));
	uint64_t node_pa = 0;
	if (v->nvcpu > 1 || (v->nvcpu == 1 && v->vcpu[0].idx != 0)) {
		node_pa = alloc_linear(sizeof(node));
		SET64(node.array, v->kvm_va + offsetof(struct kvm, vcpu_array));
		node.count = (unsigned char)v->nvcpu;
		SET64(k->vcpu_array.xa_head, lin_va(node_pa) | 2);
		v->xa_node_va = lin_va(node_pa);
	}
#endif
	for (int i = 0; i < v->nvcpu; i++) {
		struct vcpu *c = &v->vcpu[i];
		struct kvm_vcpu *vc = calloc(1, sizeof(*vc));
		uint64_t pa = alloc_linear(sizeof(*vc));
		c->va = lin_va(pa);
		SET64(vc->kvm, v->kvm_va);
		vc->vcpu_id = c->id;
		vc->vcpu_idx = c->idx;
		vc->arch.fault.esr_el2 = c->esr;
		vc->arch.fault.far_el2 = c->far;
		vc->arch.fault.hpfar_el2 = c->hpfar;
		SET64(vc->arch.hw_mmu, v->mmu_va);
		memcpy(pa_ptr(pa, sizeof(*vc)), vc, sizeof(*vc));
		free(vc);
#ifdef S2L_DEFINES_struct_xa_node
		if (node_pa) {
			SET64(node.slots[c->idx], c->va);
			continue;
		}
#endif
		if (c->idx == 0)
			SET64(k->vcpu_array.xa_head, c->va);
	}
#ifdef S2L_DEFINES_struct_xa_node
	if (node_pa)
		memcpy(pa_ptr(node_pa, sizeof(node)), &node, sizeof(node));
#endif
}

#if LAYOUT_VER >= 700
/* pKVM: the host keeps no stage-2 tables, only pkvm_mappings (an interval tree keyed by gfn) in
 * the union at the start of struct kvm_pgtable; one mapping per leaf of the map lines. */
static int cmp_pkm(const void *a, const void *b)
{
	const struct pkmap *x = a, *y = b;
	return x->gfn < y->gfn ? -1 : x->gfn > y->gfn;
}
static uint64_t pk_subtree(const uint64_t *pa, int lo, int hi, const struct pkmap *m)
{
	if (lo > hi) return 0;
	int mid = (lo + hi) / 2;
	uint64_t last = m[mid].gfn + m[mid].nr - 1, l = pk_subtree(pa, lo, mid - 1, m),
		 r = pk_subtree(pa, mid + 1, hi, m);
	if (l > last) last = l;
	if (r > last) last = r;
	wr64(pa[mid] + offsetof(struct pkvm_mapping, __subtree_last), last);
	return last;
}
static void build_pkvm(struct vm *v, struct kvm *k, struct kvm_pgtable *pgt)
{
	int vi = (int)(v - vms);
	qsort(pkm[vi], (size_t)npkm[vi], sizeof(pkm[vi][0]), cmp_pkm);
	uint64_t va[1024], pa[1024];
	for (int i = 0; i < npkm[vi]; i++) {
		pa[i] = alloc_linear(sizeof(struct pkvm_mapping));
		va[i] = lin_va(pa[i]);
		wr64(pa[i] + offsetof(struct pkvm_mapping, gfn), pkm[vi][i].gfn);
		wr64(pa[i] + offsetof(struct pkvm_mapping, pfn), pkm[vi][i].pfn);
#if LAYOUT_VER >= 703
		/* 7.3: u64 nr_pages:48, nc:1 share the word after pfn (no offsetof for a bitfield); nc 0 */
		wr64(pa[i] + offsetof(struct pkvm_mapping, pfn) + 8, pkm[vi][i].nr & ((1ULL << 48) - 1));
#else
		wr64(pa[i] + offsetof(struct pkvm_mapping, nr_pages), pkm[vi][i].nr);
#endif
	}
	SET64(pgt->pkvm_mappings.rb_root.rb_node, rb_tree(va, pa, npkm[vi]));
	SET64(pgt->pkvm_mappings.rb_leftmost, npkm[vi] ? va[0] : 0);
	pk_subtree(pa, 0, npkm[vi] - 1, pkm[vi]);
	k->arch.pkvm.handle = (pkvm_handle_t)(0x1000 + vi);
	k->arch.pkvm.is_protected = v->pkvm_protected;
	k->arch.pkvm.is_created = 1;
}
static void pkvm_pages(struct vm *v)
{
	int vi = (int)(v - vms);
	v->start_level = s2_start_level(v->ia_bits);
	for (int i = 0; i < v->nmaps; i++) {
		struct map *m = &v->maps[i];
		if (!m->valid)
			continue;
		uint64_t g = 1ULL << granule_shift((int)m->level);
		bool in_ram;
		m->pa = alloc_out(g, m->size, &in_ram);
		for (uint64_t o = 0; o < m->size; o += g) {
			if (npkm[vi] >= 1024)
				die("vm %d: too many pkvm mappings", v->pid);
			pkm[vi][npkm[vi]++] = (struct pkmap){ (m->ipa + o) >> page_shift, (m->pa + o) >> page_shift,
							      g >> page_shift };
			if (in_ram)
				snprintf((char *)pa_ptr(m->pa + o, 32), 32, "VM%d-IPA-%" PRIx64, v->pid, m->ipa + o);
		}
	}
	v->vtcr = vtcr_for((unsigned)page_shift, v->ia_bits, v->start_level, 5);
}
#endif

static void build_objects(void)
{
	/* Two passes: VAs first (the list links need every kvm's address), then contents. */
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
#if LAYOUT_VER >= 700
		if (v->pkvm)
			pkvm_pages(v);
		else
#endif
			build_s2(v);
		v->pgt_va = lin_va(alloc_linear(sizeof(struct kvm_pgtable)));
	}
	/* the guest hypervisors' stage 2 (model), then the shadow MMUs: tables, kvm_pgtable; the
	 * kvm_s2_mmu objects are written with their VM; then the guest tables go into guest memory */
	for (int i = 0; i < nnmmus; i++)
		if (nmmus[i].gs2)
			build_gs2(&nmmus[i]);
	for (int i = 0; i < nnmmus; i++) {
		build_s2(&nmmus[i]);
		nmmus[i].pgt_va = lin_va(alloc_linear(sizeof(struct kvm_pgtable)));
	}
	gs2_place();
	uint64_t kvm_size = sizeof(struct kvm);
	/* reserve VAs */
	uint64_t next_vm_va[8];
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		if (v->vmalloc) {
			v->kvm_va = vmalloc_next;
			/* placeholder, placed for real below (VA is deterministic) */
			uint64_t npages = (kvm_size + page_size - 1) / page_size;
			vmalloc_next += (npages + 1) * page_size;
		} else {
			v->kvm_pa = alloc_linear(kvm_size);
			v->kvm_va = lin_va(v->kvm_pa);
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
		build_memslots(v, k);
		build_vcpus(v, k);
#if LAYOUT_VER >= 700
		if (v->pkvm) {
			/* kvm_init_stage2_mmu(): pgd_phys = __pa(pgt->pgd) with pgd NULL at init time
			 * (not a linear address: the kimage formula) */
			v->pgd_pa = 0 - kimage_voffset;
		}
#endif
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
#if LAYOUT_VER >= 700
		if (v->pkvm) {
			build_pkvm(v, k, &pgt);
		} else
#endif
		{
			pgt.ia_bits = v->ia_bits;
			pgt.start_level = v->start_level;
			SET64(pgt.pgd, lin_va(v->pgd_pa));
		}
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
	P("BUILD-ID=%s\n", build_id());
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
	if (sym("mem_map", false)) {
		/* what makedumpfile needs (FLATMEM); the values of the fake vmlinux's struct page */
		P("SYMBOL(mem_map)=%" PRIx64 "\n", sym("mem_map", false));
		P("SIZE(page)=64\n");
		P("OFFSET(page.flags)=0\n");
		P("OFFSET(page._refcount)=52\n");
		P("OFFSET(page.mapping)=24\n");
	}
#undef P
	return buf;
}

/* The NT_ARM_SVE payload for a vector length (the kernel's SVE_PT_SIZE in SVE format): the
 * user_sve_header, 32 Z, 16 P and FFR registers (vq quadwords each Z), FPSR/FPCR 16-aligned. */
static uint32_t sve_note_size(unsigned vl_bits)
{
	uint32_t vq = vl_bits / 128, regs = 32 * 16 * vq + 16 * 2 * vq + 2 * vq;
	return 16 + ((regs + 15) & ~15U) + 16;
}

/* Bytes of one note with a name and a payload of dlen */
static uint64_t note_len(const char *name, uint32_t dlen)
{
	return 12 + ((strlen(name) + 1 + 3) & ~3ULL) + ((dlen + 3ULL) & ~3ULL);
}

/* QEMU's per-vCPU notes; sve_vl: the length the SVE note is written at */
static void qemu_cpu_notes(FILE *f, int cpu, unsigned sve_vl)
{
	static uint8_t prstatus[392], sve[16 + 2 * 34 * 256 + 64], pac[16];
	uint32_t pid = (uint32_t)cpu + 1, sz = sve_note_size(sve_vl);
	uint16_t vl = (uint16_t)(sve_vl / 8);
	memset(prstatus, 0, sizeof(prstatus));
	memcpy(prstatus + 32, &pid, 4); /* pr_pid: one thread per vCPU */
	note(f, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	memset(sve, 0, sizeof(sve));
	memcpy(sve, &sz, 4);      /* user_sve_header.size */
	memcpy(sve + 6, &vl, 2);  /* .vl (bytes) */
	memcpy(sve + 8, &vl, 2);  /* .max_vl */
	sve[12] = 1;              /* .flags: SVE_PT_REGS_SVE */
	note(f, "LINUX", 0x405 /* NT_ARM_SVE */, sve, sz);
	note(f, "LINUX", 0x406 /* NT_ARM_PAC_MASK */, pac, sizeof(pac));
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
	uint64_t real_notes = note_size;
	if (nqemu_vl) {
		/* QEMU: data right after PT_NOTE, no alignment; the size assumes vCPU 0's SVE note */
		uint64_t cpu = note_len("CORE", 392) + note_len("LINUX", 16);
		note_size += (uint64_t)nqemu_vl * (cpu + note_len("LINUX", sve_note_size(qemu_vl[0])));
		real_notes = 12 + 12 + ((vlen + 3) & ~3U);
		for (int i = 0; i < nqemu_vl; i++)
			real_notes += cpu + note_len("LINUX", sve_note_size(qemu_vl[i]));
		data_off = note_off + note_size;
		qemu_shift = (int64_t)real_notes - (int64_t)note_size;
		qemu_note_off = note_off;
		qemu_declared_end = note_off + note_size;
		qemu_real_end = note_off + real_notes;
	}
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
	for (int i = 0; i < nqemu_vl; i++)
		qemu_cpu_notes(f, i, qemu_vl[i]);
	note(f, "VMCOREINFO", 0, vi, vlen);
	/* Segment data, sparse: all-zero 4K blocks become holes in the file (RAM is mostly empty). */
	static const uint8_t zero_page[4096];
	off = data_off + (uint64_t)qemu_shift;
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

/* ---- QEMU's kdump-compressed files (qemu-kdump) --------------------------------------------- */

static int qk_raw;         /* vmcore.qemu-kdump-raw-zlib */
static FILE *qk_flat;      /* vmcore.qemu-kdump-zlib */
static uint64_t qk_records;

static void be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* One write of QEMU's: at its offset in the raw file, as one record of the flattened stream. */
static void qk_write(uint64_t off, const void *buf, uint64_t len)
{
	uint8_t h[16];
	if (pwrite(qk_raw, buf, len, (off_t)off) != (ssize_t)len)
		die("qemu-kdump: write: %s", strerror(errno));
	be64_put(h, off);
	be64_put(h + 8, len);
	fwrite(h, 1, 16, qk_flat);
	fwrite(buf, 1, len, qk_flat);
	qk_records++;
}

static void write_qemu_kdump(const char *dir, FILE *facts)
{
	const uint64_t blk = 65536;
	char path[4200];
	/* the notes QEMU puts in the kdump file: the ELF file's (per-vCPU notes, then VMCOREINFO) */
	char *notes = NULL;
	size_t note_size = 0;
	FILE *nf = open_memstream(&notes, &note_size);
	const char *vi = vmcoreinfo();
	for (int i = 0; i < nqemu_vl; i++)
		qemu_cpu_notes(nf, i, qemu_vl[i]);
	long vi_note = ftell(nf);
	note(nf, "VMCOREINFO", 0, vi, (uint32_t)strlen(vi));
	fclose(nf);

	snprintf(path, sizeof(path), "%s/vmcore.qemu-kdump-raw-zlib", dir);
	qk_raw = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/vmcore.qemu-kdump-zlib", dir);
	qk_flat = fopen(path, "w");
	if (qk_raw < 0 || !qk_flat)
		die("qemu-kdump: %s", strerror(errno));
	uint8_t mdf[4096] = { 0 };
	memcpy(mdf, "makedumpfile", 12);
	be64_put(mdf + 16, 1); /* TYPE_FLAT_HEADER */
	be64_put(mdf + 24, 1); /* VERSION_FLAT_HEADER */
	fwrite(mdf, 1, sizeof(mdf), qk_flat);

	uint64_t first = RAM_BASE / blk, max_mapnr = (RAM_BASE + RAM_SIZE) / blk, nblocks = RAM_SIZE / blk;
	uint64_t len_bitmap = ((max_mapnr + 7) / 8 + blk - 1) / blk * blk;
	uint32_t sub_blocks = (uint32_t)((104 + note_size + blk - 1) / blk);
	uint32_t bitmap_blocks = (uint32_t)(len_bitmap / blk * 2);
	/* struct disk_dump_header (64-bit), header_version 6 */
	uint8_t h[464] = { 0 };
	uint32_t v32;
	memcpy(h, "KDUMP   ", 8);
	v32 = 6; memcpy(h + 8, &v32, 4);
	memcpy(h + 12 + 4 * 65, "aarch64", 8);   /* utsname.machine; the rest stays empty */
	v32 = 1; memcpy(h + 424, &v32, 4);       /* status: DUMP_DH_COMPRESSED_ZLIB */
	v32 = (uint32_t)blk; memcpy(h + 428, &v32, 4);
	memcpy(h + 432, &sub_blocks, 4);
	memcpy(h + 436, &bitmap_blocks, 4);
	v32 = (uint32_t)max_mapnr; memcpy(h + 440, &v32, 4);
	v32 = (uint32_t)(nqemu_vl ? nqemu_vl : 1); memcpy(h + 460, &v32, 4); /* nr_cpus */
	qk_write(0, h, sizeof(h));
	/* struct kdump_sub_header */
	uint8_t sh[104] = { 0 };
	uint64_t v64, note_off = blk + sizeof(sh);
	v64 = RAM_BASE; memcpy(sh, &v64, 8);     /* phys_base: QEMU's lowest guest RAM address */
	v32 = 1; memcpy(sh + 8, &v32, 4);        /* dump_level */
	v64 = note_off + (uint64_t)vi_note + 12 + 12; memcpy(sh + 32, &v64, 8); /* offset_vmcoreinfo */
	v64 = strlen(vi); memcpy(sh + 40, &v64, 8);
	memcpy(sh + 48, &note_off, 8);
	v64 = note_size; memcpy(sh + 56, &v64, 8);
	memcpy(sh + 96, &max_mapnr, 8);          /* max_mapnr_64 */
	qk_write(blk, sh, sizeof(sh));
	qk_write(note_off, notes, note_size);
	/* both bitmaps: every RAM block */
	uint8_t *bm = calloc(1, len_bitmap);
	for (uint64_t p = first; p < max_mapnr; p++)
		bm[p / 8] |= (uint8_t)(1u << (p % 8));
	uint64_t bm_off = (1 + sub_blocks) * blk;
	qk_write(bm_off, bm, len_bitmap);
	qk_write(bm_off + len_bitmap, bm, len_bitmap);
	free(bm);
	/* page descriptors, then the zero block, then the data */
	uint64_t desc_off = (1 + sub_blocks + bitmap_blocks) * blk, data_off = desc_off + 24 * nblocks;
	uint64_t zero_off = data_off;
	static uint8_t zero[65536], cbuf[65536 + 1024];
	qk_write(data_off, zero, blk);
	data_off += blk;
	uint64_t stored = 0;
	for (uint64_t i = 0; i < nblocks; i++) {
		const uint8_t *pg = pa_ptr(RAM_BASE + i * blk, blk);
		uint8_t d[24] = { 0 };
		uint32_t size = (uint32_t)blk, flags = 0;
		if (!memcmp(pg, zero, blk)) {
			memcpy(d, &zero_off, 8);
		} else {
			uLongf n = sizeof(cbuf);
			if (compress2(cbuf, &n, pg, blk, 1) == Z_OK && n < blk) {
				size = (uint32_t)n;
				flags = 1;
				qk_write(data_off, cbuf, n);
			} else {
				qk_write(data_off, pg, blk);
			}
			memcpy(d, &data_off, 8);
			data_off += size;
			stored++;
		}
		memcpy(d + 8, &size, 4);
		memcpy(d + 12, &flags, 4);
		qk_write(desc_off + 24 * i, d, sizeof(d));
	}
	uint8_t end[16];
	memset(end, 0xff, sizeof(end)); /* END_FLAG_FLAT_HEADER */
	fwrite(end, 1, sizeof(end), qk_flat);
	long flat_size = ftell(qk_flat);
	if (fclose(qk_flat) || close(qk_raw))
		die("qemu-kdump: write failed");
	free(notes);
	fprintf(facts, "block_size=0x%" PRIx64 " page_size=0x%" PRIx64 " records=%" PRIu64 " image_size=0x%" PRIx64
		" blocks=%" PRIu64 " stored=%" PRIu64 " flat_size=0x%lx\n", blk, page_size, qk_records, data_off,
		nblocks, stored, flat_size);
	/* a copy of the stream cut in the middle of a page's record: must stay an error */
	snprintf(path, sizeof(path), "%s/vmcore.qemu-kdump-zlib.cut", dir);
	char src[4200];
	snprintf(src, sizeof(src), "%s/vmcore.qemu-kdump-zlib", dir);
	FILE *in = fopen(src, "r"), *out = fopen(path, "w");
	long cut = flat_size / 2;
	for (long i = 0; i < cut; i++)
		fputc(fgetc(in), out);
	fclose(in);
	fclose(out);
	fprintf(facts, "cut_file=vmcore.qemu-kdump-zlib.cut cut_size=0x%lx\n", cut);
}

/* 8 bytes at a PA through the file's linear-map PT_LOADs */
static bool file_rd64(FILE *f, const Elf64_Phdr *ph, int phnum, uint64_t pa, uint64_t *out)
{
	for (int p = 1; p < phnum; p++) {
		if (ph[p].p_type != PT_LOAD || ph[p].p_vaddr != lin_va(ph[p].p_paddr) || ph[p].p_paddr > pa ||
		    pa + 8 > ph[p].p_paddr + ph[p].p_filesz)
			continue;
		return !fseek(f, (long)(ph[p].p_offset + (uint64_t)qemu_shift + pa - ph[p].p_paddr), SEEK_SET) &&
		       fread(out, 8, 1, f) == 1;
	}
	return false;
}

/* Re-reads the written file: every map line's first leaf descriptor must be at its table PA, and
 * the new objects' key fields and the guest hypervisor's table entries where they belong. */
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
		for (int j = 0; j < v->nmaps && !v->pkvm; j++) {
			struct map *m = &v->maps[j];
			uint64_t table = v->pgd_pa, slot = 0;
			for (int l = v->start_level; l <= (int)m->level; l++) {
				slot = table + s2_index(m->ipa, l, v->start_level, v->ia_bits) * 8;
				table = rd64(slot) & 0x0000ffffffffffffULL & ~(page_size - 1);
			}
			uint64_t want = m->first_desc;
			for (int p = 1; p < eh.e_phnum; p++) {
				if (ph[p].p_paddr > slot || slot + 8 > ph[p].p_paddr + ph[p].p_filesz ||
				    ph[p].p_vaddr != lin_va(ph[p].p_paddr))
					continue;
				uint64_t got;
				fseek(f, (long)(ph[p].p_offset + (uint64_t)qemu_shift + slot - ph[p].p_paddr), SEEK_SET);
				if (fread(&got, 8, 1, f) != 1 || got != want)
					die("self-check: vm %d IPA 0x%" PRIx64 ": descriptor at PA 0x%" PRIx64
					    " is 0x%" PRIx64 ", want 0x%" PRIx64, v->pid, m->ipa, slot, got, want);
				checked++;
			}
		}
	}
	/* the new objects, read back from the file at their linear-map PAs */
	int objs = 0;
#define FILE_CHECK(pa_, want_, what_, ...) do { \
		uint64_t got_; \
		if (!file_rd64(f, ph, eh.e_phnum, (pa_), &got_) || got_ != (uint64_t)(want_)) \
			die("self-check: " what_ " at PA 0x%" PRIx64 " is not 0x%" PRIx64, __VA_ARGS__, \
			    (uint64_t)(pa_), (uint64_t)(want_)); \
		objs++; } while (0)
	for (int i = 0; i < nvms; i++) {
		struct vm *v = &vms[i];
		for (int j = 0; j < v->nslots; j++) {
			uint64_t pa = v->slots[j].va - PAGE_OFFSET_48 + RAM_BASE;
			FILE_CHECK(pa + offsetof(struct kvm_memory_slot, base_gfn), v->slots[j].gpa >> page_shift,
				   "vm %d memslot %d base_gfn", v->pid, v->slots[j].id);
			FILE_CHECK(pa + offsetof(struct kvm_memory_slot, npages), v->slots[j].size >> page_shift,
				   "vm %d memslot %d npages", v->pid, v->slots[j].id);
		}
		for (int j = 0; j < v->nvcpu; j++) {
			uint64_t pa = v->vcpu[j].va - PAGE_OFFSET_48 + RAM_BASE;
			FILE_CHECK(pa + offsetof(struct kvm_vcpu, arch.fault.esr_el2), v->vcpu[j].esr,
				   "vm %d vcpu %d esr_el2", v->pid, v->vcpu[j].idx);
			FILE_CHECK(pa + offsetof(struct kvm_vcpu, kvm), v->kvm_va, "vm %d vcpu %d kvm", v->pid,
				   v->vcpu[j].idx);
#ifdef S2L_DEFINES_struct_xa_node
			if (v->xa_node_va)
				FILE_CHECK(v->xa_node_va - PAGE_OFFSET_48 + RAM_BASE + offsetof(struct xa_node, slots) +
					   8 * (uint64_t)v->vcpu[j].idx, v->vcpu[j].va, "vm %d xa_node slot %d", v->pid,
					   v->vcpu[j].idx);
#endif
		}
	}
	/* every guest-table entry that the walk can read, at the PA its L1 IPA translates to */
	for (int i = 0; i < ngtabs; i++) {
		struct gtab *t = &gtabs[i];
		struct vm *p = &vms[t->nm->parent];
		if (gtab_readable(p, t->l1, t->bytes) != G_OK)
			continue;
		for (uint64_t o = 0; o < t->bytes; o += 8) {
			uint64_t d;
			int lvl;
			if (!t->ent[o / 8])
				continue;
			s2_lookup(p, t->l1 + o, &d, &lvl);
			FILE_CHECK(leaf_oa(d, lvl, t->l1 + o, (unsigned)page_shift), t->ent[o / 8],
				   "vm %d guest table L1 0x%" PRIx64 " entry %" PRIu64, t->nm->pid, t->l1, o / 8);
		}
	}
#undef FILE_CHECK
	fclose(f);
	fprintf(stderr, "s2gen: %s: self-check verified %d descriptors, %d object fields and guest-table entries\n",
		path, checked, objs);
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
	/* anonymous memory: pages never written cost nothing (a big `ram` stays cheap) */
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("cannot map %" PRIu64 " bytes of synthetic RAM", (uint64_t)RAM_SIZE);
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
	if (RAM_SIZE != (32ULL << 20)) {
		/* the vmlinux's defaults describe 32 MiB of RAM (mem_map stays backed for those only) */
		if (sym("high_memory", false))
			wr64(kimg_pa(sym("high_memory", false)), lin_va(RAM_BASE + RAM_SIZE));
		if (sym("max_mapnr", false))
			wr64(kimg_pa(sym("max_mapnr", false)), (RAM_BASE + RAM_SIZE) >> 12);
	}

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
	} else if (!strcmp(damage, "cycle") && nvms) {
		/* the level-(start+1) table descriptor on the first map's walk points back at the root */
		struct vm *v = &vms[0];
		int l = v->start_level + 1;
		if ((int)v->maps[0].level < l + 1)
			die("damage cycle: the first map must be at level %d or below", l + 1);
		uint64_t e = rd64(v->pgd_pa + s2_index(v->maps[0].ipa, v->start_level, v->start_level, v->ia_bits) * 8);
		uint64_t slot = (e & OA_MASK(page_shift)) + s2_index(v->maps[0].ipa, l, v->start_level, v->ia_bits) * 8;
		wr64(slot, v->pgd_pa | 3);
		snprintf(errfacts, sizeof(errfacts), "vm=%d ipa=0x%" PRIx64 " level=%d table_pa=0x%" PRIx64
			 " field=table\n", v->pid, v->maps[0].ipa, l + 1, v->pgd_pa);
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

	if (!strcmp(damage, "unverified")) {
		/* the shift cannot be proved: init_uts_ns no longer holds the release */
		if (!nqemu_vl || !sym("init_uts_ns", false))
			die("damage unverified needs qemu-sve and init_uts_ns");
		memset(pa_ptr(kimg_pa(sym("init_uts_ns", false)), 6 * 65), 0, 6 * 65);
	}
	char path[4096];
	mkdir(argv[3], 0755);
	snprintf(path, sizeof(path), "%s/expected", argv[3]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/vmcore", argv[3]);
	write_core(path, segs, nsegs);
	if (strcmp(damage, "corrupt") && strcmp(damage, "cycle") && !hole)
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

	if (nqemu_vl) {
		/* the defect's facts, from the layout written above (docs/field-dumps.md) */
		snprintf(path, sizeof(path), "%s/expected/field", argv[3]);
		FILE *ff = fopen(path, "w");
		fprintf(ff, "defect=%s note_offset=0x%" PRIx64 " declared_end=0x%" PRIx64 " note_end=0x%" PRIx64
			" shift=%" PRId64 " bytes=0x%" PRIx64 " direction=%s\n",
			qemu_shift ? "elf-shift" : "none", qemu_note_off, qemu_declared_end, qemu_real_end, qemu_shift,
			(uint64_t)(qemu_shift < 0 ? -qemu_shift : qemu_shift), qemu_shift < 0 ? "before" : "after");
		fclose(ff);
		if (!strcmp(damage, "unverified"))
			snprintf(errfacts, sizeof(errfacts), "field=notes note_end=0x%" PRIx64 " declared_end=0x%" PRIx64
				 "\n", qemu_real_end, qemu_declared_end);
	}
	if (qemu_kdump) {
		/* the kdump files' facts (docs/field-dumps.md), from the layout written here */
		snprintf(path, sizeof(path), "%s/expected/field-kdump", argv[3]);
		FILE *fk = fopen(path, "w");
		write_qemu_kdump(argv[3], fk);
		fclose(fk);
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
		if (!v->pkvm) { /* pKVM: the host has no stage-2 tables */
			snprintf(path, sizeof(path), "%s/expected/%d/stage2_page_tables", argv[3], v->pid);
			write_ptdump(v, path, false);
			snprintf(path, sizeof(path), "%s/expected/%d/stage2_page_tables.complete", argv[3], v->pid);
			write_ptdump(v, path, true);
			f = xopen(argv[3], v->pid, "prefault");
			write_prefault(v, f);
			xclose(f);
		}
		f = xopen(argv[3], v->pid, "memslots");
		write_memslots(v, f);
		xclose(f);
		f = xopen(argv[3], v->pid, "vcpus");
		write_vcpus(v, f);
		xclose(f);
		f = xopen(argv[3], v->pid, "objects");
		write_objects(v, f);
		xclose(f);
#if LAYOUT_VER >= 700
		if (v->pkvm) {
			f = xopen(argv[3], v->pid, "pkvm");
			write_pkvm(v, f);
			xclose(f);
		}
#endif
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
				char nname[64];
				if (kernel_nested_by_index())
					snprintf(nname, sizeof(nname), "nested_mmu%d", j);
				else
					snprintf(nname, sizeof(nname), "0x%016" PRIx64 "-0x%016" PRIx64 "-s2-%sabled",
						 nm->tlb_vttbr, nm->tlb_vtcr, nm->s2_enabled ? "en" : "dis");
				fprintf(f, "index=%d name=%s valid=%d"
					" vmid=%u mmu=0x%016" PRIx64 " pgd_pa=0x%016" PRIx64 " ipa_range=%u levels=%d\n",
					j, nname, nm->nvalid,
					nm->vmid, nm->nmmu_va, nm->pgd_pa, nm->ia_bits, 4 - nm->start_level);
				char p2[4200];
				snprintf(p2, sizeof(p2), "%s/expected/%d/nested-%d.stage2_page_tables", argv[3],
					 v->pid, j);
				write_ptdump(nm, p2, false);
				snprintf(p2, sizeof(p2), "%s/expected/%d/nested-%d.stage2_page_tables.complete",
					 argv[3], v->pid, j);
				write_ptdump(nm, p2, true);
				if (nm->gs2 || (nm->nvalid && !nm->s2_enabled)) {
					snprintf(p2, sizeof(p2), "nested-%d.guest", j);
					FILE *g = xopen(argv[3], v->pid, p2);
					write_guest(nm, g);
					xclose(g);
				}
			}
			fclose(f);
			f = xopen(argv[3], v->pid, "check");
			write_check(v, f);
			xclose(f);
			if (v->nnxlate) {
				f = xopen(argv[3], v->pid, "nested-translate");
				write_ntranslate(v, f);
				xclose(f);
			}
		}
		snprintf(path, sizeof(path), "%s/expected/%d/translate", argv[3], v->pid);
		f = fopen(path, "w");
		write_translate(v, f);
		fclose(f);
	}
	return 0;
}
