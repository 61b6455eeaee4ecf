// SPDX-License-Identifier: GPL-2.0
/*
 * Dispatch: what an owned site's call does, on every hit.
 *
 * Dispatch finds the site from the return address and the clone from the
 * page tables the CPU runs on: the clone whose top-level entry the active
 * mm holds is the only one whose text this CPU can be executing.  Its
 * users act, in a fixed order of direct calls, only for a bound process
 * in task context unless one says otherwise; in every case the call then
 * does what the kernel has at the site (nothing, or its call or jump, as
 * mirror.c records it).  This is the one file that knows every kind of user.
 */

#include <linux/hashtable.h>
#include <linux/mm_types.h>
#include <linux/preempt.h>
#include <linux/sched.h>

#include <asm/text-patching.h>

#include <uapi/linux/shadowk.h>

#include "bpf.h"
#include "clone.h"
#include "dispatch.h"
#include "inject.h"
#include "pgtable.h"
#include "probe.h"
#include "raw.h"
#include "redirect.h"
#include "site.h"
#include "stats.h"

/*
 * A user of the site, preemption off.  Not rcu_dereference_sched(): its
 * lockdep check runs code the function tracer and shadowk itself may hook.
 */
#define shadowk_dispatch_user(site, slot, type) ({			\
	struct shadowk_site_user *__su =				\
		rcu_dereference_raw_check((site)->users[slot]);		\
	__su ? container_of(__su, type, user) : NULL;		\
})

/*
 * Is current a bound process's own thread (not a kernel thread that
 * borrowed its mm) whose address space is bound to @view?
 */
static bool shadowk_dispatch_bound_current(u64 view)
{
	struct mm_struct *mm = current->mm;

	return mm && !(current->flags & PF_KTHREAD) &&
	       pgd_val(READ_ONCE(*shadowk_pgtable_mm_entry(mm))) == view;
}

/*
 * The users of @site, the site of the clone whose text this CPU runs
 * (@view): what they make of the call, or CONTINUE for the kernel's own.
 */
static unsigned long shadowk_dispatch_users(struct shadowk_site *site, u64 view,
					    struct shadowk_tramp_regs *regs)
{
	bool bound = shadowk_dispatch_bound_current(view);
	bool task = bound && in_task();
	struct shadowk_redirect *redirect;
	struct shadowk_injection *inject;
	struct shadowk_probe *probe;
	struct shadowk_bpf *bpf;
	struct shadowk_raw *raw;

	probe = shadowk_dispatch_user(site, SHADOWK_SLOT_PROBE,
				      struct shadowk_probe);
	if (probe)
		shadowk_probe_hit(probe, task, bound, regs);
	if (task) {
		bpf = shadowk_dispatch_user(site, SHADOWK_SLOT_BPF,
					    struct shadowk_bpf);
		if (bpf)
			shadowk_bpf_enter(bpf, regs);
		bpf = shadowk_dispatch_user(site, SHADOWK_SLOT_BPF_RETURN,
					    struct shadowk_bpf);
		if (bpf)
			shadowk_bpf_enter(bpf, regs);
		inject = shadowk_dispatch_user(site, SHADOWK_SLOT_INJECT,
					       struct shadowk_injection);
		if (inject && shadowk_inject_fires(inject, current->mm)) {
			regs->ax = inject->value;
			return SHADOWK_TRAMP_RETURN;
		}
		redirect = shadowk_dispatch_user(site, SHADOWK_SLOT_REDIRECT,
						 struct shadowk_redirect);
		if (redirect) {
			regs->r11 = shadowk_redirect_enter(redirect);
			regs->r10 = (unsigned long)redirect;
			return SHADOWK_TRAMP_REDIRECT;
		}
	}
	raw = shadowk_dispatch_user(site, SHADOWK_SLOT_RAW, struct shadowk_raw);
	if (raw && raw->action == SHADOWK_SITE_RETURN &&
	    (task || (raw->flags & SHADOWK_SITE_ANY_CONTEXT))) {
		regs->ax = raw->value;
		return SHADOWK_TRAMP_RETURN;
	}
	return SHADOWK_TRAMP_CONTINUE;
}

/*
 * The view is decided by the page tables this CPU has loaded, not by
 * current->active_mm: the two differ in the windows where the kernel
 * switches mm (exec_mmap(), a context switch, kthread_use_mm()) and while
 * an unbind's flush is on its way to this CPU.  Whatever view the call
 * was made in, the kernel's instruction at the site runs: the users act
 * only when the CPU runs the clone whose site it is; otherwise any clone's
 * site at the address records the kernel's instruction (they all follow
 * the same kernel writes); and when no clone owns the address any more,
 * the view this call was made in is gone (unbound, site removed, each
 * flushed before the site is freed), so the site runs again in today's
 * view.  Never RESTART while some clone's frame with the call is still
 * mapped: that would loop.
 */
unsigned long notrace shadowk_dispatch_call(struct shadowk_tramp_regs *regs)
{
	unsigned long addr = regs->ip - SHADOWK_SITE_LEN;
	struct shadowk_site *site, *mine = NULL, *any = NULL;
	unsigned long ret = SHADOWK_TRAMP_CONTINUE;
	u64 view, insn;
	s32 rel;

	preempt_disable_notrace();
	view = shadowk_pgtable_loaded();
	hash_for_each_possible_rcu_notrace(shadowk_site_table, site, hnode,
					   addr) {
		if (site->addr != addr)
			continue;
		any = site;
		if (pgd_val(site->clone->pt.top) == view) {
			mine = site;
			break;
		}
	}
	if (!any) {
		ret = SHADOWK_TRAMP_RESTART;
		goto out;
	}
	/*
	 * Users are freed a grace period after they are cleared; an idle
	 * CPU RCU does not watch is not waited for (sites themselves are
	 * freed only after a flush, which waits for every CPU).
	 */
	if (mine && rcu_is_watching()) {
		ret = shadowk_dispatch_users(mine, view, regs);
		if (ret != SHADOWK_TRAMP_CONTINUE)
			goto out;
	}
	insn = READ_ONCE(any->chain_insn);
	rel = (s32)(insn >> 8);
	switch ((u8)insn) {
	case CALL_INSN_OPCODE:
		regs->r11 = addr + SHADOWK_SITE_LEN + rel;
		ret = SHADOWK_TRAMP_CALL;
		break;
	case JMP32_INSN_OPCODE:
		/* Only BPF's fexit and fmod_ret trampolines, on 7.x. */
		shadowk_stats_inc(SHADOWK_STAT_CHAIN_JMP);
		regs->r11 = addr + SHADOWK_SITE_LEN + rel;
		ret = SHADOWK_TRAMP_JMP;
		break;
	}
out:
	preempt_enable_notrace();
	return ret;
}
