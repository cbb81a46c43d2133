// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check-prefault.sh's parsers and checks (the script documents the test):
 *
 *   prefault-check convert text|json OUTPUT DIR   s2dump -p (text, or -p -j) -> the expected
 *                                                files' key=value lines: DIR/{memslots,prefault,vcpus,pkvm}
 *   prefault-check translate 'LINE' JSON          one expected/<pid>/translate line vs s2dump -j -t
 *   prefault-check leaves PREFAULT JSON           s2dump -j leaves: ascending, disjoint, and their
 *                                                sum = what expected/<pid>/prefault maps
 *   prefault-check wellformed JSON STATUS         schema s2dump/1, "status" = STATUS, "error" set
 *                                                exactly when STATUS is not 0
 *
 * Only the documented formats (docs/commands.md, docs/json.md) are known. A failure is one line
 * on stderr, named like the Python exceptions the script used to print ("ValueError: ...",
 * "KeyError: 'x'", "AssertionError: ..."), and exit status 1. The JSON reader keeps the last of
 * duplicate keys, as Python's json does.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("MemoryError");
	return p;
}

/* ---------------- a small JSON reader (RFC 8259) ---------------- */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };
struct jval {
	enum jtype t;
	char *s;                /* J_STR: decoded (UTF-8); J_NUM: the number's text */
	size_t n;               /* J_ARR, J_OBJ: members */
	char **keys;            /* J_OBJ */
	struct jval **v;
};

struct jparse {
	const char *p, *start;
};

static void jfail(struct jparse *jp, const char *what)
{
	size_t pos = (size_t)(jp->p - jp->start);
	int line = 1;
	size_t col = 1;
	for (const char *q = jp->start; q < jp->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	die("json.decoder.JSONDecodeError: %s: line %d column %zu (char %zu)", what, line, col, pos);
}

static void ws(struct jparse *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static void put_utf8(char **buf, size_t *len, size_t *cap, unsigned cp)
{
	char tmp[4];
	size_t k;
	if (cp < 0x80) {
		tmp[0] = (char)cp; k = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | cp >> 6); tmp[1] = (char)(0x80 | (cp & 0x3f)); k = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | cp >> 12); tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f)); k = 3;
	} else {
		tmp[0] = (char)(0xf0 | cp >> 18); tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); tmp[3] = (char)(0x80 | (cp & 0x3f)); k = 4;
	}
	if (*len + k + 1 > *cap) {
		*cap = (*len + k + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, tmp, k);
	*len += k;
}

static unsigned hex4(struct jparse *jp)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = *jp->p;
		if (!isxdigit((unsigned char)c))
			jfail(jp, "Invalid \\uXXXX escape");
		v = v * 16 + (unsigned)(isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10));
		jp->p++;
	}
	return v;
}

static char *jstring(struct jparse *jp)
{
	size_t len = 0, cap = 16;
	char *buf = xrealloc(NULL, cap);
	const char *start = jp->p;
	jp->p++; /* the quote */
	for (;;) {
		unsigned char c = (unsigned char)*jp->p;
		if (!c) {
			jp->p = start;
			jfail(jp, "Unterminated string starting at");
		}
		if (c == '"') {
			jp->p++;
			break;
		}
		if (c < 0x20)
			jfail(jp, "Invalid control character at");
		if (c == '\\') {
			jp->p++;
			char e = *jp->p++;
			unsigned cp;
			switch (e) {
			case '"': cp = '"'; break;
			case '\\': cp = '\\'; break;
			case '/': cp = '/'; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				cp = hex4(jp);
				if (cp >= 0xd800 && cp < 0xdc00 && jp->p[0] == '\\' && jp->p[1] == 'u') {
					jp->p += 2;
					unsigned lo = hex4(jp);
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				break;
			default:
				jp->p--;
				jfail(jp, "Invalid \\escape");
			}
			put_utf8(&buf, &len, &cap, cp);
			continue;
		}
		if (len + 2 > cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		buf[len++] = (char)c;
		jp->p++;
	}
	buf[len] = 0;
	return buf;
}

static struct jval *jvalue(struct jparse *jp, int depth);

static struct jval *jnew(enum jtype t)
{
	struct jval *v = xrealloc(NULL, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->t = t;
	return v;
}

static struct jval *jvalue(struct jparse *jp, int depth)
{
	if (depth > 200)
		jfail(jp, "Nesting too deep");
	ws(jp);
	const char *p = jp->p;
	struct jval *v;
	if (*p == '{' || *p == '[') {
		bool obj = *p == '{';
		char close = obj ? '}' : ']';
		v = jnew(obj ? J_OBJ : J_ARR);
		jp->p++;
		ws(jp);
		if (*jp->p == close) {
			jp->p++;
			return v;
		}
		for (;;) {
			char *key = NULL;
			if (obj) {
				ws(jp);
				if (*jp->p != '"')
					jfail(jp, "Expecting property name enclosed in double quotes");
				key = jstring(jp);
				ws(jp);
				if (*jp->p != ':')
					jfail(jp, "Expecting ':' delimiter");
				jp->p++;
			}
			struct jval *m = jvalue(jp, depth + 1);
			v->v = xrealloc(v->v, (v->n + 1) * sizeof(*v->v));
			if (obj) {
				v->keys = xrealloc(v->keys, (v->n + 1) * sizeof(*v->keys));
				v->keys[v->n] = key;
			}
			v->v[v->n++] = m;
			ws(jp);
			if (*jp->p == ',') {
				jp->p++;
				continue;
			}
			if (*jp->p == close) {
				jp->p++;
				return v;
			}
			jfail(jp, "Expecting ',' delimiter");
		}
	}
	if (*p == '"') {
		v = jnew(J_STR);
		v->s = jstring(jp);
		return v;
	}
	if (!strncmp(p, "null", 4)) {
		jp->p += 4;
		return jnew(J_NULL);
	}
	if (!strncmp(p, "true", 4)) {
		jp->p += 4;
		return jnew(J_TRUE);
	}
	if (!strncmp(p, "false", 5)) {
		jp->p += 5;
		return jnew(J_FALSE);
	}
	const char *q = p;
	if (*q == '-')
		q++;
	if (*q == '0') {
		q++;
	} else if (isdigit((unsigned char)*q)) {
		while (isdigit((unsigned char)*q))
			q++;
	} else {
		jfail(jp, "Expecting value");
	}
	if (*q == '.' && isdigit((unsigned char)q[1])) {
		q++;
		while (isdigit((unsigned char)*q))
			q++;
	}
	if ((*q == 'e' || *q == 'E') &&
	    (isdigit((unsigned char)q[1]) || ((q[1] == '+' || q[1] == '-') && isdigit((unsigned char)q[2])))) {
		q += 2;
		while (isdigit((unsigned char)*q))
			q++;
	}
	v = jnew(J_NUM);
	v->s = strndup(p, (size_t)(q - p));
	if (!v->s)
		die("MemoryError");
	jp->p = q;
	return v;
}

/* every loaded document (one per run), freed by jfree_all() */
static struct loaded {
	char *text;
	struct jval *root;
} loaded[1];
static size_t nloaded;

static void jfree(struct jval *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jfree(v->v[i]);
	}
	free(v->keys);
	free(v->v);
	free(v->s);
	free(v);
}

static void jfree_all(void)
{
	for (size_t i = 0; i < nloaded; i++) {
		jfree(loaded[i].root);
		free(loaded[i].text);
	}
	nloaded = 0;
}

static struct jval *jload(const char *path)
{
	if (nloaded == sizeof(loaded) / sizeof(loaded[0]))
		die("prefault-check: one JSON document per run");
	FILE *f = fopen(path, "r");
	if (!f)
		die("FileNotFoundError: [Errno %d] %s: '%s'", errno, strerror(errno), path);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		fwrite(tmp, 1, k, m);
	fclose(f);
	fclose(m);
	if (strlen(buf) != len)
		die("json.decoder.JSONDecodeError: NUL byte in %s", path);
	struct jparse jp = { buf, buf };
	struct jval *v = jvalue(&jp, 0);
	ws(&jp);
	if (*jp.p)
		jfail(&jp, "Extra data");
	loaded[nloaded++] = (struct loaded){ buf, v };
	return v;
}

/* d.get(key): the last member of that name (Python's json keeps the last), or NULL. */
static struct jval *jget(const struct jval *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = o->n; i-- > 0;)
		if (!strcmp(o->keys[i], key))
			return o->v[i];
	return NULL;
}

static const char *tname(const struct jval *v)
{
	switch (v->t) {
	case J_NULL: return "NoneType";
	case J_FALSE: case J_TRUE: return "bool";
	case J_NUM: return strpbrk(v->s, ".eE") ? "float" : "int";
	case J_STR: return "str";
	case J_ARR: return "list";
	default: return "dict";
	}
}

/* d[key] */
static struct jval *jidx(const struct jval *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		die("TypeError: %s indices must be integers or slices, not str", o ? tname(o) : "NoneType");
	struct jval *v = jget(o, key);
	if (!v)
		die("KeyError: '%s'", key);
	return v;
}

/* l[0] */
static struct jval *jfirst(const struct jval *a)
{
	if (!a || a->t != J_ARR)
		die("KeyError: 0");
	if (!a->n)
		die("IndexError: list index out of range");
	return a->v[0];
}

static bool truthy(const struct jval *v)
{
	if (!v)
		return false;
	switch (v->t) {
	case J_NULL: case J_FALSE: return false;
	case J_TRUE: return true;
	case J_NUM: return strtod(v->s, NULL) != 0;
	case J_STR: return v->s[0] != 0;
	default: return v->n != 0;
	}
}

/* '%d' % v: ints and bools */
static int64_t jint(const struct jval *v)
{
	if (v->t == J_TRUE)
		return 1;
	if (v->t == J_FALSE)
		return 0;
	if (v->t != J_NUM)
		die("TypeError: %%d format: a real number is required, not %s", tname(v));
	return strpbrk(v->s, ".eE") ? (int64_t)strtod(v->s, NULL) : strtoll(v->s, NULL, 10);
}

/* Python's int(s, 16) for a "0x..." string */
static uint64_t hexstr(const char *s)
{
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	const char *q = p;
	uint64_t v = 0;
	while (isxdigit((unsigned char)*q) || (*q == '_' && q > p && isxdigit((unsigned char)q[1]))) {
		if (*q != '_') {
			if (v >> 60)
				die("OverflowError: %s is wider than 64 bits", s);
			v = v * 16 + (uint64_t)(isdigit((unsigned char)*q) ? *q - '0' : tolower((unsigned char)*q) - 'a' + 10);
		}
		q++;
	}
	while (isspace((unsigned char)*q))
		q++;
	if (q == p || *q)
		die("ValueError: invalid literal for int() with base 16: '%s'", s);
	return v;
}

static uint64_t h(const struct jval *v)
{
	if (v->t != J_STR)
		die("TypeError: int() can't convert non-string with explicit base");
	return hexstr(v->s);
}

/* str(v) for '%s' */
static const char *pystr(const struct jval *v)
{
	switch (v->t) {
	case J_NULL: return "None";
	case J_TRUE: return "True";
	case J_FALSE: return "False";
	case J_NUM: case J_STR: return v->s;
	default: return v->t == J_ARR ? "[...]" : "{...}";
	}
}

/* repr(v) for '%r' */
static void pyrepr(FILE *f, const struct jval *v)
{
	if (v && v->t == J_STR)
		fprintf(f, "'%s'", v->s);
	else
		fputs(v ? pystr(v) : "None", f);
}

/* ---------------- output lines ---------------- */

struct lines {
	char **l;
	size_t n;
};
enum { K_MEMSLOTS, K_PREFAULT, K_VCPUS, K_PKVM, K_N };
static const char *const kind_names[K_N] = { "memslots", "prefault", "vcpus", "pkvm" };
static struct lines out[K_N];

static void add(int kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(int kind, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("MemoryError");
	va_end(ap);
	out[kind].l = xrealloc(out[kind].l, (out[kind].n + 1) * sizeof(char *));
	out[kind].l[out[kind].n++] = s;
}

/* append to the last line of a kind */
static void append_last(int kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append_last(int kind, const char *fmt, ...)
{
	va_list ap;
	char *s, *t;
	if (!out[kind].n)
		die("IndexError: list index out of range");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("MemoryError");
	va_end(ap);
	if (asprintf(&t, "%s%s", out[kind].l[out[kind].n - 1], s) < 0)
		die("MemoryError");
	free(s);
	free(out[kind].l[out[kind].n - 1]);
	out[kind].l[out[kind].n - 1] = t;
}

/* ---------------- text ---------------- */

#define NS "[^[:space:]]"
#define D "[0-9]"
#define X16 "0x[0-9a-f]{16}"
static const char *const patterns[] = {
#define RE_MEMSLOT 0
	"^memslot (-?" D "+) gpa (" X16 ")-(" X16 ") size (" NS "+) uaddr (" X16 ") flags (" NS "+)$",
#define RE_MAPPED 1
	"^  mapped (" NS "+) of (" NS "+) \\((" D "+)%\\)$",
#define RE_GROUP 2
	"^  L(-?" D ") (block|page) ([r-][w-][x-]) AF=([01])  (" D "+) x (" NS "+) = (" NS "+)$",
#define RE_OUTSIDE 3
	"^outside memslots mapped (" NS "+)$",
#define RE_VCPU 4
	"^vcpu (" D "+) id (-?" D "+)  esr_el2 0x([0-9a-f]{16})  far_el2 0x([0-9a-f]{16})  hpfar_el2 0x([0-9a-f]{16}).*$",
#define RE_ABORT 5
	"^  .* \\(EC 0x([0-9a-f]{2})\\)  .* \\(FSC 0x([0-9a-f]{2})\\)  WnR ([01])  fault IPA 0x([0-9a-f]{16})(  S1PTW)?$",
#define RE_PKVM 6
	"^  pKVM( protected VM)? \\([^)]+\\): stage 2 in EL2-private memory, the host keeps only pkvm_mappings:$",
#define RE_PKVM_MAP 7
	"^  pkvm_mapping gfn (0x[0-9a-f]+) pfn (0x[0-9a-f]+) nr_pages (" D "+)$",
#define RE_SIZE 8
	"^(" D "+)([KMGTPE])$",
};
#define NRE (sizeof(patterns) / sizeof(patterns[0]))
static regex_t re[NRE];

#define MAXG 8
struct m {
	regmatch_t g[MAXG];
	const char *s;
	char buf[MAXG][256];
};

static bool match(int which, const char *s, struct m *m)
{
	m->s = s;
	if (regexec(&re[which], s, MAXG, m->g, 0))
		return false;
	for (int i = 0; i < MAXG; i++) {
		m->buf[i][0] = 0;
		if (m->g[i].rm_so < 0)
			continue;
		size_t len = (size_t)(m->g[i].rm_eo - m->g[i].rm_so);
		if (len >= sizeof(m->buf[i]))
			len = sizeof(m->buf[i]) - 1;
		memcpy(m->buf[i], s + m->g[i].rm_so, len);
		m->buf[i][len] = 0;
	}
	return true;
}

static bool has(const struct m *m, int i)
{
	return m->g[i].rm_so >= 0;
}

static uint64_t size(const char *s)
{
	struct m m;
	if (!match(RE_SIZE, s, &m))
		die("ValueError: bad size '%s'", s);
	int shift = 10 * (int)(strchr("KMGTPE", m.buf[2][0]) - "KMGTPE" + 1);
	errno = 0;
	uint64_t n = strtoull(m.buf[1], NULL, 10);
	if (errno || (n >> (64 - shift)))
		die("OverflowError: size %s is wider than 64 bits", s);
	return n << shift;
}

static uint64_t flags(const char *s)
{
	if (!strcmp(s, "-"))
		return 0;
	uint64_t v = 0;
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		die("MemoryError");
	/* split('|') keeps empty words: "" is a KeyError there too */
	for (char *w = copy;;) {
		char *bar = strchr(w, '|');
		if (bar)
			*bar = 0;
		if (!strncmp(w, "0x", 2)) {
			char *end;
			errno = 0;
			uint64_t x = strtoull(w + 2, &end, 16);
			if (!w[2] || *end || errno)
				die("ValueError: invalid literal for int() with base 0: '%s'", w);
			v |= x;
		} else if (!strcmp(w, "LOG_DIRTY")) {
			v |= 1;
		} else if (!strcmp(w, "READONLY")) {
			v |= 2;
		} else if (!strcmp(w, "GUEST_MEMFD")) {
			v |= 4;
		} else {
			die("KeyError: '%s'", w);
		}
		if (!bar)
			break;
		w = bar + 1;
	}
	(void)save;
	free(copy);
	return v;
}

static void text(FILE *f)
{
	bool have_slot = false;
	long long slot = 0;
	char *l = NULL;
	size_t cap = 0;
	ssize_t len;
	struct m m;
	while ((len = getline(&l, &cap, f)) >= 0) {
		while (len && l[len - 1] == '\n')
			l[--len] = 0;
		if (match(RE_MEMSLOT, l, &m)) {
			slot = strtoll(m.buf[1], NULL, 10);
			have_slot = true;
			uint64_t a = hexstr(m.buf[2]), b = hexstr(m.buf[3]);
			if (b - a != size(m.buf[4]) || b < a)
				die("ValueError: memslot %lld: range and size disagree", slot);
			add(K_MEMSLOTS, "id=%lld gpa=0x%016" PRIx64 " size=0x%" PRIx64 " uaddr=%s flags=0x%" PRIx64,
			    slot, a, b - a, m.buf[5], flags(m.buf[6]));
			continue;
		}
		if (match(RE_MAPPED, l, &m)) {
			uint64_t mp = size(m.buf[1]), sz = size(m.buf[2]);
			if (!sz)
				die("ZeroDivisionError: integer division or modulo by zero");
			if (!have_slot)
				die("TypeError: %%d format: a real number is required, not NoneType");
			errno = 0;
			unsigned long long pct = strtoull(m.buf[3], NULL, 10);
			if (errno || pct != (unsigned long long)((unsigned __int128)mp * 100 / sz))
				die("ValueError: slot %lld: percentage %s is not floor(mapped/size)", slot, m.buf[3]);
			add(K_PREFAULT, "slot=%lld mapped=0x%" PRIx64 " size=0x%" PRIx64, slot, mp, sz);
			continue;
		}
		if (match(RE_GROUP, l, &m)) {
			if (!have_slot)
				die("TypeError: %%d format: a real number is required, not NoneType");
			add(K_PREFAULT, "slot=%lld level=%s kind=%s perm=%s af=%s count=%s bytes=0x%" PRIx64,
			    slot, m.buf[1], m.buf[2], m.buf[3], m.buf[4], m.buf[5], size(m.buf[7]));
			continue;
		}
		if (match(RE_OUTSIDE, l, &m)) {
			add(K_PREFAULT, "outside mapped=0x%" PRIx64, size(m.buf[1]));
			continue;
		}
		if (match(RE_VCPU, l, &m)) {
			add(K_VCPUS, "idx=%s id=%s esr=0x%" PRIx64 " far=0x%" PRIx64 " hpfar=0x%" PRIx64,
			    m.buf[1], m.buf[2], hexstr(m.buf[3]), hexstr(m.buf[4]), hexstr(m.buf[5]));
			continue;
		}
		if (match(RE_ABORT, l, &m)) {
			append_last(K_VCPUS, " ec=0x%" PRIx64 " fsc=0x%" PRIx64 " wnr=%s fault_ipa=0x%" PRIx64,
				    hexstr(m.buf[1]), hexstr(m.buf[2]), m.buf[3], hexstr(m.buf[4]));
			continue;
		}
		if (match(RE_PKVM, l, &m)) {
			add(K_PKVM, "protected=%d", has(&m, 1) ? 1 : 0);
			continue;
		}
		if (match(RE_PKVM_MAP, l, &m)) {
			add(K_PKVM, "gfn=%s pfn=%s nr_pages=%s", m.buf[1], m.buf[2], m.buf[3]);
			continue;
		}
	}
	free(l);
}

/* ---------------- JSON ---------------- */

static const struct jval *iter(const struct jval *a, size_t i)
{
	if (!a || a->t != J_ARR) {
		if (a && a->t == J_OBJ)
			return i < a->n ? NULL : NULL; /* iterating a dict yields keys: not a document of ours */
		die("TypeError: '%s' object is not iterable", a ? tname(a) : "NoneType");
	}
	return i < a->n ? a->v[i] : NULL;
}

static void from_json(const struct jval *doc)
{
	const struct jval *schema = jget(doc, "schema"), *mode = jget(doc, "mode");
	if (!schema || schema->t != J_STR || strcmp(schema->s, "s2dump/1") ||
	    !mode || mode->t != J_STR || strcmp(mode->s, "prefault")) {
		fputs("ValueError: schema/mode: ", stderr);
		pyrepr(stderr, schema);
		fputc(' ', stderr);
		pyrepr(stderr, mode);
		fputc('\n', stderr);
		exit(1);
	}
	const struct jval *vms = jidx(doc, "vms"), *vm;
	for (size_t i = 0; (vm = iter(vms, i)); i++) {
		const struct jval *slots = jidx(vm, "memslots"), *s;
		for (size_t j = 0; (s = iter(slots, j)); j++) {
			long long id = jint(jidx(s, "id"));
			add(K_MEMSLOTS, "id=%lld gpa=0x%016" PRIx64 " size=0x%" PRIx64 " uaddr=0x%016" PRIx64 " flags=0x%llx",
			    id, h(jidx(s, "gpa")), h(jidx(s, "size")), h(jidx(s, "uaddr")),
			    (unsigned long long)jint(jidx(s, "flags")));
			const struct jval *mapped = jidx(s, "mapped");
			if (mapped->t == J_NULL)
				continue;
			add(K_PREFAULT, "slot=%lld mapped=0x%" PRIx64 " size=0x%" PRIx64, id, h(mapped), h(jidx(s, "size")));
			const struct jval *groups = jidx(s, "groups"), *g;
			for (size_t k = 0; (g = iter(groups, k)); k++)
				add(K_PREFAULT, "slot=%lld level=%lld kind=%s perm=%s af=%lld count=%lld bytes=0x%" PRIx64,
				    id, (long long)jint(jidx(g, "level")), pystr(jidx(g, "kind")), pystr(jidx(g, "perm")),
				    (long long)jint(jidx(g, "af")), (long long)jint(jidx(g, "count")), h(jidx(g, "bytes")));
		}
		const struct jval *om = jget(vm, "outside_mapped");
		if (om && h(om))
			add(K_PREFAULT, "outside mapped=0x%" PRIx64, h(om));
		const struct jval *pk = jidx(vm, "pkvm");
		if (truthy(jidx(pk, "host_view_only"))) {
			add(K_PKVM, "protected=%d", truthy(jidx(pk, "protected")) ? 1 : 0);
			const struct jval *maps = jidx(vm, "pkvm_mappings"), *p;
			for (size_t k = 0; (p = iter(maps, k)); k++)
				add(K_PKVM, "gfn=%s pfn=%s nr_pages=%lld", pystr(jidx(p, "gfn")), pystr(jidx(p, "pfn")),
				    (long long)jint(jidx(p, "nr_pages")));
		}
		const struct jval *vcpus = jidx(vm, "vcpus"), *c;
		for (size_t k = 0; (c = iter(vcpus, k)); k++) {
			add(K_VCPUS, "idx=%lld id=%lld esr=0x%" PRIx64 " far=0x%" PRIx64 " hpfar=0x%" PRIx64,
			    (long long)jint(jidx(c, "index")), (long long)jint(jidx(c, "id")), h(jidx(c, "esr_el2")),
			    h(jidx(c, "far_el2")), h(jidx(c, "hpfar_el2")));
			const struct jval *f = jidx(c, "fault");
			if (truthy(f) && truthy(jidx(f, "abort")))
				append_last(K_VCPUS, " ec=0x%" PRIx64 " fsc=0x%" PRIx64 " wnr=%lld fault_ipa=0x%" PRIx64,
					    h(jidx(f, "ec")), h(jidx(f, "fsc")), (long long)jint(jidx(f, "wnr")),
					    h(jidx(f, "fault_ipa")));
		}
	}
}

static int convert(const char *mode, const char *src, const char *dst)
{
	if (!strcmp(mode, "json")) {
		from_json(jload(src));
	} else {
		FILE *f = fopen(src, "r");
		if (!f)
			die("FileNotFoundError: [Errno %d] %s: '%s'", errno, strerror(errno), src);
		text(f);
		fclose(f);
	}
	for (int k = 0; k < K_N; k++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dst, kind_names[k]);
		FILE *f = fopen(path, "w");
		if (!f)
			die("OSError: %s: %s", path, strerror(errno));
		for (size_t i = 0; i < out[k].n; i++)
			fprintf(f, "%s\n", out[k].l[i]);
		if (fclose(f))
			die("OSError: %s: %s", path, strerror(errno));
		for (size_t i = 0; i < out[k].n; i++)
			free(out[k].l[i]);
		free(out[k].l);
		out[k].l = NULL;
		out[k].n = 0;
	}
	return 0;
}

/* ---------------- jcheck ---------------- */

static const struct jval *load_checked(const char *path)
{
	const struct jval *d = jload(path);
	const struct jval *schema = jget(d, "schema"), *err = jget(d, "error");
	if (!schema || schema->t != J_STR || strcmp(schema->s, "s2dump/1") || (err && err->t != J_NULL)) {
		fputs("schema ", stderr);
		pyrepr(stderr, schema);
		fputs(" error ", stderr);
		pyrepr(stderr, err);
		fputc('\n', stderr);
		exit(1);
	}
	return d;
}

/* A Python value of the tuples compared in `translate`: None, an int, a str, or a JSON value. */
struct pv {
	enum { P_NONE, P_INT, P_STR, P_J } t;
	uint64_t i;
	bool neg;
	const char *s;
	const struct jval *j;
};

static struct pv pv_j(const struct jval *j)
{
	if (!j || j->t == J_NULL)
		return (struct pv){ .t = P_NONE };
	if (j->t == J_STR)
		return (struct pv){ .t = P_STR, .s = j->s };
	if (j->t == J_TRUE || j->t == J_FALSE)
		return (struct pv){ .t = P_INT, .i = j->t == J_TRUE };
	if (j->t == J_NUM && !strpbrk(j->s, ".eE")) {
		bool neg = j->s[0] == '-';
		return (struct pv){ .t = P_INT, .neg = neg, .i = strtoull(j->s + neg, NULL, 10) };
	}
	return (struct pv){ .t = P_J, .j = j };
}

static bool pv_eq(struct pv a, struct pv b)
{
	if (a.t != b.t)
		return false;
	switch (a.t) {
	case P_NONE: return true;
	case P_INT: return a.i == b.i && (a.neg == b.neg || !a.i);
	case P_STR: return !strcmp(a.s, b.s);
	default: return false;
	}
}

static void pv_print(FILE *f, struct pv v)
{
	switch (v.t) {
	case P_NONE: fputs("None", f); break;
	case P_INT: fprintf(f, "%s%" PRIu64, v.neg && v.i ? "-" : "", v.i); break;
	case P_STR: fprintf(f, "'%s'", v.s); break;
	default: pyrepr(f, v.j);
	}
}

/* the (truthy and int(x, 16)) of the Python: x itself when falsy */
static struct pv and_hex(const struct jval *j)
{
	if (!truthy(j))
		return pv_j(j);
	return (struct pv){ .t = P_INT, .i = h(j) };
}

static int64_t pyint10(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		die("ValueError: invalid literal for int() with base 10: '%s'", s);
	return v;
}

static struct pv pv_int(int64_t v)
{
	return (struct pv){ .t = P_INT, .neg = v < 0, .i = v < 0 ? -(uint64_t)v : (uint64_t)v };
}

static int translate(const char *want, const char *path)
{
	const struct jval *t = jidx(jfirst(jidx(load_checked(path), "vms")), "translation");
	/* w = dict(x.split('=', 1) for x in want.split()[1:] if '=' in x) */
	char *copy = strdup(want), *save = NULL;
	if (!copy)
		die("MemoryError");
	char *first = strtok_r(copy, " \t\n", &save);
	const char *wpa = NULL, *wlevel = NULL, *wsize = NULL;
	for (char *x = strtok_r(NULL, " \t\n", &save); x; x = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(x, '=');
		if (!eq)
			continue;
		*eq = 0;
		if (!strcmp(x, "pa"))
			wpa = eq + 1;
		else if (!strcmp(x, "level"))
			wlevel = eq + 1;
		else if (!strcmp(x, "size"))
			wsize = eq + 1;
	}
	if (!first)
		die("IndexError: list index out of range");
	const struct jval *ipa = jidx(t, "ipa");
	if (h(ipa) != hexstr(first))
		die("ipa %s", pystr(ipa));
	struct pv got[3], exp[3];
	if (wpa) {
		got[0] = and_hex(jidx(t, "pa"));
		got[1] = pv_j(jidx(t, "level"));
		got[2] = and_hex(jget(t, "block_size"));
		if (!wlevel)
			die("KeyError: 'level'");
		if (!wsize)
			die("KeyError: 'size'");
		exp[0] = (struct pv){ .t = P_INT, .i = hexstr(wpa) };
		exp[1] = pv_int(pyint10(wlevel));
		exp[2] = (struct pv){ .t = P_INT, .i = hexstr(wsize) };
	} else {
		const struct jval *f = jidx(t, "fault");
		if (!truthy(f))
			f = NULL;
		else if (f->t != J_OBJ)
			die("AttributeError: '%s' object has no attribute 'get'", tname(f));
		got[0] = pv_j(jidx(t, "pa"));
		got[1] = pv_j(jget(f, "type"));
		got[2] = pv_j(jget(f, "level"));
		if (!wlevel)
			die("KeyError: 'level'");
		exp[0] = (struct pv){ .t = P_NONE };
		exp[1] = (struct pv){ .t = P_STR, .s = "translation fault" };
		exp[2] = pv_int(pyint10(wlevel));
	}
	if (!pv_eq(got[0], exp[0]) || !pv_eq(got[1], exp[1]) || !pv_eq(got[2], exp[2])) {
		fputs("got (", stderr);
		for (int i = 0; i < 3; i++) {
			fputs(i ? ", " : "", stderr);
			pv_print(stderr, got[i]);
		}
		fputs("), expected (", stderr);
		for (int i = 0; i < 3; i++) {
			fputs(i ? ", " : "", stderr);
			pv_print(stderr, exp[i]);
		}
		fputs(")\n", stderr);
		exit(1);
	}
	free(copy);
	return 0;
}

static int leaves(const char *prefault, const char *path)
{
	FILE *f = fopen(prefault, "r");
	if (!f)
		die("FileNotFoundError: [Errno %d] %s: '%s'", errno, strerror(errno), prefault);
	uint64_t want = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		char *p;
		if (!strncmp(line, "outside mapped=", 15)) {
			want += hexstr(line + 15);
		} else if ((p = strstr(line, " mapped="))) {
			p += 8;
			size_t n = strcspn(p, " \t\n\r\v\f");
			p[n] = 0;
			want += hexstr(p);
		}
	}
	free(line);
	fclose(f);
	uint64_t total = 0, end = 0;
	const struct jval *entries = jidx(jfirst(jidx(load_checked(path), "vms")), "entries"), *e;
	for (size_t i = 0; (e = iter(entries, i)); i++) {
		const struct jval *type = jidx(e, "type");
		if (type->t != J_STR || strcmp(type->s, "leaf"))
			continue;
		const struct jval *kind = jidx(e, "kind");
		if (kind->t == J_STR && !strcmp(kind->s, "reserved"))
			continue;
		uint64_t ia = h(jidx(e, "ipa")), sz = h(jidx(e, "size"));
		if (ia < end)
			die("leaf at %s overlaps or is out of order", pystr(jidx(e, "ipa")));
		end = ia + sz;
		total += sz;
	}
	if (total != want)
		die("valid leaves cover 0x%" PRIx64 ", expected/prefault says 0x%" PRIx64, total, want);
	return 0;
}

/* every JSON mode: one well-formed s2dump/1 document whose "status" is the exit status */
static int wellformed(const char *path, const char *rcs)
{
	const struct jval *d = jload(path);
	long long rc = pyint10(rcs);
	const struct jval *schema = jidx(d, "schema");
	if (schema->t != J_STR || strcmp(schema->s, "s2dump/1"))
		die("AssertionError: %s", pystr(schema));
	const struct jval *status = jidx(d, "status");
	if (!pv_eq(pv_j(status), pv_int(rc))) {
		fputs("AssertionError: status ", stderr);
		pyrepr(stderr, status);
		fprintf(stderr, ", exit %lld\n", rc);
		exit(1);
	}
	const struct jval *err = jidx(d, "error");
	if ((err->t == J_NULL) != (rc == 0)) {
		fputs("AssertionError: error ", stderr);
		pyrepr(stderr, err);
		fprintf(stderr, " with exit %lld\n", rc);
		exit(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < NRE; i++)
		if (regcomp(&re[i], patterns[i], REG_EXTENDED)) {
			fprintf(stderr, "prefault-check: regex %zu does not compile\n", i);
			return 2;
		}
	int rc = -1;
	if (argc == 5 && !strcmp(argv[1], "convert") && (!strcmp(argv[2], "text") || !strcmp(argv[2], "json")))
		rc = convert(argv[2], argv[3], argv[4]);
	else if (argc == 4 && !strcmp(argv[1], "translate"))
		rc = translate(argv[2], argv[3]);
	else if (argc == 4 && !strcmp(argv[1], "leaves"))
		rc = leaves(argv[2], argv[3]);
	else if (argc == 4 && !strcmp(argv[1], "wellformed"))
		rc = wellformed(argv[2], argv[3]);
	for (size_t i = 0; i < NRE; i++)
		regfree(&re[i]);
	jfree_all();
	if (rc >= 0)
		return rc;
	fprintf(stderr, "usage: prefault-check convert text|json OUTPUT DIR | translate LINE JSON | "
		"leaves PREFAULT JSON | wellformed JSON STATUS\n");
	return 2;
}
