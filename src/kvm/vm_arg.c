// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which VM a command-line word names (include/s2dump/kvm.h): a struct kvm
 * address or a VMM pid, by the one grammar of src/core/parse.h. An address
 * that is no struct kvm but an MMU the user saw in our output is answered
 * with what to type instead. Which nested MMU a word names: its address or
 * either form of its debugfs name (docs/nested.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/parse.h"
#include "kvm/kvm.h"

/* The VMs a pid names (every VM its VMM owns), counted; the first few addresses kept for messages. */
#define NAMED_KEEP 8
struct named_vms {
	int pid;
	s2_kvm_vm_fn fn;
	void *arg;
	unsigned int n;
	uint64_t addr[NAMED_KEEP];
};

static struct s2_error *named_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct named_vms *nv = arg;

	if (vm->pid != nv->pid)
		return NULL;
	if (nv->n < NAMED_KEEP)
		nv->addr[nv->n] = vm->addr;
	nv->n++;
	return nv->fn ? nv->fn(nv->arg, vm) : NULL;
}

/*
 * An address that is no struct kvm may still be one the user saw in our own
 * output: a VM's canonical MMU (the header's "mmu 0x...") or a shadow MMU
 * (nesteds2 list). Say which and what to type instead; else keep the error.
 */
struct mmu_owner {
	uint64_t addr, kvm;
	long nested_index; /* -1: the canonical MMU */
	bool found;
	struct s2_kvm_vm vm;  /* the owner (when found) */
	struct s2_kvm_mmu mmu;
};

/*
 * strict: an unreadable nested_mmus entry stops the search with its error (the MMU asked
 * about may be that one); else it is skipped, for a message that only adds a hint.
 */
static struct s2_error *find_mmu_owner(struct mmu_owner *o, const struct s2_kvm_vm *vm, struct s2_kernel *k,
				       const struct s2_kvm_layout *l, bool strict)
{
	if (vm->mmu.addr == o->addr) {
		o->kvm = vm->addr;
		o->nested_index = -1;
		o->found = true;
		o->vm = *vm;
		o->mmu = vm->mmu;
		return NULL;
	}
	for (uint64_t i = 0; i < vm->nested_mmus_size && !o->found; i++) {
		struct s2_kvm_mmu m;
		struct s2_error *err = s2_kvm_read_nested_mmu(k, l, vm, i, &m);

		if (err && strict)
			return err;
		if (err) {
			s2_error_destroy(err); /* an unreadable entry is not the one asked about */
			continue;
		}
		if (m.addr == o->addr) {
			o->kvm = vm->addr;
			o->nested_index = (long)i;
			o->found = true;
			o->vm = *vm;
			o->mmu = m;
		}
	}
	return NULL;
}

struct mmu_owner_walk {
	struct mmu_owner o;
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	bool strict;
};

static struct s2_error *mmu_owner_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct mmu_owner_walk *w = arg;
	struct s2_error *err = find_mmu_owner(&w->o, vm, w->k, w->l, w->strict);

	return err ? err : w->o.found ? &s2_error_stop : NULL;
}

static struct s2_error *read_named_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t addr,
				      struct s2_kvm_vm *vm)
{
	struct s2_error *err = s2_kvm_read_vm(k, l, addr, vm), *walk;
	struct mmu_owner_walk w = { .o = { .addr = addr }, .k = k, .l = l };

	if (!err || err->code != S2_ERROR_INVALID_ARGUMENT)
		return err;
	walk = s2_kvm_for_each_vm(k, l, mmu_owner_each, &w);
	if (walk == &s2_error_stop)
		walk = NULL;
	if (walk || !w.o.found) {
		s2_error_destroy(walk);
		return err;
	}
	s2_error_destroy(err);
	if (w.o.nested_index < 0)
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT,
				       "0x%" PRIx64 " is the stage-2 MMU (struct kvm_s2_mmu) of kvm 0x%" PRIx64
				       ", not a struct kvm: name the VM (s2dump [-x] 0x%" PRIx64 ")",
				       addr, w.o.kvm, w.o.kvm);
	return s2_error_create(S2_ERROR_INVALID_ARGUMENT,
			       "0x%" PRIx64 " is shadow MMU [%ld] of kvm 0x%" PRIx64 ", not a struct kvm: "
			       "use nesteds2 dump [-x] 0x%" PRIx64 " (or s2dump -t IPA 0x%" PRIx64 ")",
			       addr, w.o.nested_index, w.o.kvm, addr, addr);
}

struct s2_error *s2_kvm_for_each_named_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
					     s2_kvm_vm_fn fn, void *fn_arg, bool *by_pid)
{
	struct named_vms nv = { .fn = fn, .arg = fn_arg };
	uint64_t v;
	bool is_pid = false;
	struct s2_error *err;

	if (!arg) {
		if (by_pid)
			*by_pid = false;
		return s2_kvm_for_each_vm(k, l, fn, fn_arg);
	}
	err = s2_parse_vm(arg, &is_pid, &v);
	if (by_pid)
		*by_pid = is_pid;
	if (err)
		return err;
	if (!is_pid) {
		struct s2_kvm_vm vm;

		err = read_named_vm(k, l, v, &vm);
		return err ? err : fn(fn_arg, &vm);
	}
	nv.pid = (int)v;
	err = s2_kvm_for_each_vm(k, l, named_each, &nv);
	if (!err && !nv.n)
		err = s2_error_create(S2_ERROR_LOOKUP, "no VM with VMM pid %d on vm_list (%s)", nv.pid, S2_PARSE_RULE);
	return err;
}

struct first_vm {
	struct s2_kvm_vm *vm;
	bool have;
};

static struct s2_error *keep_first(void *arg, const struct s2_kvm_vm *vm)
{
	struct first_vm *f = arg;

	if (!f->have)
		*f->vm = *vm;
	f->have = true;
	return NULL;
}

struct s2_error *s2_kvm_find_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				   struct s2_kvm_vm *vm)
{
	struct first_vm f = { vm, false };
	struct named_vms nv = { 0 };
	uint64_t v;
	bool is_pid;
	struct s2_error *err = s2_parse_vm(arg, &is_pid, &v);
	char list[S2_ERROR_MESSAGE_MAX];
	size_t len = 0;

	if (err)
		return err;
	if (!is_pid)
		return read_named_vm(k, l, v, vm);
	nv.pid = (int)v;
	nv.fn = keep_first;
	nv.arg = &f;
	err = s2_kvm_for_each_vm(k, l, named_each, &nv);
	if (err)
		return err;
	if (!nv.n)
		return s2_error_create(S2_ERROR_LOOKUP, "no VM with VMM pid %d on vm_list (%s)", nv.pid, S2_PARSE_RULE);
	if (nv.n == 1)
		return NULL;
	/* One VMM process can run several VMs: never pick one silently. */
	list[0] = 0;
	for (unsigned int i = 0; i < nv.n && i < NAMED_KEEP; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "\n  kvm 0x%016" PRIx64, nv.addr[i]);
	if (nv.n > NAMED_KEEP)
		snprintf(list + len, sizeof(list) - len, "\n  ... and %u more", nv.n - NAMED_KEEP);
	return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "pid %d owns %u VMs; name one by its struct kvm address:%s",
			       nv.pid, nv.n, list);
}

bool s2_kvm_arg_is_nested_name(const char *arg)
{
	return (!strncmp(arg, "0x", 2) && strchr(arg, '-') != NULL) || !strncmp(arg, "nested_mmu", 10);
}

struct find {
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	uint64_t addr;
	const char *name;
	bool found;
	struct s2_kvm_nested_target *t;
	/* a name on a second VM (7.3's nested_mmu<N> is per VM): kvm and pid of that VM */
	bool ambiguous;
	uint64_t other_kvm;
	int other_pid;
};

static struct s2_error *find_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct find *f = arg;

	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		char name[S2_NESTED_NAME_SIZE], index_name[S2_NESTED_INDEX_NAME_SIZE];
		struct s2_error *err = s2_kvm_read_nested_mmu(f->k, f->l, vm, i, &m);

		if (err)
			return err;
		/* either form of name, whatever the dump's kernel calls it (docs/nested.md) */
		s2_ptdump_nested_name(name, m.tlb_vttbr, m.tlb_vtcr, m.nested_stage2_enabled);
		s2_ptdump_nested_index_name(index_name, i);
		if ((f->name && (!strcmp(name, f->name) || !strcmp(index_name, f->name))) ||
		    (!f->name && m.addr == f->addr)) {
			if (f->found) {
				f->ambiguous = true;
				f->other_kvm = vm->addr;
				f->other_pid = vm->pid;
				return &s2_error_stop;
			}
			f->t->vm = *vm;
			f->t->index = i;
			f->t->mmu = m;
			f->found = true;
			if (!f->name)
				return &s2_error_stop; /* an address is one MMU */
			break; /* a name: look for it on the other VMs too */
		}
	}
	return NULL;
}

struct s2_error *s2_kvm_arg_check(const char *arg)
{
	bool is_pid;
	uint64_t v;

	return s2_kvm_arg_is_nested_name(arg) ? NULL : s2_parse_vm(arg, &is_pid, &v);
}

struct s2_error *s2_kvm_find_nested_mmu_or_vm(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
					      struct s2_kvm_nested_target *t, bool *is_mmu)
{
	struct s2_error *err;

	*is_mmu = false;
	if (!arg)
		return NULL; /* no word: every VM */
	if (!s2_kvm_arg_is_nested_name(arg)) {
		bool is_pid;
		uint64_t v;

		err = s2_parse_vm(arg, &is_pid, &v);
		if (err || is_pid)
			return err; /* a pid names the VMs of its VMM, never an MMU */
	}
	err = s2_kvm_find_nested_mmu(k, l, arg, t);
	if (err && err->code == S2_ERROR_LOOKUP && !s2_kvm_arg_is_nested_name(arg)) {
		s2_error_destroy(err);
		return NULL; /* an address of no nested MMU: the VM lookup says what it is */
	}
	*is_mmu = !err;
	return err;
}

struct s2_error *s2_kvm_find_nested_mmu(struct s2_kernel *k, const struct s2_kvm_layout *l, const char *arg,
				struct s2_kvm_nested_target *t)
{
	struct find f = { .k = k, .l = l, .t = t };
	struct s2_error *err;

	if (s2_kvm_arg_is_nested_name(arg))
		f.name = arg;
	else if ((err = s2_parse_addr(arg, &f.addr, "MMU address")))
		return err;
	err = s2_kvm_for_each_vm(k, l, find_each, &f);
	if (err == &s2_error_stop)
		err = NULL;
	if (!err && !f.found)
		err = s2_error_create(S2_ERROR_LOOKUP, "no nested MMU %s on any VM", arg);
	if (!err && f.ambiguous)
		err = s2_error_create(S2_ERROR_INVALID_ARGUMENT, "nested MMU name %s is on more than one VM (kvm 0x%"
				      PRIx64 " pid %d, kvm 0x%" PRIx64 " pid %d): name it by its address (nesteds2 list)",
				      arg, t->vm.addr, t->vm.pid, f.other_kvm, f.other_pid);
	return err;
}

struct s2_error *s2_kvm_find_mmu(struct s2_kernel *k, const struct s2_kvm_layout *l, uint64_t addr,
				 struct s2_kvm_mmu *mmu, uint64_t *root)
{
	struct mmu_owner_walk w = { .o = { .addr = addr }, .k = k, .l = l, .strict = true };
	struct s2_error *err = s2_kvm_for_each_vm(k, l, mmu_owner_each, &w);

	if (err == &s2_error_stop)
		err = NULL;
	if (err)
		return err;
	if (!w.o.found)
		return s2_error_create(S2_ERROR_LOOKUP, "0x%" PRIx64 " is no VM's kvm_s2_mmu (neither arch.mmu nor "
				       "one of arch.nested_mmus of a struct kvm on vm_list)", addr);
	/* a pKVM VM's canonical pgd is garbage: refused by the VM's root */
	err = w.o.nested_index < 0 ? s2_kvm_vm_root(k, &w.o.vm, root) : s2_kvm_mmu_root(k, &w.o.mmu, root);
	if (err)
		return err;
	*mmu = w.o.mmu;
	return NULL;
}
