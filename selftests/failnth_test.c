// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation failure walk.  With the module loaded fault_injection=1,
 * debugfs shadowk/fail_nth fails this task's n-th allocation through the
 * module.  Each command is run with n = 1, 2, ... until it no longer
 * reaches the n-th allocation, so every allocation it makes fails once.
 * Each failure must give ENOMEM and leave things as they were: no clone,
 * site, probe, injection or binding half made, no text differing from the
 * kernel's (VERIFY), and the module's object balance back where it was.
 * Leaks the balance cannot see (the kernel's own objects) are kmemleak's,
 * in the debug cell; WARNs fail the cell.
 */

#include <stdlib.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define FAIL_NTH	"/sys/kernel/debug/shadowk/fail_nth"
#define FN		"__x64_sys_getppid"
/* No command makes anywhere near this many allocations. */
#define MAX_NTH		200

struct walk {
	int fd;
	__u32 clone;
	__u32 probe;
	__u32 inject;
	pid_t child;
	int to_child;
	unsigned int nth;	/* the allocation being failed */
	int fired;		/* set by a run whose failure is elsewhere */
};

static int fail_nth_set(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	return sk_write_file(FAIL_NTH, buf);
}

/* 1 if the armed failure happened, 0 if not, -1 on error. */
static int fail_nth_fired(void)
{
	FILE *f = fopen(FAIL_NTH, "r");
	unsigned int left;
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%u", &left);
	fclose(f);
	return n == 1 ? left == 0 : -1;
}

/*
 * The balance after a command failed and its setup was undone: objects
 * freed after an RCU grace period (bindings) may take a moment, so poll,
 * boundedly.  It may also end lower than it started, when a binding of the
 * step before was still waiting for its grace period at the start.  The
 * one page that may stay is the spare text page, kept across commands and
 * freed at unload.
 */
static int balance_back(long pages0, long objs0)
{
	long pages, objs;
	int i;

	for (i = 0; i < 2000; i++) {
		if (sk_accounting(&pages, &objs))
			return 0;
		if (objs <= objs0 && pages <= pages0 + 1)
			return 1;
		usleep(1000);
	}
	fprintf(stderr, "# balance: pages %ld (was %ld), objects %ld (was %ld)\n",
		pages, pages0, objs, objs0);
	return 0;
}

/* The clone changes nothing outside what it owns. */
static int clone_clean(int fd, __u32 id, __u64 sites, __u64 frames)
{
	struct shadowk_clone_info info;
	struct shadowk_verify v;

	if (sk_info(fd, id, &info) || sk_verify(fd, id, &v))
		return 0;
	if (info.out_owned_sites != sites || info.out_private_frames != frames ||
	    v.out_diff_bytes || v.out_diff_entries) {
		fprintf(stderr, "# clone %u: sites %llu frames %llu diff %llu/%llu\n",
			id, (unsigned long long)info.out_owned_sites,
			(unsigned long long)info.out_private_frames,
			(unsigned long long)v.out_diff_bytes,
			(unsigned long long)v.out_diff_entries);
		return 0;
	}
	return 1;
}

/* No text or table entry differs from the kernel's outside what it owns. */
static int clone_verified(int fd, __u32 id)
{
	struct shadowk_verify v;

	return !sk_verify(fd, id, &v) && !v.out_diff_bytes && !v.out_diff_entries;
}

struct step {
	const char *name;
	int (*setup)(struct walk *w);	/* 0 or errno, unarmed */
	int (*run)(struct walk *w);	/* the command under test */
	int (*intact)(struct walk *w);	/* after a failed run: 1 if as before */
	void (*teardown)(struct walk *w, int ran_ok);
};

/* Setups */
static int setup_none(struct walk *w)
{
	return 0;
}

static int setup_clone(struct walk *w)
{
	return sk_create(w->fd, "failnth", &w->clone);
}

static int setup_clone_probe(struct walk *w)
{
	return setup_clone(w) ?: sk_probe_add(w->fd, w->clone, FN, 0, &w->probe);
}

static int setup_clone_bound(struct walk *w)
{
	return setup_clone_probe(w) ?:
	       sk_bind(w->fd, w->clone, 0, SHADOWK_BIND_INHERIT_FORK);
}

/* A child that waits on a pipe, to be bound by pid. */
static int setup_clone_child(struct walk *w)
{
	int p[2], err = setup_clone_probe(w);
	char c;

	if (err)
		return err;
	if (pipe(p))
		return errno;
	w->child = fork();
	if (w->child < 0)
		return errno;
	if (w->child == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	w->to_child = p[1];
	return 0;
}

static void teardown_clone(struct walk *w, int ran_ok)
{
	int status;

	sk_unbind(w->fd, 0);
	if (w->clone)
		sk_destroy(w->fd, w->clone);
	w->clone = 0;
	if (w->child > 0) {
		if (write(w->to_child, "x", 1) != 1)
			kill(w->child, SIGKILL);
		close(w->to_child);
		waitpid(w->child, &status, 0);
		w->child = 0;
	}
}

/* Commands */
static int run_create(struct walk *w)
{
	return sk_create(w->fd, "failnth", &w->clone);
}

static int intact_create(struct walk *w)
{
	struct shadowk_clone_list l = { .size = sizeof(l) };

	/* No clone left behind, and the name is free again. */
	return !sk_ioctl(w->fd, SHADOWK_IOC_CLONE_LIST, &l) && l.count == 0;
}

static int run_list(struct walk *w)
{
	__u32 ids[8];
	struct shadowk_clone_list l = {
		.size = sizeof(l), .count = 8, .ids = (__u64)(unsigned long)ids,
	};

	return sk_ioctl(w->fd, SHADOWK_IOC_CLONE_LIST, &l);
}

static int run_destroy(struct walk *w)
{
	int err = sk_destroy(w->fd, w->clone);

	if (!err)
		w->clone = 0;
	return err;
}

static int run_info(struct walk *w)
{
	struct shadowk_clone_info info;

	return sk_info(w->fd, w->clone, &info);
}

static int run_verify(struct walk *w)
{
	struct shadowk_verify v;

	return sk_verify(w->fd, w->clone, &v);
}

static int run_bind_self(struct walk *w)
{
	return sk_bind(w->fd, w->clone, 0, SHADOWK_BIND_INHERIT_FORK |
		       SHADOWK_BIND_INHERIT_EXEC);
}

static int intact_unbound_self(struct walk *w)
{
	return sk_unbind(w->fd, 0) == ENOENT && sk_bound(w->fd, w->clone) == 0 &&
	       clone_clean(w->fd, w->clone, 1, 1);
}

static int run_bind_child(struct walk *w)
{
	return sk_bind(w->fd, w->clone, w->child, 0);
}

static int intact_unbound_child(struct walk *w)
{
	return sk_unbind(w->fd, w->child) == ENOENT &&
	       sk_bound(w->fd, w->clone) == 0;
}

static int run_unbind(struct walk *w)
{
	return sk_unbind(w->fd, 0);
}

static int run_site_none(struct walk *w)
{
	return sk_site_add(w->fd, w->clone, FN, 0, SHADOWK_SITE_NONE, 0, 0);
}

static int run_site_return(struct walk *w)
{
	return sk_site_add(w->fd, w->clone, "__x64_sys_getuid", 0,
			   SHADOWK_SITE_RETURN, 7, 0);
}

static int run_site_del(struct walk *w)
{
	return sk_site_del(w->fd, w->clone, FN, 0);
}

static int setup_clone_site(struct walk *w)
{
	return setup_clone(w) ?:
	       sk_site_add(w->fd, w->clone, FN, 0, SHADOWK_SITE_NONE, 0, 0);
}

static int intact_empty_clone(struct walk *w)
{
	struct shadowk_probe_list l = {
		.entry_size = sizeof(struct shadowk_probe_entry),
		.size = sizeof(l), .clone_id = w->clone,
	};

	return !sk_ioctl(w->fd, SHADOWK_IOC_PROBE_LIST, &l) && l.count == 0 &&
	       clone_clean(w->fd, w->clone, 0, 0);
}

static int run_probe_add(struct walk *w)
{
	return sk_probe_add(w->fd, w->clone, FN, 0, &w->probe);
}

static int run_probe_read(struct walk *w)
{
	long long hits = sk_probe_hits(w->fd, w->probe);

	return hits < 0 ? (int)-hits : 0;
}

static int run_probe_list(struct walk *w)
{
	struct shadowk_probe_entry e[4];
	struct shadowk_probe_list l = {
		.entry_size = sizeof(struct shadowk_probe_entry),
		.size = sizeof(l), .clone_id = w->clone, .count = 4,
		.entries = (__u64)(unsigned long)e,
	};

	return sk_ioctl(w->fd, SHADOWK_IOC_PROBE_LIST, &l);
}

static int run_probe_del(struct walk *w)
{
	long long hits = sk_probe_del(w->fd, w->probe);

	return hits < 0 ? (int)-hits : 0;
}

static int run_inject(struct walk *w)
{
	return sk_inject(w->fd, w->clone, "__x64_sys_getuid",
			 SHADOWK_INJECT_ALWAYS, -EPERM, 0, 0, 0, 0);
}

static int intact_no_inject(struct walk *w)
{
	__u64 calls, injected;

	return sk_inject_read(w->fd, w->clone, "__x64_sys_getuid", &calls,
			      &injected) == ENOENT &&
	       clone_clean(w->fd, w->clone, 1, 1);
}

/* The injection's id is found here, so that the walk sees only its call. */
static int setup_clone_inject(struct walk *w)
{
	int err = setup_clone_probe(w) ?: run_inject(w);

	if (!err)
		w->inject = sk_inject_id(w->fd, w->clone, "__x64_sys_getuid");
	return err ?: (w->inject ? 0 : ENOENT);
}

static int run_inject_read(struct walk *w)
{
	struct shadowk_inject_read r = {
		.size = sizeof(r), .inject_id = w->inject,
	};

	return sk_ioctl(w->fd, SHADOWK_IOC_INJECT_READ, &r);
}

static int run_inject_del(struct walk *w)
{
	struct shadowk_inject_del d = {
		.size = sizeof(d), .inject_id = w->inject,
	};

	return sk_ioctl(w->fd, SHADOWK_IOC_INJECT_DEL, &d);
}

/*
 * A bound process forks: the child's binding is allocated in the parent's
 * fork.  Without memory the child runs unbound (the kernel log says so)
 * and the fork itself succeeds; the run's result is the child's view.
 */
static int run_fork(struct walk *w)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		int fd = sk_open();

		/* Bound: the unbind works; not bound: ENOENT. */
		_exit(fd < 0 ? 100 : sk_unbind(fd, 0));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return EIO;
	return WEXITSTATUS(status) == ENOENT ? ENOMEM : WEXITSTATUS(status);
}

/*
 * exec: the binding is carried over by allocations the exec makes itself
 * (a note at begin_new_exec, the binding at sched_process_exec), so the
 * child arms the knob and reports from its new image (the constructor
 * below): bit 0 bound, bit 1 its failure happened.
 */
#define CHECK_ENV	"SK_FAILNTH_EXEC_CHECK"

static void __attribute__((constructor)) exec_check(void)
{
	int fd, bound;

	if (!getenv(CHECK_ENV))
		return;
	fd = sk_open();
	bound = fd >= 0 && sk_unbind(fd, 0) == 0;
	_exit((bound ? 1 : 0) | (fail_nth_fired() == 1 ? 2 : 0));
}

static int run_exec(struct walk *w)
{
	int status;
	pid_t pid;

	/* The fork's own allocation is not the one walked here. */
	fail_nth_set(0);
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		char self[256];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (len <= 0 || fail_nth_set(w->nth))
			_exit(100);
		self[len] = 0;
		setenv(CHECK_ENV, "1", 1);
		execl(self, self, (char *)NULL);
		_exit(101);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 3)
		return EIO;
	w->fired = !!(WEXITSTATUS(status) & 2);
	return WEXITSTATUS(status) & 1 ? 0 : ENOMEM;
}

static int setup_clone_bound_exec(struct walk *w)
{
	return setup_clone_probe(w) ?:
	       sk_bind(w->fd, w->clone, 0, SHADOWK_BIND_INHERIT_FORK |
		       SHADOWK_BIND_INHERIT_EXEC);
}

static int intact_parent_bound(struct walk *w)
{
	return sk_bound(w->fd, w->clone) == 1 &&
	       clone_clean(w->fd, w->clone, 1, 1);
}

static int run_inject_list(struct walk *w)
{
	struct shadowk_inject_entry e[4];
	struct shadowk_inject_list l = {
		.size = sizeof(l), .clone_id = w->clone, .count = 4,
		.entry_size = sizeof(e[0]), .entries = (__u64)(unsigned long)e,
	};

	return sk_ioctl(w->fd, SHADOWK_IOC_INJECT_LIST, &l);
}

static int run_process_info(struct walk *w)
{
	struct shadowk_process_info pi = { .size = sizeof(pi) };

	return sk_ioctl(w->fd, SHADOWK_IOC_PROCESS_INFO, &pi);
}

static int intact_yes(struct walk *w)
{
	return 1;
}

static const struct step steps[] = {
	{ "create", setup_none, run_create, intact_create, teardown_clone },
	{ "clone_list", setup_clone, run_list, intact_yes, teardown_clone },
	{ "clone_info", setup_clone_probe, run_info, intact_yes, teardown_clone },
	{ "verify", setup_clone_probe, run_verify, intact_yes, teardown_clone },
	{ "destroy", setup_clone_bound, run_destroy, intact_yes, teardown_clone },
	{ "bind_self", setup_clone_probe, run_bind_self, intact_unbound_self,
	  teardown_clone },
	{ "bind_pid", setup_clone_child, run_bind_child, intact_unbound_child,
	  teardown_clone },
	{ "unbind", setup_clone_bound, run_unbind, intact_yes, teardown_clone },
	{ "site_add_none", setup_clone, run_site_none, intact_empty_clone,
	  teardown_clone },
	{ "site_add_return", setup_clone, run_site_return, intact_empty_clone,
	  teardown_clone },
	{ "site_del", setup_clone_site, run_site_del, intact_yes, teardown_clone },
	{ "probe_add", setup_clone, run_probe_add, intact_empty_clone,
	  teardown_clone },
	{ "probe_read", setup_clone_probe, run_probe_read, intact_yes,
	  teardown_clone },
	{ "probe_list", setup_clone_probe, run_probe_list, intact_yes,
	  teardown_clone },
	{ "probe_del", setup_clone_probe, run_probe_del, intact_yes,
	  teardown_clone },
	{ "inject", setup_clone_probe, run_inject, intact_no_inject,
	  teardown_clone },
	{ "inject_read", setup_clone_inject, run_inject_read, intact_yes,
	  teardown_clone },
	{ "inject_del", setup_clone_inject, run_inject_del, intact_yes,
	  teardown_clone },
	{ "inject_list", setup_clone_inject, run_inject_list, intact_yes,
	  teardown_clone },
	{ "process_info", setup_clone_bound, run_process_info, intact_yes,
	  teardown_clone },
	{ "fork_bound", setup_clone_bound, run_fork, intact_parent_bound,
	  teardown_clone },
	{ "exec_bound", setup_clone_bound_exec, run_exec, intact_parent_bound,
	  teardown_clone },
};

FIXTURE(failnth) {
	int fd;
};

FIXTURE_SETUP(failnth)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
}

/* In each test: the 6.1 harness runs a test whose setup skipped. */
#define NEED_KNOB()							\
	do {								\
		if (access(FAIL_NTH, W_OK))				\
			SKIP(return, "module not loaded with fault_injection=1"); \
	} while (0)

FIXTURE_TEARDOWN(failnth)
{
	fail_nth_set(0);
	close(self->fd);
}

/*
 * One command through each of its allocations in turn: the n-th fails
 * with ENOMEM and changes nothing; the walk ends at the first n the
 * command no longer reaches, which must then succeed.
 */
static void walk_one(struct __test_metadata *_metadata, int fd,
		     const struct step *s)
{
	struct walk warm = { .fd = fd, .fired = -1 };
	unsigned int n, absorbed = 0;

	/*
	 * Once unarmed first: what the module keeps for good after its first
	 * use (the bridge view's tables) is then not counted as this
	 * command's.
	 */
	ASSERT_EQ(0, s->setup(&warm)) TH_LOG("%s: setup", s->name);
	ASSERT_EQ(0, s->run(&warm)) TH_LOG("%s: unarmed", s->name);
	s->teardown(&warm, 1);

	for (n = 1; n <= MAX_NTH; n++) {
		struct walk w = { .fd = fd, .nth = n, .fired = -1 };
		long pages0, objs0;
		int err, fired;

		ASSERT_EQ(0, sk_accounting(&pages0, &objs0));
		ASSERT_EQ(0, s->setup(&w)) TH_LOG("%s: setup", s->name);
		ASSERT_EQ(0, fail_nth_set(n));
		err = s->run(&w);
		fired = w.fired >= 0 ? w.fired : fail_nth_fired();
		ASSERT_EQ(0, fail_nth_set(0));
		ASSERT_LE(0, fired);
		if (!fired) {
			EXPECT_EQ(0, err) TH_LOG("%s: %s with no failure",
						 s->name, strerror(err));
			s->teardown(&w, 1);
			EXPECT_TRUE(balance_back(pages0, objs0))
				TH_LOG("%s: not all freed after success", s->name);
			TH_LOG("%s: %u allocation(s) walked, %u failure(s) absorbed",
			       s->name, n - 1, absorbed);
			return;
		}
		if (!err) {
			/*
			 * A failure the command absorbs: an allocation made
			 * ahead of need (the spare text page readied at a
			 * flush, allocated later when needed), or one in a
			 * removal, which never fails (a page it cannot
			 * rewrite keeps an orphaned site until the clone
			 * goes).  It must then have done all a success does.
			 */
			absorbed++;
			EXPECT_TRUE(!w.clone || clone_verified(fd, w.clone))
				TH_LOG("%s: allocation %u failed and was ignored, "
				       "but the clone differs", s->name, n);
			s->teardown(&w, 1);
			EXPECT_TRUE(balance_back(pages0, objs0))
				TH_LOG("%s: allocation %u failed: not all freed",
				       s->name, n);
			continue;
		}
		EXPECT_EQ(ENOMEM, err) TH_LOG("%s: allocation %u failed: %s",
					      s->name, n, strerror(err));
		EXPECT_TRUE(s->intact(&w))
			TH_LOG("%s: allocation %u failed: left changed", s->name, n);
		s->teardown(&w, 0);
		EXPECT_TRUE(balance_back(pages0, objs0))
			TH_LOG("%s: allocation %u failed: not all freed", s->name, n);
	}
	ASSERT_TRUE(0) TH_LOG("%s: still allocating at %u", s->name, MAX_NTH);
}

TEST_F(failnth, every_command_every_allocation)
{
	unsigned int i;

	NEED_KNOB();
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		walk_one(_metadata, self->fd, &steps[i]);
}

/* The knob counts only the task that armed it. */
TEST_F(failnth, other_tasks_not_counted)
{
	__u32 id;
	int status;
	pid_t pid;

	NEED_KNOB();
	ASSERT_EQ(0, fail_nth_set(1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = sk_open();
		__u32 cid;

		_exit(fd < 0 || sk_create(fd, "failnth-other", &cid) ||
		      sk_destroy(fd, cid) ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, fail_nth_fired());
	EXPECT_EQ(ENOMEM, sk_create(self->fd, "failnth", &id));
	EXPECT_EQ(1, fail_nth_fired());
}

TEST_HARNESS_MAIN
