// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User memory of a host process through its own stage-1 tables
 * (mm_struct.pgd, the TTBR0 side). KVM reads guest memory this way
 * (kvm_read_guest(): memslot -> userspace_addr in the VMM -> the VMM's
 * page tables), and so must a post-mortem tool for guest pages the
 * canonical stage 2 does not map, such as a guest hypervisor's own stage-2
 * tables that only KVM's software walker ever read.
 */
#include <inttypes.h>

#include "kernel/kernel_internal.h"
#include "s2dump/walk.h"

static struct s2_error *phys_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return s2_kernel_read_phys(ctx, pa, buf, len);
}

struct s2_error *s2_kernel_user_va_to_pa(struct s2_kernel *k, uint64_t pgd_va, uint64_t uva, uint64_t *pa)
{
	const struct s2_kernel_info *ki = s2_kernel_info(k);
	struct s2_mem mem = { phys_read, k };
	struct s2_geometry geo;
	struct s2_translation t;
	uint64_t root;
	struct s2_error *err;

	/* Linux runs TTBR0 with the size and granule of TTBR1 (T0SZ = T1SZ). */
	err = s2_geometry_stage1(ki->va_bits_actual, ki->page_shift, ki->lpa2, ki->pa_bits, &geo);
	if (err)
		return err;
	geo.regime = S2_REGIME_STAGE1_TTBR0;
	err = s2_kernel_va_to_pa(k, pgd_va, &root);
	if (err)
		return s2_error_prefix(err, "mm pgd 0x%" PRIx64 ": ", pgd_va);
	err = s2_translate(&geo, root, &mem, uva, &t);
	if (err)
		return err;
	if (t.fault.type == S2_FAULT_SEA_WALK)
		return s2_error_fault(t.desc_pa, true, "user address 0x%" PRIx64 " (mm pgd 0x%" PRIx64 "): table at PA 0x%"
				      PRIx64 " not in the dump", uva, pgd_va, t.desc_pa);
	/* AF clear still translates: the page is there, only not yet accessed. */
	if (t.fault.type != S2_FAULT_NONE && t.fault.type != S2_FAULT_ACCESS_FLAG)
		return s2_error_fault(uva, false, "user address 0x%" PRIx64 " (mm pgd 0x%" PRIx64 ") not mapped: %s, level %d",
				      uva, pgd_va, s2_fault_type_name(t.fault.type), t.level);
	*pa = t.oa;
	return NULL;
}

static struct s2_error *user_translate(struct s2_kernel *k, const void *pgd_va, uint64_t uva, uint64_t *pa)
{
	return s2_kernel_user_va_to_pa(k, *(const uint64_t *)pgd_va, uva, pa);
}

struct s2_error *s2_kernel_read_user(struct s2_kernel *k, uint64_t pgd_va, uint64_t uva, void *buf, size_t len)
{
	/* Page by page: user pages are rarely physically contiguous. */
	return s2_kernel_read_paged(k, user_translate, &pgd_va, uva, buf, len);
}
