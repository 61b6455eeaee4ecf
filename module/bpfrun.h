/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_BPFRUN_H
#define _SHADOWK_BPFRUN_H

#include <linux/types.h>

struct bpf_prog;
struct pt_regs;
struct shadowk_tramp_regs;

/*
 * Run @prog on @regs, preemption off; false when another BPF program
 * runs on this CPU, so that @prog did not.
 */
bool shadowk_bpfrun_call(struct bpf_prog *prog, struct pt_regs *regs);
/* The same at a function's entry site, on the registers dispatch saved. */
bool shadowk_bpfrun_entry(struct bpf_prog *prog,
			  struct shadowk_tramp_regs *regs);

#endif /* _SHADOWK_BPFRUN_H */
