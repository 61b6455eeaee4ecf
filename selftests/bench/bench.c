// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk's benchmark program, run in the VM by bench-guest.sh.  Under
 * QEMU's -icount shift=0 a guest nanosecond is one instruction, so the
 * "ns" it prints are instruction counts, repeatable run to run.
 *
 *   bench getppid N         cost of one getppid() in this process
 *   bench syscalls N FILE   getppid() and a 64-byte pread() of FILE
 *   bench clone-state N     getppid() while a clone with owned sites is
 *                           bound to another (idle) process
 *   bench probes-elsewhere N FILE FUNC...
 *                           syscalls while a clone bound to another
 *                           (idle) process probes FUNC...
 *   bench retprobes-elsewhere N FILE FUNC...
 *                           the same with return probes
 *   bench probes-bound N FILE FUNC...
 *                           syscalls of this process, bound to a clone,
 *                           without, with probes on FUNC..., and with
 *                           return probes on them
 *   bench latency K         create+destroy, bind+unbind, fork+exec+wait
 *   bench memory            page-table pages and frames of a clone
 *   bench forks N bound|unbound|cgroup-elsewhere
 *                           N children forked, killed and reaped, by this
 *                           process bound to a clone (with a probe) or not,
 *                           or not while an empty cgroup is bound to it;
 *                           and shadowk's all-CPU flushes meanwhile
 *   bench moves N none|cgroup-elsewhere
 *                           N moves of this process between two cgroups,
 *                           with no cgroup bound, or an empty one bound
 *   bench ctxswitch N       N round trips of a byte between two processes
 *                           on one CPU: two context switches each
 *   bench verify ID K       K VERIFY calls on clone ID: their time is almost
 *                           all spent holding text_mutex
 *   bench all-elsewhere N FILE FUNC...
 *                           as retprobes-elsewhere, with BPF programs at
 *                           entry and return of each FUNC too
 *   bench bpf-tracing fentry|fexit N FILE BTF_ID...
 *                           syscalls with the kernel's BPF trampolines on
 *                           the functions of those vmlinux BTF ids
 *   bench memcached N PORT  N "get" requests to memcached on 127.0.0.1:PORT,
 *                           one at a time: the time of one, and requests
 *                           per second
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bpf_raw.h"
#include "../shadowk_test.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double per_getppid(long n)
{
	long long t0;
	long i;

	for (i = 0; i < n / 10; i++)	/* warm up */
		syscall(SYS_getppid);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t0) / n;
}

static double per_pread(long n, int fd)
{
	char buf[64];
	long long t0;
	long i;

	for (i = 0; i < n / 10; i++)
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			return -1;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) < 0)
			return -1;
	return (double)(now_ns() - t0) / n;
}

static int syscalls(long n, const char *file, const char *prefix)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("%sgetppid_ns %.2f\n", prefix, per_getppid(n));
	printf("%spread_ns %.2f\n", prefix, per_pread(n, fd));
	close(fd);
	return 0;
}

static int die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err));
	return 1;
}

/*
 * Own up to @want syscall entry points in different 2 MiB text regions of
 * clone @id (the first ones kallsyms lists that shadowk accepts).
 */
static int own_in_regions(int fd, __u32 id, int want)
{
	char line[512], sym[SHADOWK_SYMBOL_LEN], type;
	unsigned long addr, regions[8];
	FILE *f = fopen("/proc/kallsyms", "r");
	int n = 0, i, fresh;

	if (!f)
		return 0;
	while (n < want && n < 8 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, sym) != 3 ||
		    strncmp(sym, "__x64_sys_", 10) || strchr(sym, '.'))
			continue;
		for (fresh = 1, i = 0; i < n; i++)
			if (regions[i] == addr >> 21)
				fresh = 0;
		if (!fresh || sk_site_add(fd, id, sym, 0, SHADOWK_SITE_NONE,
					  0, 0))
			continue;
		regions[n++] = addr >> 21;
	}
	fclose(f);
	return n;
}

static int clone_state(long n)
{
	int fd = sk_open(), p[2], err;
	__u32 id;
	pid_t pid;
	char c;

	if (fd < 0)
		return die("open", errno);
	err = sk_create(fd, "bench", &id);
	if (err)
		return die("create", err);
	/* The syscall being measured, and more in other regions. */
	err = sk_site_add(fd, id, "__x64_sys_getppid", 0,
			  SHADOWK_SITE_RETURN, 1, 0);
	if (err)
		return die("site getppid", err);
	printf("sites_owned %d\n", 1 + own_in_regions(fd, id, 2));
	if (pipe(p))
		return die("pipe", errno);
	pid = fork();
	if (pid == 0) {
		close(p[1]);	/* so that the parent's close ends the read */
		if (sk_bind(fd, id, 0, 0) || read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	printf("getppid_ns %.2f\n", per_getppid(n));
	close(p[1]);
	waitpid(pid, NULL, 0);
	sk_destroy(fd, id);
	return 0;
}

static int add_probes(int fd, __u32 id, char **funcs, int nfuncs,
		      __u32 *ids, __u32 flags)
{
	int i, err;

	for (i = 0; i < nfuncs; i++) {
		err = sk_probe_add(fd, id, funcs[i], flags, &ids[i]);
		if (err) {
			fprintf(stderr, "bench: probe %s: %s\n", funcs[i],
				strerror(err));
			return 1;
		}
	}
	return 0;
}

/* Not a probe flag: probes_elsewhere() adds BPF programs as well. */
#define BENCH_WITH_BPF	(1U << 31)

/* (b): a clone bound to an idle process probes the measured path. */
static int probes_elsewhere(long n, const char *file, char **funcs,
			    int nfuncs, __u32 flags)
{
	int fd = sk_open(), p[2], rc;
	__u32 id, ids[16];
	pid_t pid;
	int i;
	char c;

	if (fd < 0)
		return die("open", errno);
	if (nfuncs > 16 || sk_create(fd, "bench", &id) ||
	    add_probes(fd, id, funcs, nfuncs, ids, flags & ~BENCH_WITH_BPF) ||
	    pipe(p))
		return die("probes elsewhere", EINVAL);
	/* With BPF programs too, at entry and return of every function. */
	if (flags & BENCH_WITH_BPF) {
		int map = sk_bpf_map_create();
		int prog = map < 0 ? -1 : sk_bpf_prog_load(map, 0, 0, 0);

		if (prog < 0)
			return die("bpf program", errno);
		for (i = 0; i < nfuncs; i++)
			if (sk_bpf_attach(fd, id, funcs[i], prog, 0, NULL) ||
			    sk_bpf_attach(fd, id, funcs[i], prog,
					  SHADOWK_BPF_RETURN, NULL))
				return die("bpf attach", EINVAL);
		/* The attachments hold it; destroying the clone frees it. */
		close(prog);
		close(map);
	}
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (sk_bind(fd, id, 0, 0) || read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	rc = syscalls(n, file, "");
	close(p[1]);
	waitpid(pid, NULL, 0);
	sk_destroy(fd, id);
	return rc;
}

/*
 * (d): a BPF counter program on each function, at entry or return, for
 * this process, which is bound; the program's runs, to show it ran.
 */
static int bpf_bound(int fd, __u32 id, long n, const char *file,
		     char **funcs, int nfuncs, __u32 flags, const char *prefix)
{
	int map = sk_bpf_map_create(), prog, rc = 1, i;
	struct shadowk_bpf_detach d;
	__u32 ids[16];

	prog = map < 0 ? -1 : sk_bpf_prog_load(map, 0, 0, 0);
	if (prog < 0)
		return die("bpf program", errno);
	for (i = 0; i < nfuncs; i++)
		if (sk_bpf_attach(fd, id, funcs[i], prog, flags, &ids[i]))
			return die("bpf attach", EINVAL);
	rc = syscalls(n, file, prefix);
	for (i = 0; i < nfuncs; i++)
		if (!sk_bpf_detach(fd, ids[i], &d))
			printf("%sruns_%s %llu\n", prefix, funcs[i],
			       (unsigned long long)d.out_runs);
	close(prog);
	close(map);
	return rc;
}

/*
 * (d) the kernel's BPF trampolines: the same counter program as
 * fentry or fexit on each function, named by its vmlinux BTF id, for
 * every process; the runs, to show it ran.
 */
static int bpf_tracing(const char *kind, long n, const char *file,
		       char **btf_ids, int nids)
{
	__u32 type = !strcmp(kind, "fexit") ? BPF_TRACE_FEXIT :
		     BPF_TRACE_FENTRY;
	int map = sk_bpf_map_create(), progs[16], links[16], rc, i;

	if (map < 0 || nids > 16)
		return die("bpf map", errno);
	for (i = 0; i < nids; i++) {
		union bpf_attr a = { 0 };

		progs[i] = sk_bpf_tracing_load(map, type, atoi(btf_ids[i]));
		if (progs[i] < 0)
			return die("bpf tracing program", errno);
		a.raw_tracepoint.prog_fd = progs[i];
		links[i] = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
		if (links[i] < 0)
			return die("bpf trampoline attach", errno);
	}
	rc = syscalls(n, file, "");
	for (i = 0; i < nids; i++) {
		close(links[i]);
		close(progs[i]);
	}
	printf("runs %lld\n", (long long)sk_bpf_map_get(map, 0));
	close(map);
	return rc;
}

/* (d): this process bound, without and then with the probes. */
static int probes_bound(long n, const char *file, char **funcs, int nfuncs)
{
	int fd = sk_open(), rc, i;
	__u32 id, ids[16];
	struct shadowk_probe_read r = { .size = sizeof(r) };

	if (fd < 0)
		return die("open", errno);
	if (nfuncs > 16 || sk_create(fd, "bench", &id) || sk_bind(fd, id, 0, 0))
		return die("bind", EINVAL);
	rc = syscalls(n, file, "bound_");
	if (rc || add_probes(fd, id, funcs, nfuncs, ids, 0))
		return 1;
	rc = syscalls(n, file, "probed_");
	for (i = 0; i < nfuncs; i++) {
		r.probe_id = ids[i];
		if (!sk_ioctl(fd, SHADOWK_IOC_PROBE_READ, &r))
			printf("hits_%s %llu\n", funcs[i],
			       (unsigned long long)r.out_hits);
		sk_probe_del(fd, ids[i]);
	}
	/* The same functions with return probes: entry, return and time. */
	if (rc || add_probes(fd, id, funcs, nfuncs, ids, SHADOWK_PROBE_RETURN))
		return 1;
	rc = syscalls(n, file, "returned_");
	for (i = 0; i < nfuncs; i++) {
		r.probe_id = ids[i];
		if (!sk_ioctl(fd, SHADOWK_IOC_PROBE_READ, &r))
			printf("returns_%s %llu\n", funcs[i],
			       (unsigned long long)r.out_latency.returns);
		sk_probe_del(fd, ids[i]);
	}
	/* A BPF counter at entry, then at return (timed, as a return probe). */
	if (!rc)
		rc = bpf_bound(fd, id, n, file, funcs, nfuncs, 0, "bpfentry_");
	if (!rc)
		rc = bpf_bound(fd, id, n, file, funcs, nfuncs,
			       SHADOWK_BPF_RETURN, "bpfreturn_");
	sk_unbind(fd, 0);
	sk_destroy(fd, id);
	return rc;
}

static int latency(int k)
{
	long long t0, t_create, t_bind, t_fork;
	int fd = sk_open(), i, errs = 0;
	__u32 id;

	if (fd < 0)
		return die("open", errno);
	t0 = now_ns();
	for (i = 0; i < k; i++) {
		errs += sk_create(fd, NULL, &id) != 0;
		errs += sk_destroy(fd, id) != 0;
	}
	t_create = (now_ns() - t0) / k;

	if (sk_create(fd, NULL, &id))
		return die("create", errno);
	t0 = now_ns();
	for (i = 0; i < k; i++) {
		errs += sk_bind(fd, id, 0, 0) != 0;
		errs += sk_unbind(fd, 0) != 0;
	}
	t_bind = (now_ns() - t0) / k;
	sk_destroy(fd, id);

	t0 = now_ns();
	for (i = 0; i < k; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/shadowk/bench/noop", "noop", (char *)NULL);
			_exit(127);
		}
		errs += waitpid(pid, NULL, 0) != pid;
	}
	t_fork = (now_ns() - t0) / k;
	printf("create_destroy_ns %lld\nbind_unbind_ns %lld\nfork_exec_wait_ns %lld\nerrors %d\n",
	       t_create, t_bind, t_fork, errs);
	return errs != 0;
}

static int memory(void)
{
	struct shadowk_clone_info a, b;
	int fd = sk_open();
	__u32 id;

	if (fd < 0)
		return die("open", errno);
	if (sk_create(fd, NULL, &id) || sk_info(fd, id, &a))
		return die("create", errno);
	if (own_in_regions(fd, id, 3) != 3)
		return die("three sites in three regions", ENOENT);
	sk_info(fd, id, &b);
	printf("new_clone_pt_pages %llu\nnew_clone_bytes %llu\n"
	       "three_sites_extra_pt_pages %llu\nthree_sites_frames %llu\n"
	       "three_sites_bytes %llu\n",
	       (unsigned long long)a.out_pt_pages, (unsigned long long)a.out_bytes,
	       (unsigned long long)(b.out_pt_pages - a.out_pt_pages),
	       (unsigned long long)b.out_private_frames,
	       (unsigned long long)b.out_bytes);
	sk_destroy(fd, id);
	return 0;
}

/*
 * Wall time under TCG is disturbed by the host and by QEMU's own
 * housekeeping, which only ever add time: the fastest of a loop's
 * BENCH_BLOCKS equal blocks is the steadier figure.
 */
#define BENCH_BLOCKS 20

static void best_block(long long *start, long long *best, long per)
{
	long long t = now_ns(), each = (t - *start) / per;

	if (*best < 0 || each < *best)
		*best = each;
	*start = t;
}

static long long stat_flush_all(void)
{
	return sk_stat("flush_all");
}

#define BENCH_CG	"/sys/fs/cgroup/sk_bench"

/* An empty cgroup, bound to @id: what every fork and move then asks. */
static int bind_empty_cgroup(int fd, __u32 id)
{
	struct shadowk_cgroup_bind b = { .size = sizeof(b), .clone_id = id };
	int err;

	if (mkdir(BENCH_CG, 0755) && errno != EEXIST)
		return errno;
	b.cgroup_fd = open(BENCH_CG, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b.cgroup_fd < 0)
		return errno;
	err = sk_ioctl(fd, SHADOWK_IOC_CGROUP_BIND, &b);
	close(b.cgroup_fd);
	return err;
}

static int forks(long n, const char *mode)
{
	long long t0, tb, best = -1, f0, f1;
	long blk = n / BENCH_BLOCKS, i, bad = 0;
	int fd = sk_open(), status;
	int bound = !strcmp(mode, "bound");
	__u32 id, probe;
	pid_t pid;

	if (fd < 0)
		return die("open", errno);
	if (sk_create(fd, "forks", &id) ||
	    sk_probe_add(fd, id, "__x64_sys_getppid", 0, &probe))
		return die("clone", EINVAL);
	if (bound && sk_bind(fd, id, 0, SHADOWK_BIND_INHERIT_FORK))
		return die("bind", errno);
	if (!strcmp(mode, "cgroup-elsewhere") && bind_empty_cgroup(fd, id))
		return die("bind a cgroup", errno);
	/* One CPU: the children run where the parent forks them. */
	sk_pin(0);
	f0 = stat_flush_all();
	t0 = now_ns();
	tb = t0;
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == 0) {
			alarm(60);
			pause();
			_exit(1);
		}
		if (pid < 0 || kill(pid, SIGKILL) ||
		    waitpid(pid, &status, 0) != pid)
			bad++;
		if (blk && (i + 1) % blk == 0)
			best_block(&tb, &best, blk);
	}
	t0 = now_ns() - t0;
	f1 = stat_flush_all();
	printf("fork_kill_wait_ns %lld\nfork_kill_wait_best_ns %lld\n"
	       "flush_all %lld\nerrors %ld\n", t0 / n, best, f1 - f0, bad);
	sk_unbind(fd, 0);
	sk_destroy(fd, id);
	close(fd);
	rmdir(BENCH_CG);
	return bad != 0;
}

/* Moves of this process between two unbound cgroups. */
static int moves(long n, const char *mode)
{
	static const char *const dirs[2] = { "/sys/fs/cgroup/sk_move_a",
					     "/sys/fs/cgroup/sk_move_b" };
	long long t0, tb, best = -1;
	long blk = n / BENCH_BLOCKS, i, bad = 0;
	int fd = sk_open(), procs[2], k;
	char pid[16], path[64];
	__u32 id;

	if (fd < 0)
		return die("open", errno);
	if (sk_create(fd, "moves", &id))
		return die("clone", EINVAL);
	if (!strcmp(mode, "cgroup-elsewhere") && bind_empty_cgroup(fd, id))
		return die("bind a cgroup", errno);
	snprintf(pid, sizeof(pid), "%d", getpid());
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dirs[k]);
		if (mkdir(dirs[k], 0755) && errno != EEXIST)
			return die("mkdir", errno);
		procs[k] = open(path, O_WRONLY | O_CLOEXEC);
		if (procs[k] < 0)
			return die("cgroup.procs", errno);
	}
	sk_pin(0);
	t0 = now_ns();
	tb = t0;
	for (i = 0; i < n; i++) {
		if (write(procs[i & 1], pid, strlen(pid)) < 0)
			bad++;
		if (blk && (i + 1) % blk == 0)
			best_block(&tb, &best, blk);
	}
	t0 = now_ns() - t0;
	printf("move_ns %lld\nmove_best_ns %lld\nerrors %ld\n", t0 / n, best,
	       bad);
	/* Back to the root, so that the two can go. */
	sk_write_file("/sys/fs/cgroup/cgroup.procs", pid);
	for (k = 0; k < 2; k++) {
		close(procs[k]);
		rmdir(dirs[k]);
	}
	sk_destroy(fd, id);
	rmdir(BENCH_CG);
	close(fd);
	return bad != 0;
}

static int ctxswitch(long n)
{
	long long t0, tb, best = -1;
	long blk = n / BENCH_BLOCKS, i;
	int ab[2], ba[2];
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		return die("pipe", errno);
	sk_pin(0);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = now_ns();
	tb = t0;
	for (i = 0; i < n; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			break;
		if (blk && (i + 1) % blk == 0)
			best_block(&tb, &best, blk);
	}
	t0 = now_ns() - t0;
	waitpid(pid, NULL, 0);
	printf("ctxswitch_ns %lld\nctxswitch_best_ns %lld\n", t0 / n, best);
	return i != n;
}

static int verify(__u32 id, int k)
{
	struct shadowk_verify v;
	long long t0, best = -1;
	int fd = sk_open(), i, err;

	if (fd < 0 || k < 1)
		return die("open", fd < 0 ? errno : EINVAL);
	for (i = 0; i < k; i++) {
		t0 = now_ns();
		err = sk_verify(fd, id, &v);
		if (err)
			return die("verify", err);
		t0 = now_ns() - t0;
		if (best < 0 || t0 < best)
			best = t0;
	}
	printf("verify_ns %lld\nverify_checked_bytes %llu\nverify_diff_bytes %llu\n",
	       best, (unsigned long long)v.out_checked_bytes,
	       (unsigned long long)v.out_diff_bytes);
	close(fd);
	return 0;
}

/* Send all of @req, then read until the reply ends with @end. */
static int mc_roundtrip(int s, const char *req, const char *end)
{
	size_t len = strlen(req), elen = strlen(end), got = 0;
	char buf[512];
	ssize_t r;

	if (write(s, req, len) != (ssize_t)len)
		return -1;
	while (got < elen || memcmp(buf + got - elen, end, elen)) {
		if (got == sizeof(buf))
			return -1;
		r = read(s, buf + got, sizeof(buf) - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

/*
 * The paper's experiment: a memcached serving a loopback client, one
 * request at a time, so that the time of a request is the time of the
 * kernel paths both take.  The server is started by the guest script;
 * connecting is retried a bounded number of times while it comes up.
 */
static int memcached(long n, int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	long long t0;
	int s = -1, i, one = 1;
	long k;

	for (i = 0; i < 500; i++) {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return die("socket", errno);
		if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
			break;
		close(s);
		s = -1;
		usleep(10000);
	}
	if (s < 0)
		return die("connect to memcached", errno);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (mc_roundtrip(s, "set k 0 0 5\r\nhello\r\n", "STORED\r\n"))
		return die("memcached set", EIO);
	/* Warm: the first requests fill caches and TCG's translations. */
	for (k = 0; k < n / 10; k++)
		if (mc_roundtrip(s, "get k\r\n", "END\r\n"))
			return die("memcached get", EIO);
	t0 = now_ns();
	for (k = 0; k < n; k++)
		if (mc_roundtrip(s, "get k\r\n", "END\r\n"))
			return die("memcached get", EIO);
	t0 = now_ns() - t0;
	printf("request_ns %.1f\nrequests_per_s %.0f\n", (double)t0 / n,
	       n * 1e9 / t0);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000000;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "getppid")) {
		printf("getppid_ns %.2f\n", per_getppid(n));
		return 0;
	}
	if (!strcmp(argv[1], "clone-state"))
		return clone_state(n);
	if (!strcmp(argv[1], "syscalls") && argc > 3)
		return syscalls(n, argv[3], "");
	if (!strcmp(argv[1], "probes-elsewhere") && argc > 4)
		return probes_elsewhere(n, argv[3], argv + 4, argc - 4, 0);
	if (!strcmp(argv[1], "retprobes-elsewhere") && argc > 4)
		return probes_elsewhere(n, argv[3], argv + 4, argc - 4,
					SHADOWK_PROBE_RETURN);
	if (!strcmp(argv[1], "all-elsewhere") && argc > 4)
		return probes_elsewhere(n, argv[3], argv + 4, argc - 4,
					SHADOWK_PROBE_RETURN | BENCH_WITH_BPF);
	if (!strcmp(argv[1], "bpf-tracing") && argc > 5)
		return bpf_tracing(argv[2], atol(argv[3]), argv[4], argv + 5,
				   argc - 5);
	if (!strcmp(argv[1], "probes-bound") && argc > 4)
		return probes_bound(n, argv[3], argv + 4, argc - 4);
	if (!strcmp(argv[1], "latency"))
		return latency(argc > 2 ? atoi(argv[2]) : 1000);
	if (!strcmp(argv[1], "memory"))
		return memory();
	if (!strcmp(argv[1], "forks") && argc > 3)
		return forks(n, argv[3]);
	if (!strcmp(argv[1], "moves") && argc > 3)
		return moves(n, argv[3]);
	if (!strcmp(argv[1], "ctxswitch"))
		return ctxswitch(n);
	if (!strcmp(argv[1], "memcached") && argc > 3)
		return memcached(n, atoi(argv[3]));
	if (!strcmp(argv[1], "verify") && argc > 3)
		return verify(atoi(argv[2]), atoi(argv[3]));
	return 2;
}
