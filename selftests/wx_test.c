// SPDX-License-Identifier: GPL-2.0
/*
 * W^X: a private frame mapped as kernel text in a clone has no writable
 * mapping: its direct-map alias is not present.  Checked by sk_wx.ko from
 * the page tables of the process that asks, bound and unbound.
 */

#include <stdlib.h>
#include <sys/wait.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define CHECK "/sys/module/sk_wx/parameters/check"

FIXTURE(wx) {
	int fd;
	__u32 id;
};

FIXTURE_SETUP(wx)
{
	int status = system("insmod /shadowk/kmod-tests/sk_wx.ko");

	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	self->fd = sk_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, sk_create(self->fd, NULL, &self->id));
}

FIXTURE_TEARDOWN(wx)
{
	sk_unbind(self->fd, 0);
	sk_destroy(self->fd, self->id);
	close(self->fd);
	system("rmmod sk_wx");
}

TEST_F(wx, private_frames_are_not_writable)
{
	struct shadowk_probe_add a = {
		.size = sizeof(a), .clone_id = self->id,
		.func.symbol = "__x64_sys_getppid",
	};
	char addr[32];

	ASSERT_EQ(0, sk_ioctl(self->fd, SHADOWK_IOC_PROBE_ADD, &a));
	ASSERT_NE(0, a.out_site);
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)a.out_site);
	/* Unbound, this process runs the kernel's own frame there. */
	EXPECT_EQ(ENOENT, sk_write_file(CHECK, addr));
	ASSERT_EQ(0, sk_bind(self->fd, self->id, 0, 0));
	/* Bound, a private one, mapped as text and nowhere writable. */
	EXPECT_EQ(0, sk_write_file(CHECK, addr));
	ASSERT_EQ(0, sk_unbind(self->fd, 0));
	EXPECT_EQ(ENOENT, sk_write_file(CHECK, addr));
}

TEST_HARNESS_MAIN
