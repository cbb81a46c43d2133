// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: opening a dump and finding its VMs. A mock target whose VMCOREINFO,
 * symbols, member layout and memory all come from the input drives s2_session_create()
 * and s2_command_run() (s2dump, -x/-v/-t/-p/-j, nesteds2 list/dump/guest/check, nested -t).
 *
 * Input: a 64-byte header, then member overrides, then the bytes of physical memory at
 * PA 0x40000000 (the linear map and the kernel image both map it):
 *   hdr[0]  page size (4K/16K/64K), VA_BITS/T1SZ choice, whether read_kvaddr exists
 *   hdr[1]  OSRELEASE choice (6.1, 6.12, 7.2, junk, missing), which VMCOREINFO keys are
 *           missing or malformed
 *   hdr[2]  layout variant: nested_mmus array of structs / of pointers / absent, start_level
 *           u32 / s8, vtcr in kvm_arch or kvm_s2_mmu, memslot members present
 *   hdr[3]  with hdr[2] & 0xc0 == 0xc0: one member missing; 0x40: no vCPU members;
 *           0x80: the pKVM members (6.14+: pkvm_mappings in the kvm_pgtable union)
 *   hdr[4..7], hdr[40..43]  mask: which members take their offset/size from the overrides
 *   hdr[8..11]  vm_list offset in memory, hdr[12..15] swapper_pg_dir offset, hdr[16..23]
 *               PHYS_OFFSET delta, hdr[24..31] KERNELOFFSET, hdr[32..35] kvm_s2_mmu size
 *   overrides   per member (NMEMBERS of them): u16 offset, u8 size, u8 kind/signed
 * Inputs that start like a dump file ("\177ELF", "KDUMP   ", "makedumpfile") are a dump from the
 * field instead (docs/field-dumps.md): the whole input is the file, examined by
 * s2_field_examine(); a defect found is described and repaired (zlib pages decompressed here)
 * into a memfd, whose re-examination must find no ELF defect again (repair is a fixed point).
 * Seeds: seed_open.py's QEMU ELF files (notes short, long) and kdump files (raw, flattened, cut).
 * Properties: no crash, no sanitizer report, no hang; every failure is an s2_error with a
 * one-line, non-empty message; an error never leaves status 0, and status 2 or 3 always comes
 * with an error (status 1, findings, may come without one: nesteds2 check's violations).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "s2dump/command.h"
#include "s2dump/field.h"
#include "s2dump/target.h"

#define RAM_PA 0x40000000ULL
#define LINEAR_VA 0xffff000000000000ULL
#define KIMAGE_VA 0xffff800080000000ULL
#define HDR 64

struct member {
	const char *type, *path;
	uint64_t offset, size;
	enum s2_type_kind kind, target_kind;
	bool is_signed;
};

/* A small, self-consistent default layout (6.12-like); the input may move any member. */
static const struct member default_members[] = {
	{ "kvm", "vm_list", 0x10, 16, S2_TYPE_STRUCT, 0, false },
	{ "kvm", "userspace_pid", 0x20, 4, S2_TYPE_INT, 0, true },
	{ "kvm", "online_vcpus", 0x24, 4, S2_TYPE_INT, 0, false },
	{ "kvm", "memslots", 0x28, 16, S2_TYPE_ARRAY, S2_TYPE_POINTER, false },
	{ "kvm", "arch", 0x100, 0x100, S2_TYPE_STRUCT, 0, false },
	{ "kvm", "arch.mmu", 0x100, 0x80, S2_TYPE_STRUCT, 0, false },
	{ "kvm", "arch.vtcr", 0x180, 8, S2_TYPE_INT, 0, false },
	{ "kvm", "arch.nested_mmus", 0x190, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm", "arch.nested_mmus_size", 0x198, 8, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "vmid", 0x00, 8, S2_TYPE_STRUCT, 0, false },
	{ "kvm_s2_mmu", "pgd_phys", 0x08, 8, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "pgt", 0x10, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm_s2_mmu", "vtcr", 0x18, 8, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "arch", 0x20, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm_s2_mmu", "tlb_vttbr", 0x28, 8, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "tlb_vtcr", 0x30, 8, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "nested_stage2_enabled", 0x38, 1, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "pending_unmap", 0x39, 1, S2_TYPE_INT, 0, false },
	{ "kvm_s2_mmu", "refcnt", 0x3c, 4, S2_TYPE_INT, 0, true },
	{ "kvm_pgtable", "ia_bits", 0x00, 4, S2_TYPE_INT, 0, false },
	{ "kvm_pgtable", "start_level", 0x04, 4, S2_TYPE_INT, 0, false },
	{ "kvm_pgtable", "pgd", 0x08, 8, S2_TYPE_POINTER, S2_TYPE_INT, false },
	{ "kvm_pgtable", "mmu", 0x10, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm_memslots", "gfn_tree", 0x08, 8, S2_TYPE_STRUCT, 0, false },
	{ "kvm_memslots", "node_idx", 0x00, 4, S2_TYPE_INT, 0, true },
	{ "kvm_memory_slot", "gfn_node", 0x00, 48, S2_TYPE_ARRAY, S2_TYPE_STRUCT, false },
	{ "rb_node", "rb_left", 0x08, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "rb_node", "rb_right", 0x10, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	/* 28: memslot fields */
	{ "kvm_memory_slot", "base_gfn", 0x30, 8, S2_TYPE_INT, 0, false },
	{ "kvm_memory_slot", "npages", 0x38, 8, S2_TYPE_INT, 0, false },
	{ "kvm_memory_slot", "dirty_bitmap", 0x40, 8, S2_TYPE_POINTER, S2_TYPE_INT, false },
	{ "kvm_memory_slot", "userspace_addr", 0x48, 8, S2_TYPE_INT, 0, false },
	{ "kvm_memory_slot", "flags", 0x50, 4, S2_TYPE_INT, 0, false },
	{ "kvm_memory_slot", "as_id", 0x54, 2, S2_TYPE_INT, 0, false },
	{ "kvm_memory_slot", "id", 0x56, 2, S2_TYPE_INT, 0, true },
	/* 35: vCPUs */
	{ "kvm", "vcpu_array.xa_head", 0x40, 8, S2_TYPE_POINTER, S2_TYPE_OTHER, false },
	{ "kvm_vcpu", "kvm", 0x00, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm_vcpu", "vcpu_id", 0x08, 4, S2_TYPE_INT, 0, true },
	{ "kvm_vcpu", "vcpu_idx", 0x0c, 4, S2_TYPE_INT, 0, true },
	{ "kvm_vcpu", "arch.fault.esr_el2", 0x20, 8, S2_TYPE_INT, 0, false },
	{ "kvm_vcpu", "arch.fault.far_el2", 0x28, 8, S2_TYPE_INT, 0, false },
	{ "kvm_vcpu", "arch.fault.hpfar_el2", 0x30, 8, S2_TYPE_INT, 0, false },
	{ "kvm_vcpu", "arch.hw_mmu", 0x38, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "xa_node", "shift", 0x00, 1, S2_TYPE_INT, 0, false },
	{ "xa_node", "slots", 0x28, 512, S2_TYPE_ARRAY, S2_TYPE_POINTER, false },
	/* 45: pKVM (present only with the pKVM layout variant) */
	{ "kvm_pgtable", "pkvm_mappings", 0x00, 8, S2_TYPE_STRUCT, 0, false },
	{ "kvm_pgtable", "mm_ops", 0x18, 8, S2_TYPE_POINTER, S2_TYPE_STRUCT, false },
	{ "kvm", "arch.pkvm.is_protected", 0x1a0, 1, S2_TYPE_INT, 0, false },
	{ "pkvm_mapping", "node", 0x00, 24, S2_TYPE_STRUCT, 0, false },
	{ "pkvm_mapping", "gfn", 0x18, 8, S2_TYPE_INT, 0, false },
	{ "pkvm_mapping", "pfn", 0x20, 8, S2_TYPE_INT, 0, false },
	{ "pkvm_mapping", "nr_pages", 0x28, 8, S2_TYPE_INT, 0, false },
};
#define NMEMBERS (sizeof(default_members) / sizeof(default_members[0]))

struct mock {
	struct member members[NMEMBERS];
	bool absent[NMEMBERS];
	const uint8_t *ram;
	size_t ram_size;
	uint64_t page_size, va_bits, t1sz, phys_offset, kimage_voffset, kaslr, vm_list, swapper;
	uint64_t mmu_size;
	const char *osrelease;
	uint8_t keys; /* hdr[1] */
};

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static struct s2_error *m_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	const struct mock *m = ctx;

	if (pa < RAM_PA || pa - RAM_PA > m->ram_size || len > m->ram_size - (pa - RAM_PA))
		return s2_error_fault(pa, true, "PA 0x%" PRIx64 " not in the fuzz memory", pa);
	memcpy(buf, m->ram + (pa - RAM_PA), len);
	return NULL;
}

static struct s2_error *m_read_kvaddr(void *ctx, uint64_t va, void *buf, size_t len)
{
	const struct mock *m = ctx;

	if (va >= LINEAR_VA && va < LINEAR_VA + (1ULL << 40))
		return m_read_phys(ctx, va - LINEAR_VA + RAM_PA, buf, len);
	if (va >= KIMAGE_VA + m->kaslr)
		return m_read_phys(ctx, va - m->kimage_voffset, buf, len);
	return s2_error_fault(va, false, "kernel VA 0x%" PRIx64 " not mapped by the mock", va);
}

static struct s2_error *m_symbol(void *ctx, const char *name, uint64_t *addr)
{
	const struct mock *m = ctx;

	if (!strcmp(name, "vm_list"))
		*addr = KIMAGE_VA + m->kaslr + m->vm_list;
	else if (!strcmp(name, "swapper_pg_dir"))
		*addr = KIMAGE_VA + m->kaslr + m->swapper;
	else if (!strcmp(name, "_text"))
		*addr = KIMAGE_VA + m->kaslr;
	else if (!strcmp(name, "_end"))
		*addr = KIMAGE_VA + m->kaslr + m->ram_size;
	else
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not in the mock", name);
	return NULL;
}

static struct s2_error *m_member(void *ctx, const char *type, const char *path, struct s2_member_info *out)
{
	const struct mock *m = ctx;

	for (size_t i = 0; i < NMEMBERS; i++) {
		const struct member *mb = &m->members[i];

		if (m->absent[i] || strcmp(mb->type, type) || strcmp(mb->path, path))
			continue;
		memset(out, 0, sizeof(*out));
		out->offset = mb->offset;
		out->size = mb->size;
		out->kind = mb->kind;
		out->target_kind = mb->target_kind;
		out->is_signed = mb->is_signed;
		if (mb->kind == S2_TYPE_ARRAY) /* pointers, rb_nodes (gfn_node[2]) or bytes */
			out->array_length = mb->size / (mb->target_kind == S2_TYPE_POINTER ? 8 :
							mb->target_kind == S2_TYPE_STRUCT ? 24 : 1);
		return NULL;
	}
	return s2_error_create(S2_ERROR_LOOKUP, "struct %s has no member %s", type, path);
}

static struct s2_error *m_type_size(void *ctx, const char *type, uint64_t *size)
{
	const struct mock *m = ctx;

	if (!strcmp(type, "kvm_s2_mmu"))
		*size = m->mmu_size;
	else if (!strcmp(type, "rb_node"))
		*size = 24;
	else if (!strcmp(type, "kvm_memory_slot"))
		*size = 0x60;
	else if (!strcmp(type, "kvm_vcpu"))
		*size = 0x40;
	else if (!strcmp(type, "pkvm_mapping"))
		*size = 0x30;
	else
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s not in the mock", type);
	return NULL;
}

static struct s2_error *m_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	const struct mock *m = ctx;
	unsigned int bad = m->keys >> 3; /* which key is missing or malformed */
	static const char *const keys[] = { "OSRELEASE", "PAGESIZE", "NUMBER(VA_BITS)", "NUMBER(TCR_EL1_T1SZ)",
					    "NUMBER(PHYS_OFFSET)", "NUMBER(kimage_voffset)", "KERNELOFFSET",
					    "SYMBOL(swapper_pg_dir)" };
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!strcmp(key, keys[k]))
			break;
	if (k == sizeof(keys) / sizeof(keys[0]))
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO has no %s", key);
	if (bad == k + 1)
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO has no %s", key);
	if (bad == k + 9) {
		snprintf(buf, len, "0xz%s", key);
		return NULL;
	}
	switch (k) {
	case 0: snprintf(buf, len, "%s", m->osrelease); break;
	case 1: snprintf(buf, len, "%" PRIu64, m->page_size); break;
	case 2: snprintf(buf, len, "%" PRIu64, m->va_bits); break;
	case 3: snprintf(buf, len, "0x%" PRIx64, m->t1sz); break;
	case 4: snprintf(buf, len, "0x%" PRIx64, m->phys_offset); break;
	case 5: snprintf(buf, len, "0x%" PRIx64, m->kimage_voffset); break;
	case 6: snprintf(buf, len, "%" PRIx64, m->kaslr); break;
	case 7: snprintf(buf, len, "%" PRIx64, (uint64_t)(KIMAGE_VA + m->kaslr + m->swapper)); break;
	}
	return NULL;
}

static const struct s2_target_ops ops_with_kvaddr = {
	.read_phys = m_read_phys,
	.read_kvaddr = m_read_kvaddr,
	.symbol_address = m_symbol,
	.member_info = m_member,
	.type_size = m_type_size,
	.vmcoreinfo = m_vmcoreinfo,
};

static const struct s2_target_ops ops_phys_only = {
	.read_phys = m_read_phys,
	.symbol_address = m_symbol,
	.member_info = m_member,
	.type_size = m_type_size,
	.vmcoreinfo = m_vmcoreinfo,
};

static void check_error(const struct s2_error *err, int status, bool from_command)
{
	if (!err) {
		/* an error status must come with its error line (nesteds2 check reports violations
		 * with status 1 and its summary line, no error) */
		if (from_command && status != S2_STATUS_OK && status != S2_STATUS_FINDINGS)
			__builtin_trap();
		return;
	}
	if (!err->message[0] || strchr(err->message, '\n') || strlen(err->message) >= S2_ERROR_MESSAGE_MAX)
		__builtin_trap(); /* one line naming what failed */
	if (from_command && status == S2_STATUS_OK)
		__builtin_trap(); /* an error must not leave status 0 */
}

static void run(struct s2_session *s, FILE *out, int argc, const char *const *argv)
{
	int status = -1;
	struct s2_error *err = s2_command_run(s, argc, (char *const *)argv, out, &status);

	check_error(err, status, true);
	if (err && out == stdout)
		printf("%s: status %d: %s\n", argv[0], status, err->message);
	s2_error_destroy(err);
}

static void one_line(const struct s2_error *err)
{
	if (!err->message[0] || strchr(err->message, '\n'))
		abort();
}

static int fz_decompress(unsigned int flags, const void *src, size_t slen, void *dst, size_t dlen)
{
	uLongf n = (uLongf)dlen;

	return !(flags & S2_FIELD_ZLIB) || uncompress(dst, &n, src, (uLong)slen) != Z_OK || n != dlen;
}

static size_t fz_compress(const void *src, size_t slen, void *dst, size_t dcap)
{
	uLongf n = (uLongf)dcap;

	return compress2(dst, &n, src, (uLong)slen, 1) == Z_OK ? (size_t)n : 0;
}

/* A dump from the field: examine, describe, repair, re-examine the repaired file. */
static int field_one(const uint8_t *data, size_t size)
{
	static const struct s2_field_codecs codecs = { .decompress = fz_decompress, .compress = fz_compress };
	static bool limited;
	struct s2_field_plan plan, again;
	struct s2_error *err;
	char line[1024];
	int in = memfd_create("fuzz-in", MFD_CLOEXEC), out = -1;

	if (!limited) {
		/* a repair writes what the input describes: 64 MiB at most here (EFBIG, an I/O error) */
		struct rlimit rl = { 64 << 20, 64 << 20 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		s2_field_set_codecs(&codecs);
		limited = true;
	}
	if (in < 0 || write(in, data, size) != (ssize_t)size)
		abort();
	err = s2_field_examine(in, "fuzz", &plan);
	if (err) {
		one_line(err);
		s2_error_destroy(err);
	} else if (plan.defect != S2_FIELD_NONE) {
		s2_field_describe(&plan, "fuzz", line, sizeof(line));
		if (strchr(line, '\n'))
			abort();
		out = memfd_create("fuzz-out", MFD_CLOEXEC);
		err = s2_field_repair(in, "fuzz", &plan, out);
		if (err) {
			one_line(err);
			s2_error_destroy(err);
		} else {
			err = s2_field_examine(out, "fuzz", &again);
			if (err) {
				one_line(err);
				/* the repaired ELF is one the examiner reads as written */
				if (plan.defect == S2_FIELD_ELF_SHIFT)
					abort();
				s2_error_destroy(err);
			} else if (plan.defect == S2_FIELD_ELF_SHIFT && again.defect != S2_FIELD_NONE) {
				abort();
			}
		}
	}
	if (out >= 0)
		close(out);
	close(in);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const releases[] = { "6.1.0-fuzz", "6.12.0-fuzz", "7.2.0-fuzz", "6.18.1", "x.y" };
	static FILE *out;
	struct mock m;
	struct s2_target target = { .ctx = &m, .backend = "fuzz" };
	struct s2_session *s = NULL;
	struct s2_error *err;
	const uint8_t *h = data, *ov = data + HDR;
	uint64_t mask;
	char kvm_arg[32], mmu_arg[32], pid_arg[16];

	if ((size >= 4 && !memcmp(data, "\177ELF", 4)) || (size >= 8 && !memcmp(data, "KDUMP   ", 8)) ||
	    (size >= 12 && !memcmp(data, "makedumpfile", 12)))
		return field_one(data, size);
	if (size < HDR + NMEMBERS * 4)
		return 0;
	/* FUZZ_OPEN_VERBOSE=1: the commands' output and errors on stdout (to look at one input) */
	if (!out && !(out = getenv("FUZZ_OPEN_VERBOSE") ? stdout : fopen("/dev/null", "w")))
		abort();
	memset(&m, 0, sizeof(m));
	memcpy(m.members, default_members, sizeof(default_members));
	m.ram = data + HDR + NMEMBERS * 4;
	m.ram_size = size - HDR - NMEMBERS * 4;
	m.page_size = (const uint64_t[]){ 4096, 16384, 65536, 4096 }[h[0] & 3];
	m.va_bits = (h[0] & 4) ? 52 : 48;
	m.t1sz = (h[0] & 8) ? 64 - m.va_bits : 16;
	target.ops = (h[0] & 0x10) ? &ops_phys_only : &ops_with_kvaddr;
	m.osrelease = releases[(h[1] & 7) % 5];
	m.keys = h[1];
	m.kaslr = (le(h + 24, 8) & 0xffffe00000ULL) * ((h[0] & 0x20) != 0);
	m.kimage_voffset = KIMAGE_VA + m.kaslr - RAM_PA;
	m.phys_offset = RAM_PA + ((h[0] & 0x40) ? le(h + 16, 8) : 0);
	m.vm_list = le(h + 8, 4) % (m.ram_size + 64);
	m.swapper = le(h + 12, 4) % (m.ram_size + 64);
	m.mmu_size = le(h + 32, 4) % 0x1000;
	/* layout variant */
	switch (h[2] & 3) {
	case 0: m.absent[7] = m.absent[8] = true; break;                    /* no nested fields */
	case 1: break;                                                      /* array of structs */
	case 2: m.members[7].target_kind = S2_TYPE_POINTER; break;          /* array of pointers */
	case 3: m.members[7].kind = S2_TYPE_INT; break;                     /* nonsense */
	}
	if (h[2] & 4)
		m.members[20].size = 1, m.members[20].is_signed = true;         /* s8 start_level */
	if (h[2] & 8)
		m.absent[12] = true;                                            /* vtcr in kvm_arch */
	else
		m.absent[6] = true;
	if (!(h[2] & 16))
		for (size_t i = 23; i < 35; i++)
			m.absent[i] = true;                                     /* no memslot tree */
	if (h[3] & 0x40)
		for (size_t i = 35; i < 45; i++)
			m.absent[i] = true;                                     /* no vCPUs */
	if (!(h[3] & 0x80))
		for (size_t i = 45; i < NMEMBERS; i++)
			m.absent[i] = true;                                     /* no pKVM */
	if (h[2] & 32)
		m.absent[13] = true;                                            /* 5.10: no mmu.arch */
	if ((h[2] & 0xc0) == 0xc0)
		m.absent[h[3] % NMEMBERS] = true;                               /* any member missing */
	mask = le(h + 4, 4) | le(h + 40, 4) << 32;
	for (size_t i = 0; i < NMEMBERS && i < 64; i++) {
		if (!(mask & (1ULL << i)))
			continue;
		m.members[i].offset = le(ov + 4 * i, 2);
		m.members[i].size = ov[4 * i + 2] % 17;
		m.members[i].is_signed = ov[4 * i + 3] & 1;
		if (ov[4 * i + 3] & 2)
			m.members[i].kind = (enum s2_type_kind)((ov[4 * i + 3] >> 2) % 7);
	}

	err = s2_session_create(&target, &s);
	check_error(err, 0, false);
	if (err && out == stdout)
		printf("session: %s\n", err->message);
	if (err) {
		s2_error_destroy(err);
		return 0;
	}
	{
		const char *a1[] = { "s2dump" };
		const char *a2[] = { "nesteds2", "list" };

		run(s, out, 1, a1);
		run(s, out, 2, a2);
	}
	/* one VM by address and by pid, from the memory near vm_list: whatever it says */
	if (m.vm_list + 8 <= m.ram_size) {
		uint64_t next = le(m.ram + m.vm_list, 8);
		const char *a3[] = { "s2dump", "-x", kvm_arg };
		const char *a4[] = { "s2dump", "-v", kvm_arg };
		const char *a5[] = { "s2dump", "-t", "0x40001000", pid_arg };
		const char *a6[] = { "nesteds2", "dump", mmu_arg };

		uint64_t kvm = next - m.members[0].offset, nested = kvm + m.members[7].offset;

		/* nesteds2 dump of what kvm->arch.nested_mmus holds (linear map only) */
		if (nested >= LINEAR_VA && nested - LINEAR_VA + 8 <= m.ram_size)
			nested = le(m.ram + (nested - LINEAR_VA), 8);
		snprintf(kvm_arg, sizeof(kvm_arg), "0x%" PRIx64, kvm);
		snprintf(mmu_arg, sizeof(mmu_arg), "0x%" PRIx64, nested);
		snprintf(pid_arg, sizeof(pid_arg), "%u", (unsigned int)(h[36] | h[37] << 8));
		const char *a7[] = { "s2dump", "-p", kvm_arg };
		const char *a8[] = { "s2dump", "-j", "-v", kvm_arg };
		const char *a9[] = { "nesteds2", "guest", "-v", mmu_arg };
		const char *a10[] = { "nesteds2", "check", kvm_arg };
		const char *a11[] = { "s2dump", "-t", "0x80001000", mmu_arg };
		const char *a12[] = { "nesteds2", "list", "-j" };

		run(s, out, 3, a3);
		run(s, out, 3, a4);
		run(s, out, 4, a5);
		run(s, out, 3, a6);
		run(s, out, 3, a7);
		run(s, out, 4, a8);
		run(s, out, 4, a9);
		run(s, out, 3, a10);
		run(s, out, 4, a11);
		run(s, out, 3, a12);
	}
	s2_session_destroy(s);
	return 0;
}
