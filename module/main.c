// SPDX-License-Identifier: GPL-2.0
/*
 * shadowk: per-process copy-on-write views of the kernel's text.
 *
 * This file only orders the subsystems' init calls and undoes them in
 * reverse.
 */

#include <linux/init.h>
#include <linux/module.h>

#include <uapi/linux/shadowk.h>

#include "bind.h"
#include "bpf.h"
#include "cgroup.h"
#include "clone.h"
#include "cpa.h"
#include "lifecycle.h"
#include "dev.h"
#include "env.h"
#include "fault.h"
#include "follow.h"
#include "guard.h"
#include "health.h"
#include "ksyms.h"
#include "mem.h"
#include "pgtable.h"
#include "mirror.h"
#include "probe.h"
#include "selftest.h"
#include "site.h"
#include "stats.h"
#include "text.h"

static int __init shadowk_init(void)
{
	int err;

	/* Pure logic first, when asked: nothing to undo if it fails. */
	err = shadowk_selftest_init();
	if (err)
		return err;
	err = shadowk_mem_init();
	if (err)
		return err;
	err = shadowk_stats_init();
	if (err)
		goto err_mem;
	err = shadowk_fault_init(shadowk_stats_dir());
	if (err)
		goto err_stats;
	err = shadowk_ksyms_init();
	if (err)
		goto err_fault;
	err = shadowk_env_init();
	if (err)
		goto err_fault;
	err = shadowk_health_init(shadowk_bind_detach_all);
	if (err)
		goto err_fault;
	err = shadowk_pgtable_init();
	if (err)
		goto err_health;
	/* Follow the kernel's text writes before anything can be cloned. */
	err = shadowk_mirror_init();
	if (err)
		goto err_health;
	err = shadowk_cpa_init();
	if (err)
		goto err_mirror;
	err = shadowk_guard_init();
	if (err)
		goto err_cpa;
	err = shadowk_bind_init();
	if (err)
		goto err_guard;
	err = shadowk_follow_init();
	if (err)
		goto err_bind;
	err = shadowk_cgroup_init();
	if (err)
		goto err_follow;
	err = shadowk_dev_init(shadowk_lifecycle_release);
	if (err)
		goto err_cgroup;

	pr_info("loaded, version %s, ABI %d\n", SHADOWK_VERSION,
		SHADOWK_ABI_VERSION);
	return 0;

err_cgroup:
	shadowk_cgroup_exit();
err_follow:
	shadowk_follow_exit();
err_bind:
	shadowk_bind_exit();
	shadowk_site_exit();
err_guard:
	shadowk_guard_exit();
err_cpa:
	shadowk_cpa_exit();
err_mirror:
	shadowk_mirror_exit();
err_health:
	shadowk_health_exit();
err_fault:
	shadowk_fault_exit();
err_stats:
	shadowk_stats_exit();
err_mem:
	shadowk_mem_exit();
	return err;
}

static void __exit shadowk_exit(void)
{
	shadowk_dev_exit();
	shadowk_follow_exit();
	/* Clones outlive the files that made them; unload ends them. */
	shadowk_lifecycle_exit();
	shadowk_cgroup_exit();
	shadowk_probe_exit();
	shadowk_bpf_exit();
	shadowk_bind_exit();
	shadowk_site_exit();
	shadowk_guard_exit();
	shadowk_cpa_exit();
	shadowk_mirror_exit();
	/* The kernel's global bits back, the bridge and spare page freed. */
	shadowk_text_exit();
	shadowk_health_exit();
	shadowk_fault_exit();
	shadowk_stats_exit();
	shadowk_mem_exit();
	pr_info("unloaded\n");
}

module_init(shadowk_init);
module_exit(shadowk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-process copy-on-write views of kernel text");
MODULE_AUTHOR("The shadowk authors");
MODULE_VERSION(SHADOWK_VERSION);
