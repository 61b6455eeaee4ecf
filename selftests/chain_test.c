// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel has at an owned site (here an ftrace-based kprobe) runs
 * in every call, whatever happens to the view meanwhile: one thread calls
 * the function in a loop while another binds and unbinds their process
 * as fast as it can.  A call caught between the site and shadowk's
 * dispatch by an unbind (a preemption there, with preempt=full; a TLB
 * entry not yet flushed) must still reach the kprobe.
 */

#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "shadowk_test.h"
#include "worker.h"
#include "shadowk_harness.h"

#define T		"/sys/kernel/tracing"
#define FN		"__x64_sys_getppid"
#define CALLS		400000
#define PAIRS		300

struct chain {
	int fd;
	__u32 id;
	int cpu_caller, cpu_binder;
	volatile int done;
	long calls;
	long binds, errors;
};

/* The kprobe's hit count from kprobe_profile, or -1. */
static long long kprobe_hits(const char *event)
{
	FILE *f = fopen(T "/kprobe_profile", "r");
	char name[128];
	long long hits, missed, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld %lld\n", name, &hits, &missed) == 3)
		if (!strcmp(name, event))
			found = missed ? -2 : hits;
	fclose(f);
	return found;
}

/* Is the kprobe on FN ftrace-based (the kernel's call at the site)? */
static int kprobe_is_ftrace(void)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/list", "r");
	char line[512];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "getppid") && strstr(line, "[FTRACE]");
	fclose(f);
	return found;
}

/* At least CALLS calls, and on until the binder is done (bounded). */
static void *caller(void *arg)
{
	struct chain *c = arg;
	double end = sk_now() + 240;
	long i;

	sk_pin(c->cpu_caller);
	for (i = 0; i < CALLS || (!c->done && sk_now() < end); i++)
		syscall(SYS_getppid);
	c->calls = i;
	return NULL;
}

/* PAIRS bind/unbind pairs of the process, as fast as they go. */
static void *binder(void *arg)
{
	struct chain *c = arg;
	double end = sk_now() + 240;

	sk_pin(c->cpu_binder);
	while (c->binds < PAIRS && sk_now() < end) {
		c->errors += sk_bind(c->fd, c->id, 0, 0) != 0;
		c->errors += sk_unbind(c->fd, 0) != 0;
		c->binds++;
	}
	c->done = 1;
	return NULL;
}

FIXTURE(chain) {
	int fd;
	__u32 id, probe;
};

FIXTURE_VARIANT(chain) {
	int cpu_caller, cpu_binder;
};

/* Same CPU: the binder runs exactly when the caller is preempted. */
FIXTURE_VARIANT_ADD(chain, same_cpu) { .cpu_caller = 0, .cpu_binder = 0 };
/* Other CPU: unbinds race the caller's TLB. */
FIXTURE_VARIANT_ADD(chain, other_cpu) { .cpu_caller = 0, .cpu_binder = 1 };

FIXTURE_SETUP(chain)
{
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, FN, 0, &self->probe));
	sk_write_file(T "/kprobe_events", "-:sk_chain/getppid");
	ASSERT_EQ(0, sk_write_file(T "/kprobe_events",
				   "p:sk_chain/getppid " FN));
	ASSERT_EQ(0, sk_write_file(T "/events/sk_chain/getppid/enable", "1"));
}

FIXTURE_TEARDOWN(chain)
{
	sk_write_file(T "/events/sk_chain/getppid/enable", "0");
	sk_write_file(T "/kprobe_events", "-:sk_chain/getppid");
	sk_unbind(self->fd, 0);
	sk_destroy(self->fd, self->id);
	close(self->fd);
}

TEST_F_TIMEOUT(chain, kprobe_sees_every_call_across_bind_and_unbind, 300)
{
	struct chain c = {
		.fd = self->fd, .id = self->id,
		.cpu_caller = variant->cpu_caller,
		.cpu_binder = variant->cpu_binder,
	};
	pthread_t a, b;
	long long before, after;

	/* The kprobe is ftrace-based: it is the kernel's call at the site. */
	ASSERT_EQ(1, kprobe_is_ftrace());
	before = kprobe_hits("getppid");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, pthread_create(&b, NULL, binder, &c));
	ASSERT_EQ(0, pthread_create(&a, NULL, caller, &c));
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	after = kprobe_hits("getppid");
	ASSERT_LE(CALLS, c.calls);
	EXPECT_EQ(0, c.errors);
	EXPECT_EQ(PAIRS, c.binds);
	TH_LOG("%ld calls, %ld bind/unbind pairs, %lld kprobe hits, %lld probe hits",
	       c.calls, c.binds, after - before,
	       sk_probe_hits(self->fd, self->probe));
	/* Nothing else in the VM calls getppid() meanwhile. */
	EXPECT_EQ(c.calls, after - before);
}

int main(int argc, char **argv)
{
	return test_harness_run(argc, argv);
}
