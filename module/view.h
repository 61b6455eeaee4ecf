/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_VIEW_H
#define _SHADOWK_VIEW_H

#include <linux/pgtable.h>
#include <linux/types.h>

struct mm_struct;

void shadowk_view_set(struct mm_struct *mm, pgd_t view);
pgd_t shadowk_view_kernel(void);
pgd_t shadowk_view_via(pgd_t to);
bool shadowk_view_set_here(struct mm_struct *mm, pgd_t to);

#endif /* _SHADOWK_VIEW_H */
