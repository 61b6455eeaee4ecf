// SPDX-License-Identifier: GPL-2.0
/*
 * The one TLB flush shadowk uses, for every change it makes to a page
 * table that a CPU may be walking: every CPU, every PCID, global entries
 * and paging-structure caches included, and the call returns only when all
 * CPUs have done it.  The argument for why this suffices is in
 * Documentation/internals/shadowk.rst ("The flush protocol").
 */

#include <linux/smp.h>

#include <asm/tlbflush.h>

#include "stats.h"
#include "tlb.h"

static void shadowk_tlb_flush_local(void *unused)
{
	/* INVPCID all-context, or a CR4.PGE toggle: all PCIDs, globals too. */
	__flush_tlb_all();
}

void shadowk_tlb_flush_all(void)
{
	shadowk_stats_inc(SHADOWK_STAT_FLUSH_ALL);
	on_each_cpu(shadowk_tlb_flush_local, NULL, 1);
}
