// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel threads borrow the page tables of whatever ran before them on
 * their CPU (lazy TLB).  Where the kernel checks its own text before
 * patching it (ftrace), such a thread must read the kernel's bytes even
 * when a bound process ran there last: ftrace updates from a work item on
 * the CPU a bound process runs on, and livepatch transitions, which end in
 * a kworker, of a function a clone probes.
 *
 * A wrong read makes ftrace WARN and give up for good; the VM runs with
 * panic_on_warn, so the first one ends the run.
 */

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define MODDIR		"/shadowk/kmod-tests"
#define LP		"/sys/kernel/livepatch/livepatch_sample"
#define LP_TEXT		"this has been live patched\n"
#define BOUND_CPU	1
#define OTHER_CPU	0

/* Exit status of a shell command, or -1. */
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int getpriority_step(long i, struct sk_shared *sh)
{
	return syscall(SYS_getpriority, PRIO_PROCESS, 0) < 0 ? 3 : 0;
}

/* The first line of a livepatch sysfs file, as an int; -1 if none. */
static int lp_read(const char *name)
{
	char path[256], buf[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), LP "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? atoi(buf) : -1;
}

/* The first line of a file, into @buf; empty if none. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/*
 * For the log: the tasks a transition still waits for (their patch state
 * still @from), and where they are.
 */
static void lp_stragglers(const char *from)
{
	char path[300], state[16], comm[64], stack[256];
	struct dirent *d;
	DIR *dir = opendir("/proc");
	FILE *f;

	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/patch_state", d->d_name);
		read_line(path, state, sizeof(state));
		if (strcmp(state, from))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		read_line(path, comm, sizeof(comm));
		fprintf(stderr, "# not transitioned: pid %s (%s)\n", d->d_name,
			comm);
		snprintf(path, sizeof(path), "/proc/%s/stack", d->d_name);
		f = fopen(path, "r");
		while (f && fgets(stack, sizeof(stack), f))
			fprintf(stderr, "#   %s", stack);
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
}

/*
 * Wait (bounded) until the patch is in no transition (or gone, once
 * disabled): 1, or 0.  @from is the patch state of tasks not yet switched.
 */
static int lp_settled(double seconds, const char *from)
{
	double end = sk_now() + seconds, slow = sk_now() + 20;

	while (lp_read("transition") > 0) {
		if (slow && sk_now() > slow) {
			lp_stragglers(from);
			slow = 0;
		}
		if (sk_now() > end)
			return 0;
		sched_yield();
	}
	return 1;
}

static char cmdline_orig[4096];

/*
 * One read of /proc/cmdline, which calls cmdline_proc_show() once:
 * result[0] counts patched output, result[1] the original.  Then a pause,
 * as a reader that waits for something: with both CPUs taken by tasks
 * that never sleep, livepatch's schedule_on_each_cpu() at the end of a
 * transition took 110 s under TCG.  The CPU still runs the bound reader
 * last before the transition's kworker (or idles lazily on its mm).
 */
static int cmdline_step(long i, struct sk_shared *sh)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 3;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 4;
	buf[n] = 0;
	usleep(100);
	if (!strcmp(buf, LP_TEXT))
		sh->result[0]++;
	else if (!strcmp(buf, cmdline_orig))
		sh->result[1]++;
	else
		return 5;
	return 0;
}

FIXTURE(lazy) {
	int fd;
	__u32 id;
	int go[2];
};

FIXTURE_SETUP(lazy)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, pipe(self->go));
}

FIXTURE_TEARDOWN(lazy)
{
	sk_destroy(self->fd, self->id);
	close(self->go[0]);
	close(self->go[1]);
	close(self->fd);
}

/* A worker on @cpu, started, bound if asked, and let go. */
static struct sk_worker start_on(struct __test_metadata *_metadata,
				 FIXTURE_DATA(lazy) *self, int cpu, int bind,
				 sk_step_fn step)
{
	struct sk_worker w;
	char c = 1;

	EXPECT_EQ(0, sk_pin(cpu));
	w = sk_worker_start(self->go[0], 0, step);
	EXPECT_LT(0, w.pid);
	if (bind)
		EXPECT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	EXPECT_EQ(1, write(self->go[1], &c, 1));
	return w;
}

TEST_F_TIMEOUT(lazy, ftrace_update_from_a_kworker_on_the_bound_cpu, 300)
{
	const char *fn = "__x64_sys_getpriority";
	struct shadowk_verify v;
	struct sk_worker w;
	long long hits;
	__u32 probe;

	ASSERT_EQ(1, sk_traceable(fn));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, fn, 0, &probe));
	w = start_on(_metadata, self, BOUND_CPU, 1, getpriority_step);
	ASSERT_EQ(1, sk_worker_reach(&w, 1000, 60));

	/*
	 * The work item runs on the bound worker's CPU, lazily on its page
	 * tables; every cycle makes ftrace check and rewrite fn's site.
	 */
	EXPECT_EQ(0, sk_pin(OTHER_CPU));
	EXPECT_EQ(0, run("insmod " MODDIR "/sk_ftrace_work.ko func=%s cpu=%d cycles=40",
			 fn, BOUND_CPU));
	EXPECT_EQ(0, run("rmmod sk_ftrace_work"));

	EXPECT_EQ(0, sk_worker_finish(&w));
	/* The probe saw every call of the bound worker, no more. */
	hits = sk_probe_hits(self->fd, probe);
	EXPECT_EQ(w.sh->steps, hits);
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
	/* ftrace still works. */
	EXPECT_EQ(0, run("insmod " MODDIR "/sk_ftrace_work.ko func=%s cpu=%d",
			 fn, OTHER_CPU));
	EXPECT_EQ(0, run("rmmod sk_ftrace_work"));
	sk_worker_free(&w);
}

TEST_F_TIMEOUT(lazy, livepatch_cycles_of_a_probed_function, 600)
{
	long long p0, o0, up0, uo0, steps;
	struct sk_worker bound, other;
	struct shadowk_verify v;
	/* One on the debug kernel, where each takes two and a half minutes. */
	int cycles = sk_heavy(3) ? 3 : 1;
	int cycle, fd, rc, n;
	__u32 probe;
	double end;

	fd = open("/proc/cmdline", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, cmdline_orig, sizeof(cmdline_orig) - 1);
	close(fd);
	ASSERT_LT(0, n);
	cmdline_orig[n] = 0;
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "cmdline_proc_show", 0,
				  &probe));
	bound = start_on(_metadata, self, BOUND_CPU, 1, cmdline_step);
	other = start_on(_metadata, self, OTHER_CPU, 0, cmdline_step);
	ASSERT_EQ(1, sk_worker_reach(&bound, 100, 60));
	ASSERT_EQ(1, sk_worker_reach(&other, 100, 60));
	/*
	 * Enable and disable from the bound worker's CPU: the transition's
	 * work is queued, and finishes, there.
	 */
	for (cycle = 0; cycle < cycles; cycle++) {
		ASSERT_EQ(0, sk_pin(BOUND_CPU));
		ASSERT_EQ(0, run("insmod " MODDIR "/livepatch-sample.ko"));
		/* The transition's work is queued from here: wait elsewhere. */
		ASSERT_EQ(0, sk_pin(OTHER_CPU));
		ASSERT_EQ(1, lp_settled(120, "0"));
		/* Reads that began before the end of the transition are over. */
		steps = bound.sh->steps;
		ASSERT_EQ(1, sk_worker_reach(&bound, steps + 2, 60));
		steps = other.sh->steps;
		ASSERT_EQ(1, sk_worker_reach(&other, steps + 2, 60));
		o0 = bound.sh->result[1];
		uo0 = other.sh->result[1];
		p0 = bound.sh->result[0];
		up0 = other.sh->result[0];
		/* Both run the patched function from now on. */
		ASSERT_EQ(1, sk_worker_reach(&bound, bound.sh->steps + 200, 60));
		ASSERT_EQ(1, sk_worker_reach(&other, other.sh->steps + 200, 60));
		EXPECT_EQ(o0, bound.sh->result[1]);
		EXPECT_EQ(uo0, other.sh->result[1]);
		EXPECT_LE(p0 + 200, bound.sh->result[0]);
		EXPECT_LE(up0 + 200, other.sh->result[0]);

		ASSERT_EQ(0, sk_pin(BOUND_CPU));
		ASSERT_EQ(0, sk_write_file(LP "/enabled", "0"));
		ASSERT_EQ(0, sk_pin(OTHER_CPU));
		ASSERT_EQ(1, lp_settled(120, "1"));
		/* The patch is freed asynchronously; then it may go. */
		end = sk_now() + 30;
		while ((rc = run("rmmod livepatch-sample 2>/dev/null")) &&
		       sk_now() < end)
			sched_yield();
		ASSERT_EQ(0, rc);
		steps = bound.sh->steps;
		ASSERT_EQ(1, sk_worker_reach(&bound, steps + 2, 60));
		p0 = bound.sh->result[0];
		ASSERT_EQ(1, sk_worker_reach(&bound, bound.sh->steps + 100, 60));
		EXPECT_EQ(p0, bound.sh->result[0]);
	}

	EXPECT_EQ(0, sk_worker_finish(&bound));
	EXPECT_EQ(0, sk_worker_finish(&other));
	/* Every bound read was counted, patched or not; none of the other's. */
	EXPECT_EQ(bound.sh->steps, sk_probe_hits(self->fd, probe));
	EXPECT_LT(0, bound.sh->result[0]);
	EXPECT_LT(0, other.sh->result[0]);
	/*
	 * Loading and freeing the patch module may change the kernel's own
	 * entries (memory of the image's physical range given to it has its
	 * high-map alias split); the clone follows them as they happen.
	 */
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
	sk_worker_free(&bound);
	sk_worker_free(&other);
	EXPECT_EQ(0, sk_pin(OTHER_CPU));
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
