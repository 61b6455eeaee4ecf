// SPDX-License-Identifier: GPL-2.0
/*
 * slow_reads: print the vfs_read() calls of one clone's processes that
 * took at least --min-us, with their latency, as they happen.
 *
 *	slow_reads [--min-us N] [--duration S] CLONE
 *	slow_reads [--min-us N] CLONE -- CMD [ARG...]
 *
 * The first form watches whatever is bound to CLONE (shadowk process bind)
 * until ^C, SIGTERM or --duration seconds; the second runs CMD bound to
 * CLONE (and its children) and stops when it exits, with its exit status.
 * An example of libshadowk with libbpf: the object is loaded by libbpf
 * and its two programs attached with shadowk_bpf_attach(), so only the
 * bound processes pay for them.  The attachments go when it ends.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libshadowk.h>

#include "slow_reads.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int print_event(void *ctx, void *data, size_t len)
{
	const struct slow_read *e = data;
	unsigned long *events = ctx;

	if (len < sizeof(*e))
		return 0;
	printf("%-7u %-7u %-16.16s %12.3f %10lld %10llu\n", e->tgid, e->tid,
	       e->comm, e->ns / 1e3, (long long)e->ret,
	       (unsigned long long)e->count);
	(*events)++;
	return 0;
}

/* The object is built and installed beside the loader. */
static int object_beside_me(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len);
	char *slash;

	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "slow_reads: cannot find myself (set SLOW_READS_OBJ)\n");
		return -1;
	}
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (!slash || slash - buf + sizeof("/slow_reads.bpf.o") > len)
		return -1;
	strcpy(slash, "/slow_reads.bpf.o");
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: slow_reads [--min-us N] [--duration S] CLONE\n"
		"       slow_reads [--min-us N] CLONE -- CMD [ARG...]\n");
}

/* Fork CMD, bound to the clone with its children, before it execs. */
static pid_t spawn_bound(struct shadowk_ctx *ctx, __u32 clone_id, char **argv)
{
	SHADOWK_OPTS(bind, bopts, .flags = SHADOWK_BIND_INHERIT_FORK |
					   SHADOWK_BIND_INHERIT_EXEC);
	int go[2], err;
	pid_t pid;
	char c = 0;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		/* Exec only once bound: EOF without a byte means it failed. */
		if (read(go[0], &c, 1) != 1)
			_exit(125);
		/* Ignored here for the loader's sake; an ignored signal
		 * would stay ignored across the exec.
		 */
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "slow_reads: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(go[0]);
	if (pid < 0) {
		close(go[1]);
		return -1;
	}
	err = shadowk_process_bind(ctx, clone_id, pid, &bopts);
	if (err) {
		fprintf(stderr, "slow_reads: cannot bind %s: %s\n", argv[0],
			strerror(-err));
		close(go[1]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (write(go[1], &c, 1) != 1) {
		close(go[1]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(go[1]);
	return pid;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "min-us", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char obj_buf[4096];
	const char *obj_path = obj_buf;
	struct bpf_program *entry, *ret_prog;
	unsigned long events = 0, min_us = 0, duration = 0;
	SHADOWK_OPTS(bpf, ropts, .flags = SHADOWK_BPF_RETURN);
	struct ring_buffer *rb = NULL;
	struct bpf_map *rodata;
	__u64 min_ns;
	struct shadowk_ctx *ctx = NULL;
	struct bpf_object *obj = NULL;
	__u32 clone_id, ids[2] = { 0, 0 };
	int c, err, status = 0, rc = 1;
	struct timespec start, now;
	char *endp, **cmd = NULL;
	pid_t child = 0;

	while ((c = getopt_long(argc, argv, "+m:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
		case 'd':
			errno = 0;
			*(c == 'm' ? &min_us : &duration) = strtoul(optarg, &endp, 10);
			if (errno || *endp || !*optarg || *optarg == '-') {
				fprintf(stderr, "slow_reads: --%s takes a number\n",
					c == 'm' ? "min-us" : "duration");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (optind + 1 < argc) {
		if (strcmp(argv[optind + 1], "--") || optind + 2 >= argc ||
		    duration) {
			usage(stderr);
			return 2;
		}
		cmd = &argv[optind + 2];
	}
	if (getenv("SLOW_READS_OBJ"))
		obj_path = getenv("SLOW_READS_OBJ");
	else if (object_beside_me(obj_buf, sizeof(obj_buf)))
		return 1;

	err = shadowk_new(&ctx, NULL);
	if (err) {
		fprintf(stderr, "slow_reads: cannot open shadowk: %s\n",
			strerror(-err));
		return 1;
	}
	clone_id = strtoul(argv[optind], &endp, 10);
	if (*endp || !*argv[optind])
		err = shadowk_clone_find(ctx, argv[optind], &clone_id);
	if (err) {
		fprintf(stderr, "slow_reads: no clone '%s'\n", argv[optind]);
		goto out;
	}

	obj = bpf_object__open_file(obj_path, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		obj = NULL;
		fprintf(stderr, "slow_reads: cannot open %s: %s\n", obj_path,
			strerror(-err));
		goto out;
	}
	/* min_ns is const volatile: libbpf puts it in .rodata, set here. */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!rodata || bpf_map__value_size(rodata) != sizeof(min_ns)) {
		fprintf(stderr, "slow_reads: %s has no min_ns\n", obj_path);
		goto out;
	}
	min_ns = (__u64)min_us * 1000;
	err = bpf_map__set_initial_value(rodata, &min_ns, sizeof(min_ns));
	if (err) {
		fprintf(stderr, "slow_reads: cannot set min_ns: %s\n",
			strerror(-err));
		goto out;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "slow_reads: cannot load %s: %s\n", obj_path,
			strerror(-err));
		goto out;
	}
	entry = bpf_object__find_program_by_name(obj, "read_entry");
	ret_prog = bpf_object__find_program_by_name(obj, "read_return");
	if (!entry || !ret_prog) {
		fprintf(stderr, "slow_reads: %s is not slow_reads.bpf.o\n", obj_path);
		goto out;
	}
	/* The return program first: an entry without its return is lost. */
	err = shadowk_bpf_attach(ctx, clone_id, "vfs_read",
				 bpf_program__fd(ret_prog), &ropts, &ids[1]);
	if (!err)
		err = shadowk_bpf_attach(ctx, clone_id, "vfs_read",
					 bpf_program__fd(entry), NULL, &ids[0]);
	if (err) {
		fprintf(stderr, "slow_reads: cannot attach to vfs_read in clone %u: %s\n",
			clone_id, strerror(-err));
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")),
			      print_event, &events, NULL);
	if (!rb) {
		fprintf(stderr, "slow_reads: no ring buffer: %s\n", strerror(errno));
		goto out;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (cmd) {
		/* The command's ^C is its own; the tool outlives it to drain. */
		signal(SIGINT, SIG_IGN);
		child = spawn_bound(ctx, clone_id, cmd);
		if (child < 0)
			goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	printf("%-7s %-7s %-16s %12s %10s %10s\n", "PID", "TID", "COMM",
	       "LAT(us)", "RET", "COUNT");
	fflush(stdout);
	for (;;) {
		if (stop_signal && !child)
			break;
		/* SIGTERM and SIGHUP go to the command, which ends the run. */
		if (stop_signal) {
			kill(child, stop_signal);
			stop_signal = 0;
		}
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "slow_reads: poll: %s\n", strerror(-err));
			goto out;
		}
		fflush(stdout);
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = 0;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (duration && now.tv_sec - start.tv_sec +
		    (now.tv_nsec - start.tv_nsec) / 1e9 >= duration)
			break;
	}
	/* What the programs sent before they stopped. */
	ring_buffer__consume(rb);
	fprintf(stderr, "slow_reads: %lu calls of at least %lu us\n", events,
		min_us);
	rc = cmd ? (WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status)) : 0;
out:
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	if (ids[0])
		shadowk_bpf_detach(ctx, ids[0], NULL);
	if (ids[1])
		shadowk_bpf_detach(ctx, ids[1], NULL);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	shadowk_unref(ctx);
	return rc;
}
