// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/kvm (and the -p report over it) on a mock target (tests/kvm/mock.h):
 * vm_list with a corrupted prev and a cycle, struct kvm validation, the
 * memslot rb-tree (node_idx, order, cycles), the xarray of vCPUs (direct
 * head, one and two levels, internal entries, cycles), ESR/FAR/HPFAR decode,
 * pKVM detection, layouts that are not upstream, and `s2dump -p` end to end.
 * Every expected value is derived by hand from what the test placed.
 */
#include "kvm/kvm.h"
#include "kvm/mock.h"
#include "s2dump/command.h"
#include "unit/check.h"

/* Placement (PA; linear VA = 0xffff000000000000 + (PA - 0x40000000)) */
#define KVM_A 0x40010000ULL
#define SLOTS_A 0x40011000ULL
#define SLOT(i) (0x40012000ULL + (i) * 0x100)
#define VCPU(i) (0x40013000ULL + (i) * 0x100)
#define XA_ROOT 0x40014000ULL
#define XA_N1 0x40014400ULL
#define XA_N2 0x40014800ULL
#define KVM_B 0x40020000ULL
#define PGT_A 0x40030000ULL
#define PGT_B 0x40030100ULL
#define PKVM_M(i) (0x40031000ULL + (i) * 0x100)
#define PGD_A 0x40060000ULL /* 2 concatenated level-1 tables (ia_bits 40, start level 1) */
#define PGD_B 0x40064000ULL
#define VM_LIST (MOCK_KIMAGE_VA + 0x8000) /* PA 0x40108000 */
#define VM_LIST_PA 0x40108000ULL
#define ARM_MODE_PA 0x40108100ULL

static struct m_kvm *kvm_at(struct mock *m, uint64_t pa) { return mock_pa(m, pa); }

static void setup_vm(struct mock *m, uint64_t kvm_pa, uint64_t pgt_pa, uint64_t pgd_pa, int pid)
{
	struct m_kvm *kvm = kvm_at(m, kvm_pa);
	struct m_pgt *pgt = mock_pa(m, pgt_pa);

	kvm->userspace_pid = pid;
	kvm->arch.mmu.arch = mock_lin(kvm_pa + offsetof(struct m_kvm, arch));
	kvm->arch.mmu.pgt = mock_lin(pgt_pa);
	kvm->arch.mmu.pgd_phys = pgd_pa;
	kvm->arch.mmu.vmid.id = 1;
	kvm->arch.mmu.vtcr = 0x80053558;
	pgt->ia_bits = 40;
	pgt->start_level = 1;
	pgt->pgd = mock_lin(pgd_pa);
	pgt->mmu = mock_lin(kvm_pa + offsetof(struct m_kvm, arch.mmu));
}

static uint64_t list_va(uint64_t kvm_pa) { return mock_lin(kvm_pa + offsetof(struct m_kvm, vm_list)); }

/* vm_list: head -> A -> B -> head */
static void setup_two_vms(struct mock *m)
{
	setup_vm(m, KVM_A, PGT_A, PGD_A, 100);
	setup_vm(m, KVM_B, PGT_B, PGD_B, 200);
	mock_symbol_add(m, "vm_list", VM_LIST);
	mock_put64(m, VM_LIST_PA, list_va(KVM_A));
	mock_put64(m, VM_LIST_PA + 8, list_va(KVM_B));
	kvm_at(m, KVM_A)->vm_list = (struct m_list){ list_va(KVM_B), VM_LIST };
	kvm_at(m, KVM_B)->vm_list = (struct m_list){ VM_LIST, list_va(KVM_A) };
}

static void set_node(struct mock *m, uint64_t slot_pa, int idx, uint64_t left_slot_pa, uint64_t right_slot_pa)
{
	struct m_memslot *s = mock_pa(m, slot_pa);

	s->gfn_node[idx].rb_left = left_slot_pa ? mock_lin(left_slot_pa + offsetof(struct m_memslot, gfn_node[idx])) : 0;
	s->gfn_node[idx].rb_right = right_slot_pa ? mock_lin(right_slot_pa + offsetof(struct m_memslot, gfn_node[idx])) : 0;
}

/*
 * Memslots of VM A in gfn_node[1] (node_idx 1): root slot 0 (gfn 0x40000,
 * 0x100 pages), left slot 2 (gfn 0x10, 1 page, READONLY), right slot 1
 * (gfn 0x80000, 0x10 pages, LOG_DIRTY). gfn_node[0] holds a cycle that a
 * walk ignoring node_idx would trip over.
 */
static void setup_memslots(struct mock *m)
{
	struct m_memslots *ms = mock_pa(m, SLOTS_A);
	static const struct { int id; uint64_t gfn, npages, uaddr; uint32_t flags; } slots[3] = {
		{ 0, 0x40000, 0x100, 0xffff80000000ULL, 0 },
		{ 1, 0x80000, 0x10, 0xffff90000000ULL, 1 },
		{ 2, 0x10, 1, 0xffffa0000000ULL, 2 },
	};

	kvm_at(m, KVM_A)->memslots[0] = mock_lin(SLOTS_A);
	ms->node_idx = 1;
	ms->gfn_tree.rb_node = mock_lin(SLOT(0) + offsetof(struct m_memslot, gfn_node[1]));
	for (int i = 0; i < 3; i++) {
		struct m_memslot *s = mock_pa(m, SLOT(i));

		s->id = (int16_t)slots[i].id;
		s->base_gfn = slots[i].gfn;
		s->npages = slots[i].npages;
		s->userspace_addr = slots[i].uaddr;
		s->flags = slots[i].flags;
		s->dirty_bitmap = slots[i].flags & 1 ? 0xffff000000077000ULL : 0;
	}
	set_node(m, SLOT(0), 1, SLOT(2), SLOT(1));
	set_node(m, SLOT(0), 0, SLOT(0), 0); /* garbage in the inactive set */
}

struct slot_list {
	char buf[512];
	size_t n;
};

static struct s2_error *slot_cb(void *arg, const struct s2_kvm_memslot *s)
{
	struct slot_list *l = arg;

	l->n += (size_t)snprintf(l->buf + l->n, sizeof(l->buf) - l->n, "id=%d gpa=0x%" PRIx64 " size=0x%" PRIx64
				 " uaddr=0x%" PRIx64 " flags=0x%x;", s->id, s->gpa, s->size, s->userspace_addr, s->flags);
	if (l->n >= sizeof(l->buf))
		l->n = sizeof(l->buf) - 1; /* truncated: the comparison fails, nothing overflows */
	return NULL;
}

static struct s2_kernel *open_kernel(struct mock *m, struct s2_kvm_layout **l)
{
	struct s2_kernel *k = NULL;
	struct s2_error *err = s2_kernel_open(&m->target, &k);

	if (!err)
		err = s2_kvm_layout_resolve(k, l);
	if (err) {
		printf("FAIL setup: %s\n", err->message);
		s2_error_destroy(err);
		s2_kernel_close(k);
		return NULL;
	}
	return k;
}

struct vm_seen {
	int pids[4];
	int n;
};

static struct s2_error *vm_cb(void *arg, const struct s2_kvm_vm *vm)
{
	struct vm_seen *s = arg;

	if (s->n < 4)
		s->pids[s->n] = vm->pid;
	s->n++;
	return NULL;
}

static void test_vm_list(void)
{
	struct mock m;
	struct s2_kvm_layout *l = NULL;
	struct s2_kernel *k;
	struct vm_seen seen = { { 0 }, 0 };
	struct s2_kvm_vm vm;
	struct s2_error *err;

	mock_init(&m);
	setup_two_vms(&m);
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_for_each_vm(k, l, vm_cb, &seen);
	CHECK(!err && seen.n == 2 && seen.pids[0] == 100 && seen.pids[1] == 200, "vm_list: A (pid 100) then B (pid 200)");
	s2_error_destroy(err);
	err = s2_kvm_find_pid(k, l, 200, &vm);
	CHECK(!err && vm.addr == mock_lin(KVM_B), "vm_list: pid 200 is struct kvm 0xffff000000020000");
	s2_error_destroy(err);
	err = s2_kvm_find_pid(k, l, 300, &vm);
	CHECK(err && err->code == S2_ERROR_LOOKUP, "vm_list: unknown pid is a lookup error");
	s2_error_destroy(err);
	CHECK_EQ_U64(vm.mmu.geo.concat, 2, "vm: ia_bits 40 at start level 1 is 2 concatenated tables");

	/* B's prev corrupted: must say which entry and what it expected */
	kvm_at(&m, KVM_B)->vm_list.prev = VM_LIST;
	seen.n = 0;
	err = s2_kvm_for_each_vm(k, l, vm_cb, &seen);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "vm_list entry 0xffff000000020020") &&
	      strstr(err->message, "has prev"), "vm_list: corrupted prev named (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	kvm_at(&m, KVM_B)->vm_list.prev = list_va(KVM_A);

	/* cycle: B -> A instead of the head; A's prev (the head) then disagrees */
	kvm_at(&m, KVM_B)->vm_list.next = list_va(KVM_A);
	seen.n = 0;
	err = s2_kvm_for_each_vm(k, l, vm_cb, &seen);
	CHECK(err && err->code == S2_ERROR_CORRUPT && seen.n == 2, "vm_list: a cycle stops with corruption after 2 VMs (%s)",
	      err ? err->message : "no error");
	s2_error_destroy(err);
	kvm_at(&m, KVM_B)->vm_list.next = VM_LIST;

	/* struct kvm validation: an address that is not a struct kvm */
	err = s2_kvm_read_vm(k, l, mock_lin(SLOTS_A), &vm);
	CHECK(err && err->code == S2_ERROR_INVALID_ARGUMENT && strstr(err->message, "is not a struct kvm"),
	      "kvm: a non-kvm address refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	/* pgt->mmu pointing elsewhere */
	((struct m_pgt *)mock_pa(&m, PGT_A))->mmu = mock_lin(KVM_B + offsetof(struct m_kvm, arch.mmu));
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "pgt->mmu"),
	      "kvm: pgt->mmu back pointer checked (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
out:
	mock_fini(&m);
}

static void test_memslots(void)
{
	struct mock m;
	struct s2_kvm_layout *l = NULL;
	struct s2_kernel *k;
	struct s2_kvm_vm vm;
	struct slot_list sl = { "", 0 };
	struct s2_error *err;

	mock_init(&m);
	setup_two_vms(&m);
	setup_memslots(&m);
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	CHECK(!err && vm.nr_memslots == 3, "memslots: header count 3");
	s2_error_destroy(err);
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(!err, "memslots: walk (%s)", err ? err->message : "ok");
	s2_error_destroy(err);
	/* gfn order: slot 2 (0x10), slot 0 (0x40000), slot 1 (0x80000); gpa = gfn << 12 */
	CHECK_EQ_STR(sl.buf, "id=2 gpa=0x10000 size=0x1000 uaddr=0xffffa0000000 flags=0x2;"
		     "id=0 gpa=0x40000000 size=0x100000 uaddr=0xffff80000000 flags=0x0;"
		     "id=1 gpa=0x80000000 size=0x10000 uaddr=0xffff90000000 flags=0x1;",
		     "memslots: in GFN order through gfn_node[node_idx 1]");
	/* node_idx out of range */
	((struct m_memslots *)mock_pa(&m, SLOTS_A))->node_idx = 2;
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "node_idx 2"), "memslots: node_idx 2 refused");
	s2_error_destroy(err);
	((struct m_memslots *)mock_pa(&m, SLOTS_A))->node_idx = 1;
	/* a node that is its own ancestor: slot 2's left child is the root */
	set_node(&m, SLOT(2), 1, SLOT(0), 0);
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "own ancestor"),
	      "memslots: cycle to an ancestor detected (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	set_node(&m, SLOT(2), 1, 0, 0);
	/* a node reached twice through a non-ancestor: slot 1's left child is slot 2 again */
	set_node(&m, SLOT(1), 1, SLOT(2), 0);
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "not in ascending order"),
	      "memslots: a node reached twice stops the walk (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	set_node(&m, SLOT(1), 1, 0, 0);
	/* the walk is cycle-safe even when the callback never stops it: a self-loop on the right */
	set_node(&m, SLOT(1), 1, 0, SLOT(1));
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_CORRUPT, "memslots: right self-loop ends (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	set_node(&m, SLOT(1), 1, 0, 0);
	/* as_id != 0 in address space 0 */
	((struct m_memslot *)mock_pa(&m, SLOT(1)))->as_id = 1;
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "as_id 1"), "memslots: as_id checked");
	s2_error_destroy(err);
	((struct m_memslot *)mock_pa(&m, SLOT(1)))->as_id = 0;
	/* an unreadable memslot: the error names the VM */
	m.hole_pa = 0x40012000;
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_FAULT && strstr(err->message, "kvm 0xffff000000010000"),
	      "memslots: unreadable slot is a fault naming the VM (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	m.hole_pa = 0;
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
out:
	mock_fini(&m);
}

struct vcpu_list {
	char buf[512];
	size_t n;
};

static struct s2_error *vcpu_cb(void *arg, const struct s2_kvm_vcpu *v)
{
	struct vcpu_list *l = arg;

	if (v->unreadable)
		l->n += (size_t)snprintf(l->buf + l->n, sizeof(l->buf) - l->n, "%" PRIu64 ":unreadable;", v->index);
	else
		l->n += (size_t)snprintf(l->buf + l->n, sizeof(l->buf) - l->n, "%" PRIu64 ":%d:%d;", v->index,
					 v->vcpu_id, v->vcpu_idx);
	if (l->n >= sizeof(l->buf))
		l->n = sizeof(l->buf) - 1;
	return NULL;
}

static void put_vcpu(struct mock *m, int i, int id, int idx)
{
	struct m_vcpu *v = mock_pa(m, VCPU(i));

	v->kvm = mock_lin(KVM_A);
	v->vcpu_id = id;
	v->vcpu_idx = idx;
	v->arch.hw_mmu = mock_lin(KVM_A + offsetof(struct m_kvm, arch.mmu));
}

static struct s2_error *walk_vcpus(struct mock *m, struct s2_kernel *k, const struct s2_kvm_layout *l,
				   struct vcpu_list *vl)
{
	struct s2_kvm_vm vm;
	struct s2_error *err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);

	vl->n = 0;
	vl->buf[0] = 0;
	return err ? err : s2_kvm_for_each_vcpu(k, l, &vm, vcpu_cb, vl);
}

static void test_vcpus(void)
{
	struct mock m;
	struct s2_kvm_layout *l = NULL;
	struct s2_kernel *k;
	struct vcpu_list vl;
	struct m_xa_node *root, *n1, *n2;
	struct s2_error *err;

	mock_init(&m);
	setup_two_vms(&m);
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	for (int i = 0; i < 4; i++)
		put_vcpu(&m, i, 10 + i, i);
	/* empty xarray */
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(!err && vl.n == 0, "xarray: empty");
	s2_error_destroy(err);
	/* one vCPU: index 0 lives in xa_head itself */
	kvm_at(&m, KVM_A)->vcpu_array.xa_head = mock_lin(VCPU(0));
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(!err && !strcmp(vl.buf, "0:10:0;"), "xarray: direct head entry is index 0 (%s)", vl.buf);
	s2_error_destroy(err);
	/* one node (shift 0): slots 0, 1, 3 hold vCPUs; slot 2 a retry entry (256 << 2 | 2), slot 4 a sibling */
	root = mock_pa(&m, XA_ROOT);
	root->shift = 0;
	root->slots[0] = mock_lin(VCPU(0));
	root->slots[1] = mock_lin(VCPU(1));
	root->slots[2] = 0x402;
	root->slots[3] = mock_lin(VCPU(3));
	root->slots[4] = (3 << 2) | 2;
	((struct m_vcpu *)mock_pa(&m, VCPU(3)))->vcpu_idx = 3;
	kvm_at(&m, KVM_A)->vcpu_array.xa_head = mock_lin(XA_ROOT) | 2;
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(!err && !strcmp(vl.buf, "0:10:0;1:11:1;3:13:3;"), "xarray: one node, internal entries skipped (%s)",
	      err ? err->message : vl.buf);
	s2_error_destroy(err);
	/* two levels: root shift 6, slot 0 -> n1 (slot 5: index 5), slot 1 -> n2 (slot 0: index 64) */
	memset(root, 0, sizeof(*root));
	n1 = mock_pa(&m, XA_N1);
	n2 = mock_pa(&m, XA_N2);
	root->shift = 6;
	root->slots[0] = mock_lin(XA_N1) | 2;
	root->slots[1] = mock_lin(XA_N2) | 2;
	n1->shift = 0;
	n1->parent = mock_lin(XA_ROOT);
	n1->offset = 0;
	n1->slots[5] = mock_lin(VCPU(1));
	n2->shift = 0;
	n2->parent = mock_lin(XA_ROOT);
	n2->offset = 1;
	n2->slots[0] = mock_lin(VCPU(2));
	((struct m_vcpu *)mock_pa(&m, VCPU(1)))->vcpu_idx = 5;
	((struct m_vcpu *)mock_pa(&m, VCPU(2)))->vcpu_idx = 64;
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(!err && !strcmp(vl.buf, "5:11:5;64:12:64;"), "xarray: two levels give indices 5 and 64 (%s)",
	      err ? err->message : vl.buf);
	s2_error_destroy(err);
	/* cycle: a leaf node pointing back at the root */
	n1->slots[6] = mock_lin(XA_ROOT) | 2;
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "shift 0"),
	      "xarray: node under a shift-0 node (cycle) refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	n1->slots[6] = 0;
	/* a child whose shift does not drop by 6 */
	n2->shift = 6;
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "has shift 6 under a node of shift 6"),
	      "xarray: child shift checked (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	n2->shift = 0;
	/* a node linked from two slots (shared): its parent/offset name only one of them */
	root->slots[2] = mock_lin(XA_N2) | 2;
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "in slot 2 of 0xffff000000014000 says parent "
							      "0xffff000000014000 offset 1"),
	      "xarray: a node linked twice refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	root->slots[2] = 0;
	/* a vCPU whose page is not in the dump (makedumpfile dropped it): reported, and the walk goes on */
	n1->slots[6] = mock_lin(MOCK_RAM_PA + MOCK_RAM_SIZE + 0x10000);
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(!err && !strcmp(vl.buf, "5:11:5;6:unreadable;64:12:64;"),
	      "xarray: an unreadable vCPU is reported between the readable ones (%s)", err ? err->message : vl.buf);
	s2_error_destroy(err);
	n1->slots[6] = 0;
	/* vcpu->kvm must be this VM */
	((struct m_vcpu *)mock_pa(&m, VCPU(2)))->kvm = mock_lin(KVM_B);
	err = walk_vcpus(&m, k, l, &vl);
	CHECK(err && err->code == S2_ERROR_CORRUPT && strstr(err->message, "not a vCPU of this VM"),
	      "xarray: foreign vCPU refused (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
out:
	mock_fini(&m);
}

static struct s2_error *esr_cb(void *arg, const struct s2_kvm_vcpu *v)
{
	if (v->index == 2)
		*(uint64_t *)arg = v->esr_el2;
	return NULL;
}

/*
 * Fallbacks for older layouts: kvm->vcpus[] instead of vcpu_array (<= 5.16), a u32
 * esr_el2 (5.10), no vcpu_idx, and memslots without gfn_tree (< 5.17, named).
 */
static void test_old_layout(void)
{
	struct mock m;
	struct s2_kvm_layout *l = NULL;
	struct s2_kernel *k;
	struct vcpu_list vl = { "", 0 };
	struct slot_list sl = { "", 0 };
	struct s2_kvm_vm vm;
	struct s2_error *err;
	const uint64_t vcpus_off = 0x800; /* struct kvm_vcpu *vcpus[4], placed past the mock struct kvm */

	mock_init(&m);
	setup_two_vms(&m);
	mock_member_remove(&m, "kvm", "vcpu_array.xa_head");
	mock_member_remove(&m, "kvm_vcpu", "vcpu_idx");
	mock_member_remove(&m, "kvm_memslots", "gfn_tree");
	mock_member_set(&m, "kvm", "vcpus", vcpus_off, 32, S2_TYPE_ARRAY, false);
	m.members[m.nmembers - 1].info.array_length = 4;
	m.members[m.nmembers - 1].info.target_kind = S2_TYPE_POINTER;
	mock_member_set(&m, "kvm_vcpu", "arch.fault.esr_el2", offsetof(struct m_vcpu, arch.fault.esr_el2), 4,
			S2_TYPE_INT, false);
	put_vcpu(&m, 0, 20, 0);
	put_vcpu(&m, 2, 22, 0);
	/* a u32 esr_el2 with garbage in the next 4 bytes: only the low word is the register */
	((struct m_vcpu *)mock_pa(&m, VCPU(2)))->arch.fault.esr_el2 = 0xdeadbeef92000047ULL;
	mock_put64(&m, KVM_A + vcpus_off + 0 * 8, mock_lin(VCPU(0)));
	mock_put64(&m, KVM_A + vcpus_off + 2 * 8, mock_lin(VCPU(2)));
	kvm_at(&m, KVM_A)->online_vcpus = 3;
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	if (!err)
		err = s2_kvm_for_each_vcpu(k, l, &vm, vcpu_cb, &vl);
	/* without vcpu_idx the index stands for it */
	CHECK(!err && !strcmp(vl.buf, "0:20:0;2:22:2;"), "old layout: vcpus[] array, NULL slots skipped (%s)",
	      err ? err->message : vl.buf);
	s2_error_destroy(err);
	{
		uint64_t esr = 0;

		err = s2_kvm_for_each_vcpu(k, l, &vm, esr_cb, &esr);
		CHECK(!err && esr == 0x92000047, "old layout: u32 esr_el2 read as 4 bytes (got 0x%" PRIx64 ")", esr);
		s2_error_destroy(err);
	}
	err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
	CHECK(err && err->code == S2_ERROR_LAYOUT && strstr(err->message, "scalable memslots, 5.17+"),
	      "old layout: memslots without gfn_tree name the kernel range (%s)", err ? err->message : "no error");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
out:
	mock_fini(&m);
}

static void test_esr(void)
{
	struct s2_esr_info e;

	/* EC 0x24 << 26 | IL (bit 25) | WnR (bit 6) | FSC 0x07 = 0x92000047 */
	s2_esr_decode(0x92000047, 0x12345678abcULL, 0x8000000000800010ULL, &e);
	CHECK(e.ec == 0x24 && e.is_abort && e.is_data && e.fsc == 7 && e.has_level && e.level == 3 && e.wnr && !e.s1ptw &&
	      !strcmp(e.fsc_name, "translation fault"), "esr: DABT_LOW translation fault level 3, WnR");
	/* ((0x8000000000800010 & ~0xf & ~bit63) << 8) | 0xabc = 0x80001000 | 0xabc */
	CHECK_EQ_U64(e.fault_ipa, 0x80001abcULL, "esr: fault IPA from HPFAR (NS masked) and FAR[11:0]");
	/* EC 0x20 IABT_LOW, S1PTW (bit 7), FSC 0x0f permission level 3: 0x80000000 | 0x02000000 | 0x80 | 0xf */
	s2_esr_decode(0x8200008f, 0, 0x400, &e);
	CHECK(e.ec == 0x20 && e.is_abort && !e.is_data && e.fsc == 0xf && e.level == 3 && e.s1ptw && !e.wnr &&
	      !strcmp(e.fsc_name, "permission fault"), "esr: IABT_LOW permission fault level 3, S1PTW");
	CHECK_EQ_U64(e.fault_ipa, 0x40000ULL, "esr: HPFAR 0x400 -> IPA 0x40000");
	s2_esr_decode((0x24u << 26) | 0x2b, 0, 0, &e);
	CHECK(e.fsc == 0x2b && e.has_level && e.level == -1 && !strcmp(e.fsc_name, "translation fault"),
	      "esr: FSC 0x2b is a level -1 translation fault");
	s2_esr_decode((0x24u << 26) | 0x0a, 0, 0, &e);
	CHECK(e.level == 2 && !strcmp(e.fsc_name, "access flag fault"), "esr: FSC 0x0a access flag level 2");
	s2_esr_decode((0x24u << 26) | 0x21, 0, 0, &e);
	CHECK(!e.has_level && !strcmp(e.fsc_name, "alignment fault"), "esr: FSC 0x21 alignment, no level");
	s2_esr_decode((0x24u << 26) | 0x15, 0, 0, &e);
	CHECK(e.level == 1 && strstr(e.fsc_name, "external abort on table walk"), "esr: FSC 0x15 SEA on walk level 1");
	s2_esr_decode((0x16u << 26) | 0x1234, 0, 0, &e);
	CHECK(e.ec == 0x16 && !e.is_abort && e.iss == 0x1234 && !strcmp(e.ec_name, "HVC (AArch64)"),
	      "esr: EC 0x16 is an HVC, not an abort");
}

struct pkvm_list {
	char buf[256];
	size_t n;
};

static struct s2_error *pkvm_cb(void *arg, const struct s2_kvm_pkvm_mapping *pm)
{
	struct pkvm_list *p = arg;

	p->n += (size_t)snprintf(p->buf + p->n, sizeof(p->buf) - p->n, "gfn=0x%" PRIx64 " pfn=0x%" PRIx64 " nr=%" PRIu64
				 ";", pm->gfn, pm->pfn, pm->nr_pages);
	if (p->n >= sizeof(p->buf))
		p->n = sizeof(p->buf) - 1;
	return NULL;
}

static void setup_pkvm(struct mock *m)
{
	struct m_pgt *pgt = mock_pa(m, PGT_A);
	struct m_pkvm_mapping *m1 = mock_pa(m, PKVM_M(0)), *m2 = mock_pa(m, PKVM_M(1));

	/* the union now holds the rb-root: ia_bits/start_level/pgd alias it */
	pgt->pkvm_mappings.rb_node = mock_lin(PKVM_M(1));
	pgt->pkvm_mappings.rb_leftmost = mock_lin(PKVM_M(0));
	m2->gfn = 0x40100;
	m2->pfn = 0x42000;
	/* 7.3's word is "nr_pages:48, nc:1": a non-cacheable mapping has bit 48 set; nr_pages stays 1 */
	m2->nr_pages = 1 | (1ULL << 48);
	m2->node.rb_left = mock_lin(PKVM_M(0));
	m1->gfn = 0x40000;
	m1->pfn = 0x41000;
	m1->nr_pages = 16;
}

static void test_pkvm(void)
{
	struct mock m;
	struct s2_kvm_layout *l = NULL;
	struct s2_kernel *k;
	struct s2_kvm_vm vm;
	struct pkvm_list pl = { "", 0 };
	struct s2_error *err;

	/* 1. a protected VM: kvm->arch.pkvm.is_protected */
	mock_init(&m);
	setup_two_vms(&m);
	setup_pkvm(&m);
	kvm_at(&m, KVM_A)->arch.pkvm.is_protected = 1;
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	CHECK(!err && vm.pkvm && vm.pkvm_protected && strstr(vm.pkvm_why, "is_protected") && vm.mmu.pgd == 0,
	      "pkvm: protected VM detected, pgd not taken (%s)", err ? err->message : "ok");
	s2_error_destroy(err);
	err = s2_kvm_for_each_pkvm_mapping(k, l, &vm, pkvm_cb, &pl);
	CHECK(!err && !strcmp(pl.buf, "gfn=0x40000 pfn=0x41000 nr=16;gfn=0x40100 pfn=0x42000 nr=1;"),
	      "pkvm: mappings in gfn order, 7.3's nc bit not counted in nr_pages (%s)", err ? err->message : pl.buf);
	s2_error_destroy(err);
	/* the default dump must not walk the garbage pgd */
	{
		struct s2_session *s = NULL;
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		char *argv[] = { "s2dump", "100", NULL };
		int status = -1;

		err = s2_session_create(&m.target, &s);
		if (!err)
			err = s2_command_run(s, 2, argv, f, &status);
		fclose(f);
		CHECK(!err && status == 0 && strstr(buf, "pkvm_mapping gfn 0x40000 pfn 0x41000 nr_pages 16") &&
		      strstr(buf, "pKVM protected VM") && !strstr(buf, "Guest IPA"),
		      "pkvm: s2dump lists pkvm_mappings, no page-table text (%s)", err ? err->message : buf);
		s2_error_destroy(err);
		free(buf);
		s2_session_destroy(s);
	}
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
	/* 2. protected mode (kvm_arm_mode == KVM_MODE_PROTECTED = 1), VM not protected */
	kvm_at(&m, KVM_A)->arch.pkvm.is_protected = 0;
	mock_symbol_add(&m, "kvm_arm_mode", MOCK_KIMAGE_VA + 0x8100);
	mock_put64(&m, ARM_MODE_PA, 1);
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	CHECK(!err && vm.pkvm && !vm.pkvm_protected && strstr(vm.pkvm_why, "KVM_MODE_PROTECTED"),
	      "pkvm: protected mode from kvm_arm_mode (%s)", err ? err->message : "ok");
	s2_error_destroy(err);
	/* VM B has a real table but protected mode means its pgt is pkvm_mappings too */
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_B), &vm);
	CHECK(!err && vm.pkvm, "pkvm: every VM's host table is pkvm_mappings in protected mode");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
	/* 3. kvm_arm_mode 0 (default): no pKVM; VM A's union is an rb-root: detected by its geometry */
	mock_put64(&m, ARM_MODE_PA, 0);
	k = open_kernel(&m, &l);
	if (!k)
		goto out;
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_B), &vm);
	CHECK(!err && !vm.pkvm && vm.mmu.pgd == mock_lin(PGD_B), "pkvm: kvm_arm_mode 0 and a sane pgtable: not pKVM");
	s2_error_destroy(err);
	err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
	/* ia_bits = low 32 bits of 0xffff000000031100 = 0x31100: no geometry */
	CHECK(!err && vm.pkvm && strstr(vm.pkvm_why, "geometry aliases pkvm_mappings"),
	      "pkvm: rb-root in place of ia_bits/start_level recognised (%s)", err ? err->message : "ok");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
out:
	mock_fini(&m);
}

static void expect_layout_error(struct mock *m, const char *want, const char *name)
{
	struct s2_kernel *k = NULL;
	struct s2_kvm_layout *l = NULL;
	struct s2_error *err = s2_kernel_open(&m->target, &k);

	if (!err)
		err = s2_kvm_layout_resolve(k, &l);
	CHECK(err && err->code == S2_ERROR_LAYOUT && strstr(err->message, want) && strstr(err->message, "6.12.0-mock") &&
	      !strchr(err->message, '\n'), "layout: %s (%s)", name, err ? err->message : "no error");
	s2_error_destroy(err);
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
}

static void test_layouts(void)
{
	struct mock m;
	struct s2_kernel *k;
	struct s2_kvm_layout *l = NULL;
	struct s2_kvm_vm vm;
	struct slot_list sl = { "", 0 };
	struct vcpu_list vl;
	struct s2_error *err;

	mock_init(&m);
	setup_two_vms(&m);
	/* Android GKI: kvm_pgtable.pte_ops */
	mock_member_set(&m, "kvm_pgtable", "pte_ops", 48, 8, S2_TYPE_POINTER, false);
	expect_layout_error(&m, "kvm_pgtable.pte_ops", "Android pte_ops member named");
	mock_member_remove(&m, "kvm_pgtable", "pte_ops");
	/* mm_ops not right after pgd */
	mock_member_set(&m, "kvm_pgtable", "mm_ops", 32, 8, S2_TYPE_POINTER, false);
	expect_layout_error(&m, "kvm_pgtable.mm_ops is at offset 32", "mm_ops at an unexpected place named");
	mock_member_set(&m, "kvm_pgtable", "mm_ops", 16, 8, S2_TYPE_POINTER, false);
	/* mm_ops on a 5.10 kernel: the Android GKI pKVM backport */
	mock_set_vmcoreinfo_str(&m, "OSRELEASE", "5.10.198-android12-9");
	{
		struct s2_kernel *k5 = NULL;
		struct s2_kvm_layout *l5 = NULL;
		struct s2_error *e5 = s2_kernel_open(&m.target, &k5);

		if (!e5)
			e5 = s2_kvm_layout_resolve(k5, &l5);
		CHECK(e5 && e5->code == S2_ERROR_LAYOUT && strstr(e5->message, "kvm_pgtable.mm_ops exists on 5.10") &&
		      strstr(e5->message, "5.10.198-android12-9"), "layout: mm_ops on 5.10 is the Android backport (%s)",
		      e5 ? e5->message : "no error");
		s2_error_destroy(e5);
		s2_kvm_layout_free(l5);
		s2_kernel_close(k5);
	}
	mock_set_vmcoreinfo_str(&m, "OSRELEASE", "6.12.0-mock");
	/* kvm_s2_mmu.vmid of another type */
	mock_member_set(&m, "kvm_s2_mmu", "vmid", 0, 4, S2_TYPE_INT, false);
	expect_layout_error(&m, "kvm_s2_mmu.vmid is an integer of 4 bytes", "vmid of a different type named");
	mock_member_set(&m, "kvm_s2_mmu", "vmid", 0, 8, S2_TYPE_STRUCT, false);
	/* start_level of 2 bytes (neither u32 nor s8) */
	mock_member_set(&m, "kvm_pgtable", "start_level", 4, 2, S2_TYPE_INT, true);
	expect_layout_error(&m, "start_level of 2 bytes", "start_level size checked");
	mock_member_set(&m, "kvm_pgtable", "start_level", 4, 1, S2_TYPE_INT, true);
	/* a required member missing names member and kernel */
	mock_member_remove(&m, "kvm_s2_mmu", "pgd_phys");
	expect_layout_error(&m, "pgd_phys", "missing member named");
	MEM(&m, "kvm_s2_mmu", struct m_s2_mmu, pgd_phys, S2_TYPE_INT, false);
	/* memslot id of 4 bytes: the stage-2 dump still works, the memslot walk says why it cannot */
	setup_memslots(&m);
	mock_member_set(&m, "kvm_memory_slot", "id", offsetof(struct m_memslot, id), 4, S2_TYPE_INT, true);
	mock_member_set(&m, "kvm_vcpu", "arch.fault.esr_el2", offsetof(struct m_vcpu, arch.fault.esr_el2), 2,
			S2_TYPE_INT, false);
	k = open_kernel(&m, &l);
	if (k) {
		err = s2_kvm_read_vm(k, l, mock_lin(KVM_A), &vm);
		CHECK(!err && vm.nr_memslots == 0, "layout: VM still readable with a non-upstream memslot");
		s2_error_destroy(err);
		err = s2_kvm_for_each_memslot(k, l, &vm, slot_cb, &sl);
		CHECK(err && err->code == S2_ERROR_LAYOUT && strstr(err->message, "kvm_memory_slot.id is 4 bytes"),
		      "layout: memslot id size named (%s)", err ? err->message : "no error");
		s2_error_destroy(err);
		err = walk_vcpus(&m, k, l, &vl);
		CHECK(err && err->code == S2_ERROR_LAYOUT && strstr(err->message, "kvm_vcpu_fault_info.esr_el2 is 2 bytes"),
		      "layout: esr_el2 size named (%s)", err ? err->message : "no error");
		s2_error_destroy(err);
		s2_kvm_layout_free(l);
		s2_kernel_close(k);
	}
	/* xa_node with 16 slots (CONFIG_BASE_SMALL): the vCPU walk would misindex */
	mock_member_set(&m, "kvm_vcpu", "arch.fault.esr_el2", offsetof(struct m_vcpu, arch.fault.esr_el2), 8,
			S2_TYPE_INT, false);
	mock_member_set(&m, "xa_node", "slots", 40, 128, S2_TYPE_ARRAY, false);
	m.members[m.nmembers - 1].info.array_length = 16;
	k = open_kernel(&m, &l);
	if (k) {
		err = walk_vcpus(&m, k, l, &vl);
		CHECK(err && err->code == S2_ERROR_LAYOUT && strstr(err->message, "xa_node.slots has 16 entries"),
		      "layout: xa_node.slots length checked (%s)", err ? err->message : "no error");
		s2_error_destroy(err);
		s2_kvm_layout_free(l);
		s2_kernel_close(k);
	}
	mock_fini(&m);
}

/*
 * s2dump -p end to end. VM A's stage 2 (ia_bits 40, start level 1, 4K):
 *   L1[1] (IPA 0x40000000) -> L2 0x40070000; L2[0] -> L3 0x40071000:
 *     L3[0..3]: pages rw-, AF=1 (XN set); L3[4..5]: pages r-x, AF=0
 *   L2[1] (IPA 0x40200000) -> L3 0x40073000; L3[0]: page r-- AF=1 (outside every slot)
 *   L1[2] (IPA 0x80000000) -> L2 0x40072000; L2[0]: 2M block rwx AF=1
 * Slots: 2 = [0x10000, +4K) (nothing mapped), 0 = [0x40000000, +1M) (6 pages = 24K: 2%),
 * 1 = [0x80000000, +64K): the 2M block starts there, so it belongs to slot 1 whole (the rule of
 * the generator's model: a leaf belongs to the slot holding its first IPA): 2M of 64K, 3200%.
 * Outside: 4K (the r-- page at 0x40200000).
 */
static void setup_stage2(struct mock *m)
{
	const uint64_t af = 1 << 10, r = 1 << 6, w = 1 << 7, xn = 1ULL << 54, attr = (0xf << 2) | (3 << 8);

	mock_put64(m, PGD_A + 1 * 8, 0x40070000 | 3);
	mock_put64(m, 0x40070000 + 0 * 8, 0x40071000 | 3);
	for (int i = 0; i < 4; i++)
		mock_put64(m, 0x40071000 + i * 8, (0x41000000 + i * 0x1000) | 3 | attr | af | r | w | xn);
	for (int i = 4; i < 6; i++)
		mock_put64(m, 0x40071000 + i * 8, (0x41000000 + i * 0x1000) | 3 | attr | r);
	mock_put64(m, 0x40070000 + 1 * 8, 0x40073000 | 3);
	mock_put64(m, 0x40073000, 0x41100000 | 3 | attr | af | r | xn);
	mock_put64(m, PGD_A + 2 * 8, 0x40072000 | 3);
	mock_put64(m, 0x40072000, 0x41200000 | 1 | attr | af | r | w);
}

static void setup_faults(struct mock *m)
{
	struct m_xa_node *root = mock_pa(m, XA_ROOT);
	struct m_vcpu *v0 = mock_pa(m, VCPU(0));

	put_vcpu(m, 0, 0, 0);
	put_vcpu(m, 1, 1, 1);
	v0->arch.fault.esr_el2 = 0x92000047;
	v0->arch.fault.far_el2 = 0x12345678abcULL;
	v0->arch.fault.hpfar_el2 = 0x8000000000800010ULL;
	root->shift = 0;
	root->slots[0] = mock_lin(VCPU(0));
	root->slots[1] = mock_lin(VCPU(1));
	kvm_at(m, KVM_A)->vcpu_array.xa_head = mock_lin(XA_ROOT) | 2;
	kvm_at(m, KVM_A)->online_vcpus = 2;
	/* vCPU 1 last ran a nested guest: hw_mmu = &nested_mmus[1] (an array of structs at 0x40015000) */
	kvm_at(m, KVM_A)->arch.nested_mmus = mock_lin(0x40015000);
	kvm_at(m, KVM_A)->arch.nested_mmus_size = 2;
	((struct m_vcpu *)mock_pa(m, VCPU(1)))->arch.hw_mmu = mock_lin(0x40015000 + sizeof(struct m_s2_mmu));
}

static const char prefault_want[] =
	"kvm 0xffff000000010000  pid 100  vcpus 2  memslots 3\n"
	"memslot 2 gpa 0x0000000000010000-0x0000000000011000 size 4K uaddr 0x0000ffffa0000000 flags READONLY\n"
	"  mapped 0K of 4K (0%)\n"
	"memslot 0 gpa 0x0000000040000000-0x0000000040100000 size 1M uaddr 0x0000ffff80000000 flags -\n"
	"  mapped 24K of 1M (2%)\n"
	"  L3 page r-x AF=0  2 x 4K = 8K\n"
	"  L3 page rw- AF=1  4 x 4K = 16K\n"
	"memslot 1 gpa 0x0000000080000000-0x0000000080010000 size 64K uaddr 0x0000ffff90000000 flags LOG_DIRTY\n"
	"  mapped 2M of 64K (3200%)\n"
	"  L2 block rwx AF=1  1 x 2M = 2M\n"
	"outside memslots mapped 4K\n"
	"vcpu 0 id 0  esr_el2 0x0000000092000047  far_el2 0x0000012345678abc  hpfar_el2 0x8000000000800010\n"
	"  data abort from a lower EL (EC 0x24)  translation fault, level 3 (FSC 0x07)  WnR 1  fault IPA "
	"0x0000000080001abc\n"
	"vcpu 1 id 1  esr_el2 0x0000000000000000  far_el2 0x0000000000000000  hpfar_el2 0x0000000000000000\n"
	"  no fault recorded\n";

static int run(struct mock *m, int argc, char **argv, char **buf, struct s2_error **errp)
{
	struct s2_session *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(buf, &len);
	int status = -1;
	struct s2_error *err = s2_session_create(&m->target, &s);

	if (!err)
		err = s2_command_run(s, argc, argv, f, &status);
	fclose(f);
	s2_session_destroy(s);
	*errp = err;
	return status;
}

static void test_prefault_report(void)
{
	struct mock m;
	char *buf = NULL;
	struct s2_error *err;
	int status;

	mock_init(&m);
	setup_two_vms(&m);
	setup_memslots(&m);
	setup_stage2(&m);
	setup_faults(&m);
	{
		char *argv[] = { "s2dump", "-p", "100", NULL };

		status = run(&m, 3, argv, &buf, &err);
		CHECK(!err && status == 0, "report: s2dump -p 100 succeeds (%s)", err ? err->message : "ok");
		CHECK_EQ_STR(buf, prefault_want, "report: s2dump -p text, hand-derived");
		s2_error_destroy(err);
		free(buf);
	}
	{
		/* every VM: VM B (no memslots, no vCPUs, an empty stage 2) after a blank line */
		char *argv[] = { "s2dump", "-p", NULL };
		char want[sizeof(prefault_want) + 128];

		snprintf(want, sizeof(want), "%s\nkvm 0xffff000000020000  pid 200  vcpus 0  memslots 0\n", prefault_want);
		status = run(&m, 2, argv, &buf, &err);
		CHECK(!err && status == 0, "report: s2dump -p (every VM) succeeds (%s)", err ? err->message : "ok");
		CHECK_EQ_STR(buf, want, "report: s2dump -p for every VM on vm_list");
		s2_error_destroy(err);
		free(buf);
	}
	{
		char *argv[] = { "s2dump", "-p", "-j", "100", NULL };

		status = run(&m, 4, argv, &buf, &err);
		CHECK(!err && status == 0 && strstr(buf, "\"schema\": \"s2dump/1\"") && strstr(buf, "\"mode\": \"prefault\"") &&
		      strstr(buf, "\"outside_mapped\": \"0x1000\"") && strstr(buf, "\"fault_ipa\": \"0x80001abc\"") &&
		      strstr(buf, "\"hw_mmu_is\": \"canonical\"") &&
		      strstr(buf, "\"hw_mmu_is\": \"nested\", \"hw_mmu_nested_index\": 1") &&
		      strstr(buf, "{\"level\": 3, \"kind\": \"page\", \"perm\": \"rw-\", \"af\": 1, \"count\": 4, "
			      "\"leaf_size\": \"0x1000\", \"bytes\": \"0x4000\"}"),
		      "report: s2dump -p -j carries the same facts (%s)", err ? err->message : "ok");
		s2_error_destroy(err);
		free(buf);
	}
	/* a missing stage-2 table: !! line, status 1, one error line */
	m.hole_pa = 0x40071000;
	{
		char *argv[] = { "s2dump", "-p", "100", NULL };

		status = run(&m, 3, argv, &buf, &err);
		CHECK(err && status == S2_STATUS_FINDINGS &&
		      strstr(buf, "  !! 0x0000000040000000-0x0000000040100000 L3  table at PA 0x40071000 not in dump") &&
		      !strstr(buf, "\n!! ") &&
		      strstr(buf, "  mapped 0K of 1M (0%)") && strstr(err->message, "1 stage-2 table(s) unreadable"),
		      "report: unreadable table reported inside its slot, status 1 (%s)", err ? err->message : buf);
		if (getenv("S2_TEST_DEBUG"))
			fputs(buf, stdout);
		s2_error_destroy(err);
		free(buf);
	}
	m.hole_pa = 0;
	/* a reserved level-3 encoding (0b01) at IPA 0x40006000: a finding, not a mapping */
	mock_put64(&m, 0x40071000 + 6 * 8, 0x41006000 | 1 | (1 << 10) | (1 << 6));
	{
		char *argv[] = { "s2dump", "-p", "100", NULL };

		status = run(&m, 3, argv, &buf, &err);
		CHECK(err && err->code == S2_ERROR_CORRUPT && status == S2_STATUS_FINDINGS &&
		      strstr(buf, "  !! 0x0000000040006000-0x0000000040007000 L3  reserved descriptor 0x0000000041006441 at "
			     "PA 0x40071030\n  mapped 24K of 1M (2%)\n") &&
		      strstr(err->message, "1 reserved descriptor(s), first at IPA 0x40006000"),
		      "report: reserved descriptor is a finding inside its slot (%s)", err ? err->message : buf);
		s2_error_destroy(err);
		free(buf);
	}
	mock_put64(&m, 0x40071000 + 6 * 8, 0);
	/* JSON of the default dump: valid, escaped, every leaf */
	{
		char *argv[] = { "s2dump", "-j", "100", NULL };

		status = run(&m, 3, argv, &buf, &err);
		CHECK(!err && status == 0 && strstr(buf, "\"mode\": \"dump\"") &&
		      strstr(buf, "\"ipa\": \"0x80000000\", \"size\": \"0x200000\", \"level\": 2, \"kind\": \"block\"") &&
		      strstr(buf, "\"release\": \"6.12.0-mock\""), "report: s2dump -j leaves (%s)", err ? err->message : "ok");
		s2_error_destroy(err);
		free(buf);
	}
	/* JSON on error: the document still closes, with the error inside */
	{
		char *argv[] = { "s2dump", "-j", "0xffff000000011000", NULL };

		status = run(&m, 3, argv, &buf, &err);
		CHECK(err && status == S2_STATUS_ERROR && strstr(buf, "\"error\": \"0xffff000000011000 is not a struct kvm") &&
		      buf[strlen(buf) - 2] == '}', "report: JSON closed with the error on failure");
		s2_error_destroy(err);
		free(buf);
	}
	mock_fini(&m);
}

int main(void)
{
	test_vm_list();
	test_memslots();
	test_vcpus();
	test_old_layout();
	test_esr();
	test_pkvm();
	test_layouts();
	test_prefault_report();
	return check_summary();
}
