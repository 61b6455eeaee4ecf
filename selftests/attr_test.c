// SPDX-License-Identifier: GPL-2.0
/*
 * A clone keeps no mapping the kernel has given up: when the kernel splits
 * a 2 MiB page of its image's mapping to change one page's attributes
 * (sk_cpa.ko makes it), a bound process's view follows at once, not at the
 * clone's next change of text.
 *
 * It needs a free page of the image's physical range still under a 2 MiB
 * entry, which the kernel splits for good the first time anything changes
 * such a page: the VM runs it first, before the other tests load modules.
 */

#include <stdlib.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define CPA "/sys/module/sk_cpa/parameters/"

FIXTURE(cpa) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(cpa)
{
	int status = system("insmod /shadowk/kmod-tests/sk_cpa.ko");

	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(cpa)
{
	sk_unbind(self->fd, 0);
	sk_destroy(self->fd, self->id);
	close(self->fd);
	system("rmmod sk_cpa");
}

TEST_F(cpa, image_splits_reach_a_bound_process)
{
	struct shadowk_verify v;
	char alias[32] = "";
	FILE *f;
	int err;

	/* A private page first, so the clone has more than copies. */
	ASSERT_EQ(0, sk_probe_add(self->fd, self->id, "__x64_sys_getppid", 0,
				  NULL));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	ASSERT_EQ(0, v.out_diff_entries);

	/* Bound, with no change of text from here on. */
	err = sk_write_file(CPA "split", "1");
	if (err == ENOENT)
		SKIP(return, "no free page of the image's physical range is under a 2 MiB entry: nothing to split");
	ASSERT_EQ(0, err);
	f = fopen(CPA "alias", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(alias, sizeof(alias), f));
	fclose(f);
	alias[strcspn(alias, "\n")] = 0;
	TH_LOG("split at %#llx", strtoull(alias, NULL, 0));

	ASSERT_EQ(0, sk_verify(self->fd, self->id, &v));
	EXPECT_EQ(0, v.out_diff_entries);
	EXPECT_EQ(0, v.out_diff_bytes);
	/* This process's own tables map it as the kernel's do. */
	EXPECT_EQ(0, sk_write_file(CPA "check", alias));
	ASSERT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(0, sk_write_file(CPA "check", alias));
}

TEST_HARNESS_MAIN
