// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dumps from the field, kdump-compressed (include/s2dump/field.h, docs/field-dumps.md):
 *  - makedumpfile's flattened stream (QEMU's kdump-zlib/-lzo/-snappy): a 4 KiB header
 *    ("makedumpfile", type 1, version 1, big-endian), then records {be64 offset, be64 size, data}
 *    that a seekable file would have at those offsets, ended by {-1, -1};
 *  - QEMU's kdump files whose block_size (its aarch64 page size, 64 KiB) is not the kernel's
 *    PAGESIZE: the bitmaps and page descriptors count 64 KiB frames where readers expect pages.
 * Both are read through an index of the records (no temporary copy to examine) and rewritten as
 * a standard kdump-compressed file with block_size = PAGESIZE. Page data is decompressed by the
 * front end's codecs (s2_field_set_codecs): libs2dump itself links no compression library.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/grow.h"
#include "field/field_internal.h"

#define KD_SIG "KDUMP   "
#define FLAT_SIG "makedumpfile"
#define FLAT_HDR 4096
#define KD_HDR_SIZE 464        /* struct disk_dump_header on 64-bit, without tasks[] */
#define KD_SUB_SIZE 104        /* struct kdump_sub_header, header_version 6 */
#define KD_DESC_SIZE 24        /* struct page_desc */
#define KD_MAX_BLOCK (1u << 20)
#define KD_MAX_MAPNR (1ull << 40)
#define FLAT_MAX_RECORDS (64u << 20)

static struct s2_field_codecs fld_codecs;

void s2_field_set_codecs(const struct s2_field_codecs *codecs)
{
	fld_codecs = *codecs;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static int rec_cmp(const void *a, const void *b)
{
	const struct fld_rec *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Is fd a flattened stream? Index its records; a stream without its end record is an error. */
struct s2_error *fld_src_open(int fd, const char *name, uint64_t fsize, struct fld_src *s)
{
	unsigned char h[32];
	uint64_t pos = FLAT_HDR;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->fsize = fsize;
	s->size = fsize;
	if (!fld_pread(fd, h, sizeof(h), 0) || memcmp(h, FLAT_SIG, sizeof(FLAT_SIG)) || be64(h + 16) != 1)
		return NULL; /* not flattened: the file is its own image */
	if (be64(h + 24) != 1)
		return s2_error_create(S2_ERROR_UNSUPPORTED, "%s: flattened makedumpfile stream version %" PRIu64
				       " (1 is known)", name, be64(h + 24));
	s->flat = true;
	s->size = 0;
	for (;;) {
		unsigned char r[16];
		uint64_t off, len;
		struct fld_rec *recs;

		if (!fld_pread(fd, r, sizeof(r), pos))
			return s2_error_create(S2_ERROR_CORRUPT, "%s: flattened stream truncated at file offset 0x%"
					       PRIx64 " after %zu records (no end record): not read", name, pos,
					       s->nrecs);
		off = be64(r);
		len = be64(r + 8);
		if (off == UINT64_MAX && len == UINT64_MAX)
			break;
		if (off >> 50 || len > KD_MAX_BLOCK * 64ull || s->nrecs >= FLAT_MAX_RECORDS)
			return s2_error_create(S2_ERROR_CORRUPT, "%s: flattened stream record %zu at file offset 0x%"
					       PRIx64 " is not one (offset 0x%" PRIx64 ", size 0x%" PRIx64 ")", name,
					       s->nrecs, pos, off, len);
		if (fsize - pos - 16 < len || pos + 16 > fsize)
			return s2_error_create(S2_ERROR_CORRUPT, "%s: flattened stream truncated in record %zu at file "
					       "offset 0x%" PRIx64 " (0x%" PRIx64 " data bytes, the file ends at 0x%"
					       PRIx64 "): not read", name, s->nrecs, pos, len, fsize);
		recs = s2_grow(s->recs, &s->cap, s->nrecs, sizeof(*recs), 256);
		if (!recs)
			return &s2_error_nomem;
		s->recs = recs;
		if (len)
			s->recs[s->nrecs++] = (struct fld_rec){ .off = off, .len = len, .pos = pos + 16 };
		if (off + len > s->size)
			s->size = off + len;
		pos += 16 + len;
	}
	if (s->nrecs > 1) /* a stream of no record has no array: qsort(NULL, 0) is undefined (found by fuzz-open) */
		qsort(s->recs, s->nrecs, sizeof(*s->recs), rec_cmp);
	for (size_t i = 1; i < s->nrecs; i++)
		if (s->recs[i - 1].off + s->recs[i - 1].len > s->recs[i].off)
			return s2_error_create(S2_ERROR_UNSUPPORTED, "%s: flattened stream records overlap at offset 0x%"
					       PRIx64 " (not QEMU's stream: makedumpfile -R rebuilds it)", name,
					       s->recs[i].off);
	return NULL;
}

void fld_src_close(struct fld_src *s)
{
	free(s->recs);
	s->recs = NULL;
}

/* Bytes of the image at off: the file's, or the records' (what no record wrote reads as zeros). */
bool fld_src_read(const struct fld_src *s, void *buf, size_t len, uint64_t off)
{
	size_t lo = 0, hi = s->nrecs;
	unsigned char *b = buf;

	if (!s->flat)
		return fld_pread(s->fd, buf, len, off);
	if (off > s->size || s->size - off < len)
		return false;
	memset(buf, 0, len);
	while (lo < hi) { /* the first record ending after off */
		size_t mid = (lo + hi) / 2;

		if (s->recs[mid].off + s->recs[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->nrecs && s->recs[i].off < off + len; i++) {
		const struct fld_rec *r = &s->recs[i];
		uint64_t from = r->off > off ? r->off : off;
		uint64_t to = r->off + r->len < off + len ? r->off + r->len : off + len;

		if (!fld_pread(s->fd, b + (from - off), to - from, r->pos + (from - r->off)))
			return false;
	}
	return true;
}

/* The kdump facts: header, sub-header, VMCOREINFO (malloc'd, NUL-terminated). */
struct kd {
	unsigned char hdr[KD_HDR_SIZE], sub[KD_SUB_SIZE];
	uint32_t block, sub_blocks, bitmap_blocks, status;
	uint64_t max_mapnr, note_off, note_size, vi_off, vi_size;
	char *info;
};

static struct s2_error *kd_load(const struct fld_src *s, const char *name, struct kd *k)
{
	memset(k, 0, sizeof(*k));
	if (!fld_src_read(s, k->hdr, sizeof(k->hdr), 0) || memcmp(k->hdr, KD_SIG, 8))
		return s2_error_create(S2_ERROR_CORRUPT, "%s: %s holds no kdump-compressed header", name,
				       s->flat ? "the flattened stream" : "the file");
	k->status = le32(k->hdr + 424);
	k->block = le32(k->hdr + 428);
	k->sub_blocks = le32(k->hdr + 432);
	k->bitmap_blocks = le32(k->hdr + 436);
	k->max_mapnr = le32(k->hdr + 440);
	if (k->block < 512 || k->block > KD_MAX_BLOCK || (k->block & (k->block - 1)) || !k->sub_blocks ||
	    k->sub_blocks > 4096 || !k->bitmap_blocks || k->bitmap_blocks % 2)
		return s2_error_create(S2_ERROR_CORRUPT, "%s: kdump header: block_size %" PRIu32 ", sub_hdr_size %"
				       PRIu32 ", bitmap_blocks %" PRIu32 " are not a kdump layout", name, k->block,
				       k->sub_blocks, k->bitmap_blocks);
	/* the bitmaps lie inside the file (a header claiming more is not one to allocate for) */
	if ((1ull + k->sub_blocks + k->bitmap_blocks) * k->block > s->size)
		return s2_error_create(S2_ERROR_CORRUPT, "%s: kdump header: %" PRIu32 " bitmap blocks of %" PRIu32
				       " bytes end beyond the end of the file (0x%" PRIx64 ")", name, k->bitmap_blocks,
				       k->block, s->size);
	if (!fld_src_read(s, k->sub, sizeof(k->sub), k->block))
		return s2_error_create(S2_ERROR_CORRUPT, "%s: kdump sub-header at 0x%" PRIx32 " is not in the file",
				       name, k->block);
	k->vi_off = le64(k->sub + 32);
	k->vi_size = le64(k->sub + 40);
	k->note_off = le64(k->sub + 48);
	k->note_size = le64(k->sub + 56);
	if (le32(k->hdr + 8) >= 6 && le64(k->sub + 96))
		k->max_mapnr = le64(k->sub + 96);
	if (k->max_mapnr > KD_MAX_MAPNR || (k->max_mapnr + 7) / 8 > (uint64_t)k->bitmap_blocks / 2 * k->block)
		return s2_error_create(S2_ERROR_CORRUPT, "%s: kdump max_mapnr %" PRIu64 " does not fit its bitmaps",
				       name, k->max_mapnr);
	if (k->vi_size && k->vi_size < (64u << 10)) {
		k->info = calloc(1, (size_t)k->vi_size + 1);
		if (!k->info)
			return &s2_error_nomem;
		if (!fld_src_read(s, k->info, (size_t)k->vi_size, k->vi_off)) {
			free(k->info);
			k->info = NULL;
		}
	}
	return NULL;
}

static bool bit(const unsigned char *map, uint64_t i)
{
	return map[i / 8] >> (i % 8) & 1;
}

/* One block's page data, decompressed; *why on failure. */
static bool kd_block(const struct fld_src *s, const unsigned char *desc, uint32_t block, unsigned char *out,
		     unsigned char *tmp, const char **why)
{
	uint64_t off = le64(desc);
	uint32_t size = le32(desc + 8), flags = le32(desc + 12);

	if (!size || size > block + block / 16 + 1024 || !fld_src_read(s, tmp, size, off)) {
		*why = "page data beyond the end of the file";
		return false;
	}
	if (!(flags & (S2_FIELD_ZLIB | S2_FIELD_LZO | S2_FIELD_SNAPPY | S2_FIELD_ZSTD))) {
		if (size != block) {
			*why = "an uncompressed page not of block size";
			return false;
		}
		memcpy(out, tmp, block);
		return true;
	}
	if (!fld_codecs.decompress) {
		*why = "compressed pages and no decompressor in this front end (s2dump repair, the CLI, has them)";
		return false;
	}
	if (fld_codecs.decompress(flags, tmp, size, out, block)) {
		*why = flags & S2_FIELD_ZLIB ? "a zlib page that does not decompress to one block" :
		       flags & S2_FIELD_LZO ? "an lzo page that does not decompress (or no lzo here)" :
		       flags & S2_FIELD_SNAPPY ? "a snappy page that does not decompress (or no snappy here)" :
						 "a zstd page that does not decompress (or no zstd here)";
		return false;
	}
	return true;
}

/* init_uts_ns (PA from VMCOREINFO), read by the file's own frames: "Linux" and OSRELEASE? */
static bool kd_verify(const struct fld_src *s, const struct kd *k, struct s2_field_plan *plan, const char **why)
{
	uint64_t uts, voff, name_off = 0, pfn, idx = 0, base;
	size_t bm_len = (size_t)k->bitmap_blocks / 2 * k->block;
	unsigned char *bm2 = NULL, *blk = NULL, *tmp = NULL, desc[KD_DESC_SIZE];
	size_t rlen;
	bool ok = false;

	if (!k->info || !fld_info_str(k->info, "OSRELEASE", plan->release, sizeof(plan->release))) {
		*why = "no VMCOREINFO with OSRELEASE";
		return false;
	}
	if (!fld_info_num(k->info, "SYMBOL(init_uts_ns)", 16, &uts) ||
	    !fld_info_num(k->info, "NUMBER(kimage_voffset)", 0, &voff)) {
		*why = "VMCOREINFO has no SYMBOL(init_uts_ns) or NUMBER(kimage_voffset)";
		return false;
	}
	fld_info_num(k->info, "OFFSET(uts_namespace.name)", 10, &name_off);
	plan->uts_pa = uts - voff + name_off;
	pfn = plan->uts_pa / k->block;
	rlen = strlen(plan->release) + 1;
	if (plan->uts_pa % k->block + sizeof(plan->utsname) > k->block) {
		*why = "init_uts_ns straddles two blocks";
		return false;
	}
	base = (uint64_t)(1 + k->sub_blocks) * k->block;
	bm2 = malloc(bm_len);
	blk = malloc(k->block);
	tmp = malloc(k->block + k->block / 16 + 1024);
	*why = "init_uts_ns is in no dumped block";
	if (!bm2 || !blk || !tmp || pfn >= k->max_mapnr || !fld_src_read(s, bm2, bm_len, base + bm_len) ||
	    !bit(bm2, pfn))
		goto out;
	for (uint64_t i = 0; i < pfn; i++)
		idx += bit(bm2, i);
	if (!fld_src_read(s, desc, sizeof(desc), base + 2 * bm_len + idx * KD_DESC_SIZE)) {
		*why = "its page descriptor is beyond the end of the file";
		goto out;
	}
	if (!kd_block(s, desc, k->block, blk, tmp, why))
		goto out;
	ok = !memcmp(blk + plan->uts_pa % k->block, "Linux", 6) &&
	     !memcmp(blk + plan->uts_pa % k->block + 130, plan->release, rlen);
	if (ok)
		memcpy(plan->utsname, blk + plan->uts_pa % k->block, sizeof(plan->utsname));
	else
		*why = "init_uts_ns does not hold \"Linux\" and OSRELEASE";
out:
	free(bm2);
	free(blk);
	free(tmp);
	return ok;
}

struct s2_error *fld_kdump_examine(const struct fld_src *s, const char *name, struct s2_field_plan *plan)
{
	struct kd k;
	struct s2_error *err = kd_load(s, name, &k);
	uint64_t page = 0;
	const char *why = NULL;

	if (err && !s->flat) {
		/*
		 * A kdump file whose headers the file does not hold is no QEMU defect but a file cut
		 * short (or no kdump file): not examined here, so the reader's own checks name it
		 * ("truncated: file ends at ..., the kdump bitmap needs ...").
		 */
		s2_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	plan->block_size = k.block;
	plan->compression = k.status;
	plan->page_size = k.block;
	/* QEMU leaves the utsname empty but for the machine; libkdumpfile then translates nothing */
	plan->uts_empty = !k.hdr[12] || !k.hdr[12 + 2 * 65] || !k.hdr[12 + 3 * 65];
	if (k.info && fld_info_num(k.info, "PAGESIZE", 10, &page) && page && page != k.block) {
		if (page > k.block || k.block % page || page < 512) {
			err = s2_error_create(S2_ERROR_UNSUPPORTED, "%s: kdump block_size %" PRIu32 " and PAGESIZE %"
					      PRIu64 ": not a multiple", name, k.block, page);
			goto out;
		}
		if (page != 4096 && page != 16384 && page != 65536) {
			err = s2_error_create(S2_ERROR_UNSUPPORTED, "%s: VMCOREINFO PAGESIZE %" PRIu64 " is no arm64 "
					      "page size", name, page);
			goto out;
		}
		plan->page_size = (uint32_t)page;
	}
	if (plan->page_size != k.block || plan->uts_empty) {
		if (!kd_verify(s, &k, plan, &why)) {
			if (plan->page_size != k.block)
				err = s2_error_create(S2_ERROR_CORRUPT, "%s: kdump block_size %" PRIu32 " but PAGESIZE %"
						      PRIu32 " (QEMU's kdump): splitting blocks into pages does not verify "
						      "(%s); not read", name, k.block, plan->page_size, why);
			else
				err = s2_error_create(S2_ERROR_CORRUPT, "%s: kdump header with an empty utsname (QEMU's "
						      "kdump): init_uts_ns to fill it from does not verify (%s); not read",
						      name, why);
			goto out;
		}
		plan->defect = S2_FIELD_KDUMP;
	}
	if (s->flat)
		plan->defect = S2_FIELD_KDUMP;
out:
	free(k.info);
	return err;
}

/* A flattened stream whose blocks are pages already: the records at their offsets. */
static struct s2_error *kd_unflatten(const struct fld_src *s, const char *name, int out)
{
	unsigned char *buf = malloc(1 << 16);

	if (!buf)
		return &s2_error_nomem;
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct fld_rec *r = &s->recs[i];

		for (uint64_t o = 0; o < r->len; o += 1 << 16) {
			size_t n = r->len - o < (1 << 16) ? (size_t)(r->len - o) : (1 << 16);

			if (!fld_pread(s->fd, buf, n, r->pos + o) || !fld_pwrite(out, buf, n, r->off + o)) {
				free(buf);
				return s2_error_create(S2_ERROR_IO, "%s: writing record %zu failed: %s", name, i,
						       strerror(errno));
			}
		}
	}
	free(buf);
	if (ftruncate(out, (off_t)s->size))
		return s2_error_create(S2_ERROR_IO, "%s: sizing the output failed: %s", name, strerror(errno));
	return NULL;
}

/* A file whose blocks are pages already: its image (records or bytes), the utsname filled. */
static struct s2_error *kd_copy(const struct fld_src *s, const char *name, const struct s2_field_plan *plan,
				int out)
{
	struct s2_error *err = NULL;

	if (s->flat)
		err = kd_unflatten(s, name, out);
	else if (ftruncate(out, 0) || !fld_copy(s->fd, 0, s->fsize, out, 0) || ftruncate(out, (off_t)s->fsize))
		err = s2_error_create(S2_ERROR_IO, "%s: copying the dump failed: %s", name, strerror(errno));
	if (!err && plan->uts_empty && !fld_pwrite(out, plan->utsname, sizeof(plan->utsname), 12))
		err = s2_error_create(S2_ERROR_IO, "%s: writing the utsname failed: %s", name, strerror(errno));
	return err;
}

/*
 * The standard file: block_size = PAGESIZE; header and sub-header as QEMU's, the notes after the
 * sub-header, both bitmaps with one bit per page (each block's bits repeated), one descriptor per
 * page (zero pages share one zero page), pages compressed by the front end's compressor, if any.
 */
static struct s2_error *kd_split(const struct fld_src *s, const char *name, const struct s2_field_plan *plan,
				 int out)
{
	struct kd k;
	struct s2_error *err = kd_load(s, name, &k);
	uint32_t page = plan->page_size, ratio;
	uint64_t bm_old, bm_new, mapnr, dumped = 0, pos_desc, pos_data, idx = 0, sub_blocks, nbm;
	unsigned char *bm1 = NULL, *bm2 = NULL, *nb1 = NULL, *nb2 = NULL, *blk = NULL, *tmp = NULL, *cbuf = NULL;
	unsigned char *notes = NULL, hdr[KD_HDR_SIZE], sub[KD_SUB_SIZE], desc[KD_DESC_SIZE];
	const char *why = NULL;
	size_t ccap = (size_t)page + page / 16 + 1024;

	if (err)
		return err;
	ratio = k.block / page;
	mapnr = k.max_mapnr * ratio;
	bm_old = (uint64_t)k.bitmap_blocks / 2 * k.block;
	bm_new = ((mapnr + 7) / 8 + page - 1) / page * page;
	nbm = bm_new / page * 2;
	sub_blocks = (KD_SUB_SIZE + k.note_size + page - 1) / page;
	bm1 = malloc(bm_old);
	bm2 = malloc(bm_old);
	nb1 = calloc(1, bm_new);
	nb2 = calloc(1, bm_new);
	blk = malloc(k.block);
	tmp = malloc(k.block + k.block / 16 + 1024);
	cbuf = malloc(ccap);
	notes = malloc(k.note_size ? k.note_size : 1);
	if (!bm1 || !bm2 || !nb1 || !nb2 || !blk || !tmp || !cbuf || !notes) {
		err = &s2_error_nomem;
		goto out;
	}
	if (!fld_src_read(s, bm1, bm_old, (1 + k.sub_blocks) * (uint64_t)k.block) ||
	    !fld_src_read(s, bm2, bm_old, (1 + k.sub_blocks) * (uint64_t)k.block + bm_old) ||
	    (k.note_size && !fld_src_read(s, notes, k.note_size, k.note_off))) {
		err = s2_error_create(S2_ERROR_CORRUPT, "%s: kdump bitmaps or notes beyond the end of the file", name);
		goto out;
	}
	for (uint64_t p = 0; p < k.max_mapnr; p++) {
		for (uint32_t j = 0; j < ratio; j++) {
			if (bit(bm1, p))
				nb1[(p * ratio + j) / 8] |= (unsigned char)(1u << ((p * ratio + j) % 8));
			if (bit(bm2, p))
				nb2[(p * ratio + j) / 8] |= (unsigned char)(1u << ((p * ratio + j) % 8));
		}
		dumped += bit(bm2, p);
	}
	if ((1 + k.sub_blocks) * (uint64_t)k.block + 2 * bm_old + dumped * KD_DESC_SIZE > s->size) {
		err = s2_error_create(S2_ERROR_CORRUPT, "%s: %" PRIu64 " page descriptors end beyond the end of the file",
				      name, dumped);
		goto out;
	}
	/* header, sub-header, notes, bitmaps */
	memcpy(hdr, k.hdr, sizeof(hdr));
	memcpy(sub, k.sub, sizeof(sub));
	if (plan->uts_empty) /* the kernel's own, verified (libkdumpfile needs release and version) */
		memcpy(hdr + 12, plan->utsname, sizeof(plan->utsname));
	put32(hdr + 424, fld_codecs.compress ? S2_FIELD_ZLIB : 0);
	put32(hdr + 428, page);
	put32(hdr + 432, (uint32_t)sub_blocks);
	put32(hdr + 436, (uint32_t)nbm);
	put32(hdr + 440, mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)mapnr);
	put64(sub + 48, page + KD_SUB_SIZE);
	if (k.vi_size)
		put64(sub + 32, page + KD_SUB_SIZE + (k.vi_off - k.note_off));
	put64(sub + 96, mapnr);
	pos_desc = (1 + sub_blocks + nbm) * page;
	pos_data = pos_desc + dumped * ratio * KD_DESC_SIZE;
	if (ftruncate(out, 0) || !fld_pwrite(out, hdr, sizeof(hdr), 0) || !fld_pwrite(out, sub, sizeof(sub), page) ||
	    !fld_pwrite(out, notes, k.note_size, page + KD_SUB_SIZE) ||
	    !fld_pwrite(out, nb1, bm_new, (1 + sub_blocks) * page) ||
	    !fld_pwrite(out, nb2, bm_new, (1 + sub_blocks) * page + bm_new))
		goto io;
	/* the shared zero page */
	memset(tmp, 0, page);
	if (!fld_pwrite(out, tmp, page, pos_data))
		goto io;
	{
		uint64_t zero_off = pos_data, in_desc = (1 + k.sub_blocks) * (uint64_t)k.block + 2 * bm_old;

		pos_data += page;
		for (uint64_t p = 0; p < k.max_mapnr; p++) {
			if (!bit(bm2, p))
				continue;
			if (!fld_src_read(s, desc, sizeof(desc), in_desc + idx * KD_DESC_SIZE)) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s: page descriptor %" PRIu64 " (frame %" PRIu64
						      ") is beyond the end of the file", name, idx, p);
				goto out;
			}
			if (!kd_block(s, desc, k.block, blk, tmp, &why)) {
				err = s2_error_create(S2_ERROR_CORRUPT, "%s: frame %" PRIu64 " (PA 0x%" PRIx64 "): %s", name,
						      p, p * k.block, why);
				goto out;
			}
			for (uint32_t j = 0; j < ratio; j++) {
				const unsigned char *pg = blk + (size_t)j * page;
				unsigned char d[KD_DESC_SIZE] = { 0 };
				size_t n = 0;
				bool zero = true;

				for (uint32_t b = 0; b < page && zero; b++)
					zero = !pg[b];
				if (zero) {
					put64(d, zero_off);
					put32(d + 8, page);
				} else {
					if (fld_codecs.compress)
						n = fld_codecs.compress(pg, page, cbuf, ccap);
					if (n && n < page) {
						put32(d + 12, S2_FIELD_ZLIB);
					} else {
						n = page;
						memcpy(cbuf, pg, page);
					}
					put64(d, pos_data);
					put32(d + 8, (uint32_t)n);
					if (!fld_pwrite(out, cbuf, n, pos_data))
						goto io;
					pos_data += n;
				}
				if (!fld_pwrite(out, d, sizeof(d), pos_desc))
					goto io;
				pos_desc += KD_DESC_SIZE;
			}
			idx++;
		}
	}
	goto out;
io:
	err = s2_error_create(S2_ERROR_IO, "%s: writing the repaired kdump failed: %s", name, strerror(errno));
out:
	free(k.info);
	free(bm1);
	free(bm2);
	free(nb1);
	free(nb2);
	free(blk);
	free(tmp);
	free(cbuf);
	free(notes);
	return err;
}

struct s2_error *fld_kdump_repair(const struct fld_src *s, const char *name, const struct s2_field_plan *plan,
				  int out)
{
	if (plan->block_size != plan->page_size)
		return kd_split(s, name, plan, out);
	return kd_copy(s, name, plan, out);
}
