/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SHADOWK_TOOL_MAIN_H
#define SHADOWK_TOOL_MAIN_H

#include <stdbool.h>

#include <libshadowk.h>

#include "json.h"

/* Exit codes, documented in shadowk(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NO_MODULE = 3,	/* /dev/shadowk is missing */
	EXIT_NO_PERM = 4,	/* not allowed to use /dev/shadowk */
};

struct tool {
	const char *prog;
	bool json;
	bool pretty;
	struct json j;
};

extern struct tool tool;

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

__attribute__((format(printf, 2, 3)))
int tool_err(int code, const char *fmt, ...);
int tool_open(struct shadowk_ctx **ctxp);

int do_version(int argc, char **argv);

#endif
