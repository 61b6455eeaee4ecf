// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel code that checks its own text before patching it must read the
 * kernel's text, not a clone's.
 *
 * ftrace_replace_code() compares every fentry site it is about to change
 * with what it expects, reading through the page tables of whoever runs
 * it; on a mismatch it WARNs and disables ftrace for good.  Run by a bound
 * process (echo function > current_tracer, a BPF attach, perf) it would
 * read the clone, and a site the clone owns would not match.  So for its
 * duration a bound caller runs on init_mm, as a lazy CPU does, and goes
 * back to its own mm when it returns.  The function touches no user
 * memory, and __text_poke() then re-reads through init_mm as well, so the
 * clone's owned sites need not take the kernel's bytes meanwhile.  The
 * same holds for ftrace_arch_code_modify_post_process(), which flushes
 * the last queued pokes (on 6.12 outside ftrace_replace_code()).
 *
 * A context switch in the middle (6.12's write phase reschedules; with
 * preempt=full anything can) reloads the task's own mm, so the guard
 * also puts a preempt notifier on the task that switches back to init_mm
 * each time it is scheduled in.  Preempt notifiers cost every context
 * switch a test while enabled, so they are enabled only while some clone
 * owns a site, the only time the guard has anything to guard.
 *
 * The other verifiers read sites shadowk never owns (jump labels, static
 * calls, kprobes, BPF's own pokes), whose bytes are the same in every
 * clone; __text_poke()'s own check is handled in poke.c.
 */

#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/kprobes.h>
#include <linux/preempt.h>
#include <linux/sched.h>

#include "compat.h"
#include "ksyms.h"
#include "pgtable.h"
#include "view.h"

static bool shadowk_view_bound(struct mm_struct *mm)
{
	return pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) !=
	       pgd_val(shadowk_pgtable_original());
}

struct shadowk_view_guard {
	struct preempt_notifier pn;
	bool on;
};

/* Sites that exist, in all clones; notifiers are enabled while non-zero. */
static atomic_t shadowk_view_sites = ATOMIC_INIT(0);

static void shadowk_view_load(struct mm_struct *mm, struct task_struct *tsk)
{
	unsigned long flags;

	local_irq_save(flags);
	shadowk_ksyms_switch_mm_irqs_off(NULL, mm, tsk);
	local_irq_restore(flags);
}

/* The scheduler just loaded the task's own mm: keep the guard. */
static void shadowk_view_sched_in(struct preempt_notifier *pn, int cpu)
{
	shadowk_view_load(shadowk_ksyms.init_mm, NULL);
}

static void shadowk_view_sched_out(struct preempt_notifier *pn,
				   struct task_struct *next)
{
}

static struct preempt_ops shadowk_view_preempt_ops = {
	.sched_in = shadowk_view_sched_in,
	.sched_out = shadowk_view_sched_out,
};

static int shadowk_view_enter(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct shadowk_view_guard *guard = (void *)ri->data;
	struct mm_struct *mm = current->mm;

	guard->on = false;
	if (!atomic_read(&shadowk_view_sites) || !mm ||
	    current->active_mm != mm ||
	    this_cpu_read(cpu_tlbstate_shared.is_lazy) ||
	    !shadowk_view_bound(mm))
		return 0;
	shadowk_view_load(shadowk_ksyms.init_mm, NULL);
	preempt_notifier_init(&guard->pn, &shadowk_view_preempt_ops);
	preempt_notifier_register(&guard->pn);
	guard->on = true;
	return 0;
}

static int shadowk_view_leave(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct shadowk_view_guard *guard = (void *)ri->data;

	if (!guard->on)
		return 0;
	preempt_notifier_unregister(&guard->pn);
	/* A no-op if the scheduler already brought the task's mm back. */
	shadowk_view_load(current->mm, current);
	return 0;
}

/*
 * Sleepable, and never under text_mutex: enabling the notifiers patches
 * a static key.  Called when a site is added and after one is removed.
 */
void shadowk_view_site_added(void)
{
	if (atomic_inc_return(&shadowk_view_sites) == 1)
		preempt_notifier_inc();
}

void shadowk_view_site_removed(void)
{
	if (atomic_dec_and_test(&shadowk_view_sites))
		preempt_notifier_dec();
}

/* ftrace serialises its updates; room for nesting to be safe. */
#define SHADOWK_VIEW_PROBE(sym) {				\
	.kp.symbol_name = sym,					\
	.entry_handler = shadowk_view_enter,			\
	.handler = shadowk_view_leave,				\
	.data_size = sizeof(struct shadowk_view_guard),		\
	.maxactive = 8,						\
}

static struct kretprobe shadowk_view_probes[] = {
	SHADOWK_VIEW_PROBE("ftrace_replace_code"),
	SHADOWK_VIEW_PROBE("ftrace_arch_code_modify_post_process"),
};

int __init shadowk_view_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(shadowk_view_probes); i++) {
		err = register_kretprobe(&shadowk_view_probes[i]);
		if (err) {
			pr_err("cannot probe %s (%d)\n",
			       shadowk_view_probes[i].kp.symbol_name, err);
			while (i--)
				unregister_kretprobe(&shadowk_view_probes[i]);
			return err;
		}
	}
	return 0;
}

void shadowk_view_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shadowk_view_probes); i++)
		unregister_kretprobe(&shadowk_view_probes[i]);
}
