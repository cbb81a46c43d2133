/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Python glue of the host-program adapter (hostprog/s2dump_host.c): the pending Python
 * exception as a message, a read's bytes taken into the core's buffer, and one command line run
 * with its output streamed to a Python file object.
 * Include after <Python.h> (and its Py_LIMITED_API).
 */
#ifndef S2DUMP_HOSTPROG_PYRUN_H
#define S2DUMP_HOSTPROG_PYRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2dump/command.h"
#include "s2dump/error.h"

/* The pending Python exception's text into buf, the exception cleared. */
void s2_py_exception_text(char *buf, size_t len);

/*
 * The result of a Python memory read (bytes, or NULL with the read's exception pending) copied into
 * buf: NULL, or a fault error at addr naming the exception, or a short read. Steals bytes.
 */
struct s2_error *s2_py_read_result(PyObject *bytes, uint64_t addr, bool physical, void *buf, size_t len);

/*
 * Run one command line: argv_seq a sequence of str (argv[0] the command name), the output
 * streamed to file.write() as it is produced. Returns -1 with a Python exception set (argv not a
 * sequence of str; or the output's write() raised, which takes precedence over the command's
 * error), else 0 with *err the command's error or NULL, and *status its S2_STATUS_*.
 */
int s2_py_command_run(struct s2_session *session, PyObject *argv_seq, PyObject *file,
		      struct s2_error **err, int *status);

#endif /* S2DUMP_HOSTPROG_PYRUN_H */
