// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * _s2dump_host: the s2dump core driven by a host program through Python.
 *
 * The generic "target from a host program" adapter (ARCHITECTURE.md, layer 2):
 * a struct s2_target whose operations call methods of a Python object, the
 * host, which converts them to its program's own calls (gdb's read_memory and
 * types, for s2dump-gdb.py). One Session per host (layouts resolved once);
 * run() executes one command line with the output streamed to a Python file
 * object's write().
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
 * into its own kind of error.
 *
 * The limited API of 3.11 (stable ABI): one .abi3.so loads in gdb's Python
 * (Debian 12: 3.11) and in newer ones.
 */
#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "s2dump/command.h"
#include "s2dump/error.h"
#include "s2dump/target.h"

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
} SessionObject;

static void Session_dealloc(SessionObject *self)
{
	PyTypeObject *type = Py_TYPE((PyObject *)self);
	freefunc tp_free = (freefunc)PyType_GetSlot(type, Py_tp_free);

	if (self->session)
		s2_session_destroy(self->session);
	Py_XDECREF(self->host);
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
	static char *kwlist[] = { "host", "backend", "live", NULL };
	static const char *const required[] = { "read_phys", "symbol_address", "member_info", "type_size" };
	const char *backend = "python";
	PyObject *host;
	int live = 0;
	struct s2_error *err;

	if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|sp:Session", kwlist, &host, &backend, &live))
		return -1;
	if (self->session) {
		PyErr_SetString(PyExc_RuntimeError, "Session already initialised");
		return -1;
	}
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
		raise_s2_error(err, S2_STATUS_ERROR);
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
		return raise_s2_error(err, status);
	return PyLong_FromLong(status);
}

static PyMethodDef Session_methods[] = {
	{ "run", (PyCFunction)Session_run, METH_VARARGS,
	  "run(argv, file) -> int: one command line (argv[0] 's2dump' or 'nesteds2'), output streamed to "
	  "file.write(); the exit status (0, or 1 for findings); raises Error" },
	{ NULL, NULL, 0, NULL },
};

static PyType_Slot session_slots[] = {
	{ Py_tp_doc, "Session(host, backend='python', live=False): the s2dump core on a host object's target" },
	{ Py_tp_new, PyType_GenericNew },
	{ Py_tp_init, Session_init },
	{ Py_tp_dealloc, Session_dealloc },
	{ Py_tp_methods, Session_methods },
	{ 0, NULL },
};

static PyType_Spec session_spec = {
	.name = "_s2dump_host.Session",
	.basicsize = sizeof(SessionObject),
	.flags = Py_TPFLAGS_DEFAULT,
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

static PyMethodDef host_methods[] = {
	{ "help", host_help, METH_VARARGS,
	  "help(name) -> dict: name, summary, synopsis, description and examples of a command" },
	{ "command_names", host_command_names, METH_NOARGS, "command_names() -> tuple of the command names" },
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
	Py_INCREF(host_error);
	if (PyModule_AddObject(m, "Error", host_error) < 0) {
		Py_DECREF(host_error);
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
