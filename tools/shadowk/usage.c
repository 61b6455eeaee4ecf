// SPDX-License-Identifier: GPL-2.0
/*
 * Usage errors: one message naming the object and command, then that
 * command's usage (or, in JSON or as a wrapper, the message alone).
 * Apart from main.c so that the commands' files, which all report them,
 * need nothing of the dispatcher's.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "main.h"

void tool_cmd_usage(FILE *out, const char *object, const struct cmd *c)
{
	if (strcmp(object, c->name))
		fprintf(out, "Usage: %s %s %s %s\n  %s\n", tool.prog, object,
			c->name, c->args, c->help);
	else
		fprintf(out, "Usage: %s %s %s\n  %s\n", tool.prog, c->name,
			c->args, c->help);
}

int tool_usage_err(const char *fmt, ...)
{
	char msg[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	if (!tool.cmd)
		return tool_err(EXIT_USAGE, "%s", msg);
	if ((tool.json || tool.wrapper) && strcmp(tool.object, tool.cmd->name))
		return tool_err(EXIT_USAGE, "%s %s: %s", tool.object,
				tool.cmd->name, msg);
	if (tool.json || tool.wrapper)
		return tool_err(EXIT_USAGE, "%s: %s", tool.object, msg);
	if (strcmp(tool.object, tool.cmd->name))
		fprintf(stderr, "%s %s %s: %s\n", tool.prog, tool.object,
			tool.cmd->name, msg);
	else
		fprintf(stderr, "%s %s: %s\n", tool.prog, tool.object, msg);
	tool_cmd_usage(stderr, tool.object, tool.cmd);
	return EXIT_USAGE;
}

int tool_bad_option(char **argv, int c)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return tool_usage_err("'%s' needs an argument", arg);
	return tool_usage_err("unknown option '%s'", arg);
}
