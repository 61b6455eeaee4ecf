// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the page-table compare, included by pgtable.c so that it
 * sees its static functions; run at load with selftest=1.
 */

#include <linux/slab.h>

#include "../selftest.h"

bool __init shadowk_pgtable_selftest(void)
{
	DECLARE_BITMAP(privmap, PTRS_PER_PMD) = { 0 };
	u64 *copy, *orig;
	bool ok = true;
	unsigned int i;

	copy = kcalloc(PTRS_PER_PMD, sizeof(u64), GFP_KERNEL);
	orig = kcalloc(PTRS_PER_PMD, sizeof(u64), GFP_KERNEL);
	if (!copy || !orig) {
		kfree(copy);
		kfree(orig);
		return false;
	}
	for (i = 0; i < PTRS_PER_PMD; i++)
		copy[i] = orig[i] = 0x1000ULL * i | 0x63;
	ok &= !shadowk_pgtable_cmp(copy, orig, -1, NULL, false, NULL);

	/* Entry 7 is the clone's own, entry 9 a private PMD: both skipped. */
	orig[3] ^= 0x80;
	orig[7] ^= 0x80;
	orig[9] ^= 0x80;
	__set_bit(9, privmap);
	ok &= shadowk_pgtable_cmp(copy, orig, 7, privmap, false, NULL) == 1;
	ok &= copy[3] != orig[3];
	ok &= shadowk_pgtable_cmp(copy, orig, 7, privmap, true, NULL) == 1;
	ok &= copy[3] == orig[3] && copy[7] != orig[7] && copy[9] != orig[9];
	ok &= !shadowk_pgtable_cmp(copy, orig, 7, privmap, false, NULL);
	/* Without the exceptions, both count. */
	ok &= shadowk_pgtable_cmp(copy, orig, -1, NULL, false, NULL) == 2;

	kfree(copy);
	kfree(orig);
	return ok;
}
