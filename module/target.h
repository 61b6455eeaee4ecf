/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_TARGET_H
#define _SHADOWK_TARGET_H

#include <linux/types.h>

struct shadowk_clone;
struct shadowk_func;

int shadowk_target_get(u32 clone_id, const struct shadowk_func *func,
		       struct shadowk_clone **clonep, unsigned long *sitep);
int shadowk_target_get_change(u32 clone_id, const struct shadowk_func *func,
			      struct shadowk_clone **clonep,
			      unsigned long *sitep);
bool shadowk_target_is_syscall(const char *symbol, unsigned long site);
bool shadowk_target_func_is_syscall(const struct shadowk_func *func,
				    unsigned long site);
char *shadowk_target_name(const struct shadowk_func *func, unsigned long site);

#endif /* _SHADOWK_TARGET_H */
