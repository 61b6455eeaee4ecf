/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_MIRROR_H
#define _SHADOWK_MIRROR_H

#include <linux/init.h>

struct shadowk_clone;

void shadowk_mirror_track(struct shadowk_clone *clone);
void shadowk_mirror_forget(struct shadowk_clone *clone);

int __init shadowk_mirror_init(void);
void shadowk_mirror_exit(void);

#endif /* _SHADOWK_MIRROR_H */
