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
 * The other verifiers read sites shadowk never owns (jump labels, static
 * calls, kprobes, BPF's own pokes), whose bytes are the same in every
 * clone; __text_poke()'s own check is handled in poke.c.
 */

#include <linux/irqflags.h>
#include <linux/kprobes.h>
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

static int shadowk_view_enter(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	bool *switched = (bool *)ri->data;
	unsigned long flags;

	*switched = false;
	if (!mm || current->active_mm != mm ||
	    this_cpu_read(cpu_tlbstate_shared.is_lazy) ||
	    !shadowk_view_bound(mm))
		return 0;
	local_irq_save(flags);
	shadowk_ksyms_call_void(switch_mm_irqs_off, NULL,
			   shadowk_ksyms.init_mm, NULL);
	local_irq_restore(flags);
	*switched = true;
	return 0;
}

static int shadowk_view_leave(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	unsigned long flags;

	if (!*(bool *)ri->data)
		return 0;
	/* A no-op if the task was scheduled out and back meanwhile. */
	local_irq_save(flags);
	shadowk_ksyms_call_void(switch_mm_irqs_off, NULL, current->mm, current);
	local_irq_restore(flags);
	return 0;
}

/* ftrace serialises its updates; room for nesting to be safe. */
#define SHADOWK_VIEW_PROBE(sym) {				\
	.kp.symbol_name = sym,					\
	.entry_handler = shadowk_view_enter,			\
	.handler = shadowk_view_leave,				\
	.data_size = sizeof(bool),				\
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
