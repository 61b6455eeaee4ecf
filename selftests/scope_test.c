// SPDX-License-Identifier: GPL-2.0
/*
 * Who is in scope, and for how long: cgroups bound with every process
 * that enters or leaves them, transient clones that end with their file
 * (closed, inherited, killed), and the list of a clone's processes.
 *
 * The processes are actors: forked children that run one command at a
 * time from a pipe and answer when it is done, so that every count is
 * read after the calls it should hold, with no sleep.
 */

#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define CGROOT		"/sys/fs/cgroup"
#define USER		1000
#define HELPER		"/shadowk/bin/skcalls"
#define HELPER_SUID	"/shadowk/bin/skcalls-suid"

struct actor {
	pid_t pid;
	int cmd, rep;
};

struct actor_cmd {
	char op;
	long n;
	char path[96];
};

/* A child born by clone3() into the cgroup at @dir: its exit status. */
static int clone_into(const char *dir, long calls)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP,
				   .exit_signal = SIGCHLD };
	int cfd, status;
	long i;
	pid_t pid;

	cfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return -1;
	args.cgroup = cfd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		for (i = 0; i < calls; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	close(cfd);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void actor_loop(int cmd, int rep)
{
	struct actor_cmd c;
	long i, r;
	pid_t pid;
	int status;

	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		r = 0;
		switch (c.op) {
		case 'g':	/* n getppid() */
			for (i = 0; i < c.n; i++)
				syscall(SYS_getppid);
			break;
		case 'f':	/* a child that makes n calls */
			pid = fork();
			if (pid == 0) {
				for (i = 0; i < c.n; i++)
					syscall(SYS_getppid);
				_exit(0);
			}
			r = pid < 0 || waitpid(pid, &status, 0) != pid;
			break;
		case 'o':	/* a child born elsewhere, making n calls */
			r = clone_into(c.path, c.n);
			break;
		case 'd':	/* undumpable, as a careful daemon makes itself */
			r = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
			break;
		case 'q':
			_exit(0);
		}
		if (write(rep, &r, sizeof(r)) != sizeof(r))
			_exit(1);
	}
	_exit(0);
}

static long actor_wait(struct actor *a);

/* Returns once the child holds none of the parent's files. */
static int actor_start(struct actor *a)
{
	int cmd[2], rep[2], fd;
	long ready = 0;

	if (pipe(cmd) || pipe(rep))
		return -1;
	a->pid = fork();
	if (a->pid == 0) {
		/* /dev/shadowk open in a child would keep clones alive. */
		for (fd = 3; fd < 1024; fd++)
			if (fd != cmd[0] && fd != rep[1])
				close(fd);
		if (write(rep[1], &ready, sizeof(ready)) != sizeof(ready))
			_exit(1);
		actor_loop(cmd[0], rep[1]);
	}
	close(cmd[0]);
	close(rep[1]);
	a->cmd = cmd[1];
	a->rep = rep[0];
	return a->pid > 0 && !actor_wait(a) ? 0 : -1;
}

static int actor_send(struct actor *a, char op, long n, const char *path)
{
	struct actor_cmd c = { .op = op, .n = n };

	if (path)
		snprintf(c.path, sizeof(c.path), "%s", path);
	return write(a->cmd, &c, sizeof(c)) == sizeof(c) ? 0 : -1;
}

static long actor_wait(struct actor *a)
{
	long r;

	return read(a->rep, &r, sizeof(r)) == sizeof(r) ? r : -1;
}

/* The command's answer: 0 if it went as asked. */
static long actor_do(struct actor *a, char op, long n, const char *path)
{
	return actor_send(a, op, n, path) ? -1 : actor_wait(a);
}

static void actor_stop(struct actor *a)
{
	if (a->pid <= 0)
		return;
	close(a->cmd);
	close(a->rep);
	waitpid(a->pid, NULL, 0);
	a->pid = 0;
}

/* Move process @pid into the cgroup at @dir. */
static int cg_move(const char *dir, pid_t pid)
{
	char path[160], num[16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(num, sizeof(num), "%d", pid);
	return sk_write_file(path, num);
}

static __u64 cg_id(const char *dir)
{
	struct stat st;

	return stat(dir, &st) ? 0 : st.st_ino;
}

static int cg_bind(int fd, __u32 id, const char *dir, __u32 *bound)
{
	struct shadowk_cgroup_bind b = { .size = sizeof(b), .clone_id = id };
	int err;

	b.cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b.cgroup_fd < 0)
		return errno;
	err = sk_ioctl(fd, SHADOWK_IOC_CGROUP_BIND, &b);
	close(b.cgroup_fd);
	if (!err && bound)
		*bound = b.out_bound;
	return err;
}

static int cg_unbind(int fd, __u64 cgid, __u32 *unbound)
{
	struct shadowk_cgroup_unbind u = { .size = sizeof(u),
					   .cgroup_id = cgid };
	int err = sk_ioctl(fd, SHADOWK_IOC_CGROUP_UNBIND, &u);

	if (!err && unbound)
		*unbound = u.out_unbound;
	return err;
}

/* How @pid is bound: SHADOWK_BOUND_*, 0 if not, -1 on error. */
static int bound_by(int fd, pid_t pid, __u32 *clone, __u64 *cgid)
{
	struct shadowk_process_info pi = { .size = sizeof(pi), .pid = pid };

	if (sk_ioctl(fd, SHADOWK_IOC_PROCESS_INFO, &pi))
		return -1;
	if (clone)
		*clone = pi.out_clone_id;
	if (cgid)
		*cgid = pi.out_cgroup_id;
	return pi.out_bound_by;
}

FIXTURE(cg) {
	int fd;
	__u32 id, probe;
	char dir[64], inner[96];
	struct actor a, b;
};

FIXTURE_SETUP(cg)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	if (access(CGROOT "/cgroup.procs", F_OK))
		SKIP(return, "no cgroup v2 hierarchy at " CGROOT);
	snprintf(self->dir, sizeof(self->dir), CGROOT "/sk_scope_%d",
		 getpid());
	snprintf(self->inner, sizeof(self->inner), "%s/inner", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, mkdir(self->inner, 0755));
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  &self->probe));
	ASSERT_EQ(0, actor_start(&self->a));
	ASSERT_EQ(0, actor_start(&self->b));
}

FIXTURE_TEARDOWN(cg)
{
	actor_stop(&self->a);
	actor_stop(&self->b);
	sk_destroy(self->fd, self->id);
	close(self->fd);
	rmdir(self->inner);
	rmdir(self->dir);
}

TEST_F(cg, members_counted_exactly_neighbours_never)
{
	__u32 bound = 0, unbound = 0, clone = 0;
	__u64 cgid = 0, base;

	/* A is in before the binding, B is the neighbour outside. */
	ASSERT_EQ(0, cg_move(self->dir, self->a.pid));
	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, &bound));
	EXPECT_EQ(1, bound);
	EXPECT_EQ(SHADOWK_BOUND_CGROUP,
		  bound_by(self->fd, self->a.pid, &clone, &cgid));
	EXPECT_EQ(self->id, clone);
	EXPECT_EQ(cg_id(self->dir), cgid);
	EXPECT_EQ(0, bound_by(self->fd, self->b.pid, NULL, NULL));

	base = sk_probe_hits(self->fd, self->probe);
	EXPECT_EQ(0, actor_do(&self->a, 'g', 1000, NULL));
	EXPECT_EQ(0, actor_do(&self->b, 'g', 1000, NULL));
	EXPECT_EQ(base + 1000, sk_probe_hits(self->fd, self->probe));

	/* B is moved into the subtree: bound when the write returns. */
	ASSERT_EQ(0, cg_move(self->inner, self->b.pid));
	EXPECT_EQ(SHADOWK_BOUND_CGROUP,
		  bound_by(self->fd, self->b.pid, NULL, &cgid));
	EXPECT_EQ(cg_id(self->dir), cgid);
	EXPECT_EQ(0, actor_do(&self->b, 'g', 500, NULL));
	EXPECT_EQ(base + 1500, sk_probe_hits(self->fd, self->probe));

	/* A child born inside is a member from its first call. */
	EXPECT_EQ(0, actor_do(&self->a, 'f', 300, NULL));
	EXPECT_EQ(base + 1800, sk_probe_hits(self->fd, self->probe));

	/* A child born outside (CLONE_INTO_CGROUP) is not. */
	EXPECT_EQ(0, actor_do(&self->a, 'o', 200, CGROOT));
	EXPECT_EQ(base + 1800, sk_probe_hits(self->fd, self->probe));

	/* A is moved out: unbound, and uncounted. */
	ASSERT_EQ(0, cg_move(CGROOT, self->a.pid));
	EXPECT_EQ(0, bound_by(self->fd, self->a.pid, NULL, NULL));
	EXPECT_EQ(0, actor_do(&self->a, 'g', 1000, NULL));
	EXPECT_EQ(base + 1800, sk_probe_hits(self->fd, self->probe));

	/* The binding's end unbinds B and nobody else counts. */
	ASSERT_EQ(0, cg_unbind(self->fd, cg_id(self->dir), &unbound));
	EXPECT_EQ(1, unbound);
	EXPECT_EQ(0, bound_by(self->fd, self->b.pid, NULL, NULL));
	EXPECT_EQ(0, actor_do(&self->b, 'g', 1000, NULL));
	EXPECT_EQ(base + 1800, sk_probe_hits(self->fd, self->probe));
	EXPECT_EQ(ENOENT, cg_unbind(self->fd, cg_id(self->dir), NULL));
}

TEST_F(cg, born_into_the_cgroup_from_outside)
{
	__u64 base;

	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	base = sk_probe_hits(self->fd, self->probe);
	/* The test itself is outside; its clone3() child is born inside. */
	EXPECT_EQ(0, clone_into(self->inner, 700));
	EXPECT_EQ(base + 700, sk_probe_hits(self->fd, self->probe));
}

/*
 * A joins and leaves, making calls inside and outside, while neighbour B,
 * outside all along, makes the same calls at the same time.
 */
TEST_F(cg, many_moves_each_followed)
{
	long i, n = sk_heavy(200);
	__u64 base;

	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	base = sk_probe_hits(self->fd, self->probe);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, cg_move(i & 1 ? CGROOT : self->inner,
				     self->a.pid));
		ASSERT_EQ(0, actor_send(&self->b, 'g', 10, NULL));
		ASSERT_EQ(0, actor_send(&self->a, 'g', 10, NULL));
		ASSERT_EQ(0, actor_wait(&self->a));
		ASSERT_EQ(0, actor_wait(&self->b));
	}
	/* Inside on every even step only. */
	EXPECT_EQ(base + 10 * ((n + 1) / 2),
		  sk_probe_hits(self->fd, self->probe));
}

TEST_F(cg, explicit_binding_is_kept)
{
	__u32 other, clone = 0;

	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	ASSERT_EQ(0, sk_bind(self->fd, other, self->a.pid, 0));
	ASSERT_EQ(0, cg_move(self->dir, self->a.pid));
	EXPECT_EQ(SHADOWK_BOUND_PID,
		  bound_by(self->fd, self->a.pid, &clone, NULL));
	EXPECT_EQ(other, clone);
	ASSERT_EQ(0, cg_move(CGROOT, self->a.pid));
	EXPECT_EQ(SHADOWK_BOUND_PID,
		  bound_by(self->fd, self->a.pid, &clone, NULL));
	EXPECT_EQ(other, clone);
	/* A member unbound by pid stays so until it enters again. */
	ASSERT_EQ(0, cg_move(self->dir, self->b.pid));
	ASSERT_EQ(0, sk_unbind(self->fd, self->b.pid));
	EXPECT_EQ(0, bound_by(self->fd, self->b.pid, NULL, NULL));
	ASSERT_EQ(0, cg_move(self->inner, self->b.pid));
	EXPECT_EQ(SHADOWK_BOUND_CGROUP,
		  bound_by(self->fd, self->b.pid, NULL, NULL));
	EXPECT_EQ(0, sk_destroy(self->fd, other));
}

TEST_F(cg, undumpable_is_never_taken)
{
	__u64 base;

	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	ASSERT_EQ(0, actor_do(&self->a, 'd', 0, NULL));
	ASSERT_EQ(0, cg_move(self->dir, self->a.pid));
	EXPECT_EQ(0, bound_by(self->fd, self->a.pid, NULL, NULL));
	base = sk_probe_hits(self->fd, self->probe);
	EXPECT_EQ(0, actor_do(&self->a, 'g', 100, NULL));
	/* Nor are its children, which inherit the mark. */
	EXPECT_EQ(0, actor_do(&self->a, 'f', 100, NULL));
	EXPECT_EQ(base, sk_probe_hits(self->fd, self->probe));
}

/*
 * A member of user USER execs @prog, which reports whether its getuid()
 * worked (exit 0) or failed, as the clone makes it: the exit status.
 */
static int member_execs(const char *dir, const char *prog)
{
	int go[2], status;
	char c = 0;
	pid_t pid;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		/* The uid change marks it undumpable; a login's exec would
		 * not, so it is undone, as that exec would.
		 */
		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER) ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			_exit(100);
		if (read(go[0], &c, 1) != 1)
			_exit(101);
		execl(prog, prog, "getuid", (char *)NULL);
		_exit(102);
	}
	close(go[0]);
	if (pid < 0 || cg_move(dir, pid) || write(go[1], &c, 1) != 1) {
		if (pid > 0)
			kill(pid, SIGKILL);
	}
	close(go[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(cg, privileged_exec_leaves_the_scope)
{
	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getuid",
			       SHADOWK_INJECT_ALWAYS, -ENOSPC, 0, 0, 0, 0));
	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	/* The control: a plain exec stays bound, so getuid() fails. */
	EXPECT_EQ(1, member_execs(self->dir, HELPER));
	/* A set-user-ID program runs the kernel's own text. */
	EXPECT_EQ(0, member_execs(self->dir, HELPER_SUID));
}

TEST_F(cg, bad_input)
{
	struct shadowk_cgroup_bind b = { .size = sizeof(b),
					 .clone_id = self->id };
	__u32 other;

	b.cgroup_fd = -1;
	EXPECT_EQ(EBADF, sk_ioctl(self->fd, SHADOWK_IOC_CGROUP_BIND, &b));
	b.cgroup_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, b.cgroup_fd);
	EXPECT_EQ(EBADF, sk_ioctl(self->fd, SHADOWK_IOC_CGROUP_BIND, &b));
	close(b.cgroup_fd);
	b.cgroup_fd = open(self->dir, O_RDONLY | O_CLOEXEC);
	b.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CGROUP_BIND, &b));
	b.flags = 0;
	b.clone_id = 0xfffffff;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_CGROUP_BIND, &b));
	close(b.cgroup_fd);

	/* Overlaps are refused, above and below, whatever the clone. */
	ASSERT_EQ(0, sk_create(self->fd, NULL, &other));
	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->inner, NULL));
	EXPECT_EQ(EBUSY, cg_bind(self->fd, other, self->dir, NULL));
	EXPECT_EQ(EBUSY, cg_bind(self->fd, other, self->inner, NULL));
	ASSERT_EQ(0, cg_unbind(self->fd, cg_id(self->inner), NULL));
	ASSERT_EQ(0, cg_bind(self->fd, other, self->dir, NULL));
	EXPECT_EQ(EBUSY, cg_bind(self->fd, self->id, self->inner, NULL));
	EXPECT_EQ(ENOENT, cg_unbind(self->fd, cg_id(self->inner), NULL));
	/* A clone's end ends its cgroups: the subtree is free again. */
	ASSERT_EQ(0, sk_destroy(self->fd, other));
	EXPECT_EQ(0, cg_bind(self->fd, self->id, self->inner, NULL));

	/* Without CAP_SYS_PTRACE: refused. */
	ASSERT_EQ(0, sk_set_effective_cap(CAP_SYS_PTRACE, 0));
	EXPECT_EQ(EPERM, cg_bind(self->fd, self->id, self->dir, NULL));
	ASSERT_EQ(0, sk_set_effective_cap(CAP_SYS_PTRACE, 1));
}

TEST_F(cg, destroy_ends_the_binding)
{
	struct shadowk_cgroup_list l = { .size = sizeof(l),
					 .entry_size = sizeof(struct shadowk_cgroup_entry) };
	struct shadowk_cgroup_entry e[4];
	struct shadowk_clone_info ci;

	ASSERT_EQ(0, cg_move(self->inner, self->a.pid));
	ASSERT_EQ(0, cg_bind(self->fd, self->id, self->dir, NULL));
	l.clone_id = self->id;
	l.count = 4;
	l.entries = (__u64)(unsigned long)e;
	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_CGROUP_LIST, &l));
	ASSERT_EQ(1, l.count);
	EXPECT_EQ(cg_id(self->dir), e[0].cgroup_id);
	EXPECT_EQ(1, e[0].processes);
	EXPECT_STREQ(self->dir + strlen(CGROOT), e[0].path);
	ASSERT_EQ(0, sk_info(self->fd, self->id, &ci));
	EXPECT_EQ(1, ci.out_cgroups);

	ASSERT_EQ(0, sk_destroy(self->fd, self->id));
	EXPECT_EQ(0, bound_by(self->fd, self->a.pid, NULL, NULL));
	ASSERT_EQ(0, cg_move(self->dir, self->b.pid));
	EXPECT_EQ(0, bound_by(self->fd, self->b.pid, NULL, NULL));
	EXPECT_EQ(ENOENT, cg_unbind(self->fd, cg_id(self->dir), NULL));
}

static int create_transient(int fd, const char *name, __u32 *id)
{
	struct shadowk_create c = { .size = sizeof(c),
				    .flags = SHADOWK_CREATE_TRANSIENT };
	int err;

	snprintf(c.name, sizeof(c.name), "%s", name);
	err = sk_ioctl(fd, SHADOWK_IOC_CREATE, &c);
	if (!err)
		*id = c.out_clone_id;
	return err;
}

static int pin(int fd, __u32 id)
{
	struct shadowk_clone_pin p = { .size = sizeof(p), .clone_id = id };

	return sk_ioctl(fd, SHADOWK_IOC_CLONE_PIN, &p);
}

FIXTURE(transient) {
	int fd;
	long pages, objects;
};

FIXTURE_SETUP(transient)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	if (sk_accounting(&self->pages, &self->objects))
		self->pages = -1;
}

FIXTURE_TEARDOWN(transient)
{
	close(self->fd);
}

/* Nothing of a clone left: every page and object back. */
static int left_nothing(long pages0, long objects0)
{
	long pages, objects;

	if (pages0 < 0)
		return 1;
	if (sk_settle_mms() || sk_accounting(&pages, &objects))
		return 0;
	return pages == pages0 && objects == objects0;
}

/* A clone with a private page and a bound actor, on its own file. */
static int busy_transient(int *fdp, __u32 *id, struct actor *a)
{
	*fdp = sk_open();
	if (*fdp < 0 || create_transient(*fdp, "sk_transient", id) ||
	    sk_probe_add(*fdp, *id, "__x64_sys_getppid", 0, NULL) ||
	    actor_start(a) || sk_bind(*fdp, *id, a->pid, 0))
		return -1;
	return 0;
}

TEST_F(transient, goes_with_its_file)
{
	struct shadowk_clone_info ci;
	struct actor a = { 0 };
	int fd2;
	__u32 id;

	ASSERT_EQ(0, busy_transient(&fd2, &id, &a));
	ASSERT_EQ(0, sk_info(self->fd, id, &ci));
	EXPECT_EQ(SHADOWK_CREATE_TRANSIENT, ci.out_flags);
	EXPECT_EQ(getpid(), ci.out_owner_pid);
	EXPECT_EQ(1, ci.out_bound_mms);
	EXPECT_LT(0, ci.out_private_frames);
	close(fd2);
	EXPECT_EQ(ENOENT, sk_info(self->fd, id, &ci));
	EXPECT_EQ(0, bound_by(self->fd, a.pid, NULL, NULL));
	actor_stop(&a);
	EXPECT_TRUE(left_nothing(self->pages, self->objects));
}

TEST_F(transient, pinned_stays)
{
	struct shadowk_clone_info ci;
	struct actor a = { 0 };
	int fd2;
	__u32 id;

	ASSERT_EQ(0, busy_transient(&fd2, &id, &a));
	ASSERT_EQ(0, pin(self->fd, id));
	close(fd2);
	ASSERT_EQ(0, sk_info(self->fd, id, &ci));
	EXPECT_EQ(0, ci.out_flags);
	EXPECT_EQ(0, ci.out_owner_pid);
	EXPECT_EQ(SHADOWK_BOUND_PID, bound_by(self->fd, a.pid, NULL, NULL));
	EXPECT_EQ(0, pin(self->fd, id));
	EXPECT_EQ(0, sk_destroy(self->fd, id));
	EXPECT_EQ(ENOENT, pin(self->fd, id));
	actor_stop(&a);
	EXPECT_TRUE(left_nothing(self->pages, self->objects));
}

TEST_F(transient, inherited_file_keeps_it)
{
	struct shadowk_clone_info ci;
	int fd2, go[2], status;
	char c = 0;
	pid_t pid;
	__u32 id;

	fd2 = sk_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, create_transient(fd2, "sk_inherited", &id));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	if (pid == 0) {
		/* Holds fd2 (a fork does not close it) until told. */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);
	close(fd2);
	EXPECT_EQ(0, sk_info(self->fd, id, &ci));
	ASSERT_EQ(1, write(go[1], &c, 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(ENOENT, sk_info(self->fd, id, &ci));
}

TEST_F(transient, killed_owner_leaves_nothing)
{
	struct shadowk_clone_info ci;
	int ready[2], status;
	__u32 id = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	if (pid == 0) {
		struct actor a = { 0 };
		int fd2;

		close(ready[0]);
		if (busy_transient(&fd2, &id, &a) ||
		    write(ready[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	ASSERT_EQ(sizeof(id), read(ready[0], &id, sizeof(id)));
	close(ready[0]);
	ASSERT_EQ(0, sk_info(self->fd, id, &ci));
	EXPECT_EQ(pid, ci.out_owner_pid);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* Its files were released before it could be reaped. */
	EXPECT_EQ(ENOENT, sk_info(self->fd, id, &ci));
	/* The destroy unbound the actor it left behind, orphaned. */
	EXPECT_TRUE(left_nothing(self->pages, self->objects));
}

TEST_F(transient, bad_input)
{
	struct shadowk_create c = { .size = sizeof(c), .flags = 2 };
	struct shadowk_clone_pin p = { .size = sizeof(p), .clone_id = 1 };

	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CREATE, &c));
	p.flags = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_PIN, &p));
	p.flags = 0;
	p.__reserved = 1;
	EXPECT_EQ(EINVAL, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_PIN, &p));
	p.__reserved = 0;
	p.clone_id = 0xfffffff;
	EXPECT_EQ(ENOENT, sk_ioctl(self->fd, SHADOWK_IOC_CLONE_PIN, &p));
}

/* PROCESS_LIST: pid, fork and exec bindings, in pid order. */
TEST(process_list_says_how)
{
	struct shadowk_process_entry e[8];
	struct shadowk_process_list l = {
		.size = sizeof(l), .count = 8,
		.entry_size = sizeof(e[0]),
		.entries = (__u64)(unsigned long)e,
	};
	int fd = sk_open(), go[2], status, i, seen = 0;
	struct actor a = { 0 };
	char c = 0;
	pid_t child;
	__u32 id;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sk_create(fd, NULL, &id));
	ASSERT_EQ(0, actor_start(&a));
	ASSERT_EQ(0, sk_bind(fd, id, a.pid, SHADOWK_BIND_INHERIT_EXEC));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, sk_bind(fd, id, 0, SHADOWK_BIND_INHERIT_FORK));
	child = fork();
	if (child == 0) {
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 0 : 1);
	}
	close(go[0]);
	l.clone_id = id;
	ASSERT_EQ(0, sk_ioctl(fd, SHADOWK_IOC_PROCESS_LIST, &l));
	EXPECT_EQ(3, l.count);
	for (i = 0; i < (int)l.count && i < 8; i++) {
		if (i)
			EXPECT_LT(e[i - 1].pid, e[i].pid);
		if (e[i].pid == a.pid) {
			EXPECT_EQ(SHADOWK_BOUND_PID, e[i].bound_by);
			EXPECT_EQ(SHADOWK_BIND_INHERIT_EXEC, e[i].bind_flags);
			seen |= 1;
		} else if (e[i].pid == getpid()) {
			EXPECT_EQ(SHADOWK_BOUND_PID, e[i].bound_by);
			seen |= 2;
		} else if (e[i].pid == child) {
			EXPECT_EQ(SHADOWK_BOUND_FORK, e[i].bound_by);
			seen |= 4;
		}
		EXPECT_EQ(0, e[i].cgroup_id);
		EXPECT_NE(0, e[i].comm[0]);
	}
	EXPECT_EQ(7, seen);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, sk_unbind(fd, 0));

	/* Too small an entry, and a short room: the count still comes. */
	l.entry_size = 8;
	EXPECT_EQ(EINVAL, sk_ioctl(fd, SHADOWK_IOC_PROCESS_LIST, &l));
	l.entry_size = sizeof(e[0]);
	l.count = 0;
	ASSERT_EQ(0, sk_ioctl(fd, SHADOWK_IOC_PROCESS_LIST, &l));
	EXPECT_EQ(1, l.count);
	l.clone_id = 0xfffffff;
	EXPECT_EQ(ENOENT, sk_ioctl(fd, SHADOWK_IOC_PROCESS_LIST, &l));
	actor_stop(&a);
	sk_destroy(fd, id);
	close(fd);
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
