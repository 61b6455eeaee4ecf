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

static int process_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fork", no_argument, NULL, 'f' },
		{ "exec", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(bind, bopts);
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
		else
			return tool_bad_option(argv, c);
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

static int process_unbind(int argc, char **argv)
{
	struct shadowk_ctx *ctx;
	struct json *j;
	pid_t pid;
	int err, ret;

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

static int process_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-fork", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	__u32 flags = SHADOWK_BIND_INHERIT_FORK | SHADOWK_BIND_INHERIT_EXEC;
	struct shadowk_ctx *ctx;
	const char *clone;
	struct json *j;
	int c, ret;
	pid_t pid;
	__u32 id;

	tool.wrapper = true;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c != 'F')
			return tool_bad_option(argv, c);
		flags &= ~SHADOWK_BIND_INHERIT_FORK;
	}
	if (optind >= argc)
		return tool_usage_err("which clone?");
	clone = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return tool_usage_err("which command?");

	ret = tool_open_clone(&ctx, clone, &id);
	if (ret)
		return ret;
	ret = tool_spawn_bound(ctx, id, flags, argv + optind, &pid);
	shadowk_unref(ctx);
	if (ret)
		return ret;

	/* The command owns the terminal's signals; its end is ours. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	ret = tool_wait_child(pid);
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
		json_obj_end(j);
		tool_json_done();
	} else if (!pi.out_clone_id) {
		printf("process %d runs the kernel's own text (no clone)\n", pid);
	} else {
		printf("process %d is bound to clone %u%s%s%s%s\n", pid,
		       pi.out_clone_id, *ci.out_name ? " (" : "", ci.out_name,
		       *ci.out_name ? ")" : "",
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
	{ "bind", process_bind, "[--fork] [--exec] CLONE PID",
	  "run a process on a clone (--fork: its children too; --exec: across execve)" },
	{ "unbind", process_unbind, "PID",
	  "put a process back on the kernel's own text" },
	{ "exec", process_exec, "[--no-fork] CLONE -- CMD [ARG...]",
	  "run a command bound to a clone from its first instruction" },
	{ "which", process_which, "PID",
	  "the clone a process runs, if any" },
	{ NULL },
};
