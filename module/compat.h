/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels shadowk supports lives here,
 * tested by feature rather than by version where the headers allow it.
 * Core code is written for the newest supported kernel.
 */
#ifndef _SHADOWK_COMPAT_H
#define _SHADOWK_COMPAT_H

#include <linux/kconfig.h>

#if !defined(CONFIG_X86_64)
#error "shadowk supports x86-64 only"
#endif
#if !IS_ENABLED(CONFIG_KPROBES)
#error "shadowk needs CONFIG_KPROBES to find kallsyms_lookup_name"
#endif
#if !IS_ENABLED(CONFIG_KALLSYMS_ALL)
#error "shadowk needs CONFIG_KALLSYMS_ALL to resolve kernel data symbols"
#endif
#if !IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#error "shadowk needs CONFIG_DYNAMIC_FTRACE_WITH_REGS"
#endif
#if !IS_ENABLED(CONFIG_BPF_EVENTS)
#error "shadowk needs CONFIG_BPF_EVENTS, for BPF programs at scoped sites"
#endif
#if !IS_ENABLED(CONFIG_PREEMPT_NOTIFIERS)
#error "shadowk needs CONFIG_PREEMPT_NOTIFIERS (selected by CONFIG_KVM_INTEL or CONFIG_KVM_AMD)"
#endif

/*
 * asm/tlbflush.h hides struct tlb_state_shared from modules although the
 * per-CPU variable is exported; its one member is all shadowk reads.
 */
#include <linux/percpu-defs.h>

struct shadowk_compat_tlb_state_shared {
	bool is_lazy;
};
DECLARE_PER_CPU_SHARED_ALIGNED(struct shadowk_compat_tlb_state_shared,
			       cpu_tlbstate_shared);

/*
 * rethook, for return probes.  Since 6.6 its nodes live in an objpool that
 * rethook_alloc() fills (their size and number its arguments), and the
 * handler is also given the return address; before, the user added nodes
 * of its own with rethook_add_node().  The objpool header is the test.
 */
#include <linux/rethook.h>
#ifdef _LINUX_OBJPOOL_H
#define SHADOWK_COMPAT_RETHOOK_OBJPOOL 1
#define SHADOWK_COMPAT_RETHOOK_HANDLER(name)				\
	void name(struct rethook_node *node, void *data,		\
		  unsigned long ret_addr, struct pt_regs *regs)
#else
#define SHADOWK_COMPAT_RETHOOK_OBJPOOL 0
#define SHADOWK_COMPAT_RETHOOK_HANDLER(name)				\
	void name(struct rethook_node *node, void *data,		\
		  struct pt_regs *regs)
#endif

/*
 * A program's sleepable flag moved from its aux into a bit of struct
 * bpf_prog in 6.10.  No macro tells, so Kbuild reads the header and
 * defines SHADOWK_COMPAT_PROG_SLEEPABLE_BIT.
 */
#ifdef SHADOWK_COMPAT_PROG_SLEEPABLE_BIT
#define shadowk_compat_bpf_sleepable(prog) ((prog)->sleepable)
#else
#define shadowk_compat_bpf_sleepable(prog) ((prog)->aux->sleepable)
#endif

/*
 * Is @task, running @mm, dumpable as its owner (what ptrace lets its
 * owner attach to)?  The mark lived in mm->flags until 7.x moved it to
 * the task's exec_state; SUID_DUMP_USER went with it.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#ifdef SUID_DUMP_USER
static inline bool shadowk_compat_dumpable(struct task_struct *task,
					   struct mm_struct *mm)
{
	return get_dumpable(mm) == SUID_DUMP_USER;
}
#else
#include <linux/sched/exec_state.h>
static inline bool shadowk_compat_dumpable(struct task_struct *task,
					   struct mm_struct *mm)
{
	struct task_exec_state *state;
	bool owner;

	rcu_read_lock();
	state = rcu_dereference(task->exec_state);
	owner = READ_ONCE(state->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return owner;
}
#endif

#endif /* _SHADOWK_COMPAT_H */
