// SPDX-License-Identifier: GPL-2.0
/*
 * Function-entry callbacks on kernel functions.  ftrace rather than kprobes:
 * kprobes on ftrace sites silently skip a handler when another kprobe is
 * running on the same CPU, and shadowk must never miss a call.  The ops are
 * permanent, so kernel.ftrace_enabled cannot be cleared under them.
 */

#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>

#include "hook.h"
#include "ksyms.h"

/*
 * GCC may have made a copy of a function for some of its callers (a
 * constant-propagated or split-off one): calls there would miss the hook.
 */
static bool shadowk_hook_has_clone(const char *symbol)
{
	static const char *const suffixes[] = {
		".constprop.0", ".isra.0", ".part.0", ".constprop.0.isra.0",
	};
	char name[KSYM_NAME_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		snprintf(name, sizeof(name), "%s%s", symbol, suffixes[i]);
		if (shadowk_ksyms_kallsyms_lookup_name(name))
			return true;
	}
	return false;
}

int shadowk_hook_register(struct shadowk_hook *hook)
{
	unsigned long addr = shadowk_ksyms_kallsyms_lookup_name(hook->symbol);
	int err;

	if (!addr) {
		pr_err("cannot resolve kernel symbol %s\n", hook->symbol);
		return -ENOENT;
	}
	if (shadowk_hook_has_clone(hook->symbol)) {
		pr_err("refusing to load: the kernel has a compiler-made copy of %s, whose callers shadowk could not follow\n",
		       hook->symbol);
		return -EOPNOTSUPP;
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

/*
 * A callback could not be removed at unload (ftrace stopped working, see
 * health.c): freeing the module now would leave the kernel calling freed
 * code.  Wait for ever instead.
 */
static void __noreturn shadowk_hook_stuck(const char *symbol, int err)
{
	pr_crit("cannot remove the callback on %s (%d), ftrace having stopped working: this unload never finishes\n",
		symbol, err);
	for (;;)
		msleep_interruptible(MSEC_PER_SEC);
}

/* Only ever fails once ftrace is dead; then unload must not finish. */
void shadowk_hook_unregister(struct shadowk_hook *hook)
{
	int err;

	if (!hook->registered)
		return;
	err = unregister_ftrace_function(&hook->ops);
	if (err)
		shadowk_hook_stuck(hook->symbol, err);
	ftrace_free_filter(&hook->ops);
	hook->registered = false;
}
