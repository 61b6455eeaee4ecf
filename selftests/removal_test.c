// SPDX-License-Identifier: GPL-2.0
/*
 * Removal is always safe: a bound process keeps making a hot syscall,
 * with a probe counting it and an injection failing every other call,
 * while one removal path runs.  It must live on, and once a path that
 * ends the injection has returned, no later call may fail.
 */

#include <stdlib.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define FN		"__x64_sys_getppid"
#define WARMUP		20000

enum removal { PROBE_DEL, INJECT_DEL, UNBIND, DESTROY, RMMOD };

/* result[0]: failed calls; result[1]: the last failed call's index. */
static int step_getppid(long i, struct sk_shared *sh)
{
	static pid_t ppid;
	long r;

	if (!ppid)
		ppid = getppid();
	r = syscall(SYS_getppid);
	if (r == ppid)
		return 0;
	if (r != -1 || errno != ENOSPC)
		return 3;
	sh->result[0]++;
	sh->result[1] = i;
	return 0;
}

static int module_reload(void)
{
	const char *ko = getenv("SHADOWK_KO") ?: "/shadowk/shadowk.ko";
	int fd, err = 0;

	if (syscall(SYS_delete_module, "shadowk", O_NONBLOCK))
		return errno;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

FIXTURE(removal) {
	int fd;
	__u32 id;
	__u32 probe;
	struct sk_worker w;
};

FIXTURE_VARIANT(removal) {
	enum removal how;
	int ends_injection;
};

FIXTURE_VARIANT_ADD(removal, probe_del) { PROBE_DEL, 0 };
FIXTURE_VARIANT_ADD(removal, inject_del) { INJECT_DEL, 1 };
FIXTURE_VARIANT_ADD(removal, unbind) { UNBIND, 1 };
FIXTURE_VARIANT_ADD(removal, destroy) { DESTROY, 1 };
FIXTURE_VARIANT_ADD(removal, rmmod) { RMMOD, 1 };

FIXTURE_SETUP(removal)
{
	int go[2];

	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, FN, 0, &self->probe));
	ASSERT_EQ(0, sk_inject(self->fd, self->id, FN,
			       SHADOWK_INJECT_EVERY_NTH, -ENOSPC, 2, 0, 0, 0));
	ASSERT_EQ(0, pipe(go));
	self->w = sk_worker_start(go[0], 0, step_getppid);
	ASSERT_LT(0, self->w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, self->w.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[0]);
	close(go[1]);
}

FIXTURE_TEARDOWN(removal)
{
	sk_worker_free(&self->w);
	if (self->fd >= 0) {
		sk_destroy(self->fd, self->id);
		close(self->fd);
	}
}

TEST_F_TIMEOUT(removal, under_load, 300)
{
	long long hits;
	long at;

	ASSERT_TRUE(sk_worker_reach(&self->w, WARMUP, 120));
	switch (variant->how) {
	case PROBE_DEL:
		hits = sk_probe_del(self->fd, self->probe);
		EXPECT_LE(WARMUP, hits);
		break;
	case INJECT_DEL:
		EXPECT_EQ(0, sk_inject_del(self->fd, self->id, FN));
		break;
	case UNBIND:
		EXPECT_EQ(0, sk_unbind(self->fd, self->w.pid));
		break;
	case DESTROY:
		EXPECT_EQ(0, sk_destroy(self->fd, self->id));
		break;
	case RMMOD:
		close(self->fd);
		self->fd = -1;
		ASSERT_EQ(0, module_reload());
		self->fd = sk_open();
		ASSERT_LE(0, self->fd);
		break;
	}
	at = self->w.sh->steps;
	ASSERT_TRUE(sk_worker_reach(&self->w, at + WARMUP, 120));
	EXPECT_EQ(0, sk_worker_finish(&self->w));
	EXPECT_LE(WARMUP / 2, self->w.sh->result[0]);
	if (variant->ends_injection) {
		EXPECT_GE(at, self->w.sh->result[1]);
	} else {
		EXPECT_LT(at + WARMUP / 2, self->w.sh->result[1]);
	}
}

TEST_HARNESS_MAIN
