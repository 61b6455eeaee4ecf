/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_ENV_H
#define _SHADOWK_ENV_H

#include <linux/init.h>
#include <linux/types.h>

int __init shadowk_env_init(void);
u32 shadowk_env_flags(void);

#endif /* _SHADOWK_ENV_H */
