// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/kernel on a mock target (tests/kvm/mock.h): VMCOREINFO facts, the
 * linear map (also with the shifted PHYS_OFFSET of a VA_BITS=52 kernel
 * running with 48-bit VA), the kernel image and vmalloc through
 * swapper_pg_dir, page-crossing reads, and errors. Expected addresses are
 * computed by hand from the mock's placement (comments show the sums).
 */
#include "kvm/mock.h"
#include "s2dump/kernel.h"
#include "unit/check.h"

static void test_facts_and_linear(void)
{
	struct mock m;
	struct s2_kernel *k = NULL;
	const struct s2_kernel_info *ki;
	uint64_t pa = 0, v = 0;
	struct s2_error *err;

	mock_init(&m);
	err = s2_kernel_open(&m.target, &k);
	CHECK(!err, "kernel: opens the mock (%s)", err ? err->message : "ok");
	if (err) {
		s2_error_destroy(err);
		mock_fini(&m);
		return;
	}
	ki = s2_kernel_info(k);
	CHECK_EQ_U64(ki->release_major * 100 + ki->release_minor, 612, "kernel: release 6.12 parsed");
	CHECK_EQ_U64(ki->page_shift, 12, "kernel: PAGESIZE 4096 -> page_shift 12");
	CHECK_EQ_U64(ki->va_bits_actual, 48, "kernel: TCR_EL1_T1SZ 16 -> 48-bit VA");
	/* page_offset = -(1 << 48) */
	CHECK_EQ_U64(ki->page_offset, 0xffff000000000000ULL, "kernel: PAGE_OFFSET for VA_BITS 48");
	/* __va(0x40001000) = (0x40001000 - 0x40000000) | 0xffff000000000000 */
	CHECK_EQ_U64(s2_kernel_phys_to_linear(k, 0x40001000), 0xffff000000001000ULL, "kernel: __va of PA 0x40001000");
	err = s2_kernel_va_to_pa(k, 0xffff000000001234ULL, &pa);
	CHECK(!err && pa == 0x40001234, "kernel: linear VA 0xffff000000001234 -> PA 0x40001234 (got 0x%" PRIx64 ")", pa);
	s2_error_destroy(err);
	mock_put64(&m, 0x40001238, 0x1122334455667788ULL);
	err = s2_kernel_read_u64(k, 0xffff000000001238ULL, &v);
	CHECK(!err && v == 0x1122334455667788ULL, "kernel: linear read");
	s2_error_destroy(err);
	/* kimage: VA 0xffff800080003000 -> PA 0x40100000 + 0x3000 through swapper_pg_dir */
	err = s2_kernel_va_to_pa(k, MOCK_KIMAGE_VA + 0x3010, &pa);
	CHECK(!err && pa == 0x40103010, "kernel: kimage VA -> PA 0x40103010 via swapper_pg_dir (got 0x%" PRIx64 ")", pa);
	s2_error_destroy(err);
	/* vmalloc: two pages in reverse physical order; a read across them must stitch */
	mock_put64(&m, 0x40050ff8, 0xaaaaaaaaaaaaaaaaULL);
	mock_put64(&m, 0x40040000, 0xbbbbbbbbbbbbbbbbULL);
	{
		uint64_t two[2] = { 0, 0 };

		err = s2_kernel_read(k, MOCK_VMALLOC_VA + 0xff8, two, sizeof(two));
		CHECK(!err && two[0] == 0xaaaaaaaaaaaaaaaaULL && two[1] == 0xbbbbbbbbbbbbbbbbULL,
		      "kernel: vmalloc read across a page boundary follows swapper_pg_dir per page");
		s2_error_destroy(err);
	}
	/* unmapped vmalloc page: L3 entry 0x12 is empty -> translation fault at level 3 */
	err = s2_kernel_read_u64(k, MOCK_VMALLOC_VA + 0x2000, &v);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "not mapped in swapper_pg_dir") &&
	      strstr(err->message, "level 3"), "kernel: unmapped vmalloc VA is a fault naming level 3 (%s)",
	      err ? err->message : "no error");
	s2_error_destroy(err);
	/* below the linear map: not a kernel address */
	err = s2_kernel_read_u64(k, 0x0000aaaa00000000ULL, &v);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "not a kernel address"),
	      "kernel: user VA refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	/* physical read outside RAM names the PA */
	err = s2_kernel_read_phys(k, 0x80000000, &v, 8);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "PA 0x80000000 not in the dump"),
	      "kernel: PA outside the dump (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	/* a missing stage-1 table page: L3 table of the vmalloc area */
	m.hole_pa = 0x40104000;
	err = s2_kernel_read_u64(k, MOCK_VMALLOC_VA, &v);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "level 3 table at PA 0x40104000"),
	      "kernel: missing swapper table named with level and PA (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	s2_kernel_close(k);
	mock_fini(&m);
}

static void test_va52_shifted_phys_offset(void)
{
	struct mock m;
	struct s2_kernel *k = NULL;
	uint64_t pa = 0, v = 0;
	struct s2_error *err;

	mock_init(&m);
	/*
	 * VA_BITS=52 kernel on 48-bit hardware: PHYS_OFFSET is memstart_addr
	 * shifted down by (1 << 52) - (1 << 48) = 0x000f000000000000:
	 * 0x40000000 - 0x000f000000000000 = 0xfff1000040000000.
	 */
	mock_set_vmcoreinfo(&m, "NUMBER(VA_BITS)", "%" PRIu64, 52);
	mock_set_vmcoreinfo(&m, "NUMBER(PHYS_OFFSET)", "0x%" PRIx64, 0xfff1000040000000ULL);
	err = s2_kernel_open(&m.target, &k);
	CHECK(!err, "va52: opens (%s)", err ? err->message : "ok");
	if (err) {
		s2_error_destroy(err);
		mock_fini(&m);
		return;
	}
	CHECK_EQ_U64(s2_kernel_info(k)->page_offset, 0xfff0000000000000ULL, "va52: PAGE_OFFSET = -(1 << 52)");
	CHECK_EQ_U64(s2_kernel_info(k)->va_bits_actual, 48, "va52: runs with 48-bit VA");
	CHECK(!s2_kernel_info(k)->lpa2, "va52: no LPA2 when running with 48 bits");
	/* (0x40002000 - 0xfff1000040000000) | 0xfff0000000000000 = 0x000f000000002000 | ... = 0xffff000000002000 */
	CHECK_EQ_U64(s2_kernel_phys_to_linear(k, 0x40002000), 0xffff000000002000ULL,
		     "va52: __va(0x40002000) is still 0xffff000000002000");
	/* (0xffff000000002000 & ~0xfff0000000000000) + 0xfff1000040000000 = 0x000f000000002000 + ... = 0x40002000 */
	err = s2_kernel_va_to_pa(k, 0xffff000000002000ULL, &pa);
	CHECK(!err && pa == 0x40002000, "va52: linear VA -> PA 0x40002000 (got 0x%" PRIx64 ")", pa);
	s2_error_destroy(err);
	mock_put64(&m, 0x40002008, 0x5252525252525252ULL);
	err = s2_kernel_read_u64(k, 0xffff000000002008ULL, &v);
	CHECK(!err && v == 0x5252525252525252ULL, "va52: linear read through the shifted PHYS_OFFSET");
	s2_error_destroy(err);
	s2_kernel_close(k);
	mock_fini(&m);
}

static void test_bad_facts(void)
{
	struct mock m;
	struct s2_kernel *k = NULL;
	struct s2_error *err;

	mock_init(&m);
	mock_set_vmcoreinfo(&m, "PAGESIZE", "%" PRIu64, 8192);
	err = s2_kernel_open(&m.target, &k);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "PAGESIZE=8192"),
	      "facts: PAGESIZE 8192 refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	mock_set_vmcoreinfo(&m, "PAGESIZE", "%" PRIu64, 4096);
	/* swapper_pg_dir whose PA (from kimage_voffset) is not in the dump */
	mock_set_vmcoreinfo(&m, "NUMBER(kimage_voffset)", "0x%" PRIx64, MOCK_KIMAGE_VOFFSET - 0x10000000);
	err = s2_kernel_open(&m.target, &k);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "swapper_pg_dir"),
	      "facts: wrong kimage_voffset -> swapper_pg_dir unreadable (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	mock_fini(&m);
	mock_init(&m);
	m.nvmcoreinfo = 0; /* no VMCOREINFO at all */
	err = s2_kernel_open(&m.target, &k);
	CHECK(err && err->code == S2_ERROR_LOOKUP && strstr(err->message, "kernel facts"),
	      "facts: no VMCOREINFO is a lookup error (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	mock_fini(&m);
}

int main(void)
{
	test_facts_and_linear();
	test_va52_shifted_phys_offset();
	test_bad_facts();
	return check_summary();
}
