// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: make ftrace stop working, as it does when it finds kernel
 * text not as it expects, on writing 1 to its "kill" parameter (possible
 * after lockdown, which forbids loading it).  For the VM only: ftrace
 * stays dead until reboot.  The call goes through a pointer found by
 * kallsyms, which kernel IBT would refuse on real hardware if the
 * kernel sealed ftrace_kill()'s ENDBR; the VM does not enforce IBT.
 *
 *   insmod sk_ftrace_kill.ko; echo 1 > /sys/module/sk_ftrace_kill/parameters/kill
 */

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int sk_ftrace_kill_set(const char *val, const struct kernel_param *kp)
{
	struct kprobe probe = {
		.symbol_name = "ftrace_kill",
		.flags = KPROBE_FLAG_DISABLED,
	};
	void (*kill)(void);
	int err;

	if (strcmp(val, "1") && strcmp(val, "1\n"))
		return -EINVAL;
	/* Its address without registering anything live on it. */
	err = register_kprobe(&probe);
	if (err)
		return err;
	kill = (void *)probe.addr;
	unregister_kprobe(&probe);
	pr_info("killing ftrace\n");
	kill();
	return 0;
}

static const struct kernel_param_ops sk_ftrace_kill_ops = {
	.set = sk_ftrace_kill_set,
};
module_param_cb(kill, &sk_ftrace_kill_ops, NULL, 0200);
MODULE_PARM_DESC(kill, "write 1 to make ftrace stop working for good");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadowk selftest: ftrace's death on demand");
