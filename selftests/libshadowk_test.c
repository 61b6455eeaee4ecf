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
#include <stddef.h>
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

	ASSERT_EQ(0, shadowk_new(&self->ctx, NULL));
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
	SHADOWK_RESULT(info, info);

	ASSERT_EQ(0, shadowk_get_info(self->ctx, &info));
	EXPECT_EQ(SHADOWK_ABI_VERSION, info.out_abi_version);
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_NE(0, info.out_ioctls & (1ULL << (SHADOWK_CMD_INJECT_DEL - SHADOWK_CMD_BASE)));
	/* A second reference keeps the context open past one unref. */
	EXPECT_EQ(self->ctx, shadowk_ref(self->ctx));
	EXPECT_EQ(self->ctx, shadowk_unref(self->ctx));
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
	SHADOWK_RESULT(clone_info, info);
	SHADOWK_RESULT(verify, v);
	__u32 ids[40], *list, found, other;
	size_t n, i, seen = 0;
	char name[64];

	ASSERT_EQ(0, shadowk_clone_find(self->ctx, "libtest", &found));
	EXPECT_EQ(self->id, found);
	EXPECT_EQ(-ENOENT, shadowk_clone_find(self->ctx, "nope", &found));
	ASSERT_EQ(0, shadowk_clone_info(self->ctx, self->id, &info));
	EXPECT_STREQ("libtest", info.out_name);

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
	EXPECT_EQ(0, v.out_diff_bytes);
	EXPECT_EQ(0, v.out_diff_entries);
}

TEST_F(lib, bind_probe_site_inject)
{
	SHADOWK_OPTS(bind, b, .flags = SHADOWK_BIND_INHERIT_EXEC);
	SHADOWK_OPTS(site, s, .action = SHADOWK_SITE_RETURN, .value = 4242);
	SHADOWK_OPTS(inject, inj, .policy = SHADOWK_INJECT_FIRST_N,
		     .value = -ENOSPC, .nth = 2);
	SHADOWK_RESULT(process_info, pi);
	SHADOWK_RESULT(inject_read, r);
	SHADOWK_RESULT(inject_del, d);
	SHADOWK_RESULT(probe_read, pr);
	struct shadowk_inject_entry *ie;
	struct shadowk_probe_entry *e;
	__u32 probe, again, site_id, inject, found;
	char addr[32];
	__u64 hits, site;
	size_t n;
	int i;

	ASSERT_EQ(0, shadowk_probe_add(self->ctx, self->id, "__x64_sys_getppid",
				       NULL, &probe));
	ASSERT_EQ(0, shadowk_probe_read(self->ctx, probe, &pr));
	EXPECT_EQ(self->id, pr.out_clone_id);
	EXPECT_EQ(0, shadowk_probe_find(self->ctx, self->id,
					"__x64_sys_getppid", &found));
	EXPECT_EQ(probe, found);
	EXPECT_EQ(-ENOENT, shadowk_probe_find(self->ctx, self->id,
					      "__x64_sys_getpid", &found));
	/* The same function by address is the same site: taken. */
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)pr.out_site);
	EXPECT_EQ(-EBUSY, shadowk_probe_add(self->ctx, self->id, addr, NULL, &again));

	ASSERT_EQ(0, shadowk_process_bind(self->ctx, self->id, 0, &b));
	EXPECT_EQ(-EBUSY, shadowk_process_bind(self->ctx, self->id, 0, NULL));
	ASSERT_EQ(0, shadowk_process_info(self->ctx, 0, &pi));
	EXPECT_EQ(self->id, pi.out_clone_id);
	EXPECT_EQ(SHADOWK_BIND_INHERIT_EXEC, pi.out_bind_flags);
	for (i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ASSERT_EQ(0, shadowk_probe_list(self->ctx, self->id, &e, &n,
					sizeof(*e)));
	ASSERT_EQ(1, n);
	EXPECT_EQ(probe, e[0].probe_id);
	EXPECT_EQ(100, e[0].hits);
	free(e);

	ASSERT_EQ(0, shadowk_site_add(self->ctx, self->id, "__x64_sys_getpid", &s,
				      &site_id, &site));
	EXPECT_NE(0, site);
	EXPECT_EQ(4242, syscall(SYS_getpid));
	ASSERT_EQ(0, shadowk_site_del(self->ctx, site_id));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	EXPECT_EQ(-ENOENT, shadowk_site_del(self->ctx, site_id));

	ASSERT_EQ(0, shadowk_inject_set(self->ctx, self->id, "__x64_sys_getppid",
					&inj, &inject));
	EXPECT_EQ(-1, syscall(SYS_getppid));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(-1, syscall(SYS_getppid));
	EXPECT_LT(0, syscall(SYS_getppid));
	EXPECT_EQ(0, shadowk_inject_find(self->ctx, self->id,
					 "__x64_sys_getppid", &found));
	EXPECT_EQ(inject, found);
	ASSERT_EQ(0, shadowk_inject_list(self->ctx, self->id, &ie, &n,
					 sizeof(*ie)));
	ASSERT_EQ(1, n);
	EXPECT_EQ(inject, ie[0].inject_id);
	EXPECT_EQ(3, ie[0].calls);
	EXPECT_STREQ("__x64_sys_getppid", ie[0].symbol);
	free(ie);
	ASSERT_EQ(0, shadowk_inject_read(self->ctx, inject, &r));
	EXPECT_EQ(3, r.out.calls);
	EXPECT_EQ(2, r.out.injected);
	EXPECT_EQ(-ENOSPC, r.out.value);
	ASSERT_EQ(0, shadowk_inject_del(self->ctx, inject, &d));
	EXPECT_EQ(3, d.out_calls);
	EXPECT_EQ(-ENOENT, shadowk_inject_del(self->ctx, inject, NULL));

	ASSERT_EQ(0, shadowk_probe_del(self->ctx, probe, &hits));
	EXPECT_EQ(103, hits);
	EXPECT_EQ(-ENOENT, shadowk_probe_del(self->ctx, probe, NULL));
	EXPECT_EQ(0, shadowk_process_unbind(self->ctx, 0));
	EXPECT_EQ(-ENOENT, shadowk_process_unbind(self->ctx, 0));
	pi.size = sizeof(pi);
	ASSERT_EQ(0, shadowk_process_info(self->ctx, 0, &pi));
	EXPECT_EQ(0, pi.out_clone_id);
}

/*
 * The library's output ABI: a caller built against an older header
 * passes smaller structs and entries, and gets no byte past them; a
 * failure sets errno too.
 */
TEST_F(lib, results_carry_their_size)
{
	struct {
		struct shadowk_clone_info info;
		unsigned char guard[16];
	} old;
	const size_t first = offsetof(struct shadowk_clone_info, out_bytes) +
			     sizeof(__u64);
	struct shadowk_probe_entry *e;
	unsigned char *raw;
	__u32 p1, p2;
	size_t n, i;

	/* As large as the first version, no larger: the rest untouched. */
	memset(&old, 0xa5, sizeof(old));
	old.info.size = first;
	ASSERT_EQ(0, shadowk_clone_info(self->ctx, self->id, &old.info));
	EXPECT_EQ(first, old.info.size);
	EXPECT_STREQ("libtest", old.info.out_name);
	for (i = 0; i < sizeof(old.guard); i++)
		EXPECT_EQ(0xa5, old.guard[i]);
	/* Smaller than any version, or larger than a page: refused. */
	old.info.size = first - 1;
	errno = 0;
	EXPECT_EQ(-EINVAL, shadowk_clone_info(self->ctx, self->id, &old.info));
	EXPECT_EQ(EINVAL, errno);
	old.info.size = 8192;
	EXPECT_EQ(-E2BIG, shadowk_clone_info(self->ctx, self->id, &old.info));
	EXPECT_EQ(E2BIG, errno);
	errno = 0;
	EXPECT_EQ(-ENOENT, shadowk_clone_destroy(self->ctx, 999999));
	EXPECT_EQ(ENOENT, errno);

	/* Entries as far apart as the caller's own, larger, struct. */
	ASSERT_EQ(0, shadowk_probe_add(self->ctx, self->id, "__x64_sys_getppid",
				       NULL, &p1));
	ASSERT_EQ(0, shadowk_probe_add(self->ctx, self->id, "__x64_sys_getpid",
				       NULL, &p2));
	ASSERT_EQ(0, shadowk_probe_list(self->ctx, self->id, &e, &n,
					sizeof(*e) + 8));
	ASSERT_EQ(2, n);
	raw = (unsigned char *)e;
	EXPECT_EQ(p1, ((struct shadowk_probe_entry *)raw)->probe_id);
	EXPECT_EQ(p2, ((struct shadowk_probe_entry *)(raw + sizeof(*e) + 8))->probe_id);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, raw[sizeof(*e) + i]);
	free(e);
	EXPECT_EQ(-EINVAL, shadowk_probe_list(self->ctx, self->id, &e, &n, 4));
	EXPECT_EQ(EINVAL, errno);
}

/* The version macros agree with the library that was linked. */
TEST(lib_version_macros)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", LIBSHADOWK_MAJOR_VERSION,
		 LIBSHADOWK_MINOR_VERSION, LIBSHADOWK_PATCH_VERSION);
	EXPECT_STREQ(want, shadowk_lib_version());
	EXPECT_TRUE(LIBSHADOWK_VERSION_AT_LEAST(0, 1));
	EXPECT_FALSE(LIBSHADOWK_VERSION_AT_LEAST(LIBSHADOWK_MAJOR_VERSION + 1, 0));
}

TEST_F(lib, bad_arguments)
{
	SHADOWK_OPTS(inject, inj, .value = -EIO);
	struct shadowk_bpf_entry *be;
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
	EXPECT_EQ(-EINVAL, shadowk_inject_set(self->ctx, self->id, "vfs_read", NULL,
					      NULL));
	EXPECT_EQ(-EOPNOTSUPP, shadowk_inject_set(self->ctx, self->id, "vfs_read",
						  &inj, NULL));
	EXPECT_EQ(-EINVAL, shadowk_probe_list(self->ctx, self->id, NULL, &n,
					      sizeof(*e)));
	EXPECT_EQ(-ENOENT, shadowk_probe_list(self->ctx, 999999, &e, &n,
					      sizeof(*e)));
	EXPECT_EQ(-EINVAL, shadowk_probe_find(self->ctx, self->id, "0x1", &id));
	EXPECT_EQ(-EINVAL, shadowk_inject_find(self->ctx, self->id, NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_clone_info(NULL, self->id, NULL));
	EXPECT_EQ(-EINVAL, shadowk_process_bind(NULL, self->id, 0, NULL));
	EXPECT_EQ(-ESRCH, shadowk_process_bind(self->ctx, self->id, 999999, NULL));
	EXPECT_EQ(-EBADF, shadowk_bpf_attach(self->ctx, self->id, "vfs_read", -1,
					     NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_bpf_attach(self->ctx, self->id, "vfs_read", -1,
					      NULL, NULL));
	EXPECT_EQ(-ENOENT, shadowk_bpf_detach(self->ctx, 999999, NULL));
	EXPECT_EQ(0, shadowk_bpf_list(self->ctx, self->id, &be, &n, sizeof(*be)));
	EXPECT_EQ(0, n);
	free(be);
}

TEST_HARNESS_MAIN
