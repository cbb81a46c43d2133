// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Struct layouts and symbols of a vmlinux, with elfutils libdw/libelf.
 *
 * A real vmlinux has thousands of CUs and ~480 MB of DWARF, so nothing walks
 * it per lookup: top-level struct/union definitions are indexed lazily (the
 * CU scan stops at the first CU defining the wanted name and remembers every
 * name it passed), and answers are cached.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/dwarf_types.h"
#include "core/grow.h"

/*
 * Open addressing. A vmlinux has a few thousand distinct struct tags, but the
 * index also holds top-level functions and enumerators (~150k names in a
 * Debian 7.3 vmlinux): keep the table well under half full.
 */
#define INDEX_SLOTS (1u << 20)
/* Index keys of functions and enumerators: a prefix no C identifier has. */
#define KEY_FUNC "\001f:"
#define KEY_ENUMERATOR "\001e:"
#define KEY_MAX 256

struct index_slot {
	char *name;
	Dwarf_Off die; /* global offset of a complete struct/union definition */
};

struct s2_dwarf {
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	char *path;
	struct index_slot *slots;
	Dwarf_Off next_cu;      /* where the lazy scan goes on */
	bool scan_done;
	/* symbols, loaded once into a sorted array for bsearch */
	struct sym { char *name; uint64_t value, size; } *syms;
	size_t nsyms;
	bool syms_loaded;
	char build_id[41];
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct index_slot *slot_for(struct s2_dwarf *d, const char *name)
{
	uint64_t i = hash_name(name) & (INDEX_SLOTS - 1);

	while (d->slots[i].name && strcmp(d->slots[i].name, name) != 0)
		i = (i + 1) & (INDEX_SLOTS - 1);
	return &d->slots[i];
}

static void index_add(struct s2_dwarf *d, const char *name, Dwarf_Off off)
{
	struct index_slot *s = slot_for(d, name);

	if (!s->name) {
		s->name = strdup(name);
		s->die = off;
	}
}

/* Scan CUs until `want` is indexed (or everything was scanned). */
static bool index_until(struct s2_dwarf *d, const char *want)
{
	Dwarf_Off off = d->next_cu, next;
	size_t hsize;
	bool found = false;

	while (!found && !d->scan_done) {
		Dwarf_Die cu, child;

		if (dwarf_nextcu(d->dwarf, off, &next, &hsize, NULL, NULL, NULL) != 0) {
			d->scan_done = true;
			break;
		}
		if (dwarf_offdie(d->dwarf, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				int tag = dwarf_tag(&child);
				const char *name;
				char key[KEY_MAX];

				if (tag == DW_TAG_subprogram && (name = dwarf_diename(&child)) &&
				    dwarf_hasattr(&child, DW_AT_prototyped)) {
					/* declarations and inline-only (abstract) stubs declare the parameters too */
					snprintf(key, sizeof(key), KEY_FUNC "%s", name);
					index_add(d, key, dwarf_dieoffset(&child));
					if (want && strcmp(key, want) == 0)
						found = true;
					continue;
				}
				if (tag == DW_TAG_enumeration_type) {
					Dwarf_Die e;

					if (dwarf_child(&child, &e) != 0)
						continue;
					do {
						if (dwarf_tag(&e) != DW_TAG_enumerator || !(name = dwarf_diename(&e)))
							continue;
						snprintf(key, sizeof(key), KEY_ENUMERATOR "%s", name);
						index_add(d, key, dwarf_dieoffset(&e));
						if (want && strcmp(key, want) == 0)
							found = true;
					} while (dwarf_siblingof(&e, &e) == 0);
					continue;
				}
				if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
					continue;
				if (dwarf_hasattr(&child, DW_AT_declaration))
					continue;
				name = dwarf_diename(&child);
				if (!name)
					continue;
				index_add(d, name, dwarf_dieoffset(&child));
				if (want && strcmp(name, want) == 0)
					found = true;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
		d->next_cu = off;
	}
	return found;
}

static bool find_type(struct s2_dwarf *d, const char *name, Dwarf_Die *die)
{
	struct index_slot *s = slot_for(d, name);

	if (!s->name && !index_until(d, name))
		return false;
	s = slot_for(d, name);
	return s->name && dwarf_offdie(d->dwarf, s->die, die) != NULL;
}

/* Strip typedefs and cv-qualifiers. */
static bool strip(Dwarf_Die *die)
{
	for (;;) {
		int tag = dwarf_tag(die);
		Dwarf_Attribute attr;

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_atomic_type && tag != DW_TAG_restrict_type)
			return true;
		if (!dwarf_attr(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, die))
			return false; /* e.g. const void */
	}
}

static enum s2_type_kind kind_of(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type: return S2_TYPE_INT;
	case DW_TAG_enumeration_type: return S2_TYPE_ENUM;
	case DW_TAG_pointer_type: return S2_TYPE_POINTER;
	case DW_TAG_structure_type: return S2_TYPE_STRUCT;
	case DW_TAG_union_type: return S2_TYPE_UNION;
	case DW_TAG_array_type: return S2_TYPE_ARRAY;
	}
	return S2_TYPE_OTHER;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

static bool member_offset(Dwarf_Die *member, uint64_t *off)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;

	if (!dwarf_attr(member, DW_AT_data_member_location, &attr)) {
		*off = 0; /* union members */
		return true;
	}
	if (dwarf_formudata(&attr, &w) != 0)
		return false;
	*off = w;
	return true;
}

/* Find name among the members of agg (searching anonymous members), adding offsets. */
static bool find_member(Dwarf_Die *agg, const char *name, size_t len, Dwarf_Die *out, uint64_t *off)
{
	Dwarf_Die child;

	if (dwarf_child(agg, &child) != 0)
		return false;
	do {
		const char *n;
		uint64_t here;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (!member_offset(&child, &here))
			continue;
		n = dwarf_diename(&child);
		if (n && strlen(n) == len && strncmp(n, name, len) == 0) {
			*out = child;
			*off += here;
			return true;
		}
		if (!n) {
			Dwarf_Die anon;
			uint64_t inner = 0;

			if (type_of(&child, &anon) && strip(&anon) &&
			    (dwarf_tag(&anon) == DW_TAG_structure_type || dwarf_tag(&anon) == DW_TAG_union_type) &&
			    find_member(&anon, name, len, out, &inner)) {
				*off += here + inner;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

struct s2_error *s2_dwarf_member(struct s2_dwarf *d, const char *type, const char *path,
				 struct s2_member_info *out)
{
	Dwarf_Die agg, member, mtype;
	const char *p = path;
	uint64_t off = 0;
	Dwarf_Word size;

	memset(out, 0, sizeof(*out));
	if (!find_type(d, type, &agg))
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s not found in DWARF of %s", type, d->path);
	for (;;) {
		size_t len = strcspn(p, ".");

		if (!find_member(&agg, p, len, &member, &off))
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s has no member %.*s (path %s)", type,
					       (int)len, p, path);
		if (!type_of(&member, &mtype) || !strip(&mtype))
			return s2_error_create(S2_ERROR_LAYOUT, "struct %s member %s has no type", type, path);
		if (!p[len])
			break;
		if (dwarf_tag(&mtype) != DW_TAG_structure_type && dwarf_tag(&mtype) != DW_TAG_union_type)
			return s2_error_create(S2_ERROR_LOOKUP, "struct %s: %.*s in %s is not a struct", type,
					       (int)len, p, path);
		agg = mtype;
		p += len + 1;
	}
	out->offset = off;
	out->kind = kind_of(&mtype);
	if (dwarf_aggregate_size(&mtype, &size) == 0)
		out->size = size;
	else if (out->kind == S2_TYPE_POINTER)
		out->size = 8;
	if (out->kind == S2_TYPE_POINTER || out->kind == S2_TYPE_ARRAY) {
		Dwarf_Die target;

		if (type_of(&mtype, &target) && strip(&target))
			out->target_kind = kind_of(&target);
		else
			out->target_kind = S2_TYPE_OTHER; /* void * */
		if (out->kind == S2_TYPE_ARRAY) {
			Dwarf_Word elem = 0;

			if (type_of(&mtype, &target) && dwarf_aggregate_size(&target, &elem) == 0 && elem)
				out->array_length = out->size / elem;
		}
	}
	if (out->kind == S2_TYPE_INT || out->kind == S2_TYPE_ENUM) {
		Dwarf_Attribute attr;
		Dwarf_Word enc = 0;

		if (dwarf_attr(&mtype, DW_AT_encoding, &attr) && dwarf_formudata(&attr, &enc) == 0)
			out->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	}
	return NULL;
}

/* The DIE indexed under prefix+name (a function or an enumerator). */
static bool find_keyed(struct s2_dwarf *d, const char *prefix, const char *name, Dwarf_Die *die)
{
	char key[KEY_MAX];

	if ((size_t)snprintf(key, sizeof(key), "%s%s", prefix, name) >= sizeof(key))
		return false;
	return find_type(d, key, die);
}

struct s2_error *s2_dwarf_param_count(struct s2_dwarf *d, const char *name, unsigned int *count)
{
	Dwarf_Die die, child;
	unsigned int n = 0;

	if (!find_keyed(d, KEY_FUNC, name, &die))
		return s2_error_create(S2_ERROR_LOOKUP, "no function %s in the DWARF of %s", name, d->path);
	if (dwarf_child(&die, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_formal_parameter)
				n++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	*count = n;
	return NULL;
}

struct s2_error *s2_dwarf_enumerator(struct s2_dwarf *d, const char *name, int64_t *value)
{
	Dwarf_Die die;
	Dwarf_Attribute attr;
	Dwarf_Sword v;

	if (!find_keyed(d, KEY_ENUMERATOR, name, &die))
		return s2_error_create(S2_ERROR_LOOKUP, "no enumerator %s in the DWARF of %s", name, d->path);
	if (!dwarf_attr(&die, DW_AT_const_value, &attr) || dwarf_formsdata(&attr, &v) != 0)
		return s2_error_create(S2_ERROR_LAYOUT, "enumerator %s in %s has no value", name, d->path);
	*value = v;
	return NULL;
}

struct s2_error *s2_dwarf_type_size(struct s2_dwarf *d, const char *type, uint64_t *size)
{
	Dwarf_Die agg;
	Dwarf_Word w;

	if (!find_type(d, type, &agg))
		return s2_error_create(S2_ERROR_LOOKUP, "struct %s not found in DWARF of %s", type, d->path);
	if (dwarf_aggregate_size(&agg, &w) != 0)
		return s2_error_create(S2_ERROR_LAYOUT, "struct %s has no size", type);
	*size = w;
	return NULL;
}

static int sym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name, ((const struct sym *)b)->name);
}

static struct s2_error *load_symbols(struct s2_dwarf *d)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	d->syms_loaded = true;
	while ((scn = elf_nextscn(d->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			struct sym *syms;

			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(d->elf, sh.sh_link, sym.st_name);
			if (!name || !*name || (GELF_ST_TYPE(sym.st_info) != STT_OBJECT &&
						GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
						GELF_ST_TYPE(sym.st_info) != STT_NOTYPE))
				continue;
			syms = s2_grow(d->syms, &cap, d->nsyms, sizeof(*syms), 4096);
			if (!syms)
				return &s2_error_nomem;
			d->syms = syms;
			d->syms[d->nsyms].name = (char *)name; /* points into the ELF's string table */
			d->syms[d->nsyms].value = sym.st_value;
			d->syms[d->nsyms].size = sym.st_size;
			d->nsyms++;
		}
	}
	if (d->nsyms)
		qsort(d->syms, d->nsyms, sizeof(*d->syms), sym_cmp);
	return NULL;
}

struct s2_error *s2_dwarf_symbol(struct s2_dwarf *d, const char *name, uint64_t *value)
{
	return s2_dwarf_symbol_sized(d, name, value, NULL);
}

struct s2_error *s2_dwarf_symbol_sized(struct s2_dwarf *d, const char *name, uint64_t *value, uint64_t *size)
{
	struct sym key = { .name = (char *)name }, *hit;

	if (!d->syms_loaded) {
		struct s2_error *err = load_symbols(d);

		if (err)
			return err;
	}
	hit = d->nsyms ? bsearch(&key, d->syms, d->nsyms, sizeof(*d->syms), sym_cmp) : NULL;
	if (!hit)
		return s2_error_create(S2_ERROR_LOOKUP, "symbol %s not in %s", name, d->path);
	*value = hit->value;
	if (size)
		*size = hit->size;
	return NULL;
}

const char *s2_dwarf_build_id(struct s2_dwarf *d)
{
	return d->build_id;
}

struct s2_error *s2_dwarf_open(const char *path, struct s2_dwarf **out)
{
	struct s2_dwarf *d = calloc(1, sizeof(*d));
	const void *id;
	ssize_t n;

	if (!d)
		return &s2_error_nomem;
	d->slots = calloc(INDEX_SLOTS, sizeof(*d->slots));
	d->path = strdup(path);
	if (!d->slots || !d->path) {
		s2_dwarf_close(d);
		return &s2_error_nomem;
	}
	elf_version(EV_CURRENT);
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		struct s2_error *err = s2_error_create(S2_ERROR_IO, "cannot open vmlinux %s: %m", path);

		s2_dwarf_close(d);
		return err;
	}
	d->elf = elf_begin(d->fd, ELF_C_READ_MMAP, NULL);
	if (!d->elf || elf_kind(d->elf) != ELF_K_ELF) {
		s2_dwarf_close(d);
		return s2_error_create(S2_ERROR_IO, "vmlinux %s is not an ELF file", path);
	}
	{
		GElf_Ehdr eh;

		if (!gelf_getehdr(d->elf, &eh) || eh.e_machine != EM_AARCH64) {
			s2_dwarf_close(d);
			return s2_error_create(S2_ERROR_LAYOUT, "vmlinux %s is not an AArch64 kernel", path);
		}
	}
	d->dwarf = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL);
	if (!d->dwarf) {
		s2_dwarf_close(d);
		return s2_error_create(S2_ERROR_LOOKUP, "vmlinux %s has no DWARF debug info (%s)", path,
				       dwarf_errmsg(-1));
	}
	n = dwelf_elf_gnu_build_id(d->elf, &id);
	for (ssize_t i = 0; i < n && i < 20; i++)
		snprintf(d->build_id + 2 * i, 3, "%02x", ((const unsigned char *)id)[i]);
	*out = d;
	return NULL;
}

void s2_dwarf_close(struct s2_dwarf *d)
{
	if (!d)
		return;
	if (d->slots) {
		for (size_t i = 0; i < INDEX_SLOTS; i++)
			free(d->slots[i].name);
		free(d->slots);
	}
	free(d->syms);
	if (d->dwarf)
		dwarf_end(d->dwarf);
	if (d->elf)
		elf_end(d->elf);
	if (d->fd > 0)
		close(d->fd);
	free(d->path);
	free(d);
}
