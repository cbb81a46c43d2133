/*
 * kdumpread: reads kernel-virtual or physical memory of a dump through libkdumpfile and prints it
 * in hex, for tests/vmcores/check-libkdumpfile.sh.
 * Usage: kdumpread DUMP (kv|kp) ADDR LEN   (LEN <= 4096)
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[2], "kv") && strcmp(argv[2], "kp"))) {
		fprintf(stderr, "usage: kdumpread DUMP (kv|kp) ADDR LEN\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	kdump_ctx_t *ctx = kdump_new();
	if (!ctx)
		return 1;
	/* ELF cores need the OS type set explicitly, even for physical reads. */
	if (kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_FD, (kdump_num_t)fd) != KDUMP_OK ||
	    kdump_set_string_attr(ctx, KDUMP_ATTR_OSTYPE, "linux") != KDUMP_OK) {
		fprintf(stderr, "kdumpread: %s: %s\n", argv[1], kdump_get_err(ctx));
		return 1;
	}
	uint64_t addr = strtoull(argv[3], NULL, 0);
	size_t len = strtoul(argv[4], NULL, 0);
	unsigned char buf[4096];
	if (len > sizeof(buf))
		len = sizeof(buf);
	size_t n = len;
	kdump_status st = kdump_read(ctx, argv[2][1] == 'v' ? KDUMP_KVADDR : KDUMP_KPHYSADDR, addr, buf, &n);
	if (st != KDUMP_OK || n != len) {
		fprintf(stderr, "kdumpread: %s 0x%" PRIx64 ": %s\n", argv[2], addr, kdump_get_err(ctx));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%02x", buf[i]);
	printf("\n");
	kdump_free(ctx);
	close(fd);
	return 0;
}
