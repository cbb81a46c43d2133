// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a directory as a gzip'ed newc cpio archive (an initramfs) to stdout:
 *
 *     mkcpio DIR > archive.cpio.gz
 *
 * Used by prepare.sh and run.sh so the host needs no cpio package. The archive is what the
 * kernel's initramfs unpacker reads (init/initramfs.c): "070701" headers of 13 8-digit hex
 * fields, names NUL-terminated, header+name and data each padded to 4 bytes, a final
 * "TRAILER!!!" entry. Owners are 0:0, inode numbers count from 1, nlink is 2 for directories
 * and 1 otherwise, rdev and check are 0. Order: "." first, then every directory's entries
 * sorted by name (bytewise), each directory before its contents, subdirectories visited in
 * that order (Python's os.walk with sorted names); symbolic links are stored, never followed.
 * Compressed with zlib at level 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static z_stream zs;
static unsigned char zout[1 << 16];
static const char *top;
static unsigned long ino = 1;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "mkcpio: %s%s%s: %s\n", what, path ? " " : "", path ? path : "", strerror(errno));
	exit(1);
}

static void zwrite(const void *buf, size_t len, int flush)
{
	zs.next_in = (unsigned char *)buf;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = zout;
		zs.avail_out = sizeof(zout);
		int rc = deflate(&zs, flush);
		if (rc == Z_STREAM_ERROR) {
			fprintf(stderr, "mkcpio: deflate failed\n");
			exit(1);
		}
		size_t have = sizeof(zout) - zs.avail_out;
		if (have && fwrite(zout, 1, have, stdout) != have)
			die("writing the archive", NULL);
	} while (zs.avail_out == 0 || (flush == Z_FINISH && zs.avail_in));
}

static void out(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	while (len) {
		size_t k = len > (1u << 30) ? (1u << 30) : len;
		zwrite(p, k, Z_NO_FLUSH);
		p += k;
		len -= k;
	}
}

static void pad(size_t n)
{
	static const char zeros[4];
	out(zeros, (4 - n % 4) % 4);
}

/* "070701" and 13 fields, each %08x (the newc format holds 32 bits per field) */
static size_t header(const char *name, const uint64_t f[13])
{
	char hdr[6 + 13 * 8 + 1];
	memcpy(hdr, "070701", 6);
	for (int i = 0; i < 13; i++) {
		if (f[i] > 0xffffffffu) {
			fprintf(stderr, "mkcpio: %s: field %d (0x%llx) does not fit the newc format\n", name, i,
				(unsigned long long)f[i]);
			exit(1);
		}
		snprintf(hdr + 6 + 8 * i, 9, "%08llx", (unsigned long long)f[i]);
	}
	out(hdr, 6 + 13 * 8);
	return 6 + 13 * 8;
}

static void entry(const char *rel)
{
	char *path;
	if (asprintf(&path, "%s/%s", top, rel) < 0)
		die("asprintf", NULL);
	struct stat st;
	if (lstat(path, &st))
		die("lstat", path);
	char *data = NULL;
	size_t size = 0;
	if (S_ISLNK(st.st_mode)) {
		size_t cap = 256;
		for (;;) {
			data = realloc(data, cap);
			if (!data)
				die("realloc", NULL);
			ssize_t n = readlink(path, data, cap);
			if (n < 0)
				die("readlink", path);
			if ((size_t)n < cap) {
				size = (size_t)n;
				break;
			}
			cap *= 2;
		}
	} else if (S_ISREG(st.st_mode)) {
		FILE *f = fopen(path, "rb");
		if (!f)
			die("open", path);
		size_t cap = (size_t)st.st_size + 1;
		data = malloc(cap);
		if (!data)
			die("malloc", NULL);
		size_t n;
		while ((n = fread(data + size, 1, cap - size, f)) > 0) {
			size += n;
			if (size == cap) {
				cap *= 2;
				data = realloc(data, cap);
				if (!data)
					die("realloc", NULL);
			}
		}
		if (ferror(f))
			die("read", path);
		fclose(f);
	}
	size_t namesize = strlen(rel) + 1;
	uint64_t f[13] = { ino++, st.st_mode, 0, 0, S_ISDIR(st.st_mode) ? 2 : 1,
			   /* int(st_mtime): seconds, truncated */ (uint64_t)st.st_mtim.tv_sec,
			   size, 0, 0, 0, 0, namesize, 0 };
	if (st.st_mtim.tv_sec < 0) {
		fprintf(stderr, "mkcpio: %s: mtime before 1970\n", path);
		exit(1);
	}
	size_t h = header(path, f);
	out(rel, namesize);
	pad(h + namesize);
	out(data, size);
	pad(size);
	free(data);
	free(path);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the entries of top/rel (rel "" for top itself), then each subdirectory's, recursively */
static void walk(const char *rel)
{
	char *path;
	if (asprintf(&path, "%s%s%s", top, *rel ? "/" : "", rel) < 0)
		die("asprintf", NULL);
	DIR *d = opendir(path);
	if (!d)
		die("opendir", path);
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || asprintf(&names[n], "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0)
			die("realloc", NULL);
		n++;
	}
	if (errno)
		die("readdir", path);
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++)
		entry(names[i]);
	for (size_t i = 0; i < n; i++) {
		char *sub;
		struct stat st;
		if (asprintf(&sub, "%s/%s", top, names[i]) < 0)
			die("asprintf", NULL);
		if (lstat(sub, &st))
			die("lstat", sub);
		if (S_ISDIR(st.st_mode))
			walk(names[i]);
		free(sub);
		free(names[i]);
	}
	free(names);
	free(path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcpio DIR > archive.cpio.gz\n");
		return 2;
	}
	top = argv[1];
	/* gzip wrapper (windowBits 15 + 16), level 1, zlib's default memLevel and strategy */
	if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		fprintf(stderr, "mkcpio: deflateInit2 failed\n");
		return 1;
	}
	entry(".");
	walk("");
	static const char trailer[] = "TRAILER!!!";
	uint64_t f[13] = { 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, sizeof(trailer), 0 };
	size_t h = header(trailer, f);
	out(trailer, sizeof(trailer));
	pad(h + sizeof(trailer));
	zwrite(NULL, 0, Z_FINISH);
	deflateEnd(&zs);
	if (fflush(stdout) || ferror(stdout))
		die("writing the archive", NULL);
	return 0;
}
