// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standalone CLI: a multi-call binary. `s2dump ARGS` and `nesteds2 ARGS`
 * (by argv[0], or `s2dump nesteds2 ARGS`) take exactly the arguments of the
 * crash commands, plus -c VMCORE and -s VMLINUX (no -c: the live kernel
 * through /proc/kcore). Everything else is parsed by the shared core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/kdump_target.h"
#include "s2dump/command.h"

static void usage(FILE *out, const char *cmd)
{
	const struct s2_command_help *h = s2_command_help(cmd);

	fprintf(out, "usage: %s [-c VMCORE] [-s VMLINUX] %s\n", cmd, h->synopsis);
	fprintf(out, "  -c VMCORE   the dump (ELF or kdump-compressed); without it, the live kernel (/proc/kcore)\n");
	fprintf(out, "  -s VMLINUX  the matching vmlinux with DWARF; without it, found by the dump's build-id\n");
	fprintf(out, "              or release in /usr/lib/debug and /boot\n");
	fprintf(out, "  --help      this text and the command's own help; --version\n\n");
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
	if (strcmp(cmd, "nesteds2") != 0)
		cmd = "s2dump";
	if (argc > 1 && (!strcmp(argv[1], "s2dump") || !strcmp(argv[1], "nesteds2"))) {
		cmd = argv[1];
		first = 2;
	}
	rest[0] = (char *)cmd;
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
	if (!err && s2_kdump_target_warning(target))
		/* once, up front: later "not in the dump" must not read as filtering */
		fprintf(stderr, "%s: warning: %s\n", cmd, s2_kdump_target_warning(target));
	if (!err) {
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
