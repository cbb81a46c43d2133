/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host kernel as the core sees it: facts from VMCOREINFO (or, without
 * it, from symbols and memory) and kernel-virtual reads.
 *
 * Kernel-virtual addresses are read through the target's own translation
 * where it has one and it proves right, and otherwise translated here:
 * linear map from PHYS_OFFSET/PAGE_OFFSET (including the shifted
 * PHYS_OFFSET of VA_BITS=52 kernels running with 48-bit VA), the kernel
 * image from kimage_voffset, everything else (vmalloc: struct kvm on VHE
 * hosts) by walking swapper_pg_dir with the shared walker.
 */
#ifndef S2DUMP_KERNEL_H
#define S2DUMP_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2dump/error.h"
#include "s2dump/target.h"

#ifdef __cplusplus
extern "C" {
#endif

struct s2_kernel_info {
	char osrelease[65];        /* "6.12.107+deb13-arm64" */
	unsigned int release_major, release_minor, release_patch; /* 6, 12, 107 */
	unsigned int page_shift;   /* 12, 14, 16 */
	unsigned int va_bits;      /* configured VA_BITS (NUMBER(VA_BITS)) */
	unsigned int va_bits_actual; /* 64 - TCR_EL1_T1SZ: what the kernel runs with */
	uint64_t phys_offset;      /* NUMBER(PHYS_OFFSET) / memstart_addr, possibly shifted */
	uint64_t page_offset;      /* -(1 << va_bits): the base __va() ORs into */
	uint64_t kimage_voffset;   /* kimage VA - PA */
	uint64_t kaslr_offset;     /* KERNELOFFSET */
	uint64_t swapper_pg_dir;   /* VA of the kernel's stage-1 root */
	bool lpa2;                 /* stage-1 with 52-bit VA and 4K/16K pages: LPA2 descriptors */
	unsigned int pa_bits;      /* host physical address size for table checks (48 or 52) */
	bool has_vmcoreinfo;
};

struct s2_kernel;

/* Learn the kernel's facts from the target; checks that reads work. */
struct s2_error *s2_kernel_open(const struct s2_target *target, struct s2_kernel **out);
void s2_kernel_close(struct s2_kernel *kernel);
const struct s2_kernel_info *s2_kernel_info(const struct s2_kernel *kernel);
const struct s2_target *s2_kernel_target(const struct s2_kernel *kernel);

/* Read kernel-virtual memory (any mapped kernel VA, split across pages as needed). */
struct s2_error *s2_kernel_read(struct s2_kernel *kernel, uint64_t va, void *buf, size_t len);
/* Read physical memory. */
struct s2_error *s2_kernel_read_phys(struct s2_kernel *kernel, uint64_t pa, void *buf, size_t len);
/* Translate a kernel VA to a PA (linear, kimage, or by walking swapper_pg_dir). */
struct s2_error *s2_kernel_va_to_pa(struct s2_kernel *kernel, uint64_t va, uint64_t *pa);
/* __va() of a physical address in the linear map. */
uint64_t s2_kernel_phys_to_linear(const struct s2_kernel *kernel, uint64_t pa);

/*
 * A host process's user memory through its own stage-1 tables (TTBR0;
 * pgd_va = mm_struct.pgd, a kernel VA): how KVM itself reads guest memory
 * (memslot userspace_addr in the VMM). Unmapped addresses and tables missing
 * from the dump are S2_ERROR_FAULT.
 */
struct s2_error *s2_kernel_user_va_to_pa(struct s2_kernel *kernel, uint64_t pgd_va, uint64_t uva, uint64_t *pa);
struct s2_error *s2_kernel_read_user(struct s2_kernel *kernel, uint64_t pgd_va, uint64_t uva, void *buf, size_t len);

/* Typed helpers: little-endian reads of the host's integers. */
struct s2_error *s2_kernel_read_u64(struct s2_kernel *kernel, uint64_t va, uint64_t *val);
struct s2_error *s2_kernel_read_u32(struct s2_kernel *kernel, uint64_t va, uint32_t *val);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_KERNEL_H */
