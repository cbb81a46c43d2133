// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nested commands end to end over the mock kernel of tests/kvm/mock.h:
 * nesteds2 guest, nesteds2 check (with the vCPU / VNCR comparison the
 * synthetic dumps cannot exercise), and s2dump -t on a nested MMU, through
 * s2_command_run() as every front end calls it. Tables are written here
 * from the ARM ARM's descriptor layout; expected lines are worked out by
 * hand from the addresses below.
 *
 *   canonical (ia 40, level 1, 2 tables at 0x40060000):
 *     L1 IPA 0x80000000..0x80004000 -> PA 0x40080000.. (4K pages, rw-)  [L2 0x40070000, L3 0x40071000]
 *     L1 IPA 0x80200000 2M block     -> PA 0x100000000 (rwx)
 *   guest (4K, ia 40, level 1, 2 tables at L1 0x80000000 = PA 0x40080000):
 *     L2 IPA 0x0 2M block -> L1 0x80200000 rwx          [L2 table L1 0x80002000 = PA 0x40082000]
 *     L2 IPA 0x200000 page -> L1 0x80201000 r--         [L3 table L1 0x80003000 = PA 0x40083000]
 *   shadow (ia 40, level 1, 2 tables at 0x40064000; L2 0x40074000, L3 0x40075000):
 *     L2 IPA 0x0 2M block -> 0x100000000 rwx            clean
 *     L2 IPA 0x200000 page -> 0x100001000 r--           clean
 *     L2 IPA 0x201000 page -> 0x100001000 r--           guest-unmapped
 *
 * The memslot path (test_slots): the canonical stage 2 stops mapping the
 * guest's tables (L1 0x80000000..0x80004000); memslot 3 covers L1
 * 0x80000000..0x80400000 at user address 0x7f0000000000 of a VMM whose
 * stage 1 (kvm->mm->pgd, TTBR0, 4K, 48-bit) is:
 *   L0 0x400b0000 [0xfe] -> L1 0x400b1000 [0] -> L2 0x400b2000
 *   L2 [0] -> L3 0x400b3000: +0x0 -> 0x40080000, +0x2000 -> 0x40082000, +0x3000 -> 0x40083000
 *                            (+0x1000, the guest's second root table, unmapped in the VMM)
 *   L2 [1] 2M block -> 0x100000000 (the data behind L1 0x80200000)
 */
#include <inttypes.h>

#include "kvm/mock.h"
#include "s2dump/command.h"
#include "unit/check.h"

#define KVM_A 0x40010000ULL
#define VCPU0 0x40013000ULL
#define PGT_A 0x40030000ULL
#define PGT_S 0x40030100ULL
#define PGD_A 0x40060000ULL
#define PGD_S 0x40064000ULL
#define NMMUS 0x40090000ULL
#define VNCR 0x400a0000ULL
#define VM_LIST (MOCK_KIMAGE_VA + 0x8000)
#define VM_LIST_PA 0x40108000ULL

#define AF (1ULL << 10)
#define R (1ULL << 6)
#define W (1ULL << 7)
#define XN (1ULL << 54)
#define ATTR ((0xfULL << 2) | (3ULL << 8))
#define GVTCR 0x80023558ULL           /* T0SZ 24, SL0 1, 4K, PS 40 bits */
#define GVTTBR 0x0005000080000000ULL  /* VMID 5, BADDR L1 0x80000000 */

static void setup(struct mock *m)
{
	struct m_kvm *kvm;
	struct m_pgt *pgt, *spgt;
	struct m_s2_mmu *nm;
	struct m_vcpu *v;

	mock_init(m);
	kvm = mock_pa(m, KVM_A);
	pgt = mock_pa(m, PGT_A);
	spgt = mock_pa(m, PGT_S);
	nm = mock_pa(m, NMMUS);
	v = mock_pa(m, VCPU0);
	kvm->userspace_pid = 100;
	kvm->arch.mmu.arch = mock_lin(KVM_A + offsetof(struct m_kvm, arch));
	kvm->arch.mmu.pgt = mock_lin(PGT_A);
	kvm->arch.mmu.pgd_phys = PGD_A;
	kvm->arch.mmu.vmid.id = 1;
	kvm->arch.mmu.vtcr = 0x80053558;
	pgt->ia_bits = 40;
	pgt->start_level = 1;
	pgt->pgd = mock_lin(PGD_A);
	pgt->mmu = mock_lin(KVM_A + offsetof(struct m_kvm, arch.mmu));
	mock_symbol_add(m, "vm_list", VM_LIST);
	mock_put64(m, VM_LIST_PA, mock_lin(KVM_A + offsetof(struct m_kvm, vm_list)));
	mock_put64(m, VM_LIST_PA + 8, mock_lin(KVM_A + offsetof(struct m_kvm, vm_list)));
	kvm->vm_list = (struct m_list){ VM_LIST, VM_LIST };

	/* canonical stage 2 */
	mock_put64(m, PGD_A + 2 * 8, 0x40070000 | 3);
	mock_put64(m, 0x40070000 + 0 * 8, 0x40071000 | 3);
	for (int i = 0; i < 4; i++)
		mock_put64(m, 0x40071000 + i * 8, (0x40080000 + i * 0x1000) | 3 | ATTR | AF | R | W | XN);
	mock_put64(m, 0x40070000 + 1 * 8, 0x100000000ULL | 1 | ATTR | AF | R | W);
	/* guest stage 2, at PA 0x40080000 + (L1 - 0x80000000) */
	mock_put64(m, 0x40080000 + 0 * 8, 0x80002000 | 3);
	mock_put64(m, 0x40082000 + 0 * 8, 0x80200000 | 1 | ATTR | AF | R | W);
	mock_put64(m, 0x40082000 + 1 * 8, 0x80003000 | 3);
	mock_put64(m, 0x40083000 + 0 * 8, 0x80201000 | 3 | ATTR | AF | R | XN);
	/* shadow stage 2 */
	mock_put64(m, PGD_S + 0 * 8, 0x40074000 | 3);
	mock_put64(m, 0x40074000 + 0 * 8, 0x100000000ULL | 1 | ATTR | AF | R | W);
	mock_put64(m, 0x40074000 + 1 * 8, 0x40075000 | 3);
	mock_put64(m, 0x40075000 + 0 * 8, 0x100001000ULL | 3 | ATTR | AF | R | XN);
	mock_put64(m, 0x40075000 + 1 * 8, 0x100001000ULL | 3 | ATTR | AF | R | XN);
	/* nested_mmus[0] valid and enabled, [1] unused */
	kvm->arch.nested_mmus = mock_lin(NMMUS);
	kvm->arch.nested_mmus_size = 2;
	nm[0].vmid.id = 2;
	nm[0].pgt = mock_lin(PGT_S);
	nm[0].pgd_phys = PGD_S;
	nm[0].vtcr = 0x80053558;
	nm[0].arch = mock_lin(KVM_A + offsetof(struct m_kvm, arch));
	nm[0].tlb_vttbr = GVTTBR;
	nm[0].tlb_vtcr = GVTCR;
	nm[0].nested_stage2_enabled = 1;
	nm[0].refcnt = 1;
	nm[1].tlb_vttbr = 1;
	nm[1].arch = nm[0].arch;
	spgt->ia_bits = 40;
	spgt->start_level = 1;
	spgt->pgd = mock_lin(PGD_S);
	spgt->mmu = mock_lin(NMMUS);
	/* one vCPU running on nested_mmus[0], its VNCR page after struct m_vcpu */
	v->kvm = mock_lin(KVM_A);
	v->arch.hw_mmu = mock_lin(NMMUS);
	kvm->vcpu_array.xa_head = mock_lin(VCPU0);
	kvm->online_vcpus = 1;
	mock_member_set(m, "kvm_vcpu", "arch.ctxt.vncr_array", sizeof(struct m_vcpu), 8, S2_TYPE_POINTER, false);
	mock_put64(m, VCPU0 + sizeof(struct m_vcpu), mock_lin(VNCR));
	mock_put64(m, VNCR + 0x20, GVTTBR | 1); /* CnP set by the guest: ignored */
	mock_put64(m, VNCR + 0x40, GVTCR);
	mock_put64(m, VNCR + 0x78, 0x80000001ULL); /* HCR_EL2.VM */
	/* enum vcpu_sysreg of the real 7.2.12 vmlinux (DWARF): VNCR(VTTBR_EL2) 0x20, VNCR(VTCR_EL2) 0x40, VNCR(HCR_EL2) 0x78 */
	mock_enum_set(m, "__VNCR_START__", 134);
	mock_enum_set(m, "VTTBR_EL2", 138);
	mock_enum_set(m, "VTCR_EL2", 142);
	mock_enum_set(m, "HCR_EL2", 149);
}

static int run(struct mock *m, const char *line, char **out, char **errmsg)
{
	char buf[256], *argv[8];
	int argc = 0, status = -1;
	struct s2_session *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	struct s2_error *err;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 8; t = strtok(NULL, " "))
		argv[argc++] = t;
	err = s2_session_create(&m->target, &s);
	if (!err)
		err = s2_command_run(s, argc, argv, f, &status);
	fclose(f);
	s2_session_destroy(s);
	*errmsg = strdup(err ? err->message : "");
	s2_error_destroy(err);
	return status;
}

static void expect(struct mock *m, const char *line, int want_status, const char *want, const char *want_err)
{
	char *out = NULL, *err = NULL;
	int st = run(m, line, &out, &err);

	CHECK_EQ_U64(st, want_status, "%s: exit status", line);
	CHECK_EQ_STR(out, want, "%s: output", line);
	CHECK_EQ_STR(err, want_err, "%s: error line", line);
	free(out);
	free(err);
}

#define CHECK_VIOLATION                                                                                    \
	"mmu 0xffff000000090000 [0] L2 0x0000000000201000-0x0000000000202000 guest-unmapped: "             \
	"shadow 0x0000000100001000 r--, guest unmapped, canonical unmapped\n"
#define NAME "0x0005000080000000-0x0000000080023558-s2-enabled"

#define UVA 0x00007f0000000000ULL
#define MM_A 0x400c0000ULL
#define SLOTS 0x400d0000ULL
#define SLOT3 0x400d1000ULL
#define GUEST_HEAD                                                                                          \
	"nested mmu 0xffff000000090000  " NAME "  guest vttbr 0x0005000080000000  vtcr 0x0000000080023558\n" \
	"  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
#define GUEST_LEAVES                                                                                        \
	"0x0000000000000000-0x0000000000200000 L2 block -> L1 0x0000000080200000  rwx AF=1\n"                 \
	"0x0000000000200000-0x0000000000201000 L3 page -> L1 0x0000000080201000  r-- AF=1\n"
#define GUEST_ERR "nested mmu 0xffff000000090000: 1 guest stage-2 table(s) unreadable or out of range, first at L2 IPA "

static void setup_slots(struct mock *m)
{
	struct m_kvm *kvm;
	struct m_memslots *ms;
	struct m_memslot *sl;

	setup(m);
	kvm = mock_pa(m, KVM_A);
	ms = mock_pa(m, SLOTS);
	sl = mock_pa(m, SLOT3);
	/* the canonical stage 2 no longer maps the guest's tables */
	for (int i = 0; i < 4; i++)
		mock_put64(m, 0x40071000 + i * 8, 0);
	kvm->memslots[0] = mock_lin(SLOTS);
	ms->node_idx = 0;
	ms->gfn_tree.rb_node = mock_lin(SLOT3 + offsetof(struct m_memslot, gfn_node[0]));
	sl->id = 3;
	sl->base_gfn = 0x80000;
	sl->npages = 0x400;
	sl->userspace_addr = UVA;
	/* the VMM: kvm->mm (after struct m_kvm) -> mm_struct.pgd */
	mock_member_set(m, "kvm", "mm", sizeof(struct m_kvm), 8, S2_TYPE_POINTER, false);
	mock_member_set(m, "mm_struct", "pgd", 0x40, 8, S2_TYPE_POINTER, false);
	mock_put64(m, KVM_A + sizeof(struct m_kvm), mock_lin(MM_A));
	mock_put64(m, MM_A + 0x40, mock_lin(0x400b0000));
	mock_put64(m, 0x400b0000 + 0xfe * 8, 0x400b1000 | 3);
	mock_put64(m, 0x400b1000 + 0 * 8, 0x400b2000 | 3);
	mock_put64(m, 0x400b2000 + 0 * 8, 0x400b3000 | 3);
	mock_put64(m, 0x400b2000 + 1 * 8, 0x100000000ULL | 0x401);
	mock_put64(m, 0x400b3000 + 0 * 8, 0x40080000 | 0x403);
	mock_put64(m, 0x400b3000 + 2 * 8, 0x40082000 | 0x403);
	mock_put64(m, 0x400b3000 + 3 * 8, 0x40083000 | 0x403);
}

#define VMM_UNMAPPED                                                                                        \
	"0x0000008000000000-0x0000010000000000 L1  !! table at L1 0x0000000080001000 not mapped by the canonical " \
	"stage 2 nor in the VMM (memslot 3 user address 0x7f0000001000)\n"

static void test_slots(void)
{
	struct mock m;
	char want[1024];

	/* Without kvm->mm in the layout: today's behaviour, the canonical stage 2 only. */
	setup_slots(&m);
	mock_member_remove(&m, "kvm", "mm");
	expect(&m, "nesteds2 guest " NAME, 1, GUEST_HEAD
	       "0x0000000000000000-0x0000010000000000 L1  !! table at L1 0x0000000080000000 not mapped by the canonical "
	       "stage 2\n", GUEST_ERR "0x0");
	/* With it: the tables through memslot 3 and the VMM; its unmapped page is a problem line, the walk goes on. */
	mock_member_set(&m, "kvm", "mm", sizeof(struct m_kvm), 8, S2_TYPE_POINTER, false);
	expect(&m, "nesteds2 guest " NAME, 1, GUEST_HEAD GUEST_LEAVES VMM_UNMAPPED, GUEST_ERR "0x8000000000");
	expect(&m, "nesteds2 check 100", 1, CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");
	snprintf(want, sizeof(want),
		 "L2 IPA 0x0000000000200010 -> L1 IPA 0x0000000080201010  guest level 3 page desc 0x%016" PRIx64
		 " @L1 0x80003000 r-- AF=1\n"
		 "IPA 0x0000000080201010 -> PA 0x0000000100001010  level 2 block  desc 0x%016" PRIx64
		 " @PA 0x40070008  RW AF=1\n"
		 "shadow: IPA 0x0000000000200010 -> PA 0x0000000100001010  level 3 page  desc 0x%016" PRIx64
		 " @PA 0x40075000  R- XN AF=1\n",
		 (uint64_t)(0x80201000 | 3 | ATTR | AF | R | XN), (uint64_t)(0x100000000ULL | 1 | ATTR | AF | R | W),
		 (uint64_t)(0x100001000ULL | 3 | ATTR | AF | R | XN));
	expect(&m, "s2dump -t 0x200010 " NAME, 0, want, "");

	/* A guest table's host page (through the VMM) not in the dump: 'not in dump', the walk goes on. */
	m.hole_pa = 0x40082000;
	expect(&m, "nesteds2 guest " NAME, 1, GUEST_HEAD
	       "0x0000000000000000-0x0000000040000000 L2  !! table at L1 0x0000000080002000 not in dump (PA 0x40082000)\n"
	       VMM_UNMAPPED, "nested mmu 0xffff000000090000: 2 guest stage-2 table(s) unreadable or out of range, "
	       "first at L2 IPA 0x0");
	/* The VMM's own level-3 table not in the dump. */
	m.hole_pa = 0x400b3000;
	expect(&m, "nesteds2 guest " NAME, 1, GUEST_HEAD
	       "0x0000000000000000-0x0000010000000000 L1  !! table at L1 0x0000000080000000 not in dump (PA 0x400b3000)\n",
	       GUEST_ERR "0x0");
	m.hole_pa = 0;

	/* The data behind L1 0x80200000 only through the memslot: the composition takes it (KVM maps it so). */
	mock_put64(&m, 0x40070000 + 1 * 8, 0);
	expect(&m, "nesteds2 check 100", 1, CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");
	/* -t: the canonical fault, then the memslot line (user address UVA + 0x201010, VMM 2M block) */
	snprintf(want, sizeof(want),
		 "L2 IPA 0x0000000000200010 -> L1 IPA 0x0000000080201010  guest level 3 page desc 0x%016" PRIx64
		 " @L1 0x80003000 r-- AF=1\n"
		 "IPA 0x0000000080201010 -> translation fault, level 2 (FSC 0x06)\n"
		 "memslot 3: L1 IPA 0x0000000080201010 -> user address 0x00007f0000201010 -> PA 0x0000000100001010  rwx\n"
		 "shadow: IPA 0x0000000000200010 -> PA 0x0000000100001010  level 3 page  desc 0x%016" PRIx64
		 " @PA 0x40075000  R- XN AF=1\n",
		 (uint64_t)(0x80201000 | 3 | ATTR | AF | R | XN), (uint64_t)(0x100001000ULL | 3 | ATTR | AF | R | XN));
	expect(&m, "s2dump -t 0x200010 " NAME, 0, want, "");
	/* ... and without the memslot path that is a canonical-unmapped leaf. */
	mock_member_remove(&m, "kvm", "mm");
	mock_put64(&m, 0x40071000 + 0 * 8, (0x40080000) | 3 | ATTR | AF | R | W | XN);
	mock_put64(&m, 0x40071000 + 1 * 8, (0x40081000) | 3 | ATTR | AF | R | W | XN);
	mock_put64(&m, 0x40071000 + 2 * 8, (0x40082000) | 3 | ATTR | AF | R | W | XN);
	mock_put64(&m, 0x40071000 + 3 * 8, (0x40083000) | 3 | ATTR | AF | R | W | XN);
	expect(&m, "nesteds2 check 100", 1,
	       "mmu 0xffff000000090000 [0] L2 0x0000000000000000-0x0000000000200000 canonical-unmapped: "
	       "shadow 0x0000000100000000 rwx, guest 0x0000000080200000 rwx, canonical unmapped\n"
	       "mmu 0xffff000000090000 [0] L2 0x0000000000200000-0x0000000000201000 canonical-unmapped: "
	       "shadow 0x0000000100001000 r--, guest 0x0000000080201000 r--, canonical unmapped\n"
	       CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 3 violations\n", "");

	/* No memslot holds the guest's tables (memslot 3 moved to L1 0x90000000). */
	mock_put64(&m, 0x40070000 + 1 * 8, 0x100000000ULL | 1 | ATTR | AF | R | W);
	for (int i = 0; i < 4; i++)
		mock_put64(&m, 0x40071000 + i * 8, 0);
	mock_member_set(&m, "kvm", "mm", sizeof(struct m_kvm), 8, S2_TYPE_POINTER, false);
	((struct m_memslot *)mock_pa(&m, SLOT3))->base_gfn = 0x90000;
	expect(&m, "nesteds2 guest " NAME, 1, GUEST_HEAD
	       "0x0000000000000000-0x0000010000000000 L1  !! table at L1 0x0000000080000000 not mapped by the canonical "
	       "stage 2 nor by any memslot\n", GUEST_ERR "0x0");
	mock_fini(&m);
}

/*
 * 7.3's debugfs rules over the mock kernel: names, the VTCR/VTTBR line, an invalid MMU's empty
 * file, nothing for an MMU without a page table, and how the rules are decided (src/kvm/rules.c):
 * DWARF parameters of kvm_nested_s2_ptdump_create_debugfs, a BL/B from kvm_ptdump_guest_show to
 * note_page_flush in the code, else the release. Expected text by hand from 7.3's ptdump.c.
 */
#define SHOW_VA (MOCK_KIMAGE_VA + 0x9000)   /* kvm_ptdump_guest_show: 4 instructions */
#define FLUSH_VA (MOCK_KIMAGE_VA + 0x9100)  /* note_page_flush */
#define SHOW_PA (MOCK_KIMAGE_PA + 0x9000)

static char *first_line(struct mock *m, const char *cmd)
{
	char *out = NULL, *err = NULL;

	run(m, cmd, &out, &err);
	free(err);
	if (out)
		out[strcspn(out, "\n")] = '\0';
	return out;
}

static void test_rules_7_3(void)
{
	struct mock m;
	struct m_kvm *kvm;
	char want[1024], *out = NULL, *err = NULL, *line;
	uint64_t nm1 = mock_lin(NMMUS + sizeof(struct m_s2_mmu));
	/* nop; bl note_page_flush; mov w0, #0; ret */
	uint32_t code[4] = { 0xd503201f, 0x94000000u | (uint32_t)((FLUSH_VA - (SHOW_VA + 4)) / 4), 0x52800000,
			     0xd65f03c0 };

	setup(&m);
	mock_set_vmcoreinfo_str(&m, "OSRELEASE", "7.3.0-mock");
	snprintf(want, sizeof(want),
		 "kvm 0xffff000000010000  pid 100  nested_mmus 2\n"
		 "  [ 0] 0xffff000000090000  nested_mmu0  valid   vmid 2     refcnt 1\n"
		 "  [ 1] 0x%016" PRIx64 "  nested_mmu1  invalid vmid 0     refcnt 0\n", nm1);
	expect(&m, "nesteds2 list 100", 0, want, "");
	/* the invalid MMU's file is empty; nested_mmu1 and its 7.2 name both find it */
	expect(&m, "nesteds2 dump -x nested_mmu1", 0, "", "");
	expect(&m, "nesteds2 dump -x 0x0000000000000001-0x0000000000000000-s2-disabled", 0, "", "");
	/* a valid one: the VTCR/VTTBR line, then the text with its final run (ia_bits 40) */
	run(&m, "nesteds2 dump -x nested_mmu0", &out, &err);
	CHECK(out && !strncmp(out, "VTCR: 0x0000000080023558 VTTBR: 0x0005000080000000 s2: enabled\n"
			      "---[ Guest IPA ]---\n", 83) &&
	      strstr(out, "-0x0000010000000000 ") && out[strlen(out) - 1] == '\n',
	      "7.3 nested_mmu0: header line, text, final run up to BIT(40) (%s)", out ? out : err);
	{
		char *out2 = NULL, *err2 = NULL;

		run(&m, "nesteds2 dump -x " NAME, &out2, &err2);
		CHECK(out && out2 && !strcmp(out, out2), "7.3: the 7.2 form of the name dumps the same file");
		free(out2);
		free(err2);
	}
	free(out);
	free(err);
	out = err = NULL;
	line = first_line(&m, "nesteds2 guest nested_mmu0");
	CHECK_EQ_STR(line, "nested mmu 0xffff000000090000  nested_mmu0  guest vttbr 0x0005000080000000  vtcr "
		     "0x0000000080023558", "7.3: guest by index name, the 7.3 name in its header");
	free(line);
	line = first_line(&m, "s2dump -v 100");
	CHECK_EQ_STR(line, "ptdump rules: 7.3 (nested names from the release (no kvm_nested_s2_ptdump_create_debugfs "
		     "code (CONFIG_PTDUMP_STAGE2_DEBUGFS off)); final run from the release (no kvm_ptdump_guest_show (CONFIG_PTDUMP_STAGE2_DEBUGFS "
		     "off)); release 7.3.0-mock)", "-v: rules from the release when the vmlinux does not tell");
	free(line);
	/* no page table: 7.3 prints nothing (kvm_ptdump_parser_create() -ENOENT), 7.2 had none to print */
	kvm = mock_pa(&m, KVM_A);
	kvm->arch.mmu.pgt = 0;
	expect(&m, "s2dump -x 100", 0, "", "");
	mock_set_vmcoreinfo_str(&m, "OSRELEASE", "7.2.0-mock");
	run(&m, "s2dump -x 100", &out, &err);
	CHECK(err && strstr(err, "has no page table"), "7.2: no page table is an error (%s)", err ? err : "none");
	free(out);
	free(err);
	kvm->arch.mmu.pgt = mock_lin(PGT_A);

	/* a 7.2 release whose vmlinux says 7.3: the (mmu, idx) stub and a flushing show function */
	m.funcs[0].name = "kvm_nested_s2_ptdump_create_debugfs";
	m.funcs[0].params = 2;
	m.nfuncs = 1;
	/* in DWARF but without code (the option off: an inline stub): not asked */
	line = first_line(&m, "s2dump -v 100");
	CHECK(line && strstr(line, "nested names from the release (no kvm_nested_s2_ptdump_create_debugfs code"),
	      "-v: a stub without code is not evidence (%s)", line ? line : "");
	free(line);
	mock_function_add(&m, "kvm_nested_s2_ptdump_create_debugfs", SHOW_VA + 0x80, 0x10);
	mock_function_add(&m, "kvm_ptdump_guest_show", SHOW_VA, sizeof(code));
	mock_function_add(&m, "note_page_flush", FLUSH_VA, 0x14);
	memcpy(mock_pa(&m, SHOW_PA), code, sizeof(code));
	line = first_line(&m, "s2dump -v 100");
	CHECK_EQ_STR(line, "ptdump rules: 7.3 (from DWARF: kvm_nested_s2_ptdump_create_debugfs has 2 parameters; "
		     "from the code: kvm_ptdump_guest_show calls note_page_flush; release 7.2.0-mock)",
		     "-v: DWARF and code win over a 7.2 release");
	free(line);
	run(&m, "nesteds2 list 100", &out, &err);
	CHECK(out && strstr(out, "  [ 0] 0xffff000000090000  nested_mmu0  valid"), "the DWARF's names on a 7.2 release");
	free(out);
	free(err);
	out = err = NULL;
	/* the old stub (mmu) and a B (tail call) to note_page_flush: old names, final run printed */
	m.funcs[0].params = 1;
	code[1] = 0x14000000u | (uint32_t)((FLUSH_VA - (SHOW_VA + 4)) / 4);
	memcpy(mock_pa(&m, SHOW_PA), code, sizeof(code));
	line = first_line(&m, "s2dump -v 100");
	CHECK_EQ_STR(line, "ptdump rules: 7.3 final run, older nested names (from DWARF: "
		     "kvm_nested_s2_ptdump_create_debugfs has 1 parameter; from the code: kvm_ptdump_guest_show "
		     "calls note_page_flush; release 7.2.0-mock)", "-v: a tail call counts as the call");
	free(line);
	/* a BL elsewhere (backwards, to the function itself): not the flush, even on a 7.3 release */
	code[1] = 0x94000000u | (0x03ffffffu & (uint32_t)-1);
	memcpy(mock_pa(&m, SHOW_PA), code, sizeof(code));
	mock_set_vmcoreinfo_str(&m, "OSRELEASE", "7.3.0-mock");
	line = first_line(&m, "s2dump -v 100");
	CHECK_EQ_STR(line, "ptdump rules: up to 7.2 (from DWARF: kvm_nested_s2_ptdump_create_debugfs has 1 parameter; "
		     "from the code: kvm_ptdump_guest_show does not call note_page_flush; release 7.3.0-mock)",
		     "-v: the code wins over a 7.3 release too");
	free(line);
	/* code not in the dump: cannot tell, the release decides and -v says why */
	m.hole_pa = SHOW_PA & ~0xfffULL;
	line = first_line(&m, "s2dump -v 100");
	CHECK(line && !strncmp(line, "ptdump rules: 7.3 final run, older nested names (from DWARF: "
			       "kvm_nested_s2_ptdump_create_debugfs has 1 parameter; final run from the release "
			       "(the code of kvm_ptdump_guest_show is not readable: ", 190),
	      "-v: unreadable code, the release decides (%s)", line ? line : "");
	free(line);
	m.hole_pa = 0;
	mock_fini(&m);
}

int main(void)
{
	struct mock m;
	char want[1024];

	setup(&m);
	expect(&m, "nesteds2 guest 0xffff000000090000", 0,
	       "nested mmu 0xffff000000090000  " NAME "  guest vttbr 0x0005000080000000  vtcr 0x0000000080023558\n"
	       "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
	       "0x0000000000000000-0x0000000000200000 L2 block -> L1 0x0000000080200000  rwx AF=1\n"
	       "0x0000000000200000-0x0000000000201000 L3 page -> L1 0x0000000080201000  r-- AF=1\n", "");
	expect(&m, "nesteds2 guest " NAME, 0,
	       "nested mmu 0xffff000000090000  " NAME "  guest vttbr 0x0005000080000000  vtcr 0x0000000080023558\n"
	       "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
	       "0x0000000000000000-0x0000000000200000 L2 block -> L1 0x0000000080200000  rwx AF=1\n"
	       "0x0000000000200000-0x0000000000201000 L3 page -> L1 0x0000000080201000  r-- AF=1\n", "");
	/* nested_mmus[1]: an array of structs, so at NMMUS + sizeof(struct kvm_s2_mmu) */
	snprintf(want, sizeof(want), "nesteds2 guest 0x%" PRIx64, mock_lin(NMMUS + sizeof(struct m_s2_mmu)));
	{
		char want2[512];

		snprintf(want2, sizeof(want2), "nested mmu 0x%016" PRIx64 "  0x0000000000000001-0x0000000000000000-"
			 "s2-disabled  guest vttbr 0x0000000000000001  vtcr 0x0000000000000000\n"
			 "  unused shadow MMU (tlb_vttbr has CnP set): no guest stage 2 cached\n",
			 mock_lin(NMMUS + sizeof(struct m_s2_mmu)));
		expect(&m, want, 0, want2, "");
	}
	expect(&m, "nesteds2 check 100", 1, CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");
	expect(&m, "nesteds2 check " NAME, 1, CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");
	expect(&m, "nesteds2 check 0xffff000000010000", 1,
	       CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");

	snprintf(want, sizeof(want),
		 "L2 IPA 0x0000000000200010 -> L1 IPA 0x0000000080201010  guest level 3 page desc 0x%016" PRIx64
		 " @L1 0x80003000 r-- AF=1\n"
		 "IPA 0x0000000080201010 -> PA 0x0000000100001010  level 2 block  desc 0x%016" PRIx64
		 " @PA 0x40070008  RW AF=1\n"
		 "shadow: IPA 0x0000000000200010 -> PA 0x0000000100001010  level 3 page  desc 0x%016" PRIx64
		 " @PA 0x40075000  R- XN AF=1\n",
		 (uint64_t)(0x80201000 | 3 | ATTR | AF | R | XN), (uint64_t)(0x100000000ULL | 1 | ATTR | AF | R | W),
		 (uint64_t)(0x100001000ULL | 3 | ATTR | AF | R | XN));
	expect(&m, "s2dump -t 0x200010 " NAME, 0, want, "");
	expect(&m, "s2dump -t 0x200010 0xffff000000090000", 0, want, "");

	/* The vCPU's guest hypervisor has moved on to another VTCR: the shadow MMU is stale for it. */
	mock_put64(&m, VNCR + 0x40, GVTCR + 1);
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION
	       "mmu 0xffff000000090000 [0] " NAME ": vcpu 0 (id 0) runs on it with VTTBR_EL2 0x0005000080000001 "
	       "VTCR_EL2 0x0000000080023559 HCR_EL2.VM 1: not the context it was made for\n"
	       "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n", "");
	/* ... or has turned its stage 2 off. */
	mock_put64(&m, VNCR + 0x40, GVTCR);
	mock_put64(&m, VNCR + 0x78, 0x80000000ULL);
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION
	       "mmu 0xffff000000090000 [0] " NAME ": vcpu 0 (id 0) runs on it with VTTBR_EL2 0x0005000080000001 "
	       "VTCR_EL2 0x0000000080023558 HCR_EL2.VM 0: not the context it was made for\n"
	       "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n", "");
	/*
	 * 7.3's enum (real 7.3.4 vmlinux): HCR_EL2 = 134 is below __VNCR_START__ = 135, so it lives in
	 * vcpu->arch.ctxt.sys_regs[134]; the VNCR slot 0x78 is now NVHCR_EL2 and must not be read as HCR.
	 */
	mock_enum_set(&m, "__VNCR_START__", 135);
	mock_enum_set(&m, "VTTBR_EL2", 139);
	mock_enum_set(&m, "VTCR_EL2", 143);
	mock_enum_set(&m, "HCR_EL2", 134);
	mock_member_set(&m, "kvm_vcpu", "arch.ctxt.sys_regs", 0x100, 8 * 200, S2_TYPE_ARRAY, false);
	m.members[m.nmembers - 1].info.array_length = 200;
	mock_put64(&m, VCPU0 + 0x100 + 8 * 134, 0x80000001ULL); /* sys_regs[HCR_EL2]: VM set, as the MMU was made */
	expect(&m, "nesteds2 check 100", 1, CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n", "");
	mock_put64(&m, VNCR + 0x78, 0x80000001ULL); /* NVHCR_EL2 with bit 0 set: still not HCR_EL2 */
	mock_put64(&m, VCPU0 + 0x100 + 8 * 134, 0x80000000ULL); /* the guest turned stage 2 off */
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION
	       "mmu 0xffff000000090000 [0] " NAME ": vcpu 0 (id 0) runs on it with VTTBR_EL2 0x0005000080000001 "
	       "VTCR_EL2 0x0000000080023558 HCR_EL2.VM 0: not the context it was made for\n"
	       "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU made for another VTTBR_EL2/VTCR_EL2\n", "");
	/* HCR_EL2 below __VNCR_START__ but no sys_regs in the layout: unknown, reported, not guessed */
	mock_member_remove(&m, "kvm_vcpu", "arch.ctxt.sys_regs");
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION
	       "mmu 0xffff000000090000 [0] " NAME ": vcpu 0 (id 0) runs on it with VTTBR_EL2 0x0005000080000001 "
	       "VTCR_EL2 0x0000000080023558 HCR_EL2 unknown (HCR_EL2 = 134 is below __VNCR_START__ but mock: no "
	       "member kvm_vcpu.arch.ctxt.sys_regs): not compared\n"
	       "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU not compared: HCR_EL2 unknown\n", "");
	/* no enum at all: VTTBR/VTCR at their architectural VNCR offsets, HCR_EL2 unknown */
	m.nenums = 0;
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION
	       "mmu 0xffff000000090000 [0] " NAME ": vcpu 0 (id 0) runs on it with VTTBR_EL2 0x0005000080000001 "
	       "VTCR_EL2 0x0000000080023558 HCR_EL2 unknown (enum vcpu_sysreg: mock: no enumerator HCR_EL2): "
	       "not compared\n"
	       "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU not compared: HCR_EL2 unknown\n", "");
	/* No VNCR page: not comparable, said so. */
	mock_put64(&m, VCPU0 + sizeof(struct m_vcpu), 0);
	expect(&m, "nesteds2 check 100", 1,
	       CHECK_VIOLATION "check: 1 shadow MMUs, 3 leaves, 1 violations\n"
	       "check: 1 vCPU(s) on a shadow MMU without a VNCR page to compare\n", "");
	/* A clean shadow table: remove the stray page; the vCPU on the canonical MMU is not compared. */
	mock_put64(&m, 0x40075000 + 1 * 8, 0);
	mock_put64(&m, VCPU0 + offsetof(struct m_vcpu, arch.hw_mmu), mock_lin(KVM_A + offsetof(struct m_kvm, arch.mmu)));
	expect(&m, "nesteds2 check", 0, "check: 1 shadow MMUs, 2 leaves, 0 violations\n", "");

	/* The guest's level-3 table is not in the dump. */
	m.hole_pa = 0x40083000;
	expect(&m, "nesteds2 guest 0xffff000000090000", 1,
	       "nested mmu 0xffff000000090000  " NAME "  guest vttbr 0x0005000080000000  vtcr 0x0000000080023558\n"
	       "  granule 4K  ia_bits 40  start_level 1  concat 2  oa_bits 40  root L1 0x0000000080000000\n"
	       "0x0000000000000000-0x0000000000200000 L2 block -> L1 0x0000000080200000  rwx AF=1\n"
	       "0x0000000000200000-0x0000000000400000 L3  !! table at L1 0x0000000080003000 not in dump (PA 0x40083000)\n",
	       "nested mmu 0xffff000000090000: 1 guest stage-2 table(s) unreadable or out of range, first at L2 IPA "
	       "0x200000");
	snprintf(want, sizeof(want),
		 "L2 IPA 0x0000000000200010 -> external abort on table walk, guest level 3 (FSC 0x17): table at L1 "
		 "0x80003000 not in dump (PA 0x40083000)\n"
		 "shadow: IPA 0x0000000000200010 -> PA 0x0000000100001010  level 3 page  desc 0x%016" PRIx64
		 " @PA 0x40075000  R- XN AF=1\n", (uint64_t)(0x100001000ULL | 3 | ATTR | AF | R | XN));
	/* status 1, as nesteds2 guest on the same table: the answer is incomplete (issue 16) */
	expect(&m, "s2dump -t 0x200010 " NAME, 1, want, "");
	/* ... which the check cannot judge (issue 16: -d 31 drops these): named apart, not a violation. */
	expect(&m, "nesteds2 check 100", 0,
	       "mmu 0xffff000000090000 [0] L2 0x0000000000200000-0x0000000000201000 not-checkable: "
	       "guest table at L1 0x0000000080003000 not in dump (PA 0x40083000)\n"
	       "check: 1 shadow MMUs, 2 leaves, 0 violations\n"
	       "check: 1 leaves not checkable (a table they need is not in the dump; not violations)\n", "");
	/* Bad arguments. */
	expect(&m, "nesteds2 guest", 3, "", "guest needs one MMU address or name");
	expect(&m, "nesteds2 guest 0x1234", 2, "", "no nested MMU 0x1234 on any VM");
	expect(&m, "nesteds2 check 100 200", 3, "", "check takes one VM or MMU at most");
	mock_fini(&m);
	test_slots();
	test_rules_7_3();
	return check_summary();
}
