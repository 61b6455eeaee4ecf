// SPDX-License-Identifier: GPL-2.0
/* shadowk process bind | unbind | exec | which: processes on clones. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "main.h"

const char *tool_bound_by_name(__u32 bound_by)
{
	switch (bound_by) {
	case SHADOWK_BOUND_PID:
		return "pid";
	case SHADOWK_BOUND_FORK:
		return "fork";
	case SHADOWK_BOUND_EXEC:
		return "exec";
	case SHADOWK_BOUND_CGROUP:
		return "cgroup";
	default:
		return "unknown";
	}
}

static int bind_cgroup(const char *path, const char *clone)
{
	SHADOWK_RESULT(cgroup_bind, r);
	struct shadowk_ctx *ctx;
	struct json *j;
	int err, ret;
	__u32 id;

	ret = tool_open_clone(&ctx, clone, &id);
	if (ret)
		return ret;
	err = shadowk_cgroup_bind(ctx, id, path, &r);
	switch (err) {
	case 0:
		break;
	case -ENOENT:
	case -ENOTDIR:
		ret = tool_err(EXIT_FAIL, "no cgroup directory '%s'", path);
		goto out;
	case -EBADF:
		ret = tool_err(EXIT_FAIL,
			       "'%s' is not a cgroup v2 directory (the unified hierarchy, normally under /sys/fs/cgroup)",
			       path);
		goto out;
	case -EBUSY:
		ret = tool_err(EXIT_FAIL,
			       "'%s', a cgroup above it or one below it is bound already",
			       path);
		goto out;
	case -EPERM:
		ret = tool_err(EXIT_NO_PERM,
			       "binding a cgroup needs CAP_SYS_PTRACE (it binds whoever enters later)");
		goto out;
	case -ENOSPC:
		ret = tool_err(EXIT_FAIL, "too many bound cgroups (the module's limit: %s version)",
			       tool.prog);
		goto out;
	default:
		ret = tool_call_err(err, "cannot bind the cgroup");
		goto out;
	}
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_str(j, "cgroup", path);
		json_u64(j, "cgroup_id", r.out_cgroup_id);
		json_u64(j, "clone", id);
		json_u64(j, "bound", r.out_bound);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("cgroup %s bound to clone %u (%u processes now, and whoever enters)\n",
		       path, id, r.out_bound);
	}
out:
	shadowk_unref(ctx);
	return ret;
}

static int process_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fork", no_argument, NULL, 'f' },
		{ "exec", no_argument, NULL, 'e' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(bind, bopts);
	const char *cgroup = NULL;
	struct shadowk_ctx *ctx;
	struct json *j;
	pid_t pid;
	__u32 id;
	int c, err, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f')
			bopts.flags |= SHADOWK_BIND_INHERIT_FORK;
		else if (c == 'e')
			bopts.flags |= SHADOWK_BIND_INHERIT_EXEC;
		else if (c == 'g')
			cgroup = optarg;
		else
			return tool_bad_option(argv, c);
	}
	if (cgroup) {
		if (bopts.flags)
			return tool_usage_err("--cgroup takes no --fork or --exec: members' children are members, and execs follow");
		if (argc - optind != 1)
			return tool_usage_err("--cgroup PATH takes CLONE only");
		return bind_cgroup(cgroup, argv[optind]);
	}
	if (argc - optind != 2)
		return tool_usage_err("takes CLONE and PID");
	if (!tool_parse_pid(argv[optind + 1], &pid))
		return tool_usage_err("'%s' is not a process id",
				      argv[optind + 1]);
	ret = tool_open_clone(&ctx, argv[optind], &id);
	if (ret)
		return ret;
	err = shadowk_process_bind(ctx, id, pid, &bopts);
	switch (err) {
	case 0:
		break;
	case -ESRCH:
		ret = tool_err(EXIT_NO_PROCESS, "no process %d", pid);
		goto out;
	case -EPERM:
		ret = tool_err(EXIT_NO_PERM,
			       "not allowed to bind process %d (binding needs ptrace rights over it)",
			       pid);
		goto out;
	case -EBUSY:
		ret = tool_err(EXIT_FAIL,
			       "process %d is bound to a clone already (unbind it first)",
			       pid);
		goto out;
	default:
		ret = tool_call_err(err, "cannot bind");
		goto out;
	}
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "pid", pid);
		json_u64(j, "clone", id);
		json_bool(j, "fork", bopts.flags & SHADOWK_BIND_INHERIT_FORK);
		json_bool(j, "exec", bopts.flags & SHADOWK_BIND_INHERIT_EXEC);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("process %d bound to clone %u\n", pid, id);
	}
out:
	shadowk_unref(ctx);
	return ret;
}

/* For the commands whose only argument is PID. */
static int open_one_pid(int argc, char **argv, struct shadowk_ctx **ctxp,
			pid_t *pid)
{
	if (argc != 2)
		return tool_usage_err("takes one PID");
	if (!tool_parse_pid(argv[1], pid))
		return tool_usage_err("'%s' is not a process id", argv[1]);
	return tool_open(ctxp, false);
}

/* A cgroup by path, or by id (which a removed cgroup keeps). */
static int unbind_cgroup(const char *arg)
{
	unsigned long long id;
	struct shadowk_ctx *ctx;
	__u32 unbound = 0;
	struct json *j;
	int err, ret;

	if (!tool_parse_u64(arg, UINT64_MAX, &id) || !id) {
		err = shadowk_cgroup_id(arg, (__u64 *)&id);
		if (err)
			return tool_err(EXIT_FAIL, "no cgroup directory '%s'", arg);
	}
	ret = tool_open(&ctx, false);
	if (ret)
		return ret;
	err = shadowk_cgroup_unbind(ctx, id, &unbound);
	if (err == -ENOENT)
		ret = tool_err(EXIT_FAIL, "cgroup %s is not bound", arg);
	else if (err)
		ret = tool_call_err(err, "cannot unbind the cgroup");
	else if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "cgroup_id", id);
		json_u64(j, "unbound", unbound);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("cgroup %s unbound (%u processes)\n", arg, unbound);
	}
	shadowk_unref(ctx);
	return ret;
}

static int process_unbind(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	struct json *j;
	pid_t pid;
	int err, ret;

	/* By hand: a negative PID is a bad pid, not an unknown option. */
	if (argc > 1 && !strncmp(argv[1], "--cgroup=", 9)) {
		if (argc != 2)
			return tool_usage_err("--cgroup PATH|ID takes nothing else");
		return unbind_cgroup(argv[1] + 9);
	}
	if (argc > 1 && !strcmp(argv[1], "--cgroup")) {
		if (argc != 3)
			return tool_usage_err("--cgroup takes one PATH or ID");
		return unbind_cgroup(argv[2]);
	}
	ret = open_one_pid(argc, argv, &ctx, &pid);
	if (ret)
		return ret;
	err = shadowk_process_unbind(ctx, pid);
	if (err == -ENOENT)
		ret = tool_err(EXIT_NO_PROCESS, "process %d is not bound", pid);
	else if (err == -ESRCH)
		ret = tool_err(EXIT_NO_PROCESS, "no process %d", pid);
	else if (err)
		ret = tool_call_err(err, "cannot unbind");
	else if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "pid", pid);
		json_bool(j, "unbound", true);
		json_obj_end(j);
		tool_json_done();
	} else {
		printf("process %d unbound\n", pid);
	}
	shadowk_unref(ctx);
	return ret;
}

/* What the child says through the pipe when it cannot reach its exec. */
struct spawn_failure {
	int bind_err;	/* -errno of the bind, or 0 */
	int exec_errno;
};

int tool_spawn_bound(struct shadowk_ctx *ctx, __u32 clone_id, __u32 flags,
		     char **argv, pid_t *pid)
{
	SHADOWK_OPTS(bind, bopts, .flags = flags);
	struct spawn_failure f = { 0 };
	int pipefd[2], status;
	ssize_t n;

	/* The exec closes the write end: a read of 0 bytes is success. */
	if (pipe2(pipefd, O_CLOEXEC))
		return tool_call_err(-errno, "pipe");
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return tool_call_err(-errno, "fork");
	}
	if (*pid == 0) {
		close(pipefd[0]);
		/* The tool ignores ^C while it waits; the command must not. */
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		/* Bound before the exec: the command's first instruction runs
		 * on the clone (SHADOWK_BIND_INHERIT_EXEC keeps it there). */
		f.bind_err = shadowk_process_bind(ctx, clone_id, 0, &bopts);
		if (!f.bind_err) {
			execvp(argv[0], argv);
			f.exec_errno = errno;
		}
		n = write(pipefd[1], &f, sizeof(f));
		_exit(n == sizeof(f) ? 127 : 126);
	}
	close(pipefd[1]);
	do {
		n = read(pipefd[0], &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == 0)
		return EXIT_OK;
	waitpid(*pid, &status, 0);
	*pid = 0;
	if (n != sizeof(f))
		return tool_err(EXIT_FAIL, "the child failed before running '%s'",
				argv[0]);
	if (f.bind_err)
		return tool_call_err(f.bind_err, "cannot bind the new process");
	errno = f.exec_errno;
	return tool_err(errno == ENOENT ? 127 : 126, "cannot run '%s': %m",
			argv[0]);
}

int tool_wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return tool_call_err(-errno, "waitpid");
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAIL;
}

/*
 * A new clone named @name that lives as long as this process's device
 * file: destroyed at exit, or by the kernel if the tool is killed.
 */
static int open_transient(struct shadowk_ctx **ctxp, const char *name,
			  __u32 *id)
{
	SHADOWK_OPTS(create, copts, .name = name,
		     .flags = SHADOWK_CREATE_TRANSIENT);
	int err, ret;

	if (!tool_name_ok(name))
		return tool_usage_err("'%s' is not a clone name", name);
	ret = tool_open(ctxp, true);
	if (ret)
		return ret;
	err = shadowk_clone_create(*ctxp, &copts, id);
	if (!err)
		return EXIT_OK;
	if (err == -EEXIST)
		ret = tool_err(EXIT_FAIL, "a clone named '%s' exists already", name);
	else
		ret = tool_call_err(err, "cannot create a clone");
	*ctxp = shadowk_unref(*ctxp);
	return ret;
}

static int process_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-fork", no_argument, NULL, 'F' },
		{ "transient", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	__u32 flags = SHADOWK_BIND_INHERIT_FORK | SHADOWK_BIND_INHERIT_EXEC;
	bool transient = false;
	struct shadowk_ctx *ctx;
	const char *clone;
	struct json *j;
	int c, ret;
	pid_t pid;
	__u32 id;

	tool.wrapper = true;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c == 'F')
			flags &= ~SHADOWK_BIND_INHERIT_FORK;
		else if (c == 't')
			transient = true;
		else
			return tool_bad_option(argv, c);
	}
	if (optind >= argc)
		return tool_usage_err("which clone?");
	clone = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return tool_usage_err("which command?");

	ret = transient ? open_transient(&ctx, clone, &id) :
			  tool_open_clone(&ctx, clone, &id);
	if (ret)
		return ret;
	ret = tool_spawn_bound(ctx, id, flags, argv + optind, &pid);
	if (ret || !transient)
		shadowk_unref(ctx);
	if (ret)
		return ret;

	/* The command owns the terminal's signals; its end is ours. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	ret = tool_wait_child(pid);
	if (transient) {
		/* Unless pinned meanwhile: then it stays, as asked. */
		shadowk_unref(ctx);
	}
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "clone", id);
		json_u64(j, "pid", pid);
		json_u64(j, "exit_status", ret);
		json_obj_end(j);
		tool_json_done();
	}
	return ret;
}

static int process_which(int argc, char **argv)
{
	SHADOWK_RESULT(process_info, pi);
	SHADOWK_RESULT(clone_info, ci);
	struct shadowk_ctx *ctx;
	struct json *j;
	pid_t pid;
	int err, ret;

	ret = open_one_pid(argc, argv, &ctx, &pid);
	if (ret)
		return ret;
	err = shadowk_process_info(ctx, pid, &pi);
	if (err == -ESRCH) {
		ret = tool_err(EXIT_NO_PROCESS, "no process %d", pid);
		goto out;
	} else if (err == -EPERM) {
		ret = tool_err(EXIT_NO_PERM,
			       "not allowed to look at process %d (it needs ptrace rights over it)",
			       pid);
		goto out;
	} else if (err) {
		ret = tool_call_err(err, "cannot look at the process");
		goto out;
	}
	/* The clone's name, unless it went since. */
	if (pi.out_clone_id && shadowk_clone_info(ctx, pi.out_clone_id, &ci))
		ci.out_name[0] = 0;
	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		json_u64(j, "pid", pid);
		if (pi.out_clone_id) {
			json_u64(j, "clone", pi.out_clone_id);
			json_str(j, "name", ci.out_name);
		} else {
			json_member_null(j, "clone");
		}
		json_bool(j, "fork", pi.out_bind_flags & SHADOWK_BIND_INHERIT_FORK);
		json_bool(j, "exec", pi.out_bind_flags & SHADOWK_BIND_INHERIT_EXEC);
		if (pi.out_clone_id)
			json_str(j, "bound_by", tool_bound_by_name(pi.out_bound_by));
		if (pi.out_bound_by == SHADOWK_BOUND_CGROUP)
			json_u64(j, "cgroup", pi.out_cgroup_id);
		json_obj_end(j);
		tool_json_done();
	} else if (!pi.out_clone_id) {
		printf("process %d runs the kernel's own text (no clone)\n", pid);
	} else if (pi.out_bound_by == SHADOWK_BOUND_CGROUP) {
		printf("process %d is bound to clone %u%s%s%s through cgroup %llu, which children born there share\n",
		       pid, pi.out_clone_id, *ci.out_name ? " (" : "",
		       ci.out_name, *ci.out_name ? ")" : "",
		       (unsigned long long)pi.out_cgroup_id);
	} else {
		printf("process %d is bound to clone %u%s%s%s by %s%s\n", pid,
		       pi.out_clone_id, *ci.out_name ? " (" : "", ci.out_name,
		       *ci.out_name ? ")" : "",
		       tool_bound_by_name(pi.out_bound_by),
		       pi.out_bind_flags == (SHADOWK_BIND_INHERIT_FORK |
					     SHADOWK_BIND_INHERIT_EXEC) ?
		       ", children and execs follow" :
		       pi.out_bind_flags & SHADOWK_BIND_INHERIT_FORK ?
		       ", children follow" :
		       pi.out_bind_flags & SHADOWK_BIND_INHERIT_EXEC ?
		       ", execs follow" : "");
	}
out:
	shadowk_unref(ctx);
	return ret;
}

const struct cmd tool_process_cmds[] = {
	{ "bind", process_bind, "[--fork] [--exec] CLONE PID | --cgroup PATH CLONE",
	  "run a process, or a cgroup's, on a clone (--fork: its children too; --exec: across execve)" },
	{ "unbind", process_unbind, "PID | --cgroup PATH|ID",
	  "put a process, or a cgroup's, back on the kernel's own text" },
	{ "exec", process_exec, "[--no-fork] [--transient] CLONE -- CMD [ARG...]",
	  "run a command bound to a clone from its first instruction (--transient: a new clone that ends with it)" },
	{ "which", process_which, "PID",
	  "the clone a process runs, if any" },
	{ NULL },
};
