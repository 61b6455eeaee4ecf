/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_POKE_H
#define _SHADOWK_POKE_H

#include <linux/init.h>

struct shadowk_clone;

void shadowk_poke_track(struct shadowk_clone *clone);
void shadowk_poke_forget(struct shadowk_clone *clone);

int __init shadowk_poke_init(void);
void shadowk_poke_exit(void);

#endif /* _SHADOWK_POKE_H */
