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
struct task_struct;

/*
 * The clone a bound cgroup gives @task, and that cgroup's id, or NULL:
 * called under rcu_read_lock() and shadowk's bind lock.  cgroup.c's, so
 * that binding needs to know nothing of cgroups.
 */
typedef struct shadowk_clone *(*shadowk_bind_member_fn)(struct task_struct *task,
						       u64 *cgroup_id);

int shadowk_bind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bind_unbind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bind_process_info_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_bind_list_ioctl(struct shadowk_ucmd *ucmd);

unsigned int shadowk_bind_count(struct shadowk_clone *clone, u64 cgroup_id);
int shadowk_bind_settle(struct mm_struct *mm, struct task_struct *task,
			shadowk_bind_member_fn member);
unsigned int shadowk_bind_detach_cgroup(u64 cgroup_id);
void shadowk_bind_detach_clone(struct shadowk_clone *clone);
void shadowk_bind_detach_all(void);
atomic64_t *shadowk_bind_counter(struct mm_struct *mm, unsigned int slot);
void shadowk_bind_counter_reset(struct shadowk_clone *clone,
				unsigned int slot);

/* For follow.c: the clone @mm is bound to, its flags and how, referenced. */
struct shadowk_clone *shadowk_bind_of(struct mm_struct *mm, u32 *flags,
				      u32 *bound_by);
void shadowk_bind_new_fork(struct task_struct *child,
			   struct shadowk_clone *clone, u32 flags,
			   shadowk_bind_member_fn member);
void shadowk_bind_new_exec(struct mm_struct *mm, struct shadowk_clone *clone,
			   u32 flags, shadowk_bind_member_fn member);
bool shadowk_bind_is_bound(struct mm_struct *mm);

int __init shadowk_bind_init(void);
void shadowk_bind_exit(void);

#endif /* _SHADOWK_BIND_H */
