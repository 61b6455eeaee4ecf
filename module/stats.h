/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_STATS_H
#define _SHADOWK_STATS_H

#include <linux/init.h>

/*
 * Counters of what shadowk does to the machine as a whole, for the
 * selftests and the benchmark: debugfs shadowk/stats, one "name value"
 * line each, in this order.
 */
enum shadowk_stat {
	SHADOWK_STAT_FLUSH_ALL,		/* all-CPU TLB flushes */
	SHADOWK_STAT_FLUSH_LOCAL,	/* this-CPU-only TLB flushes */
	SHADOWK_NR_STATS
};

void shadowk_stats_inc(enum shadowk_stat stat);

int __init shadowk_stats_init(void);
void shadowk_stats_exit(void);

#endif /* _SHADOWK_STATS_H */
