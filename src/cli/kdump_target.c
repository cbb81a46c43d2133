// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CLI's target: memory from libkdumpfile (ELF vmcores, kdump-compressed
 * files, /proc/kcore), types and symbols from the vmlinux's DWARF (libdw).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/addrxlat.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/dwarf_types.h"
#include "cli/kdump_target.h"

/* A PT_LOAD of an ELF dump: what of it the file really holds. */
struct elf_load {
	uint64_t paddr, vaddr, memsz, filesz;
	uint64_t data; /* bytes of filesz the file really holds (less when it is truncated) */
};

struct kdump_target {
	kdump_ctx_t *ctx;
	int fd;
	char *dump_path;
	/*
	 * ELF dumps: libkdumpfile (0.5.1) returns zeros for a page in a gap between PT_LOADs
	 * and for segment data beyond the end of a truncated file. Reads are checked against
	 * the program headers, so a missing page is a fault, never a table of zeros.
	 */
	struct elf_load *loads;
	size_t nloads;
	bool is_elf;
	struct s2_dwarf *dwarf;
	uint64_t kaslr_offset;
	struct s2_target target;
};

/*
 * Does the file hold [addr, addr + len) of the physical (virt: by p_vaddr) address space?
 * Bytes past p_filesz inside p_memsz are zero-fill, which ELF defines: present. Bytes of
 * p_filesz the file does not reach (truncated) and addresses in no PT_LOAD are not.
 */
static bool elf_present(const struct kdump_target *t, bool virt, uint64_t addr, uint64_t len)
{
	while (len) {
		uint64_t n = 0;

		for (size_t i = 0; i < t->nloads && !n; i++) {
			const struct elf_load *l = &t->loads[i];
			uint64_t off = addr - (virt ? l->vaddr : l->paddr);

			if ((virt ? l->vaddr : l->paddr) > addr || off >= l->memsz)
				continue;
			if (off < l->data)
				n = l->data - off;
			else if (off >= l->filesz)
				n = l->memsz - off;
		}
		if (!n)
			return false;
		if (n >= len)
			return true;
		addr += n;
		len -= n;
	}
	return true;
}

/*
 * The bytes libkdumpfile returned for [addr, addr + len) came from the file? Kernel VAs: by
 * the PT_LOAD's p_vaddr, else through libkdumpfile's own translation to a PA, page by page.
 * *missing: the first PA (or VA) that is not there.
 */
static bool elf_holds(struct kdump_target *t, bool virt, uint64_t addr, uint64_t len, uint64_t *missing)
{
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;
	bool ok = true;

	*missing = addr;
	if (!virt)
		return elf_present(t, false, addr, len);
	if (elf_present(t, true, addr, len))
		return true;
	if (kdump_get_addrxlat(t->ctx, &axctx, &axsys) != KDUMP_OK)
		return false;
	while (ok && len) {
		uint64_t chunk = 4096 - (addr & 4095);
		addrxlat_fulladdr_t fa = { .addr = addr, .as = ADDRXLAT_KVADDR };

		if (chunk > len)
			chunk = len;
		ok = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys) == ADDRXLAT_OK &&
		     elf_present(t, false, fa.addr, chunk);
		*missing = fa.addr;
		addr += chunk;
		len -= chunk;
	}
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	return ok;
}

/* The PT_LOADs of an ELF dump (a kdump-compressed file is checked by libkdumpfile itself). */
static struct s2_error *elf_loads(struct kdump_target *t)
{
	Elf64_Ehdr eh;
	struct stat sb;

	if (pread(t->fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return NULL;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == PN_XNUM || fstat(t->fd, &sb))
		return NULL; /* not one we check: libkdumpfile's word stands */
	t->loads = calloc(eh.e_phnum ? eh.e_phnum : 1, sizeof(*t->loads));
	if (!t->loads)
		return &s2_error_nomem;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		struct elf_load *l = &t->loads[t->nloads];

		if (pread(t->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return s2_error_create(S2_ERROR_IO, "%s: program header %u beyond the end of the file",
					       t->dump_path, i);
		if (ph.p_type != PT_LOAD)
			continue;
		l->paddr = ph.p_paddr;
		l->vaddr = ph.p_vaddr;
		l->memsz = ph.p_memsz;
		l->filesz = ph.p_filesz < ph.p_memsz ? ph.p_filesz : ph.p_memsz;
		l->data = (uint64_t)sb.st_size <= ph.p_offset ? 0 :
			  (uint64_t)sb.st_size - ph.p_offset < l->filesz ? (uint64_t)sb.st_size - ph.p_offset : l->filesz;
		t->nloads++;
	}
	t->is_elf = true;
	return NULL;
}

static struct s2_error *kd_read(struct kdump_target *t, kdump_addrspace_t as, uint64_t addr, void *buf,
				size_t len)
{
	size_t got = len;
	kdump_status st = kdump_read(t->ctx, as, addr, buf, &got);

	if (st == KDUMP_OK && got == len) {
		uint64_t missing;

		if (!t->is_elf || elf_holds(t, as == KDUMP_KVADDR, addr, len, &missing))
			return NULL;
		return s2_error_fault(addr, as == KDUMP_KPHYSADDR, "%s 0x%" PRIx64 " not in %s (PA 0x%" PRIx64
				      " is in no PT_LOAD or beyond the end of the file)",
				      as == KDUMP_KPHYSADDR ? "PA" : "kernel VA", addr, t->dump_path, missing);
	}
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
	free(t->loads);
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
	/*
	 * Only kdump_set_*_attr / kdump_get_string_attr (inline wrappers of kdump_set_attr and
	 * kdump_get_typed_attr) and kdump_vmcoreinfo_line: 0.5.5's attribute change (values from
	 * kdump_attr_ref_get must be released with kdump_attr_discard) does not reach them, so the
	 * same code builds and runs against 0.5.1, 0.5.4 and 0.5.6 without version checks
	 * (tests/cli/check-libkdumpfile-versions.sh).
	 */
	st = kdump_set_number_attr(t->ctx, KDUMP_ATTR_FILE_FD, t->fd);
	if (st != KDUMP_OK) {
		err = s2_error_create(S2_ERROR_IO, "%s is not a dump libkdumpfile can read: %s", t->dump_path,
				      kdump_get_err(t->ctx));
		goto fail;
	}
	if (dump) {
		err = elf_loads(t);
		if (err)
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
