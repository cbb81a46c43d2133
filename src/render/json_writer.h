/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A streaming JSON writer: values go to the FILE* as they are produced, the
 * only state is one frame per nesting level (bounded), so no document is
 * ever held in memory. Strings are escaped per RFC 8259; bytes outside
 * printable ASCII are written as \u00XX (the dump's bytes, Latin-1), so the
 * output is always valid UTF-8 whatever kernel memory held.
 */
#ifndef S2DUMP_RENDER_JSON_WRITER_H
#define S2DUMP_RENDER_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define S2_JSON_MAX_DEPTH 16

struct s2_json {
	FILE *out;
	int depth;                      /* open containers */
	bool first[S2_JSON_MAX_DEPTH];  /* no member written yet at this level */
	bool compact[S2_JSON_MAX_DEPTH];/* container written on one line */
	bool is_array[S2_JSON_MAX_DEPTH];
	bool overflow;                  /* nesting beyond S2_JSON_MAX_DEPTH: a bug, never silent */
};

void s2_json_init(struct s2_json *j, FILE *out);
/* key: member name inside an object; NULL inside an array or at the top. */
void s2_json_object(struct s2_json *j, const char *key);
void s2_json_object_compact(struct s2_json *j, const char *key);
void s2_json_array(struct s2_json *j, const char *key);
void s2_json_end(struct s2_json *j);
void s2_json_str(struct s2_json *j, const char *key, const char *value);
void s2_json_hex(struct s2_json *j, const char *key, uint64_t value); /* "0x..." string: 64 bits exact */
void s2_json_u64(struct s2_json *j, const char *key, uint64_t value);
void s2_json_i64(struct s2_json *j, const char *key, int64_t value);
void s2_json_bool(struct s2_json *j, const char *key, bool value);
void s2_json_null(struct s2_json *j, const char *key);
/* Close every open container (after an error: the document stays well-formed). */
void s2_json_finish(struct s2_json *j);
/* Write s escaped, with quotes. */
void s2_json_write_string(FILE *out, const char *s);

#endif
