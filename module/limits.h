/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_LIMITS_H
#define _SHADOWK_LIMITS_H

/*
 * How much may live at once.  Not ABI: SHADOWK_IOC_GET_INFO reports them,
 * so that they can change without breaking a tool.
 */
#define SHADOWK_MAX_CLONES	4096
#define SHADOWK_MAX_PROBES	65536	/* all clones together */
#define SHADOWK_MAX_INJECTS	32	/* in one clone */
#define SHADOWK_MAX_BPF		1024	/* BPF attachments, all clones */
#define SHADOWK_MAX_CGROUPS	256	/* bound cgroups, all clones */
/*
 * Calls of one return probe's function under way at once: each holds a
 * rethook node (about 64 bytes) from the probe's pool until it returns,
 * including while it sleeps (a server's threads parked in one function).
 * More are counted as missed, as beyond a kretprobe's maxactive.  The
 * pool is 8 a possible CPU, within these bounds (retprobe.c), so that a
 * profile of every system call costs a 2-CPU machine 2 MiB, not 15.
 */
#define SHADOWK_MIN_INFLIGHT	64
#define SHADOWK_MAX_INFLIGHT	512

#endif /* _SHADOWK_LIMITS_H */
