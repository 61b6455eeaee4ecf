/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_BIND_H
#define _SHADOWK_BIND_H

#include <linux/init.h>

struct shadowk_clone;
struct shadowk_ucmd;

int shadowk_bind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_unbind_ioctl(struct shadowk_ucmd *ucmd);

unsigned int shadowk_bind_count(struct shadowk_clone *clone);
void shadowk_bind_detach_clone(struct shadowk_clone *clone);

int __init shadowk_bind_init(void);
void shadowk_bind_exit(void);

#endif /* _SHADOWK_BIND_H */
