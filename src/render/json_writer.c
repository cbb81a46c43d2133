// SPDX-License-Identifier: GPL-2.0-or-later
/* Streaming JSON writer (src/render/json_writer.h). */
#include <inttypes.h>

#include "render/json_writer.h"

void s2_json_init(struct s2_json *j, FILE *out)
{
	*j = (struct s2_json){ .out = out };
}

void s2_json_write_string(FILE *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		default:
			if (*p < 0x20 || *p >= 0x7f) {
				fputs("\\u00", out);
				fputc(hex[*p >> 4], out);
				fputc(hex[*p & 15], out);
			} else {
				fputc(*p, out);
			}
		}
	}
	fputc('"', out);
}

/* Separator, indentation and key before a value. */
static void member(struct s2_json *j, const char *key)
{
	if (j->depth > 0) {
		int d = j->depth - 1;

		if (!j->first[d])
			fputc(',', j->out);
		if (j->compact[d]) {
			if (!j->first[d])
				fputc(' ', j->out);
		} else {
			fputc('\n', j->out);
			for (int i = 0; i < j->depth; i++)
				fputs("  ", j->out);
		}
		j->first[d] = false;
		if (!j->is_array[d]) {
			s2_json_write_string(j->out, key ? key : "");
			fputs(": ", j->out);
		}
	}
}

static void open_container(struct s2_json *j, const char *key, char c, bool compact, bool array)
{
	bool parent_compact = j->depth > 0 && j->compact[j->depth - 1];

	member(j, key);
	fputc(c, j->out);
	if (j->depth >= S2_JSON_MAX_DEPTH) {
		j->overflow = true;
		return;
	}
	j->first[j->depth] = true;
	j->compact[j->depth] = compact || parent_compact;
	j->is_array[j->depth] = array;
	j->depth++;
}

void s2_json_object(struct s2_json *j, const char *key) { open_container(j, key, '{', false, false); }
void s2_json_object_compact(struct s2_json *j, const char *key) { open_container(j, key, '{', true, false); }
void s2_json_array(struct s2_json *j, const char *key) { open_container(j, key, '[', false, true); }

void s2_json_end(struct s2_json *j)
{
	int d;

	if (j->depth == 0)
		return;
	d = --j->depth;
	if (!j->compact[d] && !j->first[d]) {
		fputc('\n', j->out);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->out);
	}
	fputc(j->is_array[d] ? ']' : '}', j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void s2_json_str(struct s2_json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		s2_json_write_string(j->out, value);
	else
		fputs("null", j->out);
}

void s2_json_hex(struct s2_json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->out, "\"0x%" PRIx64 "\"", value);
}

void s2_json_u64(struct s2_json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void s2_json_i64(struct s2_json *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->out, "%" PRId64, value);
}

void s2_json_bool(struct s2_json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->out);
}

void s2_json_null(struct s2_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void s2_json_finish(struct s2_json *j)
{
	while (j->depth > 0)
		s2_json_end(j);
}
