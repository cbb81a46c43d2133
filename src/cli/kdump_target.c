// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLI's target: memory from libkdumpfile (ELF vmcores, kdump-compressed
 * files, /proc/kcore), types and symbols from the vmlinux's DWARF (libdw).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/dwarf_types.h"
#include "cli/kdump_target.h"

struct kdump_target {
	kdump_ctx_t *ctx;
	int fd;
	char *dump_path;
	struct s2_dwarf *dwarf;
	uint64_t kaslr_offset;
	struct s2_target target;
};

static struct s2_error *kd_read(struct kdump_target *t, kdump_addrspace_t as, uint64_t addr, void *buf,
				size_t len)
{
	size_t got = len;
	kdump_status st = kdump_read(t->ctx, as, addr, buf, &got);

	if (st == KDUMP_OK && got == len)
		return NULL;
	return s2_error_fault(addr, as == KDUMP_KPHYSADDR, "%s 0x%" PRIx64 " not in %s (%s)",
			      as == KDUMP_KPHYSADDR ? "PA" : "kernel VA", addr, t->dump_path,
			      st == KDUMP_OK ? "short read" : kdump_get_err(t->ctx));
}

static struct s2_error *op_read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return kd_read(ctx, KDUMP_KPHYSADDR, pa, buf, len);
}

static struct s2_error *op_read_kvaddr(void *ctx, uint64_t va, void *buf, size_t len)
{
	return kd_read(ctx, KDUMP_KVADDR, va, buf, len);
}

static struct s2_error *op_symbol_address(void *ctx, const char *name, uint64_t *addr)
{
	struct kdump_target *t = ctx;
	struct s2_error *err = s2_dwarf_symbol(t->dwarf, name, addr);

	if (!err)
		*addr += t->kaslr_offset;
	return err;
}

static struct s2_error *op_member_info(void *ctx, const char *type, const char *path, struct s2_member_info *out)
{
	struct kdump_target *t = ctx;

	return s2_dwarf_member(t->dwarf, type, path, out);
}

static struct s2_error *op_type_size(void *ctx, const char *type, uint64_t *size)
{
	struct kdump_target *t = ctx;

	return s2_dwarf_type_size(t->dwarf, type, size);
}

static struct s2_error *op_vmcoreinfo(void *ctx, const char *key, char *buf, size_t len)
{
	struct kdump_target *t = ctx;
	char *val = NULL;

	if (kdump_vmcoreinfo_line(t->ctx, key, &val) != KDUMP_OK || !val) {
		free(val);
		return s2_error_create(S2_ERROR_LOOKUP, "VMCOREINFO of %s has no %s", t->dump_path, key);
	}
	snprintf(buf, len, "%s", val);
	free(val);
	return NULL;
}

static const struct s2_target_ops kdump_ops = {
	.read_phys = op_read_phys,
	.read_kvaddr = op_read_kvaddr,
	.symbol_address = op_symbol_address,
	.member_info = op_member_info,
	.type_size = op_type_size,
	.vmcoreinfo = op_vmcoreinfo,
};

void s2_kdump_target_close(struct s2_target *target)
{
	struct kdump_target *t;

	if (!target)
		return;
	t = target->ctx;
	if (t->ctx)
		kdump_free(t->ctx);
	if (t->fd >= 0)
		close(t->fd);
	s2_dwarf_close(t->dwarf);
	free(t->dump_path);
	free(t);
}

/* The vmlinux: -s, else by the dump's BUILD-ID or release in the standard debug directories. */
static char *find_vmlinux(struct kdump_target *t)
{
	char *id = NULL, *release = NULL, path[512];
	char *found = NULL;
	struct stat sb;

	kdump_vmcoreinfo_line(t->ctx, "BUILD-ID", &id);
	kdump_vmcoreinfo_line(t->ctx, "OSRELEASE", &release);
	if (id && strlen(id) > 2) {
		snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
		if (stat(path, &sb) == 0)
			found = strdup(path);
	}
	if (!found && release) {
		const char *const patterns[] = {
			"/usr/lib/debug/boot/vmlinux-%s",
			"/usr/lib/debug/lib/modules/%s/vmlinux",
			"/lib/modules/%s/build/vmlinux",
			"/boot/vmlinux-%s",
		};

		for (size_t i = 0; !found && i < sizeof(patterns) / sizeof(patterns[0]); i++) {
			snprintf(path, sizeof(path), patterns[i], release);
			if (stat(path, &sb) == 0)
				found = strdup(path);
		}
	}
	free(id);
	free(release);
	return found;
}

struct s2_error *s2_kdump_target_open(const char *dump, const char *vmlinux, struct s2_target **out)
{
	struct kdump_target *t = calloc(1, sizeof(*t));
	struct s2_error *err;
	char *found = NULL, *val = NULL;
	kdump_status st;

	if (!t)
		return &s2_error_nomem;
	t->fd = -1;
	t->dump_path = strdup(dump ? dump : "/proc/kcore");
	t->target = (struct s2_target){ .ops = &kdump_ops, .ctx = t, .backend = "libkdumpfile",
					.live = dump == NULL };
	t->fd = open(t->dump_path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		err = s2_error_create(S2_ERROR_IO, "cannot open %s: %s", t->dump_path, strerror(errno));
		goto fail;
	}
	t->ctx = kdump_new();
	if (!t->ctx) {
		err = &s2_error_nomem;
		goto fail;
	}
	st = kdump_set_number_attr(t->ctx, KDUMP_ATTR_FILE_FD, t->fd);
	if (st != KDUMP_OK) {
		err = s2_error_create(S2_ERROR_IO, "%s is not a dump libkdumpfile can read: %s", t->dump_path,
				      kdump_get_err(t->ctx));
		goto fail;
	}
	/* Without ostype "linux" libkdumpfile translates nothing in ELF files, not even physical reads. */
	st = kdump_set_string_attr(t->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		err = s2_error_create(S2_ERROR_IO, "%s: cannot set up Linux address translation: %s",
				      t->dump_path, kdump_get_err(t->ctx));
		goto fail;
	}
	{
		const char *arch = NULL;

		if (kdump_get_string_attr(t->ctx, "arch.name", &arch) == KDUMP_OK && arch &&
		    strcmp(arch, "aarch64") != 0) {
			err = s2_error_create(S2_ERROR_UNSUPPORTED, "%s is a %s dump, not aarch64", t->dump_path, arch);
			goto fail;
		}
	}
	if (kdump_vmcoreinfo_line(t->ctx, "KERNELOFFSET", &val) == KDUMP_OK && val)
		t->kaslr_offset = strtoull(val, NULL, 16);
	free(val);
	if (!vmlinux) {
		found = find_vmlinux(t);
		if (!found) {
			err = s2_error_create(S2_ERROR_LOOKUP, "no vmlinux given (-s) and none found for %s by "
					      "build-id or release in /usr/lib/debug or /boot", t->dump_path);
			goto fail;
		}
		vmlinux = found;
	}
	err = s2_dwarf_open(vmlinux, &t->dwarf);
	if (err)
		goto fail;
	/* A vmlinux from another build gives wrong layouts silently: refuse it. */
	val = NULL;
	if (kdump_vmcoreinfo_line(t->ctx, "BUILD-ID", &val) == KDUMP_OK && val && *s2_dwarf_build_id(t->dwarf) &&
	    strncmp(val, s2_dwarf_build_id(t->dwarf), strlen(s2_dwarf_build_id(t->dwarf))) != 0) {
		err = s2_error_create(S2_ERROR_INVALID_ARGUMENT,
				      "vmlinux %s (build-id %s) does not match %s (BUILD-ID %s)", vmlinux,
				      s2_dwarf_build_id(t->dwarf), t->dump_path, val);
		free(val);
		goto fail;
	}
	free(val);
	free(found);
	*out = &t->target;
	return NULL;
fail:
	free(found);
	s2_kdump_target_close(&t->target);
	return err;
}
