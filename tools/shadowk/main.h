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
	EXIT_NO_MODULE = 3,	/* /dev/shadowk is missing and cannot be loaded */
	EXIT_NO_PERM = 4,	/* not allowed: device, process or lockdown */
	EXIT_NO_CLONE = 5,	/* no such clone */
	EXIT_BAD_FUNC = 6,	/* no such kernel function, or one refused */
	EXIT_NO_PROCESS = 7,	/* no such process, or not bound */
};

struct tool {
	const char *prog;
	bool json;
	bool pretty;
	bool no_load;
	struct json j;
};

extern struct tool tool;

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *help;
};

__attribute__((format(printf, 2, 3)))
int tool_err(int code, const char *fmt, ...);
int tool_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens the device, loading the module if missing (kmod.c); an exit code. */
int tool_open(struct shadowk_ctx **ctxp);

/* A CLONE argument (id or name) to a live clone's id; an exit code. */
int tool_clone(struct shadowk_ctx *ctx, const char *arg, __u32 *clone_id);
/* tool_open() and tool_clone() in one; no context is left on failure. */
int tool_open_clone(struct shadowk_ctx **ctxp, const char *clone,
		    __u32 *clone_id);
/* An error from a command that named a kernel function; an exit code. */
int tool_func_err(int err, const char *func);
/* Any other failed call: message with strerror, exit code from errno. */
int tool_call_err(int err, const char *what);

bool tool_parse_u64(const char *s, unsigned long long max,
		    unsigned long long *val);
bool tool_parse_pid(const char *s, pid_t *pid);
/* "ENOSPC", "28" or "-28" to 28; 0 if none. */
int tool_errno_parse(const char *s);
const char *tool_errno_name(int err);
/* A kernel symbol's address from /proc/kallsyms; 0 if absent or hidden. */
unsigned long long tool_ksym_addr(const char *name);

/* Begin JSON output of a command: an object, or an array (key NULL). */
struct json *tool_json(void);
void tool_json_done(void);

/*
 * Fork a child that binds itself (pid 0) to the clone with flags and execs
 * argv; *pid is the child.  Errors before the exec come back as an exit
 * code with a message printed, and no child is left.
 */
int tool_spawn_bound(struct shadowk_ctx *ctx, __u32 clone_id, __u32 flags,
		     char **argv, pid_t *pid);
/* Reaps a child: its exit status, or 128 + signal as shells say it. */
int tool_wait_child(pid_t pid);

/* qsort() order of probe entries: most hits first, then by name. */
int tool_probe_cmp_hits(const void *a, const void *b);

/* Versions of the tool and the library alone (-V). */
int tool_print_versions(void);
int do_version(int argc, char **argv);
int do_create(int argc, char **argv);
int do_destroy(int argc, char **argv);
int do_list(int argc, char **argv);
int do_info(int argc, char **argv);
int do_verify(int argc, char **argv);
int do_bind(int argc, char **argv);
int do_unbind(int argc, char **argv);
int do_exec(int argc, char **argv);
int do_probe(int argc, char **argv);
int do_stat(int argc, char **argv);
int do_inject(int argc, char **argv);
int do_profile(int argc, char **argv);

#endif
