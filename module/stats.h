/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_STATS_H
#define _SHADOWK_STATS_H

#include <linux/init.h>

struct dentry;

/*
 * Counters of what shadowk does to the machine as a whole, for the
 * selftests and the benchmark: debugfs shadowk/stats, one "name value"
 * line each, in this order.  Flushes count up; the kernel's entries are
 * how many stand changed now.
 */
enum shadowk_stat {
	SHADOWK_STAT_FLUSH_ALL,		/* all-CPU TLB flushes */
	SHADOWK_STAT_FLUSH_LOCAL,	/* this-CPU-only TLB flushes */
	SHADOWK_STAT_KERNEL_PMDS,	/* the kernel's text PMDs made non-global */
	SHADOWK_STAT_KERNEL_PTES,	/* its 4 KiB text entries made so */
	SHADOWK_STAT_CHAIN_JMP,		/* calls on through a kernel's JMP */
	SHADOWK_NR_STATS
};

void shadowk_stats_inc(enum shadowk_stat stat);
void shadowk_stats_add(enum shadowk_stat stat, long delta);
/* shadowk's debugfs directory, for main.c to give other files' test knobs. */
struct dentry *shadowk_stats_dir(void);

int __init shadowk_stats_init(void);
void shadowk_stats_exit(void);

#endif /* _SHADOWK_STATS_H */
