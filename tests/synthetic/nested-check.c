// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nested-virtualization scenario test (run by check-nested.sh, which documents it):
 * build/s2dump over every generated dump whose VMs have shadow MMUs, its output turned back
 * into the generator's key=value records and compared field by field with
 *   expected/<pid>/nested-<i>.guest, expected/<pid>/nested-translate, expected/<pid>/check.
 * Env: CN_TOP, CN_TOOL, CN_VMC. Prints "PASS check-nested ..." / "FAIL check-nested ...: why".
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* One value: a bare word (Python's True), a number, or a string. */
enum vtype { V_TRUE, V_INT, V_STR };
struct field {
	char *key;
	enum vtype type;
	bool neg;       /* V_INT: sign and magnitude (Python ints: 64 bits unsigned and negatives) */
	uint64_t mag;
	char *str;      /* V_STR */
};
struct rec {
	struct field *f;
	size_t n;
};
struct recs {
	struct rec *r;
	size_t n;
};

static int failed;
static bool quiet;
static const char *top, *tool, *vmc;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("realloc");
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		perror("strdup");
		exit(2);
	}
	return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		perror("vasprintf");
		exit(2);
	}
	va_end(ap);
	return s;
}

static struct field *rec_slot(struct rec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key)) {
			free(r->f[i].str);
			r->f[i].str = NULL;
			return &r->f[i];
		}
	r->f = xrealloc(r->f, (r->n + 1) * sizeof(*r->f));
	memset(&r->f[r->n], 0, sizeof(*r->f));
	r->f[r->n].key = xstrdup(key);
	return &r->f[r->n++];
}

static void set_true(struct rec *r, const char *key)
{
	rec_slot(r, key)->type = V_TRUE;
}

static void set_int(struct rec *r, const char *key, int64_t v)
{
	struct field *f = rec_slot(r, key);
	f->type = V_INT;
	f->neg = v < 0;
	f->mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
}

static void set_u64(struct rec *r, const char *key, uint64_t v)
{
	struct field *f = rec_slot(r, key);
	f->type = V_INT;
	f->neg = false;
	f->mag = v;
}

static void set_str(struct rec *r, const char *key, const char *v)
{
	struct field *f = rec_slot(r, key);
	f->type = V_STR;
	f->str = xstrdup(v);
}

static const struct field *rec_get(const struct rec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	return NULL;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i].key);
		free(r->f[i].str);
	}
	free(r->f);
	r->f = NULL;
	r->n = 0;
}

static void recs_push(struct recs *rs, struct rec r)
{
	rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof(*rs->r));
	rs->r[rs->n++] = r;
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rec_free(&rs->r[i]);
	free(rs->r);
	rs->r = NULL;
	rs->n = 0;
}

/* Python's val(): hex from 10 up, decimal below (negatives too), True, "-" for a missing field. */
static void val(const struct field *f, char *buf, size_t len, char **big)
{
	*big = NULL;
	if (!f)
		snprintf(buf, len, "-");
	else if (f->type == V_TRUE)
		snprintf(buf, len, "True");
	else if (f->type == V_STR)
		*big = f->str;
	else if (f->neg && f->mag)
		snprintf(buf, len, "-%" PRIu64, f->mag);
	else if (f->mag >= 10)
		snprintf(buf, len, "0x%" PRIx64, f->mag);
	else
		snprintf(buf, len, "%" PRIu64, f->mag);
}

static char *valstr(const struct field *f)
{
	char buf[32], *big;
	val(f, buf, sizeof(buf), &big);
	return xstrdup(big ? big : buf);
}

/* Python's fmt(): "key" for True, "key=val" otherwise, space separated. */
static char *fmt(const struct rec *r)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			fputc(' ', m);
		if (r->f[i].type == V_TRUE) {
			fputs(r->f[i].key, m);
		} else {
			char *v = valstr(&r->f[i]);
			fprintf(m, "%s=%s", r->f[i].key, v);
			free(v);
		}
	}
	fclose(m);
	return out;
}

/* Python equality of the values (True == 1 there). */
static bool same(const struct field *a, const struct field *b)
{
	if (!a || !b)
		return !a && !b;
	enum vtype ta = a->type, tb = b->type;
	bool an = a->neg, bn = b->neg;
	uint64_t am = a->mag, bm = b->mag;
	if (ta == V_TRUE) {
		ta = V_INT; an = false; am = 1;
	}
	if (tb == V_TRUE) {
		tb = V_INT; bn = false; bm = 1;
	}
	if (ta != tb)
		return false;
	if (ta == V_STR)
		return !strcmp(a->str, b->str);
	return am == bm && (an == bn || am == 0);
}

static void report(bool ok, const char *name, const char *why)
{
	if (quiet) {
		failed += ok ? 0 : 1;
		return;
	}
	if (ok) {
		printf("PASS check-nested %s\n", name);
	} else {
		failed++;
		printf("FAIL check-nested %s: %s\n", name, why);
	}
	fflush(stdout);
}

static void reportf(bool ok, const char *name, const char *fmt_, ...) __attribute__((format(printf, 3, 4)));
static void reportf(bool ok, const char *name, const char *fmt_, ...)
{
	char *why = NULL;
	va_list ap;
	va_start(ap, fmt_);
	if (vasprintf(&why, fmt_, ap) < 0)
		why = NULL;
	va_end(ap);
	report(ok, name, why ? why : "");
	free(why);
}

/* Python's int(v, 0) for the tokens matching -?(0x[0-9a-fA-F]+|[0-9]+). */
static bool parse_num(const char *v, bool *neg, uint64_t *mag)
{
	const char *p = v;
	*neg = false;
	if (*p == '-') {
		*neg = true;
		p++;
	}
	int base = 10;
	if (p[0] == '0' && p[1] == 'x') {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (base == 16 ? !isxdigit((unsigned char)*q) : !isdigit((unsigned char)*q))
			return false;
	errno = 0;
	*mag = strtoull(p, NULL, base);
	return errno == 0;
}

/* key=value record -> fields (numbers as numbers), keeping field order. */
static struct rec kv(const char *line)
{
	struct rec r = { 0 };
	char *copy = xstrdup(line), *save = NULL;
	for (char *tok = strtok_r(copy, " \t\r\n\v\f", &save); tok; tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			set_true(&r, tok);
			continue;
		}
		*eq = 0;
		bool neg;
		uint64_t mag;
		if (parse_num(eq + 1, &neg, &mag)) {
			struct field *f = rec_slot(&r, tok);
			f->type = V_INT;
			f->neg = neg;
			f->mag = mag;
		} else {
			set_str(&r, tok, eq + 1);
		}
	}
	free(copy);
	return r;
}

/* Lists of records, field by field; one PASS or FAIL line. */
static void compare(const char *name, const struct recs *want, const struct recs *got)
{
	size_t n = want->n > got->n ? want->n : got->n;
	for (size_t i = 0; i < n; i++) {
		if (i >= got->n) {
			char *w = fmt(&want->r[i]);
			reportf(false, name, "line %zu missing, expected %s", i + 1, w);
			free(w);
			return;
		}
		if (i >= want->n) {
			char *g = fmt(&got->r[i]);
			reportf(false, name, "unexpected line %zu: %s", i + 1, g);
			free(g);
			return;
		}
		const struct rec *w = &want->r[i], *g = &got->r[i];
		for (size_t j = 0; j < w->n + g->n; j++) {
			const char *k = j < w->n ? w->f[j].key : g->f[j - w->n].key;
			if (j >= w->n && rec_get(w, k))
				continue;
			const struct field *wf = rec_get(w, k), *gf = rec_get(g, k);
			if (!same(wf, gf)) {
				char *wv = valstr(wf), *gv = valstr(gf), *ws = fmt(w), *gs = fmt(g);
				reportf(false, name, "line %zu field %s: expected %s, got %s (expected %s, got %s)",
					i + 1, k, wv, gv, ws, gs);
				free(wv); free(gv); free(ws); free(gs);
				return;
			}
		}
	}
	char *full = xasprintf("%s (%zu records)", name, want->n);
	report(true, full, "");
	free(full);
}

/* ---- parsing the tool's output (POSIX EREs, anchored like Python's re.match) ---- */

#define H "(0x[0-9a-f]+)"
#define NS "[^[:space:]]"
static const char *const patterns[] = {
#define RE_GEOM 0
	"^  granule (" NS "+)  ia_bits ([0-9]+)  start_level (-?[0-9]+)  concat ([0-9]+)  oa_bits [0-9]+  root L1 " H "$",
#define RE_REFUSED 1
	"^  (VTCR|base) refused: .*, level (-?[0-9]+) \\(FSC " H "\\)",
#define RE_LEAF 2
	"^" H "-" H " L(-?[0-9]+) (block|page) -> L1 " H "  (" NS "{3}) AF=([01])",
#define RE_PROBLEM 3
	"^" H "-" H " L(-?[0-9]+)  !! table at L1 " H " (.*)$",
#define RE_RESERVED 4
	"^" H "-" H " L(-?[0-9]+) reserved",
#define RE_T_L2L1 5
	"^L2 IPA " H " -> L1 IPA " H,
#define RE_T_GUESTF 6
	"^L2 IPA " H " -> .*, guest level (-?[0-9]+) \\(FSC",
#define RE_T_PA 7
	"^IPA " H " -> PA " H,
#define RE_T_CANF 8
	"^IPA " H " -> .*, level (-?[0-9]+) \\(FSC",
#define RE_C_VIOL 9
	"^mmu 0x[0-9a-f]+ \\[([0-9]+)\\] L2 " H "-" H " (" NS "+):",
#define RE_C_SUM 10
	"^check: [0-9]+ shadow MMUs, [0-9]+ leaves, ([0-9]+) violations",
#define RE_GUEST_FILE 11
	"nested-([0-9]+)\\.guest$",
};
#define NRE (sizeof(patterns) / sizeof(patterns[0]))
static regex_t re[NRE];

static void compile_all(void)
{
	for (size_t i = 0; i < NRE; i++) {
		int e = regcomp(&re[i], patterns[i], REG_EXTENDED);
		if (e) {
			char buf[200];
			regerror(e, &re[i], buf, sizeof(buf));
			fprintf(stderr, "nested-check: regex %zu: %s\n", i, buf);
			exit(2);
		}
	}
}

#define MAXG 8
struct m {
	regmatch_t g[MAXG];
	const char *s;
};

static bool match(int which, const char *s, struct m *m)
{
	m->s = s;
	return regexec(&re[which], s, MAXG, m->g, 0) == 0;
}

static char *grp(const struct m *m, int i)
{
	static char buf[4][4096];
	static int next;
	char *b = buf[next++ % 4];
	size_t len = m->g[i].rm_eo - m->g[i].rm_so;
	if (len >= sizeof(buf[0]))
		len = sizeof(buf[0]) - 1;
	memcpy(b, m->s + m->g[i].rm_so, len);
	b[len] = 0;
	return b;
}

static uint64_t ghex(const struct m *m, int i)
{
	return strtoull(grp(m, i), NULL, 16);
}

static int64_t gdec(const struct m *m, int i)
{
	return strtoll(grp(m, i), NULL, 10);
}

/* Calls fn for every line of text (no newline, like str.splitlines for \n). */
static char **split_lines(const char *text, size_t *n)
{
	char **v = NULL;
	*n = 0;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[*n] = xrealloc(NULL, len + 1);
		memcpy(v[*n], p, len);
		v[*n][len] = 0;
		(*n)++;
		p = e ? e + 1 : p + strlen(p);
	}
	return v;
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct recs parse_guest(const char *out)
{
	struct recs recs = { 0 };
	size_t n;
	char **lines = split_lines(out, &n);
	for (size_t i = 0; i < n; i++) {
		const char *line = lines[i];
		struct m m;
		struct rec r = { 0 };
		if (match(RE_GEOM, line, &m)) {
			const char *g = grp(&m, 1);
			uint64_t gran = !strcmp(g, "4K") ? 4096 : !strcmp(g, "16K") ? 16384 : !strcmp(g, "64K") ? 65536 : 0;
			if (!gran) {
				fprintf(stderr, "nested-check: KeyError: granule '%s'\n", g);
				exit(1);
			}
			set_true(&r, "geometry");
			set_u64(&r, "granule", gran);
			set_int(&r, "ia_bits", gdec(&m, 2));
			set_int(&r, "start_level", gdec(&m, 3));
			set_int(&r, "concat", gdec(&m, 4));
			set_u64(&r, "root_l1", ghex(&m, 5));
			recs_push(&recs, r);
			continue;
		}
		if (!strncmp(line, "  stage 2 disabled", 18)) {
			set_true(&r, "disabled");
			recs_push(&recs, r);
			continue;
		}
		if (match(RE_REFUSED, line, &m)) {
			/* the geometry line printed before a refused base is not part of the fault record */
			if (!strcmp(grp(&m, 1), "base") && recs.n && rec_get(&recs.r[recs.n - 1], "geometry")) {
				rec_free(&recs.r[recs.n - 1]);
				recs.n--;
			}
			set_true(&r, "fault");
			set_u64(&r, "fsc", ghex(&m, 3));
			set_int(&r, "level", gdec(&m, 2));
			recs_push(&recs, r);
			continue;
		}
		if (match(RE_LEAF, line, &m)) {
			uint64_t a = ghex(&m, 1), b = ghex(&m, 2);
			set_u64(&r, "l2", a);
			set_int(&r, "size", (int64_t)(b - a));
			set_int(&r, "level", gdec(&m, 3));
			set_u64(&r, "l1", ghex(&m, 5));
			set_str(&r, "perm", grp(&m, 6));
			set_int(&r, "af", gdec(&m, 7));
			recs_push(&recs, r);
			continue;
		}
		if (match(RE_PROBLEM, line, &m)) {
			uint64_t a = ghex(&m, 1), b = ghex(&m, 2);
			const char *why = grp(&m, 5);
			const char *kind = !strncmp(why, "not mapped", 10) ? "unmapped" :
					   !strncmp(why, "not in dump", 11) ? "missing" : why;
			set_true(&r, "problem");
			set_u64(&r, "l2", a);
			set_int(&r, "size", (int64_t)(b - a));
			set_int(&r, "level", gdec(&m, 3));
			set_u64(&r, "table_l1", ghex(&m, 4));
			set_str(&r, "kind", kind);
			recs_push(&recs, r);
			continue;
		}
		if (match(RE_RESERVED, line, &m)) {
			set_true(&r, "reserved");
			set_u64(&r, "l2", ghex(&m, 1));
			recs_push(&recs, r);
		}
	}
	free_lines(lines, n);
	return recs;
}

static struct rec parse_translate(const char *out, const struct field *mi, uint64_t l2)
{
	struct rec rec = { 0 };
	struct field *f = rec_slot(&rec, "mmu");
	*f = (struct field){ .key = f->key, .type = mi->type, .neg = mi->neg, .mag = mi->mag,
			     .str = mi->str ? xstrdup(mi->str) : NULL };
	set_u64(&rec, "l2", l2);
	size_t n;
	char **lines = split_lines(out, &n);
	struct m m;
	if (!n)
		goto out;
	if (!match(RE_T_L2L1, lines[0], &m)) {
		if (match(RE_T_GUESTF, lines[0], &m)) {
			set_str(&rec, "fault", "guest");
			set_int(&rec, "level", gdec(&m, 2));
		} else {
			set_str(&rec, "unparsed", lines[0]);
		}
		goto out;
	}
	set_u64(&rec, "l1", ghex(&m, 2));
	if (n < 2) {
		set_str(&rec, "canonical", "missing line");
		goto out;
	}
	if (match(RE_T_PA, lines[1], &m)) {
		set_u64(&rec, "pa", ghex(&m, 2));
		goto out;
	}
	if (match(RE_T_CANF, lines[1], &m)) {
		set_str(&rec, "fault", "canonical");
		set_int(&rec, "level", gdec(&m, 2));
	} else {
		set_str(&rec, "unparsed", lines[1]);
	}
out:
	free_lines(lines, n);
	return rec;
}

static struct recs parse_check(const char *out)
{
	struct recs recs = { 0 };
	size_t n;
	char **lines = split_lines(out, &n);
	for (size_t i = 0; i < n; i++) {
		struct m m;
		struct rec r = { 0 };
		if (match(RE_C_VIOL, lines[i], &m)) {
			uint64_t a = ghex(&m, 2), b = ghex(&m, 3);
			set_int(&r, "mmu", gdec(&m, 1));
			set_u64(&r, "l2", a);
			set_int(&r, "size", (int64_t)(b - a));
			set_str(&r, "kind", grp(&m, 4));
			recs_push(&recs, r);
			continue;
		}
		if (match(RE_C_SUM, lines[i], &m)) {
			set_int(&r, "violations", gdec(&m, 1));
			recs_push(&recs, r);
		}
	}
	free_lines(lines, n);
	return recs;
}

static struct recs read_recs(const char *path)
{
	struct recs rs = { 0 };
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "nested-check: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		bool blank = true;
		for (char *p = line; *p; p++)
			if (!isspace((unsigned char)*p))
				blank = false;
		if (!blank)
			recs_push(&rs, kv(line));
	}
	free(line);
	fclose(f);
	return rs;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (f) {
		char tmp[65536];
		size_t k;
		while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
			fwrite(tmp, 1, k, m);
		fclose(f);
	}
	fclose(m);
	return buf;
}

static char tmpdir[] = "/tmp/nested-check.XXXXXX";

/* The tool on dump directory d with a 120 s limit (status 124 then, like the Python's timeout). */
static int run(const char *d, char **out, char **err, const char *a0, const char *a1, const char *a2, const char *a3)
{
	char *core = xasprintf("%s/vmcore", d), *lin = xasprintf("%s/vmlinux", d);
	char *po = xasprintf("%s/out", tmpdir), *pe = xasprintf("%s/err", tmpdir);
	const char *argv[] = { "timeout", "120", tool, "-c", core, "-s", lin, a0, a1, a2, a3, NULL };
	int rc;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		if (!freopen(po, "w", stdout) || !freopen(pe, "w", stderr) || !freopen("/dev/null", "r", stdin))
			_exit(127);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	*out = slurp(po);
	*err = slurp(pe);
	if (rc == 124) {
		free(*out);
		free(*err);
		*out = xstrdup("");
		*err = xstrdup("timeout");
	}
	free(core); free(lin); free(po); free(pe);
	return rc;
}

/* Python's str.strip() for messages. */
static char *strip(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

struct addr {
	struct field idx, mmu;
};

static void check_pid(const char *d, long pid, const char *label)
{
	char *pdir = xasprintf("%s/expected/%ld", d, pid);
	char *path = xasprintf("%s/nested", pdir);
	struct recs nested = { 0 };
	if (exists(path))
		nested = read_recs(path);
	free(path);
	/* addrs: index -> mmu (a later index wins, like the dict) */
#define ADDR(i) rec_get(&nested.r[i], "mmu")

	char *pat = xasprintf("%s/nested-*.guest", pdir);
	glob_t gl;
	if (glob(pat, 0, NULL, &gl) != 0)
		gl.gl_pathc = 0;
	for (size_t gi = 0; gi < gl.gl_pathc; gi++) {
		const char *gpath = gl.gl_pathv[gi];
		struct m m;
		if (!match(RE_GUEST_FILE, gpath, &m))
			continue;
		long i = strtol(grp(&m, 1), NULL, 10);
		const char *base = strrchr(gpath, '/') + 1;
		char *name = xasprintf("%s/%ld/%s", label, pid, base);
		const struct field *mmu = NULL;
		for (size_t k = 0; k < nested.n; k++) {
			const struct field *ix = rec_get(&nested.r[k], "index");
			if (ix && ix->type == V_INT && !ix->neg && ix->mag == (uint64_t)i)
				mmu = ADDR(k);
		}
		if (!mmu) {
			reportf(false, name, "no nested MMU %ld in expected/%ld/nested", i, pid);
			free(name);
			continue;
		}
		char *addr = xasprintf("0x%" PRIx64, mmu->mag);
		char *out, *err;
		int rc = run(d, &out, &err, "nesteds2", "guest", addr, NULL);
		struct recs want = read_recs(gpath), got = parse_guest(out);
		bool problems = false;
		for (size_t k = 0; k < want.n; k++)
			if (rec_get(&want.r[k], "problem"))
				problems = true;
		if (rc != (problems ? 1 : 0))
			reportf(false, name, "exit status %d, expected %d (%s)", rc, problems ? 1 : 0, strip(err));
		else
			compare(name, &want, &got);
		recs_free(&want); recs_free(&got);
		free(out); free(err); free(addr); free(name);
	}
	if (gl.gl_pathc)
		globfree(&gl);
	free(pat);

	path = xasprintf("%s/nested-translate", pdir);
	if (exists(path)) {
		struct recs want = read_recs(path), got = { 0 };
		for (size_t k = 0; k < want.n; k++) {
			const struct field *wm = rec_get(&want.r[k], "mmu"), *wl = rec_get(&want.r[k], "l2");
			if (!wm || !wl) {
				fprintf(stderr, "nested-check: KeyError: %s line %zu needs mmu= and l2=\n", path, k + 1);
				exit(1);
			}
			uint64_t a = 0;
			for (size_t j = 0; j < nested.n; j++) {
				const struct field *ix = rec_get(&nested.r[j], "index");
				if (ix && same(ix, wm) && ADDR(j))
					a = ADDR(j)->mag;
			}
			char *ipa = xasprintf("0x%" PRIx64, wl->mag), *ma = xasprintf("0x%" PRIx64, a);
			char *out, *err;
			int rc = run(d, &out, &err, "s2dump", "-t", ipa, ma);
			if (rc == 0 || rc == 1) {
				/* status 1 exactly when the guest walk stopped at a table it could not
				 * read (docs/commands.md: findings), as nesteds2 guest does */
				bool walk_abort = strstr(out, "external abort on table walk") != NULL;
				char *tn = xasprintf("%s/%ld/nested-translate-status l2=0x%" PRIx64, label, pid, wl->mag);
				reportf((rc == 1) == walk_abort, tn, "status %d with%s an unreadable guest table", rc,
					walk_abort ? "" : "out");
				free(tn);
				recs_push(&got, parse_translate(out, wm, wl->mag));
			} else {
				struct rec r = { 0 };
				struct field *f = rec_slot(&r, "mmu");
				*f = (struct field){ .key = f->key, .type = wm->type, .neg = wm->neg, .mag = wm->mag,
						     .str = wm->str ? xstrdup(wm->str) : NULL };
				set_u64(&r, "l2", wl->mag);
				set_int(&r, "status", rc);
				set_str(&r, "error", strip(err));
				recs_push(&got, r);
			}
			free(out); free(err); free(ipa); free(ma);
		}
		char *name = xasprintf("%s/%ld/nested-translate", label, pid);
		compare(name, &want, &got);
		free(name);
		recs_free(&want); recs_free(&got);
	}
	free(path);

	path = xasprintf("%s/check", pdir);
	if (exists(path)) {
		struct recs want = read_recs(path);
		char *ps = xasprintf("%ld", pid);
		char *out, *err;
		int rc = run(d, &out, &err, "nesteds2", "check", ps, NULL);
		long nviol = -1;
		if (want.n) {
			const struct field *v = rec_get(&want.r[want.n - 1], "violations");
			if (v)
				nviol = v->neg ? -(long)v->mag : (long)v->mag;
		}
		char *name = xasprintf("%s/%ld/check", label, pid);
		if (rc != (nviol > 0 ? 1 : 0)) {
			reportf(false, name, "exit status %d with %ld expected violations (%s)", rc, nviol, strip(err));
		} else {
			struct recs got = parse_check(out);
			compare(name, &want, &got);
			recs_free(&got);
		}
		free(name); free(ps); free(out); free(err);
		recs_free(&want);
	}
	free(path);
	recs_free(&nested);
	free(pdir);
#undef ADDR
}

/* (layouts, pids of VMs with `nested` lines) of one scenario file. */
static void scenario_pids(const char *scn, char ***layouts, size_t *nl, long **pids, size_t *np)
{
	*layouts = NULL; *pids = NULL; *nl = *np = 0;
	FILE *f = fopen(scn, "r");
	if (!f) {
		fprintf(stderr, "nested-check: %s: %s\n", scn, strerror(errno));
		exit(1);
	}
	char *line = NULL;
	size_t cap = 0;
	bool have_cur = false;
	long cur = 0;
	while (getline(&line, &cap, f) > 0) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *save = NULL, *t0 = strtok_r(line, " \t\r\n\v\f", &save);
		if (!t0)
			continue;
		if (!strcmp(t0, "layout")) {
			for (char *t = strtok_r(NULL, " \t\r\n\v\f", &save); t; t = strtok_r(NULL, " \t\r\n\v\f", &save)) {
				*layouts = xrealloc(*layouts, (*nl + 1) * sizeof(**layouts));
				(*layouts)[(*nl)++] = xstrdup(t);
			}
		} else if (!strcmp(t0, "vm")) {
			char *t1 = strtok_r(NULL, " \t\r\n\v\f", &save), *end;
			if (!t1 || (cur = strtol(t1, &end, 0), *end)) {
				fprintf(stderr, "nested-check: %s: bad vm line\n", scn);
				exit(1);
			}
			have_cur = true;
		} else if (!strcmp(t0, "nested") && have_cur) {
			bool seen = false;
			for (size_t i = 0; i < *np; i++)
				seen |= (*pids)[i] == cur;
			if (!seen) {
				*pids = xrealloc(*pids, (*np + 1) * sizeof(**pids));
				(*pids)[(*np)++] = cur;
			}
		}
	}
	free(line);
	fclose(f);
	if (!*nl) {
		*layouts = xrealloc(NULL, sizeof(**layouts));
		(*layouts)[(*nl)++] = xstrdup("linux-6.12");
	}
}

static struct rec leaf_rec(uint64_t l2, uint64_t size, int level, uint64_t l1, const char *perm, int af)
{
	struct rec r = { 0 };
	set_u64(&r, "l2", l2);
	set_u64(&r, "size", size);
	set_int(&r, "level", level);
	set_u64(&r, "l1", l1);
	set_str(&r, "perm", perm);
	set_int(&r, "af", af);
	return r;
}

/* The comparison must be able to fail: a changed field and a missing line are caught. */
static void selftest(void)
{
	struct recs want = { 0 }, changed = { 0 }, none = { 0 };
	recs_push(&want, leaf_rec(0x1000, 0x1000, 3, 0x2000, "r--", 1));
	recs_push(&changed, leaf_rec(0x1000, 0x1000, 3, 0x3000, "r--", 1));
	int saved = failed;
	quiet = true;
	compare("selftest-probe", &want, &changed);
	compare("selftest-probe", &want, &none);
	quiet = false;
	int caught = failed - saved;
	failed = saved;
	reportf(caught == 2, "comparator detects a changed field and a missing line", "%d of 2 differences caught", caught);
	recs_free(&want); recs_free(&changed);

	struct recs g = parse_guest("0x0000000000200000-0x0000000000400000 L2 block -> L1 0x0000000040000000  rw- AF=1\n"
				    "0x0000000000000000-0x0000008000000000 L1  !! table at L1 0x0000000080000000 not in dump (PA 0x1)\n");
	struct recs e = { 0 };
	recs_push(&e, leaf_rec(0x200000, 0x200000, 2, 0x40000000, "rw-", 1));
	struct rec p = { 0 };
	set_true(&p, "problem");
	set_u64(&p, "l2", 0);
	set_u64(&p, "size", 0x8000000000);
	set_int(&p, "level", 1);
	set_u64(&p, "table_l1", 0x80000000);
	set_str(&p, "kind", "missing");
	recs_push(&e, p);
	/* dict equality: same records, same fields (any order) */
	bool eq = g.n == e.n;
	for (size_t i = 0; eq && i < g.n; i++) {
		eq = g.r[i].n == e.r[i].n;
		for (size_t j = 0; eq && j < e.r[i].n; j++) {
			const struct field *gf = rec_get(&g.r[i], e.r[i].f[j].key);
			eq = gf && gf->type == e.r[i].f[j].type && same(gf, &e.r[i].f[j]);
		}
	}
	char *repr = NULL;
	size_t rl = 0;
	FILE *m = open_memstream(&repr, &rl);
	fputc('[', m);
	for (size_t i = 0; i < g.n; i++) {
		char *s = fmt(&g.r[i]);
		fprintf(m, "%s{%s}", i ? ", " : "", s);
		free(s);
	}
	fputc(']', m);
	fclose(m);
	report(eq, "guest output parser", repr);
	free(repr);
	recs_free(&g); recs_free(&e);
}

int main(void)
{
	top = getenv("CN_TOP");
	tool = getenv("CN_TOOL");
	vmc = getenv("CN_VMC");
	if (!top || !tool || !vmc) {
		fprintf(stderr, "nested-check: CN_TOP, CN_TOOL and CN_VMC must be set (check-nested.sh sets them)\n");
		return 2;
	}
	compile_all();
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	selftest();
	int status = 0;
	if (access(tool, X_OK) != 0) {
		reportf(false, "tool", "%s not built (make all)", tool);
		status = 1;
		goto out;
	}
	char *pat = xasprintf("%s/tests/vmcores/scenarios/*.scn", top);
	glob_t gl;
	if (glob(pat, 0, NULL, &gl) != 0)
		gl.gl_pathc = 0;
	for (size_t s = 0; s < gl.gl_pathc; s++) {
		const char *scn = gl.gl_pathv[s];
		const char *base = strrchr(scn, '/') + 1;
		char *sname = xstrdup(base);
		sname[strlen(sname) - 4] = 0;
		char **layouts;
		long *pids;
		size_t nl, np;
		scenario_pids(scn, &layouts, &nl, &pids, &np);
		for (size_t l = 0; np && l < nl; l++) {
			char *d = xasprintf("%s/%s/%s", vmc, layouts[l], sname);
			char *label = xasprintf("%s/%s", layouts[l], sname);
			char *core = xasprintf("%s/vmcore", d);
			if (!exists(core)) {
				reportf(false, label, "no dump at %s (make vmcores)", d);
			} else {
				for (size_t p = 0; p < np; p++) {
					char *chk = xasprintf("%s/expected/%ld/check", d, pids[p]);
					if (!exists(chk)) {
						char *n = xasprintf("%s/%ld", label, pids[p]);
						reportf(false, n, "expected/%ld/check missing: the generator predates the "
							"nested expectations (h-gen)", pids[p]);
						free(n);
					} else {
						check_pid(d, pids[p], label);
					}
					free(chk);
				}
			}
			free(core); free(label); free(d);
		}
		for (size_t l = 0; l < nl; l++)
			free(layouts[l]);
		free(layouts); free(pids); free(sname);
	}
	if (gl.gl_pathc)
		globfree(&gl);
	free(pat);
	status = failed ? 1 : 0;
out:;
	char *rm = xasprintf("%s/out", tmpdir);
	unlink(rm);
	free(rm);
	rm = xasprintf("%s/err", tmpdir);
	unlink(rm);
	free(rm);
	rmdir(tmpdir);
	return status;
}
