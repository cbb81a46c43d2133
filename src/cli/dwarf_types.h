/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Struct layouts and symbols of a vmlinux (elfutils), for the CLI's target. */
#ifndef S2DUMP_CLI_DWARF_TYPES_H
#define S2DUMP_CLI_DWARF_TYPES_H

#include "s2dump/target.h"

struct s2_dwarf;

struct s2_error *s2_dwarf_open(const char *path, struct s2_dwarf **out);
void s2_dwarf_close(struct s2_dwarf *d);
/* Member of struct/union `type` along a dotted path (anonymous members searched). */
struct s2_error *s2_dwarf_member(struct s2_dwarf *d, const char *type, const char *path,
				 struct s2_member_info *out);
struct s2_error *s2_dwarf_type_size(struct s2_dwarf *d, const char *type, uint64_t *size);
/* Link-time value of a symbol (no KASLR offset). */
struct s2_error *s2_dwarf_symbol(struct s2_dwarf *d, const char *name, uint64_t *value);
/* ... and its st_size (size may be NULL). */
struct s2_error *s2_dwarf_symbol_sized(struct s2_dwarf *d, const char *name, uint64_t *value, uint64_t *size);
/* Parameters of a prototyped function as DWARF declares it (abstract inline stubs included). */
struct s2_error *s2_dwarf_param_count(struct s2_dwarf *d, const char *name, unsigned int *count);
/* Value of a top-level enumerator. */
struct s2_error *s2_dwarf_enumerator(struct s2_dwarf *d, const char *name, int64_t *value);
/* Hex GNU build-id of the vmlinux ("" if none). */
const char *s2_dwarf_build_id(struct s2_dwarf *d);

#endif
