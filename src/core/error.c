// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s2dump/error.h"

struct s2_error s2_error_nomem = {
	.code = S2_ERROR_NOMEM,
	.message = "out of memory",
};

struct s2_error s2_error_stop = {
	.code = S2_ERROR_STOP,
	.message = "walk stopped by visitor",
};

static bool is_static(const struct s2_error *err)
{
	return err == &s2_error_nomem || err == &s2_error_stop;
}

struct s2_error *s2_error_vcreate(enum s2_error_code code, const char *fmt, va_list ap)
{
	struct s2_error *err = calloc(1, sizeof(*err));

	if (!err)
		return &s2_error_nomem;
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return err;
}

struct s2_error *s2_error_create(enum s2_error_code code, const char *fmt, ...)
{
	struct s2_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = s2_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

struct s2_error *s2_error_fault(uint64_t address, bool physical, const char *fmt, ...)
{
	struct s2_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = s2_error_vcreate(S2_ERROR_FAULT, fmt, ap);
	va_end(ap);
	if (err != &s2_error_nomem) {
		err->has_address = true;
		err->address_is_physical = physical;
		err->address = address;
	}
	return err;
}

struct s2_error *s2_error_prefix(struct s2_error *err, const char *fmt, ...)
{
	char joined[S2_ERROR_MESSAGE_MAX];
	size_t used;
	va_list ap;

	if (!err)
		return NULL;
	if (is_static(err)) {
		struct s2_error *copy = malloc(sizeof(*copy));

		if (!copy)
			return err;
		*copy = *err;
		err = copy;
	}
	va_start(ap, fmt);
	vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	/* Truncation keeps the front: the context a reader needs first. */
	used = strlen(joined);
	strncat(joined, err->message, sizeof(joined) - used - 1);
	memcpy(err->message, joined, sizeof(err->message));
	return err;
}

void s2_error_destroy(struct s2_error *err)
{
	if (err && !is_static(err))
		free(err);
}

const char *s2_error_code_name(enum s2_error_code code)
{
	switch (code) {
	case S2_ERROR_NOMEM: return "out of memory";
	case S2_ERROR_INVALID_ARGUMENT: return "invalid argument";
	case S2_ERROR_FAULT: return "fault";
	case S2_ERROR_LOOKUP: return "lookup error";
	case S2_ERROR_LAYOUT: return "unknown layout";
	case S2_ERROR_CORRUPT: return "corrupt data";
	case S2_ERROR_IO: return "I/O error";
	case S2_ERROR_UNSUPPORTED: return "unsupported";
	case S2_ERROR_STOP: return "stopped";
	case S2_ERROR_OTHER: break;
	}
	return "error";
}
