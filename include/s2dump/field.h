/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dumps as they come from the field (docs/field-dumps.md).
 *
 * ELF: QEMU's dump-guest-memory sizes every vCPU's SVE note like the first vCPU's but writes each
 * at its own length, then the RAM right after the notes it really wrote. When a later vCPU's
 * live vector length differs, the notes end before or after PT_NOTE's p_offset + p_filesz and
 * every PT_LOAD's data sits off its p_offset by that difference. s2_field_examine() walks the
 * note chain as written, and trusts a shift only when VMCOREINFO's init_uts_ns, read through
 * the shifted layout, holds the release VMCOREINFO names. s2_field_repair() writes a standard
 * ELF vmcore (notes as written, PT_NOTE sized to them, p_offsets where the data is).
 * kdump-compressed: QEMU's kdump-zlib (makedumpfile's flattened stream) and kdump-raw-* with
 * block_size 64 KiB while the kernel's PAGESIZE is 4 KiB: verified the same way (init_uts_ns
 * read by the file's own frames), rewritten as a standard file with block_size = PAGESIZE.
 * Plain file I/O on descriptors: the input is never modified.
 */
#ifndef S2DUMP_FIELD_H
#define S2DUMP_FIELD_H

#include <stdint.h>
#include <stdio.h>

#include "s2dump/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum s2_field_defect {
	S2_FIELD_NONE = 0,     /* nothing to repair (or not a format examined here) */
	S2_FIELD_ELF_SHIFT,    /* ELF: the note chain does not end where PT_NOTE says */
	S2_FIELD_KDUMP,        /* kdump-compressed: flattened, and/or blocks that are not pages */
};

/* Page compression flags of kdump-compressed files (page_desc.flags, disk_dump_header.status). */
#define S2_FIELD_ZLIB 0x1u
#define S2_FIELD_LZO 0x2u
#define S2_FIELD_SNAPPY 0x4u
#define S2_FIELD_ZSTD 0x20u

/*
 * What the front end links: libs2dump links no compression library. decompress: 0 when src
 * (slen bytes, compressed as flags says) became exactly dlen bytes in dst. compress (optional):
 * zlib, the compressed size, or 0 to store the page as it is.
 */
struct s2_field_codecs {
	int (*decompress)(unsigned int flags, const void *src, size_t slen, void *dst, size_t dlen);
	size_t (*compress)(const void *src, size_t slen, void *dst, size_t dcap);
};

void s2_field_set_codecs(const struct s2_field_codecs *codecs);

struct s2_field_plan {
	enum s2_field_defect defect;
	uint64_t file_size;
	uint64_t note_offset;       /* PT_NOTE p_offset */
	uint64_t note_declared_end; /* p_offset + p_filesz */
	uint64_t note_real_end;     /* where the chain as written ends */
	uint64_t first_load;        /* the first PT_LOAD's p_offset */
	int64_t shift;              /* where the data really is minus p_offset */
	uint64_t uts_pa;            /* init_uts_ns, the proof */
	char release[65];           /* VMCOREINFO's OSRELEASE, found there */
	/* kdump-compressed */
	bool flattened;             /* makedumpfile's flattened stream (QEMU's kdump-zlib/-lzo/-snappy) */
	uint64_t records;           /* its records */
	uint64_t image_size;        /* the file they write */
	uint32_t block_size;        /* disk_dump_header.block_size */
	uint32_t page_size;         /* VMCOREINFO PAGESIZE (= block_size: nothing to split) */
	uint32_t compression;       /* disk_dump_header.status */
	bool uts_empty;             /* disk_dump_header.utsname empty (QEMU): libkdumpfile cannot translate */
	unsigned char utsname[390]; /* struct new_utsname, from init_uts_ns (verified) */
};

/*
 * Examine an open dump. No defect (or not ELF): plan->defect = S2_FIELD_NONE, NULL returned.
 * A defect that verifies: the plan, NULL. A defect that does not verify: an S2_ERROR_CORRUPT
 * naming it (offsets, what failed); name is the file's name for messages.
 */
struct s2_error *s2_field_examine(int fd, const char *name, struct s2_field_plan *plan);

/* Write the repaired dump to out (a new, empty, writable file; reflinked where the file system can). */
struct s2_error *s2_field_repair(int in, const char *name, const struct s2_field_plan *plan, int out);

/* One line (no newline) saying what a plan repairs: offsets, sizes, the proof. */
void s2_field_describe(const struct s2_field_plan *plan, const char *name, char *buf, size_t len);

/*
 * A repaired view for reading: an unnamed temporary file (O_TMPFILE in $TMPDIR or /tmp, else a
 * memfd) holding s2_field_repair()'s output; *out_fd is -1 when the dump needs no repair.
 */
struct s2_error *s2_field_open_repaired(int fd, const char *name, struct s2_field_plan *plan, int *out_fd);

#ifdef __cplusplus
}
#endif

#endif /* S2DUMP_FIELD_H */
