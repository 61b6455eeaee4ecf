// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the byte merge around owned sites, included by mirror.c so
 * that it sees its static functions; run at load with selftest=1.
 */

#include "../selftest.h"

bool __init shadowk_mirror_selftest(void)
{
	static const u8 nop5[SHADOWK_SITE_LEN] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	struct shadowk_site a = { .addr = 0x1010 }, b = { .addr = 0x1ffb };
	struct shadowk_frame frame = { .va = 0x1000 };
	bool ok = true, displace = false;

	INIT_LIST_HEAD(&frame.sites);
	list_add(&a.frame_node, &frame.sites);
	list_add(&b.frame_node, &frame.sites);
	memcpy(a.kernel_insn, nop5, SHADOWK_SITE_LEN);

	/* Which site covers a byte: its five bytes and no others. */
	ok &= !shadowk_mirror_site_at(&frame, 0x100f);
	ok &= shadowk_mirror_site_at(&frame, 0x1010) == &a;
	ok &= shadowk_mirror_site_at(&frame, 0x1014) == &a;
	ok &= !shadowk_mirror_site_at(&frame, 0x1015);
	ok &= shadowk_mirror_site_at(&frame, 0x1fff) == &b;

	/* Outside a site the kernel's byte goes in. */
	ok &= shadowk_mirror_merge(NULL, 0x1000, 0xcc, 0x90, false, &displace) ==
	      0xcc && !displace;
	/* In a site, the call stays and the kernel's byte is recorded. */
	ok &= shadowk_mirror_merge(&a, 0x1010, 0xe8, 0xe8, false, &displace) ==
	      0xe8 && a.kernel_insn[0] == 0xe8 && !displace;
	ok &= shadowk_mirror_merge(&a, 0x1011, 0x12, 0x77, false, &displace) ==
	      0x77 && a.kernel_insn[1] == 0x12 && !displace;
	/* The writer re-reads through this clone: the kernel's bytes go in. */
	ok &= shadowk_mirror_merge(&a, 0x1012, 0x34, 0x77, true, &displace) ==
	      0x34 && displace;
	/* Displaced, the frame follows the kernel whoever writes. */
	a.displaced = true;
	displace = false;
	ok &= shadowk_mirror_merge(&a, 0x1013, 0x56, 0x77, false, &displace) ==
	      0x56 && a.kernel_insn[3] == 0x56 && !displace;
	return ok;
}
