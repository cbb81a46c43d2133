// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: walk + coalesce (the debugfs text visitor, to /dev/null) of
 * 16M 4K page mappings (128 MiB of level-3 tables) held in memory and read
 * from a file (pread per table, and mmap), against a plain memcpy of the same table bytes in
 * table-sized pieces, all measured in this one run. Prints ns per PTE and
 * the ratios; the goal is a walk within 3x of memcpy.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "s2dump/ptdump.h"
#include "s2dump/walk.h"

#define GRANULE 4096ULL
#define PAGES (16ULL << 20)                 /* 16M 4K mappings: 64 GiB of IPA */
#define L3_TABLES (PAGES / 512)             /* 32768 tables = 128 MiB */
#define L2_TABLES (L3_TABLES / 512)         /* 64 */
#define ROOT_TABLES 2ULL                    /* ipa 40 from level 1: 2 concatenated tables */
#define TABLES (ROOT_TABLES + L2_TABLES + L3_TABLES)
#define BASE 0x40000000ULL

static unsigned char *ram;
static int ram_fd = -1;

static struct s2_error *read_mem(void *ctx, uint64_t pa, void *buf, size_t len)
{
	if (pa < BASE || pa - BASE + len > TABLES * GRANULE)
		return s2_error_fault(pa, true, "PA 0x%" PRIx64 " out of range", pa);
	memcpy(buf, ram + (pa - BASE), len);
	return NULL;
}

static struct s2_error *read_file(void *ctx, uint64_t pa, void *buf, size_t len)
{
	if (pread(ram_fd, buf, len, (off_t)(pa - BASE)) != (ssize_t)len)
		return s2_error_fault(pa, true, "PA 0x%" PRIx64 " short read", pa);
	return NULL;
}

static unsigned char *ram_map; /* the same file, mmap'ed */

static struct s2_error *read_map(void *ctx, uint64_t pa, void *buf, size_t len)
{
	if (pa < BASE || pa - BASE + len > TABLES * GRANULE)
		return s2_error_fault(pa, true, "PA 0x%" PRIx64 " out of range", pa);
	memcpy(buf, ram_map + (pa - BASE), len);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put(uint64_t pa, uint64_t v)
{
	memcpy(ram + (pa - BASE), &v, 8);
}

static double time_walk(const struct s2_geometry *geo, struct s2_mem *mem, FILE *devnull, unsigned long *lines)
{
	struct s2_ptdump st;
	struct s2_walker w = { s2_ptdump_visit, &st, S2_WALK_RAW_LEAVES | S2_WALK_MERGE, 0 };
	double t0 = now();
	struct s2_error *err;

	s2_ptdump_begin(&st, devnull, S2_PTDUMP_FORMAT_6_12, geo->ia_bits, false);
	w.merge_mask = st.mask; /* as src/cmd does for the debugfs text */
	err = s2_walk(geo, BASE, mem, 0, 1ULL << geo->ia_bits, &w);
	s2_ptdump_end(&st);
	if (err) {
		fprintf(stderr, "bench: walk failed: %s\n", err->message);
		exit(1);
	}
	*lines = st.lines;
	return now() - t0;
}

int main(void)
{
	struct s2_geometry geo;
	uint64_t l2_base = BASE + ROOT_TABLES * GRANULE, l3_base = l2_base + L2_TABLES * GRANULE;
	unsigned char *dst = malloc(GRANULE);
	char path[] = "/tmp/s2dump-bench-XXXXXX";
	FILE *devnull = fopen("/dev/null", "w");
	double t_copy = 1e9, t_mem = 1e9, t_file = 1e9, t_map = 1e9;
	unsigned long lines = 0, sink = 0;
	struct s2_mem mem = { read_mem, NULL }, file = { read_file, NULL }, map = { read_map, NULL };

	ram = calloc(TABLES, GRANULE);
	if (!ram || !dst || !devnull || s2_geometry_from_pgtable(40, 1, 12, false, 48, &geo)) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	/* IPA 0 .. 64G: root entries 0..63 -> L2 tables, each entry -> an L3 table of 512 RW AF pages. */
	for (uint64_t i = 0; i < L2_TABLES; i++)
		put(BASE + i * 8, (l2_base + i * GRANULE) | 3);
	for (uint64_t i = 0; i < L3_TABLES; i++)
		put(l2_base + i * 8, (l3_base + i * GRANULE) | 3);
	for (uint64_t i = 0; i < PAGES; i++)
		put(l3_base + i * 8, ((0x80000000ULL + i * GRANULE) & 0xfffffffff000ULL) | 0x7c3 | (0xfULL << 2) | 3);

	ram_fd = mkstemp(path);
	if (ram_fd < 0 || write(ram_fd, ram, TABLES * GRANULE) != (ssize_t)(TABLES * GRANULE)) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		return 1;
	}
	unlink(path);
	ram_map = mmap(NULL, TABLES * GRANULE, PROT_READ, MAP_PRIVATE, ram_fd, 0);
	if (ram_map == MAP_FAILED) {
		fprintf(stderr, "bench: mmap failed\n");
		return 1;
	}

	/* Best of 3 of each, interleaved so that machine noise hits all of them alike. */
	for (int round = 0; round < 3; round++) {
		double t0 = now(), t;

		for (uint64_t i = 0; i < TABLES; i++) {
			memcpy(dst, ram + i * GRANULE, GRANULE);
			sink += dst[i & (GRANULE - 1)];
		}
		t = now() - t0;
		t_copy = t < t_copy ? t : t_copy;
		t = time_walk(&geo, &mem, devnull, &lines);
		t_mem = t < t_mem ? t : t_mem;
		t = time_walk(&geo, &file, devnull, &lines);
		t_file = t < t_file ? t : t_file;
		t = time_walk(&geo, &map, devnull, &lines);
		t_map = t < t_map ? t : t_map;
	}
	printf("bench-walk: %llu 4K mappings, %llu MiB of tables, %lu text lines (sink %lu)\n",
	       (unsigned long long)PAGES, (unsigned long long)(TABLES * GRANULE >> 20), lines, sink & 1);
	printf("  memcpy of the table bytes  %7.3f s  %6.2f ns/PTE\n", t_copy, t_copy * 1e9 / (double)PAGES);
	printf("  walk+coalesce, in memory   %7.3f s  %6.2f ns/PTE  ratio to memcpy %.2fx\n", t_mem,
	       t_mem * 1e9 / (double)PAGES, t_mem / t_copy);
	printf("  walk+coalesce, pread file  %7.3f s  %6.2f ns/PTE  ratio to memcpy %.2fx\n", t_file,
	       t_file * 1e9 / (double)PAGES, t_file / t_copy);
	printf("  walk+coalesce, mmap file   %7.3f s  %6.2f ns/PTE  ratio to memcpy %.2fx\n", t_map,
	       t_map * 1e9 / (double)PAGES, t_map / t_copy);
	munmap(ram_map, TABLES * GRANULE);
	close(ram_fd);
	free(ram);
	free(dst);
	fclose(devnull);
	return 0;
}
