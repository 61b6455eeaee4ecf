/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_GUARD_H
#define _SHADOWK_GUARD_H

#include <linux/init.h>

/* Sleepable; never under text_mutex (they may patch a static key). */
void shadowk_guard_site_added(void);
void shadowk_guard_site_removed(void);

int __init shadowk_guard_init(void);
void shadowk_guard_exit(void);

#endif /* _SHADOWK_GUARD_H */
