/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between field.c (ELF) and kdump.c (kdump-compressed, flattened). */
#ifndef S2DUMP_FIELD_INTERNAL_H
#define S2DUMP_FIELD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2dump/field.h"

bool fld_pread(int fd, void *buf, size_t len, uint64_t off);
bool fld_pwrite(int fd, const void *buf, size_t len, uint64_t off);
bool fld_copy(int in, uint64_t src, uint64_t in_end, int out, uint64_t dst);
bool fld_info_num(const char *text, const char *key, int base, uint64_t *val);
bool fld_info_str(const char *text, const char *key, char *buf, size_t len);

/* A flattened stream's record: len bytes of the image at off, stored at file position pos. */
struct fld_rec {
	uint64_t off, len, pos;
};

/* The image a dump file stands for: the file itself, or what its flattened records write. */
struct fld_src {
	int fd;
	bool flat;
	uint64_t fsize, size; /* the file's size, the image's */
	struct fld_rec *recs; /* flattened: sorted by off, not overlapping */
	size_t nrecs, cap;
};

struct s2_error *fld_src_open(int fd, const char *name, uint64_t fsize, struct fld_src *s);
bool fld_src_read(const struct fld_src *s, void *buf, size_t len, uint64_t off);
void fld_src_close(struct fld_src *s);

struct s2_error *fld_kdump_examine(const struct fld_src *s, const char *name, struct s2_field_plan *plan);
struct s2_error *fld_kdump_repair(const struct fld_src *s, const char *name, const struct s2_field_plan *plan,
				  int out);

#endif
