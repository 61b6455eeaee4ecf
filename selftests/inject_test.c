// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process fault injection: the bound process fails while its unbound
 * neighbour does not, each policy fails exactly the calls it promises,
 * counts are per process, and bad requests get their documented errnos.
 */

#include <stdlib.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define OPENS		2000
#define CALLS		3000

/* openat(2) of a file that exists: result[0] successes, [1] ENOSPC. */
static int step_open(long i, struct sk_shared *sh)
{
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		sh->result[0]++;
	} else if (errno == ENOSPC) {
		sh->result[1]++;
	} else {
		return 3;
	}
	return 0;
}

/* getppid(2), recording which calls failed with ENOSPC. */
static int step_getppid(long i, struct sk_shared *sh)
{
	long r = syscall(SYS_getppid);

	if (r < 0 && errno != ENOSPC)
		return 3;
	if (r < 0 && i < (long)sizeof(sh->bits))
		sh->bits[i] = 1;
	sh->result[1] += r < 0;
	return 0;
}

/* Which of calls 1..n (numbered per process) the policy fails. */
static int expected(__u32 policy, __u64 nth, __u64 seed, __u32 ppm, long k)
{
	switch (policy) {
	case SHADOWK_INJECT_EVERY_NTH:
		return k % nth == 0;
	case SHADOWK_INJECT_FIRST_N:
		return k <= (long)nth;
	case SHADOWK_INJECT_PROBABILITY:
		return sk_splitmix(seed, k) % SHADOWK_INJECT_PPM < ppm;
	}
	return 1;
}

/* Run a bound getppid worker; compare its failures call by call. */
static long run_pattern(struct __test_metadata *_metadata, int fd,
			__u32 id, __u32 policy, __u64 nth, __u64 seed,
			__u32 ppm)
{
	struct sk_worker w;
	long k, wrong = 0, failed = 0;
	int go[2];

	if (pipe(go))
		return -1;
	w = sk_worker_start(go[0], CALLS, step_getppid);
	if (w.pid <= 0 || sk_bind(fd, id, w.pid, 0) || write(go[1], "g", 1) != 1) {
		sk_worker_free(&w);
		return -1;
	}
	EXPECT_EQ(0, sk_worker_finish(&w));
	for (k = 1; k <= CALLS; k++) {
		int want = expected(policy, nth, seed, ppm, k);

		wrong += w.sh->bits[k - 1] != want;
		failed += want;
	}
	EXPECT_EQ(0, wrong);
	EXPECT_EQ(failed, w.sh->result[1]);
	sk_worker_free(&w);
	close(go[0]);
	close(go[1]);
	return failed;
}

FIXTURE(inject) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(inject)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(inject)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

TEST_F_TIMEOUT(inject, enospc_for_the_bound_process_only, 300)
{
	struct sk_worker bound, unbound;
	__u64 calls, injected;
	int go[2];

	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_openat",
			       SHADOWK_INJECT_ALWAYS, -ENOSPC, 0, 0, 0, 0));
	EXPECT_EQ(0, sk_worker_pair(self->fd, self->id, OPENS, step_open, &bound,
				    &unbound));
	EXPECT_EQ(0, bound.sh->result[0]);
	EXPECT_EQ(OPENS, bound.sh->result[1]);
	EXPECT_EQ(OPENS, unbound.sh->result[0]);
	EXPECT_EQ(0, unbound.sh->result[1]);
	sk_worker_free(&bound);
	sk_worker_free(&unbound);

	ASSERT_EQ(0, sk_inject_read(self->fd, self->id, "__x64_sys_openat",
				    &calls, &injected));
	EXPECT_EQ(OPENS, calls);
	EXPECT_EQ(OPENS, injected);
	/* This process is not bound: its files open. */
	EXPECT_EQ(0, access("/proc/self/stat", R_OK));

	/* Off: the next bound process opens files again. */
	ASSERT_EQ(0, sk_inject_del(self->fd, self->id, "__x64_sys_openat"));
	EXPECT_EQ(ENOENT, sk_inject_del(self->fd, self->id,
					"__x64_sys_openat"));
	ASSERT_EQ(0, pipe(go));
	bound = sk_worker_start(go[0], OPENS, step_open);
	ASSERT_LT(0, bound.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, bound.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sk_worker_finish(&bound));
	EXPECT_EQ(OPENS, bound.sh->result[0]);
	sk_worker_free(&bound);
}

TEST_F_TIMEOUT(inject, every_nth_is_exact, 300)
{
	__u64 calls, injected;

	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getppid",
			       SHADOWK_INJECT_EVERY_NTH, -ENOSPC, 3, 0, 0, 0));
	EXPECT_EQ(CALLS / 3, run_pattern(_metadata, self->fd, self->id,
					 SHADOWK_INJECT_EVERY_NTH, 3, 0, 0));
	/* A second process counts from its own first call. */
	EXPECT_EQ(CALLS / 3, run_pattern(_metadata, self->fd, self->id,
					 SHADOWK_INJECT_EVERY_NTH, 3, 0, 0));
	ASSERT_EQ(0, sk_inject_read(self->fd, self->id, "__x64_sys_getppid",
				    &calls, &injected));
	EXPECT_EQ(2 * CALLS, calls);
	EXPECT_EQ(2 * (CALLS / 3), injected);
}

TEST_F_TIMEOUT(inject, first_n_is_exact, 300)
{
	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getppid",
			       SHADOWK_INJECT_FIRST_N, -ENOSPC, 10, 0, 0, 0));
	EXPECT_EQ(10, run_pattern(_metadata, self->fd, self->id,
				  SHADOWK_INJECT_FIRST_N, 10, 0, 0));
	/* Setting it again starts the count again. */
	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getppid",
			       SHADOWK_INJECT_FIRST_N, -ENOSPC, 100, 0, 0, 0));
	EXPECT_EQ(100, run_pattern(_metadata, self->fd, self->id,
				   SHADOWK_INJECT_FIRST_N, 100, 0, 0));
}

TEST_F_TIMEOUT(inject, seeded_probability_replays, 300)
{
	const __u64 seed = 0x5eed5eedULL;
	long first, second;

	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getppid",
			       SHADOWK_INJECT_PROBABILITY, -ENOSPC, 0, seed,
			       250000, 0));
	first = run_pattern(_metadata, self->fd, self->id,
			    SHADOWK_INJECT_PROBABILITY, 0, seed, 250000);
	second = run_pattern(_metadata, self->fd, self->id,
			     SHADOWK_INJECT_PROBABILITY, 0, seed, 250000);
	EXPECT_EQ(first, second);
	/* About a quarter, and not a trivial pattern. */
	EXPECT_LT(CALLS / 5, first);
	EXPECT_GT(CALLS * 3 / 10, first);
}

/* A parent makes 5 calls, then forks a child bound by inheritance. */
static int step_fork_child(long i, struct sk_shared *sh)
{
	pid_t pid;
	int status;
	long k;

	if (i < 5) {
		sh->bits[i] = syscall(SYS_getppid) < 0;
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		for (k = 0; k < 5; k++)
			sh->bits[100 + k] = syscall(SYS_getppid) < 0;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		return 4;
	sh->stop = 1;
	return 0;
}

TEST_F_TIMEOUT(inject, counts_per_process_across_fork, 120)
{
	static const unsigned char want[5] = { 0, 1, 0, 1, 0 };
	struct sk_worker w;
	int go[2];

	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getppid",
			       SHADOWK_INJECT_EVERY_NTH, -ENOSPC, 2, 0, 0, 0));
	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 6, step_fork_child);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid,
			     SHADOWK_BIND_INHERIT_FORK));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sk_worker_finish(&w));
	/* Parent: calls 1-5 fail on 2 and 4; the child starts at 1 again. */
	EXPECT_EQ(0, memcmp(w.sh->bits, want, 5));
	EXPECT_EQ(0, memcmp(w.sh->bits + 100, want, 5));
	sk_worker_free(&w);
}

TEST_F(inject, bad_input)
{
	static const char *const syscalls[] = {
		"getpid", "getuid", "geteuid", "getgid", "getegid", "gettid",
		"getpgrp", "getsid", "getpgid", "sched_yield", "umask",
		"alarm", "pause", "sync", "setsid", "vhangup", "munlockall",
		"read", "write", "close", "dup", "dup2", "pipe", "pipe2",
		"lseek", "fsync", "fdatasync", "chdir", "fchdir", "rmdir",
		"mkdir", "unlink", "getcwd",
	};
	struct shadowk_inject_set i = {
		.size = sizeof(i), .clone_id = self->id,
		.func.symbol = "__x64_sys_getppid", .value = -EIO,
	};
	struct shadowk_info info = { .size = sizeof(info) };
	struct shadowk_inject_entry e[4];
	struct shadowk_inject_list l = {
		.size = sizeof(l), .entry_size = sizeof(e[0]),
	};
	char name[64];
	__u64 c, n;
	unsigned int k;

	i.policy = 4;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.policy = SHADOWK_INJECT_EVERY_NTH;	/* nth 0 */
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.policy = SHADOWK_INJECT_PROBABILITY;	/* ppm 0 */
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.ppm = SHADOWK_INJECT_PPM + 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.ppm = 0;
	i.policy = SHADOWK_INJECT_ALWAYS;
	i.seed = 1;				/* unused by the policy */
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.seed = 0;
	i.flags = 1u << 31;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.flags = 0;
	i.value = 1;				/* not an errno */
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.value = -5000;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	i.value = -EIO;
	i.clone_id = 0;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_SET, &i));
	EXPECT_EQ(ENOENT, sk_inject(self->fd, self->id, "no_such_fn_sk",
				    SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	/* Not a syscall, not error-injectable: only with FORCE. */
	EXPECT_EQ(EOPNOTSUPP, sk_inject(self->fd, self->id, "vfs_read",
					SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0,
					0));
	EXPECT_EQ(0, sk_inject(self->fd, self->id, "vfs_read",
			       SHADOWK_INJECT_ALWAYS, 7, 0, 0, 0,
			       SHADOWK_INJECT_FORCE));
	EXPECT_EQ(0, sk_inject_del(self->fd, self->id, "vfs_read"));
	EXPECT_EQ(ENOENT, sk_inject_read(self->fd, self->id, "vfs_read", &c,
					 &n));

	/* Injection and SHADOWK_SITE_RETURN both replace the function. */
	ASSERT_EQ(0, sk_site_add(self->fd, self->id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_RETURN, 1, 0));
	EXPECT_EQ(EBUSY, sk_inject(self->fd, self->id, "__x64_sys_getppid",
				   SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	EXPECT_EQ(0, sk_site_del(self->fd, self->id, "__x64_sys_getppid", 0));

	/* INJECT_LIST: its own errnos, and an empty clone lists nothing. */
	l.clone_id = self->id;
	EXPECT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_LIST, &l));
	EXPECT_EQ(0, l.count);
	l.entry_size = sizeof(e[0]) - 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_LIST, &l));
	l.entry_size = sizeof(e[0]);
	l.clone_id = 0;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_LIST, &l));
	l.clone_id = self->id;
	l.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_LIST, &l));
	l.flags = 0;

	/* The module's limit (GET_INFO), then ENOSPC; replacing still works. */
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_GET_INFO, &info));
	for (k = 0; k < info.out_max_injects; k++) {
		ASSERT_GT(sizeof(syscalls) / sizeof(syscalls[0]), k);
		snprintf(name, sizeof(name), "__x64_sys_%s", syscalls[k]);
		ASSERT_EQ(0, sk_inject(self->fd, self->id, name,
				       SHADOWK_INJECT_FIRST_N, -EIO, 1, 0, 0,
				       0)) TH_LOG("%s", name);
	}
	EXPECT_EQ(ENOSPC, sk_inject(self->fd, self->id, "__x64_sys_getppid",
				    SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	EXPECT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getpid",
			       SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	EXPECT_EQ(0, sk_inject_read(self->fd, self->id, "__x64_sys_getpid", &c,
				    &n));
	EXPECT_EQ(0, c);
	/* All of them listed, with room for four: the count says how many. */
	l.count = 4;
	l.entries = (__u64)(unsigned long)e;
	EXPECT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_INJECT_LIST, &l));
	EXPECT_EQ(info.out_max_injects, l.count);
	EXPECT_EQ(self->id, e[0].clone_id);
	EXPECT_LT(e[0].inject_id, e[1].inject_id);
}

TEST_HARNESS_MAIN
