// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk profile: run a command in a fresh clone with a probe on every
 * function of a set, and rank the functions it called, as strace -c does
 * for system calls: calls, errors and time, where the kernel has return
 * probes.  Only the command (and its children) run the probed text; the
 * rest of the machine runs the kernel's own bytes and pays nothing.
 */

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "main.h"

#define PROGRESS_MS 250

struct func_set {
	char **names;
	__u32 *probe_ids;	/* parallel to names; 0 where refused */
	int *refused;		/* parallel to names: the errno, or 0 */
	size_t n, room;
};

enum profile_sort { SORT_CALLS, SORT_TIME, SORT_ERRORS };

static enum profile_sort sort_by;

static int cmp_profile(const void *a, const void *b)
{
	const struct shadowk_probe_entry *x = a, *y = b;
	__u64 kx, ky;

	switch (sort_by) {
	case SORT_TIME:
		kx = x->latency.total_ns;
		ky = y->latency.total_ns;
		break;
	case SORT_ERRORS:
		kx = x->latency.errors;
		ky = y->latency.errors;
		break;
	default:
		kx = x->hits;
		ky = y->hits;
		break;
	}
	if (kx != ky)
		return kx < ky ? 1 : -1;
	return tool_probe_cmp_hits(a, b);
}

static int set_add(struct func_set *set, const char *name)
{
	char **grown;

	if (set->n == set->room) {
		set->room = set->room ? 2 * set->room : 512;
		grown = realloc(set->names, set->room * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		set->names = grown;
	}
	set->names[set->n] = strdup(name);
	if (!set->names[set->n])
		return -ENOMEM;
	set->n++;
	return 0;
}

static void set_free(struct func_set *set)
{
	while (set->n)
		free(set->names[--set->n]);
	free(set->names);
	free(set->probe_ids);
	free(set->refused);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool matches(const char *name, char **globs, size_t nglobs)
{
	size_t i;

	for (i = 0; i < nglobs; i++)
		if (!fnmatch(globs[i], name, 0))
			return true;
	return false;
}

/*
 * The core kernel's text symbols matching one of @globs, each name once;
 * with no globs, every system call entry (__x64_sys_*).
 */
static int load_symbols(struct func_set *set, char **globs, size_t nglobs)
{
	char line[512], type, name[256];
	size_t i, kept;
	FILE *f;
	int err = 0;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return tool_call_err(-errno, "cannot read /proc/kallsyms");
	while (!err && fgets(line, sizeof(line), f)) {
		/* Module symbols carry a fourth column and are skipped. */
		if (sscanf(line, "%*s %c %255s %*s", &type, name) != 2 ||
		    strchr(line, '['))
			continue;
		/* Nor compiler-split parts (foo.cold): never an entry. */
		if ((type == 't' || type == 'T') && !strchr(name, '.') &&
		    (nglobs ? matches(name, globs, nglobs) :
			      !strncmp(name, "__x64_sys_", 10)))
			err = set_add(set, name);
	}
	fclose(f);
	if (err)
		return tool_call_err(err, "profile");
	qsort(set->names, set->n, sizeof(*set->names), name_cmp);
	for (i = kept = 0; i < set->n; i++) {
		if (kept && !strcmp(set->names[kept - 1], set->names[i]))
			free(set->names[i]);
		else
			set->names[kept++] = set->names[i];
	}
	set->n = kept;
	if (!set->n && nglobs)
		return tool_err(EXIT_USAGE,
				"no kernel function matches the -e patterns");
	if (!set->n)
		return tool_err(EXIT_FAIL,
				"/proc/kallsyms lists no system call entry (__x64_sys_*)");
	return EXIT_OK;
}

/* One function per line; blank lines and '#' comments are skipped. */
static int load_file(struct func_set *set, const char *path)
{
	char line[512], *s, *e;
	FILE *f;
	int err = 0;

	f = fopen(path, "re");
	if (!f)
		return tool_err(EXIT_USAGE, "profile: cannot read '%s': %m", path);
	while (!err && fgets(line, sizeof(line), f)) {
		s = line + strspn(line, " \t");
		e = s + strcspn(s, " \t\r\n#");
		if (e == s)
			continue;
		*e = '\0';
		err = set_add(set, s);
	}
	fclose(f);
	if (err)
		return tool_call_err(err, "profile");
	if (!set->n)
		return tool_err(EXIT_USAGE, "profile: '%s' names no function",
				path);
	return EXIT_OK;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static __u64 total_hits(struct shadowk_ctx *ctx, __u32 id)
{
	struct shadowk_probe_entry *e;
	__u64 total = 0;
	size_t i, n;

	if (shadowk_probe_list(ctx, id, &e, &n, sizeof(*e)))
		return 0;
	for (i = 0; i < n; i++)
		total += e[i].hits;
	free(e);
	return total;
}

/* The last of SIGINT, SIGTERM, SIGHUP that reached the tool, or 0. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * Waits for the process to end, for @duration seconds (0: no limit) or
 * for a signal, redrawing one status line on a terminal.  A command of
 * ours (@child) is sent SIGTERM and SIGHUP as they come and waited for:
 * its status; a process attached to (-p) is left running: -1.
 */
static int watch(struct shadowk_ctx *ctx, __u32 id, pid_t pid, bool child,
		 const char *what, const struct timespec *t0, double duration)
{
	bool progress = !tool.json && isatty(STDERR_FILENO);
	struct pollfd pfd = { .events = POLLIN };
	int r;

	pfd.fd = syscall(SYS_pidfd_open, pid, 0);
	while (pfd.fd >= 0) {
		r = poll(&pfd, 1, PROGRESS_MS);
		if (r > 0)
			break;
		if (stop_signal && child && stop_signal != SIGINT) {
			kill(pid, stop_signal);
			stop_signal = 0;
		} else if (stop_signal && !child) {
			break;
		}
		if (duration > 0 && since(t0) >= duration) {
			if (!child)
				break;
			kill(pid, SIGTERM);
			duration = 0;
		}
		if (progress)
			fprintf(stderr, "\rprofiling %s (pid %d): %.1f s, %llu calls ",
				what, pid, since(t0),
				(unsigned long long)total_hits(ctx, id));
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (pfd.fd >= 0)
		close(pfd.fd);
	return child ? tool_wait_child(pid) : -1;
}

static void report(struct shadowk_probe_entry *e, size_t n, size_t top,
		   char **cmd, pid_t pid, int status, double secs,
		   const struct func_set *set, size_t skipped, bool timed)
{
	char attached[32];
	char *one[] = { attached, NULL };

	/* -p: the process is named by its pid, and its status is unknown. */
	if (!cmd) {
		snprintf(attached, sizeof(attached), "pid %d", pid);
		cmd = one;
	}
	__u64 total = 0, total_ns = 0, total_errors = 0;
	size_t i, shown;
	struct json *j;

	qsort(e, n, sizeof(*e), cmp_profile);
	for (i = 0; i < n; i++) {
		total += e[i].hits;
		total_ns += e[i].latency.total_ns;
		total_errors += e[i].latency.errors;
	}
	for (shown = 0; shown < n && e[shown].hits; shown++)
		;
	if (top && shown > top)
		shown = top;

	if (tool.json) {
		j = tool_json();
		json_obj_begin(j, NULL);
		if (cmd == one) {
			json_member_null(j, "command");
		} else {
			json_arr_begin(j, "command");
			for (i = 0; cmd[i]; i++)
				json_str(j, NULL, cmd[i]);
			json_arr_end(j);
		}
		json_u64(j, "pid", pid);
		if (cmd == one)
			json_member_null(j, "exit_status");
		else
			json_u64(j, "exit_status", status);
		json_double(j, "seconds", secs);
		json_u64(j, "probed", n);
		json_u64(j, "skipped", skipped);
		json_bool(j, "timed", timed);
		json_u64(j, "total_calls", total);
		if (timed) {
			json_u64(j, "total_errors", total_errors);
			json_u64(j, "total_ns", total_ns);
		}
		json_arr_begin(j, "functions");
		for (i = 0; i < shown; i++) {
			json_obj_begin(j, NULL);
			json_str(j, "function", e[i].symbol);
			json_u64(j, "calls", e[i].hits);
			if (timed) {
				json_u64(j, "errors", e[i].latency.errors);
				json_u64(j, "total_ns", e[i].latency.total_ns);
				json_u64(j, "avg_ns", e[i].latency.returns ?
					 e[i].latency.total_ns / e[i].latency.returns : 0);
				json_u64(j, "missed", e[i].latency.missed);
			}
			json_obj_end(j);
		}
		json_arr_end(j);
		json_arr_begin(j, "refused");
		for (i = 0; i < set->n; i++) {
			if (!set->refused[i])
				continue;
			json_obj_begin(j, NULL);
			json_str(j, "function", set->names[i]);
			json_str(j, "errno", tool_errno_name(set->refused[i]));
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
		tool_json_done();
		return;
	}
	if (cmd == one)
		printf("process %d, profiled for %.2f s\n", pid, secs);
	else
		printf("%s (pid %d) exited with status %d after %.2f s\n",
		       cmd[0], pid, status, secs);
	printf("%llu calls into %zu probed kernel functions, by this command (and its children) alone\n",
	       (unsigned long long)total, n);
	if (skipped) {
		printf("(%zu function%s of the set cannot be probed, left out:",
		       skipped, skipped == 1 ? "" : "s");
		for (i = 0; i < set->n; i++)
			if (set->refused[i])
				printf(" %s (%s)", set->names[i],
				       tool_errno_name(set->refused[i]));
		printf(")\n");
	}
	if (!timed) {
		printf("%14s %6s  %s\n", "CALLS", "%", "FUNCTION");
		for (i = 0; i < shown; i++)
			printf("%14llu %6.2f  %s\n", (unsigned long long)e[i].hits,
			       total ? 100.0 * e[i].hits / total : 0.0,
			       e[i].symbol);
		return;
	}
	/* strace -c's columns; time is entry to return, sleeps included. */
	printf("%6s %11s %11s %10s %8s  %s\n", "% time", "seconds",
	       "usecs/call", "calls", "errors", "function");
	for (i = 0; i < shown; i++) {
		const struct shadowk_latency *l = &e[i].latency;

		printf("%6.2f %11.6f %11llu %10llu %8llu  %s\n",
		       total_ns ? 100.0 * l->total_ns / total_ns : 0.0,
		       l->total_ns / 1e9,
		       (unsigned long long)(l->returns ?
					    l->total_ns / l->returns / 1000 : 0),
		       (unsigned long long)e[i].hits,
		       (unsigned long long)l->errors, e[i].symbol);
	}
	printf("%6s %11.6f %11s %10llu %8llu  %s\n", "100.00", total_ns / 1e9,
	       "", (unsigned long long)total,
	       (unsigned long long)total_errors, "total");
}

/* Probes on every function of the set; refused ones are counted out. */
static int add_probes(struct shadowk_ctx *ctx, __u32 id,
		      struct func_set *set, bool strict, bool timed,
		      size_t *skipped)
{
	SHADOWK_OPTS(probe, popts);
	size_t i;
	int err;

	if (timed)
		popts.flags |= SHADOWK_PROBE_RETURN;
	set->probe_ids = calloc(set->n, sizeof(*set->probe_ids));
	set->refused = calloc(set->n, sizeof(*set->refused));
	if (!set->probe_ids || !set->refused)
		return tool_call_err(-ENOMEM, "profile");
	for (i = 0; i < set->n; i++) {
		err = shadowk_probe_add(ctx, id, set->names[i], &popts,
					&set->probe_ids[i]);
		if (!err || err == -EBUSY)	/* EBUSY: named twice */
			continue;
		if (strict || err == -EPERM || err == -ENOMEM || err == -ENOSPC)
			return tool_func_err(err, set->names[i]);
		set->refused[i] = -err;
		(*skipped)++;
	}
	return EXIT_OK;
}

int do_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' },
		{ "syscalls", no_argument, NULL, 's' },
		{ "funcs", required_argument, NULL, 'f' },
		{ "sort", required_argument, NULL, 'S' },
		{ "pid", required_argument, NULL, 'p' },
		{ "children", no_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'D' },
		{ "output", required_argument, NULL, 'o' },
		{ "event", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	SHADOWK_OPTS(bind, bopts);
	unsigned long long duration = 0;
	const char *output = NULL;
	char **globs = NULL;
	size_t nglobs = 0;
	bool children = false;
	pid_t attach = 0;
	struct sigaction sa = { .sa_handler = on_stop_signal };
	SHADOWK_RESULT(info, info);
	SHADOWK_OPTS(create, copts);
	struct shadowk_probe_entry *e = NULL;
	struct func_set set = { 0 };
	const char *funcs = NULL;
	unsigned long long top = 20;
	struct shadowk_ctx *ctx;
	size_t n = 0, skipped = 0;
	struct timespec t0;
	char name[SHADOWK_NAME_LEN];
	int c, err, ret, status;
	bool syscalls = false, timed;
	pid_t pid;
	__u32 id;

	tool.wrapper = true;
	while ((c = getopt_long(argc, argv, "+:p:o:e:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!tool_parse_pid(optarg, &attach) || !attach)
				return tool_usage_err("'%s' is not a process id", optarg);
			break;
		case 'c':
			children = true;
			break;
		case 'D':
			if (!tool_parse_u64(optarg, 86400 * 365, &duration) || !duration)
				return tool_usage_err("--duration takes whole seconds, at least 1");
			break;
		case 'o':
			output = optarg;
			break;
		case 'e':
			globs = realloc(globs, (nglobs + 1) * sizeof(*globs));
			if (!globs)
				return tool_call_err(-ENOMEM, "profile");
			globs[nglobs++] = optarg;
			break;
		case 't':
			if (!tool_parse_u64(optarg, 1000000, &top))
				return tool_usage_err("--top takes a count (0 for all)");
			break;
		case 's':
			syscalls = true;
			break;
		case 'f':
			funcs = optarg;
			break;
		case 'S':
			if (!strcmp(optarg, "calls"))
				sort_by = SORT_CALLS;
			else if (!strcmp(optarg, "time"))
				sort_by = SORT_TIME;
			else if (!strcmp(optarg, "errors"))
				sort_by = SORT_ERRORS;
			else
				return tool_usage_err("--sort takes calls, time or errors");
			break;
		default:
			return tool_bad_option(argv, c);
		}
	}
	if ((syscalls + !!funcs + !!nglobs) > 1) {
		free(globs);
		return tool_usage_err("--syscalls, --funcs and -e exclude each other");
	}
	if (attach && optind < argc) {
		free(globs);
		return tool_usage_err("-p PID or a command, not both");
	}
	if (!attach && optind >= argc) {
		free(globs);
		return tool_usage_err("which command (or -p PID)?");
	}
	if (children && !attach) {
		free(globs);
		return tool_usage_err("--children goes with -p (a command's children are always followed)");
	}
	argv += optind;
	if (output && !freopen(output, "w", stdout)) {
		free(globs);
		return tool_err(EXIT_USAGE, "profile: cannot write '%s': %m", output);
	}

	ret = funcs ? load_file(&set, funcs) : load_symbols(&set, globs, nglobs);
	free(globs);
	if (ret)
		goto out_set;
	ret = tool_open(&ctx, true);
	if (ret)
		goto out_set;
	snprintf(name, sizeof(name), "profile-%d", getpid());
	copts.name = name;
	/* If the tool is killed, the kernel's close of its file ends it. */
	copts.flags = SHADOWK_CREATE_TRANSIENT;
	err = shadowk_clone_create(ctx, &copts, &id);
	if (err) {
		ret = tool_call_err(err, "cannot create a clone");
		goto out_ctx;
	}
	timed = !shadowk_get_info(ctx, &info) &&
		(info.out_features & SHADOWK_FEATURE_RETURN_PROBES);
	if (!timed && sort_by != SORT_CALLS) {
		ret = tool_err(EXIT_FAIL,
			       "--sort %s needs return probes, which this kernel lacks (no rethook)",
			       sort_by == SORT_TIME ? "time" : "errors");
		goto out_clone;
	}
	ret = add_probes(ctx, id, &set, funcs, timed, &skipped);
	if (ret)
		goto out_clone;

	/*
	 * The terminal's ^C is for the command, and SIGTERM and SIGHUP are
	 * passed on to it; with -p each of the three ends the profile.  The
	 * report comes either way, and the clone goes.
	 */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (attach)
		sigaction(SIGINT, &sa, NULL);
	else
		signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (attach) {
		pid = attach;
		bopts.flags = SHADOWK_BIND_INHERIT_EXEC |
			      (children ? SHADOWK_BIND_INHERIT_FORK : 0);
		err = shadowk_process_bind(ctx, id, pid, &bopts);
		if (err == -ESRCH) {
			ret = tool_err(EXIT_NO_PROCESS, "no process %d", pid);
			goto out_clone;
		} else if (err == -EBUSY) {
			ret = tool_err(EXIT_FAIL, "process %d is bound to another clone already", pid);
			goto out_clone;
		} else if (err) {
			ret = tool_call_err(err, "cannot bind the process");
			goto out_clone;
		}
		watch(ctx, id, pid, false, "", &t0, duration);
		/* Gone already, or unbound meanwhile: nothing to undo. */
		shadowk_process_unbind(ctx, pid);
		status = EXIT_OK;
	} else {
		ret = tool_spawn_bound(ctx, id, SHADOWK_BIND_INHERIT_FORK |
				       SHADOWK_BIND_INHERIT_EXEC, argv, &pid);
		if (ret)
			goto out_clone;
		status = watch(ctx, id, pid, true, argv[0], &t0, duration);
	}

	err = shadowk_probe_list(ctx, id, &e, &n, sizeof(*e));
	if (err) {
		ret = tool_call_err(err, "cannot read the probes");
		goto out_clone;
	}
	report(e, n, top, attach ? NULL : argv, pid, status, since(&t0), &set,
	       skipped, timed);
	free(e);
	ret = status;
out_clone:
	/* Destroying the clone takes its probes along. */
	shadowk_clone_destroy(ctx, id);
out_ctx:
	shadowk_unref(ctx);
out_set:
	set_free(&set);
	return ret;
}
