// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standalone CLI: a multi-call binary. `s2dump ARGS` and `nesteds2 ARGS`
 * (by argv[0], or `s2dump nesteds2 ARGS`) take exactly the arguments of the
 * crash commands, plus -c VMCORE and -s VMLINUX (no -c: the live kernel
 * through /proc/kcore). Everything else is parsed by the shared core.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/codecs.h"
#include "cli/kdump_target.h"
#include "s2dump/command.h"
#include "s2dump/field.h"

static const char repair_usage[] =
	"usage: s2dump repair [--check] IN [OUT]\n"
	"  Repairs a dump as it comes from the field (docs/field-dumps.md), found from the file and\n"
	"  verified (init_uts_ns, read through the repair, holds VMCOREINFO's OSRELEASE):\n"
	"   - QEMU's ELF vmcores whose RAM sits before or after p_offset (SVE notes of different\n"
	"     sizes: the note chain does not end where PT_NOTE says);\n"
	"   - QEMU's kdump-zlib (makedumpfile's flattened stream) and kdump-raw-* files (64 KiB\n"
	"     blocks under a 4 KiB PAGESIZE, an empty utsname).\n"
	"  OUT: a standard ELF vmcore or kdump-compressed file that crash, drgn and libkdumpfile read\n"
	"  unmodified; IN is never modified. A dump with no defect: nothing is written.\n"
	"  --check      only say whether IN needs repair\n"
	"  exit status  0: repaired (or, with --check, no defect); 1 (--check): IN needs repair;\n"
	"               2: a defect whose repair does not verify, or an I/O error; 3: bad arguments\n";

/* s2dump repair [--check] IN [OUT] */
static int repair_main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	bool check = false;
	struct s2_field_plan plan;
	struct s2_error *err;
	struct stat si, so;
	char line[768];
	int fd, ofd;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(repair_usage, stdout);
			return S2_STATUS_OK;
		} else if (!in) {
			in = argv[i];
		} else if (!out) {
			out = argv[i];
		} else {
			fprintf(stderr, "s2dump: repair: unexpected argument '%s'\n%s", argv[i], repair_usage);
			return S2_STATUS_USAGE;
		}
	}
	if (!in || (!check && !out) || (check && out)) {
		fprintf(stderr, "s2dump: repair: %s\n%s", check ? "--check takes IN only" : "IN and OUT required",
			repair_usage);
		return S2_STATUS_USAGE;
	}
	fd = open(in, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "s2dump: cannot open %s: %s\n", in, strerror(errno));
		return S2_STATUS_ERROR;
	}
	err = s2_field_examine(fd, in, &plan);
	if (err) {
		fprintf(stderr, "s2dump: %s\n", err->message);
		s2_error_destroy(err);
		close(fd);
		return S2_STATUS_ERROR;
	}
	if (plan.defect == S2_FIELD_NONE) {
		printf("%s: no defect s2dump repairs%s\n", in, check ? "" : "; nothing written");
		close(fd);
		return S2_STATUS_OK;
	}
	s2_field_describe(&plan, in, line, sizeof(line));
	if (check) {
		printf("%s\n", line);
		close(fd);
		return S2_STATUS_FINDINGS;
	}
	if (stat(out, &so) == 0 && fstat(fd, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
		fprintf(stderr, "s2dump: repair: OUT %s is IN: the input is never modified\n", out);
		close(fd);
		return S2_STATUS_USAGE;
	}
	ofd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ofd < 0) {
		fprintf(stderr, "s2dump: cannot create %s: %s\n", out, strerror(errno));
		close(fd);
		return S2_STATUS_ERROR;
	}
	err = s2_field_repair(fd, in, &plan, ofd);
	close(fd);
	if (err || close(ofd)) {
		fprintf(stderr, "s2dump: %s\n", err ? err->message : "closing the output failed");
		s2_error_destroy(err);
		unlink(out);
		return S2_STATUS_ERROR;
	}
	printf("%s\nwrote %s\n", line, out);
	return S2_STATUS_OK;
}

static void usage(FILE *out, const char *cmd)
{
	const struct s2_command_help *h = s2_command_help(cmd);

	fprintf(out, "usage: %s [-c VMCORE] [-s VMLINUX] %s\n", cmd, h->synopsis);
	fprintf(out, "  -c VMCORE   the dump (ELF or kdump-compressed); without it, the live kernel (/proc/kcore)\n");
	fprintf(out, "  -s VMLINUX  the matching vmlinux with DWARF; without it, found by the dump's build-id\n");
	fprintf(out, "              or release in /usr/lib/debug and /boot\n");
	fprintf(out, "  --help      this text and the command's own help; --version\n");
	fprintf(out, "  s2dump repair [--check] IN [OUT]   rewrite QEMU's broken ELF or kdump files as standard\n");
	fprintf(out, "              ones (s2dump repair --help, docs/field-dumps.md); -c reads them as they are\n\n");
}

int main(int argc, char **argv)
{
	const char *cmd = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *vmcore = NULL, *vmlinux = NULL;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 1, status = S2_STATUS_OK, first = 1;
	bool help = false;
	struct s2_target *target;
	struct s2_session *session;
	struct s2_error *err;

	if (!rest)
		return S2_STATUS_ERROR;
	s2_cli_codecs_init();
	if (strcmp(cmd, "nesteds2") != 0)
		cmd = "s2dump";
	if (argc > 1 && (!strcmp(argv[1], "s2dump") || !strcmp(argv[1], "nesteds2"))) {
		cmd = argv[1];
		first = 2;
	}
	rest[0] = (char *)cmd;
	if (argc > first && !strcmp(argv[first], "repair") && strcmp(cmd, "nesteds2")) {
		free(rest);
		return repair_main(argc - first - 1, argv + first + 1);
	}
	for (int i = first; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "-s")) && i + 1 >= argc) {
			/* never fall back to the live kernel when a dump was asked for */
			fprintf(stderr, "%s: %s needs a file (%s)\n", cmd, argv[i],
				argv[i][1] == 'c' ? "the vmcore" : "the vmlinux with DWARF");
			free(rest);
			return S2_STATUS_USAGE;
		}
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "-s")) {
			*(argv[i][1] == 'c' ? &vmcore : &vmlinux) = argv[i + 1];
			i++;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help = true;
		} else if (nrest == 1 && (!strcmp(argv[i], "s2dump") || !strcmp(argv[i], "nesteds2"))) {
			cmd = argv[i]; /* the command word may follow -c/-s */
			rest[0] = (char *)cmd;
		} else if (!strcmp(argv[i], "--version")) {
			printf("s2dump 0.1\n");
			free(rest);
			return 0;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	if (help) {
		const struct s2_command_help *h = s2_command_help(cmd);

		usage(stdout, cmd);
		printf("%s - %s\n\n", h->name, h->summary);
		for (const char *const *l = h->description; *l; l++)
			printf("%s\n", *l);
		printf("\nExamples:\n");
		for (const char *const *l = h->examples; *l; l++)
			printf("%s\n", *l);
		free(rest);
		return 0;
	}
	err = s2_kdump_target_open(vmcore, vmlinux, &target);
	if (!err) {
		/* how the file was read first (a repair), then what it lacks */
		if (s2_kdump_target_notice(target))
			fprintf(stderr, "%s: %s\n", cmd, s2_kdump_target_notice(target));
		if (s2_kdump_target_warning(target))
			/* once, up front: later "not in the dump" must not read as filtering */
			fprintf(stderr, "%s: warning: %s\n", cmd, s2_kdump_target_warning(target));
		err = s2_session_create(target, &session);
		if (!err) {
			err = s2_command_run(session, nrest, rest, stdout, &status);
			s2_session_destroy(session);
		} else {
			status = S2_STATUS_ERROR;
		}
		s2_kdump_target_close(target);
	} else {
		status = S2_STATUS_ERROR;
	}
	fflush(stdout);
	if (err) {
		fprintf(stderr, "%s: %s\n", cmd, err->message);
		s2_error_destroy(err);
		if (status == S2_STATUS_OK)
			status = S2_STATUS_ERROR;
	}
	free(rest);
	return status;
}
