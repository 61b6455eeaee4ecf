/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the test modules: the leaf entry for a kernel address in the page
 * tables this CPU has loaded (the caller's view, bound or not), not in
 * init_mm's.  Call with interrupts off, so the tables stay loaded.
 */
#ifndef SK_WALK_H
#define SK_WALK_H

#include <linux/pgtable.h>

#include <asm/pgtable.h>

/*
 * The size of @va's leaf (*@level) and its frame: 0 if present, -ENOENT
 * if not (the frame then as the entry holds it); -EFAULT if a table on the
 * way is missing.
 */
static inline int sk_walk(unsigned long va, unsigned long *pfn,
			  unsigned int *level)
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
		*level = PG_LEVEL_1G;
		return 0;
	}
	pmd = pmd_offset(pud, va);
	if (pmd_none(*pmd))
		return -EFAULT;
	if (pmd_leaf(*pmd)) {
		*pfn = pmd_pfn(*pmd) + ((va & ~PMD_MASK) >> PAGE_SHIFT);
		*level = PG_LEVEL_2M;
		return 0;
	}
	pte = pte_offset_kernel(pmd, va);
	*pfn = pte_pfn(*pte);
	*level = PG_LEVEL_4K;
	return pte_present(*pte) ? 0 : -ENOENT;
}

#endif
