// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compares s2dump's stage-2 text for one VM with the leaves of the independent
 * walker (verify.py --leaves), line by line of s2dump's output.
 *
 *     compare LEAVES_FILE DEBUGFS_NAME IA_BITS PREFIX < s2dump-output
 *
 * s2dump's output is read as the kernel's debugfs stage2_page_tables text
 * (docs/ptdump.md): "0x<start>-0x<end> <size> <level> <attributes>", one line
 * per run of equal level and attributes; "F" in the attributes (or no "R") marks
 * an invalid run. If a line also carries an output address ("pa=0x..",
 * "oa=0x..", "-> 0x.."), it is compared too. s2dump -v lines (valid leaves only,
 * with their output address) are read as well; the IPA space is then not tiled.
 * The union of valid runs must equal the union of the walker's leaves, with the
 * same level, R, W and AF (an AF difference is reported, but only as INFO: a live
 * system may age pages between two observations; here both come from the same
 * dump, so it should not happen). Prints PASS/FAIL lines named PREFIX/s2dump-*;
 * exit status 1 if any FAIL.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
	uint64_t start, end;
	long level;
	bool valid, w, af, has_pa;
	uint64_t pa;
};

struct leaf {
	uint64_t ipa, size, pa;
	long level;
	char *perm;    /* at least 3 characters: -W- and A in [1] and [2] */
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("compare");
		exit(2);
	}
	return p;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* hex digits at *p (at least one) -> value; *p moves past them */
static bool hex(const char **p, uint64_t *v)
{
	const char *q = *p;
	*v = 0;
	while (isxdigit((unsigned char)*q)) {
		if (*v >> 60) {
			fprintf(stderr, "compare: hex number wider than 64 bits: %s", *p);
			exit(2);
		}
		*v = *v * 16 + (uint64_t)(isdigit((unsigned char)*q) ? *q - '0' : tolower((unsigned char)*q) - 'a' + 10);
		q++;
	}
	if (q == *p)
		return false;
	*p = q;
	return true;
}

static bool digits(const char **p, long *v)
{
	const char *q = *p;
	if (!isdigit((unsigned char)*q))
		return false;
	errno = 0;
	*v = strtol(q, (char **)p, 10);
	return errno == 0;
}

/*
 * s2dump -v: one line per valid leaf,
 * "0x<start>-0x<end> L<level> block|page -> 0x<OA> ... RW|R- ... AF=<0|1>", i.e.
 * ^0x(H)-0x(H) L(\d+) (?:block|page |page|RSVD )\s*-> 0x(H)\s.*\s([R-])([W-]) \S+ AF=(\d)
 * (the .* greedy: the last such permission group on the line).
 */
static bool verbose_line(const char *s, struct run *r)
{
	const char *p = s;
	long level;
	if (strncmp(p, "0x", 2))
		return false;
	p += 2;
	if (!hex(&p, &r->start) || strncmp(p, "-0x", 3))
		return false;
	p += 3;
	if (!hex(&p, &r->end) || strncmp(p, " L", 2))
		return false;
	p += 2;
	if (!digits(&p, &level) || *p != ' ')
		return false;
	p++;
	if (!strncmp(p, "block", 5))
		p += 5;
	else if (!strncmp(p, "page", 4))
		p += 4;
	else if (!strncmp(p, "RSVD ", 5))
		p += 5;
	else
		return false;
	while (is_ws(*p))
		p++;
	if (strncmp(p, "-> 0x", 5))
		return false;
	p += 5;
	if (!hex(&p, &r->pa) || !is_ws(*p))
		return false;
	p++;
	/* .* (no newline) then \s([R-])([W-]) \S+ AF=(\d): the last position that matches */
	size_t len = strlen(p);
	const char *nl = memchr(p, '\n', len);
	size_t dot_max = nl ? (size_t)(nl - p) : len; /* .* stops at a newline */
	for (size_t i = dot_max + 1; i-- > 0;) {
		const char *q = p + i;
		if (!is_ws(q[0]) || (q[1] != 'R' && q[1] != '-') || (q[2] != 'W' && q[2] != '-') || q[3] != ' ')
			continue;
		const char *t = q + 4;
		if (!*t || is_ws(*t))
			continue;
		while (*t && !is_ws(*t))
			t++;
		if (strncmp(t, " AF=", 4) || !isdigit((unsigned char)t[4]))
			continue;
		r->level = level;
		r->valid = q[1] == 'R';
		r->w = q[2] == 'W';
		r->af = t[4] == '1';
		r->has_pa = true;
		return true;
	}
	return false;
}

/* attrs.split() contains WORD */
static bool has_tok(const char *attrs, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = attrs; *p;) {
		while (is_ws(*p))
			p++;
		const char *e = p;
		while (*e && !is_ws(*e))
			e++;
		if ((size_t)(e - p) == n && !strncmp(p, word, n))
			return true;
		p = e;
	}
	return false;
}

/* the first (?:pa=|oa=|->\s*)0x(H) in attrs */
static bool find_pa(const char *attrs, uint64_t *pa)
{
	for (const char *p = attrs; *p; p++) {
		const char *q = NULL;
		if (!strncmp(p, "pa=", 3) || !strncmp(p, "oa=", 3)) {
			q = p + 3;
		} else if (!strncmp(p, "->", 2)) {
			q = p + 2;
			while (is_ws(*q))
				q++;
		}
		if (q && !strncmp(q, "0x", 2)) {
			q += 2;
			if (hex(&q, pa))
				return true;
		}
	}
	return false;
}

/* ^\s*0x(H)-0x(H)\s+(\S+)\s+(\d+)\s*(.*)$ */
static bool text_line(const char *s, struct run *r)
{
	const char *p = s;
	long level;
	while (is_ws(*p))
		p++;
	if (strncmp(p, "0x", 2))
		return false;
	p += 2;
	if (!hex(&p, &r->start) || strncmp(p, "-0x", 3))
		return false;
	p += 3;
	if (!hex(&p, &r->end) || !is_ws(*p))
		return false;
	while (is_ws(*p))
		p++;
	if (!*p)
		return false;
	while (*p && !is_ws(*p))
		p++;
	if (!is_ws(*p))
		return false;
	while (is_ws(*p))
		p++;
	if (!digits(&p, &level))
		return false;
	/* (.*)$: the rest of the line without its newline */
	size_t n = strcspn(p, "\n");
	if (p[n] == '\n' && p[n + 1])
		return false; /* a newline inside the line: not one of ours */
	char *attrs = strndup(p, n);
	if (!attrs) {
		perror("compare");
		exit(2);
	}
	r->level = level;
	r->valid = has_tok(attrs, "R") && !has_tok(attrs, "F");
	r->w = has_tok(attrs, "W");
	r->af = has_tok(attrs, "AF");
	r->has_pa = find_pa(attrs, &r->pa);
	free(attrs);
	return true;
}

static int failed;
static const char *prefix;

static void check(const char *name, bool ok, const char *detail)
{
	if (ok) {
		printf("PASS %s/%s\n", prefix, name);
	} else {
		failed++;
		printf("FAIL %s/%s: %s\n", prefix, name, detail);
	}
}

/* an append-only string for the messages */
struct str {
	char *s;
	size_t len;
	FILE *f;
};

static void str_open(struct str *s)
{
	s->s = NULL;
	s->len = 0;
	s->f = open_memstream(&s->s, &s->len);
	if (!s->f) {
		perror("compare");
		exit(2);
	}
}

static char *str_close(struct str *s)
{
	fclose(s->f);
	return s->s;
}

/* line.split() of a leaves file line: up to 6 words */
static size_t split(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\n\r\v\f", &save); t && n < max; t = strtok_r(NULL, " \t\n\r\v\f", &save))
		w[n++] = t;
	return n;
}

/* Python's int(word, 16) (an optional 0x) */
static uint64_t hexword(const char *word, const char *path)
{
	const char *p = word;
	uint64_t v;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!hex(&p, &v) || *p) {
		fprintf(stderr, "compare: %s: ValueError: invalid literal for int() with base 16: '%s'\n", path, word);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: compare LEAVES_FILE DEBUGFS_NAME IA_BITS PREFIX < s2dump-output\n");
		return 2;
	}
	const char *leaves_file = argv[1], *vm = argv[2];
	char *end;
	long ia_bits = strtol(argv[3], &end, 10);
	if (*end || ia_bits < 0 || ia_bits > 63) {
		fprintf(stderr, "compare: IA_BITS '%s' is not a number of bits\n", argv[3]);
		return 2;
	}
	prefix = argv[4];

	struct leaf *leaves = NULL;
	size_t nleaves = 0;
	FILE *lf = fopen(leaves_file, "r");
	if (!lf) {
		fprintf(stderr, "compare: %s: %s\n", leaves_file, strerror(errno));
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, lf) >= 0) {
		char *w[6];
		size_t n = split(line, w, 6);
		if (!n) {
			fprintf(stderr, "compare: %s: IndexError: an empty line\n", leaves_file);
			return 2;
		}
		if (strcmp(w[0], vm))
			continue;
		if (n < 6 || strlen(w[5]) < 3) {
			fprintf(stderr, "compare: %s: IndexError: a leaf line needs 'vm ipa size pa level perm'\n",
				leaves_file);
			return 2;
		}
		struct leaf l = { .ipa = hexword(w[1], leaves_file), .size = hexword(w[2], leaves_file),
				  .pa = hexword(w[3], leaves_file), .level = strtol(w[4], NULL, 10) };
		l.perm = strdup(w[5]);
		if (!l.perm) {
			perror("compare");
			return 2;
		}
		leaves = xrealloc(leaves, (nleaves + 1) * sizeof(*leaves));
		leaves[nleaves++] = l;
	}
	fclose(lf);

	struct run *runs = NULL;
	size_t nruns = 0;
	bool verbose = false;
	while (getline(&line, &cap, stdin) >= 0) {
		struct run r = { 0 };
		if (verbose_line(line, &r)) {
			/* only valid leaves are listed: no tiling of the IPA space to check */
			verbose = true;
		} else if (!text_line(line, &r)) {
			continue;
		}
		runs = xrealloc(runs, (nruns + 1) * sizeof(*runs));
		runs[nruns++] = r;
	}
	free(line);

	struct str d;
	char *msg;
	str_open(&d);
	fprintf(d.f, "no '0x<start>-0x<end> <size> <level> <attrs>' lines in s2dump's output for %s", vm);
	msg = str_close(&d);
	check("s2dump-parsed", nruns > 0, msg);
	free(msg);
	if (!nruns) {
		for (size_t k = 0; k < nleaves; k++)
			free(leaves[k].perm);
		free(leaves);
		return 1;
	}

	/* Runs must tile [0, 2^ia_bits) in order (complete mode prints the final run). */
	size_t ngaps = 0;
	uint64_t pos = 0;
	str_open(&d);
	for (size_t i = 0; i < nruns; i++) {
		if (runs[i].start != pos) {
			if (ngaps < 3)
				fprintf(d.f, "%s0x%" PRIx64 "..0x%" PRIx64, ngaps ? ", " : "", pos, runs[i].start);
			ngaps++;
		}
		pos = runs[i].end;
	}
	char *gaps = str_close(&d);
	if (!verbose) {
		uint64_t want = (uint64_t)1 << ia_bits;
		str_open(&d);
		fprintf(d.f, "gaps %s, ends at 0x%" PRIx64 " (expected 0x%" PRIx64 ")", gaps, pos, want);
		msg = str_close(&d);
		check("s2dump-covers-ipa-space", !ngaps && pos == want, msg);
		free(msg);
	}
	free(gaps);

	/* Every leaf falls in one valid run with its level and permissions. */
	size_t nerr = 0, af_diff = 0, i = 0;
	struct str e;
	str_open(&e);
	uint64_t valid_bytes = 0, leaf_bytes = 0;
	for (size_t k = 0; k < nruns; k++)
		if (runs[k].valid)
			valid_bytes += runs[k].end - runs[k].start;
	for (size_t k = 0; k < nleaves; k++)
		leaf_bytes += leaves[k].size;
#define ERR(...) do { if (nerr < 3) { fputs(nerr ? "; " : "", e.f); fprintf(e.f, __VA_ARGS__); } nerr++; } while (0)
	for (size_t k = 0; k < nleaves; k++) {
		const struct leaf *l = &leaves[k];
		while (i < nruns && runs[i].end <= l->ipa)
			i++;
		if (i == nruns || !(runs[i].start <= l->ipa && l->ipa + l->size <= runs[i].end)) {
			ERR("leaf 0x%" PRIx64 "+0x%" PRIx64 " not inside one run", l->ipa, l->size);
			continue;
		}
		const struct run *r = &runs[i];
		if (!r->valid || r->level != l->level || r->w != (l->perm[1] == 'W'))
			ERR("leaf 0x%" PRIx64 " (level %ld %s) in run 0x%" PRIx64 "-0x%" PRIx64 " level %ld %s%s",
			    l->ipa, l->level, l->perm, r->start, r->end, r->level, r->valid ? "valid" : "invalid",
			    r->w ? " W" : "");
		if (r->af != (l->perm[2] == 'A'))
			af_diff++;
		if (r->has_pa && r->pa + (l->ipa - r->start) != l->pa)
			ERR("leaf 0x%" PRIx64 ": s2dump PA 0x%" PRIx64 ", walker PA 0x%" PRIx64,
			    l->ipa, r->pa + l->ipa - r->start, l->pa);
	}
#undef ERR
	char *errs = str_close(&e);
	str_open(&d);
	fprintf(d.f, "%zu: %s", nerr, errs);
	msg = str_close(&d);
	check("s2dump-leaves", !nerr, msg);
	free(msg);
	free(errs);
	str_open(&d);
	fprintf(d.f, "valid runs cover 0x%" PRIx64 " bytes, the walker's leaves 0x%" PRIx64, valid_bytes, leaf_bytes);
	msg = str_close(&d);
	check("s2dump-no-extra-valid", valid_bytes == leaf_bytes, msg);
	free(msg);
	if (af_diff)
		printf("INFO %s/s2dump-af: %zu leaves differ in AF\n", prefix, af_diff);
	bool any_pa = false;
	for (size_t k = 0; k < nruns; k++)
		any_pa |= runs[k].has_pa;
	if (!any_pa)
		printf("INFO %s/s2dump-pa: output has no output addresses; PAs checked by verify.py only\n", prefix);
	free(runs);
	for (size_t k = 0; k < nleaves; k++)
		free(leaves[k].perm);
	free(leaves);
	return failed ? 1 : 0;
}
