// SPDX-License-Identifier: GPL-2.0
/*
 * Return probes (SHADOWK_PROBE_RETURN): the bound process's returns, their
 * errors and times, and nobody else's; a stack taken in a call under way
 * names the real caller; a probe removed while a call sleeps in its
 * function lets the call return and counts it as nothing more.
 */

#include <fcntl.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define CALLS		20000

/* close(-1) fails with EBADF; getppid() never fails. */
static int step_close_getppid(long i, struct sk_shared *sh)
{
	syscall(SYS_close, -1);
	syscall(SYS_getppid);
	return 0;
}

static int sk_probe_read(int fd, __u32 probe_id, struct shadowk_probe_read *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->probe_id = probe_id;
	return sk_ioctl(fd, SHADOWK_IOC_PROBE_READ, r);
}

static __u64 hist_sum(const struct shadowk_probe_read *r)
{
	__u64 n = 0;
	int i;

	for (i = 0; i < SHADOWK_LATENCY_BUCKETS; i++)
		n += r->out_hist[i];
	return n;
}

/* /proc/PID/stack, or "" (it needs CONFIG_STACKTRACE and root). */
static void read_stack(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
}

/* Whether @pid's innermost kernel frames, as the unwinder gives them, hold @fn. */
static int stack_has(pid_t pid, const char *fn)
{
	char buf[4096];

	read_stack(pid, buf, sizeof(buf));
	return strstr(buf, fn) != NULL;
}

/* The pipe's read op: pipe_read, called anon_pipe_read since 6.16. */
static const char *pipe_read_fn(void)
{
	if (sk_traceable("anon_pipe_read"))
		return "anon_pipe_read";
	return sk_traceable("pipe_read") ? "pipe_read" : NULL;
}

FIXTURE(retprobe) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(retprobe)
{
	struct shadowk_info info = { .size = sizeof(info) };

	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_GET_INFO, &info));
	if (!(info.out_features & SHADOWK_FEATURE_RETURN_PROBES))
		SKIP(return, "this kernel has no rethook");
	ASSERT_LE(64, info.out_max_inflight);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(retprobe)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

/*
 * A bound and an unbound process make the same calls at once: the bound
 * one's every return is seen, with its error, and the times add up; the
 * neighbour's never are, nor are any in a clone nobody is bound to.
 */
TEST_F_TIMEOUT(retprobe, returns_errors_and_times_bound_only, 300)
{
	struct shadowk_probe_entry entry[2];
	struct shadowk_probe_list list = {
		.entry_size = sizeof(entry[0]), .size = sizeof(list),
		.clone_id = self->id, .count = 2,
		.entries = (uintptr_t)entry,
	};
	struct shadowk_probe_read c, g, o;
	struct sk_worker bound, unbound;
	__u32 pc, pg, po, other;
	int i;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_close",
				  SHADOWK_PROBE_RETURN, &pc));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid",
				  SHADOWK_PROBE_RETURN, &pg));
	ASSERT_EQ(0, sk_probe_add(self->fd, other, "__x64_sys_close",
				  SHADOWK_PROBE_RETURN, &po));

	EXPECT_EQ(0, sk_worker_pair(self->fd, self->id, CALLS, step_close_getppid, &bound,
				    &unbound));
	sk_worker_free(&bound);
	sk_worker_free(&unbound);

	ASSERT_EQ(0, sk_probe_read(self->fd, pc, &c));
	ASSERT_EQ(0, sk_probe_read(self->fd, pg, &g));
	ASSERT_EQ(0, sk_probe_read(self->fd, po, &o));
	EXPECT_EQ(CALLS, c.out_hits);
	EXPECT_EQ(CALLS, c.out_latency.returns);
	EXPECT_EQ(CALLS, c.out_latency.errors);
	EXPECT_EQ(0, c.out_latency.missed);
	EXPECT_EQ(CALLS, g.out_latency.returns);
	EXPECT_EQ(0, g.out_latency.errors);
	for (i = 0; i < 2; i++) {
		struct shadowk_probe_read *r = i ? &g : &c;

		EXPECT_EQ(r->out_latency.returns, hist_sum(r));
		EXPECT_LT(0, r->out_latency.max_ns);
		EXPECT_LE(r->out_latency.min_ns, r->out_latency.max_ns);
		EXPECT_LE(r->out_latency.min_ns * r->out_latency.returns,
			  r->out_latency.total_ns);
		EXPECT_GE(r->out_latency.max_ns * r->out_latency.returns,
			  r->out_latency.total_ns);
	}
	EXPECT_EQ(0, o.out_hits);
	EXPECT_EQ(0, o.out_latency.returns);
	EXPECT_EQ(0, hist_sum(&o));

	/* The list carries the same figures, and the flag. */
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &list));
	ASSERT_EQ(2, list.count);
	for (i = 0; i < 2; i++) {
		EXPECT_TRUE(entry[i].flags & SHADOWK_PROBE_RETURN);
		EXPECT_EQ(CALLS, entry[i].latency.returns);
		EXPECT_EQ(entry[i].probe_id == pc ? CALLS : 0,
			  entry[i].latency.errors);
	}
	EXPECT_EQ(0, sk_destroy(self->fd, other));
}

/*
 * A child, bound to @id, asleep in a read() of an empty pipe whose every
 * step since the binding it made with no pipe_read() of its own: that
 * read's pipe_read() began bound, so its return is hooked.  Its pid, with
 * the pipe's write end in *@wfd, once its stack shows it asleep there and
 * @probe has counted the call; or -1.
 */
static pid_t start_sleeper(int fd, __u32 id, __u32 probe, int *wfd)
{
	volatile int *bound = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct shadowk_probe_read r;
	int data[2], i;
	pid_t pid;

	if (bound == MAP_FAILED || pipe(data))
		return -1;
	pid = fork();
	if (pid == 0) {
		char c = 0;
		long n;

		close(data[1]);
		for (n = 0; !*bound && n < 100000000L; n++)
			sched_yield();
		_exit(read(data[0], &c, 1) == 1 && c == 'x' ? 0 : 3);
	}
	close(data[0]);
	*wfd = data[1];
	if (pid < 0 || sk_bind(fd, id, pid, 0))
		goto fail;
	*bound = 1;
	for (i = 0; i < 100000; i++) {
		if (sk_probe_read(fd, probe, &r))
			goto fail;
		if (r.out_hits == 1 && stack_has(pid, pipe_read_fn()))
			return pid;
		sched_yield();
	}
fail:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(data[1]);
	return -1;
}

/* The sleeper's exit status once woken by the byte it waits for. */
static int wake_sleeper(pid_t pid, int wfd)
{
	int status;

	if (write(wfd, "x", 1) != 1)
		return -1;
	close(wfd);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * A bound process asleep in pipe_read() (anon_pipe_read()), whose return is hooked: its
 * stack, as the kernel's unwinder gives it (/proc/PID/stack), names
 * vfs_read() as the caller and not rethook's trampoline.  Woken, the
 * call returns to its real caller and is counted, with its time.
 */
TEST_F_TIMEOUT(retprobe, sleeping_call_names_real_caller, 300)
{
	struct shadowk_probe_read r;
	char buf[4096];
	int wfd;
	__u32 p;
	pid_t pid;

	if (!pipe_read_fn())
		SKIP(return, "no pipe read function with an ftrace site here");
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, pipe_read_fn(),
				  SHADOWK_PROBE_RETURN, &p));
	pid = start_sleeper(self->fd, self->id, p, &wfd);
	ASSERT_LT(0, pid);
	read_stack(pid, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, pipe_read_fn())) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "vfs_read")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "rethook")) TH_LOG("%s", buf);
	ASSERT_EQ(0, sk_probe_read(self->fd, p, &r));
	EXPECT_EQ(0, r.out_latency.returns);

	EXPECT_EQ(0, wake_sleeper(pid, wfd));
	ASSERT_EQ(0, sk_probe_read(self->fd, p, &r));
	EXPECT_EQ(1, r.out_hits);
	EXPECT_EQ(1, r.out_latency.returns);
	EXPECT_EQ(0, r.out_latency.errors);
	EXPECT_EQ(0, r.out_latency.missed);
	EXPECT_EQ(1, hist_sum(&r));
}

/*
 * The probe removed, then its whole clone destroyed, each while a hooked
 * call sleeps: woken, the calls return to their callers, the processes
 * exit normally, and the module is reached no more (the suite's unload
 * then finds every page and object freed).
 */
TEST_F_TIMEOUT(retprobe, removed_while_calls_sleep, 300)
{
	__u32 p, q, other;
	pid_t a, b;
	int wa, wb;

	if (!pipe_read_fn())
		SKIP(return, "no pipe read function with an ftrace site here");
	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, pipe_read_fn(),
				  SHADOWK_PROBE_RETURN, &p));
	ASSERT_EQ(0, sk_probe_add(self->fd, other, pipe_read_fn(),
				  SHADOWK_PROBE_RETURN, &q));
	a = start_sleeper(self->fd, self->id, p, &wa);
	ASSERT_LT(0, a);
	b = start_sleeper(self->fd, other, q, &wb);
	ASSERT_LT(0, b);

	EXPECT_EQ(1, sk_probe_del(self->fd, p));
	EXPECT_EQ(0, sk_destroy(self->fd, other));
	EXPECT_EQ(0, wake_sleeper(a, wa));
	EXPECT_EQ(0, wake_sleeper(b, wb));
}

TEST_F(retprobe, bad_input)
{
	__u32 p;

	EXPECT_EQ(EINVAL, sk_probe_add(self->fd, self->id, "__x64_sys_getppid",
				       1u << 2, NULL));
	/* An entry-only probe reads zeros for what it never sees. */
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &p));
	{
		struct shadowk_probe_read r;

		ASSERT_EQ(0, sk_probe_read(self->fd, p, &r));
		EXPECT_EQ(0, r.out_latency.returns);
		EXPECT_EQ(0, hist_sum(&r));
	}
}

TEST_HARNESS_MAIN
