/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_CGROUP_H
#define _SHADOWK_CGROUP_H

#include <linux/init.h>
#include <linux/types.h>

struct shadowk_clone;
struct shadowk_ucmd;
struct task_struct;

int shadowk_cgroup_bind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_cgroup_unbind_ioctl(struct shadowk_ucmd *ucmd);
int shadowk_cgroup_list_ioctl(struct shadowk_ucmd *ucmd);

/* For follow.c: fork and exec of a process a bound cgroup may take. */
void shadowk_cgroup_on_fork(struct task_struct *child);
struct shadowk_clone *shadowk_cgroup_member(struct task_struct *task,
					    u64 *cgroup_id);

/* For lifecycle.c. */
unsigned int shadowk_cgroup_count(struct shadowk_clone *clone);
void shadowk_cgroup_clone_end(struct shadowk_clone *clone);

int __init shadowk_cgroup_init(void);
void shadowk_cgroup_exit(void);

#endif /* _SHADOWK_CGROUP_H */
