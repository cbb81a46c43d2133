// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for tests/crash/check-crash-scenarios.sh: a crash extension whose one command,
 * `memstat`, prints the guest's malloc statistics (mallinfo2), so repeated `extend -u` /
 * `extend` of s2dump.so can be checked for heap growth. Built by the test script with
 * crash's defs.h force-included (like extensions/s2dump.c); never installed.
 */
#include <malloc.h>

static void cmd_memstat(void)
{
	struct mallinfo2 mi = mallinfo2();

	fprintf(fp, "memstat inuse %zu arena %zu mmap %zu\n", mi.uordblks, mi.arena, mi.hblkhd);
}

static char *help_memstat[] = {
	"memstat", "malloc statistics of this crash process (test helper)", " ",
	"  Prints mallinfo2()'s uordblks, arena and hblkhd.", NULL,
};

static struct command_table_entry memstat_commands[] = {
	{ "memstat", cmd_memstat, help_memstat, MINIMAL },
	{ NULL, NULL, NULL, 0 },
};

void __attribute__((constructor)) memstat_init(void);
void __attribute__((constructor)) memstat_init(void)
{
	register_extension(memstat_commands);
}
