/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_HEALTH_H
#define _SHADOWK_HEALTH_H

#include <linux/init.h>
#include <linux/types.h>

bool shadowk_health_dead(void);
int shadowk_health_check(void);

int __init shadowk_health_init(void (*unbind_all)(void));
void shadowk_health_exit(void);

#endif /* _SHADOWK_HEALTH_H */
