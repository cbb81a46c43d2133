/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values: every fallible core function returns a struct s2_error *
 * (NULL on success). Each front end turns it into its own idiom: crash prints it
 * with error(INFO, ...) and returns to the prompt, the drgn module raises a
 * Python exception (FaultError for S2_ERROR_FAULT, LookupError for
 * S2_ERROR_LOOKUP), the CLI prints it as one line on stderr and exits non-zero.
 *
 * Messages are one line, say what failed and where (address, field, kernel
 * version), and carry no trailing newline or "error:" prefix.
 */
#ifndef S2DUMP_ERROR_H
#define S2DUMP_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum s2_error_code {
	S2_ERROR_NOMEM = 1,
	S2_ERROR_INVALID_ARGUMENT, /* bad user input: option, address, pid */
	S2_ERROR_FAULT,            /* memory could not be read (not in the dump, unmapped) */
	S2_ERROR_LOOKUP,           /* symbol, type, member or VMCOREINFO key not found */
	S2_ERROR_LAYOUT,           /* struct layout not recognised / not supported */
	S2_ERROR_CORRUPT,          /* data inconsistent: bad descriptor, cycle, failed validation */
	S2_ERROR_IO,               /* file I/O */
	S2_ERROR_UNSUPPORTED,      /* recognised but not supported (e.g. pKVM guest tables) */
	S2_ERROR_STOP,             /* a visitor asked to stop a walk; never escapes s2_walk() */
	S2_ERROR_OTHER,
};

/*
 * How a command ended (its exit status): with the errors because the layers
 * below the commands decide between "found problems" and "stopped".
 */
enum s2_status {
	S2_STATUS_OK = 0,
	S2_STATUS_FINDINGS = 1, /* ran to the end and found problems (check violations, unreadable tables) */
	S2_STATUS_ERROR = 2,    /* stopped by an error (returned) */
	S2_STATUS_USAGE = 3,    /* bad command line (message returned) */
};

#define S2_ERROR_MESSAGE_MAX 512

struct s2_error {
	enum s2_error_code code;
	/* For S2_ERROR_FAULT: the address that could not be read. */
	bool has_address;
	bool address_is_physical;
	uint64_t address;
	char message[S2_ERROR_MESSAGE_MAX];
};

/* Statically allocated errors; s2_error_destroy() ignores them. */
extern struct s2_error s2_error_nomem;
extern struct s2_error s2_error_stop;

struct s2_error *s2_error_create(enum s2_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct s2_error *s2_error_vcreate(enum s2_error_code code, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* A read fault at a kernel-virtual (physical == false) or physical address. */
struct s2_error *s2_error_fault(uint64_t address, bool physical, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Add context in front of an error's message ("kvm 0xffff...: " + message).
 * Consumes err (returns it, or a new error if err was static). NULL stays NULL.
 */
struct s2_error *s2_error_prefix(struct s2_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void s2_error_destroy(struct s2_error *err);
const char *s2_error_code_name(enum s2_error_code code);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_ERROR_H */
