/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between kernel.c (kernel-virtual reads) and user.c (a process's user memory). */
#ifndef S2DUMP_KERNEL_INTERNAL_H
#define S2DUMP_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "s2dump/kernel.h"

/* One virtual address space's translation: va to pa, or why not (arg: which space). */
typedef struct s2_error *(*s2_kernel_translate_fn)(struct s2_kernel *k, const void *arg, uint64_t va,
						    uint64_t *pa);

/*
 * len bytes at va of the space translate() maps, one page at a time: pages that are
 * consecutive in a virtual space need not be in physical memory. The first error is returned.
 */
struct s2_error *s2_kernel_read_paged(struct s2_kernel *k, s2_kernel_translate_fn translate, const void *arg,
				      uint64_t va, void *buf, size_t len);

#endif
