// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * _s2dump_host: the s2dump core driven by a host program through Python.
 *
 * The generic "target from a host program" adapter (ARCHITECTURE.md, layer 2):
 * a struct s2_target whose operations call methods of a Python object, the
 * host, which converts them to its program's own calls. Its hosts: gdb
 * (gdb/s2dump-gdb.py: gdb's read_memory and types) and drgn
 * (libdrgn-contrib/s2dump_drgn/_host.py: a drgn.Program). One Session per host
 * (layouts resolved once); run() executes one command line with the output
 * streamed to a Python file object's write(). The helpers' entry points
 * (vms, mmus, walk, translate, coverage, memslots) give the KVM model's and
 * the walker's answers as Python values, for a host's helpers in its own
 * style (s2dump_drgn.helpers); field_repair() is the CLI's repair of a dump
 * from the field, for hosts that open dumps themselves.
 *
 * The host's methods, each returning a value or raising:
 *   read_phys(pa, n) -> bytes           required
 *   read_kvaddr(va, n) -> bytes         optional: the core translates itself without it
 *   symbol_address(name) -> int         required, run-time address (KASLR applied)
 *   member_info(type, path) -> (offset, size, kind, target_kind, array_length, is_signed)
 *                                       required; kinds are "int", "enum", "pointer",
 *                                       "struct", "union", "array" or "other"
 *   type_size(type) -> int              required ("kvm" for struct kvm)
 *   enumerator_value(name) -> int       optional
 *   function_param_count(name) -> int  optional
 *   symbol_size(name) -> int            optional
 *   vmcoreinfo(key) -> str              optional
 * An exception of a lookup method is S2_ERROR_LOOKUP (the core tries its
 * fallbacks), one of a read is S2_ERROR_FAULT at that address; its text is
 * part of the message.
 * Optional methods the host does not have leave the target operation NULL.
 *
 * Errors of the core are raised as _s2dump_host.Error(message) with the
 * attributes kind ("fault", "lookup", "invalid-argument", "layout",
 * "corrupt", "io", "unsupported", "nomem", "other"), address (int or None)
 * and status (the exit status the CLI would use), for the front end to turn
 * into its own kind of error: or, given Session(..., convert_error=f), as
 * the exception f(Error) returns (the walk's iterator and the listings'
 * partial results too, so a host needs no wrapper around them).
 *
 * The limited API of 3.11 (stable ABI): one .abi3.so loads in gdb's Python
 * (Debian 12: 3.11) and in newer ones.
 */
#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "s2dump/command.h"
#include "s2dump/error.h"
#include "s2dump/field.h"
#include "s2dump/kernel.h"
#include "s2dump/kvm.h"
#include "s2dump/target.h"
#include "s2dump/walk.h"

#include "pyrun.h"

static PyObject *host_error; /* _s2dump_host.Error */

/* The int a host method returned (result, consumed); its exception becomes S2_ERROR_LOOKUP naming what. */
static struct s2_error *call_int(const char *what, PyObject *result, bool is_signed, uint64_t *out)
{
	char why[256];

	if (!result) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "%s: %s", what, why);
	}
	if (!PyLong_Check(result)) {
		Py_DECREF(result);
		return s2_error_create(S2_ERROR_LOOKUP, "%s: the host returned no integer", what);
	}
	*out = is_signed ? (uint64_t)PyLong_AsLongLong(result) : PyLong_AsUnsignedLongLongMask(result);
	Py_DECREF(result);
	if (PyErr_Occurred()) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "%s: %s", what, why);
	}
	return NULL;
}

static struct s2_error *host_read(PyObject *host, const char *method, uint64_t addr, void *buf, size_t len,
				  bool physical)
{
	PyObject *bytes = PyObject_CallMethod(host, method, "Kn", (unsigned long long)addr, (Py_ssize_t)len);

	return s2_py_read_result(bytes, addr, physical, buf, len);
}

static struct s2_error *op_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return host_read(ctx, "read_phys", pa, buf, len, true);
}

static struct s2_error *op_read_kvaddr(void *ctx, uint64_t va, void *buf, size_t len)
{
	return host_read(ctx, "read_kvaddr", va, buf, len, false);
}

static struct s2_error *op_symbol_address(void *ctx, const char *name, uint64_t *addr)
{
	char what[160];

	snprintf(what, sizeof(what), "symbol %s", name);
	return call_int(what, PyObject_CallMethod(ctx, "symbol_address", "s", name),
			false, addr);
}

static const struct {
	const char *name;
	enum s2_type_kind kind;
} kind_names[] = {
	{ "int", S2_TYPE_INT },       { "enum", S2_TYPE_ENUM },   { "pointer", S2_TYPE_POINTER },
	{ "struct", S2_TYPE_STRUCT }, { "union", S2_TYPE_UNION }, { "array", S2_TYPE_ARRAY },
	{ "other", S2_TYPE_OTHER },
};

static bool kind_of(PyObject *name, enum s2_type_kind *kind)
{
	const char *s = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8AndSize(name, NULL) : NULL;

	for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (!strcmp(s, kind_names[i].name)) {
			*kind = kind_names[i].kind;
			return true;
		}
	}
	return false;
}

static struct s2_error *op_member_info(void *ctx, const char *type, const char *path,
				       struct s2_member_info *out)
{
	PyObject *r = PyObject_CallMethod(ctx, "member_info", "ss", type, path);
	unsigned long long offset, size, length;
	PyObject *kind, *target_kind;
	int is_signed;
	char why[256];

	memset(out, 0, sizeof(*out));
	if (!r) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: %s", type, path, why);
	}
	if (!PyTuple_Check(r) ||
	    !PyArg_ParseTuple(r, "KKOOKp", &offset, &size, &kind, &target_kind, &length, &is_signed) ||
	    !kind_of(kind, &out->kind) || !kind_of(target_kind, &out->target_kind)) {
		PyErr_Clear();
		Py_DECREF(r);
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: the host's answer is not "
				       "(offset, size, kind, target_kind, array_length, is_signed)", type, path);
	}
	out->offset = offset;
	out->size = size;
	out->array_length = length;
	out->is_signed = is_signed;
	Py_DECREF(r);
	return NULL;
}

static struct s2_error *op_type_size(void *ctx, const char *type, uint64_t *size)
{
	char what[160];

	snprintf(what, sizeof(what), "type struct %s", type);
	return call_int(what, PyObject_CallMethod(ctx, "type_size", "s", type), false, size);
}

static struct s2_error *op_enumerator_value(void *ctx, const char *name, int64_t *value)
{
	char what[160];
	uint64_t v;
	struct s2_error *err;

	snprintf(what, sizeof(what), "constant %s", name);
	err = call_int(what, PyObject_CallMethod(ctx, "enumerator_value", "s", name),
		       true, &v);
	if (!err)
		*value = (int64_t)v;
	return err;
}

static struct s2_error *op_function_param_count(void *ctx, const char *name, unsigned int *count)
{
	char what[160];
	uint64_t v;
	struct s2_error *err;

	snprintf(what, sizeof(what), "function %s", name);
	err = call_int(what,
		       PyObject_CallMethod(ctx, "function_param_count", "s", name), false, &v);
	if (!err)
		*count = (unsigned int)v;
	return err;
}

static struct s2_error *op_symbol_size(void *ctx, const char *name, uint64_t *size)
{
	char what[160];

	snprintf(what, sizeof(what), "symbol %s size", name);
	return call_int(what, PyObject_CallMethod(ctx, "symbol_size", "s", name), false,
			size);
}

static struct s2_error *op_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	PyObject *r = PyObject_CallMethod(ctx, "vmcoreinfo", "s", key);
	const char *s;
	char why[256];

	if (!r) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO %s: %s", key, why);
	}
	s = PyUnicode_Check(r) ? PyUnicode_AsUTF8AndSize(r, NULL) : NULL;
	if (!s) {
		PyErr_Clear();
		Py_DECREF(r);
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO has no %s", key);
	}
	snprintf(buf, len, "%s", s);
	Py_DECREF(r);
	return NULL;
}

/* Raise _s2dump_host.Error for a core error with its kind, address and status; consumes err. */
static PyObject *raise_s2_error(struct s2_error *err, int status)
{
	static const char *const kinds[] = {
		[S2_ERROR_NOMEM] = "nomem",
		[S2_ERROR_INVALID_ARGUMENT] = "invalid-argument",
		[S2_ERROR_FAULT] = "fault",
		[S2_ERROR_LOOKUP] = "lookup",
		[S2_ERROR_LAYOUT] = "layout",
		[S2_ERROR_CORRUPT] = "corrupt",
		[S2_ERROR_IO] = "io",
		[S2_ERROR_UNSUPPORTED] = "unsupported",
	};
	const char *kind = (size_t)err->code < sizeof(kinds) / sizeof(kinds[0]) && kinds[err->code] ?
		kinds[err->code] : "other";
	PyObject *exc;

	if (PyErr_Occurred()) { /* a Python error (the output file's) takes precedence */
		s2_error_destroy(err);
		return NULL;
	}
	exc = PyObject_CallFunction(host_error, "s", err->message);
	if (exc) {
		PyObject *address = err->code == S2_ERROR_FAULT && err->has_address ?
			PyLong_FromUnsignedLongLong(err->address) : Py_NewRef(Py_None);
		PyObject *st = PyLong_FromLong(status);
		PyObject *k = PyUnicode_FromString(kind);

		if (address && st && k && PyObject_SetAttrString(exc, "address", address) == 0 &&
		    PyObject_SetAttrString(exc, "status", st) == 0 && PyObject_SetAttrString(exc, "kind", k) == 0)
			PyErr_SetObject(host_error, exc);
		Py_XDECREF(address);
		Py_XDECREF(st);
		Py_XDECREF(k);
		Py_DECREF(exc);
	}
	s2_error_destroy(err);
	return NULL;
}

/* Session */

typedef struct {
	PyObject_HEAD
	PyObject *host;
	struct s2_target_ops ops;
	struct s2_target target;
	struct s2_session *session;
	char backend[32];
	PyObject *convert_error;  /* callable or NULL: the host's own exception for an Error */
} SessionObject;

/*
 * Raise the core's error as the session's host wants it: _s2dump_host.Error, or what the host's
 * convert_error(Error) returns (drgn's kinds for the drgn module: no Python wrapper on the hot
 * paths, the walk iterator's included). Consumes err; returns NULL.
 */
static PyObject *session_raise(SessionObject *self, struct s2_error *err, int status)
{
	PyObject *type, *value, *tb, *converted;

	raise_s2_error(err, status);
	if (!self->convert_error || !PyErr_ExceptionMatches(host_error))
		return NULL;
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	converted = value ? PyObject_CallFunctionObjArgs(self->convert_error, value, NULL) : NULL;
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
	if (converted && PyExceptionInstance_Check(converted))
		PyErr_SetObject((PyObject *)Py_TYPE(converted), converted);
	else if (converted)
		PyErr_SetString(PyExc_TypeError, "convert_error must return an exception");
	Py_XDECREF(converted);
	return NULL;
}

static void Session_dealloc(SessionObject *self)
{
	PyTypeObject *type = Py_TYPE((PyObject *)self);
	freefunc tp_free = (freefunc)PyType_GetSlot(type, Py_tp_free);

	if (self->session)
		s2_session_destroy(self->session);
	Py_XDECREF(self->host);
	Py_XDECREF(self->convert_error);
	tp_free((PyObject *)self);
	Py_DECREF((PyObject *)type);
}

static bool has_method(PyObject *host, const char *name)
{
	PyObject *m = PyObject_GetAttrString(host, name);
	bool ok = m && PyCallable_Check(m);

	Py_XDECREF(m);
	PyErr_Clear();
	return ok;
}

static int Session_init(SessionObject *self, PyObject *args, PyObject *kwds)
{
	static char *kwlist[] = { "host", "backend", "live", "convert_error", NULL };
	static const char *const required[] = { "read_phys", "symbol_address", "member_info", "type_size" };
	const char *backend = "python";
	PyObject *host, *convert_error = Py_None;
	int live = 0;
	struct s2_error *err;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|spO:Session", kwlist, &host, &backend, &live, &convert_error))
		return -1;
	if (self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session already initialised");
		return -1;
	}
	if (convert_error != Py_None && !PyCallable_Check(convert_error)) {
		PyErr_SetString(PyExc_TypeError, "convert_error must be callable or None");
		return -1;
	}
	if (convert_error != Py_None)
		self->convert_error = Py_NewRef(convert_error);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!has_method(host, required[i])) {
			PyErr_Format(PyExc_TypeError, "the host has no method %s", required[i]);
			return -1;
		}
	}
	Py_INCREF(host);
	self->host = host;
	self->ops = (struct s2_target_ops){
		.read_phys = op_read_phys,
		.read_kvaddr = has_method(host, "read_kvaddr") ? op_read_kvaddr : NULL,
		.symbol_address = op_symbol_address,
		.member_info = op_member_info,
		.type_size = op_type_size,
		.enumerator_value = has_method(host, "enumerator_value") ? op_enumerator_value : NULL,
		.function_param_count = has_method(host, "function_param_count") ? op_function_param_count : NULL,
		.symbol_size = has_method(host, "symbol_size") ? op_symbol_size : NULL,
		.vmcoreinfo = has_method(host, "vmcoreinfo") ? op_vmcoreinfo : NULL,
	};
	snprintf(self->backend, sizeof(self->backend), "%s", backend);
	self->target.ops = &self->ops;
	self->target.ctx = host;
	self->target.backend = self->backend;
	self->target.live = live;
	err = s2_session_create(&self->target, &self->session);
	if (err) {
		session_raise(self, err, S2_STATUS_ERROR);
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
	if (!self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session not initialised");
		return NULL;
	}
	if (s2_py_command_run(self->session, argv, file, &err, &status) < 0)
		return NULL;
	if (err)
		return session_raise(self, err, status);
	return PyLong_FromLong(status);
}

/*
 * The helpers' entry points: the KVM model and the walker of the session (the same layouts
 * its commands use), for the host's helpers in its own style (s2dump_drgn.helpers).
 */

static PyTypeObject *LeafType, *TranslationType, *WalkIterType;

/* The session's kernel and KVM layouts; raises and returns false on error. */
static bool session_model(SessionObject *self, struct s2_kernel **k, const struct s2_kvm_layout **l)
{
	struct s2_error *err;

	if (!self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session not initialised");
		return false;
	}
	err = s2_session_model(self->session, k, l);
	if (err) {
		session_raise(self, err, S2_STATUS_ERROR);
		return false;
	}
	return true;
}

/* (list of results so far, the Error that stopped the listing or None); consumes list and err. */
static PyObject *partial_result(SessionObject *self, PyObject *list, struct s2_error *err)
{
	PyObject *type, *value, *tb, *r;

	if (!err)
		return Py_BuildValue("(NO)", list, Py_None);
	if (err->code == S2_ERROR_NOMEM || PyErr_Occurred()) { /* nothing to go on with */
		s2_error_destroy(err);
		Py_DECREF(list);
		return PyErr_Occurred() ? NULL : PyErr_NoMemory();
	}
	session_raise(self, err, S2_STATUS_ERROR);
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
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	PyObject *list;

	if (!session_model(self, &k, &l))
		return NULL;
	list = PyList_New(0);
	if (!list)
		return NULL;
	return partial_result(self, list, s2_kvm_for_each_vm(k, l, vms_each, list));
}

static PyObject *Session_mmus(SessionObject *self, PyObject *args)
{
	unsigned long long kvm;
	struct s2_kernel *k;
	const struct s2_kvm_layout *l;
	struct s2_kvm_vm vm;
	struct s2_error *err;
	PyObject *list;

	if (!PyArg_ParseTuple(args, "K:mmus", &kvm) || !session_model(self, &k, &l))
		return NULL;
	err = s2_kvm_read_vm(k, l, kvm, &vm);
	if (err)
		return session_raise(self, err, S2_STATUS_ERROR);
	list = PyList_New(0);
	if (!list)
		return NULL;
	err = append_u64(list, vm.mmu.addr);
	for (uint64_t i = 0; !err && i < vm.nested_mmus_size; i++) {
		struct s2_kvm_mmu m;

		err = s2_kvm_read_nested_mmu(k, l, &vm, i, &m);
		if (!err)
			err = append_u64(list, m.addr);
	}
	return partial_result(self, list, err);
}

/* The MMU at addr and its root (s2_kvm_find_mmu); raises and returns false on error. */
static bool find_mmu(SessionObject *self, uint64_t addr, struct s2_kernel **k, struct s2_kvm_mmu *mmu,
		     uint64_t *root)
{
	const struct s2_kvm_layout *l;
	struct s2_error *err;

	if (!session_model(self, k, &l))
		return false;
	err = s2_kvm_find_mmu(*k, l, addr, mmu, root);
	if (err) {
		session_raise(self, err, S2_STATUS_ERROR);
		return false;
	}
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
	"_s2dump_host.Leaf",
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
	"_s2dump_host.Translation",
	"The translation of one IPA by a stage-2 table, as the MMU would do it.",
	translation_fields,
	17,
};

/* A struct sequence of type with n values (each a new reference or NULL: then all are dropped). */
static PyObject *struct_sequence(PyTypeObject *type, PyObject **v, int n)
{
	PyObject *o = PyStructSequence_New(type);

	for (int i = 0; i < n; i++) {
		if (!o || !v[i]) {
			for (int j = i; j < n; j++)
				Py_XDECREF(v[j]);
			Py_XDECREF(o);
			return NULL;
		}
		PyStructSequence_SetItem(o, i, v[i]);
	}
	return o;
}

static PyObject *int_or_none(bool has, uint64_t v)
{
	return has ? PyLong_FromUnsignedLongLong(v) : Py_NewRef(Py_None);
}

static PyObject *leaf_new(const struct s2_walk_entry *e)
{
	const struct s2_desc *d = &e->desc;
	bool valid = d->kind == S2_DESC_BLOCK || d->kind == S2_DESC_PAGE || d->kind == S2_DESC_RESERVED;
	PyObject *v[16] = {
		PyLong_FromUnsignedLongLong(e->ia),
		PyLong_FromUnsignedLongLong(e->size),
		PyLong_FromLong(e->level),
		int_or_none(valid, d->oa),
		PyLong_FromUnsignedLongLong(d->raw),
		PyLong_FromUnsignedLongLong(e->desc_pa),
		PyUnicode_FromString(desc_kind_name(d->kind)),
		PyBool_FromLong(valid && (d->s2ap & 1)),
		PyBool_FromLong(valid && (d->s2ap & 2)),
		PyLong_FromLong(d->xn),
		PyBool_FromLong(d->af),
		PyLong_FromLong(d->memattr),
		PyLong_FromLong(d->sh),
		PyBool_FromLong(d->contiguous),
		PyBool_FromLong(d->dbm),
		PyLong_FromLong(d->sw),
	};

	return struct_sequence(LeafType, v, 16);
}

/* WalkIterator: the walk in batches of up to WALK_BATCH leaves. */
#define WALK_BATCH 1024

typedef struct {
	PyObject_HEAD
	SessionObject *session;   /* strong reference: keeps the kernel alive */
	struct s2_kernel *kernel; /* the session's */
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
	PyTypeObject *type = Py_TYPE((PyObject *)self);
	freefunc tp_free = (freefunc)PyType_GetSlot(type, Py_tp_free);

	s2_error_destroy(self->pending);
	Py_XDECREF((PyObject *)self->session);
	tp_free((PyObject *)self);
	Py_DECREF((PyObject *)type);
}

static PyObject *WalkIter_raise_pending(WalkIterObject *self)
{
	struct s2_error *err = self->pending;

	self->pending = NULL;
	return session_raise(self->session, err, S2_STATUS_ERROR);
}

static PyObject *WalkIter_next(WalkIterObject *self)
{
	while (self->pos == self->count) {
		struct walk_fill f = { self, false };
		struct s2_walker w = { walk_fill_visit, &f, self->with_invalid ? 0 : S2_WALK_SKIP_INVALID, 0 };
		struct s2_mem mem;
		struct s2_error *err;

		if (self->pending)
			return WalkIter_raise_pending(self);
		if (self->done || self->next >= self->end)
			return NULL; /* StopIteration */
		self->count = self->pos = 0;
		mem = s2_kvm_host_mem(self->kernel);
		err = s2_walk(&self->mmu.geo, self->root, &mem, self->next, self->end, &w);
		if (err) {
			self->done = true;
			return session_raise(self->session, err, S2_STATUS_ERROR);
		}
		if (PyErr_Occurred())
			return NULL;
		if (!f.stopped)
			self->done = true;
		/* a stop always follows a leaf or a problem: an empty batch is the end or a problem */
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
	.name = "_s2dump_host.WalkIterator",
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
	struct s2_kernel *k;
	struct s2_kvm_mmu mmu;
	uint64_t root, limit, end;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "K|KOpI:walk", kwlist, &addr, &start, &end_obj, &invalid,
					 &batch))
		return NULL;
	if (batch < 1 || batch > WALK_BATCH) {
		PyErr_Format(PyExc_ValueError, "walk: batch must be 1..%d", WALK_BATCH);
		return NULL;
	}
	if (!find_mmu(self, addr, &k, &mmu, &root))
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
	it->kernel = k;
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
	struct s2_kernel *k;
	struct s2_kvm_mmu mmu;
	struct s2_translation t;
	struct s2_mem mem;
	struct s2_error *err;
	uint64_t root;
	bool mapped, fault;

	if (!PyArg_ParseTuple(args, "KK:translate", &addr, &ipa) || !find_mmu(self, addr, &k, &mmu, &root))
		return NULL;
	mem = s2_kvm_host_mem(k);
	err = s2_translate(&mmu.geo, root, &mem, ipa, &t);
	if (err)
		return session_raise(self, err, S2_STATUS_ERROR);
	mapped = t.fault.type == S2_FAULT_NONE || t.fault.type == S2_FAULT_ACCESS_FLAG;
	fault = t.fault.type != S2_FAULT_NONE;
	PyObject *v[17] = {
		PyLong_FromUnsignedLongLong(ipa),
		int_or_none(mapped, t.oa),
		PyLong_FromLong(t.level),
		PyLong_FromUnsignedLongLong(mapped ? t.block_size : 0),
		PyLong_FromUnsignedLongLong(t.desc.raw),
		PyLong_FromUnsignedLongLong(t.desc_pa),
		PyUnicode_FromString(desc_kind_name(t.desc.kind)),
		PyBool_FromLong(mapped && (t.desc.s2ap & 1)),
		PyBool_FromLong(mapped && (t.desc.s2ap & 2)),
		PyLong_FromLong(t.desc.xn),
		PyBool_FromLong(t.desc.af),
		PyLong_FromLong(t.desc.memattr),
		PyLong_FromLong(t.desc.sh),
		PyBool_FromLong(t.desc.contiguous),
		fault ? PyUnicode_FromString(s2_fault_type_name(t.fault.type)) : Py_NewRef(Py_None),
		PyLong_FromUnsignedLong(fault ? t.fault.fsc : 0),
		t.read_error[0] ? PyUnicode_FromString(t.read_error) : Py_NewRef(Py_None),
	};
	return struct_sequence(TranslationType, v, 17);
}

/* The first problem of a coverage walk, named by its MMU; reserved leaves are not counted, no more. */
struct coverage_problem {
	uint64_t mmu;
	struct s2_error *first;
};

static struct s2_error *coverage_note(void *arg, const struct s2_walk_entry *e)
{
	struct coverage_problem *p = arg;

	if (e->event == S2_WALK_PROBLEM && !p->first)
		p->first = s2_error_prefix(s2_walk_problem_error(e), "kvm_s2_mmu 0x%" PRIx64 ": ", p->mmu);
	return NULL;
}

/* s2_kvm_coverage of [start, end) and its first problem as the error. */
static struct s2_error *coverage_of(struct s2_kernel *k, const struct s2_kvm_mmu *mmu, uint64_t root,
				    uint64_t start, uint64_t end, struct s2_kvm_coverage *c)
{
	struct coverage_problem p = { mmu->addr, NULL };
	struct s2_error *err = s2_kvm_coverage(k, mmu, root, start, end, coverage_note, &p, c);

	if (err) {
		s2_error_destroy(p.first);
		return err;
	}
	return p.first;
}

/* [(level, 'block'|'page', count, bytes), ...] by level then kind (permissions and AF summed). */
static PyObject *coverage_list(const struct s2_kvm_coverage *c)
{
	PyObject *list = PyList_New(0);

	for (int l = 0; list && l < S2_KVM_COVERAGE_LEVELS; l++) {
		for (int kind = 0; kind < 2; kind++) {
			unsigned long long count = 0, bytes = 0;
			PyObject *t;

			for (int perm = 0; perm < 8; perm++)
				for (int af = 0; af < 2; af++) {
					count += c->g[l][kind][perm][af].count;
					bytes += c->g[l][kind][perm][af].bytes;
				}
			if (!count)
				continue;
			t = Py_BuildValue("(isKK)", l + S2_LEVEL_MIN, kind ? "page" : "block", count, bytes);
			if (!t || PyList_Append(list, t))
				Py_CLEAR(list);
			Py_XDECREF(t);
			if (!list)
				break;
		}
	}
	return list;
}

static PyObject *Session_coverage(SessionObject *self, PyObject *args)
{
	unsigned long long addr, start, end;
	struct s2_kernel *k;
	struct s2_kvm_mmu mmu;
	struct s2_kvm_coverage *c;
	struct s2_error *err;
	uint64_t root;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "KKK:coverage", &addr, &start, &end) || !find_mmu(self, addr, &k, &mmu, &root))
		return NULL;
	c = PyMem_Malloc(sizeof(*c)); /* 5 KiB */
	if (!c)
		return PyErr_NoMemory();
	err = coverage_of(k, &mmu, root, start, end, c);
	r = err ? session_raise(self, err, S2_STATUS_ERROR) : coverage_list(c);
	PyMem_Free(c);
	return r;
}

/* Memslots of address space 0 with the canonical stage 2's coverage of each (one call per VM). */
struct memslot_list {
	struct s2_kernel *k;
	const struct s2_kvm_vm *vm;
	uint64_t root;
	struct s2_kvm_coverage c;
	PyObject *list;
};

static struct s2_error *memslot_each(void *arg, const struct s2_kvm_memslot *slot)
{
	struct memslot_list *m = arg;
	struct s2_error *err = coverage_of(m->k, &m->vm->mmu, m->root, slot->gpa, slot->gpa + slot->size, &m->c);
	PyObject *leaves, *t;

	if (err)
		return err;
	leaves = coverage_list(&m->c);
	if (!leaves)
		return &s2_error_nomem;
	t = Py_BuildValue("(KiKKKkKN)", (unsigned long long)slot->addr, slot->id, (unsigned long long)slot->gpa,
			  (unsigned long long)slot->size, (unsigned long long)slot->userspace_addr,
			  (unsigned long)slot->flags, (unsigned long long)m->c.mapped, leaves);
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
	const struct s2_kvm_layout *l;
	struct s2_kvm_vm vm;
	struct memslot_list *m;
	struct s2_error *err;
	PyObject *r;

	if (!PyArg_ParseTuple(args, "K:memslots", &kvm))
		return NULL;
	m = PyMem_Calloc(1, sizeof(*m));
	if (!m)
		return PyErr_NoMemory();
	if (!session_model(self, &m->k, &l)) {
		PyMem_Free(m);
		return NULL;
	}
	m->vm = &vm;
	err = s2_kvm_read_vm(m->k, l, kvm, &vm);
	if (!err)
		err = s2_kvm_vm_root(m->k, &vm, &m->root);
	if (err) {
		PyMem_Free(m);
		return session_raise(self, err, S2_STATUS_ERROR);
	}
	m->list = PyList_New(0);
	r = m->list ? partial_result(self, m->list, s2_kvm_for_each_memslot(m->k, l, &vm, memslot_each, m)) : NULL;
	PyMem_Free(m);
	return r;
}

static PyMethodDef Session_methods[] = {
	{ "run", (PyCFunction)Session_run, METH_VARARGS,
	  "run(argv, file) -> int: one command line (argv[0] 's2dump' or 'nesteds2'), output streamed to "
	  "file.write(); the exit status (0, or 1 for findings); raises Error" },
	{ "vms", (PyCFunction)Session_vms, METH_NOARGS,
	  "vms() -> (list of struct kvm addresses on vm_list, Error or None)\n\n"
	  "The VMs before the entry that stopped the list walk, and what stopped it." },
	{ "mmus", (PyCFunction)Session_mmus, METH_VARARGS,
	  "mmus(kvm) -> (list of kvm_s2_mmu addresses, Error or None)\n\n"
	  "&kvm->arch.mmu first, then every kvm->arch.nested_mmus entry (either layout)." },
	{ "walk", (PyCFunction)(void (*)(void))Session_walk, METH_VARARGS | METH_KEYWORDS,
	  "walk(mmu, start=0, end=None, invalid=False, batch=1024) -> iterator of Leaf\n\n"
	  "The leaves of the kvm_s2_mmu at address mmu that overlap [start, end),\n"
	  "ascending, walked in bounded batches; raises Error (kind 'fault') at a table not in the\n"
	  "dump, after the leaves before it; next() goes on after that table." },
	{ "translate", (PyCFunction)Session_translate, METH_VARARGS,
	  "translate(mmu, ipa) -> Translation: one IPA through the MMU's stage 2, as the MMU would" },
	{ "memslots", (PyCFunction)Session_memslots, METH_VARARGS,
	  "memslots(kvm) -> ([(slot address, id, gpa, size, uaddr, flags, mapped, coverage list)], Error or None)\n\n"
	  "Address space 0's memslots in ascending GPA order, each with what the canonical\n"
	  "stage 2 maps inside it (as coverage())." },
	{ "coverage", (PyCFunction)Session_coverage, METH_VARARGS,
	  "coverage(mmu, start, end) -> list of (level, 'block'|'page', count, bytes) of the valid\n"
	  "leaves whose first IPA lies in [start, end) (whole leaves, as s2dump -p counts)" },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot session_slots[] = {
	{ Py_tp_doc, "Session(host, backend='python', live=False, convert_error=None): the s2dump core on a host "
		     "object's target; convert_error(Error) -> the exception to raise instead of an Error" },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_init, Session_init },
	{ Py_tp_dealloc, Session_dealloc },
	{ Py_tp_methods, Session_methods },
	{ 0, NULL },
};

static PyType_Spec session_spec = {
	.name = "_s2dump_host.Session",
	.basicsize = sizeof(SessionObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, /* a host's own Session (s2dump_drgn's) */
	.slots = session_slots,
};

static PyObject *lines_tuple(const char *const *lines)
{
	Py_ssize_t n = 0;
	PyObject *t;

	while (lines[n])
		n++;
	t = PyTuple_New(n);
	for (Py_ssize_t i = 0; t && i < n; i++) {
		PyObject *s = PyUnicode_FromString(lines[i]);

		if (!s || PyTuple_SetItem(t, i, s) < 0) {
			Py_DECREF(t);
			return NULL;
		}
	}
	return t;
}

/* help(name) -> dict of the core's help: name, summary, synopsis, description and examples (lines). */
static PyObject *host_help(PyObject *self, PyObject *args)
{
	const char *name;
	const struct s2_command_help *h;
	PyObject *description, *examples, *r;

	if (!PyArg_ParseTuple(args, "s:help", &name))
		return NULL;
	h = s2_command_help(name);
	if (!h) {
		PyErr_Format(PyExc_LookupError, "no command %s", name);
		return NULL;
	}
	description = lines_tuple(h->description);
	examples = description ? lines_tuple(h->examples) : NULL;
	r = examples ? Py_BuildValue("{s:s,s:s,s:s,s:O,s:O}", "name", h->name, "summary", h->summary,
				     "synopsis", h->synopsis, "description", description, "examples", examples) :
		NULL;
	Py_XDECREF(description);
	Py_XDECREF(examples);
	return r;
}

static PyObject *host_command_names(PyObject *self, PyObject *unused)
{
	return lines_tuple(s2_command_names());
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
static PyObject *host_field_repair(PyObject *self, PyObject *args)
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
		return raise_s2_error(err, S2_STATUS_ERROR);
	if (out < 0)
		Py_RETURN_NONE;
	s2_field_describe(&plan, path, notice, sizeof(notice));
	return Py_BuildValue("(is)", out, notice);
}

static PyMethodDef host_methods[] = {
	{ "help", host_help, METH_VARARGS,
	  "help(name) -> dict: name, summary, synopsis, description and examples of a command" },
	{ "command_names", host_command_names, METH_NOARGS, "command_names() -> tuple of the command names" },
	{ "field_repair", host_field_repair, METH_VARARGS,
	  "field_repair(path) -> None | (fd, notice): a repaired copy of a dump QEMU wrote with shifted RAM "
	  "(raises Error when the repair does not verify)" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef host_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "_s2dump_host",
	.m_doc = "The s2dump core (C) on a target whose operations call a Python host object.",
	.m_size = -1,
	.m_methods = host_methods,
};

PyMODINIT_FUNC PyInit__s2dump_host(void);
PyMODINIT_FUNC PyInit__s2dump_host(void)
{
	PyTypeObject *session_type;
	PyObject *m = PyModule_Create(&host_module);

	if (!m)
		return NULL;
	session_type = (PyTypeObject *)PyType_FromSpec(&session_spec);
	host_error = PyErr_NewException("_s2dump_host.Error", PyExc_Exception, NULL);
	if (!session_type || !host_error || PyModule_AddObject(m, "Session", (PyObject *)session_type) < 0) {
		Py_XDECREF((PyObject *)session_type);
		Py_DECREF(m);
		return NULL;
	}
	WalkIterType = (PyTypeObject *)PyType_FromSpec(&walk_iter_spec);
	LeafType = PyStructSequence_NewType(&leaf_desc);
	TranslationType = PyStructSequence_NewType(&translation_desc);
	if (!WalkIterType || !LeafType || !TranslationType) {
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF((PyObject *)LeafType);
	Py_INCREF((PyObject *)TranslationType);
	if (PyModule_AddObject(m, "Leaf", (PyObject *)LeafType) < 0 ||
	    PyModule_AddObject(m, "Translation", (PyObject *)TranslationType) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF(host_error);
	if (PyModule_AddObject(m, "Error", host_error) < 0) {
		Py_DECREF(host_error);
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
