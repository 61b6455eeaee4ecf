// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting of shadowk's pages and objects.  The balance is readable in
 * debugfs (shadowk/accounting, stats.c) and checked at unload.
 */

#include <linux/atomic.h>
#include <linux/slab.h>

#include "fault.h"

#include "mem.h"

static atomic_long_t shadowk_mem_pages = ATOMIC_LONG_INIT(0);
static atomic_long_t shadowk_mem_objs = ATOMIC_LONG_INIT(0);

void *shadowk_mem_page_alloc(gfp_t gfp)
{
	void *page;

	if (shadowk_fault_should_fail())
		return NULL;
	page = (void *)__get_free_page(gfp | __GFP_ZERO);
	if (page)
		atomic_long_inc(&shadowk_mem_pages);
	return page;
}

void shadowk_mem_page_free(void *page)
{
	if (!page)
		return;
	free_page((unsigned long)page);
	atomic_long_dec(&shadowk_mem_pages);
}

/* A page handed over to the kernel's own tables for good. */
void shadowk_mem_page_forget(void *page)
{
	if (page)
		atomic_long_dec(&shadowk_mem_pages);
}

void *shadowk_mem_obj_alloc(size_t size, gfp_t gfp)
{
	void *obj;

	if (shadowk_fault_should_fail())
		return NULL;
	obj = kzalloc(size, gfp);
	if (obj)
		atomic_long_inc(&shadowk_mem_objs);
	return obj;
}

void shadowk_mem_obj_free(const void *obj)
{
	if (!obj)
		return;
	kfree(obj);
	atomic_long_dec(&shadowk_mem_objs);
}

void *shadowk_mem_scratch_alloc(size_t size)
{
	void *buf;

	if (shadowk_fault_should_fail())
		return NULL;
	buf = kvzalloc(size, GFP_KERNEL);
	if (buf)
		atomic_long_inc(&shadowk_mem_objs);
	return buf;
}

void shadowk_mem_scratch_free(void *buf)
{
	if (!buf)
		return;
	kvfree(buf);
	atomic_long_dec(&shadowk_mem_objs);
}

/* The idr's own nodes are the kernel's to count; only the failure is ours. */
int shadowk_mem_id_alloc(struct idr *idr, void *ptr)
{
	if (shadowk_fault_should_fail())
		return -ENOMEM;
	return idr_alloc_cyclic(idr, ptr, 1, INT_MAX, GFP_KERNEL);
}

u64 __percpu *shadowk_mem_counters_alloc(void)
{
	if (shadowk_fault_should_fail())
		return NULL;
	return alloc_percpu_gfp(u64, GFP_KERNEL_ACCOUNT);
}

void shadowk_mem_balance(long *pages, long *objs)
{
	*pages = atomic_long_read(&shadowk_mem_pages);
	*objs = atomic_long_read(&shadowk_mem_objs);
}

int __init shadowk_mem_init(void)
{
	return 0;
}

void shadowk_mem_exit(void)
{
	long pages = atomic_long_read(&shadowk_mem_pages);
	long objs = atomic_long_read(&shadowk_mem_objs);

	if (pages || objs)
		pr_err("leaked %ld pages and %ld objects\n", pages, objs);
	else
		pr_info("all pages and objects freed\n");
}
