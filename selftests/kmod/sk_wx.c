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

/* The leaf entry for @va in the page tables this CPU runs on, as a pfn. */
static int sk_wx_walk(unsigned long va, unsigned long *pfn)
{
	pgd_t *pgd = (pgd_t *)__va(read_cr3_pa()) + pgd_index(va);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	if (pgd_none(*pgd))
		return -EFAULT;
	p4d = p4d_offset(pgd, va);
	if (p4d_none(*p4d))
		return -EFAULT;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud))
		return -EFAULT;
	if (pud_leaf(*pud)) {
		*pfn = pud_pfn(*pud) + ((va & ~PUD_MASK) >> PAGE_SHIFT);
		return 0;
	}
	pmd = pmd_offset(pud, va);
	if (pmd_none(*pmd))
		return -EFAULT;
	if (pmd_leaf(*pmd)) {
		*pfn = pmd_pfn(*pmd) + ((va & ~PMD_MASK) >> PAGE_SHIFT);
		return 0;
	}
	pte = pte_offset_kernel(pmd, va);
	if (!pte_present(*pte))
		return -EFAULT;
	*pfn = pte_pfn(*pte);
	return 0;
}

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
	err = sk_wx_walk(va, &pfn);
	local_irq_restore(flags);
	if (err)
		return err;
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
