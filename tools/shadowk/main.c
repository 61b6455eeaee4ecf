// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk: the admin tool.  Global options, the command table and the one
 * place errors are printed.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

struct tool tool;

static int do_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "version", do_version, "version" },
	{ "help", do_help, "help" },
};

int tool_err(int code, const char *fmt, ...)
{
	char msg[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	if (tool.json) {
		json_init(&tool.j, stdout, tool.pretty);
		json_obj_begin(&tool.j, NULL);
		json_str(&tool.j, "error", msg);
		json_u64(&tool.j, "exit_code", code);
		json_obj_end(&tool.j);
		json_finish(&tool.j);
	} else {
		fprintf(stderr, "%s: %s\n", tool.prog, msg);
	}
	return code;
}

int tool_open(struct shadowk_ctx **ctxp)
{
	int err = shadowk_new(ctxp);

	switch (err) {
	case 0:
		return EXIT_OK;
	case -ENOENT:
		return tool_err(EXIT_NO_MODULE,
				"/dev/shadowk does not exist: the shadowk module is not loaded (try: modprobe shadowk)");
	case -EACCES:
		return tool_err(EXIT_NO_PERM,
				"cannot open /dev/shadowk: permission denied (it is root-only)");
	case -EPERM:
		return tool_err(EXIT_NO_PERM,
				"cannot open /dev/shadowk: CAP_SYS_ADMIN is required");
	case -EPROTO:
		return tool_err(EXIT_FAIL,
				"the loaded shadowk module speaks a different ABI version than this tool");
	default:
		return tool_err(EXIT_FAIL, "cannot open /dev/shadowk: %s",
				strerror(-err));
	}
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s [-j|--json] [-p|--pretty] COMMAND [ARGS...]\n\n"
		"Commands:\n", tool.prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(out, "  %s %s\n", tool.prog, cmds[i].usage);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	tool.prog = "shadowk";
	while ((c = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			tool.json = true;
			break;
		case 'p':
			tool.json = true;
			tool.pretty = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return do_version(0, NULL);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return do_help(0, NULL);

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[optind], cmds[i].name))
			return cmds[i].run(argc - optind, argv + optind);
	}
	return tool_err(EXIT_USAGE, "unknown command '%s' (try: %s help)",
			argv[optind], tool.prog);
}
