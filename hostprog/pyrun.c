// SPDX-License-Identifier: GPL-2.0-or-later
/* What the Python front ends share (pyrun.h). Limited API of 3.11. */
#define PY_SSIZE_T_CLEAN
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#include <Python.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pyrun.h"

void s2_py_exception_text(char *buf, size_t len)
{
	PyObject *type, *value, *tb, *str = NULL;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (value)
		str = PyObject_Str(value);
	snprintf(buf, len, "%s",
		 str && PyUnicode_Check(str) ? PyUnicode_AsUTF8AndSize(str, NULL) : "unknown Python error");
	if (!str)
		PyErr_Clear();
	Py_XDECREF(str);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

/* A FILE* whose writes go to a Python file object's write(), for streaming. */
struct py_writer {
	PyObject *file;
	bool failed;
};

struct s2_error *s2_py_read_result(PyObject *bytes, uint64_t addr, bool physical, void *buf, size_t len)
{
	char why[256];

	if (!bytes) {
		s2_py_exception_text(why, sizeof(why));
		return s2_error_fault(addr, physical, "%s address 0x%" PRIx64 " not readable: %s",
				      physical ? "physical" : "kernel virtual", addr, why);
	}
	if (!PyBytes_Check(bytes) || (size_t)PyBytes_Size(bytes) != len) {
		Py_DECREF(bytes);
		return s2_error_fault(addr, physical, "short read at 0x%" PRIx64, addr);
	}
	memcpy(buf, PyBytes_AsString(bytes), len);
	Py_DECREF(bytes);
	return NULL;
}

static ssize_t py_writer_write(void *cookie, const char *buf, size_t size)
{
	struct py_writer *w = cookie;
	PyObject *r;

	if (w->failed)
		return -1;
	r = PyObject_CallMethod(w->file, "write", "s#", buf, (Py_ssize_t)size);
	if (!r) {
		w->failed = true; /* the exception stays set for the caller */
		return -1;
	}
	Py_DECREF(r);
	return (ssize_t)size;
}

int s2_py_command_run(struct s2_session *session, PyObject *argv_seq, PyObject *file,
		      struct s2_error **err, int *status)
{
	struct py_writer writer = { .file = file };
	cookie_io_functions_t io = { .write = py_writer_write };
	PyObject *list = PySequence_List(argv_seq);
	Py_ssize_t argc, i;
	char **argv = NULL;
	int ret = -1;
	FILE *out;

	*err = NULL;
	*status = S2_STATUS_ERROR;
	if (!list)
		return -1;
	argc = PyList_Size(list);
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
		PyObject *item = PyList_GetItem(list, i);

		if (!PyUnicode_Check(item)) {
			PyErr_SetString(PyExc_TypeError, "argv must be a sequence of str");
			goto out;
		}
		argv[i] = (char *)PyUnicode_AsUTF8AndSize(item, NULL);
		if (!argv[i])
			goto out;
	}
	out = fopencookie(&writer, "w", io);
	if (!out) {
		PyErr_NoMemory();
		goto out;
	}
	*err = s2_command_run(session, (int)argc, argv, out, status);
	fclose(out);
	if (writer.failed || PyErr_Occurred()) {
		s2_error_destroy(*err);
		*err = NULL;
		goto out;
	}
	ret = 0;
out:
	PyMem_Free(argv);
	Py_DECREF(list);
	return ret;
}
