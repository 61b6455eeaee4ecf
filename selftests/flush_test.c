// SPDX-License-Identifier: GPL-2.0
/*
 * A bound process's children come and go without shadowk flushing every
 * CPU's TLB: no CPU can use a dead address space's view of a clone, so
 * neither fork nor exit needs an all-CPU flush, and an exec needs at most
 * one of the CPU it runs on.  Counted in debugfs shadowk/stats.
 */

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

/*
 * The counts are exact (a flush per child would make thousands), so a few
 * thousand children show it as well as more would; make bench runs
 * 10,000 for the figures.
 */
#define CHILDREN	2000
#define EXECS		300

FIXTURE(flush) {
	int fd;
	__u32 id, probe;
};

FIXTURE_SETUP(flush)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	/* A clone that differs from the kernel, as any useful one does. */
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &self->probe));
	ASSERT_LE(0, sk_stat("flush_all"));
	/* One CPU, so that no exec can move between CPUs half way. */
	ASSERT_EQ(0, sk_pin(0));
}

FIXTURE_TEARDOWN(flush)
{
	sk_unbind(self->fd, 0);
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

TEST_F_TIMEOUT(flush, fork_kill_reap_needs_no_flush, 600)
{
	long long before, after;
	int i, bad = 0, status;
	pid_t pid;

	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0,
			     SHADOWK_BIND_INHERIT_FORK));
	before = sk_stat("flush_all");
	for (i = 0; i < sk_heavy(CHILDREN); i++) {
		pid = fork();
		if (pid == 0) {
			/* Bounded: the parent kills it long before. */
			alarm(60);
			pause();
			_exit(1);
		}
		if (pid < 0 || kill(pid, SIGKILL) ||
		    waitpid(pid, &status, 0) != pid ||
		    !WIFSIGNALED(status)) {
			bad++;
			break;
		}
	}
	after = sk_stat("flush_all");
	EXPECT_EQ(0, bad);
	TH_LOG("%d bound children: %lld all-CPU flushes", i, after - before);
	EXPECT_EQ(0, after - before);
	/* Only this process is bound now: the children's bindings ended. */
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
}

TEST_F_TIMEOUT(flush, exec_flushes_only_its_own_cpu, 300)
{
	long long all0, all1, local0, local1;
	int i, bad = 0, status;
	pid_t pid;

	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0,
			     SHADOWK_BIND_INHERIT_FORK |
			     SHADOWK_BIND_INHERIT_EXEC));
	all0 = sk_stat("flush_all");
	local0 = sk_stat("flush_local");
	for (i = 0; i < sk_heavy(EXECS); i++) {
		pid = fork();
		if (pid == 0) {
			execl("/shadowk/bin/skcalls", "skcalls", "getppid", "1",
			      (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			bad++;
			break;
		}
	}
	all1 = sk_stat("flush_all");
	local1 = sk_stat("flush_local");
	EXPECT_EQ(0, bad);
	TH_LOG("%d bound execs: %lld all-CPU, %lld local flushes", i,
	       all1 - all0, local1 - local0);
	EXPECT_EQ(0, all1 - all0);
	EXPECT_GE(2 * i, local1 - local0);
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
