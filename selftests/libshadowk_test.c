// SPDX-License-Identifier: GPL-2.0
/*
 * libshadowk against the real module: every wrapper, its options checks
 * and its log callback.  Each TEST runs in its own child (the harness
 * forks), so a binding made with pid 0 ends with the test.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libshadowk.h>

#include "shadowk_harness.h"

FIXTURE(lib) {
	struct shadowk_ctx *ctx;
	__u32 id;
};

FIXTURE_SETUP(lib)
{
	SHADOWK_OPTS(create, o, .name = "libtest");

	ASSERT_EQ(0, shadowk_new(&self->ctx));
	ASSERT_EQ(0, shadowk_clone_create(self->ctx, &o, &self->id));
}

FIXTURE_TEARDOWN(lib)
{
	shadowk_clone_destroy(self->ctx, self->id);
	shadowk_unref(self->ctx);
}

struct captured {
	int n;
	int priority;
	char msg[256];
};

static void capture(void *data, int priority, const char *fmt, va_list args)
{
	struct captured *c = data;

	c->n++;
	c->priority = priority;
	vsnprintf(c->msg, sizeof(c->msg), fmt, args);
}

TEST_F(lib, context_and_log)
{
	struct captured c = { 0 };
	struct shadowk_info info;

	ASSERT_EQ(0, shadowk_get_info(self->ctx, &info));
	EXPECT_EQ(SHADOWK_ABI_VERSION, info.abi_version);
	EXPECT_NE(0, info.ioctls & (1ULL << (SHADOWK_CMD_INJECT_DEL - SHADOWK_CMD_BASE)));
	/* A second reference keeps the context open past one unref. */
	EXPECT_EQ(self->ctx, shadowk_ref(self->ctx));
	EXPECT_EQ(NULL, shadowk_unref(self->ctx));
	EXPECT_EQ(0, shadowk_get_info(self->ctx, &info));

	shadowk_set_log_fn(self->ctx, capture, &c);
	EXPECT_EQ(-ENOENT, shadowk_clone_destroy(self->ctx, 999999));
	EXPECT_LT(0, c.n);
	EXPECT_EQ(LOG_DEBUG, c.priority);
	EXPECT_NE(NULL, strstr(c.msg, "DESTROY"));
	shadowk_set_log_fn(self->ctx, NULL, NULL);
}

TEST_F(lib, clones)
{
	struct shadowk_create_opts big[2];
	struct shadowk_clone_info info;
	struct shadowk_verify v;
	__u32 ids[40], *list, found, other;
	size_t n, i, seen = 0;
	char name[64];

	ASSERT_EQ(0, shadowk_clone_find(self->ctx, "libtest", &found));
	EXPECT_EQ(self->id, found);
	EXPECT_EQ(-ENOENT, shadowk_clone_find(self->ctx, "nope", &found));
	ASSERT_EQ(0, shadowk_clone_info(self->ctx, self->id, &info));
	EXPECT_STREQ("libtest", info.name);

	{
		SHADOWK_OPTS(create, o, .name = "libtest");

		EXPECT_EQ(-EEXIST, shadowk_clone_create(self->ctx, &o, &other));
		o.name = "0123456789012345678901234567890123456789";
		EXPECT_EQ(-ENAMETOOLONG, shadowk_clone_create(self->ctx, &o, &other));
		/* Options smaller than their first version, or with a dirty tail. */
		o.sz = 4;
		EXPECT_EQ(-EINVAL, shadowk_clone_create(self->ctx, &o, &other));
	}
	memset(big, 0, sizeof(big));
	big[0].sz = sizeof(big);
	((char *)big)[sizeof(big[0]) + 3] = 1;
	EXPECT_EQ(-E2BIG, shadowk_clone_create(self->ctx, big, &other));
	((char *)big)[sizeof(big[0]) + 3] = 0;
	ASSERT_EQ(0, shadowk_clone_create(self->ctx, big, &other));
	EXPECT_EQ(0, shadowk_clone_destroy(self->ctx, other));

	/* More clones than the list's first guess: it grows. */
	for (i = 0; i < 40; i++) {
		SHADOWK_OPTS(create, o, .name = name);

		snprintf(name, sizeof(name), "libtest-%zu", i);
		ASSERT_EQ(0, shadowk_clone_create(self->ctx, &o, &ids[i]));
	}
	ASSERT_EQ(0, shadowk_clone_list(self->ctx, &list, &n));
	for (i = 0; i < n; i++) {
		if (i)
			EXPECT_LT(list[i - 1], list[i]);
		if (list[i] == self->id || list[i] == ids[39])
			seen++;
	}
	EXPECT_EQ(2, seen);
	EXPECT_LE(41, n);
	free(list);
	for (i = 0; i < 40; i++)
		EXPECT_EQ(0, shadowk_clone_destroy(self->ctx, ids[i]));

	ASSERT_EQ(0, shadowk_clone_verify(self->ctx, self->id, &v));
	EXPECT_EQ(0, v.diff_bytes);
	EXPECT_EQ(0, v.diff_entries);
}

TEST_F(lib, bind_probe_site_inject)
{
	SHADOWK_OPTS(bind, b, .flags = SHADOWK_BIND_INHERIT_EXEC);
	SHADOWK_OPTS(site, s, .action = SHADOWK_SITE_RETURN, .value = 4242);
	SHADOWK_OPTS(inject, inj, .policy = SHADOWK_INJECT_FIRST_N,
		     .value = -ENOSPC, .nth = 2);
	struct shadowk_probe_entry *e;
	struct shadowk_inject_read r;
	struct shadowk_inject_del d;
	struct shadowk_probe_read pr;
	__u32 probe, again;
	char addr[32];
	__u64 hits, site;
	size_t n;
	int i;

	ASSERT_EQ(0, shadowk_probe_add(self->ctx, self->id, "__x64_sys_getppid",
				       NULL, &probe));
	ASSERT_EQ(0, shadowk_probe_read(self->ctx, probe, &pr));
	EXPECT_EQ(self->id, pr.clone_id);
	/* The same function by address is the same site: taken. */
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)pr.site);
	EXPECT_EQ(-EBUSY, shadowk_probe_add(self->ctx, self->id, addr, NULL, &again));

	ASSERT_EQ(0, shadowk_process_bind(self->ctx, self->id, 0, &b));
	EXPECT_EQ(-EBUSY, shadowk_process_bind(self->ctx, self->id, 0, NULL));
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, shadowk_probe_list(self->ctx, self->id, &e, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(probe, e[0].probe_id);
	EXPECT_EQ(100, e[0].hits);
	free(e);

	ASSERT_EQ(0, shadowk_site_add(self->ctx, self->id, "__x64_sys_getpid", &s,
				      &site));
	EXPECT_NE(0, site);
	EXPECT_EQ(4242, syscall(SYS_getpid));
	ASSERT_EQ(0, shadowk_site_del(self->ctx, self->id, "__x64_sys_getpid"));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));

	ASSERT_EQ(0, shadowk_inject_set(self->ctx, self->id, "__x64_sys_getppid", &inj));
	EXPECT_EQ(-1, syscall(SYS_getppid));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, syscall(SYS_getppid));
	EXPECT_LT(0, syscall(SYS_getppid));
	ASSERT_EQ(0, shadowk_inject_read(self->ctx, self->id, "__x64_sys_getppid", &r));
	EXPECT_EQ(3, r.calls);
	EXPECT_EQ(2, r.injected);
	EXPECT_EQ(-ENOSPC, r.value);
	ASSERT_EQ(0, shadowk_inject_del(self->ctx, self->id, "__x64_sys_getppid", &d));
	EXPECT_EQ(3, d.calls);
	EXPECT_EQ(-ENOENT, shadowk_inject_del(self->ctx, self->id, "__x64_sys_getppid", NULL));

	ASSERT_EQ(0, shadowk_probe_del(self->ctx, probe, &hits));
	EXPECT_EQ(103, hits);
	EXPECT_EQ(-ENOENT, shadowk_probe_del(self->ctx, probe, NULL));
	EXPECT_EQ(0, shadowk_process_unbind(self->ctx, 0));
	EXPECT_EQ(-ENOENT, shadowk_process_unbind(self->ctx, 0));
}

TEST_F(lib, bad_arguments)
{
	SHADOWK_OPTS(inject, inj, .value = -EIO);
	struct shadowk_probe_entry *e;
	char longname[200];
	__u32 id;
	size_t n;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	EXPECT_EQ(-EINVAL, shadowk_probe_add(self->ctx, self->id, "", NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_probe_add(self->ctx, self->id, NULL, NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_probe_add(self->ctx, self->id, "0xzz", NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_probe_add(self->ctx, self->id, "0x", NULL, &id));
	EXPECT_EQ(-ENAMETOOLONG, shadowk_probe_add(self->ctx, self->id, longname,
						   NULL, &id));
	EXPECT_EQ(-ENOENT, shadowk_probe_add(self->ctx, self->id, "no_such_fn_x",
					     NULL, &id));
	EXPECT_EQ(-ENOENT, shadowk_probe_add(self->ctx, 999999, "vfs_read", NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_probe_add(self->ctx, self->id, "vfs_read", NULL, NULL));
	EXPECT_EQ(-EINVAL, shadowk_inject_set(self->ctx, self->id, "vfs_read", NULL));
	EXPECT_EQ(-EOPNOTSUPP, shadowk_inject_set(self->ctx, self->id, "vfs_read", &inj));
	EXPECT_EQ(-EINVAL, shadowk_probe_list(self->ctx, self->id, NULL, &n));
	EXPECT_EQ(-ENOENT, shadowk_probe_list(self->ctx, 999999, &e, &n));
	EXPECT_EQ(-EINVAL, shadowk_clone_info(NULL, self->id, NULL));
	EXPECT_EQ(-EINVAL, shadowk_process_bind(NULL, self->id, 0, NULL));
	EXPECT_EQ(-ESRCH, shadowk_process_bind(self->ctx, self->id, 999999, NULL));
}

TEST_HARNESS_MAIN
