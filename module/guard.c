// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel code that checks its own text before patching it must read the
 * kernel's text, not a clone's.
 *
 * ftrace_replace_code() compares every fentry site it is about to change
 * with what it expects, reading through the page tables the CPU has
 * loaded; on a mismatch it WARNs and disables ftrace for good.
 * ftrace_arch_code_modify_post_process() finishes the last queued writes
 * (on 6.12 outside ftrace_replace_code()).  Whoever runs them on a clone's
 * page tables reads the clone where it owns a site: a bound process (echo
 * function > current_tracer, a BPF attach, perf), a kernel thread that
 * borrowed a bound mm (kthread_use_mm()), and, above all, any kernel
 * thread that runs lazily on the page tables a bound process left loaded
 * on its CPU: the kworker that finishes a livepatch transition, any ftrace
 * update from a workqueue.  And the page tables a caller runs on can
 * become a clone's in the middle: a kernel thread preempted there resumes
 * lazily on whatever mm ran before it, and an address space can be bound
 * while one of its threads is in there.  So while any clone owns a site,
 * every call of these functions runs on init_mm, as the kernel's own
 * leave_mm() makes a lazy CPU do: whoever calls them, whatever it runs on.
 * A task with an mm of its own switches back to it when the function
 * returns; a lazy kernel thread stays on init_mm, and its next context
 * switch loads whatever the next task needs.  The functions touch no user
 * memory, and __text_poke() then re-reads through init_mm too (mirror.c).
 * ftrace updates are rare; the detour costs two CR3 writes each.
 *
 * A context switch in the middle loads the task's own mm again, or for a
 * kernel thread the previous task's, so the guard also puts a preempt
 * notifier on the task that leaves a clone's page tables each time it is
 * scheduled in.  Preempt notifiers cost every context switch a test while
 * enabled, so they are enabled only while some clone owns a site: only
 * then does any clone differ from the kernel where ftrace reads.
 *
 * The notifier lives in the kretprobe instance, so it must be gone before
 * the static key is disabled (registering one while the key is off WARNs)
 * and before the kretprobes are removed at unload (an instance whose
 * return handler never runs would leave it on the task): the last site's
 * removal stops new guards, waits until every registered one is removed,
 * and only then disables the key.  The other readers of kernel text read
 * sites shadowk never owns (jump labels, static calls, kprobes, BPF's own
 * pokes), whose bytes are the same in every clone.
 */

#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/sched.h>

#include "compat.h"
#include "guard.h"
#include "ksyms.h"
#include "pgtable.h"

struct shadowk_guard {
	struct preempt_notifier pn;
	struct mm_struct *back;	/* the task's own mm, to go back to */
	bool on;
};

/*
 * Sites in all clones (under the mutex, as is the key); whether guards may
 * register notifiers; and how many have.  A guard counts itself in before
 * it checks the flag again, and the last site's removal clears the flag
 * before it waits for the count: either the guard sees the flag cleared,
 * or the removal sees the guard.  Guards run in kprobe context, so no
 * lock.
 */
static DEFINE_MUTEX(shadowk_guard_mutex);
static unsigned int shadowk_guard_sites;
static bool shadowk_guard_armed;
static atomic_t shadowk_guard_active = ATOMIC_INIT(0);

static bool shadowk_guard_on_clone(void)
{
	return shadowk_pgtable_loaded() != pgd_val(shadowk_pgtable_original());
}

/*
 * Onto init_mm: always for a task leaving its own mm (which may be bound
 * at any moment), and for a lazy kernel thread if it runs on a clone.
 */
static void shadowk_guard_leave(struct mm_struct *own)
{
	unsigned long flags;

	local_irq_save(flags);
	if (own || shadowk_guard_on_clone())
		shadowk_ksyms_switch_mm_irqs_off(NULL, shadowk_ksyms.init_mm,
						 NULL);
	local_irq_restore(flags);
}

/* The scheduler just loaded the task's tables, or the previous task's. */
static void shadowk_guard_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct shadowk_guard *guard = container_of(pn, struct shadowk_guard,
						   pn);

	shadowk_guard_leave(guard->back);
}

static void shadowk_guard_sched_out(struct preempt_notifier *pn,
				    struct task_struct *next)
{
}

static struct preempt_ops shadowk_guard_preempt_ops = {
	.sched_in = shadowk_guard_sched_in,
	.sched_out = shadowk_guard_sched_out,
};

static int shadowk_guard_enter(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct shadowk_guard *guard = (void *)ri->data;
	struct mm_struct *mm = current->mm;
	bool lazy = this_cpu_read(cpu_tlbstate_shared.is_lazy);

	guard->on = false;
	if (!READ_ONCE(shadowk_guard_armed))
		return 0;
	atomic_inc(&shadowk_guard_active);
	/* Counted before the flag is read again; pairs with site_removed(). */
	smp_mb__after_atomic();
	if (!READ_ONCE(shadowk_guard_armed)) {
		atomic_dec(&shadowk_guard_active);
		return 0;
	}
	guard->on = true;
	/* Back to its own mm only if the task was running on it. */
	guard->back = mm && !lazy && current->active_mm == mm ? mm : NULL;
	shadowk_guard_leave(guard->back);
	preempt_notifier_init(&guard->pn, &shadowk_guard_preempt_ops);
	preempt_notifier_register(&guard->pn);
	return 0;
}

static int shadowk_guard_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct shadowk_guard *guard = (void *)ri->data;
	unsigned long flags;

	if (!guard->on)
		return 0;
	preempt_notifier_unregister(&guard->pn);
	if (guard->back) {
		/* A no-op if the scheduler already brought the mm back. */
		local_irq_save(flags);
		shadowk_ksyms_switch_mm_irqs_off(NULL, guard->back, current);
		local_irq_restore(flags);
	}
	atomic_dec(&shadowk_guard_active);
	return 0;
}

void shadowk_guard_site_added(void)
{
	mutex_lock(&shadowk_guard_mutex);
	if (!shadowk_guard_sites++) {
		preempt_notifier_inc();
		WRITE_ONCE(shadowk_guard_armed, true);
	}
	mutex_unlock(&shadowk_guard_mutex);
}

void shadowk_guard_site_removed(void)
{
	mutex_lock(&shadowk_guard_mutex);
	if (!--shadowk_guard_sites) {
		WRITE_ONCE(shadowk_guard_armed, false);
		/* The flag is cleared before the count is read; see enter(). */
		smp_mb();
		/*
		 * The guards in progress finish their ftrace update: polled,
		 * so that they need wake nobody from kprobe context.
		 */
		while (atomic_read(&shadowk_guard_active))
			schedule_timeout_uninterruptible(1);
		preempt_notifier_dec();
	}
	mutex_unlock(&shadowk_guard_mutex);
}

/* ftrace serialises its updates; room for nesting to be safe. */
#define SHADOWK_GUARD_PROBE(sym) {				\
	.kp.symbol_name = sym,					\
	.entry_handler = shadowk_guard_enter,			\
	.handler = shadowk_guard_return,			\
	.data_size = sizeof(struct shadowk_guard),		\
	.maxactive = 8,						\
}

static struct kretprobe shadowk_guard_probes[] = {
	SHADOWK_GUARD_PROBE("ftrace_replace_code"),
	SHADOWK_GUARD_PROBE("ftrace_arch_code_modify_post_process"),
};

int __init shadowk_guard_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(shadowk_guard_probes); i++) {
		err = register_kretprobe(&shadowk_guard_probes[i]);
		if (err) {
			pr_err("cannot probe %s (%d)\n",
			       shadowk_guard_probes[i].kp.symbol_name, err);
			while (i--)
				unregister_kretprobe(&shadowk_guard_probes[i]);
			return err;
		}
	}
	return 0;
}

/* Every site is gone: no guard holds a notifier any more. */
void shadowk_guard_exit(void)
{
	unsigned int i;

	WARN_ON_ONCE(shadowk_guard_sites || atomic_read(&shadowk_guard_active));
	for (i = 0; i < ARRAY_SIZE(shadowk_guard_probes); i++)
		unregister_kretprobe(&shadowk_guard_probes[i]);
}
