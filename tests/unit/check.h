/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal test harness shared by the C unit tests. Every check prints one
 * line, "PASS <name>" or "FAIL <name>: <what was expected, what came>";
 * tests/run-tests.sh counts them across all test programs and prints the
 * closing "N passed, N failed" line.
 *
 *   CHECK(cond, "name", "fmt", ...)          pass when cond holds
 *   CHECK_EQ_U64(got, want, "name fmt", ...) pass when equal, prints both in hex
 *   CHECK_EQ_STR(got, want, "name fmt", ...) pass when equal, prints both
 *   return check_summary();                  exit status for main()
 */
#ifndef S2DUMP_TESTS_CHECK_H
#define S2DUMP_TESTS_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned long check_passed, check_failed;

__attribute__((format(printf, 3, 4), unused))
static bool check_report(bool ok, const char *detail, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok && detail && *detail)
		printf(": %s", detail);
	printf("\n");
	if (ok)
		check_passed++;
	else
		check_failed++;
	return ok;
}

#define CHECK(cond, ...) check_report(!!(cond), "condition failed: " #cond, __VA_ARGS__)

#define CHECK_EQ_U64(got, want, ...) __extension__({                          \
	uint64_t check_got_ = (uint64_t)(got), check_want_ = (uint64_t)(want); \
	char check_buf_[160];                                                  \
	snprintf(check_buf_, sizeof(check_buf_),                               \
		 "expected 0x%" PRIx64 ", got 0x%" PRIx64,                     \
		 check_want_, check_got_);                                     \
	check_report(check_got_ == check_want_, check_buf_, __VA_ARGS__);     \
})

#define CHECK_EQ_STR(got, want, ...) __extension__({                          \
	const char *check_got_ = (got), *check_want_ = (want);                 \
	bool check_ok_ = check_got_ && check_want_ &&                          \
			 strcmp(check_got_, check_want_) == 0;                 \
	if (!check_ok_) {                                                      \
		check_report(false, "", __VA_ARGS__);                          \
		printf("  expected: [%s]\n  got:      [%s]\n",                 \
		       check_want_ ? check_want_ : "(null)",                   \
		       check_got_ ? check_got_ : "(null)");                    \
	} else {                                                               \
		check_report(true, "", __VA_ARGS__);                           \
	}                                                                      \
	check_ok_;                                                             \
})

static inline int check_summary(void)
{
	fflush(stdout);
	return check_failed ? 1 : 0;
}

#endif /* S2DUMP_TESTS_CHECK_H */
