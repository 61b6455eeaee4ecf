// SPDX-License-Identifier: GPL-2.0
/*
 * Accounting of shadowk's pages and objects.  The balance is readable in
 * debugfs (shadowk/accounting) and checked at unload.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "mem.h"

static atomic_long_t shadowk_mem_pages = ATOMIC_LONG_INIT(0);
static atomic_long_t shadowk_mem_objs = ATOMIC_LONG_INIT(0);
static struct dentry *shadowk_mem_dir;

void *shadowk_mem_page_alloc(gfp_t gfp)
{
	void *page = (void *)__get_free_page(gfp | __GFP_ZERO);

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
	void *obj = kzalloc(size, gfp);

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

static int shadowk_mem_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "pages %ld\nobjects %ld\n",
		   atomic_long_read(&shadowk_mem_pages),
		   atomic_long_read(&shadowk_mem_objs));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shadowk_mem);

int __init shadowk_mem_init(void)
{
	/* debugfs is a convenience; shadowk works without it. */
	shadowk_mem_dir = debugfs_create_dir("shadowk", NULL);
	debugfs_create_file("accounting", 0400, shadowk_mem_dir, NULL,
			    &shadowk_mem_fops);
	return 0;
}

void shadowk_mem_exit(void)
{
	long pages = atomic_long_read(&shadowk_mem_pages);
	long objs = atomic_long_read(&shadowk_mem_objs);

	debugfs_remove(shadowk_mem_dir);
	if (pages || objs)
		pr_err("leaked %ld pages and %ld objects\n", pages, objs);
	else
		pr_info("all pages and objects freed\n");
}
