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
#include "s2dump/field.h"

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
	char warning[200];  /* the data is cut short (s2_kdump_target_warning) */
	struct s2_dwarf *dwarf;
	uint64_t kaslr_offset;
	char notice[512]; /* what was repaired to read the dump (docs/field-dumps.md), or "" */
	/*
	 * Read through a repaired copy of a shifted ELF: the copy holds the user's file from one
	 * offset on, verbatim, this many bytes later. Offsets in messages are the user's file's.
	 */
	uint64_t copy_delta;
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

/*
 * Every header, note and segment is checked against the file size before
 * libkdumpfile sees the file: it maps headers and notes without checking
 * (a bus error past EOF) and frees a half-opened kdump-compressed context
 * badly (a segfault in kdump_free). Headers cut short are an error; data cut
 * short is said once (t->warning) and reads there fail.
 */
static struct s2_error *truncated(const struct kdump_target *t, uint64_t size, const char *what, uint64_t need)
{
	return s2_error_create(S2_ERROR_IO, "%s truncated: file ends at 0x%" PRIx64 ", %s needs 0x%" PRIx64,
			       t->dump_path, size - t->copy_delta, what, need - t->copy_delta);
}

static void note_truncated(struct kdump_target *t, uint64_t size, const char *what, uint64_t need)
{
	if (!t->warning[0])
		snprintf(t->warning, sizeof(t->warning), "%s truncated: file ends at 0x%" PRIx64 ", %s needs 0x%"
			 PRIx64, t->dump_path, size - t->copy_delta, what, need - t->copy_delta);
}

/* The notes of one PT_NOTE (already inside the file): each header and payload inside the segment. */
static struct s2_error *elf_check_notes(struct kdump_target *t, uint64_t off, uint64_t len)
{
	uint64_t p = 0;

	while (p + 12 <= len) {
		uint32_t nh[3];
		uint64_t need;

		if (pread(t->fd, nh, sizeof(nh), (off_t)(off + p)) != (ssize_t)sizeof(nh))
			return s2_error_create(S2_ERROR_IO, "%s: cannot read the note at 0x%" PRIx64, t->dump_path, off + p);
		need = 12 + (((uint64_t)nh[0] + 3) & ~3ULL) + (((uint64_t)nh[1] + 3) & ~3ULL);
		if (need > len - p)
			return s2_error_create(S2_ERROR_CORRUPT, "%s: the note at 0x%" PRIx64 " (name %u, desc %u bytes) runs "
					       "past its PT_NOTE (ends at 0x%" PRIx64 ")", t->dump_path, off + p, nh[0],
					       nh[1], off + len);
		p += need;
	}
	return NULL;
}

static struct s2_error *diskdump_check(struct kdump_target *t, uint64_t size)
{
	/* makedumpfile's disk_dump_header (diskdump_mng.h): the fields from block_size on */
	struct { int32_t block_size, sub_hdr_size; uint32_t bitmap_blocks, max_mapnr; } h;
	int32_t version;
	uint64_t sub[6], bs, sub_end, bitmap, bitmap_len, desc, ndesc = 0, last[2];
	unsigned char buf[4096];

	if (size < 464)
		return truncated(t, size, "the kdump header", 464);
	if (pread(t->fd, &version, 4, 8) != 4 || pread(t->fd, &h, sizeof(h), 428) != (ssize_t)sizeof(h))
		return s2_error_create(S2_ERROR_IO, "%s: cannot read the kdump header", t->dump_path);
	bs = (uint64_t)(uint32_t)h.block_size;
	if (h.block_size < 512 || h.block_size > (1 << 20) || (bs & (bs - 1)) || h.sub_hdr_size < 0 ||
	    h.sub_hdr_size > 1024)
		return s2_error_create(S2_ERROR_CORRUPT, "%s: kdump header block_size %d sub_hdr_size %d: not a dump "
				       "makedumpfile writes", t->dump_path, h.block_size, h.sub_hdr_size);
	sub_end = bs * (1 + (uint64_t)h.sub_hdr_size);
	if (size < sub_end)
		return truncated(t, size, "the kdump sub-header", sub_end);
	bitmap = sub_end;
	bitmap_len = (uint64_t)h.bitmap_blocks * bs;
	if (size < bitmap + bitmap_len)
		return truncated(t, size, "the kdump bitmap", bitmap + bitmap_len);
	/* kdump_sub_header: offset/size of VMCOREINFO (version 3+) and of the notes (4+) */
	if (version >= 3 && pread(t->fd, sub, sizeof(sub), (off_t)(bs + 32)) != (ssize_t)sizeof(sub))
		return s2_error_create(S2_ERROR_IO, "%s: cannot read the kdump sub-header", t->dump_path);
	for (int i = 0; version >= 3 && i < (version >= 4 ? 2 : 1); i++)
		if (sub[2 * i + 1] && (sub[2 * i] > size || sub[2 * i + 1] > size - sub[2 * i]))
			return truncated(t, size, i ? "the kdump note area" : "the VMCOREINFO", sub[2 * i] + sub[2 * i + 1]);
	/* page descriptors: one per page of the second bitmap (dumped pages), 24 bytes each */
	desc = bitmap + bitmap_len;
	for (uint64_t o = bitmap_len / 2; o < bitmap_len; o += sizeof(buf)) {
		size_t n = bitmap_len - o < sizeof(buf) ? (size_t)(bitmap_len - o) : sizeof(buf);

		if (pread(t->fd, buf, n, (off_t)(bitmap + o)) != (ssize_t)n)
			return s2_error_create(S2_ERROR_IO, "%s: cannot read the kdump bitmap", t->dump_path);
		for (size_t i = 0; i < n; i++)
			ndesc += (uint64_t)__builtin_popcount(buf[i]);
	}
	if (size < desc + ndesc * 24) /* libkdumpfile reads past its buffers on a cut table (valgrind) */
		return truncated(t, size, "the page descriptor table", desc + ndesc * 24);
	/*
	 * makedumpfile writes page data in pfn order: the last descriptor's data ends the file.
	 * A cut there is refused too: libkdumpfile 0.5.1 reads past its buffers on the short page
	 * (valgrind); an ELF dump cut in its data opens with a warning instead (our own checks).
	 */
	if (ndesc && pread(t->fd, last, sizeof(last), (off_t)(desc + (ndesc - 1) * 24)) == (ssize_t)sizeof(last) &&
	    (uint64_t)(last[1] & 0xffffffff) + last[0] > size)
		return truncated(t, size, "the last page's data", last[0] + (last[1] & 0xffffffff));
	return NULL;
}

/* The PT_LOADs of an ELF dump; the headers of a kdump-compressed one. */
static struct s2_error *elf_loads(struct kdump_target *t)
{
	Elf64_Ehdr eh;
	struct stat sb;

	char magic[8];
	uint64_t size;

	if (fstat(t->fd, &sb))
		return s2_error_create(S2_ERROR_IO, "%s: %s", t->dump_path, strerror(errno));
	size = (uint64_t)sb.st_size;
	if (!S_ISREG(sb.st_mode))
		return NULL; /* a pipe or device: libkdumpfile's word stands */
	if (pread(t->fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) && !memcmp(magic, "KDUMP   ", 8))
		return diskdump_check(t, size);
	if (size < SELFMAG || pread(t->fd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG))
		return NULL; /* not ELF: libkdumpfile says what it is, or that it is none */
	if (size < sizeof(eh))
		return truncated(t, size, "the ELF header", sizeof(eh));
	if (pread(t->fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
		return s2_error_create(S2_ERROR_IO, "%s: cannot read the ELF header", t->dump_path);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == PN_XNUM)
		return NULL; /* not one we check: libkdumpfile's word stands */
	if (eh.e_phoff > size || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > size - eh.e_phoff)
		return truncated(t, size, "the program headers", eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr));
	t->loads = calloc(eh.e_phnum ? eh.e_phnum : 1, sizeof(*t->loads));
	if (!t->loads)
		return &s2_error_nomem;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		struct elf_load *l = &t->loads[t->nloads];

		if (pread(t->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return s2_error_create(S2_ERROR_IO, "%s: program header %u beyond the end of the file",
					       t->dump_path, i);
		if (ph.p_type == PT_NOTE) {
			struct s2_error *err;

			if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
				return truncated(t, size, "the PT_NOTE (VMCOREINFO)", ph.p_offset + ph.p_filesz);
			if ((err = elf_check_notes(t, ph.p_offset, ph.p_filesz)))
				return err;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz && (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)) {
			char what[64];

			snprintf(what, sizeof(what), "PT_LOAD %u (PA 0x%" PRIx64 ")", i, (uint64_t)ph.p_paddr);
			note_truncated(t, size, what, ph.p_offset + ph.p_filesz);
		}
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

static struct s2_error *op_enumerator_value(void *ctx, const char *name, int64_t *value)
{
	struct kdump_target *t = ctx;

	return s2_dwarf_enumerator(t->dwarf, name, value);
}

static struct s2_error *op_function_param_count(void *ctx, const char *name, unsigned int *count)
{
	struct kdump_target *t = ctx;

	return s2_dwarf_param_count(t->dwarf, name, count);
}

static struct s2_error *op_symbol_size(void *ctx, const char *name, uint64_t *size)
{
	struct kdump_target *t = ctx;
	uint64_t value;

	return s2_dwarf_symbol_sized(t->dwarf, name, &value, size);
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
	.enumerator_value = op_enumerator_value,
	.function_param_count = op_function_param_count,
	.symbol_size = op_symbol_size,
	.vmcoreinfo = op_vmcoreinfo,
};

const char *s2_kdump_target_notice(const struct s2_target *target)
{
	const struct kdump_target *t = target->ctx;

	return *t->notice ? t->notice : NULL;
}

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

const char *s2_kdump_target_warning(const struct s2_target *target)
{
	const struct kdump_target *t = target ? target->ctx : NULL;

	return t && t->warning[0] ? t->warning : NULL;
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
	if (dump) {
		/* A dump QEMU wrote with shifted RAM is read through a repaired copy, never guessed at. */
		struct s2_field_plan plan;
		int rfd;

		err = s2_field_open_repaired(t->fd, t->dump_path, &plan, &rfd);
		if (err)
			goto fail;
		if (rfd >= 0) {
			struct stat copy;

			close(t->fd);
			t->fd = rfd;
			s2_field_describe(&plan, t->dump_path, t->notice, sizeof(t->notice));
			/* s2_field_repair() copies the file's tail verbatim to the end of the copy */
			if (plan.defect == S2_FIELD_ELF_SHIFT && fstat(rfd, &copy) == 0 &&
			    (uint64_t)copy.st_size >= plan.file_size)
				t->copy_delta = (uint64_t)copy.st_size - plan.file_size;
		}
	}
	t->ctx = kdump_new();
	if (!t->ctx) {
		err = &s2_error_nomem;
		goto fail;
	}
	if (dump) {
		err = elf_loads(t); /* before libkdumpfile touches the file */
		if (err)
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
		char *rel = NULL;

		/* the user's next step: the dump's release and, on Debian, the package
		 * whose vmlinux has that build's DWARF */
		if (kdump_vmcoreinfo_line(t->ctx, "OSRELEASE", &rel) == KDUMP_OK && rel && *rel)
			err = s2_error_create(S2_ERROR_INVALID_ARGUMENT,
					      "vmlinux %s (build-id %s) does not match %s (BUILD-ID %s, release %s: "
					      "its vmlinux is in linux-image-%s-dbg on Debian)", vmlinux,
					      s2_dwarf_build_id(t->dwarf), t->dump_path, val, rel, rel);
		else
			err = s2_error_create(S2_ERROR_INVALID_ARGUMENT,
					      "vmlinux %s (build-id %s) does not match %s (BUILD-ID %s)", vmlinux,
					      s2_dwarf_build_id(t->dwarf), t->dump_path, val);
		free(rel);
		free(val);
		goto fail;
	}
	free(val);
	free(found);
	*out = &t->target;
	return NULL;
fail:
	free(found);
	if (t->warning[0] && err != &s2_error_nomem)
		err = s2_error_prefix(err, "%s; so: ", t->warning); /* the cause first */
	s2_kdump_target_close(&t->target);
	return err;
}
