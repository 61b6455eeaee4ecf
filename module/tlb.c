// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB flushes shadowk uses.  The all-CPU one, for every change to a
 * page table that any CPU may be walking: every CPU, every PCID, global
 * entries and paging-structure caches included, and it returns only when
 * all CPUs have done it.  The local one, for a change only this CPU can
 * have seen (an exec's brand-new address space).  The argument for why
 * they suffice is in Documentation/internals/shadowk.rst ("The flush
 * protocol").
 */

#include <linux/lockdep.h>
#include <linux/smp.h>

#include "ksyms.h"
#include "stats.h"
#include "tlb.h"

static void shadowk_tlb_flush_cpu(void *unused)
{
	/* INVPCID all-context, or a CR4.PGE toggle: all PCIDs, globals too. */
	shadowk_ksyms___flush_tlb_all();
}

void shadowk_tlb_flush_all(void)
{
	shadowk_stats_inc(SHADOWK_STAT_FLUSH_ALL);
	on_each_cpu(shadowk_tlb_flush_cpu, NULL, 1);
}

/* Interrupts off, so that the flush is of this CPU's TLB. */
void shadowk_tlb_flush_local(void)
{
	lockdep_assert_irqs_disabled();
	shadowk_stats_inc(SHADOWK_STAT_FLUSH_LOCAL);
	shadowk_ksyms___flush_tlb_all();
}
