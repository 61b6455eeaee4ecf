// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: make the kernel split one 2 MiB entry of its image's
 * mapping, as a page-attribute change of memory in the image's physical
 * range does, and tell whether the writer's page tables followed.
 *
 *   echo 1 > /sys/module/sk_cpa/parameters/split
 *	find a free page whose high-map alias the kernel maps with a 2 MiB
 *	entry and change its cache type there and back (set_pages_uc(), then
 *	set_pages_wb()): the kernel splits the alias into 4 KiB entries.  The
 *	alias's address is then in the "alias" parameter.  ENOENT if no such
 *	page was free (within "budget" pages, leaving "reserve" free).
 *
 *   echo 1000 > /sys/module/sk_cpa/parameters/cycles
 *	for the benchmark: that many page-attribute changes of one page of
 *	the direct map there and back; their mean time, in nanoseconds, is
 *	then in the "cycle_ns" parameter.
 *
 *   echo 0xffffffff82a00000 > /sys/module/sk_cpa/parameters/check
 *	walk the writer's loaded page tables for the address: ESTALE if their
 *	entry for it (present or not) is of another size than the kernel's,
 *	EFAULT if they have none.
 */

#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pfn.h>
#include <linux/pgtable.h>
#include <linux/vmstat.h>

#include <asm/set_memory.h>

#include "sk_walk.h"

static unsigned long alias;
module_param(alias, ulong, 0444);
MODULE_PARM_DESC(alias, "the high-map address the last split split");
static unsigned int budget = 262144;
module_param(budget, uint, 0644);
MODULE_PARM_DESC(budget, "free pages to look through for one to split");
static unsigned long reserve = 32768;
module_param(reserve, ulong, 0644);
MODULE_PARM_DESC(reserve, "free pages to leave to the rest of the system");

/* The high-map alias of @page, if the kernel's image mapping has one. */
static unsigned long sk_cpa_alias_of(struct page *page, unsigned int *level)
{
	unsigned long va = PFN_PHYS(page_to_pfn(page)) + __START_KERNEL_map -
			   phys_base;
	pte_t *pte;

	if (va < __START_KERNEL_map ||
	    va >= __START_KERNEL_map + KERNEL_IMAGE_SIZE)
		return 0;
	pte = lookup_address(va, level);
	if (!pte || pte_none(*pte) || pte_pfn(*pte) != page_to_pfn(page))
		return 0;
	return va;
}

static int sk_cpa_split(const char *val, const struct kernel_param *kp)
{
	struct page *page, *tmp, *found = NULL;
	unsigned int i, level, in_image = 0;
	unsigned long va = 0;
	LIST_HEAD(held);
	int err = -ENOENT;

	/*
	 * Free pages of the image's range are where the allocator put
	 * them: take pages, without reclaim, until one is found or only
	 * "reserve" pages are left for everyone else.
	 */
	for (i = 0; i < budget && !found; i++) {
		if (global_zone_page_state(NR_FREE_PAGES) < reserve)
			break;
		page = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!page)
			break;
		va = sk_cpa_alias_of(page, &level);
		in_image += !!va;
		if (va && level == PG_LEVEL_2M)
			found = page;
		else
			list_add(&page->lru, &held);
	}
	if (found) {
		err = set_pages_uc(found, 1);
		if (!err)
			err = set_pages_wb(found, 1);
		if (!err && (!sk_cpa_alias_of(found, &level) ||
			     level != PG_LEVEL_4K))
			err = -EPROTO;
		if (!err)
			alias = va;
		pr_info("page %lx, high-map alias %lx: %d\n",
			page_to_pfn(found), va, err);
		__free_page(found);
	} else {
		pr_info("none of %u free pages is under a 2 MiB entry of the image; %u are in its range\n",
			i, in_image);
	}
	list_for_each_entry_safe(page, tmp, &held, lru)
		__free_page(page);
	return err;
}

static unsigned long cycle_ns;
module_param(cycle_ns, ulong, 0444);
MODULE_PARM_DESC(cycle_ns, "the mean time of the last cycles' change and back");

static int sk_cpa_cycles(const char *val, const struct kernel_param *kp)
{
	struct page *page;
	unsigned int i, n;
	u64 start;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (!n || n > 1000000)
		return -EINVAL;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	start = ktime_get_ns();
	for (i = 0; i < n && !err; i++) {
		err = set_pages_uc(page, 1);
		if (!err)
			err = set_pages_wb(page, 1);
	}
	cycle_ns = (ktime_get_ns() - start) / n;
	__free_page(page);
	return err;
}

static const struct kernel_param_ops sk_cpa_cycles_ops = {
	.set = sk_cpa_cycles,
};
module_param_cb(cycles, &sk_cpa_cycles_ops, NULL, 0200);
MODULE_PARM_DESC(cycles, "page-attribute changes of one page to time");

static const struct kernel_param_ops sk_cpa_split_ops = {
	.set = sk_cpa_split,
};
module_param_cb(split, &sk_cpa_split_ops, NULL, 0200);
MODULE_PARM_DESC(split, "split one 2 MiB entry of the image's mapping");

static int sk_cpa_check(const char *val, const struct kernel_param *kp)
{
	unsigned int mine, kernels;
	unsigned long va, pfn, flags;
	int err;

	err = kstrtoul(val, 0, &va);
	if (err)
		return err;
	local_irq_save(flags);
	err = sk_walk(va, &pfn, &mine);
	local_irq_restore(flags);
	/* Not present is fine: PTI unmaps freed init memory's alias. */
	if (err && err != -ENOENT)
		return err;
	if (!lookup_address(va, &kernels))
		return -EFAULT;
	if (mine != kernels) {
		pr_info("%lx: level %u here, %u in the kernel\n", va, mine,
			kernels);
		return -ESTALE;
	}
	return 0;
}

static const struct kernel_param_ops sk_cpa_check_ops = {
	.set = sk_cpa_check,
};
module_param_cb(check, &sk_cpa_check_ops, NULL, 0200);
MODULE_PARM_DESC(check, "an address to check in the writer's view");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadowk selftest: the kernel splits a page of its image's mapping");
