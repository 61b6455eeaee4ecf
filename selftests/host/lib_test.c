// SPDX-License-Identifier: GPL-2.0
/* libshadowk where there is no shadowk: the errors a caller can act on. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libshadowk.h>

#include "kselftest_harness.h"

static int new_with_device(const char *path, struct shadowk_ctx **ctx)
{
	setenv("SHADOWK_DEVICE", path, 1);
	return shadowk_new(ctx, NULL);
}

TEST(missing_device_is_enoent)
{
	struct shadowk_ctx *ctx = (void *)1;

	errno = 0;
	EXPECT_EQ(-ENOENT, new_with_device("/nonexistent/shadowk", &ctx));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(NULL, ctx);
}

/*
 * A device named on purpose is never a reason to load a module: with
 * SHADOWK_NEW_LOAD_MODULE the answer is still ENOENT, and this build
 * machine's kernel is left alone.
 */
TEST(named_device_never_loads)
{
	SHADOWK_OPTS(new, o, .flags = SHADOWK_NEW_LOAD_MODULE,
		     .device = "/nonexistent/shadowk");
	struct shadowk_ctx *ctx = (void *)1;

	unsetenv("SHADOWK_DEVICE");
	EXPECT_EQ(-ENOENT, shadowk_new(&ctx, &o));
	EXPECT_EQ(NULL, ctx);
	setenv("SHADOWK_DEVICE", "/nonexistent/shadowk", 1);
	o.device = NULL;
	EXPECT_EQ(-ENOENT, shadowk_new(&ctx, &o));
}

TEST(new_checks_its_options)
{
	SHADOWK_OPTS(new, o, .device = "/nonexistent/shadowk");
	struct shadowk_ctx *ctx;

	o.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, shadowk_new(&ctx, &o));
	EXPECT_EQ(EINVAL, errno);
	o.flags = 0;
	o.sz = 4;
	EXPECT_EQ(-EINVAL, shadowk_new(&ctx, &o));
}

/* A node that is not shadowk fails the handshake, and nothing leaks. */
TEST(wrong_device_fails_handshake)
{
	struct shadowk_ctx *ctx = (void *)1;

	EXPECT_EQ(-ENOTTY, new_with_device("/dev/null", &ctx));
	EXPECT_EQ(NULL, ctx);
}

TEST(null_arguments_are_einval)
{
	struct shadowk_info info;

	EXPECT_EQ(-EINVAL, shadowk_new(NULL, NULL));
	EXPECT_EQ(-EINVAL, shadowk_get_info(NULL, &info));
	/* NULL is accepted wherever a context is dropped. */
	EXPECT_EQ(NULL, shadowk_ref(NULL));
	EXPECT_EQ(NULL, shadowk_unref(NULL));
	shadowk_set_log_fn(NULL, NULL, NULL);
}

/* Every call checks its context before it touches a device. */
TEST(every_call_needs_a_context)
{
	struct shadowk_probe_entry *entries;
	struct shadowk_inject_entry *ie;
	struct shadowk_bpf_entry *be;
	struct shadowk_process_info pi;
	struct shadowk_clone_info ci;
	struct shadowk_probe_read pr;
	struct shadowk_inject_read ir;
	struct shadowk_verify v;
	SHADOWK_OPTS(inject, inj, .value = -EIO);
	__u32 id, *ids;
	__u64 u;
	size_t n;

	EXPECT_EQ(-EINVAL, shadowk_clone_create(NULL, NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_clone_destroy(NULL, 1));
	EXPECT_EQ(-EINVAL, shadowk_clone_info(NULL, 1, &ci));
	EXPECT_EQ(-EINVAL, shadowk_clone_list(NULL, &ids, &n));
	EXPECT_EQ(-EINVAL, shadowk_clone_find(NULL, "x", &id));
	EXPECT_EQ(-EINVAL, shadowk_clone_verify(NULL, 1, &v));
	EXPECT_EQ(-EINVAL, shadowk_process_bind(NULL, 1, 0, NULL));
	EXPECT_EQ(-EINVAL, shadowk_process_unbind(NULL, 0));
	EXPECT_EQ(-EINVAL, shadowk_site_add(NULL, 1, "f", NULL, &id, &u));
	EXPECT_EQ(-EINVAL, shadowk_site_del(NULL, 1));
	EXPECT_EQ(-EINVAL, shadowk_probe_add(NULL, 1, "f", NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_probe_del(NULL, 1, &u));
	EXPECT_EQ(-EINVAL, shadowk_probe_read(NULL, 1, &pr));
	EXPECT_EQ(-EINVAL, shadowk_probe_list(NULL, 1, &entries, &n,
					      sizeof(*entries)));
	EXPECT_EQ(-EINVAL, shadowk_probe_find(NULL, 1, "f", &id));
	EXPECT_EQ(-EINVAL, shadowk_inject_set(NULL, 1, "f", &inj, &id));
	EXPECT_EQ(-EINVAL, shadowk_inject_read(NULL, 1, &ir));
	EXPECT_EQ(-EINVAL, shadowk_inject_del(NULL, 1, NULL));
	EXPECT_EQ(-EINVAL, shadowk_inject_list(NULL, 1, &ie, &n, sizeof(*ie)));
	EXPECT_EQ(-EINVAL, shadowk_inject_find(NULL, 1, "f", &id));
	EXPECT_EQ(-EINVAL, shadowk_process_info(NULL, 0, &pi));
	EXPECT_EQ(-EINVAL, shadowk_bpf_attach(NULL, 1, "f", 0, NULL, &id));
	EXPECT_EQ(-EINVAL, shadowk_bpf_detach(NULL, 1, NULL));
	EXPECT_EQ(-EINVAL, shadowk_bpf_list(NULL, 1, &be, &n, sizeof(*be)));
}

TEST(opts_macro_sets_the_size)
{
	SHADOWK_OPTS(inject, o, .nth = 3);

	EXPECT_EQ(sizeof(struct shadowk_inject_opts), o.sz);
	EXPECT_EQ(3, o.nth);
	EXPECT_EQ(0, o.flags);
}

TEST(version_is_semver)
{
	const char *v = shadowk_lib_version();
	unsigned int a, b, c;

	ASSERT_NE(NULL, v);
	EXPECT_EQ(3, sscanf(v, "%u.%u.%u", &a, &b, &c));
	/* The header's macros are this library's version. */
	EXPECT_EQ(LIBSHADOWK_MAJOR_VERSION, a);
	EXPECT_EQ(LIBSHADOWK_MINOR_VERSION, b);
	EXPECT_EQ(LIBSHADOWK_PATCH_VERSION, c);
}

TEST_HARNESS_MAIN
