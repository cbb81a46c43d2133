// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "core/parse.h"

bool s2_parse_is_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno;
}

struct s2_error *s2_parse_u64(const char *s, uint64_t *v, const char *what)
{
	if (!s2_parse_is_u64(s, v))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "%s \"%s\" is not a number", what, s);
	return NULL;
}
