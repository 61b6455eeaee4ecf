// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel lockdown in integrity mode forbids changing kernel code: adding a
 * site, probe or injection is refused with EPERM, while what changes no
 * code, or gives code back to the kernel, keeps working.
 * Lockdown cannot be lifted, so guest.sh runs this program after all the
 * others but ftrace_death_test.
 */

#include <sys/mount.h>
#include <sys/stat.h>

#include "shadowk_test.h"
#include "shadowk_harness.h"

#define LOCKDOWN "/sys/kernel/security/lockdown"

static int lockdown_available(void)
{
	struct stat st;

	if (stat(LOCKDOWN, &st))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0,
		      NULL);
	return stat(LOCKDOWN, &st) == 0;
}

TEST(integrity_lockdown_refuses_patching)
{
	int fd = sk_open(), lfd;
	__u32 id, other, probe;

	ASSERT_LE(0, fd);
	if (!lockdown_available())
		SKIP(return, "no lockdown LSM in this kernel");
	ASSERT_EQ(0, sk_create(fd, NULL, &id));
	ASSERT_EQ(0, sk_site_add(fd, id, "__x64_sys_getppid", 0,
				 SHADOWK_SITE_NONE, 0, 0));
	ASSERT_EQ(0, sk_probe_add(fd, id, "__x64_sys_getppid", 0, &probe));
	ASSERT_EQ(0, sk_inject(fd, id, "__x64_sys_getuid",
			       SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));

	/* The tool says which mode, and what it means for shadowk. */
	EXPECT_EQ(0, system("shadowk version | grep -qx 'kernel lockdown *none'"));
	lfd = open(LOCKDOWN, O_WRONLY);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(9, write(lfd, "integrity", 9));
	close(lfd);
	EXPECT_EQ(0, system("shadowk version | grep -qx 'kernel lockdown *integrity "
			    "(probes and injections are refused)'"));
	EXPECT_EQ(0, system("shadowk -j version | jq -e '.lockdown == \"integrity\"' > /dev/null"));

	EXPECT_EQ(EPERM, sk_site_add(fd, id, "__x64_sys_getpid", 0,
				     SHADOWK_SITE_NONE, 0, 0));
	EXPECT_EQ(EPERM, sk_probe_add(fd, id, "__x64_sys_getpid", 0, NULL));
	EXPECT_EQ(EPERM, sk_inject(fd, id, "__x64_sys_getpid",
				   SHADOWK_INJECT_ALWAYS, -EIO, 0, 0, 0, 0));
	/* Reading, and giving code back to the kernel, still work. */
	EXPECT_EQ(0, sk_probe_hits(fd, probe));
	EXPECT_EQ(0, sk_probe_del(fd, probe));
	EXPECT_EQ(0, sk_inject_del(fd, id, "__x64_sys_getuid"));
	/* Nothing that changes no kernel code is refused. */
	EXPECT_EQ(0, sk_create(fd, NULL, &other));
	EXPECT_EQ(0, sk_bind(fd, id, 0, 0));
	EXPECT_EQ(0, sk_unbind(fd, 0));
	EXPECT_EQ(0, sk_site_del(fd, id, "__x64_sys_getppid", 0));
	EXPECT_EQ(0, sk_destroy(fd, other));
	EXPECT_EQ(0, sk_destroy(fd, id));
}

TEST_HARNESS_MAIN
