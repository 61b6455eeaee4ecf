/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_MEM_H
#define _SHADOWK_MEM_H

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/idr.h>
#include <linux/percpu.h>
#include <linux/types.h>

/*
 * Every page and object shadowk allocates is counted here, so that unload
 * can prove nothing leaked and the selftests can read the balance.  Every
 * allocation, counted or not, goes through here so that the fail_nth walk
 * (fault.c) reaches it.
 */
void *shadowk_mem_page_alloc(gfp_t gfp);
void shadowk_mem_page_free(void *page);
void shadowk_mem_page_forget(void *page);
void *shadowk_mem_obj_alloc(size_t size, gfp_t gfp);
void shadowk_mem_obj_free(const void *obj);
/* Buffers that live only while one ioctl runs (may be large). */
void *shadowk_mem_scratch_alloc(size_t size);
void shadowk_mem_scratch_free(void *buf);
/* An id for @ptr in @idr, cyclic from 1, so that a freed id is not soon reused. */
int shadowk_mem_id_alloc(struct idr *idr, void *ptr);
u64 __percpu *shadowk_mem_counters_alloc(void);
void shadowk_mem_balance(long *pages, long *objs);

int __init shadowk_mem_init(void);
void shadowk_mem_exit(void);

#endif /* _SHADOWK_MEM_H */
