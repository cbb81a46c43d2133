// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Property test of the model's walks over corrupt kernel data (tests/kvm/mock.h): memslot
 * rb-trees and vcpu_array xarrays whose links are random (cycles, shared nodes, self loops,
 * pointers outside RAM, internal entries). Whatever the links, every walk must end, visit
 * no node twice (so at most as many memslots/vCPUs as there are distinct objects), and
 * return either success or an error value - never crash (run under ASan/UBSan and valgrind).
 * Deterministic: a fixed-seed xorshift generator.
 */
#include "kvm/kvm.h"
#include "kvm/mock.h"
#include "unit/check.h"

#define KVM_PA 0x40010000ULL
#define SLOTS_PA 0x40011000ULL
#define SLOT_PA(i) (0x40020000ULL + (uint64_t)(i) * 0x100)
#define NSLOTS 16
#define NODE_PA(i) (0x40030000ULL + (uint64_t)(i) * 0x400)
#define NNODES 8
#define VCPU_PA(i) (0x40040000ULL + (uint64_t)(i) * 0x100)
#define NVCPUS 8
#define PGT_PA 0x40050000ULL
#define VM_LIST_PA 0x40108000ULL

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t slot_node_va(int i)
{
	return mock_lin(SLOT_PA(i) + offsetof(struct m_memslot, gfn_node[0]));
}

static uint64_t random_link(void)
{
	switch (next() % 6) {
	case 0: case 1: return 0;
	case 2: return 0xffff0000deadbeefULL;      /* outside RAM */
	case 3: return slot_node_va(0);            /* the root: a cycle */
	default: return slot_node_va((int)(next() % NSLOTS));
	}
}

static unsigned int slot_seen[NSLOTS], slot_dups;
static uint64_t vcpu_seen_index[NNODES * 64 + 1];
static unsigned int vcpu_seen, vcpu_dups;

static struct s2_error *count_slot(void *arg, const struct s2_kvm_memslot *s)
{
	int i = (int)((s->addr - mock_lin(SLOT_PA(0))) / 0x100);

	(*(unsigned int *)arg)++;
	if (i >= 0 && i < NSLOTS && slot_seen[i]++)
		slot_dups++;
	return NULL;
}

/* an xarray index can come only once: indices strictly ascend along the walk */
static struct s2_error *count_vcpu(void *arg, const struct s2_kvm_vcpu *v)
{
	(*(unsigned int *)arg)++;
	for (unsigned int i = 0; i < vcpu_seen; i++)
		if (vcpu_seen_index[i] == v->index)
			vcpu_dups++;
	if (vcpu_seen < NNODES * 64 + 1)
		vcpu_seen_index[vcpu_seen++] = v->index;
	return NULL;
}

static uint64_t random_entry(void)
{
	switch (next() % 8) {
	case 0: case 1: return 0;
	case 2: return 0x402;                                         /* retry */
	case 3: return ((next() % 63) << 2) | 2;                      /* sibling */
	case 4: return mock_lin(NODE_PA(next() % NNODES)) | 2;        /* a node (maybe an ancestor) */
	case 5: return 0xffff0000deadbe00ULL | 2;                     /* a node outside RAM */
	default: return mock_lin(VCPU_PA(next() % NVCPUS));           /* a vCPU (maybe twice) */
	}
}

int main(void)
{
	struct mock m;
	struct s2_kernel *k = NULL;
	struct s2_kvm_layout *l = NULL;
	struct m_kvm *kvm;
	struct m_pgt *pgt;
	struct s2_kvm_vm vm;
	struct s2_error *err;
	unsigned int iterations = 3000, slot_ok = 0, slot_err = 0, slot_overcount = 0, slot_badcode = 0;
	unsigned int xa_ok = 0, xa_err = 0, xa_overcount = 0, xa_badcode = 0;

	mock_init(&m);
	kvm = mock_pa(&m, KVM_PA);
	pgt = mock_pa(&m, PGT_PA);
	kvm->arch.mmu.arch = mock_lin(KVM_PA + offsetof(struct m_kvm, arch));
	kvm->arch.mmu.pgt = mock_lin(PGT_PA);
	pgt->ia_bits = 40;
	pgt->start_level = 1;
	pgt->pgd = mock_lin(0x40060000);
	pgt->mmu = mock_lin(KVM_PA + offsetof(struct m_kvm, arch.mmu));
	kvm->memslots[0] = mock_lin(SLOTS_PA);
	mock_symbol_add(&m, "vm_list", MOCK_KIMAGE_VA + 0x8000);
	mock_put64(&m, VM_LIST_PA, MOCK_KIMAGE_VA + 0x8000);
	mock_put64(&m, VM_LIST_PA + 8, MOCK_KIMAGE_VA + 0x8000);
	for (int i = 0; i < NVCPUS; i++)
		((struct m_vcpu *)mock_pa(&m, VCPU_PA(i)))->kvm = mock_lin(KVM_PA);
	err = s2_kernel_open(&m.target, &k);
	if (!err)
		err = s2_kvm_layout_resolve(k, &l);
	if (err) {
		printf("FAIL property setup: %s\n", err->message);
		return 1;
	}
	for (unsigned int it = 0; it < iterations; it++) {
		unsigned int n = 0;
		struct m_memslots *ms = mock_pa(&m, SLOTS_PA);

		/* memslots: random keys, random links */
		ms->node_idx = 0;
		ms->gfn_tree.rb_node = next() % 8 ? slot_node_va((int)(next() % NSLOTS)) : random_link();
		for (int i = 0; i < NSLOTS; i++) {
			struct m_memslot *s = mock_pa(&m, SLOT_PA(i));

			s->base_gfn = next() % 64;
			s->npages = 1;
			s->gfn_node[0].rb_left = random_link();
			s->gfn_node[0].rb_right = random_link();
		}
		/* vcpu_array: a random small tree of nodes */
		kvm->vcpu_array.xa_head = next() % 4 ? mock_lin(NODE_PA(0)) | 2 : random_entry();
		for (int i = 0; i < NNODES; i++) {
			struct m_xa_node *x = mock_pa(&m, NODE_PA(i));

			x->shift = (uint8_t)(next() % 3 == 0 ? next() % 20 : 6 * (next() % 3));
			/* mostly plausible parent/offset links, so walks get past that check */
			x->parent = i == 0 || next() % 8 == 0 ? (next() % 2 ? 0 : mock_lin(NODE_PA(next() % NNODES)))
							      : mock_lin(NODE_PA(next() % NNODES));
			x->offset = (uint8_t)(next() % 64);
			for (int j = 0; j < 64; j++)
				x->slots[j] = next() % 4 ? 0 : random_entry();
		}
		err = s2_kvm_read_vm(k, l, mock_lin(KVM_PA), &vm);
		if (err) {
			printf("FAIL property: struct kvm unreadable: %s\n", err->message);
			s2_error_destroy(err);
			break;
		}
		memset(slot_seen, 0, sizeof(slot_seen));
		err = s2_kvm_for_each_memslot(k, l, &vm, count_slot, &n);
		if (n > NSLOTS)
			slot_overcount++;
		if (err) {
			slot_err++;
			if (err->code != S2_ERROR_CORRUPT && err->code != S2_ERROR_FAULT)
				slot_badcode++;
		} else {
			slot_ok++;
		}
		s2_error_destroy(err);
		n = 0;
		vcpu_seen = 0;
		err = s2_kvm_for_each_vcpu(k, l, &vm, count_vcpu, &n);
		/* distinct (node, slot) positions bound the visits; a vCPU may sit in two positions */
		if (n > NNODES * 64)
			xa_overcount++;
		if (err) {
			xa_err++;
			if (err->code != S2_ERROR_CORRUPT && err->code != S2_ERROR_FAULT)
				xa_badcode++;
		} else {
			xa_ok++;
		}
		s2_error_destroy(err);
	}
	CHECK(slot_ok + slot_err == iterations, "property: %u random memslot trees all end (%u walked, %u refused)",
	      iterations, slot_ok, slot_err);
	CHECK(slot_ok > 0 && slot_err > 0, "property: both outcomes occur (the generator is not degenerate)");
	CHECK(slot_overcount == 0, "property: no memslot walk yields more slots than distinct nodes");
	CHECK(slot_dups == 0, "property: no memslot walk gives the visitor a slot twice (%u did)", slot_dups);
	CHECK(slot_badcode == 0, "property: memslot walks fail only with corrupt/fault errors");
	CHECK(xa_ok + xa_err == iterations, "property: %u random xarrays all end (%u walked, %u refused)", iterations,
	      xa_ok, xa_err);
	CHECK(xa_ok > 0 && xa_err > 0, "property: both xarray outcomes occur");
	CHECK(xa_overcount == 0, "property: no xarray walk yields more vCPUs than slot positions");
	CHECK(vcpu_dups == 0, "property: no xarray index is given twice (%u were)", vcpu_dups);
	CHECK(xa_badcode == 0, "property: xarray walks fail only with corrupt/fault errors");
	s2_kvm_layout_free(l);
	s2_kernel_close(k);
	mock_fini(&m);
	return check_summary();
}
