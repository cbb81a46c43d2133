// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host kernel's facts (VMCOREINFO) and kernel-virtual reads.
 *
 * Read policy: the target's own translation (read_kvaddr) is used for a
 * class of addresses (linear map; everything else) only after it proved
 * right at open time: the same bytes read through it and through our own
 * translation (physical reads) must agree. Where it fails or disagrees -
 * QEMU ELF dumps have no virtual mappings; host tools get the shifted
 * PHYS_OFFSET of VA_BITS=52 kernels running with 48-bit VA wrong; crash
 * --minimal cannot read vmalloc - our own translation is used: linear map
 * from PHYS_OFFSET, everything else by walking swapper_pg_dir with the
 * shared walker (the kernel image is mapped there too).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel_internal.h"
#include "s2dump/walk.h"

struct s2_kernel {
	const struct s2_target *target;
	struct s2_kernel_info info;
	struct s2_geometry s1;       /* TTBR1 stage 1 of the kernel */
	uint64_t swapper_pa;
	uint64_t page_end;           /* end of the linear map: -(1 << (vabits_actual - 1)) */
	bool backend_linear;         /* read_kvaddr proved right for linear addresses */
	bool backend_other;          /* ... and for the kernel image (stands for vmalloc too) */
	/*
	 * The kernel image [_text, _end) (KASLR applied): __pa_symbol() is va - kimage_voffset,
	 * no page table needed, so vm_list stays readable when swapper_pg_dir's lower tables are
	 * not in the dump. Not used while proving the backend (that must walk swapper_pg_dir).
	 */
	uint64_t kimage_start, kimage_end;
	bool proving;
};

static struct s2_error *vmcoreinfo(const struct s2_target *t, const char *key, char *buf, size_t len)
{
	if (!t->ops->vmcoreinfo)
		return s2_error_create(S2_ERROR_LOOKUP, "no VMCOREINFO available from %s", t->backend);
	return t->ops->vmcoreinfo(t->ctx, key, buf, len);
}

/* NUMBER() values: "0x..." hex or decimal; SYMBOL() and KERNELOFFSET: bare hex. */
static struct s2_error *vmcoreinfo_u64(const struct s2_target *t, const char *key, int base, uint64_t *val)
{
	char buf[128], *end;
	struct s2_error *err = vmcoreinfo(t, key, buf, sizeof(buf));

	if (err)
		return err;
	*val = strtoull(buf, &end, base);
	if (end == buf || (*end && *end != '\n' && *end != ' '))
		return s2_error_create(S2_ERROR_CORRUPT, "VMCOREINFO %s=\"%s\" is not a number", key, buf);
	return NULL;
}

static struct s2_error *read_phys(struct s2_kernel *k, uint64_t pa, void *buf, size_t len)
{
	struct s2_error *err = k->target->ops->read_phys(k->target->ctx, pa, buf, len);

	/*
	 * One wording whatever the backend: the CLI, crash and drgn must print
	 * the same error lines for the same dump.
	 */
	if (err && err->code == S2_ERROR_FAULT) {
		s2_error_destroy(err);
		err = s2_error_fault(pa, true, "PA 0x%" PRIx64 " not in the dump", pa);
	}
	return err;
}

static struct s2_error *mem_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return read_phys(ctx, pa, buf, len);
}

static bool is_linear(const struct s2_kernel *k, uint64_t va)
{
	return va >= k->info.page_offset && va < k->page_end;
}

uint64_t s2_kernel_phys_to_linear(const struct s2_kernel *k, uint64_t pa)
{
	/* __phys_to_virt(): (pa - PHYS_OFFSET) | PAGE_OFFSET */
	return (pa - k->info.phys_offset) | k->info.page_offset;
}

static struct s2_error *own_va_to_pa(struct s2_kernel *k, uint64_t va, uint64_t *pa)
{
	struct s2_mem mem = { mem_read, k };
	struct s2_translation t;
	struct s2_error *err;

	if (is_linear(k, va)) {
		/* __lm_to_phys(): (va & ~PAGE_OFFSET) + PHYS_OFFSET */
		*pa = (va & ~k->info.page_offset) + k->info.phys_offset;
		return NULL;
	}
	if (va < k->page_end)
		return s2_error_fault(va, false, "0x%" PRIx64 " is not a kernel address", va);
	if (!k->proving && va >= k->kimage_start && va < k->kimage_end) {
		*pa = va - k->info.kimage_voffset;
		return NULL;
	}
	err = s2_translate(&k->s1, k->swapper_pa, &mem, va, &t);
	if (err)
		return err;
	if (t.fault.type == S2_FAULT_NONE || t.fault.type == S2_FAULT_ACCESS_FLAG) {
		*pa = t.oa;
		return NULL;
	}
	if (t.fault.type == S2_FAULT_SEA_WALK)
		return s2_error_fault(va, false,
				      "kernel VA 0x%" PRIx64 ": level %d table at PA 0x%" PRIx64
				      " of swapper_pg_dir not in dump (%s)",
				      va, t.level, t.desc_pa, t.read_error);
	return s2_error_fault(va, false, "kernel VA 0x%" PRIx64 " not mapped in swapper_pg_dir (%s at level %d, "
			      "descriptor 0x%" PRIx64 " at PA 0x%" PRIx64 ")",
			      va, s2_fault_type_name(t.fault.type), t.level, t.desc.raw, t.desc_pa);
}

struct s2_error *s2_kernel_va_to_pa(struct s2_kernel *k, uint64_t va, uint64_t *pa)
{
	return own_va_to_pa(k, va, pa);
}

struct s2_error *s2_kernel_read_paged(struct s2_kernel *k, s2_kernel_translate_fn translate, const void *arg,
				      uint64_t va, void *buf, size_t len)
{
	uint64_t page = 1ULL << k->info.page_shift;

	while (len) {
		size_t chunk = page - (va & (page - 1));
		uint64_t pa;
		struct s2_error *err;

		if (chunk > len)
			chunk = len;
		err = translate(k, arg, va, &pa);
		if (!err)
			err = read_phys(k, pa, buf, chunk);
		if (err)
			return err;
		va += chunk;
		buf = (char *)buf + chunk;
		len -= chunk;
	}
	return NULL;
}

static struct s2_error *own_translate(struct s2_kernel *k, const void *arg, uint64_t va, uint64_t *pa)
{
	return own_va_to_pa(k, va, pa);
}

/* Through the core's own translation (linear map, kimage, swapper_pg_dir), not the backend's. */
static struct s2_error *own_read(struct s2_kernel *k, uint64_t va, void *buf, size_t len)
{
	return s2_kernel_read_paged(k, own_translate, NULL, va, buf, len);
}

struct s2_error *s2_kernel_read(struct s2_kernel *k, uint64_t va, void *buf, size_t len)
{
	bool backend = is_linear(k, va) ? k->backend_linear : k->backend_other;

	if (backend) {
		struct s2_error *err = k->target->ops->read_kvaddr(k->target->ctx, va, buf, len);

		if (!err)
			return NULL;
		s2_error_destroy(err);
	}
	return own_read(k, va, buf, len);
}

struct s2_error *s2_kernel_read_phys(struct s2_kernel *k, uint64_t pa, void *buf, size_t len)
{
	return read_phys(k, pa, buf, len);
}

struct s2_error *s2_kernel_read_u64(struct s2_kernel *k, uint64_t va, uint64_t *val)
{
	return s2_kernel_read(k, va, val, sizeof(*val));
}

struct s2_error *s2_kernel_read_u32(struct s2_kernel *k, uint64_t va, uint32_t *val)
{
	return s2_kernel_read(k, va, val, sizeof(*val));
}

const struct s2_kernel_info *s2_kernel_info(const struct s2_kernel *k)
{
	return &k->info;
}

const struct s2_target *s2_kernel_target(const struct s2_kernel *k)
{
	return k->target;
}

/* Does the backend read len bytes at va exactly as our own translation does? */
static bool backend_agrees(struct s2_kernel *k, uint64_t va, size_t len)
{
	unsigned char a[256], b[256];
	struct s2_error *err;

	if (!k->target->ops->read_kvaddr || len > sizeof(a))
		return false;
	err = own_read(k, va, a, len);
	if (err) {
		s2_error_destroy(err);
		return false;
	}
	err = k->target->ops->read_kvaddr(k->target->ctx, va, b, len);
	if (err) {
		s2_error_destroy(err);
		return false;
	}
	return memcmp(a, b, len) == 0;
}

static struct s2_error *parse_release(struct s2_kernel_info *info)
{
	if (sscanf(info->osrelease, "%u.%u.%u", &info->release_major, &info->release_minor,
		   &info->release_patch) < 2)
		return s2_error_create(S2_ERROR_CORRUPT, "kernel release \"%s\" is not MAJOR.MINOR",
				       info->osrelease);
	return NULL;
}

struct s2_error *s2_kernel_open(const struct s2_target *target, struct s2_kernel **out)
{
	struct s2_kernel *k = calloc(1, sizeof(*k));
	struct s2_kernel_info *info;
	uint64_t v, t1sz, swapper_va;
	char buf[128];
	struct s2_error *err;

	if (!k)
		return &s2_error_nomem;
	k->target = target;
	info = &k->info;

	err = vmcoreinfo(target, "OSRELEASE", info->osrelease, sizeof(info->osrelease));
	if (err)
		goto fail_need;
	info->has_vmcoreinfo = true;
	err = parse_release(info);
	if (err)
		goto fail;
	err = vmcoreinfo_u64(target, "PAGESIZE", 0, &v);
	if (err)
		goto fail_need;
	if (v != 4096 && v != 16384 && v != 65536) {
		err = s2_error_create(S2_ERROR_CORRUPT, "VMCOREINFO PAGESIZE=%" PRIu64 " is not 4K, 16K or 64K", v);
		goto fail;
	}
	info->page_shift = (unsigned int)__builtin_ctzll(v);
	err = vmcoreinfo_u64(target, "NUMBER(VA_BITS)", 0, &v);
	if (err)
		goto fail_need;
	info->va_bits = (unsigned int)v;
	/* TCR_EL1.T1SZ is what the kernel runs with (52-bit builds may run with 48). */
	err = vmcoreinfo_u64(target, "NUMBER(TCR_EL1_T1SZ)", 0, &t1sz);
	if (err) {
		s2_error_destroy(err);
		info->va_bits_actual = info->va_bits;
	} else {
		info->va_bits_actual = 64 - (unsigned int)t1sz;
	}
	if (info->va_bits < 36 || info->va_bits > 52 || info->va_bits_actual < 36 ||
	    info->va_bits_actual > info->va_bits) {
		err = s2_error_create(S2_ERROR_CORRUPT, "VMCOREINFO VA_BITS %u / TCR_EL1_T1SZ %u inconsistent",
				      info->va_bits, 64 - info->va_bits_actual);
		goto fail;
	}
	err = vmcoreinfo_u64(target, "NUMBER(PHYS_OFFSET)", 0, &info->phys_offset);
	if (err)
		goto fail_need;
	err = vmcoreinfo_u64(target, "NUMBER(kimage_voffset)", 0, &info->kimage_voffset);
	if (err)
		goto fail_need;
	err = vmcoreinfo_u64(target, "KERNELOFFSET", 16, &info->kaslr_offset);
	if (err) {
		s2_error_destroy(err);
		info->kaslr_offset = 0;
	}
	err = vmcoreinfo_u64(target, "SYMBOL(swapper_pg_dir)", 16, &swapper_va);
	if (err) {
		s2_error_destroy(err);
		err = target->ops->symbol_address(target->ctx, "swapper_pg_dir", &swapper_va);
		if (err)
			goto fail;
	}
	info->swapper_pg_dir = swapper_va;
	info->page_offset = ~((1ULL << info->va_bits) - 1);
	k->page_end = ~((1ULL << (info->va_bits_actual - 1)) - 1);
	/* 52-bit VA with 4K/16K pages runs with LPA2 descriptors; 64K uses FEAT_LPA. */
	info->lpa2 = info->va_bits_actual == 52 && info->page_shift != 16;
	info->pa_bits = (info->lpa2 || (info->page_shift == 16 && info->va_bits == 52)) ? 52 : 48;
	k->swapper_pa = swapper_va - info->kimage_voffset;
	err = s2_geometry_stage1(info->va_bits_actual, info->page_shift, info->lpa2, info->pa_bits, &k->s1);
	if (err)
		goto fail;

	/* Prove our own translation on the kernel image: swapper_pg_dir must be readable. */
	err = read_phys(k, k->swapper_pa, buf, 8);
	if (err) {
		err = s2_error_prefix(err, "swapper_pg_dir (PA 0x%" PRIx64 " from kimage_voffset): ", k->swapper_pa);
		goto fail;
	}
	/* Trust the backend's translation per address class only where it agrees with ours. */
	k->proving = true;
	k->backend_other = backend_agrees(k, swapper_va, 64);
	k->backend_linear = backend_agrees(k, s2_kernel_phys_to_linear(k, k->swapper_pa), 64);
	k->proving = false;
	{
		uint64_t start, end;
		struct s2_error *e1 = target->ops->symbol_address(target->ctx, "_text", &start);
		struct s2_error *e2 = e1 ? NULL : target->ops->symbol_address(target->ctx, "_end", &end);

		if (!e1 && !e2 && start < end && start >= k->page_end) {
			k->kimage_start = start;
			k->kimage_end = end;
		}
		s2_error_destroy(e1);
		s2_error_destroy(e2);
	}
	*out = k;
	return NULL;

fail_need:
	err = s2_error_prefix(err, "kernel facts: ");
fail:
	free(k);
	return err;
}

void s2_kernel_close(struct s2_kernel *k)
{
	free(k);
}
