/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_VIEW_H
#define _SHADOWK_VIEW_H

#include <linux/init.h>

void shadowk_view_site_added(void);
void shadowk_view_site_removed(void);

int __init shadowk_view_init(void);
void shadowk_view_exit(void);

#endif /* _SHADOWK_VIEW_H */
