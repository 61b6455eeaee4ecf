/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_FAULT_H
#define _SHADOWK_FAULT_H

#include <linux/init.h>
#include <linux/types.h>

struct dentry;

/*
 * Test-only fault injection: with the module parameter fault_injection=1,
 * debugfs shadowk/fail_nth makes the n-th allocation of the task that
 * wrote it fail.  Every allocation shadowk makes asks here first.
 */
bool shadowk_fault_should_fail(void);

int __init shadowk_fault_init(struct dentry *dir);
void shadowk_fault_exit(void);

#endif /* _SHADOWK_FAULT_H */
