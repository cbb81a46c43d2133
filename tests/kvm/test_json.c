// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The streaming JSON writer (src/render/json_writer.h): escaping (quotes,
 * backslash, control characters, bytes outside printable ASCII), nesting,
 * commas, compact containers, closing everything after an error. Expected
 * texts written by hand from RFC 8259.
 */
#include <stdlib.h>

#include "render/json_writer.h"
#include "unit/check.h"

static char *render(void (*fn)(struct s2_json *j))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct s2_json j;

	s2_json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void doc_escape(struct s2_json *j)
{
	s2_json_object_compact(j, NULL);
	s2_json_str(j, "q", "a\"b\\c");
	s2_json_str(j, "ctl", "\n\t\x01\x1f");
	s2_json_str(j, "bytes", "\x7f\xc3\xa9\xff");
	s2_json_str(j, "k\"ey", "");
	s2_json_str(j, "null", NULL);
	s2_json_end(j);
}

static void doc_nested(struct s2_json *j)
{
	s2_json_object(j, NULL);
	s2_json_str(j, "schema", "s2dump/1");
	s2_json_array(j, "a");
	s2_json_object_compact(j, NULL);
	s2_json_hex(j, "x", 0xffff000000800080ULL);
	s2_json_i64(j, "l", -1);
	s2_json_object_compact(j, "in");
	s2_json_bool(j, "t", true);
	s2_json_end(j);
	s2_json_end(j);
	s2_json_u64(j, NULL, 18446744073709551615ULL);
	s2_json_end(j);
	s2_json_array(j, "empty");
	s2_json_end(j);
	s2_json_end(j);
}

static void doc_unfinished(struct s2_json *j)
{
	s2_json_object(j, NULL);
	s2_json_array(j, "vms");
	s2_json_object(j, NULL);
	s2_json_array(j, "entries");
	s2_json_null(j, NULL);
	s2_json_finish(j);
}

int main(void)
{
	char *s = render(doc_escape);

	CHECK_EQ_STR(s, "{\"q\": \"a\\\"b\\\\c\", \"ctl\": \"\\n\\t\\u0001\\u001f\", "
		     "\"bytes\": \"\\u007f\\u00c3\\u00a9\\u00ff\", \"k\\\"ey\": \"\", \"null\": null}\n",
		     "json: escaping of quotes, backslash, control characters and non-ASCII bytes");
	free(s);
	s = render(doc_nested);
	CHECK_EQ_STR(s, "{\n  \"schema\": \"s2dump/1\",\n  \"a\": [\n    {\"x\": \"0xffff000000800080\", \"l\": -1, "
		     "\"in\": {\"t\": true}},\n    18446744073709551615\n  ],\n  \"empty\": []\n}\n",
		     "json: nesting, commas, compact objects, 64-bit hex as strings");
	free(s);
	s = render(doc_unfinished);
	CHECK_EQ_STR(s, "{\n  \"vms\": [\n    {\n      \"entries\": [\n        null\n      ]\n    }\n  ]\n}\n",
		     "json: finish closes every open container");
	free(s);
	return check_summary();
}
