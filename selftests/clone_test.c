// SPDX-License-Identifier: GPL-2.0
/*
 * Clones and bindings: lifetime, accounting, inheritance across fork and
 * exec, teardown at exit, and the errno of every bad input.
 */

#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define EXIT_BOUND	10
#define EXIT_UNBOUND	11
#define EXIT_BROKEN	12

extern char **environ;

/* Exit code saying whether this process is bound (UNBIND of self). */
static int am_i_bound(void)
{
	int fd = sk_open(), err;

	if (fd < 0)
		return EXIT_BROKEN;
	err = sk_unbind(fd, 0);
	close(fd);
	return err == 0 ? EXIT_BOUND : err == ENOENT ? EXIT_UNBOUND : EXIT_BROKEN;
}

static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int self_paging_levels(int fd)
{
	struct shadowk_info info = { .size = sizeof(info) };

	if (sk_ioctl(fd, SHADOWK_IOC_GET_INFO, &info))
		return -1;
	return info.out_env & SHADOWK_ENV_LA57 ? 5 : 4;
}

/* A child that blocks until the parent writes (or closes) the pipe. */
struct waiter {
	pid_t pid;
	int go;		/* write end */
};

static struct waiter spawn_waiter(uid_t uid)
{
	struct waiter w = { -1, -1 };
	int go[2], ready[2];
	char c = 0;

	if (pipe(go) || pipe(ready))
		return w;
	w.pid = fork();
	if (w.pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(EXIT_BROKEN);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(EXIT_BROKEN);
		/* Another user cannot open the device to ask. */
		_exit(uid ? 0 : am_i_bound());
	}
	close(go[0]);
	close(ready[1]);
	/* Wait until it runs as @uid (a closed pipe also ends the wait). */
	if (read(ready[0], &c, 1) != 1)
		w.pid = -1;
	close(ready[0]);
	w.go = go[1];
	return w;
}

/* Let the waiter go; it reports whether it is still bound. */
static int release_waiter(struct waiter *w)
{
	char c = 1;

	if (write(w->go, &c, 1) != 1)
		return -1;
	close(w->go);
	return wait_exit(w->pid);
}

FIXTURE(sk) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(sk)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_NE(0, self->id);
}

FIXTURE_TEARDOWN(sk)
{
	/* Destroy may already have happened in the test. */
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

TEST_F(sk, new_clone_is_small_and_identical)
{
	struct shadowk_clone_info info;
	struct shadowk_verify v;
	int levels = self_paging_levels(self->fd);

	ASSERT_EQ(0, sk_info(self->fd, self->id, &info));
	/* Only the private upper tables: PUD + PMD, and a P4D with LA57. */
	EXPECT_EQ(levels == 5 ? 3 : 2, info.out_pt_pages);
	EXPECT_EQ(0, info.out_private_frames);
	EXPECT_EQ(0, info.out_owned_sites);
	EXPECT_EQ(0, info.out_bound_mms);
	EXPECT_LE(info.out_pt_pages * 4096, info.out_bytes);
	EXPECT_GT(info.out_pt_pages * 4096 + 4096, info.out_bytes);

	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
	EXPECT_EQ(0, v.out_first_diff);
}

TEST_F(sk, destroy_is_final)
{
	struct shadowk_clone_info info;
	struct shadowk_verify v;

	EXPECT_EQ(0, sk_destroy(self->fd, self->id));
	EXPECT_EQ(ENOENT, sk_destroy(self->fd, self->id));
	EXPECT_EQ(ENOENT, sk_info(self->fd, self->id, &info));
	EXPECT_EQ(ENOENT, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(ENOENT, sk_bind(self->fd, self->id, 0, 0));
}

TEST_F(sk, names)
{
	struct shadowk_create c = { .size = sizeof(c) };
	struct shadowk_clone_info info;
	__u32 a, b, e1, e2;

	ASSERT_EQ(0, sk_create(self->fd, "names-a", &a));
	ASSERT_EQ(0, sk_info(self->fd, a, &info));
	EXPECT_STREQ("names-a", info.out_name);
	EXPECT_EQ(EEXIST, sk_create(self->fd, "names-a", &b));
	/* Unnamed clones do not collide. */
	EXPECT_EQ(0, sk_create(self->fd, NULL, &e1));
	EXPECT_EQ(0, sk_create(self->fd, NULL, &e2));
	/* A name that fills the field leaves no room for its NUL. */
	memset(c.name, 'x', sizeof(c.name));
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CREATE, &c));
	/* A destroyed clone's name is free again. */
	EXPECT_EQ(0, sk_destroy(self->fd, a));
	EXPECT_EQ(0, sk_create(self->fd, "names-a", &b));
	EXPECT_NE(a, b);	/* and its id is not reused at once */
	sk_destroy(self->fd, b);
	sk_destroy(self->fd, e1);
	sk_destroy(self->fd, e2);
}

TEST_F(sk, create_rejects_bad_fields)
{
	struct shadowk_create c = { .size = sizeof(c) };

	/* Bit 0 is SHADOWK_CREATE_TRANSIENT. */
	c.flags = 2;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CREATE, &c));
	c.flags = 0;
	c.__reserved = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CREATE, &c));
	c.__reserved = 0;
	/* An output's value on input is ignored (ABI 2), not refused. */
	c.out_clone_id = 7;
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_CREATE, &c));
	EXPECT_NE(7, c.out_clone_id);
	EXPECT_EQ(0, sk_destroy(self->fd, c.out_clone_id));
}

TEST_F(sk, list)
{
	struct shadowk_clone_list l = { .size = sizeof(l) };
	__u32 ids[64], extra[3];
	unsigned int i, found = 0, n;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sk_create(self->fd, NULL, &extra[i]));

	/* Count only. */
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_LIST, &l));
	n = l.count;
	EXPECT_LE(4, n);
	ASSERT_GE(64, n);

	l.count = 64;
	l.ids = (unsigned long)ids;
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_LIST, &l));
	EXPECT_EQ(n, l.count);
	for (i = 0; i < l.count; i++) {
		if (i)
			EXPECT_LT(ids[i - 1], ids[i]);
		if (ids[i] == self->id || ids[i] == extra[0] ||
		    ids[i] == extra[1] || ids[i] == extra[2])
			found++;
	}
	EXPECT_EQ(4, found);

	/* Too little room: as much as fits, and the true count. */
	memset(ids, 0, sizeof(ids));
	l.count = 1;
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_LIST, &l));
	EXPECT_EQ(n, l.count);
	EXPECT_NE(0, ids[0]);
	EXPECT_EQ(0, ids[1]);

	l.count = 4;
	l.ids = 1;
	EXPECT_EQ(EFAULT, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_LIST, &l));
	l.ids = 0;
	l.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_LIST, &l));

	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, sk_destroy(self->fd, extra[i]));
}

TEST_F(sk, bind_self)
{
	struct shadowk_verify v;
	__u32 other;

	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
	/* One clone per address space. */
	EXPECT_EQ(EBUSY, sk_bind(self->fd, self->id, 0, 0));
	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	EXPECT_EQ(EBUSY, sk_bind(self->fd, other, 0, 0));
	EXPECT_EQ(0, sk_bound(self->fd, other));
	/* A bound process runs and reads the kernel normally. */
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
	EXPECT_EQ(getpid(), syscall(SYS_getpid));

	EXPECT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
	EXPECT_EQ(ENOENT, sk_unbind(self->fd, 0));
	/* Free again for another clone. */
	EXPECT_EQ(0, sk_bind(self->fd, other, 0, 0));
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(0, sk_destroy(self->fd, other));
}

TEST_F(sk, bind_rejects_bad_input)
{
	struct shadowk_bind b = { .size = sizeof(b), .clone_id = self->id };
	struct shadowk_unbind u = { .size = sizeof(u) };

	EXPECT_EQ(ENOENT, sk_bind(self->fd, 0, 0, 0));
	EXPECT_EQ(ENOENT, sk_bind(self->fd, 0xffffffff, 0, 0));
	EXPECT_EQ(EINVAL, sk_bind(self->fd, self->id, -1, 0));
	EXPECT_EQ(ESRCH, sk_bind(self->fd, self->id, 0x3fffffff, 0));
	/* kthreadd has no address space to bind */
	EXPECT_EQ(ESRCH, sk_bind(self->fd, self->id, 2, 0));
	b.flags = 1U << 2;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_BIND, &b));
	b.flags = ~0U;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_BIND, &b));

	EXPECT_EQ(ENOENT, sk_unbind(self->fd, 0));
	EXPECT_EQ(EINVAL, sk_unbind(self->fd, -5));
	EXPECT_EQ(ESRCH, sk_unbind(self->fd, 0x3fffffff));
	u.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_UNBIND, &u));
	u.flags = 0;
	u.__reserved = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_UNBIND, &u));
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
}

/* Another user's process needs ptrace rights, which root has by default. */
TEST_F(sk, bind_other_needs_ptrace_rights)
{
	struct waiter w = spawn_waiter(65534);

	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_set_effective_cap(CAP_SYS_PTRACE, 0));
	EXPECT_EQ(EPERM, sk_bind(self->fd, self->id, w.pid, 0));
	EXPECT_EQ(EPERM, sk_unbind(self->fd, w.pid));
	ASSERT_EQ(0, sk_set_effective_cap(CAP_SYS_PTRACE, 1));
	EXPECT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
	EXPECT_EQ(0, release_waiter(&w));
	/* Its exit ended the binding. */
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
}

FIXTURE(inherit) {
	int fd;
	__u32 id;
};

FIXTURE_VARIANT(inherit) {
	__u32 flags;
};

FIXTURE_VARIANT_ADD(inherit, none) { .flags = 0 };
FIXTURE_VARIANT_ADD(inherit, fork) { .flags = SHADOWK_BIND_INHERIT_FORK };
FIXTURE_VARIANT_ADD(inherit, exec) { .flags = SHADOWK_BIND_INHERIT_EXEC };
FIXTURE_VARIANT_ADD(inherit, fork_exec) {
	.flags = SHADOWK_BIND_INHERIT_FORK | SHADOWK_BIND_INHERIT_EXEC
};

FIXTURE_SETUP(inherit)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(inherit)
{
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

static int fork_and_check(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(am_i_bound());
	return wait_exit(pid);
}

TEST_F(inherit, fork_follows_the_flag)
{
	int want = variant->flags & SHADOWK_BIND_INHERIT_FORK ?
		   EXIT_BOUND : EXIT_UNBOUND;

	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, variant->flags));
	EXPECT_EQ(want, fork_and_check());
	/* The child's exit took only its own binding. */
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
	/* Threads share the binding whatever the flags. */
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
}

TEST_F(inherit, exec_follows_the_flag)
{
	int want = variant->flags & SHADOWK_BIND_INHERIT_EXEC ?
		   EXIT_BOUND : EXIT_UNBOUND;
	int p[2];
	char c = 1;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/proc/self/exe", "--am-i-bound", NULL };

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(EXIT_BROKEN);
		execv(argv[0], argv);
		_exit(EXIT_BROKEN);
	}
	ASSERT_LT(0, pid);
	close(p[0]);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, pid, variant->flags));
	ASSERT_EQ(1, write(p[1], &c, 1));
	close(p[1]);
	EXPECT_EQ(want, wait_exit(pid));
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
}

/* posix_spawn() shares the parent's mm until exec (vfork). */
TEST_F(inherit, spawn_follows_the_flag)
{
	char *argv[] = { "/proc/self/exe", "--am-i-bound", NULL };
	int want = variant->flags & SHADOWK_BIND_INHERIT_EXEC ?
		   EXIT_BOUND : EXIT_UNBOUND;
	pid_t pid;

	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, variant->flags));
	ASSERT_EQ(0, posix_spawn(&pid, argv[0], NULL, NULL, argv, environ));
	EXPECT_EQ(want, wait_exit(pid));
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
	EXPECT_EQ(0, sk_unbind(self->fd, 0));
}

TEST_F(sk, exit_ends_the_binding)
{
	struct waiter w = spawn_waiter(0);
	int i;

	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	EXPECT_EQ(1, sk_bound(self->fd, self->id));
	/* Kill it instead of letting it finish: the same teardown. */
	EXPECT_EQ(0, kill(w.pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, wait_exit(w.pid));
	close(w.go);
	EXPECT_EQ(0, sk_bound(self->fd, self->id));

	/* Many short-lived bound children in a row. */
	for (i = 0; i < 50; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		sk_bind(self->fd, self->id, pid, 0);	/* may have exited */
		ASSERT_EQ(0, wait_exit(pid));
	}
	EXPECT_EQ(0, sk_bound(self->fd, self->id));
}

TEST_F(sk, destroy_unbinds_everyone)
{
	struct waiter a = spawn_waiter(0), b = spawn_waiter(0);

	ASSERT_LT(0, a.pid);
	ASSERT_LT(0, b.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, a.pid, 0));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, b.pid, 0));
	EXPECT_EQ(2, sk_bound(self->fd, self->id));
	EXPECT_EQ(0, sk_destroy(self->fd, self->id));
	/* Both live on, unbound. */
	EXPECT_EQ(EXIT_UNBOUND, release_waiter(&a));
	EXPECT_EQ(EXIT_UNBOUND, release_waiter(&b));
}

/* Bind and unbind a process that is busy in syscalls on another CPU. */
TEST_F(sk, bind_unbind_under_load)
{
	struct shadowk_verify v;
	int p[2], i, errs = 0;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (pid == 0) {
		long n;

		close(p[1]);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		/* Bounded: stops on the parent's word or after 2^26 calls. */
		for (n = 0; n < (1L << 26); n++) {
			if (syscall(SYS_getppid) != getppid())
				_exit(EXIT_BROKEN);
			if (!(n & 1023) && read(p[0], &c, 1) == 1)
				break;
		}
		_exit(0);
	}
	ASSERT_LT(0, pid);
	close(p[0]);
	for (i = 0; i < 1000; i++) {
		errs += sk_bind(self->fd, self->id, pid, 0) != 0;
		errs += sk_unbind(self->fd, pid) != 0;
	}
	EXPECT_EQ(0, errs);
	c = 1;
	ASSERT_EQ(1, write(p[1], &c, 1));
	EXPECT_EQ(0, wait_exit(pid));
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_entries);
}

TEST_F(sk, churn_leaves_nothing)
{
	long pages0, objs0, pages1, objs1;
	int i, errs = 0;
	__u32 id;

	ASSERT_EQ(0, sk_accounting(&pages0, &objs0));
	for (i = 0; i < 1000; i++) {
		if (sk_create(self->fd, NULL, &id)) {
			errs++;
			continue;
		}
		errs += sk_destroy(self->fd, id) != 0;
	}
	for (i = 0; i < 1000; i++) {
		errs += sk_bind(self->fd, self->id, 0, 0) != 0;
		errs += sk_unbind(self->fd, 0) != 0;
	}
	EXPECT_EQ(0, errs);
	ASSERT_EQ(0, sk_accounting(&pages1, &objs1));
	/* The reading waits for the bindings' grace period to end. */
	EXPECT_EQ(pages0, pages1);
	EXPECT_EQ(objs0, objs1);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--am-i-bound"))
		return am_i_bound();
	return test_harness_run(argc, argv);
}
