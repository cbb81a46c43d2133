// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's floor: read LEN bytes of a file from OFFSET the way the walker reads tables
 * (pread of one 4K table at a time into one buffer), touching each 8-byte word so that the read
 * cannot be optimised away, and nothing else: no decode, no output.
 *   read_bytes FILE OFFSET LEN [CHUNK]
 * Prints the bytes read and a checksum.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t off, len, chunk = 4096, sum = 0, done = 0;
	unsigned char *buf;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: read_bytes FILE OFFSET LEN [CHUNK]\n");
		return 2;
	}
	off = strtoull(argv[2], NULL, 0);
	len = strtoull(argv[3], NULL, 0);
	if (argc == 5)
		chunk = strtoull(argv[4], NULL, 0);
	fd = open(argv[1], O_RDONLY);
	buf = malloc(chunk ? chunk : 1);
	if (fd < 0 || !buf || !chunk || chunk % 8) {
		perror(argv[1]);
		return 2;
	}
	while (done < len) {
		size_t n = len - done < chunk ? (size_t)(len - done) : (size_t)chunk;
		ssize_t got = pread(fd, buf, n, (off_t)(off + done));

		if (got <= 0) {
			fprintf(stderr, "read_bytes: short read at offset 0x%" PRIx64 "\n", off + done);
			return 1;
		}
		for (ssize_t i = 0; i + 8 <= got; i += 8) {
			uint64_t v;

			memcpy(&v, buf + i, 8);
			sum += v;
		}
		done += (uint64_t)got;
	}
	printf("read %" PRIu64 " bytes, checksum %016" PRIx64 "\n", done, sum);
	free(buf);
	close(fd);
	return 0;
}
