// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash extension: `s2dump` and `nesteds2` inside crash, on the shared core.
 *
 * Only an adapter: a struct s2_target on crash's API (readmem with
 * RETURN_ON_ERROR|QUIET, symbol_exists/symbol_value, datatype_info,
 * pc->read_vmcoreinfo), one s2_session per crash session, output to crash's
 * fp (pipes, redirection, the pager), errors through error(INFO) so crash
 * returns to its prompt. Commands are flagged MINIMAL: in `crash --minimal`
 * vmalloc reads fail and the core translates through swapper_pg_dir itself.
 */
/* crash's defs.h is force-included by the build (-include): it needs -DARM64 first. */

#include <inttypes.h>

#ifndef S2_CRASH_VERSION
#error "S2_CRASH_VERSION (the version of the crash whose defs.h is included) is set by extensions/module.mk"
#endif

#include "s2dump/command.h"

static struct s2_session *session;

static struct s2_error *crash_read(uint64_t addr, int memtype, void *buf, size_t len)
{
	if (readmem(addr, memtype, buf, (long)len, "s2dump", RETURN_ON_ERROR | QUIET))
		return NULL;
	return s2_error_fault(addr, memtype == PHYSADDR, "%s 0x%" PRIx64 " not readable in crash",
			      memtype == PHYSADDR ? "PA" : "kernel VA", addr);
}

static struct s2_error *op_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return crash_read(pa, PHYSADDR, buf, len);
}

static struct s2_error *op_read_kvaddr(void *ctx, uint64_t va, void *buf, size_t len)
{
	return crash_read(va, KVADDR, buf, len);
}

static struct s2_error *op_symbol_address(void *ctx, const char *name, uint64_t *addr)
{
	if (!symbol_exists((char *)name))
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not found", name);
	*addr = symbol_value((char *)name);
	return NULL;
}

/*
 * Ask crash's embedded gdb; the first line of its answer into buf. Used for
 * member types: crash's MEMBER_TYPE_NAME() drops pointer stars, and 7.2's
 * kvm_arch.nested_mmus is a "struct kvm_s2_mmu **" where 6.12's is a
 * "struct kvm_s2_mmu *".
 */
static bool gdb_line(const char *cmd, char *buf, size_t len)
{
	char line[512];
	bool ok;

	buf[0] = '\0';
	open_tmpfile();
	ok = gdb_pass_through((char *)cmd, pc->tmpfile, GNU_RETURN_ON_ERROR);
	rewind(pc->tmpfile);
	if (ok && fgets(line, sizeof(line), pc->tmpfile)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line);
	}
	close_tmpfile();
	return ok && buf[0];
}

/*
 * gdb's `output EXPR`: the value alone ("8"), and unlike `print` nothing is added to gdb's value
 * history, which would grow with every session (extend -u / extend cycles).
 */
static bool gdb_output_number(const char *expr, uint64_t *val)
{
	char cmd[512], buf[256], *end;

	snprintf(cmd, sizeof(cmd), "output %s", expr);
	if (!gdb_line(cmd, buf, sizeof(buf)))
		return false;
	*val = strtoull(buf, &end, 0);
	return end != buf;
}

/* "type = struct kvm_s2_mmu **" -> kind, and the pointee's kind. */
static void kind_from_type(const char *type, struct s2_member_info *out)
{
	const char *t = strstr(type, "= ") ? strstr(type, "= ") + 2 : type;
	size_t n = strlen(t);

	if (n && t[n - 1] == '*') {
		out->kind = S2_TYPE_POINTER;
		out->target_kind = (n > 1 && t[n - 2] == '*') ? S2_TYPE_POINTER :
				   !strncmp(t, "struct ", 7) ? S2_TYPE_STRUCT : S2_TYPE_OTHER;
	} else if (strchr(t, '[')) {
		out->kind = S2_TYPE_ARRAY;
	} else if (!strncmp(t, "struct ", 7)) {
		out->kind = S2_TYPE_STRUCT;
	} else if (!strncmp(t, "union ", 6)) {
		out->kind = S2_TYPE_UNION;
	} else if (!strncmp(t, "enum ", 5)) {
		out->kind = S2_TYPE_ENUM;
	} else {
		out->kind = S2_TYPE_INT;
		out->is_signed = strncmp(t, "unsigned", 8) != 0 && strncmp(t, "_Bool", 5) != 0 &&
				 strncmp(t, "bool", 4) != 0;
	}
}

/* "struct kvm_arch" / "union foo" / "kvm_arch" -> "kvm_arch" into buf. */
static void tag_of(const char *type_name, char *buf, size_t len)
{
	const char *p = type_name;

	if (!strncmp(p, "struct ", 7))
		p += 7;
	else if (!strncmp(p, "union ", 6))
		p += 6;
	snprintf(buf, len, "%s", p);
	buf[strcspn(buf, " *[")] = '\0';
}

static enum s2_type_kind kind_of_typecode(long code)
{
	switch (code) {
	case TYPE_CODE_PTR: return S2_TYPE_POINTER;
	case TYPE_CODE_STRUCT: return S2_TYPE_STRUCT;
	case TYPE_CODE_UNION: return S2_TYPE_UNION;
	case TYPE_CODE_ARRAY: return S2_TYPE_ARRAY;
	case TYPE_CODE_ENUM: return S2_TYPE_ENUM;
	case TYPE_CODE_INT: case TYPE_CODE_BOOL: return S2_TYPE_INT;
	}
	return S2_TYPE_OTHER;
}

/* One member of one struct: offset (direct or inside anonymous members). */
static long member_offset(char *type, char *member)
{
	long off = MEMBER_OFFSET(type, member);

	if (off < 0)
		off = ANON_MEMBER_OFFSET(type, member);
	return off;
}

/*
 * Offsets and sizes from crash's datatype_info(), one path component at a
 * time (fast). Only for pointers is gdb asked for the declared type, since
 * the pointee's kind matters (kvm_arch.nested_mmus).
 */
static struct s2_error *op_member_info(void *ctx, const char *type, const char *path,
				       struct s2_member_info *out)
{
	char cur[128], comp[128], cmd[512], buf[512];
	const char *p = path;
	uint64_t total = 0;

	memset(out, 0, sizeof(*out));
	snprintf(cur, sizeof(cur), "%s", type);
	for (;;) {
		size_t n = strcspn(p, ".");
		long off, size;
		char *tname;

		if (n >= sizeof(comp))
			n = sizeof(comp) - 1;
		memcpy(comp, p, n);
		comp[n] = '\0';
		off = member_offset(cur, comp);
		if (off < 0)
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s has no member %s (path %s)", cur, comp,
					       path);
		total += (uint64_t)off;
		if (!p[n]) {
			size = MEMBER_SIZE(cur, comp);
			out->offset = total;
			out->size = size > 0 ? (uint64_t)size : 0;
			out->kind = kind_of_typecode(MEMBER_TYPE(cur, comp));
			if (out->kind == S2_TYPE_POINTER) {
				snprintf(cmd, sizeof(cmd), "whatis ((struct %s *)0)->%s", type, path);
				if (gdb_line(cmd, buf, sizeof(buf)))
					kind_from_type(buf, out);
			} else if (out->kind == S2_TYPE_ARRAY) {
				/* element kind and count (xa_node.slots must have XA_CHUNK_SIZE entries) */
				struct s2_member_info elem = { 0 };
				uint64_t esize = 0;

				snprintf(cmd, sizeof(cmd), "whatis ((struct %s *)0)->%s[0]", type, path);
				if (gdb_line(cmd, buf, sizeof(buf))) {
					kind_from_type(buf, &elem);
					out->target_kind = elem.kind;
				}
				snprintf(cmd, sizeof(cmd), "sizeof(((struct %s *)0)->%s[0])", type, path);
				if (gdb_output_number(cmd, &esize) && esize)
					out->array_length = out->size / esize;
			}
			return NULL;
		}
		tname = MEMBER_TYPE_NAME(cur, comp);
		if (!tname)
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s member %s: type unknown to crash", cur,
					       comp);
		tag_of(tname, cur, sizeof(cur));
		p += n + 1;
	}
}

static struct s2_error *op_type_size(void *ctx, const char *type, uint64_t *size)
{
	long s = STRUCT_SIZE((char *)type);

	if (s < 0)
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s not found", type);
	*size = (uint64_t)s;
	return NULL;
}

/*
 * Not crash's enumerator_value(): it runs gdb's `print`, whose value history grows
 * with every call (every session, so every extend -u / extend cycle); `output`
 * of the constant cast to long prints the number and keeps nothing.
 */
static struct s2_error *op_enumerator_value(void *ctx, const char *name, int64_t *value)
{
	char expr[256];
	uint64_t v;

	snprintf(expr, sizeof(expr), "(long)%s", name);
	if (!gdb_output_number(expr, &v))
		return s2_error_create(S2_ERROR_LOOKUP, "enumerator %s unknown to crash", name);
	*value = (int64_t)v;
	return NULL;
}

/*
 * gdb's "ptype f": "type = void (struct kvm_s2_mmu *, int)". The parameters are
 * the commas at the top level of the last parenthesised list, plus one; "(void)" is none.
 * gdb knows static inline stubs too (their abstract DWARF instance).
 */
static struct s2_error *op_function_param_count(void *ctx, const char *name, unsigned int *count)
{
	char cmd[256], line[512];
	const char *open, *p;
	unsigned int n = 1;
	int depth = 0;

	snprintf(cmd, sizeof(cmd), "ptype %s", name);
	if (!gdb_line(cmd, line, sizeof(line)) || strncmp(line, "type = ", 7) || !(open = strrchr(line, ')')))
		return s2_error_create(S2_ERROR_LOOKUP, "function %s unknown to crash's gdb", name);
	/* back from the closing parenthesis to its opening one */
	for (p = open; p > line; p--) {
		if (*p == ')')
			depth++;
		else if (*p == '(' && --depth == 0)
			break;
	}
	if (*p != '(')
		return s2_error_create(S2_ERROR_LOOKUP, "function %s: gdb's type \"%s\" is not a function", name, line);
	if (!strncmp(p, "(void)", 6) || p[1] == ')') {
		*count = 0;
		return NULL;
	}
	depth = 0;
	for (const char *q = p + 1; q < open; q++) {
		if (*q == '(')
			depth++;
		else if (*q == ')')
			depth--;
		else if (*q == ',' && depth == 0)
			n++;
	}
	*count = n;
	return NULL;
}

/* The distance to the next higher symbol: crash keeps no st_size. Padding included. */
static struct s2_error *op_symbol_size(void *ctx, const char *name, uint64_t *size)
{
	struct syment *sp = symbol_search((char *)name), *next = sp;

	if (!sp)
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not found", name);
	do
		next = next_symbol(NULL, next);
	while (next && next->value <= sp->value);
	if (!next)
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s: no symbol after it", name);
	*size = next->value - sp->value;
	return NULL;
}

static struct s2_error *op_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	char *v = pc->read_vmcoreinfo ? pc->read_vmcoreinfo(key) : NULL;

	if (!v)
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO has no %s", key);
	snprintf(buf, len, "%s", v);
	free(v);
	return NULL;
}

static const struct s2_target_ops crash_ops = {
	.read_phys = op_read_phys,
	.read_kvaddr = op_read_kvaddr,
	.symbol_address = op_symbol_address,
	.member_info = op_member_info,
	.type_size = op_type_size,
	.enumerator_value = op_enumerator_value,
	.function_param_count = op_function_param_count,
	.symbol_size = op_symbol_size,
	.vmcoreinfo = op_vmcoreinfo,
};

static struct s2_target crash_target = { .ops = &crash_ops, .backend = "crash" };

static void run(void)
{
	struct s2_error *err = NULL;
	int status = 0;

	if (!session)
		err = s2_session_create(&crash_target, &session);
	if (!err)
		err = s2_command_run(session, argcnt, args, fp, &status);
	if (err) {
		error(INFO, "%s\n", err->message);
		s2_error_destroy(err);
	}
}

static void cmd_s2dump(void)
{
	run();
}

static void cmd_nesteds2(void)
{
	run();
}

/*
 * crash's help layout: name, one line, synopsis, then lines printed as they are under
 * DESCRIPTION ("\nEXAMPLES" starts that section). Description lines are indented by two
 * spaces like crash's own pages and the core's `s2dump -h`, so `help s2dump` and
 * `s2dump -h` print the same page. One allocation per command (the array, then the
 * indented text), freed on unload.
 */
static char **help_for(const char *name)
{
	const struct s2_command_help *h = s2_command_help(name);
	size_t n = 4, text = 0, i = 0;
	char **help, *p;

	for (const char *const *l = h->description; *l; l++) {
		n++;
		text += strlen(*l) + 3;
	}
	for (const char *const *l = h->examples; *l; l++)
		n++;
	help = calloc(1, (n + 2) * sizeof(*help) + text);
	if (!help)
		return NULL;
	p = (char *)(help + n + 2);
	help[i++] = (char *)h->name;
	help[i++] = (char *)h->summary;
	help[i++] = (char *)h->synopsis;
	for (const char *const *l = h->description; *l; l++) {
		help[i++] = p;
		p += sprintf(p, "%s%s", **l ? "  " : "", *l) + 1;
	}
	help[i++] = "\nEXAMPLES";
	for (const char *const *l = h->examples; *l; l++)
		help[i++] = (char *)*l;
	help[i] = NULL;
	return help;
}

static struct command_table_entry command_table[] = {
	{ "s2dump", cmd_s2dump, NULL, MINIMAL },
	{ "nesteds2", cmd_nesteds2, NULL, MINIMAL },
	{ NULL, NULL, NULL, 0 },
};

void __attribute__((constructor)) s2dump_init(void);
void __attribute__((destructor)) s2dump_fini(void);

/*
 * The structs of defs.h (program_context, gnu_request, the machine-specific data) change between
 * crash releases, and crash does not check what an extension was built against: loaded into
 * another crash, the adapter would read crash's globals at the wrong offsets. So the extension
 * only registers its commands in the crash whose defs.h it was built with. The running crash's
 * version is its exported build_version (crash links -rdynamic): a plain global that every crash
 * release has, unlike pc->program_version, whose offset in pc is one of the things that move.
 */
static bool crash_is_ours(void)
{
	const char *running = build_version ? build_version : "(unknown)";

	if (!strcmp(running, S2_CRASH_VERSION))
		return true;
	fprintf(fp ? fp : stderr, "s2dump.so: built for crash %s, this is crash %s: not loaded\n",
		S2_CRASH_VERSION, running);
	return false;
}

void __attribute__((constructor)) s2dump_init(void)
{
	if (!crash_is_ours())
		return;
	command_table[0].help_data = help_for("s2dump");
	command_table[1].help_data = help_for("nesteds2");
	register_extension(command_table);
}

void __attribute__((destructor)) s2dump_fini(void)
{
	s2_session_destroy(session);
	session = NULL;
	free(command_table[0].help_data);
	free(command_table[1].help_data);
}
