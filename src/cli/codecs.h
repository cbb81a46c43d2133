/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zlib, lzo, snappy and zstd for kdump-compressed dumps from the field (codecs.c). */
#ifndef S2DUMP_CLI_CODECS_H
#define S2DUMP_CLI_CODECS_H

void s2_cli_codecs_init(void);

#endif
