// SPDX-License-Identifier: GPL-2.0
/*
 * Running a BPF program at a scoped site, as the kernel runs a kprobe's.
 *
 * trace_call_bpf() is what the kernel does for kprobe and kretprobe
 * programs; this does the same for one program.  The per-CPU
 * bpf_prog_active count keeps a program from starting while another runs
 * on this CPU: a helper that reaches a site would recurse otherwise, and
 * BPF's maps rely on it (kernel/bpf/hashtab.c).  The RCU read lock is the
 * one maps' lookups check.  The run context is the one kprobe helpers
 * read from current (bpf_get_attach_cookie(), and bpf_get_func_ip() on
 * kernels with uprobe programs); zeroed, it gives a cookie of 0.  Callers
 * (dispatch, rethook's handler) have preemption off, which is what
 * bpf_prog_run() asks: the program cannot migrate.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/irqflags.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>

#include <asm/segment.h>

#include "bpfrun.h"
#include "dispatch.h"
#include "ksyms.h"
#include "site.h"

bool notrace shadowk_bpfrun_call(struct bpf_prog *prog, struct pt_regs *regs)
{
	struct bpf_trace_run_ctx run_ctx = {};
	struct bpf_run_ctx *old_run_ctx;
	bool ran = false;

	if (likely(this_cpu_inc_return(*shadowk_ksyms.bpf_prog_active) == 1)) {
		rcu_read_lock();
		old_run_ctx = bpf_set_run_ctx(&run_ctx.run_ctx);
		bpf_prog_run(prog, regs);
		bpf_reset_run_ctx(old_run_ctx);
		rcu_read_unlock();
		ran = true;
	}
	this_cpu_dec(*shadowk_ksyms.bpf_prog_active);
	return ran;
}

/*
 * What a kprobe on the function's fentry site sees (kprobe_ftrace_handler()
 * and ftrace_regs_caller): the argument registers, the instruction pointer
 * one byte past the site, the stack pointer at the return address, and
 * flags with the bit that tells perf these are a whole frame, so that the
 * stack helpers unwind from here (perf_hw_regs()) and not through
 * dispatch.  The callee-saved registers are not saved on the way in;
 * they read as 0.
 */
bool notrace shadowk_bpfrun_entry(struct bpf_prog *prog,
				  struct shadowk_tramp_regs *tramp)
{
	struct pt_regs regs = {
		.r11 = tramp->r11,
		.r10 = tramp->r10,
		.r9 = tramp->r9,
		.r8 = tramp->r8,
		.ax = tramp->ax,
		.cx = tramp->cx,
		.dx = tramp->dx,
		.si = tramp->si,
		.di = tramp->di,
		.bp = tramp->bp,
		.orig_ax = -1UL,
		.ip = tramp->ip - SHADOWK_SITE_LEN + 1,
		.cs = __KERNEL_CS,
		.flags = X86_EFLAGS_FIXED | (irqs_disabled() ? 0 : X86_EFLAGS_IF),
		.sp = (unsigned long)&tramp->parent_ip,
		.ss = __KERNEL_DS,
	};

	return shadowk_bpfrun_call(prog, &regs);
}
