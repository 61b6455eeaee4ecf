// SPDX-License-Identifier: GPL-2.0
/*
 * An address space's view of the kernel's text, and how it may change.
 *
 * A view is the top-level entry an mm holds for the kernel image: the
 * kernel's own, the bridge's (bridge.c), or a clone's.  It is written in
 * one store.  How the change must then be made known depends on who can
 * have used the old view:
 *
 * - nobody, because the mm was never loaded (a child at fork): the store
 *   is all;
 * - only this CPU (an exec's new mm, loaded here and nowhere else): the
 *   move is made with interrupts off and local flushes, and the mm's TLB
 *   generation is bumped so that any CPU that loads it later flushes what
 *   it may hold for it first;
 * - any CPU (BIND, UNBIND, DESTROY of a live process): all-CPU flushes.
 *
 * A live move between the kernel's view and a clone's goes through the
 * bridge (shadowk_view_via()): store the bridge, flush, store the target
 * (and flush again if the target is a clone, so that it is in use when the
 * call returns).  The kernel maps text with 2 MiB pages, a clone with
 * 4 KiB ones and some frames of its own; the bridge has the kernel's
 * frames at 4 KiB.  Kernel to bridge changes page sizes only, bridge to
 * clone frames only, and the flush between them leaves no CPU holding a
 * translation of both kinds for one address: the iTLB-multihit erratum's
 * condition never arises.  The other direction likewise.
 */

#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/mm_types.h>
#include <linux/smp.h>

#include "bridge.h"
#include "pgtable.h"
#include "tlb.h"
#include "view.h"

void shadowk_view_set(struct mm_struct *mm, pgd_t view)
{
	WRITE_ONCE(*shadowk_pgtable_mm_entry(mm), view);
}

pgd_t shadowk_view_kernel(void)
{
	return shadowk_pgtable_original();
}

/*
 * The view a live mm passes through on its way to @to, the two steps
 * separated by an all-CPU flush: the bridge, or @to itself while no
 * clone anywhere differs from the kernel in page size.
 */
pgd_t shadowk_view_via(pgd_t to)
{
	pgd_t bridge = shadowk_bridge_top();

	return pgd_val(bridge) == pgd_val(shadowk_view_kernel()) ? to : bridge;
}

/*
 * Move @mm, loaded on this CPU, to @to if no other CPU has it loaded:
 * true if done.  Interrupts off (the caller holds an irqsave lock), so
 * nothing runs on @mm's old view here meanwhile but what the move itself
 * runs, and an NMI sees kernel frames or the clone's, never both sizes.
 */
bool shadowk_view_set_here(struct mm_struct *mm, pgd_t to)
{
	pgd_t via = shadowk_view_via(to);

	lockdep_assert_irqs_disabled();
	if (!cpumask_equal(mm_cpumask(mm), cpumask_of(smp_processor_id())))
		return false;
	if (pgd_val(via) != pgd_val(to)) {
		shadowk_view_set(mm, via);
		shadowk_tlb_flush_local();
	}
	shadowk_view_set(mm, to);
	shadowk_tlb_flush_local();
	/* A CPU that ran @mm before and loads it again flushes first. */
	atomic64_inc(&mm->context.tlb_gen);
	return true;
}
