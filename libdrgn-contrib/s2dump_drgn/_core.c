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
 * Errors from the core become drgn-style exceptions: S2_ERROR_FAULT ->
 * drgn.FaultError(message, address), S2_ERROR_LOOKUP -> LookupError,
 * S2_ERROR_INVALID_ARGUMENT -> ValueError, anything else -> s2dump_drgn.Error.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "s2dump/command.h"
#include "s2dump/error.h"
#include "s2dump/target.h"

static PyObject *drgn_module;       /* import drgn */
static PyObject *drgn_fault_error;  /* drgn.FaultError */
static PyObject *core_error;        /* s2dump_drgn._core.Error */

struct drgn_target {
	PyObject *prog;          /* borrowed from the owning Session (which holds a reference) */
	PyObject *vmcoreinfo;    /* str of the whole VMCOREINFO note, or NULL when unknown */
};

/* The pending Python exception as text, cleared. */
static void take_exception_text(char *buf, size_t len)
{
	PyObject *type, *value, *tb, *str = NULL;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value)
		str = PyObject_Str(value);
	snprintf(buf, len, "%s", str && PyUnicode_Check(str) ? PyUnicode_AsUTF8(str) : "unknown Python error");
	if (!str)
		PyErr_Clear();
	Py_XDECREF(str);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

static struct s2_error *drgn_read(struct drgn_target *t, uint64_t addr, void *buf, size_t len,
				  bool physical)
{
	PyObject *bytes = PyObject_CallMethod(t->prog, "read", "KnO", (unsigned long long)addr,
					      (Py_ssize_t)len, physical ? Py_True : Py_False);
	char why[256];

	if (!bytes) {
		take_exception_text(why, sizeof(why));
		return s2_error_fault(addr, physical, "%s address 0x%" PRIx64 " not readable: %s",
				      physical ? "physical" : "kernel virtual", addr, why);
	}
	if (!PyBytes_Check(bytes) || (size_t)PyBytes_GET_SIZE(bytes) != len) {
		Py_DECREF(bytes);
		return s2_error_fault(addr, physical, "short read at 0x%" PRIx64, addr);
	}
	memcpy(buf, PyBytes_AS_STRING(bytes), len);
	Py_DECREF(bytes);
	return NULL;
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
		take_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not found: %s", name, why);
	}
	value = PyObject_GetAttrString(sym, "address");
	Py_DECREF(sym);
	if (!value) {
		take_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s has no address: %s", name, why);
	}
	*addr = PyLong_AsUnsignedLongLong(value);
	Py_DECREF(value);
	if (PyErr_Occurred()) {
		take_exception_text(why, sizeof(why));
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
		take_exception_text(why, len);
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
				  strcmp(PyUnicode_AsUTF8(name), "TYPEDEF") == 0;
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
	const char *n = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : "";
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
		take_exception_text(why, sizeof(why));
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
			take_exception_text(why, sizeof(why));
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: %s", type, path, why);
		}
		mtype = PyObject_GetAttrString(member, "type");
		Py_DECREF(member);
		next = mtype ? underlying_type(mtype) : NULL;
		Py_XDECREF(mtype);
		if (!next) {
			take_exception_text(why, sizeof(why));
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
		take_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "constant %s not found: %s", name, why);
	}
	v = PyObject_CallMethod(obj, "value_", NULL);
	Py_DECREF(obj);
	if (!v) {
		take_exception_text(why, sizeof(why));
		return s2_error_create(S2_ERROR_LOOKUP, "constant %s: %s", name, why);
	}
	*value = PyLong_AsLongLong(v);
	Py_DECREF(v);
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
	text = PyUnicode_AsUTF8(t->vmcoreinfo);
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
	.vmcoreinfo = op_vmcoreinfo,
};

/* Raise the drgn-style exception for a core error; consumes err. Returns NULL. */
static PyObject *raise_s2_error(struct s2_error *err)
{
	if (PyErr_Occurred()) {
		/* a Python error (e.g. from the output file) takes precedence */
	} else if (err->code == S2_ERROR_FAULT && err->has_address) {
		PyObject *exc = PyObject_CallFunction(drgn_fault_error, "sK", err->message,
						      (unsigned long long)err->address);

		if (exc) {
			PyErr_SetObject(drgn_fault_error, exc);
			Py_DECREF(exc);
		}
	} else if (err->code == S2_ERROR_LOOKUP) {
		PyErr_SetString(PyExc_LookupError, err->message);
	} else if (err->code == S2_ERROR_INVALID_ARGUMENT) {
		PyErr_SetString(PyExc_ValueError, err->message);
	} else if (err->code == S2_ERROR_NOMEM) {
		PyErr_NoMemory();
	} else {
		PyErr_SetString(core_error, err->message);
	}
	s2_error_destroy(err);
	return NULL;
}

/* Session */

typedef struct {
	PyObject_HEAD
	PyObject *prog;
	struct drgn_target target_ctx;
	struct s2_target target;
	struct s2_session *session;
} SessionObject;

static void Session_dealloc(SessionObject *self)
{
	if (self->session)
		s2_session_destroy(self->session);
	Py_XDECREF(self->target_ctx.vmcoreinfo);
	Py_XDECREF(self->prog);
	Py_TYPE(self)->tp_free((PyObject *)self);
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

/* A FILE* whose writes go to a Python file object's write(), for streaming. */
struct py_writer {
	PyObject *file;
	bool failed;
};

static ssize_t py_writer_write(void *cookie, const char *buf, size_t size)
{
	struct py_writer *w = cookie;
	PyObject *r;

	if (w->failed)
		return -1;
	r = PyObject_CallMethod(w->file, "write", "s#", buf, (Py_ssize_t)size);
	if (!r) {
		w->failed = true; /* the exception stays set and is raised by run() */
		return -1;
	}
	Py_DECREF(r);
	return (ssize_t)size;
}

static PyObject *Session_run(SessionObject *self, PyObject *args)
{
	PyObject *argv_seq, *file, *result = NULL;
	Py_ssize_t argc, i;
	char **argv = NULL;
	struct py_writer writer;
	cookie_io_functions_t io = { .write = py_writer_write };
	FILE *out;
	struct s2_error *err;
	int status = S2_STATUS_ERROR;

	if (!PyArg_ParseTuple(args, "OO:run", &argv_seq, &file))
		return NULL;
	argv_seq = PySequence_Fast(argv_seq, "argv must be a sequence of str");
	if (!argv_seq)
		return NULL;
	argc = PySequence_Fast_GET_SIZE(argv_seq);
	if (argc < 1) {
		PyErr_SetString(PyExc_ValueError, "argv needs at least the command name");
		goto out;
	}
	argv = PyMem_Calloc((size_t)argc + 1, sizeof(*argv));
	if (!argv) {
		PyErr_NoMemory();
		goto out;
	}
	for (i = 0; i < argc; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(argv_seq, i);

		if (!PyUnicode_Check(item)) {
			PyErr_SetString(PyExc_TypeError, "argv must be a sequence of str");
			goto out;
		}
		argv[i] = (char *)PyUnicode_AsUTF8(item);
		if (!argv[i])
			goto out;
	}
	writer.file = file;
	writer.failed = false;
	out = fopencookie(&writer, "w", io);
	if (!out) {
		PyErr_NoMemory();
		goto out;
	}
	err = s2_command_run(self->session, (int)argc, argv, out, &status);
	fclose(out);
	if (writer.failed && !err)
		goto out; /* the output file's exception */
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
		goto out;
	}
	result = PyLong_FromLong(status);
out:
	PyMem_Free(argv);
	Py_DECREF(argv_seq);
	return result;
}

static PyMethodDef Session_methods[] = {
	{ "run", (PyCFunction)Session_run, METH_VARARGS,
	  "run(argv, file) -> int\n\n"
	  "Run one s2dump command line (argv[0] is 's2dump' or 'nesteds2'), writing\n"
	  "its output to file as it is produced. Returns the exit status (0 ok,\n"
	  "1 findings); raises drgn.FaultError, LookupError, ValueError or\n"
	  "s2dump_drgn.Error when the command stops on an error." },
	{ NULL, NULL, 0, NULL },
};

static PyTypeObject SessionType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "s2dump_drgn._core.Session",
	.tp_basicsize = sizeof(SessionObject),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Session(prog, vmcoreinfo=None, live=False)\n\n"
		  "An s2dump session over a drgn.Program: kernel facts and struct\n"
		  "layouts are resolved once. vmcoreinfo is the VMCOREINFO note text\n"
		  "when drgn does not expose it.",
	.tp_new = PyType_GenericNew,
	.tp_init = (initproc)Session_init,
	.tp_dealloc = (destructor)Session_dealloc,
	.tp_methods = Session_methods,
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

static PyMethodDef core_methods[] = {
	{ "help", core_help, METH_VARARGS, "help(name) -> dict: name, summary, synopsis of a command" },
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
	if (PyType_Ready(&SessionType) < 0)
		return NULL;
	m = PyModule_Create(&core_module);
	if (!m)
		return NULL;
	core_error = PyErr_NewException("s2dump_drgn.Error", PyExc_Exception, NULL);
	Py_INCREF(&SessionType);
	if (!core_error || PyModule_AddObject(m, "Error", core_error) < 0 ||
	    PyModule_AddObject(m, "Session", (PyObject *)&SessionType) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF(core_error);
	return m;
}
