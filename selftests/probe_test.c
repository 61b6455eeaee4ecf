// SPDX-License-Identifier: GPL-2.0
/*
 * Scoped probes: exact counts for the bound process, nothing for anyone
 * else, interrupts only on request, a thousand probes on one clone, and a
 * probe on a function the kernel's own tracer traces at the same time.
 */

#include <stdlib.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define CALLS		100000
#define TRACING		"/sys/kernel/tracing/"

static int step_getppid(long i, struct sk_shared *sh)
{
	syscall(SYS_getppid);
	return 0;
}

/* Spins in user space only: interrupts are all the kernel it sees. */
static int step_spin(long i, struct sk_shared *sh)
{
	for (volatile int n = 0; n < 1000; n++)
		;
	return 0;
}

/* utime + stime of @pid, in clock ticks, or -1. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* Fields 14 and 15; field 3 follows the ')'. */
	for (i = 3; i < 14 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	return ut + st;
}

FIXTURE(probe) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(probe)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(probe)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

/*
 * A bound and an unbound process make the same calls at the same time on
 * two CPUs: the bound one's probe counts each of its calls, and a probe in
 * a clone nobody is bound to counts none.
 */
TEST_F_TIMEOUT(probe, counts_bound_calls_only, 300)
{
	struct shadowk_probe_entry entry;
	struct shadowk_probe_list list = {
		.entry_size = sizeof(struct shadowk_probe_entry),
		.size = sizeof(list), .clone_id = self->id, .count = 1,
		.entries = (uintptr_t)&entry,
	};
	struct sk_worker bound, unbound;
	__u32 other, pa, pb;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &pa));
	ASSERT_EQ(0, sk_probe_add(self->fd, other, "__x64_sys_getppid", 0,
				  &pb));
	ASSERT_NE(pa, pb);
	/* One probe per function and clone. */
	EXPECT_EQ(EBUSY, sk_probe_add(self->fd, self->id, "__x64_sys_getppid",
				      0, NULL));

	EXPECT_EQ(0, sk_worker_pair(self->fd, self->id, CALLS, step_getppid, &bound,
				    &unbound));
	sk_worker_free(&bound);
	sk_worker_free(&unbound);

	EXPECT_EQ(CALLS, sk_probe_hits(self->fd, pa));
	EXPECT_EQ(0, sk_probe_hits(self->fd, pb));

	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &list));
	EXPECT_EQ(1, list.count);
	EXPECT_EQ(pa, entry.probe_id);
	EXPECT_EQ(CALLS, entry.hits);
	/* Listed by the name it was added with, not the kernel's alias. */
	EXPECT_STREQ("__x64_sys_getppid", entry.symbol);

	EXPECT_EQ(CALLS, sk_probe_del(self->fd, pa));
	EXPECT_EQ(-ENOENT, sk_probe_hits(self->fd, pa));
	EXPECT_EQ(-ENOENT, sk_probe_del(self->fd, pa));
	EXPECT_EQ(0, sk_destroy(self->fd, other));
	/* The clone's end took its probe with it. */
	EXPECT_EQ(-ENOENT, sk_probe_hits(self->fd, pb));
}

TEST_F(probe, bad_input)
{
	struct shadowk_probe_add a = {
		.size = sizeof(a), .clone_id = self->id,
		.func.symbol = "__x64_sys_getppid",
	};
	struct shadowk_probe_read r = { .size = sizeof(r), .probe_id = 1 };
	struct shadowk_probe_list l = {
		.entry_size = sizeof(struct shadowk_probe_entry),
		.size = sizeof(l), .clone_id = self->id, .count = 4,
		.entries = 8,
	};
	__u32 p;

	a.flags = 1u << 31;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_ADD, &a));
	a.flags = 0;
	a.clone_id = 0;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_ADD, &a));
	EXPECT_EQ(ENOENT, sk_probe_add(self->fd, self->id, "no_such_fn_sk", 0,
				       NULL));
	EXPECT_EQ(EXDEV, sk_probe_add(self->fd, self->id, "entry_SYSCALL_64",
				      0, NULL));
	EXPECT_EQ(-ENOENT, sk_probe_del(self->fd, 0));
	r.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_READ, &r));
	r.flags = 0;
	r.probe_id = 0x7fffffff;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_READ, &r));

	/* A bad list buffer is reported, and the probe stays. */
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &p));
	EXPECT_EQ(EFAULT, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	l.count = 0;
	l.entries = 0;
	EXPECT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	EXPECT_EQ(1, l.count);
	l.clone_id = 0;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &l));
	EXPECT_EQ(0, sk_probe_hits(self->fd, p));
}

/*
 * Timer interrupts that hit a bound process spinning in user space: a
 * probe with SHADOWK_PROBE_IRQ counts them, one without does not.  Each
 * kind sits in its own clone, bound to its own spinner.
 */
TEST_F_TIMEOUT(probe, interrupts_only_on_request, 300)
{
	static const char *const ticks[] = {
		"update_process_times", "account_process_tick",
		"hrtimer_interrupt",
	};
	struct sk_worker plain, irq;
	const char *fn = NULL;
	__u32 other, pp, pi;
	long long hits;
	double end;
	int go[2];
	unsigned int i;

	for (i = 0; i < sizeof(ticks) / sizeof(ticks[0]) && !fn; i++)
		if (sk_traceable(ticks[i]) > 0)
			fn = ticks[i];
	ASSERT_NE(NULL, fn);
	TH_LOG("probing %s", fn);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, fn, 0, &pp));
	ASSERT_EQ(0, sk_probe_add(self->fd, other, fn, SHADOWK_PROBE_IRQ,
				  &pi));

	ASSERT_EQ(0, pipe(go));
	plain = sk_worker_start(go[0], 0, step_spin);
	irq = sk_worker_start(go[0], 0, step_spin);
	ASSERT_LT(0, plain.pid);
	ASSERT_LT(0, irq.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, plain.pid, 0));
	ASSERT_EQ(0, sk_bind(self->fd, other, irq.pid, 0));
	ASSERT_EQ(2, write(go[1], "gg", 2));

	/* Until both have run through 20 ticks of their own, at most 120 s. */
	end = sk_now() + 120;
	while (sk_now() < end &&
	       (cpu_ticks(plain.pid) < 20 || cpu_ticks(irq.pid) < 20 ||
		sk_probe_hits(self->fd, pi) < 20))
		sched_yield();
	TH_LOG("ticks: plain %ld, irq %ld", cpu_ticks(plain.pid),
	       cpu_ticks(irq.pid));
	EXPECT_EQ(0, sk_worker_finish(&plain));
	EXPECT_EQ(0, sk_worker_finish(&irq));
	sk_worker_free(&plain);
	sk_worker_free(&irq);

	hits = sk_probe_hits(self->fd, pi);
	EXPECT_LE(20, hits);
	EXPECT_EQ(0, sk_probe_hits(self->fd, pp));
	TH_LOG("%s in interrupts of the bound spinner: %lld", fn, hits);
	EXPECT_EQ(0, sk_destroy(self->fd, other));
}

/*
 * Syscall entry points the worker below never enters once bound: all but
 * the three it counts and the read, write and exit of its own frame.
 */
static int never_called(const char *name)
{
	static const char *const own[] = {
		"getppid", "geteuid", "getegid", "read", "write", "exit_group",
		"exit",
	};
	unsigned int i;

	if (!strncmp(name, "__ia32_", 7) ||
	    !strncmp(name, "__x64_compat_sys_", 17))
		return 1;
	if (strncmp(name, "__x64_sys_", 10))
		return 0;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(name + 10, own[i]))
			return 0;
	return 1;
}

/*
 * A thousand probes on one clone: three counted syscalls with distinct
 * counts, and syscall entry points the worker never enters, which must
 * stay at zero.
 */
#define NPROBES		1000
static const char *const counted[] = {
	"__x64_sys_getppid", "__x64_sys_geteuid", "__x64_sys_getegid",
};
static const long counted_calls[] = { 3000, 2000, 1000 };

static int step_three(long i, struct sk_shared *sh)
{
	if (i < 3000)
		syscall(SYS_getppid);
	if (i < 2000)
		syscall(SYS_geteuid);
	if (i < 1000)
		syscall(SYS_getegid);
	return 0;
}

TEST_F_TIMEOUT(probe, thousand_probes, 900)
{
	struct shadowk_probe_entry *entries;
	struct shadowk_probe_list list = {
		.size = sizeof(list),
		.entry_size = sizeof(struct shadowk_probe_entry),
	};
	struct shadowk_clone_info info;
	struct sk_worker w;
	char line[SHADOWK_SYMBOL_LEN];
	unsigned int n = 0, i, zero = 0, exact = 0;
	int go[2], err;
	FILE *f;

	for (i = 0; i < 3; i++, n++)
		ASSERT_EQ(0, sk_probe_add(self->fd, self->id, counted[i], 0,
					  NULL));
	f = fopen(TRACING "available_filter_functions", "r");
	ASSERT_NE(NULL, f);
	while (n < NPROBES && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = 0;
		if (!never_called(line))
			continue;
		err = sk_probe_add(self->fd, self->id, line, 0, NULL);
		/* Aliases share a site; some entries are not probeable. */
		if (err == EBUSY || err == EACCES || err == ENXIO)
			continue;
		ASSERT_EQ(0, err) TH_LOG("%s", line);
		n++;
	}
	fclose(f);
	ASSERT_EQ(NPROBES, n);
	ASSERT_EQ(0, sk_info(self->fd, self->id, &info));
	EXPECT_EQ(NPROBES, info.out_owned_sites);

	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 3000, step_three);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sk_worker_finish(&w));
	sk_worker_free(&w);

	entries = calloc(NPROBES, sizeof(*entries));
	ASSERT_NE(NULL, entries);
	list.clone_id = self->id;
	list.count = NPROBES;
	list.entries = (uintptr_t)entries;
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_LIST, &list));
	ASSERT_EQ(NPROBES, list.count);
	for (i = 0; i < NPROBES; i++) {
		struct shadowk_probe_entry *e = &entries[i];
		unsigned int c;

		if (never_called(e->symbol)) {
			EXPECT_EQ(0, e->hits) TH_LOG("%s", e->symbol);
			zero++;
			continue;
		}
		for (c = 0; c < 3; c++)
			if (strstr(e->symbol, counted[c] + 5))
				break;
		ASSERT_GT(3, c) TH_LOG("unexpected probe on %s", e->symbol);
		EXPECT_EQ(counted_calls[c], e->hits) TH_LOG("%s", e->symbol);
		exact++;
	}
	EXPECT_EQ(3, exact);
	EXPECT_EQ(NPROBES - 3, zero);
	free(entries);
}

/*
 * The function tracer traces the probed function at the same time: the
 * probe still counts every bound call, and the trace still shows them.
 */
TEST_F_TIMEOUT(probe, traced_function_still_counts, 300)
{
	char line[512], pidtag[32];
	struct sk_worker w;
	long traced = 0;
	__u32 p;
	int go[2];
	FILE *f;

	ASSERT_EQ(0, sk_write_file(TRACING "tracing_on", "0"));
	ASSERT_EQ(0, sk_write_file(TRACING "trace", ""));
	ASSERT_EQ(0, sk_ftrace_filter_only("__x64_sys_getppid"));
	ASSERT_EQ(0, sk_write_file(TRACING "current_tracer", "function"));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &p));

	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 1000, step_getppid);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	ASSERT_EQ(0, sk_write_file(TRACING "tracing_on", "1"));
	snprintf(pidtag, sizeof(pidtag), "-%d ", w.pid);
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sk_worker_finish(&w));
	ASSERT_EQ(0, sk_write_file(TRACING "tracing_on", "0"));

	EXPECT_EQ(1000, sk_probe_hits(self->fd, p));
	f = fopen(TRACING "trace", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		traced += strstr(line, pidtag) && strstr(line, "getppid");
	fclose(f);
	EXPECT_EQ(1000, traced);
	sk_worker_free(&w);
	EXPECT_EQ(0, sk_write_file(TRACING "current_tracer", "nop"));
	EXPECT_EQ(0, sk_write_file(TRACING "set_ftrace_filter", ""));
	EXPECT_EQ(0, sk_write_file(TRACING "tracing_on", "1"));
}

TEST_HARNESS_MAIN
