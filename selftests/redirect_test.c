// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process redirection, through the example module shadowk_detrand:
 * the bound process gets the seeded getrandom() stream, replayable
 * exactly; an unbound process keeps real entropy; unloading the example
 * while a bound process hammers getrandom() hands it back the kernel's.
 */

#include <libgen.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define SEED		0x0123456789abcdefULL
#define DETRAND		"shadowk_detrand"

static unsigned char stream_byte(__u64 seed, long i)
{
	return sk_splitmix(seed, i / 8 + 1) >> (8 * (i % 8));
}

static int detrand_load(__u32 clone, __u64 seed)
{
	char path[256], params[96], *ko = strdup(getenv("SHADOWK_KO") ?:
						 "/shadowk/shadowk.ko");
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/" DETRAND ".ko", dirname(ko));
	free(ko);
	snprintf(params, sizeof(params), "clone=%u seed=%llu", clone,
		 (unsigned long long)seed);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = errno;
	close(fd);
	return err;
}

static int detrand_unload(void)
{
	return syscall(SYS_delete_module, DETRAND, O_NONBLOCK) ? errno : 0;
}

/* Two getrandom() calls of 32 bytes, into bits[0..63]. */
static int step_draw(long i, struct sk_shared *sh)
{
	return getrandom(sh->bits + 32 * i, 32, 0) == 32 ? 0 : 3;
}

static int stream_matches(const unsigned char *got, __u64 seed, long from,
			  long len)
{
	long i;

	for (i = 0; i < len; i++)
		if (got[i] != stream_byte(seed, from + i))
			return 0;
	return 1;
}

FIXTURE(redirect) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(redirect)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(redirect)
{
	detrand_unload();
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

TEST_F_TIMEOUT(redirect, deterministic_for_the_bound_process_only, 120)
{
	struct sk_worker bound, again, unbound;
	int go[2];

	ASSERT_EQ(0, detrand_load(self->id, SEED));
	EXPECT_EQ(0, sk_worker_pair(self->fd, self->id, 2, step_draw, &bound,
				    &unbound));

	/* The bound process read the seeded stream from its start. */
	EXPECT_TRUE(stream_matches(bound.sh->bits, SEED, 0, 64));
	/* The unbound one got real entropy: not the stream, not repeated. */
	EXPECT_FALSE(stream_matches(unbound.sh->bits, SEED, 0, 32));
	EXPECT_NE(0, memcmp(unbound.sh->bits, unbound.sh->bits + 32, 32));

	/* Another bound process replays the same bytes. */
	ASSERT_EQ(0, pipe(go));
	again = sk_worker_start(go[0], 2, step_draw);
	ASSERT_LT(0, again.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, again.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sk_worker_finish(&again));
	EXPECT_EQ(0, memcmp(bound.sh->bits, again.sh->bits, 64));
	sk_worker_free(&bound);
	sk_worker_free(&unbound);
	sk_worker_free(&again);

	EXPECT_EQ(0, detrand_unload());
}

TEST_F(redirect, refusals)
{
	/* No such clone: the example's init reports shadowk's errno. */
	EXPECT_EQ(ENOENT, detrand_load(self->id + 100000, SEED));
	/* An injection already replaces getrandom in this clone. */
	ASSERT_EQ(0, sk_inject(self->fd, self->id, "__x64_sys_getrandom",
			       SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	EXPECT_EQ(EBUSY, detrand_load(self->id, SEED));
	ASSERT_EQ(0, sk_inject_del(self->fd, self->id, "__x64_sys_getrandom"));
	ASSERT_EQ(0, detrand_load(self->id, SEED));
	/* And the other way round. */
	EXPECT_EQ(EBUSY, sk_inject(self->fd, self->id, "__x64_sys_getrandom",
				   SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	EXPECT_EQ(0, detrand_unload());
}

/*
 * getrandom(8) in a loop: result[0] calls that read the stream, then
 * result[1] calls after the first that did not, of which result[2]
 * (which must stay 0) read the stream again.
 */
static int step_hammer(long i, struct sk_shared *sh)
{
	unsigned char b[8];

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		return 3;
	if (!sh->result[1] && stream_matches(b, SEED, 8 * sh->result[0], 8)) {
		sh->result[0]++;
	} else {
		sh->result[1]++;
		sh->result[2] += stream_matches(b, SEED, 8 * sh->result[0], 8);
	}
	return 0;
}

TEST_F_TIMEOUT(redirect, unload_under_load, 300)
{
	struct sk_worker w;
	long at;
	int go[2];

	ASSERT_EQ(0, detrand_load(self->id, SEED));
	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 0, step_hammer);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_TRUE(sk_worker_reach(&w, 2000, 120));
	EXPECT_EQ(0, detrand_unload());
	at = w.sh->steps;
	ASSERT_TRUE(sk_worker_reach(&w, at + 2000, 120));
	EXPECT_EQ(0, sk_worker_finish(&w));
	EXPECT_LE(2000, w.sh->result[0]);
	EXPECT_LE(2000, w.sh->result[1]);
	EXPECT_EQ(0, w.sh->result[2]);
	sk_worker_free(&w);
}

/* The clone goes first: the redirection then redirects nothing. */
TEST_F_TIMEOUT(redirect, clone_destroyed_under_load, 300)
{
	struct sk_worker w;
	long at;
	int go[2];

	ASSERT_EQ(0, detrand_load(self->id, SEED));
	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 0, step_hammer);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(self->fd, self->id, w.pid, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_TRUE(sk_worker_reach(&w, 2000, 120));
	EXPECT_EQ(0, sk_destroy(self->fd, self->id));
	at = w.sh->steps;
	ASSERT_TRUE(sk_worker_reach(&w, at + 2000, 120));
	EXPECT_EQ(0, detrand_unload());
	EXPECT_EQ(0, sk_worker_finish(&w));
	EXPECT_LE(2000, w.sh->result[0]);
	EXPECT_EQ(0, w.sh->result[2]);
	sk_worker_free(&w);
}

/*
 * The clone is destroyed while the example unloads, at the same moment:
 * DESTROY frees the clone's sites after a grace period, and must not look
 * at a redirection its owner may have freed meanwhile (KASAN, in the
 * debug cell, sees it if it does).
 */
#define RACES	12

TEST_F_TIMEOUT(redirect, destroy_races_unload, 300)
{
	int i, status, go[2];
	pid_t pid;
	char c;

	for (i = 0; i < RACES; i++) {
		if (i)
			ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
		ASSERT_EQ(0, detrand_load(self->id, SEED));
		ASSERT_EQ(0, pipe(go));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(2);
			_exit(sk_destroy(self->fd, self->id) ? 1 : 0);
		}
		close(go[0]);
		/* Both go at once: the child's DESTROY, our unload. */
		ASSERT_EQ(1, write(go[1], "g", 1));
		close(go[1]);
		EXPECT_EQ(0, detrand_unload());
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* The fixture's teardown destroys nothing more. */
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

TEST_HARNESS_MAIN
