/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_PROBE_H
#define _SHADOWK_PROBE_H

#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <uapi/linux/shadowk.h>

#include "retprobe.h"
#include "site.h"

struct shadowk_ucmd;
struct shadowk_tramp_regs;

struct shadowk_probe {
	struct shadowk_site_user user;
	u32 flags;			/* enum shadowk_probe_flags */
	u64 __percpu *hits;
	struct shadowk_retprobe *ret;	/* SHADOWK_PROBE_RETURN only */
};

/*
 * Dispatch, preemption off.  @task says the call is a bound process's
 * own; @bound that a bound process's thread is current, so that
 * SHADOWK_PROBE_IRQ adds interrupts taken while one runs.  One per-CPU
 * increment: an interrupt on this CPU cannot tear it.
 */
static inline void shadowk_probe_hit(struct shadowk_probe *probe, bool task,
				     bool bound, struct shadowk_tramp_regs *regs)
{
	if (task || (bound && (probe->flags & SHADOWK_PROBE_IRQ)))
		this_cpu_inc(*probe->hits);
	if (task && probe->ret)
		shadowk_retprobe_enter(probe->ret, regs);
}

int shadowk_probe_add_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_probe_del_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_probe_read_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_probe_list_ioctl(struct shadowk_ucmd *ucmd);

void shadowk_probe_exit(void);

#endif /* _SHADOWK_PROBE_H */
