/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_BPF_H
#define _SHADOWK_BPF_H

#include <linux/percpu.h>
#include <linux/types.h>

#include "site.h"

struct bpf_prog;
struct shadowk_retprobe;
struct shadowk_tramp_regs;
struct shadowk_ucmd;

/* An entry program's runs, and the calls that ran it not (another ran). */
struct shadowk_bpf_cpu {
	u64 runs, missed;
};

/* A BPF program at a site: SHADOWK_SLOT_BPF, or SHADOWK_SLOT_BPF_RETURN. */
struct shadowk_bpf {
	struct shadowk_site_user user;
	u32 flags;				/* enum shadowk_bpf_flags */
	struct bpf_prog *prog;			/* a reference */
	struct shadowk_bpf_cpu __percpu *cpu;	/* at entry */
	struct shadowk_retprobe *ret;		/* at return: runs it there */
};

/* Dispatch, preemption off, for a bound process's call in task context. */
void shadowk_bpf_enter(struct shadowk_bpf *bpf,
		       struct shadowk_tramp_regs *regs);

int shadowk_bpf_attach_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bpf_detach_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bpf_list_ioctl(struct shadowk_ucmd *ucmd);

void shadowk_bpf_exit(void);

#endif /* _SHADOWK_BPF_H */
