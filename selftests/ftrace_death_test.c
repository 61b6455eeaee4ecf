// SPDX-License-Identifier: GPL-2.0
/*
 * When ftrace stops working, shadowk's callbacks can never be removed: it
 * keeps itself loaded, ends every binding, refuses to bind or to change
 * code, and says so in one line; what reads, or gives code back to the
 * kernel, still works, and so does the rest of the system.
 *
 * ftrace cannot be revived, so guest.sh runs this program last, after the
 * unload check and lockdown_test; before lockdown it loads
 * sk_ftrace_kill.ko and makes a clone "death" with a probe on getppid().
 */

#include <signal.h>
#include <stdlib.h>
#include <sys/klog.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define KILL "/sys/module/sk_ftrace_kill/parameters/kill"
#define LINE "ftrace has stopped working: every process is unbound"

static int idle_step(long i, struct sk_shared *sh)
{
	return getppid() < 0;
}

/* The id of the clone named @name, or 0. */
static __u32 clone_named(int fd, const char *name)
{
	struct shadowk_clone_list l = { .size = sizeof(l) };
	struct shadowk_clone_info info;
	__u32 ids[64], i;

	l.count = 64;
	l.ids = (unsigned long)ids;
	if (sk_ioctl(fd, SHADOWK_IOC_CLONE_LIST, &l))
		return 0;
	for (i = 0; i < l.count && i < 64; i++)
		if (!sk_info(fd, ids[i], &info) && !strcmp(info.out_name, name))
			return ids[i];
	return 0;
}

/* The id of @clone's first probe, or 0. */
static __u32 first_probe(int fd, __u32 clone)
{
	struct shadowk_probe_entry e;
	struct shadowk_probe_list l = {
		.entry_size = sizeof(struct shadowk_probe_entry),
		.size = sizeof(l), .clone_id = clone, .count = 1,
		.entries = (unsigned long)&e,
	};

	return sk_ioctl(fd, SHADOWK_IOC_PROBE_LIST, &l) || !l.count ? 0 :
	       e.probe_id;
}

/* How many times the kernel log holds @s. */
static int klog_count(const char *s)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n = 0;
	char *buf, *p;

	if (len <= 0)
		return -1;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	buf[len > 0 ? len : 0] = 0;
	for (p = buf; (p = strstr(p, s)); p++)
		n++;
	free(buf);
	return n;
}

FIXTURE(death) {
	int unused;
};

FIXTURE_SETUP(death)
{
}

FIXTURE_TEARDOWN(death)
{
}

TEST_F_TIMEOUT(death, pins_unbinds_and_refuses, 120)
{
	int fd = sk_open(), go[2], status;
	__u32 id, probe, probe2;
	struct sk_worker w;
	double end;
	char c = 1;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, access(KILL, W_OK));
	/* Made by guest.sh before lockdown, which forbids adding probes. */
	id = clone_named(fd, "death");
	ASSERT_NE(0, id);
	probe = first_probe(fd, id);
	ASSERT_NE(0, probe);
	ASSERT_EQ(0, pipe(go));
	w = sk_worker_start(go[0], 0, idle_step);
	ASSERT_LT(0, w.pid);
	ASSERT_EQ(0, sk_bind(fd, id, w.pid, SHADOWK_BIND_INHERIT_FORK));
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, sk_worker_reach(&w, 1000, 60));
	EXPECT_EQ(1, sk_bound(fd, id));

	ASSERT_EQ(0, sk_write_file(KILL, "1"));

	/* Every binding ends, from a work item: wait for it, bounded. */
	end = sk_now() + 60;
	while (sk_bound(fd, id) != 0 && sk_now() < end)
		sched_yield();
	EXPECT_EQ(0, sk_bound(fd, id));
	EXPECT_EQ(1, klog_count(LINE));
	/* The worker lives on, unbound: its calls stop counting. */
	EXPECT_EQ(1, sk_worker_reach(&w, w.sh->steps + 1000, 60));

	/* No binding, no new code; reading and removing still work. */
	EXPECT_EQ(ENOTRECOVERABLE, sk_bind(fd, id, 0, 0));
	EXPECT_EQ(ENOTRECOVERABLE,
		  sk_probe_add(fd, id, "__x64_sys_getpid", 0, &probe2));
	EXPECT_EQ(ENOTRECOVERABLE,
		  sk_inject(fd, id, "__x64_sys_getuid", SHADOWK_INJECT_ALWAYS,
			    -EIO, 0, 0, 0, 0));
	EXPECT_LT(0, sk_probe_hits(fd, probe));
	EXPECT_LT(0, sk_probe_del(fd, probe));
	EXPECT_EQ(0, sk_destroy(fd, id));
	EXPECT_EQ(0, sk_worker_finish(&w));
	sk_worker_free(&w);
	close(fd);

	/* The hooks stay and work: fork, exec and exit go on. */
	EXPECT_EQ(0, system("true"));
	/* The module cannot be unloaded, and says nothing broke trying. */
	status = system("rmmod shadowk 2>/dev/null");
	EXPECT_NE(0, status);
	EXPECT_EQ(0, access("/sys/module/shadowk", F_OK));
	EXPECT_EQ(1, klog_count(LINE));
}

TEST_HARNESS_MAIN
