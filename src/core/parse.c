// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "core/parse.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool s2_parse_is_addr(const char *s, uint64_t *v)
{
	unsigned int n = 0;

	*v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d = hex_digit(*s);

		if (d < 0 || n >= 16)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return n > 0;
}

struct s2_error *s2_parse_addr(const char *s, uint64_t *v, const char *what)
{
	if (s[0] == '-' && s[1])
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "%s \"%s\" is negative", what, s);
	if (!s2_parse_is_addr(s, v))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "%s \"%s\" is not a hex address (at most 16 hex "
				       "digits, 0x optional)", what, s);
	return NULL;
}

struct s2_error *s2_parse_vm(const char *s, bool *is_pid, uint64_t *v)
{
	size_t digits = strspn(s, "0123456789");

	*is_pid = false;
	if (s[0] == '-' && s[1])
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "VM \"%s\" is negative (%s)", s, S2_PARSE_RULE);
	if (s[0] && !s[digits]) {
		/* decimal digits only: a pid */
		*v = 0;
		for (const char *p = s; *p && *v <= S2_PARSE_PID_MAX; p++)
			*v = *v * 10 + (uint64_t)(*p - '0');
		if (*v > S2_PARSE_PID_MAX)
			return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "VM \"%s\": no pid is above %d; write an address "
					       "as 0x%s (%s)", s, S2_PARSE_PID_MAX, s, S2_PARSE_RULE);
		*is_pid = true;
		return NULL;
	}
	if (!s2_parse_is_addr(s, v))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "VM \"%s\" is neither a pid nor a struct kvm address "
				       "(%s)", s, S2_PARSE_RULE);
	return NULL;
}
