// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: is the page the caller's own page tables map at a kernel
 * text address a private frame, and is it then unwritable through the
 * direct map?  Writing an address to the "check" parameter walks the
 * writer's loaded page tables for it and fails the write with:
 *
 *   ENOENT   the address maps the kernel's own frame (not a private one)
 *   EPERM    a private frame whose direct-map alias is present and writable
 *   EFAULT   the address is not mapped
 *
 *   echo 0xffffffff81234560 > /sys/module/sk_wx/parameters/check
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>

#include <asm/pgtable.h>

#include "sk_walk.h"

static int sk_wx_check(const char *val, const struct kernel_param *kp)
{
	unsigned long va, pfn, flags;
	unsigned int level;
	pte_t *alias;
	int err;

	err = kstrtoul(val, 0, &va);
	if (err)
		return err;
	local_irq_save(flags);
	err = sk_walk(va, &pfn, &level);
	local_irq_restore(flags);
	if (err)
		return -EFAULT;
	if (pfn == __pa_symbol(va) >> PAGE_SHIFT)
		return -ENOENT;
	alias = lookup_address((unsigned long)pfn_to_kaddr(pfn), &level);
	if (alias && pte_present(*alias) && pte_write(*alias)) {
		pr_info("private frame %lx of %lx is writable in the direct map\n",
			pfn, va);
		return -EPERM;
	}
	return 0;
}

static const struct kernel_param_ops sk_wx_ops = {
	.set = sk_wx_check,
};
module_param_cb(check, &sk_wx_ops, NULL, 0200);
MODULE_PARM_DESC(check, "a kernel text address to check in the writer's view");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadowk selftest: private text frames are not writable");
