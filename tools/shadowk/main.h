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
	/* exec and profile: the tool failed, not the command (as env(1)) */
	EXIT_WRAPPER = 125,
};

/* A command of an object: "probe add", say. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
	const char *args;
	const char *help;
};

struct tool {
	const char *prog;
	bool json;
	bool pretty;
	bool no_load;
	bool debug;
	/* The command running, for its usage line. */
	const char *object;
	const struct cmd *cmd;
	/* exec and profile: the tool's own failures exit 125. */
	bool wrapper;
	struct json j;
};

extern struct tool tool;

__attribute__((format(printf, 2, 3)))
int tool_err(int code, const char *fmt, ...);
/* One command's usage line and help. */
void tool_cmd_usage(FILE *out, const char *object, const struct cmd *c);
/* A bad command line for the running command, with its usage. */
__attribute__((format(printf, 1, 2)))
int tool_usage_err(const char *fmt, ...);

/*
 * getopt's '?' or ':' (optstrings start with ':') for the running command:
 * which option, and what is wrong with it.
 */
int tool_bad_option(char **argv, int c);

/*
 * Opens the device (open.c); an exit code.  Only commands that create
 * something load the module when it is missing (may_load), and never
 * with --no-load; reading or removing needs no module to be loaded.
 */
int tool_open(struct shadowk_ctx **ctxp, bool may_load);
/* A CLONE argument (id or name) to a live clone's id; an exit code. */
int tool_clone(struct shadowk_ctx *ctx, const char *arg, __u32 *clone_id);
/* tool_open() and tool_clone() in one; no context is left on failure. */
int tool_open_clone(struct shadowk_ctx **ctxp, const char *clone,
		    __u32 *clone_id);
int tool_open_one_clone(int argc, char **argv, struct shadowk_ctx **ctxp,
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
/* Is @name a clone name the tool accepts ([A-Za-z0-9._-], not all digits)? */
bool tool_name_ok(const char *name);

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
/* "pid", "fork", "exec", "cgroup": an enum shadowk_bound_by, as shown. */
const char *tool_bound_by_name(__u32 bound_by);

/* A return probe's or return program's times, as members of an object. */
void tool_latency_json(struct json *j, const struct shadowk_latency *l);

/* The clones' counters in Prometheus's text format, on stdout. */
int tool_prometheus(struct shadowk_ctx *ctx, const __u32 *ids, size_t n);

/* qsort() order of probe entries: most hits first, then by name. */
int tool_probe_cmp_hits(const void *a, const void *b);

/* Versions of the tool and the library alone (-V). */
int tool_print_versions(void);

/* The objects' command tables, NULL-terminated (one file each). */
extern const struct cmd tool_clone_cmds[];
extern const struct cmd tool_process_cmds[];
extern const struct cmd tool_probe_cmds[];
extern const struct cmd tool_inject_cmds[];
extern const struct cmd tool_bpf_cmds[];

/* Objects that are a command of their own. */
int do_profile(int argc, char **argv);
int do_verify(int argc, char **argv);
int do_version(int argc, char **argv);
/* The spelling of 0.1's "inject CLONE FUNC --errno|--off|--show". */
int do_inject_old(int argc, char **argv);

#endif
