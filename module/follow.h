/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_FOLLOW_H
#define _SHADOWK_FOLLOW_H

#include <linux/init.h>

int __init shadowk_follow_init(void);
void shadowk_follow_exit(void);

#endif /* _SHADOWK_FOLLOW_H */
