// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLI's page codecs for kdump-compressed dumps from the field (s2_field_set_codecs,
 * docs/field-dumps.md): QEMU and makedumpfile compress pages with zlib, lzo1x, snappy or zstd.
 * The repaired file is written with zlib (fast level), which every reader takes.
 */
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "cli/codecs.h"
#include "s2dump/field.h"

static int cli_decompress(unsigned int flags, const void *src, size_t slen, void *dst, size_t dlen)
{
	if (flags & S2_FIELD_ZLIB) {
		uLongf n = (uLongf)dlen;

		return uncompress(dst, &n, src, (uLong)slen) != Z_OK || n != dlen;
	}
	if (flags & S2_FIELD_LZO) {
		lzo_uint n = dlen;

		return lzo1x_decompress_safe(src, slen, dst, &n, NULL) != LZO_E_OK || n != dlen;
	}
	if (flags & S2_FIELD_SNAPPY) {
		size_t n = dlen;

		return snappy_uncompress(src, slen, dst, &n) != SNAPPY_OK || n != dlen;
	}
	if (flags & S2_FIELD_ZSTD)
		return ZSTD_decompress(dst, dlen, src, slen) != dlen;
	return 1;
}

static size_t cli_compress(const void *src, size_t slen, void *dst, size_t dcap)
{
	uLongf n = (uLongf)dcap;

	return compress2(dst, &n, src, (uLong)slen, Z_BEST_SPEED) == Z_OK ? (size_t)n : 0;
}

void s2_cli_codecs_init(void)
{
	static const struct s2_field_codecs codecs = { .decompress = cli_decompress, .compress = cli_compress };

	if (lzo_init() == LZO_E_OK)
		s2_field_set_codecs(&codecs);
}
