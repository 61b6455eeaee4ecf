/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_BRIDGE_H
#define _SHADOWK_BRIDGE_H

#include <linux/pgtable.h>
#include <linux/types.h>

/* Under text_mutex. */
int shadowk_bridge_prepare(unsigned int idx);
bool shadowk_bridge_prepared(unsigned int idx);
pte_t shadowk_bridge_pte(unsigned int idx, unsigned int i);
pte_t shadowk_bridge_kernel_pte(unsigned int idx, unsigned int i);
unsigned int shadowk_bridge_sync(void);

/* Any time: the page tables are read once. */
pgd_t shadowk_bridge_top(void);

void shadowk_bridge_exit(void);

#endif /* _SHADOWK_BRIDGE_H */
