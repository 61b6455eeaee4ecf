// SPDX-License-Identifier: GPL-2.0
/*
 * Function-entry callbacks on kernel functions.  ftrace rather than kprobes:
 * kprobes on ftrace sites silently skip a handler when another kprobe is
 * running on the same CPU, and shadowk must never miss a call.  The ops are
 * permanent, so kernel.ftrace_enabled cannot be cleared under them.
 */

#include <linux/ftrace.h>

#include "hook.h"
#include "ksyms.h"

int shadowk_hook_register(struct shadowk_hook *hook)
{
	unsigned long addr = shadowk_ksyms_kallsyms_lookup_name(hook->symbol);
	int err;

	if (!addr) {
		pr_err("cannot resolve kernel symbol %s\n", hook->symbol);
		return -ENOENT;
	}
	hook->ops.func = hook->func;
	hook->ops.flags = FTRACE_OPS_FL_PERMANENT | hook->flags;
	err = ftrace_set_filter_ip(&hook->ops, addr, 0, 0);
	if (err) {
		pr_err("cannot hook %s (%d)\n", hook->symbol, err);
		return err;
	}
	err = register_ftrace_function(&hook->ops);
	if (err) {
		ftrace_set_filter_ip(&hook->ops, addr, 1, 0);
		pr_err("cannot hook %s (%d)\n", hook->symbol, err);
		return err;
	}
	hook->registered = true;
	return 0;
}

void shadowk_hook_unregister(struct shadowk_hook *hook)
{
	if (!hook->registered)
		return;
	unregister_ftrace_function(&hook->ops);
	ftrace_free_filter(&hook->ops);
	hook->registered = false;
}
