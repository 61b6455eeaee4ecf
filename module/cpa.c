// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's page-attribute changes, followed when they happen.
 *
 * A clone copies the kernel's PMD page for the image, so a change the
 * kernel makes to one of its entries after the copy (a page-attribute
 * change that splits a 2 MiB page) is not seen through the clone until
 * the clone's entries are synchronised again.  Such changes come from any
 * page-attribute change of memory whose frames lie in the kernel image's
 * physical range: the pages of freed init sections, later given to a
 * module or a BPF image, have their high-map alias split and made
 * read-only with them.  Every such change after boot goes through
 * change_page_attr_set_clr(); a return probe on it queues the sync that
 * every change of clones' text also makes first (clone.c).
 *
 * The sync needs shadowk_mutex and text_mutex, which the caller of a
 * page-attribute change may hold, so it runs from a work item: for the
 * moments between the kernel's change and the work, a bound process keeps
 * the old entry, which maps the same frames.  VERIFY waits for the work.
 *
 * The direct map's 4 KiB changes (debug_pagealloc, set_direct_map_*) do
 * not go through that function, and need not: the direct map is not under
 * the image's top-level entry.  Without the probe (a kernel that inlined
 * the function), the sync happens at the next change of text, as before.
 */

#include <linux/kprobes.h>
#include <linux/workqueue.h>

#include "clone.h"
#include "cpa.h"
#include "ksyms.h"

#define SHADOWK_CPA_FN "change_page_attr_set_clr"

static void shadowk_cpa_follow(struct work_struct *work)
{
	shadowk_clone_lock();
	mutex_lock(shadowk_ksyms.text_mutex);
	shadowk_clone_sync_text();
	mutex_unlock(shadowk_ksyms.text_mutex);
	shadowk_clone_unlock();
}
static DECLARE_WORK(shadowk_cpa_work, shadowk_cpa_follow);

/*
 * After the whole change, its flush and (7.x) any collapse: queued while
 * pending is a no-op, and a change that ends while the work runs queues
 * it once more.
 */
static int shadowk_cpa_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	schedule_work(&shadowk_cpa_work);
	return 0;
}

static struct kretprobe shadowk_cpa_probe = {
	.kp.symbol_name = SHADOWK_CPA_FN,
	.handler = shadowk_cpa_ret,
};
static bool shadowk_cpa_probed;

/* Every change the kernel finished before this call is followed. */
void shadowk_cpa_settle(void)
{
	flush_work(&shadowk_cpa_work);
}

int __init shadowk_cpa_init(void)
{
	int err = register_kretprobe(&shadowk_cpa_probe);

	if (err)
		pr_warn("cannot probe %s (%d); clones follow the kernel's page-attribute changes at their next change of text\n",
			SHADOWK_CPA_FN, err);
	shadowk_cpa_probed = !err;
	return 0;
}

void shadowk_cpa_exit(void)
{
	if (shadowk_cpa_probed)
		unregister_kretprobe(&shadowk_cpa_probe);
	cancel_work_sync(&shadowk_cpa_work);
}
