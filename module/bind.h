/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_BIND_H
#define _SHADOWK_BIND_H

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/types.h>

#include <uapi/linux/shadowk.h>

#include "limits.h"

/* Twice the injections: a replaced one's slot stays in use a while. */
#define SHADOWK_BIND_COUNTERS	(2 * SHADOWK_MAX_INJECTS)

struct mm_struct;
struct shadowk_clone;
struct shadowk_ucmd;

int shadowk_bind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bind_unbind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bind_process_info_ioctl(struct shadowk_ucmd *ucmd);

unsigned int shadowk_bind_count(struct shadowk_clone *clone);
void shadowk_bind_detach_clone(struct shadowk_clone *clone);
void shadowk_bind_detach_all(void);
atomic64_t *shadowk_bind_counter(struct mm_struct *mm, unsigned int slot);
void shadowk_bind_counter_reset(struct shadowk_clone *clone,
				unsigned int slot);

/* For follow.c: the clone @mm is bound to and its flags, referenced. */
struct shadowk_clone *shadowk_bind_of(struct mm_struct *mm, u32 *flags);
void shadowk_bind_new_fork(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags);
void shadowk_bind_new_exec(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags);
bool shadowk_bind_is_bound(struct mm_struct *mm);

int __init shadowk_bind_init(void);
void shadowk_bind_exit(void);

#endif /* _SHADOWK_BIND_H */
