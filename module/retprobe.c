// SPDX-License-Identifier: GPL-2.0
/*
 * Return probes: a probe that also sees its function return, for bound
 * processes only, and times the call.
 *
 * The return is hooked with the kernel's own rethook, as kretprobes and
 * fprobes do, not with a stack of shadowk's: at the clone's entry site
 * dispatch hands rethook the slot that holds the function's return
 * address, rethook swaps in its trampoline and keeps the real address on
 * current's list, and on return calls back here, then returns to the
 * caller.  Because the list is the kernel's, its unwinders (ORC, and so
 * /proc/PID/stack, perf, BPF stack helpers and livepatch's reliable
 * stacks) give the real callers of a call under way, as for a kretprobe;
 * a task that exits mid-call has its nodes recycled by the kernel.
 *
 * Each probe has its own rethook and pool of nodes (limits.h):
 * a call finding the pool empty is counted as missed.  Removal stops the
 * rethook first, so that a call still under way when the probe goes,
 * however long it sleeps, returns through rethook without calling here:
 * rethook frees its pool when the last such call has returned, and nothing
 * of this module is reached by then.
 *
 * A return probe can also run a BPF program on each return (bpf.c), with
 * the registers rethook's trampoline saved: what a kretprobe program sees.
 */

#include <linux/log2.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "bpfrun.h"
#include "compat.h"
#include "dispatch.h"
#include "ksyms.h"
#include "limits.h"
#include "retprobe.h"

/* A rethook node and when its call began. */
struct shadowk_retprobe_node {
	struct rethook_node node;	/* first: rethook's objpool needs it */
	u64 start_ns;
};

/* How many calls of one return probe's function can be watched at once. */
unsigned int shadowk_retprobe_inflight(void)
{
	return clamp_t(unsigned int, 8 * num_possible_cpus(),
		       SHADOWK_MIN_INFLIGHT, SHADOWK_MAX_INFLIGHT);
}

bool shadowk_retprobe_available(void)
{
	return shadowk_ksyms_has(rethook_alloc) &&
	       shadowk_ksyms_has(rethook_stop) &&
	       shadowk_ksyms_has(rethook_free) &&
	       shadowk_ksyms_has(rethook_try_get) &&
	       shadowk_ksyms_has(rethook_hook) &&
	       (SHADOWK_COMPAT_RETHOOK_OBJPOOL ||
		shadowk_ksyms_has(rethook_add_node));
}

/*
 * The clock that is notrace and safe in any context: neither it nor
 * anything it calls can have a site of a clone, so timing a call never
 * recurses into dispatch.
 */
static u64 notrace shadowk_retprobe_now(void)
{
	return ktime_get_mono_fast_ns();
}

/*
 * The return of a call hooked in task context, preemption off (rethook's
 * trampoline handler): on this CPU nothing else updates these figures
 * meanwhile, since calls are only hooked in task context.
 */
static notrace SHADOWK_COMPAT_RETHOOK_HANDLER(shadowk_retprobe_return)
{
	struct shadowk_retprobe_node *n =
		container_of(node, struct shadowk_retprobe_node, node);
	struct shadowk_retprobe *ret = data;
	struct shadowk_retprobe_cpu *c = this_cpu_ptr(ret->cpu);
	u64 ns = shadowk_retprobe_now() - n->start_ns;

	c->returns++;
	if (IS_ERR_VALUE(regs->ax))
		c->errors++;
	c->total_ns += ns;
	if (ns < c->min_ns || c->returns == 1)
		c->min_ns = ns;
	if (ns > c->max_ns)
		c->max_ns = ns;
	c->hist[ns ? ilog2(ns) : 0]++;
	if (ret->prog) {
		if (shadowk_bpfrun_call(ret->prog, regs))
			c->runs++;
		else
			c->busy++;
	}
}

/* Dispatch, preemption off, for a bound process's call in task context. */
void notrace shadowk_retprobe_enter(struct shadowk_retprobe *ret,
				    struct shadowk_tramp_regs *regs)
{
	struct shadowk_retprobe_node *n;
	struct rethook_node *node;
	/* All rethook reads on x86: where the return address is. */
	struct pt_regs entry = { .sp = (unsigned long)&regs->parent_ip };

	node = shadowk_ksyms_rethook_try_get(ret->rethook);
	if (!node) {
		this_cpu_inc(ret->cpu->missed);
		return;
	}
	n = container_of(node, struct shadowk_retprobe_node, node);
	n->start_ns = shadowk_retprobe_now();
	shadowk_ksyms_rethook_hook(node, &entry, true);
}

static struct rethook *shadowk_retprobe_rethook(struct shadowk_retprobe *ret)
{
#if SHADOWK_COMPAT_RETHOOK_OBJPOOL
	return shadowk_ksyms_rethook_alloc(ret, shadowk_retprobe_return,
					   sizeof(struct shadowk_retprobe_node),
					   shadowk_retprobe_inflight());
#else
	struct shadowk_retprobe_node *n;
	struct rethook *rh;
	int i;

	rh = shadowk_ksyms_rethook_alloc(ret, shadowk_retprobe_return);
	if (!rh)
		return NULL;
	/* Each node is rethook's from now: it frees them with the rethook. */
	for (i = 0; i < shadowk_retprobe_inflight(); i++) {
		n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
		if (!n) {
			shadowk_ksyms_rethook_free(rh);
			return NULL;
		}
		shadowk_ksyms_rethook_add_node(rh, &n->node);
	}
	return rh;
#endif
}

struct shadowk_retprobe *shadowk_retprobe_alloc(struct bpf_prog *prog)
{
	struct shadowk_retprobe *ret;

	ret = kzalloc(sizeof(*ret), GFP_KERNEL_ACCOUNT);
	if (!ret)
		return NULL;
	ret->prog = prog;
	ret->cpu = alloc_percpu_gfp(struct shadowk_retprobe_cpu,
				    GFP_KERNEL_ACCOUNT);
	if (ret->cpu)
		ret->rethook = shadowk_retprobe_rethook(ret);
	if (!ret->rethook) {
		free_percpu(ret->cpu);
		kfree(ret);
		return NULL;
	}
	return ret;
}

void shadowk_retprobe_stop(struct shadowk_retprobe *ret)
{
	shadowk_ksyms_rethook_stop(ret->rethook);
}

void shadowk_retprobe_free(struct shadowk_retprobe *ret)
{
	/* Its nodes go when the calls that hold them have returned. */
	shadowk_ksyms_rethook_free(ret->rethook);
	free_percpu(ret->cpu);
	kfree(ret);
}

/* @hist: SHADOWK_LATENCY_BUCKETS of them, or NULL. */
void shadowk_retprobe_sum(const struct shadowk_retprobe *ret,
			  struct shadowk_latency *lat, u64 *hist)
{
	int cpu, i;

	memset(lat, 0, sizeof(*lat));
	if (hist)
		memset(hist, 0, SHADOWK_LATENCY_BUCKETS * sizeof(*hist));
	for_each_possible_cpu(cpu) {
		const struct shadowk_retprobe_cpu *c = per_cpu_ptr(ret->cpu, cpu);
		u64 returns = READ_ONCE(c->returns);
		u64 min_ns = READ_ONCE(c->min_ns);

		lat->missed += READ_ONCE(c->missed);
		if (!returns)
			continue;
		if (!lat->returns || min_ns < lat->min_ns)
			lat->min_ns = min_ns;
		lat->returns += returns;
		lat->errors += READ_ONCE(c->errors);
		lat->total_ns += READ_ONCE(c->total_ns);
		lat->max_ns = max(lat->max_ns, READ_ONCE(c->max_ns));
		for (i = 0; hist && i < SHADOWK_LATENCY_BUCKETS; i++)
			hist[i] += READ_ONCE(c->hist[i]);
	}
}

void shadowk_retprobe_runs(const struct shadowk_retprobe *ret, u64 *runs,
			   u64 *missed)
{
	int cpu;

	*runs = 0;
	*missed = 0;
	for_each_possible_cpu(cpu) {
		const struct shadowk_retprobe_cpu *c = per_cpu_ptr(ret->cpu, cpu);

		*runs += READ_ONCE(c->runs);
		*missed += READ_ONCE(c->busy) + READ_ONCE(c->missed);
	}
}
