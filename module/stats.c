// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk's debugfs directory: the page and object balance (mem.c) and the
 * machine-wide counters (stats.h).  debugfs is a convenience for tests and
 * benchmarks; shadowk works without it.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>

#include "mem.h"
#include "pgtable.h"
#include "stats.h"

static const char *const shadowk_stat_names[SHADOWK_NR_STATS] = {
	[SHADOWK_STAT_FLUSH_ALL] = "flush_all",
	[SHADOWK_STAT_FLUSH_LOCAL] = "flush_local",
	[SHADOWK_STAT_KERNEL_PMDS] = "kernel_pmds_nonglobal",
	[SHADOWK_STAT_KERNEL_PTES] = "kernel_ptes_nonglobal",
	[SHADOWK_STAT_CHAIN_JMP] = "chain_jmp",
};

static atomic64_t shadowk_stats[SHADOWK_NR_STATS];
static struct dentry *shadowk_stats_debugfs;

struct dentry *shadowk_stats_dir(void)
{
	return shadowk_stats_debugfs;
}

void shadowk_stats_inc(enum shadowk_stat stat)
{
	atomic64_inc(&shadowk_stats[stat]);
}

void shadowk_stats_add(enum shadowk_stat stat, long delta)
{
	atomic64_add(delta, &shadowk_stats[stat]);
}

static int shadowk_stats_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	unsigned int large, total;

	for (i = 0; i < SHADOWK_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", shadowk_stat_names[i],
			   (long long)atomic64_read(&shadowk_stats[i]));
	/* Read off the kernel's tables now, whoever changed them. */
	shadowk_pgtable_text_pmds(&large, &total);
	seq_printf(m, "kernel_text_pmds %u\nkernel_text_pmds_large %u\n",
		   total, large);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shadowk_stats);

static int shadowk_accounting_show(struct seq_file *m, void *unused)
{
	long pages, objs;

	/*
	 * What shadowk holds once what it has let go is gone: bindings are
	 * freed after a grace period (bind.c), and a reading taken before
	 * those callbacks ran would count them as held.
	 */
	rcu_barrier();
	shadowk_mem_balance(&pages, &objs);
	seq_printf(m, "pages %ld\nobjects %ld\n", pages, objs);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shadowk_accounting);

int __init shadowk_stats_init(void)
{
	shadowk_stats_debugfs = debugfs_create_dir("shadowk", NULL);
	debugfs_create_file("accounting", 0400, shadowk_stats_debugfs, NULL,
			    &shadowk_accounting_fops);
	debugfs_create_file("stats", 0400, shadowk_stats_debugfs, NULL,
			    &shadowk_stats_fops);
	return 0;
}

void shadowk_stats_exit(void)
{
	debugfs_remove(shadowk_stats_debugfs);
}
