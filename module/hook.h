/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOWK_HOOK_H
#define _SHADOWK_HOOK_H

#include <linux/ftrace.h>

/* A function-entry callback on one kernel function, through ftrace. */
struct shadowk_hook {
	const char *symbol;
	ftrace_func_t func;
	unsigned long flags;	/* FTRACE_OPS_FL_* besides PERMANENT */
	struct ftrace_ops ops;
	bool registered;
};

int shadowk_hook_register(struct shadowk_hook *hook);
void shadowk_hook_unregister(struct shadowk_hook *hook);

#endif /* _SHADOWK_HOOK_H */
