// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk: the admin tool.  Global options, the command table and help.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "main.h"

struct tool tool;

static int do_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "create", do_create, "[--name NAME]",
	  "create a clone of the kernel's text" },
	{ "destroy", do_destroy, "CLONE...",
	  "unbind everything from a clone and free it" },
	{ "list", do_list, "",
	  "list the clones" },
	{ "info", do_info, "CLONE",
	  "one clone: bound processes, probes, memory" },
	{ "bind", do_bind, "CLONE PID [--fork] [--exec]",
	  "run a process on a clone (--fork: its children too; --exec: across execve)" },
	{ "unbind", do_unbind, "PID",
	  "put a process back on the kernel's own text" },
	{ "exec", do_exec, "[--no-fork] CLONE -- CMD [ARG...]",
	  "run a command bound to a clone from its first instruction" },
	{ "probe", do_probe, "add [--irq] CLONE FUNC... | del CLONE FUNC|ID... | list CLONE",
	  "count calls of kernel functions by the clone's processes" },
	{ "stat", do_stat, "CLONE",
	  "the clone's probes, most hits first" },
	{ "inject", do_inject,
	  "CLONE FUNC --errno E [--every N|--first N|--prob PCT [--seed S]] [--force] | CLONE FUNC --off | CLONE FUNC --show",
	  "make a kernel function fail for the clone's processes only" },
	{ "verify", do_verify, "CLONE",
	  "check that a clone differs from the kernel only where it should" },
	{ "profile", do_profile, "[--top N] [--syscalls|--funcs FILE] -- CMD [ARG...]",
	  "run a command in a fresh clone and show the kernel functions it called" },
	{ "version", do_version, "",
	  "this tool, the library and the loaded module" },
	{ "help", do_help, "[COMMAND]",
	  "this text, or one command's" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s [-j|--json] [-p|--pretty] [--no-load] COMMAND [ARGS...]\n\n"
		"Commands:\n", tool.prog);
	for (i = 0; i < N_CMDS; i++)
		fprintf(out, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(out, "\nCLONE is a clone's id or name.  FUNC is a kernel function's name\n"
		"or its address in hex (0x...).  Run '%s help COMMAND' for its\n"
		"arguments; 'man 8 shadowk' for everything.\n", tool.prog);
}

static void cmd_usage(FILE *out, const struct cmd *c)
{
	fprintf(out, "Usage: %s %s %s\n  %s\n", tool.prog, c->name, c->args,
		c->help);
}

int tool_usage_err(const char *name, const char *fmt, ...)
{
	const struct cmd *c = find_cmd(name);
	char msg[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	if (c && !tool.json) {
		fprintf(stderr, "%s %s: %s\n", tool.prog, name, msg);
		cmd_usage(stderr, c);
		return EXIT_USAGE;
	}
	return tool_err(EXIT_USAGE, "%s: %s", name, msg);
}

static int do_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return tool_err(EXIT_USAGE, "unknown command '%s' (try: %s help)",
				argv[1], tool.prog);
	cmd_usage(stdout, c);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "no-load", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *c;
	int opt;

	tool.prog = "shadowk";
	while ((opt = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			tool.json = true;
			break;
		case 'p':
			tool.json = true;
			tool.pretty = true;
			break;
		case 'L':
			tool.no_load = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return tool_print_versions();
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return do_help(0, NULL);

	c = find_cmd(argv[optind]);
	if (!c)
		return tool_err(EXIT_USAGE, "unknown command '%s' (try: %s help)",
				argv[optind], tool.prog);
	if (optind + 1 < argc && (!strcmp(argv[optind + 1], "-h") ||
				  !strcmp(argv[optind + 1], "--help"))) {
		cmd_usage(stdout, c);
		return EXIT_OK;
	}
	/* Commands parse with getopt too; each starts afresh. */
	argc -= optind;
	argv += optind;
	optind = 0;
	return c->run(argc, argv);
}
