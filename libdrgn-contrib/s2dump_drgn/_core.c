// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s2dump_drgn._core: the shared s2dump core driven through a drgn.Program.
 *
 * This file is only the adapter: a struct s2_target whose operations call
 * back into drgn (prog.read, prog.symbol, prog.type, drgn.offsetof,
 * prog.constant), a Session type that owns one s2_session per Program
 * (layouts resolved once), and run() which executes one command line with
 * the output streamed to a Python file object. Everything about stage 2
 * lives in the core.
 *
 * Built against the limited API (stable ABI): heap types from specs, no
 * CPython-internal macros.
 *
 * Errors from the core become drgn-style exceptions: S2_ERROR_FAULT ->
 * drgn.FaultError(message, address) (address None for a summary of several),
 * S2_ERROR_LOOKUP -> LookupError,
 * S2_ERROR_INVALID_ARGUMENT, _CORRUPT, _LAYOUT and _UNSUPPORTED (a pKVM
 * guest) -> ValueError, anything else (I/O) -> s2dump_drgn.Error.
 *
 * The helpers' entry points (Session.vms, .mmus, .walk, .translate,
 * .coverage) use the same KVM model and walker as the commands: vm_list and
 * struct kvm validation, nested_mmus in either layout, the walk streamed to
 * Python in bounded batches (a WalkIterator resumes the walk after the last
 * leaf it handed out, so memory stays bounded by the batch and the depth).
 */
#define PY_SSIZE_T_CLEAN
/*
 * The stable ABI (limited API of 3.11): one _core.abi3.so loads in Debian 12's Python 3.11
 * (drgn 0.0.22) and in Debian 13's 3.13 (drgn 0.0.31) alike.
 */
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvm/kvm.h"
#include "s2dump/command.h"
#include "s2dump/error.h"
#include "s2dump/field.h"
#include "s2dump/kernel.h"
#include "s2dump/target.h"
#include "s2dump/walk.h"

#include "pyrun.h" /* hostprog/: shared with the host-program adapter */

static PyObject *drgn_module;       /* import drgn */
static PyObject *drgn_fault_error;  /* drgn.FaultError */
static PyObject *core_error;        /* s2dump_drgn._core.Error */

struct drgn_target {
	PyObject *prog;          /* borrowed from the owning Session (which holds a reference) */
	PyObject *vmcoreinfo;    /* str of the whole VMCOREINFO note, or NULL when unknown */
};

static struct s2_error *drgn_read(struct drgn_target *t, uint64_t addr, void *buf, size_t len,
				  bool physical)
{
	PyObject *bytes = PyObject_CallMethod(t->prog, "read", "KnO", (unsigned long long)addr,
					      (Py_ssize_t)len, physical ? Py_True : Py_False);

	return s2_py_read_result(bytes, addr, physical, buf, len);
}

static struct s2_error *op_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return drgn_read(ctx, pa, buf, len, true);
}

static struct s2_error *op_read_kvaddr(void *ctx, uint64_t va, void *buf, size_t len)
{
	return drgn_read(ctx, va, buf, len, false);
}

static struct s2_error *op_symbol_address(void *ctx, const char *name, uint64_t *addr)
{
	struct drgn_target *t = ctx;
	PyObject *sym = PyObject_CallMethod(t->prog, "symbol", "s", name);
	PyObject *value;
	char why[256];

	if (!sym) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not found: %s", name, why);
	}
	value = PyObject_GetAttrString(sym, "address");
	Py_DECREF(sym);
	if (!value) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s has no address: %s", name, why);
	}
	*addr = PyLong_AsUnsignedLongLong(value);
	Py_DECREF(value);
	if (PyErr_Occurred()) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s: %s", name, why);
	}
	return NULL;
}

/* prog.type("struct NAME"), else "union NAME"; new reference or NULL with no exception set. */
static PyObject *lookup_aggregate(struct drgn_target *t, const char *name, char *why, size_t len)
{
	static const char *const prefixes[] = { "struct ", "union " };
	char spelled[256];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		PyObject *type;

		snprintf(spelled, sizeof(spelled), "%s%s", prefixes[i], name);
		type = PyObject_CallMethod(t->prog, "type", "s", spelled);
		if (type)
			return type;
		s2_py_exception_text(why, len);
	}
	return NULL;
}

/* Strip typedefs and qualifiers: a new reference. */
static PyObject *underlying_type(PyObject *type)
{
	PyObject *cur = PyObject_CallMethod(type, "unqualified", NULL);

	while (cur) {
		PyObject *kind = PyObject_GetAttrString(cur, "kind");
		PyObject *name = kind ? PyObject_GetAttrString(kind, "name") : NULL;
		bool is_typedef = name && PyUnicode_Check(name) &&
				  strcmp(PyUnicode_AsUTF8AndSize(name, NULL), "TYPEDEF") == 0;
		PyObject *next;

		Py_XDECREF(kind);
		Py_XDECREF(name);
		if (!is_typedef)
			return cur;
		next = PyObject_GetAttrString(cur, "type");
		Py_DECREF(cur);
		cur = next ? PyObject_CallMethod(next, "unqualified", NULL) : NULL;
		Py_XDECREF(next);
	}
	return NULL;
}

static enum s2_type_kind kind_of(PyObject *type)
{
	PyObject *kind = PyObject_GetAttrString(type, "kind");
	PyObject *name = kind ? PyObject_GetAttrString(kind, "name") : NULL;
	const char *n = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, NULL) : "";
	enum s2_type_kind k = S2_TYPE_OTHER;

	if (!strcmp(n, "INT") || !strcmp(n, "BOOL"))
		k = S2_TYPE_INT;
	else if (!strcmp(n, "ENUM"))
		k = S2_TYPE_ENUM;
	else if (!strcmp(n, "POINTER"))
		k = S2_TYPE_POINTER;
	else if (!strcmp(n, "STRUCT") || !strcmp(n, "CLASS"))
		k = S2_TYPE_STRUCT;
	else if (!strcmp(n, "UNION"))
		k = S2_TYPE_UNION;
	else if (!strcmp(n, "ARRAY"))
		k = S2_TYPE_ARRAY;
	Py_XDECREF(kind);
	Py_XDECREF(name);
	PyErr_Clear();
	return k;
}

static uint64_t type_bytes(PyObject *type)
{
	PyObject *size = PyObject_CallMethod(drgn_module, "sizeof", "O", type);
	uint64_t v = 0;

	if (size) {
		v = PyLong_AsUnsignedLongLong(size);
		Py_DECREF(size);
	}
	PyErr_Clear();
	return v;
}

static struct s2_error *op_member_info(void *ctx, const char *type, const char *path,
				       struct s2_member_info *out)
{
	struct drgn_target *t = ctx;
	char why[256], component[128];
	PyObject *outer, *cur, *offset;
	const char *p = path;

	memset(out, 0, sizeof(*out));
	outer = lookup_aggregate(t, type, why, sizeof(why));
	if (!outer)
		return s2_error_create(S2_ERROR_LOOKUP, "type struct %s not found: %s", type, why);
	offset = PyObject_CallMethod(drgn_module, "offsetof", "Os", outer, path);
	if (!offset) {
		s2_py_exception_text(why, sizeof(why));
		Py_DECREF(outer);
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s has no member %s: %s", type, path, why);
	}
	out->offset = PyLong_AsUnsignedLongLong(offset);
	Py_DECREF(offset);

	/* Follow the path one member at a time for the final member's type. */
	cur = outer;
	while (*p) {
		size_t n = strcspn(p, ".");
		PyObject *member, *mtype, *next;

		if (n >= sizeof(component))
			n = sizeof(component) - 1;
		memcpy(component, p, n);
		component[n] = '\0';
		p += n + (p[n] == '.');
		member = PyObject_CallMethod(cur, "member", "s", component);
		Py_DECREF(cur);
		if (!member) {
			s2_py_exception_text(why, sizeof(why));
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: %s", type, path, why);
		}
		mtype = PyObject_GetAttrString(member, "type");
		Py_DECREF(member);
		next = mtype ? underlying_type(mtype) : NULL;
		Py_XDECREF(mtype);
		if (!next) {
			s2_py_exception_text(why, sizeof(why));
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: %s", type, path, why);
		}
		cur = next;
	}
	out->kind = kind_of(cur);
	out->size = type_bytes(cur);
	if (out->kind == S2_TYPE_POINTER || out->kind == S2_TYPE_ARRAY) {
		PyObject *target = PyObject_GetAttrString(cur, "type");
		PyObject *stripped = target ? underlying_type(target) : NULL;

		if (stripped)
			out->target_kind = kind_of(stripped);
		if (out->kind == S2_TYPE_ARRAY) {
			PyObject *length = PyObject_GetAttrString(cur, "length");

			if (length && length != Py_None)
				out->array_length = PyLong_AsUnsignedLongLong(length);
			Py_XDECREF(length);
		}
		Py_XDECREF(target);
		Py_XDECREF(stripped);
		PyErr_Clear();
	}
	if (out->kind == S2_TYPE_INT || out->kind == S2_TYPE_ENUM) {
		PyObject *is_signed = PyObject_GetAttrString(cur, "is_signed");

		out->is_signed = is_signed && PyObject_IsTrue(is_signed) == 1;
		Py_XDECREF(is_signed);
		PyErr_Clear();
	}
	Py_DECREF(cur);
	return NULL;
}

static struct s2_error *op_type_size(void *ctx, const char *type, uint64_t *size)
{
	char why[256];
	PyObject *t = lookup_aggregate(ctx, type, why, sizeof(why));

	if (!t)
		return s2_error_create(S2_ERROR_LOOKUP, "type struct %s not found: %s", type, why);
	*size = type_bytes(t);
	Py_DECREF(t);
	return NULL;
}

static struct s2_error *op_enumerator_value(void *ctx, const char *name, int64_t *value)
{
	struct drgn_target *t = ctx;
	PyObject *obj = PyObject_CallMethod(t->prog, "constant", "s", name);
	PyObject *v;
	char why[256];

	if (!obj) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "constant %s not found: %s", name, why);
	}
	v = PyObject_CallMethod(obj, "value_", NULL);
	Py_DECREF(obj);
	if (!v) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "constant %s: %s", name, why);
	}
	*value = PyLong_AsLongLong(v);
	Py_DECREF(v);
	return NULL;
}

/* len(prog.object(name).type_.parameters): static inline stubs are objects too (absent ones). */
static struct s2_error *op_function_param_count(void *ctx, const char *name, unsigned int *count)
{
	struct drgn_target *t = ctx;
	PyObject *obj = PyObject_CallMethod(t->prog, "object", "s", name);
	PyObject *type = NULL, *params = NULL;
	Py_ssize_t n = -1;
	char why[256];

	if (obj)
		type = PyObject_GetAttrString(obj, "type_");
	if (type)
		params = PyObject_GetAttrString(type, "parameters");
	if (params)
		n = PySequence_Size(params);
	Py_XDECREF(params);
	Py_XDECREF(type);
	Py_XDECREF(obj);
	if (n < 0) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "function %s: %s", name, why);
	}
	*count = (unsigned int)n;
	return NULL;
}

/* prog.symbol(name).size: the symbol table's st_size. */
static struct s2_error *op_symbol_size(void *ctx, const char *name, uint64_t *size)
{
	struct drgn_target *t = ctx;
	PyObject *sym = PyObject_CallMethod(t->prog, "symbol", "s", name);
	PyObject *v = sym ? PyObject_GetAttrString(sym, "size") : NULL;
	char why[256];

	Py_XDECREF(sym);
	if (!v) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s size: %s", name, why);
	}
	*size = PyLong_AsUnsignedLongLong(v);
	Py_DECREF(v);
	if (PyErr_Occurred()) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s size: %s", name, why);
	}
	return NULL;
}

/* KEY=value lines of the note text; the key is matched whole. */
static struct s2_error *op_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	struct drgn_target *t = ctx;
	const char *text, *line;
	size_t klen = strlen(key);

	if (!t->vmcoreinfo)
		return s2_error_create(S2_ERROR_LOOKUP, "no VMCOREINFO available to drgn");
	text = PyUnicode_AsUTF8AndSize(t->vmcoreinfo, NULL);
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			const char *v = line + klen + 1;
			size_t vlen = strcspn(v, "\n");

			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return NULL;
		}
	}
	return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO has no %s", key);
}

static const struct s2_target_ops drgn_target_ops = {
	.read_phys = op_read_phys,
	.read_kvaddr = op_read_kvaddr,
	.symbol_address = op_symbol_address,
	.member_info = op_member_info,
	.type_size = op_type_size,
	.enumerator_value = op_enumerator_value,
	.function_param_count = op_function_param_count,
	.symbol_size = op_symbol_size,
	.vmcoreinfo = op_vmcoreinfo,
};

/* Raise the drgn-style exception for a core error; consumes err. Returns NULL. */
static PyObject *raise_s2_error(struct s2_error *err)
{
	if (PyErr_Occurred()) {
		/* a Python error (e.g. from the output file) takes precedence */
	} else if (err->code == S2_ERROR_FAULT) {
		/* address None: a summary ("N tables unreadable") names no single address */
		PyObject *exc = err->has_address ?
			PyObject_CallFunction(drgn_fault_error, "sK", err->message, (unsigned long long)err->address) :
			PyObject_CallFunction(drgn_fault_error, "sO", err->message, Py_None);

		if (exc) {
			PyErr_SetObject(drgn_fault_error, exc);
			Py_DECREF(exc);
		}
	} else if (err->code == S2_ERROR_LOOKUP) {
		PyErr_SetString(PyExc_LookupError, err->message);
	} else if (err->code == S2_ERROR_INVALID_ARGUMENT || err->code == S2_ERROR_CORRUPT ||
		   err->code == S2_ERROR_LAYOUT || err->code == S2_ERROR_UNSUPPORTED) {
		PyErr_SetString(PyExc_ValueError, err->message);
	} else if (err->code == S2_ERROR_NOMEM) {
		PyErr_NoMemory();
	} else {
		PyErr_SetString(core_error, err->message);
	}
	s2_error_destroy(err);
	return NULL;
}

/* Heap-type deallocation: free the object, drop the reference it held on its type. */
static void free_self(PyObject *self)
{
	PyTypeObject *type = Py_TYPE(self);
	freefunc tp_free = (freefunc)PyType_GetSlot(type, Py_tp_free);

	tp_free(self);
	Py_DECREF((PyObject *)type);
}

/* Session */

typedef struct {
	PyObject_HEAD
	PyObject *prog;
	struct drgn_target target_ctx;
	struct s2_target target;
	struct s2_session *session;
	/* The helpers' own view of the same target (opened on first use). */
	struct s2_kernel *kernel;
	struct s2_kvm_layout *layout;
} SessionObject;

static void Session_dealloc(SessionObject *self)
{
	s2_kvm_layout_free(self->layout);
	if (self->kernel)
		s2_kernel_close(self->kernel);
	if (self->session)
		s2_session_destroy(self->session);
	Py_XDECREF(self->target_ctx.vmcoreinfo);
	Py_XDECREF(self->prog);
	free_self((PyObject *)self);
}

static int Session_init(SessionObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "prog", "vmcoreinfo", "live", NULL };
	PyObject *prog, *vmcoreinfo = Py_None;
	int live = 0;
	struct s2_error *err;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|Op:Session", kwlist, &prog, &vmcoreinfo,
					 &live))
		return -1;
	if (self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session already initialised");
		return -1;
	}
	if (vmcoreinfo != Py_None && !PyUnicode_Check(vmcoreinfo)) {
		PyErr_SetString(PyExc_TypeError, "vmcoreinfo must be str or None");
		return -1;
	}
	Py_INCREF(prog);
	self->prog = prog;
	self->target_ctx.prog = prog;
	if (vmcoreinfo != Py_None) {
		Py_INCREF(vmcoreinfo);
		self->target_ctx.vmcoreinfo = vmcoreinfo;
	}
	self->target.ops = &drgn_target_ops;
	self->target.ctx = &self->target_ctx;
	self->target.backend = "drgn";
	self->target.live = live;
	err = s2_session_create(&self->target, &self->session);
	if (err) {
		raise_s2_error(err);
		return -1;
	}
	return 0;
}

static PyObject *Session_run(SessionObject *self, PyObject *args)
{
	PyObject *argv, *file;
	struct s2_error *err;
	int status;

	if (!PyArg_ParseTuple(args, "OO:run", &argv, &file))
		return NULL;
	if (s2_py_command_run(self->session, argv, file, &err, &status) < 0)
		return NULL;
	if (err) {
		PyObject *type, *value, *tb;

		raise_s2_error(err);
		/* the exit status the CLI would use travels with the exception */
		PyErr_Fetch(&type, &value, &tb);
		PyErr_NormalizeException(&type, &value, &tb);
		if (value) {
			PyObject *st = PyLong_FromLong(status);

			if (st) {
				PyObject_SetAttrString(value, "s2dump_status", st);
				Py_DECREF(st);
			}
			PyErr_Clear();
		}
		PyErr_Restore(type, value, tb);
		return NULL;
	}
	return PyLong_FromLong(status);
}

/* Helpers: the KVM model and the walker for s2dump_drgn's Python helpers */

static PyTypeObject *LeafType, *TranslationType, *WalkIterType, *SessionType;

static struct s2_error *helper_model(SessionObject *self)
{
	struct s2_error *err;

	if (!self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session not initialised");
		return NULL;
	}
	if (!self->kernel) {
		err = s2_kernel_open(&self->target, &self->kernel);
		if (err)
			return err;
	}
	if (!self->layout)
		return s2_kvm_layout_resolve(self->kernel, &self->layout);
	return NULL;
}

/* (list of results so far, the exception that stopped the listing or None). */
static PyObject *partial_result(PyObject *list, struct s2_error *err)
{
	PyObject *type, *value, *tb, *r;

	if (!err)
		return Py_BuildValue("(NO)", list, Py_None);
	raise_s2_error(err);
	if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
		Py_DECREF(list);
		return NULL;
	}
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	r = Py_BuildValue("(NO)", list, value ? value : Py_None);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	return r;
}

static struct s2_error *append_u64(PyObject *list, uint64_t v)
{
	PyObject *n = PyLong_FromUnsignedLongLong(v);
	int rc = n ? PyList_Append(list, n) : -1;

	Py_XDECREF(n);
	return rc ? &s2_error_nomem : NULL;
}

static struct s2_error *vms_each(void *arg, const struct s2_kvm_vm *vm)
{
	return append_u64(arg, vm->addr);
}

static PyObject *Session_vms(SessionObject *self, PyObject *unused)
{
	struct s2_error *err = helper_model(self);
	PyObject *list;

	if (err || PyErr_Occurred())
		return err ? raise_s2_error(err) : NULL;
	list = PyList_New(0);
	if (!list)
		return NULL;
	err = s2_kvm_for_each_vm(self->kernel, self->layout, vms_each, list);
	return partial_result(list, err);
}

static PyObject *Session_mmus(SessionObject *self, PyObject *args)
{
	unsigned long long kvm;
	struct s2_kvm_vm vm;
	struct s2_error *err;
	PyObject *list;

	if (!PyArg_ParseTuple(args, "K:mmus", &kvm))
		return NULL;
	err = helper_model(self);
	if (err || PyErr_Occurred())
		return err ? raise_s2_error(err) : NULL;
	err = s2_kvm_read_vm(self->kernel, self->layout, kvm, &vm);
	if (err)
		return raise_s2_error(err);
	list = PyList_New(0);
	if (!list)
		return NULL;
	err = append_u64(list, vm.mmu.addr);
	for (uint64_t i = 0; !err && i < vm.nested_mmus_size; i++) {
		struct s2_kvm_mmu m;

		err = s2_kvm_read_nested_mmu(self->kernel, self->layout, &vm, i, &m);
		if (!err)
			err = append_u64(list, m.addr);
	}
	return partial_result(list, err);
}

/* Find a kvm_s2_mmu among every VM's canonical and nested MMUs. */
struct find_any_mmu {
	SessionObject *self;
	uint64_t addr;
	bool found;
	bool pkvm;
	uint64_t kvm;
	struct s2_kvm_mmu mmu;
};

static struct s2_error *find_any_mmu_each(void *arg, const struct s2_kvm_vm *vm)
{
	struct find_any_mmu *f = arg;

	if (vm->mmu.addr == f->addr) {
		f->mmu = vm->mmu;
		f->found = true;
		f->pkvm = vm->pkvm;
		f->kvm = vm->addr;
		return &s2_error_stop;
	}
	for (uint64_t i = 0; i < vm->nested_mmus_size; i++) {
		struct s2_kvm_mmu m;
		struct s2_error *err = s2_kvm_read_nested_mmu(f->self->kernel, f->self->layout, vm, i, &m);

		if (err)
			return err;
		if (m.addr == f->addr) {
			f->mmu = m;
			f->found = true;
			return &s2_error_stop;
		}
	}
	return NULL;
}

/* The MMU at addr with its start-level table's PA; raises and returns false on error. */
static bool find_mmu_root(SessionObject *self, uint64_t addr, struct s2_kvm_mmu *mmu, uint64_t *root)
{
	struct find_any_mmu f = { .self = self, .addr = addr };
	struct s2_error *err = helper_model(self);

	if (err || PyErr_Occurred()) {
		if (err)
			raise_s2_error(err);
		return false;
	}
	err = s2_kvm_for_each_vm(self->kernel, self->layout, find_any_mmu_each, &f);
	if (err == &s2_error_stop)
		err = NULL;
	if (!err && !f.found)
		err = s2_error_create(S2_ERROR_LOOKUP, "0x%" PRIx64 " is no VM's kvm_s2_mmu (neither arch.mmu nor "
				      "one of arch.nested_mmus of a struct kvm on vm_list)", addr);
	if (!err && f.pkvm)
		err = s2_error_create(S2_ERROR_UNSUPPORTED, "kvm 0x%" PRIx64 " runs in pKVM protected mode: its stage 2 "
				      "lives in EL2-private memory; the host keeps only pgt->pkvm_mappings", f.kvm);
	if (!err)
		err = s2_kvm_mmu_root(self->kernel, &f.mmu, root);
	if (err) {
		raise_s2_error(err);
		return false;
	}
	*mmu = f.mmu;
	return true;
}

static const char *desc_kind_name(enum s2_desc_kind kind)
{
	switch (kind) {
	case S2_DESC_BLOCK: return "block";
	case S2_DESC_PAGE: return "page";
	case S2_DESC_RESERVED: return "reserved";
	case S2_DESC_TABLE: return "table";
	case S2_DESC_INVALID: break;
	}
	return "invalid";
}

static PyStructSequence_Field leaf_fields[] = {
	{ "ipa", "first IPA the leaf maps" },
	{ "size", "bytes of IPA the leaf maps (the contiguous hint does not widen it)" },
	{ "level", "translation level of the leaf (-1..3)" },
	{ "oa", "output address (host PA) of the leaf's first byte; None for invalid entries" },
	{ "desc", "the raw descriptor" },
	{ "desc_pa", "host PA of the descriptor" },
	{ "kind", "'block', 'page', 'reserved' (valid bit set, encoding reserved at this level) or 'invalid'" },
	{ "r", "S2AP read permission (desc[6])" },
	{ "w", "S2AP write permission (desc[7])" },
	{ "xn", "the XN field desc[54:53] (0: executable at EL1 and EL0; kernels before FEAT_XNX use bit 54 only)" },
	{ "af", "access flag (desc[10])" },
	{ "memattr", "MemAttr desc[5:2]" },
	{ "sh", "shareability desc[9:8] (0 with LPA2 descriptors)" },
	{ "contiguous", "contiguous hint (desc[52])" },
	{ "dbm", "dirty bit modifier (desc[51])" },
	{ "sw", "software bits desc[58:55]" },
	{ NULL, NULL },
};

static PyStructSequence_Desc leaf_desc = {
	"s2dump_drgn.Leaf",
	"One stage-2 leaf as s2dump's walker reports it.",
	leaf_fields,
	16,
};

static PyStructSequence_Field translation_fields[] = {
	{ "ipa", "the translated IPA" },
	{ "oa", "output address (host PA) of ipa, None when the translation faults "
		"(set for an access flag fault)" },
	{ "level", "level of the leaf, or of the fault" },
	{ "size", "bytes the leaf maps (0 on a fault)" },
	{ "desc", "the final descriptor (the invalid one on a translation fault)" },
	{ "desc_pa", "host PA of the final descriptor (of the unreadable table for an external abort)" },
	{ "kind", "'block' or 'page', or the final descriptor's kind on a fault" },
	{ "r", "S2AP read" },
	{ "w", "S2AP write" },
	{ "xn", "XN field desc[54:53]" },
	{ "af", "access flag" },
	{ "memattr", "MemAttr desc[5:2]" },
	{ "sh", "shareability desc[9:8]" },
	{ "contiguous", "contiguous hint" },
	{ "fault", "None, or the fault the MMU would raise: 'translation fault', 'access flag fault', "
		   "'address size fault', 'external abort on table walk' (table not in the dump)" },
	{ "fsc", "ESR_ELx FSC of the fault (0 when none)" },
	{ "read_error", "why the table could not be read (external abort), else None" },
	{ NULL, NULL },
};

static PyStructSequence_Desc translation_desc = {
	"s2dump_drgn.Translation",
	"The translation of one IPA by a stage-2 table, as the MMU would do it.",
	translation_fields,
	17,
};

static PyObject *bool_obj(bool b)
{
	return PyBool_FromLong(b);
}

static PyObject *leaf_new(const struct s2_walk_entry *e)
{
	PyObject *o = PyStructSequence_New(LeafType);
	const struct s2_desc *d = &e->desc;
	bool valid = d->kind == S2_DESC_BLOCK || d->kind == S2_DESC_PAGE || d->kind == S2_DESC_RESERVED;
	PyObject *v[16];

	if (!o)
		return NULL;
	v[0] = PyLong_FromUnsignedLongLong(e->ia);
	v[1] = PyLong_FromUnsignedLongLong(e->size);
	v[2] = PyLong_FromLong(e->level);
	if (valid)
		v[3] = PyLong_FromUnsignedLongLong(d->oa + 0);
	else {
		Py_INCREF(Py_None);
		v[3] = Py_None;
	}
	v[4] = PyLong_FromUnsignedLongLong(d->raw);
	v[5] = PyLong_FromUnsignedLongLong(e->desc_pa);
	v[6] = PyUnicode_FromString(desc_kind_name(d->kind));
	v[7] = bool_obj(valid && (d->s2ap & 1));
	v[8] = bool_obj(valid && (d->s2ap & 2));
	v[9] = PyLong_FromLong(d->xn);
	v[10] = bool_obj(d->af);
	v[11] = PyLong_FromLong(d->memattr);
	v[12] = PyLong_FromLong(d->sh);
	v[13] = bool_obj(d->contiguous);
	v[14] = bool_obj(d->dbm);
	v[15] = PyLong_FromLong(d->sw);
	for (int i = 0; i < 16; i++) {
		if (!v[i]) {
			for (int j = i + 1; j < 16; j++)
				Py_XDECREF(v[j]);
			Py_DECREF(o);
			return NULL;
		}
		PyStructSequence_SetItem(o, i, v[i]);
	}
	return o;
}

/* WalkIterator: the walk in batches of up to WALK_BATCH leaves. */
#define WALK_BATCH 1024

typedef struct {
	PyObject_HEAD
	SessionObject *session;   /* strong reference: keeps the kernel alive */
	struct s2_kvm_mmu mmu;
	uint64_t root;
	uint64_t next, end;       /* the walk resumes at next */
	bool done;
	bool with_invalid;
	unsigned int batch_size;  /* <= WALK_BATCH (smaller only to test the resumption) */
	struct s2_error *pending; /* raised once the batch before it is consumed */
	unsigned int count, pos;
	struct s2_walk_entry batch[WALK_BATCH];
} WalkIterObject;

struct walk_fill {
	WalkIterObject *it;
	bool stopped;
};

static struct s2_error *walk_fill_visit(void *arg, const struct s2_walk_entry *e)
{
	struct walk_fill *f = arg;
	WalkIterObject *it = f->it;

	if (e->event == S2_WALK_PROBLEM) {
		it->pending = s2_error_prefix(s2_walk_problem_error(e), "kvm_s2_mmu 0x%" PRIx64 ": ", it->mmu.addr);
		it->next = e->ia + e->size;
		f->stopped = true;
		return &s2_error_stop;
	}
	if (e->event != S2_WALK_LEAF)
		return NULL;
	it->batch[it->count] = *e;
	it->batch[it->count].read_error = NULL;
	if (++it->count == it->batch_size) {
		it->next = e->ia + e->size;
		f->stopped = true;
		return &s2_error_stop;
	}
	return NULL;
}

static void WalkIter_dealloc(WalkIterObject *self)
{
	s2_error_destroy(self->pending);
	Py_XDECREF((PyObject *)self->session);
	free_self((PyObject *)self);
}

static PyObject *WalkIter_next(WalkIterObject *self)
{
	if (self->pos == self->count) {
		struct walk_fill f = { self, false };
		struct s2_walker w = { walk_fill_visit, &f, self->with_invalid ? 0 : S2_WALK_SKIP_INVALID, 0 };
		struct s2_mem mem;
		struct s2_error *err;

		if (self->pending) {
			err = self->pending;
			self->pending = NULL;
			return raise_s2_error(err);
		}
		if (self->done || self->next >= self->end)
			return NULL; /* StopIteration */
		self->count = self->pos = 0;
		mem = s2_kvm_host_mem(self->session->kernel);
		err = s2_walk(&self->mmu.geo, self->root, &mem, self->next, self->end, &w);
		if (err) {
			self->done = true;
			return raise_s2_error(err);
		}
		if (PyErr_Occurred())
			return NULL;
		if (!f.stopped)
			self->done = true;
		if (self->count == 0) {
			if (self->pending) {
				err = self->pending;
				self->pending = NULL;
				return raise_s2_error(err);
			}
			if (self->done)
				return NULL;
			return WalkIter_next(self); /* cannot happen: a stop always follows a leaf or a problem */
		}
	}
	return leaf_new(&self->batch[self->pos++]);
}

static PyType_Slot walk_iter_slots[] = {
	{ Py_tp_doc, "Leaves of one stage-2 table in ascending IPA order, walked in bounded batches." },
	{ Py_tp_dealloc, (void *)WalkIter_dealloc },
	{ Py_tp_iter, (void *)PyObject_SelfIter },
	{ Py_tp_iternext, (void *)WalkIter_next },
	{ 0, NULL },
};

static PyType_Spec walk_iter_spec = {
	.name = "s2dump_drgn._core.WalkIterator",
	.basicsize = sizeof(WalkIterObject),
	.flags = Py_TPFLAGS_DEFAULT,
	.slots = walk_iter_slots,
};

static PyObject *Session_walk(SessionObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "mmu", "start", "end", "invalid", "batch", NULL };
	unsigned long long addr, start = 0;
	PyObject *end_obj = Py_None;
	int invalid = 0;
	unsigned int batch = WALK_BATCH;
	WalkIterObject *it;
	struct s2_kvm_mmu mmu;
	uint64_t root, limit, end;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "K|KOpI:walk", kwlist, &addr, &start, &end_obj, &invalid,
					 &batch))
		return NULL;
	if (batch < 1 || batch > WALK_BATCH) {
		PyErr_Format(PyExc_ValueError, "walk: batch must be 1..%d", WALK_BATCH);
		return NULL;
	}
	if (!find_mmu_root(self, addr, &mmu, &root))
		return NULL;
	limit = 1ULL << mmu.geo.ia_bits;
	end = limit;
	if (end_obj != Py_None) {
		end = PyLong_AsUnsignedLongLong(end_obj);
		if (PyErr_Occurred())
			return NULL;
		if (end > limit)
			end = limit;
	}
	if (start > end) {
		/* made here: PyErr_Format of Python 3.11 (Debian 12) has no %llx and printed it verbatim */
		char msg[96];

		snprintf(msg, sizeof(msg), "s2_walk: start 0x%llx is above end 0x%llx", start,
			 (unsigned long long)end);
		PyErr_SetString(PyExc_ValueError, msg);
		return NULL;
	}
	it = (WalkIterObject *)PyType_GenericAlloc(WalkIterType, 0);
	if (!it)
		return NULL;
	Py_INCREF((PyObject *)self);
	it->session = self;
	it->mmu = mmu;
	it->root = root;
	it->next = start;
	it->end = end;
	it->done = false;
	it->with_invalid = invalid;
	it->batch_size = batch;
	it->pending = NULL;
	it->count = it->pos = 0;
	return (PyObject *)it;
}

static PyObject *Session_translate(SessionObject *self, PyObject *args)
{
	unsigned long long addr, ipa;
	struct s2_kvm_mmu mmu;
	struct s2_translation t;
	struct s2_mem mem;
	struct s2_error *err;
	uint64_t root;
	bool mapped;
	PyObject *o, *v[17];

	if (!PyArg_ParseTuple(args, "KK:translate", &addr, &ipa))
		return NULL;
	if (!find_mmu_root(self, addr, &mmu, &root))
		return NULL;
	mem = s2_kvm_host_mem(self->kernel);
	err = s2_translate(&mmu.geo, root, &mem, ipa, &t);
	if (err)
		return raise_s2_error(err);
	o = PyStructSequence_New(TranslationType);
	if (!o)
		return NULL;
	mapped = t.fault.type == S2_FAULT_NONE || t.fault.type == S2_FAULT_ACCESS_FLAG;
	v[0] = PyLong_FromUnsignedLongLong(ipa);
	if (mapped)
		v[1] = PyLong_FromUnsignedLongLong(t.oa);
	else {
		Py_INCREF(Py_None);
		v[1] = Py_None;
	}
	v[2] = PyLong_FromLong(t.level);
	v[3] = PyLong_FromUnsignedLongLong(mapped ? t.block_size : 0);
	v[4] = PyLong_FromUnsignedLongLong(t.desc.raw);
	v[5] = PyLong_FromUnsignedLongLong(t.desc_pa);
	v[6] = PyUnicode_FromString(desc_kind_name(t.desc.kind));
	v[7] = bool_obj(mapped && (t.desc.s2ap & 1));
	v[8] = bool_obj(mapped && (t.desc.s2ap & 2));
	v[9] = PyLong_FromLong(t.desc.xn);
	v[10] = bool_obj(t.desc.af);
	v[11] = PyLong_FromLong(t.desc.memattr);
	v[12] = PyLong_FromLong(t.desc.sh);
	v[13] = bool_obj(t.desc.contiguous);
	if (t.fault.type == S2_FAULT_NONE) {
		Py_INCREF(Py_None);
		v[14] = Py_None;
	} else {
		v[14] = PyUnicode_FromString(s2_fault_type_name(t.fault.type));
	}
	v[15] = PyLong_FromUnsignedLong(t.fault.type == S2_FAULT_NONE ? 0 : t.fault.fsc);
	if (t.read_error[0])
		v[16] = PyUnicode_FromString(t.read_error);
	else {
		Py_INCREF(Py_None);
		v[16] = Py_None;
	}
	for (int i = 0; i < 17; i++) {
		if (!v[i]) {
			for (int j = i + 1; j < 17; j++)
				Py_XDECREF(v[j]);
			Py_DECREF(o);
			return NULL;
		}
		PyStructSequence_SetItem(o, i, v[i]);
	}
	return o;
}

/*
 * Valid leaves whose first IPA lies in [start, end), counted and summed (whole leaves) per level
 * and kind: the coverage of one range, by the rule of the pre-fault report (a leaf belongs to
 * the memslot holding its first IPA).
 */
struct coverage {
	uint64_t start, end;
	uint64_t count[S2_LEVEL_MAX - S2_LEVEL_MIN + 1][2];
	uint64_t bytes[S2_LEVEL_MAX - S2_LEVEL_MIN + 1][2];
	struct s2_error *problem;
	uint64_t mmu;
};

static struct s2_error *coverage_visit(void *arg, const struct s2_walk_entry *e)
{
	struct coverage *c = arg;
	int k;

	if (e->event == S2_WALK_PROBLEM) {
		if (!c->problem)
			c->problem = s2_error_prefix(s2_walk_problem_error(e), "kvm_s2_mmu 0x%" PRIx64 ": ", c->mmu);
		return NULL;
	}
	if (e->event != S2_WALK_LEAF || (e->desc.kind != S2_DESC_BLOCK && e->desc.kind != S2_DESC_PAGE))
		return NULL;
	/* A leaf belongs to the range holding its first IPA, with all its bytes (as s2dump -p counts). */
	if (e->ia < c->start || e->ia >= c->end)
		return NULL;
	k = e->desc.kind == S2_DESC_PAGE;
	c->count[e->level - S2_LEVEL_MIN][k]++;
	c->bytes[e->level - S2_LEVEL_MIN][k] += e->size;
	return NULL;
}

static struct s2_error *coverage_walk(SessionObject *self, const struct s2_kvm_mmu *mmu, uint64_t root,
				      struct coverage *c)
{
	struct s2_mem mem = s2_kvm_host_mem(self->kernel);
	struct s2_walker w = { coverage_visit, c, S2_WALK_SKIP_INVALID, 0 };
	struct s2_error *err = c->start < c->end ? s2_walk(&mmu->geo, root, &mem, c->start, c->end, &w) : NULL;

	if (err) {
		s2_error_destroy(c->problem);
		return err;
	}
	return c->problem;
}

/* [(level, 'block'|'page', count, bytes), ...] by level then kind; NULL with MemoryError. */
static PyObject *coverage_list(struct coverage *c)
{
	PyObject *list = PyList_New(0);

	for (int l = 0; list && l <= S2_LEVEL_MAX - S2_LEVEL_MIN; l++) {
		for (int k = 0; k < 2; k++) {
			PyObject *t;

			if (!c->count[l][k])
				continue;
			t = Py_BuildValue("(isKK)", l + S2_LEVEL_MIN, k ? "page" : "block",
					  (unsigned long long)c->count[l][k], (unsigned long long)c->bytes[l][k]);
			if (!t || PyList_Append(list, t)) {
				Py_XDECREF(t);
				Py_CLEAR(list);
				break;
			}
			Py_DECREF(t);
		}
	}
	return list;
}

static PyObject *Session_coverage(SessionObject *self, PyObject *args)
{
	unsigned long long addr, start, end;
	struct s2_kvm_mmu mmu;
	struct s2_error *err;
	struct coverage c;
	uint64_t root;

	if (!PyArg_ParseTuple(args, "KKK:coverage", &addr, &start, &end))
		return NULL;
	if (!find_mmu_root(self, addr, &mmu, &root))
		return NULL;
	memset(&c, 0, sizeof(c));
	c.start = start;
	c.end = end;
	c.mmu = addr;
	err = coverage_walk(self, &mmu, root, &c);
	if (err)
		return raise_s2_error(err);
	return coverage_list(&c);
}

/* Memslots of address space 0 with the canonical stage 2's coverage of each (one call per VM). */
struct memslot_list {
	SessionObject *self;
	const struct s2_kvm_vm *vm;
	uint64_t root;
	PyObject *list;
};

static PyObject *coverage_list(struct coverage *c);
static struct s2_error *coverage_walk(SessionObject *self, const struct s2_kvm_mmu *mmu, uint64_t root,
				      struct coverage *c);

static struct s2_error *memslot_each(void *arg, const struct s2_kvm_memslot *slot)
{
	struct memslot_list *m = arg;
	struct coverage c;
	PyObject *leaves, *t;
	uint64_t mapped = 0;
	struct s2_error *err;

	memset(&c, 0, sizeof(c));
	c.start = slot->gpa;
	c.end = slot->gpa + slot->size;
	c.mmu = m->vm->mmu.addr;
	err = coverage_walk(m->self, &m->vm->mmu, m->root, &c);
	if (err)
		return err;
	leaves = coverage_list(&c);
	if (!leaves)
		return &s2_error_nomem;
	for (int l = 0; l <= S2_LEVEL_MAX - S2_LEVEL_MIN; l++)
		mapped += c.bytes[l][0] + c.bytes[l][1];
	t = Py_BuildValue("(KiKKKkKN)", (unsigned long long)slot->addr, slot->id, (unsigned long long)slot->gpa,
			  (unsigned long long)slot->size, (unsigned long long)slot->userspace_addr,
			  (unsigned long)slot->flags, (unsigned long long)mapped, leaves);
	if (!t || PyList_Append(m->list, t)) {
		Py_XDECREF(t);
		return &s2_error_nomem;
	}
	Py_DECREF(t);
	return NULL;
}

static PyObject *Session_memslots(SessionObject *self, PyObject *args)
{
	unsigned long long kvm;
	struct s2_kvm_vm vm;
	struct memslot_list m = { self, &vm, 0, NULL };
	struct s2_error *err;

	if (!PyArg_ParseTuple(args, "K:memslots", &kvm))
		return NULL;
	err = helper_model(self);
	if (err || PyErr_Occurred())
		return err ? raise_s2_error(err) : NULL;
	err = s2_kvm_read_vm(self->kernel, self->layout, kvm, &vm);
	if (!err)
		err = s2_kvm_vm_root(self->kernel, &vm, &m.root);
	if (err)
		return raise_s2_error(err);
	m.list = PyList_New(0);
	if (!m.list)
		return NULL;
	err = s2_kvm_for_each_memslot(self->kernel, self->layout, &vm, memslot_each, &m);
	if (err && PyErr_Occurred()) {
		s2_error_destroy(err);
		Py_DECREF(m.list);
		return NULL;
	}
	return partial_result(m.list, err);
}

static PyMethodDef Session_methods[] = {
	{ "run", (PyCFunction)Session_run, METH_VARARGS,
	  "run(argv, file) -> int\n\n"
	  "Run one s2dump command line (argv[0] is 's2dump' or 'nesteds2'), writing\n"
	  "its output to file as it is produced. Returns the exit status (0 ok,\n"
	  "1 findings); raises drgn.FaultError, LookupError, ValueError or\n"
	  "s2dump_drgn.Error when the command stops on an error." },
	{ "vms", (PyCFunction)Session_vms, METH_NOARGS,
	  "vms() -> (list of struct kvm addresses on vm_list, exception or None)\n\n"
	  "The VMs before the entry that stopped the list walk, and what stopped it." },
	{ "mmus", (PyCFunction)Session_mmus, METH_VARARGS,
	  "mmus(kvm) -> (list of kvm_s2_mmu addresses, exception or None)\n\n"
	  "&kvm->arch.mmu first, then every kvm->arch.nested_mmus entry (either layout)." },
	{ "walk", (PyCFunction)(void (*)(void))Session_walk, METH_VARARGS | METH_KEYWORDS,
	  "walk(mmu, start=0, end=None, invalid=False, batch=1024) -> iterator of Leaf\n\n"
	  "The leaves of the kvm_s2_mmu at address mmu that overlap [start, end),\n"
	  "ascending; raises drgn.FaultError at a table not in the dump." },
	{ "translate", (PyCFunction)Session_translate, METH_VARARGS,
	  "translate(mmu, ipa) -> Translation" },
	{ "memslots", (PyCFunction)Session_memslots, METH_VARARGS,
	  "memslots(kvm) -> ([(slot address, id, gpa, size, uaddr, flags, mapped, coverage list)], exception or None)\n\n"
	  "Address space 0's memslots in ascending GPA order, each with what the canonical\n"
	  "stage 2 maps inside it (as coverage())." },
	{ "coverage", (PyCFunction)Session_coverage, METH_VARARGS,
	  "coverage(mmu, start, end) -> list of (level, 'block'|'page', count, bytes) of the valid\n"
	  "leaves whose first IPA lies in [start, end) (whole leaves, as s2dump -p counts)" },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot session_slots[] = {
	{ Py_tp_doc, "Session(prog, vmcoreinfo=None, live=False)\n\n"
		     "An s2dump session over a drgn.Program: kernel facts and struct\n"
		     "layouts are resolved once. vmcoreinfo is the VMCOREINFO note text\n"
		     "when drgn does not expose it." },
	{ Py_tp_new, (void *)PyType_GenericNew },
	{ Py_tp_init, (void *)Session_init },
	{ Py_tp_dealloc, (void *)Session_dealloc },
	{ Py_tp_methods, Session_methods },
	{ 0, NULL },
};

static PyType_Spec session_spec = {
	.name = "s2dump_drgn._core.Session",
	.basicsize = sizeof(SessionObject),
	.flags = Py_TPFLAGS_DEFAULT,
	.slots = session_slots,
};

static PyObject *core_help(PyObject *self, PyObject *args)
{
	const char *name;
	const struct s2_command_help *h;

	if (!PyArg_ParseTuple(args, "s:help", &name))
		return NULL;
	h = s2_command_help(name);
	if (!h) {
		PyErr_Format(PyExc_LookupError, "no command %s", name);
		return NULL;
	}
	return Py_BuildValue("{s:s,s:s,s:s}", "name", h->name, "summary", h->summary,
			     "synopsis", h->synopsis);
}

/*
 * Page codecs for kdump-compressed dumps from the field: Python's own zlib (lzo and snappy
 * pages need the CLI, `s2dump repair`). Called with the GIL released (field_repair).
 */
static int py_decompress(unsigned int flags, const void *src, size_t slen, void *dst, size_t dlen)
{
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *zlib = NULL, *out = NULL;
	char *data;
	Py_ssize_t n;
	int bad = 1;

	if (flags & S2_FIELD_ZLIB) {
		zlib = PyImport_ImportModule("zlib");
		out = zlib ? PyObject_CallMethod(zlib, "decompress", "y#", (const char *)src, (Py_ssize_t)slen) : NULL;
		if (out && PyBytes_AsStringAndSize(out, &data, &n) == 0 && (size_t)n == dlen) {
			memcpy(dst, data, dlen);
			bad = 0;
		}
	}
	PyErr_Clear();
	Py_XDECREF(out);
	Py_XDECREF(zlib);
	PyGILState_Release(g);
	return bad;
}

static size_t py_compress(const void *src, size_t slen, void *dst, size_t dcap)
{
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *zlib = PyImport_ImportModule("zlib"), *out = NULL;
	char *data;
	Py_ssize_t n;
	size_t got = 0;

	out = zlib ? PyObject_CallMethod(zlib, "compress", "y#i", (const char *)src, (Py_ssize_t)slen, 1) : NULL;
	if (out && PyBytes_AsStringAndSize(out, &data, &n) == 0 && (size_t)n <= dcap) {
		memcpy(dst, data, (size_t)n);
		got = (size_t)n;
	}
	PyErr_Clear();
	Py_XDECREF(out);
	Py_XDECREF(zlib);
	PyGILState_Release(g);
	return got;
}

/*
 * field_repair(path) -> None | (fd, notice): a dump QEMU wrote with shifted RAM
 * (docs/field-dumps.md) as an unnamed temporary file the caller owns and hands to drgn, with
 * the one line saying what was repaired. A shift that does not verify raises ValueError.
 */
static PyObject *core_field_repair(PyObject *self, PyObject *args)
{
	const char *path;
	struct s2_field_plan plan;
	struct s2_error *err;
	char notice[768];
	int fd, out;

	static const struct s2_field_codecs codecs = { .decompress = py_decompress, .compress = py_compress };

	if (!PyArg_ParseTuple(args, "s:field_repair", &path))
		return NULL;
	s2_field_set_codecs(&codecs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PyErr_SetFromErrnoWithFilename(PyExc_OSError, path);
	Py_BEGIN_ALLOW_THREADS
	err = s2_field_open_repaired(fd, path, &plan, &out);
	Py_END_ALLOW_THREADS
	close(fd);
	if (err)
		return raise_s2_error(err);
	if (out < 0)
		Py_RETURN_NONE;
	s2_field_describe(&plan, path, notice, sizeof(notice));
	return Py_BuildValue("(is)", out, notice);
}

static PyMethodDef core_methods[] = {
	{ "help", core_help, METH_VARARGS, "help(name) -> dict: name, summary, synopsis of a command" },
	{ "field_repair", core_field_repair, METH_VARARGS,
	  "field_repair(path) -> None | (fd, notice): a repaired copy of a dump QEMU wrote with shifted RAM" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef core_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "s2dump_drgn._core",
	.m_doc = "The s2dump core (C) driven through drgn.",
	.m_size = -1,
	.m_methods = core_methods,
};

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void)
{
	PyObject *m;

	drgn_module = PyImport_ImportModule("drgn");
	if (!drgn_module)
		return NULL;
	drgn_fault_error = PyObject_GetAttrString(drgn_module, "FaultError");
	if (!drgn_fault_error)
		return NULL;
	SessionType = (PyTypeObject *)PyType_FromSpec(&session_spec);
	WalkIterType = (PyTypeObject *)PyType_FromSpec(&walk_iter_spec);
	LeafType = PyStructSequence_NewType(&leaf_desc);
	TranslationType = PyStructSequence_NewType(&translation_desc);
	if (!SessionType || !WalkIterType || !LeafType || !TranslationType)
		return NULL;
	m = PyModule_Create(&core_module);
	if (!m)
		return NULL;
	core_error = PyErr_NewException("s2dump_drgn.Error", PyExc_Exception, NULL);
	Py_INCREF((PyObject *)SessionType);
	Py_INCREF((PyObject *)LeafType);
	Py_INCREF((PyObject *)TranslationType);
	if (!core_error || PyModule_AddObject(m, "Error", core_error) < 0 ||
	    PyModule_AddObject(m, "Session", (PyObject *)SessionType) < 0 ||
	    PyModule_AddObject(m, "Leaf", (PyObject *)LeafType) < 0 ||
	    PyModule_AddObject(m, "Translation", (PyObject *)TranslationType) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF(core_error);
	return m;
}
