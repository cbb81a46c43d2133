/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers on command lines, one grammar for the CLI, crash and drgn, as crash
 * users type them:
 *   - an address or IPA is hex, with or without 0x ("ffff000005d8c000",
 *     "-t 40001000"), at most 16 digits; never negative;
 *   - a VM is a struct kvm address (hex as above: a 0x prefix or an a-f digit
 *     makes it one) or its VMM's pid (decimal digits only, at most
 *     PID_MAX_LIMIT, 4194304); a decimal word above that is refused, not
 *     guessed ("write an address as 0x...").
 * S2_PARSE_RULE is the rule as error messages state it.
 */
#ifndef S2DUMP_CORE_PARSE_H
#define S2DUMP_CORE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "s2dump/error.h"

#define S2_PARSE_PID_MAX 4194304 /* PID_MAX_LIMIT on 64-bit kernels */
#define S2_PARSE_RULE "a pid is decimal, an address hex: 0x... or with a-f digits"

/* "%s \"%s\" is not a hex address" (what, s); "negative ..." for a leading '-'. */
struct s2_error *s2_parse_addr(const char *s, uint64_t *v, const char *what);
/* The same test without an error: for "is this word an address at all". */
bool s2_parse_is_addr(const char *s, uint64_t *v);

/* A VM word: *is_pid and the pid, or the struct kvm address. */
struct s2_error *s2_parse_vm(const char *s, bool *is_pid, uint64_t *v);

#endif
