/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s2real-kvm: runs inside a real arm64 kernel (under QEMU TCG) and leaves
 * several KVM VMs live, with populated stage-2 tables of known shape, then
 * writes ground truth that does not depend on s2dump:
 *
 *   GPA -> host PA, per host page of every memslot, from the memslot's
 *   userspace address and /proc/self/pagemap (+ /proc/kpageflags), and what
 *   the guest did to each page (x: fetched, w: written, r: read, -: nothing).
 *
 * The host's page size (sysconf) is KVM's stage-2 granule: "page" below is
 * that (4 KiB, or 16 KiB on Debian's -arm64-16k kernel), "block" the level-2
 * block (a PMD: 2 MiB with 4K pages, 32 MiB with 16K), the size of a PMD THP
 * and of the hugetlb pages asked for. The start level follows KVM's rule
 * levels = ((ipa - 4) - 4) / (page_shift - 3), at least 2, up to 16
 * concatenated start tables. With 4K pages:
 *   ipa32  start level 2, 4 concatenated tables: 4K pages, a THP block, a read-only slot
 *   ipa36  start level 1, 1 table: 4K pages, THP block
 *   ipa40  start level 1, 2 concatenated tables: 4K pages with holes, hugetlb
 *          blocks, a dirty-logged slot (forced to 4K, read pages write-protected)
 *   ipa48  start level 0 (4-level walk): 4K pages at the top of the IPA space,
 *          THP block at 2^47
 *   ipa52  (only with LPA2, 52-bit IPA) start level 0, 16 concatenated tables
 *   nested (KVM_ARM_VCPU_HAS_EL2, 7.2; 6.12 refuses it) a guest hypervisor at
 *          vEL2 with its own stage-2 (RO and RW pages, a 2 MiB block) running
 *          an L2 guest, so KVM builds a shadow stage-2; see create_nested_vm()
 * With 16K pages (11 bits per level): ipa32 start level 2, one table of 128
 * entries; ipa36 level 2, one full table; ipa40 level 2, 16 concatenated
 * tables; ipa48 level 1, 2 concatenated; ipa52 (LPA2) level 0, one table of 32
 * entries; blocks are 32 MiB.
 *
 * Each guest runs at EL1 with its MMU off (IPA = VA), walks a plan of
 * (start, length, stride, op) in its first page, then writes to an address
 * outside its memslots (an MMIO exit: "done"); the program re-enters it and
 * it sleeps in WFI, so the vCPU threads stay inside KVM_RUN while the machine
 * is dumped.
 *
 * Usage: s2real-kvm TRUTH_DIR   (creates TRUTH_DIR/vm<N>.txt, summary.txt, then
 * TRUTH_DIR/READY, and waits forever). S2REAL_NO_NESTED=1 skips the nested VM.
 * s2real-kvm --sve-spin CPU VL: spins on CPU with SVE live at vector length VL
 * bytes, so that QEMU's dump sees that CPU's SVE state at VL (run.sh --sveshift:
 * the dumps QEMU writes with memory out of place, on purpose).
 * The truth format is described in docs/real-kernel.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/kvm.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

#define SZ_2M ((uint64_t)0x200000)

/*
 * The host's page size and its level-2 block (PMD) size, set first thing in
 * main(): the stage-2 granule KVM uses, the unit of /proc/self/pagemap, and
 * the size of PMD THPs and of the default hugetlb pages.
 */
static uint64_t page_size;
static unsigned int page_shift;
static uint64_t block_size;
static unsigned int block_shift;

/* The guest: x0 = plan GPA, x1 = "done" GPA (not in any memslot). */
extern const unsigned char guest_code_start[], guest_code_end[];
__asm__(".section .rodata.guest,\"a\"\n"
	".balign 8\n"
	".global guest_code_start\n"
	"guest_code_start:\n"
	"1:	ldp x2, x3, [x0], #16\n" /* start, length */
	"	ldp x4, x5, [x0], #16\n" /* stride, op */
	"	cbz x5, 5f\n"
	"	add x3, x2, x3\n"
	"2:	cmp x5, #1\n"
	"	b.ne 3f\n"
	"	str x2, [x2]\n" /* op 1: write the address itself */
	"	b 4f\n"
	"3:	ldr x6, [x2]\n" /* op 2: read */
	"4:	add x2, x2, x4\n"
	"	cmp x2, x3\n"
	"	b.lo 2b\n"
	"	b 1b\n"
	"5:	str xzr, [x1]\n" /* done: MMIO exit */
	"6:	wfi\n"
	"	b 6b\n"
	".global guest_code_end\n"
	"guest_code_end:\n"
	".previous\n");

/*
 * The guest hypervisor (nested VM, vEL2, MMU off): x2 = VTCR_EL2, x3 = VTTBR_EL2,
 * x4 = HCR_EL2, x5 = L2 entry, x6 = VBAR_EL2; x0/x1 are the L2 guest's plan and
 * "done" (an L2 IPA its stage-2 leaves unmapped); x20 = its own "done" MMIO
 * address. The L2 guest runs the code above at EL1; its final access faults to
 * vEL2, whose vector reports "done" to the VMM.
 */
extern const unsigned char nested_el2_start[], nested_el2_end[];
extern const unsigned char nested_vec_start[], nested_vec_end[];
__asm__(".section .rodata.guest,\"a\"\n"
	".balign 8\n"
	".global nested_el2_start\n"
	"nested_el2_start:\n"
	"	msr vbar_el2, x6\n"
	"	msr vtcr_el2, x2\n"
	"	msr vttbr_el2, x3\n"
	"	msr hcr_el2, x4\n"
	"	mov x7, #0x3c5\n" /* EL1h, DAIF masked */
	"	msr spsr_el2, x7\n"
	"	msr elr_el2, x5\n"
	"	isb\n"
	"	eret\n"
	".global nested_el2_end\n"
	"nested_el2_end:\n"
	".global nested_vec_start\n"
	"nested_vec_start:\n" /* copied to VBAR_EL2 + 0x400: lower EL, AArch64, synchronous */
	"	str xzr, [x20]\n"
	"1:	wfi\n"
	"	b 1b\n"
	".global nested_vec_end\n"
	"nested_vec_end:\n"
	".previous\n");

#define PLAN_OFFSET 0x800 /* plan entries in the code page, after the code */

enum kind { K_4K, K_THP, K_HUGETLB };
static const char *const kind_name[] = { "4k", "thp", "hugetlb" };

enum op { OP_END = 0, OP_WRITE = 1, OP_READ = 2 };

struct touch {
	uint64_t offset, length, stride; /* within the slot */
	enum op op;
};

struct slot_spec {
	uint64_t gpa, size;
	enum kind kind;
	int readonly, logged, prefill;
	struct touch touches[3];
};

struct vm_spec {
	const char *name;
	unsigned int ipa_bits;
	uint64_t done_gpa;
	struct slot_spec slots[4]; /* slot 0 holds the code page */
};

/*
 * Sizes in host pages and blocks (page_size, block_size are known at run time only);
 * with 4K pages these are the 4 KiB / 2 MiB layouts the truth has always had.
 * The "4k" kind means "not huge": host pages of whatever size the host uses.
 */
#define NR_VMS 5
static struct vm_spec specs[NR_VMS];

static void init_specs(void)
{
	specs[0] = (struct vm_spec){ "ipa32", 32, 0x30000000ULL, {
		{ 0x40000000ULL, SZ_2M, K_4K, 0, 0, 0, { { page_size, SZ_2M - page_size, page_size, OP_WRITE } } },
		{ 0x80000000ULL, 2 * block_size, K_THP, 0, 0, 0, { { 0, 2 * block_size, page_size, OP_WRITE } } },
		{ 0xc0000000ULL, 16 * page_size, K_4K, 1, 0, 1, { { 0, 16 * page_size, page_size, OP_READ } } },
	} };
	specs[1] = (struct vm_spec){ "ipa36", 36, 0x30000000ULL, {
		{ 0x10000000ULL, 16 * page_size, K_4K, 0, 0, 0, { { page_size, 15 * page_size, page_size, OP_WRITE } } },
		{ 0x800000000ULL, block_size, K_THP, 0, 0, 0, { { 0, block_size, page_size, OP_WRITE } } },
	} };
	specs[2] = (struct vm_spec){ "ipa40", 40, 0x30000000ULL, {
		/* every other page written: holes between page leaves */
		{ 0x0ULL, 0x100000ULL, K_4K, 0, 0, 0, { { page_size, 0x100000ULL - page_size, 2 * page_size, OP_WRITE } } },
		{ 0x100000000ULL, 2 * block_size, K_HUGETLB, 0, 0, 0, { { 0, 2 * block_size, page_size, OP_WRITE } } },
		/* dirty logging: page leaves; written half writable, read half read-only */
		{ 0xf000000000ULL, block_size, K_THP, 0, 1, 1, {
			{ 0, block_size / 2, page_size, OP_WRITE },
			{ block_size / 2, block_size / 2, page_size, OP_READ } } },
	} };
	specs[3] = (struct vm_spec){ "ipa48", 48, 0x30000000ULL, {
		{ 0x80000000ULL, 16 * page_size, K_4K, 0, 0, 0, { { page_size, 15 * page_size, page_size, OP_WRITE } } },
		/* the last 1 MiB below 2^48: the last index at every level */
		{ 0xfffffff00000ULL, 0x100000ULL, K_4K, 0, 0, 0, { { 0, 0x100000ULL, page_size, OP_WRITE } } },
		{ 0x800000000000ULL, block_size, K_THP, 0, 0, 0, { { 0, block_size, page_size, OP_WRITE } } },
	} };
	specs[4] = (struct vm_spec){ "ipa52", 52, 0x30000000ULL, {
		{ 0x80000000ULL, 16 * page_size, K_4K, 0, 0, 0, { { page_size, 15 * page_size, page_size, OP_WRITE } } },
		{ 0xfffffff00000ULL, 16 * page_size, K_4K, 0, 0, 0, { { 0, 16 * page_size, page_size, OP_WRITE } } },
		{ 0xffffffff00000ULL, 16 * page_size, K_4K, 0, 0, 0, { { 0, 16 * page_size, page_size, OP_WRITE } } },
	} };
}
#define nested_vm vms[NR_VMS]

struct slot {
	const struct slot_spec *spec;
	unsigned char *host;
	char *access; /* per page */
};

struct vm {
	const struct vm_spec *spec;
	int present;
	int vmfd, vcpufd;
	struct kvm_run *run;
	struct slot slots[4];
	int nslots;
	const char *status;
	pthread_t idle;
	int nested; /* the guest hypervisor VM */
};

static int kvmfd;
static size_t run_size;
static volatile sig_atomic_t alarmed;

static void die(const char *what)
{
	fprintf(stderr, "s2real-kvm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static void *map_backing(const struct slot_spec *s)
{
	void *p;

	switch (s->kind) {
	case K_HUGETLB:
		/* PMD-sized hugetlb pages (2 MiB with 4K pages, 32 MiB with 16K) */
		p = mmap(NULL, s->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (int)(block_shift << MAP_HUGE_SHIFT), -1, 0);
		if (p == MAP_FAILED)
			die("mmap hugetlb (is vm.nr_hugepages set?)");
		return p;
	case K_THP: {
		/* block-aligned so the host can back it with PMD-level THPs */
		unsigned char *raw = mmap(NULL, s->size + block_size, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (raw == MAP_FAILED)
			die("mmap thp");
		p = (void *)(((uintptr_t)raw + block_size - 1) & ~(uintptr_t)(block_size - 1));
		if (madvise(p, s->size, MADV_HUGEPAGE))
			die("madvise MADV_HUGEPAGE");
		return p;
	}
	case K_4K:
	default:
		p = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (madvise(p, s->size, MADV_NOHUGEPAGE))
			die("madvise MADV_NOHUGEPAGE");
		return p;
	}
}

static void set_reg(int vcpufd, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	if (ioctl(vcpufd, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

#define CORE_REG(name) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			(offsetof(struct kvm_regs, name) / sizeof(uint32_t)))

static int create_vm(struct vm *vm)
{
	const struct vm_spec *spec = vm->spec;
	struct kvm_vcpu_init init;
	uint64_t *plan;
	int i;

	vm->vmfd = ioctl(kvmfd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(spec->ipa_bits));
	if (vm->vmfd < 0) {
		fprintf(stderr, "s2real-kvm: %s: KVM_CREATE_VM: %s\n", spec->name, strerror(errno));
		return -1;
	}
	for (i = 0; i < 4 && spec->slots[i].size; i++) {
		const struct slot_spec *s = &spec->slots[i];
		struct slot *sl = &vm->slots[i];
		struct kvm_userspace_memory_region region;

		sl->spec = s;
		sl->host = map_backing(s);
		sl->access = calloc(s->size / page_size, 1);
		if (!sl->access)
			die("calloc");
		memset(sl->access, '-', s->size / page_size);
		if (s->prefill)
			memset(sl->host, 0x5a, s->size); /* real pages, not the zero page */
		region = (struct kvm_userspace_memory_region){
			.slot = (uint32_t)i,
			.flags = (s->readonly ? KVM_MEM_READONLY : 0) |
				 (s->logged ? KVM_MEM_LOG_DIRTY_PAGES : 0),
			.guest_phys_addr = s->gpa,
			.memory_size = s->size,
			.userspace_addr = (uintptr_t)sl->host,
		};
		if (ioctl(vm->vmfd, KVM_SET_USER_MEMORY_REGION, &region)) {
			fprintf(stderr, "s2real-kvm: %s: slot %d at 0x%" PRIx64 ": %s\n",
				spec->name, i, s->gpa, strerror(errno));
			return -1;
		}
		for (int t = 0; t < 3 && s->touches[t].op; t++) {
			const struct touch *tc = &s->touches[t];
			for (uint64_t off = tc->offset; off < tc->offset + tc->length; off += tc->stride)
				sl->access[off / page_size] = tc->op == OP_WRITE ? 'w' : 'r';
		}
	}
	vm->nslots = i;

	/* code and plan in the first page of slot 0 */
	memcpy(vm->slots[0].host, guest_code_start, (size_t)(guest_code_end - guest_code_start));
	plan = (uint64_t *)(vm->slots[0].host + PLAN_OFFSET);
	for (i = 0; i < vm->nslots; i++) {
		const struct slot_spec *s = vm->slots[i].spec;
		for (int t = 0; t < 3 && s->touches[t].op; t++) {
			*plan++ = s->gpa + s->touches[t].offset;
			*plan++ = s->touches[t].length;
			*plan++ = s->touches[t].stride;
			*plan++ = s->touches[t].op;
		}
	}
	memset(plan, 0, 32);
	vm->slots[0].access[0] = 'x';

	if (ioctl(vm->vmfd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	vm->vcpufd = ioctl(vm->vmfd, KVM_CREATE_VCPU, 0);
	if (vm->vcpufd < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(vm->vcpufd, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpufd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run");
	set_reg(vm->vcpufd, CORE_REG(regs.pc), spec->slots[0].gpa);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[0]), spec->slots[0].gpa + PLAN_OFFSET);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[1]), spec->done_gpa);
	return 0;
}

/* Run the guest until it reports "done" (or 120 s pass). */
static void run_guest(struct vm *vm)
{
	struct itimerval t = { .it_value = { .tv_sec = 120 } };

	alarmed = 0;
	setitimer(ITIMER_REAL, &t, NULL);
	for (;;) {
		if (ioctl(vm->vcpufd, KVM_RUN, 0)) {
			if (errno == EINTR && alarmed) {
				vm->status = "timeout";
				break;
			}
			if (errno == EINTR)
				continue;
			vm->status = "run-error";
			fprintf(stderr, "s2real-kvm: %s: KVM_RUN: %s\n", vm->spec->name, strerror(errno));
			break;
		}
		if (vm->run->exit_reason == KVM_EXIT_MMIO &&
		    vm->run->mmio.phys_addr == vm->spec->done_gpa) {
			vm->status = "done";
			break;
		}
		fprintf(stderr, "s2real-kvm: %s: unexpected exit %u (mmio 0x%llx)\n", vm->spec->name,
			vm->run->exit_reason, (unsigned long long)vm->run->mmio.phys_addr);
		vm->status = "bad-exit";
		break;
	}
	memset(&t, 0, sizeof(t));
	setitimer(ITIMER_REAL, &t, NULL);
}

/* After "done": back into KVM_RUN, where the guest sleeps in WFI for good. */
static void *idle_vcpu(void *arg)
{
	struct vm *vm = arg;

	for (;;)
		if (ioctl(vm->vcpufd, KVM_RUN, 0) && errno != EINTR)
			return NULL;
}

/*
 * The nested VM: a guest hypervisor at vEL2 (KVM_ARM_VCPU_HAS_EL2) with its own
 * stage-2 for an L2 guest. Its tables live in its memory (slot 0); the VMM
 * writes them before the first run, as a guest hypervisor would have (the
 * dump cannot tell the difference), so the L2 -> L1 map is known exactly.
 *
 * Its stage 2 uses the host's granule: KVM builds shadow stage 2s with its own
 * page size only and offers a guest hypervisor no stage-2 granule smaller
 * than that (arch/arm64/kvm/nested.c, limit_nv_id_reg(): TGRAN4_2 is NI on a
 * 16K host, and a VTCR_EL2.TG0 not offered is walked as an offered one), so
 * a 16K host needs a 16K-granule guest stage 2: L2 IPAs are 32 bits, start
 * level 1 with 4K (root -> level 2 -> level 3), start level 2 with 16K or
 * 64K (root = the level-2 table); one level-2 block (2 MiB / 32 MiB) over a
 * THP of that size. Offsets and sizes below are in host pages.
 */
#define NV_L1_BASE 0x40000000ULL
#define NV_THP_BASE 0x80000000ULL
#define NV_L1_CODE 0x0
#define NV_L1_VEC 0x800
#define NV_L2_CODE (1 * page_size)
#define NV_ROOT (2 * page_size)
#define NV_L2TAB (3 * page_size) /* 4K only: the level-2 table under the level-1 root */
#define NV_L3TAB (4 * page_size)
#define NV_DATA_RW (16 * page_size) /* 8 pages */
#define NV_DATA_RO (24 * page_size) /* 2 pages */
#define NV_DONE 0x30000000ULL
#define NV_L2_IA_BITS 32
#define S2_TABLE 3ULL
#define S2_ATTR ((0xfULL << 2) | (3ULL << 8) | (1ULL << 10)) /* Normal WB, inner shareable, AF */
#define S2_RO (1ULL << 6)
#define S2_RW (3ULL << 6)
#define NV_VTTBR ((1ULL << 48) | (NV_L1_BASE + NV_ROOT))
#define NV_HCR (1ULL | (1ULL << 31) | (1ULL << 34)) /* VM, RW, E2H */

/* the guest stage 2's start level for NV_L2_IA_BITS with the host's granule */
static int nv_start_level(void)
{
	int bits = NV_L2_IA_BITS - (int)page_shift, per = (int)page_shift - 3;
	return 4 - (bits + per - 1) / per; /* levels: ceil(bits / per) */
}

/*
 * VTCR_EL2 of the guest hypervisor: T0SZ 32 (32-bit L2 IPA), SL0 for the start
 * level (ARM ARM: 4K 0/1/2 = level 2/1/0; 16K and 64K 0/1/2 = level 3/2/1),
 * WBWA, inner shareable, TG0 (00 4K, 10 16K, 01 64K), PS 40 bits, RES1 bit 31.
 * With 4K: SL0 1, 0x80023560 as always.
 */
static uint64_t nv_vtcr(void)
{
	int sl = nv_start_level();
	uint64_t sl0 = page_shift == 12 ? (uint64_t)(2 - sl) : (uint64_t)(3 - sl);
	uint64_t tg0 = page_shift == 12 ? 0 : page_shift == 14 ? 2 : 1;

	return (64 - NV_L2_IA_BITS) | (sl0 << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (tg0 << 14) |
	       (2ULL << 16) | (1ULL << 31);
}

static struct vm_spec nested_spec;

struct l2page {
	uint64_t l2ipa, l1ipa;
	int rw, block;
	char access;
};
static struct l2page *l2pages; /* 11 pages and the block's pages */
static int nr_l2pages;

static void l2_map(uint64_t l2ipa, uint64_t l1ipa, int rw, int block)
{
	l2pages[nr_l2pages++] = (struct l2page){ l2ipa, l1ipa, rw, block, '-' };
}

/* A vGICv3 at L1 IPAs 0x08000000 (distributor) and 0x080a0000 (redistributor); after the vCPUs. */
static int vgic_v3(int vmfd)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = 0x08000000ULL, redist = 0x080a0000ULL;
	struct kvm_device_attr attr;

	if (ioctl(vmfd, KVM_CREATE_DEVICE, &dev)) {
		fprintf(stderr, "s2real-kvm: nested: KVM_CREATE_DEVICE vGICv3: %s\n", strerror(errno));
		return -1;
	}
	attr = (struct kvm_device_attr){ .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
					 .attr = KVM_VGIC_V3_ADDR_TYPE_DIST, .addr = (uintptr_t)&dist };
	if (ioctl((int)dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vGIC distributor address");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	attr.addr = (uintptr_t)&redist;
	if (ioctl((int)dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vGIC redistributor address");
	attr = (struct kvm_device_attr){ .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
	if (ioctl((int)dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vGIC init");
	return 0;
}

static int create_nested_vm(struct vm *vm)
{
	struct kvm_vcpu_init init;
	unsigned char *l1;
	uint64_t *root, *l2tab, *l3tab, *plan;
	int i;

	nested_spec = (struct vm_spec){ "nested", 40, 0x30000000ULL, {
		{ NV_L1_BASE, SZ_2M, K_4K, 0, 0, 1, { { 0 } } },
		{ NV_THP_BASE, block_size, K_THP, 0, 0, 1, { { 0 } } },
	} };
	l2pages = calloc(11 + block_size / page_size, sizeof(*l2pages));
	if (!l2pages)
		die("calloc");
	vm->spec = &nested_spec;
	vm->nested = 1;
	vm->vmfd = ioctl(kvmfd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(40));
	if (vm->vmfd < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		const struct slot_spec *s = &nested_spec.slots[i];
		struct slot *sl = &vm->slots[i];
		struct kvm_userspace_memory_region region;

		sl->spec = s;
		sl->host = map_backing(s);
		sl->access = malloc(s->size / page_size);
		if (!sl->access)
			die("malloc");
		memset(sl->access, '-', s->size / page_size);
		memset(sl->host, 0x5a, s->size);
		region = (struct kvm_userspace_memory_region){ .slot = (uint32_t)i, .guest_phys_addr = s->gpa,
			.memory_size = s->size, .userspace_addr = (uintptr_t)sl->host };
		if (ioctl(vm->vmfd, KVM_SET_USER_MEMORY_REGION, &region))
			die("nested: KVM_SET_USER_MEMORY_REGION");
	}
	vm->nslots = 2;
	vm->slots[0].access[0] = 'x';
	l1 = vm->slots[0].host;
	memcpy(l1 + NV_L1_CODE, nested_el2_start, (size_t)(nested_el2_end - nested_el2_start));
	memcpy(l1 + NV_L1_VEC + 0x400, nested_vec_start, (size_t)(nested_vec_end - nested_vec_start));
	memcpy(l1 + NV_L2_CODE, guest_code_start, (size_t)(guest_code_end - guest_code_start));
	root = (uint64_t *)(l1 + NV_ROOT);
	l2tab = (uint64_t *)(l1 + NV_L2TAB);
	l3tab = (uint64_t *)(l1 + NV_L3TAB);
	memset(root, 0, 3 * page_size);
	if (nv_start_level() == 1)
		root[0] = (NV_L1_BASE + NV_L2TAB) | S2_TABLE;
	else
		l2tab = root; /* 16K, 64K: the root is the level-2 table */
	l2tab[0] = (NV_L1_BASE + NV_L3TAB) | S2_TABLE;
	l2tab[1] = NV_THP_BASE | 1 | S2_ATTR | S2_RW; /* a block at L2 IPA block_size */
	l3tab[0] = (NV_L1_BASE + NV_L2_CODE) | 3 | S2_ATTR | S2_RO;
	l2_map(0, NV_L1_BASE + NV_L2_CODE, 0, 0);
	for (i = 1; i <= 8; i++) {
		l3tab[i] = (NV_L1_BASE + NV_DATA_RW + (uint64_t)(i - 1) * page_size) | 3 | S2_ATTR | S2_RW;
		l2_map((uint64_t)i * page_size, NV_L1_BASE + NV_DATA_RW + (uint64_t)(i - 1) * page_size, 1, 0);
	}
	for (i = 9; i <= 10; i++) {
		l3tab[i] = (NV_L1_BASE + NV_DATA_RO + (uint64_t)(i - 9) * page_size) | 3 | S2_ATTR | S2_RO;
		l2_map((uint64_t)i * page_size, NV_L1_BASE + NV_DATA_RO + (uint64_t)(i - 9) * page_size, 0, 0);
	}
	for (i = 0; i < (int)(block_size / page_size); i++)
		l2_map(block_size + (uint64_t)i * page_size, NV_THP_BASE + (uint64_t)i * page_size, 1, 1);
	/* the L2 guest's plan (L2 IPAs), in its code page */
	plan = (uint64_t *)(l1 + NV_L2_CODE + PLAN_OFFSET);
	const uint64_t p[] = { page_size, 8 * page_size, page_size, OP_WRITE, 9 * page_size, 2 * page_size, page_size, OP_READ,
			       block_size, block_size, 0x10000, OP_WRITE, 0, 0, 0, 0 };
	memcpy(plan, p, sizeof(p));
	for (i = 0; i < nr_l2pages; i++) {
		struct l2page *lp = &l2pages[i];
		if (lp->l2ipa == 0)
			lp->access = 'x';
		else if (lp->l2ipa >= page_size && lp->l2ipa < 9 * page_size)
			lp->access = 'w';
		else if (lp->l2ipa >= 9 * page_size && lp->l2ipa < 11 * page_size)
			lp->access = 'r';
		else if (lp->l2ipa >= block_size && (lp->l2ipa - block_size) % 0x10000 == 0)
			lp->access = 'w';
	}

	if (ioctl(vm->vmfd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1U << 7; /* KVM_ARM_VCPU_HAS_EL2 */
	vm->vcpufd = ioctl(vm->vmfd, KVM_CREATE_VCPU, 0);
	if (vm->vcpufd < 0)
		die("nested: KVM_CREATE_VCPU");
	if (ioctl(vm->vcpufd, KVM_ARM_VCPU_INIT, &init)) {
		/* 6.12: no NV for userspace. Close the fds: the VM must leave vm_list. */
		fprintf(stderr, "s2real-kvm: nested: KVM_ARM_VCPU_INIT with HAS_EL2: %s\n", strerror(errno));
		close(vm->vcpufd);
		close(vm->vmfd);
		return -1;
	}
	/* NV needs the in-kernel vGICv3 (KVM_RUN fails with EAGAIN without it) */
	if (vgic_v3(vm->vmfd))
		return -1;
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpufd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run");
	set_reg(vm->vcpufd, CORE_REG(regs.pc), NV_L1_BASE + NV_L1_CODE);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[0]), PLAN_OFFSET);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[1]), NV_DONE);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[2]), nv_vtcr());
	set_reg(vm->vcpufd, CORE_REG(regs.regs[3]), NV_VTTBR);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[4]), NV_HCR);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[5]), 0);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[6]), NV_L1_BASE + NV_L1_VEC);
	set_reg(vm->vcpufd, CORE_REG(regs.regs[20]), nested_spec.done_gpa);
	return 0;
}

static int expected_levels(unsigned int ipa_bits)
{
	/* KVM: stage2_pgtable_levels(ipa) = ARM64_HW_PGTABLE_LEVELS(ipa - 4)
	 * = ((ipa - 4) - 4) / (PAGE_SHIFT - 3), at least 2 (kvm_get_vtcr()) */
	int levels = ((int)ipa_bits - 4 - 4) / ((int)page_shift - 3);
	return levels < 2 ? 2 : levels;
}

static void write_truth(const char *dir, int index, struct vm *vm, int pagemap, int kpageflags)
{
	char path[512];
	FILE *f;
	int levels = expected_levels(vm->spec->ipa_bits);
	int start_bits = (int)page_shift + ((int)page_shift - 3) * levels; /* input bits one start-level table resolves */
	int concat = vm->spec->ipa_bits > (unsigned)start_bits ? 1 << (vm->spec->ipa_bits - start_bits) : 1;

	snprintf(path, sizeof(path), "%s/vm%d.txt", dir, index);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "# s2real ground truth: GPA -> host PA from memslots and /proc/self/pagemap\n");
	fprintf(f, "vm %s pid %d vmfd %d debugfs %d-%d ipa_bits %u start_level %d concat %d status %s\n",
		vm->spec->name, (int)getpid(), vm->vmfd, (int)getpid(), vm->vmfd, vm->spec->ipa_bits,
		4 - levels, concat, vm->status);
	for (int i = 0; i < vm->nslots; i++) {
		const struct slot *sl = &vm->slots[i];
		const struct slot_spec *s = sl->spec;

		fprintf(f, "slot %d gpa 0x%" PRIx64 " size 0x%" PRIx64 " uaddr 0x%" PRIxPTR
			" kind %s readonly %d logged %d\n",
			i, s->gpa, s->size, (uintptr_t)sl->host, kind_name[s->kind], s->readonly, s->logged);
		for (uint64_t off = 0; off < s->size; off += page_size) {
			uint64_t ent = 0, kflags = 0, pfn;
			uintptr_t va = (uintptr_t)sl->host + off;

			if (pread(pagemap, &ent, 8, (off_t)(va / page_size) * 8) != 8)
				die("pread pagemap");
			fprintf(f, "page 0x%" PRIx64 " %c ", s->gpa + off, sl->access[off / page_size]);
			if (!(ent >> 63 & 1)) {
				fprintf(f, "- -\n");
				continue;
			}
			pfn = ent & ((1ULL << 55) - 1);
			if (kpageflags >= 0 && pread(kpageflags, &kflags, 8, (off_t)pfn * 8) != 8)
				kflags = 0;
			fprintf(f, "0x%" PRIx64 " 0x%" PRIx64 "\n", pfn * page_size, kflags);
		}
	}
	if (vm->nested) {
		fprintf(f, "nested vttbr 0x%llx vtcr 0x%llx hcr 0x%llx root 0x%llx l2_ia_bits %d l2_start_level %d\n",
			(unsigned long long)NV_VTTBR, (unsigned long long)nv_vtcr(), (unsigned long long)NV_HCR,
			(unsigned long long)(NV_L1_BASE + NV_ROOT), NV_L2_IA_BITS, nv_start_level());
		for (int i = 0; i < nr_l2pages; i++)
			fprintf(f, "l2page 0x%" PRIx64 " 0x%" PRIx64 " %s %c %s\n", l2pages[i].l2ipa, l2pages[i].l1ipa,
				l2pages[i].rw ? "rw" : "ro", l2pages[i].access, l2pages[i].block ? "block" : "page");
	}
	fclose(f);
}

/*
 * Capture-kernel helper: makedumpfile refuses Debian's 4K-page VA_BITS=52
 * kernels; it accepts them given (-i) the crashed kernel's VMCOREINFO with
 * NUMBER(VA_BITS)=48 (what the kernel ran with, TCR_EL1_T1SZ=16) and every
 * SYMBOL() minus KERNELOFFSET (-i input is taken as vmlinux-generated and
 * gets KERNELOFFSET added). Reads the VMCOREINFO note of /proc/vmcore.
 * Exit 3 if the kernel did not run with 48-bit VAs (LPA2: nothing to fix).
 */
#include <elf.h>
static int vmcoreinfo_48(const char *vmcore, const char *out_path)
{
	Elf64_Ehdr eh;
	int fd = open(vmcore, O_RDONLY);
	FILE *out;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fprintf(stderr, "s2real-kvm: %s: not an ELF64 core\n", vmcore);
		return 2;
	}
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		char *notes;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) != (ssize_t)sizeof(ph))
			return 2;
		if (ph.p_type != PT_NOTE || ph.p_filesz > (1 << 24))
			continue;
		notes = malloc(ph.p_filesz + 1);
		if (!notes || pread(fd, notes, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			return 2;
		notes[ph.p_filesz] = 0;
		for (uint64_t pos = 0; pos + sizeof(Elf64_Nhdr) <= ph.p_filesz;) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(notes + pos);
			char *name = notes + pos + sizeof(*nh);
			char *desc = name + ((nh->n_namesz + 3) & ~3U);
			uint64_t koff = 0;
			char *line, *save = NULL;

			pos += sizeof(*nh) + ((nh->n_namesz + 3) & ~3U) + ((nh->n_descsz + 3) & ~3U);
			if (nh->n_namesz != sizeof("VMCOREINFO") || memcmp(name, "VMCOREINFO", 10))
				continue;
			desc[nh->n_descsz] = 0; /* overwrites padding or the next header: last use */
			line = strstr(desc, "NUMBER(TCR_EL1_T1SZ)=");
			if (line && strtoull(line + 21, NULL, 0) != 16)
				return 3;
			line = strstr(desc, "KERNELOFFSET=");
			if (line)
				koff = strtoull(line + 13, NULL, 16);
			out = fopen(out_path, "w");
			if (!out)
				return 2;
			for (line = strtok_r(desc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				if (!strncmp(line, "NUMBER(VA_BITS)=", 16))
					fprintf(out, "NUMBER(VA_BITS)=48\n");
				else if (!strncmp(line, "SYMBOL(", 7) && strchr(line, '='))
					fprintf(out, "%.*s=%llx\n", (int)(strchr(line, '=') - line), line,
						strtoull(strchr(line, '=') + 1, NULL, 16) - (unsigned long long)koff);
				else
					fprintf(out, "%s\n", line);
			}
			return fclose(out) ? 2 : 0;
		}
		free(notes);
	}
	fprintf(stderr, "s2real-kvm: %s: no VMCOREINFO note\n", vmcore);
	return 2;
}

#ifndef PR_SVE_SET_VL
#define PR_SVE_SET_VL 50
#endif

/* Pinned to one CPU, with SVE state live at vl bytes, forever: the vCPU QEMU
 * dumps then reports that vector length. */
static int sve_spin(int cpu, int vl)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	if (prctl(PR_SVE_SET_VL, vl) < 0)
		die("prctl(PR_SVE_SET_VL)");
	printf("s2real-kvm: SVE at %d bytes spinning on CPU %d\n", prctl(PR_SVE_SET_VL + 1) & 0xffff, cpu);
	fflush(stdout);
	for (;;)
		__asm__ volatile(".inst 0x04bf5020" ::: "x0"); /* rdvl x0, #1: keeps SVE in use */
	return 0;
}

int main(int argc, char **argv)
{
	static struct vm vms[NR_VMS + 1];
	struct sigaction sa = { .sa_handler = on_alarm };
	const char *dir;
	char path[512];
	int max_ipa, pagemap, kpageflags, n = 0;
	FILE *summary;

	if (argc == 4 && !strcmp(argv[1], "--vmcoreinfo-48"))
		return vmcoreinfo_48(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--sve-spin"))
		return sve_spin(atoi(argv[2]), atoi(argv[3]));
	if (argc != 2) {
		fprintf(stderr, "usage: s2real-kvm TRUTH_DIR | --vmcoreinfo-48 VMCORE OUT | --sve-spin CPU VL\n");
		return 2;
	}
	dir = argv[1];
	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	for (page_shift = 12; page_shift < 16 && ((uint64_t)1 << page_shift) != page_size; page_shift++)
		;
	if (((uint64_t)1 << page_shift) != page_size) {
		fprintf(stderr, "s2real-kvm: page size %" PRIu64 " is not 4K, 16K or 64K\n", page_size);
		return 2;
	}
	/* a level-2 block: one table of page_size / 8 entries of page_size each */
	block_shift = 2 * page_shift - 3;
	block_size = (uint64_t)1 << block_shift;
	init_specs();
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: KVM_RUN returns EINTR */

	kvmfd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvmfd < 0)
		die("/dev/kvm");
	run_size = (size_t)ioctl(kvmfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	max_ipa = ioctl(kvmfd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	printf("s2real-kvm: KVM API %d, max IPA %d bits\n", ioctl(kvmfd, KVM_GET_API_VERSION, 0), max_ipa);

	for (size_t i = 0; i < NR_VMS; i++) {
		vms[i].spec = &specs[i];
		if ((int)specs[i].ipa_bits > max_ipa) {
			printf("s2real-kvm: %s skipped (max IPA %d)\n", specs[i].name, max_ipa);
			continue;
		}
		if (create_vm(&vms[i]))
			continue;
		vms[i].present = 1;
		run_guest(&vms[i]);
		printf("s2real-kvm: %s: guest %s\n", specs[i].name, vms[i].status);
		fflush(stdout);
	}

	if (getenv("S2REAL_NO_NESTED") == NULL) {
		if (create_nested_vm(&nested_vm) == 0) {
			nested_vm.present = 1;
			run_guest(&nested_vm);
			printf("s2real-kvm: nested: guest hypervisor + L2 guest %s\n", nested_vm.status);
		} else {
			printf("s2real-kvm: nested VM not available\n");
		}
		fflush(stdout);
	}

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		die("/proc/self/pagemap");
	kpageflags = open("/proc/kpageflags", O_RDONLY);
	snprintf(path, sizeof(path), "%s/summary.txt", dir);
	summary = fopen(path, "w");
	if (!summary)
		die(path);
	fprintf(summary, "pid %d max_ipa %d\n", (int)getpid(), max_ipa);
	for (size_t i = 0; i <= NR_VMS; i++) {
		if (!vms[i].present)
			continue;
		write_truth(dir, (int)i, &vms[i], pagemap, kpageflags);
		fprintf(summary, "vm%zu %s vmfd %d status %s\n", i, vms[i].spec->name, vms[i].vmfd, vms[i].status);
		n++;
	}
	fclose(summary);

	for (size_t i = 0; i <= NR_VMS; i++)
		if (vms[i].present && pthread_create(&vms[i].idle, NULL, idle_vcpu, &vms[i]))
			die("pthread_create");

	snprintf(path, sizeof(path), "%s/READY", dir);
	fclose(fopen(path, "w"));
	printf("s2real-kvm: %d VMs live, truth in %s\n", n, dir);
	fflush(stdout);
	for (;;)
		pause();
}
