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
 * The kernel maps every 2 MiB region in which some clone differs with
 * 4 KiB pages of the same frames (text.c), so no change of view changes a
 * translation's page size: a live move is one store and one flush.
 */

#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/mm_types.h>
#include <linux/smp.h>

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
 * separated by an all-CPU flush; none is needed yet (see the top).
 */
pgd_t shadowk_view_via(pgd_t to)
{
	return to;
}

/*
 * Move @mm, loaded on this CPU, to @to if no other CPU has it loaded:
 * true if done.  Interrupts off (the caller holds an irqsave lock), so
 * nothing runs on @mm's old view here meanwhile but what the move itself
 * runs.
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
