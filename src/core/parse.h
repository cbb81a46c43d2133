/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers on command lines (addresses, pids, IPAs): C literals, the whole word. */
#ifndef S2DUMP_CORE_PARSE_H
#define S2DUMP_CORE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "s2dump/error.h"

/* "%s \"%s\" is not a number" (what, s) for anything strtoull does not take whole. */
struct s2_error *s2_parse_u64(const char *s, uint64_t *v, const char *what);
/* The same test without an error: for "is this word a number at all". */
bool s2_parse_is_u64(const char *s, uint64_t *v);

#endif
