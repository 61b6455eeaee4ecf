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
	return shadowk_new(ctx);
}

TEST(missing_device_is_enoent)
{
	struct shadowk_ctx *ctx = (void *)1;

	EXPECT_EQ(-ENOENT, new_with_device("/nonexistent/shadowk", &ctx));
	EXPECT_EQ(NULL, ctx);
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

	EXPECT_EQ(-EINVAL, shadowk_new(NULL));
	EXPECT_EQ(-EINVAL, shadowk_get_info(NULL, &info));
	/* NULL is accepted wherever a context is dropped. */
	EXPECT_EQ(NULL, shadowk_ref(NULL));
	EXPECT_EQ(NULL, shadowk_unref(NULL));
	shadowk_set_log_fn(NULL, NULL, NULL);
}

TEST(version_is_semver)
{
	const char *v = shadowk_lib_version();
	unsigned int a, b, c;

	ASSERT_NE(NULL, v);
	EXPECT_EQ(3, sscanf(v, "%u.%u.%u", &a, &b, &c));
}

TEST_HARNESS_MAIN
