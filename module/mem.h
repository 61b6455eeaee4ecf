/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_MEM_H
#define _SHADOWK_MEM_H

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/types.h>

/*
 * Every page and object shadowk allocates is counted here, so that unload
 * can prove nothing leaked and the selftests can read the balance.
 */
void *shadowk_mem_page_alloc(gfp_t gfp);
void shadowk_mem_page_free(void *page);
void shadowk_mem_page_forget(void *page);
void *shadowk_mem_obj_alloc(size_t size, gfp_t gfp);
void shadowk_mem_obj_free(const void *obj);
void shadowk_mem_balance(long *pages, long *objs);

int __init shadowk_mem_init(void);
void shadowk_mem_exit(void);

#endif /* _SHADOWK_MEM_H */
