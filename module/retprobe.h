/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_RETPROBE_H
#define _SHADOWK_RETPROBE_H

#include <linux/percpu.h>
#include <linux/types.h>

#include <uapi/linux/shadowk.h>

struct bpf_prog;
struct rethook;
struct shadowk_tramp_regs;

/*
 * One CPU's share of a return probe's figures; see struct shadowk_latency.
 * With a program, how often it ran on return and how often it could not.
 */
struct shadowk_retprobe_cpu {
	u64 returns, errors, missed, total_ns, min_ns, max_ns;
	u64 hist[SHADOWK_LATENCY_BUCKETS];
	u64 runs, busy;
};

struct shadowk_retprobe {
	struct rethook *rethook;
	struct shadowk_retprobe_cpu __percpu *cpu;
	struct bpf_prog *prog;		/* run on each return; not held */
};

bool shadowk_retprobe_available(void);
unsigned int shadowk_retprobe_inflight(void);
/* @prog: a BPF program to run on each return, or NULL. */
struct shadowk_retprobe *shadowk_retprobe_alloc(struct bpf_prog *prog);
/* No return is handled once a grace period has passed after this. */
void shadowk_retprobe_stop(struct shadowk_retprobe *ret);
/* After shadowk_retprobe_stop() and a grace period. */
void shadowk_retprobe_free(struct shadowk_retprobe *ret);
void shadowk_retprobe_enter(struct shadowk_retprobe *ret,
			    struct shadowk_tramp_regs *regs);
void shadowk_retprobe_sum(const struct shadowk_retprobe *ret,
			  struct shadowk_latency *lat, u64 *hist);
/* The program's runs, and the returns that ran none (busy or missed). */
void shadowk_retprobe_runs(const struct shadowk_retprobe *ret, u64 *runs,
			   u64 *missed);

#endif /* _SHADOWK_RETPROBE_H */
