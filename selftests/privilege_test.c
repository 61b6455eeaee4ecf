// SPDX-License-Identifier: GPL-2.0
/*
 * A binding never follows a process into a program whose exec raises its
 * privileges: an unprivileged process bound with INHERIT_EXEC, whose
 * getuid() a clone makes fail, execs a set-user-ID-root program; that
 * program's getuid() works.  A plain exec stays bound (the control).
 */

#include <grp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define USER		1000
#define HELPER		"/shadowk/bin/skcalls"
#define HELPER_SUID	"/shadowk/bin/skcalls-suid"

FIXTURE(priv) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(priv)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getuid",
			       SHADOWK_INJECT_ALWAYS, -ENOSPC, 0, 0, 0, 0));
}

FIXTURE_TEARDOWN(priv)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

/*
 * A child of user USER, bound with @flags before it does anything, that
 * reports whether its own getuid() failed, then execs @prog: the
 * program's exit status (0: getuid() worked), or -1.  *@before is 1 if
 * the child's own getuid() failed.
 */
static int exec_as_user(int fd, __u32 id, __u32 flags, const char *prog,
			int *before)
{
	int ready[2], go[2], report[2], status;
	char c = 0;
	pid_t pid;

	if (pipe(ready) || pipe(go) || pipe(report))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		close(report[0]);
		close(fd);
		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER))
			_exit(100);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(101);
		c = syscall(SYS_getuid) < 0 && errno == ENOSPC;
		if (write(report[1], &c, 1) != 1)
			_exit(102);
		execl(prog, prog, "getuid", (char *)NULL);
		_exit(103);
	}
	close(ready[1]);
	close(go[0]);
	close(report[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 ||
	    sk_bind(fd, id, pid, flags) || write(go[1], &c, 1) != 1 ||
	    read(report[0], &c, 1) != 1) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -1;
	}
	*before = c;
	close(ready[0]);
	close(go[1]);
	close(report[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(priv, plain_exec_stays_bound)
{
	int before = -1;

	EXPECT_EQ(1, exec_as_user(self->fd, self->id,
				  SHADOWK_BIND_INHERIT_EXEC, HELPER, &before));
	EXPECT_EQ(1, before);
}

TEST_F(priv, setuid_exec_ends_the_binding)
{
	__u64 calls0, inj0, calls1, inj1;
	int before = -1;

	ASSERT_EQ(0, sk_inject_read(self->fd, self->id, "__x64_sys_getuid",
				    &calls0, &inj0));
	EXPECT_EQ(0, exec_as_user(self->fd, self->id,
				  SHADOWK_BIND_INHERIT_EXEC |
				  SHADOWK_BIND_INHERIT_FORK,
				  HELPER_SUID, &before));
	/* It was bound until the exec: its own call failed. */
	EXPECT_EQ(1, before);
	ASSERT_EQ(0, sk_inject_read(self->fd, self->id, "__x64_sys_getuid",
				    &calls1, &inj1));
	/* The privileged program's calls never reached the injection. */
	EXPECT_EQ(inj0 + 1, inj1);
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
