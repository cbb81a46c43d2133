// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dumps from the field: QEMU's ELF vmcores with shifted RAM (include/s2dump/field.h,
 * docs/field-dumps.md). Detection walks the PT_NOTE chain as written; a shift is trusted only
 * when init_uts_ns, read through it, holds VMCOREINFO's OSRELEASE.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "field/field_internal.h"

#define FLD_MAX_PHDRS 4096
#define FLD_MAX_NOTES 4096
#define FLD_MAX_NOTE_BYTES (64u << 20)
#define FLD_VMCOREINFO_MAX (64u << 10)

struct fld_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	unsigned int phnum;
	int note; /* index of the PT_NOTE */
	uint64_t fsize;
};

/* All of len at off, or false: pread and pwrite may move fewer bytes or be interrupted. */
static bool fld_io(int fd, void *buf, size_t len, uint64_t off, bool write)
{
	size_t done = 0;

	while (done < len) {
		char *at = (char *)buf + done;
		ssize_t n = write ? pwrite(fd, at, len - done, (off_t)(off + done))
				  : pread(fd, at, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

bool fld_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return fld_io(fd, buf, len, off, false);
}

bool fld_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	/* fld_io only reads buf when writing */
	return fld_io(fd, (void *)buf, len, off, true);
}

/* The ELF header and program headers, when this is a 64-bit little-endian core with one PT_NOTE. */
static bool fld_elf_load(int fd, struct fld_elf *e)
{
	struct stat sb;

	memset(e, 0, sizeof(*e));
	e->note = -1;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || !fld_pread(fd, &e->eh, sizeof(e->eh), 0))
		return false;
	if (memcmp(e->eh.e_ident, ELFMAG, SELFMAG) || e->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh.e_ident[EI_DATA] != ELFDATA2LSB || e->eh.e_type != ET_CORE ||
	    e->eh.e_phentsize != sizeof(Elf64_Phdr) || e->eh.e_phnum == 0 || e->eh.e_phnum == PN_XNUM ||
	    e->eh.e_phnum > FLD_MAX_PHDRS)
		return false;
	e->fsize = (uint64_t)sb.st_size;
	e->phnum = e->eh.e_phnum;
	e->ph = calloc(e->phnum, sizeof(*e->ph));
	if (!e->ph || !fld_pread(fd, e->ph, e->phnum * sizeof(*e->ph), e->eh.e_phoff)) {
		free(e->ph);
		e->ph = NULL;
		return false;
	}
	for (unsigned int i = 0; i < e->phnum; i++) {
		if (e->ph[i].p_type != PT_NOTE)
			continue;
		if (e->note >= 0) { /* several PT_NOTEs: not QEMU's layout, nothing examined */
			e->note = -1;
			break;
		}
		e->note = (int)i;
	}
	if (e->note < 0) { /* no (single) PT_NOTE: not examined, and nothing kept */
		free(e->ph);
		e->ph = NULL;
		return false;
	}
	return true;
}

/*
 * Is the note header at off one a dump writer writes? Names are short ASCII words ("CORE",
 * "LINUX", "VMCOREINFO", "QEMU"); RAM read as a header rarely is one.
 */
static bool fld_note_at(int fd, uint64_t off, uint64_t limit, uint64_t *next, char *name)
{
	uint32_t h[3];
	char nm[33];

	if (off + 12 > limit || !fld_pread(fd, h, sizeof(h), off))
		return false;
	if (h[0] < 2 || h[0] > 32 || h[1] > FLD_MAX_NOTE_BYTES)
		return false;
	if (!fld_pread(fd, nm, h[0], off + 12) || nm[h[0] - 1] != '\0')
		return false;
	for (uint32_t i = 0; i + 1 < h[0]; i++) {
		char c = nm[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return false;
	}
	*next = off + 12 + ((h[0] + 3u) & ~3u) + ((h[1] + 3ull) & ~3ull);
	if (*next > limit)
		return false;
	memcpy(name, nm, h[0]);
	return true;
}

/* The VMCOREINFO descriptor of the chain [start, end), NUL-terminated, or NULL. */
static char *fld_vmcoreinfo(int fd, uint64_t start, uint64_t end)
{
	uint64_t off = start, next;
	char name[33];

	while (off < end && fld_note_at(fd, off, end, &next, name)) {
		uint32_t h[3];

		if (!strcmp(name, "VMCOREINFO") && fld_pread(fd, h, sizeof(h), off) && h[1] < FLD_VMCOREINFO_MAX) {
			char *text = calloc(1, (size_t)h[1] + 1);

			if (text && fld_pread(fd, text, h[1], off + 12 + ((h[0] + 3u) & ~3u)))
				return text;
			free(text);
			return NULL;
		}
		off = next;
	}
	return NULL;
}

/* KEY=value of VMCOREINFO text as a number (hex: the kernel prints SYMBOL()s and KERNELOFFSET bare). */
bool fld_info_num(const char *text, const char *key, int base, uint64_t *val)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *end;

		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		errno = 0;
		*val = strtoull(p + klen + 1, &end, base);
		return !errno && end != p + klen + 1;
	}
	return false;
}

bool fld_info_str(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t n;

		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		p += klen + 1;
		n = strcspn(p, "\n");
		if (n == 0 || n >= len)
			return false;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

/* len bytes at physical address pa, the PT_LOADs' data taken at p_offset + shift. */
static bool fld_read_pa(int fd, const struct fld_elf *e, int64_t shift, uint64_t pa, void *buf, size_t len)
{
	for (unsigned int i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		uint64_t off;

		if (p->p_type != PT_LOAD || pa < p->p_paddr || pa - p->p_paddr >= p->p_filesz ||
		    p->p_filesz - (pa - p->p_paddr) < len)
			continue;
		off = p->p_offset + (uint64_t)shift + (pa - p->p_paddr);
		if ((shift < 0 && p->p_offset < (uint64_t)-shift) || off > e->fsize || e->fsize - off < len)
			return false;
		return fld_pread(fd, buf, len, off);
	}
	return false;
}

/*
 * Does the layout with this shift hold the kernel VMCOREINFO describes? init_uts_ns (a kimage
 * symbol: PA = VA - kimage_voffset) holds struct new_utsname: "Linux" then, two 65-byte fields
 * later, the release. *why says what failed.
 */
static bool fld_verify(int fd, const struct fld_elf *e, const char *info, int64_t shift, struct s2_field_plan *plan,
		       const char **why)
{
	uint64_t uts, voff, name_off = UINT64_MAX;
	unsigned char buf[1024];
	size_t rlen;

	if (!fld_info_str(info, "OSRELEASE", plan->release, sizeof(plan->release))) {
		*why = "VMCOREINFO has no OSRELEASE";
		return false;
	}
	if (!fld_info_num(info, "SYMBOL(init_uts_ns)", 16, &uts) ||
	    !fld_info_num(info, "NUMBER(kimage_voffset)", 0, &voff)) {
		*why = "VMCOREINFO has no SYMBOL(init_uts_ns) or NUMBER(kimage_voffset)";
		return false;
	}
	plan->uts_pa = uts - voff;
	fld_info_num(info, "OFFSET(uts_namespace.name)", 10, &name_off);
	if (!fld_read_pa(fd, e, shift, plan->uts_pa, buf, sizeof(buf))) {
		*why = "init_uts_ns is in no PT_LOAD or beyond the end of the file";
		return false;
	}
	rlen = strlen(plan->release) + 1;
	/* without OFFSET(uts_namespace.name) (older kernels), any 8-byte aligned start of the struct */
	for (uint64_t o = name_off == UINT64_MAX ? 0 : name_off; o + 130 + rlen <= sizeof(buf); o += 8) {
		if (!memcmp(buf + o, "Linux", 6) && !memcmp(buf + o + 130, plan->release, rlen))
			return true;
		if (name_off != UINT64_MAX)
			break;
	}
	*why = "init_uts_ns does not hold \"Linux\" and OSRELEASE";
	return false;
}

/* kdump-compressed, flattened or not; anything else: the reader's own word stands */
static struct s2_error *fld_examine_kdump(int fd, const char *name, struct s2_field_plan *plan)
{
	struct stat sb;
	struct fld_src s;
	struct s2_error *err;
	char sig[8];

	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode))
		return NULL;
	err = fld_src_open(fd, name, (uint64_t)sb.st_size, &s);
	if (!err && (s.flat || (fld_pread(fd, sig, sizeof(sig), 0) && !memcmp(sig, "KDUMP   ", 8)))) {
		plan->flattened = s.flat;
		plan->records = s.nrecs;
		plan->image_size = s.size;
		plan->file_size = s.fsize;
		err = fld_kdump_examine(&s, name, plan);
	}
	fld_src_close(&s);
	if (err)
		memset(plan, 0, sizeof(*plan));
	return err;
}

struct s2_error *s2_field_examine(int fd, const char *name, struct s2_field_plan *plan)
{
	struct fld_elf e;
	uint64_t off, next, ends[FLD_MAX_NOTES];
	uint64_t first_load = UINT64_MAX;
	unsigned int nends = 0;
	struct s2_error *err = NULL;
	const char *why = "the note chain holds no VMCOREINFO";
	char nm[33];
	bool clean, tried = false;

	memset(plan, 0, sizeof(*plan));
	if (!fld_elf_load(fd, &e))
		return fld_examine_kdump(fd, name, plan);
	plan->file_size = e.fsize;
	plan->note_offset = e.ph[e.note].p_offset;
	plan->note_declared_end = e.ph[e.note].p_offset + e.ph[e.note].p_filesz;
	for (unsigned int i = 0; i < e.phnum; i++)
		if (e.ph[i].p_type == PT_LOAD && e.ph[i].p_filesz && e.ph[i].p_offset < first_load)
			first_load = e.ph[i].p_offset;
	plan->first_load = first_load;
	if (plan->note_declared_end < plan->note_offset || plan->note_declared_end > e.fsize) {
		free(e.ph);
		return NULL; /* a truncated file: the readers' truncation checks name it */
	}
	/* The chain as declared: whole notes ending exactly at p_offset + p_filesz is the normal case. */
	off = plan->note_offset;
	while (off < plan->note_declared_end && fld_note_at(fd, off, e.fsize, &next, nm) && nends < FLD_MAX_NOTES) {
		off = next;
		ends[nends++] = off;
		if (off >= plan->note_declared_end)
			break;
	}
	clean = off == plan->note_declared_end;
	if (clean) {
		free(e.ph);
		return NULL;
	}
	/* Past the declared end, further notes are QEMU's too (a longer note pushes all that follow). */
	if (off > plan->note_declared_end)
		while (nends < FLD_MAX_NOTES && fld_note_at(fd, off, e.fsize, &next, nm)) {
			off = next;
			ends[nends++] = off;
		}
	/*
	 * Where the chain really ends is the last plausible note, unless RAM happened to parse as
	 * one: the latest end whose shift verifies wins; shift 0 verifying means the RAM is where
	 * the headers say (zero padding after the notes).
	 */
	for (unsigned int k = nends; k-- > 0;) {
		char *info = fld_vmcoreinfo(fd, plan->note_offset, ends[k]);
		int64_t shift = (int64_t)(ends[k] - plan->note_declared_end);
		const char *w = why;

		if (!info)
			continue;
		if (ends[k] < plan->note_declared_end && fld_verify(fd, &e, info, 0, plan, &w)) {
			free(info);
			free(e.ph);
			memset(plan, 0, sizeof(*plan));
			return NULL;
		}
		if (fld_verify(fd, &e, info, shift, plan, &w)) {
			free(info);
			plan->defect = S2_FIELD_ELF_SHIFT;
			plan->note_real_end = ends[k];
			plan->shift = shift;
			free(e.ph);
			return NULL;
		}
		free(info);
		if (!tried) /* the latest end's reason: the one the chain as written gives */
			why = w;
		tried = true;
	}
	err = s2_error_create(S2_ERROR_CORRUPT,
			      "%s: ELF notes end at 0x%" PRIx64 " but PT_NOTE says 0x%" PRIx64 " (first PT_LOAD at 0x%"
			      PRIx64 "): RAM shifted by QEMU's SVE notes? The shift does not verify (%s); not read",
			      name, nends ? ends[nends - 1] : plan->note_offset, plan->note_declared_end, first_load, why);
	free(e.ph);
	return err;
}

void s2_field_describe(const struct s2_field_plan *plan, const char *name, char *buf, size_t len)
{
	uint64_t n = plan->shift < 0 ? (uint64_t)-plan->shift : (uint64_t)plan->shift;

	if (plan->defect == S2_FIELD_KDUMP) {
		char what[320] = "";
		size_t w = 0;

		if (plan->flattened)
			w += (size_t)snprintf(what + w, sizeof(what) - w, "; flattened stream of %" PRIu64
					      " records rewritten as the 0x%" PRIx64 "-byte file it stands for",
					      plan->records, plan->image_size);
		if (plan->block_size != plan->page_size && w < sizeof(what))
			w += (size_t)snprintf(what + w, sizeof(what) - w, "; block_size 0x%" PRIx32
					      " split into PAGESIZE 0x%" PRIx32 " pages", plan->block_size,
					      plan->page_size);
		if (plan->uts_empty && w < sizeof(what))
			w += (size_t)snprintf(what + w, sizeof(what) - w, "; empty utsname filled from init_uts_ns");
		if ((plan->block_size != plan->page_size || plan->uts_empty) && w < sizeof(what))
			snprintf(what + w, sizeof(what) - w, " (verified: init_uts_ns at PA 0x%" PRIx64 " holds %s)",
				 plan->uts_pa, plan->release);
		snprintf(buf, len, "%s: repaired QEMU kdump: %s", name, what + 2);
		return;
	}
	if (plan->defect != S2_FIELD_ELF_SHIFT) {
		snprintf(buf, len, "%s: no defect", name);
		return;
	}
	snprintf(buf, len,
		 "%s: repaired QEMU ELF notes (SVE): notes end at 0x%" PRIx64 ", PT_NOTE said 0x%" PRIx64
		 " (p_offset 0x%" PRIx64 " p_filesz 0x%" PRIx64 "); RAM read 0x%" PRIx64 " bytes %s each p_offset"
		 " (verified: init_uts_ns at PA 0x%" PRIx64 " holds %s)",
		 name, plan->note_real_end, plan->note_declared_end, plan->note_offset,
		 plan->note_declared_end - plan->note_offset, n, plan->shift < 0 ? "before" : "after", plan->uts_pa,
		 plan->release);
}

/* Copy in[src, in_end) to out[dst, ...): reflink, else copy_file_range over the data extents, else read/write. */
bool fld_copy(int in, uint64_t src, uint64_t in_end, int out, uint64_t dst)
{
	struct file_clone_range cr = { .src_fd = in, .src_offset = src, .src_length = 0, .dest_offset = dst };
	static unsigned char buf[1 << 16];
	uint64_t pos = src;

	if ((src & 4095) == 0 && (dst & 4095) == 0 && ioctl(out, FICLONERANGE, &cr) == 0)
		return true;
	while (pos < in_end) {
		off_t data = lseek(in, (off_t)pos, SEEK_DATA), hole;

		if (data < 0) /* no more data (ENXIO), or SEEK_DATA unsupported: copy all */
			data = errno == ENXIO ? (off_t)in_end : (off_t)pos;
		if ((uint64_t)data >= in_end)
			break;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > in_end)
			hole = (off_t)in_end;
		pos = (uint64_t)data;
		while (pos < (uint64_t)hole) {
			loff_t ro = (loff_t)pos, wo = (loff_t)(pos - src + dst);
			ssize_t n = copy_file_range(in, &ro, out, &wo, (size_t)((uint64_t)hole - pos), 0);

			if (n <= 0) { /* not on these file systems: plain copy */
				size_t chunk = (uint64_t)hole - pos < sizeof(buf) ? (size_t)((uint64_t)hole - pos) : sizeof(buf);

				if (!fld_pread(in, buf, chunk, pos) || !fld_pwrite(out, buf, chunk, pos - src + dst))
					return false;
				n = (ssize_t)chunk;
			}
			pos += (uint64_t)n;
		}
	}
	return true;
}

struct s2_error *s2_field_repair(int in, const char *name, const struct s2_field_plan *plan, int out)
{
	struct fld_elf e;
	uint64_t note_len, new_note, dst_base, src_start = UINT64_MAX, src_aligned;
	unsigned char *notes = NULL;
	static const unsigned char zero[4096];
	struct s2_error *err = NULL;

	if (plan->defect == S2_FIELD_KDUMP) {
		struct fld_src s;

		err = fld_src_open(in, name, plan->file_size, &s);
		if (!err)
			err = fld_kdump_repair(&s, name, plan, out);
		fld_src_close(&s);
		return err;
	}
	if (plan->defect != S2_FIELD_ELF_SHIFT || !fld_elf_load(in, &e))
		return s2_error_create(S2_ERROR_INVALID_ARGUMENT, "%s: nothing to repair", name);
	note_len = plan->note_real_end - plan->note_offset;
	new_note = sizeof(Elf64_Ehdr) + (uint64_t)e.phnum * sizeof(Elf64_Phdr);
	dst_base = (new_note + note_len + 4095) & ~4095ull;
	for (unsigned int i = 0; i < e.phnum; i++)
		if (e.ph[i].p_type == PT_LOAD && e.ph[i].p_filesz && e.ph[i].p_offset + (uint64_t)plan->shift < src_start)
			src_start = e.ph[i].p_offset + (uint64_t)plan->shift;
	if (src_start == UINT64_MAX || src_start < plan->note_real_end)
		src_start = plan->note_real_end;
	src_aligned = src_start & ~4095ull;
	notes = malloc(note_len ? note_len : 1);
	if (!notes) {
		free(e.ph);
		return &s2_error_nomem;
	}
	if (!fld_pread(in, notes, note_len, plan->note_offset)) {
		err = s2_error_create(S2_ERROR_IO, "%s: cannot read the notes at 0x%" PRIx64, name, plan->note_offset);
		goto out;
	}
	for (unsigned int i = 0; i < e.phnum; i++) {
		Elf64_Phdr *p = &e.ph[i];

		if (p->p_type == PT_NOTE) {
			p->p_offset = new_note;
			p->p_filesz = note_len;
			if (p->p_memsz) /* QEMU sets it to the (wrong) size too */
				p->p_memsz = note_len;
		} else if (p->p_offset >= plan->first_load || p->p_type == PT_LOAD) {
			p->p_offset = p->p_offset + (uint64_t)plan->shift - src_aligned + dst_base;
		}
	}
	e.eh.e_phoff = sizeof(Elf64_Ehdr);
	e.eh.e_shoff = 0;
	e.eh.e_shnum = 0;
	e.eh.e_shstrndx = 0;
	if (ftruncate(out, 0) || !fld_pwrite(out, &e.eh, sizeof(e.eh), 0) ||
	    !fld_pwrite(out, e.ph, e.phnum * sizeof(*e.ph), sizeof(e.eh)) ||
	    !fld_pwrite(out, notes, note_len, new_note) ||
	    (plan->file_size > src_aligned && !fld_copy(in, src_aligned, plan->file_size, out, dst_base)) ||
	    /* the bytes before the first segment's data came from the old notes: zeros, as padding */
	    (src_start > src_aligned && !fld_pwrite(out, zero, src_start - src_aligned, dst_base)) ||
	    ftruncate(out, (off_t)(dst_base + (plan->file_size > src_aligned ? plan->file_size - src_aligned : 0))))
		err = s2_error_create(S2_ERROR_IO, "%s: writing the repaired dump failed: %s", name, strerror(errno));
out:
	free(notes);
	free(e.ph);
	return err;
}

struct s2_error *s2_field_open_repaired(int fd, const char *name, struct s2_field_plan *plan, int *out_fd)
{
	struct s2_error *err = s2_field_examine(fd, name, plan);
	const char *dir = getenv("TMPDIR");
	int out;

	*out_fd = -1;
	if (err || plan->defect == S2_FIELD_NONE)
		return err;
	out = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (out < 0)
		out = memfd_create("s2dump-repaired", MFD_CLOEXEC);
	if (out < 0)
		return s2_error_create(S2_ERROR_IO, "%s: no temporary file for the repaired view: %s", name,
				       strerror(errno));
	err = s2_field_repair(fd, name, plan, out);
	if (err) {
		close(out);
		return err;
	}
	*out_fd = out;
	return NULL;
}
