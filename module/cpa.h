/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_CPA_H
#define _SHADOWK_CPA_H

#include <linux/init.h>

void shadowk_cpa_settle(void);

int __init shadowk_cpa_init(void);
void shadowk_cpa_exit(void);

#endif /* _SHADOWK_CPA_H */
